# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.H5Stream with Python values: frames appended as numpy arrays, the
stream a context manager (see Gdci.H5Stream's documentation for what is
durable when)."""

import numbers
import operator

from gi.repository import GLib

from ..module import get_introspection_module
from ..overrides import override
from . import _gdci_numpy, _gdci_writer_settings
from .Gdci import _dtype_setting, _path_setting

Gdci = get_introspection_module("Gdci")

_CONVERTERS = {
    "compression": _gdci_writer_settings.compression,
    "compression_level": _gdci_writer_settings.compression_level,
    "blosc_codec": _gdci_writer_settings.blosc_codec,
    "n_threads": _gdci_writer_settings.n_threads,
}


def _frame_shape(value):
    try:
        shape = tuple(operator.index(axis) for axis in value)
    except TypeError:
        raise TypeError(f"frame_shape must be a sequence of integers, not {value!r}") from None
    if any(axis <= 0 for axis in shape):
        raise ValueError(f"frame_shape {shape!r} has an axis that is not 1 or more")
    return shape


def _chunk_shape(value, n_dims):
    try:
        shape = [0 if axis is None else operator.index(axis) for axis in value]
    except TypeError:
        raise TypeError(f"chunk_shape must be a sequence of integers and None, not {value!r}") from None
    if len(shape) != n_dims or any(axis < 0 for axis in shape):
        raise ValueError(f"chunk_shape {tuple(value)!r} must have {n_dims} axes of 0 or more "
                         "(None for an axis gdci sizes)")
    return GLib.Variant("at", shape)


class H5Stream(Gdci.H5Stream):
    """Gdci.H5Stream with Python values.

    ``Gdci.H5Stream(filename, dataset_path, dtype, frame_shape, **settings)``
    creates the file (or the dataset in an existing file) at once; the
    settings are the stream's properties as keywords (``compression="zstd"``,
    ``shuffle=True``, ``chunk_shape=(None, 384)``, ``swmr=True``,
    ``flush_interval=1.0``, ``max_backlog_bytes=256 << 20``, ...). ``dtype``
    is a numpy dtype or its name.

    - ``append(frames)`` takes a numpy array of shape (n, *frame_shape) or
      frame_shape (one frame) and of the stream's dtype, any layout and
      byte order (or the bytes of whole frames); it copies it and returns.
    - ``flush()`` and ``close()`` raise GLib.Error.
    - ``with Gdci.H5Stream(...) as stream:`` closes the stream at the end,
      also when the block raises.
    """

    def __init__(self, filename, dataset_path, dtype, frame_shape, *, chunk_shape=None, **settings):
        shape = _frame_shape(frame_shape)
        properties = dict(filename=_path_setting("filename", filename),
                          dataset_path=dataset_path, dtype=_dtype_setting("dtype", dtype),
                          frame_shape=GLib.Variant("at", shape))
        if not isinstance(dataset_path, str):
            raise TypeError(f"dataset_path must be a str, not {type(dataset_path).__name__}")
        if chunk_shape is not None:
            properties["chunk_shape"] = _chunk_shape(chunk_shape, len(shape) + 1)
        for name, value in settings.items():
            if value is None:
                continue
            convert = _CONVERTERS.get(name)
            if name in ("flush_interval", "chunk_mb") and (
                    isinstance(value, bool) or not isinstance(value, numbers.Real)):
                raise TypeError(f"{name} must be a number, not {value!r}")
            properties[name] = convert(value) if convert is not None else value
        self._numpy_dtype = _gdci_numpy.numpy_dtype(properties["dtype"])
        self._frame_shape = shape
        super().__init__(**properties)
        self.init(None)

    def append(self, frames):
        """Appends frames, a numpy array of shape (n, *frame_shape) (or one
        frame, of frame_shape) of the stream's dtype; or the bytes of whole
        frames, as a GLib.Bytes, bytes, bytearray or memoryview."""
        if isinstance(frames, GLib.Bytes):
            return Gdci.H5Stream.append(self, frames)
        if isinstance(frames, (bytes, bytearray, memoryview)):
            return Gdci.H5Stream.append(self, _gdci_numpy.bytes_of(memoryview(frames).cast("B"),
                                                                   copy=False))
        np = _gdci_numpy.numpy()
        array = np.asarray(frames)
        # another byte order is the same type, converted on the way
        if array.dtype.newbyteorder("=") != self._numpy_dtype:
            raise TypeError(f"frames must be {self._numpy_dtype.name}, as the stream's dataset, "
                            f"not {array.dtype.name}")
        if array.shape == self._frame_shape:
            array = array[np.newaxis]
        if array.shape[1:] != self._frame_shape or array.ndim != len(self._frame_shape) + 1:
            shape = ", ".join(["n", *map(str, self._frame_shape)]) if self._frame_shape else "n,"
            raise ValueError(f"frames must be of shape ({shape}), not {array.shape}")
        array = _gdci_numpy.native_c_order(array)
        # the stream copies the frames before it returns
        return Gdci.H5Stream.append(self, _gdci_numpy.bytes_of(array, copy=False))

    def flush(self, cancellable=None):
        """Makes every frame appended durable, and visible to SWMR readers."""
        return Gdci.H5Stream.flush(self, cancellable)

    def close(self, cancellable=None):
        """Writes the rest, sets the dataset's extent to the frames appended
        and closes the file."""
        return Gdci.H5Stream.close(self, cancellable)

    def get_frame_shape(self):
        return tuple(Gdci.H5Stream.get_frame_shape(self).unpack())

    def get_chunk_shape(self):
        return tuple(Gdci.H5Stream.get_chunk_shape(self).unpack())

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        try:
            self.close()
        except GLib.Error:
            if kind is None:
                raise
        return False


# overridden as a class of Gdci.py is
H5Stream.__module__ = "gi.overrides.Gdci"
H5Stream = override(H5Stream)
