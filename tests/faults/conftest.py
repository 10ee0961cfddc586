# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fault-injection suite runs the gdci tool as a user runs it: installed
with `meson install` into a scratch directory (as tests/cli does), linked
with the installed library, under the shim of this folder
(GDCI_FAULT_SHIM, set by meson test)."""

import os
import shutil
import subprocess

import pytest

import faults_helpers

BUILD_ROOT = os.environ["GDCI_BUILD_ROOT"]


@pytest.fixture(scope="session")
def gdci(tmp_path_factory):
    """The installed gdci, as a faults_helpers.Gdci"""
    root = tmp_path_factory.mktemp("installed")
    subprocess.run([shutil.which("meson"), "install", "-C", BUILD_ROOT, "--destdir", str(root),
                    "--no-rebuild", "--quiet"], check=True, capture_output=True)
    found = [os.path.join(d, "gdci") for d, _, files in os.walk(root)
             if "gdci" in files and os.path.basename(d) == "bin"]
    assert len(found) == 1, found
    libraries = [d for d, _, files in os.walk(root) if "libgdci-1.0.so.0" in files]
    assert len(libraries) == 1, libraries
    tool = faults_helpers.Gdci(found[0], libraries[0], os.environ["GDCI_FAULT_SHIM"])
    result = tool.run(["--version"])
    assert result.returncode == 0, result.stderr
    yield tool


def pytest_terminal_summary(terminalreporter):
    """The counts the Reliability issue's closing note asks for"""
    stats = ", ".join(f"{value} {name}" for name, value in faults_helpers.STATS.items())
    terminalreporter.write_line(
        f"gdci fault injection (GDCI_FAULT_SEED={faults_helpers.SEED}): {stats}")
