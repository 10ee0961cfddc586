/* gdci-copy.c: copying an N-dimensional box between two strided layouts
 *
 * Every source copies boxes: a buffer out of an array, rows out of a strip
 * read from a file, a Fortran-order file into C order, and the writer an
 * HDF5 chunk out of a buffer. One routine does all of them: it drops unit
 * axes, merges axes that are contiguous in both layouts, copies whole rows
 * with memcpy when both are contiguous in the last axis, and transposes in
 * cache-sized tiles when they are contiguous in different axes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-copy-private.h"

#define TILE 32

typedef struct
{
  guint n;
  guint64 extent[GDCI_MAX_DIMS];
  gint64 src[GDCI_MAX_DIMS];
  gint64 dst[GDCI_MAX_DIMS];
} Layout;

/* Moves axis @from of @l to @to, an earlier or the same place */
static inline void
move_axis (Layout *l,
           guint   from,
           guint   to)
{
  l->extent[to] = l->extent[from];
  l->src[to] = l->src[from];
  l->dst[to] = l->dst[from];
}

static void
simplify (Layout *l)
{
  guint n = 0;

  /* drop axes of extent 1: they contribute nothing to any address */
  for (guint i = 0; i < l->n; i++)
    {
      if (l->extent[i] == 1)
        continue;
      move_axis (l, i, n++);
    }
  l->n = n;

  /* merge an axis into the next one when both layouts are contiguous
   * across them */
  n = 0;
  for (guint i = 0; i < l->n; i++)
    {
      if (n > 0 &&
          l->src[n - 1] == l->src[i] * (gint64) l->extent[i] &&
          l->dst[n - 1] == l->dst[i] * (gint64) l->extent[i])
        {
          guint64 extent = l->extent[n - 1] * l->extent[i];

          move_axis (l, i, n - 1);
          l->extent[n - 1] = extent;
          continue;
        }
      move_axis (l, i, n++);
    }
  l->n = n;
}

static inline void
copy_item (guint8 *dst, const guint8 *src, gsize itemsize)
{
  switch (itemsize)
    {
    case 1: *dst = *src; break;
    case 2: memcpy (dst, src, 2); break;
    case 4: memcpy (dst, src, 4); break;
    case 8: memcpy (dst, src, 8); break;
    default: memcpy (dst, src, itemsize); break;
    }
}

/* Calls body(src, dst) for every index of the axes of @l except @skip_a and
 * @skip_b (odometer order, last axis fastest). */
#define FOR_OUTER(l, skip_a, skip_b, src0, dst0, body)                        \
  G_STMT_START {                                                             \
    guint64 idx_[GDCI_MAX_DIMS] = { 0 };                                     \
    const guint8 *s_ = (src0);                                               \
    guint8 *d_ = (dst0);                                                     \
    for (;;)                                                                 \
      {                                                                      \
        int ax_;                                                             \
        body (s_, d_);                                                       \
        for (ax_ = (int) (l)->n - 1; ax_ >= 0; ax_--)                        \
          {                                                                  \
            if ((guint) ax_ == (skip_a) || (guint) ax_ == (skip_b))          \
              continue;                                                      \
            if (++idx_[ax_] < (l)->extent[ax_])                              \
              {                                                              \
                s_ += (l)->src[ax_];                                         \
                d_ += (l)->dst[ax_];                                         \
                break;                                                       \
              }                                                              \
            s_ -= (l)->src[ax_] * (gint64) ((l)->extent[ax_] - 1);           \
            d_ -= (l)->dst[ax_] * (gint64) ((l)->extent[ax_] - 1);           \
            idx_[ax_] = 0;                                                   \
          }                                                                  \
        if (ax_ < 0)                                                         \
          break;                                                             \
      }                                                                      \
  } G_STMT_END

void
_gdci_copy_box (guint          n_dims,
                const guint64 *extent,
                gsize          itemsize,
                const guint8  *src,
                const gint64  *src_strides,
                guint8        *dst,
                const gint64  *dst_strides)
{
  Layout l;
  guint last;
  guint src_fast = G_MAXUINT;

  g_assert (n_dims <= GDCI_MAX_DIMS);

  l.n = n_dims;
  for (guint i = 0; i < n_dims; i++)
    {
      if (extent[i] == 0)
        return;
      l.extent[i] = extent[i];
      l.src[i] = src_strides[i];
      l.dst[i] = dst_strides[i];
    }
  simplify (&l);

  if (l.n == 0)
    {
      copy_item (dst, src, itemsize);
      return;
    }

  last = l.n - 1;

  /* rows contiguous in both: memcpy each row */
  if (l.src[last] == (gint64) itemsize && l.dst[last] == (gint64) itemsize)
    {
      gsize row = l.extent[last] * itemsize;
#define COPY_ROW(s, d) memcpy ((d), (s), row)
      FOR_OUTER (&l, last, last, src, dst, COPY_ROW);
#undef COPY_ROW
      return;
    }

  /* contiguous in different axes: transpose in tiles */
  for (guint i = 0; i < l.n; i++)
    if (l.src[i] == (gint64) itemsize)
      src_fast = i;
  if (src_fast != G_MAXUINT && src_fast != last &&
      l.dst[last] == (gint64) itemsize)
    {
      guint a = src_fast;
      guint64 na = l.extent[a];
      guint64 nb = l.extent[last];
      gint64 sa = l.src[a], sb = l.src[last];
      gint64 da = l.dst[a], db = l.dst[last];
#define TRANSPOSE(s, d)                                                       \
      for (guint64 a0 = 0; a0 < na; a0 += TILE)                              \
        for (guint64 b0 = 0; b0 < nb; b0 += TILE)                            \
          {                                                                   \
            guint64 a1 = MIN (a0 + TILE, na), b1 = MIN (b0 + TILE, nb);      \
            for (guint64 ia = a0; ia < a1; ia++)                             \
              for (guint64 ib = b0; ib < b1; ib++)                           \
                copy_item ((d) + (gint64) ia * da + (gint64) ib * db,        \
                           (s) + (gint64) ia * sa + (gint64) ib * sb,        \
                           itemsize);                                         \
          }
      FOR_OUTER (&l, a, last, src, dst, TRANSPOSE);
#undef TRANSPOSE
      return;
    }

  /* anything else: element by element along the last axis */
  {
    guint64 nb = l.extent[last];
    gint64 sb = l.src[last], db = l.dst[last];
#define COPY_LINE(s, d)                                                       \
    for (guint64 ib = 0; ib < nb; ib++)                                      \
      copy_item ((d) + (gint64) ib * db, (s) + (gint64) ib * sb, itemsize);
    FOR_OUTER (&l, last, last, src, dst, COPY_LINE);
#undef COPY_LINE
  }
}

void
_gdci_c_strides (const guint64 *shape,
                 guint          n_dims,
                 gsize          itemsize,
                 gint64        *strides)
{
  gint64 stride = (gint64) itemsize;

  for (guint i = n_dims; i-- > 0;)
    {
      strides[i] = stride;
      stride *= (gint64) shape[i];
    }
}

void
_gdci_f_strides (const guint64 *shape,
                 guint          n_dims,
                 gsize          itemsize,
                 gint64        *strides)
{
  gint64 stride = (gint64) itemsize;

  for (guint i = 0; i < n_dims; i++)
    {
      strides[i] = stride;
      stride *= (gint64) shape[i];
    }
}
