# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.hdmf_write(io, container) against io.write(container).

The same containers are written by hdmf's HDF5IO.write() and by
Gdci.hdmf_write() into two files, built afresh for each (a container is
written once), and the files are compared object by object (hdmf_files.py)
and with h5diff, then read back with hdmf. The containers hold
GenericDataChunkIterators of hdmf's class and of gdci's drop-in, bare and in
H5DataIO, beside what hdmf_write leaves to hdmf (other dtypes, hdmf's
DataChunkIterator, plain arrays); a failing iterator, hdmf's own test cases
of GenericDataChunkIterator ported to hdmf_write, and the io after
hdmf_write follow.
"""

import re
import shutil
import subprocess

import h5py
import numpy as np
import pytest
from gi.repository import Gdci
from hdmf.backends.hdf5 import H5DataIO, HDF5IO
from hdmf.common import (DynamicTable, DynamicTableRegion, SimpleMultiContainer, VectorData,
                         VectorIndex, get_manager)
from hdmf.data_utils import DataChunkIterator, GenericDataChunkIterator
from hdmf_files import compare_files, h5diff_without_object_ids, links
from overrides_helpers import NumpyIterator, RecordingBar

# what hdmf warns of, by design of these cases: filters other than gzip,
# and the types its spec widens (cases hdmf_write leaves to hdmf's iteration)
pytestmark = [
    pytest.mark.filterwarnings("ignore:(lzf|32001|32004) compression may not be available:UserWarning"),
    pytest.mark.filterwarnings("ignore:Spec 'DynamicTable/.*is being converted to data type"),
]

needs_h5diff = pytest.mark.skipif(shutil.which("h5diff") is None, reason="h5diff is not installed")

SEED = 20261201
N_ROWS = 60_000     # the big table's rows
N_SAMPLES = 30_000  # the time series' samples
N_OTHER = 25        # the rows a DynamicTableRegion points at


class HdmfIterator(GenericDataChunkIterator):
    """hdmf's own class over a numpy array, counting the elements it
    reads."""

    def __init__(self, array, **kwargs):
        self.array = array
        self.elements_read = 0
        super().__init__(**kwargs)

    def _get_data(self, selection):
        data = self.array[selection]
        self.elements_read += data.size
        return data

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


def read_once(iterator):
    """Whether every element of iterator's data was read, once (gdci reads
    in buffers of its own, as large as the iterator's)"""
    return iterator.elements_read == iterator.array.size


def column(name, data):
    return VectorData(name=name, description=f"the {name} column", data=data)


def table(name, columns, n_rows):
    return DynamicTable(name=name, description=f"the {name} table", columns=columns,
                        id=np.arange(n_rows, dtype="int64"))


def arrays():
    """The data of tree(), the same at every call."""
    rng = np.random.default_rng(SEED)
    counts = rng.integers(0, 6, size=N_ROWS)
    wide_counts = rng.integers(0, 3, size=N_ROWS)
    return {
        "big": rng.normal(size=(N_ROWS, 16)).astype("float32"),
        "dropin": rng.integers(-2**40, 2**40, size=N_ROWS),
        "rechunked": rng.integers(0, 2**16, size=N_ROWS).astype("uint16"),
        "checksummed": rng.normal(size=N_ROWS),
        "lzf": rng.integers(-300, 300, size=N_ROWS).astype("int16"),
        "extendable": rng.normal(size=N_ROWS).astype("float32"),
        "halves": rng.normal(size=N_ROWS).astype("float16"),
        "flags": rng.integers(0, 2, size=N_ROWS).astype(bool),
        "plain": rng.integers(-1000, 1000, size=N_ROWS).astype("int32"),
        "ragged": rng.integers(-1000, 1000, size=int(counts.sum())).astype("int32"),
        "ragged_index": np.cumsum(counts).astype("uint32"),
        "wide": rng.normal(size=int(wide_counts.sum())),
        "wide_index": np.cumsum(wide_counts).astype("int64"),
        "region": rng.integers(0, N_OTHER, size=N_ROWS).astype("int32"),
        "region_wide": rng.integers(0, N_OTHER, size=N_ROWS).astype("uint64"),
        "series_id": np.arange(N_SAMPLES).astype("int16"),
        "label": np.arange(N_OTHER, dtype="int64") * 10,
        "samples": rng.integers(-2**15, 2**15, size=(N_SAMPLES, 32)).astype("int16"),
        "timestamps": np.arange(N_SAMPLES) / 30_000.0,
    }


