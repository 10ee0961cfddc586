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
from overrides_helpers import ArraySource


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
    assert info.value.matches(Gdci.plan_error_quark(), Gdci.PlanError.CHUNK_SHAPE_NOT_DIVIDING)


@pytest.mark.parametrize("shape", [(10, 11), [10, 11], (np.int64(10), np.uint16(11)), np.array([10, 11]),
                                   range(10, 12, 1), GLib.Variant("at", [10, 11]), GLib.Variant("ai", [10, 11])])
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
    assert copy.get_full_shape() == [20, 3]
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


# ---- the data sources gdci provides, with Python values --------------------

RECORDING = np.random.default_rng(11).integers(-2000, 2000, size=(301, 7), dtype="int16")


def raw_file(tmp_path, array=RECORDING, order="C", header=b""):
    path = tmp_path / "recording.bin"
    path.write_bytes(header + array.tobytes(order=order))
    return path


def read_all(it):
    out = np.zeros(tuple(it.get_full_shape()), dtype=Gdci.dtype_to_string(it.get_dtype()))
    for chunk in it:
        out[chunk.get_selection().to_slices()] = chunk.to_numpy()
    return out


@pytest.mark.parametrize("source", ["MemmapIterator", "FileIterator"])
@pytest.mark.parametrize("dtype", ["int16", "<i2", "i2", "short", np.int16, np.dtype("<i2"), Gdci.Dtype.INT16,
                                   int(Gdci.Dtype.INT16)])
def test_raw_sources_take_python_values(tmp_path, source, dtype):
    cls = getattr(Gdci, source)
    path = raw_file(tmp_path)
    it = cls(path=path, dtype=dtype, shape=(0, 7), order="C", buffer_shape=(100, 7), chunk_shape=(50, 7))
    assert it.props.path == str(path)
    assert it.props.dtype == Gdci.Dtype.INT16 and it.props.order == Gdci.Order.C
    assert it.get_full_shape() == [301, 7]
    np.testing.assert_array_equal(read_all(it), RECORDING)


def test_raw_sources_share_one_python_helper():
    """Both raw-file sources get their Python conveniences from the override
    of their common C parent class, Gdci.RawFileIterator."""
    helper = sys.modules["gi.overrides.Gdci"].RawFileIterator
    assert helper is Gdci.RawFileIterator
    for cls in (Gdci.MemmapIterator, Gdci.FileIterator):
        assert issubclass(cls, helper) and issubclass(cls, Gdci.ChunkIterator)
        assert cls.new.__func__ is helper.new.__func__


@pytest.mark.parametrize("order", ["F", "f", Gdci.Order.F])
def test_raw_sources_in_fortran_order(tmp_path, order):
    path = raw_file(tmp_path, order="F", header=b"HEADER")
    for cls in (Gdci.MemmapIterator, Gdci.FileIterator):
        it = cls(path=path, dtype="int16", shape=(301, 7), offset=6, order=order)
        assert it.props.order == Gdci.Order.F
        np.testing.assert_array_equal(read_all(it), RECORDING)


def test_raw_sources_new_with_defaults(tmp_path):
    path = raw_file(tmp_path, header=b"xy")
    it = Gdci.MemmapIterator.new(path, np.int16, (0, 7), 2)
    assert type(it) is Gdci.MemmapIterator and it.props.order == Gdci.Order.C
    np.testing.assert_array_equal(read_all(it), RECORDING)
    it = Gdci.FileIterator.new(str(path).encode(), "int16", [301, 7], offset=2, order="C")
    assert type(it) is Gdci.FileIterator
    np.testing.assert_array_equal(read_all(it), RECORDING)
    # the raw API's positional call still works
    it = Gdci.FileIterator.new(str(path), Gdci.Dtype.INT16, [301, 7], 2, Gdci.Order.C)
    assert it.get_n_buffers() == 1


