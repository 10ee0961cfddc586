#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: recording live with Gdci.H5Stream against hdmf's streaming path.

Makes a sample recording (int16, 384 channels, --size-gb of it, by
examples/make_recording.py) and streams it, block by block (--block-frames
samples, 50 ms of a 30 kHz probe by default), as an acquisition app would,
each way in a child process from a warm page cache, alternated, --runs
times:

- sustained throughput, as fast as the blocks can be appended: a
  Gdci.H5Stream with gzip level 4 (libdeflate), the fast gzip engine
  (ISA-L), zstd level 1 (each with shuffle) and no compression, appended
  then closed (its last flush synced), against hdmf's DataChunkIterator
  over a generator of the same blocks' frames (buffer_size one chunk of
  frames), in H5DataIO with the same chunks,
  written by HDF5IO with h5py (gzip-4 + shuffle, and zstd-1 + shuffle
  through an HDF5 filter plugin: Debian's hdf5plugin has no zstd, so h5py
  finds gdci's, built in <build>/plugins, on HDF5_PLUGIN_PATH);
- real time: 8 Neuropixels 1.0 probes (8 streams of 384 channels at
  30 kHz, 184 MB/s), a block of 10 ms appended to each stream every 10 ms
  for --paced-seconds, from a second of each probe's samples held in
  memory as a driver's ring of buffers, with the fast gzip engine and
  with zstd-1: the
  latency of every append (median, 99th percentile, worst), the largest
  backlog, and how far the app fell behind its schedule.

The median MB/s of recording, the file sizes, peak RSS and the streaming
issue's targets (>= 4x hdmf's gzip throughput; 184 MB/s in real time with
a codec readable without plugins and no append over 10 ms) are printed as
a markdown table.

    /usr/bin/python3 bench/stream.py --size-gb 1 [--runs 3] [--build _build]
    /usr/bin/python3 bench/stream.py --quick      # a smoke run

Run it by hand, after meson compile (a release build), on an otherwise idle
machine: it is not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

from bench_common import build_env, run_timed, warm_start

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
CHANNELS = 384
RATE = 30000
PROBES = 8

# the child of a throughput run: streams the recording one way, prints its
# seconds (from the first append to the file closed) as JSON
THROUGHPUT = r"""
import json, sys, time
import numpy as np
settings = json.loads(sys.argv[1])
recording = np.memmap(settings["recording"], dtype=np.int16, mode="r").reshape(-1, settings["channels"])
block = settings["block"]

def blocks():
    for start in range(0, recording.shape[0], block):
        yield np.array(recording[start:start + block])

if settings["method"] == "gdci":
    import gi
    gi.require_version("Gdci", "1.0")
    from gi.repository import Gdci
    start = time.monotonic()
    with Gdci.H5Stream(settings["out"], "/data", np.int16, (settings["channels"],),
                       chunk_shape=(settings["chunk_rows"], None), **settings["stream"]) as stream:
        for frames in blocks():
            stream.append(frames)
    seconds = time.monotonic() - start
else:
    from hdmf.backends.hdf5 import HDF5IO, H5DataIO
    from hdmf.common import DynamicTable, VectorData, get_manager
    from hdmf.data_utils import DataChunkIterator
    if isinstance(settings["hdmf"].get("compression_opts"), list):
        settings["hdmf"]["compression_opts"] = tuple(settings["hdmf"]["compression_opts"])

    def frames():
        # DataChunkIterator takes a generator of frames, and gathers
        # buffer_size of them into each write
        for block in blocks():
            yield from block

    rows = recording.shape[0]
    start = time.monotonic()
    data = DataChunkIterator(data=frames(), maxshape=(None, settings["channels"]), dtype=np.dtype(np.int16),
                             buffer_size=settings["chunk_rows"])
    column = VectorData(name="data", description="voltage", data=H5DataIO(
        data, chunks=(settings["chunk_rows"], settings["channels"]), shuffle=True, **settings["hdmf"]))
    table = DynamicTable(name="recording", description="one row per sample", id=np.arange(rows),
                         columns=[column])
    with HDF5IO(settings["out"], "w", manager=get_manager()) as io:
        io.write(table)
    seconds = time.monotonic() - start
print(json.dumps({"seconds": seconds}))
"""