def tree():
    """A root holding: a table of iterators of every kind hdmf_write fills
    and of those it leaves to hdmf, with a ragged column (VectorIndex) and
    a DynamicTableRegion; the table that region points at; and a time
    series (a 2-D int16 iterator and its timestamps) two groups deep, with
    a soft link to it from another group. Returns (root, its arrays)."""
    a = arrays()
    other = table("other", [column("label", a["label"])], N_OTHER)
    ragged = column("ragged", NumpyIterator(a["ragged"], chunk_shape=(8192,), buffer_shape=(32768,)))
    wide = column("wide", a["wide"])
    columns = [
        # hdmf's class in H5DataIO with gzip and shuffle
        column("big", H5DataIO(HdmfIterator(a["big"], chunk_shape=(2000, 16), buffer_shape=(10000, 16)),
                               compression="gzip", compression_opts=4, shuffle=True)),
        # the drop-in, bare
        column("dropin", NumpyIterator(a["dropin"], chunk_shape=(5000,), buffer_shape=(20000,))),
        # chunks other than the iterator's, gzip level 1, and Fletcher-32
        column("rechunked", H5DataIO(HdmfIterator(a["rechunked"], chunk_shape=(5000,), buffer_shape=(25000,)),
                                     chunks=(3000,), compression="gzip", compression_opts=1,
                                     fletcher32=True)),
        column("checksummed", H5DataIO(NumpyIterator(a["checksummed"], chunk_shape=(4000,),
                                                     buffer_shape=(16000,)),
                                       shuffle=True, fletcher32=True, fillvalue=-1.5)),
        # a filter gdci has no encoder for: HDF5 filters the buffers gdci gives it
        column("lzf", H5DataIO(HdmfIterator(a["lzf"], chunk_shape=(6000,), buffer_shape=(12000,)),
                               compression="lzf")),
        column("extendable", H5DataIO(HdmfIterator(a["extendable"], chunk_shape=(7000,),
                                                   buffer_shape=(21000,)), maxshape=(None,))),
        # left to hdmf: dtypes gdci does not write, and hdmf's DataChunkIterator
        column("halves", HdmfIterator(a["halves"], chunk_shape=(10000,), buffer_shape=(20000,))),
        column("flags", HdmfIterator(a["flags"], chunk_shape=(10000,), buffer_shape=(20000,))),
        column("plain", DataChunkIterator(data=a["plain"], buffer_size=7000)),
        # hdmf 3.5.1 finds a VectorIndex's target only before the target's
        # iterator (it drops iterator columns from its length check as it goes)
        VectorIndex(name="ragged_index", target=ragged,
                    data=HdmfIterator(a["ragged_index"], chunk_shape=(6000,), buffer_shape=(18000,))),
        ragged,
        wide,
        # int64 offsets: the spec's uint8 makes the dataset uint64, into
        # which int64 does not convert exactly (h5py converts, as in io.write)
        VectorIndex(name="wide_index", target=wide,
                    data=HdmfIterator(a["wide_index"], chunk_shape=(6000,), buffer_shape=(18000,))),
        DynamicTableRegion(name="region", description="rows of other", table=other,
                           data=NumpyIterator(a["region"], chunk_shape=(6000,), buffer_shape=(30000,))),
        # uint64: the spec's int makes it int64, which uint64 does not fit
        DynamicTableRegion(name="region_wide", description="rows of other", table=other,
                           data=HdmfIterator(a["region_wide"], chunk_shape=(6000,), buffer_shape=(30000,))),
    ]
    # ids of int16: the spec's int makes them int32, which gdci fills converting
    # (hdmf 3.5.1 takes an iterator as ids when every column is one too)
    series = DynamicTable(name="timeseries", description="a time series", columns=[
        column("data", H5DataIO(HdmfIterator(a["samples"], chunk_shape=(1000, 32), buffer_shape=(8000, 32)),
                                compression="gzip", compression_opts=2)),
        column("timestamps", NumpyIterator(a["timestamps"], chunk_shape=(5000,), buffer_shape=(15000,))),
    ], id=HdmfIterator(a["series_id"], chunk_shape=(5000,), buffer_shape=(10000,)))
    ecephys = SimpleMultiContainer(name="ecephys", containers=[series])
    acquisition = SimpleMultiContainer(name="acquisition", containers=[ecephys])
    processing = SimpleMultiContainer(name="processing", containers=[])
    root = SimpleMultiContainer(name="root", containers=[table("table", columns, N_ROWS), other,
                                                         acquisition, processing])
    processing.add_container(series)  # its parent stays ecephys: a soft link
    return root, a


def write_both(tmp_path, make, hdmf_write_kwargs=None, **write_kwargs):
    """make() written by io.write into io.h5 and by Gdci.hdmf_write into
    gdci.h5: the two paths and the containers given to hdmf_write."""
    paths = tmp_path / "io.h5", tmp_path / "gdci.h5"
    with HDF5IO(paths[0], "w", manager=get_manager()) as io:
        io.write(make()[0], **write_kwargs)
    made = make()
    with HDF5IO(paths[1], "w", manager=get_manager()) as io:
        Gdci.hdmf_write(io, made[0], **(hdmf_write_kwargs or {}), **write_kwargs)
    return paths, made


