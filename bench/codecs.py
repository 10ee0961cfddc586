#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark: gdci's codecs against hdmf + h5py (+ hdf5plugin), on the same
recording.

Writes a sample recording (int16, 384 channels, --size-gb of it, made by
examples/make_recording.py), then runs, in alternation and --runs times
each, for each codec (gzip-4 + shuffle, gzip:fast + shuffle, zstd-1 and
zstd-3 + shuffle, lz4 + shuffle, blosc lz4 + shuffle, bitshuffle + lz4,
bitshuffle + zstd):

- gdci convert with 1 and with 2 threads;
- hdmf's GenericDataChunkIterator over np.memmap written with h5py, with
  the same filters (hdf5plugin's for the plugin codecs; for gzip:fast, the
  same deflate level through zlib);
- the codec alone on one thread, on the same chunks in memory
  (bench/codec-speed, gdci's codec layer): the ceiling;

and the uncompressed write (gdci, 2 threads) for reference, and a
recompression of a gzip-4 + shuffle HDF5 file to zstd-3 + shuffle: gdci
convert (1 and 2 threads) against h5py reading one dataset and writing the
other. Reports the median throughput (MB/s of int16 recording), the output
size and ratio, and the highest peak resident memory of each, as markdown
tables, with the Codecs issue's targets.

Debian's hdf5plugin has no zstd or Bitshuffle filter: h5py uses gdci's
plugins (<build>/plugins) for those, through HDF5_PLUGIN_PATH, and the
tables say so.

    /usr/bin/python3 bench/codecs.py --size-gb 2 [--runs 3] [--build _build]
    /usr/bin/python3 bench/codecs.py --quick      # a smoke run: small, once

Run it by hand, after meson compile, on an otherwise idle machine: it is
not a test.
"""

import argparse
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys

from bench_common import run_timed, warm_start

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
CHANNELS = 384

# name: (gdci --compression and flags, h5py filters as (kind, level,
# shuffle, bitshuffle), codec-speed arguments)
CODECS = {
    "gzip-4 + shuffle": (["gzip:4", "--shuffle"], ("gzip", 4, True, False),
                         ["--kind", "gzip", "--level", "4", "--shuffle"]),
    "gzip:fast + shuffle": (["gzip:fast", "--shuffle"], ("gzip", 1, True, False),
                            ["--kind", "gzip-fast", "--level", "1", "--shuffle"]),
    "zstd-1 + shuffle": (["zstd:1", "--shuffle"], ("zstd", 1, True, False),
                         ["--kind", "zstd", "--level", "1", "--shuffle"]),
    "zstd-3 + shuffle": (["zstd:3", "--shuffle"], ("zstd", 3, True, False),
                         ["--kind", "zstd", "--level", "3", "--shuffle"]),
    "lz4 + shuffle": (["lz4", "--shuffle"], ("lz4", 0, True, False), ["--kind", "lz4", "--shuffle"]),
    "blosc lz4-5 + shuffle": (["blosc:lz4:5", "--shuffle"], ("blosc", 5, True, False),
                              ["--kind", "blosc", "--blosc-codec", "lz4", "--level", "5", "--shuffle"]),
    "bitshuffle + lz4": (["lz4", "--bitshuffle"], ("lz4", 0, False, True), ["--kind", "lz4", "--bitshuffle"]),
    "bitshuffle + zstd-3": (["zstd:3", "--bitshuffle"], ("zstd", 3, False, True),
                            ["--kind", "zstd", "--level", "3", "--bitshuffle"]),
}
# the filters h5py gets from gdci's plugins, Debian having none
GDCI_PLUGIN_CODECS = ("zstd-1 + shuffle", "zstd-3 + shuffle", "bitshuffle + lz4", "bitshuffle + zstd-3")

# the writer of the hdmf rows: hdmf's tutorial iterator over np.memmap,
# written with h5py, the filters given as JSON (kind, level, shuffle,
# bitshuffle)
H5PY_OPTIONS = r"""
def options(kind, level, shuffle, bitshuffle):
    import hdf5plugin
    if bitshuffle:
        if kind == "zstd":
            return dict(hdf5plugin.Bitshuffle(nelems=0, cname="zstd", clevel=level))
        return dict(hdf5plugin.Bitshuffle(nelems=0, cname=kind))
    out = {"shuffle": shuffle and kind != "blosc"}
    if kind == "gzip":
        out.update(compression="gzip", compression_opts=level)
    elif kind == "zstd":
        out.update(hdf5plugin.Zstd(clevel=level))
    elif kind == "lz4":
        out.update(hdf5plugin.LZ4())
    elif kind == "blosc":
        out.update(hdf5plugin.Blosc(cname="lz4", clevel=level,
                                    shuffle=hdf5plugin.Blosc.SHUFFLE if shuffle else hdf5plugin.Blosc.NOSHUFFLE))
    return out
"""

HDMF_WRITER = H5PY_OPTIONS + r"""
import json, sys
import h5py
import numpy as np
from hdmf.data_utils import GenericDataChunkIterator

path, out, filters, buffer_gb, chunk_mb = sys.argv[1:6]


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
with h5py.File(out, "w") as f:
    dset = f.create_dataset("data", shape=it.maxshape, dtype=it.dtype, chunks=it.chunk_shape,
                            **options(*json.loads(filters)))
    for buffer in it:
        dset[buffer.selection] = buffer.data
"""

# h5py's recompression: the source read and the target written one
# buffer of whole chunk rows at a time
H5PY_RECOMPRESS = H5PY_OPTIONS + r"""
import json, sys
import h5py

source, out, filters, buffer_rows = sys.argv[1:5]
with h5py.File(source, "r") as f, h5py.File(out, "w") as g:
    src = f["data"]
    dst = g.create_dataset("data", shape=src.shape, dtype=src.dtype, chunks=src.chunks,
                           **options(*json.loads(filters)))
    step = int(buffer_rows)
    for start in range(0, src.shape[0], step):
        dst[start:start + step] = src[start:start + step]
"""


def plan(gdci, rows, buffer_gb, chunk_mb):
    """gdci's chunk shape and buffer bytes for the recording, in the plan
    gdci convert uses (FIT)"""
    out = subprocess.run([gdci, "plan", "--dtype", "int16", "--shape", f"{rows},{CHANNELS}",
                          "--buffer-gb", str(buffer_gb), "--chunk-mb", str(chunk_mb), "--plan", "fit"],
                         capture_output=True, text=True, check=True).stdout
    chunk, buffer_bytes, buffer_rows = None, None, None
    for line in out.splitlines():
        if line.startswith("Chunk shape:"):
            chunk = tuple(int(v) for v in line.split("(")[1].split(")")[0].split(","))
        if line.startswith("Buffer shape:"):
            buffer_rows = int(line.split("(")[1].split(",")[0])
            buffer_bytes = float(line.split(",")[-1].split()[0]) * 1e6
    return chunk, buffer_bytes, buffer_rows


def plugin_env(build):
    """h5py's environment: gdci's plugins (zstd, Bitshuffle) and Debian's"""
    dirs = [os.path.join(build, "plugins"), *sorted(glob.glob("/usr/lib/*/hdf5/serial/plugins"))]
    # HDF5 1.10 stops its search at a directory that does not exist
    return {**os.environ, "HDF5_PLUGIN_PATH": ":".join(d for d in dirs if os.path.isdir(d))}


def methods_of(args, gdci, recording, out, source_gz, buffer_rows):
    """name: (codec, command, output file, environment)"""
    convert = [gdci, "convert", recording, out, "--dtype", "int16", "--shape", f"-1,{CHANNELS}",
               "--no-progress", "--buffer-gb", str(args.buffer_gb), "--chunk-mb", str(args.chunk_mb)]
    env = plugin_env(args.build)
    methods = {"gdci, uncompressed, 2 threads": (None, convert + ["--threads", "2"], out, None)}
    for codec, (gdci_args, filters, _) in CODECS.items():
        for threads in (1, 2):
            methods[f"gdci, {codec}, {threads} thread{'s' if threads > 1 else ''}"] = (
                codec, convert + ["--compression", *gdci_args, "--threads", str(threads)], out, None)
        methods[f"hdmf + h5py, {codec}"] = (
            codec, [PYTHON, "-c", HDMF_WRITER, recording, out, json.dumps(filters), str(args.buffer_gb),
                    str(args.chunk_mb)], out, env)
    target = ["--compression", "zstd:3", "--shuffle"]
    recompress = [gdci, "convert", f"{source_gz}:/data", out, "--no-progress", "--buffer-gb", str(args.buffer_gb)]
    for threads in (1, 2):
        methods[f"recompress gzip-4 to zstd-3, gdci, {threads} thread{'s' if threads > 1 else ''}"] = (
            "recompress", recompress + target + ["--threads", str(threads)], out, None)
    methods["recompress gzip-4 to zstd-3, h5py"] = (
        "recompress", [PYTHON, "-c", H5PY_RECOMPRESS, source_gz, out, json.dumps(["zstd", 3, True, False]),
                       str(buffer_rows)], out, env)
    return methods


def ceiling(args, helper, recording, chunk):
    """Each codec's single-thread MB/s and ratio on the chunks in memory"""
    out = {}
    for codec, (_, _, speed_args) in CODECS.items():
        result = subprocess.run([helper, recording, "--columns", str(CHANNELS), "--chunk-rows", str(chunk[0]),
                                 "--chunk-columns", str(chunk[1]), "--sample-mb", str(args.sample_mb),
                                 *speed_args], capture_output=True, text=True)
        if result.returncode != 0:
            out[codec] = {"error": result.stderr.strip()}
        else:
            out[codec] = json.loads(result.stdout)
    return out


def median_ceiling(ceilings):
    out = {}
    for codec in CODECS:
        runs = [c[codec] for c in ceilings if "error" not in c[codec]]
        if not runs:
            out[codec] = ceilings[0][codec]
            continue
        out[codec] = {"mb_s": statistics.median(r["mb_s"] for r in runs), "ratio": runs[0]["ratio"]}
    return out


def fmt(value, spec, missing="n/a"):
    return missing if value is None else format(value, spec)


def report(args, size, results, ceil, buffer_bytes, chunk, env_note):
    lines = [
        f"Codecs on a {size / 1e9:.2f} GB int16 recording ({CHANNELS} channels, examples/make_recording.py), "
        f"chunks {chunk} (chunk_mb {args.chunk_mb:g}), buffer_gb {args.buffer_gb:g}; {args.runs} run(s) of "
        f"each, alternated, medians; peak = highest peak RSS of the process. "
        f"{datetime.date.today().isoformat()}, `bench/codecs.py --size-gb {args.size_gb:g} --runs {args.runs}`.",
        "",
        "| method | MB/s | file MB | ratio | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        if r.get("error"):
            lines.append(f"| {name} | failed: {r['error'][:100]} | | | |")
            continue
        lines.append(f"| {name} | {r['mb_s']:,.0f} | {r['file_mb']:,.0f} | {size / 1e6 / r['file_mb']:.2f} | "
                     f"{r['peak_mb']:,.0f} |")
    lines += ["", env_note, "",
              "| codec | ceiling, 1 thread in memory, MB/s | ceiling ratio | gdci 2 threads MB/s | "
              "target: 80% of min(2 x ceiling, uncompressed) | met |",
              "|---|---:|---:|---:|---:|---|"]
    uncompressed = results.get("gdci, uncompressed, 2 threads", {}).get("mb_s")
    for codec in CODECS:
        c = ceil[codec]
        two = results.get(f"gdci, {codec}, 2 threads", {}).get("mb_s")
        if "error" in c:
            lines.append(f"| {codec} | failed: {c['error'][:100]} | | {fmt(two, ',.0f')} | | |")
            continue
        target = 0.8 * min(2 * c["mb_s"], uncompressed) if uncompressed else None
        met = "n/a" if target is None or two is None else ("yes" if two >= target else "no")
        lines.append(f"| {codec} | {c['mb_s']:,.0f} | {c['ratio']:.2f} | {fmt(two, ',.0f')} | "
                     f"{fmt(target, ',.0f')} | {met} |")

    def speed(name):
        return results.get(name, {}).get("mb_s")

    def ratio(a, b):
        return None if a is None or b is None else a / b

    fast = speed("gdci, gzip:fast + shuffle, 2 threads")
    z1 = speed("gdci, zstd-1 + shuffle, 2 threads")
    targets = [
        ("gzip:fast, 2 threads / hdmf gzip-4", ratio(fast, speed("hdmf + h5py, gzip-4 + shuffle")), 10.0),
        ("zstd-1 + shuffle, 2 threads / hdmf zstd-1", ratio(z1, speed("hdmf + h5py, zstd-1 + shuffle")), 4.0),
        ("recompression gzip to zstd: gdci 2 threads / h5py",
         ratio(speed("recompress gzip-4 to zstd-3, gdci, 2 threads"), speed("recompress gzip-4 to zstd-3, h5py")),
         None),
    ]
    lines += ["", "| ratio | value | target |", "|---|---:|---:|"]
    for name, value, target in targets:
        lines.append(f"| {name} | {fmt(value, '.2f')}{'x' if value is not None else ''} | "
                     f"{fmt(target, '.0f', '')}{'x' if target else ''} |")
    peaks = [r["peak_mb"] for n, r in results.items() if n.startswith("gdci") and not r.get("error")]
    limit = (2 * buffer_bytes + 100e6) / 1e6
    lines += ["", f"gdci's memory limit, two buffers of {buffer_bytes / 1e6:,.0f} MB and 100 MB, is "
                  f"{limit:,.0f} MB; gdci's highest peak was {fmt(max(peaks) if peaks else None, ',.0f')} MB."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(TOP, "_build"))
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--buffer-gb", type=float, default=0.5)
    parser.add_argument("--chunk-mb", type=float, default=10.0)
    parser.add_argument("--sample-mb", type=float, default=500.0,
                        help="chunks gathered into memory for the ceiling (default 500 MB)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 GB, buffers of 0.02 GB, one run")
    parser.add_argument("--workdir", default=None, help="the recording and outputs (default: <build>/bench)")
    parser.add_argument("--output", default=None, help="also write the markdown tables into this file")
    args = parser.parse_args()
    if args.quick:
        args.size_gb, args.runs, args.buffer_gb, args.chunk_mb = 0.1, 1, 0.02, 2.0

    gdci = os.path.join(args.build, "tools", "gdci")
    helper = os.path.join(args.build, "bench", "codec-speed")
    for program in (gdci, helper):
        if not os.access(program, os.X_OK):
            sys.exit(f"bench: no {program}: build first (meson compile -C {args.build})")
    workdir = args.workdir or os.path.join(args.build, "bench")
    os.makedirs(workdir, exist_ok=True)
    recording = os.path.join(workdir, "codecs-recording.bin")
    out = os.path.join(workdir, "codecs-out.h5")
    source_gz = os.path.join(workdir, "codecs-gzip.h5")

    subprocess.run([PYTHON, os.path.join(TOP, "examples", "make_recording.py"), recording,
                    "--gb", str(args.size_gb)], check=True)
    size = os.path.getsize(recording)
    rows = size // (CHANNELS * 2)
    chunk, buffer_bytes, buffer_rows = plan(gdci, rows, args.buffer_gb, args.chunk_mb)
    # the gzip source of the recompression, written once by gdci
    subprocess.run([gdci, "convert", recording, source_gz, "--dtype", "int16", "--shape", f"-1,{CHANNELS}",
                    "--no-progress", "--buffer-gb", str(args.buffer_gb), "--chunk-mb", str(args.chunk_mb),
                    "--compression", "gzip:4", "--shuffle", "--overwrite"], check=True, capture_output=True)

    methods = methods_of(args, gdci, recording, out, source_gz, buffer_rows)
    order = list(methods)
    times = {name: [] for name in order}
    peaks = {name: [] for name in order}
    files = {}
    errors = {}
    ceilings = []
    for run in range(args.runs):
        names = order[run % len(order):] + order[:run % len(order)]
        for name in names:
            if name in errors:
                continue
            _, command, output, env = methods[name]
            warm_start(recording, [output])
            seconds, peak, _, error = run_timed(command, env=env)
            if error is not None:
                errors[name] = error
                print(f"run {run + 1}: {name}: failed: {error}", flush=True)
                continue
            times[name].append(seconds)
            peaks[name].append(peak)
            files[name] = os.path.getsize(output)
            print(f"run {run + 1}: {name}: {seconds:.2f} s, {size / 1e6 / seconds:,.0f} MB/s, "
                  f"{files[name] / 1e6:,.0f} MB, peak {peak / 1e6:,.0f} MB", flush=True)
        ceilings.append(ceiling(args, helper, recording, chunk))
        print(f"run {run + 1}: ceilings: " + ", ".join(
            f"{c}: {v['mb_s']:,.0f} MB/s" if "error" not in v else f"{c}: failed"
            for c, v in ceilings[-1].items()), flush=True)
    for leftover in (out, source_gz, recording):
        if os.path.exists(leftover):
            os.unlink(leftover)

    results = {}
    for name in order:
        if name in errors:
            results[name] = {"error": errors[name]}
            continue
        median = statistics.median(times[name])
        results[name] = {"seconds": median, "mb_s": size / 1e6 / median, "file_mb": files[name] / 1e6,
                         "peak_mb": max(peaks[name]) / 1e6, "runs": times[name]}
    env_note = ("hdmf + h5py read and write zstd and Bitshuffle (" + ", ".join(GDCI_PLUGIN_CODECS) +
                ", and the recompression's zstd) through gdci's HDF5 plugins (<build>/plugins on "
                "HDF5_PLUGIN_PATH): Debian's hdf5plugin has none. Its LZ4 and Blosc are Debian's "
                "(hdf5-filter-plugin, hdf5-filter-plugin-blosc-serial); its gzip:fast row is h5py's "
                "deflate (zlib) at the same level, 1.")
    text = report(args, size, results, median_ceiling(ceilings), buffer_bytes, chunk, env_note)
    print()
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
