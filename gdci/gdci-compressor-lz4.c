/* gdci-compressor-lz4.c: the LZ4 filter (32004), in the chunk format of
 * H5Zlz4.c (hdf5plugin's, and Debian's hdf5-filter-plugin):
 *
 *   the chunk's size, 8 bytes, and the block size, 4 bytes, big-endian;
 *   then each block (the last may be shorter) as its stored size, 4 bytes
 *   big-endian, and its bytes: an LZ4 block, or the block itself when LZ4
 *   did not make it smaller (the stored size is then the block's).
 *
 * The block size is cd_values[0] bytes, or 1 GiB when it is 0, at most the
 * chunk's size. Like the filter, gdci compresses chunks of less than 2 GiB.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <lz4.h>
#include <string.h>

#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"

#define HEADER_BYTES 12
#define DEFAULT_BLOCK_BYTES ((gsize) 1 << 30)

static gsize
block_bytes (const GdciCompressorSettings *settings,
             guint64                       n_bytes)
{
  gsize block = settings->block_elements > 0 ? settings->block_elements : DEFAULT_BLOCK_BYTES;

  return (gsize) MAX (MIN (block, n_bytes), 1);
}

static gboolean
check_lz4 (const GdciCompressorSettings  *settings,
           GError                       **error)
{
  return TRUE;
}

/* Each block is stored as it is when LZ4 cannot make it smaller */
static guint64
lz4_bound (const GdciCompressorSettings *settings,
           guint64                       n)
{
  guint64 block = block_bytes (settings, n);
  guint64 n_blocks = n / block + (n % block != 0);

  return _gdci_sat_add (n, _gdci_sat_mul (n_blocks, 4) + HEADER_BYTES);
}

static guint64
lz4_scratch (const GdciCompressorSettings *settings)
{
  return (guint64) LZ4_sizeofState ();
}

static gsize
lz4_compress (GdciCompressor *compressor,
              const guint8   *src,
              gsize           n_bytes,
              guint8         *dst,
              gsize           capacity)
{
  gsize block = block_bytes (&compressor->settings, n_bytes), pos = HEADER_BYTES;

  if (n_bytes > G_MAXINT32)
    return 0;   /* as the filter: LZ4 takes less than 2 GiB */
  if (compressor->encoder == NULL)
    compressor->encoder = g_try_malloc (LZ4_sizeofState ());
  if (compressor->encoder == NULL)
    return 0;

  _gdci_write_be64 (dst, n_bytes);
  _gdci_write_be32 (dst + 8, (guint32) block);
  for (gsize done = 0; done < n_bytes;)
    {
      gsize this_block = MIN (block, n_bytes - done);
      /* a block LZ4 cannot make smaller is stored as it is: LZ4 stops
       * (and makes 0) when it would not fit in less */
      int made = LZ4_compress_fast_extState (compressor->encoder, (const char *) src + done,
                                             (char *) dst + pos + 4, (int) this_block,
                                             (int) this_block - 1, 1);

      if (made <= 0)
        {
          made = (int) this_block;
          memcpy (dst + pos + 4, src + done, this_block);
        }
      _gdci_write_be32 (dst + pos, (guint32) made);
      pos += 4 + (gsize) made;
      done += this_block;
    }
  return pos;
}

static gboolean
lz4_header (const guint8  *src,
            gsize          n_bytes,
            guint64       *size,
            guint64       *block,
            GError       **error)
{
  if (n_bytes < HEADER_BYTES)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are too short for "
                                    "an LZ4 chunk's header", n_bytes);
      return FALSE;
    }
  *size = _gdci_read_be64 (src);
  *block = MIN (_gdci_read_be32 (src + 8), *size);
  if (*block == 0 && *size > 0)
    {
      _gdci_compressor_set_damaged (error, "its LZ4 header says blocks of 0 bytes");
      return FALSE;
    }
  return TRUE;
}

static gboolean
lz4_size (const GdciCompressorSettings  *settings,
          const guint8                  *src,
          gsize                          n_bytes,
          guint64                       *size,
          GError                       **error)
{
  guint64 block;

  return lz4_header (src, n_bytes, size, &block, error);
}

static gboolean
lz4_decompress (GdciCompressor  *compressor,
                const guint8    *src,
                gsize            n_bytes,
                guint8          *dst,
                gsize            expected,
                gsize           *n_made,
                GError         **error)
{
  guint64 size, block;
  gsize pos = HEADER_BYTES;

  if (!lz4_header (src, n_bytes, &size, &block, error))
    return FALSE;
  if (size > expected)
    {
      _gdci_compressor_set_damaged (error, "its LZ4 header says %" G_GUINT64_FORMAT " bytes, "
                                    "more than the %" G_GSIZE_FORMAT " bytes of a chunk",
                                    size, expected);
      return FALSE;
    }
  for (gsize done = 0; done < size;)
    {
      gsize this_block = (gsize) MIN (block, size - done);
      guint32 stored;

      if (n_bytes - pos < 4 ||
          (stored = _gdci_read_be32 (src + pos), n_bytes - pos - 4 < stored))
        {
          _gdci_compressor_set_damaged (error, "its LZ4 stream is truncated after %"
                                        G_GSIZE_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                                        done, size);
          return FALSE;
        }
      pos += 4;
      if (stored == this_block)
        memcpy (dst + done, src + pos, this_block);
      else if (stored > this_block || this_block > LZ4_MAX_INPUT_SIZE ||
               LZ4_decompress_safe ((const char *) src + pos, (char *) dst + done, (int) stored,
                                    (int) this_block) != (int) this_block)
        {
          _gdci_compressor_set_damaged (error, "its LZ4 block at byte %" G_GSIZE_FORMAT
                                        " is damaged", done);
          return FALSE;
        }
      pos += stored;
      done += this_block;
    }
  if (pos != n_bytes)
    {
      _gdci_compressor_set_damaged (error, "its LZ4 stream ends %" G_GSIZE_FORMAT " bytes "
                                    "before its %" G_GSIZE_FORMAT " stored bytes",
                                    n_bytes - pos, n_bytes);
      return FALSE;
    }
  *n_made = (gsize) size;
  return TRUE;
}

static void
free_lz4 (GdciCompressor *compressor)
{
  g_free (compressor->encoder);
}

const GdciCompressorClass _gdci_compressor_lz4_class = {
  .check = check_lz4,
  .bound = lz4_bound,
  .scratch = lz4_scratch,
  .compress = lz4_compress,
  .decompress = lz4_decompress,
  .decoded_size = lz4_size,
  .free_state = free_lz4,
};