def test_raw_source_refusals(tmp_path):
    path = raw_file(tmp_path)
    with pytest.raises(TypeError, match=r"dtype: Data type '>i2' is big-endian: gdci handles data in this "
                                        r"machine's byte order \(little-endian\) only"):
        Gdci.MemmapIterator(path=path, dtype=">i2", shape=(0, 7))
    with pytest.raises(TypeError, match=r"dtype: Data type 'bool' is not supported"):
        Gdci.FileIterator(path=path, dtype=np.bool_, shape=(0, 7))
    with pytest.raises(TypeError, match=r"dtype: Data type 'complex128' is not supported"):
        Gdci.FileIterator(path=path, dtype="complex128", shape=(0, 7))
    for dtype in (None, True, 99, object()):
        with pytest.raises(TypeError, match="dtype must be a Gdci.Dtype, a numpy dtype or a type name"):
            Gdci.FileIterator(path=path, dtype=dtype, shape=(0, 7))
    for order in ("A", "K", "", 2, None):
        with pytest.raises(ValueError, match=r"order must be 'C' or 'F' \(or a Gdci.Order\), not"):
            Gdci.MemmapIterator(path=path, dtype="int16", shape=(0, 7), order=order)
    with pytest.raises(TypeError, match="str or an os.PathLike"):
        Gdci.MemmapIterator.new(3.5, "int16", (0, 7))
    with pytest.raises(ValueError, match="is not valid UTF-8: gdci takes file names in UTF-8"):
        Gdci.MemmapIterator(path=b"/tmp/\xff.bin", dtype="int16", shape=(0, 7))
    with pytest.raises(GLib.Error, match="missing.bin"):
        Gdci.FileIterator(path=tmp_path / "missing.bin", dtype="int16", shape=(0, 7))


def test_h5_source_takes_a_path(tmp_path):
    import h5py

    path = tmp_path / "in.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("group/data", data=RECORDING, chunks=(50, 7))
    it = Gdci.H5Iterator(path=path, dataset="/group/data", buffer_shape=(100, 7), chunk_shape=(50, 7))
    np.testing.assert_array_equal(read_all(it), RECORDING)
    it = Gdci.H5Iterator.new(path, "group/data")
    assert type(it) is Gdci.H5Iterator and it.props.path == str(path)
    np.testing.assert_array_equal(read_all(it), RECORDING)


def test_h5_source_decoding_threads(tmp_path):
    import h5py

    path = tmp_path / "in.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=RECORDING, chunks=(20, 7), compression="gzip", shuffle=True)
    for n_threads in (0, 1, 2, 4):
        it = Gdci.H5Iterator(path=path, dataset="/data", n_threads=n_threads, buffer_shape=(100, 7),
                             chunk_shape=(20, 7))
        assert it.get_n_threads() == n_threads
        np.testing.assert_array_equal(read_all(it), RECORDING)
    assert Gdci.H5Iterator.new(path, "/data").props.n_threads == 0
    it.set_n_threads(3)
    assert it.props.n_threads == 3
    assert pickle.loads(pickle.dumps(it)).props.n_threads == 3
    with pytest.raises(ValueError, match="n_threads must be 0"):
        Gdci.H5Iterator(path=path, dataset="/data", n_threads=-1)
    with pytest.raises(TypeError, match="n_threads must be an integer"):
        it.set_n_threads(1.5)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                                   "float32", "float64"])
def test_array_source_from_numpy(dtype):
    array = np.random.default_rng(4).integers(0, 100, size=(9, 4, 3)).astype(dtype)
    it = Gdci.ArrayIterator.from_numpy(array, buffer_shape=(4, 4, 3), chunk_shape=(2, 2, 3))
    assert type(it) is Gdci.ArrayIterator
    assert it.get_dtype() == Gdci.dtype_from_string(dtype) and it.get_full_shape() == [9, 4, 3]
    assert it.get_buffer_shape() == [4, 4, 3] and it.get_n_buffers() == 3
    np.testing.assert_array_equal(read_all(it), array)


@pytest.mark.parametrize("make", [
    lambda a: a[:, ::2],                         # strided
    lambda a: np.asfortranarray(a),              # Fortran order
    lambda a: a.astype(">i4"),                   # big-endian
    lambda a: a.T,                               # transposed view
    lambda a: a.tolist(),                        # not an array
], ids=["strided", "fortran", "big-endian", "transposed", "list"])
def test_array_source_from_any_layout(make):
    base = np.arange(60, dtype="int32").reshape(6, 10)
    data = make(base)
    expected = np.asarray(data).astype("=i4" if np.asarray(data).dtype.kind == "i" else None)
    it = Gdci.ArrayIterator.from_numpy(data)
    assert it.get_dtype() == (Gdci.Dtype.INT64 if isinstance(data, list) else Gdci.Dtype.INT32)
    np.testing.assert_array_equal(read_all(it), expected)


