/* gdci-plan-fit.c: the shapes of the FIT strategy, and what a plan stores
 * and reads
 *
 * FIT starts from hdmf's proportions and moves each free chunk axis to a
 * length that tiles its extent: an exact divisor when one is near, else an
 * even split (e pieces of ceil(n / e)), which pads by less than one element
 * per piece. The padding allowed on each free axis is what keeps the whole
 * grid within GDCI_FIT_MAX_PADDING of the data. The chunk is then grown,
 * an axis at a time, while it stays under the chunk size. Buffers are laid
 * out in C order: the last axes whole, so that a buffer of a C-order source
 * is one run of it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "gdci-plan-fit-private.h"
#include "gdci-saturating-private.h"
#include "gdci-shape-private.h"

/* Divisor searches try at most this many candidates on an axis */
#define MAX_TRIES 100000
/* and even splits, with one more or one fewer piece each, this many */
#define MAX_SPLIT_TRIES 4096
/* and the chunk grows at most this many steps */
#define MAX_GROWTH_STEPS 64

static inline guint64
ceil_div (guint64 a,
          guint64 b)
{
  return a / b + (a % b != 0);
}

/* The fraction of @e that chunks of @c pad it by */
static double
waste (guint64 e,
       guint64 c)
{
  return e % c == 0 ? 0.0 : (double) (c - e % c) / (double) e;
}

/* The largest divisor of @e in [@lo, @hi] (1 <= lo <= hi < e), or 0 */
static guint64
divisor_between (guint64 e,
                 guint64 lo,
                 guint64 hi)
{
  guint64 m_lo = ceil_div (e, hi), m_hi = e / lo;

  /* try the side with fewer candidates: lengths downwards, or numbers of
   * pieces upwards */
  if (hi - lo <= m_hi - m_lo)
    {
      for (guint64 c = hi, n = 0; c >= lo && n < MAX_TRIES; c--, n++)
        if (e % c == 0)
          return c;
    }
  else
    {
      for (guint64 m = m_lo, n = 0; m <= m_hi && n < MAX_TRIES; m++, n++)
        if (e % m == 0 && e / m >= lo && e / m <= hi)
          return e / m;
    }
  return 0;
}

/* An axis length at most @target (>= 1) for an axis that tiles @e */
static guint64
fit_axis (guint64  e,
          gboolean exact,
          guint64  target,
          double   max_waste)
{
  guint64 pieces, even, near_divisor;

  if (target >= e)
    return e;
  pieces = ceil_div (e, target);
  even = ceil_div (e, pieces);
  /* an exact divisor within 3/4 of the even split pads nothing */
  near_divisor = divisor_between (e, MAX (even - even / 4, 1), even);
  if (near_divisor != 0)
    return near_divisor;
  if (!exact)
    {
      /* more pieces, each still an even split, until one pads little */
      for (guint64 m = pieces, n = 0; m <= e && n < MAX_SPLIT_TRIES; m++, n++)
        {
          guint64 c = ceil_div (e, m);
          if (waste (e, c) <= max_waste)
            return c;
        }
    }
  near_divisor = divisor_between (e, 1, even);
  return near_divisor != 0 ? near_divisor : 1;
}

/* The next length above @c that fit_axis() could give, or 0. A length
 * that divides @e only grows to another divisor. */
static guint64
grow_axis (guint64  e,
           gboolean exact,
           guint64  c,
           double   max_waste)
{
  guint64 pieces = ceil_div (e, c);

  exact |= e % c == 0;
  for (guint64 m = pieces - 1, n = 0; m >= 1 && n < MAX_SPLIT_TRIES; m--, n++)
    {
      guint64 next = ceil_div (e, m);
      if (next <= c)
        continue;
      if (e % next == 0 || (!exact && waste (e, next) <= max_waste))
        return next;
    }
  return 0;
}

/* Shrinks the @scalable axes of @target by one factor until the chunk fits
 * in @budget elements, or they are all 1 */
static void
shrink_to_budget (const gboolean *scalable,
                  guint           n_dims,
                  double          budget,
                  guint64        *target)
{
  for (guint round = 0; round < 16; round++)
    {
      double p = 1.0, f;
      guint n = 0;

      for (guint i = 0; i < n_dims; i++)
        {
          p *= (double) target[i];
          n += scalable[i] && target[i] > 1;
        }
      if (p <= budget || n == 0)
        return;
      f = pow (budget / p, 1.0 / n);
      for (guint i = 0; i < n_dims; i++)
        if (scalable[i] && target[i] > 1)
          target[i] = MAX ((guint64) floor ((double) target[i] * f), 1);
    }
}

/* Scales the @scalable axes of @target by one factor, so that the chunk
 * takes the whole @budget: up where hdmf's shape undershoots it (badly for
 * a (10^9, 4) dataset), an axis that reaches its extent keeping the
 * extent; down where an axis was made whole */
