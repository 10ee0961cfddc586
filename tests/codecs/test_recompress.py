# SPDX-License-Identifier: LGPL-2.1-or-later
"""HDF5 to HDF5: `gdci convert in.h5:/data out.h5 --compression X` between
every pair of codecs, from sources written by gdci and by h5py +
hdf5plugin, with no filter plugin on gdci's path (gdci decodes every codec
it writes itself); the data are equal and the output carries the target's
filters. A source with a filter gdci cannot decode is one line naming the
filter, exit 1; a bad --compression is one line, exit 2."""

import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
from h5py import h5d, h5p, h5s, h5t, h5z

from codecs_helpers import (BY_NAME, GDCI, HERE, PLUGIN_PATH, assert_read_back, comparable, expected_pipeline,
                            make_data, read_back, reader_env, run_gdci, write_python)

SHAPE, CHUNKS, BUFFERS = (203, 17), (50, 8), (100, 16)
DATA = make_data("int16", SHAPE, seed=5)

# (codec, mode, fletcher32) of the sources gdci writes, and of the targets
SOURCES = [("none", "plain", False), ("gzip", "shuffle", True), ("gzip-fast", "shuffle", False),
           ("zstd", "shuffle", False), ("zstd", "bitshuffle", False), ("lz4", "plain", False),
           ("lz4", "bitshuffle", True), ("blosc", "shuffle", False), ("blosc-zstd", "bitshuffle", False)]
TARGETS = [("none", "plain", False), ("gzip", "shuffle", False), ("gzip-fast-2", "shuffle", True),
           ("zstd-1", "shuffle", False), ("zstd", "bitshuffle", False), ("lz4", "plain", False),
           ("lz4", "bitshuffle", False), ("blosc", "shuffle", False), ("blosc-zstd", "bitshuffle", True)]
# what h5py + hdf5plugin write (h5py_reader.reference_options())
H5PY_SOURCES = [
    {"kind": "lz4", "mode": "plain"},
    {"kind": "lz4", "mode": "shuffle", "fletcher32": True},
    {"kind": "blosc", "blosc_codec": "lz4", "level": 5, "mode": "shuffle"},
    {"kind": "blosc", "blosc_codec": "zstd", "level": 3, "mode": "bitshuffle"},
    {"kind": "blosc", "blosc_codec": "blosclz", "level": 9, "mode": "plain"},
    {"kind": "blosc", "blosc_codec": "zlib", "level": 1, "mode": "shuffle"},
    {"kind": "gzip", "level": 6, "mode": "shuffle", "fletcher32": True},
    {"kind": "zstd", "level": 5, "mode": "plain"},
    {"kind": "zstd", "level": 3, "mode": "bitshuffle"},
    {"kind": "lz4", "mode": "bitshuffle"},
]


def label(setting):
    name, mode, fletcher32 = setting
    return f"{name}-{mode}" + ("-fletcher32" if fletcher32 else "")


def h5py_label(settings):
    return "-".join(str(settings[k]) for k in ("kind", "blosc_codec", "level", "mode") if k in settings) + \
        ("-fletcher32" if settings.get("fletcher32") else "")


@pytest.fixture(scope="module")
def empty_plugin_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("no-plugins"))


def gdci_env(plugin_path):
    """gdci's environment with HDF5_PLUGIN_PATH at @plugin_path (None: not set)"""
    env = {k: v for k, v in os.environ.items() if k != "HDF5_PLUGIN_PATH"}
    if plugin_path is not None:
        env["HDF5_PLUGIN_PATH"] = plugin_path
    return env


def convert(source, out, target, env, same_chunks):
    name, mode, fletcher32 = target
    sizes = (["--chunk-shape", ",".join(map(str, CHUNKS)), "--buffer-shape", ",".join(map(str, BUFFERS))]
             if same_chunks else ["--chunk-shape", "64,17", "--buffer-shape", "128,17"])
    return run_gdci("convert", f"{source}:/data", out, "--no-progress", *sizes,
                    *BY_NAME[name].cli_args(mode, fletcher32), env=env)


def h5py_write(directory, entries):
    """Writes @entries ({file, settings}) with h5py + hdf5plugin in a
    process without gdci; the files it could not write, and why"""
    manifest = []
    for n, entry in enumerate(entries):
        data = os.path.join(directory, f"h5py-data{n}.npy")
        np.save(data, entry.get("data", DATA))
        manifest.append({"file": str(entry["file"]), "dataset": "/data", "data": data,
                         "chunks": entry.get("chunks", CHUNKS), "settings": entry["settings"]})
    path = os.path.join(directory, "h5py-manifest.json")
    with open(path, "w") as f:
        json.dump(manifest, f)
    result = subprocess.run([sys.executable, os.path.join(HERE, "h5py_writer.py"), path],
                            capture_output=True, text=True, env=reader_env(), cwd=HERE)
    assert result.returncode == 0, result.stderr
    return dict(line.split("\t", 1) for line in result.stdout.splitlines())


