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
 *   (what h5py and hdmf call `gzip`), readable by every HDF5 tool, made by
 *   libdeflate at levels 1 (fastest) to 9 (smallest), 4 by default
 * @GDCI_COMPRESSION_GZIP_FAST: HDF5's deflate filter too, readable by every
 *   HDF5 tool with no plugin, made by ISA-L's igzip at levels 1 to 3 (1 by
 *   default): several times faster than @GDCI_COMPRESSION_GZIP, files a
 *   little larger. Since: 1.0
 * @GDCI_COMPRESSION_ZSTD: Zstandard (HDF5 filter 32015, as hdf5plugin's
 *   `Zstd`), levels 1 to 22, 3 by default. Since: 1.0
 * @GDCI_COMPRESSION_LZ4: LZ4 (HDF5 filter 32004, as hdf5plugin's `LZ4`),
 *   which has no levels. Since: 1.0
 * @GDCI_COMPRESSION_BLOSC: Blosc (HDF5 filter 32001, as hdf5plugin's
 *   `Blosc`) with the inner compressor of [property@Gdci.H5Writer:blosc-codec],
 *   levels 0 to 9, 5 by default. Since: 1.0
 *
 * The compression filter of a dataset written by [class@Gdci.H5Writer].
 *
 * Every filter is written exactly as its registered HDF5 filter writes
 * it, with the same `cd_values`: gzip files open in every HDF5 reader;
 * the others open where hdf5plugin (or HDF5 filter plugins for them) is
 * installed, and in gdci itself with no plugin.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_COMPRESSION_NONE,
  GDCI_COMPRESSION_GZIP,
  GDCI_COMPRESSION_GZIP_FAST,
  GDCI_COMPRESSION_ZSTD,
  GDCI_COMPRESSION_LZ4,
  GDCI_COMPRESSION_BLOSC,
} GdciCompression;

/**
 * GdciBloscCodec:
 * @GDCI_BLOSC_CODEC_BLOSCLZ: BloscLZ, Blosc's own
 * @GDCI_BLOSC_CODEC_LZ4: LZ4, hdf5plugin's default
 * @GDCI_BLOSC_CODEC_LZ4HC: LZ4's high-compression mode
 * @GDCI_BLOSC_CODEC_ZLIB: zlib
 * @GDCI_BLOSC_CODEC_ZSTD: Zstandard
 *
 * The compressor inside Blosc, when [property@Gdci.H5Writer:compression] is
 * %GDCI_COMPRESSION_BLOSC.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_BLOSC_CODEC_BLOSCLZ,
  GDCI_BLOSC_CODEC_LZ4,
  GDCI_BLOSC_CODEC_LZ4HC,
  GDCI_BLOSC_CODEC_ZLIB,
  GDCI_BLOSC_CODEC_ZSTD,
} GdciBloscCodec;

G_END_DECLS
