# SPDX-License-Identifier: LGPL-2.1-or-later
"""Damaged HDF5 sources: truncations and bit flips of a few small files.

The corpus is made here with h5py; each case damages one file, seeded and
reproducible, and runs `gdci convert DAMAGED.h5:/PATH out.h5`, which must
end with exit status 0, 1 or 2 (never a signal), say why in one line when it
fails, and then leave nothing in the output directory. When it succeeds, its
output must be what h5py reads from the damaged file, when h5py can read it:
h5py is given the file in a forked child, since HDF5 itself may crash on it.

GDCI_FUZZ_SEED sets the seed (printed at the start), GDCI_FUZZ_CASES the
number of cases; GDCI_FUZZ_SANITIZER (set by meson for sanitizer builds)
lowers the default number.
"""

import os
import random
import shutil
import signal
import subprocess
import sys

import h5py
import numpy as np
import pytest

SANITIZER = os.environ.get("GDCI_FUZZ_SANITIZER", "") not in ("", "0")
CASES = int(os.environ.get("GDCI_FUZZ_CASES", "60" if SANITIZER else "300"))
SEED = int(os.environ.get("GDCI_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))
TIMEOUT = 30 if SANITIZER else 10
# a sanitizer's report ends the run with these, told apart from gdci's own
SANITIZER_EXIT = 86
CHILD_ENV = {
    **os.environ,
    # a damaged size can make HDF5 ask for terabytes: malloc() then returns
    # NULL, as it does without the sanitizer, instead of aborting
    "ASAN_OPTIONS": "detect_leaks=0:allocator_may_return_null=1:exitcode=%d" % SANITIZER_EXIT,
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:exitcode=%d" % SANITIZER_EXIT,
}
GDCI = None


@pytest.fixture(scope="module", autouse=True)
def installed_gdci(gdci):
    """gdci as a user runs it: installed with meson install (conftest's
    gdci), run with this file's sanitizer settings."""
    global GDCI
    CHILD_ENV["LD_LIBRARY_PATH"] = gdci.env["LD_LIBRARY_PATH"]
    GDCI = gdci.path
    print(f"\nfuzz seed {SEED} (GDCI_FUZZ_SEED={SEED} repeats it), {CASES} cases",
          file=sys.stderr)
    yield GDCI


# ---- the corpus -------------------------------------------------------------

def _ramp(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 40, size=shape) + np.arange(np.prod(shape)).reshape(shape) % 97).astype(dtype)


def make_corpus(directory):
    """A few small files, each with the datasets gdci is asked for."""
    corpus = {}

    def add(name, fill, **kwargs):
        path = os.path.join(directory, name)
        with h5py.File(path, "w", **kwargs) as f:
            corpus[path] = fill(f)

    def gzip_shuffle(f):
        f.create_dataset("data", data=_ramp((200, 16), "int16", 1), chunks=(32, 8),
                         compression="gzip", shuffle=True)
        return ["/data"]

    def float32_be(f):
        f.create_dataset("data", data=_ramp((100, 10), ">f4", 2), chunks=(16, 5))
        return ["/data"]

    def contiguous(f):
        f.create_dataset("data", data=_ramp((50, 20), "int32", 3))
        return ["/data"]

    def fletcher32(f):
        f.create_dataset("data", data=_ramp((120, 6), "uint16", 4), chunks=(25, 6),
                         fletcher32=True)
        f.create_dataset("all", data=_ramp((90, 7), "int16", 5), chunks=(20, 7),
                         compression="gzip", shuffle=True, fletcher32=True)
        return ["/data", "/all"]

    def latest(f):
        # extensible-array and fixed-array chunk indexes, superblock v3
        f.create_dataset("data", data=_ramp((64, 8), "int64", 6), chunks=(16, 8),
                         maxshape=(None, 8), compression="gzip")
        f.create_dataset("fixed", data=_ramp((40, 40), "float32", 7), chunks=(10, 10))
        return ["/data", "/fixed"]

    def groups(f):
        f.create_dataset("a/b/x", data=_ramp((30, 4), "float64", 8), chunks=(7, 4),
                         fillvalue=-1.5)
        f.create_dataset("a/y", data=_ramp((100,), "int8", 9))
        f.create_dataset("c/z", data=_ramp((40, 40), "uint32", 10), chunks=(10, 10),
                         compression="gzip", maxshape=(None, None))
        f["c/z"].attrs["unit"] = "volt"
        f["a"].attrs["n"] = np.arange(10)
        # a dataset with chunks never written: its fill value
        f.create_dataset("c/sparse", shape=(60, 10), dtype="int16", chunks=(10, 10),
                         fillvalue=7)[0:10] = 1
        return ["/a/b/x", "/a/y", "/c/z", "/c/sparse"]

    add("gzip_shuffle.h5", gzip_shuffle)
    add("float32_be.h5", float32_be)
    add("contiguous.h5", contiguous)
    add("fletcher32.h5", fletcher32)
    add("latest.h5", latest, libver="latest")
    add("groups.h5", groups)
    return corpus


def data_ranges(path, datasets):
    """The byte ranges of raw data (chunks, contiguous storage): everything
    else in the file is metadata, where flips are aimed more often."""
    ranges = []
    with h5py.File(path, "r") as f:
        for name in datasets:
            dsid = f[name].id
            if f[name].chunks is None:
                offset = dsid.get_offset()
                if offset is not None:
                    ranges.append((offset, offset + dsid.get_storage_size()))
                continue
            for i in range(dsid.get_num_chunks()):
                info = dsid.get_chunk_info(i)
                ranges.append((info.byte_offset, info.byte_offset + info.size))
    return sorted(ranges)


def metadata_offsets(size, ranges):
    """Offsets in the first 4 KiB and between the data ranges"""
    in_data = np.zeros(size, dtype=bool)
    for start, stop in ranges:
        in_data[start:stop] = True
    metadata = np.flatnonzero(~in_data)
    return metadata if len(metadata) else np.arange(size)


# ---- damage -----------------------------------------------------------------

def damage(original, size, metadata, rng):
    """The damaged bytes and a description of what was done"""
    data = bytearray(original)
    if rng.random() < 0.3:
        # truncations: anywhere, or within the last few hundred bytes
        cut = rng.randrange(size) if rng.random() < 0.5 else max(0, size - rng.randint(1, 512))
        return bytes(data[:cut]), f"truncated to {cut} bytes"
    flips = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.4:
            offset = rng.randrange(min(size, 4096))
        elif rng.random() < 0.7:
            offset = int(metadata[rng.randrange(len(metadata))])
        else:
            offset = rng.randrange(size)
        bit = rng.randrange(8)
        data[offset] ^= 1 << bit
        flips.append(f"{offset}.{bit}")
    return bytes(data), "bits flipped at " + ", ".join(flips)


def _undefined_chunks(dataset):
    """Whether HDF5 reads bytes it never set: a chunk without filters whose
    size in the chunk index is not the chunk's (HDF5 reads what the index
    says into a chunk-sized buffer, and the rest is what was in memory)."""
    if dataset.chunks is None or dataset.id.get_create_plist().get_nfilters() > 0:
        return False
    nominal = int(np.prod(dataset.chunks)) * dataset.dtype.itemsize
    return any(dataset.id.get_chunk_info(i).size != nominal
               for i in range(dataset.id.get_num_chunks()))


def h5py_reads(path, dataset, out):
    """What h5py reads from @path, in a forked child (HDF5 may crash on a
    damaged file): the array, or why there is none: h5py failed, died, or
    read bytes HDF5 never set."""
    pid = os.fork()
    if pid == 0:
        try:
            signal.alarm(30)
            with h5py.File(path, "r") as f:
                if _undefined_chunks(f[dataset]):
                    os._exit(4)
                np.save(out, f[dataset][()], allow_pickle=False)
            os._exit(0)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return np.load(out, allow_pickle=False), None
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 4:
        return None, "HDF5 reads undefined bytes"
    if os.WIFEXITED(status):
        return None, "h5py cannot read it"
    return None, "h5py crashes on it"


def native(array):
    return array.astype(array.dtype.newbyteorder("="))


def run_case(path, dataset, workdir):
    """One conversion of a damaged file: a list of what went wrong"""
    problems = []
    outdir = os.path.join(workdir, "out")
    os.mkdir(outdir)
    out = os.path.join(outdir, "out.h5")
    # a damaged shape can claim terabytes of fill value (a sparse dataset
    # may be that large): such a conversion is cancelled, as a user would
    with subprocess.Popen([GDCI, "convert", "--no-progress", f"{path}:{dataset}", out],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=CHILD_ENV) as child:
        try:
            stdout, stderr = child.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
            try:
                stdout, stderr = child.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                return [f"gdci did not stop within {TIMEOUT} s of SIGINT"], "hung"
    result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    status = result.returncode
    lines = result.stderr.splitlines()
    if status < 0:
        problems.append(f"killed by signal {-status}: {result.stderr[-2000:]}")
    elif status not in (0, 1, 2):
        problems.append(f"exit status {status}: {result.stderr[-2000:]}")
    if "Sanitizer" in result.stderr or "runtime error" in result.stderr:
        problems.append(f"sanitizer report: {result.stderr[-2000:]}")
    if status != 0:
        if not lines or not lines[0].startswith("gdci") or len(lines) > 2:
            problems.append(f"not a one-line message: {result.stderr[-2000:]!r}")
        if "HDF5-DIAG" in result.stderr:
            problems.append("HDF5's error stack printed")
        if os.listdir(outdir):
            problems.append(f"left behind: {os.listdir(outdir)}")
        return problems, lines[0] if lines else ""

    expected, why_not = h5py_reads(path, dataset, os.path.join(workdir, "h5py.npy"))
    if expected is not None:
        with h5py.File(out, "r") as f:
            written = f["data"][()]
        if written.shape != expected.shape or written.dtype.str[1:] != expected.dtype.str[1:]:
            problems.append(f"wrote {written.dtype}{written.shape}, h5py reads "
                            f"{expected.dtype}{expected.shape}")
        elif native(written).tobytes() != native(expected).tobytes():
            problems.append("wrote other values than h5py reads")
    return problems, "converted" + (f" ({why_not})" if why_not else "")


def test_fuzz_sources(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    corpus = make_corpus(str(corpus_dir))
    files = []
    for path, datasets in corpus.items():
        with open(path, "rb") as f:
            original = f.read()
        metadata = metadata_offsets(len(original), data_ranges(path, datasets))
        files.append((path, datasets, original, metadata))

    failures = []
    outcomes = {}
    for case in range(CASES):
        rng = random.Random(f"{SEED}-{case}")
        path, datasets, original, metadata = files[case % len(files)]
        dataset = rng.choice(datasets)
        damaged, what = damage(original, len(original), metadata, rng)
        workdir = tmp_path / f"case-{case}"
        workdir.mkdir()
        source = str(workdir / os.path.basename(path))
        with open(source, "wb") as f:
            f.write(damaged)
        problems, outcome = run_case(source, dataset, str(workdir))
        key = outcome.split(":")[0][:60]
        outcomes[key] = outcomes.get(key, 0) + 1
        if problems:
            failures.append(f"case {case} ({os.path.basename(path)}:{dataset}, {what}): "
                            + "; ".join(problems))
        else:
            shutil.rmtree(workdir)

    summary = "\n".join(f"  {n:4d}  {k}" for k, n in sorted(outcomes.items(), key=lambda x: -x[1]))
    print(f"\nfuzz seed {SEED}: {CASES} cases, {len(failures)} failures\n{summary}", file=sys.stderr)
    assert not failures, f"seed {SEED}:\n" + "\n".join(failures)


# ---- a damaged chunk half-way through a conversion --------------------------

def _damaged_source(path):
    data = _ramp((400, 8), "int16", 11)
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=data, chunks=(20, 8), compression="gzip", shuffle=True)
    with h5py.File(path, "r") as f:
        info = f["data"].id.get_chunk_info_by_coord((300, 0))
    with open(path, "r+b") as f:
        f.seek(info.byte_offset + info.size // 2)
        byte = f.read(1)[0]
        f.seek(info.byte_offset + info.size // 2)
        f.write(bytes([byte ^ 0xff]))


@pytest.mark.parametrize("target", ["new", "existing"])
def test_damaged_chunk_mid_write_leaves_nothing(tmp_path, target):
    source = tmp_path / "source.h5"
    _damaged_source(source)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "out.h5"
    if target == "existing":
        with h5py.File(out, "w") as f:
            f["keep"] = np.arange(1000)
    before = out.read_bytes() if target == "existing" else None

    result = subprocess.run([GDCI, "convert", "--no-progress", "--buffer-shape", "20,8",
                             "--chunk-shape", "20,8", f"{source}:/data", f"{out}:/new"],
                            capture_output=True, text=True, env=CHILD_ENV, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdci"), lines
    assert f"The chunk at (300, 0) of '/data' in '{source}' is damaged" in lines[0]
    if target == "existing":
        assert sorted(os.listdir(outdir)) == ["out.h5"]
        assert out.read_bytes() == before
    else:
        assert os.listdir(outdir) == []
