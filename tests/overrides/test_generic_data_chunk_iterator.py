# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.GenericDataChunkIterator against the behaviour of hdmf's class of
the same name: hdmf's own tests of it, plus HDF5 writes through h5py and
hdmf, progress bars, pickling and the errors of a data source."""

import gc
import io
import os
import pickle
import subprocess
import sys
import warnings
import weakref

import h5py
import numpy as np
import pytest
from gi.repository import Gdci
from gi.repository.Gdci import GenericDataChunkIterator
from overrides_helpers import NumpyIterator, RecordingBar

TEST_ARRAY = np.random.default_rng(5).integers(-(2**15), 2**15, size=(2000, 384), dtype="int16")


class NumpyShapeIterator(NumpyIterator):
    """Returns its shape as numpy integers."""

    def _get_maxshape(self):
        return tuple(np.uint64(axis) for axis in self.array.shape)


class PickleableIterator(NumpyIterator):
    def __init__(self, array, **kwargs):
        self._kwargs = kwargs
        super().__init__(array, **kwargs)

    def _to_dict(self):
        return dict(array=pickle.dumps(self.array), kwargs=self._kwargs)

    @staticmethod
    def _from_dict(dictionary):
        return PickleableIterator(pickle.loads(dictionary["array"]), **dictionary["kwargs"])


def all_python_ints(values):
    return all(type(value) is int for value in values)


def assert_raises_exactly(kind, message, func, *args, **kwargs):
    with pytest.raises(kind) as info:
        func(*args, **kwargs)
    assert type(info.value) is kind
    assert str(info.value) == message


def write_with_h5py(path, iterator, array):
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("test", shape=array.shape, dtype=array.dtype, chunks=iterator.chunk_shape)
        for chunk in iterator:
            dset[chunk.selection] = chunk.data
    with h5py.File(path, "r") as f:
        assert f["test"].chunks == iterator.chunk_shape
        np.testing.assert_array_equal(f["test"][...], array)


# ---- construction and defaults -----------------------------------------

def test_abstract_methods_are_required():
    class Incomplete(GenericDataChunkIterator):
        pass

    with pytest.raises(TypeError, match="abstract methods _get_data, _get_dtype, _get_maxshape"):
        Incomplete()


def test_defaults_as_current_hdmf():
    it = NumpyIterator(TEST_ARRAY)
    # 2000 x 384 int16 is under 10 MB: one chunk and one buffer of everything
    assert it.chunk_shape == (2000, 384)
    assert it.buffer_shape == (2000, 384)
    assert it.maxshape == (2000, 384)
    assert it.dtype == np.dtype("int16")
    assert it.num_buffers == 1
    assert it.display_progress is False
    assert it.progress_bar is None
    assert it.recommended_chunk_shape() == it.chunk_shape
    assert it.recommended_data_shape() == it.maxshape
    assert iter(it) is it


def test_tutorial_shapes():
    # shapes only: the data is never read
    it = NumpyIterator(np.empty((20000, 5000), dtype="int32"), buffer_gb=0.2)
    assert it.chunk_shape == (3160, 790)
    assert it.buffer_shape == (12640, 3160)
    assert it.num_buffers == 4
    assert [str(s) for s in it.buffer_selection_generator] == [
        "(slice(0, 12640, None), slice(0, 3160, None))",
        "(slice(0, 12640, None), slice(3160, 5000, None))",
        "(slice(12640, 20000, None), slice(0, 3160, None))",
        "(slice(12640, 20000, None), slice(3160, 5000, None))",
    ]


def test_chunk_mb_option():
    assert NumpyIterator(TEST_ARRAY, chunk_mb=0.5).chunk_shape == (1115, 223)
    # larger than the data: the data shape
    assert NumpyIterator(TEST_ARRAY, chunk_mb=2).chunk_shape == (2000, 384)


def test_chunk_mb_option_while_condition():
    assert NumpyIterator(np.empty((2, 2000, 2000), dtype="int16"), chunk_mb=1.0).chunk_shape == (2, 79, 79)
    assert NumpyIterator(np.empty((1, 2000, 2000), dtype="int16"), chunk_mb=1.0).chunk_shape == (1, 79, 79)


def test_chunk_shape_option():
    assert NumpyIterator(TEST_ARRAY, chunk_shape=(1580, 316)).chunk_shape == (1580, 316)


def test_num_buffers():
    it = NumpyIterator(TEST_ARRAY, buffer_shape=(950, 190), chunk_shape=(50, 38))
    assert it.num_buffers == 9
    assert len(list(it)) == 9


# ---- every refusal: hdmf's exception type and exact message ------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(buffer_shape=(2000, 384), buffer_gb=1), "Only one of 'buffer_gb' or 'buffer_shape' can be specified!"),
    (dict(chunk_shape=(1580, 316), chunk_mb=1), "Only one of 'chunk_mb' or 'chunk_shape' can be specified!"),
    (dict(chunk_shape=(2001, 384)),
     "Some dimensions of chunk_shape ((2001, 384)) exceed the data dimensions ((2000, 384))!"),
    (dict(buffer_shape=(1000, 192), chunk_shape=(100, 384)),
     "Some dimensions of chunk_shape ((100, 384)) exceed the buffer shape ((1000, 192))!"),
    (dict(buffer_shape=(1000, 192), chunk_shape=(1000, 5)),
     "Some dimensions of chunk_shape ((1000, 5)) do not evenly divide the buffer shape ((1000, 192))!"),
    (dict(buffer_gb=-1), "buffer_gb (-1) must be greater than zero!"),
    (dict(buffer_gb=-1.0), "buffer_gb (-1.0) must be greater than zero!"),
    (dict(buffer_gb=0), "buffer_gb (0) must be greater than zero!"),
    (dict(buffer_gb=float("nan")), "buffer_gb (nan) must be greater than zero!"),
    (dict(buffer_gb=np.float64(-2.5)), "buffer_gb (-2.5) must be greater than zero!"),
    (dict(buffer_shape=(2001, 384)),
     "Some dimensions of buffer_shape ((2001, 384)) exceed the data dimensions ((2000, 384))!"),
    (dict(buffer_shape=(-1, 384)), "Some dimensions of buffer_shape ((-1, 384)) are less than zero!"),
    (dict(chunk_mb=-1), "chunk_mb (-1) must be greater than zero!"),
    (dict(chunk_mb=np.int64(-3)), "chunk_mb (-3) must be greater than zero!"),
    (dict(chunk_shape=(-1, 384)), "Some dimensions of chunk_shape ((-1, 384)) are less than zero!"),
    # hdmf only refuses this one later; gdci at construction, with the same words
    (dict(chunk_shape=(0, 384)), "Some dimensions of chunk_shape ((0, 384)) are less than zero!"),
])
def test_refusals_are_hdmf_assertions(kwargs, message):
    assert_raises_exactly(AssertionError, message, NumpyIterator, TEST_ARRAY, **kwargs)


def test_size_settings_are_checked_first():
    # hdmf's order: the sizes are checked before the shapes
    assert_raises_exactly(AssertionError, "buffer_gb (0.0) must be greater than zero!",
                          NumpyIterator, TEST_ARRAY, buffer_gb=0.0, chunk_shape=(-1, 384))


@pytest.mark.parametrize("kwargs, message", [
    (dict(buffer_gb="1"),
     "GenericDataChunkIterator.__init__: incorrect type for 'buffer_gb' (got 'str', expected 'float or int')"),
    (dict(chunk_mb=[1]),
     "GenericDataChunkIterator.__init__: incorrect type for 'chunk_mb' (got 'list', expected 'float or int')"),
    (dict(display_progress=1),
     "GenericDataChunkIterator.__init__: incorrect type for 'display_progress' (got 'int', expected 'bool')"),
])
def test_wrong_types_are_hdmf_type_errors(kwargs, message):
    assert_raises_exactly(TypeError, message, NumpyIterator, TEST_ARRAY, **kwargs)


def test_settings_of_other_numeric_types():
    # as hdmf: a bool is an int, numpy scalars are Python's
    assert NumpyIterator(TEST_ARRAY, buffer_gb=True, display_progress=np.bool_(False)).buffer_shape == (2000, 384)
    assert_raises_exactly(AssertionError, "buffer_gb (-0.5) must be greater than zero!",
                          NumpyIterator, TEST_ARRAY, buffer_gb=np.float32(-0.5))
    # unlike hdmf, any sequence of integers is a shape
    it = NumpyIterator(TEST_ARRAY, buffer_shape=np.array([1000, 384]), chunk_shape=[500, 96])
    assert (it.buffer_shape, it.chunk_shape) == ((1000, 384), (500, 96))


@pytest.mark.parametrize("kwargs, kind, message", [
    (dict(chunk_shape=(100,)), ValueError, "chunk_shape (100,) has 1 dimension but the data (2000, 384) has 2"),
    (dict(chunk_mb=float("inf")), ValueError, "chunk_mb (inf) is too large: give a finite size"),
    (dict(chunk_shape=(2**64, 384)), OverflowError,
     "chunk_shape (18446744073709551616, 384) has an axis that does not fit in 64 bits"),
])
def test_refusals_hdmf_does_not_make(kwargs, kind, message):
    """hdmf lets these through (and then fails somewhere, or not at all)."""
    assert_raises_exactly(kind, message, NumpyIterator, TEST_ARRAY, **kwargs)


def test_empty_data_is_refused():
    assert_raises_exactly(ValueError, "The data shape (0, 5) has an axis of length 0: there is nothing to iterate",
                          NumpyIterator, np.empty((0, 5), dtype="int8"))


def test_unsupported_dtype_is_refused():
    # bool, float16 and complex are planned (see test_hdmf_fidelity.py)
    with pytest.raises(TypeError, match=r"^<U4: Data type '<U4' is not supported: the drop-in handles bool, "):
        NumpyIterator(np.empty((4, 4), dtype="U4"))


# ---- Python ints everywhere --------------------------------------------

def test_attributes_are_python_ints():
    it = NumpyIterator(TEST_ARRAY)
    assert all_python_ints(it.maxshape)
    assert all_python_ints(it.chunk_shape)
    assert all_python_ints(it.buffer_shape)
    assert type(it.num_buffers) is int


def test_numpy_maxshape_becomes_python_ints():
    it = NumpyShapeIterator(TEST_ARRAY)
    assert it.maxshape == (2000, 384)
    assert all_python_ints(it.maxshape)


def test_numpy_shape_settings_become_python_ints():
    it = NumpyIterator(TEST_ARRAY, chunk_shape=(np.uint64(100), np.uint64(2)),
                       buffer_shape=(np.uint64(200), np.uint64(4)))
    assert it.chunk_shape == (100, 2) and all_python_ints(it.chunk_shape)
    assert it.buffer_shape == (200, 4) and all_python_ints(it.buffer_shape)


def test_selection_slices_are_python_ints():
    first = next(NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384)))
    assert first.selection == (slice(0, 500), slice(0, 384))
    assert all(type(s) is slice for s in first.selection)
    assert all_python_ints([bound for s in first.selection for bound in (s.start, s.stop)])
    assert first.selection[0].step is None


# ---- iteration ------------------------------------------------------------

@pytest.mark.parametrize("kwargs, first_selection", [
    (dict(), (slice(0, 2000), slice(0, 384))),
    (dict(buffer_shape=(1580, 316), chunk_mb=1.0), (slice(0, 1580), slice(0, 316))),
    # a buffer smaller than the chunk: the chunk
    (dict(buffer_gb=0.0005, chunk_mb=1.0), (slice(0, 1580), slice(0, 316))),
    (dict(buffer_gb=2), (slice(0, 2000), slice(0, 384))),
    (dict(buffer_gb=2.0), (slice(0, 2000), slice(0, 384))),
])
def test_first_chunk(kwargs, first_selection):
    first = next(NumpyIterator(TEST_ARRAY, **kwargs))
    assert first.selection == first_selection
    assert first.data.dtype == np.dtype("int16")
    np.testing.assert_array_equal(first.data, TEST_ARRAY[first_selection])
    np.testing.assert_array_equal(first, TEST_ARRAY[first_selection])  # DataChunk delegates to its data


def test_iterated_once_covers_everything():
    it = NumpyIterator(TEST_ARRAY, buffer_shape=(600, 100), chunk_shape=(200, 50))
    seen = np.zeros(TEST_ARRAY.shape, dtype=int)
    chunks = list(it)
    assert len(chunks) == it.num_buffers == 4 * 4
    for chunk in chunks:
        seen[chunk.selection] += 1
        np.testing.assert_array_equal(chunk.data, TEST_ARRAY[chunk.selection])
        assert chunk.get_min_bounds() == tuple(s.stop for s in chunk.selection)
    assert (seen == 1).all()
    # a generator: exhausted once
    assert list(it) == []
    with pytest.raises(StopIteration):
        next(it)


def test_data_is_checked_and_cast():
    class Wide(NumpyIterator):
        def _get_data(self, selection):
            return self.array[selection].astype("int64")

    class Lossy(NumpyIterator):
        def _get_data(self, selection):
            return self.array[selection].astype("float64")

    class Flat(NumpyIterator):
        def _get_data(self, selection):
            return self.array[selection].ravel()

    chunk = next(Wide(TEST_ARRAY))
    assert chunk.data.dtype == np.dtype("int16")
    np.testing.assert_array_equal(chunk.data, TEST_ARRAY)
    with pytest.raises(TypeError, match="Cannot cast"):
        next(Lossy(TEST_ARRAY))
    with pytest.raises(ValueError, match=r"returned an array of shape \(768000,\); expected \(2000, 384\)"):
        next(Flat(TEST_ARRAY))


def test_big_endian_data():
    array = TEST_ARRAY.astype(">i2")
    it = NumpyIterator(array, buffer_shape=(1000, 384), chunk_shape=(100, 384))
    assert it.dtype == np.dtype(">i2")
    chunks = list(it)
    assert [c.data.dtype for c in chunks] == [np.dtype(">i2")] * 2
    np.testing.assert_array_equal(np.concatenate([c.data for c in chunks]), TEST_ARRAY)


def test_a_dtype_of_none_is_a_type_error():
    """numpy reads None as float64: the drop-in refuses it instead, when it
    is built and so before any iteration, rather than give float64 chunks."""

    class NoDtype(NumpyIterator):
        def _get_dtype(self):
            return None

    message = r"NoDtype\._get_dtype\(\) returned None: return a numpy dtype"
    with pytest.raises(TypeError, match=message):
        NoDtype(TEST_ARRAY)
    with pytest.raises(TypeError, match=message):
        for _chunk in NoDtype(TEST_ARRAY, buffer_shape=(500, 384)):
            pytest.fail("a chunk of a source without a dtype")


def test_the_dtype_is_read_once():
    """A _get_dtype() that later returns None changes nothing: the chunks
    keep the dtype read when the iterator was built."""

    class LaterNone(NumpyIterator):
        def _get_dtype(self):
            dtype, self.array_dtype = getattr(self, "array_dtype", self.array.dtype), None
            return dtype

    it = LaterNone(TEST_ARRAY, buffer_shape=(1000, 384), chunk_shape=(500, 384))
    assert it._get_dtype() is None
    chunks = list(it)
    assert it.dtype == np.dtype("int16")
    assert [c.data.dtype for c in chunks] == [np.dtype("int16")] * 2
    np.testing.assert_array_equal(np.concatenate([c.data for c in chunks]), TEST_ARRAY)


def test_exceptions_of_the_subclass_reach_the_caller():
    class DtypeFails(NumpyIterator):
        def _get_dtype(self):
            raise KeyError("no dtype")

    class ReadFails(NumpyIterator):
        def _get_data(self, selection):
            raise OSError(5, "disk on fire")

    with pytest.raises(KeyError, match="no dtype"):
        DtypeFails(TEST_ARRAY)
    it = ReadFails(TEST_ARRAY)
    with pytest.raises(OSError, match="disk on fire"):
        next(it)


def test_freed_without_the_garbage_collector():
    """No reference cycle keeps a (large) data source alive."""
    array = np.zeros((100, 100))
    alive = weakref.ref(array)
    gc.disable()
    try:
        it = NumpyIterator(array, buffer_shape=(10, 100), chunk_shape=(10, 10))
        assert len(list(it)) == 10
        del it, array
        assert alive() is None
    finally:
        gc.enable()


def test_subclass_default_shapes_are_used():
    """A subclass may compute its own default shapes, as hdmf allows."""

    class OwnDefaults(NumpyIterator):
        chunk = (np.int64(100), 384)

        def _get_default_chunk_shape(self, chunk_mb):
            return self.chunk

        def _get_default_buffer_shape(self, buffer_gb):
            self.chunk_seen = self.chunk_shape  # hdmf sets it first
            return (1000, 384)

    it = OwnDefaults(TEST_ARRAY)
    assert it.chunk_seen == (100, 384) and all_python_ints(it.chunk_seen)
    assert (it.chunk_shape, it.buffer_shape, it.num_buffers) == ((100, 384), (1000, 384), 2)
    # and they are checked as given shapes are
    OwnDefaults.chunk = (300, 384)
    assert_raises_exactly(AssertionError,
                          "Some dimensions of chunk_shape ((300, 384)) do not evenly divide the buffer shape "
                          "((1000, 384))!", OwnDefaults, TEST_ARRAY)


def test_default_shape_methods():
    it = NumpyIterator(np.empty((20000, 5000), dtype="int32"), buffer_gb=0.2)
    assert it._get_default_chunk_shape(chunk_mb=10.0) == (3160, 790)
    assert it._get_default_buffer_shape(buffer_gb=0.2) == (12640, 3160)
    assert_raises_exactly(AssertionError, "chunk_mb (0) must be greater than zero!",
                          it._get_default_chunk_shape, chunk_mb=0)


# ---- writing HDF5 ---------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(buffer_shape=(1580, 316), chunk_mb=1.0),
    dict(buffer_gb=0.0005, chunk_mb=1.0),
    dict(buffer_shape=(950, 190), chunk_shape=(50, 38)),
])
def test_h5py_write(tmp_path, kwargs):
    write_with_h5py(tmp_path / "test.hdf5", NumpyIterator(TEST_ARRAY, **kwargs), TEST_ARRAY)


def test_hdmf_writes_it(tmp_path):
    from hdmf.backends.hdf5.h5_utils import H5DataIO
    from hdmf.backends.hdf5.h5tools import HDF5IO
    from hdmf.build import DatasetBuilder
    from hdmf.data_utils import AbstractDataChunkIterator, DataChunk

    it = NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 96))
    assert isinstance(it, AbstractDataChunkIterator)
    path = tmp_path / "hdmf.hdf5"
    with HDF5IO(str(path), mode="w") as hdf5_io:
        hdf5_io.write_dataset(hdf5_io._file, DatasetBuilder("plain", it, attributes={}))
        wrapped = H5DataIO(NumpyIterator(TEST_ARRAY, buffer_gb=0.0005, chunk_mb=0.1), compression="gzip")
        hdf5_io.write_dataset(hdf5_io._file, DatasetBuilder("wrapped", wrapped, attributes={}))
    with h5py.File(path, "r") as f:
        assert f["plain"].chunks == (100, 96)
        assert f["wrapped"].chunks == (500, 100)
        assert f["wrapped"].compression == "gzip"
        np.testing.assert_array_equal(f["plain"][...], TEST_ARRAY)
        np.testing.assert_array_equal(f["wrapped"][...], TEST_ARRAY)
    assert isinstance(next(NumpyIterator(TEST_ARRAY)), DataChunk)


def test_without_hdmf(tmp_path):
    """Without hdmf, a small DataChunk of the same shape is yielded, and h5py
    writes work the same."""
    script = f"""
