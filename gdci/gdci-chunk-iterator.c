/* gdci-chunk-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "gdci-chunk-iterator.h"
#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-plan-settings-private.h"
#include "gdci-serialize-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-shape-private.h"
#include "gdci-shape.h"

/**
 * GdciChunkIterator:
 *
 * Splits an N-dimensional dataset, which may be much larger than memory,
 * into buffers of at most [property@Gdci.ChunkIterator:buffer-gb] that are
 * exact multiples of an HDF5 chunk shape of about
 * [property@Gdci.ChunkIterator:chunk-mb], and hands each buffer out with its
 * selection, as hdmf's `GenericDataChunkIterator` does.
 *
 * `GdciChunkIterator` is abstract: a subclass only says how to read a
 * selection ([vfunc@Gdci.ChunkIterator.get_data]), the full shape
 * ([vfunc@Gdci.ChunkIterator.get_maxshape]) and the element type
 * ([vfunc@Gdci.ChunkIterator.get_dtype]). Subclasses may be written in C or
 * in any language with GObject introspection.
 *
 * The iterator implements [iface@Gio.Initable]: the shapes are computed,
 * and every setting checked, by [method@Gio.Initable.init], which calls
 * [vfunc@Gdci.ChunkIterator.get_dtype] and
 * [vfunc@Gdci.ChunkIterator.get_maxshape] once each. Settings hdmf refuses
 * fail there, in hdmf's order, with a [error@Gdci.PlanError] that names the
 * values; [method@Gdci.ChunkIterator.get_plan] gives the result, the same
 * [struct@Gdci.Plan] that [ctor@Gdci.Plan.new] makes without a data source.
 *
 * Buffers are visited in C order over the grid of buffers (last axis
 * fastest) and clipped to the data shape at the edges.
 * [method@Gdci.ChunkIterator.next] returns one [class@Gdci.DataChunk] per
 * buffer, then %NULL.
 *
 * ```c
 * g_autoptr(GError) error = NULL;
 * g_autoptr(GdciChunkIterator) it =
 *   g_initable_new (MY_TYPE_ARRAY_ITERATOR, NULL, &error,
 *                   "buffer-gb", 0.2, NULL);
 * GdciDataChunk *chunk;
 *
 * while ((chunk = gdci_chunk_iterator_next (it, &error)) != NULL)
 *   {
 *     write_somewhere (gdci_data_chunk_get_selection (chunk),
 *                      gdci_data_chunk_get_data (chunk));
 *     g_object_unref (chunk);
 *   }
 * if (error != NULL)
 *   g_printerr ("%s\n", error->message);
 * ```
 *
 * An iterator is not thread-safe: use it from one thread at a time.
 *
 * Since: 1.0
 */

typedef struct
{
  /* settings: construct-only properties */
  double buffer_gb;
  double chunk_mb;
  GVariant *buffer_shape;
  GVariant *chunk_shape;
  gboolean display_progress;
  char *progress_description;

  /* set by GInitable.init() */
  gboolean init_done;
  GError *init_error;
  GdciDtype dtype;
  guint n_dims;
  guint64 maxshape[GDCI_MAX_DIMS];
  guint64 chunk[GDCI_MAX_DIMS];
  guint64 buffer[GDCI_MAX_DIMS];
  guint64 grid[GDCI_MAX_DIMS];     /* buffers along each axis */
  guint64 n_buffers;

  /* iteration */
  guint64 position;
  guint64 bytes_done;
  GdciPlan *plan;

  /* the memory of a buffer the consumer let go of, for the next one */
  GdciBufferPool *pool;

  /* in use by a write (atomic), whose hook takes the progress */
  gint in_use;
  GdciProgressHook progress_hook;
  gpointer progress_hook_data;
} GdciChunkIteratorPrivate;

static void gdci_chunk_iterator_initable_iface_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GdciChunkIterator, gdci_chunk_iterator,
                                  G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (GdciChunkIterator)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                         gdci_chunk_iterator_initable_iface_init))

