/* gdci-chunk-iterator-buffers.c: handing out the buffers of a
 * GdciChunkIterator (next(), reset(), a buffer's selection) and the
 * pending flag that keeps them to a write that owns the iterator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-chunk-iterator-private.h"
#include "gdci-error.h"

/**
 * gdci_chunk_iterator_get_buffer_selection:
 * @self: an initialized iterator
 * @index: the index of a buffer, less than the number of buffers
 *
 * The selection of the buffer at @index in iteration order, without reading
 * anything. Buffers are numbered in C order over the grid of buffers, last
 * axis fastest, as hdmf's `buffer_selection_generator` yields them.
 *
 * Returns: (transfer full): the selection
 *
 * Since: 1.0
 */
GdciSelection *
gdci_chunk_iterator_get_buffer_selection (GdciChunkIterator *self,
                                          guint64            index)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);
  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
  if (priv == NULL)
    return NULL;
  g_return_val_if_fail (index < gdci_plan_get_n_buffers (priv->plan), NULL);

  return gdci_plan_get_buffer_selection (priv->plan, index);
}

gboolean
_gdci_chunk_iterator_selection_bytes (GdciSelection  *selection,
                                      GdciDtype       dtype,
                                      gsize          *n_bytes,
                                      GError        **error)
{
  guint64 bytes;

  if (!g_uint64_checked_mul (&bytes, gdci_selection_get_n_elements (selection),
                             gdci_dtype_get_itemsize (dtype)) ||
      bytes > G_MAXSIZE)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The selection %s of %s has more bytes than this system "
                   "can hold in memory", sel, gdci_dtype_to_string (dtype));
      return FALSE;
    }
  *n_bytes = (gsize) bytes;
  return TRUE;
}

/* Refuses a public call while a write owns the iterator */
static gboolean
check_not_busy (GdciChunkIterator  *self,
                const char         *method,
                GError            **error)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);

  if (!g_atomic_int_get (&priv->in_use))
    return TRUE;
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
               "The %s is in use by a write: %s() may be called only once "
               "the write is done", G_OBJECT_TYPE_NAME (self), method);
  return FALSE;
}

gboolean
_gdci_chunk_iterator_begin_use (GdciChunkIterator  *self,
                                GdciProgressHook    hook,
                                gpointer            hook_data,
                                GError            **error)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);

  if (!g_atomic_int_compare_and_exchange (&priv->in_use, 0, 1))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                   "The %s is already in use by another write: an iterator "
                   "can be written by one write at a time",
                   G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
  priv->progress_hook = hook;
  priv->progress_hook_data = hook_data;
  return TRUE;
}

void
_gdci_chunk_iterator_end_use (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);

  priv->progress_hook = NULL;
  priv->progress_hook_data = NULL;
  g_clear_pointer (&priv->read_plan, gdci_plan_unref);
  g_atomic_int_set (&priv->in_use, 0);
}

void
_gdci_chunk_iterator_set_read_plan (GdciChunkIterator *self,
                                    GdciPlan          *plan)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);

  g_clear_pointer (&priv->read_plan, gdci_plan_unref);
  priv->read_plan = plan != NULL ? gdci_plan_ref (plan) : NULL;
}

/* The plan the buffers are read with */
static GdciPlan *
reading_plan (GdciChunkIteratorPrivate *priv)
{
  return priv->read_plan != NULL ? priv->read_plan : priv->plan;
}

void
_gdci_chunk_iterator_emit_progress (GdciChunkIterator *self,
                                    guint64            buffers_done,
                                    guint64            n_buffers)
{
  g_signal_emit (self, _gdci_chunk_iterator_progress_signal (), 0, buffers_done, n_buffers);
}

