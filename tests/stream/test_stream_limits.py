# SPDX-License-Identifier: LGPL-2.1-or-later
"""A recording meets a file-size limit (RLIMIT_FSIZE in a child process,
SIGXFSZ ignored, as a full disk): the append, flush or close that meets it
fails with one clear GLib.Error naming the file, every call after it fails
the same way, the process goes on, and everything durable before (the
last frames_durable the child printed) reads back bit for bit with h5py
in SWMR mode. And the errors of misuse: a closed stream, frames of a
wrong dtype or shape, a dataset that exists, a directory that does not,
a file that is not HDF5, in an older format, or being recorded."""

import errno
import hashlib
import os
import resource
import signal

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a user's does
import numpy as np
import pytest
from gi.repository import Gdci, Gio, GLib

from stream_helpers import Child, assert_frames, frames, hidden_files, last_durable

DATASET = "/acquisition/probe0"
LIMIT = 512 << 10
FILE_TOO_LARGE = os.strerror(errno.EFBIG)


def limit_file_size(limit):
    """For preexec_fn: files of at most @limit bytes, writes beyond it
    failing with EFBIG rather than killing the process with SIGXFSZ"""
    def limit_it():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_it


def record_limited(path, steps, settings, frame_shape=(256,), dtype="int16", limit=LIMIT):
    """Runs stream_child.py with @steps under a file-size limit; the child,
    done, which must have ended by itself"""
    config = {"filename": str(path), "dataset": DATASET, "dtype": dtype,
              "frame_shape": list(frame_shape), "settings": settings, "steps": steps}
    child = Child("stream_child.py", config, preexec_fn=limit_file_size(limit))
    status = child.finish(timeout=240)
    assert status == 0, child.describe()
    assert child.of("done") or child.of("error"), child.describe()
    return child


def assert_one_clear_error(child, path, call=None):
    """The child's calls failed from one of them on, all with the same
    GLib.Error of gdci's, GDCI_ERROR_IO, naming the file and the cause"""
    errors = child.of("error")
    assert len(errors) == 1, child.describe()
    error = errors[0]
    if call is not None:
        assert error["call"] == call, child.describe()
    assert error["gdci_io"], error
    assert str(path) in error["message"], error
    assert FILE_TOO_LARGE in error["message"], error
    after = child.of("after")
    assert [event["call"] for event in after] == ["append", "flush", "close"], after
    if error["call"] == "close":
        # a close that fails closes the stream all the same
        closed = f"The stream of '{path}' is closed"
        assert [event["error"] for event in after] == [closed, closed, None], after
    else:
        for event in after:
            assert event["error"] == error["message"], (event, error)
    done = child.of("done")[-1]
    assert done["closed"], done
    return error


def assert_durable_frames(child, path, frame_shape=(256,), dtype="int16", at_least=1):
    """The file holds every frame the child was told was durable"""
    durable = last_durable(child)
    assert durable >= at_least, child.describe()
    assert child.of("done")[-1]["durable"] == durable
    assert os.path.getsize(path) <= LIMIT
    with h5py.File(path, "r", swmr=True) as file:
        data = file[DATASET][()]
    assert len(data) >= durable, (len(data), durable)
    assert_frames(data, 0, frame_shape, dtype, f"{path} after the limit")
    return data


@pytest.mark.parametrize("settings", [
    {},
    {"compression": "gzip-fast", "shuffle": True},
    {"compression": "zstd", "chunk_shape": [64, None]},
    {"chunk_shape": [300, None], "flush_interval": 0.01},
], ids=["none", "gzip-fast-shuffle", "zstd", "small-flushes"])
def test_a_limit_met_while_recording(tmp_path, gdci_cli, settings):
    """Appends go on, flushed every 0.02 s, until the file meets the limit:
    the writing thread fails, and the next append tells it"""
    path = tmp_path / "limited.h5"
    settings = dict({"flush_interval": 0.02, "chunk_shape": [200, None]}, **settings)
    child = record_limited(path, [["record", 20, 0.002, 40000]], settings)
    error = assert_one_clear_error(child, path)
    assert error["call"] in ("append", "flush", "close"), error
    data = assert_durable_frames(child, path)
    # gdci clean, and plain readers read the same
    result = gdci_cli.run("clean", path)
    assert result.returncode == 0, result.stderr
    with h5py.File(path, "r") as file:
        assert file[DATASET][()].tobytes() == data.tobytes()


