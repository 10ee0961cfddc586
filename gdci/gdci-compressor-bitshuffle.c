/* gdci-compressor-bitshuffle.c: the Bitshuffle filter (32008), as
 * bitshuffle's own HDF5 filter (bshuf_h5filter.c, bitshuffle.c,
 * bitshuffle_core.c) writes a chunk:
 *
 *   with LZ4 or zstd: the chunk's size, 8 bytes, and a block's size in
 *   bytes, 4 bytes, both big-endian; then each block of block_elements
 *   elements, bit-transposed and compressed (always, even when larger), as
 *   its compressed size, 4 bytes big-endian, and its bytes;
 *   without compression: only the bit-transposed blocks.
 *
 * The blocks are the whole ones, then one of the elements left over
 * rounded down to a multiple of 8; the last (at most 7) elements follow as
 * they are. Decoding takes the block size from the header, not from
 * cd_values, as bitshuffle does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <lz4.h>
#include <string.h>
#include <zstd.h>

#include "gdci-bitshuffle-private.h"
#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"

#define HEADER_BYTES 12

static guint64
block_elements (const GdciCompressorSettings *settings)
{
  return settings->block_elements > 0 ? settings->block_elements
                                      : _gdci_bitshuffle_default_block (settings->itemsize);
}

static gboolean
check_bitshuffle (const GdciCompressorSettings  *settings,
                  GError                       **error)
{
  guint64 block = _gdci_sat_mul (block_elements (settings), settings->itemsize);

  if (settings->itemsize == 0 || settings->block_elements % 8 != 0)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                 "Bitshuffle needs elements of at least one byte and blocks of a "
                 "multiple of 8 elements, not %u", settings->block_elements);
  else if (settings->bitshuffle_inner != GDCI_BITSHUFFLE_INNER_NONE &&
           settings->bitshuffle_inner != GDCI_BITSHUFFLE_INNER_LZ4 &&
           settings->bitshuffle_inner != GDCI_BITSHUFFLE_INNER_ZSTD)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                 "Bitshuffle compresses with none (0), LZ4 (2) or zstd (3), not %d",
                 (int) settings->bitshuffle_inner);
  else if (settings->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_ZSTD &&
           (settings->level < 1 || settings->level > 22))
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                 "The zstd level must be from 1 to 22, not %d", settings->level);
  else if (block > LZ4_MAX_INPUT_SIZE || settings->chunk_bytes % settings->itemsize != 0)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                 "Bitshuffle takes whole elements in blocks of less than 2 GiB, not "
                 "chunks of %" G_GSIZE_FORMAT " bytes of %" G_GSIZE_FORMAT "-byte elements",
                 settings->chunk_bytes, settings->itemsize);
  else
    return TRUE;
  return FALSE;
}

/* LZ4_COMPRESSBOUND() and ZSTD_COMPRESSBOUND() in 64 bits */
static guint64
inner_bound (GdciBitshuffleInner inner,
             guint64             n)
{
  if (inner == GDCI_BITSHUFFLE_INNER_LZ4)
    return _gdci_sat_add (n, n / 255 + 16);
  return _gdci_sat_add (n, (n >> 8) + (n < (128 << 10) ? ((128 << 10) - n) >> 11 : 0));
}

static guint64
bitshuffle_bound (const GdciCompressorSettings *settings,
                  guint64                       n)
{
  guint64 block = block_elements (settings), es = MAX (settings->itemsize, 1);
  guint64 n_elements = n / es, last = n_elements % block / 8 * 8;
  guint64 bound = HEADER_BYTES + n % es + n_elements % 8 * es;

  if (settings->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_NONE)
    return n;
  bound = _gdci_sat_add (bound, _gdci_sat_mul (n_elements / block,
                                               inner_bound (settings->bitshuffle_inner,
                                                            block * es) + 4));
  if (last > 0)
    bound = _gdci_sat_add (bound, inner_bound (settings->bitshuffle_inner, last * es) + 4);
  return bound;
}

static guint64
bitshuffle_scratch (const GdciCompressorSettings *settings)
{
  guint64 block = _gdci_sat_mul (block_elements (settings), settings->itemsize);
  guint64 state = 0;

  if (settings->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_LZ4)
    state = (guint64) LZ4_sizeofState ();
  else if (settings->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_ZSTD)
    state = 4u << 20;   /* zstd's context for blocks of a few KiB */
  return _gdci_sat_add (_gdci_sat_mul (MIN (block, settings->chunk_bytes), 2), state);
}

/* One transposed block of @n bytes at @block compressed to @dst, after its
 * 4-byte size; returns all it wrote, 0 if the compressor failed */
