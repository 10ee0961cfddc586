# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.GenericDataChunkIterator: a drop-in for hdmf's class of the same
name, on gdci. The same subclass API, attributes and messages, with the
shapes computed and checked by the C library; hdmf's DataChunk (when hdmf is
installed), progress bars and pickling; and what Gdci.H5Writer needs to
write one (the C iterator behind it, and its progress bar moved in the
caller's thread).

Part of gdci's PyGObject overrides: Gdci.py imports this module once its
ChunkIterator override exists, and exports GenericDataChunkIterator.
"""

import abc
import math
import re
import sys
import threading
import warnings
import weakref

from gi.repository import GLib

from ..module import get_introspection_module
from . import _gdci_numpy
# this module is imported at the end of Gdci.py: what it uses from there
# is defined by then
from .Gdci import ChunkIterator, _shape_variant

Gdci = get_introspection_module("Gdci")

_UINT64_END = 1 << 64


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
    """When hdmf is installed, iteration yields hdmf DataChunk objects.
    Done on the first iterator, not at import: hdmf takes a while to import
    (six times as long as Gdci with its overrides)."""
    global _hdmf_checked, _DataChunkClass
    if _hdmf_checked:
        return
    _hdmf_checked = True
    try:
        from hdmf import data_utils
    except ImportError:
        return
    _register(data_utils)  # already done, unless the import hook was bypassed
    _DataChunkClass = data_utils.DataChunk


# ---- registered as hdmf's AbstractDataChunkIterator --------------------------
#
# So that hdmf's writers take the drop-in, and issubclass() and isinstance()
# answer as for hdmf's class, as soon as both are imported, in either order,
# without importing hdmf with Gdci. Only the registration makes hdmf's ABC
# know a class: it has no hook of its own to ask. When hdmf.data_utils is
# imported already, it is registered at once; else a finder on
# sys.meta_path (PEP 451: the import system's documented protocol, which
# the import itself runs through) registers it once hdmf.data_utils has
# run, then leaves. The module keeps its own loader and spec, as without
# gdci. Should another finder ahead of it load hdmf.data_utils (a frozen
# application's), the first GenericDataChunkIterator registers it.


def _register(data_utils):
    """Registers GenericDataChunkIterator as an AbstractDataChunkIterator of
    an imported hdmf.data_utils."""
    abstract = getattr(data_utils, "AbstractDataChunkIterator", None)
    if abstract is not None:
        abstract.register(GenericDataChunkIterator)


class _RegisterOnImport:
    """The finder: hands on the spec of hdmf.data_utils that the finders
    after it find, with a loader that registers the drop-in."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "hdmf.data_utils":
            return None
        finders = sys.meta_path
        for finder in finders[finders.index(self) + 1:] if self in finders else finders:
            find_spec = getattr(finder, "find_spec", None)
            spec = None if find_spec is None else find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _RegisteringLoader(spec.loader, self)
        return spec


class _RegisteringLoader:
    """The loader of hdmf.data_utils, which registers the drop-in once the
    module has run."""

    def __init__(self, loader, finder):
        self._loader = loader
        self._finder = finder

    def __getattr__(self, name):  # create_module() and the rest: the loader's
        return getattr(self._loader, name)

    def exec_module(self, module):
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        _register(module)
        if self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)


