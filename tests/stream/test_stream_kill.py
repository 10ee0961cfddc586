# SPDX-License-Identifier: LGPL-2.1-or-later
"""Recordings killed with SIGKILL at random moments: a child process
(stream_child.py) records frames whose values derive from their index,
with a short flush_interval, and prints frames_durable after every
`flushed` signal; it is killed between 0.2 and 2 s after its stream is
made. The file must then hold at least the frames of the last report, bit
for bit (and any frame beyond them correct too) for h5py with swmr=True;
`gdci convert FILE:/dataset` must read it as it is, and after `gdci clean
FILE` a plain h5py must open it with the same frames.

The moments and settings come from GDCI_STREAM_KILL_SEED (printed in the
summary and in every assertion), GDCI_STREAM_KILL_RUNS kills. Kills before
the first flush, and at each write and sync of a recording's set-up (with
strace's syscall injection, where strace may trace), leave no file or one
that opens."""

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a user's does
import numpy as np
import pytest

import stream_helpers
from stream_helpers import Child, assert_frames, hidden_files, last_durable

stream_helpers.KILL_SEED_USED = True
SEED = stream_helpers.KILL_SEED
DATASET = "/acquisition/probe0"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill_plan(run):
    """The settings and moment of kill number @run, from the seed"""
    rng = random.Random(f"{SEED}:kill:{run}")
    if rng.random() < 0.5:
        frame_shape, dtype = (256,), "int16"
        chunk_shape = [rng.choice([100, 250, 500]), None]
    else:
        frame_shape, dtype = (12, 40), "uint16"
        chunk_shape = [rng.choice([20, 64]), rng.choice([5, 12]), None]
    # zstd in every third kill, gzip-fast with shuffle in the others
    if run % 3 == 2:
        codec = {"compression": "zstd"}
    else:
        codec = {"compression": "gzip-fast", "shuffle": True}
    return {
        "frame_shape": frame_shape, "dtype": dtype,
        "settings": dict(codec, chunk_shape=chunk_shape,
                         flush_interval=rng.choice([0.03, 0.05, 0.1])),
        "batch": rng.choice([4, 10, 25]),
        "delay": rng.uniform(0.2, 2.0),
    }


def record_and_kill(path, plan, what):
    """Runs a recording into @path and kills it @plan["delay"] seconds
    after its stream was made; the child, done"""
    config = {"filename": str(path), "dataset": DATASET, "dtype": plan["dtype"],
              "frame_shape": list(plan["frame_shape"]), "settings": plan["settings"],
              "steps": [["record", plan["batch"], 0.005, None]]}
    child = Child("stream_child.py", config)
    try:
        child.wait_for("created", timeout=120)
        child.drain(plan["delay"])
        assert child.process.poll() is None, f"{what}: {child.describe()}"
        os.kill(child.process.pid, signal.SIGKILL)
    finally:
        status = child.finish()
    assert status == -signal.SIGKILL, f"{what}: {child.describe()}"
    return child


def check_killed_file(gdci_cli, path, plan, durable, what):
    """What a killed recording left in @path: at least @durable frames,
    every one correct, for h5py with swmr=True, gdci convert, and a plain
    h5py after gdci clean"""
    shape, dtype = plan["frame_shape"], plan["dtype"]
    with h5py.File(path, "r", swmr=True) as file:
        data = file[DATASET][()]
    assert len(data) >= durable, f"{what}: {len(data)} frames in the file, {durable} durable"
    assert_frames(data, 0, shape, dtype, f"{what}: the killed file")

    before = digest(path)
    out = path.with_name("out.h5")
    result = gdci_cli.run("convert", "--no-progress", f"{path}:{DATASET}", out)
    if len(data) == 0:
        # nothing to convert: refused as such
        assert result.returncode != 0 and "length 0" in result.stderr, (what, result.stderr)
    else:
        assert result.returncode == 0, (what, result.stderr)
        with h5py.File(out, "r") as file:
            converted = file["/data"][()]
        assert converted.shape == data.shape, what
        assert converted.dtype == data.dtype and converted.tobytes() == data.tobytes(), what
        out.unlink()
    assert digest(path) == before, f"{what}: gdci convert changed the file it read"

    result = gdci_cli.run("clean", path)
    assert result.returncode == 0, (what, result.stderr)
    with h5py.File(path, "r") as file:
        cleaned = file[DATASET][()]
    assert cleaned.shape == data.shape, what
    assert cleaned.dtype == data.dtype and cleaned.tobytes() == data.tobytes(), what
    assert hidden_files(path.parent) == [], what


