/* gdci-compressor-deflate.c: HDF5's deflate filter (1), a zlib stream made
 * by libdeflate (levels 1-9) or by ISA-L's igzip (the fast levels 1-3)
 *
 * HDF5's filter, zlib and every reader inflate either; both are decoded
 * with libdeflate.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <string.h>

#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"

/* A zlib stream of @n bytes takes at most this much: libdeflate's bound,
 * zlib's, that of stored blocks, with room to spare */
static guint64
deflate_bound (const GdciCompressorSettings *settings,
               guint64                       n)
{
  return _gdci_sat_add (n, n / 16 + 64);
}

static gboolean
check_deflate (const GdciCompressorSettings  *settings,
               GError                       **error)
{
  if (settings->level < 1 || settings->level > 9)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The gzip level must be from 1 to 9, not %d", settings->level);
      return FALSE;
    }
  return TRUE;
}

/* libdeflate's compressors for levels 1-9 take less than this */
static guint64
deflate_scratch (const GdciCompressorSettings *settings)
{
  return 1024 * 1024;
}

static gsize
deflate_compress (GdciCompressor *compressor,
                  const guint8   *src,
                  gsize           n_bytes,
                  guint8         *dst,
                  gsize           capacity)
{
  if (compressor->encoder == NULL)
    compressor->encoder = libdeflate_alloc_compressor (compressor->settings.level);
  if (compressor->encoder == NULL)
    return 0;
  return libdeflate_zlib_compress (compressor->encoder, src, n_bytes, dst, capacity);
}

static gboolean
inflate (GdciCompressor  *compressor,
         const guint8    *src,
         gsize            n_bytes,
         guint8          *dst,
         gsize            expected,
         gsize           *n_made,
         GError         **error)
{
  size_t in_used = 0, out_made = 0;
  enum libdeflate_result result;

  if (compressor->decoder == NULL)
    compressor->decoder = libdeflate_alloc_decompressor ();
  if (compressor->decoder == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "out of memory for gzip decompression");
      return FALSE;
    }
  result = libdeflate_zlib_decompress_ex (compressor->decoder, src, n_bytes, dst, expected,
                                          &in_used, &out_made);
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE)
    {
      _gdci_compressor_set_damaged (error, "it decompresses to more than the %"
                                    G_GSIZE_FORMAT " bytes of a chunk", expected);
      return FALSE;
    }
  if (result != LIBDEFLATE_SUCCESS)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " compressed bytes are "
                                    "damaged (not a valid zlib stream)", n_bytes);
      return FALSE;
    }
  /* HDF5's filter ignores what follows the end of the stream: so does gdci */
  *n_made = out_made;
  return TRUE;
}

static void
free_deflate (GdciCompressor *compressor)
{
  if (compressor->encoder != NULL)
    libdeflate_free_compressor (compressor->encoder);
  if (compressor->decoder != NULL)
    libdeflate_free_decompressor (compressor->decoder);
}

const GdciCompressorClass _gdci_compressor_deflate_class = {
  .check = check_deflate,
  .bound = deflate_bound,
  .scratch = deflate_scratch,
  .compress = deflate_compress,
  .decompress = inflate,
  .decoded_size = NULL,
  .free_state = free_deflate,
};

/* ---- ISA-L ------------------------------------------------------------- */

typedef struct
{
  struct isal_zstream stream;
  guint8 *level_buf;
} FastEncoder;

/* The level buffers ISA-L 2.30 wants for its levels 1-3, as its header says */
static guint32
level_buf_size (int level)
{
  switch (level)
    {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3:
    default:
      return ISAL_DEF_LVL3_DEFAULT;
    }
}

static gboolean
check_fast (const GdciCompressorSettings  *settings,
            GError                       **error)
{
  if (settings->level < 1 || settings->level > ISAL_DEF_MAX_LEVEL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The fast gzip level must be from 1 to %d, not %d", ISAL_DEF_MAX_LEVEL,
                   settings->level);
      return FALSE;
    }
  return TRUE;
}

