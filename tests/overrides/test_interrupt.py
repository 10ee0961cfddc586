# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ctrl-C during Gdci.H5Writer.write(): it cancels the write, which rolls
back, then raises KeyboardInterrupt; and whatever happens (success, an
error, an exception of a Python source, a cancellation, a failure to set
up, nested writes, a write from another thread), the process's signal
handling is left exactly as it was: the SIGINT handler, the wakeup fd, the
signals caught, and no thread left running. Importing or using gdci from
Python installs no process-wide signal handler."""

import os
import signal
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest
from gi.repository import Gdci, Gio, GLib
from overrides_helpers import ArraySource, NumpyIterator, cancelling_source, read_dataset

OVERRIDES = sys.modules["gi.overrides.Gdci"]
ARRAY = np.arange(3000 * 48, dtype="int16").reshape(3000, 48)


def small_source(**settings):
    settings.setdefault("buffer_shape", (1000, 48))
    settings.setdefault("chunk_shape", (250, 24))
    return Gdci.ArrayIterator.from_numpy(ARRAY, **settings)


def caught_signals():
    """The signals this process catches, as the kernel sees them."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(line.split()[1] for line in f if line.startswith("SigCgt:"))


def wakeup_fd():
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd, warn_on_full_buffer=False)
    return fd


def signal_state():
    return (signal.getsignal(signal.SIGINT), wakeup_fd(), caught_signals(), threading.active_count())


@pytest.fixture
def previous_wakeup_fd():
    """A wakeup fd set before the write, as asyncio sets one: the write
    must give it back."""
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    previous = signal.set_wakeup_fd(ours.fileno(), warn_on_full_buffer=False)
    try:
        yield ours.fileno(), theirs
    finally:
        signal.set_wakeup_fd(previous)
        ours.close()
        theirs.close()


# ---- Ctrl-C ----------------------------------------------------------------

# a source that presses Ctrl-C while it reads its second buffer, then
# waits for the write to be cancelled
INTERRUPTING_SOURCE = """
import os, signal, socket, threading
import numpy as np
from gi.repository import Gdci, Gio

cancelled = threading.Event()
cancellable = Gio.Cancellable()
cancellable.connect(lambda *args: cancelled.set())


class Interrupting(Gdci.ChunkIterator):
    def do_get_data(self, selection):
        if selection.get_start(0) == 100:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while writing
            if not cancelled.wait(120):
                raise RuntimeError("the write was not cancelled")
        return np.zeros(tuple(selection.get_shape()), "int16")

    def do_get_maxshape(self):
        return (1000, 10)

    def do_get_dtype(self):
        return "int16"


def write():
    Gdci.H5Writer().write(Interrupting(buffer_shape=(100, 10), chunk_shape=(50, 10)), "out.h5",
                          cancellable=cancellable)
"""

INTERRUPTED_WRITE = INTERRUPTING_SOURCE + """
threads = threading.active_count()
try:
    write()
except KeyboardInterrupt as error:
    print(f"KeyboardInterrupt after {type(error.__context__).__name__}: {error.__context__.message}")
print(os.listdir("."))
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, signal.set_wakeup_fd(-1),
      threading.active_count() == threads)
"""


def test_ctrl_c_cancels_a_blocking_write(tmp_path):
    """Ctrl-C during write() cancels it: the file is rolled back, then
    KeyboardInterrupt is raised, and the signal handling is as before."""
    result = subprocess.run([sys.executable, "-c", INTERRUPTED_WRITE], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["KeyboardInterrupt after Error: Operation was cancelled", "[]",
                                          "True -1 True"]


def test_own_sigint_handler_is_kept(tmp_path):
    def handler(signum, frame):
        pass

    previous = signal.signal(signal.SIGINT, handler)
    try:
        Gdci.H5Writer().write(small_source(), tmp_path / "out.h5")
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_write_from_another_thread(tmp_path):
    errors = []

    def write():
        try:
            Gdci.H5Writer(compression="gzip").write(small_source(), tmp_path / "out.h5")
        except BaseException as error:  # noqa: B036: handed to the test
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == []
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)


