# SPDX-License-Identifier: LGPL-2.1-or-later
"""The tests of Gdci.H5Stream through the Python overrides: what append
takes, the settings, the counts and the signals (test_stream_python.py);
readers in other processes while a recording grows
(test_stream_readers.py); recordings killed with SIGKILL
(test_stream_kill.py); file-size limits and the errors of misuse
(test_stream_limits.py).

Files are read back with h5py and hdf5plugin, in this process and in
child processes, which inherit this environment (the sanitizer's runtime
in LD_PRELOAD among it). HDF5_PLUGIN_PATH holds gdci's filter plugins
(zstd, Bitshuffle; meson test sets GDCI_H5_PLUGIN_DIR) and Debian's,
set here before anything imports h5py, as HDF5 reads it once."""

import os

from gi.repository import Gdci

import stream_helpers

if not hasattr(Gdci, "GenericDataChunkIterator"):
    raise ImportError("gdci's Python overrides were not loaded: put the build tree's on PYTHONPATH")

os.environ["HDF5_PLUGIN_PATH"] = stream_helpers.PLUGIN_PATH


def pytest_terminal_summary(terminalreporter):
    """The seed of the kill test's moments, to run them again"""
    if stream_helpers.KILL_SEED_USED:
        terminalreporter.write_line(
            f"gdci stream kills: GDCI_STREAM_KILL_SEED={stream_helpers.KILL_SEED}")
