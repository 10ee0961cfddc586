# SPDX-License-Identifier: LGPL-2.1-or-later
"""An iterator that a write is using refuses next() and reset() through GI."""

import numpy as np
import pytest

import gi

gi.require_version("Gdci", "1.0")
from gi.repository import Gdci, GLib  # noqa: E402


def make_iterator():
    data = np.arange(20000 * 64, dtype=np.int16).reshape(20000, 64)
    it = Gdci.ArrayIterator(
        data=GLib.Bytes.new(data.tobytes()),
        dtype=Gdci.Dtype.INT16,
        shape=GLib.Variant("at", data.shape),
        buffer_shape=GLib.Variant("at", (2000, 64)),
        chunk_shape=GLib.Variant("at", (250, 64)),
    )
    it.init(None)
    return it


def test_busy_during_async_write(tmp_path):
    it = make_iterator()
    writer = Gdci.H5Writer(compression=Gdci.Compression.GZIP)
    loop = GLib.MainLoop()
    refusals = []
    outcome = {}

    def on_progress(writer, done, total):
        if "done" in outcome:
            return
        for call in (it.next, it.reset):
            with pytest.raises(GLib.Error) as info:
                call()
            assert info.value.matches(Gdci.error_quark(), Gdci.Error.BUSY)
            refusals.append(info.value.message)

    def on_done(writer, result):
        outcome["done"] = writer.write_finish(result)
        loop.quit()

    writer.connect("progress", on_progress)
    writer.write_async(it, str(tmp_path / "out.h5"), "/data", None, on_done)
    loop.run()

    assert outcome["done"]
    assert len(refusals) >= 2
    assert "in use by a write" in refusals[0]
    # free again once the write is done
    it.reset()
    assert it.next() is not None