FORWARDED_WAKEUP = INTERRUPTING_SOURCE + """
ours, theirs = socket.socketpair()
ours.setblocking(False)
signal.set_wakeup_fd(ours.fileno())
try:
    write()
except KeyboardInterrupt:
    print("KeyboardInterrupt")
print(signal.set_wakeup_fd(-1) == ours.fileno(), theirs.recv(16) == bytes([signal.SIGINT]))
"""


def test_ctrl_c_reaches_a_wakeup_fd_set_before(tmp_path):
    """A wakeup fd set before the write (asyncio's) still gets the signal
    during the write, and is set again after it."""
    result = subprocess.run([sys.executable, "-c", FORWARDED_WAKEUP], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["KeyboardInterrupt", "True True"]
    assert os.listdir(tmp_path) == []


def fail_at_2000():
    return ArraySource(ARRAY, fail_at=2000, error=KeyError("no such channel"), buffer_shape=(1000, 48),
                       chunk_shape=(500, 48))


@pytest.mark.parametrize("outcome", ["written", "GLib.Error", "Python exception", "cancelled", "drop-in"])
def test_signal_handling_is_left_as_it_was(tmp_path, previous_wakeup_fd, outcome):
    fd, _theirs = previous_wakeup_fd
    before = signal_state()
    assert before[:2] == (signal.default_int_handler, fd)
    path = tmp_path / "out.h5"
    if outcome == "written":
        Gdci.H5Writer().write(small_source(), path)
    elif outcome == "GLib.Error":
        path.write_text("not HDF5")
        with pytest.raises(GLib.Error, match="is not an HDF5 file"):
            Gdci.H5Writer().write(small_source(), path)
    elif outcome == "Python exception":
        with pytest.raises(KeyError, match="no such channel"):
            Gdci.H5Writer().write(fail_at_2000(), path)
    elif outcome == "cancelled":
        cancellable = Gio.Cancellable()
        with pytest.raises(GLib.Error, match="cancelled"):
            Gdci.H5Writer().write(cancelling_source(cancellable, 1000, ARRAY, buffer_shape=(500, 48),
                                                    chunk_shape=(250, 48)), path,
                                  cancellable=cancellable)
    else:
        Gdci.H5Writer().write(NumpyIterator(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48)), path)
    assert signal_state() == before


@pytest.mark.parametrize("failing", ["set_wakeup_fd", "signal", "Thread.start"])
def test_a_failed_set_up_leaves_nothing_behind(tmp_path, previous_wakeup_fd, monkeypatch, failing):
    """When Ctrl-C handling cannot be set up, the write goes on without it,
    and what was set up is undone."""
    before = signal_state()
    real = {"set_wakeup_fd": signal.set_wakeup_fd, "signal": signal.signal}
    calls = []

    def fail_on_first_call(name):
        def replacement(*args, **kwargs):
            calls.append(name)
            if calls.count(name) == 1:
                raise (ValueError if name == "set_wakeup_fd" else OSError)(f"{name} refused")
            return real[name](*args, **kwargs)
        return replacement

    def refuse_to_start(self):
        calls.append("Thread.start")
        raise RuntimeError("can't start new thread")

    if failing == "Thread.start":
        monkeypatch.setattr(threading.Thread, "start", refuse_to_start)
    else:
        monkeypatch.setattr(signal, failing, fail_on_first_call(failing))
    Gdci.H5Writer().write(small_source(), tmp_path / "out.h5")
    monkeypatch.undo()
    assert failing in calls
    assert signal_state() == before
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)


