#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a sample raw recording, as a neural probe's acquisition system
would: int16 samples of interleaved channels (384 by default), at 30 kHz,
with noise, a slow shared field potential and occasional spikes.

    make_recording.py recording.bin --gb 1.0
"""

import argparse
import sys

import numpy as np

RATE = 30000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--gb", type=float, default=1.0, help="size in 10^9 bytes")
    parser.add_argument("--channels", type=int, default=384)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    channels = args.channels
    rows = int(args.gb * 1e9) // (channels * 2)
    if rows < 1:
        sys.exit("make_recording: --gb is too small for one sample of every channel")
    rng = np.random.default_rng(args.seed)
    block = max(1, min(rows, 2_000_000 // channels * 16))

    # noise drawn once and reused at random places: far apart, so no
    # compressor sees it repeat
    pool = rng.normal(0.0, 12.0, size=block * channels + (1 << 20)).astype(np.float32)
    gain = rng.uniform(20.0, 80.0, size=(1, channels)).astype(np.float32)
    spike_shape = (-np.exp(-np.arange(30) / 4.0) * 150.0).astype(np.float32)

    with open(args.path, "wb") as out:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            at = int(rng.integers(0, pool.size - n * channels))
            data = pool[at:at + n * channels].reshape(n, channels).copy()
            t = (start + np.arange(n, dtype=np.float64)) / RATE
            field = (np.sin(2 * np.pi * 7.0 * t) + 0.5 * np.sin(2 * np.pi * 1.3 * t + 1.0))
            data += field.astype(np.float32)[:, None] * gain
            for _ in range(n // 3000):
                row = int(rng.integers(0, max(1, n - spike_shape.size)))
                channel = int(rng.integers(0, channels))
                data[row:row + spike_shape.size, channel] += spike_shape[:n - row]
            out.write(np.rint(data).astype("<i2").tobytes())
    print(f"{args.path}: {rows} samples x {channels} channels of int16, "
          f"{rows * channels * 2 / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
