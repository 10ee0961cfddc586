# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every codec, at its default level and the ends of its levels, with
HDF5's shuffle, Bitshuffle or neither, with and without Fletcher-32, for
every dtype gdci handles: written by Gdci.H5Writer and by `gdci convert`
from a raw file, with edge chunks, then read back by h5py after `import
hdf5plugin` in a process without gdci and compared bit for bit; the
filters and cd_values in the file are those hdf5plugin's filters write for
the same settings (compared with what h5py + hdf5plugin write, where their
filter is available, and with the filters' documented layouts always)."""

import os
import shutil
import subprocess

import h5py
import numpy as np
import pytest
from gi.repository import Gdci, GLib

from codecs_helpers import (BY_NAME, DTYPES, ZSTD, assert_read_back, case_id, cases, comparable,
                            expected_pipeline, make_data, read_back, write_cli, write_python)

# shapes that are not multiples of the chunks: partial chunks at the end of
# both axes, and buffers of two chunks by two
SHAPE, CHUNKS, BUFFERS = (37, 13), (10, 6), (20, 12)
CASES = cases()
DATA = {dtype: make_data(dtype, SHAPE, seed=n) for n, dtype in enumerate(DTYPES)}


def cli_dtype(case):
    """The dtype of a case's CLI write: each dtype in turn"""
    return DTYPES[CASES.index(case) % len(DTYPES)]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """Writes the whole matrix, then reads it back in one h5py process:
    (errors of the writes, results of the reads), by key"""
    directory = str(tmp_path_factory.mktemp("matrix"))
    errors, entries = {}, []
    for n, case in enumerate(CASES):
        codec, mode, fletcher32 = case
        for dtype in DTYPES:
            key = f"python/{case_id(case)}/{dtype}"
            path = os.path.join(directory, f"p{n}-{dtype}.h5")
            errors[key] = write_python(codec, mode, fletcher32, DATA[dtype], path, CHUNKS, BUFFERS,
                                       n_threads=1 + n % 2)
            if errors[key] is None:
                entries.append({"key": key, "file": path, "data": DATA[dtype],
                                "reference": {**codec.reference(mode, fletcher32), "dtype": dtype,
                                              "shape": SHAPE, "chunks": CHUNKS}})
        dtype = cli_dtype(case)
        key = f"cli/{case_id(case)}/{dtype}"
        errors[key] = write_cli(codec, mode, fletcher32, DATA[dtype], directory, f"c{n}", CHUNKS, BUFFERS,
                                threads=1 + n % 2)
        if errors[key] is None:
            entries.append({"key": key, "file": os.path.join(directory, f"c{n}.h5"), "data": DATA[dtype]})
    return errors, read_back(directory, entries)


def check_written(matrix, key, case, dtype):
    """What is wrong with the dataset of @key (a list of lines; empty if
    nothing)"""
    errors, results = matrix
    codec, mode, fletcher32 = case
    if errors[key] is not None:
        return [f"{key}: not written: {errors[key]}"]
    found = results[key]
    if found["error"] is not None:
        return [f"{key}: h5py could not read it: {found['error']}"]
    problems = []
    if not found["equal"]:
        problems.append(f"{key}: data differ: {found['mismatch']} (index, read, written, how many)")
    if (found["dtype"], found["shape"], found["chunks"]) != (np.dtype(dtype).str, list(SHAPE), list(CHUNKS)):
        problems.append(f"{key}: {found['dtype']} {found['shape']} chunks {found['chunks']}")
    expected = expected_pipeline(codec, mode, fletcher32, dtype, CHUNKS)
    try:
        pipeline = comparable(found["pipeline"])
    except AssertionError as error:
        pipeline = f"{found['pipeline']} (Bitshuffle's version: {error})"
    if pipeline != expected:
        problems.append(f"{key}: filters {pipeline}, not {expected}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_python_api_every_dtype(matrix, case):
    problems = [line for dtype in DTYPES
                for line in check_written(matrix, f"python/{case_id(case)}/{dtype}", case, dtype)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_cli_from_raw(matrix, case):
    dtype = cli_dtype(case)
    problems = check_written(matrix, f"cli/{case_id(case)}/{dtype}", case, dtype)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_filters_are_hdf5plugins(matrix, case):
    """The pipeline, flags and cd_values included, is the one h5py +
    hdf5plugin write for the same settings"""
    errors, results = matrix
    unavailable, problems = None, []
    for dtype in DTYPES:
        key = f"python/{case_id(case)}/{dtype}"
        if errors[key] is not None:
            problems.append(f"{key}: not written: {errors[key]}")
            continue
        found = results[key]
        if found["reference_error"] is not None:
            if "is not available to h5py + hdf5plugin" not in found["reference_error"]:
                problems.append(f"{key}: h5py + hdf5plugin failed: {found['reference_error']}")
            unavailable = found["reference_error"]
            continue
        if found["error"] is None and found["pipeline"] != found["reference"]:
            problems.append(f"{key}: filters {found['pipeline']}, hdf5plugin's {found['reference']}")
    assert not problems, "\n".join(problems)
    if unavailable is not None:
        pytest.skip(unavailable)


# ---- shapes: one and three axes, Bitshuffle's blocks and leftovers ---------

SHAPED = [
    # 1-D: chunks of 5003 elements, more than one Bitshuffle block of 8 KiB
    # and a leftover that is not a multiple of 8 elements
    ((12345,), (5003,), (10006,)),
    # 3-D: chunks of 105 elements, edges on every axis
    ((7, 11, 9), (3, 5, 7), (6, 10, 7)),
]
SHAPED_CODECS = [("zstd", "bitshuffle", False), ("lz4", "bitshuffle", True), ("none", "bitshuffle", False),
                 ("lz4", "shuffle", False), ("blosc-zstd", "bitshuffle", True), ("blosc", "shuffle", False),
                 ("gzip-fast", "shuffle", True), ("zstd-1", "plain", False)]


def test_other_shapes(tmp_path):
    codecs = BY_NAME
    entries, problems = [], []
    for n, ((shape, chunks, buffers), (name, mode, fletcher32)) in enumerate(
            (s, c) for s in SHAPED for c in SHAPED_CODECS):
        for dtype in ("int16", "float64", "uint8"):
            data = make_data(dtype, shape, seed=n)
            path = tmp_path / f"s{n}-{dtype}.h5"
            error = write_python(codecs[name], mode, fletcher32, data, path, chunks, buffers)
            key = f"{name}-{mode}-{dtype}-{shape}"
            if error is not None:
                problems.append(f"{key}: {error}")
                continue
            entries.append({"key": key, "file": path, "data": data,
                            "expected": expected_pipeline(codecs[name], mode, fletcher32, dtype, chunks)})
    if entries:
        results = read_back(str(tmp_path), [{k: v for k, v in e.items() if k != "expected"} for e in entries])
        for entry in entries:
            found = results[entry["key"]]
            try:
                assert_read_back(found, entry["key"])
                assert comparable(found["pipeline"]) == entry["expected"], entry["key"]
            except AssertionError as error:
                problems.append(str(error))
    assert not problems, "\n".join(problems)


# ---- the chunks themselves, decoded by the reference tool -------------------

def hdf5_shuffle(chunk):
    """HDF5's byte shuffle of one chunk's elements"""
    return chunk.view(np.uint8).reshape(chunk.size, chunk.itemsize).T.tobytes()


@pytest.mark.parametrize("shuffle", [False, True], ids=["plain", "shuffle"])
def test_zstd_chunks_are_zstd_frames(tmp_path, shuffle):
    """A zstd chunk is one zstd frame of the (shuffled) chunk, as the zstd
    tool reads it: not only what gdci's own plugin reads back"""
    zstd = shutil.which("zstd")
    if zstd is None:
        pytest.skip("no zstd tool (Debian's zstd)")
    data = make_data("int32", SHAPE)
    path = tmp_path / "z.h5"
    error = write_python(BY_NAME["zstd"], "shuffle" if shuffle else "plain", False, data, path, CHUNKS, BUFFERS)
    assert error is None, error
    with h5py.File(path, "r") as f:
        dset = f["data"]
        assert dset.id.get_create_plist().get_filter(dset.id.get_create_plist().get_nfilters() - 1)[0] == ZSTD
        mask, stored = dset.id.read_direct_chunk((10, 6))
    assert mask == 0
    decoded = subprocess.run([zstd, "-d", "-c", "-q"], input=stored, capture_output=True, check=True).stdout
    chunk = np.ascontiguousarray(data[10:20, 6:12])
    assert decoded == (hdf5_shuffle(chunk) if shuffle else chunk.tobytes())


# ---- refusals -------------------------------------------------------------

def refusal(tmp_path, **settings):
    """The message with which gdci refuses @settings: ValueError or
    TypeError from the overrides, or a GLib.Error from write(); and no
    file is left"""
    source = Gdci.ArrayIterator.from_numpy(DATA["int16"], buffer_shape=BUFFERS, chunk_shape=CHUNKS)
    try:
        writer = Gdci.H5Writer(**settings)
        writer.write(source, tmp_path / "out.h5")
    except (ValueError, TypeError, GLib.Error) as error:
        assert os.listdir(tmp_path) == []
        return str(error)
    pytest.fail(f"{settings} were accepted")


@pytest.mark.parametrize("settings, words", [
    ({"compression": "zstd", "shuffle": True, "bitshuffle": True}, ["shuffle", "bitshuffle"]),
    ({"compression": "none", "shuffle": True, "bitshuffle": True}, ["shuffle", "bitshuffle"]),
    ({"compression": "blosc", "shuffle": True, "bitshuffle": True}, ["shuffle", "bitshuffle"]),
    ({"compression": "gzip", "bitshuffle": True}, ["bitshuffle", "gzip"]),
    ({"compression": "gzip-fast", "bitshuffle": True}, ["bitshuffle"]),
    ({"compression": "lz4", "compression_level": 3}, ["lz4"]),
    ({"compression": "zstd", "compression_level": 23}, ["22"]),
    ({"compression": "gzip", "compression_level": 10}, ["9"]),
    ({"compression": "gzip-fast", "compression_level": 4}, ["3"]),
    ({"compression": "blosc", "compression_level": 10}, ["9"]),
    ({"compression": "zstd", "compression_level": -1}, ["22"]),
    ({"compression": "brotli"}, ["none", "gzip", "gzip-fast", "zstd", "lz4", "blosc"]),
    ({"compression": "blosc", "blosc_codec": "snappy"}, ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]),
], ids=lambda v: "-".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else None)
def test_refused_settings(tmp_path, settings, words):
    message = refusal(tmp_path, **settings)
    missing = [word for word in words if word not in message]
    assert not missing, f"{message!r} does not say {missing}"


def test_enum_values():
    assert [Gdci.Compression(v).value_nick for v in range(6)] == ["none", "gzip", "gzip-fast", "zstd", "lz4", "blosc"]
    assert Gdci.H5Writer().props.compression_level == 0
    assert Gdci.H5Writer().props.bitshuffle is False
    assert Gdci.H5Writer().props.blosc_codec == Gdci.BloscCodec.LZ4
    writer = Gdci.H5Writer(compression="blosc", blosc_codec="zstd", compression_level=9, bitshuffle=True)
    assert (writer.props.compression, writer.props.blosc_codec) == (Gdci.Compression.BLOSC, Gdci.BloscCodec.ZSTD)
    assert (writer.props.compression_level, writer.props.bitshuffle) == (9, True)


def bit_unshuffle(block, n, itemsize):
    """Bitshuffle's transposition undone for one block of @n elements (a
    multiple of 8): the block is 8 x itemsize rows, one per bit of each
    byte of the elements (least significant first), each row the n bits of
    the elements, least significant bit first"""
    rows = np.frombuffer(block, np.uint8).reshape(itemsize * 8, n // 8)
    bits = np.unpackbits(rows, axis=1, bitorder="little")
    return np.packbits(bits.T, axis=1, bitorder="little").tobytes()


def bitshuffle_decode(stored, n_elements, itemsize, inner, zstd=None):
    """A Bitshuffle chunk decoded as Bitshuffle's own format defines it:
    with compression, a header (uncompressed bytes, 64 bits, and block
    bytes, 32 bits, both big-endian), then each block's compressed size
    (32 bits, big-endian) and bytes; blocks of 8 KiB by default, the last
    one cut to a multiple of 8 elements, and the elements after it copied
    as they are"""
    import lz4.block

    if inner == "none":
        block_elements = max(8192 // itemsize // 8 * 8, 128)
        at = 0
    else:
        assert int.from_bytes(stored[:8], "big") == n_elements * itemsize
        block_elements = int.from_bytes(stored[8:12], "big") // itemsize
        at = 12
    out = []
    done = 0
    while n_elements - done >= 8:
        n = min(block_elements, n_elements - done)
        n -= n % 8
        if inner == "none":
            block, at = stored[at:at + n * itemsize], at + n * itemsize
        else:
            size = int.from_bytes(stored[at:at + 4], "big")
            compressed, at = stored[at + 4:at + 4 + size], at + 4 + size
            if inner == "lz4":
                block = lz4.block.decompress(compressed, uncompressed_size=n * itemsize)
            else:
                block = subprocess.run([zstd, "-d", "-c", "-q"], input=compressed, capture_output=True,
                                       check=True).stdout
        out.append(bit_unshuffle(block, n, itemsize))
        done += n
    out.append(stored[at:at + (n_elements - done) * itemsize])
    assert at + (n_elements - done) * itemsize == len(stored), "bytes left over"
    return b"".join(out)


@pytest.mark.parametrize("inner", ["none", "lz4", "zstd"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "float64"])
def test_bitshuffle_chunks_are_bitshuffles(tmp_path, inner, dtype):
    """A Bitshuffle chunk is what Bitshuffle's own code makes (its format
    decoded here with Python's lz4 and the zstd tool), not only what gdci's
    own plugin reads back: chunks of several blocks and a leftover"""
    pytest.importorskip("lz4.block", reason="no Python lz4 (Debian's python3-lz4)")
    zstd = shutil.which("zstd")
    if inner == "zstd" and zstd is None:
        pytest.skip("no zstd tool (Debian's zstd)")
    data = make_data(dtype, (12345,), seed=11)
    path = tmp_path / "b.h5"
    error = write_python(BY_NAME[inner], "bitshuffle", False, data, path, (5003,), (10006,))
    assert error is None, error
    with h5py.File(path, "r") as f:
        mask, stored = f["data"].id.read_direct_chunk((5003,))
    assert mask == 0
    assert bitshuffle_decode(stored, 5003, data.itemsize, inner, zstd) == data[5003:10006].tobytes()
