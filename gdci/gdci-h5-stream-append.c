/* gdci-h5-stream-append.c: appending frames to a GdciH5Stream, flushing
 * and closing it, and the counts of its frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-error.h"
#include "gdci-h5-stream-private.h"
#include "gdci-saturating-private.h"

/* With the mutex held: FALSE with @error if the stream cannot be used */
static gboolean
check_usable (GdciH5Stream  *self,
              GError       **error)
{
  if (self->closed || self->closing)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The stream of '%s' is closed",
                   self->filename);
      return FALSE;
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

/* With the mutex held: queues the row just filled, waiting while the
 * backlog is full */
static gboolean
push_filled_row (GdciH5Stream  *self,
                 GError       **error)
{
  GdciStreamItem *next;
  gboolean told = FALSE;

  while (self->backlog_bytes > 0 &&
         _gdci_sat_add (self->backlog_bytes, self->slab_bytes) > self->max_backlog_bytes &&
         self->error == NULL)
    {
      if (!told)
        _gdci_h5_stream_tell_backlog_full (self, self->backlog_bytes);
      told = TRUE;
      g_cond_wait (&self->cond, &self->mutex);
    }
  if (!check_usable (self, error))
    return FALSE;
  next = _gdci_h5_stream_item_new (self, GDCI_STREAM_SLAB,
                                   self->filling->first_frame + self->filling->n_frames);
  if (next->data == NULL)
    {
      _gdci_h5_stream_item_free (self, next);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not allocate %" G_GSIZE_FORMAT " bytes for a row of chunks",
                   self->slab_bytes);
      return FALSE;
    }
  _gdci_h5_stream_push (self, self->filling);
  self->filling = next;
  return TRUE;
}

/**
 * gdci_h5_stream_append:
 * @self: a stream
 * @frames: whole frames, in C order, of the stream's element type in the
 *   machine's byte order
 * @error: return location for a #GError
 *
 * Appends @frames: copies them, and returns once they are queued for
 * compression and writing, which gdci's threads do. It waits only when the
 * frames waiting would pass [property@Gdci.H5Stream:max-backlog-bytes].
 *
 * Returns: %TRUE; %FALSE with %GDCI_ERROR_INVALID_ARGUMENT if @frames is
 *   not a whole number of frames (nothing is appended), %G_IO_ERROR_CLOSED
 *   after [method@Gdci.H5Stream.close], or the error with which writing
 *   failed
 *
 * Since: 1.0
 */
gboolean
gdci_h5_stream_append (GdciH5Stream  *self,
                       GBytes        *frames,
                       GError       **error)
{
  gsize n_bytes = 0;
  const guint8 *data;
  guint64 n_frames;
  gboolean wake;

  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), FALSE);
  g_return_val_if_fail (self->init_done, FALSE);
  g_return_val_if_fail (frames != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (frames, &n_bytes);
  g_mutex_lock (&self->mutex);
  if (!check_usable (self, error))
    {
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  /* a stream that is usable has frames of one byte or more */
  if (n_bytes % self->frame_bytes != 0)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%" G_GSIZE_FORMAT " bytes are not whole frames of %" G_GSIZE_FORMAT
                   " bytes for '%s'", n_bytes, self->frame_bytes, self->dataset_path);
      return FALSE;
    }
  n_frames = n_bytes / self->frame_bytes;
  /* the writing thread is woken for a filled row (push_filled_row) or for
   * the first frames since a flush, to time the next one: not for every
   * append */
  wake = n_frames > 0 && self->frames_appended == self->frames_flush_asked;
  while (n_frames > 0)
    {
      GdciStreamItem *row = self->filling;
      guint64 take = MIN (n_frames, self->chunk[0] - row->n_frames);

      memcpy (row->data + row->n_frames * self->frame_bytes, data, take * self->frame_bytes);
      row->n_frames += take;
      self->frames_appended += take;
      data += take * self->frame_bytes;
      n_frames -= take;
      if (row->n_frames == self->chunk[0] && !push_filled_row (self, error))
        {
          g_mutex_unlock (&self->mutex);
          return FALSE;
        }
    }
  if (wake)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/* With the mutex held: queues a flush or the close, and waits for it */
