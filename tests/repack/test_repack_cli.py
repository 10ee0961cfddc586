# SPDX-License-Identifier: LGPL-2.1-or-later
"""`gdci repack IN OUT`: every object of IN copied into a new OUT, the
datasets asked rewritten with new chunks and filters, the others copied
as HDF5 copies them (their chunks as stored); h5diff finds no difference,
structure.compare_files() none either; IN is never modified, and OUT
appears only when complete."""

import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a user's does
import numpy as np
import pytest

import expected
import nwb_files
import structure
import test_cli
from expected import Asked
from nwb_files import BIG, BIG_ALIAS, FRAMES, LFP, LZF, SMALL, TIMESTAMPS
# the gdci of test_cli.py, which its session fixture installs
from test_cli import installed_gdci  # noqa: F401: the fixture, used here too
from test_cli import assert_one_line_error, interrupt_after_progress, run

SUMMARY = re.compile(r"Repacked (?P<in>.+) into (?P<out>.+): (?P<n>\d+) objects? \((?P<r>\d+) datasets? "
                     r"rewritten, (?P<c>\d+) copied as they were\); .*")


# ---- helpers -------------------------------------------------------------------

def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def repack(source, out, *args, **kwargs):
    """gdci repack SOURCE OUT ARGS..., checking that SOURCE is the same,
    byte for byte, before and after"""
    before = digest(source) if os.path.isfile(source) else None
    result = run("repack", source, out, *args, **kwargs)
    if before is not None:
        assert digest(source) == before, "gdci repack modified its input"
    return result


def assert_repack_error(result, status, text):
    """One line from gdci repack (as `gdci convert: ...` for convert), and
    for usage errors maybe gdci's hint to try --help"""
    assert_one_line_error(result, status, text)
    assert result.stderr.startswith("gdci repack: "), result.stderr
    assert result.stderr.splitlines()[1:] in ([], ["Try 'gdci repack --help' for more information."]), \
        result.stderr


def gdci_plan(dtype, shape, chunk_mb=None, chunk_shape=None):
    """The chunk shape `gdci plan` gives (the fit plan, convert's)"""
    args = ["plan", "--dtype", np.dtype(dtype).name, "--shape", ",".join(map(str, shape)),
            "--plan", "fit"]
    if chunk_mb is not None:
        args += ["--chunk-mb", str(chunk_mb)]
    if chunk_shape is not None:
        args += ["--chunk-shape", ",".join(map(str, chunk_shape))]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    found = re.search(r"^Chunk shape: +\(([0-9, ]+)\)", result.stdout, re.M)
    return tuple(int(axis) for axis in found.group(1).replace(" ", "").strip(",").split(","))


def assert_summary(result, source, out, planned):
    """One line: Repacked IN into OUT: N objects (R datasets rewritten, C
    copied as they were); ..., R the datasets to rewrite"""
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.fullmatch(lines[0])
    assert match, lines[0]
    assert (match["in"], match["out"]) == (str(source), str(out)), lines[0]
    n, r, c = int(match["n"]), int(match["r"]), int(match["c"])
    # the objects of IN, with or without its root group
    objects = structure.count_objects(source)
    assert n in (objects, objects - 1), (lines[0], objects)
    assert r == len(expected.rewritten_of(planned)), (lines[0], planned)
    assert r + c == n, lines[0]


def assert_raw_copies(source, out, skip=()):
    """Every chunked dataset of IN but those in skip (by any of their
    names) has in OUT the same chunks, byte for byte, with the same filter
    masks"""
    skip = {first for first, paths in structure.dataset_paths(source).items()
            if set(paths) & set(skip)}
    for first in structure.chunked_datasets(source):
        if first in skip:
            continue
        assert structure.raw_chunks(source, first) == structure.raw_chunks(out, first), first


def repack_and_check(source, tmp_path, *args, asked=None, **options):
    """Repacks SOURCE into tmp_path/out.h5 with ARGS, checks OUT, the
    summary, and that nothing else is left in tmp_path"""
    out = tmp_path / "out.h5"
    before = set(os.listdir(tmp_path))
    result = repack(source, out, *args)
    assert result.returncode == 0, result.stderr
    planned = expected.check_repack(source, out, gdci_plan, asked, **options)
    assert_summary(result, source, out, planned)
    assert set(os.listdir(tmp_path)) == before | {"out.h5"}
    return out, planned


