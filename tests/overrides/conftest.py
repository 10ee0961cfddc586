# SPDX-License-Identifier: LGPL-2.1-or-later
"""The tests of gdci's Python overrides (gi/overrides/Gdci.py, the hdmf
drop-in and the numpy glue beside it), as users get them with
`from gi.repository import Gdci`.

They must test the overrides of this build, not an installed copy:
meson test puts the build tree's overrides on PYTHONPATH, and sets
GDCI_BUILD_ROOT, and GDCI_ZERO_COPY to 1 when it built the zero-copy
module (which must then be the one in use)."""

import os
import sys

from gi.repository import Gdci

_build_root = os.environ.get("GDCI_BUILD_ROOT")
if _build_root is not None:
    _overrides = sys.modules.get("gi.overrides.Gdci")
    if _overrides is None or not hasattr(Gdci, "GenericDataChunkIterator"):
        raise ImportError("gdci's Python overrides were not loaded: put the build tree's on PYTHONPATH")
    for _module in (_overrides, sys.modules["gi.overrides._gdci_numpy"]._gdci_buffer):
        if _module is None:
            if os.environ.get("GDCI_ZERO_COPY") == "1":
                raise ImportError("gdci's zero-copy module was built but is not the one in use")
            continue
        _path = os.path.realpath(_module.__file__)
        if os.path.commonpath([_path, os.path.realpath(_build_root)]) != os.path.realpath(_build_root):
            raise ImportError(f"{_module.__name__} comes from {_path}, not from this build")
