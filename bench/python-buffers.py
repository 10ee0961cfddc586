#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: numpy data in and out of gdci from Python, with the overrides'
zero-copy module (_gdci_buffer) and without it (PyGObject's copies).

Measures, on 500 MB of int16 (--mb to change): wrapping an array in a
GLib.Bytes (as ArrayIterator.from_numpy() and a Python get_data() do),
DataChunk.to_numpy(), and Gdci.H5Writer.write(), uncompressed, of
ArrayIterator.from_numpy() and of a Python source returning array views.
Each figure is the best of --runs. Run it by hand, with the build tree's
typelib, library and overrides in the environment, on an otherwise idle
machine: it is not a test.

    bench/python-buffers.py [--mb 500] [--runs 3] [--without-zero-copy]
"""

import argparse
import os
import sys
import tempfile
import time


def best_of(runs, func):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - start)
        del result
    return min(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=500.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without-zero-copy", action="store_true")
    args = parser.parse_args()
    if args.without_zero_copy:
        sys.modules["gi.overrides._gdci_buffer"] = None

    import numpy as np
    from gi.repository import Gdci, GLib

    glue = sys.modules["gi.overrides._gdci_numpy"]
    array = np.arange(int(args.mb * 1e6) // 2, dtype=np.int16)
    mb = array.nbytes / 1e6

    def show(name, seconds, size=mb):
        rate = f"{size / seconds:10.0f} MB/s" if seconds > 1e-4 else "  (no copy)    "
        print(f"{name:50s} {rate}  {seconds * 1e3:9.2f} ms")

    print(f"{mb:.0f} MB of int16, {'with' if glue._gdci_buffer is not None else 'without'} _gdci_buffer")
    show("array to GLib.Bytes, kept", best_of(args.runs, lambda: glue.bytes_of(array, copy=False)))
    show("array to GLib.Bytes, copied", best_of(args.runs, lambda: glue.bytes_of(array, copy=True)))
    show("GLib.Bytes.new(array.tobytes())", best_of(args.runs, lambda: GLib.Bytes.new(array.tobytes())))
    part = array[: len(array) // 20]
    show("GLib.Bytes.new(memoryview(array)), 1/20 of it",
         best_of(1, lambda: GLib.Bytes.new(memoryview(part).cast("B"))), part.nbytes / 1e6)
    chunk = Gdci.DataChunk.new(Gdci.Selection.new([0], [len(array)]), Gdci.Dtype.INT16,
                               GLib.Bytes.new(array.tobytes()))
    show("DataChunk.to_numpy()", best_of(args.runs, chunk.to_numpy))
    del chunk

    class Source(Gdci.ChunkIterator):
        def __init__(self, data, **settings):
            self.data = data
            super().__init__(**settings)

        def do_get_data(self, selection):
            return self.data[selection.to_slices()]

        def do_get_maxshape(self):
            return self.data.shape

        def do_get_dtype(self):
            return self.data.dtype

    rows = array.reshape(-1, 500)
    settings = dict(buffer_gb=0.05, chunk_mb=2.0)
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as directory:
        path = os.path.join(directory, "out.h5")

        def write(make):
            source = make()
            start = time.perf_counter()
            Gdci.H5Writer().write(source, path)
            seconds = time.perf_counter() - start
            os.unlink(path)
            return seconds

        sources = {
            "write(), ArrayIterator.from_numpy()": lambda: Gdci.ArrayIterator.from_numpy(rows, **settings),
            "write(), a Python source of array views": lambda: Source(rows, **settings),
        }
        for name, make in sources.items():
            show(name, min(write(make) for _ in range(args.runs)))


if __name__ == "__main__":
    main()
