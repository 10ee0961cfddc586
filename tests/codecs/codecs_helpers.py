# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the codec tests share: the codecs and their settings as the Python
API and the CLI spell them, the filter pipeline each must leave in a file
(the layouts hdf5plugin's filters write), test data of every dtype, the
two writers (Gdci.H5Writer and `gdci convert` from a raw file), and
h5py_reader.py, which reads the files back in a process without gdci."""

import glob
import json
import math
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_ROOT = os.environ["GDCI_BUILD_ROOT"]
GDCI = os.path.join(BUILD_ROOT, "tools", "gdci")
# the HDF5 filter plugins gdci builds (zstd, Bitshuffle), and Debian's
# (LZ4, Blosc, bzip2): what h5py and h5dump need to read every codec
GDCI_PLUGINS = os.environ.get("GDCI_H5_PLUGIN_DIR") or os.path.join(BUILD_ROOT, "plugins")
DEBIAN_PLUGINS = sorted(glob.glob("/usr/lib/*/hdf5/serial/plugins"))
# (HDF5 1.10 gives up its search at a directory that does not exist: only
# those that do go on the path)
PLUGIN_PATH = ":".join(d for d in [GDCI_PLUGINS, *DEBIAN_PLUGINS] if os.path.isdir(d))

DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]

# filter ids
DEFLATE, SHUFFLE, FLETCHER32 = 1, 2, 3
BLOSC, LZ4, BITSHUFFLE, ZSTD = 32001, 32004, 32008, 32015
BLOSC_CODES = {"blosclz": 0, "lz4": 1, "lz4hc": 2, "zlib": 4, "zstd": 5}
BITSHUFFLE_INNER = {"none": 0, "lz4": 2, "zstd": 3}
DEFAULT_LEVELS = {"gzip": 4, "gzip-fast": 1, "zstd": 3, "blosc": 5}
MODES = ["plain", "shuffle", "bitshuffle"]


class Codec:
    """One codec setting: @kind is the GdciCompression nick, @level the
    level given (0: the codec's default), @cli its --compression value."""

    def __init__(self, name, kind, level, cli, blosc_codec=None):
        self.name, self.kind, self.level, self.cli = name, kind, level, cli
        self.blosc_codec = blosc_codec

    @property
    def effective_level(self):
        return self.level or DEFAULT_LEVELS.get(self.kind, 0)

    def allows(self, mode):
        return not (mode == "bitshuffle" and self.kind in ("gzip", "gzip-fast"))

    def writer_settings(self, mode, fletcher32):
        """Gdci.H5Writer's keyword arguments"""
        settings = {"compression": self.kind, "shuffle": mode == "shuffle",
                    "bitshuffle": mode == "bitshuffle", "fletcher32": fletcher32}
        if self.level:
            settings["compression_level"] = self.level
        if self.blosc_codec is not None:
            settings["blosc_codec"] = self.blosc_codec
        return settings

    def cli_args(self, mode, fletcher32):
        args = ["--compression", self.cli]
        if mode != "plain":
            args.append("--" + mode)
        if fletcher32:
            args.append("--fletcher32")
        return args

    def reference(self, mode, fletcher32):
        """The settings h5py_reader.py writes with h5py + hdf5plugin"""
        return {"kind": self.kind, "level": self.effective_level, "mode": mode, "fletcher32": fletcher32,
                "blosc_codec": self.blosc_codec or "lz4"}

    def __repr__(self):
        return self.name


# every codec, its default level and the ends of its levels; Blosc with
# each of its inner codecs
CODECS = [
    Codec("none", "none", 0, "none"),
    Codec("gzip-1", "gzip", 1, "gzip:1"),
    Codec("gzip", "gzip", 0, "gzip"),
    Codec("gzip-9", "gzip", 9, "gzip:9"),
    Codec("gzip-fast", "gzip-fast", 0, "gzip:fast"),
    Codec("gzip-fast-2", "gzip-fast", 2, "gzip:fast:2"),
    Codec("gzip-fast-3", "gzip-fast", 3, "gzip:fast:3"),
    Codec("zstd-1", "zstd", 1, "zstd:1"),
    Codec("zstd", "zstd", 0, "zstd"),
    Codec("zstd-22", "zstd", 22, "zstd:22"),
    Codec("lz4", "lz4", 0, "lz4"),
    Codec("blosc", "blosc", 0, "blosc"),
    Codec("blosc-blosclz-1", "blosc", 1, "blosc:blosclz:1", "blosclz"),
    Codec("blosc-lz4hc-9", "blosc", 9, "blosc:lz4hc:9", "lz4hc"),
    Codec("blosc-zlib-1", "blosc", 1, "blosc:zlib:1", "zlib"),
    Codec("blosc-zstd", "blosc", 0, "blosc:zstd", "zstd"),
]
BY_NAME = {codec.name: codec for codec in CODECS}
# (Blosc's level 0, no compression, is not in the matrix: compression_level
# 0 is every codec's default, 5 for Blosc.)


def cases():
    """(codec, mode, fletcher32) of the whole matrix, with pytest ids"""
    out = []
    for codec in CODECS:
        for mode in MODES:
            if codec.allows(mode):
                for fletcher32 in (False, True):
                    out.append((codec, mode, fletcher32))
    return out


def case_id(case):
    codec, mode, fletcher32 = case
    return f"{codec.name}-{mode}" + ("-fletcher32" if fletcher32 else "")


def bitshuffle_cd(itemsize, inner, level):
    """Bitshuffle's cd_values after its set_local, version aside: element
    size, block size (0: its default), compression and zstd's level"""
    tail = [itemsize, 0, BITSHUFFLE_INNER[inner]]
    return tail + [level] if inner == "zstd" else tail


def expected_pipeline(codec, mode, fletcher32, dtype, chunks, level=None):
    """[filter id, cd_values] of the pipeline a dataset of these settings
    must carry, in order; the cd_values of Bitshuffle without its first two
    (its version)"""
    itemsize = np.dtype(dtype).itemsize
    level = codec.effective_level if level is None else level
    filters = []
    if mode == "shuffle" and codec.kind != "blosc":
        filters.append([SHUFFLE, [itemsize]])
    if mode == "bitshuffle" and codec.kind in ("none", "lz4", "zstd"):
        filters.append([BITSHUFFLE, bitshuffle_cd(itemsize, codec.kind, level)])
    elif codec.kind in ("gzip", "gzip-fast"):
        filters.append([DEFLATE, [level]])
    elif codec.kind == "zstd":
        filters.append([ZSTD, [level]])
    elif codec.kind == "lz4":
        filters.append([LZ4, [0]])
    elif codec.kind == "blosc":
        chunk_bytes = math.prod(chunks) * itemsize
        filters.append([BLOSC, [2, 2, itemsize, chunk_bytes, level, MODES.index(mode),
                                BLOSC_CODES[codec.blosc_codec or "lz4"]]])
    if fletcher32:
        filters.append([FLETCHER32, []])
    return filters


def comparable(pipeline):
    """A pipeline as h5py_reader.py reports it ([id, flags, cd_values]),
    as expected_pipeline() gives it: [id, cd_values], Bitshuffle's version
    checked and dropped"""
    out = []
    for filter_id, _flags, cd_values in pipeline:
        cd_values = list(cd_values)
        if filter_id == BITSHUFFLE:
            assert len(cd_values) >= 5, cd_values
            # bitshuffle 0.4 or 0.5 (the versions that have zstd), as
            # hdf5plugin's filter writes its own version first
            assert cd_values[0] == 0 and cd_values[1] in (4, 5), cd_values
            cd_values = cd_values[2:]
        out.append([filter_id, cd_values])
    return out


def make_data(dtype, shape, seed=0):
    """Compressible data of @dtype (a random walk), with the extremes of
    the type, and for floats NaN, infinities and -0.0"""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.integers(-3, 4, size=shape), axis=0)
    dt = np.dtype(dtype)
    if dt.kind == "f":
        data = (walk * 0.37).astype(dt)
        extremes = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).max, np.finfo(dt).tiny]
    else:
        info = np.iinfo(dt)
        data = (walk + (0 if info.min < 0 else 100)).astype(dt)
        extremes = [info.min, info.max]
    flat = data.reshape(-1)
    flat[1:1 + len(extremes)] = extremes
    return data


