# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject overrides for Gdci.

Two things live here:

- Python sugar on the introspected classes: a ``Gdci.ChunkIterator`` is a
  Python iterator, initializes itself when constructed from Python, takes
  shapes as tuples, and pickles through ``serialize()``; ``DataChunk`` and
  ``Selection`` convert to numpy arrays and slices.
- Python values for the settings of the data sources gdci provides
  (``path`` as ``pathlib.Path``, ``dtype`` as a numpy dtype, ``order`` as
  "C" or "F"), ``Gdci.ArrayIterator.from_numpy()``, and ``Gdci.H5Writer``
  with Python keywords and a ``write()`` that returns nothing or raises.
- ``Gdci.GenericDataChunkIterator``, a drop-in for hdmf's class of the same
  name: the same subclass API, attributes and messages, with the shapes
  computed and checked by the C library.

numpy is imported only when it is needed, so that ``from gi.repository
import Gdci`` stays cheap for programs that do not use it.
"""

import abc
import functools
import itertools
import math
import operator
import os
import re
import signal
import threading
import warnings
import weakref

import gi
from gi.repository import Gio, GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Gdci = get_introspection_module("Gdci")

# These overrides are written for Gdci 1.0. When a program imports Gdci
# without gi.require_version() and gets 1.0, record that version as the one
# required, as the program would have: the one-line import
# `from gi.repository.Gdci import GenericDataChunkIterator` then loads
# without PyGIWarning.
if Gdci._version == "1.0" and gi.get_required_version("Gdci") is None:
    gi.require_version("Gdci", "1.0")

__all__ = []

_INT64_MIN = -(1 << 63)
_UINT64_END = 1 << 64

# Attribute of a Python-implemented iterator holding an exception raised in
# one of its virtual methods, with the message of the GError it became.
_PENDING_ERROR = "_gdci_pending_error"


def _numpy():
    import numpy

    return numpy


def _numpy_dtype(dtype):
    """The numpy dtype of a Gdci.Dtype, in this machine's byte order."""
    return _numpy().dtype(Gdci.dtype_to_string(dtype))


def _gdci_dtype(dtype):
    """The Gdci.Dtype of anything numpy reads as a dtype. A byte order other
    than this machine's maps to the same type: data is converted on the way."""
    numpy_dtype = _numpy().dtype(dtype)
    try:
        return Gdci.dtype_from_string(numpy_dtype.newbyteorder("=").str)
    except GLib.Error as error:
        raise TypeError(f"{numpy_dtype}: {error.message}") from None


def _as_array(data, dtype, shape, what):
    """data as a numpy array of the given dtype and shape: a same-kind cast
    is allowed (int64 to int16), a lossy one (float to int) is refused."""
    np = _numpy()
    array = np.asarray(data)
    if array.shape != shape:
        raise ValueError(f"{what} returned an array of shape {array.shape}; expected {shape}")
    if array.dtype != dtype:
        array = array.astype(dtype, casting="same_kind")
    return array


def _shape_variant(name, shape):
    """A shape as the GVariant gdci reads: a GLib.Variant as given, and a
    sequence of integers as type 'at' ('ax' when an axis is negative, so that
    the refusal names the value as given)."""
    if isinstance(shape, GLib.Variant):
        return shape
    try:
        values = [operator.index(value) for value in shape]
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, not {shape!r}") from None
    if any(value < 0 for value in values):
        type_string, fits = "ax", all(_INT64_MIN <= value < -_INT64_MIN for value in values)
    else:
        type_string, fits = "at", all(value < _UINT64_END for value in values)
    if not fits:
        raise OverflowError(f"{name} {tuple(values)} has an axis that does not fit in 64 bits")
    return GLib.Variant(type_string, values)


def _dtype_setting(name, value):
    """A Gdci.Dtype from what numpy users write: a Gdci.Dtype, a name or a
    type string ("int16", "<i2"), a numpy dtype or a scalar type (np.int16).
    A byte order other than this machine's is refused: the data sources read
    their data as it is."""
    if isinstance(value, Gdci.Dtype):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and Gdci.dtype_is_valid(value):
        return Gdci.Dtype(value)
    if isinstance(value, str):
        text = value
    else:
        try:
            if value is None or isinstance(value, (bool, int)):
                raise TypeError  # numpy reads None as float64
            numpy_dtype = _numpy().dtype(value)
            # the name reads best in messages; another byte order needs the code
            text = numpy_dtype.name if numpy_dtype.isnative else numpy_dtype.str
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a Gdci.Dtype, a numpy dtype or a type name such as "
                            f"'int16', not {value!r}") from None
    try:
        return Gdci.dtype_from_string(text)
    except GLib.Error as error:
        raise TypeError(f"{name}: {error.message}") from None


_ORDERS = {"C": Gdci.Order.C, "F": Gdci.Order.F}


def _order_setting(name, value):
    """A Gdci.Order from numpy's names of the layouts, "C" and "F"."""
    if isinstance(value, Gdci.Order):
        return value
    if isinstance(value, str) and value.upper() in _ORDERS:
        return _ORDERS[value.upper()]
    if isinstance(value, int) and not isinstance(value, bool) and value in _ORDERS.values():
        return Gdci.Order(value)
    raise ValueError(f"{name} must be 'C' or 'F' (or a Gdci.Order), not {value!r}")


def _path_setting(name, value):
    """A file name as gdci takes it, a str, from a str or an os.PathLike
    (pathlib.Path); gdci takes file names in UTF-8."""
    if isinstance(value, str):
        path = value
    else:
        try:
            path = os.fsdecode(os.fspath(value))
        except TypeError:
            raise TypeError(f"{name} must be a str or an os.PathLike such as pathlib.Path, "
                            f"not {type(value).__name__}") from None
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name} {path!r} is not valid UTF-8: gdci takes file names in UTF-8") from None
    return path


