# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.GenericDataChunkIterator against hdmf's class where hdmf's own
tests found them apart: the registration as hdmf's
AbstractDataChunkIterator, in either import order; hdmf's docval refusals
of the arguments, word for word; the progress bar once the progress is
complete; and data of the types gdci has no element type for (bool,
float16, complex, long double), planned as hdmf plans them.

The random comparison of those types' shapes is in test_hdmf_differential.py."""

import collections.abc
import io
import math
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import tqdm
from gi.repository import Gdci
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
from hdmf.data_utils import GenericDataChunkIterator as HdmfGenericDataChunkIterator
from hdmf.utils import docval, get_docval
from overrides_helpers import RecordingBar

ARRAY = np.random.default_rng(11).integers(-100, 100, size=(600, 40), dtype="int16")

# the types gdci plans with a stand-in of their itemsize; the last two
# (16 and 32 bytes) with their sizes scaled
LACKED_DTYPES = ["bool", "float16", "complex64", "complex128", "longdouble", "clongdouble"]


class ArrayMixin:
    """Over ARRAY, or another array; any other argument, positional too,
    goes to the base class."""

    def __init__(self, *args, array=ARRAY, **kwargs):
        self.array = array
        super().__init__(*args, **kwargs)

    def _get_data(self, selection):
        return self.array[selection]

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


class HdmfIterator(ArrayMixin, HdmfGenericDataChunkIterator):
    pass


class DropInIterator(ArrayMixin, Gdci.GenericDataChunkIterator):
    pass


