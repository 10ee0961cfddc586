#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: gdci's HDMF and FIT plans on the same recording.

Writes a sample recording (int16, 384 channels, --size-gb of it, made by
examples/make_recording.py), then converts it into an HDF5 dataset through
the Python API (Gdci.FileIterator with plan-strategy HDMF or FIT, written by
Gdci.H5Writer), uncompressed, with gzip-4 + shuffle and with gzip:fast +
shuffle (ISA-L), each with the recording in the page cache (warm) and with
the page cache dropped before the run (cold: needs root, skipped with a
note otherwise), and cold in a memory control group of --memory-limit-gb
(page cache included: "larger than memory", a recording that the page
cache cannot hold between two reads of the same rows, as on a recording
larger than the machine's memory; needs root and a memory cgroup). HDMF
and FIT runs alternate, --runs of each.

Each conversion runs in its own Python process, so that its peak resident
memory and its page cache are its own. The time is that of the write
(iterator init and H5Writer.write(), not Python's start). Per run it
records the throughput (MB/s of int16 recording, MB = 10^6 bytes), the
bytes the iterator read from the file (FileIterator:bytes-read) against
the file's size, the output file's size against the data's, and the peak
resident memory; it reports the medians as markdown tables, with the
targets of the FIT plan:

- bytes read / source size <= 1.02;
- uncompressed file size <= data size + 1%;
- cold-cache throughput >= 2x the HDMF plan's, for each compression (also
  shown for the larger-than-memory runs).

    /usr/bin/python3 bench/shapes.py --size-gb 2 [--runs 3] [--build _build] [--json out.json]
    /usr/bin/python3 bench/shapes.py --quick      # a smoke run: small, once

Run it by hand, after meson compile (a release build), on an otherwise idle
machine: it is not a test.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
CHANNELS = 384
DROP_CACHES = "/proc/sys/vm/drop_caches"

PLANS = ("HDMF", "FIT")
# name: (Gdci.Compression nick, level (0: the codec's default), shuffle)
COMPRESSIONS = {
    "uncompressed": ("none", 0, False),
    "gzip-4 + shuffle": ("gzip", 4, True),
    "gzip:fast + shuffle": ("gzip-fast", 0, True),
}
CACHES = ("warm", "cold", "larger than memory")
CGROUP_NAME = "gdci-bench-shapes"

# TARGETS: (what, limit)
READ_TARGET = 1.02
SIZE_TARGET = 1.01
COLD_SPEED_TARGET = 2.0

# one conversion, in its own process: prints what it measured as JSON
CONVERTER = r"""
import json, os, sys, time
import gi
gi.require_version("Gdci", "1.0")
from gi.repository import Gdci, GLib

path, out, rows, strategy, compression, level, shuffle, buffer_gb, chunk_mb = sys.argv[1:10]
start = time.monotonic()
iterator = Gdci.FileIterator(path=path, dtype=Gdci.Dtype.INT16,
                             shape=GLib.Variant("at", [int(rows), 384]),
                             plan_strategy=getattr(Gdci.PlanStrategy, strategy),
                             buffer_gb=float(buffer_gb), chunk_mb=float(chunk_mb))
iterator.init(None)
writer = Gdci.H5Writer.new()
writer.props.compression = getattr(Gdci.Compression, compression.upper().replace("-", "_"))
if int(level):
    writer.props.compression_level = int(level)
writer.props.shuffle = shuffle == "1"
writer.write(iterator, out, "/data", None)
seconds = time.monotonic() - start
plan = iterator.get_plan()
print(json.dumps({
    "seconds": seconds,
    "bytes_read": iterator.props.bytes_read,
    "file_bytes": os.path.getsize(out),
    "chunk_shape": list(iterator.get_chunk_shape()),
    "buffer_shape": list(iterator.get_buffer_shape()),
    "n_buffers": iterator.get_n_buffers(),
    "data_bytes": plan.get_data_bytes(),
    "stored_bytes": plan.get_stored_bytes(),
    "plan_read_bytes": plan.get_read_bytes(),
    "threads": writer.props.n_threads_used,
}))
"""


def run_child(command, env, cgroup=None):
    """Runs @command, in the memory cgroup directory @cgroup if given; (its
    JSON, peak resident bytes, None), or (None, None, its error) if it
    failed"""
    def join_cgroup():
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env,
                                   preexec_fn=join_cgroup if cgroup else None)
        stdout = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace").strip()
    if os.waitstatus_to_exitcode(status) != 0:
        lines = stderr.splitlines()
        return None, None, (lines[-1] if lines else "") or f"exit {os.waitstatus_to_exitcode(status)}"
    return json.loads(stdout), usage.ru_maxrss * 1024, None


