/* gdci-file-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <unistd.h>

#include "gdci-error.h"
#include "gdci-file-iterator.h"
#include "gdci-memory-private.h"
#include "gdci-raw-file-iterator-private.h"
#include "gdci-selection-private.h"
#include "gdci-test-hooks-private.h"

/* Linux reads at most this much in one call */
#define MAX_READ_BYTES ((gsize) 0x7ffff000)

/**
 * GdciFileIterator:
 *
 * A raw binary array file, read with `pread()` into each buffer, so that the
 * data is really in memory when the buffer is handed out (what hdmf asks of
 * `_get_data()`), on any file system and for files larger than the address
 * space. Its properties, and the files it accepts, are those of
 * [class@Gdci.RawFileIterator].
 *
 * A buffer that is one contiguous run of the file is read straight into the
 * buffer. A buffer that is strided in the file, such as 189 of the 384
 * channels of an interleaved recording, or any buffer of a Fortran-order
 * file, is read in large sequential strips of whole rows of at most 16 MiB,
 * and gathered from them: never one system call per row, and never more than
 * 16 MiB of memory beyond the buffer.
 *
 * A file that is truncated while it is read gives an error from
 * [method@Gdci.ChunkIterator.next].
 *
 * Since: 1.0
 */
struct _GdciFileIterator
{
  GdciRawFileIterator parent_instance;

  gsize strip_bytes;
  guint8 *strip;
  gsize strip_allocated;
  guint64 n_reads;
  atomic_uint_fast64_t bytes_read;   /* read by any thread */
};

enum {
  PROP_0,
  PROP_BYTES_READ,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GdciFileIterator, gdci_file_iterator, GDCI_TYPE_RAW_FILE_ITERATOR)

static void
gdci_file_iterator_finalize (GObject *object)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (object);

  g_clear_pointer (&self->strip, _gdci_free_large);

  G_OBJECT_CLASS (gdci_file_iterator_parent_class)->finalize (object);
}

static gboolean
gdci_file_iterator_prepare (GdciChunkIterator  *iter,
                            GCancellable       *cancellable,
                            GError            **error)
{
  if (!GDCI_CHUNK_ITERATOR_CLASS (gdci_file_iterator_parent_class)->prepare (iter, cancellable,
                                                                             error))
    return FALSE;
  posix_fadvise (_gdci_raw_file_iterator_get_fd (GDCI_RAW_FILE_ITERATOR (iter)), 0, 0,
                 POSIX_FADV_SEQUENTIAL);
  return TRUE;
}

/* Reads exactly @length bytes at @position, or fails. */
static gboolean
read_exactly (GdciFileIterator  *self,
              guint8            *dst,
              gsize              length,
              guint64            position,
              GError           **error)
{
  GdciRawFileIterator *raw = GDCI_RAW_FILE_ITERATOR (self);
  int fd = _gdci_raw_file_iterator_get_fd (raw);
  guint64 end = position + length;

  while (length > 0)
    {
      ssize_t n = pread (fd, dst, MIN (length, MAX_READ_BYTES), (off_t) position);

      self->n_reads++;
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "Could not read '%s' at byte %" G_GUINT64_FORMAT ": %s",
                       gdci_raw_file_iterator_get_path (raw), position,
                       g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        {
          /* the end of the file is at or before @position: a file cut
           * below the start of this read ends earlier, so the size comes
           * from fstat(), unless the file has grown back since */
          if (!_gdci_raw_file_iterator_check_size (raw, end, error))
            return FALSE;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "'%s' was truncated while being read: it ended at or "
                       "before byte %" G_GUINT64_FORMAT ", and %" G_GUINT64_FORMAT
                       " bytes are needed", gdci_raw_file_iterator_get_path (raw),
                       position, end);
          return FALSE;
        }
      atomic_fetch_add_explicit (&self->bytes_read, (guint64) n, memory_order_relaxed);
      dst += n;
      length -= (gsize) n;
      position += (guint64) n;
    }
  return TRUE;
}

static gboolean
read_strip (GdciRawFileIterator  *raw,
            const GdciRawStrip   *strip,
            gpointer              user_data,
            GError              **error)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (raw);

  /* the strip is kept between buffers, and grown only as far as needed */
  if (self->strip_allocated < strip->length)
    {
      _gdci_free_large (self->strip);
      self->strip = _gdci_try_alloc_large (strip->length);
      self->strip_allocated = self->strip == NULL ? 0 : strip->length;
      if (self->strip == NULL)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_FAILED,
                       "Out of memory for a read strip of %" G_GSIZE_FORMAT
                       " bytes", strip->length);
          return FALSE;
        }
    }
  if (!read_exactly (self, self->strip, strip->length, strip->position, error))
    return FALSE;
  _gdci_raw_file_iterator_copy_strip (raw, strip, self->strip);
  return TRUE;
}

