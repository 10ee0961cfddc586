/* gdci-plan-settings-private.h: plan settings as the iterator's properties give them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "gdci-plan-settings.h"
#include "gdci-shape-arg-private.h"

G_BEGIN_DECLS

/* hdmf accepts any Python ints in a shape, so a shape setting may hold
 * negative values, which reach the messages as given. */
struct _GdciPlanSettings
{
  double buffer_gb;             /* _gdci_unset_double (): not set */
  double chunk_mb;
  gboolean has_buffer_shape;
  gboolean has_chunk_shape;
  guint buffer_rank;            /* as given: may exceed GDCI_MAX_DIMS */
  guint chunk_rank;
  GdciShapeArg buffer_shape;   /* an axis of 0: free, sized by the plan */
  GdciShapeArg chunk_shape;
  GdciPlanStrategy strategy;
};

/* whether @arg has an axis of 0 (and no negative one), left to the plan */
gboolean    _gdci_shape_arg_is_partial      (const GdciShapeArg     *arg);

void        _gdci_plan_settings_init        (GdciPlanSettings       *settings);
/* @variant: a shape property's value (any container of integers) */
gboolean    _gdci_plan_settings_set_shape_variant (GdciPlanSettings *settings,
                                                   gboolean          buffer,
                                                   GVariant         *variant,
                                                   GError          **error);
/* hdmf checks these before it asks the data source anything: the buffer
 * settings first, then the chunk settings */
gboolean    _gdci_plan_check_settings       (const GdciPlanSettings *settings,
                                             GError                **error);

G_END_DECLS
