/* gdci-shape-private.h: hdmf's default shapes, as steps of a plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "gdci-dtype.h"
#include "gdci-shape-arg-private.h"

G_BEGIN_DECLS

/* A buffer (@buffer, in gigabytes) or chunk (in megabytes) size: greater
 * than zero and finite in bytes, or a GDCI_PLAN_ERROR */
gboolean    _gdci_check_size_setting        (gboolean        buffer,
                                             double          value,
                                             GError        **error);
gboolean    _gdci_check_dtype               (GdciDtype       dtype,
                                             GError        **error);

/* hdmf's _get_default_chunk_shape(), into @chunk (n_dims values); the shape
 * and dtype must be checked already */
gboolean    _gdci_default_chunk_shape       (const guint64  *maxshape,
                                             guint           n_dims,
                                             GdciDtype       dtype,
                                             double          chunk_mb,
                                             guint64        *chunk,
                                             GError        **error);
/* hdmf's _get_default_buffer_shape(), into @buffer; @chunk_name names
 * @chunk in the message when an axis of it is not positive */
gboolean    _gdci_default_buffer_shape      (const guint64       *maxshape,
                                             guint                n_dims,
                                             const GdciShapeArg  *chunk,
                                             const char          *chunk_name,
                                             GdciDtype            dtype,
                                             double               buffer_gb,
                                             guint64             *buffer,
                                             GError             **error);

/* hdmf's rules on the free axes (0) of @chunk, in place: the default chunk
 * shape of the data's free axes, an element of which is the block of the
 * given axes. Every axis of @chunk is 0 or positive. */
gboolean    _gdci_partial_chunk_shape       (const guint64  *maxshape,
                                             guint           n_dims,
                                             GdciDtype       dtype,
                                             double          chunk_mb,
                                             guint64        *chunk,
                                             GError        **error);
/* hdmf's rule on the free axes (0) of @buffer, in place: the same multiple
 * of the (positive) @chunk on each, the largest that keeps the buffer under
 * @buffer_gb, clipped to the data */
gboolean    _gdci_partial_buffer_shape      (const guint64  *maxshape,
                                             guint           n_dims,
                                             const guint64  *chunk,
                                             GdciDtype       dtype,
                                             double          buffer_gb,
                                             guint64        *buffer,
                                             GError        **error);

G_END_DECLS
