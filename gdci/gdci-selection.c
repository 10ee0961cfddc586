/* gdci-selection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-selection.h"
#include "gdci-selection-private.h"

/**
 * GdciSelection:
 *
 * A box inside an N-dimensional dataset: for each axis a half-open range
 * `start:stop`, like a tuple of Python slices with step 1.
 *
 * Selections are immutable and reference counted. Every buffer handed out by
 * a [class@Gdci.ChunkIterator] carries the selection it covers in the full
 * dataset; [method@Gdci.Selection.to_string] prints it as
 * `[0:12640, 3160:5000]`.
 *
 * Since: 1.0
 */
struct _GdciSelection
{
  gatomicrefcount ref_count;
  guint n_dims;
  guint64 n_elements;
  guint64 *start;
  guint64 *stop;
};

/* G_DEFINE_BOXED_TYPE() relies on a GNU extension that -Wpedantic rejects
 * in C11, so the type is registered by hand. */
GType
gdci_selection_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (
        g_intern_static_string ("GdciSelection"),
        (GBoxedCopyFunc) gdci_selection_ref,
        (GBoxedFreeFunc) gdci_selection_unref);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/**
 * gdci_selection_new:
 * @start: (array length=n_dims): the first index of each axis
 * @stop: (array length=n_dims): one past the last index of each axis
 * @n_dims: the number of axes, from 1 to [const@Gdci.MAX_DIMS]
 *
 * Creates a selection of `start[i]:stop[i]` on every axis. Each `start[i]`
 * must not be larger than `stop[i]`, and the number of elements must fit in
 * 64 bits.
 *
 * Returns: (transfer full): a new selection
 *
 * Since: 1.0
 */
GdciSelection *
gdci_selection_new (const guint64 *start,
                    const guint64 *stop,
                    guint          n_dims)
{
  GdciSelection *self;
  guint64 n_elements = 1;

  g_return_val_if_fail (n_dims >= 1 && n_dims <= GDCI_MAX_DIMS, NULL);
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (stop != NULL, NULL);

  for (guint i = 0; i < n_dims; i++)
    {
      /* kept even when checks are compiled out: the rest relies on them */
      if (start[i] > stop[i] ||
          !g_uint64_checked_mul (&n_elements, n_elements, stop[i] - start[i]))
        g_return_val_if_reached (NULL);
    }

  self = g_new0 (GdciSelection, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->n_dims = n_dims;
  self->n_elements = n_elements;
  self->start = g_memdup2 (start, n_dims * sizeof (guint64));
  self->stop = g_memdup2 (stop, n_dims * sizeof (guint64));

  return self;
}

/**
 * gdci_selection_ref:
 * @self: a selection
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
GdciSelection *
gdci_selection_ref (GdciSelection *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * gdci_selection_unref:
 * @self: (transfer full): a selection
 *
 * Releases a reference on @self, freeing it when the last one goes.
 *
 * Since: 1.0
 */
void
gdci_selection_unref (GdciSelection *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->start);
      g_free (self->stop);
      g_free (self);
    }
}

/**
 * gdci_selection_get_n_dims:
 * @self: a selection
 *
 * The number of axes of @self.
 *
 * Returns: the number of axes
 *
 * Since: 1.0
 */
guint
gdci_selection_get_n_dims (const GdciSelection *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_dims;
}

/**
 * gdci_selection_get_start:
 * @self: a selection
 * @axis: an axis, less than the number of axes
 *
 * The first index of @self on @axis.
 *
 * Returns: the start of the range on @axis
 *
 * Since: 1.0
 */
guint64
gdci_selection_get_start (const GdciSelection *self,
                          guint                axis)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (axis < self->n_dims, 0);

  return self->start[axis];
}

/**
 * gdci_selection_get_stop:
 * @self: a selection
 * @axis: an axis, less than the number of axes
 *
 * One past the last index of @self on @axis.
 *
 * Returns: the stop of the range on @axis
 *
 * Since: 1.0
 */
guint64
gdci_selection_get_stop (const GdciSelection *self,
                         guint                axis)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (axis < self->n_dims, 0);

  return self->stop[axis];
}

