/* gdci-plan.c: how a dataset is split into chunks and buffers
 *
 * The whole of hdmf's GenericDataChunkIterator.__init__ shape logic, with
 * its checks in its order, plus gdci's own refusals (a chunk axis that is
 * not positive, sizes that do not fit in 64 bits). GdciChunkIterator plans
 * through it too, so that there is one implementation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-error.h"
#include "gdci-plan.h"
#include "gdci-plan-fit-private.h"
#include "gdci-plan-settings-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-shape-private.h"
#include "gdci-shape.h"

/**
 * GdciPlan:
 *
 * How a dataset of a given shape and element type is split into HDF5
 * chunks and buffers: the chunk shape, the buffer shape, the number of
 * buffers and the selection of each, without any data. With the default
 * %GDCI_PLAN_STRATEGY_HDMF it is computed exactly as hdmf's
 * `GenericDataChunkIterator` computes it; %GDCI_PLAN_STRATEGY_FIT plans
 * shapes that fit the data ([enum@Gdci.PlanStrategy]), and a plan says
 * what each costs: the bytes stored ([method@Gdci.Plan.get_stored_bytes])
 * and read ([method@Gdci.Plan.get_read_bytes]). It is what a
 * [class@Gdci.ChunkIterator] iterates over
 * ([method@Gdci.ChunkIterator.get_plan]), and what `gdci plan` prints.
 *
 * ```c
 * guint64 shape[] = { 20000, 5000 };
 * g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
 * g_autoptr(GdciPlan) plan = NULL;
 * g_autoptr(GError) error = NULL;
 *
 * gdci_plan_settings_set_buffer_gb (settings, 0.2);
 * plan = gdci_plan_new (GDCI_DTYPE_INT32, shape, 2, settings, &error);
 * // chunks of (3160, 790), 4 buffers of at most (12640, 3160)
 * ```
 *
 * From Python:
 *
 * ```python
 * settings = Gdci.PlanSettings.new()
 * settings.set_buffer_gb(0.2)
 * plan = Gdci.Plan.new(Gdci.Dtype.INT32, [20000, 5000], settings)
 * plan.get_chunk_shape()   # [3160, 790]
 * ```
 *
 * A plan is immutable and reference counted, and may be shared between
 * threads.
 *
 * Since: 1.0
 */
struct _GdciPlan
{
  gatomicrefcount ref_count;
  GdciDtype dtype;
  guint n_dims;
  guint64 n_buffers;
  guint64 chunk_bytes;
  guint64 buffer_bytes;
  guint64 data_bytes;            /* G_MAXUINT64 when larger */
  guint64 stored_bytes;          /* saturated */
  guint64 read_bytes;            /* saturated */
  GdciPlanStrategy strategy;
  guint64 maxshape[GDCI_MAX_DIMS];
  guint64 chunk[GDCI_MAX_DIMS];
  guint64 buffer[GDCI_MAX_DIMS];
  guint64 grid[GDCI_MAX_DIMS];   /* buffers along each axis */
};

/* G_DEFINE_BOXED_TYPE() relies on a GNU extension that -Wpedantic rejects
 * in C11, so the type is registered by hand. */
GType
gdci_plan_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (
        g_intern_static_string ("GdciPlan"),
        (GBoxedCopyFunc) gdci_plan_ref,
        (GBoxedFreeFunc) gdci_plan_unref);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/* ---- planning ------------------------------------------------------------ */

/* The shapes while they are worked out, with their names for the messages */
typedef struct
{
  const guint64 *maxshape;
  guint n_dims;
  GdciDtype dtype;
  GdciShapeArg chunk;
  GdciShapeArg buffer;
  const char *chunk_name;
  const char *buffer_name;
} Draft;

static gboolean
check_rank (const char          *name,
            const GdciShapeArg  *arg,
            guint                rank,
            const Draft         *draft,
            GError             **error)
{
  g_autofree char *data = NULL;
  g_autofree char *s = NULL;

  if (rank == draft->n_dims)
    return TRUE;

  data = _gdci_format_tuple (draft->maxshape, draft->n_dims);
  if (rank > GDCI_MAX_DIMS)
    {
      g_set_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_WRONG_RANK,
                   "%s has %u axes but the data shape %s has %u", name, rank,
                   data, draft->n_dims);
      return FALSE;
    }
  s = _gdci_shape_arg_to_string (arg);
  g_set_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_WRONG_RANK,
               "%s %s has %u ax%s but the data shape %s has %u", name, s, rank,
               rank == 1 ? "is" : "es", data, draft->n_dims);
  return FALSE;
}

