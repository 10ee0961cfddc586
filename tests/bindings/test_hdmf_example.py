# SPDX-License-Identifier: LGPL-2.1-or-later
"""The example of the page "Writing NWB and hdmf files fast": the page
shows examples/hdmf_write.py as it is, and the example runs, writes what
io.write() would, and reads back through hdmf."""

import os
import re
import subprocess
import sys

import h5py
import numpy as np

TOP = os.path.dirname(os.environ["G_TEST_SRCDIR"])
EXAMPLE = os.path.join(TOP, "examples", "hdmf_write.py")
PAGE = os.path.join(TOP, "doc", "hdmf-fast.md")


def test_the_page_shows_the_example_as_it_is():
    with open(PAGE) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)
    with open(EXAMPLE) as f:
        assert f.read() in blocks


def test_the_example_runs_and_reads_back(tmp_path):
    path = tmp_path / "recording.h5"
    result = subprocess.run([sys.executable, EXAMPLE, str(path)], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ElectricalSeries/data: (300000, 384) int16, chunks (")
    assert lines[0].endswith("gzip level 4")
    assert lines[1] == "units: 100 units, unit 0 has 20000 spikes"
    with h5py.File(path) as f:
        data = f["ElectricalSeries/data"]
        assert data.shuffle and data.compression == "gzip"
        assert data.id.get_num_chunks() == np.prod([-(-n // c) for n, c in zip(data.shape, data.chunks)])
        assert f["units/spike_times"].compression == "gzip"
        assert f["units/spike_times_index"].attrs["target"] is not None
        assert f[f["units/spike_times_index"].attrs["target"]].name == "/units/spike_times"
    assert sorted(os.listdir(tmp_path)) == ["recording.h5"]