def _property_value(cls, key, value):
    """A Python value for a property of a gdci class as the property's type:
    shapes from sequences, data types from numpy's, orders from "C" and "F",
    file names from os.PathLike. Anything else is left to PyGObject."""
    pspec = cls.find_property(key)
    if pspec is None:
        return value
    name = key.replace("-", "_")
    value_type = pspec.value_type
    if value_type == GObject.TYPE_VARIANT and value is not None:
        return _shape_variant(name, value)
    if value_type == Gdci.Dtype.__gtype__:
        return _dtype_setting(name, value)
    if value_type == Gdci.Order.__gtype__:
        return _order_setting(name, value)
    if value_type == GObject.TYPE_STRING and value is not None and (
            pspec.name == "path" or isinstance(value, (os.PathLike, bytes))):
        return _path_setting(name, value)
    return value


# ---- GLib.Bytes of numpy memory -------------------------------------------
#
# PyGObject's GLib.Bytes.new() takes a bytes object (any other buffer is read
# element by element), so handing numpy data to gdci through it costs two
# copies: array.tobytes() and GLib's. Through GLib's C API (with ctypes), a
# GLib.Bytes can instead copy the array's memory once (g_bytes_new), or not
# at all (g_bytes_new_with_free_func, keeping the array alive until GLib
# frees the bytes). When that API cannot be reached, the two copies it is.

_kept_arrays = {}
_kept_tokens = itertools.count(1)
_glib_c = None  # the C functions, loaded on first use; False when unavailable

_GLIB_LIBRARIES = [
    ("libglib-2.0.so.0", "libgobject-2.0.so.0"),
    ("libglib-2.0.0.dylib", "libgobject-2.0.0.dylib"),
    ("libglib-2.0-0.dll", "libgobject-2.0-0.dll"),
]


def _release_array(token, kept=_kept_arrays):
    """The free function of a GLib.Bytes over an array: called by GLib, in
    whatever thread drops the last reference, with the GIL (ctypes takes
    it)."""
    kept.pop(token, None)


def _load_glib_c():
    try:
        import ctypes
    except ImportError:
        return False
    # A boxed value's hash is its C pointer in PyGObject; check it on a
    # GLib.Bytes, whose repr shows the pointer, before relying on it.
    probe = GLib.Bytes.new(b"gdci")
    match = re.search(r"\(GBytes at (0x[0-9a-fA-F]+)\)", repr(probe))
    if (match is None or int(match.group(1), 16) != hash(probe)
            or GObject.Value.__hash__ is not GLib.Bytes.__hash__):
        return False
    for glib_name, gobject_name in _GLIB_LIBRARIES:
        try:
            glib = ctypes.CDLL(glib_name)
            gobject = ctypes.CDLL(gobject_name)
            break
        except OSError:
            continue
    else:
        return False
    destroy_notify = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
    api = type("GLibC", (), {})()
    api.new = glib.g_bytes_new
    api.new.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    api.new.restype = ctypes.c_void_p
    api.new_with_free_func = glib.g_bytes_new_with_free_func
    api.new_with_free_func.argtypes = [ctypes.c_void_p, ctypes.c_size_t, destroy_notify, ctypes.c_void_p]
    api.new_with_free_func.restype = ctypes.c_void_p
    api.take_boxed = gobject.g_value_take_boxed
    api.take_boxed.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    api.take_boxed.restype = None
    api.release = destroy_notify(_release_array)
    # GLib may free a GLib.Bytes late in the interpreter's shutdown: the
    # function it calls then must still exist, so it is never freed
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(api.release))
    api.pointer_mask = (1 << (8 * ctypes.sizeof(ctypes.c_void_p))) - 1
    return api


def _bytes_of(array, copy):
    """A GLib.Bytes of the memory of a C-contiguous numpy array: a copy when
    copy is true, else the array's own memory, which the GLib.Bytes keeps
    alive (and which must not change while it exists)."""
    global _glib_c
    if _glib_c is None:
        _glib_c = _load_glib_c()
    api = _glib_c
    if not api or array.nbytes == 0:
        return GLib.Bytes.new(array.tobytes())
    address = array.__array_interface__["data"][0]
    if copy:
        pointer = api.new(address, array.nbytes)
    else:
        token = next(_kept_tokens)
        _kept_arrays[token] = array
        pointer = api.new_with_free_func(address, array.nbytes, api.release, token)
    # a GValue owns the new reference; get_value() gives PyGObject's own
    value = GObject.Value(GLib.Bytes)
    api.take_boxed(hash(value) & api.pointer_mask, pointer)
    return value.get_value()


def _error_from_vfunc(obj, error):
    """Keeps a Python exception raised in a virtual method of obj, to raise it
    again where the call from Python returns; gives the GError to report to
    the C caller meanwhile."""
    message = f"{type(error).__name__}: {error}"
    obj.__dict__[_PENDING_ERROR] = (error, message)
    return GLib.Error.new_literal(Gdci.error_quark(), message, Gdci.Error.FAILED)


def _pending_error(obj, glib_error=None):
    """The Python exception behind a GError from obj's virtual methods, if
    any (and if glib_error is given, only when it is the one it became)."""
    pending = obj.__dict__.pop(_PENDING_ERROR, None)
    if pending is None:
        return None
    error, message = pending
    if glib_error is not None and not glib_error.message.endswith(message):
        return None
    return error


def _wrap_get_data(func):
    @functools.wraps(func)
    def do_get_data(self, selection):
        try:
            data = func(self, selection)
            if data is None or isinstance(data, GLib.Bytes):
                return data
            if hasattr(data, "__array_interface__"):
                np = _numpy()
                array = np.ascontiguousarray(_as_array(data, _numpy_dtype(self.get_dtype()),
                                                       tuple(selection.get_shape()), "get_data()"))
                # the source may reuse what it returned for the next buffer:
                # only an array made here is handed over without a copy
                made_here = (isinstance(data, np.ndarray) and array is not data
                             and not np.may_share_memory(array, data))
                return _bytes_of(array, copy=not made_here)
            return GLib.Bytes.new(memoryview(data).tobytes())
        except GLib.Error:
            raise  # reaches the caller, prefixed with the buffer
        except BaseException as error:  # noqa: B036: raised again from Python
            raise _error_from_vfunc(self, error) from None

    return do_get_data


