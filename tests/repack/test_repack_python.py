# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.Repacker and Gdci.repack() through the Python overrides: the same
repacks as `gdci repack`, their counts and sizes, progress in the main
loop, GLib.Error of gdci's domain for what fails, and TypeError or
ValueError for keywords of a wrong type or value."""

import os
import pathlib
import threading

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a user's does
import numpy as np
import pytest
from gi.repository import Gdci, Gio, GLib

import expected
import nwb_files
import structure
from expected import Asked
from nwb_files import BIG, BIG_ALIAS, FRAMES, LFP, LZF, SMALL, TIMESTAMPS

if not hasattr(Gdci, "GenericDataChunkIterator"):
    raise ImportError("gdci's Python overrides were not loaded: put the build tree's on PYTHONPATH")

GDCI_DOMAIN = GLib.quark_to_string(Gdci.error_quark())


def plan(dtype, shape, chunk_mb=None, chunk_shape=None):
    """The chunk shape of gdci's fit plan, the one gdci convert uses"""
    settings = Gdci.PlanSettings.new()
    settings.set_strategy(Gdci.PlanStrategy.FIT)
    if chunk_mb is not None:
        settings.set_chunk_mb(chunk_mb)
    if chunk_shape is not None:
        settings.set_chunk_shape(list(chunk_shape))
    gdci_dtype = getattr(Gdci.Dtype, np.dtype(dtype).name.upper())
    return tuple(Gdci.Plan.new(gdci_dtype, list(shape), settings).get_chunk_shape())


def assert_counts(repacker, source, out, planned):
    """The repacker's counts and sizes after its repack"""
    props = repacker.props
    objects = structure.count_objects(source)
    assert props.n_objects in (objects, objects - 1), (props.n_objects, objects)
    assert props.n_rewritten == len(expected.rewritten_of(planned)), planned
    assert props.n_copied == props.n_objects - props.n_rewritten
    assert props.n_copied > 0
    assert props.bytes_in == os.path.getsize(source)
    assert props.bytes_out == os.path.getsize(out)


def assert_gdci_error(error, *words):
    assert isinstance(error, GLib.Error), error
    assert error.domain == GDCI_DOMAIN, (error.domain, error.message)
    for word in words:
        assert str(word) in error.message, (word, error.message)


def digest(path):
    return open(path, "rb").read()


@pytest.fixture(scope="module")
def nwb(tmp_path_factory):
    path = tmp_path_factory.mktemp("nwb") / "session.nwb"
    nwb_files.nwb_like(path)
    return path


@pytest.fixture
def unchanged(nwb):
    """IN is the same after the test"""
    before = digest(nwb)
    yield nwb
    assert digest(nwb) == before, "the repack modified its input"


# ---- Gdci.repack() ---------------------------------------------------------------

def test_repack_copies_everything(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out)
    assert isinstance(repacker, Gdci.Repacker)
    planned = expected.check_repack(unchanged, out, plan)
    assert_counts(repacker, unchanged, out, planned)
    assert repacker.props.n_rewritten == 0
    for first in structure.chunked_datasets(unchanged):
        assert structure.raw_chunks(unchanged, first) == structure.raw_chunks(out, first), first
    assert os.listdir(tmp_path) == ["out.h5"]


def test_repack_zstd_shuffle(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out, compression="zstd", shuffle=True)
    assert isinstance(repacker, Gdci.Repacker)
    asked = Asked(compression="zstd", shuffle=True)
    planned = expected.check_repack(unchanged, out, plan, asked)
    assert_counts(repacker, unchanged, out, planned)
    assert repacker.props.n_rewritten >= 3
    assert repacker.props.replace_filters
    with h5py.File(unchanged, "r") as a, h5py.File(out, "r") as b:
        assert structure.filter_ids(b[BIG]) == [structure.SHUFFLE, structure.ZSTD]
        assert b[BIG].chunks == a[BIG].chunks
        np.testing.assert_array_equal(b[BIG][...], a[BIG][...])
        assert b[BIG].id == b[BIG_ALIAS].id