# the child of a real-time run: PROBES streams fed on a schedule
PACED = r"""
import json, sys, time
import numpy as np
import gi
gi.require_version("Gdci", "1.0")
from gi.repository import Gdci
settings = json.loads(sys.argv[1])
recording = np.memmap(settings["recording"], dtype=np.int16, mode="r").reshape(-1, settings["channels"])
block, period, probes = settings["block"], settings["period"], settings["probes"]
streams = [Gdci.H5Stream(f"{settings['out']}-{p}.h5", "/data", np.int16, (settings["channels"],),
                         **settings["stream"]) for p in range(probes)]
waits = [0]
for s in streams:
    s.connect("backlog-full", lambda stream, n: waits.__setitem__(0, waits[0] + 1))
ticks = int(settings["seconds"] / period)
# each probe's device buffers: a second of the recording in memory, cycled
# through as a driver's ring of DMA buffers is
rate = int(round(block / period))
rings = [np.array(recording[p * rate:(p + 1) * rate]) for p in range(probes)]
latencies, lag, backlog = [], 0.0, 0
start = time.monotonic()
for tick in range(ticks):
    due = start + tick * period
    now = time.monotonic()
    if now < due:
        time.sleep(due - now)
    lag = max(lag, time.monotonic() - due)
    for p, stream in enumerate(streams):
        first = (tick * block) % (rate - block + 1)
        frames = rings[p][first:first + block]
        t0 = time.perf_counter()
        stream.append(frames)
        latencies.append(time.perf_counter() - t0)
    backlog = max(backlog, sum(s.props.backlog_bytes for s in streams))
appended = time.monotonic() - start
for stream in streams:
    stream.close()
closed = time.monotonic() - start
latencies.sort()
print(json.dumps({
    "p50": latencies[len(latencies) // 2], "p99": latencies[int(len(latencies) * 0.99)],
    "worst": latencies[-1], "lag": lag, "backlog": backlog, "waits": waits[0],
    "appended": appended, "closed": closed, "scheduled": ticks * period,
    "bytes": ticks * block * probes * settings["channels"] * 2}))
"""

# name: (child, settings of the stream or of hdmf's H5DataIO)
GZIP4 = dict(compression="gzip", compression_level=4, shuffle=True)
FAST = dict(compression="gzip-fast", shuffle=True)
ZSTD1 = dict(compression="zstd", compression_level=1, shuffle=True)
METHODS = {
    "hdmf DataChunkIterator + HDF5IO, gzip-4 + shuffle":
        ("hdmf", dict(compression="gzip", compression_opts=4)),
    "Gdci.H5Stream, gzip-4 + shuffle": ("gdci", GZIP4),
    "Gdci.H5Stream, fast gzip + shuffle": ("gdci", FAST),
    "hdmf DataChunkIterator + HDF5IO, zstd-1 + shuffle (plugin)":
        ("hdmf", dict(compression=32015, compression_opts=(1,), allow_plugin_filters=True)),
    "Gdci.H5Stream, zstd-1 + shuffle": ("gdci", ZSTD1),
    "Gdci.H5Stream, no compression": ("gdci", dict(compression="none")),
}
PACED_METHODS = {
    "8 probes, fast gzip + shuffle": FAST,
    "8 probes, zstd-1 + shuffle": ZSTD1,
}


