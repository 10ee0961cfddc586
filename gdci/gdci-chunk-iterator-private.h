/* gdci-chunk-iterator-private.h: what the sources and the writer use of the iterator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator.h"

G_BEGIN_DECLS

gboolean    _gdci_chunk_iterator_is_initialized (GdciChunkIterator *self);
/* Memory for a buffer of @size bytes, from the iterator's pool; make a
 * GBytes of it with _gdci_buffer_lease_to_bytes() once it is filled */
GdciBufferLease *_gdci_chunk_iterator_alloc_buffer (GdciChunkIterator  *self,
                                                    gsize               size,
                                                    GError            **error);

G_END_DECLS
