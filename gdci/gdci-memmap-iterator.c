/* gdci-memmap-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gdci-error.h"
#include "gdci-memmap-iterator.h"
#include "gdci-raw-file-private.h"

/**
 * GdciMemmapIterator:
 *
 * A raw binary array file (a recording from SpikeGLX, Open Ephys, Intan and
 * most acquisition systems, or any `numpy.memmap`-style file), mapped
 * read-only into memory. Each buffer is a real copy of the mapped data,
 * always in C order, also when the file is in Fortran order.
 *
 * One axis of [property@Gdci.MemmapIterator:shape] may be 0: its length is
 * inferred from the size of the file, as numpy users do for recordings
 * whose number of samples they do not know.
 *
 * A file that shrinks while it is read gives an error from
 * [method@Gdci.ChunkIterator.next], never a crash: the size is checked
 * before each buffer, and a fault on a page past the new end during a copy
 * becomes the same error.
 *
 * [class@Gdci.FileIterator] reads the same files with `pread()` instead,
 * which suits network file systems and files larger than the address space.
 */
struct _GdciMemmapIterator
{
  GdciChunkIterator parent_instance;

  GdciRawFile raw;
  guint8 *map;
  gsize map_length;
};

G_DEFINE_FINAL_TYPE (GdciMemmapIterator, gdci_memmap_iterator, GDCI_TYPE_CHUNK_ITERATOR)

/* ---- turning a SIGBUS in a guarded copy into an error ------------------- */

static _Thread_local sigjmp_buf *guard_jump;
static struct sigaction previous_sigbus;

static void
on_sigbus (int        signum,
           siginfo_t *info,
           void      *context)
{
  sigjmp_buf *jump = guard_jump;

  if (jump != NULL)
    {
      guard_jump = NULL;
      siglongjmp (*jump, 1);
    }

  /* not in a guarded copy: what would have happened without gdci */
  if (previous_sigbus.sa_flags & SA_SIGINFO)
    previous_sigbus.sa_sigaction (signum, info, context);
  else if (previous_sigbus.sa_handler != SIG_DFL &&
           previous_sigbus.sa_handler != SIG_IGN)
    previous_sigbus.sa_handler (signum);
  else
    {
      signal (SIGBUS, SIG_DFL);
      raise (SIGBUS);
    }
}

static void
install_sigbus_handler (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      struct sigaction sa = { 0 };

      sa.sa_sigaction = on_sigbus;
      sa.sa_flags = SA_SIGINFO;
      sigemptyset (&sa.sa_mask);
      sigaction (SIGBUS, &sa, &previous_sigbus);
      g_once_init_leave (&installed, 1);
    }
}

static gboolean
guarded_copy (GdciMemmapIterator  *self,
              guint                n_dims,
              const guint64       *extent,
              const guint8        *src,
              guint8              *dst,
              const gint64        *dst_strides,
              GError             **error)
{
  sigjmp_buf jump;

  if (sigsetjmp (jump, 1) != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "'%s' was truncated while being read: a page of the "
                   "mapped file is gone", self->raw.path);
      return FALSE;
    }
  guard_jump = &jump;
  _gdci_copy_box (n_dims, extent, gdci_dtype_get_itemsize (self->raw.dtype),
                  src, self->raw.strides, dst, dst_strides);
  guard_jump = NULL;
  return TRUE;
}

/* ---- the source ---------------------------------------------------------- */

enum {
  PROP_0,
  PROP_FIRST_RAW,
  N_PROPS = PROP_FIRST_RAW + GDCI_RAW_FILE_N_PROPS
};

static void
gdci_memmap_iterator_finalize (GObject *object)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (object);

  if (self->map != NULL)
    munmap (self->map, self->map_length);
  _gdci_raw_file_clear (&self->raw);

  G_OBJECT_CLASS (gdci_memmap_iterator_parent_class)->finalize (object);
}