def _wrap_get_maxshape(func):
    @functools.wraps(func)
    def do_get_maxshape(self):
        if _PENDING_ERROR in self.__dict__:
            return None  # get_dtype() failed: stop initialization here
        try:
            shape = func(self)
            if shape is None:
                return None
            shape = [operator.index(axis) for axis in shape]
            if any(axis < 0 or axis >= _UINT64_END for axis in shape):
                raise ValueError(f"get_maxshape() returned {tuple(shape)}: axes must be "
                                 "non-negative and fit in 64 bits")
            # a list: PyGObject reads a returned tuple as several values
            return shape
        except BaseException as error:  # noqa: B036: raised again from Python
            _error_from_vfunc(self, error)
            return None

    return do_get_maxshape


def _wrap_get_dtype(func):
    @functools.wraps(func)
    def do_get_dtype(self):
        try:
            dtype = func(self)
            if isinstance(dtype, Gdci.Dtype):
                return dtype
            if isinstance(dtype, int) and Gdci.dtype_is_valid(dtype):
                return Gdci.Dtype(dtype)
            return _gdci_dtype(dtype)
        except BaseException as error:  # noqa: B036: raised again from Python
            _error_from_vfunc(self, error)
            return Gdci.Dtype.INT8  # any valid value: get_maxshape() stops

    return do_get_dtype


_VFUNC_WRAPPERS = {
    "do_get_data": _wrap_get_data,
    "do_get_maxshape": _wrap_get_maxshape,
    "do_get_dtype": _wrap_get_dtype,
}


def _chunk_iterator_from_serialized(cls, blob):
    """Unpickles a Gdci.ChunkIterator. cls (None for types from a library)
    names the Python class, so that unpickling imports it and registers its
    GType before deserialize() looks the type up."""
    variant = GLib.Variant.new_from_bytes(GLib.VariantType("(sua{sv})"), GLib.Bytes.new(blob), False)
    iterator = Gdci.ChunkIterator.deserialize(variant)
    if cls is not None and not isinstance(iterator, cls):
        raise TypeError(f"deserialize() built a {type(iterator).__name__}, not a {cls.__name__}")
    return iterator


# pickle refers to it by this name
_chunk_iterator_from_serialized.__module__ = "gi.repository.Gdci"
__all__.append("_chunk_iterator_from_serialized")


class _ChunkIteratorMeta(type(Gdci.ChunkIterator)):
    """Hooks wrappers of a subclass's do_get_data, do_get_maxshape and
    do_get_dtype up as its virtual methods (they convert numpy values and
    keep exceptions), while the class keeps the methods as written."""

    def __init__(cls, name, bases, namespace):
        written = {}
        for vfunc_name, wrap in _VFUNC_WRAPPERS.items():
            func = namespace.get(vfunc_name)
            if callable(func):
                written[vfunc_name] = func
                setattr(cls, vfunc_name, wrap(func))
        super().__init__(name, bases, namespace)  # PyGObject hooks up the do_* methods
        for vfunc_name, func in written.items():
            setattr(cls, vfunc_name, func)


class ChunkIterator(Gdci.ChunkIterator, metaclass=_ChunkIteratorMeta):
    """Gdci.ChunkIterator with Python sugar.

    - It is a Python iterator over its buffers: ``for chunk in it``.
    - Constructed from Python, it initializes itself (``init(None)``), so
      that a refused setting raises from the constructor; set the
      attributes the virtual methods need before calling
      ``super().__init__(**kwargs)``.
    - Shape properties (``buffer_shape``, ``chunk_shape`` and any other
      GVariant property) take tuples or lists of integers; a GLib.Variant
      still works. A ``dtype`` property takes a numpy dtype or type name,
      an ``order`` property "C" or "F", a file name an os.PathLike.
    - The virtual methods may return numpy values: ``do_get_data`` an array,
      ``do_get_maxshape`` a tuple, ``do_get_dtype`` a numpy dtype.
    - An exception raised in a virtual method is raised again, as itself,
      from the constructor, ``next()`` or the ``for`` loop.
    - It pickles through ``serialize()`` when its class implements
      ``do_serialize``.
    """

    def __init__(self, **kwargs):
        kwargs = {key: _property_value(type(self), key, value) for key, value in kwargs.items()}
        # GObject.Object.__init__() creates the object: until then,
        # __grefcount__ raises. An object built by g_object_new() (as
        # deserialize() does, which then initializes it) exists already:
        # PyGObject calls __init__() half-way through its construction.
        try:
            self.__grefcount__
        except TypeError:
            constructed_here = True
        else:
            constructed_here = False
        super().__init__(**kwargs)
        if constructed_here:
            try:
                self.init(None)
            except GLib.Error as glib_error:
                error = _pending_error(self)
                if error is not None:
                    raise error from None
                # in Python, a refused setting reads as hdmf words it
                glib_error.message = _hdmf_message(glib_error, dict(kwargs, source=self)) or glib_error.message
                raise

    def next(self):
        try:
            return Gdci.ChunkIterator.next(self)
        except GLib.Error as glib_error:
            error = _pending_error(self, glib_error)
            if error is not None:
                raise error from None
            raise

    def __iter__(self):
        return self

    def __next__(self):
        chunk = self.next()
        if chunk is None:
            raise StopIteration
        return chunk

    def __reduce__(self):
        blob = self.serialize().get_data_as_bytes().get_data()
        cls = type(self)
        if cls.__module__.startswith(("gi.repository.", "gi.overrides.")):
            cls = None
        return (_chunk_iterator_from_serialized, (cls, blob))


ChunkIterator = override(ChunkIterator)
__all__.append("ChunkIterator")


class DataChunk(Gdci.DataChunk):
    def to_numpy(self):
        """The data as a read-only numpy array of the chunk's shape and
        dtype."""
        np = _numpy()
        data = np.frombuffer(self.get_data().get_data(), dtype=_numpy_dtype(self.get_dtype()))
        return data.reshape(tuple(self.get_shape()))


DataChunk = override(DataChunk)
__all__.append("DataChunk")


class Selection(Gdci.Selection):
    def to_slices(self):
        """The selection as a tuple of slices, numpy's and h5py's index:
        ``(slice(0, 12640, None), slice(3160, 5000, None))``."""
        return tuple(slice(start, stop) for start, stop in zip(self.get_starts(), self.get_stops()))


Selection = override(Selection)
__all__.append("Selection")