enum {
  PROP_0,
  PROP_BUFFER_GB,
  PROP_CHUNK_MB,
  PROP_BUFFER_SHAPE,
  PROP_CHUNK_SHAPE,
  PROP_DISPLAY_PROGRESS,
  PROP_PROGRESS_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * GdciChunkIteratorClass::get_data:
 * @self: the iterator
 * @selection: the part of the dataset to read
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads the elements of @selection into memory, hdmf's `_get_data()`.
 *
 * The data must really be in memory when this returns (not a mapping that
 * is read later), in C order (last axis fastest) and in this machine's byte
 * order, exactly the selection's number of elements times the item size.
 *
 * Returns: (transfer full): the data; %NULL only with @error set
 *
 * Since: 1.0
 */

/**
 * GdciChunkIteratorClass::get_maxshape:
 * @self: the iterator
 *
 * Returns the shape of the full dataset, hdmf's `_get_maxshape()`. Called
 * once, by [method@Gio.Initable.init].
 *
 * Returns: (transfer full) (element-type guint64): the shape
 *
 * Since: 1.0
 */

/**
 * GdciChunkIteratorClass::get_dtype:
 * @self: the iterator
 *
 * Returns the element type of the dataset, hdmf's `_get_dtype()`. Called
 * once, by [method@Gio.Initable.init].
 *
 * Returns: the element type
 *
 * Since: 1.0
 */

/**
 * GdciChunkIteratorClass::serialize:
 * @self: the iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Describes the data source of @self as an `a{sv}` dictionary of the
 * construct properties that recreate it (for example `path` and `dtype`),
 * hdmf's `_to_dict()`. [method@Gdci.ChunkIterator.serialize] adds the
 * buffer and chunk settings itself.
 *
 * Returns: (transfer full) (nullable): a variant of type `a{sv}`, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */

/**
 * GdciChunkIteratorClass::prepare:
 * @self: the iterator
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Opens and checks the data source, before the element type and the shape
 * are asked for: a file that is missing or too short fails here, with a
 * clear error, and initialization fails with it.
 *
 * Returns: true if the source is ready, false with @error set otherwise
 *
 * Since: 1.0
 */

gboolean
_gdci_chunk_iterator_is_initialized (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  return priv->init_done && priv->init_error == NULL;
}

static gboolean
check_initialized (GdciChunkIterator  *self,
                   GError            **error)
{
  if (_gdci_chunk_iterator_is_initialized (self))
    return TRUE;
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED,
               "The %s was used before g_initable_init() succeeded on it",
               G_OBJECT_TYPE_NAME (self));
  return FALSE;
}

GdciBufferLease *
_gdci_chunk_iterator_alloc_buffer (GdciChunkIterator  *self,
                                   gsize               size,
                                   GError            **error)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);
  GdciBufferLease *lease = _gdci_buffer_pool_alloc (priv->pool, size);

  if (lease == NULL)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_FAILED,
                 "Out of memory for a buffer of %" G_GSIZE_FORMAT " bytes", size);
  return lease;
}

/* The private data of an initialized iterator; NULL, with a critical
 * warning naming @function, if it is not: a programmer's error. */
static GdciChunkIteratorPrivate *
initialized_priv (GdciChunkIterator *self,
                  const char        *function)
{
  if (_gdci_chunk_iterator_is_initialized (self))
    return gdci_chunk_iterator_get_instance_private (self);
  g_critical ("%s: the %s is not initialized (call g_initable_init() first, "
              "and check its result)", function, G_OBJECT_TYPE_NAME (self));
  return NULL;
}

typedef enum { SHAPE_MAX, SHAPE_CHUNK, SHAPE_BUFFER } ShapeKind;

static const guint64 *
shape_array (GdciChunkIterator *self,
             const char        *function,
             ShapeKind          kind,
             guint             *n_dims)
{
  GdciChunkIteratorPrivate *priv = initialized_priv (self, function);

  if (priv == NULL)
    return NULL;
  if (n_dims != NULL)
    *n_dims = priv->n_dims;
  return kind == SHAPE_MAX ? priv->maxshape :
         kind == SHAPE_CHUNK ? priv->chunk : priv->buffer;
}

