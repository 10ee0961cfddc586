# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the fault-injection tests share: running gdci (under the fault
shim, a file-size limit or neither), the recordings and the existing files
it writes into, and the checks of what a run left on disk."""

import os
import pathlib
import random
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np

# every random choice of the suite derives from this seed
SEED = int(os.environ.get("GDCI_FAULT_SEED", "1010"))

# under AddressSanitizer every run is several times slower: fewer cases
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")


def rng_for(*words):
    """A random generator of its own for each test, from the seed and the
    test's words, so that one test's cases do not depend on another's"""
    return random.Random(f"{SEED}:" + ":".join(map(str, words)))


# what the suite did, for its summary: runs of gdci, faults the shim
# injected, signals sent
STATS = {"runs": 0, "faults injected": 0, "signals sent": 0}


class Gdci:
    """The installed gdci tool, run with the shim or without"""

    def __init__(self, path, library_dir, shim):
        self.path = path
        self.shim = shim
        env = {k: v for k, v in os.environ.items() if not k.startswith("GDCI_FAULT")}
        env["LD_LIBRARY_PATH"] = library_dir
        # the bar would go to standard error: one line there is the promise
        env.pop("G_DEBUG", None)
        self.env = env

    def environment(self, fault=None, report=None):
        env = dict(self.env)
        if fault is not None or report is not None:
            # the sanitizer's runtime, if any, stays first
            preload = env.get("LD_PRELOAD", "").split()
            env["LD_PRELOAD"] = " ".join(preload + [self.shim])
        if fault is not None:
            env["GDCI_FAULT"] = fault
        if report is not None:
            env["GDCI_FAULT_REPORT"] = str(report)
        return env

    def command(self, args):
        return [self.path, *map(str, args)]

    def run(self, args, fault=None, report=None, fsize=None, timeout=120):
        preexec = None
        if fsize is not None:
            preexec = lambda: limit_file_size(fsize)   # noqa: E731
        STATS["runs"] += 1
        return subprocess.run(self.command(args), capture_output=True, text=True,
                              env=self.environment(fault, report), preexec_fn=preexec,
                              timeout=timeout)

    def run_with_fault(self, args, fault, directory):
        """Runs @args with @fault; the result, and how many calls the shim
        made fail (None if the run ended without saying)"""
        report = pathlib.Path(directory) / f"fault-report-{os.getpid()}.txt"
        report.unlink(missing_ok=True)
        result = self.run(args, fault=fault, report=report)
        injected = None
        if report.exists():
            counts = dict(line.split() for line in report.read_text().splitlines())
            injected = int(counts["injected"])
            STATS["faults injected"] += injected
            report.unlink()
        return result, injected

    def popen(self, args, **kwargs):
        STATS["runs"] += 1
        return subprocess.Popen(self.command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.environment(), **kwargs)

    def count_calls(self, args, directory):
        """How many calls of each function of the shim a clean run of
        @args makes, as {function: count}; the run must succeed"""
        report = pathlib.Path(directory) / "calls.txt"
        result = self.run(args, report=report)
        assert result.returncode == 0, result.stderr
        counts = dict(line.split() for line in report.read_text().splitlines())
        report.unlink()
        return {name: int(count) for name, count in counts.items()}


def limit_file_size(size):
    """In the child: ulimit -f, with the signal it would send ignored"""
    import resource
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


# ---- what gdci reads and writes into --------------------------------------

ROWS, CHANNELS = 8192, 16        # 256 KiB of int16
SIZE_ARGS = ["--dtype", "int16", "--shape", f"{ROWS},{CHANNELS}", "--chunk-shape", "512,8",
             "--buffer-shape", "2048,16", "--no-progress"]


def write_recording(path, rows=ROWS, channels=CHANNELS, seed=SEED):
    rng = np.random.default_rng(seed)
    data = (rng.normal(0, 30, size=(rows, channels))
            + 200 * np.sin(np.arange(rows) / 300)[:, None]).astype("int16")
    data.tofile(path)
    return data


def write_existing(path, libver):
    """An HDF5 file of several datasets, groups and attributes, and /old,
    which --overwrite replaces"""
    kwargs = {"libver": "latest"} if libver == "latest" else {}
    with h5py.File(path, "w", **kwargs) as f:
        f.attrs["identifier"] = "session-1"
        f["subject/age"] = np.array([42])
        f["subject"].attrs["species"] = "Mus musculus"
        f.create_dataset("acquisition/lfp", data=np.arange(20000, dtype="<f4").reshape(2000, 10),
                         chunks=(500, 10), compression="gzip")
        f["acquisition/lfp"].attrs["rate"] = 1250.0
        old = f.create_dataset("old", data=np.arange(3000, dtype="<i2").reshape(300, 10),
                               chunks=(100, 10))
        old.attrs["units"] = "uV"


def read_contents(path):
    """Everything in an HDF5 file: {path: (kind, dtype, shape, bytes,
    attributes)}, attributes as {name: (dtype, bytes)}"""
    contents = {}

    def attributes(obj):
        return {name: (str(np.asarray(value).dtype), np.asarray(value).tobytes())
                for name, value in obj.attrs.items()}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            value = obj[...]
            contents[name] = ("dataset", str(obj.dtype), obj.shape, value.tobytes(),
                              attributes(obj))
        else:
            contents[name] = ("group", None, None, None, attributes(obj))

    with h5py.File(path, "r") as f:
        contents["/"] = ("group", None, None, None, attributes(f))
        f.visititems(visit)
    return contents


