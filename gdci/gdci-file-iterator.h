/* gdci-file-iterator.h: a raw array file, read with pread()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include "gdci-raw-file-iterator.h"

G_BEGIN_DECLS

#define GDCI_TYPE_FILE_ITERATOR (gdci_file_iterator_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciFileIterator, gdci_file_iterator,
                      GDCI, FILE_ITERATOR, GdciRawFileIterator)

GDCI_AVAILABLE_IN_1_0
GdciChunkIterator *gdci_file_iterator_new (const char     *path,
                                           GdciDtype       dtype,
                                           const guint64  *shape,
                                           guint           n_dims,
                                           guint64         offset,
                                           GdciOrder       order,
                                           GError        **error);
GDCI_AVAILABLE_IN_1_0
guint64            gdci_file_iterator_get_bytes_read (GdciFileIterator *self);

G_END_DECLS