@pytest.fixture(scope="module")
def nwb(tmp_path_factory):
    path = tmp_path_factory.mktemp("nwb") / "session.nwb"
    nwb_files.nwb_like(path)
    return path


@pytest.fixture(scope="module")
def hdmf_input(tmp_path_factory):
    path = tmp_path_factory.mktemp("hdmf") / "table.h5"
    nwb_files.hdmf_file(path)
    return path


# ---- a copy of everything ---------------------------------------------------------

def test_plain_repack_copies_everything_raw(nwb, tmp_path):
    """No option: nothing is rewritten, every chunk is copied as stored
    (the LZF dataset too, which gdci cannot decode)"""
    out, planned = repack_and_check(nwb, tmp_path)
    assert expected.rewritten_of(planned) == set()
    assert_raw_copies(nwb, out)
    with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
        assert structure.filter_ids(b[LZF]) == [structure.LZF]
        np.testing.assert_array_equal(a[LZF][...], b[LZF][...])
        # the big dataset, its chunks and filters as they were
        assert b[BIG].chunks == (1000, 64)
        assert (b[BIG].compression, b[BIG].compression_opts, b[BIG].shuffle) == ("gzip", 4, True)
        assert b[BIG].id.get_num_chunks() == a[BIG].id.get_num_chunks() == 10 * 6
        # the links as links, the hard link one object
        assert b.get(nwb_files.SOFT, getlink=True).path == BIG
        link = b.get(nwb_files.EXTERNAL, getlink=True)
        assert (link.filename, link.path) == ("missing-file.h5", "/data")
        assert b[BIG].id == b[BIG_ALIAS].id
        assert isinstance(b[nwb_files.COMMITTED], h5py.Datatype)
        assert b[nwb_files.TYPED].id.get_type().committed()
        assert list(b[nwb_files.ORDERED]) == ["zeta", "alpha", "mid", "beta"]
        assert list(b[nwb_files.ORDERED].attrs) == ["yankee", "bravo", "kilo"]
        assert list(b[nwb_files.ORDERED_DATASET].attrs) == ["zulu", "alpha", "mike"]
        assert b[b[BIG].attrs["timestamps"]].id == b[TIMESTAMPS].id
        assert b["processing/filters/fill"].fillvalue == -7