def write_python(codec, mode, fletcher32, data, path, chunks, buffers, n_threads=0):
    """Writes @data with Gdci.H5Writer; None or the error's text"""
    from gi.repository import Gdci

    try:
        source = Gdci.ArrayIterator.from_numpy(data, buffer_shape=buffers, chunk_shape=chunks)
        Gdci.H5Writer(n_threads=n_threads, **codec.writer_settings(mode, fletcher32)).write(source, path)
    except Exception as error:  # noqa: BLE001: reported by the test that reads it
        return f"{type(error).__name__}: {error}"
    return None


def run_gdci(*args, env=None):
    return subprocess.run([GDCI, *map(str, args)], capture_output=True, text=True, env=env)


def write_cli(codec, mode, fletcher32, data, directory, name, chunks, buffers, threads=None):
    """Writes @data into a raw file and converts it with gdci convert; None
    or gdci's stderr"""
    raw = os.path.join(directory, name + ".bin")
    data.tofile(raw)
    out = os.path.join(directory, name + ".h5")
    args = ["convert", raw, out, "--dtype", data.dtype.name, "--shape", ",".join(map(str, data.shape)),
            "--chunk-shape", ",".join(map(str, chunks)), "--buffer-shape", ",".join(map(str, buffers)),
            "--no-progress", *codec.cli_args(mode, fletcher32)]
    if threads is not None:
        args += ["--threads", str(threads)]
    result = run_gdci(*args)
    os.unlink(raw)
    if result.returncode != 0:
        return f"exit {result.returncode}: {result.stderr.strip()}"
    return None


def reader_env(plugin_path=PLUGIN_PATH):
    env = dict(os.environ)
    env["HDF5_PLUGIN_PATH"] = plugin_path
    return env


def read_back(directory, entries, plugin_path=PLUGIN_PATH, no_hdf5plugin=False):
    """Runs h5py_reader.py over @entries (dicts: key, file, dataset, data,
    and optionally reference) in a fresh process; its results by key"""
    manifest = []
    for n, entry in enumerate(entries):
        expected = os.path.join(directory, f"expected{n}.npy")
        np.save(expected, entry["data"])
        manifest.append({"key": entry["key"], "file": str(entry["file"]), "dataset": entry.get("dataset", "/data"),
                         "expected": expected, "reference": entry.get("reference")})
    manifest_path = os.path.join(directory, "manifest.json")
    results_path = os.path.join(directory, "results.json")
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)
    args = [sys.executable, os.path.join(HERE, "h5py_reader.py"), manifest_path, results_path]
    if no_hdf5plugin:
        args.append("--no-hdf5plugin")
    result = subprocess.run(args, capture_output=True, text=True, env=reader_env(plugin_path))
    assert result.returncode == 0, result.stderr
    with open(results_path) as f:
        return json.load(f)


def assert_read_back(found, where):
    """@found (one result of read_back()) is the data, read without error"""
    assert found["error"] is None, f"{where}: h5py could not read it: {found['error']}"
    assert found["equal"], f"{where}: data differ: {found['mismatch']} (index, read, written, how many)"
