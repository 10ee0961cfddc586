# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two HDF5 files that hdmf wrote, compared object by object with h5py,
for the tests of Gdci.hdmf_write(): every link (groups, datasets, soft and
external links), every dataset's values and storage settings, and every
attribute, with object references resolved to the paths they point at.

hdmf gives every object a new UUID in its 'object_id' attribute, so those
differ between two writes by nature: they are checked to be UUID strings,
distinct within and across the two files, and compared no further."""

import shutil
import subprocess
import uuid

import h5py
import numpy as np

# what a dataset is stored as, beyond its values
STORAGE = ("dtype", "shape", "maxshape", "chunks", "compression", "compression_opts",
           "shuffle", "fletcher32", "scaleoffset")


def links(f):
    """{path: what is there} for every link in the file, walked from the
    root without following soft or external links: "group", "dataset",
    ("soft", target) or ("external", filename, target)."""
    found = {}

    def walk(group):
        for name in group:
            path = f"{group.name.rstrip('/')}/{name}"
            link = group.get(name, getlink=True)
            if isinstance(link, h5py.SoftLink):
                found[path] = ("soft", link.path)
            elif isinstance(link, h5py.ExternalLink):
                found[path] = ("external", link.filename, link.path)
            elif isinstance(group[name], h5py.Group):
                found[path] = "group"
                walk(group[name])
            else:
                found[path] = "dataset"

    walk(f)
    return found


def plain(f, value):
    """value with every object reference replaced by the path it points at
    (region references by the path and the selected points), and arrays by
    nested lists, so that two files' values compare with ==."""
    if isinstance(value, h5py.RegionReference):
        if not value:
            return ("region", None)
        target = f[value]
        return ("region", target.name, target[value].tolist())
    if isinstance(value, h5py.Reference):
        return ("ref", f[value].name if value else None)
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":
        return [plain(f, item) for item in value]
    return value


def same_values(a, b):
    """Equal values: arrays of the same dtype and shape, NaN equal to NaN
    in floating point arrays, and anything else by ==."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    return a == b


def fill_value(dset):
    """The dataset's fill value; for variable-length data (whose fill
    value h5py 3.7 crashes reading), whether one was set."""
    if h5py.check_dtype(vlen=dset.dtype) is not None:
        return ("variable length", dset.id.get_create_plist().fill_value_defined())
    return dset.fillvalue


def dataset_values(f, dset):
    """The values of a dataset, references resolved."""
    if h5py.check_dtype(ref=dset.dtype) is not None:
        return plain(f, dset[()])
    return dset[()]


def compare_attributes(fa, a, fb, b, object_ids):
    """a's and b's attributes are the same, their object_id UUID strings
    collected in object_ids (which must all be distinct)."""
    assert sorted(a.attrs) == sorted(b.attrs), a.name
    for name in a.attrs:
        va, vb = a.attrs[name], b.attrs[name]
        if name == "object_id":
            for value in (va, vb):
                assert isinstance(value, str), (a.name, value)
                assert str(uuid.UUID(value)) == value, (a.name, value)
                assert value not in object_ids, (a.name, value)
                object_ids.add(value)
            continue
        assert a.attrs.get_id(name).dtype == b.attrs.get_id(name).dtype, (a.name, name)
        assert a.attrs.get_id(name).shape == b.attrs.get_id(name).shape, (a.name, name)
        assert same_values(plain(fa, va), plain(fb, vb)), (a.name, name, va, vb)


def compare_files(path_a, path_b):
    """The two files hold the same objects, links, dataset values and
    storage settings, and attributes (object_id aside). Returns the links
    of the file, for more checks."""
    object_ids = set()
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        found = links(fa)
        assert found == links(fb)
        compare_attributes(fa, fa, fb, fb, object_ids)
        for path, kind in found.items():
            if kind not in ("group", "dataset"):
                continue
            a, b = fa[path], fb[path]
            compare_attributes(fa, a, fb, b, object_ids)
            if kind == "dataset":
                for setting in STORAGE:
                    assert same_values(getattr(a, setting), getattr(b, setting)), (path, setting)
                assert same_values(fill_value(a), fill_value(b)), path
                assert same_values(dataset_values(fa, a), dataset_values(fb, b)), path
    return found


def h5diff_without_object_ids(path_a, path_b, directory, exclude=()):
    """h5diff -r of copies of the two files with their object_id attributes
    deleted (h5diff 1.10 has no option to leave one attribute out, and
    reports the object_ids, which differ by nature), leaving out the paths
    in exclude: (exit status, output)."""
    copies = []
    for n, path in enumerate((path_a, path_b)):
        copy = directory / f"h5diff-{n}.h5"
        shutil.copyfile(path, copy)
        with h5py.File(copy, "r+") as f:
            objects = [f]
            f.visititems(lambda _name, obj: objects.append(obj))
            for obj in objects:
                if "object_id" in obj.attrs:
                    del obj.attrs["object_id"]
        copies.append(str(copy))
    left_out = [arg for path in exclude for arg in ("--exclude-path", path)]
    done = subprocess.run(["h5diff", "-r", *left_out, *copies], capture_output=True, text=True,
                          check=False)
    return done.returncode, done.stdout + done.stderr