static void
gdci_chunk_iterator_finalize (GObject *object)
{
  GdciChunkIterator *self = GDCI_CHUNK_ITERATOR (object);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  g_clear_pointer (&priv->buffer_shape, g_variant_unref);
  g_clear_pointer (&priv->chunk_shape, g_variant_unref);
  g_clear_pointer (&priv->progress_description, g_free);
  g_clear_error (&priv->init_error);
  g_clear_pointer (&priv->plan, gdci_plan_unref);
  g_clear_pointer (&priv->pool, _gdci_buffer_pool_unref);

  G_OBJECT_CLASS (gdci_chunk_iterator_parent_class)->finalize (object);
}

static void
gdci_chunk_iterator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GdciChunkIterator *self = GDCI_CHUNK_ITERATOR (object);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BUFFER_GB:
      g_value_set_double (value, priv->buffer_gb);
      break;
    case PROP_CHUNK_MB:
      g_value_set_double (value, priv->chunk_mb);
      break;
    case PROP_BUFFER_SHAPE:
      g_value_set_variant (value, priv->buffer_shape);
      break;
    case PROP_CHUNK_SHAPE:
      g_value_set_variant (value, priv->chunk_shape);
      break;
    case PROP_DISPLAY_PROGRESS:
      g_value_set_boolean (value, priv->display_progress);
      break;
    case PROP_PROGRESS_DESCRIPTION:
      g_value_set_string (value, priv->progress_description);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_chunk_iterator_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  GdciChunkIterator *self = GDCI_CHUNK_ITERATOR (object);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BUFFER_GB:
      priv->buffer_gb = g_value_get_double (value);
      break;
    case PROP_CHUNK_MB:
      priv->chunk_mb = g_value_get_double (value);
      break;
    case PROP_BUFFER_SHAPE:
      g_clear_pointer (&priv->buffer_shape, g_variant_unref);
      priv->buffer_shape = g_value_dup_variant (value);
      break;
    case PROP_CHUNK_SHAPE:
      g_clear_pointer (&priv->chunk_shape, g_variant_unref);
      priv->chunk_shape = g_value_dup_variant (value);
      break;
    case PROP_DISPLAY_PROGRESS:
      priv->display_progress = g_value_get_boolean (value);
      break;
    case PROP_PROGRESS_DESCRIPTION:
      g_free (priv->progress_description);
      priv->progress_description = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A size property: any double is accepted (so that a negative value reaches
 * the iterator's own check and error instead of being dropped by GLib with a
 * warning), and the default is the "not given" marker. */
static GParamSpec *
size_param_spec (const char *name)
{
  GParamSpec *pspec =
    g_param_spec_double (name, NULL, NULL, -INFINITY, INFINITY, 0.0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_LAX_VALIDATION | G_PARAM_STATIC_STRINGS);

  G_PARAM_SPEC_DOUBLE (pspec)->default_value = _gdci_unset_double ();
  return pspec;
}