import sys
sys.modules["hdmf"] = None  # as if not installed
sys.path.insert(0, {os.path.dirname(__file__)!r})
from overrides_helpers import NumpyIterator
from test_generic_data_chunk_iterator import TEST_ARRAY, write_with_h5py
it = NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384))
chunk = next(it)
assert type(chunk).__name__ == "_SimpleDataChunk", type(chunk)
assert chunk.selection == (slice(0, 500), slice(0, 384))
assert chunk.dtype == TEST_ARRAY.dtype and len(chunk) == 500 and chunk.shape == (500, 384)
assert chunk.get_min_bounds() == (500, 384)
assert chunk.astype("int32").data.dtype.name == "int32"
write_with_h5py({str(tmp_path / "plain.hdf5")!r}, NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384)), TEST_ARRAY)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
    assert "hdmf" not in result.stderr


# ---- progress bars ----------------------------------------------------------

def test_progress_bar_with_tqdm():
    out = io.StringIO()
    desc = "Testing progress bar..."
    it = NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384), display_progress=True,
                       progress_bar_options=dict(file=out, desc=desc))
    import tqdm

    assert isinstance(it.progress_bar, tqdm.tqdm)
    assert it.progress_bar.total == 4
    for _ in it:
        pass
    text = out.getvalue()
    assert desc in text
    assert "4/4" in text
    assert "5/4" not in text


