/* gdci-compression.h: compression of the HDF5 datasets gdci writes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib.h>

#include "gdci-version.h"

G_BEGIN_DECLS

/**
 * GdciCompression:
 * @GDCI_COMPRESSION_NONE: chunks are stored as they are
 * @GDCI_COMPRESSION_GZIP: chunks are compressed with HDF5's deflate filter
 *   (what h5py and hdmf call `gzip`), readable by every HDF5 tool
 *
 * The compression filter of a dataset written by [class@Gdci.H5Writer].
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_COMPRESSION_NONE,
  GDCI_COMPRESSION_GZIP,
} GdciCompression;

G_END_DECLS
