# SPDX-License-Identifier: LGPL-2.1-or-later
"""The gdci command-line tool, driven as a user drives it: installed with
`meson install` into a scratch directory, and run from there."""

import os
import re
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

BUILD_ROOT = os.environ["GDCI_BUILD_ROOT"]
GDCI = None


@pytest.fixture(scope="session", autouse=True)
def installed_gdci(tmp_path_factory):
    """Installs the build into a scratch directory, and tests that gdci."""
    global GDCI
    root = tmp_path_factory.mktemp("installed")
    subprocess.run([shutil.which("meson"), "install", "-C", BUILD_ROOT, "--destdir", str(root),
                    "--no-rebuild", "--quiet"], check=True, capture_output=True)
    found = [os.path.join(d, "gdci") for d, _, files in os.walk(root)
             if "gdci" in files and os.path.basename(d) == "bin"]
    assert len(found) == 1, found
    GDCI = found[0]
    # the tool links the installed shared library, and nothing from the
    # build tree: what a user with this prefix sets up
    libraries = [d for d, _, files in os.walk(root) if "libgdci-1.0.so.0" in files]
    assert len(libraries) == 1, libraries
    os.environ["LD_LIBRARY_PATH"] = libraries[0]
    assert subprocess.run([GDCI, "--version"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": libraries[0],
                               **{k: v for k, v in os.environ.items() if k.startswith(("LD_PRELOAD", "ASAN"))}}
                          ).returncode == 0
    yield GDCI


def run(*args, **kwargs):
    return subprocess.run([GDCI, *map(str, args)], capture_output=True, text=True, **kwargs)


def recording(path, rows=20000, channels=32, seed=0, dtype="int16"):
    rng = np.random.default_rng(seed)
    data = (rng.normal(0, 30, size=(rows, channels))
            + 200 * np.sin(np.arange(rows) / 300)[:, None]).astype(dtype)
    data.tofile(path)
    return data


def assert_one_line_error(result, status, text):
    assert result.returncode == status, (result.returncode, result.stderr)
    # sizes such as "15.0 MB" are written with a no-break space
    lines = result.stderr.replace("\xa0", " ").splitlines()
    assert lines, "no message"
    assert lines[0].startswith("gdci"), lines
    assert text in lines[0], lines[0]
    # one line, and for usage errors a hint; never HDF5's stack or a crash
    assert len(lines) <= 2, lines
    assert "HDF5-DIAG" not in result.stderr
    assert result.stdout == "" or status == 0


# ---- plan -------------------------------------------------------------------

def test_plan_tutorial_numbers():
    result = run("plan", "--dtype", "int32", "--shape", "20000,5000", "--buffer-gb", "0.2",
                 "--plan", "hdmf", "--threads", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "Data shape:   (20000, 5000), 400.00 MB of int32",
        "Chunk shape:  (3160, 790), 9.99 MB",
        "Buffer shape: (12640, 3160), 159.77 MB",
        "Buffers:      4",
        "Stored:       489.29 MB, 22.32% padding",
        "Read:         799.96 MB, 2.00x the data",
        "Memory:       329.52 MB",
        "  buffer:     159.77 MB",
        "  read-ahead: 159.77 MB",
        "  scratch:    9.99 MB",
        "[0:12640, 0:3160]",
        "[0:12640, 3160:5000]",
        "[12640:20000, 0:3160]",
        "[12640:20000, 3160:5000]",
    ]


def test_plan_lists_fifty_and_counts_the_rest():
    result = run("plan", "--dtype", "<i2", "--shape", "1000,100", "--buffer-shape", "10,10",
                 "--chunk-shape", "5,5", "--plan", "hdmf")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3] == "Buffers:      1000"
    assert lines[10] == "[0:10, 0:10]"
    assert len(lines) == 10 + 50 + 1
    assert lines[-1] == "... and 950 more"


def test_plan_refusals_are_usage_errors():
    result = run("plan", "--dtype", "int16", "--shape", "2000,384", "--chunk-shape", "1000,5",
                 "--buffer-shape", "1000,192")
    assert_one_line_error(result, 2, "chunk-shape (1000, 5) does not divide buffer-shape "
                                     "(1000, 192) on axis 1")
    assert_one_line_error(run("plan", "--dtype", "int16", "--shape", "10", "--chunk-mb", "-1"),
                          2, "chunk-mb must be greater than zero, not -1.0")
    assert_one_line_error(run("plan", "--dtype", "complex64", "--shape", "10"), 2, "not supported")
    assert_one_line_error(run("plan", "--shape", "10"), 2, "needs --dtype and --shape")
    assert_one_line_error(run("plan", "--dtype", "int8", "--shape", "10,x"), 2, "--shape '10,x'")
    assert_one_line_error(run("plan", "--dtype", "int8", "--shape", "10", "--buffer-gb", "lots"),
                          2, "--buffer-gb 'lots' is not a number")


