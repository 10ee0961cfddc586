# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the benchmarks share: a child run timed and measured, the same warm
start for every run, and the build tree's environment."""

import os
import subprocess
import tempfile
import time


def anon_rss(pid):
    """The resident anonymous memory of @pid in bytes (its heap and
    buffers, not the file pages it maps, such as np.memmap's), or 0"""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_timed(command, env=None):
    """Runs @command: (seconds, peak resident bytes, peak resident
    anonymous bytes, None) of the child, or (None, None, None, its error:
    gdci's one line, or the last line it printed) if it failed. The
    anonymous peak is sampled every 20 ms; the resident peak counts the
    file pages the child maps, which are the page cache's."""
    # stderr goes to a file: a pipe nobody reads until the end could fill up
    with tempfile.TemporaryFile() as errors:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        peak_anon = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid != 0:
                break
            peak_anon = max(peak_anon, anon_rss(process.pid))
            time.sleep(0.02)
        seconds = time.monotonic() - start
        errors.seek(0)
        lines = errors.read().decode(errors="replace").strip().splitlines()
    if os.waitstatus_to_exitcode(status) != 0:
        message = next((line for line in lines if line.startswith("gdci")), lines[-1] if lines else "")
        return None, None, None, message or f"exit {os.waitstatus_to_exitcode(status)}"
    return seconds, usage.ru_maxrss * 1024, peak_anon, None


def warm_start(recording, leftovers):
    """The same start for every run: no output left, nothing dirty waiting
    to be written, the recording in the page cache"""
    for leftover in leftovers:
        if os.path.exists(leftover):
            os.unlink(leftover)
    subprocess.run(["sync"], check=True)
    with open(recording, "rb") as f:
        while f.read(64 << 20):
            pass


def build_env(build, base=None):
    """@base (default: this process's environment) with the build tree's
    library, typelib and Python overrides first"""
    env = dict(os.environ if base is None else base)
    for name, path in (("LD_LIBRARY_PATH", os.path.join(build, "gdci")),
                       ("GI_TYPELIB_PATH", os.path.join(build, "introspection")),
                       ("PYTHONPATH", os.path.join(build, "introspection", "overrides"))):
        env[name] = path + (":" + env[name] if env.get(name) else "")
    return env
