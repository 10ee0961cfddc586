/* gdci-shape-arg-private.h: shapes as callers give them, and their checks and formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "gdci-dtype.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

/* A shape as the caller gave it: hdmf accepts any Python ints, so a shape
 * may hold negative values, which must reach the messages as given. */
typedef struct
{
  guint n_dims;
  guint64 value[GDCI_MAX_DIMS];   /* magnitude */
  gboolean negative[GDCI_MAX_DIMS];
} GdciShapeArg;

/* The double a construct property holds when the caller did not set it
 * (hdmf's None): a NaN with a payload no arithmetic or binding produces,
 * so that an explicit NaN still reaches the "must be greater than zero"
 * check. */
double      _gdci_unset_double              (void);
gboolean    _gdci_double_is_unset           (double value);

/* Python's repr() of a float: 0.2, 1.0, 1e-05, inf, nan */
char       *_gdci_format_py_float           (double value);
/* A Python tuple: (20000, 5000), (5,) */
char       *_gdci_format_tuple              (const guint64 *values,
                                             guint          n_dims);
char       *_gdci_shape_arg_to_string       (const GdciShapeArg *arg);
void        _gdci_shape_arg_from_u64        (GdciShapeArg  *arg,
                                             const guint64 *values,
                                             guint          n_dims);
gboolean    _gdci_shape_arg_from_variant    (GVariant      *variant,
                                             const char    *name,
                                             GdciShapeArg  *arg,
                                             GError       **error);

/* A floating `at` variant of @shape */
GVariant   *_gdci_shape_variant_new         (const guint64 *shape,
                                             guint          n_dims);
/* A GArray of guint64 holding @shape, as get_maxshape returns it */
GArray     *_gdci_shape_array_new           (const guint64 *shape,
                                             guint          n_dims);

gboolean    _gdci_check_maxshape            (const guint64 *maxshape,
                                             guint          n_dims,
                                             GError       **error);
gboolean    _gdci_shape_n_bytes             (const guint64 *shape,
                                             guint          n_dims,
                                             GdciDtype      dtype,
                                             guint64       *n_bytes);

G_END_DECLS
