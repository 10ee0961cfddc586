/* gdci-plan-settings.h: the buffer and chunk settings of a plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib-object.h>

#include "gdci-plan-strategy.h"
#include "gdci-version.h"

G_BEGIN_DECLS

#define GDCI_TYPE_PLAN_SETTINGS (gdci_plan_settings_get_type ())

typedef struct _GdciPlanSettings GdciPlanSettings;

GDCI_AVAILABLE_IN_1_0
GType             gdci_plan_settings_get_type         (void) G_GNUC_CONST;
GDCI_AVAILABLE_IN_1_0
GdciPlanSettings *gdci_plan_settings_new              (void);
GDCI_AVAILABLE_IN_1_0
GdciPlanSettings *gdci_plan_settings_copy             (const GdciPlanSettings *self);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_free             (GdciPlanSettings       *self);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_set_buffer_gb    (GdciPlanSettings       *self,
                                                       double                  buffer_gb);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_set_buffer_shape (GdciPlanSettings       *self,
                                                       const guint64          *shape,
                                                       guint                   n_dims);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_set_chunk_mb     (GdciPlanSettings       *self,
                                                       double                  chunk_mb);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_set_chunk_shape  (GdciPlanSettings       *self,
                                                       const guint64          *shape,
                                                       guint                   n_dims);
GDCI_AVAILABLE_IN_1_0
GdciPlanStrategy  gdci_plan_settings_get_strategy     (const GdciPlanSettings *self);
GDCI_AVAILABLE_IN_1_0
void              gdci_plan_settings_set_strategy     (GdciPlanSettings       *self,
                                                       GdciPlanStrategy        strategy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciPlanSettings, gdci_plan_settings_free)

G_END_DECLS