def _register_with_hdmf():
    """At import: registers the drop-in with hdmf.data_utils if imported,
    else when it is."""
    data_utils = sys.modules.get("hdmf.data_utils")
    if data_utils is not None:
        _register(data_utils)
    elif not any(isinstance(finder, _RegisterOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())


# ---- hdmf's docval, for the arguments of the drop-in's methods ---------------


def _is_size(value):
    """What docval takes for (float, int): Python's types and numpy's
    signed integers and floats (not its unsigned ones, nor numpy bools)."""
    np = _gdci_numpy.numpy()
    return isinstance(value, (int, float, np.int8, np.int16, np.int32, np.int64,
                              np.float16, np.float32, np.float64, np.longdouble))


def _is_bool(value):
    return isinstance(value, (bool, _gdci_numpy.numpy().bool_))


def _is_shape(value):
    """A tuple, as hdmf takes; and, unlike hdmf, a list or a numpy array."""
    return isinstance(value, (tuple, list, _gdci_numpy.numpy().ndarray))


# (name, check or None for any value, the type docval names, default)
_INIT_ARGUMENTS = (
    ("buffer_gb", _is_size, "float or int", None),
    ("buffer_shape", _is_shape, "tuple", None),
    ("chunk_mb", _is_size, "float or int", None),
    ("chunk_shape", _is_shape, "tuple", None),
    ("display_progress", _is_bool, "bool", False),
    ("progress_bar_class", callable, "Callable", None),
    ("progress_bar_options", None, "any type", None),
)
_CHUNK_SHAPE_ARGUMENTS = (("chunk_mb", _is_size, "float or int", None),)
_BUFFER_SHAPE_ARGUMENTS = (("buffer_gb", _is_size, "float or int", None),)


def _docval_arguments(function, spec, args, kwargs):
    """The arguments of a call to function by name, read and checked as
    hdmf's docval does, or its TypeError, with its messages: every wrong
    type in the order of spec, then every unknown keyword, in one message.
    Positional arguments fill the names not given as keywords, in order."""
    names = [name for name, _, _, _ in spec]
    if len(args) + len(kwargs) > len(spec):
        raise TypeError(f"{function}: Expected at most {len(spec)} arguments {names!r}, got "
                        f"{len(args) + len(kwargs)}: {len(args)} positional and {len(kwargs)} keyword "
                        f"{sorted(kwargs)!r}")
    positional = iter(args)
    values, errors = {}, []
    for name, check, expected, default in spec:
        value = kwargs[name] if name in kwargs else next(positional, default)
        values[name] = value
        if check is not None and not (value is None and default is None) and not check(value):
            errors.append(f"incorrect type for '{name}' (got '{type(value).__name__}', expected '{expected}')")
    errors += [f"unrecognized argument: '{key}'" for key in kwargs if key not in names]
    if errors:
        raise TypeError(f"{function}: {', '.join(errors)}")
    return values


def _number(value):
    """A size setting as Python's number (numpy scalars print as Python's)."""
    return value.item() if isinstance(value, _gdci_numpy.numpy().generic) else value


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
        source = self._source()
        if source._stand_in:
            raise TypeError(_unwritable_message(source.dtype))
        return source._read(selection.to_slices())


def _unwritable_message(dtype):
    return (f"{dtype} data cannot be written by gdci, which has no {dtype} element type "
            "(it writes int8 to uint64, float32 and float64): write it with h5py or hdmf")


def hdmf_message(error, context):
    """hdmf's words for a Gdci.PlanError, from its code and the context:
    the settings as the caller gave them (buffer_gb, buffer_shape, chunk_mb,
    chunk_shape; absent or None when not given), and the data's maxshape
    and dtype, or a "source" iterator to ask for them; and "size_scale",
    the divisor of chunk_mb and buffer_gb for the plan of a dtype gdci
    plans with a smaller stand-in (see _gdci_numpy.planning_dtype()). None
    when the error is not a plan error, or the data cannot be known."""
    if error.domain != GLib.quark_to_string(Gdci.plan_error_quark()):
        return None
    code = Gdci.PlanError(error.code)
    get = {key.replace("-", "_"): value for key, value in context.items()}.get
    settings = {key: get(key) for key in ("buffer_gb", "buffer_shape", "chunk_mb", "chunk_shape")}
    for key in ("buffer_shape", "chunk_shape"):
        shape = settings[key]
        shape = shape.unpack() if isinstance(shape, GLib.Variant) else shape
        settings[key] = None if shape is None else tuple(None if axis is None else int(axis) for axis in shape)
    chunk_mb = settings["chunk_mb"]
    if chunk_mb is None and (settings["chunk_shape"] is None or _is_partial(settings["chunk_shape"])):
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
        maxshape = get("maxshape")
        if maxshape is None:
            maxshape = type(source).do_get_maxshape(source)
        maxshape = tuple(int(axis) for axis in maxshape)
        dtype = get("dtype")
        if dtype is None:  # not `or`: Gdci.Dtype.INT8 is 0
            dtype = type(source).do_get_dtype(source)
        dtype = dtype if isinstance(dtype, Gdci.Dtype) else _gdci_numpy.gdci_dtype(dtype)
    except Exception:  # noqa: BLE001 - the C message is the fallback
        return None
    chunk, buffer = settings["chunk_shape"], settings["buffer_shape"]
    if code == Gdci.PlanError.WRONG_RANK:
        name, shape = ("chunk_shape", chunk) if chunk is not None and len(chunk) != len(maxshape) \
            else ("buffer_shape", buffer)
        plural = "" if len(shape) == 1 else "s"
        return f"{name} {shape} has {len(shape)} dimension{plural} but the data {maxshape} has {len(maxshape)}"
    scale = get("size_scale") or 1
    if chunk is None:
        chunk_mb = _gdci_numpy.scaled_size(float(chunk_mb), scale, 1e6)
        chunk = tuple(Gdci.default_chunk_shape(list(maxshape), dtype, chunk_mb))
    # a default buffer is known from a whole chunk with positive axes only;
    # a shape with free axes is named as given
    if buffer is None and all(axis is not None and axis > 0 for axis in chunk):
        buffer_gb = _gdci_numpy.scaled_size(float(settings["buffer_gb"] or Gdci.DEFAULT_BUFFER_GB), scale, 1e9)
        buffer = tuple(Gdci.default_buffer_shape(list(maxshape), list(chunk), dtype, buffer_gb))
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
    hdmf_message): hdmf's assertions as AssertionError, the refusals gdci
    adds as ValueError and OverflowError."""
    message = hdmf_message(error, context)
    if message is not None:
        if error.code in (Gdci.PlanError.WRONG_RANK, Gdci.PlanError.SIZE_NOT_FINITE):
            return ValueError(message)
        return AssertionError(message)
    message = error.message
    numpy_dtype = context.get("numpy_dtype")
    if numpy_dtype is not None:  # the data's type, not the stand-in gdci planned with
        message = re.sub(rf"\b{Gdci.dtype_to_string(context['dtype'])}\b", str(numpy_dtype), message)
    if error.matches(Gdci.error_quark(), Gdci.Error.INVALID_ARGUMENT) or \
            error.domain == GLib.quark_to_string(Gdci.plan_error_quark()):
        return ValueError(message)
    if error.matches(Gdci.error_quark(), Gdci.Error.OVERFLOW):
        return OverflowError(message)
    return error


def _require(condition, message):
    """hdmf's `assert condition, message`, also under python -O."""
    if not condition:
        raise AssertionError(message)