def throughput_table(args, size, times, peaks, files, errors):
    median = {name: statistics.median(t) for name, t in times.items() if t}
    speed = {name: size / 1e6 / s for name, s in median.items()}
    lines = [f"{size / 1e9:.2f} GB int16 recording ({CHANNELS} channels) appended in blocks of "
             f"{args.block_frames} samples, chunks ({args.chunk_rows}, {CHANNELS}); median of "
             f"{args.runs} run(s), alternated, warm page cache",
             "",
             "| method | MB/s | seconds | file MB | peak RSS MB |",
             "|---|---:|---:|---:|---:|"]
    for name in METHODS:
        if not times[name] and name not in errors:
            continue
        if name in errors:
            lines.append(f"| {name} | failed: {errors[name]} | | | |")
            continue
        lines.append(f"| {name} | {speed[name]:,.0f} | {median[name]:.2f} | {files[name] / 1e6:,.0f} "
                     f"| {max(peaks[name]) / 1e6:,.0f} |")
    lines.append("")
    base = speed.get("hdmf DataChunkIterator + HDF5IO, gzip-4 + shuffle")
    if base:
        for name in ("Gdci.H5Stream, gzip-4 + shuffle", "Gdci.H5Stream, fast gzip + shuffle"):
            if name not in speed:
                continue
            ratio = speed.get(name, 0) / base
            lines.append(f"- {name} / hdmf gzip-4 = {ratio:.2f}x (target >= 4x: "
                         f"{'met' if ratio >= 4 else 'NOT met'})")
    zbase = speed.get("hdmf DataChunkIterator + HDF5IO, zstd-1 + shuffle (plugin)")
    if zbase and "Gdci.H5Stream, zstd-1 + shuffle" in speed:
        lines.append(f"- zstd-1: Gdci.H5Stream / hdmf = "
                     f"{speed.get('Gdci.H5Stream, zstd-1 + shuffle', 0) / zbase:.2f}x")
    return lines