/* Reads the buffer at the position; the selection's bytes are checked */
static GdciDataChunk *
read_buffer (GdciChunkIterator  *self,
             GError            **error)
{
  GdciChunkIteratorClass *klass = GDCI_CHUNK_ITERATOR_GET_CLASS (self);
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);
  g_autoptr(GdciSelection) selection = gdci_plan_get_buffer_selection (reading_plan (priv), priv->position);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;
  /* cannot overflow: init checked the size of a whole buffer */
  guint64 expected = gdci_selection_get_n_elements (selection) *
                     gdci_dtype_get_itemsize (gdci_plan_get_dtype (priv->plan));

  data = klass->get_data (self, selection, &local_error);
  if (data == NULL)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      if (local_error != NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Reading buffer %" G_GUINT64_FORMAT
                                    " of %" G_GUINT64_FORMAT " %s failed: ",
                                    priv->position + 1,
                                    gdci_plan_get_n_buffers (reading_plan (priv)), sel);
      else
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                     "get_data() of %s returned no data for selection %s "
                     "(expected %" G_GUINT64_FORMAT " bytes)",
                     G_OBJECT_TYPE_NAME (self), sel, expected);
      return NULL;
    }
  if (g_bytes_get_size (data) != expected)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "get_data() of %s returned %" G_GSIZE_FORMAT " bytes for "
                   "selection %s of %s; expected %" G_GUINT64_FORMAT " bytes",
                   G_OBJECT_TYPE_NAME (self), g_bytes_get_size (data), sel,
                   gdci_dtype_to_string (gdci_plan_get_dtype (priv->plan)), expected);
      return NULL;
    }

  return gdci_data_chunk_new (selection, gdci_plan_get_dtype (priv->plan), data, error);
}

static GdciDataChunk *
next_buffer (GdciChunkIterator  *self,
             gboolean            owned,
             GError            **error)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);
  guint64 n_buffers = gdci_plan_get_n_buffers (reading_plan (priv));
  GdciDataChunk *chunk;

  if (priv->position >= n_buffers)
    {
      /* done: nothing more to recycle buffer memory for */
      _gdci_buffer_pool_drain (priv->pool);
      return NULL;
    }
  chunk = read_buffer (self, error);
  if (chunk == NULL)
    return NULL;

  priv->position++;
  if (owned && priv->progress_hook != NULL)
    priv->progress_hook (self, priv->position, n_buffers, priv->progress_hook_data);
  else
    g_signal_emit (self, _gdci_chunk_iterator_progress_signal (), 0, priv->position, n_buffers);
  return chunk;
}

GdciDataChunk *
_gdci_chunk_iterator_next_owned (GdciChunkIterator  *self,
                                 GError            **error)
{
  return next_buffer (self, TRUE, error);
}

/**
 * gdci_chunk_iterator_next:
 * @self: an initialized iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads the next buffer from the data source and returns it with its
 * selection. When every buffer has been returned, returns %NULL without
 * setting @error, and does so again on every later call, until
 * [method@Gdci.ChunkIterator.reset].
 *
 * When the data source fails, or returns other than exactly the
 * selection's bytes, this returns %NULL with @error set and the position
 * stays on the failed buffer, so a later call tries it again.
 *
 * While a [class@Gdci.H5Writer] writes @self, this fails with
 * %GDCI_ERROR_BUSY and leaves the write alone.
 *
 * Emits [signal@Gdci.ChunkIterator::progress] after each buffer.
 *
 * Returns: (transfer full) (nullable): the next buffer, or %NULL when the
 *   iterator is exhausted or on error
 *
 * Since: 1.0
 */
GdciDataChunk *
gdci_chunk_iterator_next (GdciChunkIterator  *self,
                          GError            **error)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_gdci_chunk_iterator_check_initialized (self, error) || !check_not_busy (self, "next", error))
    return NULL;
  return next_buffer (self, FALSE, error);
}

void
_gdci_chunk_iterator_reset_owned (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_get_private (self);

  priv->position = 0;
}

/**
 * gdci_chunk_iterator_reset:
 * @self: an initialized iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Goes back to the first buffer, so the iterator can be run again (hdmf's
 * iterator is exhausted once; a `GdciChunkIterator` need not be).
 *
 * Fails with %GDCI_ERROR_NOT_INITIALIZED when @self is not initialized,
 * and with %GDCI_ERROR_BUSY while a [class@Gdci.H5Writer] writes it.
 *
 * Returns: true if the iterator is back at its first buffer, false with
 *   @error set otherwise
 *
 * Since: 1.0
 */
gboolean
gdci_chunk_iterator_reset (GdciChunkIterator  *self,
                           GError            **error)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_gdci_chunk_iterator_check_initialized (self, error) || !check_not_busy (self, "reset", error))
    return FALSE;
  _gdci_chunk_iterator_reset_owned (self);
  return TRUE;
}
