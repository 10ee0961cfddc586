# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject overrides for Gdci: a thin layer of Python conveniences.

- Python sugar on the introspected classes: a ``Gdci.ChunkIterator`` is a
  Python iterator, initializes itself when constructed from Python, takes
  shapes as tuples, and pickles through ``serialize()``; ``DataChunk`` and
  ``Selection`` convert to numpy arrays and slices.
- Python values for the settings of the data sources gdci provides
  (``path`` as ``pathlib.Path``, ``dtype`` as a numpy dtype, ``order`` as
  "C" or "F"), ``Gdci.ArrayIterator.from_numpy()``, and ``Gdci.H5Writer``
  with Python keywords and a ``write()`` that returns nothing or raises,
  and that Ctrl-C cancels.

Beside it: ``Gdci.GenericDataChunkIterator``, the hdmf drop-in, lives in
_gdci_hdmf.py, and the numpy glue in _gdci_numpy.py, which imports numpy
only when it is needed, so that ``from gi.repository import Gdci`` stays
cheap for programs that do not use it.
"""

import functools
import operator
import os
import signal
import threading

import gi
from gi.repository import Gio, GLib, GObject

from ..module import get_introspection_module
from ..overrides import override
from . import _gdci_numpy
from . import _gdci_writer_settings

Gdci = get_introspection_module("Gdci")

# These overrides are written for Gdci 1.0. When a program imports Gdci
# without gi.require_version() and gets 1.0, record that version as the one
# required, as the program would have: the one-line import
# `from gi.repository.Gdci import GenericDataChunkIterator` then loads
# without PyGIWarning.
if gi.Repository.get_default().get_version("Gdci") == "1.0" and gi.get_required_version("Gdci") is None:
    gi.require_version("Gdci", "1.0")

__all__ = []

_INT64_MIN = -(1 << 63)
_UINT64_END = 1 << 64

# Attribute of a Python-implemented iterator holding an exception raised in
# one of its virtual methods, with the message of the GError it became.
_PENDING_ERROR = "_gdci_pending_error"


# the shapes of a plan, where None leaves an axis free (0 in C)
_PLAN_SHAPES = ("buffer_shape", "chunk_shape")


def _shape_variant(name, shape):
    """A shape as the GVariant gdci reads: a GLib.Variant as given, and a
    sequence of integers as type 'at' ('ax' when an axis is negative, so that
    the refusal names the value as given). In buffer_shape and chunk_shape,
    None is a free axis, which gdci reads as 0."""
    if isinstance(shape, GLib.Variant):
        return shape
    try:
        values = [0 if value is None and name in _PLAN_SHAPES else operator.index(value)
                  for value in shape]
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
            numpy_dtype = _gdci_numpy.numpy().dtype(value)
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
    pending = obj.__dict__.pop(_PENDING_ERROR, None) if obj is not None else None
    if pending is None:
        return None
    error, message = pending
    if glib_error is not None and not glib_error.message.endswith(message):
        return None
    return error


class _PythonExceptionsOf:
    """Around a call that reads obj, a Python-implemented iterator: a GError
    that one of its virtual methods' exceptions became is raised as that
    exception (any pending one when match is false), other errors as they
    are."""

    def __init__(self, obj, match=True):
        self.obj = obj
        self.match = match

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None and issubclass(kind, GLib.Error):
            error = _pending_error(self.obj, value if self.match else None)
            if error is not None:
                raise error from None
        return False


def _wrap_get_data(func):
    @functools.wraps(func)
    def do_get_data(self, selection):
        try:
            data = func(self, selection)
            if data is None or isinstance(data, GLib.Bytes):
                return data
            return _gdci_numpy.bytes_of_data(data, self.get_dtype(), tuple(selection.get_shape()))
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
            if dtype is None:  # numpy reads None as float64: refuse it, do not guess
                raise TypeError(f"get_dtype() of {type(self).__name__} returned None: return a "
                                "Gdci.Dtype, a numpy dtype or a type name")
            if isinstance(dtype, Gdci.Dtype):
                return dtype
            if isinstance(dtype, int) and Gdci.dtype_is_valid(dtype):
                return Gdci.Dtype(dtype)
            return _gdci_numpy.gdci_dtype(dtype)
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
                with _PythonExceptionsOf(self, match=False):
                    self.init(None)
            except GLib.Error as glib_error:
                # in Python, a refused setting reads as hdmf words it
                message = _gdci_hdmf.hdmf_message(glib_error, dict(kwargs, source=self))
                glib_error.message = message or glib_error.message
                raise

    def next(self):
        with _PythonExceptionsOf(self):
            return Gdci.ChunkIterator.next(self)

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
        return _gdci_numpy.array_of(self.get_data(), _gdci_numpy.numpy_dtype(self.get_dtype()),
                                    tuple(self.get_shape()))


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
        array = _gdci_numpy.numpy().asarray(array)
        dtype = _gdci_numpy.gdci_dtype(array.dtype)
        array = _gdci_numpy.native_c_order(array)
        return cls(data=_gdci_numpy.bytes_of(array, copy=False), dtype=dtype, shape=array.shape, **settings)

    @classmethod
    def new(cls, data, dtype, shape):
        """An iterator over data (a GLib.Bytes or bytes) of the given dtype
        (a Gdci.Dtype, a numpy dtype or a name) and shape (a sequence of
        integers), with the default settings."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = _gdci_numpy.bytes_of(data, copy=True)
        return cls(data=data, dtype=dtype, shape=shape)


