/* gdci-file-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "gdci-error.h"
#include "gdci-file-iterator.h"
#include "gdci-raw-file-private.h"

/* Linux reads at most this much in one call */
#define MAX_READ_BYTES ((gsize) 0x7ffff000)

/**
 * GdciFileIterator:
 *
 * A raw binary array file, read with `pread()` into each buffer, so that the
 * data is really in memory when the buffer is handed out (what hdmf asks of
 * `_get_data()`), on any file system and for files larger than the address
 * space. Its properties and their meaning are those of
 * [class@Gdci.MemmapIterator].
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
 */
struct _GdciFileIterator
{
  GdciChunkIterator parent_instance;

  GdciRawFile raw;
  gsize strip_bytes;
  guint8 *strip;
  gsize strip_allocated;
  guint64 n_reads;
};

G_DEFINE_FINAL_TYPE (GdciFileIterator, gdci_file_iterator, GDCI_TYPE_CHUNK_ITERATOR)

enum {
  PROP_0,
  PROP_FIRST_RAW,
  N_PROPS = PROP_FIRST_RAW + GDCI_RAW_FILE_N_PROPS
};

static void
gdci_file_iterator_finalize (GObject *object)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (object);

  g_clear_pointer (&self->strip, _gdci_free_large);
  _gdci_raw_file_clear (&self->raw);

  G_OBJECT_CLASS (gdci_file_iterator_parent_class)->finalize (object);
}

static void
gdci_file_iterator_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (object);

  if (!_gdci_raw_file_get_property (&self->raw, prop_id - PROP_FIRST_RAW, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gdci_file_iterator_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (object);

  if (!_gdci_raw_file_set_property (&self->raw, prop_id - PROP_FIRST_RAW, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static gboolean
gdci_file_iterator_prepare (GdciChunkIterator  *iter,
                            GCancellable       *cancellable,
                            GError            **error)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (iter);

  if (!_gdci_raw_file_open (&self->raw, error))
    return FALSE;
  posix_fadvise (self->raw.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
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
  while (length > 0)
    {
      ssize_t n = pread (self->raw.fd, dst, MIN (length, MAX_READ_BYTES),
                         (off_t) position);

      self->n_reads++;
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "Could not read '%s' at byte %" G_GUINT64_FORMAT ": %s",
                       self->raw.path, position, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "'%s' was truncated while being read: it ends at byte "
                       "%" G_GUINT64_FORMAT ", and bytes up to %"
                       G_GUINT64_FORMAT " are needed", self->raw.path,
                       position, position + length);
          return FALSE;
        }
      dst += n;
      length -= (gsize) n;
      position += (guint64) n;
    }
  return TRUE;
}

typedef struct
{
  GdciFileIterator *self;
  guint8 *buffer;
  gint64 dst_strides[GDCI_MAX_DIMS];
} ReadState;

static gboolean
read_strip (GdciRawFile    *raw,
            guint64         position,
            gsize           length,
            const guint64  *extent,
            guint64         dst_offset,
            gpointer        user_data,
            GError        **error)
{
  ReadState *state = user_data;
  GdciFileIterator *self = state->self;

  /* the strip is kept between buffers, and grown only as far as needed */
  if (self->strip_allocated < length)
    {
      _gdci_free_large (self->strip);
      self->strip = _gdci_try_alloc_large (length);
      self->strip_allocated = self->strip == NULL ? 0 : length;
      if (self->strip == NULL)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_FAILED,
                       "Out of memory for a read strip of %" G_GSIZE_FORMAT
                       " bytes", length);
          return FALSE;
        }
    }
  if (!read_exactly (self, self->strip, length, position, error))
    return FALSE;
  _gdci_copy_box (raw->n_dims, extent, gdci_dtype_get_itemsize (raw->dtype),
                  self->strip, raw->strides, state->buffer + dst_offset,
                  state->dst_strides);
  return TRUE;
}

static GBytes *
gdci_file_iterator_get_data (GdciChunkIterator  *iter,
                             GdciSelection      *selection,
                             GError            **error)
{
  GdciFileIterator *self = GDCI_FILE_ITERATOR (iter);
  GdciRawFile *raw = &self->raw;
  gsize itemsize = gdci_dtype_get_itemsize (raw->dtype);
  gsize n_bytes = gdci_selection_get_n_elements (selection) * itemsize;
  g_autofree guint64 *extent = gdci_selection_get_shape (selection, NULL);
  g_autoptr(GdciBufferLease) buffer = NULL;
  ReadState state;
  guint64 first, end;

  buffer = _gdci_chunk_iterator_alloc_buffer (iter, n_bytes, error);
  if (buffer == NULL)
    return NULL;

  /* one run of the file in the buffer's own order: read it in place */
  if (raw->order == GDCI_ORDER_C && _gdci_selection_is_c_run (selection, raw->shape))
    {
      _gdci_raw_file_selection_span (raw, selection, &first, &end);
      if (!read_exactly (self, buffer->data, n_bytes, first, error))
        return NULL;
      return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
    }

  /* otherwise in strips of whole rows, gathered into the buffer */
  state.self = self;
  state.buffer = buffer->data;
  _gdci_c_strides (extent, raw->n_dims, itemsize, state.dst_strides);
  if (!_gdci_raw_file_foreach_strip (raw, selection, self->strip_bytes,
                                     read_strip, &state, error))
    return NULL;
  return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
}

static GArray *
gdci_file_iterator_get_maxshape (GdciChunkIterator *iter)
{
  return _gdci_raw_file_get_maxshape (&GDCI_FILE_ITERATOR (iter)->raw);
}

static GdciDtype
gdci_file_iterator_get_dtype (GdciChunkIterator *iter)
{
  return GDCI_FILE_ITERATOR (iter)->raw.dtype;
}

static GVariant *
gdci_file_iterator_serialize (GdciChunkIterator  *iter,
                              GError            **error)
{
  return _gdci_raw_file_serialize (&GDCI_FILE_ITERATOR (iter)->raw);
}

static void
gdci_file_iterator_class_init (GdciFileIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_file_iterator_finalize;
  object_class->get_property = gdci_file_iterator_get_property;
  object_class->set_property = gdci_file_iterator_set_property;

  iter_class->prepare = gdci_file_iterator_prepare;
  iter_class->get_data = gdci_file_iterator_get_data;
  iter_class->get_maxshape = gdci_file_iterator_get_maxshape;
  iter_class->get_dtype = gdci_file_iterator_get_dtype;
  iter_class->serialize = gdci_file_iterator_serialize;

  /**
   * GdciFileIterator:path:
   *
   * The raw array file to read, as [property@Gdci.MemmapIterator:path].
   */
  /**
   * GdciFileIterator:dtype:
   *
   * The element type of the file, as [property@Gdci.MemmapIterator:dtype].
   */
  /**
   * GdciFileIterator:shape:
   *
   * The shape of the array, as [property@Gdci.MemmapIterator:shape].
   */
  /**
   * GdciFileIterator:offset:
   *
   * The bytes to skip, as [property@Gdci.MemmapIterator:offset].
   */
  /**
   * GdciFileIterator:order:
   *
   * The layout of the file, as [property@Gdci.MemmapIterator:order].
   */
  _gdci_raw_file_install_properties (object_class, PROP_FIRST_RAW);
}

static void
gdci_file_iterator_init (GdciFileIterator *self)
{
  _gdci_raw_file_init (&self->raw);
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

  return _gdci_raw_file_new_iterator (GDCI_TYPE_FILE_ITERATOR, path, dtype, shape, n_dims, offset,
                                      order, error);
}
