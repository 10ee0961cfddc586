/* gdci-array-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-array-iterator.h"
#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-copy-private.h"
#include "gdci-selection-private.h"
#include "gdci-serialize-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-shape-private.h"

/**
 * GdciArrayIterator:
 *
 * A data source already in memory: a C-order array in a [struct@GLib.Bytes],
 * the tutorial's `NumpyArrayDataChunkIterator`.
 *
 * A buffer that is one contiguous run of the array (it spans every axis
 * after its first partial one) is handed out without copying, as a slice of
 * the same [struct@GLib.Bytes]; any other buffer is copied once.
 *
 * Since: 1.0
 */
struct _GdciArrayIterator
{
  GdciChunkIterator parent_instance;

  GBytes *data;
  GdciDtype dtype;
  GVariant *shape_arg;

  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
  gint64 strides[GDCI_MAX_DIMS];
};

G_DEFINE_FINAL_TYPE (GdciArrayIterator, gdci_array_iterator, GDCI_TYPE_CHUNK_ITERATOR)

enum {
  PROP_0,
  PROP_DATA,
  PROP_DTYPE,
  PROP_SHAPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gdci_array_iterator_finalize (GObject *object)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (object);

  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->shape_arg, g_variant_unref);

  G_OBJECT_CLASS (gdci_array_iterator_parent_class)->finalize (object);
}

static void
gdci_array_iterator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (object);

  switch (prop_id)
    {
    case PROP_DATA:
      g_value_set_boxed (value, self->data);
      break;
    case PROP_DTYPE:
      g_value_set_enum (value, self->dtype);
      break;
    case PROP_SHAPE:
      g_value_set_variant (value, self->shape_arg);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_array_iterator_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (object);

  switch (prop_id)
    {
    case PROP_DATA:
      g_clear_pointer (&self->data, g_bytes_unref);
      self->data = g_value_dup_boxed (value);
      break;
    case PROP_DTYPE:
      self->dtype = g_value_get_enum (value);
      break;
    case PROP_SHAPE:
      g_clear_pointer (&self->shape_arg, g_variant_unref);
      self->shape_arg = g_value_dup_variant (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
gdci_array_iterator_prepare (GdciChunkIterator  *iter,
                             GCancellable       *cancellable,
                             GError            **error)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (iter);
  g_autofree char *shape_s = NULL;
  GdciShapeArg arg;
  guint64 n_bytes;

  if (self->data == NULL)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No data given: set the data property");
      return FALSE;
    }
  if (!gdci_dtype_is_valid (self->dtype))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciDtype", self->dtype);
      return FALSE;
    }
  if (self->shape_arg == NULL)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No shape given: set the shape property");
      return FALSE;
    }
  if (!_gdci_shape_arg_from_variant (self->shape_arg, "shape", &arg, error))
    return FALSE;
  shape_s = _gdci_shape_arg_to_string (&arg);
  for (guint i = 0; i < arg.n_dims; i++)
    {
      if (arg.negative[i])
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The shape %s has a negative axis", shape_s);
          return FALSE;
        }
    }
  if (!_gdci_shape_n_bytes (arg.value, arg.n_dims, self->dtype, &n_bytes))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The shape %s of %s has more than 2^64 bytes", shape_s,
                   gdci_dtype_to_string (self->dtype));
      return FALSE;
    }
  if (g_bytes_get_size (self->data) != n_bytes)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The data is %" G_GSIZE_FORMAT " bytes, but shape %s of %s "
                   "is %" G_GUINT64_FORMAT " bytes",
                   g_bytes_get_size (self->data), shape_s,
                   gdci_dtype_to_string (self->dtype), n_bytes);
      return FALSE;
    }

  self->n_dims = arg.n_dims;
  memcpy (self->shape, arg.value, arg.n_dims * sizeof (guint64));
  _gdci_c_strides (self->shape, self->n_dims,
                   gdci_dtype_get_itemsize (self->dtype), self->strides);
  return TRUE;
}