static guint64
fast_scratch (const GdciCompressorSettings *settings)
{
  /* and libdeflate's decompressor, when it decodes */
  return sizeof (FastEncoder) + level_buf_size (settings->level) + 64 * 1024;
}

/* A zlib stream of stored blocks: what the deflate filter writes when
 * nothing else fits */
static gsize
store (const guint8 *src,
       gsize         n_bytes,
       guint8       *dst,
       gsize         capacity)
{
  gsize n_blocks = MAX ((n_bytes + 65534) / 65535, 1), pos = 2, done = 0;
  guint32 adler = libdeflate_adler32 (1, src, n_bytes);

  if (capacity < n_bytes + 5 * n_blocks + 6)
    return 0;
  dst[0] = 0x78;
  dst[1] = 0x01;   /* 32 KiB window, the fastest level; (0x7801 % 31 == 0) */
  for (gsize b = 0; b < n_blocks; b++)
    {
      guint16 len = (guint16) MIN (n_bytes - done, 65535);

      dst[pos] = b + 1 == n_blocks ? 1 : 0;
      dst[pos + 1] = (guint8) len;
      dst[pos + 2] = (guint8) (len >> 8);
      dst[pos + 3] = (guint8) ~len;
      dst[pos + 4] = (guint8) ((guint16) ~len >> 8);
      if (len > 0)
        memcpy (dst + pos + 5, src + done, len);
      pos += 5 + (gsize) len;
      done += len;
    }
  _gdci_write_be32 (dst + pos, adler);
  return pos + 4;
}

static gsize
fast_compress (GdciCompressor *compressor,
               const guint8   *src,
               gsize           n_bytes,
               guint8         *dst,
               gsize           capacity)
{
  /* ISA-L counts in 32 bits: the chunk goes in and out by pieces */
  const gsize piece = (gsize) 1 << 30;
  FastEncoder *enc = compressor->encoder;
  struct isal_zstream *stream;
  gsize in_left = n_bytes, out_left = capacity;

  if (enc == NULL)
    {
      enc = compressor->encoder = g_try_new0 (FastEncoder, 1);
      if (enc == NULL)
        return 0;
      enc->level_buf = g_try_malloc0 (level_buf_size (compressor->settings.level));
      if (enc->level_buf == NULL)
        return 0;
    }
  stream = &enc->stream;
  isal_deflate_init (stream);
  stream->level = (guint32) compressor->settings.level;
  stream->level_buf = enc->level_buf;
  stream->level_buf_size = level_buf_size (compressor->settings.level);
  stream->gzip_flag = IGZIP_ZLIB;
  stream->flush = NO_FLUSH;
  stream->next_in = (guint8 *) src;
  stream->next_out = dst;
  stream->avail_in = stream->avail_out = 0;
  while (stream->internal_state.state != ZSTATE_END)
    {
      if (stream->avail_in == 0 && in_left > 0)
        {
          stream->avail_in = (guint32) MIN (in_left, piece);
          in_left -= stream->avail_in;
        }
      stream->end_of_stream = in_left == 0;
      if (stream->avail_out == 0)
        {
          if (out_left == 0)
            return store (src, n_bytes, dst, capacity);   /* did not fit */
          stream->avail_out = (guint32) MIN (out_left, piece);
          out_left -= stream->avail_out;
        }
      if (isal_deflate (stream) != COMP_OK)
        return 0;
    }
  return (gsize) (stream->next_out - dst);
}

static void
free_fast (GdciCompressor *compressor)
{
  FastEncoder *enc = compressor->encoder;

  if (enc != NULL)
    g_free (enc->level_buf);
  g_free (enc);
  compressor->encoder = NULL;
  if (compressor->decoder != NULL)
    libdeflate_free_decompressor (compressor->decoder);
}

const GdciCompressorClass _gdci_compressor_deflate_fast_class = {
  .check = check_fast,
  .bound = deflate_bound,
  .scratch = fast_scratch,
  .compress = fast_compress,
  .decompress = inflate,
  .decoded_size = NULL,
  .free_state = free_fast,
};
