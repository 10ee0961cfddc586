/* gdci-write-pipeline.c: the threads of a write
 *
 * A reader thread keeps one buffer read ahead; compression threads claim
 * the chunks of the current buffer in order and filter each into their
 * own codec; the calling thread writes the encoded chunks, in order, and
 * makes every HDF5 call. Where HDF5 filters the chunks itself (a fill of
 * a dataset whose filters gdci does not encode), there are no compression
 * threads, and the calling thread writes whole buffers. Each thing a thread waits for has its own
 * condition variable, so that a thread wakes only when what it waits for
 * may have changed; stopping wakes everyone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-chunk-iterator-private.h"
#include "gdci-copy-private.h"
#include "gdci-error.h"
#include "gdci-hdf5-private.h"
#include "gdci-write-pipeline-private.h"

typedef struct
{
  guint64 index;
  const guint8 *data;
  gsize size;
  gboolean ready;
} Slot;

typedef struct _Pipeline Pipeline;

/* A compression thread, and the codec its encoded chunks live in until the
 * writer has written them: freed only after the thread is joined, since
 * the writer may still be writing from it when the thread stops */
typedef struct
{
  Pipeline *pipeline;
  GThread *thread;
  GdciCodec *codec;
} Worker;

struct _Pipeline
{
  const GdciWriteSpec *spec;
  guint64 bytes_done;

  GMutex lock;
  GCond slot_free;        /* the read-ahead buffer was taken */
  GCond buffer_ready;     /* a buffer was read ahead, or the reader is done */
  GCond chunk_to_claim;   /* a buffer with chunks to claim was published */
  GCond chunk_encoded;    /* a slot is ready */
  GCond chunk_written;    /* the writer moved on */
  gboolean stop;
  GError *error;

  GThread *reader;
  GdciDataChunk *ready;          /* the read-ahead buffer */
  gboolean reader_finished;

  Worker *workers;
  GdciDataChunk *buffer;         /* the buffer being written */
  guint64 generation;
  guint64 buffer_start[GDCI_MAX_DIMS];
  guint64 buffer_extent[GDCI_MAX_DIMS];
  guint64 chunk_grid[GDCI_MAX_DIMS];
  gint64 buffer_strides[GDCI_MAX_DIMS];
  guint64 n_chunks;
  guint64 next_claim;
  guint64 next_write;
  Slot *slots;                   /* one per worker */
};

static guint fail_thread_start = G_MAXUINT;

void
_gdci_write_pipeline_fail_thread_start (guint index)
{
  fail_thread_start = index;
}

/* Stops everyone. Called with the lock held. */
static void
stop_locked (Pipeline *p)
{
  p->stop = TRUE;
  g_cond_broadcast (&p->slot_free);
  g_cond_broadcast (&p->buffer_ready);
  g_cond_broadcast (&p->chunk_to_claim);
  g_cond_broadcast (&p->chunk_encoded);
  g_cond_broadcast (&p->chunk_written);
}

/* Records the first error and stops everyone. Called with the lock held. */
static void
fail_locked (Pipeline *p,
             GError   *error)
{
  if (p->error == NULL)
    p->error = error;
  else
    g_error_free (error);
  stop_locked (p);
}

static void
fail (Pipeline *p,
      GError   *error)
{
  g_mutex_lock (&p->lock);
  fail_locked (p, error);
  g_mutex_unlock (&p->lock);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  fail (user_data, error);
}

/* The reader: keeps one buffer read ahead of the writer. */
static gpointer
reader_thread (gpointer data)
{
  Pipeline *p = data;

  for (;;)
    {
      GError *error = NULL;
      GdciDataChunk *chunk;
      gboolean stop;

      g_mutex_lock (&p->lock);
      while (p->ready != NULL && !p->stop)
        g_cond_wait (&p->slot_free, &p->lock);
      stop = p->stop;
      g_mutex_unlock (&p->lock);
      if (stop)
        return NULL;

      chunk = _gdci_chunk_iterator_next_owned (p->spec->iter, &error);

      g_mutex_lock (&p->lock);
      if (error != NULL)
        fail_locked (p, error);
      else if (chunk == NULL)
        p->reader_finished = TRUE;
      else if (p->stop)
        g_object_unref (chunk);
      else
        p->ready = chunk;
      g_cond_signal (&p->buffer_ready);
      stop = p->stop || chunk == NULL;
      g_mutex_unlock (&p->lock);
      if (stop)
        return NULL;
    }
}

