/* gdci-shape.c: hdmf's default shape algorithms, reproduced exactly
 *
 * hdmf computes in Python: integers are unbounded, `a / b` on integers is
 * the correctly rounded double of the exact quotient, and integers compare
 * exactly with floats. The helpers below give the same answers with 64-bit
 * integers and doubles, and refuse (never wrap) where a size would not fit.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "gdci-error.h"
#include "gdci-saturating-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-shape-private.h"
#include "gdci-shape.h"

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 gdci_u128;
#endif

#define TWO_POW_53 (G_GUINT64_CONSTANT (1) << 53)
#define TWO_POW_64_DOUBLE 18446744073709551616.0

/* Python's math.floor(a / b) for integers 0 < b, a < 2^63: the exact
 * quotient rounded to the nearest double (ties to even), then floored. */
static guint64
py_floor_truediv (guint64 a,
                  guint64 b)
{
  g_assert (b > 0);

  if (a <= TWO_POW_53 && b <= TWO_POW_53)
    return (guint64) floor ((double) a / (double) b);

#ifdef __SIZEOF_INT128__
  {
    guint64 q = a / b;
    guint64 r = a % b;
    int e;

    if (r == 0 && q <= TWO_POW_53)
      return q;

    /* e = floor(log2(q)), or -1 when q == 0 */
    e = q == 0 ? -1 : 63 - __builtin_clzll (q);

    if (e < 52)
      {
        /* doubles near q are finer than 1: the result is q, unless the
         * quotient is within half a unit in the last place of q + 1, where
         * it rounds up (a tie goes to q + 1, whose significand is even) */
        gdci_u128 lhs = (gdci_u128) (b - r) << (53 - e);
        return lhs <= b ? q + 1 : q;
      }
    else
      {
        /* doubles near q are multiples of m = 2^(e - 52) */
        guint64 m = G_GUINT64_CONSTANT (1) << (e - 52);
        guint64 lower = q & ~(m - 1);
        gdci_u128 twice_frac =
          2 * ((gdci_u128) (q & (m - 1)) * b + r);
        gdci_u128 unit = (gdci_u128) m * b;

        if (twice_frac > unit || (twice_frac == unit && ((lower / m) & 1)))
          return lower + m;
        return lower;
      }
  }
#else
  return (guint64) floorl ((long double) a / (long double) b);
#endif
}

/* Python's `n > d` for an integer n and a float d: exact */
static gboolean
u64_greater_than_double (guint64 n,
                         double  d)
{
  if (d < 0)
    return TRUE;
  if (d >= TWO_POW_64_DOUBLE)
    return FALSE;
  return n > (guint64) floor (d);
}

/* Python's math.floor(x) for a non-negative double, saturated to 64 bits */
static guint64
floor_to_u64 (double x)
{
  if (!(x >= 0))
    return 0;
  if (x >= TWO_POW_64_DOUBLE)
    return G_MAXUINT64;
  return (guint64) floor (x);
}

gboolean
_gdci_check_size_setting (gboolean     buffer,
                          double       value,
                          GError     **error)
{
  const char *name = buffer ? "buffer-gb" : "chunk-mb";
  g_autofree char *repr = NULL;

  if (!(value > 0))
    {
      repr = _gdci_format_py_float (value);
      g_set_error (error, GDCI_PLAN_ERROR,
                   buffer ? GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE
                          : GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
                   "%s must be greater than zero, not %s", name, repr);
      return FALSE;
    }
  if (isinf (value) || isinf (value * (buffer ? 1e9 : 1e6)))
    {
      repr = _gdci_format_py_float (value);
      g_set_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_SIZE_NOT_FINITE,
                   "%s %s is too large: give a finite size", name, repr);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_check_dtype (GdciDtype   dtype,
                   GError    **error)
{
  if (!gdci_dtype_is_valid (dtype))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciDtype", (int) dtype);
      return FALSE;
    }
  return TRUE;
}

