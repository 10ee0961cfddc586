# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes datasets with h5py + hdf5plugin, as a user does, in a process
without gdci (so that no filter gdci registers in its own process makes
them).

    h5py_writer.py MANIFEST.json

MANIFEST.json is a list of {"file", "dataset", "data" (a .npy file),
"chunks", "settings" (see h5py_reader.reference_options())}; prints
the file of each entry it could not write, and why, one a line, and
writes the others."""

import json
import sys

import h5py
import hdf5plugin  # noqa: F401: registers its filters with h5py
import numpy as np

from h5py_reader import reference_options


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    for entry in manifest:
        options = reference_options(entry["settings"])
        compression = options.get("compression")
        if isinstance(compression, int) and not h5py.h5z.filter_avail(compression):
            print(f"{entry['file']}\tfilter {compression} is not available to h5py + hdf5plugin")
            continue
        data = np.load(entry["data"])
        with h5py.File(entry["file"], "a") as f:
            f.create_dataset(entry["dataset"], data=data, chunks=tuple(entry["chunks"]), **options)


if __name__ == "__main__":
    main()
