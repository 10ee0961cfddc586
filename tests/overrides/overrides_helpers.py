# SPDX-License-Identifier: LGPL-2.1-or-later
"""Data sources and helpers shared by the tests of the Python overrides:
numpy-backed iterators as users write them with the overrides (a drop-in
subclass and a Gdci.ChunkIterator subclass), a progress bar class that
records its calls, and the reading and async-writing steps the writer
tests repeat."""

import threading

import h5py
from gi.repository import Gdci, GLib
from gi.repository.Gdci import GenericDataChunkIterator


class NumpyIterator(GenericDataChunkIterator):
    """The drop-in over a numpy array, as hdmf's tutorial writes it."""

    def __init__(self, array, **kwargs):
        self.array = array
        super().__init__(**kwargs)

    def _get_data(self, selection):
        return self.array[selection]

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


class ArraySource(Gdci.ChunkIterator):
    """A Gdci.ChunkIterator over a numpy array as a Python user writes it
    with the overrides: numpy values from its virtual methods. It counts
    its reads and the threads they ran in; fail_at makes reading the buffer
    that starts at that row raise error."""

    def __init__(self, array, fail_at=None, error=None, **kwargs):
        self.array = array
        self.fail_at = fail_at
        self.error = error
        self.reads = 0
        self.threads = set()
        super().__init__(**kwargs)

    def do_get_data(self, selection):
        self.reads += 1
        self.threads.add(threading.get_ident())
        if self.fail_at is not None and selection.get_start(0) == self.fail_at:
            raise self.error
        return self.array[selection.to_slices()]  # a numpy array

    def do_get_maxshape(self):
        return self.array.shape  # a tuple

    def do_get_dtype(self):
        return self.array.dtype  # a numpy dtype


def cancelling_source(cancellable, at_row, *args, **kwargs):
    """An ArraySource that cancels cancellable when it reads the buffer that
    starts at at_row."""

    class Cancelling(ArraySource):
        def do_get_data(self, selection):
            if selection.get_start(0) == at_row:
                cancellable.cancel()
            return super().do_get_data(selection)

    return Cancelling(*args, **kwargs)


class RecordingBar:
    """A progress bar class for progress_bar_class: records its calls, and
    the thread of each update."""

    instances = []

    def __init__(self, total, **options):
        self.total = total
        self.options = options
        self.updates = []
        self.threads = []
        self.closed = False
        self.closes = 0
        RecordingBar.instances.append(self)

    def update(self, n=1):
        self.updates.append(n)
        self.threads.append(threading.get_ident())

    def close(self):
        self.closed = True
        self.closes += 1


def read_dataset(path, name="/data"):
    """The data of a dataset and its storage settings."""
    with h5py.File(path, "r") as f:
        dset = f[name]
        return dset[...], dset.chunks, dset.compression, dset.compression_opts, dset.shuffle, dset.fletcher32


def run_async(writer, *args, **kwargs):
    """write_async() in a main loop: the callback's arguments, and what
    write_finish() raised (or None)."""
    loop = GLib.MainLoop()
    outcome = {}

    def done(source_object, result, *user_data):
        outcome["call"] = (source_object, user_data, threading.get_ident())
        try:
            outcome["returned"] = source_object.write_finish(result)
        except BaseException as error:  # noqa: B036: handed to the test
            outcome["error"] = error
        loop.quit()

    writer.write_async(*args, callback=done, **kwargs)
    loop.run()
    return outcome
