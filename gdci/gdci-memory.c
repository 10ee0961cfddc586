/* gdci-memory.c: large blocks of memory for buffers, strips and chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "gdci-memory-private.h"

/* Large blocks go on huge pages where the system offers them: a 500 MB
 * buffer then costs some hundred page faults instead of a hundred
 * thousand. Blocks of some size start on a page, so that the HDF5 file
 * driver can write them with O_DIRECT.
 *
 * posix_memalign() rather than g_aligned_alloc(), which aborts when the
 * memory is not there: a buffer of a gigabyte that does not fit must
 * fail the read with an error, not end the program. Its blocks are
 * freed with free(), by _gdci_free_large(), and with nothing else. */
#define HUGE_PAGE_BYTES ((gsize) 2 * 1024 * 1024)
#define PAGE_ALIGNED_BYTES ((gsize) 64 * 1024)

gpointer
_gdci_try_alloc_large (gsize size)
{
  void *memory = NULL;

  if (size < PAGE_ALIGNED_BYTES)
    return g_try_malloc (MAX (size, 1));
  if (size < 2 * HUGE_PAGE_BYTES)
    return posix_memalign (&memory, 4096, size) == 0 ? memory : NULL;
  if (posix_memalign (&memory, HUGE_PAGE_BYTES, size) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise (memory, size - size % HUGE_PAGE_BYTES, MADV_HUGEPAGE);
#endif
  return memory;
}

void
_gdci_free_large (gpointer memory)
{
  /* g_try_malloc()'s blocks too: GLib's allocator is malloc() */
  free (memory);
}

/* Below this a block is faulted in by whoever fills it */
#define PREFAULT_MIN_BYTES ((gsize) 64 * 1024 * 1024)
#define PREFAULT_MAX_THREADS 8

typedef struct
{
  volatile guint8 *start;
  gsize size;
} PrefaultPart;

static gpointer
prefault_part (gpointer data)
{
  PrefaultPart *part = data;

  for (gsize offset = 0; offset < part->size; offset += 4096)
    part->start[offset] = 0;
  return NULL;
}

/* The first touch of a page is the kernel's work: it finds the page and
 * clears it. That costs some 0.1 s per GB on a plain machine, and on a
 * virtual machine whose host supplies memory on first use it can cost 2 s
 * per GB, more than reading and writing the data. Touching the parts of
 * a large buffer on every processor at once divides that time. Nothing is
 * wasted: the caller is about to write every byte. */
void
_gdci_prefault (gpointer memory,
                gsize    size)
{
  GThread *threads[PREFAULT_MAX_THREADS];
  PrefaultPart parts[PREFAULT_MAX_THREADS];
  guint n_parts;
  gsize part_size;

  if (size < PREFAULT_MIN_BYTES)
    return;
  n_parts = (guint) MIN ((gsize) g_get_num_processors (), PREFAULT_MAX_THREADS);
  n_parts = (guint) MIN ((gsize) n_parts, size / (PREFAULT_MIN_BYTES / 2));
  if (n_parts < 2)
    return;
  part_size = (size / n_parts + 4095) / 4096 * 4096;
  for (guint i = 0; i < n_parts; i++)
    {
      gsize start = MIN (size, i * part_size);

      parts[i].start = (guint8 *) memory + start;
      parts[i].size = MIN (part_size, size - start);
    }
  /* the first part in this thread; a thread that cannot start leaves its
   * part to be faulted in when it is filled */
  for (guint i = 1; i < n_parts; i++)
    threads[i] = g_thread_try_new ("gdci-prefault", prefault_part, &parts[i], NULL);
  prefault_part (&parts[0]);
  for (guint i = 1; i < n_parts; i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
}

void
_gdci_fault_in (gpointer memory,
                gsize    size)
{
  volatile guint8 *bytes = memory;

  for (gsize i = 0; bytes != NULL && i < size; i += 4096)
    bytes[i] = 0;
}
