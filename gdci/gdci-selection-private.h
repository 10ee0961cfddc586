/* gdci-selection-private.h: selection helpers inside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "gdci-selection.h"

G_BEGIN_DECLS

/* Whether @selection is one run of a C-order array of @shape: single
 * indices on the axes before some axis, any range on it, whole axes
 * after it */
gboolean    _gdci_selection_is_c_run        (const GdciSelection *selection,
                                             const guint64       *shape);

G_END_DECLS