/* Where chunk @index of the current buffer is: its place in the dataset,
 * its extent (smaller than a chunk at the data's edges) and its first
 * element in the buffer. */
static const guint8 *
locate_chunk (Pipeline *p,
              guint64   index,
              hsize_t  *offset,
              guint64  *extent)
{
  const GdciWriteSpec *spec = p->spec;
  const guint8 *data = g_bytes_get_data (gdci_data_chunk_get_data (p->buffer), NULL);

  for (guint i = spec->n_dims; i-- > 0;)
    {
      guint64 cell = index % p->chunk_grid[i];
      guint64 origin = cell * spec->chunk[i];

      index /= p->chunk_grid[i];
      offset[i] = p->buffer_start[i] + origin;
      extent[i] = MIN (spec->chunk[i], p->buffer_extent[i] - origin);
      data += origin * (guint64) p->buffer_strides[i];
    }
  return data;
}

/* Hands an encoded chunk to the writer and waits until it is written: its
 * bytes live in the thread's codec until then. With the lock held. */
static void
hand_over_locked (Pipeline     *p,
                  guint64       index,
                  guint64       generation,
                  const guint8 *encoded,
                  gsize         size)
{
  Slot *slot = &p->slots[index % p->spec->n_workers];

  slot->index = index;
  slot->data = encoded;
  slot->size = size;
  slot->ready = TRUE;
  g_cond_signal (&p->chunk_encoded);

  while (!p->stop && p->generation == generation && p->next_write <= index)
    g_cond_wait (&p->chunk_written, &p->lock);
}

/* A compression thread: claims the chunks of the current buffer in order,
 * filters each into its own codec, hands it to the writer and waits until
 * it is written. */
static gpointer
worker_thread (gpointer data)
{
  Worker *self = data;
  Pipeline *p = self->pipeline;
  const GdciWriteSpec *spec = p->spec;
  GError *error = NULL;

  self->codec = _gdci_codec_new (&spec->codec, &error);

  g_mutex_lock (&p->lock);
  if (self->codec == NULL)
    fail_locked (p, error);

  while (!p->stop)
    {
      hsize_t offset[GDCI_MAX_DIMS];
      guint64 extent[GDCI_MAX_DIMS];
      const guint8 *src, *encoded;
      guint64 index, generation;
      gsize size = 0;

      if (p->buffer == NULL || p->next_claim >= p->n_chunks)
        {
          g_cond_wait (&p->chunk_to_claim, &p->lock);
          continue;
        }
      index = p->next_claim++;
      generation = p->generation;
      src = locate_chunk (p, index, offset, extent);
      g_mutex_unlock (&p->lock);

      encoded = _gdci_codec_encode_box (self->codec, spec->n_dims, spec->chunk, extent, src,
                                        p->buffer_strides, &size);

      g_mutex_lock (&p->lock);
      if (encoded == NULL)
        {
          g_set_error (&error, GDCI_ERROR, GDCI_ERROR_FAILED,
                       "Out of memory while compressing a chunk of %"
                       G_GSIZE_FORMAT " bytes", spec->codec.chunk_bytes);
          fail_locked (p, error);
          break;
        }
      hand_over_locked (p, index, generation, encoded, size);
    }
  g_mutex_unlock (&p->lock);
  return NULL;
}

/* Waits for the next buffer from the reader. With the lock held. */
static GdciDataChunk *
take_buffer_locked (Pipeline *p)
{
  GdciDataChunk *chunk;

  while (p->ready == NULL && !p->reader_finished && !p->stop)
    g_cond_wait (&p->buffer_ready, &p->lock);
  chunk = g_steal_pointer (&p->ready);
  g_cond_signal (&p->slot_free);
  return chunk;
}

static void
publish_buffer_locked (Pipeline      *p,
                       GdciDataChunk *buffer)
{
  const GdciWriteSpec *spec = p->spec;
  GdciSelection *sel = gdci_data_chunk_get_selection (buffer);

  p->buffer = buffer;
  p->generation++;
  p->n_chunks = 1;
  for (guint i = 0; i < spec->n_dims; i++)
    {
      p->buffer_start[i] = gdci_selection_get_start (sel, i);
      p->buffer_extent[i] = gdci_selection_get_stop (sel, i) - p->buffer_start[i];
      p->chunk_grid[i] = (p->buffer_extent[i] + spec->chunk[i] - 1) / spec->chunk[i];
      p->n_chunks *= p->chunk_grid[i];
    }
  _gdci_c_strides (p->buffer_extent, spec->n_dims, gdci_dtype_get_itemsize (spec->dtype),
                   p->buffer_strides);
  p->next_claim = 0;
  p->next_write = 0;
  for (guint w = 0; w < spec->n_workers; w++)
    p->slots[w].ready = FALSE;
  g_cond_broadcast (&p->chunk_to_claim);
}

