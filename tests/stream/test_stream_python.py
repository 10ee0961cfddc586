# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.H5Stream through the Python overrides: append takes numpy frames
of any layout (a block of frames or one frame), bytes and GLib.Bytes, and
refuses a wrong dtype (TypeError) or shape (ValueError) without writing
anything; the settings as keywords; the stream as a context manager; its
counts; the `flushed` signal in the main context. Every file is read back
with h5py, value by value."""

import os

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a user's does
import numpy as np
import pytest
from gi.repository import Gdci, GLib

from stream_helpers import assert_frames, frames

GDCI_DOMAIN = GLib.quark_to_string(Gdci.error_quark())

# filter ids in the files
DEFLATE, SHUFFLE, BLOSC, LZ4, BITSHUFFLE, ZSTD = 1, 2, 32001, 32004, 32008, 32015


def read(path, dataset="/data"):
    """The dataset, read with a plain h5py (the stream is closed)"""
    with h5py.File(path, "r") as file:
        return file[dataset][()]


def filters(path, dataset="/data"):
    with h5py.File(path, "r") as file:
        plist = file[dataset].id.get_create_plist()
        return [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]


def chunks(path, dataset="/data"):
    with h5py.File(path, "r") as file:
        return file[dataset].chunks


def iterate(context=None):
    """Runs what is ready in @context (the default one)"""
    context = context or GLib.MainContext.default()
    while context.iteration(False):
        pass


# ---- what append takes ---------------------------------------------------


def test_blocks_and_single_frames(tmp_path):
    """Blocks of (n, *frame_shape) and single frames of frame_shape, in
    any mix, make one dataset of every frame in order"""
    path = tmp_path / "frames.h5"
    shape = (6, 5)
    with Gdci.H5Stream(path, "/data", np.int32, shape) as stream:
        stream.append(frames(0, 10, shape, "int32"))
        stream.append(frames(10, 1, shape, "int32")[0])
        stream.append(frames(11, 0, shape, "int32"))
        stream.append(frames(11, 1, shape, "int32"))
        stream.append(frames(12, 7, shape, "int32"))
        assert stream.props.frames_appended == 19
        assert stream.get_frame_shape() == shape
        assert stream.get_frame_bytes() == 6 * 5 * 4
    assert stream.is_closed()
    data = read(path)
    assert data.shape == (19, 6, 5)
    assert_frames(data, 0, shape, "int32")


def test_scalar_frames(tmp_path):
    """frame_shape () records one value a frame: a 1-D block or a scalar"""
    path = tmp_path / "scalars.h5"
    with Gdci.H5Stream(path, "/data", np.float64, ()) as stream:
        stream.append(frames(0, 5, (), "float64"))
        stream.append(frames(5, 1, (), "float64")[0])
        stream.append(np.float64(frames(6, 1, (), "float64")[0]))
    assert_frames(read(path), 0, (), "float64")
    assert read(path).shape == (7,)


def test_any_memory_layout(tmp_path):
    """Slices with steps, reversed axes, Fortran order, transposes and a
    read-only array: the frames are the values as numpy shows them"""
    path = tmp_path / "layouts.h5"
    shape = (4, 6)
    block = frames(0, 40, shape, "uint16")
    pieces = [
        np.asfortranarray(block[0:5]),                     # Fortran order
        np.ascontiguousarray(block[5:10][:, ::-1, :])[:, ::-1, :],   # reversed view
        block[10:20][::2],                                 # every other frame
        block[11:20][::2],
        np.ascontiguousarray(block[20:25].transpose(0, 2, 1)).transpose(0, 2, 1),
        np.asfortranarray(block[25:30].transpose(2, 1, 0)).T,   # C order again
        block[30],                                         # one frame, a view
    ]
    readonly = block[31:40].copy()
    readonly.setflags(write=False)
    pieces.append(readonly[:, :, ::1])
    with Gdci.H5Stream(path, "/data", np.uint16, shape) as stream:
        for piece in pieces:
            stream.append(piece)
    expected = np.concatenate([block[0:10], block[10:20:2], block[11:20:2], block[20:40]])
    data = read(path)
    assert data.shape == expected.shape
    np.testing.assert_array_equal(data, expected)


@pytest.mark.parametrize("dtype", ["int16", "uint32", "float64", "int8"])
def test_another_byte_order(tmp_path, dtype):
    """Frames in the other byte order are the same type: converted"""
    path = tmp_path / "swapped.h5"
    block = frames(0, 6, (5,), dtype)
    swapped = block.astype(block.dtype.newbyteorder("S"))
    with Gdci.H5Stream(path, "/data", dtype, (5,)) as stream:
        stream.append(swapped[:4])
        stream.append(swapped[4])
        stream.append(swapped[5:][:, ::-1][:, ::-1])
    assert_frames(read(path), 0, (5,), dtype)


def test_a_padded_column_slice(tmp_path):
    """A slice of the frame axes of a larger array (strides that skip
    elements in every axis)"""
    path = tmp_path / "padded.h5"
    big = frames(0, 12, (10, 9), "int16")
    with Gdci.H5Stream(path, "/data", "int16", (3, 4)) as stream:
        stream.append(big[:, 2:8:2, 1:5])
    np.testing.assert_array_equal(read(path), big[:, 2:8:2, 1:5])


def test_bytes_and_glib_bytes(tmp_path):
    """The bytes of whole frames, in C order and this machine's byte order:
    bytes, bytearray, memoryview and GLib.Bytes"""
    path = tmp_path / "bytes.h5"
    shape = (16,)
    block = frames(0, 12, shape, "float32")
    with Gdci.H5Stream(path, "/data", np.float32, shape) as stream:
        stream.append(block[0:3].tobytes())
        stream.append(bytearray(block[3:5].tobytes()))
        stream.append(memoryview(block[5:8]))
        stream.append(GLib.Bytes.new(block[8:12].tobytes()))
        assert stream.props.frames_appended == 12
    assert_frames(read(path), 0, shape, "float32")


def test_lists_of_values(tmp_path):
    """A nested list is taken as numpy takes it: float64 for floats"""
    path = tmp_path / "list.h5"
    with Gdci.H5Stream(path, "/data", np.float64, (3,)) as stream:
        stream.append([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]])
        stream.append([6.5, 7.5, 8.5])
    np.testing.assert_array_equal(read(path), np.arange(9).reshape(3, 3) + 0.5)


@pytest.mark.parametrize("wrong", [np.int32, np.uint16, np.float32, np.int8])
def test_a_wrong_dtype_is_a_type_error(tmp_path, wrong):
    """TypeError names both dtypes; nothing of the block is appended"""
    path = tmp_path / "dtype.h5"
    shape = (8,)
    with Gdci.H5Stream(path, "/data", np.int16, shape) as stream:
        stream.append(frames(0, 4, shape, "int16"))
        with pytest.raises(TypeError, match=f"int16.*{np.dtype(wrong).name}"):
            stream.append(frames(4, 3, shape, wrong))
        with pytest.raises(TypeError):
            stream.append(frames(4, 3, shape, wrong)[0])
        assert stream.props.frames_appended == 4
        stream.flush()
        assert stream.props.frames_durable == 4
        stream.append(frames(4, 2, shape, "int16"))
    data = read(path)
    assert data.shape == (6, 8)
    assert_frames(data, 0, shape, "int16")


@pytest.mark.parametrize("wrong", [(3, 7), (3, 8, 1), (8, 1), (3,), (9,), (), (2, 2, 4)])
def test_a_wrong_shape_is_a_value_error(tmp_path, wrong):
    """ValueError names the shape expected; nothing is appended"""
    path = tmp_path / "shape.h5"
    with Gdci.H5Stream(path, "/data", np.int16, (8,)) as stream:
        stream.append(frames(0, 2, (8,), "int16"))
        with pytest.raises(ValueError, match=r"\(n, 8"):
            stream.append(np.zeros(wrong, np.int16))
        assert stream.props.frames_appended == 2
        stream.append(frames(2, 1, (8,), "int16"))
    data = read(path)
    assert data.shape == (3, 8)
    assert_frames(data, 0, (8,), "int16")


def test_bytes_of_part_of_a_frame(tmp_path):
    """Bytes that are not whole frames: GLib.Error, nothing appended"""
    path = tmp_path / "partial.h5"
    with Gdci.H5Stream(path, "/rec/data", np.int16, (8,)) as stream:
        stream.append(frames(0, 1, (8,), "int16").tobytes())
        for wrong in (b"\0" * 15, GLib.Bytes.new(b"\0" * 17)):
            with pytest.raises(GLib.Error) as caught:
                stream.append(wrong)
            assert caught.value.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT)
            assert "/rec/data" in caught.value.message
        assert stream.props.frames_appended == 1
    assert_frames(read(path, "/rec/data"), 0, (8,), "int16")


# ---- settings --------------------------------------------------------------

COMPRESSIONS = [
    # (keywords, the filters in the file)
    ({}, []),
    ({"compression": None}, []),
    ({"compression": "none"}, []),
    ({"compression": "gzip"}, [DEFLATE]),
    ({"compression": "gzip-fast", "shuffle": True}, [SHUFFLE, DEFLATE]),
    ({"compression": "gzip", "compression_level": 9}, [DEFLATE]),
    ({"compression": "zstd"}, [ZSTD]),
    ({"compression": "zstd", "compression_level": 7, "shuffle": True}, [SHUFFLE, ZSTD]),
    ({"compression": "lz4"}, [LZ4]),
    ({"compression": "blosc"}, [BLOSC]),
    ({"compression": "blosc", "blosc_codec": "zstd"}, [BLOSC]),
    ({"compression": Gdci.Compression.ZSTD, "bitshuffle": True}, [BITSHUFFLE]),  # inside
    ({"compression": Gdci.Compression.GZIP_FAST}, [DEFLATE]),
    ({"compression": Gdci.Compression.LZ4, "fletcher32": True}, [LZ4, 3]),
]


@pytest.mark.parametrize("settings, expected", COMPRESSIONS,
                         ids=[repr(s) for s, _ in COMPRESSIONS])
def test_compression(tmp_path, settings, expected):
    """Each compression, by name and by enum: the filters in the file and
    every value read back by h5py (hdf5plugin and gdci's plugins)"""
    path = tmp_path / "codec.h5"
    shape = (48,)
    with Gdci.H5Stream(path, "/data", np.int16, shape, chunk_shape=(100, None),
                       **settings) as stream:
        for first in range(0, 250, 25):
            stream.append(frames(first, 25, shape, "int16"))
        given = settings.get("compression")
        if isinstance(given, str) and given != "none":
            assert stream.props.compression == getattr(Gdci.Compression,
                                                       given.upper().replace("-", "_"))
        elif isinstance(given, Gdci.Compression):
            assert stream.props.compression == given
        else:
            assert stream.props.compression == Gdci.Compression.NONE
    assert filters(path) == expected
    assert chunks(path) == (100, 48)
    data = read(path)
    assert data.shape == (250, 48)
    assert_frames(data, 0, shape, "int16")


def test_gzip_level_in_the_file(tmp_path):
    path = tmp_path / "gzip9.h5"
    with Gdci.H5Stream(path, "/data", np.uint8, (32,), compression="gzip",
                       compression_level=9) as stream:
        stream.append(frames(0, 10, (32,), "uint8"))
        assert stream.props.compression_level == 9
    with h5py.File(path, "r") as file:
        assert file["data"].compression == "gzip"
        assert file["data"].compression_opts == 9
    assert_frames(read(path), 0, (32,), "uint8")


def test_a_compression_gdci_does_not_write(tmp_path):
    with pytest.raises(ValueError, match="lzf"):
        Gdci.H5Stream(tmp_path / "lzf.h5", "/data", np.int16, (4,), compression="lzf")
    with pytest.raises(TypeError, match="compression"):
        Gdci.H5Stream(tmp_path / "lzf.h5", "/data", np.int16, (4,), compression=3.5)
    assert os.listdir(tmp_path) == []


def test_chunk_shape_with_none(tmp_path):
    """chunk_shape=(None, 384): gdci sizes the first axis (10 MB of frames
    by default, less with chunk_mb), the frame's axis as given"""
    path = tmp_path / "none.h5"
    with Gdci.H5Stream(path, "/data", np.int16, (384,), chunk_shape=(None, 384)) as stream:
        assert stream.get_chunk_shape() == (10_000_000 // 768, 384)
        stream.append(frames(0, 100, (384,), "int16"))
    assert chunks(path) == (10_000_000 // 768, 384)
    assert_frames(read(path), 0, (384,), "int16")

    path = tmp_path / "small.h5"
    with Gdci.H5Stream(path, "/data", np.int16, (384,), chunk_shape=(None, 128),
                       chunk_mb=0.1) as stream:
        assert stream.get_chunk_shape() == (100_000 // 256, 128)
        stream.append(frames(0, 1000, (384,), "int16"))
    assert chunks(path) == (390, 128)
    assert_frames(read(path), 0, (384,), "int16")


@pytest.mark.parametrize("frame_shape, chunk_shape", [
    ((384,), (500, 384)),
    ((384,), (64, 100)),        # tiles of the frame, a short one at its end
    ((10, 12), (7, 3, 5)),
    ((10, 12), (1, 10, 12)),
    ((5,), (1, 1)),
])
def test_explicit_chunk_shape(tmp_path, frame_shape, chunk_shape):
    """An explicit chunk shape is the file's; the frames cross chunks of
    every axis, partial ones at the edges too"""
    path = tmp_path / "explicit.h5"
    with Gdci.H5Stream(path, "/data", np.uint32, frame_shape, chunk_shape=chunk_shape,
                       compression="zstd") as stream:
        assert stream.get_chunk_shape() == chunk_shape
        for first in range(0, 150, 30):
            stream.append(frames(first, 30, frame_shape, "uint32"))
            if first == 60:
                stream.flush()
    assert chunks(path) == chunk_shape
    data = read(path)
    assert data.shape == (150, *frame_shape)
    assert_frames(data, 0, frame_shape, "uint32")


@pytest.mark.parametrize("chunk_shape, error", [
    ((None,), ValueError),
    ((None, 384, 1), ValueError),
    ((-1, 384), ValueError),
    ("ab", TypeError),
    ((None, 1.5), TypeError),
])
def test_a_wrong_chunk_shape(tmp_path, chunk_shape, error):
    with pytest.raises(error, match="chunk_shape"):
        Gdci.H5Stream(tmp_path / "c.h5", "/data", np.int16, (384,), chunk_shape=chunk_shape)
    assert os.listdir(tmp_path) == []


def test_a_chunk_longer_than_the_frame(tmp_path):
    with pytest.raises(GLib.Error, match="longer than the frame"):
        Gdci.H5Stream(tmp_path / "c.h5", "/data", np.int16, (384,), chunk_shape=(None, 385))
    assert os.listdir(tmp_path) == []


def test_the_settings_read_back(tmp_path):
    """The keywords are the stream's properties"""
    path = tmp_path / "settings.h5"
    with Gdci.H5Stream(path, "/g/data", "float32", (2, 3), flush_interval=0.25, swmr=False,
                       max_backlog_bytes=1 << 20, n_threads=2, shuffle=True,
                       compression="lz4") as stream:
        assert stream.get_flush_interval() == 0.25
        assert stream.props.flush_interval == 0.25
        assert stream.get_swmr() is False
        assert stream.get_max_backlog_bytes() == 1 << 20
        assert stream.props.n_threads == 2
        assert stream.props.shuffle is True
        assert stream.get_dtype() == Gdci.Dtype.FLOAT32
        assert stream.get_dataset_path() == "/g/data"
        assert stream.get_filename() == str(path)
        stream.append(frames(0, 3, (2, 3), "float32"))
    assert_frames(read(path, "/g/data"), 0, (2, 3), "float32")

    with Gdci.H5Stream(tmp_path / "defaults.h5", "/d", Gdci.Dtype.INT16, (1,)) as stream:
        assert stream.get_flush_interval() == 1.0
        assert stream.get_swmr() is True
        assert stream.get_max_backlog_bytes() == 256 << 20


@pytest.mark.parametrize("name, value, error", [
    ("flush_interval", "1", TypeError),
    ("flush_interval", True, TypeError),
    ("chunk_mb", "10", TypeError),
    ("n_threads", -1, ValueError),
    ("blosc_codec", "snappy", ValueError),
    ("compression_level", 99, ValueError),
])
def test_a_setting_of_a_wrong_type_or_value(tmp_path, name, value, error):
    with pytest.raises(error, match=name):
        Gdci.H5Stream(tmp_path / "s.h5", "/data", np.int16, (4,), **{name: value})
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("frame_shape, error", [
    ((0,), ValueError), ((4, -1), ValueError), ("four", TypeError), (4, TypeError),
])
def test_a_wrong_frame_shape(tmp_path, frame_shape, error):
    with pytest.raises(error, match="frame_shape"):
        Gdci.H5Stream(tmp_path / "f.h5", "/data", np.int16, frame_shape)
    assert os.listdir(tmp_path) == []


def test_swmr_false_keeps_a_hidden_file_until_close(tmp_path):
    path = tmp_path / "hidden.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (4,), swmr=False)
    stream.append(frames(0, 5, (4,), "int16"))
    stream.flush()
    assert stream.props.frames_durable == 5
    assert not path.exists()
    assert len(os.listdir(tmp_path)) == 1
    stream.close()
    assert os.listdir(tmp_path) == ["hidden.h5"]
    assert_frames(read(path), 0, (4,), "int16")


# ---- the context manager -----------------------------------------------


def test_the_with_block_closes(tmp_path):
    path = tmp_path / "with.h5"
    with Gdci.H5Stream(path, "/data", np.int8, (3,)) as stream:
        stream.append(frames(0, 4, (3,), "int8"))
        assert not stream.is_closed()
    assert stream.is_closed()
    # a plain reader opens it: the writer's mark is gone
    assert_frames(read(path), 0, (3,), "int8")
    stream.close()  # again: nothing


def test_the_with_block_closes_when_it_raises(tmp_path):
    """The exception goes on; what was appended before is in the file, the
    dataset's extent exactly that"""
    path = tmp_path / "raises.h5"
    with pytest.raises(KeyError, match="in the block"):
        with Gdci.H5Stream(path, "/data", np.int8, (3,), flush_interval=3600) as stream:
            stream.append(frames(0, 7, (3,), "int8"))
            raise KeyError("in the block")
    assert stream.is_closed()
    assert stream.props.frames_durable == 7
    data = read(path)
    assert data.shape == (7, 3)
    assert_frames(data, 0, (3,), "int8")


def test_a_failed_append_in_the_block_closes_too(tmp_path):
    path = tmp_path / "typeerror.h5"
    with pytest.raises(TypeError):
        with Gdci.H5Stream(path, "/data", np.int16, (3,)) as stream:
            stream.append(frames(0, 2, (3,), "int16"))
            stream.append(frames(2, 2, (3,), "int32"))
    assert stream.is_closed()
    assert_frames(read(path), 0, (3,), "int16")


# ---- the counts --------------------------------------------------------------


def test_the_counts(tmp_path):
    """frames_appended at once, frames_durable after a flush, no backlog
    once flushed, and bytes_written: every chunk written (whole, as
    stored), the rewrites of the chunk being filled included"""
    path = tmp_path / "counts.h5"
    shape = (64,)
    chunk = 50 * 64 * 2
    stream = Gdci.H5Stream(path, "/data", np.int16, shape, chunk_shape=(50, None),
                           flush_interval=3600)
    assert (stream.props.frames_appended, stream.props.frames_durable,
            stream.props.backlog_bytes, stream.props.bytes_written) == (0, 0, 0, 0)
    stream.append(frames(0, 30, shape, "int16"))
    assert stream.props.frames_appended == 30
    assert stream.get_frames_appended() == 30
    assert stream.props.frames_durable == 0
    # the chunk being filled is not written before a flush
    assert stream.props.bytes_written == 0
    stream.flush()
    assert stream.props.frames_durable == stream.get_frames_durable() == 30
    assert stream.props.bytes_written == chunk
    stream.append(frames(30, 145, shape, "int16"))
    assert stream.props.frames_appended == 175
    assert stream.props.backlog_bytes % chunk == 0
    stream.flush()
    assert stream.props.frames_durable == 175
    assert stream.props.backlog_bytes == stream.get_backlog_bytes() == 0
    # the first chunk again, whole, the next two, and the fourth's 25 frames
    assert stream.props.bytes_written == 5 * chunk
    stream.close()
    assert stream.props.frames_durable == 175
    # the fourth once more
    assert stream.get_bytes_written() == 6 * chunk
    with h5py.File(path, "r") as file:
        assert file["data"].id.get_storage_size() == 4 * chunk
    assert_frames(read(path), 0, shape, "int16")


def test_bytes_written_compressed(tmp_path):
    """With compression, bytes_written counts the chunks as stored"""
    path = tmp_path / "compressed.h5"
    with Gdci.H5Stream(path, "/data", np.uint8, (1000,), compression="gzip",
                       chunk_shape=(10, None)) as stream:
        stream.append(np.zeros((100, 1000), np.uint8))
    assert 0 < stream.props.bytes_written < 100 * 1000 // 10
    with h5py.File(path, "r") as file:
        assert file["data"].id.get_storage_size() == stream.props.bytes_written
        assert not file["data"][()].any()


# ---- the signals ---------------------------------------------------------


def test_flushed_arrives_through_the_main_context(tmp_path):
    """`flushed`, and the counts' notifications, come from iterations of
    the main context of the thread that made the stream, never from the
    writing thread"""
    path = tmp_path / "flushed.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (8,), flush_interval=3600)
    iterate()
    flushed, notified = [], []
    stream.connect("flushed", lambda s, n: flushed.append((n, s.props.frames_durable)))
    stream.connect("notify::frames-durable", lambda s, p: notified.append(s.props.frames_durable))
    stream.append(frames(0, 12, (8,), "int16"))
    stream.flush()
    assert stream.props.frames_durable == 12
    assert flushed == [] and notified == []
    iterate()
    assert flushed == [(12, 12)]
    assert notified == [12]
    stream.append(frames(12, 3, (8,), "int16"))
    stream.flush()
    stream.close()
    iterate()
    assert [n for n, _ in flushed] == [12, 15, 15]
    assert_frames(read(path), 0, (8,), "int16")


def test_automatic_flushes_are_signalled(tmp_path):
    """With a short flush_interval the stream flushes by itself; the main
    loop gets `flushed` with frames_durable"""
    path = tmp_path / "auto.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (8,), flush_interval=0.05)
    flushed = []
    loop = GLib.MainLoop()

    def on_flushed(stream, frames_durable):
        flushed.append(frames_durable)
        loop.quit()

    def give_up():
        loop.quit()
        return GLib.SOURCE_REMOVE

    stream.connect("flushed", on_flushed)
    stream.append(frames(0, 20, (8,), "int16"))
    timeout = GLib.timeout_add_seconds(60, give_up)
    loop.run()
    GLib.source_remove(timeout)
    assert flushed == [20]
    assert stream.props.frames_durable == 20
    with h5py.File(path, "r", swmr=True) as file:
        assert_frames(file["data"][()], 0, (8,), "int16")
    stream.close()


def test_signals_go_to_the_context_of_the_thread_that_made_it(tmp_path):
    """A stream made while another context is the thread's default signals
    there; iterating the global default context delivers nothing"""
    path = tmp_path / "context.h5"
    context = GLib.MainContext.new()
    context.push_thread_default()
    try:
        stream = Gdci.H5Stream(path, "/data", np.int16, (2,), flush_interval=3600)
    finally:
        context.pop_thread_default()
    flushed = []
    stream.connect("flushed", lambda s, n: flushed.append(n))
    stream.append(frames(0, 4, (2,), "int16"))
    stream.flush()
    iterate()
    assert flushed == []
    iterate(context)
    assert flushed == [4]
    stream.close()
    iterate(context)
    assert flushed == [4, 4]


def test_signals_after_the_stream_is_gone(tmp_path):
    """A notice still queued when the stream is released does nothing"""
    path = tmp_path / "gone.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (2,))
    stream.append(frames(0, 4, (2,), "int16"))
    stream.close()
    del stream
    iterate()
    assert_frames(read(path), 0, (2,), "int16")


# ---- files and datasets ------------------------------------------------------


def test_datasets_added_to_an_existing_file(tmp_path):
    """A second stream adds its dataset (and groups) to the first's file,
    which keeps its own"""
    path = tmp_path / "two.h5"
    with Gdci.H5Stream(path, "/probe0", np.int16, (4,)) as stream:
        stream.append(frames(0, 9, (4,), "int16"))
    with Gdci.H5Stream(path, "/acquisition/probe1", np.uint16, (2, 2),
                       compression="gzip") as stream:
        stream.append(frames(0, 11, (2, 2), "uint16"))
    assert_frames(read(path, "/probe0"), 0, (4,), "int16")
    assert_frames(read(path, "/acquisition/probe1"), 0, (2, 2), "uint16")


def test_dtype_spellings(tmp_path):
    """A numpy dtype, its name, a scalar type and a Gdci.Dtype"""
    for i, dtype in enumerate([np.dtype("float32"), "float32", np.float32,
                               Gdci.Dtype.FLOAT32, "<f4"]):
        path = tmp_path / f"dtype{i}.h5"
        with Gdci.H5Stream(path, "/data", dtype, (3,)) as stream:
            assert stream.get_dtype() == Gdci.Dtype.FLOAT32
            stream.append(frames(0, 2, (3,), "float32"))
        assert_frames(read(path), 0, (3,), "float32")


def test_a_path_like_filename(tmp_path):
    """A pathlib.Path or a str"""
    with Gdci.H5Stream(str(tmp_path / "str.h5"), "/data", np.int16, (1,)) as stream:
        stream.append(np.ones((1, 1), np.int16))
    with pytest.raises(TypeError, match="dataset_path"):
        Gdci.H5Stream(tmp_path / "p.h5", 5, np.int16, (1,))
    assert read(tmp_path / "str.h5").tolist() == [[1]]