def check_tree_storage(path):
    """What tree() asked of the file, in it: filters, chunks and types."""
    with h5py.File(path, "r") as f:
        big = f["table/big"]
        assert (big.compression, big.compression_opts, big.shuffle) == ("gzip", 4, True)
        assert big.chunks == (2000, 16) and big.id.get_num_chunks() == N_ROWS // 2000
        assert f["table/dropin"].chunks == (5000,) and f["table/dropin"].compression is None
        rechunked = f["table/rechunked"]
        assert rechunked.chunks == (3000,) and rechunked.fletcher32
        assert f["table/checksummed"].fillvalue == -1.5
        assert f["table/lzf"].compression == "lzf"
        assert f["table/extendable"].maxshape == (None,)
        assert f["table/halves"].dtype == np.float16
        assert f["table/flags"].dtype == bool
        assert f["table/ragged_index"].dtype == np.uint32
        assert f["table/wide_index"].dtype == np.uint64
        assert f["acquisition/ecephys/timeseries/data"].dtype == np.int16
        assert f["acquisition/ecephys/timeseries/data"].shape == (N_SAMPLES, 32)
        # the references, resolved
        assert f[f["table/ragged_index"].attrs["target"]].name == "/table/ragged"
        assert f[f["table/wide_index"].attrs["target"]].name == "/table/wide"
        assert f[f["table/region"].attrs["table"]].name == "/other"
        assert f["table/region_wide"].dtype == np.int64
        assert f["acquisition/ecephys/timeseries/id"].dtype == np.int32
        assert list(f["table"].attrs["colnames"]) == [
            "big", "dropin", "rechunked", "checksummed", "lzf", "extendable", "halves", "flags",
            "plain", "ragged", "wide", "region", "region_wide"]
        assert f.get("processing/timeseries", getlink=True).path == "/acquisition/ecephys/timeseries"


def check_tree_read(path, a):
    """The file read back by hdmf holds tree()'s data."""
    with HDF5IO(path, "r", manager=get_manager()) as io:
        root = io.read()
        t = root.containers["table"]
        columns = {c.name: c for c in t.columns}  # t["ragged"] is its VectorIndex
        for name in ("big", "dropin", "rechunked", "checksummed", "lzf", "extendable", "halves",
                     "flags", "plain", "ragged", "ragged_index", "wide", "wide_index"):
            np.testing.assert_array_equal(columns[name].data[:], a[name])
            if name != "wide_index":  # stored as uint64
                assert columns[name].data.dtype == a[name].dtype, name
        assert t["ragged"] is columns["ragged_index"]
        for row in (0, 1, 777, N_ROWS - 1):
            start = a["ragged_index"][row - 1] if row else 0
            assert list(t["ragged"][row]) == list(a["ragged"][start:a["ragged_index"][row]])
        region = t["region"]
        assert region.table is root.containers["other"]
        np.testing.assert_array_equal(region.data[:], a["region"])
        np.testing.assert_array_equal(t["region_wide"].data[:], a["region_wide"])
        np.testing.assert_array_equal(region.table["label"].data[:][region.data[:]], a["label"][a["region"]])
        series = root.containers["acquisition"].containers["ecephys"].containers["timeseries"]
        np.testing.assert_array_equal(series["data"].data[:], a["samples"])
        np.testing.assert_array_equal(series["timestamps"].data[:], a["timestamps"])
        np.testing.assert_array_equal(series.id.data[:], a["series_id"])
        # (hdmf 3.5.1 reads no container through the soft link in processing:
        # the link is checked in the file, by check_tree_storage())


# ---- the same file as io.write's ----------------------------------------------


def test_tree_is_written_as_io_write_writes_it(tmp_path):
    (io_path, gdci_path), (root, a) = write_both(tmp_path, tree)
    found = compare_files(io_path, gdci_path)
    assert found["/processing/timeseries"] == ("soft", "/acquisition/ecephys/timeseries")
    assert found["/table/big"] == "dataset"
    check_tree_storage(gdci_path)
    check_tree_read(gdci_path, a)


@needs_h5diff
def test_tree_differs_for_h5diff_in_object_ids_only(tmp_path):
    (io_path, gdci_path), _made = write_both(tmp_path, tree)
    # h5diff cannot read lzf, h5py's own filter (not an HDF5 plugin):
    # compare_files() reads that dataset through h5py
    status, output = h5diff_without_object_ids(io_path, gdci_path, tmp_path, exclude=["/table/lzf"])
    assert status == 0, output