def test_array_source_from_numpy_shares_memory_and_keeps_it_alive():
    """A C-contiguous array is not copied: the iterator reads it, and keeps
    its memory alive while the iterator or a buffer it handed out lives."""
    import gc
    import weakref

    array = np.zeros((100, 10), dtype="float32")
    alive = weakref.ref(array)
    it = Gdci.ArrayIterator.from_numpy(array, buffer_shape=(50, 10), chunk_shape=(10, 10))
    array[60, 3] = 7.5  # seen by the iterator: not a copy
    del array
    gc.collect()
    assert alive() is not None
    chunks = list(it)
    del it
    gc.collect()
    assert alive() is not None  # the buffers are slices of the same memory
    assert chunks[1].to_numpy()[10, 3] == 7.5
    del chunks
    gc.collect()
    assert alive() is None


def test_array_source_copies_do_not_keep_the_original():
    import gc
    import weakref

    array = np.zeros((10, 10), dtype=">f8")
    alive = weakref.ref(array)
    it = Gdci.ArrayIterator.from_numpy(array)
    array[0, 0] = 1.0  # a copy was taken: not seen
    del array
    gc.collect()
    assert alive() is None
    assert read_all(it)[0, 0] == 0.0


def test_array_source_refusals():
    with pytest.raises(TypeError, match=r"^bool: Data type '\|b1' is not supported"):
        Gdci.ArrayIterator.from_numpy(np.zeros(3, dtype=bool))
    with pytest.raises(TypeError, match=r"from_numpy\(\) takes the dtype from the array: do not give dtype="):
        Gdci.ArrayIterator.from_numpy(np.zeros(3), dtype="int16")
    with pytest.raises(GLib.Error, match="has an axis of length 0"):
        Gdci.ArrayIterator.from_numpy(np.zeros((0, 3)))
    with pytest.raises(GLib.Error) as info:
        Gdci.ArrayIterator.from_numpy(np.zeros((4, 4)), buffer_shape=(3, 4), chunk_shape=(2, 4))
    assert info.value.message == ("Some dimensions of chunk_shape ((2, 4)) do not evenly divide the buffer "
                                  "shape ((3, 4))!")


def test_array_source_new_takes_bytes():
    data = np.arange(6, dtype="uint16").reshape(2, 3)
    it = Gdci.ArrayIterator.new(data.tobytes(), "uint16", (2, 3))
    np.testing.assert_array_equal(read_all(it), data)
    it = Gdci.ArrayIterator.new(GLib.Bytes.new(data.tobytes()), Gdci.Dtype.UINT16, [2, 3])
    np.testing.assert_array_equal(read_all(it), data)
    with pytest.raises(GLib.Error, match="12"):
        Gdci.ArrayIterator.new(b"abc", "uint16", (2, 3))


def test_array_source_from_numpy_pickles():
    data = np.arange(60, dtype="int16").reshape(6, 10)
    it = Gdci.ArrayIterator.from_numpy(data, buffer_shape=[2, 10], chunk_shape=(1, 5))
    copy = pickle.loads(pickle.dumps(it))
    assert type(copy) is Gdci.ArrayIterator and copy.get_buffer_shape() == [2, 10]
    np.testing.assert_array_equal(read_all(copy), data)


def test_sources_built_in_c_have_the_sugar(tmp_path):
    """Iterators that C code creates (deserialize(), new()) are instances of
    the Python classes with the sugar."""
    it = Gdci.ChunkIterator.deserialize(Gdci.ArrayIterator.from_numpy(np.ones((3, 3))).serialize())
    assert type(it) is Gdci.ArrayIterator
    assert isinstance(it, Gdci.ChunkIterator) and iter(it) is it
    assert hasattr(Gdci.ArrayIterator, "from_numpy")


def test_python_source_reusing_its_buffer():
    """A source may return the same array, refilled, for every buffer: what
    it returned is copied before the next read."""

    class Reusing(Gdci.ChunkIterator):
        def __init__(self, **kwargs):
            self.out = np.zeros((10, 4), dtype="int32")
            super().__init__(**kwargs)

        def do_get_data(self, selection):
            rows = selection.get_stop(0) - selection.get_start(0)
            self.out[:rows] = np.arange(selection.get_start(0), selection.get_stop(0))[:, None]
            return self.out[:rows]

        def do_get_maxshape(self):
            return (35, 4)

        def do_get_dtype(self):
            return "int32"

    chunks = list(Reusing(buffer_shape=(10, 4), chunk_shape=(5, 4)))
    data = np.concatenate([c.to_numpy() for c in chunks])
    np.testing.assert_array_equal(data, np.repeat(np.arange(35)[:, None], 4, axis=1))
