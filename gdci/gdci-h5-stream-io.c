/* gdci-h5-stream-io.c: a GdciH5Stream's rows of chunks, its compressing
 * threads and the thread that writes the chunks and makes them durable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gdci-copy-private.h"
#include "gdci-error.h"
#include "gdci-h5-stream-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-memory-private.h"

/* ---- items: rows of chunks, flushes, the close ---------------------------- */

/* Rows of memory kept for reuse: fresh memory costs a page fault per page
 * on first touch (a huge page's zeroing, or the kernel's compaction to make
 * one), which the appending thread would pay; the writing thread keeps
 * SPARE_ROWS_READY rows faulted in for it */
#define MAX_SPARE_ROWS 8
#define SPARE_ROWS_READY 2

static gpointer
new_faulted_row (GdciH5Stream *self)
{
  gpointer row = _gdci_try_alloc_large (self->slab_bytes);

  _gdci_fault_in (row, self->slab_bytes);
  return row;
}

static void
top_up_spare_rows (GdciH5Stream *self)
{
  while (g_async_queue_length (self->spare_rows) < SPARE_ROWS_READY)
    {
      gpointer row = new_faulted_row (self);

      if (row == NULL)
        return;
      g_async_queue_push (self->spare_rows, row);
    }
}

/* Memory for encoded chunks, reused as the rows are: fresh memory for each
 * chunk would be faulted in, and given back, all the time; the encoded
 * copies of the tiles in flight, and as many more, are kept */
#define MAX_SPARE_ENCODED 8

static guint8 *
take_encoded (GdciH5Stream *self)
{
  guint8 *memory = g_async_queue_try_pop (self->spare_encoded);

  if (memory == NULL)
    {
      memory = _gdci_try_alloc_large (self->encoded_bytes);
      _gdci_fault_in (memory, self->encoded_bytes);
    }
  return memory;
}

static void
release_encoded (GdciH5Stream *self,
                 guint8       *memory)
{
  if (memory == NULL)
    return;
  if (self->spare_encoded != NULL &&
      g_async_queue_length (self->spare_encoded) < MAX_SPARE_ENCODED)
    g_async_queue_push (self->spare_encoded, memory);
  else
    _gdci_free_large (memory);
}

GdciStreamItem *
_gdci_h5_stream_item_new (GdciH5Stream       *self,
                          GdciStreamItemKind  kind,
                          guint64             first_frame)
{
  GdciStreamItem *item = g_new0 (GdciStreamItem, 1);

  item->kind = kind;
  item->first_frame = first_frame;
  item->data = g_async_queue_try_pop (self->spare_rows);
  if (item->data == NULL)
    item->data = _gdci_try_alloc_large (self->slab_bytes);
  return item;
}

void
_gdci_h5_stream_item_free (GdciH5Stream   *self,
                           GdciStreamItem *item)
{
  if (item == NULL)
    return;
  for (guint i = 0; i < item->n_tiles; i++)
    release_encoded (self, item->tiles[i].encoded);
  g_free (item->tiles);
  if (item->borrowed)
    ;
  else if (item->data != NULL && self->spare_rows != NULL &&
      g_async_queue_length (self->spare_rows) < MAX_SPARE_ROWS)
    g_async_queue_push (self->spare_rows, item->data);
  else
    _gdci_free_large (item->data);
  g_free (item);
}

/* The chunks of the row: one per tile of the frame */
static void
split_tiles (GdciH5Stream   *self,
             GdciStreamItem *item)
{
  guint64 counts[GDCI_MAX_DIMS];
  guint n = 1;

  for (guint i = 1; i < self->n_dims; i++)
    {
      counts[i] = (self->frame_shape[i] + self->chunk[i] - 1) / self->chunk[i];
      n *= (guint) counts[i];
    }
  item->n_tiles = n;
  item->tiles = g_new0 (GdciStreamTile, n);
  for (guint t = 0; t < n; t++)
    {
      GdciStreamTile *tile = &item->tiles[t];
      guint rest = t;

      tile->offset[0] = item->first_frame;
      tile->extent[0] = item->n_frames;
      for (guint i = self->n_dims - 1; i >= 1; i--)
        {
          guint64 index = rest % counts[i];

          rest /= (guint) counts[i];
          tile->offset[i] = index * self->chunk[i];
          tile->extent[i] = MIN (self->chunk[i], self->frame_shape[i] - tile->offset[i]);
        }
    }
}