def can_drop_caches():
    """None if the page cache can be dropped, or why not"""
    if os.geteuid() != 0:
        return "not root"
    try:
        with open(DROP_CACHES, "w") as f:
            f.write("3\n")
    except OSError as e:
        return f"{DROP_CACHES}: {e.strerror}"
    return None


def make_cgroup(limit_bytes):
    """(a memory cgroup directory limited to @limit_bytes, None), or (None,
    why not): cgroup v2's memory.max or v1's memory.limit_in_bytes"""
    if os.geteuid() != 0:
        return None, "not root"
    for parent, limit_file in (("/sys/fs/cgroup", "memory.max"),
                               ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")):
        if not os.path.exists(os.path.join(parent, limit_file if parent.endswith("memory")
                                           else "cgroup.controllers")):
            continue
        path = os.path.join(parent, CGROUP_NAME)
        try:
            os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, limit_file), "w") as f:
                f.write(str(limit_bytes))
            return path, None
        except OSError as e:
            return None, f"{path}: {e.strerror}"
    return None, "no memory cgroup"


def fresh_start(recording, output, cache):
    """The same start for every run: no output left, nothing dirty waiting
    to be written, and the recording in the page cache (warm) or not
    (cold)"""
    if os.path.exists(output):
        os.unlink(output)
    subprocess.run(["sync"], check=True)
    if cache != "warm":
        with open(DROP_CACHES, "w") as f:
            f.write("3\n")
        return
    with open(recording, "rb") as f:
        while f.read(64 << 20):
            pass


def gdci_env(build):
    """The build tree's library and typelib"""
    env = dict(os.environ)
    for name, path in (("LD_LIBRARY_PATH", os.path.join(build, "gdci")),
                       ("GI_TYPELIB_PATH", os.path.join(build, "introspection"))):
        env[name] = path + (":" + env[name] if env.get(name) else "")
    return env


def fmt(value, spec, missing="n/a"):
    return missing if value is None else format(value, spec)


def shape(values):
    return "(" + ", ".join(str(v) for v in values) + ")"


def medians(args, size, runs):
    """(plan, compression, cache): the medians of its runs"""
    out = {}
    for key, measured in runs.items():
        if not measured:
            continue
        seconds = statistics.median(m["seconds"] for m in measured)
        last = measured[-1]
        out[key] = {
            "seconds": seconds,
            "mb_s": size / 1e6 / seconds,
            "read_ratio": statistics.median(m["bytes_read"] for m in measured) / size,
            "file_mb": last["file_bytes"] / 1e6,
            "file_ratio": last["file_bytes"] / last["data_bytes"],
            "peak_mb": max(m["peak"] for m in measured) / 1e6,
            "runs": [m["seconds"] for m in measured],
        }
    return out