@pytest.fixture(scope="module")
def recompressed(tmp_path_factory, empty_plugin_dir):
    """Every source converted to every target: {key: (gdci's error or None,
    target)}, and the reads of the outputs"""
    directory = str(tmp_path_factory.mktemp("recompress"))
    outcomes, entries = {}, []
    sources = []
    for n, (name, mode, fletcher32) in enumerate(SOURCES):
        path = os.path.join(directory, f"s{n}.h5")
        error = write_python(BY_NAME[name], mode, fletcher32, DATA, path, CHUNKS, BUFFERS)
        sources.append((f"gdci/{label(SOURCES[n])}", path, None if error is None else ("source", error)))
    h5py_paths = [os.path.join(directory, f"h{n}.h5") for n in range(len(H5PY_SOURCES))]
    missing = h5py_write(directory, [{"file": p, "settings": s} for p, s in zip(h5py_paths, H5PY_SOURCES)])
    for path, settings in zip(h5py_paths, H5PY_SOURCES):
        sources.append((f"h5py/{h5py_label(settings)}", path, ("skip", missing[path]) if path in missing else None))
    n = 0
    for source_key, path, source_error in sources:
        for target in TARGETS:
            key = f"{source_key}->{label(target)}"
            n += 1
            if source_error is not None:
                outcomes[key] = (source_error, target)
                continue
            out = os.path.join(directory, f"o{n}.h5")
            result = convert(path, out, target, gdci_env(empty_plugin_dir), same_chunks=n % 2 == 0)
            if result.returncode != 0:
                outcomes[key] = (f"exit {result.returncode}: {result.stderr.strip()}", target)
                continue
            outcomes[key] = (None, target)
            entries.append({"key": key, "file": out, "data": DATA})
    return outcomes, read_back(directory, entries)


PAIRS = ([f"gdci/{label(s)}->{label(t)}" for s in SOURCES for t in TARGETS]
         + [f"h5py/{h5py_label(s)}->{label(t)}" for s in H5PY_SOURCES for t in TARGETS])


@pytest.mark.parametrize("key", PAIRS)
def test_recompress(recompressed, key):
    outcomes, results = recompressed
    error, target = outcomes[key]
    if isinstance(error, tuple):
        if error[0] == "skip":  # h5py + hdf5plugin lack the filter
            pytest.skip(error[1])
        pytest.fail(f"gdci could not write the source: {error[1]}")
    assert error is None, f"gdci convert failed: {error}"
    found = results[key]
    assert_read_back(found, key)
    name, mode, fletcher32 = target
    chunks = [int(c) for c in found["chunks"]]
    assert comparable(found["pipeline"]) == expected_pipeline(BY_NAME[name], mode, fletcher32, "int16", chunks)


def test_sources_are_read_with_no_plugin_path_set(tmp_path):
    """HDF5_PLUGIN_PATH unset: gdci's own filters, or HDF5's default
    plugins where it finds them, decode every source"""
    for n, (name, mode, fletcher32) in enumerate(SOURCES):
        source = tmp_path / f"s{n}.h5"
        assert write_python(BY_NAME[name], mode, fletcher32, DATA, source, CHUNKS, BUFFERS) is None
        result = convert(source, tmp_path / f"o{n}.h5", ("none", "plain", False), gdci_env(None), same_chunks=True)
        assert result.returncode == 0, (name, mode, result.stderr)
        with h5py.File(tmp_path / f"o{n}.h5", "r") as f:
            np.testing.assert_array_equal(f["data"][...], DATA, err_msg=f"{name} {mode}")


# ---- sources gdci cannot decode --------------------------------------------

def assert_one_line(result, status, *words):
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("gdci"), lines
    # one line; a usage error may add gdci's hint to try --help
    assert len(lines) == 1 or (len(lines) == 2 and status == 2 and lines[1].startswith("Try ")), lines
    assert "HDF5-DIAG" not in result.stderr
    missing = [word for word in words if word.lower() not in lines[0].lower()]
    assert not missing, f"{lines[0]!r} does not say {missing}"
    return lines[0]


