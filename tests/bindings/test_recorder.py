# SPDX-License-Identifier: LGPL-2.1-or-later
"""examples/recorder.py, the GTK 4 recorder, run headless under Xvfb as a
user runs it: it records the simulated probe for a few seconds with
Gdci.H5Stream, saves a screenshot of its window and quits. The file holds
exactly the probe's samples from frame 0, the screenshot shows the plotted
traces, a second recording into the same file is a dataset of its own,
and errors are one line on standard error, never a traceback."""

import importlib.util
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

EXAMPLES_SRC = os.path.join(os.path.dirname(os.environ["G_TEST_SRCDIR"]), "examples")
RECORDER = os.path.join(EXAMPLES_SRC, "recorder.py")
XVFB_RUN = shutil.which("xvfb-run")

pytestmark = pytest.mark.skipif(XVFB_RUN is None, reason="xvfb-run is not installed (Debian's xvfb)")


def load_recorder():
    """recorder.py as a module, for its probe and its settings."""
    spec = importlib.util.spec_from_file_location("recorder", RECORDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recorder = load_recorder()


def run(cwd, *args):
    """The app under its own Xvfb, with the build tree's library; a
    sanitizer's preload (sanitizer builds) goes to the app, not to Xvfb."""
    env = dict(os.environ, GTK_A11Y="none", NO_AT_BRIDGE="1")
    preload = env.pop("LD_PRELOAD", None)
    app_env = ["GDK_BACKEND=x11", "GSK_RENDERER=cairo"] + ([f"LD_PRELOAD={preload}"] if preload else [])
    command = [XVFB_RUN, "-a", "env", *app_env, sys.executable, RECORDER, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def assert_clean(result):
    assert "Traceback" not in result.stderr, result.stderr
    assert "CRITICAL" not in result.stderr, result.stderr


def assert_recorded(dataset):
    """The dataset is whole blocks of the probe's samples from frame 0."""
    n = dataset.shape[0]
    assert dataset.shape[1:] == (recorder.CHANNELS,) and dataset.dtype == np.dtype("int16")
    assert n % recorder.BLOCK_FRAMES == 0
    probe = recorder.Probe()
    step = recorder.RATE // 2
    for start in range(0, n, step):
        stop = min(start + step, n)
        assert np.array_equal(dataset[start:stop], probe.frames(start, stop - start)), f"frames {start}:{stop}"
    return n


def colour_counts(png):
    """For each trace colour, the pixels of the screenshot within a few
    levels of it (the plot's background is dark, its traces saturated)."""
    import gi
    gi.require_version("GdkPixbuf", "2.0")
    from gi.repository import GdkPixbuf

    pixbuf = GdkPixbuf.Pixbuf.new_from_file(str(png))
    channels, stride = pixbuf.get_n_channels(), pixbuf.get_rowstride()
    data = np.frombuffer(pixbuf.get_pixels(), np.uint8)
    rows = [data[y * stride:y * stride + pixbuf.get_width() * channels] for y in range(pixbuf.get_height())]
    pixels = np.stack(rows).reshape(pixbuf.get_height(), pixbuf.get_width(), channels)[..., :3].astype(int)
    counts = [int((np.abs(pixels - colour).max(axis=2) <= 24).sum()) for colour in recorder.TRACE_COLOURS]
    background = np.round(np.array(recorder.BACKGROUND) * 255).astype(int)
    return counts, int((np.abs(pixels - background).max(axis=2) <= 4).sum()), pixels.shape


def test_records_the_probe_and_saves_a_screenshot(tmp_path):
    result = run(tmp_path, "--output", "out.h5", "--record-seconds", "3", "--screenshot", "shot.png",
                 "--quit-after")
    assert result.returncode == 0, result.stderr
    assert_clean(result)

    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert list(f["acquisition"]) == ["probe0"]
        dset = f["/acquisition/probe0"]
        n = assert_recorded(dset)
        # about 3 s of the probe: at least 1 s of it, and not more than real time
        assert recorder.RATE <= n <= 6 * recorder.RATE, n
        assert dset.compression == "gzip" and dset.shuffle

    counts, background, (height, width, _) = colour_counts(tmp_path / "shot.png")
    assert width >= 600 and height >= 400
    # every plotted channel is a trace across the plot, on the plot's background
    assert all(count >= 2000 for count in counts), counts
    assert background >= width * height // 5, background


def test_a_second_recording_is_a_dataset_of_its_own(tmp_path):
    for seconds in ("1", "1"):
        result = run(tmp_path, "--output", "out.h5", "--record-seconds", seconds, "--quit-after")
        assert result.returncode == 0, result.stderr
        assert_clean(result)
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert sorted(f["acquisition"]) == ["probe0", "probe1"]
        for name in ("probe0", "probe1"):
            assert assert_recorded(f["acquisition"][name]) >= recorder.RATE // 10


def test_errors_are_one_line_not_a_traceback(tmp_path):
    result = run(tmp_path, "--output", str(tmp_path / "missing" / "out.h5"), "--record-seconds", "1",
                 "--quit-after")
    assert result.returncode == 1
    assert_clean(result)
    assert "gdci-recorder: " in result.stderr and "missing" in result.stderr, result.stderr
    assert not (tmp_path / "missing").exists()

    result = run(tmp_path, "--screenshot", "shot.png")
    assert result.returncode == 2
    assert_clean(result)
    assert "--record-seconds" in result.stderr
    assert list(tmp_path.iterdir()) == []