@pytest.mark.parametrize("asked", [
    Asked(compression="gzip"),
    Asked(compression="gzip", level=9, shuffle=True),
    Asked(compression="gzip-fast", shuffle=True),
    Asked(compression="zstd", level=5),
    Asked(compression="zstd", bitshuffle=True),
    Asked(compression="lz4"),
    Asked(compression="lz4", bitshuffle=True, fletcher32=True),
    Asked(compression="blosc"),
    Asked(compression="blosc", blosc_codec="zstd", level=5, shuffle=True),
    Asked(compression="blosc", blosc_codec="zlib", bitshuffle=True),
    Asked(compression="none"),
    Asked(fletcher32=True),
    Asked(bitshuffle=True),
], ids=repr)
def test_repack_filters(unchanged, tmp_path, asked):
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out, **asked.keywords())
    planned = expected.check_repack(unchanged, out, plan, asked)
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(unchanged, "r") as a, h5py.File(out, "r") as b:
        np.testing.assert_array_equal(b[BIG][...], a[BIG][...])
        expected.assert_filters(b[BIG], asked)


def test_a_filter_keyword_given_false_replaces_the_filters(unchanged, tmp_path):
    """fletcher32=False is a filter keyword given: the filters are replaced,
    by none (as --compression none)"""
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out, fletcher32=False)
    assert repacker.props.replace_filters
    planned = expected.check_repack(unchanged, out, plan, Asked(compression="none"))
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(out, "r") as b:
        assert structure.filter_ids(b[BIG]) == []