static gboolean
queue_and_wait (GdciH5Stream        *self,
                GdciStreamItemKind   kind,
                GCancellable        *cancellable,
                GError             **error)
{
  GdciStreamWaiter waiter = { FALSE, NULL };
  GdciStreamItem *item = _gdci_h5_stream_snapshot (self, kind);

  item->waiter = &waiter;
  _gdci_h5_stream_push (self, item);
  while (!waiter.done)
    {
      /* a cancelled flush goes on without its caller; the close does not
       * stop waiting */
      if (kind == GDCI_STREAM_FLUSH && g_cancellable_is_cancelled (cancellable))
        {
          item->waiter = NULL;
          return !g_cancellable_set_error_if_cancelled (cancellable, error);
        }
      g_cond_wait_until (&self->cond, &self->mutex,
                         g_get_monotonic_time () + G_USEC_PER_SEC / 10);
    }
  if (waiter.error != NULL)
    {
      g_propagate_error (error, waiter.error);
      return FALSE;
    }
  return TRUE;
}

/**
 * gdci_h5_stream_flush:
 * @self: a stream
 * @cancellable: (nullable): a #GCancellable: cancelled, the call returns
 *   and the flush goes on
 * @error: return location for a #GError
 *
 * Makes every frame appended so far durable and, with
 * [property@Gdci.H5Stream:swmr], visible to the file's readers: writes
 * them (the chunk being filled too), sets the dataset's extent to them,
 * flushes the file and syncs it to its disk. The stream does this by
 * itself every [property@Gdci.H5Stream:flush-interval] seconds.
 *
 * Returns: %TRUE once they are durable, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
gdci_h5_stream_flush (GdciH5Stream  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), FALSE);
  g_return_val_if_fail (self->init_done, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  ok = check_usable (self, error) &&
       queue_and_wait (self, GDCI_STREAM_FLUSH, cancellable, error);
  g_mutex_unlock (&self->mutex);
  return ok;
}

/**
 * gdci_h5_stream_close:
 * @self: a stream
 * @cancellable: (nullable): a #GCancellable (the close is not cancelled:
 *   the frames appended are written)
 * @error: return location for a #GError
 *
 * Writes every frame appended, sets the dataset's extent to exactly them
 * (0 if none was appended), and closes the file; without
 * [property@Gdci.H5Stream:swmr] the file then appears under its name.
 * Closing a closed stream does nothing; disposing of an unclosed stream
 * closes it.
 *
 * Returns: %TRUE, or %FALSE with @error set; either way the stream is
 *   closed
 *
 * Since: 1.0
 */
gboolean
gdci_h5_stream_close (GdciH5Stream  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  if (self->closed || self->closing || self->io_thread == NULL)
    {
      g_mutex_unlock (&self->mutex);
      return TRUE;
    }
  ok = queue_and_wait (self, GDCI_STREAM_CLOSE, NULL, &local_error);
  self->closing = TRUE;
  g_mutex_unlock (&self->mutex);

  _gdci_h5_stream_stop (self);
  if (!_gdci_h5_stream_close_file (self, local_error == NULL ? &local_error : NULL))
    ok = FALSE;
  g_mutex_lock (&self->mutex);
  self->closed = TRUE;
  g_mutex_unlock (&self->mutex);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * gdci_h5_stream_is_closed:
 * @self: a stream
 *
 * Returns: whether [method@Gdci.H5Stream.close] has closed the stream
 *
 * Since: 1.0
 */
gboolean
gdci_h5_stream_is_closed (GdciH5Stream *self)
{
  gboolean closed;

  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), FALSE);

  g_mutex_lock (&self->mutex);
  closed = self->closed;
  g_mutex_unlock (&self->mutex);
  return closed;
}

/**
 * gdci_h5_stream_get_frames_appended:
 * @self: a stream
 *
 * Returns: the frames appended, [property@Gdci.H5Stream:frames-appended]
 *
 * Since: 1.0
 */
guint64
gdci_h5_stream_get_frames_appended (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return _gdci_h5_stream_locked_get (self, &self->frames_appended);
}

/**
 * gdci_h5_stream_get_frames_durable:
 * @self: a stream
 *
 * Returns: the frames durable, [property@Gdci.H5Stream:frames-durable]
 *
 * Since: 1.0
 */
guint64
gdci_h5_stream_get_frames_durable (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return _gdci_h5_stream_locked_get (self, &self->frames_durable);
}

/**
 * gdci_h5_stream_get_backlog_bytes:
 * @self: a stream
 *
 * Returns: the bytes waiting to be written, [property@Gdci.H5Stream:backlog-bytes]
 *
 * Since: 1.0
 */
guint64
gdci_h5_stream_get_backlog_bytes (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return _gdci_h5_stream_locked_get (self, &self->backlog_bytes);
}

/**
 * gdci_h5_stream_get_bytes_written:
 * @self: a stream
 *
 * Returns: the bytes of chunks written, [property@Gdci.H5Stream:bytes-written]
 *
 * Since: 1.0
 */
guint64
gdci_h5_stream_get_bytes_written (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return _gdci_h5_stream_locked_get (self, &self->bytes_written);
}