def outcome(make, *args, **kwargs):
    """What make(*args, **kwargs) returned, or the type and text of what it raised."""
    try:
        return make(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - compared
        return type(error), str(error)


def shape_only(dtype, shape):
    """An array of a shape and dtype, in no memory: for iterators never read."""
    return np.broadcast_to(np.zeros((), dtype=dtype), shape)


def random_values(dtype, shape):
    rng = np.random.default_rng(3)
    values = rng.normal(size=shape) * 100
    if np.dtype(dtype).kind == "c":
        values = values + 1j * rng.normal(size=shape)
    return (values > 0 if dtype == "bool" else values).astype(dtype)


# ---- registered as hdmf's AbstractDataChunkIterator -------------------------

def run_python(script):
    """script in a new interpreter, with the overrides of this build: its
    output, once it succeeded."""
    helpers = os.path.dirname(__file__)
    result = subprocess.run([sys.executable, "-c", f"import sys\nsys.path.insert(0, {helpers!r})\n{script}"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_registered_when_hdmf_is_imported_after_gdci():
    assert run_python("""
from gi.repository import Gdci
from overrides_helpers import NumpyIterator
assert "hdmf" not in sys.modules   # Gdci does not import hdmf
import hdmf.data_utils as du
assert issubclass(Gdci.GenericDataChunkIterator, du.AbstractDataChunkIterator)
assert issubclass(NumpyIterator, du.AbstractDataChunkIterator)   # defined before hdmf's import
# hdmf.data_utils as without gdci: its own loader; and no finder left behind
assert type(du.__loader__).__name__ == "SourceFileLoader", du.__loader__
assert du.__spec__.loader is du.__loader__
assert not [f for f in sys.meta_path if type(f).__module__ == "gi.overrides._gdci_hdmf"], sys.meta_path
import numpy as np
it = NumpyIterator(np.zeros((4, 4), "int8"))
assert isinstance(it, du.AbstractDataChunkIterator) and isinstance(next(it), du.DataChunk)
print("ok")
""") == "ok\n"


def test_registered_when_hdmf_is_imported_first():
    assert run_python("""
import hdmf.data_utils as du
from gi.repository import Gdci
assert issubclass(Gdci.GenericDataChunkIterator, du.AbstractDataChunkIterator)
assert not [f for f in sys.meta_path if type(f).__module__ == "gi.overrides._gdci_hdmf"], sys.meta_path
print("ok")
""") == "ok\n"


def test_registered_by_the_first_iterator():
    """Without an import of hdmf by the program, the first iterator imports
    it (for its DataChunk), and the drop-in is registered."""
    assert run_python("""
from gi.repository import Gdci
from overrides_helpers import NumpyIterator
import numpy as np
chunk = next(NumpyIterator(np.zeros((4, 4), "int8")))
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
assert type(chunk) is DataChunk
assert issubclass(Gdci.GenericDataChunkIterator, AbstractDataChunkIterator)
print("ok")
""") == "ok\n"


def test_registered_here():
    assert issubclass(Gdci.GenericDataChunkIterator, AbstractDataChunkIterator)
    assert isinstance(DropInIterator(), AbstractDataChunkIterator)
    assert isinstance(next(DropInIterator()), DataChunk)


# ---- the arguments, checked as hdmf's docval checks them ----------------------

def current_hdmf_init():
    """docval over the arguments of current hdmf's
    GenericDataChunkIterator.__init__: 3.5.1's, and progress_bar_class
    (type Callable, default None) before progress_bar_options, where later
    hdmf added it; checks the arguments only."""
    spec = list(get_docval(HdmfGenericDataChunkIterator.__init__))
    names = [argument["name"] for argument in spec]
    if "progress_bar_class" not in names:
        spec.insert(names.index("progress_bar_options"),
                    dict(name="progress_bar_class", type=collections.abc.Callable, doc="the bar's class",
                         default=None))

    def __init__(self, **kwargs):
        return kwargs

    __init__.__qualname__ = "GenericDataChunkIterator.__init__"
    return docval(*spec)(__init__)


CHECK_CURRENT_HDMF = current_hdmf_init()

WRONG_CALLS = [
    ((), dict(foo=1)),
    ((), dict(foo=1, bar=2)),
    ((), dict(buffer_gb="1")),
    ((), dict(buffer_gb="1", chunk_mb=[1])),
    ((), dict(chunk_mb=b"1")),
    ((), dict(buffer_gb=np.uint64(1))),
    ((), dict(buffer_gb=np.bool_(True))),
    ((), dict(chunk_mb=1 + 2j)),
    ((), dict(chunk_mb=np.array(1.0))),
    ((), dict(buffer_shape=5)),
    ((), dict(chunk_shape="abc")),
    ((), dict(chunk_shape={100: 40})),
    ((), dict(display_progress=None)),
    ((), dict(display_progress=1)),
    ((), dict(display_progress="yes")),
    ((), dict(progress_bar_class=1)),
    ((), dict(progress_bar_class="tqdm")),
    ((), dict(buffer_gb="x", foo=1)),
    ((), dict(foo=1, buffer_gb="x", chunk_shape=1.5)),
    ((), dict(buffer_gb=1.0, chunk_mb=1.0, display_progress=1, progress_bar_class=2, zzz=3)),
    ((), {name: 1 for name in "abcdefgh"}),
    ((1.0, None, 1.0, None, False, None, None, 7), {}),
    (("x",), {}),
    ((1.0,), dict(buffer_gb=2.0)),   # docval's way: 1.0 is the next argument, buffer_shape
    ((0.1, None, 0.1), dict(foo=1)),
]


@pytest.mark.parametrize("args, kwargs", WRONG_CALLS)
def test_wrong_arguments_as_current_hdmf(args, kwargs):
    expected = outcome(CHECK_CURRENT_HDMF, None, *args, **kwargs)
    assert expected[0] is TypeError, expected
    assert outcome(DropInIterator, *args, **kwargs) == expected


@pytest.mark.parametrize("args, kwargs", [
    call for call in WRONG_CALLS
    if "progress_bar_class" not in call[1] and len(call[0]) + len(call[1]) <= 6])
def test_wrong_arguments_as_hdmf_3_5(args, kwargs):
    """hdmf 3.5.1 itself, where it has the same arguments (it has no
    progress_bar_class, and so one argument fewer to count)."""
    expected = outcome(HdmfIterator, *args, **kwargs)
    assert expected[0] is TypeError, expected
    assert outcome(DropInIterator, *args, **kwargs) == expected


@pytest.mark.parametrize("args, kwargs", [
    ((), dict(buffer_gb=True, chunk_mb=0.001)),
    ((), dict(buffer_gb=np.float16(0.0001), chunk_mb=np.float32(0.001))),
    ((), dict(buffer_gb=np.int8(1), chunk_mb=np.longdouble(0.002))),
    ((), dict(buffer_shape=(300, 40), chunk_shape=(100, np.int64(20)))),
    ((0.0001, None, 0.001), {}),
    ((None, (300, 40)), dict(chunk_mb=0.001)),
    ((), dict(chunk_mb=0.001, display_progress=np.bool_(False))),
    ((), dict(chunk_mb=0.001, progress_bar_options=5)),   # any type: unused without a bar
])
def test_accepted_arguments_as_hdmf(args, kwargs):
    hdmf, ours = HdmfIterator(*args, **kwargs), DropInIterator(*args, **kwargs)
    assert (ours.chunk_shape, ours.buffer_shape, ours.num_buffers) == \
        (hdmf.chunk_shape, hdmf.buffer_shape, hdmf.num_buffers)
    assert ours.display_progress == hdmf.display_progress
    assert ours.progress_bar_options == hdmf.progress_bar_options


def test_shapes_may_be_lists_unlike_hdmf():
    """Documented: any sequence is a shape for the drop-in."""
    assert outcome(HdmfIterator, buffer_shape=[300, 40])[0] is TypeError
    assert DropInIterator(buffer_shape=[300, 40], chunk_shape=np.array([100, 20])).buffer_shape == (300, 40)


@pytest.mark.parametrize("method, args, kwargs", [
    ("_get_default_chunk_shape", (), dict(chunk_mb="1")),
    ("_get_default_chunk_shape", (), dict(chunk_mb=np.uint8(1))),
    ("_get_default_chunk_shape", (), dict(chunk_mb=1.0, buffer_gb=1.0)),
    ("_get_default_chunk_shape", ("1",), {}),
    ("_get_default_chunk_shape", (1.0, 2.0), {}),
    ("_get_default_chunk_shape", (0.001,), {}),
    ("_get_default_chunk_shape", (), dict(chunk_mb=0)),
    ("_get_default_buffer_shape", (), dict(buffer_gb=[1])),
    ("_get_default_buffer_shape", (), dict(foo=1)),
    ("_get_default_buffer_shape", (1e-5,), {}),
    ("_get_default_buffer_shape", (), dict(buffer_gb=-1)),
])
def test_default_shape_methods_as_hdmf(method, args, kwargs):
    hdmf, ours = HdmfIterator(chunk_mb=0.001), DropInIterator(chunk_mb=0.001)
    assert outcome(getattr(ours, method), *args, **kwargs) == outcome(getattr(hdmf, method), *args, **kwargs)


# ---- the progress bar, once the progress is complete -----------------------------

def test_progress_bar_is_kept_closed_after_iteration():
    hdmf = HdmfIterator(buffer_shape=(300, 40), chunk_shape=(100, 40), display_progress=True,
                        progress_bar_options=dict(file=io.StringIO()))
    ours = DropInIterator(buffer_shape=(300, 40), chunk_shape=(100, 40), display_progress=True,
                          progress_bar_options=dict(file=io.StringIO()))
    hdmf_bar, bar = hdmf.progress_bar, ours.progress_bar
    assert isinstance(bar, tqdm.tqdm)
    assert len(list(hdmf)) == len(list(ours)) == 2
    assert hdmf.progress_bar is hdmf_bar and ours.progress_bar is bar
    assert bar.n == 2 and bar.disable  # closed: tqdm disables a closed bar
    assert "2/2" in bar.fp.getvalue()


def test_progress_bar_is_closed_once():
    it = DropInIterator(buffer_shape=(300, 40), chunk_shape=(100, 40), display_progress=True,
                        progress_bar_class=RecordingBar)
    bar = it.progress_bar
    assert len(list(it)) == 2
    with pytest.raises(StopIteration):
        next(it)
    assert it.progress_bar is bar
    assert (bar.updates, bar.closed, bar.closes) == ([1, 1], True, 1)


# ---- bool, float16, complex: planned as hdmf plans them -----------------------------

@pytest.mark.parametrize("dtype", LACKED_DTYPES)
@pytest.mark.parametrize("settings", [
    dict(chunk_mb=0.01, buffer_gb=0.0001),
    dict(chunk_mb=0.003, buffer_gb=0.00002),
    dict(chunk_mb=1.0),
    dict(chunk_shape=(50, 8), buffer_gb=0.00005),
    dict(chunk_shape=(50, 8), buffer_shape=(150, 40)),
])
def test_types_gdci_lacks_iterate_as_hdmf(dtype, settings):
    array = random_values(dtype, (600, 40))
    hdmf, ours = HdmfIterator(array=array, **settings), DropInIterator(array=array, **settings)
    assert (ours.dtype, ours.maxshape) == (np.dtype(dtype), (600, 40))
    assert (ours.chunk_shape, ours.buffer_shape, ours.num_buffers) == \
        (hdmf.chunk_shape, hdmf.buffer_shape, hdmf.num_buffers)
    hdmf_chunks, our_chunks = list(hdmf), list(ours)
    assert [chunk.selection for chunk in our_chunks] == [chunk.selection for chunk in hdmf_chunks]
    for got, expected in zip(our_chunks, hdmf_chunks):
        assert got.data.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got.data, expected.data)


@pytest.mark.parametrize("dtype", LACKED_DTYPES)
def test_types_gdci_lacks_in_the_default_shape_methods(dtype):
    array = shape_only(dtype, (20000, 5000))
    hdmf, ours = HdmfIterator(array=array, chunk_mb=10.0), DropInIterator(array=array)
    assert ours.chunk_shape == hdmf.chunk_shape
    assert ours.buffer_shape == hdmf.buffer_shape
    for chunk_mb in (0.37, 1.0, 10.0, 123.0):
        assert ours._get_default_chunk_shape(chunk_mb=chunk_mb) == hdmf._get_default_chunk_shape(chunk_mb=chunk_mb)
    for buffer_gb in (0.01, 0.2, 1.0, 3.7):
        assert ours._get_default_buffer_shape(buffer_gb=buffer_gb) == \
            hdmf._get_default_buffer_shape(buffer_gb=buffer_gb)


@pytest.mark.parametrize("dtype", LACKED_DTYPES)
def test_types_gdci_lacks_refused_as_hdmf(dtype):
    array = shape_only(dtype, (2000, 384))
    for settings in (dict(buffer_shape=(1000, 192), chunk_shape=(1000, 5)), dict(chunk_mb=-1.0),
                     dict(buffer_gb=0), dict(chunk_shape=(2001, 384)), dict(buffer_shape=(2000, 385)),
                     dict(buffer_shape=(300, 384), chunk_mb=1.0)):
        expected = outcome(HdmfIterator, array=array, **settings)
        assert isinstance(expected, tuple) and expected[0] is AssertionError, expected
        assert outcome(DropInIterator, array=array, **settings) == expected
    # gdci's own refusals, named as for any type
    assert outcome(DropInIterator, array=array, chunk_mb=float("inf")) == \
        (ValueError, "chunk_mb (inf) is too large: give a finite size")
    assert outcome(DropInIterator, array=array, buffer_gb=1e300) == \
        (ValueError, "buffer_gb (1e+300) is too large: give a finite size")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_types_gdci_lacks_named_in_gdci_errors(dtype):
    """A refusal of gdci's own names the data's type, not the one gdci
    planned with."""

    class Huge(DropInIterator):
        def _get_maxshape(self):
            return (2 ** 62, 2 ** 62)

    kind, message = outcome(Huge, array=np.empty((1, 1), dtype=dtype), chunk_shape=(2 ** 31, 2 ** 31))
    assert kind is OverflowError
    assert message == f"The chunk shape (2147483648, 2147483648) of {dtype} has more than 2^64 bytes"


@pytest.mark.parametrize("dtype", LACKED_DTYPES)
def test_types_gdci_lacks_with_free_axes(dtype):
    """One free axis (hdmf's proposal): the chunk_mb of rows of the given axes."""
    itemsize = np.dtype(dtype).itemsize
    array = shape_only(dtype, (1302083, 384))
    for chunk_mb in (1.0, 10.0, 0.3):
        it = DropInIterator(array=array, chunk_shape=(None, 64), chunk_mb=chunk_mb)
        assert it.chunk_shape == (min(math.floor(chunk_mb * 1e6 / (itemsize * 64)), 1302083), 64)


def hdmf_write(path, iterator):
    """What hdmf's HDF5IO writes of an iterator: the dataset's type, chunks
    and data, or what it raised."""
    from hdmf.backends.hdf5.h5_utils import H5DataIO
    from hdmf.backends.hdf5.h5tools import HDF5IO
    from hdmf.build import DatasetBuilder

    try:
        with HDF5IO(str(path), mode="w") as hdf5_io:
            hdf5_io.write_dataset(hdf5_io._file, DatasetBuilder("data", H5DataIO(iterator), attributes={}))
    except Exception as error:  # noqa: BLE001 - compared
        return type(error), str(error)
    with h5py.File(path, "r") as f:
        return f["data"].dtype, f["data"].chunks, f["data"][...]


# h5py reports the error of hdmf's complex writes also as unraisable
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("dtype", ["bool", "float16", "complex64", "complex128"])
def test_written_as_hdmf_writes_hdmf_iterators(tmp_path, dtype):
    """hdmf's HDF5IO writes the drop-in as it writes its own class (it
    stores bool and float16 as float32, and refuses complex); h5py writes
    the type itself."""
    array = random_values(dtype, (600, 40))
    settings = dict(chunk_mb=0.002, buffer_gb=0.00002)
    expected = hdmf_write(tmp_path / "hdmf.h5", HdmfIterator(array=array, **settings))
    got = hdmf_write(tmp_path / "gdci.h5", DropInIterator(array=array, **settings))
    assert len(got) == len(expected)
    assert got[:2] == expected[:2]
    if len(got) == 3:
        np.testing.assert_array_equal(got[2], expected[2])

    it = DropInIterator(array=array, **settings)
    with h5py.File(tmp_path / "h5py.h5", "w") as f:
        dset = f.create_dataset("data", shape=it.maxshape, dtype=it.dtype, chunks=it.chunk_shape)
        for chunk in it:
            dset[chunk.selection] = chunk.data
    with h5py.File(tmp_path / "h5py.h5", "r") as f:
        assert f["data"].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(f["data"][...], array)
