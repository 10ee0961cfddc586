# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.H5Writer from Python: settings as Python values, write() with
os.PathLike file names, returning None or raising (GLib.Error, or the
exception of a Python data source), write_async() in a GLib main loop with
progress in the main thread, and the hdmf drop-in written by the writer,
checked with h5py and against hdmf's own writer."""

import io
import os
import pathlib
import threading

import h5py
import numpy as np
import pytest
from gi.repository import Gdci, Gio, GLib, GObject
from overrides_helpers import (ArraySource, NumpyIterator, RecordingBar, cancelling_source, read_dataset,
                               run_async)

# a random walk: compressible, as recordings are
ARRAY = np.cumsum(np.random.default_rng(7).integers(-3, 4, size=(3000, 48)), axis=0).astype("int16")


def small_source(**settings):
    settings.setdefault("buffer_shape", (1000, 48))
    settings.setdefault("chunk_shape", (250, 24))
    return Gdci.ArrayIterator.from_numpy(ARRAY, **settings)


def assert_write_fails(source, tmp_path, domain, code, message=None, **kwargs):
    """Writing @source into tmp_path/out.h5 raises the GLib.Error @domain,
    @code (with @message, if given), and leaves no file behind."""
    with pytest.raises(GLib.Error) as info:
        Gdci.H5Writer().write(source, tmp_path / "out.h5", **kwargs)
    assert info.value.matches(domain, code)
    if message is not None:
        assert info.value.message == message
    assert os.listdir(tmp_path) == []


# ---- settings --------------------------------------------------------------


def test_defaults():
    writer = Gdci.H5Writer()
    assert writer.props.compression == Gdci.Compression.NONE
    assert writer.props.compression_level == 0
    assert (writer.props.shuffle, writer.props.fletcher32, writer.props.mode) == (False, False, Gdci.WriteMode.CREATE)
    assert writer.props.bitshuffle is False
    assert writer.props.blosc_codec == Gdci.BloscCodec.LZ4
    assert writer.props.n_threads == 0


@pytest.mark.parametrize("value, expected", [
    ("gzip", Gdci.Compression.GZIP), ("GZIP", Gdci.Compression.GZIP), (True, Gdci.Compression.GZIP),
    (Gdci.Compression.GZIP, Gdci.Compression.GZIP), (None, Gdci.Compression.NONE),
    (False, Gdci.Compression.NONE), ("none", Gdci.Compression.NONE), (Gdci.Compression.NONE, Gdci.Compression.NONE),
    ("gzip-fast", Gdci.Compression.GZIP_FAST), ("gzip:fast", Gdci.Compression.GZIP_FAST),
    ("zstd", Gdci.Compression.ZSTD), ("lz4", Gdci.Compression.LZ4), ("Blosc", Gdci.Compression.BLOSC),
])
def test_compression_values(value, expected):
    assert Gdci.H5Writer(compression=value).props.compression == expected
    writer = Gdci.H5Writer()
    writer.set_compression(value)
    assert writer.get_compression() == expected


def test_settings_as_keywords():
    writer = Gdci.H5Writer(compression="gzip", compression_level=np.int64(9), shuffle=True, fletcher32=True,
                           n_threads=3, mode="replace")
    assert writer.props.compression == Gdci.Compression.GZIP
    assert writer.props.compression_level == 9
    assert (writer.props.shuffle, writer.props.fletcher32, writer.props.mode) == (True, True, Gdci.WriteMode.REPLACE)
    assert writer.props.n_threads == 3


