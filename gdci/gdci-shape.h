/* gdci-shape.h: hdmf's default chunk and buffer shapes as pure functions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib.h>

#include "gdci-dtype.h"
#include "gdci-version.h"

G_BEGIN_DECLS

/**
 * GDCI_DEFAULT_BUFFER_GB:
 *
 * The buffer size in gigabytes (10^9 bytes) used when neither a buffer size
 * nor a buffer shape is given, as in hdmf.
 *
 * Since: 1.0
 */
#define GDCI_DEFAULT_BUFFER_GB 1.0

/**
 * GDCI_DEFAULT_CHUNK_MB:
 *
 * The chunk size in megabytes (10^6 bytes) used when neither a chunk size
 * nor a chunk shape is given, as in current hdmf.
 *
 * Since: 1.0
 */
#define GDCI_DEFAULT_CHUNK_MB 10.0

GDCI_AVAILABLE_IN_1_0
guint64 *gdci_default_chunk_shape  (const guint64  *maxshape,
                                    guint           n_dims,
                                    GdciDtype       dtype,
                                    double          chunk_mb,
                                    guint          *n_result_dims,
                                    GError        **error);

GDCI_AVAILABLE_IN_1_0
guint64 *gdci_default_buffer_shape (const guint64  *maxshape,
                                    guint           n_dims,
                                    const guint64  *chunk_shape,
                                    guint           n_chunk_dims,
                                    GdciDtype       dtype,
                                    double          buffer_gb,
                                    guint          *n_result_dims,
                                    GError        **error);

G_END_DECLS