def test_progress_bar_no_options():
    it = NumpyIterator(TEST_ARRAY, display_progress=True, progress_bar_options=dict(file=io.StringIO()))
    assert it.progress_bar is not None
    assert it.display_progress is True


def test_progress_bar_total_is_not_overwritten():
    options = dict(total=5, file=io.StringIO())
    with pytest.warns(UserWarning) as record:
        it = NumpyIterator(TEST_ARRAY, display_progress=True, progress_bar_options=options)
    assert [str(w.message) for w in record] == [
        "Option 'total' in 'progress_bar_options' is not allowed to be over-written! Ignoring."]
    assert it.progress_bar.total == 1
    assert "total" in options  # the caller's options are left alone


def test_custom_progress_bar_class():
    it = NumpyIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384), display_progress=True,
                       progress_bar_class=RecordingBar, progress_bar_options=dict(desc="mine"))
    bar = it.progress_bar
    assert isinstance(bar, RecordingBar)
    assert (bar.total, bar.options) == (4, dict(desc="mine"))
    chunks = list(it)
    assert len(chunks) == 4
    assert bar.updates == [1, 1, 1, 1]
    assert bar.closed


def test_custom_progress_bar_class_needs_display_progress():
    RecordingBar.instances.clear()
    it = NumpyIterator(TEST_ARRAY, progress_bar_class=RecordingBar)
    list(it)
    assert RecordingBar.instances == [] and it.progress_bar is None


