# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.Plan and Gdci.PlanSettings through GObject introspection, without the
Python overrides: what any binding sees."""

import math

import pytest
from gi.repository import Gdci, GLib


def settings(**values):
    s = Gdci.PlanSettings.new()
    for key, value in values.items():
        getattr(s, f"set_{key}")(value)
    return s


def test_tutorial_plan():
    plan = Gdci.Plan.new(Gdci.Dtype.INT32, [20000, 5000], settings(buffer_gb=0.2))
    assert plan.get_dtype() == Gdci.Dtype.INT32
    assert plan.get_n_dims() == 2
    assert plan.get_full_shape() == [20000, 5000]
    assert plan.get_chunk_shape() == [3160, 790]
    assert plan.get_buffer_shape() == [12640, 3160]
    assert plan.get_n_buffers() == 4
    assert [plan.get_buffer_selection(i).to_string() for i in range(4)] == [
        "[0:12640, 0:3160]", "[0:12640, 3160:5000]", "[12640:20000, 0:3160]", "[12640:20000, 3160:5000]"]
    assert plan.get_chunk_bytes() == 3160 * 790 * 4
    assert plan.get_buffer_bytes() == 12640 * 3160 * 4
    assert plan.get_data_bytes() == 20000 * 5000 * 4


def test_defaults_without_settings():
    plan = Gdci.Plan.new(Gdci.Dtype.INT16, [30000000, 384], None)
    assert plan.get_chunk_shape() == [625000, 8]
    assert plan.get_buffer_shape() == [6250000, 80]


def test_shapes_by_hand_and_a_copy():
    s = settings(chunk_shape=[2, 3], buffer_shape=[4, 6])
    plan = Gdci.Plan.new(Gdci.Dtype.UINT8, [12, 6], s.copy())
    assert (plan.get_chunk_shape(), plan.get_buffer_shape(), plan.get_n_buffers()) == ([2, 3], [4, 6], 3)
    s.set_chunk_shape(None)
    s.set_buffer_shape([])
    assert Gdci.Plan.new(Gdci.Dtype.UINT8, [12, 6], s).get_chunk_shape() == [12, 6]


@pytest.mark.parametrize("values, code, message", [
    (dict(buffer_gb=1.0, buffer_shape=[10, 10]), Gdci.PlanError.BOTH_BUFFER_SETTINGS,
     "Both buffer-gb and buffer-shape are set: give one or the other"),
    (dict(chunk_mb=-1.0), Gdci.PlanError.CHUNK_SIZE_NOT_POSITIVE, "chunk-mb must be greater than zero, not -1.0"),
    (dict(buffer_gb=math.nan), Gdci.PlanError.BUFFER_SIZE_NOT_POSITIVE,
     "buffer-gb must be greater than zero, not nan"),
    (dict(chunk_mb=math.inf), Gdci.PlanError.SIZE_NOT_FINITE, "chunk-mb inf is too large: give a finite size"),
    (dict(chunk_shape=[100]), Gdci.PlanError.WRONG_RANK,
     "chunk-shape (100,) has 1 axis but the data shape (2000, 384) has 2"),
    (dict(buffer_shape=[2001, 384]), Gdci.PlanError.BUFFER_SHAPE_EXCEEDS_DATA,
     "buffer-shape (2001, 384) exceeds the data shape (2000, 384) on axis 0"),
    (dict(chunk_shape=[1000, 5], buffer_shape=[1000, 192]), Gdci.PlanError.CHUNK_SHAPE_NOT_DIVIDING,
     "chunk-shape (1000, 5) does not divide buffer-shape (1000, 192) on axis 1"),
])
def test_refusals_are_plan_errors(values, code, message):
    with pytest.raises(GLib.Error) as info:
        Gdci.Plan.new(Gdci.Dtype.INT16, [2000, 384], settings(**values))
    assert info.value.matches(Gdci.plan_error_quark(), code)
    assert info.value.message == message


def test_overflow_stays_an_overflow_error():
    with pytest.raises(GLib.Error) as info:
        Gdci.Plan.new(Gdci.Dtype.INT8, [2 ** 62, 2 ** 62], settings(chunk_shape=[1, 1], buffer_shape=[1, 1]))
    assert info.value.matches(Gdci.error_quark(), Gdci.Error.OVERFLOW)
    assert "more than 2^64 buffers" in info.value.message


class Source(Gdci.ChunkIterator):
    def __init__(self, shape, **kwargs):
        self.shape = list(shape)
        super().__init__(**kwargs)

    def do_get_data(self, selection):
        raise AssertionError("not read")

    def do_get_maxshape(self):
        return self.shape

    def do_get_dtype(self):
        return Gdci.Dtype.INT32


def test_the_iterator_hands_out_the_same_plan():
    it = Source([20000, 5000], buffer_gb=0.2)
    it.init(None)
    plan = it.get_plan()
    alone = Gdci.Plan.new(Gdci.Dtype.INT32, [20000, 5000], settings(buffer_gb=0.2))
    assert plan.get_chunk_shape() == alone.get_chunk_shape() == list(it.get_chunk_shape())
    assert plan.get_n_buffers() == alone.get_n_buffers() == it.get_n_buffers()
    assert all(plan.get_buffer_selection(i).equal(it.get_buffer_selection(i)) for i in range(4))


# ---- strategies and partly specified shapes ----------------------------------

def test_fit_with_a_free_chunk_axis():
    s = settings(strategy=Gdci.PlanStrategy.FIT, chunk_shape=[0, 64])
    assert s.get_strategy() == Gdci.PlanStrategy.FIT
    shape = [1302083, 384]
    data_bytes = 1302083 * 384 * 2
    plan = Gdci.Plan.new(Gdci.Dtype.INT16, shape, s)
    assert plan.get_strategy() == Gdci.PlanStrategy.FIT
    chunk, buffer = plan.get_chunk_shape(), plan.get_buffer_shape()
    assert chunk[1] == 64                      # the given axis is kept
    # near the default 10 MB, padding the data by at most 1%
    assert 0.5e7 < plan.get_chunk_bytes() <= 1e7
    assert data_bytes <= plan.get_stored_bytes() <= data_bytes * 1.01
    # buffers of whole rows, read once: at least 4 of them, within 1 GB
    assert buffer[1] == 384 and buffer[0] % chunk[0] == 0
    assert plan.get_n_buffers() >= 4 and plan.get_buffer_bytes() <= 1e9
    assert plan.get_read_bytes() == data_bytes == plan.get_data_bytes()


def test_hdmf_with_a_free_chunk_axis():
    """hdmf PR #997's example: 1e7 / (2 * 64) = 78125 rows."""
    plan = Gdci.Plan.new(Gdci.Dtype.INT16, [1302083, 384], settings(chunk_shape=[0, 64]))
    assert plan.get_strategy() == Gdci.PlanStrategy.HDMF
    assert plan.get_chunk_shape() == [78125, 64]
    assert plan.get_buffer_shape() == [781250, 384]
    # 17 chunks of rows (1328125 rows) by 6 of columns, stored whole
    assert plan.get_stored_bytes() == 1328125 * 384 * 2
    assert plan.get_read_bytes() == 1302083 * 384 * 2