@pytest.mark.parametrize("args, text", [
    (["--buffer-gb", "1", "--buffer-shape", "10,10"], "Both buffer-gb and buffer-shape are set"),
    (["--chunk-shape", "100"], "chunk-shape (100,) has 1 axis but the data shape (2000, 384) has 2"),
    (["--buffer-shape", "2001,384"], "buffer-shape (2001, 384) exceeds the data shape (2000, 384) on axis 0"),
    (["--chunk-shape", "100,384", "--buffer-shape", "1000,192"], "exceeds buffer-shape (1000, 192) on axis 1"),
    (["--chunk-mb", "inf"], "chunk-mb inf is too large: give a finite size"),
    (["--buffer-gb", "nan"], "buffer-gb must be greater than zero, not nan"),
    (["--chunk-mb", "1e-9"], "the default chunk shape (0, 0) is not positive on axis 0"),
])
def test_every_plan_refusal_is_a_usage_error(args, text):
    assert_one_line_error(run("plan", "--dtype", "int16", "--shape", "2000,384", *args), 2, text)


def test_sizes_beyond_64_bits():
    # a plan that does not fit is a failure, not a usage error
    huge = str(2 ** 62)
    result = run("plan", "--dtype", "int8", "--shape", f"{huge},{huge}", "--buffer-shape", "1,1",
                 "--chunk-shape", "1,1")
    assert_one_line_error(result, 1, "into more than 2^64 buffers")
    # data of more than 2^64 bytes can be planned, its size is not counted
    result = run("plan", "--dtype", "int8", "--shape", f"{huge},8", "--buffer-shape", f"{huge},1",
                 "--chunk-shape", "1,1", "--plan", "fit")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Data shape:   ({huge}, 8), more than 2^64 bytes of int8"
    assert lines[3] == "Buffers:      8"
    assert lines[4] == "Stored:       more than 2^64 bytes, 0.00% padding"
    assert lines[5] == "Read:         more than 2^64 bytes"


# ---- convert ----------------------------------------------------------------

def test_convert_raw_gzip_shuffle(tmp_path):
    data = recording(tmp_path / "rec.bin")
    out = tmp_path / "out.h5"
    result = run("convert", tmp_path / "rec.bin", f"{out}:/acquisition/data", "--dtype", "int16",
                 "--shape", "-1,32", "--compression", "gzip", "--shuffle", "--fletcher32",
                 "--chunk-mb", "0.1", "--buffer-gb", "0.0003", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Wrote {out}:/acquisition/data: (20000, 32) int16, chunks (")
    with h5py.File(out, "r") as f:
        dset = f["acquisition/data"]
        assert dset.shape == (20000, 32)
        assert dset.dtype == np.dtype("int16")
        assert dset.compression == "gzip" and dset.compression_opts == 4
        assert dset.shuffle and dset.fletcher32
        # the fit plan's chunk shape for chunk_mb 0.1 (hdmf's too)
        assert dset.chunks == (5000, 8)
        np.testing.assert_array_equal(dset[...], data)
    assert sorted(os.listdir(tmp_path)) == ["out.h5", "rec.bin"]


def test_convert_says_when_threads_are_clamped(tmp_path):
    """Chunks of 40 MB leave room for one compression thread in the writer's
    64 MiB of scratch memory: asking for four says so, and writes right."""
    rows, columns = 400, 50000
    data = recording(tmp_path / "rec.bin", rows=rows, channels=columns)
    out = tmp_path / "out.h5"
    result = run("convert", tmp_path / "rec.bin", out, "--dtype", "int16", "--shape", f"-1,{columns}",
                 "--chunk-shape", f"{rows},{columns}", "--compression", "gzip:1", "--threads", "4",
                 "--no-progress")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "gdci convert: compressing on 1 thread, not 4: the chunks are too large for more to share "
        "the writer's 64 MiB of scratch memory"]
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f["data"][...], data)
    # small chunks: as many threads as asked, and nothing said
    result = run("convert", tmp_path / "rec.bin", tmp_path / "small.h5", "--dtype", "int16",
                 "--shape", f"-1,{columns}", "--chunk-mb", "1", "--threads", "2", "--no-progress")
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("order", ["C", "F"])
def test_convert_raw_options(tmp_path, order):
    data = np.arange(7 * 50, dtype="<f8").reshape(50, 7)
    with open(tmp_path / "rec.dat", "wb") as f:
        f.write(b"HEADER--" * 4)
        f.write(data.tobytes(order=order))
    result = run("convert", tmp_path / "rec.dat", tmp_path / "out.h5", "--dtype", "f8",
                 "--shape", "50,-1", "--offset", "32", "--order", order,
                 "--compression", "gzip:9", "--threads", "1")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert f["data"].compression_opts == 9
        np.testing.assert_array_equal(f["data"][...], data)


def test_convert_hdf5_to_hdf5_rechunks(tmp_path):
    data = recording(tmp_path / "rec.bin", rows=3000, channels=16)
    with h5py.File(tmp_path / "in.h5", "w") as f:
        f.create_dataset("x/y", data=data, chunks=(100, 1), compression="gzip")
    result = run("convert", f"{tmp_path / 'in.h5'}:/x/y", tmp_path / "out.h5",
                 "--chunk-shape", "500,16", "--buffer-shape", "1000,16")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert f["data"].chunks == (500, 16)
        assert f["data"].compression is None
        np.testing.assert_array_equal(f["data"][...], data)


