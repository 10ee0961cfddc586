# SPDX-License-Identifier: LGPL-2.1-or-later
"""The plain GI tests: gdci's C API as GObject Introspection and PyGObject
give it, without gdci's Python overrides (tests/overrides/ tests those).

PyGObject loads gi.overrides.Gdci wherever it finds one (an installed copy,
or the build tree's on PYTHONPATH); a None entry for it in sys.modules
makes it find none, so that these tests see the bare introspected API
whatever the environment."""

import sys

sys.modules["gi.overrides.Gdci"] = None

from gi.repository import Gdci  # noqa: E402

if hasattr(Gdci, "GenericDataChunkIterator"):
    raise ImportError("the plain GI tests got gdci's Python overrides")