/* hdmf's default chunk shape for elements of @itemsize bytes */
static gboolean
default_chunk_shape (const guint64  *maxshape,
                     guint           n_dims,
                     guint64         itemsize,
                     double          chunk_mb,
                     guint64        *chunk,
                     GError        **error)
{
  double chunk_bytes;
  guint64 v[GDCI_MAX_DIMS];
  guint64 min_axis = G_MAXUINT64;
  guint64 prod_v;
  guint64 prod_bytes;
  guint64 k;

  if (!_gdci_check_size_setting (FALSE, chunk_mb, error))
    return FALSE;
  chunk_bytes = chunk_mb * 1e6;

  for (guint i = 0; i < n_dims; i++)
    min_axis = MIN (min_axis, maxshape[i]);
  for (guint i = 0; i < n_dims; i++)
    v[i] = py_floor_truediv (maxshape[i], min_axis);

  for (;;)
    {
      gboolean prod_fits = TRUE;
      gboolean greater;
      guint64 smallest = G_MAXUINT64;

      prod_v = 1;
      for (guint i = 0; i < n_dims; i++)
        prod_fits &= g_uint64_checked_mul (&prod_v, prod_v, v[i]);
      if (prod_fits)
        prod_fits = g_uint64_checked_mul (&prod_bytes, prod_v, itemsize);

      if (prod_fits)
        greater = u64_greater_than_double (prod_bytes, chunk_bytes);
      else if (chunk_bytes < TWO_POW_64_DOUBLE)
        greater = TRUE;   /* a product beyond 2^64 exceeds any such size */
      else
        {
          g_autofree char *repr = _gdci_format_py_float (chunk_mb);
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                       "chunk-mb %s is too large for a data shape this "
                       "large: give a chunk shape instead", repr);
          return FALSE;
        }

      /* hdmf: while prod_v * itemsize > chunk_bytes and prod_v != 1 */
      if (!greater || (prod_fits && prod_v == 1))
        break;

      for (guint i = 0; i < n_dims; i++)
        if (v[i] != 1)
          smallest = MIN (smallest, v[i]);
      for (guint i = 0; i < n_dims; i++)
        if (v[i] != 1)
          v[i] = py_floor_truediv (v[i], smallest);
    }

  /* the loop ends with prod_bytes exact: it fits whenever `greater` is false
   * or prod_v == 1 */
  k = floor_to_u64 (pow (chunk_bytes / (double) prod_bytes, 1.0 / n_dims));
  for (guint i = 0; i < n_dims; i++)
    chunk[i] = MIN (_gdci_sat_mul (k, v[i]), maxshape[i]);
  return TRUE;
}

gboolean
_gdci_default_chunk_shape (const guint64  *maxshape,
                           guint           n_dims,
                           GdciDtype       dtype,
                           double          chunk_mb,
                           guint64        *chunk,
                           GError        **error)
{
  return default_chunk_shape (maxshape, n_dims, gdci_dtype_get_itemsize (dtype),
                              chunk_mb, chunk, error);
}

/* The free axes of @shape (0) gathered, with the product of the others */
static guint
gather_free (const guint64 *shape,
             const guint64 *maxshape,
             guint          n_dims,
             guint64       *free_max,
             guint         *free_axis,
             guint64       *fixed_product)
{
  guint n_free = 0;

  *fixed_product = 1;
  for (guint i = 0; i < n_dims; i++)
    {
      if (shape[i] == 0)
        {
          free_max[n_free] = maxshape[i];
          free_axis[n_free++] = i;
        }
      else
        *fixed_product = _gdci_sat_mul (*fixed_product, shape[i]);
    }
  return n_free;
}

gboolean
_gdci_partial_chunk_shape (const guint64  *maxshape,
                           guint           n_dims,
                           GdciDtype       dtype,
                           double          chunk_mb,
                           guint64        *chunk,
                           GError        **error)
{
  guint64 free_max[GDCI_MAX_DIMS], free_chunk[GDCI_MAX_DIMS];
  guint free_axis[GDCI_MAX_DIMS];
  guint64 fixed, itemsize;
  guint n_free = gather_free (chunk, maxshape, n_dims, free_max, free_axis, &fixed);

  if (n_free == 0)
    return TRUE;
  if (!g_uint64_checked_mul (&itemsize, fixed, gdci_dtype_get_itemsize (dtype)))
    {
      g_autofree char *s = _gdci_format_tuple (chunk, n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The given axes of the chunk shape %s of %s have more than "
                   "2^64 bytes", s, gdci_dtype_to_string (dtype));
      return FALSE;
    }
  /* one element of the free axes is a whole block of the given ones */
  if (!default_chunk_shape (free_max, n_free, itemsize, chunk_mb, free_chunk, error))
    return FALSE;
  for (guint j = 0; j < n_free; j++)
    chunk[free_axis[j]] = free_chunk[j];
  return TRUE;
}