def test_summary_and_no_progress(nwb, tmp_path):
    result = repack(nwb, tmp_path / "out.h5", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Repacked {nwb} into {tmp_path / 'out.h5'}: ")
    assert_summary(result, nwb, tmp_path / "out.h5", expected.plan_for(nwb, gdci_plan))


def test_progress_bar(nwb, tmp_path):
    shown = subprocess.run([test_cli.GDCI, "repack", str(nwb), str(tmp_path / "out.h5"),
                            "--compression", "zstd", "--progress"], capture_output=True)
    stderr = shown.stderr.decode()   # as it is: text mode would turn \r into \n
    assert shown.returncode == 0, stderr
    # redrawn in place on one line, which the last drawing ends
    assert stderr.startswith("\r") and stderr.endswith("\n"), stderr
    assert "\n" not in stderr[:-1], stderr
    assert re.search(r"\r[A-Z][a-z]+: +100%\|", stderr), stderr
    assert shown.stdout.decode().startswith("Repacked ")


# ---- filters ---------------------------------------------------------------------

CODECS = ["gzip", "gzip:4", "gzip:fast", "zstd", "zstd:5", "lz4", "blosc", "blosc:zstd:5", "none"]


@pytest.mark.parametrize("shuffle", [False, True], ids=["plain", "shuffle"])
@pytest.mark.parametrize("method", CODECS)
def test_compression(nwb, tmp_path, method, shuffle):
    asked = Asked.from_cli(method, shuffle=shuffle)
    args = ["--compression", method] + (["--shuffle"] if shuffle else [])
    out, planned = repack_and_check(nwb, tmp_path, *args, asked=asked)
    rewritten = expected.rewritten_of(planned)
    # every numeric dataset of 64 KiB or more, chunked, gets the filters
    assert {BIG, LFP, FRAMES} <= set(planned)
    with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
        np.testing.assert_array_equal(b[BIG][...], a[BIG][...])
        for first in planned:
            if first not in rewritten and a[first].chunks is not None:
                # already stored as asked: gzip 4 and shuffle, as IN's big dataset
                assert expected.pipeline_key(a[first]) == asked.key(a[first].dtype.itemsize)
                assert structure.raw_chunks(nwb, first) == structure.raw_chunks(out, first)
        # the contiguous dataset is chunked when it gets filters
        if asked.key(8):
            assert b[TIMESTAMPS].chunks is not None
            assert b[TIMESTAMPS].id == b[nwb_files.TIMESTAMPS_ALIAS].id
        else:
            assert b[TIMESTAMPS].chunks is None
        # the small one and the one gdci cannot decode, as they were
        assert structure.storage(b[SMALL]) == structure.storage(a[SMALL])
        assert structure.filter_ids(b[LZF]) == [structure.LZF]
    assert_raw_copies(nwb, out, skip=rewritten)


@pytest.mark.parametrize("method", ["none", "lz4", "zstd"])
def test_bitshuffle(nwb, tmp_path, method):
    out, planned = repack_and_check(nwb, tmp_path, "--compression", method, "--bitshuffle",
                                    asked=Asked.from_cli(method, bitshuffle=True))
    with h5py.File(out, "r") as b:
        assert structure.filter_ids(b[BIG]) == [structure.BITSHUFFLE]
        assert structure.filter_ids(b[TIMESTAMPS]) == [structure.BITSHUFFLE]
    assert BIG in expected.rewritten_of(planned)


@pytest.mark.parametrize("args, ids", [
    (["--fletcher32"], [structure.FLETCHER32]),
    (["--compression", "zstd", "--shuffle", "--fletcher32"],
     [structure.SHUFFLE, structure.ZSTD, structure.FLETCHER32]),
    (["--compression", "lz4", "--bitshuffle", "--fletcher32"],
     [structure.BITSHUFFLE, structure.FLETCHER32]),
    (["--shuffle"], [structure.SHUFFLE]),
    (["--compression", "blosc", "--bitshuffle"], [structure.BLOSC]),
], ids=["fletcher32", "zstd-shuffle-fletcher32", "lz4-bitshuffle-fletcher32", "shuffle",
        "blosc-bitshuffle"])
def test_filter_options_alone(nwb, tmp_path, args, ids):
    """The filter options replace every filter: only those asked are left"""
    method = args[args.index("--compression") + 1] if "--compression" in args else None
    asked = Asked.from_cli(method, shuffle="--shuffle" in args, bitshuffle="--bitshuffle" in args,
                           fletcher32="--fletcher32" in args)
    out, planned = repack_and_check(nwb, tmp_path, *args, asked=asked)
    with h5py.File(out, "r") as b:
        for first in expected.rewritten_of(planned):
            assert structure.filter_ids(b[first]) == ids, first
        # scaleoffset and gzip are gone from the filter pipelines' datasets
        assert structure.filter_ids(b["processing/filters/scaleoffset"]) == ids
        assert structure.filter_ids(b["processing/filters/gzip"]) == ids


def test_compression_none_removes_every_filter(nwb, tmp_path):
    out, planned = repack_and_check(nwb, tmp_path, "--compression", "none",
                                    asked=Asked.from_cli("none"))
    with h5py.File(out, "r") as b:
        for name in ("gzip", "gzip_shuffle", "fletcher32", "scaleoffset", "fill", "none"):
            assert structure.filter_ids(b[f"processing/filters/{name}"]) == [], name
        assert structure.filter_ids(b[BIG]) == [] and b[BIG].chunks == (1000, 64)
        # no filter: the contiguous dataset stays contiguous, and is not rewritten
        assert b[TIMESTAMPS].chunks is None
    assert TIMESTAMPS not in expected.rewritten_of(planned)
    assert "/processing/filters/none" not in expected.rewritten_of(planned)


def test_filters_already_as_asked_are_copied_raw(nwb, tmp_path):
    """gzip 4 and shuffle on a dataset that has them, in its own chunks:
    its storage does not change, so it is copied as it is"""
    out, planned = repack_and_check(nwb, tmp_path, "--compression", "gzip:4", "--shuffle",
                                    asked=Asked.from_cli("gzip:4", shuffle=True))
    assert BIG in planned and BIG not in expected.rewritten_of(planned)
    assert structure.raw_chunks(nwb, BIG) == structure.raw_chunks(out, BIG)


CHAINS = [
    [("gzip:4", "--shuffle"), ("zstd:5", "--bitshuffle"), ("lz4", None)],
    [("blosc:zstd:5", "--shuffle"), ("gzip:fast", None), ("none", None)],
    [("lz4", "--bitshuffle"), ("blosc", "--bitshuffle"), ("zstd", "--fletcher32")],
    [("none", "--shuffle"), ("gzip:9", None), ("blosc:lz4hc:9", None)],
]


@pytest.mark.parametrize("chain", CHAINS, ids=lambda c: "->".join(m + (f"{f}" if f else "") for m, f in c))
def test_codec_round_trips(nwb, tmp_path, chain):
    """IN repacked with A, that with B, that with C: each step rewrites the
    datasets with its codec, and the data are IN's"""
    source = nwb
    for n, (method, flag) in enumerate(chain):
        step = tmp_path / f"step{n}"
        step.mkdir()
        asked = Asked.from_cli(method, shuffle=flag == "--shuffle", bitshuffle=flag == "--bitshuffle",
                               fletcher32=flag == "--fletcher32")
        args = ["--compression", method] + ([flag] if flag else [])
        out, planned = repack_and_check(source, step, *args, asked=asked)
        expected.h5diff(nwb, out)
        structure.compare_files(nwb, out, rewritten=set(planned))
        with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
            np.testing.assert_array_equal(b[BIG][...], a[BIG][...])
            np.testing.assert_array_equal(b[LFP][...], a[LFP][...])
            expected.assert_filters(b[BIG], asked)
        source = out


def test_threads_and_memory(nwb, tmp_path):
    repack_and_check(nwb, tmp_path, "--compression", "zstd", "--threads", "1", "--max-memory", "64M",
                     asked=Asked.from_cli("zstd"))
    for n, threads in enumerate(("2", "4")):
        result = repack(nwb, tmp_path / f"t{n}.h5", "--compression", "gzip", "--threads", threads)
        assert result.returncode == 0, result.stderr
        expected.check_repack(nwb, tmp_path / f"t{n}.h5", gdci_plan, Asked.from_cli("gzip"))


# ---- which datasets, which chunks -------------------------------------------------

@pytest.mark.parametrize("name", [BIG, BIG_ALIAS])
def test_one_dataset(nwb, tmp_path, name):
    """--dataset rewrites that dataset alone (by any of its names), and
    every other chunk is copied as stored"""
    out, planned = repack_and_check(nwb, tmp_path, "--dataset", name, "--compression", "zstd",
                                    asked=Asked.from_cli("zstd"), datasets=[name])
    assert expected.rewritten_of(planned) == {BIG}
    with h5py.File(out, "r") as b:
        assert structure.filter_ids(b[BIG]) == [structure.ZSTD]
        assert b[BIG].id == b[BIG_ALIAS].id
        assert structure.filter_ids(b[LFP]) == [structure.DEFLATE]
        assert b[TIMESTAMPS].chunks is None
    assert_raw_copies(nwb, out, skip=[BIG])


def test_another_dataset_rechunked_keeps_the_rest_raw(nwb, tmp_path):
    out, planned = repack_and_check(nwb, tmp_path, "--dataset", LFP, "--chunk-mb", "0.05",
                                    datasets=[LFP], chunk_mb=0.05)
    assert expected.rewritten_of(planned) == {LFP}
    with h5py.File(out, "r") as b:
        assert b[LFP].chunks == gdci_plan("float32", (2500, 32), 0.05)
        assert structure.filter_ids(b[LFP]) == [structure.DEFLATE]
    assert_raw_copies(nwb, out, skip=[LFP])
    assert structure.raw_chunks(nwb, BIG) == structure.raw_chunks(out, BIG)


def test_several_datasets(nwb, tmp_path):
    names = [LFP, FRAMES, TIMESTAMPS, "/general/devices/table"]
    args = [arg for name in names for arg in ("--dataset", name)]
    out, planned = repack_and_check(nwb, tmp_path, *args, "--compression", "lz4",
                                    asked=Asked.from_cli("lz4"), datasets=names)
    # the compound table is not numeric: copied as it is
    assert expected.rewritten_of(planned) == {LFP, FRAMES, TIMESTAMPS}
    with h5py.File(out, "r") as b:
        assert structure.filter_ids(b[TIMESTAMPS]) == [structure.LZ4]
        assert structure.filter_ids(b[BIG]) == [structure.SHUFFLE, structure.DEFLATE]
    assert_raw_copies(nwb, out, skip=[LFP, FRAMES])


@pytest.mark.parametrize("spec, chunks", [
    (f"{BIG}=500,96", (500, 96)),
    (f"{BIG}=None,64", None),
    (f"{BIG}=0,64", None),
    (f"{SMALL}=64", (64,)),          # below --min-size: rewritten all the same
    (f"{TIMESTAMPS}=1000", (1000,)),  # contiguous: chunked, no filter
])
def test_chunk_shape(nwb, tmp_path, spec, chunks):
    name, shape = spec.split("=")
    shape = tuple(None if axis == "None" else int(axis) for axis in shape.split(","))
    out, planned = repack_and_check(nwb, tmp_path, "--chunk-shape", spec,
                                    chunk_shapes={name: shape})
    assert expected.rewritten_of(planned) == {name}
    with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
        if chunks is None:   # the free axis from the default chunk size
            chunks = gdci_plan("int16", a[name].shape, None, (0, 64))
            assert chunks[1] == 64
        assert b[name].chunks == chunks
        # its own filters
        assert expected.pipeline_key(b[name]) == expected.pipeline_key(a[name])
    assert_raw_copies(nwb, out, skip=[name])


@pytest.mark.parametrize("free", ["0", "None"])
def test_chunk_shape_sized_from_chunk_mb(nwb, tmp_path, free):
    """A free axis takes its size from --chunk-mb, which re-plans the other
    datasets too"""
    shapes = {BIG: (None, 64)}
    out, planned = repack_and_check(nwb, tmp_path, "--chunk-shape", f"{BIG}={free},64", "--chunk-mb",
                                    "0.1", chunk_shapes=shapes, chunk_mb=0.1)
    with h5py.File(out, "r") as b:
        assert b[BIG].chunks == gdci_plan("int16", (10_000, 384), 0.1, (0, 64))
        assert b[BIG].chunks[1] == 64
        assert b[LFP].chunks == gdci_plan("float32", (2500, 32), 0.1)
    assert {BIG, LFP} <= expected.rewritten_of(planned)


def test_chunk_shapes_with_compression(nwb, tmp_path):
    asked = Asked.from_cli("zstd", shuffle=True)
    shapes = {BIG: (2000, 384), FRAMES: (4, 64, 64), SMALL: (384,)}
    args = [arg for name, shape in shapes.items()
            for arg in ("--chunk-shape", f"{name}={','.join(map(str, shape))}")]
    out, planned = repack_and_check(nwb, tmp_path, *args, "--compression", "zstd", "--shuffle",
                                    asked=asked, chunk_shapes=shapes)
    with h5py.File(out, "r") as b:
        for name, shape in shapes.items():
            assert b[name].chunks == shape
            expected.assert_filters(b[name], asked)


def test_chunk_mb_replans(nwb, tmp_path):
    out, planned = repack_and_check(nwb, tmp_path, "--chunk-mb", "0.05", chunk_mb=0.05)
    with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
        assert b[BIG].chunks == gdci_plan("int16", (10_000, 384), 0.05)
        assert expected.pipeline_key(b[BIG]) == [(structure.SHUFFLE, None), (structure.DEFLATE, 4)]
        # the contiguous dataset is chunked, without filters
        assert b[TIMESTAMPS].chunks == gdci_plan("float64", (10_000,), 0.05)
        assert structure.filter_ids(b[TIMESTAMPS]) == []
        assert structure.storage(b[SMALL]) == structure.storage(a[SMALL])
    assert {BIG, LFP, FRAMES, TIMESTAMPS} <= expected.rewritten_of(planned)


@pytest.mark.parametrize("size, rewritten", [
    ("1M", {BIG}),
    ("1000000", {BIG}),
    ("100K", {BIG, LFP} | {f"{nwb_files.FILTERS}/{name}" for name in nwb_files.PIPELINES}),
    ("65536", None),    # the default
    ("1K", None),
])
def test_min_size(nwb, tmp_path, size, rewritten):
    asked = Asked.from_cli("zstd")
    in_bytes = {"1M": 1_000_000, "1000000": 1_000_000, "100K": 100_000, "65536": 65536, "1K": 1000}[size]
    args = ["--min-size", size, "--compression", "zstd"]
    if size == "1K":   # (the LZF dataset is above 1K: leave it out)
        names = [BIG, SMALL, "/general/devices/probe", nwb_files.BOUNDARY]
        args += [arg for name in names for arg in ("--dataset", name)]
        options = dict(datasets=names)
    else:
        options = {}
    out, planned = repack_and_check(nwb, tmp_path, *args, asked=asked, min_size=in_bytes, **options)
    if rewritten is not None:
        assert expected.rewritten_of(planned) == rewritten
    with h5py.File(nwb, "r") as a, h5py.File(out, "r") as b:
        if size == "1K":
            assert structure.filter_ids(b[SMALL]) == [structure.ZSTD]
            assert structure.filter_ids(b["/general/devices/probe"]) == []   # 32 bytes
        if size == "65536":
            # 65536 bytes exactly: at the minimum, rewritten
            assert structure.filter_ids(b[nwb_files.BOUNDARY]) == [structure.ZSTD]
            assert structure.storage(b[SMALL]) == structure.storage(a[SMALL])


# ---- other files -------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["--compression", "zstd", "--shuffle"], ["--chunk-mb", "0.1"]],
                         ids=["copy", "zstd", "rechunk"])
