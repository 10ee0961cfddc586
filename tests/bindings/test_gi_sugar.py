# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python overrides of the introspected classes: Gdci.ChunkIterator as a
Python iterator that initializes itself, takes shapes as tuples, accepts
numpy values from its virtual methods, raises their exceptions as they are,
and pickles; DataChunk.to_numpy() and Selection.to_slices()."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from gi.repository import Gdci, GLib, GObject


class ArraySource(Gdci.ChunkIterator):
    """A data source as a Python user writes it with the overrides."""

    def __init__(self, array, **kwargs):
        self.array = array
        self.reads = 0
        super().__init__(**kwargs)

    def do_get_data(self, selection):
        self.reads += 1
        return self.array[selection.to_slices()]  # a numpy array

    def do_get_maxshape(self):
        return self.array.shape  # a tuple

    def do_get_dtype(self):
        return self.array.dtype  # a numpy dtype


class RampSource(Gdci.ChunkIterator):
    """A source described by its properties, so that it serializes."""

    __gtype_name__ = "TestBindingsRampSource"

    rows = GObject.Property(type=GObject.TYPE_INT64, default=1)
    cols = GObject.Property(type=GObject.TYPE_INT64, default=1)

    def do_get_data(self, selection):
        ramp = np.arange(self.rows * self.cols, dtype="int32").reshape(self.rows, self.cols)
        return GLib.Bytes.new(np.ascontiguousarray(ramp[selection.to_slices()]).tobytes())

    def do_get_maxshape(self):
        return [self.rows, self.cols]

    def do_get_dtype(self):
        return Gdci.Dtype.INT32

    def do_serialize(self):
        return GLib.Variant("a{sv}", {"rows": GLib.Variant("x", self.rows), "cols": GLib.Variant("x", self.cols)})


ARRAY = np.arange(37 * 11, dtype="uint16").reshape(37, 11)


def test_a_python_iterator():
    it = ArraySource(ARRAY, buffer_shape=(10, 11), chunk_shape=(5, 11))
    assert iter(it) is it
    chunks = list(it)
    assert [c.get_selection().to_string() for c in chunks] == [
        "[0:10, 0:11]", "[10:20, 0:11]", "[20:30, 0:11]", "[30:37, 0:11]"]
    with pytest.raises(StopIteration):
        next(it)
    it.reset()
    assert len(list(it)) == 4
    assert it.reads == 8


def test_initialized_by_the_constructor():
    it = ArraySource(ARRAY, buffer_gb=1e-6, chunk_shape=(5, 11))
    assert it.get_chunk_shape() == [5, 11]
    assert it.get_buffer_shape() == [15, 11]
    assert it.get_n_buffers() == 3
    it.init(None)  # as code written without the overrides does: harmless
    assert it.get_n_buffers() == 3


def test_refused_settings_raise_from_the_constructor():
    with pytest.raises(GLib.Error) as info:
        ArraySource(ARRAY, buffer_shape=(10, 11), chunk_shape=(3, 11))
    assert info.value.message == "Some dimensions of chunk_shape ((3, 11)) do not evenly divide the buffer shape ((10, 11))!"
    assert info.value.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT)


@pytest.mark.parametrize("shape", [(10, 11), [10, 11], (np.int64(10), np.uint16(11)), GLib.Variant("at", [10, 11]),
                                   GLib.Variant("ai", [10, 11])])
def test_shapes_as_sequences(shape):
    it = ArraySource(ARRAY, buffer_shape=shape, chunk_shape=[5, 11])
    assert it.get_buffer_shape() == [10, 11]
    assert it.props.buffer_shape.unpack() == [10, 11]


def test_negative_shapes_keep_their_sign_in_the_message():
    with pytest.raises(GLib.Error) as info:
        ArraySource(ARRAY, buffer_shape=(-1, 11))
    assert info.value.message == "Some dimensions of buffer_shape ((-1, 11)) are less than zero!"


def test_shape_of_something_else():
    with pytest.raises(TypeError, match="buffer_shape must be a sequence of integers"):
        ArraySource(ARRAY, buffer_shape=(10.5, 11))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                                   "float32", "float64", ">i4"])
def test_numpy_values_from_virtual_methods(dtype):
    array = np.random.default_rng(3).integers(0, 100, size=(9, 4, 3)).astype(dtype)
    it = ArraySource(array, buffer_shape=(4, 4, 2), chunk_shape=(2, 2, 1))
    assert it.get_dtype() == Gdci.dtype_from_string(np.dtype(dtype).newbyteorder("=").str)
    out = np.zeros(array.shape, dtype=array.dtype.newbyteorder("="))
    for chunk in it:
        data = chunk.to_numpy()
        assert data.dtype == out.dtype and data.shape == tuple(chunk.get_shape())
        out[chunk.get_selection().to_slices()] = data
    np.testing.assert_array_equal(out, array)


def test_data_of_the_wrong_kind_or_shape():
    class Floats(ArraySource):
        def do_get_data(self, selection):
            return super().do_get_data(selection).astype("float64")

    class Flat(ArraySource):
        def do_get_data(self, selection):
            return super().do_get_data(selection).ravel()

    # the class keeps its methods as written: the parent's returns an array
    assert isinstance(ArraySource.do_get_data(Floats(ARRAY), Gdci.Selection.new([0, 0], [2, 2])), np.ndarray)
    with pytest.raises(TypeError, match="Cannot cast"):
        next(Floats(ARRAY))
    with pytest.raises(ValueError, match=r"get_data\(\) returned an array of shape \(407,\); expected \(37, 11\)"):
        next(Flat(ARRAY))


