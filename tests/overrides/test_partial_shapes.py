# SPDX-License-Identifier: LGPL-2.1-or-later
"""Partly specified shapes and plan strategies from Python: None axes in the
hdmf drop-in, sized by hdmf's rule restricted to the free axes (one element
being the block of the given axes), and explicit zeros refused as hdmf
refuses them; Gdci.PlanStrategy.FIT on a C data source written by
Gdci.H5Writer; the memory a write takes, and the bytes a file source
reads."""

import h5py
import numpy as np
import pytest
from gi.repository import Gdci, GLib
from overrides_helpers import NumpyIterator

# hdmf PR #997's example: 1302083 rows of 384 int16 channels, never read
LONG = np.broadcast_to(np.int16(0), (1302083, 384))


def shapes(**kwargs):
    it = NumpyIterator(LONG, **kwargs)
    assert all(type(axis) is int for axis in it.chunk_shape + it.buffer_shape)
    return it.chunk_shape, it.buffer_shape


# Expected values by hand. A free chunk axis: floor(chunk_mb * 1e6 / block),
# the block being itemsize * prod(given axes) = 2 * 64 = 128 bytes; the
# default buffer then as hdmf sizes it from the chunk,
# k = floor(sqrt(1e9 / chunk bytes)), min(k * chunk axis, data axis).
@pytest.mark.parametrize("kwargs, chunk, buffer", [
    # 1e7 / 128 = 78125; k = floor(sqrt(1e9 / 1e7)) = 10
    (dict(chunk_shape=(None, 64)), (78125, 64), (781250, 384)),
    (dict(chunk_shape=(None, 64), chunk_mb=10.0), (78125, 64), (781250, 384)),
    # 1e6 / 128 = 7812.5; k = floor(sqrt(1e9 / 999936)) = 31
    (dict(chunk_shape=(None, 64), chunk_mb=1), (7812, 64), (242172, 384)),
    # the buffer's rows bound the free chunk axis: min(78125, 50000)
    (dict(chunk_shape=(None, 64), buffer_shape=(50000, 384)), (50000, 64), (50000, 384)),
    # both axes free: hdmf's default chunk at 1 MB, v = (3390, 1),
    # k = floor(sqrt(1e6 / (3390 * 2))) = 12; buffer k = floor(sqrt(1e9 / 976320)) = 32
    (dict(chunk_shape=(None, None), chunk_mb=1), (40680, 12), (1301760, 384)),
    # hdmf's default chunk at 10 MB: k = floor(sqrt(1e7 / 6780)) = 38, (128820, 38);
    # the free buffer axis: floor(1e9 / (128820 * 2 * 384)) = 10 chunks of rows
    (dict(buffer_shape=(None, 384)), (128820, 38), (1288200, 384)),
    # floor(1e8 / (128820 * 768)) = 1 chunk of rows
    (dict(buffer_shape=(None, 384), buffer_gb=0.1), (128820, 38), (128820, 384)),
    # one row per buffer: the chunk's rows bounded to 1; its 38 columns take
    # 76 bytes, so the free axis is the whole 384
    (dict(buffer_shape=(1, None)), (1, 38), (1, 384)),
    # both partial, as lists and arrays: floor(1e9 / (78125 * 2 * 384)) = 16 chunks of rows
    (dict(chunk_shape=[None, 64], buffer_shape=np.array([None, 384])), (78125, 64), (1250000, 384)),
])
def test_none_axes_are_free(kwargs, chunk, buffer):
    assert shapes(**kwargs) == (chunk, buffer)


def test_none_axes_plan_as_hdmf():
    it = NumpyIterator(LONG, chunk_shape=(None, 64))
    plan = it._core.get_plan()
    assert plan.get_strategy() == Gdci.PlanStrategy.HDMF
    assert it.num_buffers == 2 == plan.get_n_buffers()
    assert it.recommended_chunk_shape() == (78125, 64)


@pytest.mark.parametrize("kwargs, message", [
    (dict(chunk_shape=(0, 64)), "Some dimensions of chunk_shape ((0, 64)) are less than zero!"),
    (dict(chunk_shape=(0, 0)), "Some dimensions of chunk_shape ((0, 0)) are less than zero!"),
    (dict(buffer_shape=(0, 384)), "Some dimensions of buffer_shape ((0, 384)) are less than zero!"),
    (dict(buffer_shape=(556, 0), chunk_mb=0.005),
     "Some dimensions of buffer_shape ((556, 0)) are less than zero!"),
    # hdmf sizes the default buffer first: its size is checked before the chunk
    (dict(chunk_shape=(0, 384), buffer_gb=-1), "buffer_gb (-1) must be greater than zero!"),
    # a 0 is no free axis: the size may not come with the shape
    (dict(chunk_shape=(0, 64), chunk_mb=1), "Only one of 'chunk_mb' or 'chunk_shape' can be specified!"),
    (dict(buffer_shape=(0, 384), buffer_gb=1), "Only one of 'buffer_gb' or 'buffer_shape' can be specified!"),
    # with a free axis, the sizes are checked as hdmf checks its own
    (dict(chunk_shape=(None, 64), chunk_mb=0), "chunk_mb (0) must be greater than zero!"),
    (dict(buffer_shape=(None, 384), buffer_gb=-0.5), "buffer_gb (-0.5) must be greater than zero!"),
    (dict(chunk_shape=(None, 500)), "Some dimensions of chunk_shape ((None, 500)) exceed the data dimensions "
                                    "((1302083, 384))!"),
])
def test_explicit_zeros_and_bad_sizes_are_refused_as_hdmf_does(kwargs, message):
    with pytest.raises(AssertionError) as info:
        NumpyIterator(LONG, **kwargs)
    assert str(info.value) == message