def test_iterators_filled_by_gdci_are_left_exhausted(tmp_path):
    """Each iterator is read once, by the writer (not by hdmf as well), and
    left as after hdmf's own iteration of it: exhausted."""
    _paths, (root, _a) = write_both(tmp_path, tree)
    t = root.containers["table"]
    for name in ("big", "rechunked", "lzf", "extendable"):
        iterator = t[name].data.data
        assert read_once(iterator), name
        assert list(iterator) == []
    assert read_once(t["ragged_index"].data)
    for name in ("dropin", "ragged"):
        assert list(t[name].data) == []
    # hdmf's iteration wrote the widened ones, once
    for iterator in (t["wide_index"].data, t["region_wide"].data):
        assert read_once(iterator)
        assert list(iterator) == []
    series = root.containers["acquisition"].containers["ecephys"].containers["timeseries"]
    assert read_once(series.id.data)


@pytest.mark.parametrize("settings", [dict(n_threads=1), dict(n_threads=2, fast_gzip=True)])
def test_writer_settings_change_nothing_hdmf_reads(tmp_path, settings):
    (io_path, gdci_path), (_root, a) = write_both(tmp_path, tree, hdmf_write_kwargs=settings)
    compare_files(io_path, gdci_path)
    check_tree_read(gdci_path, a)


@pytest.mark.parametrize("write_kwargs", [dict(cache_spec=False), dict(exhaust_dci=False)])
def test_write_kwargs_go_to_io_write(tmp_path, write_kwargs):
    (io_path, gdci_path), (_root, a) = write_both(tmp_path, tree, **write_kwargs)
    found = compare_files(io_path, gdci_path)
    assert ("/specifications" in found) == write_kwargs.get("cache_spec", True)
    check_tree_read(gdci_path, a)


PLUGIN_FILTERS = {
    "lz4": dict(compression=32004, compression_opts=(0,)),
    # Blosc: its 4 values set by the filter, then level, shuffle, compressor
    "blosc_lz4": dict(compression=32001, compression_opts=(0, 0, 0, 0, 5, 1, 1)),
    "blosc_zstd_bitshuffle": dict(compression=32001, compression_opts=(0, 0, 0, 0, 3, 2, 5)),
}


def test_plugin_filters_of_h5dataio(tmp_path):
    """Filters of HDF5 plugins given to H5DataIO (allow_plugin_filters),
    which gdci encodes itself: the plugins read back what io.write wrote."""
    for name, settings in PLUGIN_FILTERS.items():
        if not h5py.h5z.filter_avail(settings["compression"]):
            pytest.skip(f"no HDF5 plugin for {name}")
    rng = np.random.default_rng(SEED)
    data = rng.integers(-500, 500, size=(30000, 4)).astype("int32")

    def make():
        columns = [column(name, H5DataIO(HdmfIterator(data, chunk_shape=(3000, 4), buffer_shape=(9000, 4)),
                                         allow_plugin_filters=True, **settings))
                   for name, settings in PLUGIN_FILTERS.items()]
        return table("root", columns, len(data)), data

    (io_path, gdci_path), _made = write_both(tmp_path, make)
    compare_files(io_path, gdci_path)
    with h5py.File(gdci_path, "r") as f:
        for name, settings in PLUGIN_FILTERS.items():
            assert str(settings["compression"]) in f[name]._filters
            assert f[name].id.get_num_chunks() == 10


def test_a_write_io_refuses_leaves_the_iterators_as_they_were(tmp_path):
    """io.write refuses a file open for reading: hdmf_write raises the
    same, and its iterators are as they were, for another write."""
    with HDF5IO(tmp_path / "empty.h5", "w", manager=get_manager()) as io:
        io.write(SimpleMultiContainer(name="root", containers=[]))
    data = np.arange(6000, dtype="int32")
    iterator = HdmfIterator(data, chunk_shape=(1000,), buffer_shape=(2000,), display_progress=True,
                            progress_bar_options=dict(disable=True))
    dropin = NumpyIterator(data, chunk_shape=(1000,), buffer_shape=(2000,))
    with HDF5IO(tmp_path / "empty.h5", "r", manager=get_manager()) as io:
        with pytest.raises(Exception) as refused:
            io.write(table("t", [column("a", np.arange(3))], 3))
        with pytest.raises(type(refused.value), match=re.escape(str(refused.value))):
            Gdci.hdmf_write(io, table("t", [column("a", iterator), column("b", dropin)], len(data)))
    assert iterator.display_progress
    with HDF5IO(tmp_path / "f.h5", "w", manager=get_manager()) as io:
        io.write(table("t", [column("a", HdmfIterator(data)), column("b", dropin)], len(data)))
    assert [chunk.selection[0].start for chunk in iterator] == [0, 2000, 4000]
    with h5py.File(tmp_path / "f.h5", "r") as f:
        assert f["b"][:].tolist() == data.tolist()


