# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures of the bindings tests."""

import pathlib
import tempfile

import pytest


@pytest.fixture
def tmp_path():
    """A temporary directory removed after the test: pytest's own tmp_path
    keeps the directories of the last runs."""
    with tempfile.TemporaryDirectory(prefix="gdci-bindings-") as directory:
        yield pathlib.Path(directory)
