#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: gdci convert against hdmf + h5py and dd, on the same recording.

Writes a sample recording (int16, 384 channels, --gb of it), then runs, in
alternation and --runs times each:

- dd bs=16M of the raw file: plain buffered reading and writing on this machine;
- gdci convert, uncompressed, and with gzip level 4 + shuffle on 1 and on
  all threads;
- hdmf's GenericDataChunkIterator over np.memmap, written with h5py, as
  hdmf's tutorial writes it, uncompressed and with gzip level 4 + shuffle;

all with the same chunk_mb and buffer_gb. Reports the median time and
throughput, and the peak resident memory, of each; writes the table and a
bar chart into doc/benchmarks.md and doc/benchmarks.png.

    bench/run.py --build _build [--gb 2.0] [--runs 3]

Run it by hand, on an otherwise idle machine: it is not a test.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

from bench_common import run_timed

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"

HDMF_WRITER = r"""
import os, sys
import h5py
import numpy as np
from hdmf.data_utils import GenericDataChunkIterator

path, out, compression, buffer_gb, chunk_mb = sys.argv[1:6]


class MemmapIterator(GenericDataChunkIterator):
    def __init__(self, path, **kwargs):
        self.array = np.memmap(path, dtype="int16", mode="r").reshape(-1, 384)
        super().__init__(**kwargs)

    def _get_data(self, selection):
        return np.asarray(self.array[selection])

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


it = MemmapIterator(path, buffer_gb=float(buffer_gb), chunk_mb=float(chunk_mb))
options = dict(compression="gzip", compression_opts=4, shuffle=True) if compression == "gzip" else {}
with h5py.File(out, "w") as f:
    dset = f.create_dataset("data", shape=it.maxshape, dtype=it.dtype, chunks=it.chunk_shape,
                            **options)
    for buffer in it:
        dset[buffer.selection] = buffer.data
"""


def run_measured(command):
    """Runs @command; returns (seconds, peak resident bytes of the child)."""
    seconds, peak, _, error = run_timed(command)
    if error is not None:
        sys.exit(f"bench: {' '.join(map(str, command))} failed: {error}")
    return seconds, peak


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} processors, {memory:.0f} GiB, Linux {platform.release()}"


def versions(gdci):
    out = {}
    out["gdci"] = subprocess.run([gdci, "--version"], capture_output=True, text=True).stdout.split()[-1]
    probe = ("import h5py, hdmf, numpy; print(h5py.version.hdf5_version, h5py.__version__, "
             "hdmf.__version__, numpy.__version__)")
    hdf5, h5py_v, hdmf_v, numpy_v = subprocess.run([PYTHON, "-c", probe], capture_output=True,
                                                    text=True, check=True).stdout.split()
    out.update(hdf5=hdf5, h5py=h5py_v, hdmf=hdmf_v, numpy=numpy_v)
    return out


def buffer_bytes(gdci, rows, buffer_gb, chunk_mb):
    plan = subprocess.run([gdci, "plan", "--dtype", "int16", "--shape", f"{rows},384",
                           "--buffer-gb", str(buffer_gb), "--chunk-mb", str(chunk_mb), "--plan", "fit"],
                          capture_output=True, text=True, check=True).stdout
    for line in plan.splitlines():
        if line.startswith("Buffer shape:"):
            return float(line.split(",")[-1].split()[0]) * 1e6
    raise RuntimeError(plan)


