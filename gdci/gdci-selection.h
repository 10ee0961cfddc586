/* gdci-selection.h: a box inside an N-dimensional dataset
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib-object.h>

#include "gdci-version.h"

G_BEGIN_DECLS

/**
 * GDCI_MAX_DIMS:
 *
 * The largest number of dimensions gdci handles, the same as HDF5's
 * `H5S_MAX_RANK`.
 *
 * Since: 1.0
 */
#define GDCI_MAX_DIMS 32

#define GDCI_TYPE_SELECTION (gdci_selection_get_type ())

typedef struct _GdciSelection GdciSelection;

GDCI_AVAILABLE_IN_1_0
GType          gdci_selection_get_type       (void) G_GNUC_CONST;

GDCI_AVAILABLE_IN_1_0
GdciSelection *gdci_selection_new            (const guint64        *start,
                                              const guint64        *stop,
                                              guint                 n_dims);
GDCI_AVAILABLE_IN_1_0
GdciSelection *gdci_selection_ref            (GdciSelection        *self);
GDCI_AVAILABLE_IN_1_0
void           gdci_selection_unref          (GdciSelection        *self);

GDCI_AVAILABLE_IN_1_0
guint          gdci_selection_get_n_dims     (const GdciSelection  *self);
GDCI_AVAILABLE_IN_1_0
guint64        gdci_selection_get_start      (const GdciSelection  *self,
                                              guint                 axis);
GDCI_AVAILABLE_IN_1_0
guint64        gdci_selection_get_stop       (const GdciSelection  *self,
                                              guint                 axis);
GDCI_AVAILABLE_IN_1_0
const guint64 *gdci_selection_get_starts     (const GdciSelection  *self,
                                              guint                *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64 *gdci_selection_get_stops      (const GdciSelection  *self,
                                              guint                *n_dims);
GDCI_AVAILABLE_IN_1_0
guint64       *gdci_selection_get_shape      (const GdciSelection  *self,
                                              guint                *n_dims);
GDCI_AVAILABLE_IN_1_0
guint64        gdci_selection_get_n_elements (const GdciSelection  *self);
GDCI_AVAILABLE_IN_1_0
gboolean       gdci_selection_equal          (const GdciSelection  *a,
                                              const GdciSelection  *b);
GDCI_AVAILABLE_IN_1_0
guint          gdci_selection_hash           (const GdciSelection  *self);
GDCI_AVAILABLE_IN_1_0
char          *gdci_selection_to_string      (const GdciSelection  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciSelection, gdci_selection_unref)

G_END_DECLS