@pytest.mark.parametrize("settings, error, message", [
    ({"compression": "lzf"}, ValueError, r"compression 'lzf' is not one gdci writes: give 'none' \(or None\), "
                                         "'gzip', 'gzip-fast', 'zstd', 'lz4' or 'blosc'"),
    ({"compression": 4}, TypeError, r"compression must be 'none' \(or None\), 'gzip', 'gzip-fast', 'zstd', 'lz4' "
                                    r"or 'blosc', or a Gdci.Compression, not 4 \(give the level as compression_level\)"),
    ({"compression_level": -1}, ValueError, r"compression_level must be from 0 \(the codec's default\) to 22, "
                                            "not -1"),
    ({"compression": "gzip", "compression_level": 10}, ValueError,
     r"the gzip compression_level must be from 1 to 9 \(or 0 for 4\), not 10"),
    ({"compression": "zstd", "compression_level": 23}, ValueError,
     r"compression_level must be from 0 \(the codec's default\) to 22, not 23"),
    ({"compression": "gzip-fast", "compression_level": 4}, ValueError,
     r"the gzip-fast compression_level must be from 1 to 3 \(or 0 for 1\), not 4"),
    ({"compression": "lz4", "compression_level": 1}, ValueError,
     "lz4 compression has no levels: leave compression_level at 0, not 1"),
    ({"compression_level": 4.5}, TypeError, r"compression_level must be an integer \(0 for the codec's default\), "
                                            "not 4.5"),
    ({"shuffle": True, "bitshuffle": True}, ValueError, "shuffle and bitshuffle cannot both be set: choose one"),
    ({"compression": "gzip", "bitshuffle": True}, ValueError, "bitshuffle goes with no compression, 'zstd', 'lz4' "
                                                             "or 'blosc', not gzip: use shuffle with gzip"),
    ({"blosc_codec": "snappy"}, ValueError, "blosc_codec must be one of 'blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd' "
                                           "or a Gdci.BloscCodec, not 'snappy'"),
    ({"blosc_codec": 3}, TypeError, "blosc_codec must be one of 'blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd' "
                                     "or a Gdci.BloscCodec, not 3"),
    ({"n_threads": -1}, ValueError, r"n_threads must be 0 \(one thread per processor\) or a number of threads, "
                                    "not -1"),
    ({"n_threads": "2"}, TypeError, "n_threads must be an integer, not '2'"),
    ({"n_threads": 1 << 32}, ValueError, r"n_threads must be 0 \(one thread per processor\) or a number of "
                                         "threads, not 4294967296"),
])
def test_refused_settings(settings, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        Gdci.H5Writer(**settings)


def test_not_an_iterator(tmp_path):
    writer = Gdci.H5Writer()
    with pytest.raises(TypeError, match=r"writes a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator, not "
                                        r"ndarray \(Gdci.ArrayIterator.from_numpy\(\) makes one of an array\)"):
        writer.write(ARRAY, tmp_path / "out.h5")
    with pytest.raises(TypeError, match="not list$"):
        writer.write([1, 2], tmp_path / "out.h5")
    with pytest.raises(TypeError, match="filename must be a str or an os.PathLike"):
        writer.write(small_source(), 42)
    with pytest.raises(ValueError, match="is not valid UTF-8: gdci takes file names in UTF-8"):
        writer.write(small_source(), os.fsencode(tmp_path) + b"/\xff.h5")
    assert os.listdir(tmp_path) == []


# ---- write() ---------------------------------------------------------------


@pytest.mark.parametrize("name", [pathlib.Path, str, os.fsencode], ids=["Path", "str", "bytes"])
def test_write_gzip_shuffle(tmp_path, name):
    writer = Gdci.H5Writer(compression="gzip", compression_level=6, shuffle=True, fletcher32=True, n_threads=2)
    path = tmp_path / "out.h5"
    assert writer.write(small_source(), name(path)) is None
    data, chunks, compression, level, shuffle, fletcher32 = read_dataset(path)
    np.testing.assert_array_equal(data, ARRAY)
    assert chunks == (250, 24)
    assert (compression, level, shuffle, fletcher32) == ("gzip", 6, True, True)
    assert path.stat().st_size < ARRAY.nbytes  # compressed
    assert os.listdir(tmp_path) == ["out.h5"]


def test_write_without_filters_into_groups(tmp_path):
    path = tmp_path / "out.h5"
    Gdci.H5Writer().write(small_source(), path, "/acquisition/ElectricalSeries/data")
    data, chunks, compression, _level, shuffle, fletcher32 = read_dataset(path, "/acquisition/ElectricalSeries/data")
    np.testing.assert_array_equal(data, ARRAY)
    assert (chunks, compression, shuffle, fletcher32) == ((250, 24), None, False, False)


def test_existing_dataset(tmp_path):
    path = tmp_path / "out.h5"
    with h5py.File(path, "w") as f:
        f["data"] = np.zeros(3)
        f["other"] = np.ones(2)
    with pytest.raises(GLib.Error) as info:
        Gdci.H5Writer().write(small_source(), path)
    assert info.value.matches(Gdci.error_quark(), Gdci.Error.EXISTS)
    assert info.value.message == f"'/data' already exists in '{path}' (replace it, or fill it, with the writer's mode)"
    Gdci.H5Writer(mode="replace").write(small_source(), path)
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["data"][...], ARRAY)
        np.testing.assert_array_equal(f["other"][...], np.ones(2))