static void
scale_to_budget (const guint64  *extent,
                 const gboolean *scalable,
                 guint           n_dims,
                 double          budget,
                 guint64        *target)
{
  gboolean scaling[GDCI_MAX_DIMS];
  gboolean changed = TRUE;

  for (guint i = 0; i < n_dims; i++)
    scaling[i] = scalable[i] && target[i] > 0 && target[i] < extent[i];
  while (changed)
    {
      double p = 1.0, f;
      guint n = 0;

      changed = FALSE;
      for (guint i = 0; i < n_dims; i++)
        {
          p *= (double) target[i];
          n += scaling[i];
        }
      if (p > budget)
        {
          shrink_to_budget (scalable, n_dims, budget, target);
          return;
        }
      if (n == 0 || !(p > 0))
        return;
      f = pow (budget / p, 1.0 / n);
      for (guint i = 0; i < n_dims; i++)
        if (scaling[i] && (double) target[i] * f >= (double) extent[i])
          {
            target[i] = extent[i];
            scaling[i] = FALSE;
            changed = TRUE;
          }
      if (changed)
        continue;
      for (guint i = 0; i < n_dims; i++)
        if (scaling[i])
          target[i] = MAX ((guint64) floor ((double) target[i] * f), target[i]);
    }
}

static guint64
product (const guint64 *v,
         guint          n_dims)
{
  guint64 p = 1;

  for (guint i = 0; i < n_dims; i++)
    p = _gdci_sat_mul (p, v[i]);
  return p;
}

/* Grows the free axes of @chunk, the one furthest under its proportional
 * target first, while the chunk stays under @budget elements */
static void
grow_chunk (const guint64  *extent,
            const gboolean *exact,
            const gboolean *free_axis,
            const guint64  *target,
            guint           n_dims,
            double          max_waste,
            guint64         budget,
            guint64        *chunk)
{
  for (guint step = 0; step < MAX_GROWTH_STEPS; step++)
    {
      int best = -1;
      guint64 best_len = 0;
      double best_ratio = G_MAXDOUBLE;

      for (guint i = 0; i < n_dims; i++)
        {
          guint64 next, saved = chunk[i];
          double ratio = (double) chunk[i] / (double) MAX (target[i], 1);

          if (!free_axis[i] || chunk[i] >= extent[i] || ratio >= best_ratio)
            continue;
          next = grow_axis (extent[i], exact[i], chunk[i], max_waste);
          if (next == 0)
            continue;
          chunk[i] = next;
          if (product (chunk, n_dims) <= budget)
            {
              best = (int) i;
              best_len = next;
              best_ratio = ratio;
            }
          chunk[i] = saved;
        }
      if (best < 0)
        return;
      chunk[best] = best_len;
    }
}

/* Whether a chunk with axis @axis whole, the other free axes that are not
 * whole 1, and the given axes as they are, fits in @budget elements */
static gboolean
whole_fits (const guint64  *chunk,
            const gboolean *free_axis,
            const gboolean *whole,
            const guint64  *extent,
            guint           n_dims,
            guint           axis,
            double          budget)
{
  double p = 1.0;

  for (guint i = 0; i < n_dims; i++)
    p *= i == axis || (free_axis[i] && whole[i]) ? (double) extent[i] :
         free_axis[i] ? 1.0 : (double) chunk[i];
  return p <= budget;
}

gboolean
_gdci_fit_chunk_shape (const guint64   *maxshape,
                       const guint64   *extent,
                       const gboolean  *exact,
                       guint            n_dims,
                       GdciDtype        dtype,
                       double           chunk_mb,
                       guint64         *chunk,
                       GError         **error)
{
  guint64 target[GDCI_MAX_DIMS], hdmf_target[GDCI_MAX_DIMS];
  gboolean free_axis[GDCI_MAX_DIMS], whole[GDCI_MAX_DIMS] = { FALSE };
  guint n_loose = 0;
  double max_waste, budget;

  for (guint i = 0; i < n_dims; i++)
    {
      target[i] = chunk[i];
      free_axis[i] = chunk[i] == 0;
      n_loose += free_axis[i] && !exact[i];
    }
  /* hdmf's proportions, under the chunk size */
  if (!_gdci_partial_chunk_shape (maxshape, n_dims, dtype, chunk_mb, target, error))
    return FALSE;

  budget = floor (chunk_mb * 1e6 / (double) gdci_dtype_get_itemsize (dtype));
  for (guint i = 0; i < n_dims; i++)
    if (free_axis[i])
      hdmf_target[i] = target[i] = MIN (target[i], extent[i]);
    else
      hdmf_target[i] = target[i];
  max_waste = n_loose > 0 ? pow (1.0 + GDCI_FIT_MAX_PADDING, 1.0 / n_loose) - 1.0 : 0.0;

  /* an axis that tiles only in lengths far under its target (a prime
   * number of channels) is taken whole if it fits, and the other axes
   * shrink to make room */
  for (guint pass = 0; pass <= n_dims; pass++)
    {
      gboolean scalable[GDCI_MAX_DIMS];
      int pin = -1;

      for (guint i = 0; i < n_dims; i++)
        {
          target[i] = whole[i] ? extent[i] : hdmf_target[i];
          scalable[i] = free_axis[i] && !whole[i];
        }
      scale_to_budget (extent, scalable, n_dims, budget, target);
      /* a chunk size under one element leaves the axis 0, for the plan's
       * checks to refuse */
      for (guint i = 0; i < n_dims; i++)
        if (free_axis[i])
          chunk[i] = whole[i] ? extent[i] :
                     target[i] == 0 ? 0 : fit_axis (extent[i], exact[i], target[i], max_waste);
      for (guint i = 0; i < n_dims && pin < 0; i++)
        if (scalable[i] && target[i] >= 2 && chunk[i] * 2 < target[i] &&
            whole_fits (chunk, free_axis, whole, extent, n_dims, i, budget))
          pin = (int) i;
      if (pin < 0)
        break;
      whole[pin] = TRUE;
    }

  if (product (chunk, n_dims) != 0 && budget >= 1)
    grow_chunk (extent, exact, free_axis, target, n_dims, max_waste,
                budget >= 18446744073709551615.0 ? G_MAXUINT64 : (guint64) budget,
                chunk);
  return TRUE;
}