def test_exceptions_of_virtual_methods_are_raised_as_they_are():
    class NoShape(ArraySource):
        def do_get_maxshape(self):
            raise KeyError("no shape here")

    class NoDtype(ArraySource):
        def do_get_dtype(self):
            raise LookupError("no dtype here")

    class NoData(ArraySource):
        def do_get_data(self, selection):
            raise ZeroDivisionError("no data here")

    with pytest.raises(KeyError, match="no shape here"):
        NoShape(ARRAY)
    with pytest.raises(LookupError, match="no dtype here"):
        NoDtype(ARRAY)
    it = NoData(ARRAY)
    with pytest.raises(ZeroDivisionError, match="no data here"):
        next(it)
    with pytest.raises(ZeroDivisionError, match="no data here"):
        it.next()
    assert it.get_position() == 0  # the failed buffer is tried again


def test_glib_errors_of_get_data_keep_their_domain():
    class Failing(ArraySource):
        def do_get_data(self, selection):
            raise GLib.Error.new_literal(GLib.file_error_quark(), "disk on fire", GLib.FileError.IO)

    with pytest.raises(GLib.Error) as info:
        next(Failing(ARRAY))
    assert info.value.message == "Reading buffer 1 of 1 [0:37, 0:11] failed: disk on fire"
    assert info.value.matches(GLib.file_error_quark(), GLib.FileError.IO)


def test_bad_shape_from_get_maxshape():
    class Negative(ArraySource):
        def do_get_maxshape(self):
            return (-3, 4)

    with pytest.raises(ValueError, match=r"get_maxshape\(\) returned \(-3, 4\)"):
        Negative(ARRAY)


def test_to_slices():
    selection = Gdci.Selection.new([0, 3160], [12640, 5000])
    assert selection.to_slices() == (slice(0, 12640), slice(3160, 5000))
    assert str(selection.to_slices()) == "(slice(0, 12640, None), slice(3160, 5000, None))"
    assert all(type(v) is int for s in selection.to_slices() for v in (s.start, s.stop))


def test_to_numpy():
    data = np.arange(6, dtype="float32").reshape(2, 3)
    chunk = Gdci.DataChunk.new(Gdci.Selection.new([4, 0], [6, 3]), Gdci.Dtype.FLOAT32, GLib.Bytes.new(data.tobytes()))
    array = chunk.to_numpy()
    assert array.dtype == np.dtype("float32") and array.shape == (2, 3)
    np.testing.assert_array_equal(array, data)


def test_pickle_through_serialize():
    it = RampSource(rows=97, cols=13, buffer_gb=1e-6, chunk_shape=(10, 13))
    copy = pickle.loads(pickle.dumps(it))
    assert isinstance(copy, RampSource) and copy is not it
    assert (copy.props.rows, copy.props.cols) == (97, 13)
    assert copy.get_buffer_shape() == it.get_buffer_shape()
    assert [c.get_data().get_data() for c in copy] == [c.get_data().get_data() for c in it]
    assert it.get_n_buffers() > 1


def test_deserialize_builds_without_initializing_twice():
    """g_object_new() runs __init__() half-way through construction: the
    overrides must not initialize then, before the properties are set."""
    it = RampSource(rows=20, cols=3, chunk_shape=[4, 3], buffer_shape=[8, 3])
    copy = Gdci.ChunkIterator.deserialize(it.serialize())
    assert copy.get_maxshape() == [20, 3]
    assert copy.get_n_buffers() == 3


@pytest.mark.skipif(not hasattr(Gdci, "ArrayIterator"), reason="no C data source in this version")
def test_pickle_an_iterator_built_in_c():
    data = np.arange(60, dtype="int16").reshape(6, 10)
    it = Gdci.ArrayIterator(data=GLib.Bytes.new(data.tobytes()), dtype=Gdci.Dtype.INT16, shape=(6, 10),
                            buffer_shape=[2, 10], chunk_shape=(1, 5))
    copy = pickle.loads(pickle.dumps(it))
    assert type(copy) is Gdci.ArrayIterator
    assert np.array_equal(np.concatenate([c.to_numpy() for c in copy]), data)


def test_not_serializable():
    with pytest.raises(GLib.Error, match="cannot be serialized"):
        pickle.dumps(ArraySource(ARRAY))


def test_one_line_import_without_warnings():
    code = ("from gi.repository.Gdci import GenericDataChunkIterator\n"
            "import gi\n"
            "assert gi.get_required_version('Gdci') == '1.0'\n")
    # every warning an error, except the ImportWarning PyGObject's importer
    # always gives (hidden by default)
    result = subprocess.run([sys.executable, "-W", "error", "-W", "ignore::ImportWarning", "-c", code],
                            capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")


def test_required_version_still_works():
    code = ("import gi\n"
            "gi.require_version('Gdci', '1.0')\n"
            "from gi.repository import Gdci\n"
            "print(Gdci.GenericDataChunkIterator.__name__)\n")
    result = subprocess.run([sys.executable, "-W", "error", "-W", "ignore::ImportWarning", "-c", code],
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "GenericDataChunkIterator\n", "")