def test_progress_in_the_calling_thread(tmp_path):
    writer = Gdci.H5Writer(compression="gzip")
    calls = []
    writer.connect("progress", lambda _w, done, total: calls.append((threading.get_ident(), done, total)))
    writer.write(small_source(), tmp_path / "out.h5")
    assert {thread for thread, _, _ in calls} == {threading.get_ident()}
    assert calls[0][1:] == (0, ARRAY.nbytes) and calls[-1][1:] == (ARRAY.nbytes, ARRAY.nbytes)
    done = [d for _, d, _ in calls]
    assert done == sorted(done)


def test_python_source(tmp_path):
    """A Python data source is read in the writer's thread."""
    source = ArraySource(ARRAY, buffer_shape=(1000, 48), chunk_shape=(500, 48))
    Gdci.H5Writer(compression="gzip", shuffle=True).write(source, tmp_path / "out.h5")
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)
    assert threading.get_ident() not in source.threads


def test_python_source_reusing_its_buffer(tmp_path):
    """A source that returns the same array refilled for every buffer is
    written right, although the writer reads a buffer ahead."""

    class Reusing(ArraySource):
        def do_get_data(self, selection):
            rows = slice(0, selection.get_stop(0) - selection.get_start(0))
            self.out[rows] = self.array[selection.to_slices()]
            return self.out[rows]

    source = Reusing(ARRAY, buffer_shape=(200, 48), chunk_shape=(100, 48))
    source.out = np.empty((200, 48), dtype=ARRAY.dtype)
    Gdci.H5Writer(n_threads=4).write(source, tmp_path / "out.h5")
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)


def test_python_exception_of_a_source(tmp_path):
    source = ArraySource(ARRAY, fail_at=2000, error=KeyError("no such channel"), buffer_shape=(1000, 48),
                    chunk_shape=(500, 48))
    with pytest.raises(KeyError, match="no such channel"):
        Gdci.H5Writer().write(source, tmp_path / "out.h5")
    assert os.listdir(tmp_path) == []


def test_glib_error_of_a_source(tmp_path):
    error = GLib.Error.new_literal(GLib.file_error_quark(), "disk on fire", GLib.FileError.IO)
    source = ArraySource(ARRAY, fail_at=1000, error=error, buffer_shape=(1000, 48), chunk_shape=(500, 48))
    assert_write_fails(source, tmp_path, GLib.file_error_quark(), GLib.FileError.IO,
                       "Reading buffer 2 of 3 [1000:2000, 0:48] failed: disk on fire")


def test_cancelled(tmp_path):
    """Cancelled while the source reads its second buffer: an error, and no
    file."""
    cancellable = Gio.Cancellable()
    source = cancelling_source(cancellable, 1000, ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48))
    assert_write_fails(source, tmp_path, Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED,
                       cancellable=cancellable)