static void
gdci_chunk_iterator_class_init (GdciChunkIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gdci_chunk_iterator_finalize;
  object_class->get_property = gdci_chunk_iterator_get_property;
  object_class->set_property = gdci_chunk_iterator_set_property;

  /**
   * GdciChunkIterator:buffer-gb:
   *
   * The largest size of a buffer in gigabytes (10^9 bytes), hdmf's
   * `buffer_gb`. When neither this nor
   * [property@Gdci.ChunkIterator:buffer-shape] is set, 1.0.
   *
   * Unset reads as NaN. A value that is not greater than zero makes
   * initialization fail with %GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE.
   *
   * Since: 1.0
   */
  properties[PROP_BUFFER_GB] = size_param_spec ("buffer-gb");

  /**
   * GdciChunkIterator:chunk-mb:
   *
   * The size the HDF5 chunk shape is chosen to stay under, in megabytes
   * (10^6 bytes), hdmf's `chunk_mb`. When neither this nor
   * [property@Gdci.ChunkIterator:chunk-shape] is set, 10.0, as in current
   * hdmf.
   *
   * Unset reads as NaN. A value that is not greater than zero makes
   * initialization fail with %GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE.
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_MB] = size_param_spec ("chunk-mb");

  /**
   * GdciChunkIterator:buffer-shape:
   *
   * The shape of the buffers, hdmf's `buffer_shape`, as a variant of type
   * `at` (any array or tuple of integers is accepted). Every axis must be a
   * multiple of the chunk shape, or equal to the data's.
   *
   * Since: 1.0
   */
  properties[PROP_BUFFER_SHAPE] =
    g_param_spec_variant ("buffer-shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * GdciChunkIterator:chunk-shape:
   *
   * The HDF5 chunk shape, hdmf's `chunk_shape`, as a variant of type `at`
   * (any array or tuple of integers is accepted).
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_SHAPE] =
    g_param_spec_variant ("chunk-shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * GdciChunkIterator:display-progress:
   *
   * Whether the user asked to see progress while iterating, hdmf's
   * `display_progress`. The library draws nothing itself: a front end
   * honours the setting, as the `gdci` command draws its bar on standard
   * error and the Python drop-in for hdmf a `tqdm` bar, from
   * [signal@Gdci.ChunkIterator::progress]. The setting is kept, and
   * serialized, with the iterator's other settings.
   *
   * Since: 1.0
   */
  properties[PROP_DISPLAY_PROGRESS] =
    g_param_spec_boolean ("display-progress", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * GdciChunkIterator:progress-description:
   *
   * The text a front end shows in front of its progress display when
   * [property@Gdci.ChunkIterator:display-progress] is set, such as
   * "Converting".
   *
   * Since: 1.0
   */
  properties[PROP_PROGRESS_DESCRIPTION] =
    g_param_spec_string ("progress-description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GdciChunkIterator::progress:
   * @self: the iterator
   * @buffers_done: the number of buffers handed out so far
   * @n_buffers: the number of buffers in all
   *
   * Emitted by [method@Gdci.ChunkIterator.next] after each buffer, in the
   * thread that called it. While a [class@Gdci.H5Writer] writes the
   * iterator, in the thread that called [method@Gdci.H5Writer.write], or
   * the main context of the caller of [method@Gdci.H5Writer.write_async]:
   * there, emissions that come faster than they are delivered are
   * coalesced, but the last one, every buffer read, always comes, before
   * the write returns or calls back.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (GdciChunkIteratorClass, progress),
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
gdci_chunk_iterator_init (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  priv->buffer_gb = _gdci_unset_double ();
  priv->chunk_mb = _gdci_unset_double ();
  priv->pool = _gdci_buffer_pool_new ();
}

static gboolean
compute_shapes (GdciChunkIterator  *self,
                GCancellable       *cancellable,
                GError            **error)
{
  GdciChunkIteratorClass *klass = GDCI_CHUNK_ITERATOR_GET_CLASS (self);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);
  const char *type_name = G_OBJECT_TYPE_NAME (self);
  GdciPlanSettings settings;
  g_autoptr(GArray) maxshape = NULL;
  int dtype;

  _gdci_plan_settings_init (&settings);
  settings.buffer_gb = priv->buffer_gb;
  settings.chunk_mb = priv->chunk_mb;
  if ((priv->buffer_shape != NULL &&
       !_gdci_plan_settings_set_shape_variant (&settings, TRUE,
                                               priv->buffer_shape, error)) ||
      (priv->chunk_shape != NULL &&
       !_gdci_plan_settings_set_shape_variant (&settings, FALSE,
                                               priv->chunk_shape, error)) ||
      !_gdci_plan_check_settings (&settings, error))
    return FALSE;

  if (klass->prepare != NULL && !klass->prepare (self, cancellable, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_FAILED,
                     "prepare() of %s failed without saying why", type_name);
      return FALSE;
    }

  /* as hdmf: the data type first, then the shape */
  if (klass->get_dtype == NULL || klass->get_maxshape == NULL ||
      klass->get_data == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "%s does not implement %s(), which every data source must",
                   type_name,
                   klass->get_data == NULL ? "get_data" :
                   klass->get_maxshape == NULL ? "get_maxshape" : "get_dtype");
      return FALSE;
    }

  dtype = (int) klass->get_dtype (self);
  if (!gdci_dtype_is_valid (dtype))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "get_dtype() of %s returned %d, which is not a GdciDtype",
                   type_name, dtype);
      return FALSE;
    }

  maxshape = klass->get_maxshape (self);
  if (maxshape == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "get_maxshape() of %s returned no shape", type_name);
      return FALSE;
    }
  if (g_array_get_element_size (maxshape) != sizeof (guint64))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "get_maxshape() of %s must return a GArray of guint64, not "
                   "of %u-byte elements", type_name,
                   g_array_get_element_size (maxshape));
      return FALSE;
    }
  if (!_gdci_check_maxshape ((const guint64 *) (gpointer) maxshape->data,
                             maxshape->len, error))
    return FALSE;

  priv->plan = gdci_plan_new ((GdciDtype) dtype,
                              (const guint64 *) (gpointer) maxshape->data,
                              maxshape->len, &settings, error);
  if (priv->plan == NULL)
    return FALSE;

  priv->dtype = (GdciDtype) dtype;
  priv->n_dims = maxshape->len;
  memcpy (priv->maxshape, maxshape->data, priv->n_dims * sizeof (guint64));
  memcpy (priv->chunk, gdci_plan_get_chunk_shape (priv->plan, NULL),
          priv->n_dims * sizeof (guint64));
  memcpy (priv->buffer, gdci_plan_get_buffer_shape (priv->plan, NULL),
          priv->n_dims * sizeof (guint64));
  priv->n_buffers = gdci_plan_get_n_buffers (priv->plan);
  for (guint i = 0; i < priv->n_dims; i++)
    priv->grid[i] = priv->maxshape[i] / priv->buffer[i] +
                    (priv->maxshape[i] % priv->buffer[i] != 0);
  return TRUE;
}

