/* gdci-h5-chunk-decode.c: a raw-chunk read decoded on several threads
 *
 * HDF5 1.10 lets one thread at a time into the library, so the calling
 * thread makes every HDF5 call: it finds the chunks the box touches and
 * reads their stored bytes, in order, into one chunk's room ahead of the
 * decoding threads. Each decoding thread takes the chunk read ahead into
 * its own decoder (a copy of the stored bytes, which frees the room for
 * the next read at once), undoes its filters and copies its part of the
 * box out; the parts of two chunks never overlap. The stored bytes in
 * memory are thus one chunk's per decoding thread and one read ahead.
 *
 * The first error (a damaged chunk, a chunk HDF5 cannot read, memory)
 * stops everyone; the read returns once every thread is joined.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-copy-private.h"
#include "gdci-error.h"
#include "gdci-h5-chunk-decode-private.h"
#include "gdci-memory-private.h"

/* More threads than this are not started, whatever is asked */
#define MAX_WORKERS 256

struct _GdciH5ChunkDecode
{
  guint n_decoders;
  GdciDecoder **decoders;       /* [0] is the reader's own, borrowed */
  guint8 *ahead;                /* room for the stored chunk read ahead */
};

void
_gdci_h5_chunk_decode_free (GdciH5ChunkDecode *decode)
{
  if (decode == NULL)
    return;
  for (guint i = 1; i < decode->n_decoders; i++)
    _gdci_decoder_free (decode->decoders[i]);
  g_free (decode->decoders);
  _gdci_free_large (decode->ahead);
  g_free (decode);
}

void
_gdci_h5_chunk_box_offset (const GdciH5ChunkBox *box,
                           guint64               index,
                           guint64              *offset)
{
  for (guint i = box->n_dims; i-- > 0;)
    {
      guint64 along = box->last[i] - box->first[i] + 1;

      offset[i] = (box->first[i] + index % along) * box->chunk_shape[i];
      index /= along;
    }
}

void
_gdci_h5_chunk_box_copy (const GdciH5ChunkBox *box,
                         const guint64        *offset,
                         const guint8         *elements)
{
  guint64 extent[GDCI_MAX_DIMS];
  guint8 *dst = box->dest;

  for (guint i = 0; i < box->n_dims; i++)
    {
      guint64 lo = MAX (box->start[i], offset[i]);
      guint64 hi = MIN (box->start[i] + box->count[i], offset[i] + box->chunk_shape[i]);

      extent[i] = hi - lo;
      dst += (lo - box->start[i]) * (guint64) box->dest_strides[i];
      elements += (lo - offset[i]) * (guint64) box->chunk_strides[i];
    }
  _gdci_copy_box (box->n_dims, extent, box->itemsize, elements, box->chunk_strides, dst,
                  box->dest_strides);
}

guint
_gdci_h5_chunk_decode_n_workers (GdciH5Chunks         *chunks,
                                 const GdciH5ChunkBox *box,
                                 guint                 n_threads)
{
  guint64 bound = _gdci_h5_chunks_stored_bound (chunks);
  guint64 per_worker, fit;

  if (n_threads == 0)
    n_threads = (guint) MAX (1, g_get_num_processors ());
  n_threads = MIN (n_threads, MAX_WORKERS);
  /* a decoder holds a stored chunk and two stages of decoding, none larger
   * than a stored chunk can be; and one more stored chunk is read ahead */
  if (!g_uint64_checked_mul (&per_worker, bound, 3) ||
      bound >= GDCI_H5_DECODE_SCRATCH_BYTES)
    return 1;
  fit = (GDCI_H5_DECODE_SCRATCH_BYTES - bound) / MAX (per_worker, 1);
  return (guint) MAX (1, MIN (MIN ((guint64) n_threads, box->n_chunks), fit));
}