def test_uninitialized_iterator(tmp_path):
    source = GObject.new(Gdci.ArrayIterator)  # no Python constructor: not initialized
    assert_write_fails(source, tmp_path, Gdci.error_quark(), Gdci.Error.NOT_INITIALIZED,
                       "The GdciArrayIterator to write was used before g_initable_init() succeeded on it")


class NoDtypeSource(ArraySource):
    def do_get_dtype(self):
        return None


class NoDtypeDropIn(NumpyIterator):
    def _get_dtype(self):
        return None


NO_DTYPE_SOURCES = [
    pytest.param(NoDtypeSource, r"get_dtype\(\) of NoDtypeSource returned None", id="gi-override"),
    pytest.param(NoDtypeDropIn, r"NoDtypeDropIn\._get_dtype\(\) returned None", id="hdmf-drop-in"),
]


@pytest.mark.parametrize(("cls", "message"), NO_DTYPE_SOURCES)
def test_a_dtype_of_none_is_a_type_error(cls, message, tmp_path):
    """numpy reads None as float64: a source whose dtype is None is refused
    with a TypeError wherever it is used, and nothing is written."""
    with pytest.raises(TypeError, match=message):
        Gdci.H5Writer().write(cls(ARRAY, buffer_shape=(1000, 48)), tmp_path / "out.h5")
    with pytest.raises(TypeError, match=message):
        run_async(Gdci.H5Writer(), cls(ARRAY, buffer_shape=(1000, 48)), tmp_path / "out.h5")
    with pytest.raises(TypeError, match=message):
        next(iter(cls(ARRAY, buffer_shape=(1000, 48))))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("asynchronous", [False, True], ids=["write", "write_async"])
def test_a_dtype_that_becomes_none_is_not_float64(asynchronous, tmp_path):
    """The dtype is read once, when the source is built: one that later
    returns None is still written with it, never as float64."""

    class LaterNone(ArraySource):
        def do_get_dtype(self):
            dtype, self.later = getattr(self, "later", self.array.dtype), None
            return dtype

    source = LaterNone(ARRAY, buffer_shape=(1000, 48), chunk_shape=(250, 48))
    assert source.do_get_dtype() is None and source.get_dtype() == Gdci.Dtype.INT16
    path = tmp_path / "out.h5"
    if asynchronous:
        assert "error" not in run_async(Gdci.H5Writer(), source, path)
    else:
        Gdci.H5Writer().write(source, path)
    with h5py.File(path, "r") as f:
        assert f["data"].dtype == np.dtype("int16")
        np.testing.assert_array_equal(f["data"][()], ARRAY)


# ---- write_async() -----------------------------------------------------------


def test_write_async(tmp_path):
    writer = Gdci.H5Writer(compression="gzip", shuffle=True)
    progress = []
    writer.connect("progress", lambda _w, done, total: progress.append((threading.get_ident(), done, total)))
    path = tmp_path / "out.h5"
    source = ArraySource(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48))
    outcome = run_async(writer, source, path, "/async/data")
    assert "error" not in outcome and outcome["returned"] is None
    assert outcome["call"] == (writer, (), threading.get_ident())
    # progress reaches the main loop's thread, the data is read in another
    assert {thread for thread, _, _ in progress} == {threading.get_ident()}
    assert progress[-1][1:] == (ARRAY.nbytes, ARRAY.nbytes)
    assert threading.get_ident() not in source.threads
    data, chunks, compression, _level, shuffle, _ = read_dataset(path, "/async/data")
    np.testing.assert_array_equal(data, ARRAY)
    assert (chunks, compression, shuffle) == ((250, 48), "gzip", True)


