# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.Repacker with Python values, and Gdci.repack(src, dst, **options):
a whole HDF5 file rewritten with new chunks and filters (see
Gdci.Repacker's documentation for what is copied and what is rewritten)."""

import collections.abc
import numbers

from gi.repository import Gio

from ..module import get_introspection_module
from ..overrides import override
from .Gdci import H5Writer, _CancelOnInterrupt, _path_setting, _shape_variant

Gdci = get_introspection_module("Gdci")

# the keywords of Gdci.repack() that set the filters of the datasets rewritten
_FILTER_KEYWORDS = ("compression", "compression_level", "shuffle", "bitshuffle", "blosc_codec",
                    "fletcher32")


def _dataset_paths(datasets):
    if datasets is None:
        return None
    if isinstance(datasets, (str, bytes)):
        raise TypeError("datasets must be a sequence of dataset paths, not a single "
                        f"{type(datasets).__name__}")
    paths = list(datasets)
    for path in paths:
        if not isinstance(path, str):
            raise TypeError(f"datasets must hold str paths, not {type(path).__name__}")
    return paths


def _number(name, value, kind, positive=False):
    """value, checked: TypeError if it is not a kind (bool never is),
    ValueError if it is negative (or, if positive, not above 0)"""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'above 0' if positive else '0 or more'}, not {value!r}")
    return value


class Repacker(Gdci.Repacker):
    """Gdci.Repacker with Python values.

    - Settings as keywords: ``Gdci.Repacker(writer=Gdci.H5Writer(
      compression="zstd"), replace_filters=True, chunk_mb=0.0,
      min_size=65536, datasets=["/acquisition/data"], overwrite=False,
      chunk_shapes={"/acquisition/data": (None, 64)})``.
    - ``set_chunk_shape(path, shape)`` takes a sequence, None for a free
      axis; ``set_datasets(paths)`` a sequence of str or None.
    - ``repack(src, dst, cancellable=None)`` takes str or os.PathLike file
      names, returns True and raises GLib.Error; Ctrl-C in the main thread
      cancels it (nothing is left at dst) and raises KeyboardInterrupt.
    """

    def __init__(self, *, chunk_shapes=None, datasets=None, **kwargs):
        if kwargs.get("writer") is None:
            kwargs.pop("writer", None)
        elif not isinstance(kwargs["writer"], Gdci.H5Writer):
            raise TypeError(f"writer must be a Gdci.H5Writer, not {type(kwargs['writer']).__name__}")
        if chunk_shapes is not None and not isinstance(chunk_shapes, collections.abc.Mapping):
            raise TypeError("chunk_shapes must map dataset paths to chunk shapes, not "
                            f"{type(chunk_shapes).__name__}")
        paths = _dataset_paths(datasets)
        if paths:
            kwargs["datasets"] = paths
        super().__init__(**kwargs)
        for path, shape in (chunk_shapes or {}).items():
            self.set_chunk_shape(path, shape)

    def set_chunk_shape(self, dataset, chunk_shape):
        """Gives dataset (a path in the input) its own chunk shape: a
        sequence of integers, None for an axis sized by gdci's planner; None
        removes it."""
        if not isinstance(dataset, str):
            raise TypeError(f"dataset must be a str path, not {type(dataset).__name__}")
        variant = None if chunk_shape is None else _shape_variant("chunk_shape", chunk_shape)
        if variant is not None and variant.get_type_string() != "at":
            raise ValueError(f"chunk_shape {tuple(chunk_shape)!r} has a negative axis")
        Gdci.Repacker.set_chunk_shape(self, dataset, variant)

    def get_chunk_shape(self, dataset):
        """The chunk shape set for dataset, as a tuple (0 for a free axis),
        or None."""
        variant = Gdci.Repacker.get_chunk_shape(self, dataset)
        return None if variant is None else tuple(variant.unpack())

    def set_datasets(self, datasets):
        """The only datasets that may be rewritten (a sequence of paths), or
        None for all."""
        Gdci.Repacker.set_datasets(self, _dataset_paths(datasets))

    def repack(self, src, dst, cancellable=None):
        """Copies every object of the HDF5 file src into a new file dst,
        rewriting the datasets as the settings say; all or nothing."""
        src = _path_setting("src", src)
        dst = _path_setting("dst", dst)
        if cancellable is None:
            cancellable = Gio.Cancellable()
        with _CancelOnInterrupt(cancellable):
            return Gdci.Repacker.repack(self, src, dst, cancellable)

    def repack_async(self, src, dst, cancellable=None, callback=None, *user_data):
        """Starts repack() in another thread and returns at once; progress
        is emitted, and callback(repacker, result, *user_data) called, in
        the caller's thread-default main context. The callback calls
        repack_finish(result)."""
        Gdci.Repacker.repack_async(self, _path_setting("src", src), _path_setting("dst", dst),
                                   cancellable, callback, *user_data)


# overridden as a class of Gdci.py is
Repacker.__module__ = "gi.overrides.Gdci"
Repacker = override(Repacker)


def repack(src, dst, *, compression=None, compression_level=None, shuffle=None, bitshuffle=None,
           blosc_codec=None, fletcher32=None, n_threads=0, max_memory=0, chunk_mb=None,
           chunk_shapes=None, datasets=None, min_size=None, overwrite=False, cancellable=None):
    """Rewrites the HDF5 file src into a new file dst on every core, a
    faster h5repack that never leaves a half-written file.

    The filter keywords (compression, compression_level, shuffle,
    bitshuffle, blosc_codec, fletcher32, as for Gdci.H5Writer) give every
    dataset rewritten those filters; without any, each keeps its own.
    chunk_mb plans the chunks anew (else chunked datasets keep theirs);
    chunk_shapes maps dataset paths to chunk shapes (None for a free axis);
    datasets restricts the rewrite to those paths; min_size (64 KiB by
    default) is the size below which a dataset is copied as it is.

    Returns the Gdci.Repacker used, whose n_objects, n_rewritten, n_copied,
    bytes_in and bytes_out describe the repack. Raises GLib.Error.
    """
    settings = dict(compression=compression, compression_level=compression_level, shuffle=shuffle,
                    bitshuffle=bitshuffle, blosc_codec=blosc_codec, fletcher32=fletcher32)
    filters = {name: value for name, value in settings.items() if value is not None}
    for name, value in (("n_threads", n_threads), ("max_memory", max_memory)):
        _number(name, value, numbers.Integral)
    writer = H5Writer(n_threads=int(n_threads), max_memory=int(max_memory), **filters)
    options = dict(writer=writer, replace_filters=bool(filters), overwrite=bool(overwrite),
                   chunk_shapes=chunk_shapes, datasets=datasets)
    if chunk_mb is not None:
        options["chunk_mb"] = float(_number("chunk_mb", chunk_mb, numbers.Real, positive=True))
    if min_size is not None:
        options["min_size"] = int(_number("min_size", min_size, numbers.Integral))
    repacker = Repacker(**options)
    repacker.repack(src, dst, cancellable)
    return repacker
