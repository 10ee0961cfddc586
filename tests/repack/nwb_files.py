# SPDX-License-Identifier: LGPL-2.1-or-later
"""The input files of the repack tests, each made by a function (path) ->
None: a file shaped as NWB files are, with every kind of object, link,
attribute and storage HDF5 has that h5py writes; a file hdmf wrote with
its common schema; and a file grown by datasets deleted and made again.

The paths below are the ones the tests look at."""

import h5py
import numpy as np

# nwb_like()'s objects the tests name
BIG = "/acquisition/ElectricalSeries/data"          # int16 (rows, 384), gzip 4 + shuffle
TIMESTAMPS = "/acquisition/ElectricalSeries/timestamps"  # float64 (rows,), contiguous
TIMESTAMPS_ALIAS = "/processing/ecephys/same_timestamps"  # a hard link to TIMESTAMPS
BIG_ALIAS = "/processing/ecephys/raw"               # a hard link to BIG
SOFT = "/processing/ecephys/link_to_data"           # a soft link to BIG
EXTERNAL = "/general/external"                      # an external link to a missing file
EMPTY = "/acquisition/ElectricalSeries_empty/data"  # (0, 384), maxshape (None, 384)
SMALL = "/general/extracellular_ephys/electrodes/x"  # float64 (384,), chunks (128,)
LFP = "/processing/ecephys/LFP/data"                # float32 (rows // 4, 32), gzip
FRAMES = "/acquisition/images/frames"               # uint8 (24, 64, 64), chunks (1, 64, 64)
ORDERED = "/processing/ordered"                     # a group tracking creation order
ORDERED_DATASET = "/processing/ordered/zeta"        # a dataset tracking its attributes' order
COMMITTED = "/mytype"                               # a committed compound type
TYPED = "/general/typed"                            # a dataset of that type
REFS = "/general/refs"                              # object references
REGIONS = "/general/regions"                        # region references
ELECTRODES_GROUP = "/general/extracellular_ephys/electrodes/group"  # compound with a reference
# the filter pipelines: name -> h5py's options, on int32 data of FILTER_ROWS
FILTERS = "/processing/filters"
FILTER_ROWS = 40_000                                # 160 kB each, above 64 KiB
PIPELINES = {
    "gzip": dict(compression="gzip", compression_opts=6),
    "gzip_shuffle": dict(compression="gzip", compression_opts=1, shuffle=True),
    "fletcher32": dict(fletcher32=True),
    "scaleoffset": dict(scaleoffset=0),
    "none": dict(),
    "fill": dict(fillvalue=-7, compression="gzip"),  # written in part: the rest is fill
}
# LZF, which gdci's process cannot decode (h5py registers it, HDF5's
# plugin of it does not load): 40 kB, below the default --min-size (its
# name does not say lzf: a message naming the filter must say it)
LZF = "/processing/filters/fast"
LZF_ROWS = 20_000
# 65536 bytes, no filter: at the default --min-size
BOUNDARY = "/processing/filters/boundary"

N_CHANNELS = 384
DEFAULT_ROWS = 10_000


def recording(rows, channels, seed=0, dtype="int16"):
    """Compressible data as an electrode records it: a slow wave, noise."""
    rng = np.random.default_rng(seed)
    wave = 200 * np.sin(np.arange(rows) / 300)[:, None]
    return (rng.normal(0, 30, size=(rows, channels)) + wave).astype(dtype)


