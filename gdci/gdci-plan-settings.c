/* gdci-plan-settings.c: the buffer and chunk settings of a plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-error.h"
#include "gdci-plan-settings.h"
#include "gdci-plan-settings-private.h"
#include "gdci-shape-arg-private.h"

/**
 * GdciPlanSettings:
 *
 * The buffer and chunk settings of a [struct@Gdci.Plan], the same as the
 * [class@Gdci.ChunkIterator] properties: a buffer size
 * ([method@Gdci.PlanSettings.set_buffer_gb]) or a buffer shape, and a chunk
 * size ([method@Gdci.PlanSettings.set_chunk_mb]) or a chunk shape. What is
 * not set takes hdmf's default: a buffer of at most
 * [const@Gdci.DEFAULT_BUFFER_GB] gigabytes and a chunk of about
 * [const@Gdci.DEFAULT_CHUNK_MB] megabytes.
 *
 * A shape may leave axes free, as 0 (`None` in Python): the plan sizes
 * them from the buffer or chunk size, by the settings' strategy
 * ([method@Gdci.PlanSettings.set_strategy]), and keeps the axes given. A
 * size may then be set together with the shape: `chunk-shape (0, 64)` and
 * `chunk-mb 10` make chunks of 64 channels and about 10 MB.
 *
 * The setters take any value: [ctor@Gdci.Plan.new] checks them, so that a
 * refused setting (both a size and a shape, a size that is not greater than
 * zero) is a [error@Gdci.PlanError] that names it.
 *
 * Settings are a small mutable structure, built, set and then passed to
 * [ctor@Gdci.Plan.new], which copies what it needs. A
 * [struct@Gdci.PlanSettings] is not thread-safe; a [struct@Gdci.Plan] is.
 *
 * Since: 1.0
 */

/* G_DEFINE_BOXED_TYPE() relies on a GNU extension that -Wpedantic rejects
 * in C11, so the type is registered by hand. */
GType
gdci_plan_settings_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (
        g_intern_static_string ("GdciPlanSettings"),
        (GBoxedCopyFunc) gdci_plan_settings_copy,
        (GBoxedFreeFunc) gdci_plan_settings_free);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

void
_gdci_plan_settings_init (GdciPlanSettings *settings)
{
  memset (settings, 0, sizeof *settings);
  settings->buffer_gb = _gdci_unset_double ();
  settings->chunk_mb = _gdci_unset_double ();
  settings->strategy = GDCI_PLAN_STRATEGY_HDMF;
}

gboolean
_gdci_shape_arg_is_partial (const GdciShapeArg *arg)
{
  gboolean any_free = FALSE;

  for (guint i = 0; i < arg->n_dims; i++)
    {
      if (arg->negative[i])
        return FALSE;
      any_free |= arg->value[i] == 0;
    }
  return any_free;
}

/**
 * gdci_plan_settings_new:
 *
 * Creates settings with nothing set: hdmf's default buffer and chunk sizes.
 *
 * Returns: (transfer full): new settings
 *
 * Since: 1.0
 */
GdciPlanSettings *
gdci_plan_settings_new (void)
{
  GdciPlanSettings *self = g_new (GdciPlanSettings, 1);

  _gdci_plan_settings_init (self);
  return self;
}

/**
 * gdci_plan_settings_copy:
 * @self: settings
 *
 * Copies @self.
 *
 * Returns: (transfer full): a copy of @self
 *
 * Since: 1.0
 */
GdciPlanSettings *
gdci_plan_settings_copy (const GdciPlanSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

/**
 * gdci_plan_settings_free:
 * @self: (transfer full): settings
 *
 * Frees @self.
 *
 * Since: 1.0
 */
void
gdci_plan_settings_free (GdciPlanSettings *self)
{
  g_free (self);
}

/**
 * gdci_plan_settings_set_buffer_gb:
 * @self: settings
 * @buffer_gb: the largest size of a buffer, in gigabytes (10^9 bytes)
 *
 * Sets the buffer size, hdmf's `buffer_gb`, the same as
 * [property@Gdci.ChunkIterator:buffer-gb]. Setting a buffer shape as well
 * makes the plan fail with %GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS.
 *
 * Since: 1.0
 */
void
gdci_plan_settings_set_buffer_gb (GdciPlanSettings *self,
                                  double            buffer_gb)
{
  g_return_if_fail (self != NULL);

  self->buffer_gb = buffer_gb;
}

/**
 * gdci_plan_settings_set_chunk_mb:
 * @self: settings
 * @chunk_mb: the size the chunk shape stays under, in megabytes (10^6 bytes)
 *
 * Sets the chunk size, hdmf's `chunk_mb`, the same as
 * [property@Gdci.ChunkIterator:chunk-mb]. Setting a chunk shape as well
 * makes the plan fail with %GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS.
 *
 * Since: 1.0
 */
void
gdci_plan_settings_set_chunk_mb (GdciPlanSettings *self,
                                 double            chunk_mb)
{
  g_return_if_fail (self != NULL);

  self->chunk_mb = chunk_mb;
}

static void
set_shape (GdciPlanSettings *self,
           gboolean          buffer,
           const guint64    *shape,
           guint             n_dims)
{
  GdciShapeArg *arg = buffer ? &self->buffer_shape : &self->chunk_shape;

  /* a shape longer than any data keeps only its length, for the message */
  if (n_dims > 0)
    _gdci_shape_arg_from_u64 (arg, shape, MIN (n_dims, GDCI_MAX_DIMS));
  else
    memset (arg, 0, sizeof *arg);
  if (buffer)
    {
      self->has_buffer_shape = n_dims > 0;
      self->buffer_rank = n_dims;
    }
  else
    {
      self->has_chunk_shape = n_dims > 0;
      self->chunk_rank = n_dims;
    }
}

/**
 * gdci_plan_settings_set_buffer_shape:
 * @self: settings
 * @shape: (array length=n_dims) (nullable): the shape of the buffers, or
 *   %NULL to unset it
 * @n_dims: the number of axes of @shape; 0 unsets it
 *
 * Sets the buffer shape, hdmf's `buffer_shape`, the same as
 * [property@Gdci.ChunkIterator:buffer-shape]. Every axis must be a multiple
 * of the chunk shape's, or the whole axis of the data. An axis of 0 is
 * free: the plan sizes it from the buffer size (the default
 * [const@Gdci.DEFAULT_BUFFER_GB] or [method@Gdci.PlanSettings.set_buffer_gb]).
 *
 * Since: 1.0
 */
void
gdci_plan_settings_set_buffer_shape (GdciPlanSettings *self,
                                     const guint64    *shape,
                                     guint             n_dims)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (shape != NULL || n_dims == 0);

  set_shape (self, TRUE, shape, n_dims);
}