/* Right after an HDF5 write of @n_bytes of data, before any other HDF5
 * call (for HDF5's error stack): the error of a write that failed, HDF5's
 * or the file driver's (which HDF5 is not told); or the progress of one
 * that worked */
static gboolean
account_write (Pipeline  *p,
               gboolean   written,
               guint64    n_bytes,
               GError   **error)
{
  const GdciWriteSpec *spec = p->spec;

  if (!written)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not write to '%s'", spec->filename);
      return FALSE;
    }
  if (spec->io_error != NULL && *spec->io_error != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not write to '%s': %s",
                   spec->filename, g_strerror (*spec->io_error));
      return FALSE;
    }
  p->bytes_done += n_bytes;
  spec->written (p->bytes_done, spec->user_data);
  return TRUE;
}

/* Writes the chunk in @slot, without the lock */
static gboolean
write_chunk (Pipeline  *p,
             Slot      *slot,
             GError   **error)
{
  const GdciWriteSpec *spec = p->spec;
  hsize_t offset[GDCI_MAX_DIMS];
  guint64 extent[GDCI_MAX_DIMS];
  guint64 n_elements = 1;

  locate_chunk (p, slot->index, offset, extent);
  for (guint i = 0; i < spec->n_dims; i++)
    n_elements *= extent[i];
  return account_write (p, H5Dwrite_chunk (spec->dataset, H5P_DEFAULT, 0, offset,
                                           slot->size, slot->data) >= 0,
                        n_elements * gdci_dtype_get_itemsize (spec->dtype), error);
}

/* Without the lock: HDF5 writes @buffer, through its own filters, with
 * the conversion of its elements to the dataset's */
static gboolean
write_whole_buffer (Pipeline       *p,
                    GdciDataChunk  *buffer,
                    GError        **error)
{
  const GdciWriteSpec *spec = p->spec;
  GdciSelection *sel = gdci_data_chunk_get_selection (buffer);
  hsize_t start[GDCI_MAX_DIMS], count[GDCI_MAX_DIMS];
  hid_t file_space, mem_space;
  gsize n_bytes;
  const void *data = g_bytes_get_data (gdci_data_chunk_get_data (buffer), &n_bytes);
  gboolean ok;

  for (guint i = 0; i < spec->n_dims; i++)
    {
      start[i] = gdci_selection_get_start (sel, i);
      count[i] = gdci_selection_get_stop (sel, i) - start[i];
    }
  file_space = H5Dget_space (spec->dataset);
  mem_space = H5Screate_simple ((int) spec->n_dims, count, NULL);
  ok = account_write (p, file_space >= 0 && mem_space >= 0 &&
                          H5Sselect_hyperslab (file_space, H5S_SELECT_SET, start, NULL,
                                               count, NULL) >= 0 &&
                          H5Dwrite (spec->dataset, _gdci_h5_native_type (spec->dtype),
                                    mem_space, file_space, H5P_DEFAULT, data) >= 0,
                     n_bytes, error);
  _gdci_h5_close (mem_space);
  _gdci_h5_close (file_space);
  return ok;
}

/* The writer, where HDF5 filters: writes every buffer in order */
static void
write_whole_buffers (Pipeline *p)
{
  g_mutex_lock (&p->lock);
  while (!p->stop)
    {
      GdciDataChunk *buffer = take_buffer_locked (p);
      GError *error = NULL;
      gboolean ok;

      if (buffer == NULL)
        break;
      g_mutex_unlock (&p->lock);
      ok = write_whole_buffer (p, buffer, &error);
      g_object_unref (buffer);
      g_mutex_lock (&p->lock);
      if (!ok)
        fail_locked (p, error);
    }
  stop_locked (p);
  g_mutex_unlock (&p->lock);
}

