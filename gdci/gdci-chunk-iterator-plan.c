/* gdci-chunk-iterator-plan.c: what a GdciChunkIterator's plan says: its
 * shapes, its element type and its number of buffers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-chunk-iterator-private.h"

typedef enum { SHAPE_MAX, SHAPE_CHUNK, SHAPE_BUFFER } ShapeKind;

static const guint64 *
shape_array (GdciChunkIterator *self,
             const char        *function,
             ShapeKind          kind,
             guint             *n_dims)
{
  GdciChunkIteratorPrivate *priv = _gdci_chunk_iterator_initialized_private (self, function);

  if (priv == NULL)
    return NULL;
  return kind == SHAPE_MAX ? gdci_plan_get_full_shape (priv->plan, n_dims) :
         kind == SHAPE_CHUNK ? gdci_plan_get_chunk_shape (priv->plan, n_dims) :
                               gdci_plan_get_buffer_shape (priv->plan, n_dims);
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

  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
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

  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
  return priv != NULL ? gdci_plan_get_n_dims (priv->plan) : 0;
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

  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
  return priv != NULL ? gdci_plan_get_dtype (priv->plan) : GDCI_DTYPE_INT8;
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

  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
  return priv != NULL ? gdci_plan_get_n_buffers (priv->plan) : 0;
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

  priv = _gdci_chunk_iterator_initialized_private (self, G_STRFUNC);
  return priv != NULL ? priv->position : 0;
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
