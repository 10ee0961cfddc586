/* gdci-buffer-pool-private.h: buffer memory reused from one buffer to the next
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Buffer memory for the sources: a buffer's memory, once its GBytes is
 * let go of, serves the next buffer instead of going back to the system
 * (and coming back as new pages the kernel must clear). At most one such
 * spare is kept. */
typedef struct _GdciBufferPool GdciBufferPool;

GdciBufferPool *_gdci_buffer_pool_new    (void);
void            _gdci_buffer_pool_unref  (GdciBufferPool *pool);
/* Frees the spare, when no buffer will follow for a while */
void            _gdci_buffer_pool_drain  (GdciBufferPool *pool);

/* The memory of one buffer, from a pool, while a source fills it */
typedef struct
{
  guint8 *data;
  /*< private >*/
  GdciBufferPool *pool;
  gsize capacity;              /* 0: not kept for the next buffer */
} GdciBufferLease;

/* NULL when out of memory */
GdciBufferLease *_gdci_buffer_pool_alloc     (GdciBufferPool  *pool,
                                              gsize            size);
/* The first @size bytes of the lease, which it takes; the memory goes
 * back to the pool when the GBytes is freed */
GBytes          *_gdci_buffer_lease_to_bytes (GdciBufferLease *lease,
                                              gsize            size);
/* Gives the memory back to the pool, for a buffer that failed */
void             _gdci_buffer_lease_free     (GdciBufferLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciBufferLease, _gdci_buffer_lease_free)

G_END_DECLS
