/* gdci-data-chunk.h: one buffer of data and where it belongs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib-object.h>

#include "gdci-dtype.h"
#include "gdci-selection.h"
#include "gdci-version.h"

G_BEGIN_DECLS

#define GDCI_TYPE_DATA_CHUNK (gdci_data_chunk_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciDataChunk, gdci_data_chunk, GDCI, DATA_CHUNK, GObject)

GDCI_AVAILABLE_IN_1_0
GdciDataChunk *gdci_data_chunk_new            (GdciSelection  *selection,
                                               GdciDtype       dtype,
                                               GBytes         *data,
                                               GError        **error);

GDCI_AVAILABLE_IN_1_0
GdciSelection *gdci_data_chunk_get_selection  (GdciDataChunk  *self);
GDCI_AVAILABLE_IN_1_0
GBytes        *gdci_data_chunk_get_data       (GdciDataChunk  *self);
GDCI_AVAILABLE_IN_1_0
GdciDtype      gdci_data_chunk_get_dtype      (GdciDataChunk  *self);
GDCI_AVAILABLE_IN_1_0
guint64       *gdci_data_chunk_get_shape      (GdciDataChunk  *self,
                                               guint          *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64 *gdci_data_chunk_get_min_bounds (GdciDataChunk  *self,
                                               guint          *n_dims);

G_END_DECLS
