/* gdci-h5-iterator.h: a dataset in an HDF5 file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include "gdci-chunk-iterator.h"

G_BEGIN_DECLS

#define GDCI_TYPE_H5_ITERATOR (gdci_h5_iterator_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciH5Iterator, gdci_h5_iterator,
                      GDCI, H5_ITERATOR, GdciChunkIterator)

GDCI_AVAILABLE_IN_1_0
GdciChunkIterator *gdci_h5_iterator_new (const char  *path,
                                         const char  *dataset,
                                         GError     **error);

GDCI_AVAILABLE_IN_1_0
guint              gdci_h5_iterator_get_n_threads (GdciH5Iterator *self);
GDCI_AVAILABLE_IN_1_0
void               gdci_h5_iterator_set_n_threads (GdciH5Iterator *self,
                                                   guint           n_threads);

G_END_DECLS