def report(args, size, rows, plans, results, errors, cold_note):
    lines = [
        f"HDMF and FIT plans on a {size / 1e9:.2f} GB int16 recording, shape ({rows}, {CHANNELS}) "
        f"(examples/make_recording.py), chunk_mb {args.chunk_mb:g}, buffer_gb {args.buffer_gb:g}, "
        f"through Gdci.FileIterator and Gdci.H5Writer on all processors; {args.runs} run(s) of each, "
        f"HDMF and FIT alternated, medians. {datetime.date.today().isoformat()}, "
        f"`bench/shapes.py --size-gb {args.size_gb:g} --runs {args.runs}`.",
        "",
        "| plan | chunk shape | buffer shape | buffers | stored / data | read by the plan / data |",
        "|---|---|---|---:|---:|---:|",
    ]
    for name in PLANS:
        p = plans.get(name)
        if p is None:
            lines.append(f"| {name} | failed | | | | |")
            continue
        lines.append(f"| {name} | {shape(p['chunk_shape'])} | {shape(p['buffer_shape'])} | {p['n_buffers']} | "
                     f"{p['stored_bytes'] / p['data_bytes']:.4f} | {p['plan_read_bytes'] / p['data_bytes']:.3f} |")
    lines += ["",
              "| compression | cache | plan | time s | MB/s | read / source | file MB | file / data | peak RSS MB |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for compression in COMPRESSIONS:
        for cache in CACHES:
            for name in PLANS:
                key = (name, compression, cache)
                if key in errors:
                    lines.append(f"| {compression} | {cache} | {name} | failed: {errors[key][:100]} | | | | | |")
                    continue
                r = results.get(key)
                if r is None:
                    continue
                lines.append(f"| {compression} | {cache} | {name} | {r['seconds']:.2f} | {r['mb_s']:,.0f} | "
                             f"{r['read_ratio']:.3f} | {r['file_mb']:,.0f} | {r['file_ratio']:.4f} | "
                             f"{r['peak_mb']:,.0f} |")
    if cold_note:
        lines += ["", f"No cold-cache runs: {cold_note} (dropping the page cache needs root and a writable "
                      f"{DROP_CACHES})."]
    if any(cache == "larger than memory" for (_, _, cache) in results):
        lines += ["", f"Larger than memory: cold, and the conversion's process limited to "
                      f"{args.memory_limit_gb:g} GB with its page cache (a memory cgroup)."]
    targets = []

    def met(value, ok):
        return "n/a" if value is None else ("yes" if ok else "no")

    reads = [r["read_ratio"] for (name, _, _), r in results.items() if name == "FIT"]
    worst = max(reads) if reads else None
    targets.append(("FIT: bytes read / source size (highest)", fmt(worst, ".3f"), f"<= {READ_TARGET:.2f}",
                    met(worst, worst is not None and worst <= READ_TARGET)))
    for cache in CACHES:
        r = results.get(("FIT", "uncompressed", cache))
        if r is not None:
            targets.append((f"FIT: file size / data size, uncompressed, {cache}", f"{r['file_ratio']:.4f}",
                            f"<= {SIZE_TARGET:.2f}", met(r["file_ratio"], r["file_ratio"] <= SIZE_TARGET)))
    for cache in CACHES[1:]:
        for compression in COMPRESSIONS:
            fit = results.get(("FIT", compression, cache))
            hdmf = results.get(("HDMF", compression, cache))
            value = fit["mb_s"] / hdmf["mb_s"] if fit and hdmf else None
            targets.append((f"FIT / HDMF throughput, {cache}, {compression}",
                            fmt(value, ".2f") + ("x" if value is not None else ""),
                            f">= {COLD_SPEED_TARGET:.0f}x",
                            met(value, value is not None and value >= COLD_SPEED_TARGET)))
    lines += ["", "| target | value | target | met |", "|---|---:|---:|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(TOP, "_build"))
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--buffer-gb", type=float, default=0.5)
    parser.add_argument("--chunk-mb", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 GB, buffers of 0.02 GB, one run")
    parser.add_argument("--no-cold", action="store_true", help="only warm-cache runs")
    parser.add_argument("--memory-limit-gb", type=float, default=1.3,
                        help="the memory (page cache included) of the larger-than-memory runs; 0: none")
    parser.add_argument("--workdir", default=None, help="the recording and outputs (default: <build>/bench)")
    parser.add_argument("--output", default=None, help="also write the markdown tables into this file")
    parser.add_argument("--json", default=None, help="also write every run and the medians into this file")
    args = parser.parse_args()
    if args.quick:
        args.size_gb, args.runs, args.buffer_gb, args.chunk_mb = 0.1, 1, 0.02, 2.0

    typelib = os.path.join(args.build, "introspection", "Gdci-1.0.typelib")
    if not os.path.exists(typelib):
        sys.exit(f"bench: no {typelib}: build first (meson compile -C {args.build})")
    env = gdci_env(args.build)
    workdir = args.workdir or os.path.join(args.build, "bench")
    os.makedirs(workdir, exist_ok=True)
    recording = os.path.join(workdir, "shapes-recording.bin")
    out = os.path.join(workdir, "shapes-out.h5")

    cold_note = "not asked (--no-cold)" if args.no_cold else can_drop_caches()
    cgroup, limit_note = None, "not asked (--memory-limit-gb 0)"
    if cold_note is None and args.memory_limit_gb > 0:
        cgroup, limit_note = make_cgroup(int(args.memory_limit_gb * 1e9))
    caches = [c for c in CACHES
              if c == "warm" or (c == "cold" and cold_note is None) or (c != "cold" and cgroup)]
    if cold_note:
        print(f"bench: no cold-cache runs: {cold_note}", flush=True)
    if cgroup is None:
        print(f"bench: no larger-than-memory runs: {limit_note}", flush=True)

    subprocess.run([PYTHON, os.path.join(TOP, "examples", "make_recording.py"), recording,
                    "--gb", str(args.size_gb)], check=True)
    size = os.path.getsize(recording)
    rows = size // (CHANNELS * 2)

    runs = {(p, c, cache): [] for c in COMPRESSIONS for cache in caches for p in PLANS}
    errors = {}
    plans = {}
    for run in range(args.runs):
        # HDMF first on even runs, FIT first on odd ones
        order = PLANS if run % 2 == 0 else PLANS[::-1]
        for compression, (kind, level, shuffle) in COMPRESSIONS.items():
            for cache in caches:
                for name in order:
                    key = (name, compression, cache)
                    if key in errors:
                        continue
                    fresh_start(recording, out, cache)
                    measured, peak, error = run_child(
                        [PYTHON, "-c", CONVERTER, recording, out, str(rows), name, kind, str(level),
                         "1" if shuffle else "0", str(args.buffer_gb), str(args.chunk_mb)], env,
                        cgroup if cache == "larger than memory" else None)
                    if error is not None:
                        errors[key] = error
                        print(f"run {run + 1}: {name}, {compression}, {cache}: failed: {error}", flush=True)
                        continue
                    measured["peak"] = peak
                    runs[key].append(measured)
                    plans.setdefault(name, measured)
                    print(f"run {run + 1}: {name}, {compression}, {cache}: {measured['seconds']:.2f} s, "
                          f"{size / 1e6 / measured['seconds']:,.0f} MB/s, read {measured['bytes_read'] / size:.3f}"
                          f"x, {measured['file_bytes'] / 1e6:,.0f} MB, peak {peak / 1e6:,.0f} MB", flush=True)
    for leftover in (out, recording):
        if os.path.exists(leftover):
            os.unlink(leftover)
    if cgroup:
        os.rmdir(cgroup)

    results = medians(args, size, runs)
    text = report(args, size, rows, plans, results, errors, cold_note)
    print()
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "date": datetime.date.today().isoformat(),
                "size_bytes": size, "shape": [rows, CHANNELS],
                "buffer_gb": args.buffer_gb, "chunk_mb": args.chunk_mb, "runs": args.runs,
                "cold_skipped": cold_note,
                "plans": {name: {k: p[k] for k in ("chunk_shape", "buffer_shape", "n_buffers", "data_bytes",
                                                   "stored_bytes", "plan_read_bytes", "threads")}
                          for name, p in plans.items()},
                "results": [{"plan": p, "compression": c, "cache": cache, **r,
                             "each": [{k: v for k, v in m.items() if k not in ("chunk_shape", "buffer_shape")}
                                      for m in runs[(p, c, cache)]]}
                            for (p, c, cache), r in results.items()],
                "errors": [{"plan": p, "compression": c, "cache": cache, "error": e}
                           for (p, c, cache), e in errors.items()],
            }, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