static gboolean
gdci_chunk_iterator_initable_init (GInitable     *initable,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  GdciChunkIterator *self = GDCI_CHUNK_ITERATOR (initable);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);
  GError *local_error = NULL;

  /* idempotent, as GInitable asks: a second call gives the first result */
  if (priv->init_done)
    {
      if (priv->init_error != NULL)
        {
          g_propagate_error (error, g_error_copy (priv->init_error));
          return FALSE;
        }
      return TRUE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!compute_shapes (self, cancellable, &local_error))
    {
      priv->init_error = g_error_copy (local_error);
      g_propagate_error (error, local_error);
    }
  priv->init_done = TRUE;
  return priv->init_error == NULL;
}

static void
gdci_chunk_iterator_initable_iface_init (GInitableIface *iface)
{
  iface->init = gdci_chunk_iterator_initable_init;
}

/**
 * gdci_chunk_iterator_get_full_shape:
 * @self: an initialized iterator
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The shape of the full dataset, as the subclass reported it, hdmf's
 * `maxshape`.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_chunk_iterator_get_full_shape (GdciChunkIterator *self,
                                  guint             *n_dims)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);

  return shape_array (self, G_STRFUNC, SHAPE_MAX, n_dims);
}

/**
 * gdci_chunk_iterator_get_plan:
 * @self: an initialized iterator
 *
 * How the iterator splits its data: its shapes, its number of buffers and
 * their selections, and their sizes in bytes, as a [struct@Gdci.Plan]
 * computed by [method@Gio.Initable.init] from the iterator's settings.
 *
 * Returns: (transfer none): the plan, owned by @self
 *
 * Since: 1.0
 */