static void
gdci_memmap_iterator_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (object);

  if (!_gdci_raw_file_get_property (&self->raw, prop_id - PROP_FIRST_RAW, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gdci_memmap_iterator_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (object);

  if (!_gdci_raw_file_set_property (&self->raw, prop_id - PROP_FIRST_RAW, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static gboolean
gdci_memmap_iterator_prepare (GdciChunkIterator  *iter,
                              GCancellable       *cancellable,
                              GError            **error)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (iter);
  void *map;

  if (!_gdci_raw_file_open (&self->raw, error))
    return FALSE;
  if (self->raw.data_bytes == 0)
    return TRUE;   /* nothing to map; the empty shape is refused next */

  if (self->raw.offset + self->raw.data_bytes > G_MAXSIZE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' is larger than this machine's address space: read it "
                   "with GdciFileIterator", self->raw.path);
      return FALSE;
    }
  self->map_length = (gsize) (self->raw.offset + self->raw.data_bytes);
  map = mmap (NULL, self->map_length, PROT_READ, MAP_SHARED, self->raw.fd, 0);
  if (map == MAP_FAILED)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not map '%s' into memory: %s", self->raw.path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  self->map = map;
  install_sigbus_handler ();
  return TRUE;
}

typedef struct
{
  GdciMemmapIterator *self;
  guint8 *buffer;
  gint64 dst_strides[GDCI_MAX_DIMS];
} CopyState;

static gboolean
copy_strip (GdciRawFile    *raw,
            guint64         position,
            gsize           length,
            const guint64  *extent,
            guint64         dst_offset,
            gpointer        user_data,
            GError        **error)
{
  CopyState *state = user_data;
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);
  guint64 page_start = position - position % page;

  if (!guarded_copy (state->self, raw->n_dims, extent, state->self->map + position,
                     state->buffer + dst_offset, state->dst_strides, error))
    return FALSE;

  /* the pages stay in the page cache, but leave this process's memory, so
   * that it holds no more of the file than one strip at a time */
  madvise (state->self->map + page_start, position + length - page_start,
           MADV_DONTNEED);
  return TRUE;
}

GBytes *
_gdci_memmap_iterator_copy_unchecked (GdciMemmapIterator  *self,
                                      GdciSelection       *selection,
                                      GError             **error)
{
  gsize itemsize = gdci_dtype_get_itemsize (self->raw.dtype);
  gsize n_bytes = gdci_selection_get_n_elements (selection) * itemsize;
  g_autofree guint64 *extent = gdci_selection_get_shape (selection, NULL);
  g_autoptr(GdciBufferLease) buffer = NULL;
  CopyState state;

  buffer = _gdci_chunk_iterator_alloc_buffer (GDCI_CHUNK_ITERATOR (self), n_bytes, error);
  if (buffer == NULL)
    return NULL;

  state.self = self;
  state.buffer = buffer->data;
  _gdci_c_strides (extent, self->raw.n_dims, itemsize, state.dst_strides);
  if (!_gdci_raw_file_foreach_strip (&self->raw, selection, GDCI_RAW_FILE_STRIP_BYTES,
                                     copy_strip, &state, error))
    return NULL;
  return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
}

static GBytes *
gdci_memmap_iterator_get_data (GdciChunkIterator  *iter,
                               GdciSelection      *selection,
                               GError            **error)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (iter);
  guint64 first, end;

  /* a file truncated since the last buffer: say so before touching a page
   * past its new end */
  _gdci_raw_file_selection_span (&self->raw, selection, &first, &end);
  if (!_gdci_raw_file_check_size (&self->raw, end, error))
    return NULL;

  return _gdci_memmap_iterator_copy_unchecked (self, selection, error);
}

static GArray *
gdci_memmap_iterator_get_maxshape (GdciChunkIterator *iter)
{
  return _gdci_raw_file_get_maxshape (&GDCI_MEMMAP_ITERATOR (iter)->raw);
}

static GdciDtype
gdci_memmap_iterator_get_dtype (GdciChunkIterator *iter)
{
  return GDCI_MEMMAP_ITERATOR (iter)->raw.dtype;
}

static GVariant *
gdci_memmap_iterator_serialize (GdciChunkIterator  *iter,
                                GError            **error)
{
  return _gdci_raw_file_serialize (&GDCI_MEMMAP_ITERATOR (iter)->raw);
}

static void
gdci_memmap_iterator_class_init (GdciMemmapIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_memmap_iterator_finalize;
  object_class->get_property = gdci_memmap_iterator_get_property;
  object_class->set_property = gdci_memmap_iterator_set_property;

  iter_class->prepare = gdci_memmap_iterator_prepare;
  iter_class->get_data = gdci_memmap_iterator_get_data;
  iter_class->get_maxshape = gdci_memmap_iterator_get_maxshape;
  iter_class->get_dtype = gdci_memmap_iterator_get_dtype;
  iter_class->serialize = gdci_memmap_iterator_serialize;

  /**
   * GdciMemmapIterator:path:
   *
   * The raw array file to read.
   */
  /**
   * GdciMemmapIterator:dtype:
   *
   * The element type of the file, in this machine's byte order.
   */
  /**
   * GdciMemmapIterator:shape:
   *
   * The shape of the array in the file, a variant of type `at`. One axis
   * may be 0, to be inferred from the size of the file.
   */
  /**
   * GdciMemmapIterator:offset:
   *
   * The number of bytes to skip at the start of the file, such as a header.
   */
  /**
   * GdciMemmapIterator:order:
   *
   * The layout of the file: [enum@Gdci.Order.C] (last axis fastest) or
   * [enum@Gdci.Order.F] (first axis fastest).
   */
  _gdci_raw_file_install_properties (object_class, PROP_FIRST_RAW);
}

static void
gdci_memmap_iterator_init (GdciMemmapIterator *self)
{
  _gdci_raw_file_init (&self->raw);
}

/**
 * gdci_memmap_iterator_new:
 * @path: (type filename): the raw array file
 * @dtype: the element type in the file
 * @shape: (array length=n_dims): the shape of the array; one axis may be 0,
 *   to be inferred from the file size
 * @n_dims: the number of axes
 * @offset: bytes to skip at the start of the file
 * @order: the layout of the file
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates and initializes an iterator over a mapped raw array file, with
 * the default buffer and chunk settings. For other settings, use
 * [func@Gio.Initable.new] with the properties.
 *
 * Fails, with the path and the sizes in the message, when the file is
 * missing, unreadable, a directory, or shorter than @offset plus the data,
 * when an inferred axis does not come out as a whole number, and for the
 * reasons [class@Gdci.ChunkIterator] gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or
 *   %NULL on error
 */
GdciChunkIterator *
gdci_memmap_iterator_new (const char     *path,
                          GdciDtype       dtype,
                          const guint64  *shape,
                          guint           n_dims,
                          guint64         offset,
                          GdciOrder       order,
                          GError        **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (shape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _gdci_raw_file_new_iterator (GDCI_TYPE_MEMMAP_ITERATOR, path, dtype, shape, n_dims, offset,
                                      order, error);
}