/* the first axis of @arg that is not positive, or -1 */
static int
first_not_positive (const GdciShapeArg *arg)
{
  for (guint i = 0; i < arg->n_dims; i++)
    if (arg->negative[i] || arg->value[i] == 0)
      return (int) i;
  return -1;
}

/* "<name> <shape> <relation> on axis <axis>" */
static gboolean
set_axis_error (GError             **error,
                GdciPlanError        code,
                const char          *name,
                const GdciShapeArg  *arg,
                const char          *relation,
                guint                axis)
{
  g_autofree char *s = _gdci_shape_arg_to_string (arg);

  g_set_error (error, GDCI_PLAN_ERROR, code, "%s %s %s on axis %u", name, s,
               relation, axis);
  return FALSE;
}

/* The free chunk axes (0 in @chunk), sized by the strategy. A buffer axis
 * that is given shorter than the data bounds the chunk's, except where
 * hdmf itself sizes a whole default chunk against a whole given buffer. */
static gboolean
plan_chunk (const GdciPlanSettings  *settings,
            const Draft             *draft,
            double                   chunk_mb,
            guint64                 *chunk,
            GError                 **error)
{
  const GdciShapeArg *given_buffer = &settings->buffer_shape;
  gboolean partial = settings->has_chunk_shape ||
                     (settings->has_buffer_shape && _gdci_shape_arg_is_partial (given_buffer));
  guint64 extent[GDCI_MAX_DIMS];
  gboolean exact[GDCI_MAX_DIMS];

  for (guint i = 0; i < draft->n_dims; i++)
    {
      guint64 b = settings->has_buffer_shape && !given_buffer->negative[i] ?
                  given_buffer->value[i] : 0;
      exact[i] = b > 0 && b < draft->maxshape[i];
      extent[i] = exact[i] ? b : draft->maxshape[i];
    }

  if (settings->strategy == GDCI_PLAN_STRATEGY_FIT)
    return _gdci_fit_chunk_shape (draft->maxshape, extent, exact, draft->n_dims,
                                  draft->dtype, chunk_mb, chunk, error);

  if (!settings->has_chunk_shape)
    {
      if (!_gdci_default_chunk_shape (draft->maxshape, draft->n_dims, draft->dtype,
                                      chunk_mb, chunk, error))
        return FALSE;
    }
  else
    {
      gboolean free_axis[GDCI_MAX_DIMS];
      for (guint i = 0; i < draft->n_dims; i++)
        free_axis[i] = chunk[i] == 0;
      if (!_gdci_partial_chunk_shape (draft->maxshape, draft->n_dims, draft->dtype,
                                      chunk_mb, chunk, error))
        return FALSE;
      for (guint i = 0; i < draft->n_dims; i++)
        if (!free_axis[i])
          exact[i] = FALSE;
    }
  if (partial)
    for (guint i = 0; i < draft->n_dims; i++)
      if (exact[i])
        chunk[i] = MIN (chunk[i], extent[i]);
  return TRUE;
}

/* The free buffer axes (0 in @buffer), sized by the strategy */
static gboolean
plan_buffer (const GdciPlanSettings  *settings,
             Draft                   *draft,
             double                   buffer_gb,
             guint64                 *buffer,
             GError                 **error)
{
  guint64 chunk[GDCI_MAX_DIMS];
  int axis;

  if (settings->strategy == GDCI_PLAN_STRATEGY_HDMF && !settings->has_buffer_shape)
    return _gdci_default_buffer_shape (draft->maxshape, draft->n_dims, &draft->chunk,
                                       draft->chunk_name, draft->dtype, buffer_gb,
                                       buffer, error);

  /* hdmf's own check of the chunk, before it sizes anything from it */
  if ((axis = first_not_positive (&draft->chunk)) >= 0)
    return set_axis_error (error, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
                           draft->chunk_name, &draft->chunk, "is not positive",
                           (guint) axis);
  memcpy (chunk, draft->chunk.value, draft->n_dims * sizeof (guint64));
  if (settings->strategy == GDCI_PLAN_STRATEGY_FIT)
    return _gdci_fit_buffer_shape (draft->maxshape, draft->n_dims, chunk, draft->dtype,
                                   buffer_gb, buffer, error);
  return _gdci_partial_buffer_shape (draft->maxshape, draft->n_dims, chunk, draft->dtype,
                                     buffer_gb, buffer, error);
}

