/* gdci-array-iterator.h: a data source in memory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include "gdci-chunk-iterator.h"

G_BEGIN_DECLS

#define GDCI_TYPE_ARRAY_ITERATOR (gdci_array_iterator_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciArrayIterator, gdci_array_iterator,
                      GDCI, ARRAY_ITERATOR, GdciChunkIterator)

GDCI_AVAILABLE_IN_1_0
GdciChunkIterator *gdci_array_iterator_new (GBytes         *data,
                                            GdciDtype       dtype,
                                            const guint64  *shape,
                                            guint           n_dims,
                                            GError        **error);

G_END_DECLS