def made_up_filter_source(path, filter_id=32767):
    """A dataset whose chunks claim a filter no one has, mandatory: made
    with the filter optional (HDF5 refuses an unregistered mandatory one),
    its chunks written raw, then the flag cleared in the file"""
    with h5py.File(path, "w") as f:
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_chunk(CHUNKS)
        dcpl.set_filter(filter_id, h5z.FLAG_OPTIONAL, (1, 2))
        dset = h5py.Dataset(h5d.create(f.id, b"data", h5t.NATIVE_INT16, h5s.create_simple(SHAPE), dcpl))
        for i in range(0, SHAPE[0], CHUNKS[0]):
            for j in range(0, SHAPE[1], CHUNKS[1]):
                dset.id.write_direct_chunk((i, j), np.zeros(CHUNKS, "int16").tobytes(), 0)
    raw = bytearray(path.read_bytes())
    # the filter's entry in the pipeline message: id, name length 0, flags
    entry = filter_id.to_bytes(2, "little") + b"\0\0" + h5z.FLAG_OPTIONAL.to_bytes(2, "little")
    assert raw.count(entry) == 1
    at = raw.index(entry) + 4
    raw[at:at + 2] = b"\0\0"
    path.write_bytes(bytes(raw))
    with h5py.File(path, "r") as f:
        assert f["data"].id.get_create_plist().get_filter(0)[:3] == (filter_id, 0, (1, 2))


def test_a_filter_no_one_has(tmp_path, empty_plugin_dir):
    source = tmp_path / "made-up.h5"
    made_up_filter_source(source)
    for plugin_path in (empty_plugin_dir, None, PLUGIN_PATH):
        result = run_gdci("convert", f"{source}:/data", tmp_path / "out.h5", "--compression", "gzip",
                          "--no-progress", env=gdci_env(plugin_path))
        assert_one_line(result, 1, "32767")
        assert not (tmp_path / "out.h5").exists()


@pytest.fixture(scope="module")
def bzip2_source(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("bzip2"))
    path = os.path.join(directory, "bzip2.h5")
    missing = h5py_write(directory, [{"file": path, "settings": {"kind": "bzip2"}}])
    if path in missing:
        pytest.skip(missing[path])
    return path


def test_bzip2_without_its_plugin(bzip2_source, empty_plugin_dir, tmp_path):
    result = run_gdci("convert", f"{bzip2_source}:/data", tmp_path / "out.h5", "--compression", "gzip",
                      "--no-progress", env=gdci_env(empty_plugin_dir))
    assert_one_line(result, 1, "307", "bzip2")
    assert not (tmp_path / "out.h5").exists()


def test_bzip2_with_its_plugin(bzip2_source, tmp_path):
    """A filter gdci has no decoder for is read through HDF5's plugin,
    where there is one"""
    result = run_gdci("convert", f"{bzip2_source}:/data", tmp_path / "out.h5", "--compression", "gzip",
                      "--no-progress", env=gdci_env(None))
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["data"][...], DATA)


# ---- bad --compression values ---------------------------------------------

CODEC_NAMES = ["none", "gzip", "zstd", "lz4", "blosc"]


@pytest.mark.parametrize("args, words", [
    (["--compression", "brotli"], CODEC_NAMES),
    (["--compression", ""], CODEC_NAMES),
    (["--compression", "zstd:23"], ["zstd", "22"]),
    (["--compression", "zstd:0"], ["zstd", "22"]),
    (["--compression", "zstd:x"], ["zstd"]),
    (["--compression", "gzip:10"], ["gzip", "9"]),
    (["--compression", "gzip:0"], ["gzip", "9"]),
    (["--compression", "gzip:fast:4"], ["3"]),
    (["--compression", "gzip:fast:0"], ["3"]),
    (["--compression", "gzip:fast:1:2"], ["gzip"]),
    (["--compression", "lz4:1"], ["lz4"]),
    (["--compression", "blosc:snappy"], ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]),
    (["--compression", "blosc:lz4:10"], ["9"]),
    (["--compression", "blosc:lz4:x"], ["blosc"]),
    (["--compression", "zstd", "--shuffle", "--bitshuffle"], ["shuffle", "bitshuffle"]),
    (["--compression", "gzip", "--bitshuffle"], ["bitshuffle", "gzip"]),
    (["--compression", "gzip:fast", "--bitshuffle"], ["bitshuffle"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) and v and v[0].startswith("--") else None)
def test_bad_compression_is_a_usage_error(tmp_path, args, words):
    raw = tmp_path / "in.bin"
    DATA.tofile(raw)
    result = run_gdci("convert", raw, tmp_path / "out.h5", "--dtype", "int16", "--shape", "-1,17",
                      "--no-progress", *args)
    assert_one_line(result, 2, *words)
    assert result.stdout == ""
    assert sorted(os.listdir(tmp_path)) == ["in.bin"]


def test_gdci_binary_is_the_builds():
    assert os.path.realpath(GDCI).startswith(os.path.realpath(os.environ["GDCI_BUILD_ROOT"]))
