/* gdci-chunk-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-enum-types.h"

#include <math.h>

#include "gdci-chunk-iterator.h"
#include "gdci-error.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-plan-settings-private.h"

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
  PROP_PLAN_STRATEGY,
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

GdciChunkIteratorPrivate *
_gdci_chunk_iterator_get_private (GdciChunkIterator *self)
{
  return gdci_chunk_iterator_get_instance_private (self);
}

guint
_gdci_chunk_iterator_progress_signal (void)
{
  return signals[SIGNAL_PROGRESS];
}

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

gboolean
_gdci_chunk_iterator_check_initialized (GdciChunkIterator  *self,
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
GdciChunkIteratorPrivate *
_gdci_chunk_iterator_initialized_private (GdciChunkIterator *self,
                                          const char        *function)
{
  if (_gdci_chunk_iterator_is_initialized (self))
    return gdci_chunk_iterator_get_instance_private (self);
  g_critical ("%s: the %s is not initialized (call g_initable_init() first, "
              "and check its result)", function, G_OBJECT_TYPE_NAME (self));
  return NULL;
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
    case PROP_PLAN_STRATEGY:
      g_value_set_enum (value, priv->plan_strategy);
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
    case PROP_PLAN_STRATEGY:
      priv->plan_strategy = g_value_get_enum (value);
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
   * multiple of the chunk shape, or equal to the data's. An axis of 0 is
   * free (`None` in the Python drop-in): sized from
   * [property@Gdci.ChunkIterator:buffer-gb], which may then be set too, by
   * [property@Gdci.ChunkIterator:plan-strategy].
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
   * (any array or tuple of integers is accepted). An axis of 0 is free
   * (`None` in the Python drop-in): sized from
   * [property@Gdci.ChunkIterator:chunk-mb], which may then be set too, by
   * [property@Gdci.ChunkIterator:plan-strategy]; `(0, 64)` with a chunk
   * size of 10 MB gives chunks of 64 channels and about 10 MB.
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_SHAPE] =
    g_param_spec_variant ("chunk-shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * GdciChunkIterator:plan-strategy:
   *
   * How the shapes, or the axes of them, that the settings leave free are
   * sized: hdmf's shapes, exactly (the default, and what the Python drop-in
   * always uses), or shapes that fit the data, with less padding and
   * buffers that read a C-order source once ([enum@Gdci.PlanStrategy]).
   *
   * Since: 1.0
   */
  properties[PROP_PLAN_STRATEGY] =
    g_param_spec_enum ("plan-strategy", NULL, NULL, GDCI_TYPE_PLAN_STRATEGY,
                       GDCI_PLAN_STRATEGY_HDMF,
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
  settings.strategy = priv->plan_strategy;
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
  return priv->plan != NULL;
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
