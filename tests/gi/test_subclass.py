# SPDX-License-Identifier: LGPL-2.1-or-later
"""A data source written in Python, through PyGObject: a subclass of
Gdci.ChunkIterator iterated to the end, its data checked against numpy."""

import math

import numpy as np
import pytest
from gi.repository import Gdci, GLib, GObject
from gi_helpers import DTYPES, as_array, collect, random_array, raises_message, to_slices


class NumpyIterator(Gdci.ChunkIterator):
    """The tutorial's NumpyArrayDataChunkIterator, on the raw GI API."""

    def __init__(self, array, **kwargs):
        self.array = array
        self.reads = []
        super().__init__(**kwargs)

    def do_get_data(self, selection):
        sl = to_slices(selection)
        self.reads.append(sl)
        return GLib.Bytes.new(np.ascontiguousarray(self.array[sl]).tobytes())

    def do_get_maxshape(self):
        return list(self.array.shape)  # a tuple would read as several return values

    def do_get_dtype(self):
        return DTYPES[self.array.dtype.name]


def make(array, **kwargs):
    it = NumpyIterator(array, **kwargs)
    it.init(None)
    return it


def test_tutorial_selections():
    array = np.zeros((20000, 5000), dtype="int32")
    it = make(array, buffer_gb=0.2)
    assert list(it.get_chunk_shape()) == [3160, 790]
    assert list(it.get_buffer_shape()) == [12640, 3160]
    assert it.get_n_buffers() == 4
    assert [it.get_buffer_selection(i).to_string() for i in range(4)] == [
        "[0:12640, 0:3160]",
        "[0:12640, 3160:5000]",
        "[12640:20000, 0:3160]",
        "[12640:20000, 3160:5000]",
    ]


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_iterated_to_the_end(dtype):
    array = random_array((37, 11, 5), dtype, seed=7)
    it = make(array, buffer_shape=GLib.Variant("at", [8, 11, 2]),
              chunk_shape=GLib.Variant("at", [4, 11, 1]))
    out = np.zeros_like(array)
    seen = np.zeros(array.shape, dtype=bool)
    chunks = collect(it)
    assert len(chunks) == it.get_n_buffers() == math.ceil(37 / 8) * 1 * math.ceil(5 / 2)
    for chunk in chunks:
        sl = to_slices(chunk.get_selection())
        assert chunk.get_dtype() == DTYPES[dtype]
        assert list(chunk.get_min_bounds()) == [s.stop for s in sl]
        data = as_array(chunk, dtype)
        assert data.shape == array[sl].shape
        np.testing.assert_array_equal(data, array[sl])
        assert not seen[sl].any()
        seen[sl] = True
        out[sl] = data
    assert seen.all()
    np.testing.assert_array_equal(out, array)
    # exhausted, and stays so
    assert it.next() is None
    assert it.next() is None
    assert len(it.reads) == len(chunks)


def test_reset_and_progress():
    array = np.arange(1000, dtype="int16").reshape(100, 10)
    it = make(array, buffer_shape=GLib.Variant("at", [30, 10]),
              chunk_shape=GLib.Variant("at", [10, 10]))
    calls = []
    it.connect("progress", lambda _it, done, total: calls.append((done, total)))
    first = [c.get_selection().to_string() for c in collect(it)]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    it.reset()
    assert it.get_position() == 0
    second = [c.get_selection().to_string() for c in collect(it)]
    assert first == second == ["[0:30, 0:10]", "[30:60, 0:10]", "[60:90, 0:10]", "[90:100, 0:10]"]


def test_numpy_integers_in_shape():
    class Iter(NumpyIterator):
        def do_get_maxshape(self):
            return [np.int64(n) for n in self.array.shape]

    it = Iter(np.zeros((50, 4), dtype="uint8"), chunk_mb=10.0)
    it.init(None)
    assert list(it.get_full_shape()) == [50, 4]


def test_settings_refused_with_messages_naming_them():
    array = np.zeros((2000, 384), dtype="int16")
    with raises_message(r"^chunk-mb must be greater than zero, not -1\.0$"):
        make(array, chunk_mb=-1.0)
    with raises_message(r"^buffer-gb must be greater than zero, not nan$"):
        make(array, buffer_gb=float("nan"))
    with raises_message(r"exceeds the data shape \(2000, 384\) on axis 0$"):
        make(array, chunk_shape=GLib.Variant("at", [2001, 384]))
    with raises_message(r"^buffer-shape \(-1, 384\) is not positive on axis 0$"):
        make(array, buffer_shape=GLib.Variant("ax", [-1, 384]))