def test_existing_dataset_needs_overwrite(tmp_path):
    recording(tmp_path / "a.bin", rows=100, channels=4, seed=1)
    second = recording(tmp_path / "b.bin", rows=100, channels=4, seed=2)
    args = ["--dtype", "int16", "--shape", "-1,4"]
    assert run("convert", tmp_path / "a.bin", tmp_path / "out.h5", *args).returncode == 0
    result = run("convert", tmp_path / "b.bin", tmp_path / "out.h5", *args)
    assert_one_line_error(result, 1, "already exists")
    assert "--overwrite" in result.stderr
    # a plan refusal is a usage error, and nothing is written
    result = run("convert", tmp_path / "b.bin", tmp_path / "out.h5", *args, "--chunk-shape", "3,4",
                 "--buffer-shape", "10,4", "--overwrite")
    assert_one_line_error(result, 2, "chunk-shape (3, 4) does not divide buffer-shape (10, 4) on axis 0")
    result = run("convert", tmp_path / "b.bin", tmp_path / "out.h5", *args, "--overwrite")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["data"][...], second)


def test_usage_errors_exit_2(tmp_path):
    recording(tmp_path / "rec.bin", rows=10, channels=4)
    with h5py.File(tmp_path / "in.h5", "w") as f:
        f["d"] = np.zeros(4)
    raw = ["--dtype", "int16", "--shape", "-1,4"]
    cases = [
        ([], "Usage"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["convert", "--frob"], "Unknown option --frob"),
        (["convert", tmp_path / "rec.bin"], "needs an INPUT and an OUTPUT"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", "extra"], "unexpected argument"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5"], "needs --dtype and --shape"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", "--dtype", "int16",
          "--shape", "-1,-1"], "only one axis can be -1"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "lzf"],
         "--compression 'lzf': use none, gzip[:1-9], gzip:fast[:1-3], zstd[:1-22], lz4, or "
         "blosc[:blosclz|lz4|lz4hc|zlib|zstd][:1-9]"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "zstd:23"],
         "--compression 'zstd:23'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "lz4:1"],
         "--compression 'lz4:1'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "blosc:snappy"],
         "--compression 'blosc:snappy'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "gzip:fast:4"],
         "--compression 'gzip:fast:4'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--shuffle", "--bitshuffle"],
         "--shuffle and --bitshuffle cannot go together"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "gzip", "--bitshuffle"],
         "--bitshuffle goes with --compression none, zstd, lz4 or blosc"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--compression", "gzip:10"],
         "--compression 'gzip:10'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--order", "X"],
         "--order 'X'"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--threads", "-2"],
         "--threads -2"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--chunk-mb", "0"],
         "chunk-mb must be greater than zero, not 0.0"),
        (["convert", tmp_path / "rec.bin", tmp_path / "o.h5", *raw, "--chunk-mb", "1",
          "--chunk-shape", "2,4"], "Both chunk-mb and chunk-shape are set"),
        (["convert", f"{tmp_path / 'in.h5'}:/d", tmp_path / "o.h5", "--dtype", "int16"],
         "for raw input only"),
        (["convert", tmp_path / "in.h5", tmp_path / "o.h5"], "give the dataset to read"),
    ]
    for args, text in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert text in result.stderr, (args, result.stderr)
        assert "HDF5-DIAG" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["in.h5", "rec.bin"]


def test_missing_or_short_input_exits_1(tmp_path):
    assert_one_line_error(run("convert", tmp_path / "nope.bin", tmp_path / "o.h5", "--dtype",
                              "int16", "--shape", "-1,4"), 1, "does not exist")
    (tmp_path / "short.bin").write_bytes(b"\0" * 1000)
    result = run("convert", tmp_path / "short.bin", tmp_path / "o.h5", "--dtype", "int16",
                 "--shape", "600,1")
    assert_one_line_error(result, 1, f"'{tmp_path / 'short.bin'}' is 1000 bytes, but offset 0 "
                                     "+ shape (600, 1) of int16 needs 1200 bytes")
    result = run("convert", f"{tmp_path / 'nope.h5'}:/data", tmp_path / "o.h5")
    assert result.returncode in (1, 2)
    (tmp_path / "text.txt").write_text("not a recording, not HDF5")
    result = run("convert", tmp_path / "short.bin", tmp_path / "text.txt", "--dtype", "uint8",
                 "--shape", "-1")
    assert_one_line_error(result, 1, "is not an HDF5 file")
    assert (tmp_path / "text.txt").read_text() == "not a recording, not HDF5"
    assert not (tmp_path / "o.h5").exists()


@pytest.mark.parametrize("suffix, written", [
    ("data", "/data"), ("a/b", "/a/b"), ("/a/b", "/a/b"), ("./x", "/./x")])
def test_output_path_is_split_and_taken_from_the_root(tmp_path, suffix, written):
    data = recording(tmp_path / "rec.bin", rows=10, channels=4)
    out = tmp_path / "out.h5"
    result = run("convert", tmp_path / "rec.bin", f"{out}:{suffix}", "--dtype", "int16",
                 "--shape", "-1,4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out}:{written}: ")
    assert sorted(os.listdir(tmp_path)) == ["out.h5", "rec.bin"]
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f[written][...], data)
    # the same rule for an input, and for a file of any name that exists
    shutil.copy(out, tmp_path / "session")
    result = run("convert", f"{tmp_path / 'session'}:{suffix}", f"{tmp_path / 'copy.nwb'}:y")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "copy.nwb", "r") as f:
        np.testing.assert_array_equal(f["y"][...], data)


