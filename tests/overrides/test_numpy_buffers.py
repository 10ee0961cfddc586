# SPDX-License-Identifier: LGPL-2.1-or-later
"""numpy data in and out of gdci without copies: the overrides' zero-copy
module wraps an array's memory in a GLib.Bytes (kept alive by it, released
in whatever thread GLib frees it) and a GLib.Bytes' memory in a read-only
array; and without that module, the same results through PyGObject's
copies."""

import gc
import subprocess
import sys
import threading
import weakref

import numpy as np
import pytest
from gi.repository import Gdci, GLib

GLUE = sys.modules["gi.overrides._gdci_numpy"]
BUFFER = GLUE._gdci_buffer

needs_zero_copy = pytest.mark.skipif(BUFFER is None, reason="built without the zero-copy module")


@needs_zero_copy
def test_bytes_of_an_array_is_its_memory():
    array = np.arange(12, dtype="int32").reshape(3, 4)
    alive = weakref.ref(array)
    data = BUFFER.bytes_from_buffer(array)
    assert isinstance(data, GLib.Bytes) and data.get_size() == array.nbytes
    array[1, 2] = -7  # seen through the GLib.Bytes: not a copy
    assert np.frombuffer(data.get_data(), dtype="int32")[6] == -7
    del array
    gc.collect()
    assert alive() is not None  # the GLib.Bytes holds the array
    del data
    gc.collect()
    assert alive() is None


@needs_zero_copy
def test_a_wrapped_buffer_cannot_be_resized():
    data = bytearray(b"gdci")
    wrapped = BUFFER.bytes_from_buffer(data)
    with pytest.raises(BufferError):
        data.extend(b"!")
    del wrapped
    data.extend(b"!")
    assert data == b"gdci!"


@needs_zero_copy
def test_a_copy_is_independent():
    array = np.arange(12, dtype="int32")
    alive = weakref.ref(array)
    data = BUFFER.bytes_from_buffer(array, copy=True)
    array[0] = 99
    assert np.frombuffer(data.get_data(), dtype="int32")[0] == 0
    del array
    gc.collect()
    assert alive() is None
    assert data.get_data() == np.arange(12, dtype="int32").tobytes()


@needs_zero_copy
def test_refusals():
    with pytest.raises(ValueError, match="not C-contiguous"):
        BUFFER.bytes_from_buffer(np.zeros((4, 4))[:, ::2])
    with pytest.raises(TypeError):
        BUFFER.bytes_from_buffer(42)
    with pytest.raises(TypeError, match=r"memoryview_of_bytes\(\) takes a GLib.Bytes, not bytes"):
        BUFFER.memoryview_of_bytes(b"abc")


@needs_zero_copy
def test_memoryview_of_bytes_is_read_only_and_keeps_them():
    view = BUFFER.memoryview_of_bytes(GLib.Bytes.new(b"abcdef"))
    gc.collect()
    assert view.readonly and bytes(view) == b"abcdef"
    with pytest.raises(TypeError, match="read-only"):
        view[0] = 0
    empty = BUFFER.memoryview_of_bytes(GLib.Bytes.new(b""))
    assert len(empty) == 0 and bytes(empty) == b""


@needs_zero_copy
def test_memoryview_of_bytes_lets_them_go():
    """The memoryview holds a reference to the GLib.Bytes until it is
    released: then the array behind them is freed."""
    array = np.arange(10, dtype="int64")
    alive = weakref.ref(array)
    view = BUFFER.memoryview_of_bytes(BUFFER.bytes_from_buffer(array))
    del array
    gc.collect()
    assert alive() is not None and np.frombuffer(view, dtype="int64")[9] == 9
    del view
    gc.collect()
    assert alive() is None


