/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * _gdci_buffer: GLib.Bytes over the memory of a Python buffer, and a
 * read-only memoryview over the memory of a GLib.Bytes, for gdci's Python
 * overrides (gi/overrides/_gdci_numpy.py).
 *
 * PyGObject's GLib.Bytes.new() takes only a bytes object (other buffers are
 * read element by element), and GLib.Bytes.get_data() returns a copy, so a
 * numpy array reaches gdci with two copies and a chunk comes back with one.
 * Through the buffer protocol (PEP 3118) and PyGObject's public C API
 * (pygobject.h), this module wraps the memory itself:
 *
 * - bytes_from_buffer(obj, copy=False) returns a GLib.Bytes of the memory
 *   of obj, a C-contiguous buffer such as a numpy array. Without copy, the
 *   GLib.Bytes holds obj's buffer (and so obj) until GLib frees it, in
 *   whatever thread drops the last reference: the Py_buffer is released
 *   there, under the GIL. With copy, the memory is copied once, without the
 *   GIL, and obj is not kept.
 * - memoryview_of_bytes(glib_bytes) returns a read-only memoryview of the
 *   memory of a GLib.Bytes, which it keeps alive.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include <glib.h>
#include <pygobject.h>

/* A Py_buffer held by a GBytes until GLib frees it. */
typedef struct {
  Py_buffer view;
} HeldBuffer;

static int
interpreter_is_finalizing (void)
{
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing ();
#else
  return _Py_IsFinalizing ();
#endif
}

/* The free function of a GBytes over a Python buffer. Called by GLib
 * wherever the last reference goes: a writer thread, the main thread with
 * or without the GIL, or at exit. Once the interpreter is finalizing, its
 * objects are no longer released: the process is ending, and taking the
 * GIL then would stop the calling thread. */
static void
release_held_buffer (gpointer data)
{
  HeldBuffer *held = data;
  PyGILState_STATE state;

  if (!Py_IsInitialized () || interpreter_is_finalizing ())
    return;
  state = PyGILState_Ensure ();
  PyBuffer_Release (&held->view);
  PyMem_RawFree (held);
  PyGILState_Release (state);
}

/* A GBytes with a copy of view's memory, or NULL with MemoryError set. */
static GBytes *
copy_of_view (const Py_buffer *view)
{
  gpointer copy;
  size_t size = (size_t) view->len;

  /* g_malloc() aborts when memory runs out: a Python caller gets an
   * exception instead */
  copy = g_try_malloc (size > 0 ? size : 1);
  if (copy == NULL)
    {
      PyErr_NoMemory ();
      return NULL;
    }
  Py_BEGIN_ALLOW_THREADS
  memcpy (copy, view->buf, size);
  Py_END_ALLOW_THREADS
  return g_bytes_new_take (copy, size);
}

static PyObject *
bytes_from_buffer (PyObject  *module,
                   PyObject  *args,
                   PyObject  *kwargs)
{
  static char *keywords[] = { "obj", "copy", NULL };
  PyObject *obj;
  PyObject *result;
  int copy = 0;
  HeldBuffer *held;
  GBytes *bytes;

  if (!PyArg_ParseTupleAndKeywords (args, kwargs, "O|p:bytes_from_buffer", keywords, &obj, &copy))
    return NULL;

  held = PyMem_RawMalloc (sizeof (HeldBuffer));
  if (held == NULL)
    return PyErr_NoMemory ();
  /* C-contiguous and read-only: what a GBytes is */
  if (PyObject_GetBuffer (obj, &held->view, PyBUF_C_CONTIGUOUS) < 0)
    {
      PyMem_RawFree (held);
      return NULL;
    }

  if (copy)
    {
      bytes = copy_of_view (&held->view);
      PyBuffer_Release (&held->view);
      PyMem_RawFree (held);
      if (bytes == NULL)
        return NULL;
    }
  else
    {
      bytes = g_bytes_new_with_free_func (held->view.buf, (gsize) held->view.len,
                                          release_held_buffer, held);
    }

  /* the wrapper takes over this reference */
  result = pyg_boxed_new (G_TYPE_BYTES, bytes, FALSE, TRUE);
  if (result == NULL)
    g_bytes_unref (bytes);
  return result;
}