/**
 * gdci_plan_settings_set_chunk_shape:
 * @self: settings
 * @shape: (array length=n_dims) (nullable): the HDF5 chunk shape, or %NULL
 *   to unset it
 * @n_dims: the number of axes of @shape; 0 unsets it
 *
 * Sets the HDF5 chunk shape, hdmf's `chunk_shape`, the same as
 * [property@Gdci.ChunkIterator:chunk-shape]. An axis of 0 is free: the
 * plan sizes it from the chunk size (the default
 * [const@Gdci.DEFAULT_CHUNK_MB] or [method@Gdci.PlanSettings.set_chunk_mb]),
 * as hdmf's open proposal for `chunk_shape=(None, 64)` does.
 *
 * Since: 1.0
 */
void
gdci_plan_settings_set_chunk_shape (GdciPlanSettings *self,
                                    const guint64    *shape,
                                    guint             n_dims)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (shape != NULL || n_dims == 0);

  set_shape (self, FALSE, shape, n_dims);
}

/**
 * gdci_plan_settings_get_strategy:
 * @self: settings
 *
 * How the plan sizes the shapes, or the axes of them, that are not given.
 *
 * Returns: the strategy, %GDCI_PLAN_STRATEGY_HDMF unless set
 *
 * Since: 1.0
 */
GdciPlanStrategy
gdci_plan_settings_get_strategy (const GdciPlanSettings *self)
{
  g_return_val_if_fail (self != NULL, GDCI_PLAN_STRATEGY_HDMF);

  return self->strategy;
}

/**
 * gdci_plan_settings_set_strategy:
 * @self: settings
 * @strategy: the strategy
 *
 * Sets how the plan sizes the shapes, or the axes of them, that are not
 * given, the same as [property@Gdci.ChunkIterator:plan-strategy]: hdmf's
 * shapes (the default) or shapes that fit the data.
 *
 * Since: 1.0
 */
void
gdci_plan_settings_set_strategy (GdciPlanSettings *self,
                                 GdciPlanStrategy  strategy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (strategy == GDCI_PLAN_STRATEGY_HDMF ||
                    strategy == GDCI_PLAN_STRATEGY_FIT);

  self->strategy = strategy;
}

gboolean
_gdci_plan_settings_set_shape_variant (GdciPlanSettings  *settings,
                                       gboolean           buffer,
                                       GVariant          *variant,
                                       GError           **error)
{
  GdciShapeArg *arg = buffer ? &settings->buffer_shape : &settings->chunk_shape;

  if (!_gdci_shape_arg_from_variant (variant, buffer ? "buffer-shape" : "chunk-shape",
                                     arg, error))
    return FALSE;
  /* a variant, unlike a C array, is a setting even when empty */
  if (buffer)
    {
      settings->has_buffer_shape = TRUE;
      settings->buffer_rank = arg->n_dims;
    }
  else
    {
      settings->has_chunk_shape = TRUE;
      settings->chunk_rank = arg->n_dims;
    }
  return TRUE;
}

gboolean
_gdci_plan_check_settings (const GdciPlanSettings  *settings,
                           GError                 **error)
{
  if (!_gdci_double_is_unset (settings->buffer_gb) && settings->has_buffer_shape &&
      !_gdci_shape_arg_is_partial (&settings->buffer_shape))
    {
      g_set_error_literal (error, GDCI_PLAN_ERROR,
                           GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS,
                           "Both buffer-gb and buffer-shape are set: give one "
                           "or the other");
      return FALSE;
    }
  if (!_gdci_double_is_unset (settings->chunk_mb) && settings->has_chunk_shape &&
      !_gdci_shape_arg_is_partial (&settings->chunk_shape))
    {
      g_set_error_literal (error, GDCI_PLAN_ERROR,
                           GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS,
                           "Both chunk-mb and chunk-shape are set: give one "
                           "or the other");
      return FALSE;
    }
  return TRUE;
}
