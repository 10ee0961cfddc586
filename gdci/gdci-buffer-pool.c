/* gdci-buffer-pool.c: recycling the memory of buffers
 *
 * A 500 MB buffer from malloc() is fresh memory: the kernel faults in and
 * clears every page of it, for every buffer. Keeping the memory of a buffer
 * the consumer let go of, and filling the next buffer into it, saves that
 * work without holding more memory than the buffers themselves need.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-memory-private.h"

/* Smaller buffers are cheap to allocate: not worth keeping */
#define MIN_RECYCLED_BYTES ((gsize) 1024 * 1024)

struct _GdciBufferPool
{
  gatomicrefcount ref_count;
  GMutex lock;
  guint8 *spare;
  gsize spare_capacity;
};

GdciBufferPool *
_gdci_buffer_pool_new (void)
{
  GdciBufferPool *pool = g_new0 (GdciBufferPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  g_mutex_init (&pool->lock);
  return pool;
}

static GdciBufferPool *
pool_ref (GdciBufferPool *pool)
{
  g_atomic_ref_count_inc (&pool->ref_count);
  return pool;
}

void
_gdci_buffer_pool_unref (GdciBufferPool *pool)
{
  if (!g_atomic_ref_count_dec (&pool->ref_count))
    return;
  _gdci_free_large (pool->spare);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

void
_gdci_buffer_pool_drain (GdciBufferPool *pool)
{
  guint8 *spare;

  g_mutex_lock (&pool->lock);
  spare = g_steal_pointer (&pool->spare);
  pool->spare_capacity = 0;
  g_mutex_unlock (&pool->lock);
  _gdci_free_large (spare);
}

GdciBufferLease *
_gdci_buffer_pool_alloc (GdciBufferPool *pool,
                         gsize           size)
{
  guint8 *memory = NULL;
  gsize capacity = MAX (size, 1);
  GdciBufferLease *lease;

  g_mutex_lock (&pool->lock);
  if (pool->spare != NULL && pool->spare_capacity >= size)
    {
      memory = g_steal_pointer (&pool->spare);
      capacity = pool->spare_capacity;
      pool->spare_capacity = 0;
    }
  g_mutex_unlock (&pool->lock);

  if (memory == NULL)
    {
      memory = _gdci_try_alloc_large (capacity);
      if (memory == NULL)
        return NULL;
      _gdci_prefault (memory, size);
    }

  lease = g_new (GdciBufferLease, 1);
  lease->data = memory;
  lease->pool = pool_ref (pool);
  lease->capacity = capacity >= MIN_RECYCLED_BYTES ? capacity : 0;
  return lease;
}

/* The memory of a buffer let go of becomes the spare if it is the larger,
 * so that the next buffer of any size up to it needs no new pages. One
 * spare, taken by the next buffer, adds no memory beyond what the largest
 * buffers need. */
void
_gdci_buffer_lease_free (GdciBufferLease *lease)
{
  GdciBufferPool *pool = lease->pool;
  guint8 *drop = lease->data;

  if (lease->capacity > 0)
    {
      g_mutex_lock (&pool->lock);
      if (lease->capacity >= pool->spare_capacity)
        {
          guint8 *smaller = g_steal_pointer (&pool->spare);

          pool->spare = g_steal_pointer (&drop);
          pool->spare_capacity = lease->capacity;
          drop = smaller;
        }
      g_mutex_unlock (&pool->lock);
    }

  _gdci_free_large (drop);
  _gdci_buffer_pool_unref (pool);
  g_free (lease);
}

GBytes *
_gdci_buffer_lease_to_bytes (GdciBufferLease *lease,
                             gsize            size)
{
  return g_bytes_new_with_free_func (lease->data, size,
                                     (GDestroyNotify) _gdci_buffer_lease_free, lease);
}