gboolean
_gdci_partial_buffer_shape (const guint64  *maxshape,
                            guint           n_dims,
                            const guint64  *chunk,
                            GdciDtype       dtype,
                            double          buffer_gb,
                            guint64        *buffer,
                            GError        **error)
{
  guint64 free_max[GDCI_MAX_DIMS];
  guint free_axis[GDCI_MAX_DIMS];
  guint64 fixed, k;
  double free_chunk_bytes;
  guint n_free = gather_free (buffer, maxshape, n_dims, free_max, free_axis, &fixed);

  if (n_free == 0)
    return TRUE;
  if (!_gdci_check_size_setting (TRUE, buffer_gb, error))
    return FALSE;

  /* hdmf's rule on the free axes: the same multiple k of the chunk on each
   * of them, the largest that keeps the whole buffer under buffer_gb */
  free_chunk_bytes = (double) gdci_dtype_get_itemsize (dtype) * (double) fixed;
  for (guint j = 0; j < n_free; j++)
    free_chunk_bytes *= (double) chunk[free_axis[j]];
  k = floor_to_u64 (pow (buffer_gb * 1e9 / free_chunk_bytes, 1.0 / n_free));
  for (guint j = 0; j < n_free; j++)
    {
      guint i = free_axis[j];
      buffer[i] = MIN (MAX (_gdci_sat_mul (k, chunk[i]), chunk[i]), maxshape[i]);
    }
  return TRUE;
}

gboolean
_gdci_default_buffer_shape (const guint64       *maxshape,
                            guint                n_dims,
                            const GdciShapeArg  *chunk,
                            const char          *chunk_name,
                            GdciDtype            dtype,
                            double               buffer_gb,
                            guint64             *buffer,
                            GError             **error)
{
  guint64 chunk_bytes;
  guint64 k;

  if (!_gdci_check_size_setting (TRUE, buffer_gb, error))
    return FALSE;

  for (guint i = 0; i < n_dims; i++)
    {
      if (chunk->negative[i] || chunk->value[i] == 0)
        {
          g_autofree char *s = _gdci_shape_arg_to_string (chunk);
          g_set_error (error, GDCI_PLAN_ERROR,
                       GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
                       "%s %s is not positive on axis %u", chunk_name, s, i);
          return FALSE;
        }
    }

  if (!_gdci_shape_n_bytes (chunk->value, n_dims, dtype, &chunk_bytes))
    {
      g_autofree char *s = _gdci_shape_arg_to_string (chunk);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The chunk shape %s of %s has more than 2^64 bytes",
                   s, gdci_dtype_to_string (dtype));
      return FALSE;
    }

  k = floor_to_u64 (pow (buffer_gb * 1e9 / (double) chunk_bytes,
                         1.0 / n_dims));
  for (guint i = 0; i < n_dims; i++)
    {
      guint64 c = chunk->value[i];
      buffer[i] = MIN (MAX (_gdci_sat_mul (k, c), c), maxshape[i]);
    }
  return TRUE;
}

/**
 * gdci_default_chunk_shape:
 * @maxshape: (array length=n_dims): the shape of the full dataset
 * @n_dims: the number of axes, from 1 to [const@Gdci.MAX_DIMS]
 * @dtype: the element type
 * @chunk_mb: the chunk size to stay under, in megabytes (10^6 bytes)
 * @n_result_dims: (out) (optional): return location for the number of axes
 *   of the result, which is @n_dims
 * @error: return location for a [struct@GLib.Error]
 *
 * hdmf's default HDF5 chunk shape for a dataset: the largest shape with
 * the proportions of @maxshape whose size stays under @chunk_mb, computed
 * exactly as hdmf's `GenericDataChunkIterator._get_default_chunk_shape()`.
 *
 * As in hdmf, an axis of the result is 0 when @chunk_mb is smaller than one
 * element; [func@Gdci.default_buffer_shape] and [class@Gdci.ChunkIterator]
 * refuse such a chunk shape.
 *
 * Fails with %GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE when @chunk_mb is not
 * greater than zero, %GDCI_PLAN_ERROR_SIZE_NOT_FINITE when it is infinite,
 * and with %GDCI_ERROR_INVALID_ARGUMENT when @maxshape is not a usable
 * shape (no axes, an axis of length 0) or @dtype not a data type.
 * [ctor@Gdci.Plan.new] gives the chunk shape together with the rest of a
 * plan.
 *
 * Returns: (array length=n_result_dims) (transfer full) (nullable): the chunk
 *   shape, or %NULL on error
 *
 * Since: 1.0
 */
