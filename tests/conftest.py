# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared set-up for every Python test folder (gi/, overrides/, cli/,
bindings/): the typelib and library come from the build tree through
GI_TYPELIB_PATH and LD_LIBRARY_PATH (set by meson test), Gdci is version
1.0, and temporary directories are removed after use. Each folder's own
conftest.py says which Python layer its tests see."""

import pathlib
import tempfile

import gi
import pytest

gi.require_version("Gdci", "1.0")


@pytest.fixture
def tmp_path():
    """A temporary directory removed after the test: pytest's own tmp_path
    keeps the directories of the last runs."""
    with tempfile.TemporaryDirectory(prefix="gdci-test-") as directory:
        yield pathlib.Path(directory)


@pytest.fixture(scope="session")
def tmp_path_factory():
    """The session's temporary directories, removed at its end."""
    with tempfile.TemporaryDirectory(prefix="gdci-session-") as directory:
        class Factory:
            count = 0

            def mktemp(self, name):
                Factory.count += 1
                path = pathlib.Path(directory) / f"{name}{Factory.count}"
                path.mkdir()
                return path

        yield Factory()