def no_iterators():
    rng = np.random.default_rng(SEED)
    values = rng.normal(size=500)
    counts = rng.integers(0, 4, size=100)
    ragged = column("ragged", rng.integers(0, 9, size=int(counts.sum())))
    other = table("other", [column("x", np.arange(7))], 7)
    t = table("plain", [column("values", H5DataIO(values[:100], compression="gzip")),
                        column("names", [f"row {i}" for i in range(100)]), ragged,
                        VectorIndex(name="ragged_index", target=ragged, data=np.cumsum(counts)),
                        DynamicTableRegion(name="region", description="r", table=other,
                                           data=list(rng.integers(0, 7, size=100)))], 100)
    return SimpleMultiContainer(name="root", containers=[t, other]), values


def test_container_without_iterators_is_written_by_io_write(tmp_path):
    (io_path, gdci_path), (_root, values) = write_both(tmp_path, no_iterators)
    found = compare_files(io_path, gdci_path)
    assert found["/plain/values"] == "dataset"
    with HDF5IO(gdci_path, "r", manager=get_manager()) as io:
        t = io.read().containers["plain"]
        np.testing.assert_array_equal(t["values"].data[:], values[:100])
        assert t["names"][3] == "row 3"


def h5diff_differences(output):
    """{object h5diff compared: differences found} from its -r output."""
    found, compared = {}, None
    for line in output.splitlines():
        match = re.match(r"(attribute|dataset|group): (.*)", line)
        if match:
            compared = line
        match = re.match(r"(\d+) differences? found", line)
        if match and compared is not None:
            found[compared] = int(match.group(1))
    return found