static gboolean
encode_tile (GdciH5Stream   *self,
             GdciCodec      *codec,
             GdciStreamItem *item,
             GdciStreamTile *tile)
{
  guint64 row_shape[GDCI_MAX_DIMS];
  gint64 strides[GDCI_MAX_DIMS];
  const guint8 *src = item->data;
  const guint8 *encoded;

  row_shape[0] = self->chunk[0];
  for (guint i = 1; i < self->n_dims; i++)
    row_shape[i] = self->frame_shape[i];
  _gdci_c_strides (row_shape, self->n_dims, self->itemsize, strides);
  for (guint i = 1; i < self->n_dims; i++)
    src += tile->offset[i] * (guint64) strides[i];
  encoded = _gdci_codec_encode_box (codec, self->n_dims, self->chunk, tile->extent, src,
                                    strides, &tile->n_encoded);
  if (encoded == NULL)
    return FALSE;
  /* within the codec's bound: a failed encoding otherwise */
  tile->encoded = tile->n_encoded <= self->encoded_bytes ? take_encoded (self) : NULL;
  if (tile->encoded == NULL)
    return FALSE;
  memcpy (tile->encoded, encoded, tile->n_encoded);
  return TRUE;
}

typedef struct
{
  GdciH5Stream *stream;
  GdciStreamItem *item;
  guint tile;
} TileTask;

/* The compressing threads give way to the app's: the thread that appends
 * gets a processor as soon as it needs one, and does not wait for
 * compression that can run a moment later. The streams of a process share
 * them, as many as there are processors (or as a stream's n-threads asks),
 * so that a lock they take is never held by one of many threads waiting
 * for a processor. The writing threads, which share their stream's mutex
 * with the appending thread, keep the process's priority. */
#define BACKGROUND_NICENESS 10

static GThreadPool *compressing_pool;
G_LOCK_DEFINE_STATIC (compressing_pool);

static void
run_in_background (void)
{
  static GPrivate lowered;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
#ifdef SYS_gettid
  /* Linux gives each thread its own niceness: an error leaves it as it is */
  (void) setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), BACKGROUND_NICENESS);
#endif
}

static void
encode_in_pool (gpointer data,
                gpointer user_data)
{
  TileTask *task = data;
  GdciH5Stream *self = task->stream;
  GdciCodec *codec;

  run_in_background ();
  /* at most n-threads tiles of a stream at once: one per codec */
  codec = g_async_queue_pop (self->codecs);
  if (!encode_tile (self, codec, task->item, &task->item->tiles[task->tile]))
    task->item->failed = TRUE;
  g_async_queue_push (self->codecs, codec);
  /* the last use of the stream: once the writing thread sees the count at
   * zero, the stream may be closed and freed */
  g_mutex_lock (&self->mutex);
  if (--task->item->n_pending == 0)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_free (task);
}

/* The shared pool, with @n_threads threads or more */
static GThreadPool *
get_compressing_pool (guint    n_threads,
                      GError **error)
{
  GThreadPool *pool;

  G_LOCK (compressing_pool);
  if (compressing_pool == NULL)
    /* threads of its own: their priority is the streams' */
    compressing_pool = g_thread_pool_new (encode_in_pool, NULL, (int) n_threads, TRUE, error);
  else if ((guint) g_thread_pool_get_max_threads (compressing_pool) < n_threads &&
           !g_thread_pool_set_max_threads (compressing_pool, (int) n_threads, error))
    {
      G_UNLOCK (compressing_pool);
      return NULL;
    }
  pool = compressing_pool;
  G_UNLOCK (compressing_pool);
  return pool;
}

void
_gdci_h5_stream_push (GdciH5Stream   *self,
                      GdciStreamItem *item)
{
  if (item->kind == GDCI_STREAM_SLAB)
    {
      split_tiles (self, item);
      self->backlog_bytes += self->slab_bytes;
      item->n_pending = item->n_tiles;
      for (guint t = 0; t < item->n_tiles; t++)
        {
          TileTask *task = g_new (TileTask, 1);

          task->stream = self;
          task->item = item;
          task->tile = t;
          g_thread_pool_push (self->pool, task, NULL);
        }
    }
  g_queue_push_tail (&self->queue, item);
  g_cond_broadcast (&self->cond);
}

