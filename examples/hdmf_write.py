#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writing an hdmf file fast: hdmf's HDF5IO, with Gdci.hdmf_write in place
of io.write. A table of units with a large ragged column, and a
TimeSeries-like table of a probe's samples (int16, 384 channels), both
iterator-backed, gzip + shuffle; read back with hdmf."""

import sys

import numpy as np
from gi.repository import Gdci
from hdmf.backends.hdf5 import H5DataIO, HDF5IO
from hdmf.common import DynamicTable, SimpleMultiContainer, VectorData, VectorIndex, get_manager
from hdmf.data_utils import GenericDataChunkIterator

CHANNELS = 384
SAMPLES = 300_000          # 230 MB of int16
SPIKES = 2_000_000


class Synthetic(GenericDataChunkIterator):
    """hdmf's iterator API: a subclass says how to read a selection"""

    def __init__(self, shape, dtype, **kwargs):
        self.shape, self.np_dtype = shape, np.dtype(dtype)
        super().__init__(**kwargs)

    def _get_data(self, selection):
        # each element a function of its place: any buffer reads the same
        rows = np.arange(selection[0].start, selection[0].stop)
        if self.np_dtype.kind == "f":
            return (rows * 1.7e-3).astype(self.np_dtype)
        channels = np.arange(selection[1].start, selection[1].stop)
        wave = 100 * np.sin(rows / 30.0)[:, None] + 3 * (channels % 7)[None, :]
        return wave.astype(self.np_dtype)

    def _get_maxshape(self):
        return self.shape

    def __len__(self):    # for VectorIndex, which counts its target's rows
        return self.shape[0]

    def _get_dtype(self):
        return self.np_dtype


def build():
    # a probe's recording: one row per sample, the voltage of every channel
    voltage = VectorData(name="data", description="voltage (uV)", data=H5DataIO(
        Synthetic((SAMPLES, CHANNELS), "int16", buffer_gb=0.1),
        compression="gzip", compression_opts=4, shuffle=True))
    timestamps = VectorData(name="timestamps", description="seconds",
                            data=np.arange(SAMPLES) / 30_000.0)
    series = DynamicTable(name="ElectricalSeries", description="a probe's samples",
                          id=np.arange(SAMPLES), columns=[voltage, timestamps])

    # spike times of 100 units: a ragged column, its values from an iterator
    times = VectorData(name="spike_times", description="seconds", data=H5DataIO(
        Synthetic((SPIKES,), "float64"), compression="gzip", shuffle=True))
    index = VectorIndex(name="spike_times_index", target=times,
                        data=np.arange(1, 101) * (SPIKES // 100))
    units = DynamicTable(name="units", description="sorted units", id=np.arange(100),
                         columns=[index, times])   # hdmf 3.5.1 wants the index first
    return SimpleMultiContainer(name="root", containers=[series, units])


def main(path):
    with HDF5IO(path, mode="w", manager=get_manager()) as io:
        Gdci.hdmf_write(io, build())            # in place of io.write(...)

    with HDF5IO(path, mode="r", manager=get_manager()) as io:
        root = io.read()
        series = root.containers["ElectricalSeries"]
        data = series["data"].data
        print(f"ElectricalSeries/data: {data.shape} {data.dtype}, chunks {data.chunks}, "
              f"{data.compression} level {data.compression_opts}")
        expected = Synthetic((SAMPLES, CHANNELS), "int16", buffer_gb=0.1)
        assert np.array_equal(data[:], expected._get_data((slice(0, SAMPLES), slice(0, CHANNELS))))
        units = root.containers["units"]
        print(f"units: {len(units)} units, unit 0 has {len(units['spike_times'][0])} spikes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "recording.h5")
