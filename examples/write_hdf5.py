#!/usr/bin/env python3
"""Writes a raw recording into a compressed HDF5 dataset with gdci, showing a
progress bar, then checks the dataset against the recording with h5py.

    write_hdf5.py RECORDING OUTPUT.h5 [--channels 384] [--dtype int16]
                  [--dataset /acquisition/data] [--level 4] [--overwrite]
                  [--buffer-gb 0.5] [--chunk-mb 10]

RECORDING is a raw file of interleaved channels (samples in rows, channels in
columns, C order), as acquisition systems write them; make_recording.py makes
one. OUTPUT.h5 gets a gzip-compressed, shuffled, chunked dataset; an
existing OUTPUT.h5 keeps its other contents.

1. Gdci.MemmapIterator reads the recording: only its number of channels is
   given, the number of samples comes from the file size (axis 0 of the
   shape is 0).
2. Gdci.H5Writer writes it, filtering chunks on every processor while the
   next buffer is read; its "progress" signal moves the bar.
3. h5py reads the dataset back, a chunk row at a time, and compares it with
   the recording.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import pathlib
import sys

import h5py
import numpy as np
from gi.repository import Gdci, GLib


class ProgressBar:
    """A bar of the bytes written: tqdm's if installed, else a line of text."""

    def __init__(self, total):
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        self.done = 0
        self.tqdm = tqdm(total=total, unit="B", unit_scale=True, desc="Writing") if tqdm else None
        self.total = total

    def update(self, done):
        if self.tqdm is not None:
            self.tqdm.update(done - self.done)
        else:
            print(f"\rWriting: {100 * done // max(self.total, 1)}%", end="", file=sys.stderr, flush=True)
        self.done = done

    def close(self):
        if self.tqdm is not None:
            self.tqdm.close()
        else:
            print(file=sys.stderr)


def verify(recording, dtype, channels, output, dataset_path):
    """The dataset equals the recording, read a chunk row at a time."""
    samples = np.memmap(recording, dtype=dtype, mode="r").reshape(-1, channels)
    with h5py.File(output, "r") as f:
        dset = f[dataset_path]
        if dset.shape != samples.shape or dset.dtype != samples.dtype:
            return False
        step = dset.chunks[0]
        return all(np.array_equal(dset[start:start + step], samples[start:start + step])
                   for start in range(0, dset.shape[0], step))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=pathlib.Path)
    parser.add_argument("output", type=pathlib.Path)
    parser.add_argument("--channels", type=int, default=384)
    parser.add_argument("--dtype", default="int16")
    parser.add_argument("--dataset", default="/acquisition/data")
    parser.add_argument("--level", type=int, default=4, help="gzip level, 1 to 9")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing dataset")
    parser.add_argument("--buffer-gb", type=float, default=0.5, help="largest buffer in memory, in GB")
    parser.add_argument("--chunk-mb", type=float, default=10.0, help="HDF5 chunk size to stay under, in MB")
    args = parser.parse_args()

    try:
        # 1. the recording: axis 0 (samples) is inferred from the file size
        source = Gdci.MemmapIterator(path=args.recording, dtype=args.dtype, shape=(0, args.channels),
                                     buffer_gb=args.buffer_gb, chunk_mb=args.chunk_mb)
        rows, columns = source.get_full_shape()
        data_bytes = rows * columns * np.dtype(args.dtype).itemsize
        print(f"{args.recording.name}: {rows} samples x {columns} channels of {args.dtype}, "
              f"chunks {tuple(source.get_chunk_shape())}, {source.get_n_buffers()} buffers")

        # 2. the writer: gzip after shuffle, on every processor
        writer = Gdci.H5Writer(compression="gzip", compression_level=args.level, shuffle=True,
                               mode="replace" if args.overwrite else "create")
        bar = ProgressBar(data_bytes)
        writer.connect("progress", lambda _writer, done, _total: bar.update(done))
        try:
            writer.write(source, args.output, args.dataset)
        finally:
            bar.close()
    except (GLib.Error, TypeError, ValueError) as error:
        sys.exit(f"write_hdf5: {error.message if isinstance(error, GLib.Error) else error}")

    size = args.output.stat().st_size
    print(f"{args.output.name}: {args.dataset}, gzip level {args.level} with shuffle, "
          f"{size} bytes ({100 * size / data_bytes:.0f}% of the data)")

    # 3. check it with h5py
    if not verify(args.recording, args.dtype, args.channels, args.output, args.dataset):
        sys.exit("write_hdf5: the dataset differs from the recording")
    print("h5py reads back the recording")


if __name__ == "__main__":
    main()
