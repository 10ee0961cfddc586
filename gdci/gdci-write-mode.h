/* gdci-write-mode.h: what a write does with the dataset at its path
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
 * GdciWriteMode:
 * @GDCI_WRITE_MODE_CREATE: the write creates the dataset, with the
 *   iterator's shapes and the writer's filters; a dataset that already
 *   exists at the path is an error (%GDCI_ERROR_EXISTS). The default.
 * @GDCI_WRITE_MODE_REPLACE: as %GDCI_WRITE_MODE_CREATE, but a dataset that
 *   exists at the path is replaced by the new one, once it is complete
 *   (the space the old one took stays in the file, as HDF5 does).
 * @GDCI_WRITE_MODE_FILL: the dataset at the path must exist (created by
 *   hdmf, pynwb, matnwb, h5py or gdci), with the iterator's shape and an
 *   element type the iterator's converts to exactly; the write fills it,
 *   keeping its chunk shape, filters, fill value and attributes, and every
 *   other object in the file. Its chunks are compressed on the writer's
 *   threads and written directly where gdci encodes its filters (shuffle,
 *   deflate, Fletcher-32, zstd, LZ4, Blosc, Bitshuffle) and its element
 *   type is the iterator's (an edge chunk padded with the dataset's fill
 *   value, as HDF5 pads it); otherwise HDF5 writes each buffer through its
 *   own pipeline, slower but the same, with the filters of plugins on its
 *   path loaded (a required filter that none provides is an error,
 *   %GDCI_ERROR_NOT_SUPPORTED; an optional one is left out of the chunks,
 *   as HDF5 leaves it). The writer's own filter properties
 *   are not used, except that %GDCI_COMPRESSION_GZIP_FAST asks to compress
 *   a deflate dataset of level 1 to 3 with the fast engine.
 *
 * What [method@Gdci.H5Writer.write] does with the dataset at its path: the
 * [property@Gdci.H5Writer:mode] of a writer.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_WRITE_MODE_CREATE,
  GDCI_WRITE_MODE_REPLACE,
  GDCI_WRITE_MODE_FILL,
} GdciWriteMode;

G_END_DECLS
