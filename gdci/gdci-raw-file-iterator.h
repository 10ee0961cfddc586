/* gdci-raw-file-iterator.h: the base of the sources that read a raw array file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include "gdci-chunk-iterator.h"
#include "gdci-order.h"

G_BEGIN_DECLS

#define GDCI_TYPE_RAW_FILE_ITERATOR (gdci_raw_file_iterator_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (GdciRawFileIterator, gdci_raw_file_iterator,
                          GDCI, RAW_FILE_ITERATOR, GdciChunkIterator)

/**
 * GdciRawFileIteratorClass:
 * @parent_class: the parent class. A subclass implements
 *   [vfunc@Gdci.ChunkIterator.get_data]; one that overrides
 *   [vfunc@Gdci.ChunkIterator.prepare] chains up first, which opens and
 *   checks the file.
 *
 * The class of the raw file sources. It adds no virtual methods of its own.
 *
 * Since: 1.0
 */
struct _GdciRawFileIteratorClass
{
  GdciChunkIteratorClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

GDCI_AVAILABLE_IN_1_0
const char *gdci_raw_file_iterator_get_path   (GdciRawFileIterator *self);
GDCI_AVAILABLE_IN_1_0
guint64     gdci_raw_file_iterator_get_offset (GdciRawFileIterator *self);
GDCI_AVAILABLE_IN_1_0
GdciOrder   gdci_raw_file_iterator_get_order  (GdciRawFileIterator *self);

G_END_DECLS
