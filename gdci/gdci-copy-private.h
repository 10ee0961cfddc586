/* gdci-copy-private.h: copying boxes between strided arrays
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "gdci-selection.h"

G_BEGIN_DECLS

/* Copies the box of @extent from @src to @dst, each with its own byte
 * strides per axis. */
void        _gdci_copy_box                  (guint          n_dims,
                                             const guint64 *extent,
                                             gsize          itemsize,
                                             const guint8  *src,
                                             const gint64  *src_strides,
                                             guint8        *dst,
                                             const gint64  *dst_strides);
/* Byte strides of a C-order (last axis fastest) or Fortran-order array */
void        _gdci_c_strides                 (const guint64 *shape,
                                             guint          n_dims,
                                             gsize          itemsize,
                                             gint64        *strides);
void        _gdci_f_strides                 (const guint64 *shape,
                                             guint          n_dims,
                                             gsize          itemsize,
                                             gint64        *strides);

G_END_DECLS