guint64 *
gdci_default_chunk_shape (const guint64  *maxshape,
                          guint           n_dims,
                          GdciDtype       dtype,
                          double          chunk_mb,
                          guint          *n_result_dims,
                          GError        **error)
{
  guint64 chunk[GDCI_MAX_DIMS];

  g_return_val_if_fail (maxshape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_gdci_check_maxshape (maxshape, n_dims, error) ||
      !_gdci_check_dtype (dtype, error) ||
      !_gdci_default_chunk_shape (maxshape, n_dims, dtype, chunk_mb, chunk, error))
    return NULL;

  if (n_result_dims != NULL)
    *n_result_dims = n_dims;
  return g_memdup2 (chunk, n_dims * sizeof (guint64));
}

/**
 * gdci_default_buffer_shape:
 * @maxshape: (array length=n_dims): the shape of the full dataset
 * @n_dims: the number of axes, from 1 to [const@Gdci.MAX_DIMS]
 * @chunk_shape: (array length=n_chunk_dims): the HDF5 chunk shape
 * @n_chunk_dims: the number of axes of @chunk_shape, which must be @n_dims
 * @dtype: the element type
 * @buffer_gb: the buffer size to stay under, in gigabytes (10^9 bytes)
 * @n_result_dims: (out) (optional): return location for the number of axes
 *   of the result, which is @n_dims
 * @error: return location for a [struct@GLib.Error]
 *
 * hdmf's default buffer shape for a dataset: the largest multiple of
 * @chunk_shape (with the same factor on every axis) whose size stays under
 * @buffer_gb, clipped to @maxshape, computed exactly as hdmf's
 * `GenericDataChunkIterator._get_default_buffer_shape()`.
 *
 * Fails with %GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE or
 * %GDCI_PLAN_ERROR_SIZE_NOT_FINITE for such a @buffer_gb,
 * %GDCI_PLAN_ERROR_WRONG_RANK when @chunk_shape has another number of axes
 * than @maxshape, %GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE when an axis of
 * @chunk_shape is 0, and %GDCI_ERROR_INVALID_ARGUMENT when @maxshape is not
 * usable.
 *
 * Returns: (array length=n_result_dims) (transfer full) (nullable): the buffer
 *   shape, or %NULL on error
 *
 * Since: 1.0
 */
guint64 *
gdci_default_buffer_shape (const guint64  *maxshape,
                           guint           n_dims,
                           const guint64  *chunk_shape,
                           guint           n_chunk_dims,
                           GdciDtype       dtype,
                           double          buffer_gb,
                           guint          *n_result_dims,
                           GError        **error)
{
  guint64 buffer[GDCI_MAX_DIMS];
  GdciShapeArg chunk;

  g_return_val_if_fail (maxshape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (chunk_shape != NULL || n_chunk_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_gdci_check_maxshape (maxshape, n_dims, error) ||
      !_gdci_check_dtype (dtype, error))
    return NULL;
  if (n_chunk_dims != n_dims)
    {
      g_autofree char *data = _gdci_format_tuple (maxshape, n_dims);
      g_set_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_WRONG_RANK,
                   "chunk-shape has %u ax%s but the data shape %s has %u",
                   n_chunk_dims, n_chunk_dims == 1 ? "is" : "es", data, n_dims);
      return NULL;
    }

  _gdci_shape_arg_from_u64 (&chunk, chunk_shape, n_dims);
  if (!_gdci_default_buffer_shape (maxshape, n_dims, &chunk, "chunk-shape",
                                   dtype, buffer_gb, buffer, error))
    return NULL;

  if (n_result_dims != NULL)
    *n_result_dims = n_dims;
  return g_memdup2 (buffer, n_dims * sizeof (guint64));
}
