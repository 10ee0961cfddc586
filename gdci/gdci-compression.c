/* gdci-compression.c: a writer's compression settings, checked and turned
 * into the filter pipeline of its datasets
 *
 * The pipeline follows HDF5's rules and hdf5plugin's: HDF5's shuffle
 * filter (2) before the compressor, Fletcher-32 (3) last. Bitshuffle is a
 * filter of its own (32008) that compresses with LZ4 or zstd inside, so
 * with LZ4, zstd or no compression it takes the compressor's place; Blosc
 * shuffles by itself, so with Blosc both shuffles are Blosc's own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-compression-private.h"
#include "gdci-error.h"

int
_gdci_compression_default_level (GdciCompression compression)
{
  switch (compression)
    {
    case GDCI_COMPRESSION_GZIP:
      return 4;
    case GDCI_COMPRESSION_GZIP_FAST:
      return 1;
    case GDCI_COMPRESSION_ZSTD:
      return 3;          /* hdf5plugin's Zstd() */
    case GDCI_COMPRESSION_BLOSC:
      return 5;          /* hdf5plugin's Blosc() */
    case GDCI_COMPRESSION_NONE:
    case GDCI_COMPRESSION_LZ4:
    default:
      return 0;
    }
}

void
_gdci_compression_level_range (GdciCompression  compression,
                               int             *min,
                               int             *max)
{
  *min = 1;
  switch (compression)
    {
    case GDCI_COMPRESSION_GZIP:
      *max = 9;
      break;
    case GDCI_COMPRESSION_GZIP_FAST:
      *max = 3;
      break;
    case GDCI_COMPRESSION_ZSTD:
      *max = 22;
      break;
    case GDCI_COMPRESSION_BLOSC:
      *max = 9;
      break;
    case GDCI_COMPRESSION_NONE:
    case GDCI_COMPRESSION_LZ4:
    default:
      *max = 0;     /* no levels */
      break;
    }
}

static const char *
compression_name (GdciCompression compression)
{
  static const char *const names[] = { "none", "gzip", "gzip-fast", "zstd", "lz4", "blosc" };

  return (guint) compression < G_N_ELEMENTS (names) ? names[compression] : "?";
}

static gboolean
check_level (GdciCompression   c,
             int               level,
             GError          **error)
{
  int min, max;

  _gdci_compression_level_range (c, &min, &max);
  if (level != 0 && min > max)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s compression has no levels: leave the compression level at 0, not %d",
                   compression_name (c), level);
      return FALSE;
    }
  if (level != 0 && (level < min || level > max))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The %s compression level must be from %d to %d (or 0 for %d), not %d",
                   compression_name (c), min, max, _gdci_compression_default_level (c), level);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_compression_check (const GdciCompressionRequest  *request,
                         GError                       **error)
{
  GdciCompression c = request->compression;

  if ((guint) c > GDCI_COMPRESSION_BLOSC)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciCompression: give none, gzip, gzip-fast, zstd, "
                   "lz4 or blosc", (int) c);
      return FALSE;
    }
  if ((guint) request->blosc_codec > GDCI_BLOSC_CODEC_ZSTD)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciBloscCodec: give blosclz, lz4, lz4hc, zlib or zstd",
                   (int) request->blosc_codec);
      return FALSE;
    }
  /* a level is kept for a codec set later: with none, it means nothing */
  if (c != GDCI_COMPRESSION_NONE && !check_level (c, request->level, error))
    return FALSE;
  if (request->shuffle && request->bitshuffle)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "Shuffle and bitshuffle cannot both be set: choose one");
      return FALSE;
    }
  if (request->bitshuffle && (c == GDCI_COMPRESSION_GZIP || c == GDCI_COMPRESSION_GZIP_FAST))
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "Bitshuffle goes with no compression, zstd, lz4 or blosc, not gzip: "
                           "use shuffle with gzip");
      return FALSE;
    }
  return TRUE;
}

