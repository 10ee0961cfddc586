# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads the datasets a codec test wrote, with h5py alone, in a process of
its own: gdci is never loaded here, so every chunk is decoded by the HDF5
filters a user's h5py has (hdf5plugin's, Debian's plugins, gdci's plugins
on HDF5_PLUGIN_PATH), never by the filters gdci registers in its own
process.

    h5py_reader.py MANIFEST.json RESULTS.json [--no-hdf5plugin]

MANIFEST.json is a list of entries {"key", "file", "dataset", "expected"
(a .npy file of the data), "reference" (optional: the same settings for
h5py + hdf5plugin to write, see reference_options())}. RESULTS.json maps
each key to what was found: "error" (or null), "equal", "mismatch" (the
first index that differs), "dtype", "shape", "chunks", "storage" (the bytes
of its chunks), "pipeline" (a list of [filter id, flags, cd_values]), and, with a reference, "reference" (its
pipeline) or "reference_error". With --no-hdf5plugin, hdf5plugin is not
imported, and the script checks it was not.
"""

import json
import sys

import h5py
import numpy as np


def pipeline(dset):
    plist = dset.id.get_create_plist()
    return [list(plist.get_filter(i)[:3]) for i in range(plist.get_nfilters())]


def reference_options(reference):
    """h5py's create_dataset() options for the settings of @reference, as a
    user of hdf5plugin gives them"""
    import hdf5plugin

    kind, level = reference["kind"], reference.get("level")
    mode = reference.get("mode", "plain")
    options = {"fletcher32": reference.get("fletcher32", False)}
    if mode == "shuffle" and kind != "blosc":
        options["shuffle"] = True
    if mode == "bitshuffle" and kind in ("none", "lz4", "zstd"):
        if kind == "zstd":
            options.update(hdf5plugin.Bitshuffle(nelems=0, cname="zstd", clevel=level))
        else:
            options.update(hdf5plugin.Bitshuffle(nelems=0, cname=kind))
    elif kind in ("gzip", "gzip-fast"):
        options.update(compression="gzip", compression_opts=level)
    elif kind == "zstd":
        options.update(hdf5plugin.Zstd(clevel=level))
    elif kind == "lz4":
        options.update(hdf5plugin.LZ4())
    elif kind == "blosc":
        shuffle = {"plain": hdf5plugin.Blosc.NOSHUFFLE, "shuffle": hdf5plugin.Blosc.SHUFFLE,
                   "bitshuffle": hdf5plugin.Blosc.BITSHUFFLE}[mode]
        options.update(hdf5plugin.Blosc(cname=reference["blosc_codec"], clevel=level, shuffle=shuffle))
    elif kind == "bzip2":
        options.update(hdf5plugin.BZip2(blocksize=9))
    return options


def reference_pipeline(scratch, n, reference):
    """The pipeline h5py + hdf5plugin leave for @reference, or why they
    cannot write it"""
    options = reference_options(reference)
    compression = options.get("compression")
    if isinstance(compression, int) and not h5py.h5z.filter_avail(compression):
        return None, f"filter {compression} is not available to h5py + hdf5plugin"
    name = f"r{n}"
    data = np.zeros(reference["shape"], dtype=reference["dtype"])
    dset = scratch.create_dataset(name, data=data, chunks=tuple(reference["chunks"]), **options)
    return pipeline(dset), None


def read_entry(entry):
    found = {"error": None}
    expected = np.load(entry["expected"])
    try:
        with h5py.File(entry["file"], "r") as f:
            dset = f[entry["dataset"]]
            found.update(dtype=dset.dtype.str, shape=list(dset.shape),
                         chunks=list(dset.chunks) if dset.chunks else None, pipeline=pipeline(dset),
                         storage=dset.id.get_storage_size())
            data = dset[...]
    except Exception as error:  # noqa: BLE001: reported to the test
        found["error"] = f"{type(error).__name__}: {error}"
        return found
    same = data.dtype == expected.dtype and data.shape == expected.shape
    # element by element, bit for bit (NaN payloads and -0.0 too)
    found["equal"] = bool(same and data.tobytes() == expected.tobytes())
    found["mismatch"] = None
    if same and not found["equal"]:
        differ = np.argwhere(data.view(f"u{data.itemsize}") != expected.view(f"u{data.itemsize}"))
        index = tuple(int(i) for i in differ[0])
        found["mismatch"] = [list(index), repr(data[index]), repr(expected[index]), len(differ)]
    return found


def main():
    manifest_path, results_path = sys.argv[1:3]
    no_hdf5plugin = "--no-hdf5plugin" in sys.argv[3:]
    if not no_hdf5plugin:
        import hdf5plugin  # noqa: F401: registers its filters with h5py
    with open(manifest_path) as f:
        manifest = json.load(f)
    results = {}
    scratch = None
    for n, entry in enumerate(manifest):
        found = read_entry(entry)
        reference = entry.get("reference")
        if reference is not None:
            if scratch is None:
                scratch = h5py.File(manifest_path + ".reference.h5", "w")
            try:
                found["reference"], found["reference_error"] = reference_pipeline(scratch, n, reference)
            except Exception as error:  # noqa: BLE001: reported to the test
                found["reference"], found["reference_error"] = None, f"{type(error).__name__}: {error}"
        results[entry["key"]] = found
    if scratch is not None:
        scratch.close()
    if no_hdf5plugin and "hdf5plugin" in sys.modules:
        sys.exit("h5py_reader: hdf5plugin was imported")
    with open(results_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
