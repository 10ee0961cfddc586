/* gdci-memory-private.h: large blocks of memory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Memory for buffers, strips and chunks: on huge pages when large; NULL
 * when out of memory. Freed with _gdci_free_large() only. */
gpointer    _gdci_try_alloc_large           (gsize          size);
/* Frees a block of _gdci_try_alloc_large(); NULL is ignored */
void        _gdci_free_large                (gpointer       memory);
/* Faults in the pages of a large block that is about to be filled, on
 * several processors at once */
void        _gdci_prefault                  (gpointer       memory,
                                             gsize          size);
/* Faults in every page of a block, of any size, in the calling thread: so
 * that a thread whose latency matters does not pay for them later */
void        _gdci_fault_in                  (gpointer       memory,
                                             gsize          size);

G_END_DECLS