def test_hdmf_file(hdmf_input, tmp_path, args):
    """A file hdmf wrote reads back in hdmf, its tables as they were"""
    method = args[1] if args[:1] == ["--compression"] else None
    asked = Asked.from_cli(method, shuffle="--shuffle" in args)
    chunk_mb = 0.1 if "--chunk-mb" in args else None
    out, planned = repack_and_check(hdmf_input, tmp_path, *args, asked=asked, chunk_mb=chunk_mb)
    if args:
        assert "/units/signal" in expected.rewritten_of(planned)
    columns, ragged, labels, names = nwb_files.hdmf_read(hdmf_input)
    columns_out, ragged_out, labels_out, names_out = nwb_files.hdmf_read(out)
    assert names_out == names
    assert sorted(columns_out) == sorted(columns)
    for name, values in columns.items():
        np.testing.assert_array_equal(columns_out[name], values, err_msg=name)
        assert columns_out[name].dtype == values.dtype, name
    assert ragged_out == ragged
    np.testing.assert_array_equal(labels_out, labels)
    a = nwb_files.hdmf_arrays()
    np.testing.assert_array_equal(columns_out["signal"], a["signal"])


def test_overwritten_file_shrinks(tmp_path):
    """A file grown by a dataset deleted and made again is repacked to the
    size of its contents written fresh"""
    source, fresh = tmp_path / "grown.h5", tmp_path / "fresh.h5"
    nwb_files.overwritten(source)
    nwb_files.overwritten(fresh, rounds=1)
    assert os.path.getsize(source) > 4 * os.path.getsize(fresh)
    out, planned = repack_and_check(source, tmp_path)
    assert os.path.getsize(out) <= 1.05 * os.path.getsize(fresh), \
        (os.path.getsize(out), os.path.getsize(fresh))
    assert os.path.getsize(out) >= 0.95 * os.path.getsize(fresh)
    expected.h5diff(fresh, out)
    structure.compare_files(fresh, out)