def _overridden(obj, name):
    return getattr(type(obj), name) is not getattr(GenericDataChunkIterator, name)


def _int_shape(shape):
    """A shape as a tuple of Python ints, or None when not given (hdmf:
    `tuple(int(x) for x in shape) if shape else shape`, for tuples only).
    None stays None: a free axis."""
    if shape is None:
        return None
    return tuple(None if axis is None else int(axis) for axis in shape) or None


def _is_partial(shape):
    """Whether a shape leaves axes free: holds None (hdmf's open proposal,
    PR #997: `chunk_shape=(None, 64)`)."""
    return shape is not None and any(axis is None for axis in shape)


def _c_shape(shape):
    """A shape as gdci reads it: a free axis (None) as 0. A whole shape is
    hdmf's, where 0 is an axis like any other, which hdmf refuses where it
    refuses a negative one: it goes to gdci with its axes of 0 as -1, so
    that gdci refuses it as hdmf does, at the point hdmf does, and does
    not read them as free. The messages name the shape as given."""
    if _is_partial(shape):
        return tuple(0 if axis is None else axis for axis in shape)
    return tuple(-1 if axis == 0 else axis for axis in shape)


def read_checked(iterator, dtype, selection):
    """iterator._get_data(selection) (a tuple of slices), checked: an array
    of the selection's shape and of dtype. For the drop-in and for hdmf's
    own GenericDataChunkIterator, which have the same _get_data()."""
    data = iterator._get_data(selection=selection)
    shape = tuple(axis.stop - axis.start for axis in selection)
    return _gdci_numpy.as_array(data, dtype, shape, f"_get_data() for selection {selection}")


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

    An axis of ``None`` in ``chunk_shape`` or ``buffer_shape`` is free:
    sized from ``chunk_mb`` (``buffer_gb``), which may then be given with
    the shape, as hdmf's open proposal (PR #997) has it. ``chunk_shape``
    and ``buffer_shape`` are then the resolved shapes.
    """

    __module__ = "gi.repository.Gdci"

    def __init__(self, *args, **kwargs):
        """Takes buffer_gb=None, buffer_shape=None, chunk_mb=None,
        chunk_shape=None, display_progress=False, progress_bar_class=None
        and progress_bar_options=None, by keyword or in this order, checked
        as hdmf checks them."""
        _use_hdmf()
        arguments = _docval_arguments("GenericDataChunkIterator.__init__", _INIT_ARGUMENTS, args, kwargs)
        buffer_gb, chunk_mb = _number(arguments["buffer_gb"]), _number(arguments["chunk_mb"])
        buffer_shape, chunk_shape = arguments["buffer_shape"], arguments["chunk_shape"]
        self.display_progress = arguments["display_progress"]
        self.progress_bar_class = arguments["progress_bar_class"]
        self.progress_bar_options = arguments["progress_bar_options"]
        self.progress_bar = None
        self._closed_bar = None

        # hdmf's checks, in its order, with its messages; a shape with free
        # axes (None) takes its size too, or the default one
        buffer_partial, chunk_partial = _is_partial(buffer_shape), _is_partial(chunk_shape)
        if buffer_gb is None and (buffer_shape is None or buffer_partial):
            buffer_gb = Gdci.DEFAULT_BUFFER_GB
        if chunk_mb is None and (chunk_shape is None or chunk_partial):
            chunk_mb = Gdci.DEFAULT_CHUNK_MB
        _require(buffer_partial or (buffer_gb is not None) != (buffer_shape is not None),
                 "Only one of 'buffer_gb' or 'buffer_shape' can be specified!")
        _require(chunk_partial or (chunk_mb is not None) != (chunk_shape is not None),
                 "Only one of 'chunk_mb' or 'chunk_shape' can be specified!")

        self._set_dtype()
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
        elif chunk_partial:
            _require(chunk_mb > 0, f"chunk_mb ({chunk_mb}) must be greater than zero!")
            if own_buffer_default:  # the subclass sizes its buffer from a whole chunk
                chunk_shape, chunk_mb = self._partial_chunk_shape(chunk_shape, chunk_mb), None
        if own_buffer_default:
            self.chunk_shape = chunk_shape
            buffer_shape = _int_shape(self._get_default_buffer_shape(buffer_gb=buffer_gb))
            buffer_gb = None
        elif not buffer_shape or _is_partial(buffer_shape):
            _require(buffer_gb > 0, f"buffer_gb ({buffer_gb}) must be greater than zero!")

        settings = {"plan_strategy": Gdci.PlanStrategy.HDMF}
        if buffer_gb is not None:
            settings["buffer_gb"] = self._planned_size(buffer_gb, 1e9)
        if chunk_mb is not None:
            settings["chunk_mb"] = self._planned_size(chunk_mb, 1e6)
        if buffer_shape:
            settings["buffer_shape"] = _shape_variant("buffer_shape", _c_shape(buffer_shape))
        if chunk_shape:
            settings["chunk_shape"] = _shape_variant("chunk_shape", _c_shape(chunk_shape))
        try:
            self._core = _GenericSource(self, **settings)
        except GLib.Error as error:
            context = self._error_context(buffer_gb=buffer_gb, buffer_shape=buffer_shape, chunk_mb=chunk_mb,
                                          chunk_shape=chunk_shape)
            raise _python_error(error, context) from None

        self.chunk_shape = tuple(self._core.get_chunk_shape())
        self.buffer_shape = tuple(self._core.get_buffer_shape())
        self.num_buffers = self._core.get_n_buffers()
        self.buffer_selection_generator = self._buffer_selections()

        if self.display_progress:
            self._start_progress_bar()

    def _set_dtype(self):
        """The data's dtype, and what gdci plans its shapes with."""
        dtype = self._get_dtype()
        if dtype is None:  # numpy reads None as float64: refuse it, do not guess
            raise TypeError(f"{type(self).__name__}._get_dtype() returned None: return a numpy dtype")
        self._dtype = _gdci_numpy.numpy().dtype(dtype)
        # bool, float16, complex: planned with a stand-in of their itemsize
        self._gdci_dtype, self._size_scale = _gdci_numpy.planning_dtype(self._dtype)
        self._stand_in = _gdci_numpy.numpy_dtype(self._gdci_dtype) != self._dtype.newbyteorder("=")

    def _planned_size(self, value, unit):
        """chunk_mb (unit 1e6) or buffer_gb (unit 1e9) as gdci plans with it
        for this dtype."""
        return _gdci_numpy.scaled_size(float(value), self._size_scale, unit)

    def _error_context(self, **settings):
        """What _python_error() needs to word a refusal of these settings."""
        context = dict(settings, maxshape=self._maxshape, dtype=self._gdci_dtype, size_scale=self._size_scale)
        if self._stand_in:
            context["numpy_dtype"] = self._dtype
        return context

    def _buffer_selections(self):
        for index in range(self.num_buffers):
            yield self._core.get_buffer_selection(index).to_slices()

    def _start_progress_bar(self):
        # a copy: the caller's options are left alone
        self.progress_bar_options = dict(self.progress_bar_options or {})
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
        return read_checked(self, self._dtype, selection)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            selection = next(self.buffer_selection_generator)
        except StopIteration:
            self._close_progress_bar()
            raise
        chunk = _DataChunkClass(data=self._read(selection), selection=selection)
        bar = self._open_progress_bar()
        if bar is not None:
            bar.update(n=1)
        return chunk

    def _open_progress_bar(self):
        """The progress bar, or None when there is none or it is closed."""
        bar = self.progress_bar
        return None if bar is None or bar is self._closed_bar else bar

    def _close_progress_bar(self):
        """Closes the progress bar once the progress is complete, once: this
        ends its line, so that text written later starts on its own. The
        bar stays in progress_bar, as hdmf keeps it."""
        bar = self._open_progress_bar()
        if bar is None:
            return
        self._closed_bar = bar
        close = getattr(bar, "close", None)
        if close is not None:
            close()

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

    def _partial_chunk_shape(self, chunk_shape, chunk_mb):
        """A chunk shape with free axes (None), sized from chunk_mb as gdci
        sizes it without a buffer shape."""
        # gdci reads a shape with a negative axis as whole, and refuses it
        _require(all(axis is None or axis > 0 for axis in chunk_shape),
                 f"Some dimensions of chunk_shape ({chunk_shape}) are less than zero!")
        settings = Gdci.PlanSettings.new()
        settings.set_strategy(Gdci.PlanStrategy.HDMF)
        settings.set_chunk_mb(self._planned_size(chunk_mb, 1e6))
        settings.set_chunk_shape(list(_c_shape(chunk_shape)))
        try:
            plan = Gdci.Plan.new(self._gdci_dtype, list(self.maxshape), settings)
        except GLib.Error as error:
            raise _python_error(error, self._error_context(chunk_mb=chunk_mb, chunk_shape=chunk_shape)) from None
        return tuple(plan.get_chunk_shape())

    def _get_default_chunk_shape(self, *args, **kwargs):
        """hdmf's default chunk shape for this data and chunk_mb (the one
        argument, default None)."""
        chunk_mb = _number(_docval_arguments("GenericDataChunkIterator._get_default_chunk_shape",
                                             _CHUNK_SHAPE_ARGUMENTS, args, kwargs)["chunk_mb"])
        _require(chunk_mb > 0, f"chunk_mb ({chunk_mb}) must be greater than zero!")
        try:
            return tuple(Gdci.default_chunk_shape(list(self.maxshape), self._gdci_dtype,
                                                  self._planned_size(chunk_mb, 1e6)))
        except GLib.Error as error:
            raise _python_error(error, self._error_context(chunk_mb=chunk_mb)) from None

    def _get_default_buffer_shape(self, *args, **kwargs):
        """hdmf's default buffer shape for this data, self.chunk_shape and
        buffer_gb (the one argument, default None)."""
        buffer_gb = _number(_docval_arguments("GenericDataChunkIterator._get_default_buffer_shape",
                                              _BUFFER_SHAPE_ARGUMENTS, args, kwargs)["buffer_gb"])
        _require(buffer_gb > 0, f"buffer_gb ({buffer_gb}) must be greater than zero!")
        _require(all(axis > 0 for axis in self.chunk_shape),
                 f"Some dimensions of chunk_shape ({self.chunk_shape}) are less than zero!")
        try:
            return tuple(Gdci.default_buffer_shape(list(self.maxshape), list(self.chunk_shape),
                                                   self._gdci_dtype, self._planned_size(buffer_gb, 1e9)))
        except GLib.Error as error:
            raise _python_error(error, self._error_context(buffer_gb=buffer_gb,
                                                           chunk_shape=self.chunk_shape)) from None

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