@needs_zero_copy
def test_from_numpy_and_to_numpy_copy_nothing():
    """A buffer of whole rows of a C-contiguous array is that array's
    memory, from from_numpy() to to_numpy()."""
    array = np.arange(1000, dtype="int16").reshape(100, 10)
    it = Gdci.ArrayIterator.from_numpy(array, buffer_shape=(30, 10), chunk_shape=(10, 10))
    chunks = list(it)
    assert len(chunks) == 4
    for chunk in chunks:
        data = chunk.to_numpy()
        assert np.shares_memory(data, array)
        assert not data.flags.writeable
        np.testing.assert_array_equal(data, array[chunk.get_selection().to_slices()])


@needs_zero_copy
def test_to_numpy_keeps_the_data_alive():
    data = np.arange(6, dtype="float32").reshape(2, 3)
    chunk = Gdci.DataChunk.new(Gdci.Selection.new([0, 0], [2, 3]), Gdci.Dtype.FLOAT32, GLib.Bytes.new(data.tobytes()))
    first, second = chunk.to_numpy(), chunk.to_numpy()
    assert np.shares_memory(first, second)  # both over the chunk's bytes
    del chunk, second
    gc.collect()
    np.testing.assert_array_equal(first, data)


def test_released_in_the_writers_threads(tmp_path):
    """The arrays behind GLib.Bytes that the writer's threads free are
    released there (taking the GIL), and are gone after the write."""
    arrays = [np.full((400, 16), i, dtype="int32") for i in range(3)]
    alive = [weakref.ref(a) for a in arrays]
    errors = []

    def write(i, array):
        try:
            Gdci.H5Writer(compression="gzip", n_threads=2).write(
                Gdci.ArrayIterator.from_numpy(array, buffer_shape=(100, 16), chunk_shape=(50, 16)),
                tmp_path / f"{i}.h5")
        except BaseException as error:  # noqa: B036: handed to the test
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i, a)) for i, a in enumerate(arrays)]
    del arrays
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    del threads
    gc.collect()
    assert errors == []
    assert [ref() for ref in alive] == [None, None, None]


WITHOUT_ZERO_COPY = """
import sys
sys.modules["gi.overrides._gdci_buffer"] = None  # as if not built
import numpy as np
from gi.repository import Gdci, GLib

glue = sys.modules["gi.overrides._gdci_numpy"]
assert glue._gdci_buffer is None
array = np.arange(1000, dtype="int16").reshape(100, 10)
it = Gdci.ArrayIterator.from_numpy(array, buffer_shape=(30, 10), chunk_shape=(10, 10))
array[0, 0] = 7  # a copy was taken: not seen
out = np.concatenate([chunk.to_numpy() for chunk in it])
assert out[0, 0] == 0 and (out[1:] == array[1:]).all()
array[0, 0] = 0
chunk = Gdci.DataChunk.new(Gdci.Selection.new([0], [3]), Gdci.Dtype.UINT8, GLib.Bytes.new(b"abc"))
assert chunk.to_numpy().tolist() == [97, 98, 99] and not chunk.to_numpy().flags.writeable


class Source(Gdci.ChunkIterator):
    def do_get_data(self, selection):
        return array[selection.to_slices()]

    def do_get_maxshape(self):
        return array.shape

    def do_get_dtype(self):
        return array.dtype


it = Gdci.ArrayIterator.new(bytearray(array.tobytes()), "int16", (100, 10))
assert (next(it).to_numpy() == array).all()
assert (np.concatenate([c.to_numpy() for c in Source(buffer_shape=(50, 10), chunk_shape=(10, 10))]) == array).all()
Gdci.H5Writer().write(Source(buffer_shape=(50, 10), chunk_shape=(10, 10)), sys.argv[1])
print("ok")
"""


def test_without_the_zero_copy_module(tmp_path):
    result = subprocess.run([sys.executable, "-c", WITHOUT_ZERO_COPY, str(tmp_path / "out.h5")],
                            capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", "ok\n")
    import h5py

    with h5py.File(tmp_path / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["data"][...], np.arange(1000, dtype="int16").reshape(100, 10))