def test_free_chunk_axes_reach_a_subclass_buffer_default_resolved():
    class OwnBuffer(NumpyIterator):
        def _get_default_buffer_shape(self, buffer_gb=None):
            self.chunk_seen = self.chunk_shape
            return (self.chunk_shape[0] * 2, 384)

    it = OwnBuffer(LONG, chunk_shape=(None, 64))
    assert it.chunk_seen == (78125, 64)
    assert (it.chunk_shape, it.buffer_shape) == ((78125, 64), (156250, 384))


def test_none_axes_in_the_c_iterators_properties():
    array = np.arange(6000 * 48, dtype="int16").reshape(6000, 48)
    it = Gdci.ArrayIterator.from_numpy(array, chunk_shape=(None, 16), chunk_mb=0.032)
    # 32000 bytes / (2 * 16) = 1000 rows
    assert it.get_chunk_shape() == [1000, 16]


# ---- FIT: chunks that fit the data, buffers that read a source once ---------

RECORDING = np.cumsum(np.random.default_rng(3).integers(-3, 4, size=(30011, 48)), axis=0).astype("int16")


def test_fit_iterator_writes_what_h5py_reads(tmp_path):
    it = Gdci.ArrayIterator.from_numpy(RECORDING, plan_strategy=Gdci.PlanStrategy.FIT,
                                       chunk_mb=0.1, buffer_gb=0.001)
    assert it.props.plan_strategy == Gdci.PlanStrategy.FIT
    plan = it.get_plan()
    assert plan.get_strategy() == Gdci.PlanStrategy.FIT
    chunk, buffer = plan.get_chunk_shape(), plan.get_buffer_shape()
    # whole rows in every buffer, so the source is read once, in order
    assert buffer[1] == 48 and plan.get_read_bytes() == RECORDING.nbytes
    # the chunks pad the data by at most 1%
    assert RECORDING.nbytes <= plan.get_stored_bytes() <= RECORDING.nbytes * 1.01
    assert plan.get_n_buffers() >= 4
    Gdci.H5Writer().write(it, tmp_path / "fit.h5")
    with h5py.File(tmp_path / "fit.h5", "r") as f:
        assert f["/data"].chunks == tuple(chunk)
        np.testing.assert_array_equal(f["/data"][...], RECORDING)


def test_estimate_memory_and_max_memory(tmp_path):
    it = Gdci.ArrayIterator.from_numpy(RECORDING, buffer_shape=(10000, 48), chunk_shape=(1000, 48))
    writer = Gdci.H5Writer()
    total, buffer, read_ahead, scratch = writer.estimate_memory(it.get_plan())
    assert total == buffer + read_ahead + scratch
    assert buffer >= 10000 * 48 * 2 and read_ahead > 0
    writer.props.max_memory = total
    assert writer.check_memory(it.get_plan())
    writer.write(it, tmp_path / "fits.h5")       # exactly the limit is allowed
    writer.props.max_memory = total - 1
    with pytest.raises(GLib.Error) as checked:
        writer.check_memory(it.get_plan())
    assert checked.value.matches(Gdci.plan_error_quark(), Gdci.PlanError.MEMORY_LIMIT)
    with pytest.raises(GLib.Error) as info:
        writer.write(Gdci.ArrayIterator.from_numpy(RECORDING, buffer_shape=(10000, 48), chunk_shape=(1000, 48)),
                     tmp_path / "over.h5")
    assert info.value.matches(Gdci.plan_error_quark(), Gdci.PlanError.MEMORY_LIMIT)
    assert "choose a smaller buffer size" in info.value.message
    assert info.value.message == checked.value.message
    assert not (tmp_path / "over.h5").exists()


# ---- the bytes a file source reads -------------------------------------------

@pytest.fixture(scope="module")
def raw_file(tmp_path_factory):
    data = np.random.default_rng(11).integers(-2000, 2000, size=(200000, 384), dtype=np.int16)
    path = tmp_path_factory.mktemp("raw") / "recording.bin"
    data.tofile(path)
    return path, data


@pytest.mark.parametrize("strategy", [Gdci.PlanStrategy.FIT, Gdci.PlanStrategy.HDMF])
def test_file_iterator_bytes_read(tmp_path, raw_file, strategy):
    path, data = raw_file
    it = Gdci.FileIterator(path=path, dtype="int16", shape=data.shape, plan_strategy=strategy,
                           chunk_mb=1.0, buffer_gb=0.05)
    plan = it.get_plan()
    assert it.props.bytes_read == 0
    Gdci.H5Writer().write(it, tmp_path / "out.h5")
    with h5py.File(tmp_path / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["/data"][...], data)
    assert it.props.bytes_read == it.get_bytes_read()
    if strategy == Gdci.PlanStrategy.FIT:
        # whole rows: the file read once, exactly
        assert it.props.bytes_read == data.nbytes == plan.get_read_bytes()
    else:
        # hdmf's buffers cut the rows: each buffer reads its rows' gaps too
        assert plan.get_buffer_shape()[1] < 384
        assert it.props.bytes_read == pytest.approx(plan.get_read_bytes(), rel=0.01)
        assert 1.9 * data.nbytes < it.props.bytes_read < 2.1 * data.nbytes