def test_a_limit_met_by_a_flush(tmp_path):
    """Frames appended into one chunk are written at the flush, which fails;
    the first flush's frames stay"""
    path = tmp_path / "flush.h5"
    settings = {"flush_interval": 3600, "chunk_shape": [4000, None], "compression": "gzip-fast"}
    child = record_limited(path, [["append", 300], ["flush"], ["append", 3000], ["flush"],
                                  ["close"]], settings)
    assert_one_clear_error(child, path, "flush")
    data = assert_durable_frames(child, path, at_least=300)
    assert last_durable(child) == 300
    assert len(data) == 300


def test_a_limit_met_by_the_close(tmp_path):
    path = tmp_path / "close.h5"
    settings = {"flush_interval": 3600, "chunk_shape": [4000, None], "compression": "gzip-fast"}
    child = record_limited(path, [["append", 300], ["flush"], ["append", 3000], ["close"]],
                           settings)
    assert_one_clear_error(child, path, "close")
    data = assert_durable_frames(child, path, at_least=300)
    assert len(data) == 300


def test_a_limit_met_by_the_set_up(tmp_path):
    """A limit too small for the file's first bytes: the stream is not
    made, the error names the file, and nothing is left"""
    path = tmp_path / "tiny.h5"
    child = record_limited(path, [["append", 1]], {}, limit=100)
    [error] = child.of("error")
    assert error["call"] == "create", error
    assert str(path) in error["message"], error
    assert os.listdir(tmp_path) == []


def test_a_limit_met_without_swmr(tmp_path):
    """Without SWMR the file appears only at a close that succeeds: after the
    error nothing is left, the hidden file neither"""
    path = tmp_path / "hidden.h5"
    child = record_limited(path, [["record", 20, 0.002, 40000]],
                           {"flush_interval": 0.02, "chunk_shape": [200, None], "swmr": False})
    assert_one_clear_error(child, path)
    assert last_durable(child) > 0
    assert os.listdir(tmp_path) == []


# ---- the errors of misuse ---------------------------------------------------


def gdci_error(caught, code, *words):
    """@caught is a GLib.Error of gdci's domain, @code, naming @words"""
    error = caught.value
    assert error.matches(Gdci.error_quark(), code), (error.domain, error.code, error.message)
    for word in words:
        assert str(word) in error.message, (word, error.message)
    return error


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_closed_stream(tmp_path):
    """Appends and flushes after the close: G_IO_ERROR_CLOSED naming the
    file; a second close does nothing; the file is as closed"""
    path = tmp_path / "closed.h5"
    stream = Gdci.H5Stream(path, "/data", np.int16, (4,))
    stream.append(frames(0, 3, (4,), "int16"))
    stream.close()
    for call in (lambda: stream.append(frames(3, 1, (4,), "int16")),
                 lambda: stream.append(b"\0" * 8), stream.flush):
        with pytest.raises(GLib.Error) as caught:
            call()
        assert caught.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CLOSED)
        assert str(path) in caught.value.message
        assert "closed" in caught.value.message
    stream.close()
    assert stream.props.frames_appended == 3
    with h5py.File(path, "r") as file:
        assert_frames(file["data"][()], 0, (4,), "int16")


def test_frames_of_a_wrong_dtype_or_shape(tmp_path):
    """TypeError and ValueError that name what the stream takes and what
    was given; the stream goes on"""
    path = tmp_path / "wrong.h5"
    with Gdci.H5Stream(path, "/data", np.uint16, (3, 5)) as stream:
        with pytest.raises(TypeError, match="frames must be uint16.*not float64"):
            stream.append(np.zeros((2, 3, 5)))
        with pytest.raises(ValueError, match=r"frames must be of shape \(n, 3, 5\), not \(2, 5, 3\)"):
            stream.append(np.zeros((2, 5, 3), np.uint16))
        with pytest.raises(GLib.Error) as caught:
            stream.append(b"\0" * 31)
        gdci_error(caught, Gdci.Error.INVALID_ARGUMENT, "31 bytes", "30 bytes", "/data")
        stream.append(frames(0, 2, (3, 5), "uint16"))
    with h5py.File(path, "r") as file:
        assert_frames(file["data"][()], 0, (3, 5), "uint16")