/* Step 1: the chunk shape, given, partly given or planned, then the buffer
 * shape the same way from the chunk shape */
static gboolean
draft_shapes (const GdciPlanSettings  *settings,
              Draft                   *draft,
              GError                 **error)
{
  double buffer_gb = settings->buffer_gb;
  double chunk_mb = settings->chunk_mb;
  gboolean chunk_whole = settings->has_chunk_shape &&
                         !_gdci_shape_arg_is_partial (&settings->chunk_shape);
  gboolean buffer_whole = settings->has_buffer_shape &&
                          !_gdci_shape_arg_is_partial (&settings->buffer_shape);

  if (_gdci_double_is_unset (buffer_gb) && !buffer_whole)
    buffer_gb = GDCI_DEFAULT_BUFFER_GB;
  if (_gdci_double_is_unset (chunk_mb) && !chunk_whole)
    chunk_mb = GDCI_DEFAULT_CHUNK_MB;

  if ((settings->has_chunk_shape &&
       !check_rank ("chunk-shape", &settings->chunk_shape, settings->chunk_rank,
                    draft, error)) ||
      (settings->has_buffer_shape &&
       !check_rank ("buffer-shape", &settings->buffer_shape,
                    settings->buffer_rank, draft, error)))
    return FALSE;

  draft->chunk_name = chunk_whole ? "chunk-shape" :
                      settings->has_chunk_shape ? "the chunk shape" : "the default chunk shape";
  draft->buffer_name = buffer_whole ? "buffer-shape" :
                       settings->has_buffer_shape ? "the buffer shape" : "the default buffer shape";

  if (chunk_whole)
    draft->chunk = settings->chunk_shape;
  else
    {
      guint64 c[GDCI_MAX_DIMS] = { 0 };
      if (settings->has_chunk_shape)
        memcpy (c, settings->chunk_shape.value, draft->n_dims * sizeof (guint64));
      if (!plan_chunk (settings, draft, chunk_mb, c, error))
        return FALSE;
      _gdci_shape_arg_from_u64 (&draft->chunk, c, draft->n_dims);
    }

  if (buffer_whole)
    draft->buffer = settings->buffer_shape;
  else
    {
      guint64 b[GDCI_MAX_DIMS] = { 0 };
      if (settings->has_buffer_shape)
        memcpy (b, settings->buffer_shape.value, draft->n_dims * sizeof (guint64));
      if (!plan_buffer (settings, draft, buffer_gb, b, error))
        return FALSE;
      _gdci_shape_arg_from_u64 (&draft->buffer, b, draft->n_dims);
    }
  return TRUE;
}

/* a <= b for a signed shape value a and an unsigned b */
static inline gboolean
arg_le (const GdciShapeArg *a,
        guint               i,
        guint64             b)
{
  return a->negative[i] || a->value[i] <= b;
}

