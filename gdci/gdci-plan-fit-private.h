/* gdci-plan-fit-private.h: the shapes of the FIT strategy
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "gdci-dtype.h"

G_BEGIN_DECLS

/* The most the free axes of a FIT chunk shape pad the data by, all told: the
 * stored grid of chunks holds at most this fraction more than the data. */
#define GDCI_FIT_MAX_PADDING 0.01

/* FIT splits the data into at least this many buffers where it can, so
 * that reading one overlaps filtering and writing the one before */
#define GDCI_FIT_MIN_BUFFERS 4

/* FIT's chunk shape, in place on the free axes (0) of @chunk: near hdmf's
 * proportions and under @chunk_mb, each free axis an exact divisor of its
 * extent or an even split of it that pads little. @extent[i] is what axis
 * i of the chunk must tile: the data's axis, or the buffer's where the
 * buffer is given shorter than the data (@exact[i] then asks for a divisor
 * of it, so that the buffer is a whole multiple of the chunk). */
gboolean    _gdci_fit_chunk_shape           (const guint64   *maxshape,
                                             const guint64   *extent,
                                             const gboolean  *exact,
                                             guint            n_dims,
                                             GdciDtype        dtype,
                                             double           chunk_mb,
                                             guint64         *chunk,
                                             GError         **error);

/* FIT's buffer shape, in place on the free axes (0) of @buffer: whole axes
 * after the first free one on which a row of chunks fits in @buffer_gb,
 * and on that one a multiple of the (positive) @chunk under @buffer_gb, in
 * at least GDCI_FIT_MIN_BUFFERS buffers where the axis allows, so
 * that a buffer of a C-order source is one contiguous run of it. */
gboolean    _gdci_fit_buffer_shape          (const guint64   *maxshape,
                                             guint            n_dims,
                                             const guint64   *chunk,
                                             GdciDtype        dtype,
                                             double           buffer_gb,
                                             guint64         *buffer,
                                             GError         **error);

/* The bytes of the grid of chunks that a dataset stores uncompressed (the
 * data plus the padding of the edge chunks), saturated at G_MAXUINT64 */
guint64     _gdci_stored_bytes              (const guint64   *maxshape,
                                             const guint64   *chunk,
                                             guint            n_dims,
                                             gsize            itemsize);

/* The bytes a source reads when it reads each buffer of the grid of
 * @buffer as one run of a C-order file, from its first element to its
 * last, summed over the buffers; saturated at G_MAXUINT64 */
guint64     _gdci_span_read_bytes           (const guint64   *maxshape,
                                             const guint64   *buffer,
                                             guint            n_dims,
                                             gsize            itemsize);

G_END_DECLS