@pytest.mark.parametrize("run", range(stream_helpers.KILL_RUNS))
def test_killed_recording(tmp_path, gdci_cli, run):
    plan = kill_plan(run)
    what = (f"kill {run} (GDCI_STREAM_KILL_SEED={SEED}): {plan['dtype']} frames of "
            f"{plan['frame_shape']}, {plan['settings']}, {plan['batch']} frames an append, "
            f"killed after {plan['delay']:.2f} s")
    path = tmp_path / "recording.h5"
    child = record_and_kill(path, plan, what)
    durable = last_durable(child)
    what += f", {durable} frames durable"
    for event in child.of("durable"):
        assert event["frames"] >= event["signal"], what
    check_killed_file(gdci_cli, path, plan, durable, what)


@pytest.mark.parametrize("run", range(4))
def test_killed_before_the_first_flush(tmp_path, gdci_cli, run):
    """Killed while it appends, before its first flush (a flush_interval
    of an hour): the file opens with 0 frames or more, all correct"""
    rng = random.Random(f"{SEED}:early:{run}")
    plan = {"frame_shape": (64,), "dtype": "int16", "batch": 10,
            "delay": rng.uniform(0.0, 0.3),
            "settings": {"compression": "gzip-fast", "shuffle": True,
                         "chunk_shape": [rng.choice([50, 5000]), None],
                         "flush_interval": 3600}}
    what = (f"early kill {run} (GDCI_STREAM_KILL_SEED={SEED}): {plan['settings']}, "
            f"killed after {plan['delay']:.2f} s")
    path = tmp_path / "recording.h5"
    child = record_and_kill(path, plan, what)
    assert last_durable(child) == 0, what
    check_killed_file(gdci_cli, path, plan, 0, what)


@pytest.mark.parametrize("run", range(3))
def test_killed_at_any_moment_of_its_start(tmp_path, run):
    """Killed at a random moment from the start of the process, before its
    stream is made or while it is: no file, or one that opens with 0 frames
    or more, all correct"""
    rng = random.Random(f"{SEED}:start:{run}")
    path = tmp_path / "recording.h5"
    config = {"filename": str(path), "dataset": DATASET, "dtype": "int16",
              "frame_shape": [8], "settings": {"flush_interval": 0.05},
              "steps": [["record", 3, 0.005, None]]}
    child = Child("stream_child.py", config)
    time.sleep(rng.uniform(0.0, 1.5 if stream_helpers.SANITIZED else 0.5))
    child.process.kill()
    child.finish()
    durable = last_durable(child)
    if not path.exists():
        assert durable == 0 and not child.of("created")
        return
    with h5py.File(path, "r", swmr=True) as file:
        data = file[DATASET][()]
    assert len(data) >= durable
    assert_frames(data, 0, (8,), "int16", f"start kill {run} (GDCI_STREAM_KILL_SEED={SEED})")


# ---- killed at each write of the set-up ------------------------------------

STRACE = shutil.which("strace")


def strace_works():
    """Whether strace may trace here (ptrace is refused in some containers)"""
    return STRACE is not None and subprocess.run(
        [STRACE, "-qq", "-o", os.devnull, "true"], capture_output=True).returncode == 0


