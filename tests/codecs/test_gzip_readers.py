# SPDX-License-Identifier: LGPL-2.1-or-later
"""gzip as every HDF5 reader opens it: datasets written with gzip
(libdeflate) and gzip:fast (ISA-L) at each of their levels, by the Python
API and by the CLI, read by h5py with no filter plugin at all (an empty
HDF5_PLUGIN_PATH, hdf5plugin not imported, in a process of its own) and by
h5dump, and compared with the data."""

import os
import subprocess

import numpy as np
import pytest

from codecs_helpers import (BY_NAME, DEFLATE, FLETCHER32, SHUFFLE, assert_read_back, make_data, read_back,
                            write_cli, write_python)

SHAPE, CHUNKS, BUFFERS = (301, 23), (64, 10), (128, 20)
GZIP_CODECS = ["gzip-1", "gzip", "gzip-9", "gzip-fast", "gzip-fast-2", "gzip-fast-3"]
SETTINGS = [(name, shuffle, fletcher32) for name in GZIP_CODECS for shuffle in (False, True)
            for fletcher32 in ((False, True) if shuffle else (False,))]
DTYPES = ["int16", "float32", "uint64", "int8"]


def setting_id(setting):
    name, shuffle, fletcher32 = setting
    return name + ("-shuffle" if shuffle else "") + ("-fletcher32" if fletcher32 else "")


def mixed_data():
    """Chunks of 256 KiB with runs of zeros, noise and random bytes: what
    makes deflate use every kind of block (stored, fixed, dynamic)"""
    rng = np.random.default_rng(3)
    data = np.cumsum(rng.integers(-20, 21, size=(1000, 256)), axis=0).astype("int16")
    data[100:300] = 0
    data[600:700] = rng.integers(-32768, 32768, size=(100, 256))
    return data


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Every setting written by both writers, with one dtype each in turn,
    and the mixed data by both engines: {key: (path, data, error, setting)}"""
    directory = str(tmp_path_factory.mktemp("gzip"))
    files = {}
    for n, setting in enumerate(SETTINGS):
        name, shuffle, fletcher32 = setting
        mode = "shuffle" if shuffle else "plain"
        data = make_data(DTYPES[n % len(DTYPES)], SHAPE, seed=n)
        path = os.path.join(directory, f"p{n}.h5")
        error = write_python(BY_NAME[name], mode, fletcher32, data, path, CHUNKS, BUFFERS)
        files[f"python/{setting_id(setting)}"] = (path, data, error, setting)
        error = write_cli(BY_NAME[name], mode, fletcher32, data, directory, f"c{n}", CHUNKS, BUFFERS)
        files[f"cli/{setting_id(setting)}"] = (os.path.join(directory, f"c{n}.h5"), data, error, setting)
    mixed = mixed_data()
    for name in ("gzip", "gzip-fast", "gzip-fast-3"):
        error = write_cli(BY_NAME[name], "shuffle", False, mixed, directory, f"m-{name}", (500, 256), (1000, 256))
        files[f"mixed/{name}"] = (os.path.join(directory, f"m-{name}.h5"), mixed, error,
                                  (name, True, False))
    return directory, files


@pytest.fixture(scope="module")
def no_plugins(tmp_path_factory):
    """An empty plugin directory"""
    return str(tmp_path_factory.mktemp("no-plugins"))


@pytest.fixture(scope="module")
def read_without_plugins(written, no_plugins):
    directory, files = written
    entries = [{"key": key, "file": path, "data": data} for key, (path, data, error, _) in files.items()
               if error is None]
    return read_back(directory, entries, plugin_path=no_plugins, no_hdf5plugin=True)


KEYS = ([f"{writer}/{setting_id(s)}" for s in SETTINGS for writer in ("python", "cli")]
        + [f"mixed/{name}" for name in ("gzip", "gzip-fast", "gzip-fast-3")])


def expected_filters(setting, itemsize):
    name, shuffle, fletcher32 = setting
    level = BY_NAME[name].effective_level
    return ([[SHUFFLE, [itemsize]]] if shuffle else []) + [[DEFLATE, [level]]] + \
        ([[FLETCHER32, []]] if fletcher32 else [])


@pytest.mark.parametrize("key", KEYS)
def test_h5py_without_plugins(written, read_without_plugins, key):
    path, data, error, setting = written[1][key]
    assert error is None, f"not written: {error}"
    found = read_without_plugins[key]
    assert_read_back(found, key)
    assert [[f[0], f[2]] for f in found["pipeline"]] == expected_filters(setting, data.itemsize)
    assert found["storage"] < data.nbytes  # compressed


@pytest.mark.parametrize("key", KEYS)
def test_h5dump(written, no_plugins, key, tmp_path):
    path, data, error, setting = written[1][key]
    assert error is None, f"not written: {error}"
    env = {**os.environ, "HDF5_PLUGIN_PATH": no_plugins}
    out = tmp_path / "dump.bin"
    result = subprocess.run(["h5dump", "-d", "/data", "-b", "LE", "-o", str(out), path],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    dumped = np.fromfile(out, dtype=data.dtype.newbyteorder("<")).reshape(data.shape)
    assert dumped.tobytes() == data.astype(data.dtype.newbyteorder("<")).tobytes()
    header = subprocess.run(["h5dump", "-p", "-H", "-d", "/data", path], capture_output=True, text=True,
                            env=env, check=True).stdout
    level = BY_NAME[setting[0]].effective_level
    assert "COMPRESSION DEFLATE { LEVEL " + str(level) + " }" in " ".join(header.split()), header
    assert ("SHUFFLE" in header) == setting[1]
    assert ("CHECKSUM FLETCHER32" in header) == setting[2]