def paced_table(args, results, errors):
    rate = PROBES * CHANNELS * RATE * 2 / 1e6
    lines = ["", f"{PROBES} streams of {CHANNELS} channels at {RATE} Hz ({rate:.0f} MB/s), a block of "
             f"{args.paced_period * 1e3:.0f} ms to each every {args.paced_period * 1e3:.0f} ms for "
             f"{args.paced_seconds:.0f} s; the worst of {args.runs} run(s)",
             "",
             "| method | append p50 ms | p99 ms | worst ms | largest backlog MB | waits | worst lag ms "
             "| appends s | closed s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in PACED_METHODS:
        if not results[name] and name not in errors:
            continue
        if name in errors:
            lines.append(f"| {name} | failed: {errors[name]} | | | | | | | |")
            continue
        runs = results[name]
        worst = max(runs, key=lambda r: r["worst"])
        lines.append(f"| {name} | {statistics.median(r['p50'] for r in runs) * 1e3:.2f} "
                     f"| {max(r['p99'] for r in runs) * 1e3:.2f} | {worst['worst'] * 1e3:.2f} "
                     f"| {max(r['backlog'] for r in runs) / 1e6:.1f} | {max(r['waits'] for r in runs)} "
                     f"| {max(r['lag'] for r in runs) * 1e3:.1f} "
                     f"| {max(r['appended'] for r in runs):.2f} | {max(r['closed'] for r in runs):.2f} |")
    lines.append("")
    for name in PACED_METHODS:
        if results[name]:
            runs = results[name]
            worst = max(r["worst"] for r in runs)
            kept = all(r["waits"] == 0 and r["appended"] <= r["scheduled"] + 0.1 for r in runs)
            lines.append(f"- {name}: {'kept up' if kept else 'fell behind'} with {rate:.0f} MB/s; worst "
                         f"append {worst * 1e3:.2f} ms (target <= 10 ms: "
                         f"{'met' if worst <= 0.010 and kept else 'NOT met'})")
    return lines


def run_timed_json(command, env, result):
    """run_timed, with the child's standard output (the JSON line of its own
    measures) in the file @result"""
    return run_timed(["/bin/sh", "-c", 'exec "$@" > "$0"', result] + command, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(TOP, "_build"))
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--block-frames", type=int, default=1500)
    parser.add_argument("--chunk-rows", type=int, default=13020, help="chunks of so many samples (10 MB)")
    parser.add_argument("--paced-seconds", type=float, default=20.0)
    parser.add_argument("--paced-period", type=float, default=0.010)
    parser.add_argument("--only", default="", help="run only the methods whose names hold this text")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 GB, 3 s paced, once")
    parser.add_argument("--workdir", default=None, help="the recording and output (default: <build>/bench)")
    parser.add_argument("--output", default=None, help="also write the markdown table into this file")
    args = parser.parse_args()
    if args.quick:
        args.size_gb, args.runs, args.paced_seconds = 0.1, 1, 3.0

    if not os.path.exists(os.path.join(args.build, "introspection", "Gdci-1.0.typelib")):
        sys.exit(f"bench: no typelib in {args.build}: build first (meson compile -C {args.build})")
    workdir = args.workdir or os.path.join(args.build, "bench")
    os.makedirs(workdir, exist_ok=True)
    recording = os.path.join(workdir, "stream-recording.bin")
    out = os.path.join(workdir, "stream-out")
    result = os.path.join(workdir, "stream-result.json")
    subprocess.run([PYTHON, os.path.join(TOP, "examples", "make_recording.py"), recording,
                    "--gb", str(args.size_gb)], check=True)
    size = os.path.getsize(recording)
    env = build_env(args.build)
    plugin_env = dict(env, HDF5_PLUGIN_PATH=os.path.join(args.build, "plugins"))
    paced_outs = [f"{out}-{p}.h5" for p in range(PROBES)]

    order = [name for name in list(METHODS) + list(PACED_METHODS) if args.only in name]
    times = {name: [] for name in METHODS}
    peaks = {name: [] for name in METHODS}
    paced = {name: [] for name in PACED_METHODS}
    files, errors = {}, {}
    for run in range(args.runs):
        for name in order[run % len(order):] + order[:run % len(order)]:
            if name in errors:
                continue
            settings = dict(recording=recording, channels=CHANNELS, chunk_rows=args.chunk_rows)
            if name in METHODS:
                method, options = METHODS[name]
                settings.update(method=method, block=args.block_frames, out=out + ".h5",
                                **{"stream" if method == "gdci" else "hdmf": options})
                script, leftovers = THROUGHPUT, [out + ".h5"]
            else:
                block = round(RATE * args.paced_period)
                settings.update(block=block, period=args.paced_period, probes=PROBES,
                                seconds=args.paced_seconds, out=out, stream=PACED_METHODS[name])
                script, leftovers = PACED, paced_outs
            warm_start(recording, leftovers)
            seconds, peak, _, error = run_timed_json([PYTHON, "-c", script, json.dumps(settings)],
                                                     plugin_env, result)
            if error is not None:
                errors[name] = error
                print(f"run {run + 1}: {name}: failed: {error}", flush=True)
                continue
            with open(result) as f:
                measured = json.loads(f.read().strip().splitlines()[-1])
            if name in METHODS:
                times[name].append(measured["seconds"])
                peaks[name].append(peak)
                files[name] = os.path.getsize(out + ".h5")
                print(f"run {run + 1}: {name}: {measured['seconds']:.2f} s, "
                      f"{size / 1e6 / measured['seconds']:,.0f} MB/s, {files[name] / 1e6:,.0f} MB, "
                      f"peak {peak / 1e6:,.0f} MB", flush=True)
            else:
                paced[name].append(measured)
                print(f"run {run + 1}: {name}: append p99 {measured['p99'] * 1e3:.2f} ms, worst "
                      f"{measured['worst'] * 1e3:.2f} ms, backlog {measured['backlog'] / 1e6:.1f} MB, "
                      f"lag {measured['lag'] * 1e3:.1f} ms, appends {measured['appended']:.2f} s of "
                      f"{measured['scheduled']:.2f}", flush=True)
    for leftover in [out + ".h5", recording, result] + paced_outs:
        if os.path.exists(leftover):
            os.unlink(leftover)

    lines = throughput_table(args, size, times, peaks, files, errors)
    lines += paced_table(args, paced, errors)
    text = "\n".join(lines)
    print()
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