/* Step 2: hdmf's shape assertions, in its order, then gdci's own */
static gboolean
check_shapes (const Draft  *d,
              GError      **error)
{
  g_autofree char *data = _gdci_format_tuple (d->maxshape, d->n_dims);
  g_autofree char *buffer_s = _gdci_shape_arg_to_string (&d->buffer);
  g_autofree char *relation = NULL;
  int axis;

  if ((axis = first_not_positive (&d->buffer)) >= 0)
    return set_axis_error (error, GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE,
                           d->buffer_name, &d->buffer, "is not positive",
                           (guint) axis);
  relation = g_strdup_printf ("exceeds the data shape %s", data);
  for (guint i = 0; i < d->n_dims; i++)
    if (!arg_le (&d->chunk, i, d->maxshape[i]))
      return set_axis_error (error, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_DATA,
                             d->chunk_name, &d->chunk, relation, i);
  for (guint i = 0; i < d->n_dims; i++)
    if (!arg_le (&d->buffer, i, d->maxshape[i]))
      return set_axis_error (error, GDCI_PLAN_ERROR_BUFFER_SHAPE_EXCEEDS_DATA,
                             d->buffer_name, &d->buffer, relation, i);
  g_free (relation);
  relation = g_strdup_printf ("exceeds %s %s", d->buffer_name, buffer_s);
  /* the buffer is positive here, so only a positive chunk can exceed it */
  for (guint i = 0; i < d->n_dims; i++)
    if (!arg_le (&d->chunk, i, d->buffer.value[i]))
      return set_axis_error (error, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER,
                             d->chunk_name, &d->chunk, relation, i);
  /* hdmf lets a zero or negative chunk through here (and then divides by
   * zero, or hands HDF5 an impossible chunk shape): refuse it */
  if ((axis = first_not_positive (&d->chunk)) >= 0)
    return set_axis_error (error, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
                           d->chunk_name, &d->chunk, "is not positive",
                           (guint) axis);
  g_free (relation);
  relation = g_strdup_printf ("does not divide %s %s", d->buffer_name, buffer_s);
  for (guint i = 0; i < d->n_dims; i++)
    if (d->buffer.value[i] != d->maxshape[i] &&
        d->buffer.value[i] % d->chunk.value[i] != 0)
      return set_axis_error (error, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING,
                             d->chunk_name, &d->chunk, relation, i);
  return TRUE;
}

/* Step 3: the sizes that must fit in 64 bits, into @plan */
static gboolean
fill_sizes (const Draft  *d,
            GdciPlan     *plan,
            GError      **error)
{
  g_autofree char *chunk_s = _gdci_shape_arg_to_string (&d->chunk);
  g_autofree char *buffer_s = _gdci_shape_arg_to_string (&d->buffer);

  if (!_gdci_shape_n_bytes (d->chunk.value, d->n_dims, d->dtype, &plan->chunk_bytes))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The chunk shape %s of %s has more than 2^64 bytes",
                   chunk_s, gdci_dtype_to_string (d->dtype));
      return FALSE;
    }
  if (!_gdci_shape_n_bytes (d->buffer.value, d->n_dims, d->dtype, &plan->buffer_bytes))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The buffer shape %s of %s has more than 2^64 bytes",
                   buffer_s, gdci_dtype_to_string (d->dtype));
      return FALSE;
    }

  plan->n_buffers = 1;
  for (guint i = 0; i < d->n_dims; i++)
    {
      plan->grid[i] = d->maxshape[i] / d->buffer.value[i] +
                      (d->maxshape[i] % d->buffer.value[i] != 0);
      if (!g_uint64_checked_mul (&plan->n_buffers, plan->n_buffers, plan->grid[i]))
        {
          g_autofree char *data = _gdci_format_tuple (d->maxshape, d->n_dims);
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                       "The buffer shape %s splits the data %s into more "
                       "than 2^64 buffers", buffer_s, data);
          return FALSE;
        }
    }
  if (!_gdci_shape_n_bytes (d->maxshape, d->n_dims, d->dtype, &plan->data_bytes))
    plan->data_bytes = G_MAXUINT64;
  plan->stored_bytes = _gdci_stored_bytes (d->maxshape, d->chunk.value, d->n_dims,
                                           gdci_dtype_get_itemsize (d->dtype));
  plan->read_bytes = _gdci_span_read_bytes (d->maxshape, d->buffer.value, d->n_dims,
                                            gdci_dtype_get_itemsize (d->dtype));
  return TRUE;
}