def test_repack_chunk_options(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    shapes = {BIG: (500, 96), SMALL: (64,), FRAMES: (None, 32, 32)}
    repacker = Gdci.repack(unchanged, out, chunk_shapes=shapes)
    assert not repacker.props.replace_filters
    planned = expected.check_repack(unchanged, out, plan, chunk_shapes=shapes)
    assert expected.rewritten_of(planned) == set(shapes)
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(unchanged, "r") as a, h5py.File(out, "r") as b:
        assert b[BIG].chunks == (500, 96)
        assert b[SMALL].chunks == (64,)
        assert b[FRAMES].chunks == plan("uint8", (24, 64, 64), None, (0, 32, 32))
        # their own filters
        assert structure.pipeline(b[BIG]) == structure.pipeline(a[BIG])


def test_repack_chunk_mb_and_min_size(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out, chunk_mb=0.05, min_size=200_000)
    planned = expected.check_repack(unchanged, out, plan, chunk_mb=0.05, min_size=200_000)
    assert expected.rewritten_of(planned) == {BIG, LFP}
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(out, "r") as b:
        assert b[BIG].chunks == plan("int16", (10_000, 384), 0.05)


def test_repack_datasets_threads_memory(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.repack(unchanged, out, datasets=[LFP, TIMESTAMPS], compression="gzip",
                           compression_level=1, n_threads=1, max_memory=64 << 20)
    asked = Asked(compression="gzip", level=1)
    planned = expected.check_repack(unchanged, out, plan, asked, datasets=[LFP, TIMESTAMPS])
    assert expected.rewritten_of(planned) == {LFP, TIMESTAMPS}
    assert_counts(repacker, unchanged, out, planned)
    for first in structure.chunked_datasets(unchanged):
        if first != LFP:
            assert structure.raw_chunks(unchanged, first) == structure.raw_chunks(out, first), first


def test_overwrite(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    out.write_bytes(b"an older output")
    with pytest.raises(GLib.Error) as raised:
        Gdci.repack(unchanged, out)
    assert raised.value.matches(Gdci.error_quark(), Gdci.Error.EXISTS), raised.value.message
    assert out.read_bytes() == b"an older output"
    assert os.listdir(tmp_path) == ["out.h5"]
    Gdci.repack(unchanged, out, overwrite=True, compression="lz4")
    expected.check_repack(unchanged, out, plan, Asked(compression="lz4"))
    assert os.listdir(tmp_path) == ["out.h5"]


def test_path_like_arguments(unchanged, tmp_path):
    class Where(os.PathLike):
        def __init__(self, path):
            self.path = path

        def __fspath__(self):
            return str(self.path)

    Gdci.repack(Where(unchanged), Where(tmp_path / "a.h5"))
    Gdci.repack(str(unchanged), str(tmp_path / "b.h5"))
    repacker = Gdci.Repacker()
    assert repacker.repack(pathlib.Path(unchanged), tmp_path / "c.h5") is True
    for name in ("a.h5", "b.h5", "c.h5"):
        expected.check_repack(unchanged, tmp_path / name, plan)


# ---- Gdci.Repacker ----------------------------------------------------------------

def test_repacker_chunk_shape(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.Repacker()
    repacker.set_chunk_shape(BIG, (None, 64))
    assert repacker.repack(unchanged, out) is True
    planned = expected.check_repack(unchanged, out, plan, chunk_shapes={BIG: (None, 64)})
    assert expected.rewritten_of(planned) == {BIG}
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(out, "r") as b:
        assert b[BIG].chunks == plan("int16", (10_000, 384), None, (0, 64))
        assert b[BIG].chunks[1] == 64
        assert (b[BIG].compression, b[BIG].compression_opts, b[BIG].shuffle) == ("gzip", 4, True)


def test_repacker_with_a_writer(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.Repacker(writer=Gdci.H5Writer(compression="zstd", shuffle=True),
                             replace_filters=True, chunk_mb=0.0, min_size=65536,
                             datasets=[BIG, LFP], overwrite=False)
    assert repacker.repack(unchanged, out, None) is True
    asked = Asked(compression="zstd", shuffle=True)
    planned = expected.check_repack(unchanged, out, plan, asked, datasets=[BIG, LFP])
    assert expected.rewritten_of(planned) == {BIG, LFP}
    assert_counts(repacker, unchanged, out, planned)


def test_repacker_keeps_filters_unless_told(unchanged, tmp_path):
    """A writer's filters are used only with replace_filters"""
    out = tmp_path / "out.h5"
    repacker = Gdci.Repacker(writer=Gdci.H5Writer(compression="zstd"), chunk_mb=0.05)
    assert not repacker.props.replace_filters
    assert repacker.repack(unchanged, out) is True
    planned = expected.check_repack(unchanged, out, plan, chunk_mb=0.05)
    assert_counts(repacker, unchanged, out, planned)
    with h5py.File(out, "r") as b:
        assert structure.filter_ids(b[BIG]) == [structure.SHUFFLE, structure.DEFLATE]


def test_repacker_min_size(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.Repacker(writer=Gdci.H5Writer(compression="lz4"), replace_filters=True,
                             min_size=1_000_000)
    assert repacker.repack(unchanged, out) is True
    planned = expected.check_repack(unchanged, out, plan, Asked(compression="lz4"),
                                    min_size=1_000_000)
    assert expected.rewritten_of(planned) == {BIG}
    assert_counts(repacker, unchanged, out, planned)


def run_async(repacker, source, out, cancellable=None):
    """repack_async() in a main loop: what repack_finish() returned or
    raised, and the progress signals (thread, done, total)"""
    loop = GLib.MainLoop()
    outcome = {"progress": []}

    def on_progress(_repacker, done, total):
        outcome["progress"].append((threading.get_ident(), done, total))

    def finished(obj, result):
        outcome["thread"] = threading.get_ident()
        try:
            outcome["returned"] = obj.repack_finish(result)
        except GLib.Error as error:
            outcome["error"] = error
        loop.quit()

    def give_up():
        outcome["timeout"] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    handler = repacker.connect("progress", on_progress)
    repacker.repack_async(source, out, cancellable, finished)
    timeout = GLib.timeout_add_seconds(300, give_up)
    loop.run()
    if "timeout" not in outcome:
        GLib.source_remove(timeout)
    repacker.disconnect(handler)
    assert "thread" in outcome, "repack_async() did not call back"
    return outcome


def test_repack_async_progress(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    repacker = Gdci.Repacker(writer=Gdci.H5Writer(compression="gzip", shuffle=True),
                             replace_filters=True)
    outcome = run_async(repacker, unchanged, out)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["returned"] is True
    assert outcome["thread"] == threading.get_ident()
    progress = outcome["progress"]
    assert progress, "no progress signal"
    # in the main loop's thread, done growing to the total, which stays
    assert {thread for thread, _, _ in progress} == {threading.get_ident()}
    done = [d for _, d, _ in progress]
    totals = {t for _, _, t in progress}
    assert done == sorted(done)
    assert len(totals) == 1 and totals.pop() > 0
    assert progress[-1][1] == progress[-1][2]
    planned = expected.check_repack(unchanged, out, plan, Asked(compression="gzip", shuffle=True))
    assert_counts(repacker, unchanged, out, planned)


def test_repack_async_error(unchanged, tmp_path):
    out = tmp_path / "out.h5"
    out.write_text("kept")
    outcome = run_async(Gdci.Repacker(), unchanged, out)
    assert outcome["error"].matches(Gdci.error_quark(), Gdci.Error.EXISTS), outcome["error"].message
    assert out.read_text() == "kept"
    # replaced with overwrite, to a path-like name
    outcome = run_async(Gdci.Repacker(overwrite=True), pathlib.Path(unchanged), out)
    assert outcome.get("returned") is True, outcome.get("error")
    expected.check_repack(unchanged, out, plan)


def test_cancelled(unchanged, tmp_path):
    cancellable = Gio.Cancellable()
    cancellable.cancel()
    with pytest.raises(GLib.Error) as raised:
        Gdci.Repacker().repack(unchanged, tmp_path / "out.h5", cancellable)
    assert raised.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), raised.value.message
    outcome = run_async(Gdci.Repacker(), unchanged, tmp_path / "out.h5", cancellable)
    assert outcome["error"].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
    assert os.listdir(tmp_path) == []


# ---- other files ------------------------------------------------------------------

def test_hdmf_file(tmp_path):
    source, out = tmp_path / "hdmf.h5", tmp_path / "out.h5"
    nwb_files.hdmf_file(source)
    repacker = Gdci.repack(source, out, compression="gzip", shuffle=True)
    planned = expected.check_repack(source, out, plan, Asked(compression="gzip", shuffle=True))
    assert "/units/signal" in planned
    assert_counts(repacker, source, out, planned)
    columns, ragged, labels, names = nwb_files.hdmf_read(source)
    columns_out, ragged_out, labels_out, names_out = nwb_files.hdmf_read(out)
    assert (names_out, ragged_out) == (names, ragged)
    assert sorted(columns_out) == sorted(columns)
    for name, values in columns.items():
        np.testing.assert_array_equal(columns_out[name], values, err_msg=name)
    np.testing.assert_array_equal(labels_out, labels)


def test_overwritten_file(tmp_path):
    source, fresh, out = tmp_path / "grown.h5", tmp_path / "fresh.h5", tmp_path / "out.h5"
    nwb_files.overwritten(source)
    nwb_files.overwritten(fresh, rounds=1)
    repacker = Gdci.repack(source, out)
    assert repacker.props.bytes_in == os.path.getsize(source)
    assert repacker.props.bytes_out == os.path.getsize(out)
    assert repacker.props.bytes_in > 4 * repacker.props.bytes_out
    assert abs(os.path.getsize(out) - os.path.getsize(fresh)) <= 0.05 * os.path.getsize(fresh)
    expected.h5diff(fresh, out)
    structure.compare_files(fresh, out)


# ---- failures ---------------------------------------------------------------------

def test_bad_inputs(nwb, tmp_path):
    half = tmp_path / "half.h5"
    data = nwb.read_bytes()
    half.write_bytes(data[:len(data) // 2])
    text = tmp_path / "notes.h5"
    text.write_text("not HDF5\n" * 100)
    for source in (half, text, tmp_path / "missing.h5"):
        with pytest.raises(GLib.Error) as raised:
            Gdci.repack(source, tmp_path / "out.h5")
        assert_gdci_error(raised.value, source.name)
        assert sorted(os.listdir(tmp_path)) == ["half.h5", "notes.h5"]
    with pytest.raises(GLib.Error) as raised:
        Gdci.repack(tmp_path / "missing.h5", tmp_path / "out.h5")
    assert raised.value.code in (Gdci.Error.NOT_FOUND, Gdci.Error.IO), raised.value.message


@pytest.mark.parametrize("overwrite", [False, True])
def test_input_as_output(nwb, tmp_path, overwrite):
    source = tmp_path / "session.h5"
    source.write_bytes(nwb.read_bytes())
    os.symlink(source, tmp_path / "link.h5")
    os.link(source, tmp_path / "hard.h5")
    before = source.read_bytes()
    for out in (source, tmp_path / "link.h5", tmp_path / "hard.h5"):
        with pytest.raises(GLib.Error) as raised:
            Gdci.repack(source, out, overwrite=overwrite)
        assert_gdci_error(raised.value)
        assert source.name in raised.value.message or out.name in raised.value.message
        assert source.read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == ["hard.h5", "link.h5", "session.h5"]


def test_missing_dataset(unchanged, tmp_path):
    with pytest.raises(GLib.Error) as raised:
        Gdci.repack(unchanged, tmp_path / "out.h5", datasets=["/acquisition/nope"], compression="zstd")
    assert_gdci_error(raised.value, "/acquisition/nope")
    assert os.listdir(tmp_path) == []


def test_a_filter_gdci_cannot_decode(unchanged, tmp_path):
    if h5py.h5z.filter_avail(h5py.h5z.FILTER_LZF):
        # h5py registered LZF with the HDF5 of this process, gdci's too:
        # the dataset is decoded through it and rewritten (the tool, in a
        # process of its own, refuses it: test_repack_cli.py)
        Gdci.repack(unchanged, tmp_path / "out.h5", datasets=[LZF], compression="zstd",
                    min_size=1000)
        with h5py.File(unchanged, "r") as f, h5py.File(tmp_path / "out.h5", "r") as g:
            assert np.array_equal(f[LZF][()], g[LZF][()])
            assert g[LZF].compression != "lzf"
        (tmp_path / "out.h5").unlink()
    else:
        with pytest.raises(GLib.Error) as raised:
            Gdci.repack(unchanged, tmp_path / "out.h5", datasets=[LZF], compression="zstd",
                        min_size=1000)
        assert_gdci_error(raised.value, LZF)
        assert "lzf" in raised.value.message.lower() or "32000" in raised.value.message
    assert os.listdir(tmp_path) == []
    # asked nothing of it, it is copied as it is
    Gdci.repack(unchanged, tmp_path / "out.h5", datasets=[LZF], compression="zstd")
    assert structure.raw_chunks(unchanged, LZF) == structure.raw_chunks(tmp_path / "out.h5", LZF)


def test_chunk_shape_of_another_rank(unchanged, tmp_path):
    with pytest.raises((GLib.Error, ValueError)) as raised:
        Gdci.repack(unchanged, tmp_path / "out.h5", chunk_shapes={BIG: (100,)})
    if isinstance(raised.value, GLib.Error):
        assert raised.value.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT), raised.value.message
    assert BIG in str(raised.value.message if isinstance(raised.value, GLib.Error) else raised.value)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("keywords, error", [
    (dict(compression="brotli"), ValueError),
    (dict(compression=5), TypeError),
    (dict(compression="gzip", compression_level=10), ValueError),
    (dict(compression="lz4", compression_level=3), ValueError),
    (dict(compression="zstd", compression_level="high"), TypeError),
    (dict(shuffle=True, bitshuffle=True), ValueError),
    (dict(compression="gzip", bitshuffle=True), ValueError),
    (dict(compression="blosc", blosc_codec="snappy"), ValueError),
    (dict(compression="blosc", blosc_codec=3), TypeError),
    (dict(n_threads=-1), ValueError),
    (dict(n_threads="four"), TypeError),
    (dict(chunk_mb=-1.0), ValueError),
    (dict(chunk_mb="big"), TypeError),
    (dict(chunk_shapes="/a=1,2"), TypeError),
    (dict(chunk_shapes={BIG: "500,96"}), TypeError),
    (dict(chunk_shapes={5: (500, 96)}), TypeError),
    (dict(min_size=-1), (ValueError, OverflowError)),
    (dict(min_size="64K"), TypeError),
    (dict(max_memory=-1), (ValueError, OverflowError)),
    (dict(datasets=5), TypeError),
    (dict(datasets=[5]), TypeError),
    (dict(frobnicate=True), TypeError),
], ids=lambda v: "-".join(f"{k}={v!r}" for k, v in v.items()) if isinstance(v, dict) else None)
def test_bad_keywords(unchanged, tmp_path, keywords, error):
    with pytest.raises(error):
        Gdci.repack(unchanged, tmp_path / "out.h5", **keywords)
    assert os.listdir(tmp_path) == []


def test_bad_arguments(unchanged, tmp_path):
    with pytest.raises(TypeError):
        Gdci.repack(5, tmp_path / "out.h5")
    with pytest.raises(TypeError):
        Gdci.repack(unchanged, None)
    with pytest.raises(TypeError):
        Gdci.repack(unchanged, tmp_path / "out.h5", "zstd")   # the keywords are keywords only
    with pytest.raises(TypeError):
        Gdci.Repacker().set_chunk_shape(BIG, "500,96")
    assert os.listdir(tmp_path) == []