# ---- a target, and what a run may leave there -------------------------------

# existing: which file is there first (None, or the libver it was made
# with); dataset: where the conversion writes; overwrite: --overwrite
CASES = {
    "new": dict(existing=None, dataset="/data", overwrite=False),
    "existing": dict(existing="earliest", dataset="/acquisition/raw", overwrite=False),
    "existing_latest": dict(existing="latest", dataset="/acquisition/raw", overwrite=False),
    "overwrite": dict(existing="earliest", dataset="/old", overwrite=True),
    "overwrite_latest": dict(existing="latest", dataset="/old", overwrite=True),
}


class Target:
    """A directory holding what one case starts from: nothing, or an
    existing file (copied from a pristine one made once per case)"""

    def __init__(self, case, pristine_dir, directory):
        self.case = case
        spec = CASES[case]
        self.existing = spec["existing"]
        self.dataset = spec["dataset"]
        self.overwrite = spec["overwrite"]
        self.directory = pathlib.Path(directory)
        self.path = self.directory / "out.h5"
        self.pristine = None
        if self.existing is not None:
            self.pristine = pathlib.Path(pristine_dir) / f"pristine-{self.existing}.h5"
            if not self.pristine.exists():
                write_existing(self.pristine, self.existing)
            self.pristine_bytes = self.pristine.read_bytes()
            self.pristine_contents = read_contents(self.pristine)

    def reset(self):
        """The directory as the case starts: only what the test made"""
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir()
        if self.pristine is not None:
            shutil.copyfile(self.pristine, self.path)

    def made(self):
        return ["out.h5"] if self.pristine is not None else []

    def convert_args(self, recording, extra=(), size_args=SIZE_ARGS):
        args = ["convert", recording, f"{self.path}:{self.dataset}", *size_args, *extra]
        if self.overwrite:
            args.append("--overwrite")
        return args

    def listing(self):
        return sorted(os.listdir(self.directory))

    def check_unchanged(self, label):
        """The target as it was: no file, or the existing one byte for byte"""
        assert self.listing() == self.made(), f"{label}: left {self.listing()}"
        if self.pristine is None:
            return
        now = self.path.read_bytes()
        assert len(now) == len(self.pristine_bytes), \
            f"{label}: the file is {len(now)} bytes, not {len(self.pristine_bytes)}"
        assert now == self.pristine_bytes, f"{label}: the file's bytes changed"
        assert read_contents(self.path) == self.pristine_contents, f"{label}: contents changed"

    def check_written(self, data, label):
        """The dataset complete and right, and everything else as it was"""
        assert self.listing() == ["out.h5"], f"{label}: left {self.listing()}"
        contents = read_contents(self.path)
        name = self.dataset.lstrip("/")
        kind, dtype, shape, raw, _ = contents.pop(name)
        assert (kind, dtype, shape) == ("dataset", "int16", data.shape), \
            f"{label}: {kind} {dtype} {shape}"
        assert raw == data.tobytes(), f"{label}: the dataset's values are wrong"
        if self.pristine is not None:
            expected = dict(self.pristine_contents)
            expected.pop(name, None)
            # groups made for the new dataset (none here: they exist)
            assert contents == expected, f"{label}: the file's other contents changed"
        else:
            assert set(contents) == {"/"}, f"{label}: {sorted(contents)}"

    def check_outcome(self, result, data, label):
        """What a run that may have failed must leave: status 0 and the
        dataset written, or status 1, one line, and the target as it was"""
        assert result.returncode in (0, 1), \
            f"{label}: status {result.returncode}, stderr {result.stderr!r}"
        if result.returncode == 0:
            assert result.stdout.startswith("Wrote "), f"{label}: {result.stdout!r}"
            assert result.stderr == "", f"{label}: written, but {result.stderr!r}"
            self.check_written(data, label)
            return True
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("gdci"), f"{label}: stderr {result.stderr!r}"
        assert "HDF5-DIAG" not in result.stderr, f"{label}: {result.stderr!r}"
        self.check_unchanged(label)
        return False


def describe(gdci, args, fault=None, fsize=None):
    """How to reproduce a run, for assertion messages"""
    words = [f"GDCI_FAULT_SEED={SEED}"]
    if fault is not None:
        words += [f"GDCI_FAULT={fault}", f"LD_PRELOAD={gdci.shim}"]
    if fsize is not None:
        words.append(f"(ulimit -f of {fsize} bytes)")
    return " ".join(words + ["gdci", *map(str, args)])


# ---- a run watched while it writes ------------------------------------------

def open_for_writing(pid, fd):
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}") as f:
            flags = next(line for line in f if line.startswith("flags:"))
    except (OSError, StopIteration):
        return False
    return int(flags.split()[1], 8) & os.O_ACCMODE != os.O_RDONLY


def writing_to(pid, directory):
    """Whether process @pid has a file of @directory open for writing (the
    target, or its temporary copy): not only looked at"""
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return False
    for name in names:
        try:
            link = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if (os.path.dirname(link) == str(directory) and link.endswith((".h5", ".partial"))
                and open_for_writing(pid, name)):
            return True
    return False


def wait_until_writing(process, directory, timeout=60):
    """Waits until @process has opened its target in @directory: its
    signal handlers are in place then. False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if writing_to(process.pid, os.path.realpath(directory)):
            return True
        time.sleep(0.001)
    raise AssertionError(f"gdci did not open its target in {directory} within {timeout} s")


def partial_files(directory):
    return [name for name in os.listdir(directory) if name.endswith(".partial")]