static GBytes *
gdci_array_iterator_get_data (GdciChunkIterator  *iter,
                              GdciSelection      *selection,
                              GError            **error)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (iter);
  gsize itemsize = gdci_dtype_get_itemsize (self->dtype);
  gsize n_bytes;
  const guint8 *src = g_bytes_get_data (self->data, NULL);
  guint64 first = 0;
  g_autofree guint64 *extent = NULL;
  gint64 dst_strides[GDCI_MAX_DIMS];
  GdciBufferLease *buffer;

  if (!_gdci_chunk_iterator_selection_bytes (selection, self->dtype, &n_bytes, error))
    return NULL;
  for (guint i = 0; i < self->n_dims; i++)
    first += gdci_selection_get_start (selection, i) * (guint64) self->strides[i];

  if (_gdci_selection_is_c_run (selection, self->shape))
    return g_bytes_new_from_bytes (self->data, first, n_bytes);

  buffer = _gdci_chunk_iterator_alloc_buffer (iter, n_bytes, error);
  if (buffer == NULL)
    return NULL;
  extent = gdci_selection_get_shape (selection, NULL);
  _gdci_c_strides (extent, self->n_dims, itemsize, dst_strides);
  _gdci_copy_box (self->n_dims, extent, itemsize, src + first, self->strides,
                  buffer->data, dst_strides);
  return _gdci_buffer_lease_to_bytes (buffer, n_bytes);
}

static GArray *
gdci_array_iterator_get_maxshape (GdciChunkIterator *iter)
{
  GdciArrayIterator *self = GDCI_ARRAY_ITERATOR (iter);

  return _gdci_shape_array_new (self->shape, self->n_dims);
}

static GdciDtype
gdci_array_iterator_get_dtype (GdciChunkIterator *iter)
{
  return GDCI_ARRAY_ITERATOR (iter)->dtype;
}

static GVariant *
gdci_array_iterator_serialize (GdciChunkIterator  *iter,
                               GError            **error)
{
  static const char *const names[] = { "data", "dtype", "shape", NULL };

  return _gdci_properties_to_variant (G_OBJECT (iter), names, error);
}

static void
gdci_array_iterator_class_init (GdciArrayIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_array_iterator_finalize;
  object_class->get_property = gdci_array_iterator_get_property;
  object_class->set_property = gdci_array_iterator_set_property;

  iter_class->prepare = gdci_array_iterator_prepare;
  iter_class->get_data = gdci_array_iterator_get_data;
  iter_class->get_maxshape = gdci_array_iterator_get_maxshape;
  iter_class->get_dtype = gdci_array_iterator_get_dtype;
  iter_class->serialize = gdci_array_iterator_serialize;

  /**
   * GdciArrayIterator:data:
   *
   * The elements in C order, exactly the size the shape and element type
   * say.
   *
   * Since: 1.0
   */
  properties[PROP_DATA] =
    g_param_spec_boxed ("data", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * GdciArrayIterator:dtype:
   *
   * The element type of the data.
   *
   * Since: 1.0
   */
  properties[PROP_DTYPE] =
    g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE, GDCI_DTYPE_INT16,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * GdciArrayIterator:shape:
   *
   * The shape of the array, a variant of type `at` (any array or tuple of
   * integers is accepted).
   *
   * Since: 1.0
   */
  properties[PROP_SHAPE] =
    g_param_spec_variant ("shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gdci_array_iterator_init (GdciArrayIterator *self)
{
  self->dtype = GDCI_DTYPE_INT16;
}

/**
 * gdci_array_iterator_new:
 * @data: the elements in C order
 * @dtype: their element type
 * @shape: (array length=n_dims): the shape of the array
 * @n_dims: the number of axes
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates and initializes an iterator over an array in memory, with the
 * default buffer and chunk settings. For other settings, use
 * [func@Gio.Initable.new] with the properties.
 *
 * Fails when the size of @data is not the product of @shape times the size
 * of @dtype, and for the reasons [class@Gdci.ChunkIterator] gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or
 *   %NULL on error
 *
 * Since: 1.0
 */
GdciChunkIterator *
gdci_array_iterator_new (GBytes         *data,
                         GdciDtype       dtype,
                         const guint64  *shape,
                         guint           n_dims,
                         GError        **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (shape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, error,
                         "data", data,
                         "dtype", dtype,
                         "shape", _gdci_shape_variant_new (shape, n_dims),
                         NULL);
}