def test_write_async_user_data_and_positional_arguments(tmp_path):
    loop = GLib.MainLoop()
    calls = []

    def done(writer, result, first, second):
        writer.write_finish(result)
        calls.append((first, second))
        loop.quit()

    writer = Gdci.H5Writer()
    writer.write_async(small_source(), str(tmp_path / "out.h5"), "/d", None, done, "first", 2)
    loop.run()
    assert calls == [("first", 2)]
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5", "/d")[0], ARRAY)


def test_write_async_python_exception(tmp_path):
    source = ArraySource(ARRAY, fail_at=1000, error=ZeroDivisionError("bad sample"), buffer_shape=(1000, 48),
                    chunk_shape=(500, 48))
    outcome = run_async(Gdci.H5Writer(), source, tmp_path / "out.h5")
    assert isinstance(outcome["error"], ZeroDivisionError) and str(outcome["error"]) == "bad sample"
    assert os.listdir(tmp_path) == []


def test_write_async_glib_error(tmp_path):
    (tmp_path / "out.h5").write_text("not HDF5")
    outcome = run_async(Gdci.H5Writer(), small_source(), tmp_path / "out.h5")
    error = outcome["error"]
    assert isinstance(error, GLib.Error) and error.matches(Gdci.error_quark(), Gdci.Error.EXISTS)
    assert error.message == f"'{tmp_path / 'out.h5'}' exists and is not an HDF5 file: gdci does not replace it"
    assert (tmp_path / "out.h5").read_text() == "not HDF5"


def test_write_async_cancelled(tmp_path):
    cancellable = Gio.Cancellable()
    source = cancelling_source(cancellable, 1000, ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48))
    outcome = run_async(Gdci.H5Writer(), source, tmp_path / "out.h5", cancellable=cancellable)
    assert outcome["error"].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
    assert os.listdir(tmp_path) == []


# ---- the hdmf drop-in --------------------------------------------------------


def test_drop_in_written_by_the_writer(tmp_path):
    """The writer takes a Gdci.GenericDataChunkIterator and writes what h5py
    writes from iterating it."""
    path = tmp_path / "out.h5"
    it = NumpyIterator(ARRAY, buffer_gb=0.0001, chunk_mb=0.02)
    Gdci.H5Writer(compression="gzip", shuffle=True).write(it, path, "/gdci")
    with h5py.File(path, "a") as f:
        reference = NumpyIterator(ARRAY, buffer_gb=0.0001, chunk_mb=0.02)
        dset = f.create_dataset("h5py", shape=reference.maxshape, dtype=reference.dtype,
                                chunks=reference.chunk_shape, compression="gzip", shuffle=True)
        for chunk in reference:
            dset[chunk.selection] = chunk.data
    with h5py.File(path, "r") as f:
        gdci, h5py_dset = f["gdci"], f["h5py"]
        assert gdci.chunks == h5py_dset.chunks == it.chunk_shape
        assert (gdci.dtype, gdci.shape) == (h5py_dset.dtype, h5py_dset.shape)
        assert (gdci.compression, gdci.compression_opts, gdci.shuffle) == ("gzip", 4, True)
        np.testing.assert_array_equal(gdci[...], h5py_dset[...])
        np.testing.assert_array_equal(gdci[...], ARRAY)


def test_drop_in_like_hdmf_h5dataio(tmp_path):
    """Gdci.H5Writer writes what hdmf's HDF5IO writes of the same iterator
    wrapped in H5DataIO with the same filters."""
    from hdmf.backends.hdf5.h5_utils import H5DataIO
    from hdmf.backends.hdf5.h5tools import HDF5IO
    from hdmf.build import DatasetBuilder

    settings = dict(buffer_shape=(1000, 48), chunk_shape=(250, 16))
    hdmf_path, gdci_path = tmp_path / "hdmf.h5", tmp_path / "gdci.h5"
    with HDF5IO(str(hdmf_path), mode="w") as io:
        wrapped = H5DataIO(NumpyIterator(ARRAY, **settings), compression="gzip", compression_opts=5, shuffle=True,
                           fletcher32=True)
        io.write_dataset(io._file, DatasetBuilder("data", wrapped, attributes={}))
    writer = Gdci.H5Writer(compression="gzip", compression_level=5, shuffle=True, fletcher32=True)
    writer.write(NumpyIterator(ARRAY, **settings), gdci_path)
    hdmf_result, gdci_result = read_dataset(hdmf_path), read_dataset(gdci_path)
    np.testing.assert_array_equal(gdci_result[0], hdmf_result[0])
    assert gdci_result[1:] == hdmf_result[1:] == ((250, 16), "gzip", 5, True, True)