GdciStreamItem *
_gdci_h5_stream_snapshot (GdciH5Stream       *self,
                          GdciStreamItemKind  kind)
{
  GdciStreamItem *filling = self->filling;
  GdciStreamItem *item = g_new0 (GdciStreamItem, 1);

  /* appends add frames after these and the row is freed after this item,
   * the writing thread taking items in order: the frames are read where
   * they are, with no copy while appends wait for the mutex */
  item->kind = kind;
  item->first_frame = filling->first_frame;
  item->n_frames = filling->n_frames;
  item->frames_total = self->frames_appended;
  item->data = filling->data;
  item->borrowed = TRUE;
  self->frames_flush_asked = self->frames_appended;
  return item;
}

/* ---- the writing thread ------------------------------------------------------ */

/* Sets the dataset's extent to @frames if it is larger */
static gboolean
grow (GdciH5Stream  *self,
      guint64        frames,
      GError       **error)
{
  hsize_t dims[GDCI_MAX_DIMS];

  if (frames <= self->extent)
    return TRUE;
  dims[0] = frames;
  for (guint i = 1; i < self->n_dims; i++)
    dims[i] = self->frame_shape[i];
  if (H5Dset_extent (self->dataset, dims) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not extend '%s' in '%s'",
                          self->dataset_path, self->filename);
      return FALSE;
    }
  self->extent = frames;
  return TRUE;
}

static gboolean
write_row (GdciH5Stream    *self,
           GdciStreamItem  *item,
           GError         **error)
{
  guint64 written = 0;

  if (item->failed)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not compress frames for '%s'",
                   self->filename);
      return FALSE;
    }
  if (!grow (self, item->first_frame + item->n_frames, error))
    return FALSE;
  for (guint t = 0; t < item->n_tiles; t++)
    {
      GdciStreamTile *tile = &item->tiles[t];
      hsize_t offset[GDCI_MAX_DIMS];

      for (guint i = 0; i < self->n_dims; i++)
        offset[i] = tile->offset[i];
      if (H5Dwrite_chunk (self->dataset, H5P_DEFAULT, 0, offset, tile->n_encoded,
                          tile->encoded) < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not write frames to '%s'",
                              self->filename);
          return FALSE;
        }
      written += tile->n_encoded;
    }
  if (!_gdci_h5_stream_check_io (self, error))
    return FALSE;
  g_mutex_lock (&self->mutex);
  self->bytes_written += written;
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/* The row being filled, its extent, and everything before: flushed to the
 * file and synced */
