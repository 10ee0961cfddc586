# SPDX-License-Identifier: LGPL-2.1-or-later
"""gdci convert stopped from outside: SIGINT, SIGTERM and SIGHUP at seeded
random moments of a conversion (they cancel it: status 1, "interrupted",
the target as it was, nothing left beside it); SIGKILL at random moments,
after which a second conversion to the same target, or `gdci clean`,
leaves nothing of the killed one; and another program creating the target
file while a new file is written (gdci says it "already exists", and
leaves that file alone).

The moments are drawn once gdci has its target open for writing, when its
signal handlers are in place; a signal that comes after the conversion
ended finds it done (status 0, the dataset written). The drawing comes
from GDCI_FAULT_SEED, named in every assertion message."""

import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

import faults_helpers as fh

BIG_ROWS, BIG_CHANNELS = 200_000, 64      # 25.6 MB of int16
BIG_ARGS = ["--dtype", "int16", "--shape", f"{BIG_ROWS},{BIG_CHANNELS}", "--chunk-mb", "1",
            "--buffer-gb", "0.004", "--compression", "gzip:6", "--shuffle", "--threads", "1",
            "--no-progress"]

MOMENTS = 2 if fh.SANITIZED else 3


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, gdci):
    """The recording, and how long gdci takes to write it once its target is
    open (the moments are drawn within that)"""
    root = tmp_path_factory.mktemp("signals")
    recording = root / "big.bin"
    data = fh.write_recording(recording, rows=BIG_ROWS, channels=BIG_CHANNELS)
    target = fh.Target("new", root, root / "calibrate")
    target.reset()
    process = gdci.popen(target.convert_args(recording, size_args=BIG_ARGS))
    fh.wait_until_writing(process, target.directory)
    start = time.monotonic()
    out, err = process.communicate(timeout=300)
    duration = time.monotonic() - start
    assert process.returncode == 0, err
    target.check_written(data, "the calibration run")
    return {"root": root, "recording": recording, "data": data, "duration": duration}


def start_writing(gdci, workspace, target):
    args = target.convert_args(workspace["recording"], size_args=BIG_ARGS)
    process = gdci.popen(args)
    started = fh.wait_until_writing(process, target.directory)
    return process, args, started


def interrupted_line(target):
    return f"gdci convert: interrupted: {target.dataset} was not written to '{target.path}'"


CANCELLING = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
SIGNAL_CASES = ["new", "existing", "existing_latest", "overwrite"]


@pytest.mark.parametrize("case", SIGNAL_CASES)
@pytest.mark.parametrize("signum", CANCELLING, ids=lambda s: s.name)
def test_signal_cancels(gdci, workspace, case, signum):
    rng = fh.rng_for("signal", case, signum.name)
    target = fh.Target(case, workspace["root"], workspace["root"] / "run")
    failures = []
    for moment in range(MOMENTS):
        delay = rng.uniform(0, 1.2 * workspace["duration"])
        target.reset()
        process, args, started = start_writing(gdci, workspace, target)
        label = (f"{case}, {signum.name} {delay:.3f} s after the target was open "
                 f"(moment {moment}): {fh.describe(gdci, args)}")
        if started:
            time.sleep(delay)
            if process.poll() is None:
                process.send_signal(signum)
                fh.STATS["signals sent"] += 1
        out, err = process.communicate(timeout=300)
        try:
            result = subprocess.CompletedProcess(args, process.returncode, out, err)
            if process.returncode == -signum:
                # in the moment between the end of the write and the end of
                # the process, the signal's default action: all was written
                target.check_written(workspace["data"], f"{label}: ended by the signal")
            elif not target.check_outcome(result, workspace["data"], label):
                assert err.splitlines() == [interrupted_line(target)], f"{label}: {err!r}"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)


# ---- SIGKILL, then what cleans up -------------------------------------------

# the cases, and why each is known to fail (None: it passes)
KILL_CASES = {
    "new": None,
    "existing": None,
    "existing_latest": None,
    "overwrite": None,
    "overwrite_latest": None,
}


def kill_params():
    for case, reason in KILL_CASES.items():
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        yield pytest.param(case, marks=marks)


def kill_while_writing(gdci, workspace, target, rng, label):
    """Starts a conversion and kills it at a seeded moment while it writes;
    the moment's description. The kill comes before the conversion ends:
    it is stopped first, and the test checks it is still writing."""
    for attempt in range(5):
        delay = rng.uniform(0, 0.6 * workspace["duration"])
        target.reset()
        process, args, started = start_writing(gdci, workspace, target)
        assert started, f"{label}: gdci ended before it opened its target: {process.communicate()}"
        time.sleep(delay)
        process.send_signal(signal.SIGSTOP)
        still_writing = fh.writing_to(process.pid, os.path.realpath(target.directory))
        process.kill()
        fh.STATS["signals sent"] += 1
        process.communicate(timeout=60)
        if still_writing:
            assert process.returncode == -signal.SIGKILL, f"{label}: status {process.returncode}"
            return (f"{label}: killed {delay:.3f} s after the target was open "
                    f"({fh.describe(gdci, args)})")
    raise AssertionError(f"{label}: the conversion ended each time before the kill")