ArrayIterator = override(ArrayIterator)
__all__.append("ArrayIterator")


class RawFileIterator(Gdci.RawFileIterator, ChunkIterator):
    """Gdci.RawFileIterator: what the raw-file sources, MemmapIterator and
    FileIterator, share. Their properties take Python values (path an
    os.PathLike, dtype a numpy dtype or a name, shape a sequence, order "C"
    or "F"), as every ChunkIterator's, and new() takes them with offset and
    order defaults."""

    @classmethod
    def new(cls, path, dtype, shape, offset=0, order="C"):
        """An iterator over a raw array file: path (a str or os.PathLike),
        dtype (a Gdci.Dtype, a numpy dtype or a name), shape (a sequence of
        integers, one of which may be 0 to be inferred from the file size),
        offset (bytes to skip) and order ("C" or "F"), with the default
        settings."""
        return cls(path=path, dtype=dtype, shape=shape, offset=offset, order=order)


RawFileIterator = override(RawFileIterator)
__all__.append("RawFileIterator")


class MemmapIterator(Gdci.MemmapIterator, RawFileIterator):
    """Gdci.MemmapIterator: a raw array file, mapped into memory.

    ``Gdci.MemmapIterator(path=pathlib.Path("rec.bin"), dtype="int16",
    shape=(0, 384), order="C", buffer_gb=0.5)``
    """

    # before the C constructor of the same name, which takes every argument
    new = RawFileIterator.__dict__["new"]


MemmapIterator = override(MemmapIterator)
__all__.append("MemmapIterator")


class FileIterator(Gdci.FileIterator, RawFileIterator):
    """Gdci.FileIterator: a raw array file, read with pread().

    ``Gdci.FileIterator(path=pathlib.Path("rec.bin"), dtype="int16",
    shape=(0, 384), order="C", buffer_gb=0.5)``
    """

    new = RawFileIterator.__dict__["new"]


FileIterator = override(FileIterator)
__all__.append("FileIterator")


class H5Iterator(Gdci.H5Iterator, ChunkIterator):
    """Gdci.H5Iterator: a dataset of an HDF5 file.

    ``Gdci.H5Iterator(path=pathlib.Path("in.h5"), dataset="/data",
    n_threads=0)``: ``n_threads`` decode its chunks (0, the default, one
    per processor; 1 in the thread that reads).
    """

    def __init__(self, **kwargs):
        n_threads = kwargs.pop("n_threads", None)
        if n_threads is not None:
            kwargs["n_threads"] = _gdci_writer_settings.n_threads(n_threads)
        super().__init__(**kwargs)

    @classmethod
    def new(cls, path, dataset):
        """An iterator over the dataset at the path dataset of the HDF5
        file path (a str or os.PathLike), with the default settings."""
        return cls(path=path, dataset=dataset)

    def set_n_threads(self, n_threads):
        """Sets the number of decoding threads: 0 for one per processor."""
        Gdci.H5Iterator.set_n_threads(self, _gdci_writer_settings.n_threads(n_threads))


H5Iterator = override(H5Iterator)
__all__.append("H5Iterator")


# ---- the writer ------------------------------------------------------------

_WRITER_SETTINGS = _gdci_writer_settings.CONVERTERS


def _writable(iterator):
    """The Gdci.ChunkIterator to write for iterator: itself, or the C
    iterator behind a Gdci.GenericDataChunkIterator."""
    if isinstance(iterator, Gdci.ChunkIterator):
        return iterator
    source = _gdci_hdmf.write_source(iterator)
    if source is not None:
        return source
    hint = (" (Gdci.ArrayIterator.from_numpy() makes one of an array)"
            if hasattr(iterator, "__array_interface__") else "")
    raise TypeError("the writer writes a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator, "
                    f"not {type(iterator).__name__}{hint}")