static gboolean
make_durable (GdciH5Stream    *self,
              GdciStreamItem  *item,
              GError         **error)
{
  if (item->n_frames > 0)
    {
      split_tiles (self, item);
      for (guint t = 0; t < item->n_tiles; t++)
        if (!encode_tile (self, self->io_codec, item, &item->tiles[t]))
          item->failed = TRUE;
      if (!write_row (self, item, error))
        return FALSE;
    }
  if (!grow (self, item->frames_total, error))
    return FALSE;
  if (H5Fflush (self->file, H5F_SCOPE_LOCAL) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not flush '%s'", self->filename);
      return FALSE;
    }
  if (!_gdci_h5_stream_check_io (self, error))
    return FALSE;
  if (self->fd >= 0 && fdatasync (self->fd) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not sync '%s': %s",
                   self->filename, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
fail (GdciH5Stream *self,
      GError       *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

/* With the mutex held: what the writing thread does next, in order; an
 * automatic flush is queued when it is time for one */
static GdciStreamItem *
next_item (GdciH5Stream *self)
{
  for (;;)
    {
      GdciStreamItem *head;
      gboolean unflushed = self->frames_appended > self->frames_flush_asked;

      if (unflushed && self->error == NULL && !self->closing &&
          g_get_monotonic_time () >= self->next_auto_flush)
        {
          _gdci_h5_stream_push (self, _gdci_h5_stream_snapshot (self, GDCI_STREAM_FLUSH));
          self->next_auto_flush = g_get_monotonic_time () +
                                  (gint64) (self->flush_interval * G_USEC_PER_SEC);
        }
      head = g_queue_peek_head (&self->queue);
      if (head != NULL && (head->kind != GDCI_STREAM_SLAB ||
                           head->n_pending == 0))
        return g_queue_pop_head (&self->queue);
      if (unflushed && self->error == NULL && !self->closing)
        g_cond_wait_until (&self->cond, &self->mutex, self->next_auto_flush);
      else
        g_cond_wait (&self->cond, &self->mutex);
    }
}

static void
finish_item (GdciH5Stream   *self,
             GdciStreamItem *item,
             GError         *error)
{
  g_mutex_lock (&self->mutex);
  if (item->kind == GDCI_STREAM_SLAB)
    self->backlog_bytes -= self->slab_bytes;
  else if (error == NULL && self->error == NULL)
    {
      self->frames_durable = MAX (self->frames_durable, item->frames_total);
      self->next_auto_flush = g_get_monotonic_time () +
                              (gint64) (self->flush_interval * G_USEC_PER_SEC);
      _gdci_h5_stream_tell_flushed (self, self->frames_durable);
    }
  if (error != NULL)
    fail (self, error);
  if (item->waiter != NULL)
    {
      if (self->error != NULL)
        item->waiter->error = g_error_copy (self->error);
      item->waiter->done = TRUE;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  _gdci_h5_stream_item_free (self, item);
}

static gpointer
write_frames (gpointer data)
{
  GdciH5Stream *self = data;
  gboolean closed = FALSE;

  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  while (!closed)
    {
      GdciStreamItem *item;
      GError *error = NULL;
      gboolean failed;

      g_mutex_lock (&self->mutex);
      item = next_item (self);
      failed = self->error != NULL;
      g_mutex_unlock (&self->mutex);

      closed = item->kind == GDCI_STREAM_CLOSE;
      if (!failed)
        {
          if (item->kind == GDCI_STREAM_SLAB)
            write_row (self, item, &error);
          else
            make_durable (self, item, &error);
        }
      finish_item (self, item, error);
      if (!closed)
        top_up_spare_rows (self);
    }
  return NULL;
}

gboolean
_gdci_h5_stream_start (GdciH5Stream  *self,
                       GError       **error)
{
  guint n_threads = self->n_threads > 0 ? self->n_threads : g_get_num_processors ();

  self->codecs = g_async_queue_new_full ((GDestroyNotify) _gdci_codec_free);
  for (guint i = 0; i < n_threads; i++)
    {
      GdciCodec *codec = _gdci_codec_new (&self->codec_settings, error);

      if (codec == NULL)
        return FALSE;
      /* now, in the thread that makes the stream, rather than while
       * frames arrive */
      _gdci_codec_fault_in (codec);
      g_async_queue_push (self->codecs, codec);
    }
  self->io_codec = _gdci_codec_new (&self->codec_settings, error);
  if (self->io_codec == NULL)
    return FALSE;
  _gdci_codec_fault_in (self->io_codec);
  self->pool = get_compressing_pool (MAX (n_threads, g_get_num_processors ()), error);
  if (self->pool == NULL)
    return FALSE;
  self->spare_rows = g_async_queue_new_full (_gdci_free_large);
  top_up_spare_rows (self);
  /* one for each codec's chunk in flight, faulted in now */
  self->encoded_bytes = _gdci_codec_encoded_bound (self->io_codec);
  self->spare_encoded = g_async_queue_new_full (_gdci_free_large);
  for (guint i = 0; i <= n_threads; i++)
    {
      guint8 *memory = _gdci_try_alloc_large (self->encoded_bytes);

      if (memory == NULL)
        break;
      _gdci_fault_in (memory, self->encoded_bytes);
      g_async_queue_push (self->spare_encoded, memory);
    }
  self->filling = _gdci_h5_stream_item_new (self, GDCI_STREAM_SLAB, 0);
  if (self->filling->data == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not allocate %" G_GSIZE_FORMAT " bytes for a row of chunks",
                   self->slab_bytes);
      return FALSE;
    }
  self->next_auto_flush = g_get_monotonic_time () +
                          (gint64) (self->flush_interval * G_USEC_PER_SEC);
  self->io_thread = g_thread_try_new ("gdci-stream", write_frames, self, error);
  return self->io_thread != NULL;
}

void
_gdci_h5_stream_stop (GdciH5Stream *self)
{
  if (self->io_thread != NULL)
    g_thread_join (g_steal_pointer (&self->io_thread));
  /* the writing thread has taken every row, each once its tiles were
   * compressed: no task of the shared pool holds this stream */
  self->pool = NULL;
  g_clear_pointer (&self->codecs, g_async_queue_unref);
  g_clear_pointer (&self->io_codec, _gdci_codec_free);
  _gdci_h5_stream_item_free (self, g_steal_pointer (&self->filling));
  while (!g_queue_is_empty (&self->queue))
    _gdci_h5_stream_item_free (self, g_queue_pop_head (&self->queue));
  g_clear_pointer (&self->spare_rows, g_async_queue_unref);
  g_clear_pointer (&self->spare_encoded, g_async_queue_unref);
}
