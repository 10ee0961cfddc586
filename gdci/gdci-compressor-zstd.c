/* gdci-compressor-zstd.c: the zstd filter (32015) of hdf5plugin
 * (HDF5Plugin-Zstandard): each chunk is one zstd frame, of ZSTD_compress()
 * at the level of cd_values[0], which says its content size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#define ZSTD_STATIC_LINKING_ONLY   /* the estimates of a context's memory */
#include <zstd.h>
#include <zstd_errors.h>

#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"

static gboolean
check_zstd (const GdciCompressorSettings  *settings,
            GError                       **error)
{
  if (settings->level < 1 || settings->level > 22)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The zstd level must be from 1 to 22, not %d", settings->level);
      return FALSE;
    }
  return TRUE;
}

static guint64
zstd_bound (const GdciCompressorSettings *settings,
            guint64                       n)
{
  /* ZSTD_COMPRESSBOUND() without its overflow on 32 bits */
  return _gdci_sat_add (n, (n >> 8) + (n < (128 << 10) ? ((128 << 10) - n) >> 11 : 0) + 64);
}

static guint64
zstd_scratch (const GdciCompressorSettings *settings)
{
  ZSTD_compressionParameters params = ZSTD_getCParams (settings->level,
                                                       settings->chunk_bytes, 0);

  return (guint64) ZSTD_estimateCCtxSize_usingCParams (params) + ZSTD_estimateDCtxSize ();
}

static gsize
zstd_compress (GdciCompressor *compressor,
               const guint8   *src,
               gsize           n_bytes,
               guint8         *dst,
               gsize           capacity)
{
  size_t made;

  if (compressor->encoder == NULL)
    compressor->encoder = ZSTD_createCCtx ();
  if (compressor->encoder == NULL)
    return 0;
  made = ZSTD_compressCCtx (compressor->encoder, dst, capacity, src, n_bytes,
                            compressor->settings.level);
  return ZSTD_isError (made) ? 0 : made;
}

static gboolean
zstd_size (const GdciCompressorSettings  *settings,
           const guint8                  *src,
           gsize                          n_bytes,
           guint64                       *size,
           GError                       **error)
{
  unsigned long long content = ZSTD_getFrameContentSize (src, n_bytes);

  if (content == ZSTD_CONTENTSIZE_ERROR)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are not a zstd "
                                    "frame", n_bytes);
      return FALSE;
    }
  if (content == ZSTD_CONTENTSIZE_UNKNOWN)
    {
      _gdci_compressor_set_damaged (error, "its zstd frame does not say its size");
      return FALSE;
    }
  *size = content;
  return TRUE;
}

static gboolean
zstd_decompress (GdciCompressor  *compressor,
                 const guint8    *src,
                 gsize            n_bytes,
                 guint8          *dst,
                 gsize            expected,
                 gsize           *n_made,
                 GError         **error)
{
  unsigned long long content = ZSTD_getFrameContentSize (src, n_bytes);
  size_t made;

  if (content == ZSTD_CONTENTSIZE_ERROR)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are not a zstd "
                                    "frame", n_bytes);
      return FALSE;
    }
  if (content != ZSTD_CONTENTSIZE_UNKNOWN && content > expected)
    {
      _gdci_compressor_set_damaged (error, "its zstd frame says %llu bytes, more than the "
                                    "%" G_GSIZE_FORMAT " bytes of a chunk", content, expected);
      return FALSE;
    }
  if (compressor->decoder == NULL)
    compressor->decoder = ZSTD_createDCtx ();
  if (compressor->decoder == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "out of memory for zstd decompression");
      return FALSE;
    }
  made = ZSTD_decompressDCtx (compressor->decoder, dst, expected, src, n_bytes);
  if (ZSTD_isError (made))
    {
      if (ZSTD_getErrorCode (made) == ZSTD_error_dstSize_tooSmall)
        _gdci_compressor_set_damaged (error, "it decompresses to more than the %"
                                      G_GSIZE_FORMAT " bytes of a chunk", expected);
      else
        _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " zstd bytes are damaged "
                                      "(%s)", n_bytes, ZSTD_getErrorName (made));
      return FALSE;
    }
  *n_made = made;
  return TRUE;
}

static void
free_zstd (GdciCompressor *compressor)
{
  ZSTD_freeCCtx (compressor->encoder);
  ZSTD_freeDCtx (compressor->decoder);
}

const GdciCompressorClass _gdci_compressor_zstd_class = {
  .check = check_zstd,
  .bound = zstd_bound,
  .scratch = zstd_scratch,
  .compress = zstd_compress,
  .decompress = zstd_decompress,
  .decoded_size = zstd_size,
  .free_state = free_zstd,
};