/* The writer: writes the chunks of every buffer in order. */
static void
write_buffers (Pipeline *p)
{
  if (!p->spec->direct)
    {
      write_whole_buffers (p);
      return;
    }
  g_mutex_lock (&p->lock);
  while (!p->stop)
    {
      GdciDataChunk *buffer = take_buffer_locked (p);

      if (buffer == NULL)
        break;
      publish_buffer_locked (p, buffer);

      while (!p->stop && p->next_write < p->n_chunks)
        {
          Slot *slot = &p->slots[p->next_write % p->spec->n_workers];
          GError *error = NULL;
          gboolean ok;

          if (!slot->ready || slot->index != p->next_write)
            {
              g_cond_wait (&p->chunk_encoded, &p->lock);
              continue;
            }
          g_mutex_unlock (&p->lock);
          ok = write_chunk (p, slot, &error);
          g_mutex_lock (&p->lock);
          if (!ok)
            {
              fail_locked (p, error);
              break;
            }
          slot->ready = FALSE;
          p->next_write++;
          g_cond_broadcast (&p->chunk_written);
        }

      /* every chunk of it is written: no thread reads the buffer now (when
       * stopping, compression threads may still be at it: it is released
       * after they are joined) */
      if (!p->stop)
        g_clear_object (&p->buffer);
    }
  stop_locked (p);
  g_mutex_unlock (&p->lock);
}

static GThread *
start_thread (Pipeline      *p,
              guint          index,
              const char    *name,
              GThreadFunc    func,
              gpointer       data)
{
  GError *error = NULL;
  GThread *thread = NULL;

  if (index == fail_thread_start)
    g_set_error_literal (&error, G_THREAD_ERROR, G_THREAD_ERROR_AGAIN,
                         "Resource temporarily unavailable");
  else
    thread = g_thread_try_new (name, func, data, &error);
  if (thread == NULL)
    {
      g_prefix_error (&error, "Could not start a thread: ");
      /* under the lock: the cancel handler may be failing at the same time */
      fail (p, error);
    }
  return thread;
}

static void
run_threads (Pipeline *p)
{
  const GdciWriteSpec *spec = p->spec;

  p->reader = start_thread (p, 0, "gdci-reader", reader_thread, p);
  if (p->reader == NULL)
    return;
  for (guint w = 0; w < spec->n_workers; w++)
    {
      p->workers[w].pipeline = p;
      p->workers[w].thread = start_thread (p, w + 1, "gdci-compress", worker_thread,
                                           &p->workers[w]);
      if (p->workers[w].thread == NULL)
        break;
    }

  write_buffers (p);

  g_thread_join (p->reader);
  for (guint w = 0; w < spec->n_workers && p->workers[w].thread != NULL; w++)
    g_thread_join (p->workers[w].thread);
}

gboolean
_gdci_write_pipeline_run (const GdciWriteSpec  *spec,
                          GError              **error)
{
  Pipeline p = { .spec = spec };
  gulong cancelled_id = 0;
  gboolean ok;

  g_mutex_init (&p.lock);
  g_cond_init (&p.slot_free);
  g_cond_init (&p.buffer_ready);
  g_cond_init (&p.chunk_to_claim);
  g_cond_init (&p.chunk_encoded);
  g_cond_init (&p.chunk_written);
  p.workers = g_new0 (Worker, spec->n_workers);
  p.slots = g_new0 (Slot, spec->n_workers);

  if (spec->cancellable != NULL)
    cancelled_id = g_cancellable_connect (spec->cancellable, G_CALLBACK (on_cancelled),
                                          &p, NULL);
  run_threads (&p);
  /* after this, the handler is not running and will not run */
  g_cancellable_disconnect (spec->cancellable, cancelled_id);

  /* now nothing writes from the codecs any more */
  for (guint w = 0; w < spec->n_workers; w++)
    g_clear_pointer (&p.workers[w].codec, _gdci_codec_free);
  g_clear_object (&p.ready);
  g_clear_object (&p.buffer);

  ok = p.error == NULL;
  if (ok && p.bytes_done != spec->bytes_total)
    {
      g_set_error (&p.error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The iterator gave %" G_GUINT64_FORMAT " of the %"
                   G_GUINT64_FORMAT " bytes of the dataset", p.bytes_done,
                   spec->bytes_total);
      ok = FALSE;
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&p.error));

  g_free (p.slots);
  g_free (p.workers);
  g_cond_clear (&p.chunk_written);
  g_cond_clear (&p.chunk_encoded);
  g_cond_clear (&p.chunk_to_claim);
  g_cond_clear (&p.buffer_ready);
  g_cond_clear (&p.slot_free);
  g_mutex_clear (&p.lock);
  return ok;
}
