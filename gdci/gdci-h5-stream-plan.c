/* gdci-h5-stream-plan.c: a GdciH5Stream's settings checked, and its
 * chunks planned
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-error.h"
#include "gdci-h5-stream-private.h"
#include "gdci-plan.h"
#include "gdci-plan-settings.h"
#include "gdci-saturating-private.h"
#include "gdci-shape-private.h"

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
check_settings (GdciH5Stream  *self,
                GError       **error)
{
  if (self->filename == NULL || *self->filename == '\0')
    return invalid (error, "A stream needs a filename");
  if (self->dataset_path == NULL || *self->dataset_path == '\0' ||
      strcmp (self->dataset_path, "/") == 0)
    return invalid (error, "A stream needs the path of a dataset in '%s'", self->filename);
  if (!self->frame_set || self->n_dims == 0)
    return invalid (error, "A stream needs its frame shape, such as (384,): an 'at' variant "
                           "of at most %d axes", GDCI_MAX_DIMS - 1);
  if (!_gdci_check_dtype (self->dtype, error))
    return FALSE;
  if (!_gdci_compression_check (&self->compression, error))
    return FALSE;
  if (!(self->flush_interval > 0))
    return invalid (error, "flush-interval must be above 0 seconds");
  self->itemsize = gdci_dtype_get_itemsize (self->dtype);
  self->frame_bytes = self->itemsize;
  for (guint i = 1; i < self->n_dims; i++)
    {
      if (self->frame_shape[i] == 0)
        return invalid (error, "The frame shape's axis %u is 0: every axis must be 1 or more",
                        i - 1);
      if (!g_size_checked_mul (&self->frame_bytes, self->frame_bytes, self->frame_shape[i]))
        return invalid (error, "A frame of this shape is too large");
    }
  return TRUE;
}

/* The chunk's frame axes: whole axes, or gdci's FIT plan of a frame larger
 * than the chunk size */
static gboolean
plan_frame_axes (GdciH5Stream  *self,
                 guint64        target,
                 GError       **error)
{
  g_autoptr(GdciPlanSettings) settings = NULL;
  g_autoptr(GdciPlan) plan = NULL;
  const guint64 *chunk;

  for (guint i = 1; i < self->n_dims; i++)
    self->chunk[i] = self->frame_shape[i];
  if (self->frame_bytes <= target || self->n_dims == 1)
    return TRUE;
  settings = gdci_plan_settings_new ();
  gdci_plan_settings_set_strategy (settings, GDCI_PLAN_STRATEGY_FIT);
  gdci_plan_settings_set_chunk_mb (settings, self->chunk_mb);
  plan = gdci_plan_new (self->dtype, self->frame_shape + 1, self->n_dims - 1, settings, error);
  if (plan == NULL)
    return FALSE;
  chunk = gdci_plan_get_chunk_shape (plan, NULL);
  memcpy (self->chunk + 1, chunk, (self->n_dims - 1) * sizeof (guint64));
  return TRUE;
}

static gboolean
plan_chunks (GdciH5Stream  *self,
             GError       **error)
{
  guint64 target, row_bytes = self->itemsize;
  guint64 given[GDCI_MAX_DIMS] = { 0 };

  if (!_gdci_check_size_setting (FALSE, self->chunk_mb, error))
    return FALSE;
  target = (guint64) MAX (1.0, self->chunk_mb * 1e6);
  if (self->chunk_set)
    {
      if (self->chunk_n_given != self->n_dims)
        return invalid (error, "The chunk shape must have %u axes: one for the frames, and "
                               "the frame's", self->n_dims);
      memcpy (given, self->chunk, self->n_dims * sizeof (guint64));
    }
  if (!plan_frame_axes (self, target, error))
    return FALSE;
  for (guint i = 1; i < self->n_dims; i++)
    {
      if (given[i] > self->frame_shape[i])
        return invalid (error, "The chunk shape's axis %u (%" G_GUINT64_FORMAT ") is longer "
                        "than the frame's (%" G_GUINT64_FORMAT ")", i, given[i],
                        self->frame_shape[i]);
      if (given[i] > 0)
        self->chunk[i] = given[i];
      row_bytes = _gdci_sat_mul (row_bytes, self->chunk[i]);
    }
  self->chunk[0] = given[0] > 0 ? given[0] : MAX (1, target / row_bytes);
  /* a row of chunks is held whole in memory, and HDF5 takes chunks under
   * 4 GiB */
  if (_gdci_sat_mul (row_bytes, self->chunk[0]) >= G_MAXUINT32 ||
      !g_size_checked_mul (&self->slab_bytes, self->chunk[0], self->frame_bytes))
    return invalid (error, "A chunk of these frames is too large: HDF5 takes chunks under "
                           "4 GiB");
  _gdci_compression_resolve (&self->compression, self->itemsize,
                             (gsize) (row_bytes * self->chunk[0]), &self->codec_settings);
  return TRUE;
}

gboolean
_gdci_h5_stream_plan (GdciH5Stream  *self,
                      GError       **error)
{
  return check_settings (self, error) && plan_chunks (self, error);
}
