# SPDX-License-Identifier: LGPL-2.1-or-later
"""The tests of gdci repack (the tool, in test_repack_cli.py, and
Gdci.Repacker and Gdci.repack() through the Python overrides, in
test_repack_python.py).

They read the files they make and the files gdci writes with h5py,
h5diff and hdmf, with every codec gdci writes: HDF5_PLUGIN_PATH holds the
filter plugins gdci builds (zstd, Bitshuffle; meson test sets
GDCI_H5_PLUGIN_DIR) and Debian's (LZ4, Blosc), set here before anything
imports h5py, as HDF5 reads it once. The tool's tests take the gdci that
tests/cli/test_cli.py installs."""

import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_build_root = os.environ.get("GDCI_BUILD_ROOT", "")
_plugins = os.environ.get("GDCI_H5_PLUGIN_DIR") or os.path.join(_build_root, "plugins")
_directories = [_plugins, *sorted(glob.glob("/usr/lib/*/hdf5/serial/plugins"))]
# (HDF5 1.10 gives up its search at a directory that does not exist)
os.environ["HDF5_PLUGIN_PATH"] = ":".join(d for d in _directories if os.path.isdir(d))

# test_cli.py, whose session fixture installs the gdci the tool's tests run
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))