def test_drop_in_progress_bar(tmp_path):
    it = NumpyIterator(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48), display_progress=True,
                       progress_bar_class=RecordingBar, progress_bar_options={"desc": "writing"})
    bar = it.progress_bar
    Gdci.H5Writer().write(it, tmp_path / "out.h5")
    assert (bar.total, bar.options, sum(bar.updates)) == (6, {"desc": "writing"}, 6)
    assert (bar.closed, bar.closes) == (True, 1)
    # kept, closed, as iterating leaves it (and as hdmf keeps it)
    assert it.progress_bar is bar
    # iterating it afterwards moves and closes it no more
    assert len(list(it)) == 6
    assert (sum(bar.updates), bar.closes) == (6, 1)


def test_drop_in_progress_bar_async(tmp_path):
    it = NumpyIterator(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48), display_progress=True,
                       progress_bar_class=RecordingBar)
    bar = it.progress_bar
    outcome = run_async(Gdci.H5Writer(), it, tmp_path / "out.h5")
    assert "error" not in outcome
    assert (sum(bar.updates), bar.closed, it.progress_bar) == (6, True, bar)
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)


def drop_in_with_bar(**settings):
    return NumpyIterator(ARRAY, buffer_shape=(200, 48), chunk_shape=(100, 48), display_progress=True,
                         progress_bar_class=RecordingBar, **settings)


def test_drop_in_bar_moves_in_the_calling_thread_only(tmp_path):
    """The bar is never updated from the writer's threads, whichever thread
    the C iterator's progress is emitted in: in the thread of write(), in
    the main loop's thread for write_async(), and in the thread of a
    write() from another thread."""
    it = drop_in_with_bar()
    bar = it.progress_bar
    Gdci.H5Writer(n_threads=2).write(it, tmp_path / "sync.h5")
    assert (sum(bar.updates), bar.closed) == (15, True)
    assert set(bar.threads) == {threading.get_ident()}

    it = drop_in_with_bar()
    bar = it.progress_bar
    assert "error" not in run_async(Gdci.H5Writer(n_threads=2), it, tmp_path / "async.h5")
    assert (sum(bar.updates), bar.closed) == (15, True)
    assert set(bar.threads) == {threading.get_ident()}

    it = drop_in_with_bar()
    bar = it.progress_bar
    writers = []

    def write():
        writers.append(threading.get_ident())
        Gdci.H5Writer(n_threads=2).write(it, tmp_path / "thread.h5")

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert (sum(bar.updates), bar.closed) == (15, True)
    assert set(bar.threads) == set(writers)
    for name in ("sync.h5", "async.h5", "thread.h5"):
        np.testing.assert_array_equal(read_dataset(tmp_path / name)[0], ARRAY)


def test_drop_in_bar_stays_open_after_a_failure(tmp_path):
    class Failing(NumpyIterator):
        def _get_data(self, selection):
            if selection[0].start >= 1000:
                raise OSError("unplugged")
            return super()._get_data(selection)

    it = Failing(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48), display_progress=True,
                 progress_bar_class=RecordingBar)
    with pytest.raises(OSError, match="unplugged"):
        Gdci.H5Writer().write(it, tmp_path / "out.h5")
    assert not it.progress_bar.closed and sum(it.progress_bar.updates) <= 3
    assert os.listdir(tmp_path) == []