def test_free_axis_with_its_size_is_no_conflict():
    plan = Gdci.Plan.new(Gdci.Dtype.INT16, [1302083, 384], settings(chunk_shape=[0, 64], chunk_mb=1.0))
    assert plan.get_chunk_shape() == [7812, 64]
    # a whole shape with its size still is
    with pytest.raises(GLib.Error) as info:
        Gdci.Plan.new(Gdci.Dtype.INT16, [1302083, 384], settings(chunk_shape=[100, 64], chunk_mb=1.0))
    assert info.value.matches(Gdci.plan_error_quark(), Gdci.PlanError.BOTH_CHUNK_SETTINGS)


def test_read_bytes_of_buffers_that_cut_rows():
    """Each buffer read as one C-order run from its first element to its
    last: (rows - 1) * 384 + columns elements."""
    plan = Gdci.Plan.new(Gdci.Dtype.INT16, [200000, 384], settings(chunk_mb=1.0, buffer_gb=0.05))
    assert plan.get_buffer_shape() == [112840, 217]
    runs = sum((rows - 1) * 384 + columns for rows in (112840, 87160) for columns in (217, 167))
    assert plan.get_read_bytes() == runs * 2 == 307198464
    assert plan.get_data_bytes() == 200000 * 384 * 2
    fit = Gdci.Plan.new(Gdci.Dtype.INT16, [200000, 384],
                        settings(chunk_mb=1.0, buffer_gb=0.05, strategy=Gdci.PlanStrategy.FIT))
    assert fit.get_read_bytes() == fit.get_data_bytes()