/* A decoder for each of @n_workers threads, kept for the next reads */
static gboolean
ensure_decoders (GdciH5Chunks       *chunks,
                 GdciH5ChunkDecode **decode_p,
                 guint               n_workers,
                 GError            **error)
{
  GdciH5ChunkDecode *decode = *decode_p;

  if (decode == NULL)
    {
      decode = *decode_p = g_new0 (GdciH5ChunkDecode, 1);
      decode->decoders = g_new0 (GdciDecoder *, 1);
      decode->decoders[0] = _gdci_h5_chunks_get_decoder (chunks);
      decode->n_decoders = 1;
    }
  if (decode->n_decoders >= n_workers)
    return TRUE;
  decode->decoders = g_renew (GdciDecoder *, decode->decoders, n_workers);
  while (decode->n_decoders < n_workers)
    {
      GdciDecoder *decoder = _gdci_h5_chunks_new_decoder (chunks, error);

      if (decoder == NULL)
        return FALSE;
      decode->decoders[decode->n_decoders++] = decoder;
    }
  return TRUE;
}

typedef enum
{
  AHEAD_FREE,           /* the calling thread may read into it */
  AHEAD_FULL,           /* a chunk waits for a decoding thread */
  AHEAD_TAKEN,          /* a decoding thread copies it */
} AheadState;

typedef struct
{
  GdciH5Chunks *chunks;
  const GdciH5ChunkBox *box;
  GdciH5ChunkDecode *decode;

  GMutex lock;
  GCond filled;         /* a chunk was read ahead, or there are no more */
  GCond freed;          /* the chunk read ahead was taken */
  AheadState state;
  guint64 index;        /* the chunk read ahead: its place in the box, */
  gsize n_stored;       /* its stored bytes (0: never written) */
  guint32 filter_mask;  /* and the filters it skipped */
  gboolean finished;    /* every chunk was read */
  gboolean stop;
  GError *error;
} Read;

typedef struct
{
  Read *read;
  GdciDecoder *decoder;
  GThread *thread;
} Worker;

/* Records the first error and stops everyone. With the lock held. */
static void
fail_locked (Read   *r,
             GError *error)
{
  if (r->error == NULL)
    r->error = error;
  else
    g_error_free (error);
  r->stop = TRUE;
  g_cond_broadcast (&r->filled);
  g_cond_broadcast (&r->freed);
}

/* Waits for the chunk read ahead and takes it into @decoder: its place,
 * size and filter mask. FALSE when there are no more, or the read stops.
 * Called and returns with the lock held. */
static gboolean
take_chunk_locked (Read        *r,
                   GdciDecoder *decoder,
                   guint64     *index,
                   gsize       *n_stored,
                   guint32     *filter_mask)
{
  guint8 *input = NULL;

  while (!r->stop && r->state != AHEAD_FULL && !r->finished)
    g_cond_wait (&r->filled, &r->lock);
  if (r->stop || r->state != AHEAD_FULL)
    return FALSE;
  r->state = AHEAD_TAKEN;
  *index = r->index;
  *n_stored = r->n_stored;
  *filter_mask = r->filter_mask;
  g_mutex_unlock (&r->lock);

  if (*n_stored > 0)
    {
      input = _gdci_decoder_input (decoder);
      if (input != NULL)
        memcpy (input, r->decode->ahead, *n_stored);
    }

  g_mutex_lock (&r->lock);
  r->state = AHEAD_FREE;
  g_cond_signal (&r->freed);
  if (*n_stored > 0 && input == NULL)
    {
      fail_locked (r, g_error_new (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                   "Out of memory for a stored chunk of %" G_GUINT64_FORMAT
                                   " bytes", _gdci_h5_chunks_stored_bound (r->chunks)));
      return FALSE;
    }
  return TRUE;
}

/* A decoding thread: decodes the chunks it takes and copies them out */
static gpointer
decode_thread (gpointer data)
{
  Worker *self = data;
  Read *r = self->read;
  guint64 index;
  gsize n_stored;
  guint32 filter_mask;

  g_mutex_lock (&r->lock);
  while (take_chunk_locked (r, self->decoder, &index, &n_stored, &filter_mask))
    {
      guint64 offset[GDCI_MAX_DIMS];
      const guint8 *elements;
      GError *error = NULL;

      g_mutex_unlock (&r->lock);
      _gdci_h5_chunk_box_offset (r->box, index, offset);
      elements = _gdci_h5_chunks_decode (r->chunks, self->decoder, offset, n_stored,
                                         filter_mask, &error);
      if (elements != NULL)
        _gdci_h5_chunk_box_copy (r->box, offset, elements);
      g_mutex_lock (&r->lock);
      if (elements == NULL)
        {
          fail_locked (r, error);
          break;
        }
    }
  g_mutex_unlock (&r->lock);
  return NULL;
}