def chart(results, order, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [name for name in order if name in results]
    speeds = [results[name]["mb_s"] for name in labels]
    colours = ["#888888" if name.startswith("dd") else
               "#3465a4" if name.startswith("gdci") else "#cc7a00" for name in labels]
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=110)
    bars = ax.barh(labels[::-1], speeds[::-1], color=colours[::-1])
    ax.bar_label(bars, labels=[f"{v:,.0f} MB/s" for v in speeds[::-1]], padding=4, fontsize=9)
    ax.set_xlabel("throughput, MB/s of int16 recording written (median)")
    ax.set_xlim(0, max(speeds) * 1.2)
    ax.set_title("Writing a recording into HDF5: gdci, hdmf + h5py, and dd")
    fig.tight_layout()
    fig.savefig(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(TOP, "_build"))
    parser.add_argument("--gb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--buffer-gb", type=float, default=0.5)
    parser.add_argument("--chunk-mb", type=float, default=10.0)
    parser.add_argument("--workdir", default=None,
                        help="where the recording and outputs go (default: in the build directory)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write doc/")
    args = parser.parse_args()

    gdci = os.path.join(args.build, "tools", "gdci")
    if not os.access(gdci, os.X_OK):
        sys.exit(f"bench: no gdci in {args.build}: build first (meson compile -C {args.build})")
    workdir = args.workdir or os.path.join(args.build, "bench")
    os.makedirs(workdir, exist_ok=True)
    recording = os.path.join(workdir, "recording.bin")
    out = os.path.join(workdir, "out")

    subprocess.run([PYTHON, os.path.join(TOP, "examples", "make_recording.py"), recording,
                    "--gb", str(args.gb)], check=True)
    size = os.path.getsize(recording)
    rows = size // (384 * 2)
    sizes = ["--buffer-gb", str(args.buffer_gb), "--chunk-mb", str(args.chunk_mb)]
    convert = [gdci, "convert", recording, out + ".h5", "--dtype", "int16", "--shape", "-1,384",
               "--no-progress", *sizes]
    gzip = ["--compression", "gzip:4", "--shuffle"]
    threads = os.cpu_count() or 1

    methods = {
        "dd bs=16M": ["dd", f"if={recording}", f"of={out}.bin", "bs=16M"],
        "gdci, uncompressed": convert,
        "hdmf + h5py, uncompressed": [PYTHON, "-c", HDMF_WRITER, recording, out + ".h5",
                                      "none", str(args.buffer_gb), str(args.chunk_mb)],
        "gdci, gzip-4 + shuffle, 1 thread": convert + gzip + ["--threads", "1"],
        f"gdci, gzip-4 + shuffle, {threads} threads": convert + gzip + ["--threads", str(threads)],
        "hdmf + h5py, gzip-4 + shuffle": [PYTHON, "-c", HDMF_WRITER, recording, out + ".h5",
                                          "gzip", str(args.buffer_gb), str(args.chunk_mb)],
    }
    order = list(methods)
    times = {name: [] for name in order}
    peaks = {name: [] for name in order}

    for run in range(args.runs):
        # alternate, starting each round somewhere else
        names = order[run % len(order):] + order[:run % len(order)]
        for name in names:
            for leftover in (out + ".h5", out + ".bin"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
            # the same start for every run: nothing dirty waiting to be
            # written, and the recording in the page cache
            subprocess.run(["sync"], check=True)
            with open(recording, "rb") as f:
                while f.read(64 << 20):
                    pass
            seconds, peak = run_measured(methods[name])
            times[name].append(seconds)
            peaks[name].append(peak)
            print(f"run {run + 1}: {name}: {seconds:.2f} s, {size / 1e6 / seconds:.0f} MB/s, "
                  f"peak {peak / 1e6:.0f} MB", flush=True)
    for leftover in (out + ".h5", out + ".bin"):
        if os.path.exists(leftover):
            os.unlink(leftover)

    results = {}
    for name in order:
        median = statistics.median(times[name])
        results[name] = {"seconds": median, "mb_s": size / 1e6 / median,
                         "peak_mb": max(peaks[name]) / 1e6, "runs": times[name]}
    buf = buffer_bytes(gdci, rows, args.buffer_gb, args.chunk_mb)
    gz = f"gdci, gzip-4 + shuffle, {threads} threads"
    ratios = {
        "gdci / hdmf, uncompressed": results["gdci, uncompressed"]["mb_s"] /
        results["hdmf + h5py, uncompressed"]["mb_s"],
        "gdci / dd, uncompressed": results["gdci, uncompressed"]["mb_s"] / results["dd bs=16M"]["mb_s"],
        "gdci / hdmf, gzip-4 + shuffle": results[gz]["mb_s"] /
        results["hdmf + h5py, gzip-4 + shuffle"]["mb_s"],
        f"gzip-4 + shuffle, {threads} threads / 1 thread": results[gz]["mb_s"] /
        results["gdci, gzip-4 + shuffle, 1 thread"]["mb_s"],
    }
    memory_limit = 2 * buf + 100e6
    print(json.dumps({"results": results, "ratios": ratios}, indent=1))

    if args.no_doc:
        return
    info = versions(gdci)
    lines = [
        "Title: Benchmarks",
        "",
        "# Benchmarks",
        "",
        f"Writing a {size / 1e9:.2f} GB recording (int16, 384 interleaved channels, "
        f"{rows} samples, made by `examples/make_recording.py`) into an HDF5 dataset, with "
        f"chunk_mb {args.chunk_mb:g} and buffer_gb {args.buffer_gb:g} for both gdci and hdmf. "
        f"Each method ran {args.runs} times, in alternation, each run starting with the "
        "recording in the page cache and nothing waiting to be written; the table gives the "
        "median time and the highest peak resident memory. `dd bs=16M` copies the raw file: "
        "the speed of plain buffered reading and writing on this machine.",
        "",
        f"Machine: {machine()}. gdci {info['gdci']}, HDF5 {info['hdf5']}, h5py {info['h5py']}, "
        f"hdmf {info['hdmf']}, numpy {info['numpy']}. Measured "
        f"{datetime.date.today().isoformat()} with `bench/run.py --gb {args.gb:g} --runs {args.runs}`.",
        "",
        "| method | median time | throughput | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for name in order:
        r = results[name]
        lines.append(f"| {name} | {r['seconds']:.2f} s | {r['mb_s']:,.0f} MB/s | "
                     f"{r['peak_mb']:,.0f} MB |")
    lines += ["", "| ratio | value |", "|---|---:|"]
    for name, value in ratios.items():
        lines.append(f"| {name} | {value:.2f}x |")
    lines += [
        "",
        f"A buffer is {buf / 1e6:.0f} MB here, so gdci's memory limit, two buffers and "
        f"100 MB, is {memory_limit / 1e6:,.0f} MB; its highest peak was "
        f"{max(results[n]['peak_mb'] for n in order if n.startswith('gdci')):,.0f} MB.",
        "",
        "![throughput of each method](benchmarks.png)",
        "",
        "gdci reads the recording with its `pread()` source: hdmf's default chunks of a "
        "384-channel recording make buffers of a part of the channels, so each buffer reads "
        "whole rows of the file, in 16 MiB strips. With gzip, the time goes into deflate "
        "(libdeflate in gdci, zlib in h5py), which gdci runs on all processors.",
        "",
        "gdci writes chunks of 1 MiB or more with O_DIRECT and syncs the file before it "
        "appears under its name; `dd` and h5py write through the page cache and leave the "
        "data to be written back after they exit. Where copying into the page cache is "
        "expensive, as on virtual machines whose fresh memory the host supplies on first "
        "touch, gdci can therefore be faster than `dd`.",
        "",
    ]
    with open(os.path.join(TOP, "doc", "benchmarks.md"), "w") as f:
        f.write("\n".join(lines))
    chart(results, order, os.path.join(TOP, "doc", "benchmarks.png"))
    print("wrote doc/benchmarks.md and doc/benchmarks.png")


if __name__ == "__main__":
    main()