@pytest.mark.parametrize("suffix", ["", ".", "/", "//", "./."])
def test_a_path_that_names_nothing_is_a_usage_error(tmp_path, suffix):
    recording(tmp_path / "rec.bin", rows=10, channels=4)
    with h5py.File(tmp_path / "in.h5", "w") as f:
        f["d"] = np.zeros(4)
    out = f"{tmp_path / 'out.h5'}:{suffix}"
    result = run("convert", tmp_path / "rec.bin", out, "--dtype", "int16", "--shape", "-1,4")
    assert_one_line_error(result, 2, f"'{out}': give a dataset after the ':'")
    source = f"{tmp_path / 'in.h5'}:{suffix}"
    result = run("convert", source, tmp_path / "o.h5")
    assert_one_line_error(result, 2, f"'{source}': give a dataset after the ':'")
    assert sorted(os.listdir(tmp_path)) == ["in.h5", "rec.bin"]


def test_a_colon_in_other_names_is_kept(tmp_path):
    data = recording(tmp_path / "rec.bin", rows=10, channels=4)
    result = run("convert", tmp_path / "rec.bin", tmp_path / "run:1", "--dtype", "int16",
                 "--shape", "-1,4")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "run:1", "r") as f:
        np.testing.assert_array_equal(f["data"][...], data)


def test_an_hdf5_input_that_is_not_one(tmp_path):
    (tmp_path / "text.h5").write_text("not HDF5")
    result = run("convert", f"{tmp_path / 'text.h5'}:/d", tmp_path / "o.h5")
    assert_one_line_error(result, 1, f"'{tmp_path / 'text.h5'}' is not an HDF5 file")
    (tmp_path / "dir.h5").mkdir()
    result = run("convert", f"{tmp_path / 'dir.h5'}:/d", tmp_path / "o.h5")
    assert_one_line_error(result, 1, f"'{tmp_path / 'dir.h5'}' is not an HDF5 file")
    assert not (tmp_path / "o.h5").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_hdf5_input(tmp_path):
    with h5py.File(tmp_path / "in.h5", "w") as f:
        f["d"] = np.zeros(4)
    os.chmod(tmp_path / "in.h5", 0)
    result = run("convert", f"{tmp_path / 'in.h5'}:/d", tmp_path / "o.h5")
    assert_one_line_error(result, 1, "Permission denied")
    assert not (tmp_path / "o.h5").exists()


@pytest.mark.parametrize("length", [239, 240, 250, 254, 255])
def test_a_long_output_name(tmp_path, length):
    """Valid names up to NAME_MAX (255 bytes) work, though the temporary
    name adds 16 bytes; a name of two-byte characters is cut between them."""
    data = recording(tmp_path / "rec.bin", rows=10, channels=4)
    first = name = "\u00e9" * 100 + "x" * (length - 203) + ".h5"
    assert len(name.encode()) == length
    result = run("convert", tmp_path / "rec.bin", tmp_path / name, "--dtype", "int16",
                 "--shape", "-1,4")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(["rec.bin", name])
    with h5py.File(tmp_path / name, "r") as f:
        np.testing.assert_array_equal(f["data"][...], data)
    name = "x" * (length - 3) + ".h5"
    assert run("convert", tmp_path / "rec.bin", tmp_path / name, "--dtype", "int16",
               "--shape", "-1,4").returncode == 0
    assert sorted(os.listdir(tmp_path)) == sorted(["rec.bin", name, first])


def test_a_name_beyond_name_max_fails_cleanly(tmp_path):
    recording(tmp_path / "rec.bin", rows=10, channels=4)
    result = run("convert", tmp_path / "rec.bin", tmp_path / ("y" * 253 + ".h5"), "--dtype",
                 "int16", "--shape", "-1,4")
    assert_one_line_error(result, 1, "File name too long")
    assert os.listdir(tmp_path) == ["rec.bin"]


def test_progress_bar(tmp_path):
    recording(tmp_path / "rec.bin", rows=5000, channels=8)
    args = ["convert", tmp_path / "rec.bin", tmp_path / "o.h5", "--dtype", "int16",
            "--shape", "-1,8", "--buffer-gb", "0.00002", "--chunk-mb", "0.01"]
    shown = subprocess.run([GDCI, *map(str, args), "--progress"], capture_output=True)
    shown.stderr = shown.stderr.decode()   # as it is: text mode would turn \r into \n
    assert shown.returncode == 0, shown.stderr
    assert "Converting:" in shown.stderr and "100%" in shown.stderr
    # redrawn in place on one line, which the last drawing ends
    assert re.fullmatch(r"(\rConverting: +\d+%\|[^|]*\| [0-9.]+/0\.1 MB \[[0-9:]+<[0-9:?]+"
                        r"(, [0-9.]+ MB/s)?\] *)+\n", shown.stderr), shown.stderr
    assert re.search(r"\rConverting: 100%\|[^|]*\| 0\.1/0\.1 MB \[[0-9:]+<00:00", shown.stderr)
    hidden = run(*args, "--no-progress", "--overwrite")
    assert hidden.returncode == 0 and hidden.stderr == ""


def big_slow_input(tmp_path):
    """A recording that takes seconds to compress at level 9."""
    rng = np.random.default_rng(5)
    block = rng.integers(-3000, 3000, size=(1_000_000, 16), dtype=np.int16)
    with open(tmp_path / "big.bin", "wb") as f:
        for _ in range(12):
            f.write(block.tobytes())
    return ["--dtype", "int16", "--shape", "-1,16", "--compression", "gzip:9", "--shuffle",
            "--threads", "1", "--buffer-gb", "0.02", "--chunk-mb", "1", "--progress"]