GdciPlan *
gdci_chunk_iterator_get_plan (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);

  priv = initialized_priv (self, G_STRFUNC);
  return priv != NULL ? priv->plan : NULL;
}

/**
 * gdci_chunk_iterator_get_n_dims:
 * @self: an initialized iterator
 *
 * The number of axes of the dataset.
 *
 * Returns: the number of axes
 *
 * Since: 1.0
 */
guint
gdci_chunk_iterator_get_n_dims (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), 0);

  priv = initialized_priv (self, G_STRFUNC);
  return priv != NULL ? priv->n_dims : 0;
}

/**
 * gdci_chunk_iterator_get_dtype:
 * @self: an initialized iterator
 *
 * The element type of the dataset, hdmf's `dtype`.
 *
 * Returns: the element type
 *
 * Since: 1.0
 */
GdciDtype
gdci_chunk_iterator_get_dtype (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), GDCI_DTYPE_INT8);

  priv = initialized_priv (self, G_STRFUNC);
  return priv != NULL ? priv->dtype : GDCI_DTYPE_INT8;
}

/**
 * gdci_chunk_iterator_get_chunk_shape:
 * @self: an initialized iterator
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The HDF5 chunk shape, given or computed, hdmf's `chunk_shape`.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_chunk_iterator_get_chunk_shape (GdciChunkIterator *self,
                                     guint             *n_dims)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);

  return shape_array (self, G_STRFUNC, SHAPE_CHUNK, n_dims);
}

/**
 * gdci_chunk_iterator_get_buffer_shape:
 * @self: an initialized iterator
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
gdci_chunk_iterator_get_buffer_shape (GdciChunkIterator *self,
                                      guint             *n_dims)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);

  return shape_array (self, G_STRFUNC, SHAPE_BUFFER, n_dims);
}

/**
 * gdci_chunk_iterator_get_n_buffers:
 * @self: an initialized iterator
 *
 * The number of buffers, hdmf's `num_buffers`: the product over the axes
 * of the data size divided by the buffer size, rounded up.
 *
 * Returns: the number of buffers
 *
 * Since: 1.0
 */
guint64
gdci_chunk_iterator_get_n_buffers (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), 0);

  priv = initialized_priv (self, G_STRFUNC);
  return priv != NULL ? priv->n_buffers : 0;
}

/**
 * gdci_chunk_iterator_get_position:
 * @self: an initialized iterator
 *
 * The index of the buffer the next call to [method@Gdci.ChunkIterator.next]
 * reads, which is also the number of buffers handed out since the start or
 * the last [method@Gdci.ChunkIterator.reset]. Equal to the number of
 * buffers once the iterator is exhausted.
 *
 * Returns: the position
 *
 * Since: 1.0
 */
guint64
gdci_chunk_iterator_get_position (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), 0);

  priv = initialized_priv (self, G_STRFUNC);
  return priv != NULL ? priv->position : 0;
}

static GdciSelection *
buffer_selection (GdciChunkIteratorPrivate *priv,
                  guint64                   index)
{
  guint64 start[GDCI_MAX_DIMS];
  guint64 stop[GDCI_MAX_DIMS];

  for (guint i = priv->n_dims; i-- > 0;)
    {
      guint64 cell = index % priv->grid[i];

      index /= priv->grid[i];
      start[i] = cell * priv->buffer[i];
      stop[i] = MIN (start[i] + priv->buffer[i], priv->maxshape[i]);
    }
  return gdci_selection_new (start, stop, priv->n_dims);
}

/**
 * gdci_chunk_iterator_get_buffer_selection:
 * @self: an initialized iterator
 * @index: the index of a buffer, less than the number of buffers
 *
 * The selection of the buffer at @index in iteration order, without reading
 * anything. Buffers are numbered in C order over the grid of buffers, last
 * axis fastest, as hdmf's `buffer_selection_generator` yields them.
 *
 * Returns: (transfer full): the selection
 *
 * Since: 1.0
 */