# ---- failures: nothing left behind -------------------------------------------------

def assert_nothing_written(directory, names):
    assert sorted(os.listdir(directory)) == sorted(names)


def test_truncated_input(nwb, tmp_path):
    source = tmp_path / "half.h5"
    data = nwb.read_bytes()
    source.write_bytes(data[:len(data) // 2])
    result = repack(source, tmp_path / "out.h5")
    assert_repack_error(result, 1, "half.h5")
    assert_nothing_written(tmp_path, ["half.h5"])


def test_not_hdf5_input(tmp_path):
    source = tmp_path / "notes.h5"
    source.write_text("not an HDF5 file\n" * 100)
    result = repack(source, tmp_path / "out.h5")
    assert_repack_error(result, 1, "notes.h5")
    assert_nothing_written(tmp_path, ["notes.h5"])


def test_missing_input(tmp_path):
    result = repack(tmp_path / "nope.h5", tmp_path / "out.h5")
    assert_repack_error(result, 1, "nope.h5")
    assert_nothing_written(tmp_path, [])


def test_missing_output_directory(nwb, tmp_path):
    result = repack(nwb, tmp_path / "no" / "out.h5")
    assert_repack_error(result, 1, "out.h5")
    assert_nothing_written(tmp_path, [])


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]], ids=["", "overwrite"])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "relative"])
def test_input_as_output(nwb, tmp_path, how, overwrite):
    """IN and OUT the same file, by any name: refused, IN as it was"""
    source = tmp_path / "session.h5"
    shutil.copy(nwb, source)
    before = source.read_bytes()
    if how == "same":
        out = source
    elif how == "symlink":
        out = tmp_path / "link.h5"
        os.symlink(source, out)
    elif how == "hardlink":
        out = tmp_path / "hard.h5"
        os.link(source, out)
    else:
        out = f"{tmp_path}/./session.h5"   # (pathlib would drop the ".")
    listing = sorted(os.listdir(tmp_path))
    result = repack(source, out, *overwrite)
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    assert_repack_error(result, result.returncode, "")
    assert "session.h5" in result.stderr or os.path.basename(out) in result.stderr, result.stderr
    assert source.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == listing
    if how == "symlink":
        assert os.readlink(out) == str(source)
    if how == "hardlink":
        assert os.stat(out).st_ino == os.stat(source).st_ino