@pytest.mark.parametrize("existing", [DATASET, "/acquisition", "/"])
def test_a_dataset_path_that_exists(tmp_path, existing):
    """An object at the path: GDCI_ERROR_EXISTS naming the file and the
    path (or, for "/", a path is asked for); the file keeps its data"""
    path = tmp_path / "exists.h5"
    with h5py.File(path, "w", libver="latest") as file:
        file[DATASET] = np.arange(12).reshape(3, 4)
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, existing, np.int16, (4,))
    if existing == "/":
        gdci_error(caught, Gdci.Error.INVALID_ARGUMENT, path)
    else:
        gdci_error(caught, Gdci.Error.EXISTS, path, existing)
    with h5py.File(path, "r") as file:
        assert list(file) == ["acquisition"]
        assert list(file["acquisition"]) == ["probe0"]
        assert file[DATASET][()].tolist() == np.arange(12).reshape(3, 4).tolist()
    assert os.listdir(tmp_path) == ["exists.h5"]


def test_a_dataset_below_a_dataset(tmp_path):
    path = tmp_path / "below.h5"
    with h5py.File(path, "w", libver="latest") as file:
        file["/data"] = np.arange(3)
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, "/data/inner", np.int16, (4,))
    gdci_error(caught, Gdci.Error.IO, path, "/data/inner")
    with h5py.File(path, "r") as file:
        assert list(file) == ["data"]
        assert file["data"][()].tolist() == [0, 1, 2]


@pytest.mark.parametrize("swmr", [True, False])
def test_a_directory_that_does_not_exist(tmp_path, swmr):
    path = tmp_path / "missing" / "file.h5"
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, "/data", np.int16, (4,), swmr=swmr)
    gdci_error(caught, Gdci.Error.IO, path, os.strerror(errno.ENOENT))
    assert os.listdir(tmp_path) == []


def test_a_directory_as_the_file(tmp_path):
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(tmp_path, "/data", np.int16, (4,))
    assert str(tmp_path) in caught.value.message
    assert os.listdir(tmp_path) == []


def test_a_file_that_is_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not HDF5\n")
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, "/data", np.int16, (4,))
    gdci_error(caught, Gdci.Error.INVALID_DATA, path)
    assert path.read_text() == "not HDF5\n"
    assert os.listdir(tmp_path) == ["notes.h5"]


def test_a_file_in_an_older_format(tmp_path):
    """SWMR needs HDF5 1.10's format: GDCI_ERROR_NOT_SUPPORTED saying so,
    and the file is left without a new dataset; without SWMR the stream
    writes new files only"""
    path = tmp_path / "old.h5"
    with h5py.File(path, "w", libver="earliest") as file:
        file["/kept"] = np.arange(5)
    before = digest(path)
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, DATASET, np.int16, (4,))
    gdci_error(caught, Gdci.Error.NOT_SUPPORTED, path, "swmr")
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(path, DATASET, np.int16, (4,), swmr=False)
    gdci_error(caught, Gdci.Error.EXISTS, path)
    assert digest(path) == before
    with h5py.File(path, "r") as file:
        assert list(file) == ["kept"]


def test_a_file_being_recorded(tmp_path):
    """A second stream into a file another stream records: refused, and
    the first goes on"""
    path = tmp_path / "busy.h5"
    with Gdci.H5Stream(path, "/first", np.int16, (4,)) as first:
        first.append(frames(0, 5, (4,), "int16"))
        first.flush()
        with pytest.raises(GLib.Error) as caught:
            Gdci.H5Stream(path, "/second", np.int16, (4,))
        gdci_error(caught, Gdci.Error.IO, path, "another program")
        first.append(frames(5, 5, (4,), "int16"))
    with h5py.File(path, "r") as file:
        assert list(file) == ["first"]
        assert_frames(file["first"][()], 0, (4,), "int16")


@pytest.mark.parametrize("settings, words", [
    ({"flush_interval": 0}, ["flush-interval"]),
    ({"chunk_mb": 0}, ["chunk-mb"]),
    ({"shuffle": True, "bitshuffle": True}, ["shuffle"]),
    ({"compression": "gzip", "bitshuffle": True}, ["Bitshuffle", "gzip"]),
    ({"chunk_shape": (None, 5)}, ["longer than the frame"]),
])
def test_settings_that_do_not_go(tmp_path, settings, words):
    """Refused before anything is written: no file"""
    with pytest.raises(GLib.Error) as caught:
        Gdci.H5Stream(tmp_path / "s.h5", "/data", np.int16, (4,), **settings)
    if "chunk_mb" in settings:
        # the size settings are checked as the plans' are
        assert caught.value.matches(Gdci.plan_error_quark(), Gdci.PlanError.CHUNK_SIZE_NOT_POSITIVE)
        assert "chunk-mb" in caught.value.message
    else:
        gdci_error(caught, Gdci.Error.INVALID_ARGUMENT, *words)
    assert os.listdir(tmp_path) == []
    assert hidden_files(tmp_path) == []