GdciSelection *
gdci_chunk_iterator_get_buffer_selection (GdciChunkIterator *self,
                                          guint64            index)
{
  GdciChunkIteratorPrivate *priv;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);
  priv = initialized_priv (self, G_STRFUNC);
  if (priv == NULL)
    return NULL;
  g_return_val_if_fail (index < priv->n_buffers, NULL);

  return buffer_selection (priv, index);
}

gboolean
_gdci_chunk_iterator_selection_bytes (GdciSelection  *selection,
                                      GdciDtype       dtype,
                                      gsize          *n_bytes,
                                      GError        **error)
{
  guint64 bytes;

  if (!g_uint64_checked_mul (&bytes, gdci_selection_get_n_elements (selection),
                             gdci_dtype_get_itemsize (dtype)) ||
      bytes > G_MAXSIZE)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The selection %s of %s has more bytes than this system "
                   "can hold in memory", sel, gdci_dtype_to_string (dtype));
      return FALSE;
    }
  *n_bytes = (gsize) bytes;
  return TRUE;
}

/* Refuses a public call while a write owns the iterator */
static gboolean
check_not_busy (GdciChunkIterator  *self,
                const char         *method,
                GError            **error)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  if (!g_atomic_int_get (&priv->in_use))
    return TRUE;
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
               "The %s is in use by a write: %s() may be called only once "
               "the write is done", G_OBJECT_TYPE_NAME (self), method);
  return FALSE;
}

gboolean
_gdci_chunk_iterator_begin_use (GdciChunkIterator  *self,
                                GdciProgressHook    hook,
                                gpointer            hook_data,
                                GError            **error)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  if (!g_atomic_int_compare_and_exchange (&priv->in_use, 0, 1))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                   "The %s is already in use by another write: an iterator "
                   "can be written by one write at a time",
                   G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
  priv->progress_hook = hook;
  priv->progress_hook_data = hook_data;
  return TRUE;
}

void
_gdci_chunk_iterator_end_use (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  priv->progress_hook = NULL;
  priv->progress_hook_data = NULL;
  g_atomic_int_set (&priv->in_use, 0);
}

void
_gdci_chunk_iterator_emit_progress (GdciChunkIterator *self,
                                    guint64            buffers_done,
                                    guint64            n_buffers)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, buffers_done, n_buffers);
}

/* Reads the buffer at the position; the selection's bytes are checked */
static GdciDataChunk *
read_buffer (GdciChunkIterator  *self,
             GError            **error)
{
  GdciChunkIteratorClass *klass = GDCI_CHUNK_ITERATOR_GET_CLASS (self);
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);
  g_autoptr(GdciSelection) selection = buffer_selection (priv, priv->position);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;
  GdciDataChunk *chunk;
  /* cannot overflow: init checked the size of a whole buffer */
  guint64 expected = gdci_selection_get_n_elements (selection) *
                     gdci_dtype_get_itemsize (priv->dtype);

  data = klass->get_data (self, selection, &local_error);
  if (data == NULL)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      if (local_error != NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Reading buffer %" G_GUINT64_FORMAT
                                    " of %" G_GUINT64_FORMAT " %s failed: ",
                                    priv->position + 1, priv->n_buffers, sel);
      else
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                     "get_data() of %s returned no data for selection %s "
                     "(expected %" G_GUINT64_FORMAT " bytes)",
                     G_OBJECT_TYPE_NAME (self), sel, expected);
      return NULL;
    }
  if (g_bytes_get_size (data) != expected)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);

      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "get_data() of %s returned %" G_GSIZE_FORMAT " bytes for "
                   "selection %s of %s; expected %" G_GUINT64_FORMAT " bytes",
                   G_OBJECT_TYPE_NAME (self), g_bytes_get_size (data), sel,
                   gdci_dtype_to_string (priv->dtype), expected);
      return NULL;
    }

  chunk = gdci_data_chunk_new (selection, priv->dtype, data, error);
  if (chunk != NULL)
    priv->bytes_done += expected;
  return chunk;
}

