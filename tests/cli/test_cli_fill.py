# SPDX-License-Identifier: LGPL-2.1-or-later
"""`gdci convert ... --fill`: a raw recording written into a dataset that
h5py made (as hdmf and pynwb make them), which keeps its chunks, filters,
fill value and attributes, and the rest of the file; the options --fill
refuses, and the errors of a dataset that does not take the data."""

import os
import shutil
import signal
import subprocess

import h5py
import numpy as np
import pytest

# the gdci of test_cli.py, which its session fixture installs
from test_cli import installed_gdci  # noqa: F401: the fixture, used here too
from test_cli import assert_one_line_error, interrupt_after_progress, run

ROWS, CHANNELS = 20000, 16
RAW = ["--dtype", "int16", "--shape", f"{ROWS},{CHANNELS}", "--no-progress"]


def raw_recording(path, seed=0, dtype="int16"):
    rng = np.random.default_rng(seed)
    data = (rng.normal(0, 30, size=(ROWS, CHANNELS))
            + 200 * np.sin(np.arange(ROWS) / 300)[:, None]).astype(dtype)
    data.tofile(path)
    return data


def nwb_like(path, dtype="int16", **dataset_options):
    """A file as pynwb leaves it before the data is written: /x empty, with
    attributes, beside a group holding another dataset"""
    with h5py.File(path, "w") as f:
        f.attrs["identifier"] = "session-1"
        x = f.create_dataset("x", shape=(ROWS, CHANNELS), dtype=dtype, **dataset_options)
        x.attrs["rate"] = 30000.0
        x.attrs["unit"] = "uV"
        x.attrs["channels"] = np.arange(CHANNELS)
        meta = f.create_group("meta")
        meta.attrs["lab"] = "the lab"
        meta.create_dataset("other", data=np.arange(1000, dtype="float64").reshape(100, 10),
                            chunks=(10, 10), compression="gzip")
        meta["name"] = "a string"


def storage(dset):
    return (dset.shape, dset.maxshape, dset.dtype, dset.chunks, dset.compression,
            dset.compression_opts, dset.shuffle, dset.fletcher32, dset.scaleoffset,
            dset.fillvalue, dset.id.get_create_plist().get_nfilters())


def test_fill_gzip_shuffle_keeps_the_rest(tmp_path):
    data = raw_recording(tmp_path / "raw.bin")
    out, copy = tmp_path / "out.h5", tmp_path / "copy.h5"
    nwb_like(out, chunks=(1000, 4), compression="gzip", compression_opts=4, shuffle=True,
             fillvalue=-1)
    shutil.copy(out, copy)
    with h5py.File(out, "r") as f:
        before = storage(f["x"])

    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill")
    assert result.returncode == 0, result.stderr
    # chunks of 8 kB: one plain note that they make the fill slow
    assert result.stderr == (f"gdci: note: Filling '/x' in '{out}' slowly: its chunks of 8000 "
                             "bytes are small, and each one is a write of its own\n")
    assert result.stdout.startswith(f"Filled {out}:/x: ({ROWS}, {CHANNELS}) int16; ")
    with h5py.File(out, "r") as f:
        x = f["x"]
        np.testing.assert_array_equal(x[...], data)
        assert storage(x) == before
        assert x.attrs["rate"] == 30000.0 and x.attrs["unit"] == "uV"
        np.testing.assert_array_equal(x.attrs["channels"], np.arange(CHANNELS))
        assert sorted(f.keys()) == ["meta", "x"]
    # everything but the data of /x is as in the copy made before
    untouched = subprocess.run(["h5diff", "--exclude-path", "/x", out, copy], capture_output=True,
                               text=True)
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr
    assert "not comparable" not in untouched.stdout, untouched.stdout
    for name in ("/meta", "/meta/other", "/meta/name"):
        same = subprocess.run(["h5diff", out, copy, name, name], capture_output=True, text=True)
        assert same.returncode == 0, same.stdout + same.stderr
        assert "not comparable" not in same.stdout, same.stdout
    assert sorted(os.listdir(tmp_path)) == ["copy.h5", "out.h5", "raw.bin"]


