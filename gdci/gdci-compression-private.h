/* gdci-compression-private.h: a writer's compression settings, checked and
 * turned into the filter pipeline of its datasets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

#include "gdci-codec-private.h"
#include "gdci-compression.h"

G_BEGIN_DECLS

/* What a GdciH5Writer's properties ask for */
typedef struct
{
  GdciCompression compression;
  int level;                    /* 0: the codec's default */
  gboolean shuffle;
  gboolean bitshuffle;
  GdciBloscCodec blosc_codec;
  gboolean fletcher32;
} GdciCompressionRequest;

/* FALSE with a GDCI_ERROR_INVALID_ARGUMENT error saying what is valid when
 * @request cannot be written: an unknown codec, a level out of its range,
 * shuffle with bitshuffle, bitshuffle with gzip */
gboolean  _gdci_compression_check   (const GdciCompressionRequest  *request,
                                     GError                       **error);

/* The filter pipeline of @request for chunks of @chunk_bytes bytes of
 * elements of @itemsize, in @codec (whose chunk_bytes and itemsize are
 * set too); @request must have passed _gdci_compression_check() */
void      _gdci_compression_resolve (const GdciCompressionRequest  *request,
                                     gsize                          itemsize,
                                     gsize                          chunk_bytes,
                                     GdciCodecSettings             *codec);

/* The filter pipeline of @codec on the dataset creation properties @dcpl:
 * HDF5's shuffle, the compressor with the cd_values its registered filter
 * leaves, Fletcher-32; FALSE if HDF5 refused one */
gboolean  _gdci_compression_set_filters (hid_t                    dcpl,
                                         const GdciCodecSettings *codec);

/* The codec's default level, and its range; min > max for a codec that
 * has no levels */
int       _gdci_compression_default_level (GdciCompression compression);
void      _gdci_compression_level_range   (GdciCompression compression,
                                           int            *min,
                                           int            *max);

G_END_DECLS