/* The calling thread: finds and reads every chunk, in order, into the
 * room ahead as soon as a decoding thread has taken the one before */
static void
read_chunks (Read *r)
{
  GdciH5ChunkDecode *decode = r->decode;

  for (guint64 index = 0; index < r->box->n_chunks; index++)
    {
      guint64 offset[GDCI_MAX_DIMS];
      GError *error = NULL;
      gsize n_stored = 0;
      guint32 filter_mask = 0;
      gboolean stop, ok;

      g_mutex_lock (&r->lock);
      while (!r->stop && r->state != AHEAD_FREE)
        g_cond_wait (&r->freed, &r->lock);
      stop = r->stop;
      g_mutex_unlock (&r->lock);
      if (stop)
        return;

      /* made once, when first needed: read_stored() tells when it is not */
      if (decode->ahead == NULL)
        decode->ahead = _gdci_try_alloc_large (_gdci_h5_chunks_stored_bound (r->chunks));
      _gdci_h5_chunk_box_offset (r->box, index, offset);
      ok = _gdci_h5_chunks_read_stored (r->chunks, offset, decode->ahead, &n_stored,
                                        &filter_mask, &error);

      g_mutex_lock (&r->lock);
      if (!ok)
        {
          fail_locked (r, error);
          g_mutex_unlock (&r->lock);
          return;
        }
      r->index = index;
      r->n_stored = n_stored;
      r->filter_mask = filter_mask;
      r->state = AHEAD_FULL;
      g_cond_signal (&r->filled);
      g_mutex_unlock (&r->lock);
    }
  g_mutex_lock (&r->lock);
  r->finished = TRUE;
  g_cond_broadcast (&r->filled);
  g_mutex_unlock (&r->lock);
}

/* Starts the decoding threads: how many started, with an error when none
 * could */
static guint
start_workers (Worker  *workers,
               guint    n_workers,
               GError **error)
{
  GError *local_error = NULL;
  guint n_started = 0;

  for (; n_started < n_workers; n_started++)
    {
      Worker *worker = &workers[n_started];

      worker->thread = g_thread_try_new ("gdci-decode", decode_thread, worker, &local_error);
      if (worker->thread == NULL)
        break;
    }
  /* fewer threads than asked still read the box */
  if (n_started == 0)
    {
      g_prefix_error (&local_error, "Could not start a thread: ");
      g_propagate_error (error, local_error);
    }
  else
    g_clear_error (&local_error);
  return n_started;
}

gboolean
_gdci_h5_chunk_decode_read (GdciH5Chunks          *chunks,
                            GdciH5ChunkDecode    **decode,
                            const GdciH5ChunkBox  *box,
                            guint                  n_workers,
                            GError               **error)
{
  Read r = { .chunks = chunks, .box = box, .state = AHEAD_FREE };
  g_autofree Worker *workers = NULL;
  guint n_started;

  g_return_val_if_fail (n_workers >= 2 && n_workers <= MAX_WORKERS, FALSE);

  if (!ensure_decoders (chunks, decode, n_workers, error))
    return FALSE;
  r.decode = *decode;
  g_mutex_init (&r.lock);
  g_cond_init (&r.filled);
  g_cond_init (&r.freed);
  workers = g_new0 (Worker, n_workers);
  for (guint w = 0; w < n_workers; w++)
    {
      workers[w].read = &r;
      workers[w].decoder = r.decode->decoders[w];
    }

  n_started = start_workers (workers, n_workers, &r.error);
  if (n_started > 0)
    read_chunks (&r);
  for (guint w = 0; w < n_started; w++)
    g_thread_join (workers[w].thread);

  g_cond_clear (&r.freed);
  g_cond_clear (&r.filled);
  g_mutex_clear (&r.lock);
  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }
  return TRUE;
}