gboolean
_gdci_fit_buffer_shape (const guint64   *maxshape,
                        guint            n_dims,
                        const guint64   *chunk,
                        GdciDtype        dtype,
                        double           buffer_gb,
                        guint64         *buffer,
                        GError         **error)
{
  gboolean free_axis[GDCI_MAX_DIMS];
  double budget;

  if (!_gdci_check_size_setting (TRUE, buffer_gb, error))
    return FALSE;
  budget = MAX (floor (buffer_gb * 1e9 / (double) gdci_dtype_get_itemsize (dtype)), 1.0);

  for (guint i = 0; i < n_dims; i++)
    {
      free_axis[i] = buffer[i] == 0;
      if (free_axis[i])
        buffer[i] = maxshape[i];
    }

  /* from the slowest free axis: as many rows of chunks as fit (whole rows:
   * the later axes whole), in at least GDCI_FIT_MIN_BUFFERS buffers where the
   * axis has that many rows; one chunk and on to the next
   * free axis when not even one row fits */
  for (guint j = 0; j < n_dims; j++)
    {
      double rest = (double) chunk[j], k_max;
      guint64 n_rows, n_buffers, k;

      if (!free_axis[j])
        continue;
      for (guint i = 0; i < n_dims; i++)
        if (i != j)
          rest *= (double) buffer[i];
      k_max = floor (budget / rest);
      if (k_max < 1)
        {
          buffer[j] = chunk[j];
          continue;
        }
      n_rows = ceil_div (maxshape[j], chunk[j]);
      /* as many rows as fit; fewer where that would make fewer than
       * GDCI_FIT_MIN_BUFFERS buffers (rounded down: the last is shorter) */
      k = k_max >= (double) n_rows ? n_rows : (guint64) k_max;
      n_buffers = MIN (GDCI_FIT_MIN_BUFFERS, n_rows);
      if (ceil_div (n_rows, k) < n_buffers)
        k = MAX (n_rows / n_buffers, 1);
      buffer[j] = MIN (_gdci_sat_mul (k, chunk[j]), maxshape[j]);
      break;
    }
  return TRUE;
}

guint64
_gdci_stored_bytes (const guint64 *maxshape,
                    const guint64 *chunk,
                    guint          n_dims,
                    gsize          itemsize)
{
  guint64 n = itemsize;

  for (guint i = 0; i < n_dims; i++)
    n = _gdci_sat_mul (n, _gdci_sat_mul (ceil_div (maxshape[i], chunk[i]), chunk[i]));
  return n;
}

guint64
_gdci_span_read_bytes (const guint64 *maxshape,
                       const guint64 *buffer,
                       guint          n_dims,
                       gsize          itemsize)
{
  guint64 grid[GDCI_MAX_DIMS];
  guint64 n_buffers = 1, total, stride = 1;

  for (guint i = 0; i < n_dims; i++)
    {
      grid[i] = ceil_div (maxshape[i], buffer[i]);
      n_buffers = _gdci_sat_mul (n_buffers, grid[i]);
    }

  /* a buffer spans 1 + sum (len_i - 1) * stride_i elements; over the grid,
   * the lengths along axis i add up to the axis, once for each buffer of
   * the other axes */
  total = n_buffers;
  for (guint i = n_dims; i-- > 0;)
    {
      guint64 others = n_buffers / grid[i];
      total = _gdci_sat_add (total, _gdci_sat_mul (stride, _gdci_sat_mul (others, maxshape[i] - grid[i])));
      stride = _gdci_sat_mul (stride, maxshape[i]);
    }
  return _gdci_sat_mul (total, itemsize);
}