/* ---- a read-only buffer over a GBytes ------------------------------------ */

typedef struct {
  PyObject_HEAD
  GBytes *bytes;
} BytesBuffer;

static int
bytes_buffer_get_buffer (PyObject  *self,
                         Py_buffer *view,
                         int        flags)
{
  static char empty[1];
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (((BytesBuffer *) self)->bytes, &size);

  /* a GBytes holds at most G_MAXSSIZE bytes: its size fits */
  return PyBuffer_FillInfo (view, self, data != NULL ? (void *) data : empty,
                            (Py_ssize_t) size, 1, flags);
}

static void
bytes_buffer_dealloc (PyObject *self)
{
  g_bytes_unref (((BytesBuffer *) self)->bytes);
  Py_TYPE (self)->tp_free (self);
}

static PyBufferProcs bytes_buffer_procs = {
  .bf_getbuffer = bytes_buffer_get_buffer,
};

static PyTypeObject BytesBufferType = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "gi.overrides._gdci_buffer.BytesBuffer",
  .tp_doc = PyDoc_STR ("The memory of a GLib.Bytes, read-only"),
  .tp_basicsize = sizeof (BytesBuffer),
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_dealloc = bytes_buffer_dealloc,
  .tp_as_buffer = &bytes_buffer_procs,
};

static PyObject *
memoryview_of_bytes (PyObject *module,
                     PyObject *obj)
{
  BytesBuffer *holder;
  PyObject *view;
  GBytes *bytes;

  if (!pyg_boxed_check (obj, G_TYPE_BYTES) || pyg_boxed_get (obj, GBytes) == NULL)
    {
      PyErr_Format (PyExc_TypeError, "memoryview_of_bytes() takes a GLib.Bytes, not %s",
                    Py_TYPE (obj)->tp_name);
      return NULL;
    }
  bytes = pyg_boxed_get (obj, GBytes);

  holder = PyObject_New (BytesBuffer, &BytesBufferType);
  if (holder == NULL)
    return NULL;
  holder->bytes = g_bytes_ref (bytes);
  /* the memoryview keeps the holder, and so the GBytes, alive */
  view = PyMemoryView_FromObject ((PyObject *) holder);
  Py_DECREF (holder);
  return view;
}

static PyMethodDef module_methods[] = {
  { "bytes_from_buffer", (PyCFunction) (void (*) (void)) bytes_from_buffer,
    METH_VARARGS | METH_KEYWORDS,
    PyDoc_STR ("bytes_from_buffer(obj, copy=False)\n--\n\n"
               "A GLib.Bytes of the memory of obj, a C-contiguous buffer: that memory itself,\n"
               "kept (with obj) until the GLib.Bytes is freed, or a copy when copy is true.") },
  { "memoryview_of_bytes", memoryview_of_bytes, METH_O,
    PyDoc_STR ("memoryview_of_bytes(glib_bytes)\n--\n\n"
               "A read-only memoryview of the memory of a GLib.Bytes, which it keeps alive.") },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT,
  .m_name = "gi.overrides._gdci_buffer",
  .m_doc = PyDoc_STR ("GLib.Bytes over Python buffers and memoryviews over GLib.Bytes, without copies"),
  .m_size = -1,
  .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__gdci_buffer (void);

PyMODINIT_FUNC
PyInit__gdci_buffer (void)
{
  PyObject *gobject_module;
  PyObject *module;

  gobject_module = pygobject_init (3, 0, 0);
  if (gobject_module == NULL)
    return NULL;
  Py_DECREF (gobject_module);

  if (PyType_Ready (&BytesBufferType) < 0)
    return NULL;
  module = PyModule_Create (&module_def);
  if (module == NULL)
    return NULL;
  Py_INCREF (&BytesBufferType);
  if (PyModule_AddObject (module, "BytesBuffer", (PyObject *) &BytesBufferType) < 0)
    {
      Py_DECREF (&BytesBufferType);
      Py_DECREF (module);
      return NULL;
    }
  return module;
}
