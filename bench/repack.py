#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: gdci repack against h5repack, on an NWB-like file.

Makes a sample recording (int16, 384 channels, --size-gb of it, by
examples/make_recording.py) and an NWB-like file of it: the recording at
/acquisition/ElectricalSeries/data, uncompressed, in chunks of --chunk-rows
x 384 (about 10 MB), beside a few hundred small objects (a units table of
--units groups with attributes and spike times, and metadata). Then, in
alternation and --runs times each, every tool in a child process from a warm
page cache with nothing dirty waiting (h5repack's output synced, as gdci
syncs its own, inside the time):

- gzip-4 + shuffle: `h5repack -f PATH:SHUF -f PATH:GZIP=4 -l PATH:CHUNK=...`
  against `gdci repack --compression gzip:4 --shuffle` (the same chunks:
  gdci keeps them), and `gdci repack --compression gzip:fast --shuffle`;
- gzip to zstd: the gzip-4 file to zstd level 3 + shuffle, h5repack with
  gdci's zstd plugin (`-f PATH:UD=32015,0,1,3`) against gdci;
- raw passthrough: `h5repack IN OUT` against `gdci repack IN OUT`.

Every output of the first run is checked with `h5diff -r IN OUT` (exit 0;
with gdci's plugins on HDF5_PLUGIN_PATH for zstd). The median MB/s of data
(the file's datasets, element bytes), the file sizes and the targets of the
repack issue (>= 3x h5repack at gzip-4, >= 10x with the fast gzip engine)
are printed as a markdown table.

    /usr/bin/python3 bench/repack.py --size-gb 2 [--runs 3] [--build _build]
    /usr/bin/python3 bench/repack.py --quick      # a smoke run

Run it by hand, after meson compile, on an otherwise idle machine: it is
not a test.
"""

import argparse
import os
import statistics
import subprocess
import sys

import h5py
import numpy as np

from bench_common import build_env, run_timed, warm_start

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
DATA = "/acquisition/ElectricalSeries/data"
CHANNELS = 384


def make_input(args, workdir, env):
    """The recording, and the NWB-like file of it"""
    recording = os.path.join(workdir, "repack-recording.bin")
    source = os.path.join(workdir, "repack-in.h5")
    subprocess.run([PYTHON, os.path.join(TOP, "examples", "make_recording.py"), recording,
                    "--gb", str(args.size_gb)], check=True)
    if os.path.exists(source):
        os.unlink(source)
    subprocess.run([os.path.join(args.build, "tools", "gdci"), "convert", recording,
                    f"{source}:{DATA}", "--dtype", "int16", "--shape", f"-1,{CHANNELS}",
                    "--chunk-shape", f"{args.chunk_rows},{CHANNELS}", "--buffer-gb", "0.5",
                    "--no-progress"], check=True, env=env, stdout=subprocess.DEVNULL)
    rng = np.random.default_rng(0)
    with h5py.File(source, "a") as f:
        f.attrs["nwb_version"] = "2.6.0"
        f.attrs["identifier"] = "repack-benchmark"
        series = f["/acquisition/ElectricalSeries"]
        series.attrs["neurodata_type"] = "ElectricalSeries"
        series["data"].attrs["conversion"] = 1.95e-7
        series["data"].attrs["unit"] = "volts"
        series.create_dataset("electrodes", data=np.arange(CHANNELS))
        general = f.create_group("general")
        for key in ("session_description", "experimenter", "lab", "institution"):
            general[key] = f"the {key}"
        units = f.create_group("units")
        for i in range(args.units):
            unit = units.create_group(f"unit_{i:03d}")
            unit.attrs["quality"] = "good" if i % 3 else "mua"
            unit.attrs["channel"] = i % CHANNELS
            unit["spike_times"] = np.sort(rng.uniform(0, 3600, size=int(rng.integers(50, 500))))
            unit["waveform"] = rng.normal(size=(82,)).astype("float32")
    os.unlink(recording)
    return source


def data_bytes(path):
    total = 0

    def add(name, obj):
        nonlocal total
        if isinstance(obj, h5py.Dataset) and obj.shape is not None:
            total += obj.size * obj.dtype.itemsize

    with h5py.File(path, "r") as f:
        f.visititems(add)
    return total


def h5repack(filters, chunk):
    def command(source, out):
        args = ["h5repack"]
        for spec in filters:
            args += ["-f", f"{DATA}:{spec}"]
        if chunk:
            args += ["-l", f"{DATA}:CHUNK={chunk}"]
        return ["sh", "-c", " ".join(args + [source, out]) + f" && sync {out}"]
    return command


def gdci(build, *options):
    def command(source, out):
        return [os.path.join(build, "tools", "gdci"), "repack", source, out, "--no-progress",
                *options]
    return command


def methods(args):
    chunk = f"{args.chunk_rows}x{CHANNELS}"
    gz4 = ("h5repack, gzip-4 + shuffle", h5repack(["SHUF", "GZIP=4"], chunk), "in")
    return [
        gz4,
        ("gdci repack, gzip-4 + shuffle", gdci(args.build, "--compression", "gzip:4", "--shuffle"),
         "in"),
        ("gdci repack, gzip:fast + shuffle", gdci(args.build, "--compression", "gzip:fast",
                                                  "--shuffle"), "in"),
        ("h5repack, gzip-4 to zstd-3 + shuffle", h5repack(["SHUF", "UD=32015,0,1,3"], chunk), "gz"),
        ("gdci repack, gzip-4 to zstd-3 + shuffle", gdci(args.build, "--compression", "zstd:3",
                                                          "--shuffle"), "gz"),
        ("h5repack, raw passthrough", h5repack([], None), "in"),
        ("gdci repack, raw passthrough", gdci(args.build), "in"),
    ]


def check(source, out, env):
    result = subprocess.run(["h5diff", "-r", source, out], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return "h5diff: " + (result.stdout + result.stderr).strip().splitlines()[-1]
    return None


def report(args, size, times, files, errors, diffs):
    names = [name for name, _, _ in methods(args)]
    lines = [f"{size / 1e9:.2f} GB of data, int16 (n, {CHANNELS}) + {args.units} units, chunks "
             f"({args.chunk_rows}, {CHANNELS}), {os.cpu_count()} cores, median of {args.runs}",
             "", "| tool | MB/s | seconds | file MB | h5diff -r |", "|---|---:|---:|---:|---|"]
    speed = {}
    for name in names:
        if name in errors:
            lines.append(f"| {name} | failed: {errors[name]} | | | |")
            continue
        seconds = statistics.median(times[name])
        speed[name] = size / 1e6 / seconds
        lines.append(f"| {name} | {speed[name]:,.0f} | {seconds:.2f} | {files[name] / 1e6:,.0f} "
                     f"| {diffs.get(name) or 'clean'} |")
    base = speed.get(names[0])
    lines.append("")
    if base:
        for name, target in ((names[1], 3), (names[2], 10)):
            ratio = speed.get(name, 0) / base
            lines.append(f"- {name} / {names[0]} = {ratio:.2f}x (target >= {target}x: "
                         f"{'met' if ratio >= target else 'NOT met'})")
    for slow, fast in ((names[3], names[4]), (names[5], names[6])):
        if speed.get(slow) and speed.get(fast):
            lines.append(f"- {fast} / {slow} = {speed[fast] / speed[slow]:.2f}x")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(TOP, "_build"))
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-rows", type=int, default=13021, help="about 10 MB of 384 int16")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 GB, once")
    parser.add_argument("--workdir", default=None, help="the files (default: <build>/bench)")
    parser.add_argument("--output", default=None, help="also write the markdown table into this file")
    args = parser.parse_args()
    if args.quick:
        args.size_gb, args.runs, args.units = 0.1, 1, 20
    workdir = args.workdir or os.path.join(args.build, "bench")
    os.makedirs(workdir, exist_ok=True)
    env = build_env(args.build)
    plugins = dict(env, HDF5_PLUGIN_PATH=os.path.join(args.build, "plugins"))

    source = make_input(args, workdir, env)
    size = data_bytes(source)
    gz = os.path.join(workdir, "repack-gz.h5")
    out = os.path.join(workdir, "repack-out.h5")
    warm_start(source, [gz])
    subprocess.run(gdci(args.build, "--compression", "gzip:4", "--shuffle")(source, gz),
                   check=True, env=env, stdout=subprocess.DEVNULL)
    inputs = {"in": source, "gz": gz}
    times, files, errors, diffs = {}, {}, {}, {}
    for run in range(args.runs):
        for name, command, which in methods(args):
            if name in errors:
                continue
            warm_start(inputs[which], [out])
            seconds, _, _, error = run_timed(command(inputs[which], out), env=plugins)
            if error is not None:
                errors[name] = error
                continue
            times.setdefault(name, []).append(seconds)
            files[name] = os.path.getsize(out)
            if run == 0:
                diffs[name] = check(inputs[which], out, plugins)
            print(f"{name}: {seconds:.2f} s", file=sys.stderr)
    for path in (out, gz, source):
        if os.path.exists(path):
            os.unlink(path)
    table = report(args, size, times, files, errors, diffs)
    print(table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