/**
 * gdci_plan_new:
 * @dtype: the element type of the data
 * @shape: (array length=n_dims): the shape of the full dataset
 * @n_dims: the number of axes, from 1 to [const@Gdci.MAX_DIMS]
 * @settings: (nullable): the buffer and chunk settings; %NULL for hdmf's
 *   defaults
 * @error: return location for a [struct@GLib.Error]
 *
 * Plans how a dataset of @shape and @dtype is split, as a
 * [class@Gdci.ChunkIterator] with @settings as its properties would split
 * it: the same shapes, the same buffers, the same refusals.
 *
 * Fails with a [error@Gdci.PlanError] when the settings are refused (the
 * checks run in hdmf's order, and the first refusal is the error), with
 * %GDCI_ERROR_OVERFLOW when a chunk, a buffer or the number of buffers does
 * not fit in 64 bits, and with %GDCI_ERROR_INVALID_ARGUMENT when @shape or
 * @dtype cannot be planned at all (no axes, an axis of length 0).
 *
 * Returns: (transfer full) (nullable): a new plan, or %NULL on error
 *
 * Since: 1.0
 */
GdciPlan *
gdci_plan_new (GdciDtype                dtype,
               const guint64           *shape,
               guint                    n_dims,
               const GdciPlanSettings  *settings,
               GError                 **error)
{
  g_autoptr(GdciPlanSettings) defaults = NULL;
  g_autoptr(GdciPlan) plan = NULL;
  Draft draft = { .maxshape = shape, .n_dims = n_dims, .dtype = dtype };

  g_return_val_if_fail (shape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (settings == NULL)
    settings = defaults = gdci_plan_settings_new ();

  if (!_gdci_plan_check_settings (settings, error) ||
      !_gdci_check_dtype (dtype, error) ||
      !_gdci_check_maxshape (shape, n_dims, error) ||
      !draft_shapes (settings, &draft, error) ||
      !check_shapes (&draft, error))
    return NULL;

  plan = g_new0 (GdciPlan, 1);
  g_atomic_ref_count_init (&plan->ref_count);
  plan->dtype = dtype;
  plan->strategy = settings->strategy;
  plan->n_dims = n_dims;
  memcpy (plan->maxshape, shape, n_dims * sizeof (guint64));
  memcpy (plan->chunk, draft.chunk.value, n_dims * sizeof (guint64));
  memcpy (plan->buffer, draft.buffer.value, n_dims * sizeof (guint64));
  if (!fill_sizes (&draft, plan, error))
    return NULL;

  return g_steal_pointer (&plan);
}

/**
 * gdci_plan_ref:
 * @self: a plan
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
GdciPlan *
gdci_plan_ref (GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * gdci_plan_unref:
 * @self: (transfer full): a plan
 *
 * Releases a reference on @self, freeing it when the last one goes.
 *
 * Since: 1.0
 */
void
gdci_plan_unref (GdciPlan *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    g_free (self);
}

/**
 * gdci_plan_get_dtype:
 * @self: a plan
 *
 * The element type of the data.
 *
 * Returns: the element type
 *
 * Since: 1.0
 */
GdciDtype
gdci_plan_get_dtype (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, GDCI_DTYPE_INT8);

  return self->dtype;
}

/**
 * gdci_plan_get_n_dims:
 * @self: a plan
 *
 * The number of axes of the data, and of every shape of the plan.
 *
 * Returns: the number of axes
 *
 * Since: 1.0
 */
guint
gdci_plan_get_n_dims (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_dims;
}

static const guint64 *
shape_out (const GdciPlan *self,
           const guint64  *shape,
           guint          *n_dims)
{
  if (n_dims != NULL)
    *n_dims = self->n_dims;
  return shape;
}