def test_nested_use_leaves_ctrl_c_to_the_outer_write():
    outer_cancellable, inner_cancellable = Gio.Cancellable(), Gio.Cancellable()
    before = signal_state()
    with pytest.raises(KeyboardInterrupt):
        with OVERRIDES._CancelOnInterrupt(outer_cancellable) as outer:
            assert signal.getsignal(signal.SIGINT) == outer._on_sigint
            with OVERRIDES._CancelOnInterrupt(inner_cancellable) as inner:
                assert inner.thread is None and signal.getsignal(signal.SIGINT) == outer._on_sigint
            assert signal.getsignal(signal.SIGINT) == outer._on_sigint
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
    assert outer_cancellable.is_cancelled() and not inner_cancellable.is_cancelled()
    assert signal_state() == before


def test_a_write_started_while_writing(tmp_path):
    """A write started from a progress handler of another write (both in
    the main thread) leaves Ctrl-C to the outer one, and both restore
    nothing but what they set."""
    before = signal_state()
    writer = Gdci.H5Writer()
    inner = []

    def on_progress(_writer, done, total):
        if not inner:
            inner.append(signal.getsignal(signal.SIGINT))
            Gdci.H5Writer().write(small_source(), tmp_path / "inner.h5")
            inner.append(signal.getsignal(signal.SIGINT))

    writer.connect("progress", on_progress)
    writer.write(small_source(), tmp_path / "outer.h5")
    assert inner[0] == inner[1] and inner[0] is not signal.default_int_handler
    assert signal_state() == before
    for name in ("inner.h5", "outer.h5"):
        np.testing.assert_array_equal(read_dataset(tmp_path / name)[0], ARRAY)


def test_write_from_another_thread_touches_no_signal(tmp_path, previous_wakeup_fd):
    """Python sets signal handlers only in the main thread: a write from
    another thread sets none, and takes nothing from the main thread's."""
    before = signal_state()
    seen = []

    def write():
        writer = Gdci.H5Writer()
        writer.connect("progress", lambda *args: seen.append(signal.getsignal(signal.SIGINT)))
        writer.write(small_source(), tmp_path / "out.h5")

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert seen and set(seen) == {signal.default_int_handler}
    assert signal_state() == before


NO_HANDLER_LEFT = """
import sys
sys.modules["hdmf"] = None  # gdci's own handling only
import signal, threading
import numpy as np
import gi
from gi.repository import GLib


def state():
    with open("/proc/self/status", encoding="ascii") as f:
        caught = next(line.split()[1] for line in f if line.startswith("SigCgt:"))
    handlers = {s: signal.getsignal(s) for s in signal.valid_signals() if signal.getsignal(s) is not None}
    return caught, handlers, signal.set_wakeup_fd(-1), threading.active_count()


# the C library's first thread makes it catch one of its own signals (33):
# a process that has had a thread catches it already
thread = threading.Thread(target=lambda: None)
thread.start()
thread.join()
before = state()
from gi.repository import Gdci
from gi.repository.Gdci import GenericDataChunkIterator
after_import = state()

array = np.arange(40000, dtype="int16").reshape(400, 100)


class Drop(GenericDataChunkIterator):
    def _get_data(self, selection):
        return array[selection]

    def _get_maxshape(self):
        return array.shape

    def _get_dtype(self):
        return array.dtype


list(Gdci.ArrayIterator.from_numpy(array, buffer_shape=(100, 100), chunk_shape=(50, 100)))
list(Drop(buffer_shape=(100, 100), chunk_shape=(50, 100)))
Gdci.H5Writer().write(Gdci.ArrayIterator.from_numpy(array), "a.h5")
Gdci.H5Writer().write(Drop(buffer_shape=(100, 100), chunk_shape=(50, 100)), "b.h5")
loop = GLib.MainLoop()
Gdci.H5Writer().write_async(Drop(), "c.h5", callback=lambda w, r: (w.write_finish(r), loop.quit()))
loop.run()
after_use = state()
print(before == after_import, before == after_use)
"""


def test_no_handler_left_by_import_or_use(tmp_path):
    result = subprocess.run([sys.executable, "-c", NO_HANDLER_LEFT], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "True True\n"
