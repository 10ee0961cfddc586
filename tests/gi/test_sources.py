# SPDX-License-Identifier: LGPL-2.1-or-later
"""The concrete sources through PyGObject, checked against numpy and h5py."""

import h5py
import numpy as np
import pytest
from gi.repository import Gdci, GLib
from gi_helpers import DTYPES, random_array, reassemble

def settings(shape, dtype):
    """About four buffers, with small chunks."""
    n_bytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    return {"buffer_gb": n_bytes / 4 / 1e9, "chunk_mb": n_bytes / 40 / 1e6}


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_array_iterator_matches_numpy(dtype):
    array = random_array((51, 13, 3), dtype)
    it = Gdci.ArrayIterator(data=GLib.Bytes.new(array.tobytes()), dtype=DTYPES[dtype],
                            shape=GLib.Variant("at", array.shape), **settings(array.shape, dtype))
    it.init(None)
    assert it.get_n_buffers() > 1
    np.testing.assert_array_equal(reassemble(it, dtype), array)


@pytest.mark.parametrize("kind", ["MemmapIterator", "FileIterator"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", ["int16", "uint8", "float64", "int32"])
@pytest.mark.parametrize("offset", [0, 128])
def test_raw_files_match_numpy_memmap(tmp_path, kind, order, dtype, offset):
    shape = (1000, 37)
    array = random_array(shape, dtype, seed=len(kind) + offset)
    path = tmp_path / "recording.bin"
    with open(path, "wb") as f:
        f.write(b"\xab" * offset)
        f.write(array.tobytes(order=order))
    reference = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order=order)
    np.testing.assert_array_equal(reference, array)

    it = getattr(Gdci, kind)(path=str(path), dtype=DTYPES[dtype],
                             shape=GLib.Variant("at", [0, 37]),   # rows inferred
                             offset=offset,
                             order=Gdci.Order.C if order == "C" else Gdci.Order.F,
                             **settings(shape, dtype))
    it.init(None)
    assert tuple(it.get_full_shape()) == shape
    np.testing.assert_array_equal(reassemble(it, dtype), reference)


def test_raw_file_refusal_names_the_file(tmp_path):
    path = tmp_path / "short.bin"
    path.write_bytes(b"\0" * 1000)
    with pytest.raises(GLib.Error) as info:
        it = Gdci.FileIterator(path=str(path), dtype=Gdci.Dtype.INT16,
                               shape=GLib.Variant("at", [600, 1]))
        it.init(None)
    assert info.value.message == (f"'{path}' is 1000 bytes, but offset 0 + shape (600, 1) "
                                  "of int16 needs 1200 bytes")


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_h5_iterator_matches_h5py(tmp_path, dtype):
    path = tmp_path / "data.h5"
    array = random_array((301, 17), dtype, seed=3)
    with h5py.File(path, "w") as f:
        f.create_dataset("acquisition/series/data", data=array, chunks=(50, 17),
                         compression="gzip", shuffle=True)
        # the same data stored big-endian: gdci reads it in this machine's order
        f.create_dataset("big_endian", data=array.astype(array.dtype.newbyteorder(">")))
    for dataset in ("/acquisition/series/data", "big_endian"):
        it = Gdci.H5Iterator(path=str(path), dataset=dataset, **settings(array.shape, dtype))
        it.init(None)
        assert it.get_dtype() == DTYPES[dtype]
        with h5py.File(path, "r") as f:
            expected = f[dataset][...]
        np.testing.assert_array_equal(reassemble(it, dtype), expected)


def test_h5_iterator_refuses_other_types(tmp_path):
    path = tmp_path / "mixed.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("compound", data=np.zeros(4, dtype=[("a", "i4"), ("b", "f8")]))
        f.create_dataset("strings", data=np.array([b"ab", b"cd"]))
        f.create_dataset("complex", data=np.zeros(4, dtype="complex64"))
        f.create_dataset("bool", data=np.zeros(4, dtype=bool))
        f.create_group("group")
    expected = {
        "compound": "has a compound type",
        "strings": "has a string type",
        "complex": "has a compound type",        # h5py stores complex as a compound
        "bool": "has an enumeration type",       # and booleans as an enumeration
        "group": "is a group, not a dataset",
        "missing": "There is no '/missing'",
    }
    for name, text in expected.items():
        with pytest.raises(GLib.Error) as info:
            it = Gdci.H5Iterator(path=str(path), dataset=name)
            it.init(None)
        assert text in info.value.message, info.value.message


def test_serialized_sources_rebuild_in_another_process(tmp_path):
    import subprocess
    import sys

    array = random_array((200, 5), "int16", seed=9)
    path = tmp_path / "rec.bin"
    path.write_bytes(array.tobytes())
    it = Gdci.FileIterator(path=str(path), dtype=Gdci.Dtype.INT16,
                           shape=GLib.Variant("at", [0, 5]),
                           buffer_shape=GLib.Variant("at", [40, 5]),
                           chunk_shape=GLib.Variant("at", [20, 5]))
    it.init(None)
    blob = it.serialize().get_data_as_bytes().get_data()
    child = (
        "import sys, gi\n"
        "gi.require_version('Gdci', '1.0')\n"
        "from gi.repository import Gdci, GLib\n"
        "blob = sys.stdin.buffer.read()\n"
        "v = GLib.Variant.new_from_bytes(GLib.VariantType('(sua{sv})'), GLib.Bytes.new(blob), False)\n"
        "it = Gdci.ChunkIterator.deserialize(v)\n"
        "out = []\n"
        "while (c := it.next()) is not None:\n"
        "    out.append(c.get_data().get_data())\n"
        "sys.stdout.buffer.write(b''.join(out))\n"
    )
    result = subprocess.run([sys.executable, "-c", child], input=blob, capture_output=True,
                            check=True)
    assert it.get_n_buffers() > 1
    # buffers of whole rows come back in file order
    assert result.stdout == array.tobytes()
