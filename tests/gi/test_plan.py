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
