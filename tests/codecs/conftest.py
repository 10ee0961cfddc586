# SPDX-License-Identifier: LGPL-2.1-or-later
"""The codec tests: files written by gdci with every codec (through the
Python overrides and the gdci tool of this build tree), read back by h5py
with hdf5plugin, by h5py with no plugin and by h5dump, and recompressed by
gdci convert. meson test sets GDCI_BUILD_ROOT, the overrides' PYTHONPATH
and GDCI_H5_PLUGIN_DIR (the HDF5 filter plugins gdci builds)."""

import os

from gi.repository import Gdci

import codecs_helpers

if not hasattr(Gdci, "GenericDataChunkIterator"):
    raise ImportError("gdci's Python overrides were not loaded: put the build tree's on PYTHONPATH")

# h5py in this process (raw chunk reads, sources) finds every filter as a
# user with gdci's and Debian's plugins does; HDF5 reads the variable once,
# when it starts, so before anything imports h5py
os.environ["HDF5_PLUGIN_PATH"] = codecs_helpers.PLUGIN_PATH
