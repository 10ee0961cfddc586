# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared set-up for every Python test folder (gi/, overrides/, cli/,
bindings/, stream/, ...): the typelib and library come from the build tree
through GI_TYPELIB_PATH and LD_LIBRARY_PATH (set by meson test), Gdci is
version 1.0, temporary directories are removed after use, and gdci_cli is
the gdci tool installed as a user installs it. Each folder's own
conftest.py says which Python layer its tests see."""

import os
import pathlib
import shutil
import subprocess
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


class InstalledGdci:
    """The gdci tool installed by `meson install` into a scratch directory,
    run as a user runs it: linked with the installed library (what a user
    with that prefix sets up), in this process's environment otherwise (the
    sanitizer's runtime and options, HDF5_PLUGIN_PATH)."""

    def __init__(self, path, library_dir):
        self.path = path
        self.library_dir = library_dir

    def environment(self):
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = self.library_dir
        return env

    def run(self, *args, **kwargs):
        """gdci ARGS..., its output captured as text"""
        kwargs.setdefault("timeout", 120)
        return subprocess.run([self.path, *map(str, args)], capture_output=True, text=True,
                              env=self.environment(), **kwargs)


@pytest.fixture(scope="session")
def gdci_cli(tmp_path_factory):
    """The installed gdci, an InstalledGdci, for tests that run the tool on
    the files they make (meson test sets GDCI_BUILD_ROOT)"""
    root = tmp_path_factory.mktemp("installed")
    subprocess.run([shutil.which("meson"), "install", "-C", os.environ["GDCI_BUILD_ROOT"],
                    "--destdir", str(root), "--no-rebuild", "--quiet"],
                   check=True, capture_output=True)
    found = [os.path.join(d, "gdci") for d, _, files in os.walk(root)
             if "gdci" in files and os.path.basename(d) == "bin"]
    assert len(found) == 1, found
    libraries = [d for d, _, files in os.walk(root) if "libgdci-1.0.so.0" in files]
    assert len(libraries) == 1, libraries
    tool = InstalledGdci(found[0], libraries[0])
    result = tool.run("--version")
    assert result.returncode == 0, result.stderr
    yield tool
