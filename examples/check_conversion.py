#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks an HDF5 dataset written by `gdci convert` against its raw source:
prints its shape, chunks and filters, and compares every sample.

    check_conversion.py recording.bin recording.h5:/data --dtype int16 --channels 384
"""

import argparse
import sys

import h5py
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw")
    parser.add_argument("dataset", help="FILE.h5:/path/to/dataset")
    parser.add_argument("--dtype", default="int16")
    parser.add_argument("--channels", type=int, default=384)
    args = parser.parse_args()

    path, _, name = args.dataset.rpartition(":")
    if not path:
        path, name = args.dataset, "/data"
    source = np.memmap(args.raw, dtype=args.dtype, mode="r").reshape(-1, args.channels)

    with h5py.File(path, "r") as f:
        dset = f[name]
        filters = []
        if dset.shuffle:
            filters.append("shuffle")
        if dset.compression:
            filters.append(f"{dset.compression} level {dset.compression_opts}")
        if dset.fletcher32:
            filters.append("fletcher32")
        stored = dset.id.get_storage_size()
        print(f"{path}:{name}")
        print(f"  shape    {dset.shape} {dset.dtype}")
        print(f"  chunks   {dset.chunks}")
        print(f"  filters  {', '.join(filters) or 'none'}")
        print(f"  stored   {stored / 1e6:.1f} MB of {source.nbytes / 1e6:.1f} MB "
              f"({source.nbytes / max(stored, 1):.2f}x)")

        if dset.shape != source.shape or dset.dtype != source.dtype:
            sys.exit("  read back: the shape or type differs from the source")
        # block by block, a multiple of the chunk rows, so memory stays small
        step = dset.chunks[0] * max(1, 200_000 // dset.chunks[0])
        for start in range(0, source.shape[0], step):
            if not np.array_equal(dset[start:start + step], source[start:start + step]):
                sys.exit(f"  read back: differs from the source in rows {start}-{start + step}")
        print("  read back: equal to the source, every sample")


if __name__ == "__main__":
    main()