# the calls of a new recording's set-up and first flush, and which of each
# to kill the process at (strace's syscall injection: deterministic): the
# set-up's three writes, its sync, the rename that gives the file its
# name and the directory's sync; the first flush's writes and sync
SET_UP_CALLS = [("pwrite64", n) for n in range(1, 7)] + [
    ("fdatasync", 1), ("renameat2", 1), ("fsync", 1), ("fdatasync", 2)]


def kill_at(call, n):
    """strace, to run a command killed at its @n-th @call (in any thread)"""
    return [STRACE, "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}",
            "-e", f"inject={call}:signal=KILL:when={n}"]


@pytest.mark.skipif(not strace_works(), reason="strace cannot trace here")
@pytest.mark.parametrize("call, n", SET_UP_CALLS, ids=[f"{c}-{n}" for c, n in SET_UP_CALLS])
def test_killed_while_setting_up(tmp_path, gdci_cli, call, n):
    """Killed at any write or sync of its set-up or its first flush, a new
    recording leaves no file under its name (a hidden one, which gdci clean
    removes), or one that readers in SWMR mode open, with its frames
    durable or none; after gdci clean other readers open it too (the
    frames a flush wrote beyond the end its superblock recorded too)"""
    path = tmp_path / "recording.h5"
    config = {"filename": str(path), "dataset": DATASET, "dtype": "int16",
              "frame_shape": [16], "settings": {"flush_interval": 3600},
              "steps": [["append", 10], ["flush"], ["append", 5], ["close"]]}
    child = Child("stream_child.py", config, wrapper=kill_at(call, n))
    status = child.finish()
    what = f"killed at {call} #{n} (status {status}, events {child.events})"
    assert status in (0, -signal.SIGKILL), what + child.stderr
    durable = last_durable(child)
    if path.exists():
        with h5py.File(path, "r", swmr=True) as file:
            data = file[DATASET][()]
        assert len(data) >= durable, what
        assert_frames(data, 0, (16,), "int16", what)
    else:
        assert durable == 0 and not child.of("created"), what
    # the directory: the hidden files of killed writes; the file: its mark
    result = gdci_cli.run("clean", tmp_path, *([path] if path.exists() else []))
    assert result.returncode == 0, (what, result.stderr)
    assert hidden_files(tmp_path) == [], what
    if path.exists():
        with h5py.File(path, "r") as file:
            assert_frames(file[DATASET][()], 0, (16,), "int16", what)
            assert len(file[DATASET]) == len(data), what


@pytest.mark.skipif(not strace_works(), reason="strace cannot trace here")
@pytest.mark.parametrize("n", range(1, 13))
def test_killed_while_adding_a_dataset(tmp_path, gdci_cli, n):
    """Killed at any write of the set-up of a recording into an existing
    file: after gdci clean the file opens everywhere, with its own dataset
    as it was"""
    path = tmp_path / "session.h5"
    with h5py.File(path, "w", libver="latest") as file:
        file["/meta/labels"] = np.arange(100)
    config = {"filename": str(path), "dataset": DATASET, "dtype": "int16",
              "frame_shape": [16], "settings": {"flush_interval": 3600},
              "steps": [["append", 10], ["flush"], ["close"]]}
    child = Child("stream_child.py", config, wrapper=kill_at("pwrite64", n))
    status = child.finish()
    what = f"killed at pwrite64 #{n} (status {status}, events {child.events})"
    assert status in (0, -signal.SIGKILL), what + child.stderr
    result = gdci_cli.run("clean", path)
    assert result.returncode == 0, (what, result.stderr)
    with h5py.File(path, "r") as file:
        assert file["/meta/labels"][()].tolist() == list(range(100)), what
        # a set-up killed before its journal was committed is undone by
        # gdci clean: the file is as it was, without the dataset
        if DATASET not in file:
            assert not child.of("created"), what
            return
        dataset = file[DATASET]
        assert len(dataset) >= last_durable(child), what
        assert_frames(dataset[()], 0, (16,), "int16", what)