def test_drop_in_progress_bar_after_python_iteration(tmp_path):
    """A tqdm bar that iterating moved already ends at the total, not past
    it."""
    from tqdm import tqdm

    it = NumpyIterator(ARRAY, buffer_shape=(500, 48), chunk_shape=(250, 48), display_progress=True,
                       progress_bar_class=tqdm, progress_bar_options={"file": io.StringIO()})
    bar = it.progress_bar
    next(it)
    next(it)
    assert bar.n == 2
    Gdci.H5Writer().write(it, tmp_path / "out.h5")
    assert bar.n == 6 and it.progress_bar is bar and bar.disable  # closed


def test_drop_in_exception(tmp_path):
    class Failing(NumpyIterator):
        def _get_data(self, selection):
            return super()._get_data(selection).astype("float64") + 0.5

    with pytest.raises(TypeError, match="Cannot cast"):
        Gdci.H5Writer().write(Failing(ARRAY, buffer_shape=(1000, 48), chunk_shape=(500, 48)), tmp_path / "out.h5")
    assert os.listdir(tmp_path) == []


def test_drop_in_written_after_python_iteration(tmp_path):
    """The writer reads every buffer from the first, whatever Python
    iteration consumed."""
    it = NumpyIterator(ARRAY, buffer_shape=(1000, 48), chunk_shape=(500, 48))
    next(it)
    Gdci.H5Writer().write(it, tmp_path / "out.h5")
    np.testing.assert_array_equal(read_dataset(tmp_path / "out.h5")[0], ARRAY)
    assert len(list(it)) == 2


@pytest.mark.parametrize("dtype", ["bool", "float16", "complex64", "complex128"])
def test_drop_in_of_a_type_gdci_lacks_is_refused(tmp_path, dtype):
    """The drop-in plans such data as hdmf does, but gdci has no element
    type to write it as: a TypeError naming the type, and nothing written,
    also when the C iterator behind the drop-in is what is written."""
    it = NumpyIterator(ARRAY.astype(dtype), buffer_shape=(1000, 48), chunk_shape=(500, 48))
    message = f"^{dtype} data cannot be written by gdci, which has no {dtype} element type"
    with pytest.raises(TypeError, match=message):
        Gdci.H5Writer().write(it, tmp_path / "out.h5")
    with pytest.raises(TypeError, match=message):
        Gdci.H5Writer().write_async(it, tmp_path / "out.h5")
    with pytest.raises(TypeError, match=message):
        Gdci.H5Writer().write(it._core, tmp_path / "out.h5")
    assert os.listdir(tmp_path) == []
    # and the drop-in is left as it was
    chunks = list(it)
    assert [chunk.data.dtype for chunk in chunks] == [np.dtype(dtype)] * 3
    np.testing.assert_array_equal(np.concatenate([chunk.data for chunk in chunks]), ARRAY.astype(dtype))


def test_h5_clean(tmp_path):
    """Gdci.h5_clean takes path-like objects and returns a list of what it
    cleaned up."""
    Gdci.H5Writer().write(NumpyIterator(ARRAY, buffer_shape=(1000, 48), chunk_shape=(500, 48)),
                          tmp_path / "out.h5")
    assert Gdci.h5_clean(tmp_path) == []
    assert Gdci.h5_clean(tmp_path / "out.h5") == []
    assert Gdci.h5_clean(str(tmp_path / "missing.h5")) == []
    with pytest.raises(GLib.Error, match="not a regular file or a directory") as raised:
        Gdci.h5_clean("/dev/null")
    assert raised.value.matches(Gdci.error_quark(), Gdci.Error.NOT_SUPPORTED)
    with pytest.raises(TypeError, match="path must be a str or an os.PathLike"):
        Gdci.h5_clean(3)