static GBytes *
gdci_file_iterator_get_data (GdciChunkIterator  *iter,
                             GdciSelection      *selection,
                             GError            **error)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (iter);
  GdciRawFileIterator *raw = GDCI_RAW_FILE_ITERATOR (iter);
  const GdciRawLayout *layout = _gdci_raw_file_iterator_get_layout (raw);
  g_autoptr(GdciBufferLease) buffer = NULL;
  gsize n_bytes;

  buffer = _gdci_raw_file_iterator_alloc_buffer (raw, selection, &n_bytes, error);
  if (buffer == NULL)
    return NULL;

  if (layout->order == GDCI_ORDER_C && _gdci_selection_is_c_run (selection, layout->shape))
    {
      /* one run of the file in the buffer's own order: read it in place */
      guint64 first, end;

      _gdci_raw_file_iterator_selection_span (raw, selection, &first, &end);
      if (!read_exactly (self, buffer->data, n_bytes, first, error))
        return NULL;
    }
  else
    {
      /* otherwise in strips of whole rows, gathered into the buffer */
      if (!_gdci_raw_file_iterator_foreach_strip (raw, selection, self->strip_bytes,
                                                  buffer->data, read_strip, NULL, error))
        return NULL;
    }
  return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
}

static void
gdci_file_iterator_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (object);

  switch (prop_id)
    {
    case PROP_BYTES_READ:
      g_value_set_uint64 (value, gdci_file_iterator_get_bytes_read (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_file_iterator_class_init (GdciFileIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_file_iterator_finalize;
  object_class->get_property = gdci_file_iterator_get_property;

  iter_class->prepare = gdci_file_iterator_prepare;
  iter_class->get_data = gdci_file_iterator_get_data;

  /**
   * GdciFileIterator:bytes-read:
   *
   * The bytes read from the file so far, by every buffer read since the
   * iterator was made, gaps between the selected elements included (a
   * buffer that splits the file's rows reads the whole rows it spans, in
   * strips). [method@Gdci.Plan.get_read_bytes] predicts it for a whole
   * pass. Readable from any thread at any time, while a write runs in
   * another; not notified.
   *
   * Since: 1.0
   */
  properties[PROP_BYTES_READ] =
    g_param_spec_uint64 ("bytes-read", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/**
 * gdci_file_iterator_get_bytes_read:
 * @self: an iterator
 *
 * The bytes read from the file so far: [property@Gdci.FileIterator:bytes-read].
 *
 * Returns: the bytes read
 *
 * Since: 1.0
 */
guint64
gdci_file_iterator_get_bytes_read (GdciFileIterator *self)
{
  g_return_val_if_fail (GDCI_IS_FILE_ITERATOR (self), 0);

  return atomic_load_explicit (&self->bytes_read, memory_order_relaxed);
}

static void
gdci_file_iterator_init (GdciFileIterator *self)
{
  self->strip_bytes = GDCI_RAW_FILE_STRIP_BYTES;
}

void
_gdci_file_iterator_set_strip_bytes (GdciFileIterator *self,
                                     gsize             strip_bytes)
{
  self->strip_bytes = strip_bytes;
}

guint64
_gdci_file_iterator_get_n_reads (GdciFileIterator *self)
{
  return self->n_reads;
}

/**
 * gdci_file_iterator_new:
 * @path: (type filename): the raw array file
 * @dtype: the element type in the file
 * @shape: (array length=n_dims): the shape of the array; one axis may be 0,
 *   to be inferred from the file size
 * @n_dims: the number of axes
 * @offset: bytes to skip at the start of the file
 * @order: the layout of the file
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates and initializes an iterator that reads a raw array file with
 * `pread()`, with the default buffer and chunk settings. For other
 * settings, use [func@Gio.Initable.new] with the properties.
 *
 * Fails for the reasons [ctor@Gdci.MemmapIterator.new] gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or
 *   %NULL on error
 *
 * Since: 1.0
 */
GdciChunkIterator *
gdci_file_iterator_new (const char     *path,
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

  return _gdci_raw_file_iterator_new (GDCI_TYPE_FILE_ITERATOR, path, dtype, shape, n_dims,
                                      offset, order, error);
}
