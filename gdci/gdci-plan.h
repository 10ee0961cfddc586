/* gdci-plan.h: how a dataset is split into chunks and buffers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib-object.h>

#include "gdci-dtype.h"
#include "gdci-plan-settings.h"
#include "gdci-plan-strategy.h"
#include "gdci-selection.h"
#include "gdci-version.h"

G_BEGIN_DECLS

#define GDCI_TYPE_PLAN (gdci_plan_get_type ())

typedef struct _GdciPlan GdciPlan;

GDCI_AVAILABLE_IN_1_0
GType             gdci_plan_get_type                  (void) G_GNUC_CONST;
GDCI_AVAILABLE_IN_1_0
GdciPlan         *gdci_plan_new                       (GdciDtype               dtype,
                                                       const guint64          *shape,
                                                       guint                   n_dims,
                                                       const GdciPlanSettings *settings,
                                                       GError                **error);
GDCI_AVAILABLE_IN_1_0
GdciPlan         *gdci_plan_ref                       (GdciPlan               *self);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_unref                     (GdciPlan               *self);

GDCI_AVAILABLE_IN_1_0
GdciDtype         gdci_plan_get_dtype                 (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
guint             gdci_plan_get_n_dims                (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
const guint64    *gdci_plan_get_full_shape            (const GdciPlan         *self,
                                                       guint                  *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64    *gdci_plan_get_chunk_shape           (const GdciPlan         *self,
                                                       guint                  *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64    *gdci_plan_get_buffer_shape          (const GdciPlan         *self,
                                                       guint                  *n_dims);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_n_buffers             (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
GdciSelection    *gdci_plan_get_buffer_selection      (const GdciPlan         *self,
                                                       guint64                 index);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_chunk_bytes           (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_buffer_bytes          (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_data_bytes            (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
GdciPlanStrategy  gdci_plan_get_strategy              (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_stored_bytes          (const GdciPlan         *self);
GDCI_AVAILABLE_IN_1_0
guint64           gdci_plan_get_read_bytes            (const GdciPlan         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciPlan, gdci_plan_unref)

G_END_DECLS