static gsize
compress_block (GdciCompressor *compressor,
                const guint8   *block,
                gsize           n,
                guint8         *dst)
{
  const GdciCompressorSettings *s = &compressor->settings;
  gsize made = 0;

  if (s->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_LZ4)
    {
      if (compressor->encoder == NULL)
        compressor->encoder = g_try_malloc (LZ4_sizeofState ());
      if (compressor->encoder != NULL)
        made = (gsize) MAX (LZ4_compress_fast_extState (compressor->encoder,
                                                        (const char *) block, (char *) dst + 4,
                                                        (int) n, LZ4_compressBound ((int) n),
                                                        1), 0);
    }
  else
    {
      size_t r = 0;

      if (compressor->encoder == NULL)
        compressor->encoder = ZSTD_createCCtx ();
      if (compressor->encoder != NULL)
        r = ZSTD_compressCCtx (compressor->encoder, dst + 4, ZSTD_compressBound (n), block, n,
                               s->level);
      made = ZSTD_isError (r) ? 0 : r;
    }
  if (made == 0 || made > G_MAXUINT32)
    return 0;
  _gdci_write_be32 (dst, (guint32) made);
  return made + 4;
}

static gsize
bitshuffle_compress (GdciCompressor *compressor,
                     const guint8   *src,
                     gsize           n_bytes,
                     guint8         *dst,
                     gsize           capacity)
{
  const GdciCompressorSettings *s = &compressor->settings;
  gsize es = s->itemsize, n_elements = n_bytes / es, block = (gsize) block_elements (s);
  gsize block_bytes = MIN (block, n_elements) * es, done = 0;
  gboolean none = s->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_NONE;
  gsize pos = none ? 0 : HEADER_BYTES;
  guint8 *transposed = _gdci_compressor_get_scratch (compressor, 2 * block_bytes);

  if (transposed == NULL || n_bytes % es != 0)
    return 0;
  if (!none)
    {
      _gdci_write_be64 (dst, n_bytes);
      _gdci_write_be32 (dst + 8, (guint32) (block * es));
    }
  while (done + 8 <= n_elements)
    {
      gsize this_block = MIN (block, (n_elements - done) / 8 * 8);
      gsize bytes = this_block * es;

      if (none)
        {
          _gdci_bitshuffle_block (src + done * es, dst + pos, this_block, es, transposed);
          pos += bytes;
        }
      else
        {
          gsize made;

          _gdci_bitshuffle_block (src + done * es, transposed, this_block, es,
                                  transposed + block_bytes);
          made = compress_block (compressor, transposed, bytes, dst + pos);
          if (made == 0)
            return 0;
          pos += made;
        }
      done += this_block;
    }
  if (n_elements > done)
    memcpy (dst + pos, src + done * es, (n_elements - done) * es);
  return pos + (n_elements - done) * es;
}

/* The header's chunk size and block elements */
static gboolean
read_header (const GdciCompressorSettings  *settings,
             const guint8                  *src,
             gsize                          n_bytes,
             guint64                       *size,
             guint64                       *block,
             GError                       **error)
{
  guint32 block_bytes;

  if (n_bytes < HEADER_BYTES)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are too short for "
                                    "a Bitshuffle header", n_bytes);
      return FALSE;
    }
  *size = _gdci_read_be64 (src);
  block_bytes = _gdci_read_be32 (src + 8);
  *block = block_bytes / settings->itemsize;
  if (*size % settings->itemsize != 0 || block_bytes % settings->itemsize != 0 ||
      *block == 0 || *block % 8 != 0)
    {
      _gdci_compressor_set_damaged (error, "its Bitshuffle header is damaged (%" G_GUINT64_FORMAT
                                    " bytes in blocks of %u bytes of %" G_GSIZE_FORMAT
                                    "-byte elements)", *size, block_bytes, settings->itemsize);
      return FALSE;
    }
  return TRUE;
}

static gboolean
bitshuffle_size (const GdciCompressorSettings  *settings,
                 const guint8                  *src,
                 gsize                          n_bytes,
                 guint64                       *size,
                 GError                       **error)
{
  guint64 block;

  if (settings->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_NONE)
    {
      *size = n_bytes;
      return TRUE;
    }
  return read_header (settings, src, n_bytes, size, &block, error);
}

/* The block of @n bytes stored after its size at @src, of @n_left bytes,
 * decompressed into @out; returns the bytes it took, 0 if damaged */
static gsize
decompress_block (GdciCompressor *compressor,
                  const guint8   *src,
                  gsize           n_left,
                  guint8         *out,
                  gsize           n)
{
  guint32 stored;

  if (n_left < 4 || (stored = _gdci_read_be32 (src), n_left - 4 < stored) ||
      stored > LZ4_MAX_INPUT_SIZE)
    return 0;
  if (compressor->settings.bitshuffle_inner == GDCI_BITSHUFFLE_INNER_LZ4)
    {
      if (LZ4_decompress_safe ((const char *) src + 4, (char *) out, (int) stored,
                               (int) n) != (int) n)
        return 0;
    }
  else
    {
      size_t made;

      if (compressor->decoder == NULL)
        compressor->decoder = ZSTD_createDCtx ();
      if (compressor->decoder == NULL)
        return 0;
      made = ZSTD_decompressDCtx (compressor->decoder, out, n, src + 4, stored);
      if (ZSTD_isError (made) || made != n)
        return 0;
    }
  return 4 + (gsize) stored;
}

