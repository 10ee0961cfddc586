/* gdci-chunk-iterator-private.h: what the sources and the writer use of the iterator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator.h"
#include "gdci-plan.h"

G_BEGIN_DECLS

gboolean    _gdci_chunk_iterator_is_initialized (GdciChunkIterator *self);
/* Memory for a buffer of @size bytes, from the iterator's pool; make a
 * GBytes of it with _gdci_buffer_lease_to_bytes() once it is filled */
GdciBufferLease *_gdci_chunk_iterator_alloc_buffer (GdciChunkIterator  *self,
                                                    gsize               size,
                                                    GError            **error);
/* The bytes of @selection's elements of @dtype, for a source's get_data():
 * FALSE with GDCI_ERROR_OVERFLOW when they do not fit in a gsize */
gboolean    _gdci_chunk_iterator_selection_bytes (GdciSelection  *selection,
                                                  GdciDtype       dtype,
                                                  gsize          *n_bytes,
                                                  GError        **error);

/* Called instead of emitting GdciChunkIterator::progress, in the thread
 * that reads, while the iterator is in use by its owner */
typedef void (*GdciProgressHook) (GdciChunkIterator *self,
                                  guint64            buffers_done,
                                  guint64            n_buffers,
                                  gpointer           user_data);

/* The iterator's pending flag, as GInputStream's: between begin and end,
 * the public next() and reset() fail with GDCI_ERROR_BUSY, and a second
 * begin_use() too. The owner reads with the _owned variants, from any one
 * thread at a time; their progress goes to @hook (may be NULL: then the
 * signal is emitted in the reading thread). */
gboolean    _gdci_chunk_iterator_begin_use   (GdciChunkIterator  *self,
                                              GdciProgressHook    hook,
                                              gpointer            hook_data,
                                              GError            **error);
void        _gdci_chunk_iterator_end_use     (GdciChunkIterator  *self);
/* While in use: the owner reads the buffers of @plan (of the iterator's
 * shape and dtype, other chunk and buffer shapes) instead of the
 * iterator's own; NULL goes back to them. Cleared by end_use(). */
void        _gdci_chunk_iterator_set_read_plan (GdciChunkIterator *self,
                                                GdciPlan          *plan);
GdciDataChunk *_gdci_chunk_iterator_next_owned (GdciChunkIterator  *self,
                                                GError            **error);
void        _gdci_chunk_iterator_reset_owned (GdciChunkIterator  *self);
/* Emits GdciChunkIterator::progress in the calling thread, for the owner
 * that took it over with its hook */
void        _gdci_chunk_iterator_emit_progress (GdciChunkIterator *self,
                                                guint64            buffers_done,
                                                guint64            n_buffers);

/* ---- only for the iterator's own files, gdci-chunk-iterator*.c -------- */

typedef struct
{
  /* settings: construct-only properties */
  double buffer_gb;
  double chunk_mb;
  GVariant *buffer_shape;
  GVariant *chunk_shape;
  GdciPlanStrategy plan_strategy;
  gboolean display_progress;
  char *progress_description;

  /* set by GInitable.init() */
  gboolean init_done;
  GError *init_error;
  GdciPlan *plan;            /* the dtype and shapes, from the settings and the source */
  GdciPlan *read_plan;       /* the owner's buffers, while in use; or NULL */

  /* iteration */
  guint64 position;

  /* the memory of a buffer the consumer let go of, for the next one */
  GdciBufferPool *pool;

  /* in use by a write (atomic), whose hook takes the progress */
  gint in_use;
  GdciProgressHook progress_hook;
  gpointer progress_hook_data;
} GdciChunkIteratorPrivate;

GdciChunkIteratorPrivate *_gdci_chunk_iterator_get_private (GdciChunkIterator *self);
/* The private data of an initialized iterator; NULL, with a critical
 * warning naming @function, if it is not: a programmer's error */
GdciChunkIteratorPrivate *_gdci_chunk_iterator_initialized_private (GdciChunkIterator *self,
                                                                    const char        *function);
/* FALSE with GDCI_ERROR_NOT_INITIALIZED unless init succeeded */
gboolean    _gdci_chunk_iterator_check_initialized (GdciChunkIterator  *self,
                                                    GError            **error);
guint       _gdci_chunk_iterator_progress_signal (void);

G_END_DECLS
