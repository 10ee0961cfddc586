# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject overrides for Gdci.

Two things live here:

- Python sugar on the introspected classes: a ``Gdci.ChunkIterator`` is a
  Python iterator, initializes itself when constructed from Python, takes
  shapes as tuples, and pickles through ``serialize()``; ``DataChunk`` and
  ``Selection`` convert to numpy arrays and slices.
- ``Gdci.GenericDataChunkIterator``, a drop-in for hdmf's class of the same
  name: the same subclass API, attributes and messages, with the shapes
  computed and checked by the C library.

numpy is imported only when it is needed, so that ``from gi.repository
import Gdci`` stays cheap for programs that do not use it.
"""

import abc
import functools
import operator
import re
import warnings
import weakref

import gi
from gi.repository import GLib, GObject

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
                data = _as_array(data, _numpy_dtype(self.get_dtype()),
                                 tuple(selection.get_shape()), "get_data()")
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
      still works.
    - The virtual methods may return numpy values: ``do_get_data`` an array,
      ``do_get_maxshape`` a tuple, ``do_get_dtype`` a numpy dtype.
    - An exception raised in a virtual method is raised again, as itself,
      from the constructor, ``next()`` or the ``for`` loop.
    - It pickles through ``serialize()`` when its class implements
      ``do_serialize``.
    """

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            if isinstance(value, (list, tuple)):
                pspec = type(self).find_property(key)
                if pspec is not None and pspec.value_type == GObject.TYPE_VARIANT:
                    kwargs[key] = _shape_variant(key.replace("-", "_"), value)
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
            except GLib.Error:
                error = _pending_error(self)
                if error is not None:
                    raise error from None
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


_HDMF_ASSERTION = re.compile(r"Only one of '|Some dimensions of |\w+ \(.*\) must be greater than zero!$")


def _python_error(error):
    """A refusal from the C library as the exception hdmf raises: its
    assertions as AssertionError with the same text."""
    if error.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT):
        if _HDMF_ASSERTION.match(error.message):
            return AssertionError(error.message)
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
            raise _python_error(error) from None

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
            raise _python_error(error) from None

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
            raise _python_error(error) from None

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