static gboolean
unshuffle_none (GdciCompressor  *compressor,
                const guint8    *src,
                gsize            n_bytes,
                guint8          *dst,
                gsize            expected,
                gsize           *n_made,
                GError         **error)
{
  gsize es = compressor->settings.itemsize, n_elements = n_bytes / es, done = 0;
  gsize block = (gsize) block_elements (&compressor->settings);
  guint8 *scratch;

  if (n_bytes > expected || n_bytes % es != 0)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are not a chunk of "
                                    "%" G_GSIZE_FORMAT " bytes of %" G_GSIZE_FORMAT
                                    "-byte elements", n_bytes, expected, es);
      return FALSE;
    }
  scratch = _gdci_compressor_get_scratch (compressor, MIN (block, n_elements) * es);
  if (scratch == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "out of memory for a Bitshuffle block");
      return FALSE;
    }
  while (done + 8 <= n_elements)
    {
      gsize this_block = MIN (block, (n_elements - done) / 8 * 8);

      _gdci_bitunshuffle_block (src + done * es, dst + done * es, this_block, es, scratch);
      done += this_block;
    }
  if (n_elements > done)
    memcpy (dst + done * es, src + done * es, (n_elements - done) * es);
  *n_made = n_bytes;
  return TRUE;
}

static gboolean
bitshuffle_decompress (GdciCompressor  *compressor,
                       const guint8    *src,
                       gsize            n_bytes,
                       guint8          *dst,
                       gsize            expected,
                       gsize           *n_made,
                       GError         **error)
{
  gsize es = compressor->settings.itemsize, pos = HEADER_BYTES, done = 0;
  gsize n_elements, block_bytes;
  guint64 size, block;
  guint8 *scratch;

  if (compressor->settings.bitshuffle_inner == GDCI_BITSHUFFLE_INNER_NONE)
    return unshuffle_none (compressor, src, n_bytes, dst, expected, n_made, error);
  if (!read_header (&compressor->settings, src, n_bytes, &size, &block, error))
    return FALSE;
  if (size > expected)
    {
      _gdci_compressor_set_damaged (error, "its Bitshuffle header says %" G_GUINT64_FORMAT
                                    " bytes, more than the %" G_GSIZE_FORMAT " bytes of a "
                                    "chunk", size, expected);
      return FALSE;
    }
  n_elements = (gsize) size / es;
  block = MIN (block, n_elements);
  block_bytes = (gsize) block * es;
  scratch = _gdci_compressor_get_scratch (compressor, 2 * block_bytes);
  if (scratch == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "out of memory for a Bitshuffle block");
      return FALSE;
    }
  while (done + 8 <= n_elements)
    {
      gsize this_block = MIN ((gsize) block, (n_elements - done) / 8 * 8);
      gsize took = decompress_block (compressor, src + pos, n_bytes - pos, scratch,
                                     this_block * es);

      if (took == 0)
        {
          _gdci_compressor_set_damaged (error, "its Bitshuffle block at element %"
                                        G_GSIZE_FORMAT " is damaged or truncated", done);
          return FALSE;
        }
      _gdci_bitunshuffle_block (scratch, dst + done * es, this_block, es, scratch + block_bytes);
      pos += took;
      done += this_block;
    }
  if (n_bytes - pos != (n_elements - done) * es)
    {
      _gdci_compressor_set_damaged (error, "its Bitshuffle stream has %" G_GSIZE_FORMAT
                                    " bytes after its blocks where %" G_GSIZE_FORMAT
                                    " elements are left", n_bytes - pos, n_elements - done);
      return FALSE;
    }
  if (n_bytes > pos)
    memcpy (dst + done * es, src + pos, n_bytes - pos);
  *n_made = (gsize) size;
  return TRUE;
}

static void
free_bitshuffle (GdciCompressor *compressor)
{
  if (compressor->settings.bitshuffle_inner == GDCI_BITSHUFFLE_INNER_ZSTD)
    ZSTD_freeCCtx (compressor->encoder);
  else
    g_free (compressor->encoder);
  ZSTD_freeDCtx (compressor->decoder);
}

const GdciCompressorClass _gdci_compressor_bitshuffle_class = {
  .check = check_bitshuffle,
  .bound = bitshuffle_bound,
  .scratch = bitshuffle_scratch,
  .compress = bitshuffle_compress,
  .decompress = bitshuffle_decompress,
  .decoded_size = bitshuffle_size,
  .free_state = free_bitshuffle,
};
