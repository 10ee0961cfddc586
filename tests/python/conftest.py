# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared set-up for the Python tests: the typelib and library come from the
build tree through GI_TYPELIB_PATH and LD_LIBRARY_PATH (set by meson test)."""

import gi

gi.require_version("Gdci", "1.0")
