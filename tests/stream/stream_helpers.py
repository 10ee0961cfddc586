# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the stream tests share: frames whose every value derives from the
frame's index (so that any frame read back can be checked bit for bit),
the HDF5 plugin path, and the child processes (stream_child.py, which
records, and stream_reader.py, which reads a recording as it grows) that
speak JSON, one event a line."""

import glob
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_ROOT = os.environ.get("GDCI_BUILD_ROOT", "")
# gdci's filter plugins (zstd, Bitshuffle) and Debian's (LZ4, Blosc); HDF5
# 1.10 gives up its search at a directory that does not exist
_PLUGIN_DIRS = [os.environ.get("GDCI_H5_PLUGIN_DIR") or os.path.join(BUILD_ROOT, "plugins"),
                *sorted(glob.glob("/usr/lib/*/hdf5/serial/plugins"))]
PLUGIN_PATH = ":".join(d for d in _PLUGIN_DIRS if os.path.isdir(d))

# under AddressSanitizer every process starts and runs several times slower
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")

# the kill test's random moments and settings come from this seed; 20
# kills (10 under the sanitizer, where every process starts slowly)
KILL_SEED = int(os.environ.get("GDCI_STREAM_KILL_SEED", "20240611"))
KILL_RUNS = int(os.environ.get("GDCI_STREAM_KILL_RUNS", "10" if SANITIZED else "20"))
KILL_SEED_USED = False


def frames(first, count, frame_shape, dtype="int16"):
    """Frames first..first+count-1, an array of shape (count, *frame_shape):
    every value derives from its frame's index and its place in the frame
    (a ramp, and a few bits of a hash of both), so that no two frames are
    alike, no frame is all zeros, and the codecs have something to do"""
    dtype = np.dtype(dtype).newbyteorder("=")
    shape = tuple(frame_shape)
    index = np.arange(first, first + count, dtype=np.uint64).reshape((count,) + (1,) * len(shape))
    element = np.arange(math.prod(shape), dtype=np.uint64).reshape(shape)
    with np.errstate(over="ignore"):
        bits = (index + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15) + \
            element * np.uint64(0xBF58476D1CE4E5B9)
        bits ^= bits >> np.uint64(31)
        bits *= np.uint64(0x94D049BB133111EB)
        bits ^= bits >> np.uint64(29)
    ramp = (index * np.uint64(7) + element * np.uint64(3)) % np.uint64(4093)
    values = ramp * np.uint64(8) + (bits & np.uint64(7))
    if dtype.kind == "f":
        return values.astype(dtype)
    unsigned = np.dtype(f"u{dtype.itemsize}")
    return values.astype(unsigned).view(dtype)


def assert_frames(actual, first, frame_shape, dtype="int16", what="the frames"):
    """@actual holds frames first.. bit for bit (the first difference named
    otherwise)"""
    dtype = np.dtype(dtype)
    actual = np.asarray(actual)
    assert actual.dtype == dtype, f"{what}: {actual.dtype} read back, not {dtype}"
    assert actual.shape[1:] == tuple(frame_shape), f"{what}: frames of shape {actual.shape[1:]}"
    unsigned = np.dtype(f"u{dtype.itemsize}")
    got = np.ascontiguousarray(actual).view(unsigned)
    expected = frames(first, len(actual), frame_shape, dtype).view(unsigned)
    if not np.array_equal(got, expected):
        bad = tuple(np.argwhere(got != expected)[0])
        raise AssertionError(f"{what}: frame {first + bad[0]} differs at {bad[1:]}: "
                             f"{got[bad]:#x} read, {expected[bad]:#x} written "
                             f"({int(np.count_nonzero(got != expected))} values differ)")


class Child:
    """A Python child process (a script of this folder with a JSON
    configuration) that prints JSON events, one a line. It inherits this
    process's environment: the build tree's library and overrides, the
    sanitizer's runtime, HDF5_PLUGIN_PATH."""

    def __init__(self, script, config, stdin=False, preexec_fn=None, wrapper=()):
        self.process = subprocess.Popen(
            [*wrapper, sys.executable, os.path.join(HERE, script), json.dumps(config)],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=dict(os.environ), preexec_fn=preexec_fn)
        self._queue = queue.Queue()
        self.events = []
        self._stderr = []
        self._threads = [threading.Thread(target=self._read_events, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _read_events(self):
        for line in self.process.stdout:
            try:
                self._queue.put(json.loads(line))
            except ValueError:
                self._queue.put({"event": "garbled", "line": line})
        self._queue.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self._stderr.append(line)

    @property
    def stderr(self):
        return "".join(self._stderr)

    def next_event(self, timeout):
        """The next event (also kept in self.events), or None at the end of
        the output or after @timeout seconds"""
        try:
            event = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if event is None:
            self._queue.put(None)
            return None
        self.events.append(event)
        return event

    def wait_for(self, name, timeout=60):
        """The next event called @name; fails if the child ends or takes
        longer than @timeout seconds"""
        deadline = time.monotonic() + timeout
        while True:
            event = self.next_event(max(0.0, deadline - time.monotonic()))
            if event is None:
                raise AssertionError(f"no {name!r} event from {self.describe()}")
            if event["event"] == name:
                return event

    def drain(self, seconds):
        """Collects events for @seconds"""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.next_event(max(0.0, deadline - time.monotonic()))

    def send(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def finish(self, timeout=120):
        """Waits for the child's end; its status. Every event it printed is
        then in self.events."""
        try:
            status = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        for thread in self._threads:
            thread.join(timeout=30)
        while self.next_event(0) is not None:
            pass
        return status

    def of(self, name):
        """The events called @name so far"""
        return [event for event in self.events if event["event"] == name]

    def describe(self):
        status = self.process.poll()
        return (f"the child {self.process.args[-2]} (status {status}; events {self.events[-5:]}; "
                f"stderr: {self.stderr[-3000:]!r})")


def last_durable(child):
    """The frames durable by the child's last report (0 if none)"""
    reports = [event["frames"] for event in child.of("durable")]
    assert reports == sorted(reports), f"frames_durable went down: {reports}"
    return reports[-1] if reports else 0


def hidden_files(directory):
    """The names in @directory that begin with a dot"""
    return sorted(name for name in os.listdir(directory) if name.startswith("."))