def every_attribute(obj, target):
    """Attributes of every type h5py writes on obj, target (an object of
    the file) the one an object reference attribute points at. Set out of
    alphabetical order, for the objects that track it."""
    attrs = obj.attrs
    attrs["zz_int"] = np.int64(-42)
    attrs["float"] = 2.5
    attrs["ints"] = np.arange(5, dtype="int32")
    attrs["floats"] = np.linspace(0, 1, 4)
    attrs["u8"] = np.uint8(200)
    attrs.create("fixed_ascii", np.bytes_("abcde"))                  # H5T_STRING, fixed, ASCII
    attrs.create("fixed_array", np.array([b"ab", b"cd"], dtype="S2"))
    attrs["utf8"] = "microvolts \u00b5V"                             # variable length, UTF-8
    attrs.create("ascii", b"volts", dtype=h5py.string_dtype("ascii"))  # variable length, ASCII
    attrs.create("strings", ["one", "two", "three"], dtype=h5py.string_dtype())
    attrs["flag"] = np.bool_(True)                                   # an enum, as h5py writes bool
    attrs["flags"] = np.array([True, False, True])
    attrs["ref"] = target.ref                                        # an object reference
    attrs["compound"] = np.array((7, 0.25, b"xy"), dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")])
    attrs["empty"] = h5py.Empty("float64")                           # a null dataspace


def nwb_like(path, rows=DEFAULT_ROWS):
    """A file of nested groups as NWB's, with every kind of HDF5 object
    (see the names above); its big dataset is int16 (rows, 384)."""
    with h5py.File(path, "w") as f:
        _acquisition(f, rows)
        _general(f)
        _processing(f, rows)
        _references(f)
        # the root's attributes last: its reference points at a dataset
        f.attrs["nwb_version"] = "2.5.0"
        f.attrs["namespace"] = "core"
        every_attribute(f, f[BIG])


def _acquisition(f, rows):
    series = f.create_group("acquisition/ElectricalSeries")
    big = series.create_dataset("data", data=recording(rows, N_CHANNELS), chunks=(1000, 64),
                                compression="gzip", compression_opts=4, shuffle=True)
    big.attrs["conversion"] = 1e-6
    big.attrs["resolution"] = -1.0
    big.attrs["unit"] = "volts"
    # contiguous, above 64 KiB
    series.create_dataset("timestamps", data=np.arange(rows) / 30_000.0)
    series.attrs["description"] = "the raw recording"
    every_attribute(series, big)
    every_attribute(big, series)
    empty = f.create_dataset(EMPTY, shape=(0, N_CHANNELS), maxshape=(None, N_CHANNELS),
                             dtype="int16", chunks=(1000, N_CHANNELS))
    empty.attrs["unit"] = "volts"
    rng = np.random.default_rng(3)
    frames = rng.integers(0, 255, size=(24, 64, 64), dtype="uint8")
    f.create_dataset(FRAMES, data=frames, chunks=(1, 64, 64), compression="gzip")


def _general(f):
    general = f.create_group("general")
    general["session_number"] = np.int64(12)                         # scalar
    general["session_description"] = "a session"                     # scalar, variable length
    general["nothing"] = h5py.Empty("float64")                       # null dataspace
    general.create_dataset("keywords", data=["ephys", "mouse", "\u00e9t\u00e9"],
                           dtype=h5py.string_dtype())                # variable length strings
    general.create_dataset("fixed", data=np.array([b"probe-a", b"probe-b"], dtype="S8"))
    general.create_dataset("devices/table", data=np.array(
        [(1, 0.5, b"a"), (2, 1.5, b"b"), (3, 2.5, b"c")],
        dtype=[("id", "<i4"), ("gain", "<f8"), ("tag", "S4")]))      # compound
    general["devices/probe"] = np.arange(16, dtype="int16")         # small contiguous
    general[EXTERNAL] = h5py.ExternalLink("missing-file.h5", "/data")
    electrodes = general.create_group("extracellular_ephys/electrodes")
    electrodes.create_dataset("x", data=np.linspace(0, 3840, N_CHANNELS), chunks=(128,))
    electrodes.create_dataset("y", data=np.arange(N_CHANNELS, dtype="float32"))
    electrodes.attrs["colnames"] = np.array([b"x", b"y", b"group"], dtype="S5")
    every_attribute(general, electrodes)
    # a committed datatype and a dataset of it
    f[COMMITTED] = np.dtype([("x", "<i4"), ("y", "<f8")])
    typed = np.array([(i, i / 4) for i in range(10)], dtype=f[COMMITTED].dtype)
    general.create_dataset("typed", data=typed, dtype=f[COMMITTED])


def _processing(f, rows):
    ecephys = f.create_group("processing/ecephys")
    lfp = recording(rows // 4, 32, seed=1, dtype="float32")
    ecephys.create_dataset("LFP/data", data=lfp, chunks=(500, 32), compression="gzip")
    ecephys[TIMESTAMPS_ALIAS.rsplit("/", 1)[1]] = f[TIMESTAMPS]      # hard links
    ecephys[BIG_ALIAS.rsplit("/", 1)[1]] = f[BIG]
    ecephys[SOFT.rsplit("/", 1)[1]] = h5py.SoftLink(BIG)
    ecephys["dangling"] = h5py.SoftLink("/no/such/object")
    filters = f.create_group(FILTERS)
    data = (np.arange(FILTER_ROWS) % 1000 - 500).astype("int32")
    for name, options in PIPELINES.items():
        chunks = (10_000,) if name != "none" else (8000,)
        dset = filters.create_dataset(name, shape=data.shape, dtype=data.dtype, chunks=chunks,
                                      **options)
        if name == "fill":
            dset[:15_000] = data[:15_000]
        else:
            dset[...] = data
    f.create_dataset(LZF, data=(np.arange(LZF_ROWS) % 100).astype("int16"), chunks=(5000,),
                     compression="lzf")
    f.create_dataset(BOUNDARY, data=np.arange(32768, dtype="int16"), chunks=(4096,))
    # a group that tracks the order of its links and attributes, filled
    # out of alphabetical order
    ordered = f.create_group(ORDERED, track_order=True)
    zeta = ordered.create_dataset("zeta", data=np.arange(10.0), track_order=True)
    for name in ("zulu", "alpha", "mike"):
        zeta.attrs[name] = name
    ordered.create_group("alpha")
    ordered["mid"] = np.arange(3)
    ordered["beta"] = h5py.SoftLink("/processing/ordered/zeta")
    for name in ("yankee", "bravo", "kilo"):
        ordered.attrs[name] = len(name)


def _references(f):
    general = f["general"]
    targets = [f[BIG], f["acquisition"], f[TIMESTAMPS], f["general/devices/table"], f[ORDERED]]
    general.create_dataset("refs", data=np.array([t.ref for t in targets], dtype=h5py.ref_dtype))
    big, frames = f[BIG], f[FRAMES]
    regions = [big.regionref[0:10, 3:7], big.regionref[100:102, :], frames.regionref[2, 10:20, 5],
               f[TIMESTAMPS].regionref[5:50]]
    general.create_dataset("regions", data=np.array(regions, dtype=h5py.regionref_dtype))
    # a table column of references, as NWB's electrodes' group column
    record = np.dtype([("name", "S16"), ("device", h5py.ref_dtype)])
    column = np.array([(b"shank0", f["general/devices"].ref), (b"shank1", f[BIG].ref)], dtype=record)
    f.create_dataset(ELECTRODES_GROUP, data=column)
    f[BIG].attrs["timestamps"] = f[TIMESTAMPS].ref


# ---- hdmf ------------------------------------------------------------------

HDMF_ROWS = 50_000


def hdmf_arrays():
    """The data of hdmf_file(), the same at every call."""
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 5, size=HDMF_ROWS)
    return {
        "signal": recording(HDMF_ROWS, 16, seed=8, dtype="float32"),
        "count": rng.integers(-1000, 1000, size=HDMF_ROWS).astype("int32"),
        "spikes": rng.normal(size=int(counts.sum())),
        "spikes_index": np.cumsum(counts).astype("uint32"),
        "region": rng.integers(0, 10, size=HDMF_ROWS).astype("int32"),
        "label": np.arange(10, dtype="int64") * 3,
    }


def hdmf_file(path):
    """A file of hdmf's common schema written by HDF5IO: a table of a
    gzip 2-D column from a GenericDataChunkIterator, plain columns, a
    ragged column (VectorIndex) and a DynamicTableRegion into a second
    table."""
    from hdmf.backends.hdf5 import H5DataIO, HDF5IO
    from hdmf.common import (DynamicTable, DynamicTableRegion, SimpleMultiContainer, VectorData,
                             VectorIndex, get_manager)
    from hdmf.data_utils import GenericDataChunkIterator

    class ArrayChunks(GenericDataChunkIterator):
        def __init__(self, array, **kwargs):
            self.array = array
            super().__init__(**kwargs)

        def _get_data(self, selection):
            return self.array[selection]

        def _get_maxshape(self):
            return self.array.shape

        def _get_dtype(self):
            return self.array.dtype

    a = hdmf_arrays()

    def column(name, data):
        return VectorData(name=name, description=f"the {name} column", data=data)

    other = DynamicTable(name="other", description="the rows a region points at",
                         columns=[column("label", a["label"])], id=np.arange(10))
    spikes = column("spikes", a["spikes"])
    table = DynamicTable(name="units", description="a table", id=np.arange(HDMF_ROWS), columns=[
        column("signal", H5DataIO(ArrayChunks(a["signal"], chunk_shape=(5000, 16), buffer_shape=(25000, 16)),
                                  compression="gzip", compression_opts=4, shuffle=True)),
        column("count", a["count"]),
        VectorIndex(name="spikes_index", target=spikes, data=a["spikes_index"]),
        spikes,
        DynamicTableRegion(name="region", description="rows of other", table=other, data=a["region"]),
    ])
    root = SimpleMultiContainer(name="root", containers=[table, other])
    with HDF5IO(str(path), "w", manager=get_manager()) as io:
        io.write(root)


def hdmf_read(path):
    """The contents of hdmf_file()'s tables as hdmf reads them:
    {column: array}, the ragged column's rows, and the region's labels."""
    from hdmf.backends.hdf5 import HDF5IO
    from hdmf.common import get_manager

    with HDF5IO(str(path), "r", manager=get_manager()) as io:
        root = io.read()
        units = root.containers["units"]
        columns = {c.name: np.asarray(c.data[:]) for c in units.columns}
        columns["id"] = np.asarray(units.id.data[:])
        ragged = [list(units["spikes"][i]) for i in (0, 1, 2, HDMF_ROWS // 2, HDMF_ROWS - 1)]
        region = units["region"]
        labels = region.table["label"].data[:][region.data[:]]
        assert region.table is root.containers["other"]
        return columns, ragged, np.asarray(labels), list(units.colnames)


# ---- a file much larger than its contents ------------------------------------

OVERWRITTEN_SHAPE = (512, 1024)   # float64: 4 MiB


def overwritten(path, rounds=6):
    """A file whose 4 MiB dataset /x was made again in each of rounds
    sessions: the new one made, the old one deleted (del f["x"]) and the
    new one moved to its name. HDF5 forgets the space freed in the middle
    of the file at each close, so the file grows by 4 MiB a round; rounds=1
    writes the same contents fresh."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=OVERWRITTEN_SHAPE)
    with h5py.File(path, "w") as f:
        f.attrs["identifier"] = "overwritten"
        f["meta/labels"] = np.arange(100)
        f["meta/name"] = "a name"
        f.create_dataset("x", data=x)
        f["x"].attrs["unit"] = "volts"
    for _ in range(rounds - 1):
        with h5py.File(path, "a") as f:
            f.create_dataset("x_next", data=x)
            f["x_next"].attrs["unit"] = "volts"
            del f["x"]
            f.move("x_next", "x")
