# SPDX-License-Identifier: LGPL-2.1-or-later
"""The examples run and print what the tutorial prints."""

import os
import re
import subprocess

import h5py
import numpy as np

BUILD = os.environ["G_TEST_BUILDDIR"]
EXAMPLES = os.path.join(os.path.dirname(BUILD), "examples")

TUTORIAL_SELECTIONS = [
    "Buffer number 1 returns data from selection: [0:12640, 0:3160]",
    "Buffer number 2 returns data from selection: [0:12640, 3160:5000]",
    "Buffer number 3 returns data from selection: [12640:20000, 0:3160]",
    "Buffer number 4 returns data from selection: [12640:20000, 3160:5000]",
]


def check_tutorial_output(lines):
    # the 12 x 6 array of digits in one buffer, printed as numpy prints it
    assert re.fullmatch(r"\[\[\d( \d){5}\]", lines[0]), lines[0]
    for line in lines[1:11]:
        assert re.fullmatch(r" \[\d( \d){5}\]", line), line
    assert re.fullmatch(r" \[\d( \d){5}\]\]", lines[11]), lines[11]
    assert lines[12:16] == TUTORIAL_SELECTIONS


def test_c_tutorial(tmp_path):
    out = tmp_path / "tutorial.hdf5"
    result = subprocess.run([os.path.join(EXAMPLES, "tutorial"), str(out)],
                            capture_output=True, text=True, check=True)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    check_tutorial_output(lines)
    assert lines[16] == (f"Wrote {out}:/test, shape (20000, 5000), int16, "
                         "chunks (1000, 250), in 4 buffers")
    assert len(lines) == 17
    with h5py.File(out, "r") as f:
        dset = f["test"]
        assert dset.shape == (20000, 5000)
        assert dset.dtype == np.dtype("int16")
        assert dset.chunks == (1000, 250)
        data = dset[...]
    assert data.min() == 0 and data.max() == 9
    # every part of the dataset was written: digits are uniform, so each
    # 1000 x 250 chunk has a mean near 4.5, never the fill value 0
    means = data.reshape(20, 1000, 20, 250).mean(axis=(1, 3))
    assert (np.abs(means - 4.5) < 0.1).all()


def test_c_tutorial_without_output_cleans_up(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    result = subprocess.run([os.path.join(EXAMPLES, "tutorial")],
                            capture_output=True, text=True, check=True, env=env)
    check_tutorial_output(result.stdout.splitlines())
    assert list(tmp_path.iterdir()) == []