/**
 * gdci_plan_get_full_shape:
 * @self: a plan
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The shape of the full dataset, hdmf's `maxshape`.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_plan_get_full_shape (const GdciPlan *self,
                          guint          *n_dims)
{
  g_return_val_if_fail (self != NULL, NULL);

  return shape_out (self, self->maxshape, n_dims);
}

/**
 * gdci_plan_get_chunk_shape:
 * @self: a plan
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The HDF5 chunk shape, given or computed, hdmf's `chunk_shape`.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_plan_get_chunk_shape (const GdciPlan *self,
                           guint          *n_dims)
{
  g_return_val_if_fail (self != NULL, NULL);

  return shape_out (self, self->chunk, n_dims);
}

/**
 * gdci_plan_get_buffer_shape:
 * @self: a plan
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The buffer shape, given or computed, hdmf's `buffer_shape`. Buffers at
 * the far edges of the data are smaller.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_plan_get_buffer_shape (const GdciPlan *self,
                            guint          *n_dims)
{
  g_return_val_if_fail (self != NULL, NULL);

  return shape_out (self, self->buffer, n_dims);
}

/**
 * gdci_plan_get_n_buffers:
 * @self: a plan
 *
 * The number of buffers, hdmf's `num_buffers`: the product over the axes
 * of the data size divided by the buffer size, rounded up.
 *
 * Returns: the number of buffers, at least 1
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_n_buffers (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_buffers;
}

/**
 * gdci_plan_get_buffer_selection:
 * @self: a plan
 * @index: the index of a buffer, less than the number of buffers
 *
 * The selection of the buffer at @index. Buffers are numbered in C order
 * over the grid of buffers, last axis fastest, as hdmf's
 * `buffer_selection_generator` yields them and a [class@Gdci.ChunkIterator]
 * reads them.
 *
 * Returns: (transfer full): the selection
 *
 * Since: 1.0
 */
GdciSelection *
gdci_plan_get_buffer_selection (const GdciPlan *self,
                                guint64         index)
{
  guint64 start[GDCI_MAX_DIMS];
  guint64 stop[GDCI_MAX_DIMS];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_buffers, NULL);

  for (guint i = self->n_dims; i-- > 0;)
    {
      guint64 cell = index % self->grid[i];

      index /= self->grid[i];
      /* cannot overflow: cell * buffer < maxshape */
      start[i] = cell * self->buffer[i];
      stop[i] = MIN (self->maxshape[i] - start[i], self->buffer[i]) + start[i];
    }
  return gdci_selection_new (start, stop, self->n_dims);
}

/**
 * gdci_plan_get_chunk_bytes:
 * @self: a plan
 *
 * The size of one HDF5 chunk in bytes.
 *
 * Returns: the size of a chunk
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_chunk_bytes (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->chunk_bytes;
}

/**
 * gdci_plan_get_buffer_bytes:
 * @self: a plan
 *
 * The size of a whole buffer in bytes: the most memory one buffer of data
 * takes.
 *
 * Returns: the size of a buffer
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_buffer_bytes (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->buffer_bytes;
}

/**
 * gdci_plan_get_data_bytes:
 * @self: a plan
 *
 * The size of the full dataset in bytes. The plan of a dataset of more than
 * 2^64 bytes may be made (its chunks and buffers fit); this then returns
 * %G_MAXUINT64.
 *
 * Returns: the size of the data, or %G_MAXUINT64 if it does not fit in 64
 *   bits
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_data_bytes (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->data_bytes;
}

/**
 * gdci_plan_get_strategy:
 * @self: a plan
 *
 * The strategy that sized the shapes, or the axes of them, that the
 * settings left free.
 *
 * Returns: the strategy
 *
 * Since: 1.0
 */
GdciPlanStrategy
gdci_plan_get_strategy (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, GDCI_PLAN_STRATEGY_HDMF);

  return self->strategy;
}

/**
 * gdci_plan_get_stored_bytes:
 * @self: a plan
 *
 * The bytes the chunks of an uncompressed dataset with this plan hold: the
 * data, plus the padding of the chunks at the far edges, which HDF5 stores
 * whole. The size of an uncompressed file, but for its few kilobytes of
 * metadata. %G_MAXUINT64 if it does not fit in 64 bits.
 *
 * Returns: the bytes stored
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_stored_bytes (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->stored_bytes;
}

/**
 * gdci_plan_get_read_bytes:
 * @self: a plan
 *
 * The bytes a source reads when it reads each buffer of this plan as one
 * run of a C-order file, from the buffer's first element to its last, as
 * [class@Gdci.FileIterator] does when the run fits in a buffer: the data
 * size when every buffer spans whole rows, several times more when
 * buffers split the last axes (each reads the rows it touches).
 * %G_MAXUINT64 if it does not fit in 64 bits.
 *
 * Returns: the bytes read
 *
 * Since: 1.0
 */
guint64
gdci_plan_get_read_bytes (const GdciPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->read_bytes;
}