# ---- the data sources gdci provides ---------------------------------------
#
# Each is a subclass of the ChunkIterator override above as well as of its
# introspected class: the introspected class, looked up while these
# overrides load, has the plain Gdci.ChunkIterator as its parent.


class ArrayIterator(Gdci.ArrayIterator, ChunkIterator):
    """Gdci.ArrayIterator: a numpy array (or any C-order data) in memory.

    ``Gdci.ArrayIterator.from_numpy(array, buffer_gb=0.5)`` builds one from
    an array; its properties take Python values as every ChunkIterator's.
    """

    @classmethod
    def from_numpy(cls, array, **settings):
        """An iterator over the elements of a numpy array (or of anything
        numpy.asarray() takes), with the iterator's settings as keywords:
        buffer_gb, buffer_shape, chunk_mb, chunk_shape, display_progress.

        A C-contiguous array in this machine's byte order is not copied: the
        iterator reads the array's own memory and keeps the array alive as
        long as it, or a buffer it handed out, needs it. Do not change the
        array meanwhile. Any other array (a strided view, Fortran order,
        another byte order) is first copied once into a C-contiguous array
        of this machine's byte order.
        """
        for key in ("data", "dtype", "shape"):
            if key in settings:
                raise TypeError(f"from_numpy() takes the {key} from the array: do not give {key}=")
        np = _numpy()
        array = np.asarray(array)
        dtype = _gdci_dtype(array.dtype)
        array = np.require(array, dtype=array.dtype.newbyteorder("="), requirements="C")
        return cls(data=_bytes_of(array, copy=False), dtype=dtype, shape=array.shape, **settings)

    @classmethod
    def new(cls, data, dtype, shape):
        """An iterator over data (a GLib.Bytes or bytes) of the given dtype
        (a Gdci.Dtype, a numpy dtype or a name) and shape (a sequence of
        integers), with the default settings."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = GLib.Bytes.new(bytes(data))
        return cls(data=data, dtype=dtype, shape=shape)


ArrayIterator = override(ArrayIterator)
__all__.append("ArrayIterator")


def _raw_file_new(cls, path, dtype, shape, offset=0, order="C"):
    """An iterator over a raw array file: path (a str or os.PathLike), dtype
    (a Gdci.Dtype, a numpy dtype or a name), shape (a sequence of integers,
    one of which may be 0 to be inferred from the file size), offset (bytes
    to skip) and order ("C" or "F"), with the default settings."""
    return cls(path=path, dtype=dtype, shape=shape, offset=offset, order=order)


class MemmapIterator(Gdci.MemmapIterator, ChunkIterator):
    """Gdci.MemmapIterator: a raw array file, mapped into memory.

    ``Gdci.MemmapIterator(path=pathlib.Path("rec.bin"), dtype="int16",
    shape=(0, 384), order="C", buffer_gb=0.5)``
    """

    new = classmethod(_raw_file_new)


MemmapIterator = override(MemmapIterator)
__all__.append("MemmapIterator")


class FileIterator(Gdci.FileIterator, ChunkIterator):
    """Gdci.FileIterator: a raw array file, read with pread().

    ``Gdci.FileIterator(path=pathlib.Path("rec.bin"), dtype="int16",
    shape=(0, 384), order="C", buffer_gb=0.5)``
    """

    new = classmethod(_raw_file_new)


FileIterator = override(FileIterator)
__all__.append("FileIterator")


class H5Iterator(Gdci.H5Iterator, ChunkIterator):
    """Gdci.H5Iterator: a dataset of an HDF5 file.

    ``Gdci.H5Iterator(path=pathlib.Path("in.h5"), dataset="/data")``
    """

    @classmethod
    def new(cls, path, dataset):
        """An iterator over the dataset at the path dataset of the HDF5
        file path (a str or os.PathLike), with the default settings."""
        return cls(path=path, dataset=dataset)


H5Iterator = override(H5Iterator)
__all__.append("H5Iterator")


# ---- the writer ------------------------------------------------------------

_COMPRESSIONS = {"gzip": Gdci.Compression.GZIP, "none": Gdci.Compression.NONE}


def _compression_setting(value):
    """A Gdci.Compression from h5py's and hdmf's values: "gzip" (or True)
    and None (or False, or "none")."""
    if isinstance(value, Gdci.Compression):
        return value
    if value is None or value is False:
        return Gdci.Compression.NONE
    if value is True:
        return Gdci.Compression.GZIP
    if isinstance(value, str):
        if value.lower() in _COMPRESSIONS:
            return _COMPRESSIONS[value.lower()]
        raise ValueError(f"compression {value!r} is not one gdci writes: give 'gzip' or None")
    raise TypeError(f"compression must be 'gzip', None or a Gdci.Compression, not {value!r} "
                    "(give the gzip level as compression_level)")


def _compression_level_setting(value):
    try:
        level = operator.index(value)
    except TypeError:
        raise TypeError(f"compression_level must be an integer from 1 to 9, not {value!r}") from None
    if not 1 <= level <= 9:
        raise ValueError(f"compression_level must be from 1 to 9, not {level}")
    return level


def _n_threads_setting(value):
    try:
        n_threads = operator.index(value)
    except TypeError:
        raise TypeError(f"n_threads must be an integer, not {value!r}") from None
    if not 0 <= n_threads <= GLib.MAXUINT32:
        raise ValueError(f"n_threads must be 0 (one thread per processor) or a number of threads, "
                         f"not {n_threads}")
    return n_threads


_WRITER_SETTINGS = {
    "compression": _compression_setting,
    "compression_level": _compression_level_setting,
    "n_threads": _n_threads_setting,
}


def _writable(iterator):
    """The Gdci.ChunkIterator to write for iterator: itself, or the C
    iterator behind a Gdci.GenericDataChunkIterator."""
    if isinstance(iterator, GenericDataChunkIterator):
        return iterator._core
    if isinstance(iterator, Gdci.ChunkIterator):
        return iterator
    hint = (" (Gdci.ArrayIterator.from_numpy() makes one of an array)"
            if hasattr(iterator, "__array_interface__") else "")
    raise TypeError("the writer writes a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator, "
                    f"not {type(iterator).__name__}{hint}")


class _DropInProgress:
    """Moves the progress bar of a Gdci.GenericDataChunkIterator as the
    writer reads the C iterator behind it (in the writer's reading thread),
    and closes it once every buffer has been read, as iterating does."""

    def __init__(self, iterator, source):
        self.bar = getattr(iterator, "progress_bar", None) if isinstance(iterator, GenericDataChunkIterator) else None
        self.iterator = iterator
        self.source = source
        # a bar that iterating moved already moves on from there
        shown = getattr(self.bar, "n", 0)
        self.shown = shown if isinstance(shown, int) else 0
        self.complete = False
        self.handler = source.connect("progress", self._on_progress) if self.bar is not None else None

    def _on_progress(self, _source, done, total):
        if done > self.shown:
            self.bar.update(n=done - self.shown)
            self.shown = done
        self.complete = done == total

    def finish(self):
        if self.handler is None:
            return
        self.source.disconnect(self.handler)
        self.handler = None
        if self.complete:
            close = getattr(self.bar, "close", None)
            if close is not None:
                close()
            self.iterator.progress_bar = None


class _CancelOnInterrupt:
    """Ctrl-C during a blocking write from the main thread cancels it.

    Python runs a SIGINT handler only once the C call returns; but its C
    handler writes the signal's number to the wakeup fd at once. A thread
    reading that fd cancels the write, which rolls back and returns; then
    KeyboardInterrupt is raised, here rather than by Python's handler,
    which would raise it wherever Python code runs next (in PyGObject's
    conversion of the GError, for one). Only while Python's own SIGINT
    handler is installed (a program that handles SIGINT itself keeps doing
    so); what is read is passed on to a wakeup fd set before (asyncio's)."""

    def __init__(self, cancellable):
        self.cancellable = cancellable
        self.thread = None
        self.interrupted = False

    def __enter__(self):
        if (threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
            return self
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.write_fd, False)
        try:
            self.previous_fd = signal.set_wakeup_fd(self.write_fd, warn_on_full_buffer=False)
        except ValueError:
            os.close(self.read_fd)
            os.close(self.write_fd)
            return self
        signal.signal(signal.SIGINT, self._on_sigint)
        self.thread = threading.Thread(target=self._watch, name="gdci-interrupt", daemon=True)
        self.thread.start()
        return self

    def _on_sigint(self, signum, frame):
        self.interrupted = True

    def _watch(self):
        while True:
            try:
                data = os.read(self.read_fd, 64)
            except OSError:
                return
            if not data:  # __exit__() closed the other end
                return
            if self.previous_fd >= 0:
                try:
                    os.write(self.previous_fd, data)
                except OSError:
                    pass
            if signal.SIGINT in data:
                self.cancellable.cancel()

    def __exit__(self, *exc_info):
        if self.thread is None:
            return False
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(self.previous_fd)
        os.close(self.write_fd)
        self.thread.join()
        os.close(self.read_fd)
        self.thread = None
        if self.interrupted:
            raise KeyboardInterrupt
        return False


class H5Writer(Gdci.H5Writer):
    """Gdci.H5Writer with Python values.

    - Settings as keywords: ``Gdci.H5Writer(compression="gzip",
      compression_level=4, shuffle=True, fletcher32=False, n_threads=0,
      overwrite=False)``; ``compression`` is "gzip" (or True) or None (or
      False), as in h5py and hdmf, or a Gdci.Compression.
    - ``write(iterator, filename, dataset_path="/data", cancellable=None)``
      takes a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator and a
      str or os.PathLike file name; it returns None and raises GLib.Error,
      or the exception a Python data source raised.
    - ``write_async()`` and ``write_finish()`` take the same values, and
      progress reaches the caller's main loop.
    """

    def __init__(self, *, compression=None, compression_level=None, shuffle=None, fletcher32=None,
                 n_threads=None, overwrite=None, **kwargs):
        settings = dict(compression=compression, compression_level=compression_level, shuffle=shuffle,
                        fletcher32=fletcher32, n_threads=n_threads, overwrite=overwrite)
        for name, value in settings.items():
            if value is not None:
                convert = _WRITER_SETTINGS.get(name)
                kwargs[name] = convert(value) if convert is not None else value
        super().__init__(**kwargs)

    def set_compression(self, compression):
        """Sets the compression: "gzip" (or True), None (or False), or a
        Gdci.Compression."""
        Gdci.H5Writer.set_compression(self, _compression_setting(compression))

    def write(self, iterator, filename, dataset_path="/data", cancellable=None):
        """Writes every buffer of iterator into a new dataset at dataset_path
        in the HDF5 file filename (a str or os.PathLike), with the
        iterator's chunk shape and the writer's filters; all or nothing.
        Blocks until done, emitting "progress" in this thread.

        iterator is a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator;
        it is read from its first buffer, in another thread.

        Ctrl-C (in the main thread, with Python's SIGINT handler) cancels
        the write: it cancels cancellable, the write rolls back, and
        KeyboardInterrupt is raised.

        Raises GLib.Error, or the exception a Python data source raised.
        """
        source = _writable(iterator)
        filename = _path_setting("filename", filename)
        if cancellable is None:
            cancellable = Gio.Cancellable()
        progress = _DropInProgress(iterator, source)
        try:
            with _CancelOnInterrupt(cancellable):
                Gdci.H5Writer.write(self, source, filename, dataset_path, cancellable)
        except GLib.Error as glib_error:
            error = _pending_error(source, glib_error)
            if error is not None:
                raise error from None
            raise
        finally:
            progress.finish()

    def write_async(self, iterator, filename, dataset_path="/data", cancellable=None, callback=None,
                    *user_data):
        """Starts write() in another thread and returns at once. Progress is
        emitted, and callback(writer, result, *user_data) called, in the
        thread-default main context of the caller (run a GLib.MainLoop);
        the callback calls write_finish(result). iterator must not be used
        until then."""
        source = _writable(iterator)
        filename = _path_setting("filename", filename)
        progress = _DropInProgress(iterator, source)

        def done(writer, result):
            progress.finish()
            # for write_finish(): the source whose Python exception to raise
            # (this also keeps iterator alive until the write is done)
            result._gdci_written = (source, iterator)
            if callback is not None:
                callback(writer, result, *user_data)

        Gdci.H5Writer.write_async(self, source, filename, dataset_path, cancellable, done)

    def write_finish(self, result):
        """Finishes write_async(): returns None, or raises GLib.Error or the
        exception a Python data source raised."""
        try:
            Gdci.H5Writer.write_finish(self, result)
        except GLib.Error as glib_error:
            written = getattr(result, "_gdci_written", None)
            error = _pending_error(written[0], glib_error) if written is not None else None
            if error is not None:
                raise error from None
            raise


H5Writer = override(H5Writer)
__all__.append("H5Writer")


# ---- hdmf's GenericDataChunkIterator ------------------------------------


class _SimpleDataChunk:
    """What iteration yields when hdmf is not installed: hdmf's DataChunk,
    without hdmf."""

    def __init__(self, data=None, selection=None):
        self.data = data
        self.selection = selection

    def __len__(self):
        return 0 if self.data is None else len(self.data)

    def __getattr__(self, attr):
        if attr == "data":  # not set yet (while unpickling)
            raise AttributeError(attr)
        return getattr(self.data, attr)

    def astype(self, dtype):
        return _SimpleDataChunk(data=self.data.astype(dtype), selection=self.selection)

    @property
    def dtype(self):
        return self.data.dtype

    def get_min_bounds(self):
        return tuple(axis.stop for axis in self.selection)

    def __repr__(self):
        return f"DataChunk(selection={self.selection!r})"


_hdmf_checked = False
_DataChunkClass = _SimpleDataChunk


def _use_hdmf():
    """When hdmf is installed: GenericDataChunkIterator is registered as an
    hdmf AbstractDataChunkIterator, so that hdmf's writers take it, and
    iteration yields hdmf DataChunk objects. Done on the first iterator, not
    at import: hdmf takes a while to import."""
    global _hdmf_checked, _DataChunkClass
    if _hdmf_checked:
        return
    _hdmf_checked = True
    try:
        from hdmf.data_utils import AbstractDataChunkIterator
        from hdmf.data_utils import DataChunk as HdmfDataChunk
    except ImportError:
        return
    AbstractDataChunkIterator.register(GenericDataChunkIterator)
    _DataChunkClass = HdmfDataChunk


class _GenericSource(ChunkIterator):
    """The C iterator behind a GenericDataChunkIterator: its virtual methods
    hand the C library what the Python object read."""

    # not under gi.overrides: PyGObject registers no GType for classes there
    __module__ = "gi.repository.Gdci.GenericDataChunkIterator"
    __gtype_name__ = "GdciPythonGenericSource"

    def __init__(self, owner, **kwargs):
        # weak: the owner holds this iterator, and a cycle would keep the
        # data source (often large) alive until the garbage collector runs
        self._owner = weakref.ref(owner)
        super().__init__(**kwargs)

    def _source(self):
        owner = self._owner()
        if owner is None:
            raise ReferenceError("the GenericDataChunkIterator of this iterator no longer exists")
        return owner

    def do_get_dtype(self):
        return self._source()._gdci_dtype

    def do_get_maxshape(self):
        return self._source().maxshape

    def do_get_data(self, selection):
        return self._source()._read(selection.to_slices())


def _hdmf_message(error, context):
    """hdmf's words for a Gdci.PlanError, from its code and the context:
    the settings as the caller gave them (buffer_gb, buffer_shape, chunk_mb,
    chunk_shape; absent or None when not given), and the data's maxshape
    and dtype, or a "source" iterator to ask for them. None when the error
    is not a plan error, or the data cannot be known."""
    if error.domain != GLib.quark_to_string(Gdci.plan_error_quark()):
        return None
    code = Gdci.PlanError(error.code)
    get = {key.replace("-", "_"): value for key, value in context.items()}.get
    settings = {key: get(key) for key in ("buffer_gb", "buffer_shape", "chunk_mb", "chunk_shape")}
    for key in ("buffer_shape", "chunk_shape"):
        shape = settings[key]
        shape = shape.unpack() if isinstance(shape, GLib.Variant) else shape
        settings[key] = None if shape is None else tuple(int(axis) for axis in shape)
    chunk_mb = settings["chunk_mb"]
    if chunk_mb is None and settings["chunk_shape"] is None:
        chunk_mb = Gdci.DEFAULT_CHUNK_MB
    if code == Gdci.PlanError.BOTH_BUFFER_SETTINGS:
        return "Only one of 'buffer_gb' or 'buffer_shape' can be specified!"
    if code == Gdci.PlanError.BOTH_CHUNK_SETTINGS:
        return "Only one of 'chunk_mb' or 'chunk_shape' can be specified!"
    if code == Gdci.PlanError.BUFFER_SIZE_NOT_POSITIVE:
        return f"buffer_gb ({settings['buffer_gb']}) must be greater than zero!"
    if code == Gdci.PlanError.CHUNK_SIZE_NOT_POSITIVE:
        return f"chunk_mb ({chunk_mb}) must be greater than zero!"
    if code == Gdci.PlanError.SIZE_NOT_FINITE:
        # the chunk size is checked first, when it is used
        if chunk_mb is not None and (math.isinf(chunk_mb) or math.isinf(chunk_mb * 1e6)):
            return f"chunk_mb ({chunk_mb}) is too large: give a finite size"
        return f"buffer_gb ({settings['buffer_gb']}) is too large: give a finite size"
    if code == Gdci.PlanError.BUFFER_SHAPE_NOT_POSITIVE:
        return f"Some dimensions of buffer_shape ({settings['buffer_shape']}) are less than zero!"

    # the rest needs the data, and the default shapes gdci computed from it
    try:
        source = get("source")
        maxshape = get("maxshape") or type(source).do_get_maxshape(source)
        maxshape = tuple(int(axis) for axis in maxshape)
        dtype = get("dtype") or type(source).do_get_dtype(source)
        dtype = dtype if isinstance(dtype, Gdci.Dtype) else _gdci_dtype(dtype)
    except Exception:  # noqa: BLE001 - the C message is the fallback
        return None
    chunk, buffer = settings["chunk_shape"], settings["buffer_shape"]
    if code == Gdci.PlanError.WRONG_RANK:
        name, shape = ("chunk_shape", chunk) if chunk is not None and len(chunk) != len(maxshape) \
            else ("buffer_shape", buffer)
        plural = "" if len(shape) == 1 else "s"
        return f"{name} {shape} has {len(shape)} dimension{plural} but the data {maxshape} has {len(maxshape)}"
    if chunk is None:
        chunk = tuple(Gdci.default_chunk_shape(list(maxshape), dtype, float(chunk_mb)))
    if buffer is None and code != Gdci.PlanError.CHUNK_SHAPE_NOT_POSITIVE:
        buffer_gb = settings["buffer_gb"] or Gdci.DEFAULT_BUFFER_GB
        buffer = tuple(Gdci.default_buffer_shape(list(maxshape), list(chunk), dtype, float(buffer_gb)))
    return {
        Gdci.PlanError.CHUNK_SHAPE_NOT_POSITIVE:
            f"Some dimensions of chunk_shape ({chunk}) are less than zero!",
        Gdci.PlanError.CHUNK_SHAPE_EXCEEDS_DATA:
            f"Some dimensions of chunk_shape ({chunk}) exceed the data dimensions ({maxshape})!",
        Gdci.PlanError.BUFFER_SHAPE_EXCEEDS_DATA:
            f"Some dimensions of buffer_shape ({buffer}) exceed the data dimensions ({maxshape})!",
        Gdci.PlanError.CHUNK_SHAPE_EXCEEDS_BUFFER:
            f"Some dimensions of chunk_shape ({chunk}) exceed the buffer shape ({buffer})!",
        Gdci.PlanError.CHUNK_SHAPE_NOT_DIVIDING:
            f"Some dimensions of chunk_shape ({chunk}) do not evenly divide the buffer shape ({buffer})!",
    }.get(code)


def _python_error(error, context):
    """A refusal from the C library as the exception hdmf raises, with hdmf's
    message composed from the error's code and the context (see
    _hdmf_message): hdmf's assertions as AssertionError, the refusals gdci
    adds as ValueError and OverflowError."""
    message = _hdmf_message(error, context)
    if message is not None:
        if error.code in (Gdci.PlanError.WRONG_RANK, Gdci.PlanError.SIZE_NOT_FINITE):
            return ValueError(message)
        return AssertionError(message)
    if error.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT) or \
            error.domain == GLib.quark_to_string(Gdci.plan_error_quark()):
        return ValueError(error.message)
    if error.matches(Gdci.error_quark(), Gdci.Error.OVERFLOW):
        return OverflowError(error.message)
    return error


def _setting(name, value, types, expected):
    """A setting of the types hdmf accepts (numpy scalars as Python's), or
    hdmf's TypeError."""
    if value is None:
        return None
    if isinstance(value, _numpy().generic):
        value = value.item()
    if not isinstance(value, types):
        raise TypeError(f"GenericDataChunkIterator.__init__: incorrect type for '{name}' "
                        f"(got '{type(value).__name__}', expected '{expected}')")
    return value


def _require(condition, message):
    """hdmf's `assert condition, message`, also under python -O."""
    if not condition:
        raise AssertionError(message)


def _overridden(obj, name):
    return getattr(type(obj), name) is not getattr(GenericDataChunkIterator, name)


def _int_shape(shape):
    """A shape as a tuple of Python ints, or None when not given (hdmf:
    `tuple(int(x) for x in shape) if shape else shape`, for tuples only)."""
    return None if shape is None else tuple(int(axis) for axis in shape) or None


class GenericDataChunkIterator(metaclass=abc.ABCMeta):
    """hdmf's GenericDataChunkIterator, on gdci.

    A subclass implements ``_get_data(selection)`` (a tuple of slices in, a
    numpy array out), ``_get_maxshape()`` and ``_get_dtype()``, sets its own
    attributes and calls ``super().__init__(**kwargs)``. Iterating yields
    one DataChunk per buffer, with ``.data`` and ``.selection``.

    Settings: ``buffer_gb`` (default 1.0) or ``buffer_shape``, ``chunk_mb``
    (default 10.0, as current hdmf) or ``chunk_shape``, ``display_progress``,
    ``progress_bar_class`` (default tqdm) and ``progress_bar_options``.
    Settings hdmf refuses raise hdmf's exceptions with hdmf's messages.
    """

    __module__ = "gi.repository.Gdci"

    def __init__(self, buffer_gb=None, buffer_shape=None, chunk_mb=None, chunk_shape=None,
                 display_progress=False, progress_bar_class=None, progress_bar_options=None):
        _use_hdmf()
        buffer_gb = _setting("buffer_gb", buffer_gb, (float, int), "float or int")
        chunk_mb = _setting("chunk_mb", chunk_mb, (float, int), "float or int")
        self.display_progress = _setting("display_progress", display_progress, (bool,), "bool")
        self.progress_bar_class = progress_bar_class
        self.progress_bar_options = dict(progress_bar_options or {})
        self.progress_bar = None

        # hdmf's checks, in its order, with its messages
        if buffer_gb is None and buffer_shape is None:
            buffer_gb = Gdci.DEFAULT_BUFFER_GB
        if chunk_mb is None and chunk_shape is None:
            chunk_mb = Gdci.DEFAULT_CHUNK_MB
        _require((buffer_gb is not None) != (buffer_shape is not None),
                 "Only one of 'buffer_gb' or 'buffer_shape' can be specified!")
        _require((chunk_mb is not None) != (chunk_shape is not None),
                 "Only one of 'chunk_mb' or 'chunk_shape' can be specified!")

        self._dtype = _numpy().dtype(self._get_dtype())
        self._gdci_dtype = _gdci_dtype(self._dtype)
        self._maxshape = tuple(int(axis) for axis in self._get_maxshape())
        if any(axis < 0 or axis >= _UINT64_END for axis in self._maxshape):
            raise ValueError(f"The data shape {self._maxshape} has an axis that is negative "
                             "or does not fit in 64 bits")

        # gdci computes the default shapes, unless a subclass has its own
        chunk_shape = _int_shape(chunk_shape)
        buffer_shape = _int_shape(buffer_shape)
        own_buffer_default = not buffer_shape and _overridden(self, "_get_default_buffer_shape")
        if not chunk_shape:
            if own_buffer_default or _overridden(self, "_get_default_chunk_shape"):
                chunk_shape = _int_shape(self._get_default_chunk_shape(chunk_mb=chunk_mb))
                chunk_mb = None
            else:
                _require(chunk_mb > 0, f"chunk_mb ({chunk_mb}) must be greater than zero!")
        if own_buffer_default:
            self.chunk_shape = chunk_shape
            buffer_shape = _int_shape(self._get_default_buffer_shape(buffer_gb=buffer_gb))
            buffer_gb = None
        elif not buffer_shape:
            _require(buffer_gb > 0, f"buffer_gb ({buffer_gb}) must be greater than zero!")

        settings = {}
        if buffer_gb is not None:
            settings["buffer_gb"] = float(buffer_gb)
        if chunk_mb is not None:
            settings["chunk_mb"] = float(chunk_mb)
        if buffer_shape:
            settings["buffer_shape"] = _shape_variant("buffer_shape", buffer_shape)
        if chunk_shape:
            settings["chunk_shape"] = _shape_variant("chunk_shape", chunk_shape)
        try:
            self._core = _GenericSource(self, **settings)
        except GLib.Error as error:
            context = dict(buffer_gb=buffer_gb, buffer_shape=buffer_shape, chunk_mb=chunk_mb,
                           chunk_shape=chunk_shape, maxshape=self._maxshape, dtype=self._gdci_dtype)
            raise _python_error(error, context) from None

        self.chunk_shape = tuple(self._core.get_chunk_shape())
        self.buffer_shape = tuple(self._core.get_buffer_shape())
        self.num_buffers = self._core.get_n_buffers()
        self.buffer_selection_generator = self._buffer_selections()

        if self.display_progress:
            self._start_progress_bar()

    def _buffer_selections(self):
        for index in range(self.num_buffers):
            yield self._core.get_buffer_selection(index).to_slices()

    def _start_progress_bar(self):
        progress_bar_class = self.progress_bar_class
        if progress_bar_class is None:
            try:
                from tqdm import tqdm as progress_bar_class
            except ImportError:
                warnings.warn("You must install tqdm to use the progress bar feature (pip install tqdm)! "
                              "Progress bar is disabled.", stacklevel=3)
                self.display_progress = False
                return
        if "total" in self.progress_bar_options:
            warnings.warn("Option 'total' in 'progress_bar_options' is not allowed to be over-written! "
                          "Ignoring.", stacklevel=3)
            self.progress_bar_options.pop("total")
        self.progress_bar = progress_bar_class(total=self.num_buffers, **self.progress_bar_options)

    def _read(self, selection):
        """_get_data() of a buffer, checked: an array of the buffer's shape
        and the iterator's dtype."""
        data = self._get_data(selection=selection)
        shape = tuple(axis.stop - axis.start for axis in selection)
        return _as_array(data, self._dtype, shape, f"_get_data() for selection {selection}")

    def __iter__(self):
        return self

    def __next__(self):
        try:
            selection = next(self.buffer_selection_generator)
        except StopIteration:
            if self.progress_bar is not None:
                # ends the bar's line, so that text written later starts on its own
                close = getattr(self.progress_bar, "close", None)
                if close is not None:
                    close()
                self.progress_bar = None
            raise
        chunk = _DataChunkClass(data=self._read(selection), selection=selection)
        if self.progress_bar is not None:
            self.progress_bar.update(n=1)
        return chunk

    def recommended_chunk_shape(self):
        return self.chunk_shape

    def recommended_data_shape(self):
        return self.maxshape

    @property
    def maxshape(self):
        return self._maxshape

    @property
    def dtype(self):
        return self._dtype

    def _get_default_chunk_shape(self, chunk_mb=None):
        """hdmf's default chunk shape for this data and chunk_mb."""
        _require(chunk_mb > 0, f"chunk_mb ({chunk_mb}) must be greater than zero!")
        try:
            return tuple(Gdci.default_chunk_shape(list(self.maxshape), self._gdci_dtype, float(chunk_mb)))
        except GLib.Error as error:
            raise _python_error(error, dict(chunk_mb=chunk_mb, maxshape=self.maxshape,
                                            dtype=self._gdci_dtype)) from None

    def _get_default_buffer_shape(self, buffer_gb=None):
        """hdmf's default buffer shape for this data, self.chunk_shape and
        buffer_gb."""
        _require(buffer_gb > 0, f"buffer_gb ({buffer_gb}) must be greater than zero!")
        _require(all(axis > 0 for axis in self.chunk_shape),
                 f"Some dimensions of chunk_shape ({self.chunk_shape}) are less than zero!")
        try:
            return tuple(Gdci.default_buffer_shape(list(self.maxshape), list(self.chunk_shape),
                                                   self._gdci_dtype, float(buffer_gb)))
        except GLib.Error as error:
            raise _python_error(error, dict(buffer_gb=buffer_gb, chunk_shape=self.chunk_shape,
                                            maxshape=self.maxshape, dtype=self._gdci_dtype)) from None

    @abc.abstractmethod
    def _get_data(self, selection):
        """Reads the data of a selection (a tuple of slices) into memory, as
        a numpy array."""
        raise NotImplementedError("The data fetching method has not been built for this DataChunkIterator!")

    @abc.abstractmethod
    def _get_maxshape(self):
        """The shape of the full data."""
        raise NotImplementedError("The setter for the maxshape property has not been built for this "
                                  "DataChunkIterator!")

    @abc.abstractmethod
    def _get_dtype(self):
        """The numpy dtype of the data."""
        raise NotImplementedError("The setter for the internal dtype has not been built for this "
                                  "DataChunkIterator!")

    def _to_dict(self):
        """What _from_dict() needs to build an equal iterator: define both to
        make a subclass picklable (for multiprocessing, for example)."""
        raise NotImplementedError("The `._to_dict()` method for pickling has not been defined for this "
                                  "DataChunkIterator!")

    @staticmethod
    def _from_dict(dictionary):
        """Builds an iterator from the output of _to_dict()."""
        raise NotImplementedError("The `._from_dict()` method for pickling has not been defined for this "
                                  "DataChunkIterator!")

    def __reduce__(self):
        return (self._from_dict, (self._to_dict(),))


__all__.append("GenericDataChunkIterator")