class _CancelOnInterrupt:
    """Ctrl-C during a blocking write from the main thread cancels it.

    Python runs a SIGINT handler only once the C call returns; but its C
    handler writes the signal's number to the wakeup fd at once. A thread
    reading that fd cancels the write, which rolls back and returns; then
    KeyboardInterrupt is raised, here rather than by Python's handler,
    which would raise it wherever Python code runs next (in PyGObject's
    conversion of the GError, for one). What is read is passed on to a
    wakeup fd set before (asyncio's).

    Only in the main thread (the only one where Python sets signal
    handlers) and while Python's own SIGINT handler is installed: a program
    that handles SIGINT itself keeps doing so, and a write started while
    another one is handling Ctrl-C leaves it to that one. It leaves the
    process as it found it, on every way out (the write's end, an
    exception, a failure to set up): the previous SIGINT handler and wakeup
    fd are back (Python cannot tell whether a previous wakeup fd warned on
    a full buffer: it is set back with the default, warning), its pipe is
    closed and its thread has ended. If it cannot be set up, the write goes
    on without it."""

    def __init__(self, cancellable):
        self.cancellable = cancellable
        self.interrupted = False
        self.pipe = None
        self.previous_fd = None
        self.previous_handler = None
        self.thread = None

    def __enter__(self):
        if (threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
            return self
        try:
            self._arm()
        except Exception:  # noqa: BLE001: the write goes on without Ctrl-C handling
            self._disarm()
        except BaseException:
            self._disarm()
            raise
        return self

    def _arm(self):
        self.pipe = os.pipe()
        os.set_blocking(self.pipe[1], False)
        self.previous_fd = signal.set_wakeup_fd(self.pipe[1], warn_on_full_buffer=False)
        self.previous_handler = signal.signal(signal.SIGINT, self._on_sigint)
        thread = threading.Thread(target=self._watch, args=(self.pipe[0], self.previous_fd),
                                  name="gdci-interrupt", daemon=True)
        thread.start()
        self.thread = thread

    def _disarm(self):
        """Undoes what _arm() did: the wakeup fd first, so that no signal
        reaches the pipe any more; then the thread and the pipe; the SIGINT
        handler last, so that a Ctrl-C until then is seen here."""
        if self.previous_fd is not None:
            signal.set_wakeup_fd(self.previous_fd)
            self.previous_fd = None
        if self.pipe is not None:
            os.close(self.pipe[1])  # the thread reads the end of the pipe
            if self.thread is not None:
                self.thread.join()
                self.thread = None
            os.close(self.pipe[0])
            self.pipe = None
        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
            self.previous_handler = None

    def _on_sigint(self, signum, frame):
        self.interrupted = True

    def _watch(self, read_fd, previous_fd):
        while True:
            try:
                data = os.read(read_fd, 64)
            except OSError:
                return
            if not data:  # _disarm() closed the other end
                return
            if previous_fd >= 0:
                try:
                    os.write(previous_fd, data)
                except OSError:
                    pass
            if signal.SIGINT in data:
                self.cancellable.cancel()

    def __exit__(self, *exc_info):
        self._disarm()
        if self.interrupted:
            raise KeyboardInterrupt
        return False


class H5Writer(Gdci.H5Writer):
    """Gdci.H5Writer with Python values.

    - Settings as keywords: ``Gdci.H5Writer(compression="gzip",
      compression_level=4, shuffle=True, fletcher32=False, n_threads=0,
      mode="create")``; ``mode`` is "create", "replace" or "fill" (or a
      Gdci.WriteMode); ``compression`` is "gzip" (or True) or None (or
      False), as in h5py and hdmf, "gzip-fast", "zstd", "lz4" or "blosc",
      or a Gdci.Compression; ``compression_level`` 0 (the default) is the
      codec's default level; ``bitshuffle=True`` and
      ``blosc_codec="zstd"`` as in hdf5plugin's filters.
    - ``write(iterator, filename, dataset_path="/data", cancellable=None)``
      takes a Gdci.ChunkIterator or a Gdci.GenericDataChunkIterator and a
      str or os.PathLike file name; it returns None and raises GLib.Error,
      or the exception a Python data source raised.
    - ``write_async()`` and ``write_finish()`` take the same values, and
      progress reaches the caller's main loop.
    """

    def __init__(self, *, compression=None, compression_level=None, shuffle=None, bitshuffle=None,
                 blosc_codec=None, fletcher32=None, n_threads=None, mode=None, **kwargs):
        settings = dict(compression=compression, compression_level=compression_level, shuffle=shuffle,
                        bitshuffle=bitshuffle, blosc_codec=blosc_codec, fletcher32=fletcher32,
                        n_threads=n_threads, mode=mode)
        for name, value in settings.items():
            if value is not None:
                convert = _WRITER_SETTINGS.get(name)
                kwargs[name] = convert(value) if convert is not None else value
        _gdci_writer_settings.check(kwargs)
        super().__init__(**kwargs)

    def set_compression(self, compression):
        """Sets the compression: "gzip" (or True), None (or False),
        "gzip-fast", "zstd", "lz4", "blosc", or a Gdci.Compression."""
        Gdci.H5Writer.set_compression(self, _gdci_writer_settings.compression(compression))

    def set_mode(self, mode):
        """Sets what a write does with the dataset at its path: "create",
        "replace", "fill", or a Gdci.WriteMode."""
        Gdci.H5Writer.set_mode(self, _gdci_writer_settings.mode(mode))

    def set_blosc_codec(self, codec):
        """Sets the compressor inside Blosc: "blosclz", "lz4", "lz4hc",
        "zlib", "zstd", or a Gdci.BloscCodec."""
        Gdci.H5Writer.set_blosc_codec(self, _gdci_writer_settings.blosc_codec(codec))

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
        progress = _gdci_hdmf.WriteProgress(self, iterator, source)
        try:
            with _PythonExceptionsOf(source), _CancelOnInterrupt(cancellable):
                Gdci.H5Writer.write(self, source, filename, dataset_path, cancellable)
        finally:
            progress.finish()

    def fill_dataset(self, iterator, dataset, cancellable=None):
        """Fills dataset, an HDF5 dataset the program has open (an h5py
        Dataset, or its identifier), with the data of iterator, through the
        file as the program has it open: see Gdci.H5Writer.fill_dataset().
        For h5py and hdmf, which hold the file open while gdci writes.

        Raises GLib.Error, or the exception a Python data source raised.
        """
        source = _writable(iterator)
        dataset_id = getattr(getattr(dataset, "id", None), "id", dataset)
        if isinstance(dataset_id, bool) or not isinstance(dataset_id, int):
            raise TypeError(f"dataset must be an h5py Dataset or an HDF5 identifier, not {dataset!r}")
        if cancellable is None:
            cancellable = Gio.Cancellable()
        progress = _gdci_hdmf.WriteProgress(self, iterator, source)
        try:
            with _PythonExceptionsOf(source), _CancelOnInterrupt(cancellable):
                Gdci.H5Writer.fill_dataset(self, source, dataset_id, cancellable)
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
        progress = _gdci_hdmf.WriteProgress(self, iterator, source)

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
        written = getattr(result, "_gdci_written", None)
        with _PythonExceptionsOf(written[0] if written is not None else None):
            Gdci.H5Writer.write_finish(self, result)


H5Writer = override(H5Writer)
__all__.append("H5Writer")


def h5_clean(path, cancellable=None):
    """Cleans up after writes that were killed, in a file or a directory
    (see gdci_h5_clean()); `path` may be any path-like object. Returns the
    list of what was cleaned up, one line each."""
    return list(Gdci.h5_clean(_path_setting("path", path), cancellable))


__all__.append("h5_clean")


# ---- hdmf's GenericDataChunkIterator ------------------------------------
#
# Last: the drop-in builds on the ChunkIterator override above.

from . import _gdci_hdmf  # noqa: E402

GenericDataChunkIterator = _gdci_hdmf.GenericDataChunkIterator
__all__.append("GenericDataChunkIterator")

# ---- hdmf's HDF5IO, with gdci filling its iterators' datasets -------------

from . import _gdci_hdmf_write  # noqa: E402

hdmf_write = _gdci_hdmf_write.hdmf_write
__all__.append("hdmf_write")

# ---- whole files rewritten: Gdci.Repacker and Gdci.repack ------------------

from . import _gdci_repack  # noqa: E402

Repacker = _gdci_repack.Repacker
repack = _gdci_repack.repack
__all__ += ["Repacker", "repack"]

from . import _gdci_stream  # noqa: E402

H5Stream = _gdci_stream.H5Stream
__all__ += ["H5Stream"]