def test_fill_lzf(tmp_path):
    """h5py's LZF, which gdci does not encode: HDF5 writes it, with the
    plugin it finds on its path. (Debian's LZF plugin does not load: it
    lacks liblzf. HDF5 then leaves the optional filter out of the chunks,
    as any program's write does, and says so in their filter mask.)"""
    data = raw_recording(tmp_path / "raw.bin", seed=1)
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(500, 16), compression="lzf", shuffle=True, fillvalue=3)
    with h5py.File(out, "r") as f:
        before = storage(f["x"])
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert storage(f["x"]) == before
        assert f["x"].compression == "lzf" and f["x"].shuffle
        np.testing.assert_array_equal(f["x"][...], data)
        for i in range(f["x"].id.get_num_chunks()):
            info = f["x"].id.get_chunk_info(i)
            # shuffled, and compressed with LZF or without it
            assert info.filter_mask in (0, 1 << 1), info
            assert (info.size < 500 * 16 * 2) == (info.filter_mask == 0), info


def test_fill_a_plugins_filter(tmp_path):
    """bzip2, a filter of Debian's plugins: gdci has HDF5 load its plugin,
    which HDF5 does not when it writes a dataset that exists"""
    if not h5py.h5z.filter_avail(307):
        pytest.skip("no plugin of bzip2 on HDF5's path")
    data = raw_recording(tmp_path / "raw.bin", seed=6)
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(1000, 16), compression=307, compression_opts=(9,))
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f["x"][...], data)
        for i in range(f["x"].id.get_num_chunks()):
            info = f["x"].id.get_chunk_info(i)
            assert info.filter_mask == 0 and info.size < 1000 * 16 * 2, info


def test_fill_gzip_fast(tmp_path):
    data = raw_recording(tmp_path / "raw.bin", seed=2)
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(2000, 16), compression="gzip", compression_opts=1, shuffle=True)
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--compression", "gzip:fast",
                 "--fill")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert (f["x"].compression, f["x"].compression_opts, f["x"].shuffle) == ("gzip", 1, True)
        np.testing.assert_array_equal(f["x"][...], data)
        assert f["x"].id.get_chunk_info(0).size < 2000 * 16 * 2


def test_fill_extendable_pads_with_the_fill_value(tmp_path):
    """A dataset to append to, its chunks longer than the data: grown
    later, it reads its fill value past the data, as after h5py's write"""
    data = raw_recording(tmp_path / "raw.bin", seed=3)
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(65536, 16), maxshape=(None, CHANNELS), compression="gzip",
             shuffle=True, fillvalue=-7)
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "a") as f:
        f["x"].resize(ROWS + 100, axis=0)
        np.testing.assert_array_equal(f["x"][:ROWS], data)
        assert (f["x"][ROWS:] == -7).all()


def test_fill_big_endian_zstd_is_compressed(tmp_path):
    """A zstd dataset that HDF5 writes itself (big-endian): gdci gives it
    its filter, though neither h5py nor HDF5 here has one"""
    data = raw_recording(tmp_path / "raw.bin", seed=4)
    out = tmp_path / "out.h5"
    nwb_like(out, dtype=">i2", chunks=(1000, 16), compression=32015, compression_opts=(3,),
             allow_unknown_filter=True)
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        for i in range(f["x"].id.get_num_chunks()):
            info = f["x"].id.get_chunk_info(i)
            assert info.filter_mask == 0 and info.size < 1000 * 16 * 2, info
    # gdci reads it back (with its own zstd)
    back = run("convert", f"{out}:/x", tmp_path / "back.h5", "--no-progress")
    assert back.returncode == 0, back.stderr
    with h5py.File(tmp_path / "back.h5", "r") as f:
        np.testing.assert_array_equal(f["data"][...], data)