def test_errors_from_python_reach_the_caller():
    class Failing(NumpyIterator):
        def do_get_data(self, selection):
            raise GLib.Error.new_literal(GLib.file_error_quark(), "disk on fire",
                                         GLib.FileError.IO)

    it = Failing(np.zeros((10, 10), dtype="int16"))
    it.init(None)
    with pytest.raises(GLib.Error) as info:
        it.next()
    assert info.value.message == "Reading buffer 1 of 1 [0:10, 0:10] failed: disk on fire"
    assert info.value.matches(GLib.file_error_quark(), GLib.FileError.IO)


def test_wrong_size_from_python_is_an_error():
    class Short(NumpyIterator):
        def do_get_data(self, selection):
            return GLib.Bytes.new(b"\0" * 3)

    it = Short(np.zeros((10, 10), dtype="int16"))
    it.init(None)
    with raises_message(r"returned 3 bytes for selection \[0:10, 0:10\] of int16; expected 200 bytes"):
        it.next()


class RampIterator(Gdci.ChunkIterator):
    """A source described by properties, so that it can be serialized."""

    __gtype_name__ = "TestPythonRampIterator"

    rows = GObject.Property(type=GObject.TYPE_INT64, default=1)
    cols = GObject.Property(type=GObject.TYPE_INT64, default=1)

    def _array(self):
        return np.arange(self.rows * self.cols, dtype="int32").reshape(self.rows, self.cols)

    def do_get_data(self, selection):
        return GLib.Bytes.new(np.ascontiguousarray(self._array()[to_slices(selection)]).tobytes())

    def do_get_maxshape(self):
        return [self.rows, self.cols]

    def do_get_dtype(self):
        return Gdci.Dtype.INT32

    def do_serialize(self):
        return GLib.Variant("a{sv}", {
            "rows": GLib.Variant("x", self.rows),
            "cols": GLib.Variant("x", self.cols),
        })


def test_serialize_a_python_subclass():
    it = RampIterator(rows=97, cols=13, buffer_gb=0.000001,
                      chunk_shape=GLib.Variant("at", [10, 13]))
    it.init(None)
    blob = it.serialize().get_data_as_bytes().get_data()
    copy = Gdci.ChunkIterator.deserialize(
        GLib.Variant.new_from_bytes(GLib.VariantType("(sua{sv})"), GLib.Bytes.new(blob), False))
    assert isinstance(copy, RampIterator)
    assert (copy.props.rows, copy.props.cols) == (97, 13)
    assert copy.props.buffer_gb == 0.000001
    assert math.isnan(copy.props.chunk_mb)
    assert list(copy.get_buffer_shape()) == list(it.get_buffer_shape())
    a = [(c.get_selection().to_string(), c.get_data().get_data()) for c in collect(it)]
    b = [(c.get_selection().to_string(), c.get_data().get_data()) for c in collect(copy)]
    assert a == b and len(a) == it.get_n_buffers() > 1


def test_not_serializable_without_the_vfunc():
    it = make(np.zeros((4, 4), dtype="int8"))
    with raises_message("cannot be serialized"):
        it.serialize()


def test_pure_shape_functions():
    assert Gdci.default_chunk_shape([20000, 5000], Gdci.Dtype.INT32, 10.0) == [3160, 790]
    assert Gdci.default_buffer_shape([20000, 5000], [3160, 790], Gdci.Dtype.INT32, 0.2) == [12640, 3160]
    with raises_message(r"^chunk-mb must be greater than zero, not 0\.0$"):
        Gdci.default_chunk_shape([10], Gdci.Dtype.INT8, 0.0)


def test_dtype_from_string():
    assert Gdci.dtype_from_string("<i2") == Gdci.Dtype.INT16
    assert Gdci.dtype_to_string(Gdci.Dtype.FLOAT32) == "float32"
    assert Gdci.dtype_get_itemsize(Gdci.Dtype.UINT64) == 8
    with raises_message("big-endian"):
        Gdci.dtype_from_string(">i2")