def test_existing_output_needs_overwrite(nwb, tmp_path):
    out = tmp_path / "out.h5"
    with h5py.File(out, "w") as f:
        f["other"] = np.arange(10)
    before = out.read_bytes()
    result = repack(nwb, out)
    assert_repack_error(result, 1, "out.h5")
    assert out.read_bytes() == before
    assert_nothing_written(tmp_path, ["out.h5"])
    result = repack(nwb, out, "--overwrite")
    assert result.returncode == 0, result.stderr
    expected.check_repack(nwb, out, gdci_plan)
    assert_nothing_written(tmp_path, ["out.h5"])
    # a file that is not HDF5 is replaced too
    out.write_text("notes")
    result = repack(nwb, out, "--overwrite", "--compression", "lz4")
    assert result.returncode == 0, result.stderr
    expected.check_repack(nwb, out, gdci_plan, Asked.from_cli("lz4"))


@pytest.mark.parametrize("args", [[], ["--compression", "zstd"]], ids=["raw", "rewrite"])
def test_file_size_limit(nwb, tmp_path, args):
    limit = 1 << 20   # 1 MiB: the output is 3 MB or more

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    source = tmp_path / "in.h5"
    shutil.copy(nwb, source)
    result = repack(source, tmp_path / "out.h5", *args, preexec_fn=limited)
    assert_repack_error(result, 1, "File too large")
    assert_nothing_written(tmp_path, ["in.h5"])