def test_tqdm_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.warns(UserWarning) as record:
        it = NumpyIterator(TEST_ARRAY, display_progress=True)
    assert [str(w.message) for w in record] == [
        "You must install tqdm to use the progress bar feature (pip install tqdm)! Progress bar is disabled."]
    assert it.display_progress is False
    assert len(list(it)) == 1


def test_no_warnings_without_progress_bar():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(NumpyIterator(TEST_ARRAY, buffer_gb=0.0005))


# ---- pickling -----------------------------------------------------------------

def test_pickle():
    before = PickleableIterator(TEST_ARRAY, buffer_shape=(500, 384), chunk_shape=(100, 384))
    after = pickle.loads(pickle.dumps(before))
    assert isinstance(after, PickleableIterator)
    assert after.chunk_shape == before.chunk_shape
    assert after.buffer_shape == before.buffer_shape == (500, 384)
    np.testing.assert_array_equal(after.array, before.array)
    np.testing.assert_array_equal(np.concatenate([c.data for c in after]), TEST_ARRAY)


def test_pickling_needs_to_dict():
    it = NumpyIterator(TEST_ARRAY)
    message = "The `._to_dict()` method for pickling has not been defined for this DataChunkIterator!"
    assert_raises_exactly(NotImplementedError, message, it._to_dict)
    assert_raises_exactly(NotImplementedError, message, pickle.dumps, it)


def test_unpickling_needs_from_dict():
    message = "The `._from_dict()` method for pickling has not been defined for this DataChunkIterator!"
    assert_raises_exactly(NotImplementedError, message, NumpyIterator._from_dict, dict())


def test_the_class_pickles_by_name():
    assert pickle.loads(pickle.dumps(GenericDataChunkIterator)) is GenericDataChunkIterator
    assert Gdci.GenericDataChunkIterator is GenericDataChunkIterator