static GdciBloscInner
blosc_inner (GdciBloscCodec codec)
{
  switch (codec)
    {
    case GDCI_BLOSC_CODEC_BLOSCLZ:
      return GDCI_BLOSC_INNER_BLOSCLZ;
    case GDCI_BLOSC_CODEC_LZ4HC:
      return GDCI_BLOSC_INNER_LZ4HC;
    case GDCI_BLOSC_CODEC_ZLIB:
      return GDCI_BLOSC_INNER_ZLIB;
    case GDCI_BLOSC_CODEC_ZSTD:
      return GDCI_BLOSC_INNER_ZSTD;
    case GDCI_BLOSC_CODEC_LZ4:
    default:
      return GDCI_BLOSC_INNER_LZ4;
    }
}

void
_gdci_compression_resolve (const GdciCompressionRequest *request,
                           gsize                         itemsize,
                           gsize                         chunk_bytes,
                           GdciCodecSettings            *codec)
{
  GdciCompressorSettings *c = &codec->compressor;
  int level = request->level != 0 ? request->level
                                  : _gdci_compression_default_level (request->compression);

  *codec = (GdciCodecSettings) { 0 };
  codec->chunk_bytes = chunk_bytes;
  codec->itemsize = itemsize;
  codec->fletcher32 = request->fletcher32;
  codec->shuffle = request->shuffle;
  c->itemsize = itemsize;
  c->chunk_bytes = chunk_bytes;
  c->level = level;

  switch (request->compression)
    {
    case GDCI_COMPRESSION_GZIP:
      c->kind = GDCI_COMPRESSOR_DEFLATE;
      break;
    case GDCI_COMPRESSION_GZIP_FAST:
      c->kind = GDCI_COMPRESSOR_DEFLATE_FAST;
      break;
    case GDCI_COMPRESSION_ZSTD:
      c->kind = request->bitshuffle ? GDCI_COMPRESSOR_BITSHUFFLE : GDCI_COMPRESSOR_ZSTD;
      c->bitshuffle_inner = GDCI_BITSHUFFLE_INNER_ZSTD;
      break;
    case GDCI_COMPRESSION_LZ4:
      c->kind = request->bitshuffle ? GDCI_COMPRESSOR_BITSHUFFLE : GDCI_COMPRESSOR_LZ4;
      c->bitshuffle_inner = GDCI_BITSHUFFLE_INNER_LZ4;
      break;
    case GDCI_COMPRESSION_BLOSC:
      c->kind = GDCI_COMPRESSOR_BLOSC;
      c->blosc_inner = blosc_inner (request->blosc_codec);
      c->blosc_shuffle = request->bitshuffle ? 2 : request->shuffle ? 1 : 0;
      codec->shuffle = FALSE;     /* Blosc's own */
      break;
    case GDCI_COMPRESSION_NONE:
    default:
      c->kind = request->bitshuffle ? GDCI_COMPRESSOR_BITSHUFFLE : GDCI_COMPRESSOR_NONE;
      c->bitshuffle_inner = GDCI_BITSHUFFLE_INNER_NONE;
      break;
    }
  if (c->kind == GDCI_COMPRESSOR_BITSHUFFLE && request->compression != GDCI_COMPRESSION_ZSTD)
    c->level = 0;
}

gboolean
_gdci_compression_set_filters (hid_t                    dcpl,
                               const GdciCodecSettings *codec)
{
  const GdciCompressorSettings *c = &codec->compressor;

  if (codec->shuffle && H5Pset_shuffle (dcpl) < 0)
    return FALSE;
  /* the filter's set_local() (gdci's, registered by the caller, unless
   * HDF5 had one with its id) completes the cd_values */
  if (!_gdci_h5_set_filter (dcpl, c))
    return FALSE;
  return !codec->fletcher32 || H5Pset_fletcher32 (dcpl) >= 0;
}
