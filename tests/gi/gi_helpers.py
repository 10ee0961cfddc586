# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers shared by the plain GI tests: the C API as PyGObject gives it,
with selections read axis by axis and data as bytes."""

import re

import numpy as np
from gi.repository import Gdci, GLib

# numpy's name of each data type gdci handles
DTYPES = {
    "int8": Gdci.Dtype.INT8, "uint8": Gdci.Dtype.UINT8,
    "int16": Gdci.Dtype.INT16, "uint16": Gdci.Dtype.UINT16,
    "int32": Gdci.Dtype.INT32, "uint32": Gdci.Dtype.UINT32,
    "int64": Gdci.Dtype.INT64, "uint64": Gdci.Dtype.UINT64,
    "float32": Gdci.Dtype.FLOAT32, "float64": Gdci.Dtype.FLOAT64,
}


def random_array(shape, dtype, seed=0):
    """Random data over the whole range of an integer type, or normal
    floats."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


def to_slices(selection):
    """A Gdci.Selection as numpy's index, read with the C API."""
    return tuple(slice(selection.get_start(i), selection.get_stop(i)) for i in range(selection.get_n_dims()))


def collect(it):
    """Every chunk next() returns until the end."""
    chunks = []
    while (chunk := it.next()) is not None:
        chunks.append(chunk)
    return chunks


def as_array(chunk, dtype):
    """A chunk's data as a numpy array of its shape."""
    shape = tuple(chunk.get_shape())
    return np.frombuffer(chunk.get_data().get_data(), dtype=dtype).reshape(shape)


def reassemble(it, dtype):
    """Every buffer put back at its selection; each element exactly once."""
    shape = tuple(it.get_full_shape())
    out = np.zeros(shape, dtype=dtype)
    seen = np.zeros(shape, dtype=np.int8)
    n = 0
    for chunk in collect(it):
        sl = to_slices(chunk.get_selection())
        out[sl] = as_array(chunk, dtype)
        seen[sl] += 1
        n += 1
    assert n == it.get_n_buffers()
    assert (seen == 1).all()
    return out


class raises_message:
    """pytest.raises for a GLib.Error whose message (without the domain and
    code str() adds) matches a regular expression."""

    def __init__(self, pattern):
        self.pattern = pattern

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        assert kind is not None, f"no GLib.Error matching {self.pattern!r} was raised"
        assert issubclass(kind, GLib.Error), value
        assert re.search(self.pattern, value.message), value.message
        return True
