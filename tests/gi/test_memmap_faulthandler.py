# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.MemmapIterator and Python's faulthandler, which installs a SIGBUS
handler of its own: a file cut while a buffer is copied out of the mapping
gives a GLib.Error whether faulthandler was enabled before or after the
iterator was made, and gdci leaves faulthandler's handler in place."""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not pathlib.Path("/proc/self/smaps").exists(),
                                reason="needs Linux's /proc/self/smaps")

ROWS, ROW = 64, 1 << 20   # a 64 MiB buffer: a copy of four 16 MiB strips

# Run in a child of its own, whose SIGBUS handlers the test controls.
SCRIPT = textwrap.dedent("""
    import ctypes, faulthandler, os, signal, sys, threading, time
    import gi
    gi.require_version("Gdci", "1.0")
    from gi.repository import Gdci, GLib

    ROWS, ROW = %(rows)d, %(row)d
    mode, path = sys.argv[1], sys.argv[2]
    libc = ctypes.CDLL(None, use_errno=True)

    def sigbus_handler():
        # struct sigaction begins with the handler on glibc
        action = ctypes.create_string_buffer(512)
        assert libc.sigaction(signal.SIGBUS, None, action) == 0
        return ctypes.c_void_p.from_buffer(action).value

    def resident_kb(path):
        # how much of the file this process has in memory
        with open("/proc/self/smaps") as smaps:
            inside = False
            for line in smaps:
                fields = line.split()
                if "-" in fields[0] and len(fields) >= 5:
                    inside = line.rstrip().endswith(path)
                elif inside and fields[0] == "Rss:":
                    return int(fields[1])
        return 0

    def cut_during_copy(path, done):
        # the copy has begun once pages of the mapping are resident: the
        # size check is behind it, and the next strips are still to come
        while not done.is_set():
            if resident_kb(path) > 0:
                os.truncate(path, 4096)
                return
            time.sleep(0)

    def new_iterator():
        it = Gdci.MemmapIterator(path=path, dtype=Gdci.Dtype.UINT8,
                                 shape=GLib.Variant("at", [ROWS, ROW]),
                                 buffer_shape=GLib.Variant("at", [ROWS, ROW]),
                                 chunk_shape=GLib.Variant("at", [8, ROW]))
        it.init(None)
        return it

    def new_iterator_and_faulthandler():
        # faulthandler's handler, enabled before or after the iterator
        faulthandler.disable()
        if mode == "before":
            faulthandler.enable()
            handler = sigbus_handler()
        it = new_iterator()
        if mode == "after":
            faulthandler.enable()
            handler = sigbus_handler()
        return it, handler

    it, handler = new_iterator_and_faulthandler()
    # a busy machine may finish the copy before the cut: then again
    for attempt in range(20):
        done = threading.Event()
        cutter = threading.Thread(target=cut_during_copy, args=(path, done))
        cutter.start()
        try:
            Gdci.ChunkIterator.next(it)
        except GLib.Error as error:
            io = error.domain == "gdci-error-quark" and error.code == int(Gdci.Error.IO)
            print("error:", "IO" if io else (error.domain, error.code), error.message,
                  flush=True)
            break
        finally:
            done.set()
            cutter.join()
        del it
        os.truncate(path, ROWS * ROW)
        it, handler = new_iterator_and_faulthandler()
    else:
        print("the copy always finished before the cut", flush=True)
    print("handler kept:", sigbus_handler() == handler, flush=True)

    # a SIGBUS that is not gdci's reaches faulthandler, as without gdci
    signal.raise_signal(signal.SIGBUS)
    print("survived SIGBUS", flush=True)
""") % {"rows": ROWS, "row": ROW}


@pytest.mark.parametrize("mode", ["before", "after"])
def test_file_cut_during_a_copy_with_faulthandler(tmp_path, mode):
    path = tmp_path / "recording.bin"
    with open(path, "wb") as f:
        f.truncate(ROWS * ROW)   # sparse: zeros, quick to write
    env = dict(os.environ)
    env.pop("PYTHONFAULTHANDLER", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(path)],
                            env=env, capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()

    message = f"'{path}' was truncated while being read: a page of the mapped file is gone"
    assert len(lines) == 2, (result.stdout, result.stderr)
    assert lines[0].startswith("error: IO "), (result.stdout, result.stderr)
    assert lines[0].endswith(message), (result.stdout, result.stderr)
    assert lines[1] == "handler kept: True", (result.stdout, result.stderr)
    # faulthandler reported nothing until the SIGBUS raised on purpose...
    before_raise = result.stderr.split("Fatal Python error: Bus error")
    assert len(before_raise) == 2, result.stderr
    assert "Fatal Python error" not in before_raise[0], result.stderr
    # ...which ended the process, as without gdci
    assert result.returncode != 0
    if "AddressSanitizer" not in result.stderr:
        assert result.returncode == -signal.SIGBUS, result.stderr