@needs_h5diff
def test_h5diff_sees_only_the_object_ids(tmp_path):
    """h5diff of the files themselves finds differences, all in object_id
    attributes: the reason h5diff_without_object_ids() deletes them."""
    (io_path, gdci_path), _made = write_both(tmp_path, no_iterators)
    status, output = h5diff_without_object_ids(io_path, gdci_path, tmp_path)
    assert status == 0, output
    done = subprocess.run(["h5diff", "-r", io_path, gdci_path], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    differences = h5diff_differences(done.stdout)
    differing = sorted(compared for compared, n in differences.items() if n > 0)
    with h5py.File(io_path, "r") as f:
        n_ids = sum(1 for name in links(f) if "object_id" in f[name].attrs) + 1  # and the root's
    assert len(differing) == n_ids
    assert all(line.startswith("attribute: <object_id of ") for line in differing), differing
    assert any(line.startswith("dataset: </plain/values>") for line in differences)


# ---- an iterator that fails ------------------------------------------------------


class SensorLost(RuntimeError):
    pass


def failing(base):
    """A subclass of base (hdmf's class over an array, or the drop-in) whose
    read of the buffer that starts at row fail_at raises SensorLost."""

    class Failing(base):
        def __init__(self, array, fail_at, **kwargs):
            self.fail_at = fail_at
            super().__init__(array, **kwargs)

        def _get_data(self, selection):
            if selection[0].start == self.fail_at:
                self.raised = SensorLost(f"the sensor went away at row {self.fail_at}")
                raise self.raised
            return super()._get_data(selection)

    return Failing


N_FAILING = 20_000


def failing_table(base):
    """first, failing (fails at half its rows) and after: three iterator
    columns, each with its own fill value. Returns (root, the iterator that
    fails)."""
    values = np.arange(N_FAILING, dtype="int32") + 1
    broken = failing(base)(values * 2, fail_at=N_FAILING // 2, chunk_shape=(1000,), buffer_shape=(2000,))
    columns = [
        column("first", H5DataIO(HdmfIterator(values, chunk_shape=(1000,), buffer_shape=(4000,)),
                                 fillvalue=-1)),
        column("failing", H5DataIO(broken, fillvalue=-7, compression="gzip")),
        column("after", H5DataIO(NumpyIterator(values * 3, chunk_shape=(1000,), buffer_shape=(4000,)),
                                 fillvalue=-9)),
    ]
    return SimpleMultiContainer(name="root", containers=[table("t", columns, N_FAILING)]), broken


@pytest.mark.parametrize("base", [HdmfIterator, NumpyIterator], ids=["hdmf", "drop-in"])
def test_failing_iterator_raises_its_error_and_leaves_fill_values(tmp_path, base):
    path = tmp_path / "gdci.h5"
    root, broken = failing_table(base)
    with pytest.raises(SensorLost) as raised:
        with HDF5IO(path, "w", manager=get_manager()) as io:
            Gdci.hdmf_write(io, root)
    assert raised.value is broken.raised  # the iterator's own exception
    assert type(raised.value) is SensorLost
    assert str(raised.value) == f"the sensor went away at row {N_FAILING // 2}"
    assert not io._file  # closed by the with block, as after any error
    # the iterator that failed is as it was: hdmf's iteration would read it all
    assert len(list(broken.buffer_selection_generator)) == broken.num_buffers

    # the whole file but the data of failing and of what comes after it
    with h5py.File(path, "r") as f:
        assert f["t/first"][:].tolist() == list(range(1, N_FAILING + 1))
        for name, fill in (("failing", -7), ("after", -9)):
            dset = f[f"t/{name}"]
            assert dset.id.get_num_chunks() == 0, name  # not half filled
            assert dset.fillvalue == fill
            assert (dset[:] == fill).all(), name
        assert list(f["t"].attrs["colnames"]) == ["first", "failing", "after"]
        assert "specifications" in f
    with HDF5IO(path, "r", manager=get_manager()) as io:
        t = io.read().containers["t"]
        assert (t["failing"].data[:] == -7).all()

    # io.write stops at the error: it leaves failing half filled (the
    # buffers before the failing one), writes no dataset after it, none of
    # the attributes hdmf sets once a group's members are written (colnames
    # of t), and no cached spec
    io_path = tmp_path / "io.h5"
    root, _broken = failing_table(base)
    with pytest.raises(SensorLost):
        with HDF5IO(io_path, "w", manager=get_manager()) as io:
            io.write(root)
    with h5py.File(io_path, "r") as f:
        assert f["t/first"][:].tolist() == list(range(1, N_FAILING + 1))
        n_chunks = f["t/failing"].id.get_num_chunks()
        assert n_chunks == N_FAILING // 2 // 1000
        assert f["t/failing"][:N_FAILING // 2].tolist() == [2 * n for n in range(1, N_FAILING // 2 + 1)]
        assert (f["t/failing"][N_FAILING // 2:] == -7).all()
        assert "after" not in f["t"]
        assert "colnames" not in f["t"].attrs
        assert "specifications" not in f


def test_failing_iterator_stops_the_writes_after_it(tmp_path):
    """The iterators after the one that failed are not read, and are left
    as they were, for another write."""
    root, _broken = failing_table(HdmfIterator)
    t = root.containers["t"]
    after = t["after"].data.data
    with pytest.raises(SensorLost):
        with HDF5IO(tmp_path / "gdci.h5", "w", manager=get_manager()) as io:
            Gdci.hdmf_write(io, root)
    assert read_once(t["first"].data.data)
    assert len(list(after.buffer_selection_generator)) == after.num_buffers


# ---- hdmf's own test cases of GenericDataChunkIterator, through hdmf_write --------
#
# hdmf's tests/unit/test_io_hdf5_h5tools.py (H5IOTest, the same in 3.5.1
# and in current hdmf) writes an iterator with HDF5IO.write_dataset(); here
# a table whose one column holds it is written with hdmf_write, and the
# dataset gets the same assertions. Each runs with hdmf's class and with
# gdci's drop-in. Debian's hdmf 3.5.1 sizes chunks from chunk_mb=1.0 by
# default, the drop-in (as current hdmf) from 10.0.

ITERATOR_CLASSES = pytest.mark.parametrize("iterator_class", [HdmfIterator, NumpyIterator],
                                           ids=["hdmf", "drop-in"])


def write_column(path, data, name="test_dataset"):
    """A table of one column holding data, written with hdmf_write."""
    n_rows = len(data.array) if hasattr(data, "array") else len(data.data.array)
    with HDF5IO(path, "w", manager=get_manager()) as io:
        Gdci.hdmf_write(io, table("root", [column(name, data)], n_rows))


@ITERATOR_CLASSES
@pytest.mark.parametrize("dtype", ["int64", "int8", "uint16", "int32", "uint64", "float32", "float64"])
def test_write_dataset_generic_data_chunk_iterator(tmp_path, iterator_class, dtype):
    array = np.arange(10, dtype=dtype)
    dci = iterator_class(array)
    write_column(tmp_path / "f.h5", dci)
    with h5py.File(tmp_path / "f.h5", "r") as f:
        dset = f["test_dataset"]
        assert dset[:].tolist() == list(array)
        assert dset[:].dtype == dci.dtype


@ITERATOR_CLASSES
def test_write_dataset_generic_data_chunk_iterator_with_compression(tmp_path, iterator_class):
    array = np.arange(10)
    wrapped_dci = H5DataIO(data=iterator_class(array), compression="gzip", compression_opts=5,
                           shuffle=True, fletcher32=True)
    write_column(tmp_path / "f.h5", wrapped_dci)
    with h5py.File(tmp_path / "f.h5", "r") as f:
        dset = f["test_dataset"]
        assert dset[:].tolist() == list(array)
        assert dset.compression == "gzip"
        assert dset.compression_opts == 5
        assert dset.shuffle is True
        assert dset.fletcher32 is True


@ITERATOR_CLASSES
def test_chunk_shape_override_through_wrapper(tmp_path, iterator_class):
    array = np.arange(10)
    chunk_shape = (2,)
    write_column(tmp_path / "f.h5", H5DataIO(data=iterator_class(array), chunks=chunk_shape))
    with h5py.File(tmp_path / "f.h5", "r") as f:
        dset = f["test_dataset"]
        assert dset[:].tolist() == list(array)
        assert dset.chunks == chunk_shape


@ITERATOR_CLASSES
def test_pass_through_of_chunk_shape_generic_data_chunk_iterator(tmp_path, iterator_class):
    maxshape = (5, 2, 3)
    chunk_shape = (5, 1, 1)
    array = np.arange(np.prod(maxshape)).reshape(maxshape)
    write_column(tmp_path / "f.h5", H5DataIO(data=iterator_class(array, chunk_shape=chunk_shape)))
    with h5py.File(tmp_path / "f.h5", "r") as f:
        dset = f["test_dataset"]
        assert dset.chunks == chunk_shape
        np.testing.assert_array_equal(dset[:], array)


# hdmf's tests/unit/utils_test/test_core_GenericDataChunkIterator.py checks
# each iterator setting by writing the iterator into an h5py dataset of its
# chunk shape (check_direct_hdf5_write): the same, written by hdmf_write.
# Current hdmf gives chunk_mb=1.0 with buffer_shape and buffer_gb=0.0005,
# which 3.5.1 has as its default (its cases without it are the hdmf ones).

TEST_ARRAY = np.random.default_rng(SEED).integers(-2**15, 2**15, size=(2000, 384)).astype("int16")

DIRECT_WRITE_OPTIONS = [
    ("hdmf", dict()), ("drop-in", dict()),
    ("hdmf", dict(buffer_shape=(1580, 316), chunk_mb=1.0)),
    ("drop-in", dict(buffer_shape=(1580, 316), chunk_mb=1.0)),
    ("hdmf", dict(buffer_shape=(1580, 316))),  # 3.5.1's test_buffer_shape_option
    ("hdmf", dict(buffer_gb=0.0005, chunk_mb=1.0)),
    ("drop-in", dict(buffer_gb=0.0005, chunk_mb=1.0)),
    ("hdmf", dict(buffer_gb=0.0005)),  # 3.5.1's test_buffer_gb_option
    ("hdmf", dict(buffer_gb=2)), ("drop-in", dict(buffer_gb=2)),
    ("hdmf", dict(buffer_gb=2.0)), ("drop-in", dict(buffer_gb=2.0)),
]


@pytest.mark.parametrize("kind, options", DIRECT_WRITE_OPTIONS)
def test_direct_hdf5_write(tmp_path, kind, options):
    iterator_class = HdmfIterator if kind == "hdmf" else NumpyIterator
    iterator = iterator_class(TEST_ARRAY, **options)
    write_column(tmp_path / "f.h5", iterator, name="test")
    with h5py.File(tmp_path / "f.h5", "r") as f:
        dset = f["test"]
        np.testing.assert_array_equal(np.array(dset), TEST_ARRAY)
        assert dset.chunks == iterator.chunk_shape


class NumpyDtypeShapeIterator(HdmfIterator):
    """hdmf's TestNumpyArrayDataChunkIteratorWithNumpyDtypeShape: a maxshape
    of numpy integers, which hdmf turns into ints."""

    def _get_maxshape(self):
        return tuple(np.uint64(axis) for axis in self.array.shape)


def test_maxshape_of_numpy_integers(tmp_path):
    iterator = NumpyDtypeShapeIterator(TEST_ARRAY)
    write_column(tmp_path / "f.h5", iterator)
    with h5py.File(tmp_path / "f.h5", "r") as f:
        assert f["test_dataset"].shape == TEST_ARRAY.shape
        np.testing.assert_array_equal(f["test_dataset"][:], TEST_ARRAY)
    assert read_once(iterator)


@ITERATOR_CLASSES
def test_progress_bar(tmp_path, iterator_class):
    """hdmf's test_progress_bar, the iterator written by hdmf_write: the bar
    writes its description; and it ends complete."""
    pytest.importorskip("tqdm")
    out_text_file = tmp_path / "test_progress_bar.txt"
    desc = "Testing progress bar..."
    with open(out_text_file, "w") as file:
        iterator = iterator_class(TEST_ARRAY, chunk_mb=0.5, buffer_gb=0.0005, display_progress=True,
                                  progress_bar_options=dict(file=file, desc=desc))
        assert iterator.num_buffers > 1
        write_column(tmp_path / "f.h5", iterator)
    text = out_text_file.read_text()
    assert desc in text
    if iterator_class is NumpyIterator:
        # the drop-in closes its bar, which shows its last count
        assert f"{iterator.num_buffers}/{iterator.num_buffers}" in text
    else:
        # hdmf's bar stays open (its display is rate-limited), complete:
        # hdmf's own iteration counts one more, the call that ends it
        assert iterator.progress_bar.n == iterator.num_buffers


def test_progress_bar_of_the_drop_in_moves_with_the_write(tmp_path):
    """The drop-in's bar is moved by gdci's writer, buffer by buffer, and
    closed at the end, as when the drop-in is written by H5Writer."""
    RecordingBar.instances.clear()
    iterator = NumpyIterator(TEST_ARRAY, chunk_mb=0.5, buffer_gb=0.0005, display_progress=True,
                             progress_bar_class=RecordingBar)
    write_column(tmp_path / "f.h5", iterator)
    [bar] = RecordingBar.instances
    assert bar.total == iterator.num_buffers > 1
    assert sum(bar.updates) == bar.total
    assert bar.closed


# ---- the io after hdmf_write ------------------------------------------------------


def io_write(io, container):
    io.write(container)


def series_table(name, scale):
    """A table of a 2-D int16 iterator and a drop-in column, and its data."""
    samples = (np.arange(4000 * 8, dtype="int16").reshape(4000, 8) * scale)
    return table(name, [
        column("data", H5DataIO(HdmfIterator(samples, chunk_shape=(500, 8), buffer_shape=(1500, 8)),
                                compression="gzip")),
        column("timestamps", NumpyIterator(np.arange(4000) / 1000.0 * scale, chunk_shape=(1000,),
                                           buffer_shape=(2000,))),
    ], 4000), samples


@pytest.mark.parametrize("write", [io_write, Gdci.hdmf_write], ids=["io.write", "hdmf_write"])
def test_io_reads_what_it_wrote_in_mode_a(tmp_path, write):
    first, samples = series_table("first", 1)
    root = SimpleMultiContainer(name="root", containers=[first])
    with HDF5IO(tmp_path / "f.h5", "a", manager=get_manager()) as io:
        write(io, root)
        read = io.read()
        assert read is not root  # built from the file, as after io.write
        data = read.containers["first"]["data"].data
        assert isinstance(data, h5py.Dataset)
        np.testing.assert_array_equal(data[:], samples)
        np.testing.assert_array_equal(read.containers["first"]["timestamps"].data[:],
                                      np.arange(4000) / 1000.0)
    assert not io._file
    io.close()  # closing again does nothing, as after io.write


def append_to(path, write):
    """Writes root (one table), then opens the file in mode 'a', reads it,
    adds a table and writes it again, and reads it once more in the same
    io: the data of the two tables and the iterator added."""
    first, samples = series_table("first", 1)
    with HDF5IO(path, "w", manager=get_manager()) as io:
        write(io, SimpleMultiContainer(name="root", containers=[first]))
    second, more = series_table("second", 3)
    with HDF5IO(path, "a", manager=get_manager()) as io:
        root = io.read()
        root.add_container(second)
        write(io, root)
        again = io.read()
        assert again is root
        np.testing.assert_array_equal(again.containers["first"]["data"].data[:], samples)
    return samples, more, second["data"].data.data


@pytest.mark.parametrize("write", [io_write, Gdci.hdmf_write], ids=["io.write", "hdmf_write"])
def test_append_in_mode_a(tmp_path, write):
    samples, more, iterator = append_to(tmp_path / "f.h5", write)
    assert read_once(iterator)
    with HDF5IO(tmp_path / "f.h5", "r", manager=get_manager()) as io:
        root = io.read()
        np.testing.assert_array_equal(root.containers["first"]["data"].data[:], samples)
        np.testing.assert_array_equal(root.containers["second"]["data"].data[:], more)
        np.testing.assert_array_equal(root.containers["second"]["timestamps"].data[:],
                                      np.arange(4000) / 1000.0 * 3)


def test_append_writes_the_file_io_write_writes(tmp_path):
    append_to(tmp_path / "io.h5", io_write)
    append_to(tmp_path / "gdci.h5", Gdci.hdmf_write)
    compare_files(tmp_path / "io.h5", tmp_path / "gdci.h5")


def write_twice(path, write):
    """root written, a table added to it, and root written again through
    the same io: the iterators of the first table."""
    first, _samples = series_table("first", 1)
    root = SimpleMultiContainer(name="root", containers=[first])
    with HDF5IO(path, "w", manager=get_manager()) as io:
        write(io, root)
        root.add_container(series_table("second", 5)[0])
        write(io, root)
    return first["data"].data.data, first["timestamps"].data


def test_second_write_leaves_what_the_first_wrote(tmp_path):
    """io.write writes only what it has not written yet: hdmf_write neither
    reads nor writes the first table's iterators again."""
    write_twice(tmp_path / "io.h5", io_write)
    data, timestamps = write_twice(tmp_path / "gdci.h5", Gdci.hdmf_write)
    assert read_once(data)
    assert list(timestamps) == []
    compare_files(tmp_path / "io.h5", tmp_path / "gdci.h5")