def slow_input(path):
    """96 MB of noise, which takes seconds to compress at gzip level 9"""
    rng = np.random.default_rng(5)
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("raw", shape=(3_000_000, 16), dtype="int16", chunks=(65536, 16))
        for start in range(0, 3_000_000, 500_000):
            dset[start:start + 500_000] = rng.integers(-3000, 3000, size=(500_000, 16), dtype=np.int16)
        f.attrs["identifier"] = "slow"


def test_interrupted_repack_leaves_nothing(tmp_path):
    """Ctrl-C after the bar moved: exit 1, one plain line last, no OUT and
    no temporary file left"""
    source = tmp_path / "big.h5"
    slow_input(source)
    before = digest(source)
    status, err = interrupt_after_progress(["repack", source, tmp_path / "out.h5", "--compression",
                                            "gzip:9", "--shuffle", "--threads", "1", "--progress"],
                                           signal.SIGINT)
    assert status == 1, err
    assert "interrupted" in err.split("\n")[-2], err
    assert digest(source) == before
    assert_nothing_written(tmp_path, ["big.h5"])


def test_existing_output_kept_when_interrupted(tmp_path):
    source, out = tmp_path / "big.h5", tmp_path / "out.h5"
    slow_input(source)
    out.write_bytes(b"the previous output")
    status, err = interrupt_after_progress(["repack", source, out, "--compression", "gzip:9",
                                            "--threads", "1", "--progress", "--overwrite"])
    assert status == 1, err
    assert out.read_bytes() == b"the previous output"
    assert_nothing_written(tmp_path, ["big.h5", "out.h5"])


