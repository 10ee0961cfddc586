# SPDX-License-Identifier: LGPL-2.1-or-later
"""numpy in and out of gdci, for its PyGObject overrides (Gdci.py).

Data types between numpy and Gdci.Dtype, arrays checked against what gdci
expects, and data between numpy arrays and GLib.Bytes. numpy is imported
on first use, so that importing Gdci stays cheap for programs without it.

Data moves through the extension module _gdci_buffer (built with the
overrides) with no copy where none is needed: a GLib.Bytes over an array's
own memory, and a read-only array over a GLib.Bytes' memory. Without the
extension, PyGObject's own GLib.Bytes.new() and get_data() move it, with
two copies in and one out.

Measured with bench/python-buffers.py on 500 MB of int16, on a 2-core
x86-64 machine (the writes vary with the machine's load):

                                          with _gdci_buffer   PyGObject alone
    array to GLib.Bytes (from_numpy())    no copy             950 MB/s (tobytes(), then a copy)
    array to GLib.Bytes, copied           2,200 MB/s          950 MB/s
    GLib.Bytes.new(memoryview(array))                         25-45 MB/s (element by element)
    DataChunk.to_numpy()                  no copy             2,100 MB/s (get_data() copies)
    write() of from_numpy(), no filters   1,100-1,500 MB/s    900-1,100 MB/s
    write() of a Python source's views    1,150-1,400 MB/s    500-580 MB/s
"""

from gi.repository import GLib

from ..module import get_introspection_module

try:
    from . import _gdci_buffer
except ImportError:  # built without Python's or PyGObject's headers
    _gdci_buffer = None

Gdci = get_introspection_module("Gdci")


def numpy():
    import numpy

    return numpy


def numpy_dtype(dtype):
    """The numpy dtype of a Gdci.Dtype, in this machine's byte order."""
    return numpy().dtype(Gdci.dtype_to_string(dtype))


def gdci_dtype(dtype):
    """The Gdci.Dtype of anything numpy reads as a dtype. A byte order other
    than this machine's maps to the same type: data is converted on the way.
    None is refused, though numpy reads it as float64: a source that gives
    no dtype has a bug, and writing float64 would hide it."""
    if dtype is None:
        raise TypeError("the dtype is None: give a numpy dtype or a type name such as 'int16'")
    numpy_dtype = numpy().dtype(dtype)
    try:
        return Gdci.dtype_from_string(numpy_dtype.newbyteorder("=").str)
    except GLib.Error as error:
        raise TypeError(f"{numpy_dtype}: {error.message}") from None


# gdci's types of each itemsize, which stand in for the types gdci lacks
_STAND_INS = {1: "UINT8", 2: "UINT16", 4: "UINT32", 8: "UINT64"}


def planning_dtype(dtype):
    """The Gdci.Dtype with which to plan the shapes of data of a numpy
    dtype, and the power of two by which to divide chunk_mb and buffer_gb
    for that plan: (gdci_dtype(dtype), 1) for a type gdci has.

    hdmf's shapes depend on the dtype only through its itemsize. A type
    gdci has no element type for, bool, float16, complex or long double,
    is planned as gdci's unsigned integer of its itemsize; above 8 bytes,
    as uint64 with the sizes divided by itemsize / 8. The planner computes
    with chunk_mb * 1e6 and buffer_gb * 1e9 only in products and quotients
    with the itemsize, and a power of two scales a double exactly: the
    shapes are those of the true itemsize (see scaled_size()). Other data
    (strings, records, objects) is refused with a TypeError."""
    dtype = numpy().dtype(dtype)
    if dtype.kind in "bfc" and dtype.itemsize & (dtype.itemsize - 1) == 0:
        try:
            return gdci_dtype(dtype), 1
        except TypeError:  # one of the types gdci has no element type for
            if dtype.itemsize <= 8:
                return getattr(Gdci.Dtype, _STAND_INS[dtype.itemsize]), 1
            return Gdci.Dtype.UINT64, dtype.itemsize // 8
    if dtype.kind not in "iu":
        raise TypeError(f"{dtype}: Data type '{dtype.str}' is not supported: the drop-in handles bool, "
                        "integer, floating point and complex data (and gdci writes int8 to uint64, "
                        "float32 and float64)")
    return gdci_dtype(dtype), 1


def scaled_size(value, scale, unit):
    """chunk_mb (unit 1e6) or buffer_gb (unit 1e9), a float, as planned for
    a dtype whose stand-in is 1/scale of its itemsize (see
    planning_dtype()): value / scale, which the planner multiplies by unit
    to the exact half (quarter...) of value * unit. A value gdci refuses (not
    positive, or too large once multiplied by unit) is kept, for gdci to
    refuse as it is; a positive one stays positive."""
    if scale == 1 or not value > 0 or value * unit == float("inf"):
        return value
    return max(value / scale, 5e-324)


def as_array(data, dtype, shape, what):
    """data as a numpy array of the given dtype and shape: a same-kind cast
    is allowed (int64 to int16), a lossy one (float to int) is refused."""
    array = numpy().asarray(data)
    if array.shape != shape:
        raise ValueError(f"{what} returned an array of shape {array.shape}; expected {shape}")
    if array.dtype != dtype:
        array = array.astype(dtype, casting="same_kind")
    return array


def native_c_order(array):
    """array itself when it is C-contiguous in this machine's byte order,
    else a copy that is."""
    return numpy().require(array, dtype=array.dtype.newbyteorder("="), requirements="C")


def bytes_of(buffer, copy):
    """A GLib.Bytes of the memory of a C-contiguous buffer (a numpy array):
    a copy when copy is true, else the buffer's own memory, which the
    GLib.Bytes keeps alive (and which must not change while it exists)."""
    if _gdci_buffer is None:
        return GLib.Bytes.new(bytes(memoryview(buffer)))
    return _gdci_buffer.bytes_from_buffer(buffer, copy=copy)


def bytes_of_data(data, dtype, shape):
    """What a get_data() virtual method returned, a numpy array (or anything
    with __array_interface__) or another buffer, as a GLib.Bytes of the
    given Gdci.Dtype and shape. The source may reuse what it returned for
    the next buffer: only an array made here is handed over without a
    copy."""
    if not hasattr(data, "__array_interface__"):
        view = memoryview(data)
        return bytes_of(view if view.c_contiguous else view.tobytes(), copy=True)
    np = numpy()
    array = np.ascontiguousarray(as_array(data, numpy_dtype(dtype), shape, "get_data()"))
    made_here = isinstance(data, np.ndarray) and array is not data and not np.may_share_memory(array, data)
    return bytes_of(array, copy=not made_here)


def array_of(glib_bytes, dtype, shape):
    """A read-only numpy array of dtype and shape over the memory of a
    GLib.Bytes (a copy of it without _gdci_buffer)."""
    if _gdci_buffer is None:
        memory = glib_bytes.get_data()
    else:
        memory = _gdci_buffer.memoryview_of_bytes(glib_bytes)
    return numpy().frombuffer(memory, dtype=dtype).reshape(shape)