# the signals that cancel a conversion cleanly: their default action would
# end the process mid-write
CANCELLING_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1,
                      signal.SIGUSR2, signal.SIGALRM]


def interrupt_after_progress(args, signum=signal.SIGINT):
    process = subprocess.Popen([GDCI, *map(str, args)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    # wait for the bar to move past 0%, then press Ctrl-C
    deadline = time.monotonic() + 60
    seen = ""
    while time.monotonic() < deadline:
        seen += process.stderr.read(1)
        if "%|" in seen and " 0%|" not in seen[-80:] and "MB/s" in seen[-40:]:
            break
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    return process.returncode, seen + err


@pytest.mark.parametrize("signum", CANCELLING_SIGNALS, ids=lambda s: s.name)
def test_signal_leaves_an_existing_file_valid(tmp_path, signum):
    options = big_slow_input(tmp_path)
    out = tmp_path / "session.h5"
    with h5py.File(out, "w") as f:
        f["subject/age"] = np.array([42])
        f.attrs["identifier"] = "session-1"
    status, err = interrupt_after_progress(["convert", tmp_path / "big.bin",
                                            f"{out}:/acquisition/raw", *options], signum)
    assert status == 1, err
    # the bar's redrawings, then one plain line
    assert err.split("\n")[-2:] == [
        "gdci convert: interrupted: /acquisition/raw was not written to "
        f"'{out}'", ""], err
    with h5py.File(out, "r") as f:
        assert list(f.keys()) == ["subject"]
        assert f["subject/age"][0] == 42
        assert f.attrs["identifier"] == "session-1"
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "session.h5"]


def test_cancel_leaves_an_existing_file_as_it_was(tmp_path):
    """A cancelled write into an existing file leaves it byte for byte as it
    was, its size included: the space the write took is given back."""
    options = big_slow_input(tmp_path)
    out = tmp_path / "session.h5"
    with h5py.File(out, "w") as f:
        f["subject/age"] = np.array([42])
    before = out.read_bytes()
    status, err = interrupt_after_progress(["convert", tmp_path / "big.bin", f"{out}:/raw",
                                            *options], signal.SIGHUP)
    assert status == 1, err
    assert out.read_bytes() == before


@pytest.mark.parametrize("signum", CANCELLING_SIGNALS, ids=lambda s: s.name)
def test_signal_leaves_no_new_file(tmp_path, signum):
    options = big_slow_input(tmp_path)
    status, err = interrupt_after_progress(["convert", tmp_path / "big.bin",
                                            tmp_path / "new.h5", *options], signum)
    assert status == 1, err
    assert "interrupted" in err
    assert sorted(os.listdir(tmp_path)) == ["big.bin"]


def test_file_size_limit(tmp_path):
    recording(tmp_path / "rec.bin", rows=400_000, channels=32)   # 25.6 MB
    command = (f"ulimit -f 10240; exec {GDCI} convert {tmp_path / 'rec.bin'} "
               f"{tmp_path / 'out.h5'} --dtype int16 --shape -1,32 --chunk-mb 1")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert_one_line_error(result, 1, "File too large")
    assert sorted(os.listdir(tmp_path)) == ["rec.bin"]


@pytest.mark.parametrize("short_by_kb", [0, 8, 200, 3000])
def test_file_size_limit_keeps_an_existing_file(tmp_path, short_by_kb):
    """The limit strikes at different points of a write into an existing
    file: the file still opens, with what it held before, and only that."""
    recording(tmp_path / "rec.bin", rows=100_000, channels=32)   # 6.4 MB
    convert = (f"{GDCI} convert {tmp_path / 'rec.bin'} {tmp_path / 'session.h5'}:/data "
               "--dtype int16 --shape -1,32 --chunk-mb 1")
    with h5py.File(tmp_path / "full.h5", "w") as f:
        f["keep"] = np.arange(10)
    shutil.copy(tmp_path / "full.h5", tmp_path / "session.h5")
    run_convert = subprocess.run(["bash", "-c", convert.replace("session.h5", "full.h5")],
                                 capture_output=True, text=True)
    assert run_convert.returncode == 0, run_convert.stderr
    limit_kb = os.path.getsize(tmp_path / "full.h5") // 1024 - short_by_kb

    result = subprocess.run(["bash", "-c", f"ulimit -f {limit_kb}; exec {convert}"],
                            capture_output=True, text=True)
    assert_one_line_error(result, 1, "File too large")
    with h5py.File(tmp_path / "session.h5", "r") as f:
        assert list(f.keys()) == ["keep"]
        assert list(f["keep"][:]) == list(range(10))


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("gdci ")
    help_text = run("--help")
    assert help_text.returncode == 0 and "gdci convert INPUT" in help_text.stdout
    convert_help = run("convert", "--help")
    assert convert_help.returncode == 0 and "--compression" in convert_help.stdout


# ---- gdci clean ---------------------------------------------------------------

def test_clean_usage():
    result = run("clean")
    assert_one_line_error(result, 2, "clean needs a file or directory")
    assert run("clean", "--help").returncode == 0


def test_clean_nothing(tmp_path):
    result = run("clean", tmp_path / "missing.h5", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{tmp_path / 'missing.h5'}: nothing to clean",
                                          f"{tmp_path}: nothing to clean"]
    assert run("clean", "--quiet", tmp_path).stdout == ""


def test_clean_refuses_what_it_cannot_clean(tmp_path):
    assert_one_line_error(run("clean", "/dev/null"), 1, "is not a regular file or a directory")


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_killed_conversion_then_clean(tmp_path, libver):
    """SIGKILL in the middle of a conversion into an existing file: the file
    (with libver='latest', a file HDF5 then refuses to open) is put back
    byte for byte by gdci clean, and the killed run's journal goes."""
    options = big_slow_input(tmp_path)
    out = tmp_path / "session.h5"
    with h5py.File(out, "w", libver=libver) as f:
        f["subject/age"] = np.array([42])
    before = out.read_bytes()
    status, _ = interrupt_after_progress(["convert", tmp_path / "big.bin", f"{out}:/raw",
                                          *options], signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert len(os.listdir(tmp_path)) == 3   # the journal
    result = run("clean", out)
    assert result.returncode == 0, result.stderr
    assert "back as it was" in result.stdout
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "session.h5"]


def test_killed_new_file_conversion_then_convert(tmp_path):
    """The temporary file of a killed conversion goes with the next
    conversion to the same file."""
    options = big_slow_input(tmp_path)
    status, _ = interrupt_after_progress(["convert", tmp_path / "big.bin", tmp_path / "new.h5",
                                          *options], signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert len(os.listdir(tmp_path)) == 2   # the temporary file
    data = recording(tmp_path / "rec.bin", rows=100, channels=4)
    result = run("convert", tmp_path / "rec.bin", tmp_path / "new.h5", "--dtype", "int16",
                 "--shape", "-1,4")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "new.h5", "rec.bin"]
    with h5py.File(tmp_path / "new.h5", "r") as f:
        np.testing.assert_array_equal(f["data"][...], data)


def test_clean_a_file_hdf5_left_marked(tmp_path):
    """A libver='latest' file whose writer (here h5py) was killed: HDF5
    refuses it until its marks are cleared, as h5clear does."""
    out = tmp_path / "swmr.h5"
    code = (f"import h5py, numpy, os, signal\n"
            f"f = h5py.File({str(out)!r}, 'w', libver='latest')\n"
            f"f['x'] = numpy.arange(10)\n"
            f"f.flush()\n"
            f"os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run(["/usr/bin/python3", "-c", code])
    with pytest.raises(OSError):
        h5py.File(out, "r")
    result = run("clean", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}: cleared the mark of a writer that stopped from '{out}'\n"
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f["x"][...], np.arange(10))


def test_convert_into_a_marked_file_says_to_clean(tmp_path):
    out = tmp_path / "swmr.h5"
    code = (f"import h5py, numpy, os, signal\n"
            f"f = h5py.File({str(out)!r}, 'w', libver='latest')\n"
            f"f['x'] = numpy.arange(10)\n"
            f"f.flush()\n"
            f"os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run(["/usr/bin/python3", "-c", code])
    recording(tmp_path / "rec.bin", rows=10, channels=4)
    result = run("convert", tmp_path / "rec.bin", f"{out}:/y", "--dtype", "int16",
                 "--shape", "-1,4")
    assert_one_line_error(result, 1, "gdci clean")
    assert sorted(os.listdir(tmp_path)) == ["rec.bin", "swmr.h5"]


# ---- plan strategies, partial shapes, memory ----------------------------------

def library_plan(strategy, shape, dtype="INT16", chunk_shape=None, chunk_mb=None):
    """The plan the library makes, through GObject introspection."""
    import gi
    gi.require_version("Gdci", "1.0")
    from gi.repository import Gdci
    settings = Gdci.PlanSettings.new()
    settings.set_strategy(getattr(Gdci.PlanStrategy, strategy.upper()))
    if chunk_shape is not None:
        settings.set_chunk_shape(chunk_shape)
    if chunk_mb is not None:
        settings.set_chunk_mb(chunk_mb)
    return Gdci.Plan.new(getattr(Gdci.Dtype, dtype), shape, settings)


DEMO = ["--dtype", "int16", "--shape", "1302083,384", "--threads", "1"]


def test_plan_side_by_side():
    result = run("plan", *DEMO)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "Data shape:   (1302083, 384), 1000.00 MB of int16",
        "Plan:         hdmf                          fit",
        "Chunk shape:  (128820, 38), 9.79 MB         (144676, 32), 9.26 MB",
        "Buffer shape: (1288200, 380), 979.03 MB     (289352, 384), 222.22 MB",
        "Buffers:      4                             5",
        "Stored:       1184.63 MB, 18.46% padding    1000.00 MB, 0.00% padding",
        "Read:         2000.00 MB, 2.00x the data    1000.00 MB, 1.00x the data",
        "Memory:       1967.85 MB                    453.70 MB",
        "  buffer:     979.03 MB                     222.22 MB",
        "  read-ahead: 979.03 MB                     222.22 MB",
        "  scratch:    9.79 MB                       9.26 MB",
    ]


@pytest.mark.parametrize("strategy, chunk, buffer, n_buffers", [
    ("hdmf", "(128820, 38), 9.79 MB", "(1288200, 380), 979.03 MB", "4"),
    ("fit", "(144676, 32), 9.26 MB", "(289352, 384), 222.22 MB", "5"),
])
def test_plan_one_strategy(strategy, chunk, buffer, n_buffers):
    result = run("plan", *DEMO, "--plan", strategy)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == ["Data shape:   (1302083, 384), 1000.00 MB of int16",
                         f"Chunk shape:  {chunk}", f"Buffer shape: {buffer}",
                         f"Buffers:      {n_buffers}"]
    assert lines[4].startswith("Stored:       ")
    assert lines[5].startswith("Read:         ")
    assert lines[6].startswith("Memory:       ")
    plan = library_plan(strategy, [1302083, 384])
    selections = [plan.get_buffer_selection(i).to_string() for i in range(plan.get_n_buffers())]
    assert lines[10:] == selections
    assert "Plan:" not in result.stdout
    # the same in any case
    assert run("plan", *DEMO, "--plan", strategy.upper()).stdout == result.stdout


@pytest.mark.parametrize("free", ["0", "None", "none"])
def test_plan_partial_chunk_shape(free):
    result = run("plan", *DEMO, "--chunk-shape", f"{free},64")
    assert result.returncode == 0, result.stderr
    fit = library_plan("fit", [1302083, 384], chunk_shape=[0, 64]).get_chunk_shape()
    lines = result.stdout.splitlines()
    assert lines[2].startswith("Chunk shape:  (78125, 64), 10.00 MB ")
    assert lines[2].endswith(f"    ({fit[0]}, {fit[1]}), {fit[0] * fit[1] * 2 / 1e6:.2f} MB")
    assert fit[1] == 64


def test_plan_partial_shape_with_sizes():
    # a free axis takes its size from --chunk-mb, given together with the shape
    result = run("plan", *DEMO, "--chunk-shape", "0,64", "--chunk-mb", "2", "--plan", "hdmf")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "Chunk shape:  (15625, 64), 2.00 MB"
    fit = library_plan("fit", [1302083, 384], chunk_shape=[0, 64], chunk_mb=2).get_chunk_shape()
    result = run("plan", *DEMO, "--chunk-shape", "None,64", "--chunk-mb", "2", "--plan", "fit",
                 "--buffer-shape", "0,384", "--buffer-gb", "0.5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(f"Chunk shape:  ({fit[0]}, 64), ")
    assert ", 384), " in result.stdout.splitlines()[2]
    # a shape given in full is still refused with a size
    assert_one_line_error(run("plan", *DEMO, "--chunk-shape", "100,64", "--chunk-mb", "2"), 2,
                          "Both chunk-mb and chunk-shape are set")


@pytest.mark.parametrize("args, text", [
    (["--plan", "best"], "--plan 'best': use hdmf or fit"),
    (["--max-memory", "lots"], "--max-memory 'lots': give a size such as 2G"),
    (["--max-memory", "2X"], "--max-memory '2X'"),
    (["--max-memory", "-1G"], "--max-memory '-1G'"),
    (["--max-memory", "0"], "give at least one byte"),
    (["--max-memory", "1e30"], "--max-memory '1e30'"),
    (["--chunk-shape", "x,64"], "(0 or None for a free axis)"),
])
def test_plan_option_refusals(args, text):
    assert_one_line_error(run("plan", *DEMO, *args), 2, text)


@pytest.mark.parametrize("size, text", [
    ("2G", "2.00 GB"), ("2000000000", "2.00 GB"), ("1.5GB", "1.50 GB"), ("512M", "0.51 GB"),
    ("400M", "0.40 GB"),
    ("1907.35 MiB", "2.00 GB"), ("2 gb", "2.00 GB"), ("1.8626451GiB", "2.00 GB"),
])
def test_plan_max_memory_fits(size, text):
    result = run("plan", *DEMO, "--plan", "fit", "--max-memory", size)
    assert result.returncode == 0, result.stderr
    [limit] = [line for line in result.stdout.splitlines() if line.startswith("Max memory:   ")]
    megabytes = float(limit.split()[2])
    assert f"{megabytes / 1000:.2f} GB" == text
    assert limit.endswith(": fits" if megabytes > 453.70 else ": fits with a smaller buffer")


def test_plan_max_memory_too_small():
    # chunks of 9.26 MB: a buffer of one chunk and its scratch do not fit in 15 MB
    result = run("plan", *DEMO, "--max-memory", "15M")
    assert_one_line_error(result, 2, "more than max-memory 15.0 MB: choose a smaller buffer size")
    assert result.stderr.splitlines()[0].startswith("gdci plan: The write needs ")
    # given sizes are not lowered
    result = run("plan", *DEMO, "--max-memory", "400M", "--buffer-gb", "1")
    assert_one_line_error(result, 2, "more than max-memory 400.0 MB")
    # hdmf's column does not fit, but convert uses fit
    result = run("plan", *DEMO, "--max-memory", "700M", "--buffer-gb", "1")
    assert result.returncode == 0, result.stderr
    assert re.split(r"\s{2,}", result.stdout.splitlines()[-1]) == \
        ["Max memory:", "700.00 MB: does not fit", "700.00 MB: fits"]


def small_recording(tmp_path):
    return recording(tmp_path / "rec.bin", rows=20000, channels=32)


SMALL = ["--dtype", "int16", "--shape", "-1,32", "--chunk-mb", "0.05", "--threads", "1",
         "--no-progress"]


@pytest.mark.parametrize("args, strategy", [([], "fit"), (["--plan", "fit"], "fit"),
                                            (["--plan", "hdmf"], "hdmf")])
def test_convert_plan_strategy(tmp_path, args, strategy):
    data = small_recording(tmp_path)
    out = tmp_path / "out.h5"
    result = run("convert", tmp_path / "rec.bin", out, *SMALL, *args)
    assert result.returncode == 0, result.stderr
    chunks = tuple(library_plan(strategy, [20000, 32], chunk_mb=0.05).get_chunk_shape())
    assert chunks == {"fit": (5000, 4), "hdmf": (3750, 6)}[strategy]
    with h5py.File(out, "r") as f:
        assert f["data"].chunks == chunks
        np.testing.assert_array_equal(f["data"][...], data)


def test_convert_hdf5_input_uses_fit(tmp_path):
    data = small_recording(tmp_path)
    with h5py.File(tmp_path / "in.h5", "w") as f:
        f.create_dataset("d", data=data, chunks=(1000, 32))
    result = run("convert", f"{tmp_path / 'in.h5'}:/d", tmp_path / "out.h5", "--chunk-mb", "0.05")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert f["data"].chunks == (5000, 4)
        np.testing.assert_array_equal(f["data"][...], data)


def test_convert_shapes_in_full_and_partial(tmp_path):
    data = small_recording(tmp_path)
    # both shapes in full: kept as they are
    result = run("convert", tmp_path / "rec.bin", tmp_path / "a.h5", *SMALL[:4],
                 "--chunk-shape", "3000,7", "--buffer-shape", "6000,14")
    assert result.returncode == 0, result.stderr
    # a free axis
    result = run("convert", tmp_path / "rec.bin", tmp_path / "b.h5", *SMALL, "--chunk-shape", "0,16",
                 "--plan", "hdmf")
    assert result.returncode == 0, result.stderr
    hdmf = tuple(library_plan("hdmf", [20000, 32], chunk_shape=[0, 16], chunk_mb=0.05)
                 .get_chunk_shape())
    with h5py.File(tmp_path / "a.h5", "r") as a, h5py.File(tmp_path / "b.h5", "r") as b:
        assert a["data"].chunks == (3000, 7)
        assert b["data"].chunks == hdmf and hdmf[1] == 16
        np.testing.assert_array_equal(a["data"][...], data)
        np.testing.assert_array_equal(b["data"][...], data)


def test_convert_max_memory_caps_the_buffer(tmp_path):
    data = small_recording(tmp_path)
    out = tmp_path / "out.h5"
    # the fit plan takes 0.68 MB (two buffers of 0.32 MB and 0.04 MB of scratch)
    result = run("convert", tmp_path / "rec.bin", out, *SMALL, "--max-memory", "400K")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    with h5py.File(out, "r") as f:
        assert f["data"].chunks == (5000, 4)
        np.testing.assert_array_equal(f["data"][...], data)
    # what plan shows for it
    result = run("plan", "--dtype", "int16", "--shape", "20000,32", "--chunk-mb", "0.05",
                 "--threads", "1", "--plan", "fit", "--max-memory", "400K")
    assert result.returncode == 0, result.stderr
    assert "Max memory:   0.40 MB: fits with a smaller buffer" in result.stdout.splitlines()


def test_convert_max_memory_too_small(tmp_path):
    small_recording(tmp_path)
    out = tmp_path / "out.h5"
    plan = run("plan", "--dtype", "int16", "--shape", "20000,32", "--chunk-mb", "0.05",
               "--threads", "1", "--max-memory", "50K")
    for args in (["--max-memory", "50K"], ["--max-memory", "400K", "--buffer-gb", "0.01"]):
        result = run("convert", tmp_path / "rec.bin", out, *SMALL, *args)
        assert_one_line_error(result, 2, "choose a smaller buffer size")
        assert "The write needs" in result.stderr and "more than max-memory" in result.stderr
        assert not out.exists()
    # the same words as plan's
    assert plan.stderr.splitlines()[0].replace("gdci plan", "gdci convert") == \
        run("convert", tmp_path / "rec.bin", out, *SMALL, "--max-memory", "50K").stderr.splitlines()[0]


@pytest.mark.parametrize("args, text", [
    (["--plan", "auto"], "--plan 'auto': use hdmf or fit"),
    (["--max-memory", "plenty"], "--max-memory 'plenty'"),
    (["--chunk-shape", "0,-1"], "--chunk-shape '0,-1'"),
])
def test_convert_plan_option_refusals(tmp_path, args, text):
    small_recording(tmp_path)
    result = run("convert", tmp_path / "rec.bin", tmp_path / "out.h5", *SMALL, *args)
    assert_one_line_error(result, 2, text)
    assert not (tmp_path / "out.h5").exists()


def test_help_tells_the_default_plan():
    convert_help = run("convert", "--help").stdout
    assert "--plan" in convert_help and "--max-memory" in convert_help
    assert "fit plan" in convert_help and "--plan hdmf" in convert_help
    plan_help = run("plan", "--help").stdout
    assert "side" in plan_help and "0 or None" in plan_help