# ---- written by Gdci.H5Writer -----------------------------------------------


def write_source(iterator):
    """The Gdci.ChunkIterator that Gdci.H5Writer writes for a
    GenericDataChunkIterator, or None for anything else."""
    if isinstance(iterator, GenericDataChunkIterator):
        if iterator._stand_in:
            raise TypeError(_unwritable_message(iterator.dtype))
        return iterator._core
    return None


class WriteProgress:
    """Moves the progress bar of a GenericDataChunkIterator as a
    Gdci.H5Writer reads the C iterator behind it, and closes it once every
    buffer has been read, as iterating does.

    The bar is updated only in the thread that started the write (tqdm is
    not thread-safe, and a GUI's bar belongs to its thread). The C iterator
    emits "progress" in that thread (the writer marshals it there), or, with
    a writer that does not, in its reading thread: then the count is kept
    and shown on the next "progress" of the writer, which is emitted in the
    caller's thread (or its main context), and at the end of the write."""

    def __init__(self, writer, iterator, source):
        self.bar = iterator._open_progress_bar() if isinstance(iterator, GenericDataChunkIterator) else None
        self.iterator = iterator
        self.handlers = []
        if self.bar is None:
            return
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        # a bar that iterating moved already moves on from there
        shown = getattr(self.bar, "n", 0)
        self.shown = shown if isinstance(shown, int) else 0
        self.read = self.shown
        self.complete = False
        self.handlers = [(source, source.connect("progress", self._on_read)),
                         (writer, writer.connect("progress", self._on_written))]

    def _on_read(self, _source, done, total):
        with self.lock:
            self.read = max(self.read, done)
            self.complete = done == total
        if threading.get_ident() == self.thread:
            self._show()

    def _on_written(self, _writer, _done, _total):
        if threading.get_ident() == self.thread:
            self._show()

    def _show(self):
        with self.lock:
            read = self.read
        if read > self.shown:
            self.bar.update(n=read - self.shown)
            self.shown = read

    def finish(self):
        """In the caller's thread, once the write is over: shows the rest of
        the progress, and closes the bar of a complete read."""
        for obj, handler in self.handlers:
            obj.disconnect(handler)
        self.handlers = []
        if self.bar is None:
            return
        self._show()
        if self.complete:
            self.iterator._close_progress_bar()  # kept, closed, as iterating leaves it
            self.bar = None


# with hdmf.data_utils, now or once it is imported
_register_with_hdmf()