USAGE_ERRORS = [
    (["--compression", "brotli"], "--compression 'brotli': use none, gzip[:1-9]"),
    (["--compression", "gzip:10"], "--compression 'gzip:10'"),
    (["--compression", "zstd:23"], "--compression 'zstd:23'"),
    (["--compression", "lz4:1"], "--compression 'lz4:1'"),
    (["--compression", "blosc:snappy"], "--compression 'blosc:snappy'"),
    (["--shuffle", "--bitshuffle"], "--shuffle and --bitshuffle cannot go together"),
    (["--compression", "gzip", "--bitshuffle"], "--bitshuffle goes with"),
    (["--chunk-shape", BIG], "--chunk-shape"),
    (["--chunk-shape", f"{BIG}=x,64"], "--chunk-shape"),
    (["--chunk-shape", f"{BIG}=-1,64"], "--chunk-shape"),
    (["--chunk-shape", f"{BIG}="], "--chunk-shape"),
    (["--chunk-shape", f"{BIG}=100"], BIG),              # rank 1 for a 2-D dataset
    (["--chunk-shape", f"{BIG}=100,10,1"], BIG),
    (["--chunk-mb", "0"], "chunk-mb"),
    (["--chunk-mb", "lots"], "chunk-mb"),
    (["--min-size", "lots"], "--min-size"),
    (["--min-size", "-1"], "--min-size"),
    (["--max-memory", "0"], "--max-memory '0'"),
    (["--threads", "-2"], "--threads"),
    (["--frob"], "Unknown option --frob"),
]


@pytest.mark.parametrize("args, text", USAGE_ERRORS, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_usage_errors(nwb, tmp_path, args, text):
    result = repack(nwb, tmp_path / "out.h5", *args)
    assert_repack_error(result, 2, text)
    assert_nothing_written(tmp_path, [])


@pytest.mark.parametrize("args", [[], ["IN"], ["IN", "OUT", "extra"]], ids=["none", "one", "three"])
def test_arguments_are_usage_errors(nwb, tmp_path, args):
    args = [{"IN": nwb, "OUT": tmp_path / "out.h5"}.get(arg, arg) for arg in args]
    before = digest(nwb)
    result = run("repack", *args)
    assert_repack_error(result, 2, "")
    assert digest(nwb) == before
    assert_nothing_written(tmp_path, [])


def test_help():
    result = run("repack", "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--compression", "--shuffle", "--bitshuffle", "--fletcher32", "--chunk-mb",
                   "--chunk-shape", "--dataset", "--min-size", "--threads", "--max-memory",
                   "--overwrite", "--progress"):
        assert option in result.stdout, option
    assert "repack" in run("--help").stdout


@pytest.mark.parametrize("option", ["--dataset", "--chunk-shape"])
def test_a_dataset_that_does_not_exist(nwb, tmp_path, option):
    value = "/acquisition/nope" if option == "--dataset" else "/acquisition/nope=10"
    result = repack(nwb, tmp_path / "out.h5", option, value, "--compression", "zstd")
    assert result.returncode in ((1,) if option == "--dataset" else (1, 2)), result.stderr
    assert_repack_error(result, result.returncode, "/acquisition/nope")
    assert_nothing_written(tmp_path, [])


@pytest.mark.parametrize("args", [
    ["--compression", "zstd", "--dataset", LZF, "--min-size", "1K"],
    ["--chunk-shape", f"{LZF}=1000"],
], ids=["compression", "chunk-shape"])
def test_a_filter_gdci_cannot_decode(nwb, tmp_path, args):
    """LZF, which gdci's process cannot load: asked to rewrite it, the
    repack fails naming the filter and the dataset"""
    result = repack(nwb, tmp_path / "out.h5", *args)
    assert_repack_error(result, 1, LZF)
    line = result.stderr.splitlines()[0].lower()
    assert "lzf" in line or "32000" in line, line
    assert_nothing_written(tmp_path, [])
