# SPDX-License-Identifier: LGPL-2.1-or-later
"""Another process reads a recording while it goes on: this process
records frames whose values derive from their index, with a flush every
0.1 s, and a reader (stream_reader.py, h5py with swmr=True) refreshes the
dataset over and over. The shape it sees must never shrink, every frame it
sees must be the one recorded, bit for bit, and it must see the dataset
grow (three sizes or more). Without SWMR the file is not under its name
before the close."""

import os
import time

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a viewer's does
import numpy as np
import pytest
from gi.repository import Gdci

from stream_helpers import Child, assert_frames, frames, hidden_files

# the appends go on until the reader has seen this many sizes (and at
# least MIN_APPENDS appends), for at most MAX_SECONDS
MIN_SIZES = 5
MIN_APPENDS = 60
MAX_SECONDS = 60


def record_while_read(path, frame_shape, dtype, settings, batch, readers=1):
    """Records into @path with @settings while @readers reader processes
    read it; the readers' final events and the frames recorded"""
    stream = Gdci.H5Stream(path, "/acquisition/data", dtype, frame_shape, flush_interval=0.1,
                           **settings)
    rows = stream.get_chunk_shape()[0]
    config = {"filename": str(path), "dataset": "/acquisition/data", "dtype": dtype,
              "frame_shape": list(frame_shape), "chunk_rows": rows, "timeout": 240}
    children = [Child("stream_reader.py", config, stdin=True) for _ in range(readers)]
    try:
        for child in children:
            assert child.wait_for("ready")["frames"] == 0
        appended = 0
        start = time.monotonic()
        while time.monotonic() - start < MAX_SECONDS:
            stream.append(frames(appended, batch, frame_shape, dtype))
            appended += batch
            time.sleep(0.01)
            for child in children:
                while child.next_event(0) is not None:
                    pass
            if appended >= MIN_APPENDS * batch and all(
                    len(child.of("size")) >= MIN_SIZES for child in children):
                break
            assert all(child.process.poll() is None for child in children), \
                [child.describe() for child in children]
        stream.close()
        assert stream.props.frames_durable == appended
        results = []
        for child in children:
            child.send(f"end {appended}")
            status = child.finish(timeout=240)
            assert status == 0 and not child.of("failed"), child.describe()
            results.append(child.of("done")[-1])
    finally:
        stream.close()
        for child in children:
            if child.process.poll() is None:
                child.process.kill()
                child.finish()
    return results, appended


@pytest.mark.parametrize("settings", [
    {},
    {"compression": "gzip-fast", "shuffle": True},
    {"compression": "zstd"},
], ids=["none", "gzip-fast-shuffle", "zstd"])
def test_a_reader_sees_the_recording_grow(tmp_path, settings):
    """Frames of 96 int16 in chunks of 250 frames: the reader sees chunks
    filled a flush at a time, rewritten, and new ones"""
    path = tmp_path / "live.h5"
    results, appended = record_while_read(path, (96,), "int16",
                                          dict(settings, chunk_shape=(250, None)), batch=7)
    done = results[0]
    assert done["frames"] == appended
    assert done["sizes"] >= 3, done
    with h5py.File(path, "r") as file:
        assert_frames(file["/acquisition/data"][()], 0, (96,), "int16", "after the close")


def test_two_readers_of_images(tmp_path):
    """Two readers at once, of frames of two axes split into tiles"""
    path = tmp_path / "images.h5"
    results, appended = record_while_read(
        path, (20, 30), "float32",
        {"chunk_shape": (16, 8, None), "compression": "lz4"}, batch=5, readers=2)
    for done in results:
        assert done["frames"] == appended
        assert done["sizes"] >= 3, done
    with h5py.File(path, "r") as file:
        assert_frames(file["/acquisition/data"][()], 0, (20, 30), "float32", "after the close")


def test_a_reader_of_a_file_with_other_datasets(tmp_path):
    """The recording is added to a file that has a dataset already, which
    readers read as it was"""
    path = tmp_path / "shared.h5"
    with h5py.File(path, "w", libver="latest") as file:
        file["/meta/labels"] = np.arange(10)
    results, appended = record_while_read(path, (12,), "uint8", {"chunk_shape": (40, None)},
                                          batch=3)
    assert results[0]["sizes"] >= 3
    with h5py.File(path, "r") as file:
        assert file["/meta/labels"][()].tolist() == list(range(10))
        assert_frames(file["/acquisition/data"][()], 0, (12,), "uint8")


def test_without_swmr_the_file_appears_at_the_close(tmp_path):
    """swmr=False: flushes make the frames durable in a hidden file beside
    the file's name, which appears only when the stream is closed"""
    path = tmp_path / "whole.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (16,), swmr=False, flush_interval=0.1)
    for first in range(0, 60, 6):
        stream.append(frames(first, 6, (16,), "int16"))
        stream.flush()
        assert not path.exists()
        assert os.listdir(tmp_path) == hidden_files(tmp_path) != []
        time.sleep(0.02)
    assert stream.props.frames_durable == 60
    assert not path.exists()
    stream.close()
    assert os.listdir(tmp_path) == ["whole.h5"]
    with h5py.File(path, "r") as file:
        assert_frames(file["data"][()], 0, (16,), "int16")


def test_without_swmr_a_reader_finds_no_file(tmp_path):
    """What a reader in another process finds while a stream without SWMR
    records: no file, until the close"""
    path = tmp_path / "whole.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (16,), swmr=False, flush_interval=0.1)
    stream.append(frames(0, 20, (16,), "int16"))
    stream.flush()
    config = {"filename": str(path), "dataset": "/data", "dtype": "int16",
              "frame_shape": [16], "chunk_rows": stream.get_chunk_shape()[0]}
    child = Child("stream_reader.py", config)
    assert child.finish(timeout=120) != 0
    assert "No such file" in child.stderr, child.stderr
    stream.close()
    child = Child("stream_reader.py", config, stdin=True)
    assert child.wait_for("ready")["frames"] == 20
    child.send("end 20")
    assert child.finish(timeout=120) == 0, child.describe()
    assert child.of("done")[-1]["frames"] == 20
