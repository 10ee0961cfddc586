/* gdci-data-chunk.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-data-chunk.h"
#include "gdci-enum-types.h"
#include "gdci-error.h"

/**
 * GdciDataChunk:
 *
 * One buffer of data handed out by a [class@Gdci.ChunkIterator], with the
 * [struct@Gdci.Selection] of the full dataset it covers: hdmf's `DataChunk`.
 *
 * The data is a [struct@GLib.Bytes] holding exactly the selection's elements
 * in C order (last axis fastest), in this machine's byte order.
 *
 * Since: 1.0
 */
struct _GdciDataChunk
{
  GObject parent_instance;

  GdciSelection *selection;
  GdciDtype dtype;
  GBytes *data;
};

G_DEFINE_FINAL_TYPE (GdciDataChunk, gdci_data_chunk, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SELECTION,
  PROP_DTYPE,
  PROP_DATA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gdci_data_chunk_finalize (GObject *object)
{
  GdciDataChunk *self = GDCI_DATA_CHUNK (object);

  g_clear_pointer (&self->selection, gdci_selection_unref);
  g_clear_pointer (&self->data, g_bytes_unref);

  G_OBJECT_CLASS (gdci_data_chunk_parent_class)->finalize (object);
}

static void
gdci_data_chunk_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GdciDataChunk *self = GDCI_DATA_CHUNK (object);

  switch (prop_id)
    {
    case PROP_SELECTION:
      g_value_set_boxed (value, self->selection);
      break;
    case PROP_DTYPE:
      g_value_set_enum (value, self->dtype);
      break;
    case PROP_DATA:
      g_value_set_boxed (value, self->data);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_data_chunk_class_init (GdciDataChunkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gdci_data_chunk_finalize;
  object_class->get_property = gdci_data_chunk_get_property;

  /**
   * GdciDataChunk:selection:
   *
   * The part of the full dataset this chunk covers.
   *
   * Since: 1.0
   */
  properties[PROP_SELECTION] =
    g_param_spec_boxed ("selection", NULL, NULL, GDCI_TYPE_SELECTION,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GdciDataChunk:dtype:
   *
   * The element type of the data.
   *
   * Since: 1.0
   */
  properties[PROP_DTYPE] =
    g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE, GDCI_DTYPE_INT8,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GdciDataChunk:data:
   *
   * The elements of the selection in C order.
   *
   * Since: 1.0
   */
  properties[PROP_DATA] =
    g_param_spec_boxed ("data", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gdci_data_chunk_init (GdciDataChunk *self)
{
}

/**
 * gdci_data_chunk_new:
 * @selection: the part of the dataset the data covers
 * @dtype: the element type of the data
 * @data: the elements of @selection in C order
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates a data chunk. The size of @data must be exactly the number of
 * elements of @selection times the size of @dtype, otherwise this fails
 * with %GDCI_ERROR_INVALID_DATA.
 *
 * Returns: (transfer full) (nullable): a new data chunk, or %NULL on error
 *
 * Since: 1.0
 */
GdciDataChunk *
gdci_data_chunk_new (GdciSelection  *selection,
                     GdciDtype       dtype,
                     GBytes         *data,
                     GError        **error)
{
  GdciDataChunk *self;
  guint64 expected;

  g_return_val_if_fail (selection != NULL, NULL);
  g_return_val_if_fail (gdci_dtype_is_valid (dtype), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_uint64_checked_mul (&expected, gdci_selection_get_n_elements (selection),
                             gdci_dtype_get_itemsize (dtype)))
    {
      g_autofree char *sel = gdci_selection_to_string (selection);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The selection %s of %s has more than 2^64 bytes",
                   sel, gdci_dtype_to_string (dtype));
      return NULL;
    }
  if (g_bytes_get_size (data) != expected)
    {
      g_autofree char *sel = gdci_selection_to_string (selection);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The data for selection %s of %s must be %" G_GUINT64_FORMAT
                   " bytes, not %" G_GSIZE_FORMAT,
                   sel, gdci_dtype_to_string (dtype), expected,
                   g_bytes_get_size (data));
      return NULL;
    }

  self = g_object_new (GDCI_TYPE_DATA_CHUNK, NULL);
  self->selection = gdci_selection_ref (selection);
  self->dtype = dtype;
  self->data = g_bytes_ref (data);
  return self;
}

/**
 * gdci_data_chunk_get_selection:
 * @self: a data chunk
 *
 * The part of the full dataset this chunk covers.
 *
 * Returns: (transfer none): the selection
 *
 * Since: 1.0
 */
GdciSelection *
gdci_data_chunk_get_selection (GdciDataChunk *self)
{
  g_return_val_if_fail (GDCI_IS_DATA_CHUNK (self), NULL);

  return self->selection;
}

/**
 * gdci_data_chunk_get_data:
 * @self: a data chunk
 *
 * The elements of the selection in C order (last axis fastest), exactly
 * `n_elements * itemsize` bytes.
 *
 * Returns: (transfer none): the data
 *
 * Since: 1.0
 */
GBytes *
gdci_data_chunk_get_data (GdciDataChunk *self)
{
  g_return_val_if_fail (GDCI_IS_DATA_CHUNK (self), NULL);

  return self->data;
}

/**
 * gdci_data_chunk_get_dtype:
 * @self: a data chunk
 *
 * The element type of the data.
 *
 * Returns: the element type
 *
 * Since: 1.0
 */
GdciDtype
gdci_data_chunk_get_dtype (GdciDataChunk *self)
{
  g_return_val_if_fail (GDCI_IS_DATA_CHUNK (self), GDCI_DTYPE_INT8);

  return self->dtype;
}

/**
 * gdci_data_chunk_get_shape:
 * @self: a data chunk
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The shape of the data, which is the shape of the selection.
 *
 * Returns: (array length=n_dims) (transfer full): a newly allocated array
 *
 * Since: 1.0
 */
guint64 *
gdci_data_chunk_get_shape (GdciDataChunk *self,
                           guint         *n_dims)
{
  g_return_val_if_fail (GDCI_IS_DATA_CHUNK (self), NULL);
  g_return_val_if_fail (self->selection != NULL, NULL);

  return gdci_selection_get_shape (self->selection, n_dims);
}

/**
 * gdci_data_chunk_get_min_bounds:
 * @self: a data chunk
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The smallest dataset shape that contains this chunk, as hdmf's
 * `DataChunk.get_min_bounds()`: the stop of the selection on every axis.
 *
 * Returns: (array length=n_dims) (transfer none): the bounds, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_data_chunk_get_min_bounds (GdciDataChunk *self,
                                guint         *n_dims)
{
  g_return_val_if_fail (GDCI_IS_DATA_CHUNK (self), NULL);
  g_return_val_if_fail (self->selection != NULL, NULL);

  return gdci_selection_get_stops (self->selection, n_dims);
}