def no_gdci_names(path):
    with h5py.File(path, "r") as f:
        names = []
        f.visit(names.append)
    return [name for name in names if os.path.basename(name).startswith(".gdci-")]


@pytest.mark.parametrize("case", kill_params())
def test_second_run_after_sigkill(gdci, workspace, case):
    """A conversion to the same target after a killed one succeeds, and
    leaves nothing of the killed one"""
    rng = fh.rng_for("sigkill", case)
    target = fh.Target(case, workspace["root"], workspace["root"] / "killed")
    failures = []
    for moment in range(MOMENTS):
        label = kill_while_writing(gdci, workspace, target, rng, f"{case}, moment {moment}")
        result = gdci.run(target.convert_args(workspace["recording"], size_args=BIG_ARGS),
                          timeout=300)
        try:
            assert result.returncode == 0, f"{label}: the second run: {result.stderr!r}"
            target.check_written(workspace["data"], f"{label}, then a second run")
            assert no_gdci_names(target.path) == [], f"{label}: {no_gdci_names(target.path)}"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", list(KILL_CASES))
def test_clean_after_sigkill(gdci, workspace, case):
    """gdci clean PATH (the file written into, or the directory of a new
    file) removes what a killed conversion left: the file then opens, holds
    what it held, and nothing else is left"""
    rng = fh.rng_for("clean", case)
    target = fh.Target(case, workspace["root"], workspace["root"] / "cleaned")
    label = kill_while_writing(gdci, workspace, target, rng, case)
    cleaned = target.path if target.pristine is not None else target.directory
    result = gdci.run(["clean", cleaned])
    assert result.returncode == 0, f"{label}: gdci clean: {result.stderr!r}"
    assert target.listing() == target.made(), f"{label}: left {target.listing()}"
    if target.pristine is not None:
        assert fh.read_contents(target.path) == target.pristine_contents, label
    # and a second clean finds nothing to do
    assert gdci.run(["clean", cleaned]).returncode == 0, label


def test_clean_leaves_other_files_alone(gdci, workspace):
    """gdci clean on a directory that holds nothing a killed write left
    succeeds and changes nothing"""
    directory = workspace["root"] / "tidy"
    directory.mkdir()
    fh.write_existing(directory / "a.h5", "latest")
    (directory / "notes.partial").write_text("someone else's")
    before = {name: (directory / name).read_bytes() for name in os.listdir(directory)}
    result = gdci.run(["clean", directory])
    assert result.returncode == 0, result.stderr
    assert {name: (directory / name).read_bytes() for name in os.listdir(directory)} == before


# ---- the target appears meanwhile ---------------------------------------------

def make_text(path):
    path.write_bytes(b"not an HDF5 file\n")


def make_hdf5(path):
    with h5py.File(path, "w") as f:
        f["theirs"] = np.arange(10)


@pytest.mark.parametrize("make", [make_text, make_hdf5], ids=["text", "hdf5"])
def test_target_appears_while_writing(gdci, workspace, make):
    """Another program creates the target's name while gdci writes a new
    file: gdci does not replace it, says it already exists, and leaves
    nothing of its own"""
    target = fh.Target("new", workspace["root"], workspace["root"] / "race")
    label = f"{make.__name__}: {fh.describe(gdci, ['convert', '...'])}"
    for attempt in range(5):
        target.reset()
        process, args, started = start_writing(gdci, workspace, target)
        assert started, f"{label}: gdci ended before it opened its target"
        # held still while the other file appears: still being written?
        process.send_signal(signal.SIGSTOP)
        if fh.partial_files(target.directory) and not target.path.exists():
            break
        process.send_signal(signal.SIGCONT)
        process.communicate(timeout=300)
    else:
        raise AssertionError(f"{label}: never caught gdci writing")
    make(target.path)
    theirs = target.path.read_bytes()
    process.send_signal(signal.SIGCONT)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 1, f"{label}: status {process.returncode}, {err!r}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdci") and "already exists" in lines[0], \
        f"{label}: {err!r}"
    assert target.path.read_bytes() == theirs, f"{label}: the other file changed"
    assert target.listing() == ["out.h5"], f"{label}: left {target.listing()}"
