/* gdci-shape-private.h: hdmf's shape planning, with its checks in its order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "gdci-dtype.h"
#include "gdci-shape-arg-private.h"

G_BEGIN_DECLS

/* The whole of hdmf's GenericDataChunkIterator.__init__ shape logic, with
 * its checks in its order, plus gdci's own refusals. */
typedef struct
{
  double buffer_gb;              /* unset: _gdci_unset_double () */
  const GdciShapeArg *buffer_shape;  /* NULL: unset */
  double chunk_mb;
  const GdciShapeArg *chunk_shape;
} GdciPlanSettings;

gboolean    _gdci_plan_check_settings       (const GdciPlanSettings *settings,
                                             GError                **error);
gboolean    _gdci_plan                      (const GdciPlanSettings *settings,
                                             const guint64          *maxshape,
                                             guint                   n_dims,
                                             GdciDtype               dtype,
                                             guint64                *chunk_shape,
                                             guint64                *buffer_shape,
                                             guint64                *n_buffers,
                                             GError                **error);

G_END_DECLS