@pytest.mark.parametrize("args, text", [
    (["--overwrite"], "--fill and --overwrite cannot go together"),
    (["--chunk-mb", "1"], "--chunk-mb and --chunk-shape cannot go with --fill"),
    (["--chunk-shape", "1000,16"], "--chunk-mb and --chunk-shape cannot go with --fill"),
    (["--shuffle"], "--fill keeps the dataset's own filters"),
    (["--bitshuffle"], "--fill keeps the dataset's own filters"),
    (["--fletcher32"], "--fill keeps the dataset's own filters"),
    (["--compression", "zstd"], "--fill keeps the dataset's own filters"),
    (["--compression", "gzip"], "--fill keeps the dataset's own filters"),
    (["--compression", "lz4"], "--fill keeps the dataset's own filters"),
], ids=lambda a: a if isinstance(a, str) else "_".join(a))
def test_fill_usage_errors(tmp_path, args, text):
    raw_recording(tmp_path / "raw.bin")
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(1000, 4), compression="gzip", shuffle=True)
    before = out.read_bytes()
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", *RAW, "--fill", *args)
    assert_one_line_error(result, 2, text)
    hint = "Try 'gdci convert --help' for more information."
    assert result.stderr.splitlines()[1:] in ([], [hint])
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["out.h5", "raw.bin"]


def test_fill_refusals(tmp_path):
    raw_recording(tmp_path / "raw.bin")
    raw_recording(tmp_path / "raw32.bin", dtype="int32")
    out = tmp_path / "out.h5"
    nwb_like(out, chunks=(1000, 4), compression="gzip", shuffle=True)
    before = out.read_bytes()
    # no such dataset, no such file: not found, exit 1
    result = run("convert", tmp_path / "raw.bin", f"{out}:/y", *RAW, "--fill")
    assert_one_line_error(result, 1, f"'/y' does not exist in '{out}'")
    result = run("convert", tmp_path / "raw.bin", f"{out}:/meta", *RAW, "--fill")
    assert_one_line_error(result, 1, "is a group, not a dataset: gdci does not fill it")
    result = run("convert", tmp_path / "raw.bin", f"{tmp_path / 'new.h5'}:/x", *RAW, "--fill")
    assert_one_line_error(result, 1, "does not exist: a fill writes into a dataset that exists")
    # another shape, a type the data does not convert to exactly: usage errors
    result = run("convert", tmp_path / "raw.bin", f"{out}:/x", "--dtype", "int16",
                 "--shape", f"{ROWS // 2},{CHANNELS * 2}", "--fill")
    assert_one_line_error(result, 2, f"has the shape ({ROWS}, {CHANNELS}), and the data "
                                     f"({ROWS // 2}, {CHANNELS * 2})")
    result = run("convert", tmp_path / "raw32.bin", f"{out}:/x", "--dtype", "int32",
                 "--shape", f"{ROWS},{CHANNELS}", "--fill")
    assert_one_line_error(result, 2, "holds int16, which the iterator's int32 does not convert to")
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["out.h5", "raw.bin", "raw32.bin"]


def test_interrupted_fill_leaves_the_file_as_it_was(tmp_path):
    """Ctrl-C during a fill of a dataset that holds data already: the file
    is put back byte for byte"""
    rng = np.random.default_rng(5)
    block = rng.integers(-3000, 3000, size=(1_000_000, CHANNELS), dtype=np.int16)
    rows = 6 * len(block)
    with open(tmp_path / "big.bin", "wb") as f:
        for _ in range(6):
            f.write(block.tobytes())
    out = tmp_path / "out.h5"
    with h5py.File(out, "w") as f:
        f.create_dataset("x", shape=(rows, CHANNELS), dtype="int16", chunks=(65536, 16),
                         compression="gzip", compression_opts=9, shuffle=True)
        f["x"][:1000] = 7
        f.attrs["identifier"] = "session-1"
    before = out.read_bytes()
    status, err = interrupt_after_progress(
        ["convert", tmp_path / "big.bin", f"{out}:/x", "--dtype", "int16", "--shape",
         f"{rows},{CHANNELS}", "--threads", "1", "--buffer-gb", "0.01", "--fill", "--progress"],
        signal.SIGINT)
    assert status == 1, err
    assert "interrupted" in err.split("\n")[-2], err
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "out.h5"]