static GdciDataChunk *
next_buffer (GdciChunkIterator  *self,
             gboolean            owned,
             GError            **error)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);
  GdciDataChunk *chunk;

  if (priv->position >= priv->n_buffers)
    {
      /* done: nothing more to recycle buffer memory for */
      _gdci_buffer_pool_drain (priv->pool);
      return NULL;
    }
  chunk = read_buffer (self, error);
  if (chunk == NULL)
    return NULL;

  priv->position++;
  if (owned && priv->progress_hook != NULL)
    priv->progress_hook (self, priv->position, priv->n_buffers, priv->progress_hook_data);
  else
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, priv->position, priv->n_buffers);
  return chunk;
}

GdciDataChunk *
_gdci_chunk_iterator_next_owned (GdciChunkIterator  *self,
                                 GError            **error)
{
  return next_buffer (self, TRUE, error);
}

/**
 * gdci_chunk_iterator_next:
 * @self: an initialized iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads the next buffer from the data source and returns it with its
 * selection. When every buffer has been returned, returns %NULL without
 * setting @error, and does so again on every later call, until
 * [method@Gdci.ChunkIterator.reset].
 *
 * When the data source fails, or returns other than exactly the
 * selection's bytes, this returns %NULL with @error set and the position
 * stays on the failed buffer, so a later call tries it again.
 *
 * While a [class@Gdci.H5Writer] writes @self, this fails with
 * %GDCI_ERROR_BUSY and leaves the write alone.
 *
 * Emits [signal@Gdci.ChunkIterator::progress] after each buffer.
 *
 * Returns: (transfer full) (nullable): the next buffer, or %NULL when the
 *   iterator is exhausted or on error
 *
 * Since: 1.0
 */
GdciDataChunk *
gdci_chunk_iterator_next (GdciChunkIterator  *self,
                          GError            **error)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_initialized (self, error) || !check_not_busy (self, "next", error))
    return NULL;
  return next_buffer (self, FALSE, error);
}

void
_gdci_chunk_iterator_reset_owned (GdciChunkIterator *self)
{
  GdciChunkIteratorPrivate *priv = gdci_chunk_iterator_get_instance_private (self);

  priv->position = 0;
  priv->bytes_done = 0;
}

/**
 * gdci_chunk_iterator_reset:
 * @self: an initialized iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Goes back to the first buffer, so the iterator can be run again (hdmf's
 * iterator is exhausted once; a `GdciChunkIterator` need not be).
 *
 * Fails with %GDCI_ERROR_NOT_INITIALIZED when @self is not initialized,
 * and with %GDCI_ERROR_BUSY while a [class@Gdci.H5Writer] writes it.
 *
 * Returns: true if the iterator is back at its first buffer, false with
 *   @error set otherwise
 *
 * Since: 1.0
 */
gboolean
gdci_chunk_iterator_reset (GdciChunkIterator  *self,
                           GError            **error)
{
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_initialized (self, error) || !check_not_busy (self, "reset", error))
    return FALSE;
  _gdci_chunk_iterator_reset_owned (self);
  return TRUE;
}

/**
 * gdci_chunk_iterator_recommended_chunk_shape:
 * @self: an initialized iterator
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The chunk shape to create the HDF5 dataset with, hdmf's
 * `recommended_chunk_shape()`: the chunk shape.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_chunk_iterator_recommended_chunk_shape (GdciChunkIterator *self,
                                             guint             *n_dims)
{
  return gdci_chunk_iterator_get_chunk_shape (self, n_dims);
}

/**
 * gdci_chunk_iterator_recommended_data_shape:
 * @self: an initialized iterator
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The shape to create the HDF5 dataset with, hdmf's
 * `recommended_data_shape()`: the full data shape.
 *
 * Returns: (array length=n_dims) (transfer none): the shape, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_chunk_iterator_recommended_data_shape (GdciChunkIterator *self,
                                            guint             *n_dims)
{
  return gdci_chunk_iterator_get_full_shape (self, n_dims);
}
