# SPDX-License-Identifier: LGPL-2.1-or-later
"""The examples that write a raw recording into an HDF5 file with
Gdci.H5Writer, in Python, JavaScript and Vala: each writes what h5py reads
back as the recording, with gdci's chunks and gzip after shuffle, checks it
itself, reports errors in one line, and leaves no other file behind. Also:
a JavaScript data source given to the writer is a clear error in GJS."""

import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest
from gi.repository import Gdci

EXAMPLES_SRC = os.path.join(os.path.dirname(os.environ["G_TEST_SRCDIR"]), "examples")
EXAMPLES_BUILD = os.path.join(os.path.dirname(os.environ["G_TEST_BUILDDIR"]), "examples")

CHANNELS = 32
# a random walk per channel: compressible, as recordings are
RECORDING = np.cumsum(np.random.default_rng(3).integers(-2, 3, size=(40000, CHANNELS)), axis=0).astype("<i2")
SETTINGS = ["--buffer-gb=0.0006", "--chunk-mb=0.1"]
# what gdci makes of these settings, whatever the source
_PLAN = Gdci.ArrayIterator.from_numpy(RECORDING, buffer_gb=0.0006, chunk_mb=0.1)
CHUNKS = tuple(_PLAN.get_chunk_shape())
N_BUFFERS = _PLAN.get_n_buffers()


def example_command(language):
    if language == "python":
        return [sys.executable, os.path.join(EXAMPLES_SRC, "write_hdf5.py")]
    if language == "javascript":
        gjs = shutil.which("gjs")
        if gjs is None:
            pytest.skip("gjs is not installed")
        return [gjs, "-m", os.path.join(EXAMPLES_SRC, "write-hdf5.js")]
    return [os.path.join(EXAMPLES_BUILD, "write-hdf5-vala")]


def run(language, cwd, *args):
    return subprocess.run(example_command(language) + list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def recording(tmp_path):
    (tmp_path / "rec.bin").write_bytes(RECORDING.tobytes())
    return tmp_path


LANGUAGES = ["python", "javascript", "vala"]
PROGRAM = {"python": "write_hdf5", "javascript": "write-hdf5", "vala": "write-hdf5"}
READ_BACK = {
    "python": "h5py reads back the recording",
    "javascript": "Gdci.H5Iterator reads back the recording",
    "vala": "Gdci.H5Iterator reads back the recording",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_writes_the_recording(recording, language):
    result = run(language, recording, "rec.bin", "out.h5", f"--channels={CHANNELS}", "--level=6", *SETTINGS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (f"rec.bin: {RECORDING.shape[0]} samples x {CHANNELS} channels of int16, "
                        f"chunks ({CHUNKS[0]}, {CHUNKS[1]}), {N_BUFFERS} buffers")
    match = re.fullmatch(r"out\.h5: /acquisition/data, gzip level 6 with shuffle, (\d+) bytes \((\d+)% of the data\)",
                         lines[1])
    assert match, lines[1]
    assert int(match.group(1)) == (recording / "out.h5").stat().st_size
    assert lines[2:] == [READ_BACK[language]]
    # the progress reaches the end (a bar in Python, lines of text elsewhere)
    assert "100%" in result.stderr and "Traceback" not in result.stderr and "CRITICAL" not in result.stderr
    with h5py.File(recording / "out.h5", "r") as f:
        dset = f["/acquisition/data"]
        assert (dset.shape, dset.dtype, dset.chunks) == (RECORDING.shape, np.dtype("int16"), CHUNKS)
        assert (dset.compression, dset.compression_opts, dset.shuffle) == ("gzip", 6, True)
        np.testing.assert_array_equal(dset[...], RECORDING)
    assert sorted(os.listdir(recording)) == ["out.h5", "rec.bin"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_existing_dataset_and_overwrite(recording, language):
    with h5py.File(recording / "out.h5", "w") as f:
        f["/acquisition/data"] = np.zeros(3)
        f["/kept"] = np.arange(4)
    result = run(language, recording, "rec.bin", "out.h5", f"--channels={CHANNELS}", *SETTINGS)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (f"{PROGRAM[language]}: '/acquisition/data' already exists in "
                                              "'out.h5' (replace it, or fill it, with the writer's mode)")
    result = run(language, recording, "rec.bin", "out.h5", f"--channels={CHANNELS}", "--overwrite",
                 "--dataset=/acquisition/data", *SETTINGS)
    assert result.returncode == 0, result.stderr
    with h5py.File(recording / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["/acquisition/data"][...], RECORDING)
        np.testing.assert_array_equal(f["/kept"][...], np.arange(4))
    assert sorted(os.listdir(recording)) == ["out.h5", "rec.bin"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_recording_of_another_shape(recording, language):
    result = run(language, recording, "rec.bin", "out.h5", "--channels=30", *SETTINGS)
    assert result.returncode == 1
    message = result.stderr.splitlines()[-1]
    assert message.startswith(f"{PROGRAM[language]}: ")
    assert message.endswith("'rec.bin' has 2560000 bytes after the 0-byte offset, which is not a whole number of "
                            "60-byte steps of axis 0 of shape (0, 30) of int16"), message
    assert os.listdir(recording) == ["rec.bin"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_recording(tmp_path, language):
    result = run(language, tmp_path, "missing.bin", "out.h5")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("'missing.bin' does not exist")
    assert os.listdir(tmp_path) == []


JS_SOURCE_IN_WRITER = """
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gdci from 'gi://Gdci?version=1.0';

const Zeros = GObject.registerClass(class Zeros extends Gdci.ChunkIterator {
    vfunc_get_data(selection) {
        return new GLib.Bytes(new Uint8Array(selection.get_n_elements() * 2));
    }
    vfunc_get_maxshape() {
        return [100, 10];
    }
    vfunc_get_dtype() {
        return Gdci.Dtype.INT16;
    }
});
const it = new Zeros();
it.init(null);
try {
    new Gdci.H5Writer().write(it, 'out.h5', '/data', null);
    print('written');
} catch (error) {
    print(error.message);
}
"""


def test_javascript_source_in_the_writer(tmp_path):
    """GJS blocks a JavaScript virtual method called from the writer's
    thread (with a critical message): the write fails with an error, never
    a crash, and leaves no file."""
    gjs = shutil.which("gjs")
    if gjs is None:
        pytest.skip("gjs is not installed")
    (tmp_path / "source.js").write_text(JS_SOURCE_IN_WRITER)
    env = {key: value for key, value in os.environ.items() if key != "G_DEBUG"}  # criticals not fatal
    result = subprocess.run([gjs, "-m", "source.js"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("get_data() of Gjs_Zeros returned no data for selection [0:100, 0:10] "
                             "(expected 2000 bytes)\n")
    assert "Attempting to run a JS callback on a different thread" in result.stderr
    assert os.listdir(tmp_path) == ["source.js"]