/**
 * gdci_selection_get_starts:
 * @self: a selection
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The start of every axis of @self.
 *
 * Returns: (array length=n_dims) (transfer none): the starts, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_selection_get_starts (const GdciSelection *self,
                           guint               *n_dims)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_dims != NULL)
    *n_dims = self->n_dims;
  return self->start;
}

/**
 * gdci_selection_get_stops:
 * @self: a selection
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The stop of every axis of @self.
 *
 * Returns: (array length=n_dims) (transfer none): the stops, owned by @self
 *
 * Since: 1.0
 */
const guint64 *
gdci_selection_get_stops (const GdciSelection *self,
                          guint               *n_dims)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_dims != NULL)
    *n_dims = self->n_dims;
  return self->stop;
}

/**
 * gdci_selection_get_shape:
 * @self: a selection
 * @n_dims: (out) (optional): return location for the number of axes
 *
 * The extent of @self on every axis, `stop - start`.
 *
 * Returns: (array length=n_dims) (transfer full): a newly allocated array
 *
 * Since: 1.0
 */
guint64 *
gdci_selection_get_shape (const GdciSelection *self,
                          guint               *n_dims)
{
  guint64 *shape;

  g_return_val_if_fail (self != NULL, NULL);

  shape = g_new (guint64, self->n_dims);
  for (guint i = 0; i < self->n_dims; i++)
    shape[i] = self->stop[i] - self->start[i];
  if (n_dims != NULL)
    *n_dims = self->n_dims;
  return shape;
}

/**
 * gdci_selection_get_n_elements:
 * @self: a selection
 *
 * The number of elements inside @self, the product of its shape.
 *
 * Returns: the number of elements
 *
 * Since: 1.0
 */
guint64
gdci_selection_get_n_elements (const GdciSelection *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_elements;
}

/**
 * gdci_selection_equal:
 * @a: a selection
 * @b: another selection
 *
 * Whether @a and @b have the same axes and ranges.
 *
 * Returns: true if they are equal
 *
 * Since: 1.0
 */
gboolean
gdci_selection_equal (const GdciSelection *a,
                      const GdciSelection *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->n_dims != b->n_dims)
    return FALSE;
  for (guint i = 0; i < a->n_dims; i++)
    if (a->start[i] != b->start[i] || a->stop[i] != b->stop[i])
      return FALSE;
  return TRUE;
}

/**
 * gdci_selection_hash:
 * @self: a selection
 *
 * A hash of @self, consistent with [method@Gdci.Selection.equal], for use
 * in a [struct@GLib.HashTable].
 *
 * Returns: the hash value
 *
 * Since: 1.0
 */
guint
gdci_selection_hash (const GdciSelection *self)
{
  guint64 h = 14695981039346656037ull;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->n_dims; i++)
    {
      h = (h ^ self->start[i]) * 1099511628211ull;
      h = (h ^ self->stop[i]) * 1099511628211ull;
    }
  return (guint) (h ^ (h >> 32));
}

/**
 * gdci_selection_to_string:
 * @self: a selection
 *
 * Formats @self as numpy index notation, `[0:12640, 3160:5000]`.
 *
 * Returns: (transfer full): a newly allocated string
 *
 * Since: 1.0
 */
char *
gdci_selection_to_string (const GdciSelection *self)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);

  s = g_string_new ("[");
  for (guint i = 0; i < self->n_dims; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                            i > 0 ? ", " : "", self->start[i], self->stop[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
_gdci_selection_is_c_run (const GdciSelection *selection,
                          const guint64       *shape)
{
  guint i = gdci_selection_get_n_dims (selection);

  while (i > 0 && gdci_selection_get_start (selection, i - 1) == 0 &&
         gdci_selection_get_stop (selection, i - 1) == shape[i - 1])
    i--;
  /* axes [i, n) are whole; axis i - 1 may be a range; before it, single */
  for (guint j = 0; j + 1 < i; j++)
    if (gdci_selection_get_stop (selection, j) - gdci_selection_get_start (selection, j) != 1)
      return FALSE;
  return TRUE;
}
