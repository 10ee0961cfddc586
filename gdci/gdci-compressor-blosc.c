/* gdci-compressor-blosc.c: the Blosc filter (32001) of hdf5-blosc, each
 * chunk one Blosc 1 buffer made by libblosc with the level, shuffle and
 * inner compressor of cd_values[4..6] and the typesize of cd_values[2]
 * (1 for items of more than 255 bytes, as hdf5-blosc gives them)
 *
 * blosc_compress_ctx()/blosc_decompress_ctx() with one thread: no global
 * state, so any number of threads compress at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <blosc.h>

#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"

static const char *
inner_name (GdciBloscInner inner)
{
  switch (inner)
    {
    case GDCI_BLOSC_INNER_BLOSCLZ: return BLOSC_BLOSCLZ_COMPNAME;
    case GDCI_BLOSC_INNER_LZ4: return BLOSC_LZ4_COMPNAME;
    case GDCI_BLOSC_INNER_LZ4HC: return BLOSC_LZ4HC_COMPNAME;
    case GDCI_BLOSC_INNER_SNAPPY: return BLOSC_SNAPPY_COMPNAME;
    case GDCI_BLOSC_INNER_ZLIB: return BLOSC_ZLIB_COMPNAME;
    case GDCI_BLOSC_INNER_ZSTD: return BLOSC_ZSTD_COMPNAME;
    default: return NULL;
    }
}

static size_t
typesize_of (const GdciCompressorSettings *settings)
{
  return settings->itemsize > BLOSC_MAX_TYPESIZE || settings->itemsize == 0
         ? 1 : settings->itemsize;
}

static gboolean
check_blosc (const GdciCompressorSettings  *settings,
             GError                       **error)
{
  const char *name = inner_name (settings->blosc_inner);

  if (settings->level < 0 || settings->level > 9)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                 "The Blosc level must be from 0 to 9, not %d", settings->level);
  else if (settings->blosc_shuffle < 0 || settings->blosc_shuffle > 2)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                 "Blosc's shuffle must be 0 (none), 1 (bytes) or 2 (bits), not %d",
                 settings->blosc_shuffle);
  else if (name == NULL || blosc_compname_to_compcode (name) < 0)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                 "This Blosc has no compressor %d (it has %s)", (int) settings->blosc_inner,
                 blosc_list_compressors ());
  else if (settings->chunk_bytes > BLOSC_MAX_BUFFERSIZE)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                 "Blosc takes chunks of less than 2 GiB, not %" G_GSIZE_FORMAT " bytes",
                 settings->chunk_bytes);
  else
    return TRUE;
  return FALSE;
}

static guint64
blosc_bound (const GdciCompressorSettings *settings,
             guint64                       n)
{
  /* a buffer Blosc cannot make smaller is copied after its header */
  return _gdci_sat_add (n, BLOSC_MAX_OVERHEAD);
}

/* Blosc's blocks are at most 4 MiB (256 KiB split into up to 16 streams);
 * it holds three of them, and an inner compressor's state (zstd's
 * at its level 9 mapping, a few MB) */
static guint64
blosc_scratch (const GdciCompressorSettings *settings)
{
  guint64 block = MIN ((guint64) settings->chunk_bytes, 4u << 20);

  return 3 * block + (settings->blosc_inner == GDCI_BLOSC_INNER_ZSTD ? 16u << 20 : 1u << 20);
}

static gsize
compress_chunk (GdciCompressor *compressor,
                const guint8   *src,
                gsize           n_bytes,
                guint8         *dst,
                gsize           capacity)
{
  const GdciCompressorSettings *s = &compressor->settings;
  int made;

  if (n_bytes > BLOSC_MAX_BUFFERSIZE)
    return 0;
  made = blosc_compress_ctx (s->level, s->blosc_shuffle, typesize_of (s), n_bytes, src, dst,
                             MIN (capacity, (gsize) G_MAXINT32), inner_name (s->blosc_inner),
                             0, 1);
  return made > 0 ? (gsize) made : 0;
}

static gboolean
blosc_header (const guint8  *src,
              gsize          n_bytes,
              guint64       *size,
              GError       **error)
{
  size_t nbytes = 0, cbytes = 0, blocksize = 0;

  if (n_bytes < BLOSC_MIN_HEADER_LENGTH)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " bytes are too short for "
                                    "a Blosc header", n_bytes);
      return FALSE;
    }
  blosc_cbuffer_sizes (src, &nbytes, &cbytes, &blocksize);
  if (cbytes != n_bytes)
    {
      _gdci_compressor_set_damaged (error, "its Blosc header says %" G_GSIZE_FORMAT
                                    " stored bytes, not %" G_GSIZE_FORMAT,
                                    (gsize) cbytes, n_bytes);
      return FALSE;
    }
  if (blosc_cbuffer_validate (src, n_bytes, &nbytes) != 0)
    {
      _gdci_compressor_set_damaged (error, "its Blosc header is damaged");
      return FALSE;
    }
  *size = nbytes;
  return TRUE;
}

static gboolean
blosc_size (const GdciCompressorSettings  *settings,
            const guint8                  *src,
            gsize                          n_bytes,
            guint64                       *size,
            GError                       **error)
{
  return blosc_header (src, n_bytes, size, error);
}

static gboolean
decompress_chunk (GdciCompressor  *compressor,
                  const guint8    *src,
                  gsize            n_bytes,
                  guint8          *dst,
                  gsize            expected,
                  gsize           *n_made,
                  GError         **error)
{
  guint64 size;
  int made;

  if (!blosc_header (src, n_bytes, &size, error))
    return FALSE;
  if (size > expected)
    {
      _gdci_compressor_set_damaged (error, "its Blosc header says %" G_GUINT64_FORMAT " bytes, "
                                    "more than the %" G_GSIZE_FORMAT " bytes of a chunk",
                                    size, expected);
      return FALSE;
    }
  if (size == 0)
    return TRUE;
  made = blosc_decompress_ctx (src, dst, (size_t) size, 1);
  if (made < 0 || (guint64) made != size)
    {
      _gdci_compressor_set_damaged (error, "its %" G_GSIZE_FORMAT " Blosc bytes are damaged "
                                    "(Blosc's error %d)", n_bytes, made);
      return FALSE;
    }
  *n_made = (gsize) made;
  return TRUE;
}

static void
free_blosc (GdciCompressor *compressor)
{
}

const GdciCompressorClass _gdci_compressor_blosc_class = {
  .check = check_blosc,
  .bound = blosc_bound,
  .scratch = blosc_scratch,
  .compress = compress_chunk,
  .decompress = decompress_chunk,
  .decoded_size = blosc_size,
  .free_state = free_blosc,
};
