/* gdci-compressor.c: the compression filters of HDF5 datasets, by kind
 *
 * Each family (gdci-compressor-deflate.c, -zstd.c, -lz4.c, -blosc.c,
 * -bitshuffle.c) gives a GdciCompressorClass; this file picks it, and
 * knows the filters' ids and cd_values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>

#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"
#include "gdci-memory-private.h"

/* hdf5plugin's ids of the filters */
#define FILTER_ZSTD 32015
#define FILTER_LZ4 32004
#define FILTER_BLOSC 32001
#define FILTER_BITSHUFFLE 32008

/* What hdf5-blosc's set_local writes in cd_values[0] and [1]: the
 * filter's revision and Blosc's format version */
#define BLOSC_FILTER_VERSION 2
#define BLOSC_FORMAT_VERSION 2
/* and Bitshuffle's: the version of bitshuffle that hdf5plugin builds */
#define BITSHUFFLE_VERSION_MAJOR 0
#define BITSHUFFLE_VERSION_MINOR 4

static const GdciCompressorClass *
class_of (GdciCompressorKind kind)
{
  switch (kind)
    {
    case GDCI_COMPRESSOR_DEFLATE: return &_gdci_compressor_deflate_class;
    case GDCI_COMPRESSOR_DEFLATE_FAST: return &_gdci_compressor_deflate_fast_class;
    case GDCI_COMPRESSOR_ZSTD: return &_gdci_compressor_zstd_class;
    case GDCI_COMPRESSOR_LZ4: return &_gdci_compressor_lz4_class;
    case GDCI_COMPRESSOR_BLOSC: return &_gdci_compressor_blosc_class;
    case GDCI_COMPRESSOR_BITSHUFFLE: return &_gdci_compressor_bitshuffle_class;
    case GDCI_COMPRESSOR_NONE:
    default:
      return NULL;
    }
}

H5Z_filter_t
_gdci_compressor_filter_id (GdciCompressorKind kind)
{
  switch (kind)
    {
    case GDCI_COMPRESSOR_DEFLATE:
    case GDCI_COMPRESSOR_DEFLATE_FAST: return H5Z_FILTER_DEFLATE;
    case GDCI_COMPRESSOR_ZSTD: return FILTER_ZSTD;
    case GDCI_COMPRESSOR_LZ4: return FILTER_LZ4;
    case GDCI_COMPRESSOR_BLOSC: return FILTER_BLOSC;
    case GDCI_COMPRESSOR_BITSHUFFLE: return FILTER_BITSHUFFLE;
    case GDCI_COMPRESSOR_NONE:
    default:
      return 0;
    }
}

const char *
_gdci_compressor_filter_name (GdciCompressorKind kind)
{
  switch (kind)
    {
    case GDCI_COMPRESSOR_DEFLATE:
    case GDCI_COMPRESSOR_DEFLATE_FAST: return "deflate";
    case GDCI_COMPRESSOR_ZSTD: return "zstd";
    case GDCI_COMPRESSOR_LZ4: return "lz4";
    case GDCI_COMPRESSOR_BLOSC: return "blosc";
    case GDCI_COMPRESSOR_BITSHUFFLE: return "bitshuffle";
    case GDCI_COMPRESSOR_NONE:
    default:
      return NULL;
    }
}

/* The names of other filters a source dataset may have, for the error */
static const char *
other_filter_name (H5Z_filter_t id)
{
  switch (id)
    {
    case H5Z_FILTER_SHUFFLE: return "shuffle";
    case H5Z_FILTER_FLETCHER32: return "fletcher32";
    case H5Z_FILTER_SZIP: return "szip";
    case H5Z_FILTER_NBIT: return "nbit";
    case H5Z_FILTER_SCALEOFFSET: return "scaleoffset";
    case 307: return "bzip2";
    case 32000: return "lzf";
    case 32013: return "zfp";
    case 32017: return "sz";
    case 32018: return "fcidecomp";
    case 32024: return "sz3";
    case 32026: return "blosc2";
    case 32028: return "sperr";
    default: return "unknown";
    }
}

/* Blosc's typesize: hdf5-blosc gives items of more than 255 bytes as 1 */
static unsigned int
blosc_typesize (gsize itemsize)
{
  return itemsize > 255 || itemsize == 0 ? 1 : (unsigned int) itemsize;
}

/* As each filter's set_local leaves them (hdf5plugin's filters):
 * - deflate (HDF5's own): the level;
 * - zstd (HDF5Plugin-Zstandard, no set_local): what hdf5plugin.Zstd gives,
 *   the level (checked against the source: hdf5plugin here cannot write
 *   zstd);
 * - LZ4 (H5Zlz4.c, no set_local): the block size in bytes, 0 for its
 *   default of 1 GiB;
 * - Blosc (hdf5-blosc's blosc_set_local): filter revision 2, format 2, the
 *   typesize, the chunk's bytes, level, shuffle and compressor;
 * - Bitshuffle (bshuf_h5_set_local): version 0.4 as hdf5plugin builds it,
 *   the element size, then what hdf5plugin.Bitshuffle gives: the block's
 *   elements (0: the default), the compression, and zstd's level (checked
 *   against the source: hdf5plugin here cannot write Bitshuffle). */
guint
_gdci_compressor_cd_values (const GdciCompressorSettings *settings,
                            unsigned int                 *cd_values)
{
  switch (settings->kind)
    {
    case GDCI_COMPRESSOR_DEFLATE:
    case GDCI_COMPRESSOR_DEFLATE_FAST:
    case GDCI_COMPRESSOR_ZSTD:
      cd_values[0] = (unsigned int) settings->level;
      return 1;
    case GDCI_COMPRESSOR_LZ4:
      cd_values[0] = settings->block_elements;
      return 1;
    case GDCI_COMPRESSOR_BLOSC:
      cd_values[0] = BLOSC_FILTER_VERSION;
      cd_values[1] = BLOSC_FORMAT_VERSION;
      cd_values[2] = blosc_typesize (settings->itemsize);
      cd_values[3] = (unsigned int) MIN (settings->chunk_bytes, G_MAXUINT);
      cd_values[4] = (unsigned int) settings->level;
      cd_values[5] = (unsigned int) settings->blosc_shuffle;
      cd_values[6] = (unsigned int) settings->blosc_inner;
      return 7;
    case GDCI_COMPRESSOR_BITSHUFFLE:
      cd_values[0] = BITSHUFFLE_VERSION_MAJOR;
      cd_values[1] = BITSHUFFLE_VERSION_MINOR;
      cd_values[2] = (unsigned int) MIN (settings->itemsize, G_MAXUINT);
      cd_values[3] = settings->block_elements;
      cd_values[4] = (unsigned int) settings->bitshuffle_inner;
      if (settings->bitshuffle_inner != GDCI_BITSHUFFLE_INNER_ZSTD)
        return 5;
      cd_values[5] = (unsigned int) settings->level;
      return 6;
    case GDCI_COMPRESSOR_NONE:
    default:
      return 0;
    }
}

/* cd_values[@i], or @fallback when there are not so many */
static unsigned int
cd_or (const unsigned int *cd_values,
       gsize               n_cd_values,
       gsize               i,
       unsigned int        fallback)
{
  return i < n_cd_values ? cd_values[i] : fallback;
}

static gboolean
blosc_settings (const unsigned int     *cd,
                gsize                   n,
                gsize                   itemsize,
                GdciCompressorSettings *s)
{
  unsigned int inner = cd_or (cd, n, 6, GDCI_BLOSC_INNER_BLOSCLZ);

  s->kind = GDCI_COMPRESSOR_BLOSC;
  s->itemsize = cd_or (cd, n, 2, 0) != 0 ? cd[2] : blosc_typesize (itemsize);
  s->level = (int) MIN (cd_or (cd, n, 4, 5), 9);
  s->blosc_shuffle = (int) MIN (cd_or (cd, n, 5, 1), 2);
  /* each chunk's header tells its decoder which compressor made it: the
   * one in cd_values is only for the compression */
  s->blosc_inner = inner <= GDCI_BLOSC_INNER_ZSTD ? (GdciBloscInner) inner
                                                  : GDCI_BLOSC_INNER_BLOSCLZ;
  return TRUE;
}

static gboolean
bitshuffle_settings (const unsigned int      *cd,
                     gsize                    n,
                     GdciCompressorSettings  *s,
                     GError                 **error)
{
  unsigned int inner = cd_or (cd, n, 4, GDCI_BITSHUFFLE_INNER_NONE);

  if (n < 3 || cd[2] == 0 || cd_or (cd, n, 3, 0) % 8 != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The Bitshuffle filter's parameters make no sense (%s)",
                   n < 3 || cd[2] == 0 ? "no element size" : "a block not of 8 elements");
      return FALSE;
    }
  s->kind = GDCI_COMPRESSOR_BITSHUFFLE;
  s->itemsize = cd[2];
  s->block_elements = cd_or (cd, n, 3, 0);
  /* like bitshuffle's filter, any other number is no compression */
  s->bitshuffle_inner = inner == GDCI_BITSHUFFLE_INNER_LZ4 || inner == GDCI_BITSHUFFLE_INNER_ZSTD
                        ? (GdciBitshuffleInner) inner : GDCI_BITSHUFFLE_INNER_NONE;
  s->level = (int) CLAMP (cd_or (cd, n, 5, 3), 1, 22);
  return TRUE;
}

gboolean
_gdci_compressor_settings_for_filter (H5Z_filter_t            id,
                                      const unsigned int     *cd_values,
                                      gsize                   n_cd_values,
                                      gsize                   itemsize,
                                      gsize                   chunk_bytes,
                                      GdciCompressorSettings *settings,
                                      GError                **error)
{
  GdciCompressorSettings s = { .itemsize = itemsize, .chunk_bytes = chunk_bytes };

  switch (id)
    {
    case H5Z_FILTER_DEFLATE:
      /* the level only matters to the compression */
      s.kind = GDCI_COMPRESSOR_DEFLATE;
      s.level = (int) CLAMP (cd_or (cd_values, n_cd_values, 0, 6), 1, 9);
      break;
    case FILTER_ZSTD:
      /* the filter takes any level, in zstd's range */
      s.kind = GDCI_COMPRESSOR_ZSTD;
      s.level = (int) CLAMP (cd_or (cd_values, n_cd_values, 0, 3), 1, 22);
      break;
    case FILTER_LZ4:
      s.kind = GDCI_COMPRESSOR_LZ4;
      s.block_elements = cd_or (cd_values, n_cd_values, 0, 0);
      break;
    case FILTER_BLOSC:
      blosc_settings (cd_values, n_cd_values, itemsize, &s);
      break;
    case FILTER_BITSHUFFLE:
      if (!bitshuffle_settings (cd_values, n_cd_values, &s, error))
        return FALSE;
      break;
    default:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "gdci cannot decode HDF5 filter %d (%s)", (int) id,
                   other_filter_name (id));
      return FALSE;
    }
  *settings = s;
  return TRUE;
}

/* ---- one compressor ----------------------------------------------------- */

void
_gdci_compressor_set_damaged (GError     **error,
                              const char  *format,
                              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA, message);
}

guint8 *
_gdci_compressor_get_scratch (GdciCompressor *compressor,
                              gsize           size)
{
  if (compressor->scratch == NULL || compressor->scratch_size < size)
    {
      _gdci_free_large (compressor->scratch);
      compressor->scratch = _gdci_try_alloc_large (MAX (size, 1));
      compressor->scratch_size = compressor->scratch != NULL ? size : 0;
    }
  return compressor->scratch;
}

GdciCompressor *
_gdci_compressor_new (const GdciCompressorSettings  *settings,
                      GError                       **error)
{
  const GdciCompressorClass *klass = class_of (settings->kind);
  GdciCompressor *compressor;

  if (klass == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "No compressor of kind %d", (int) settings->kind);
      return NULL;
    }
  if (!klass->check (settings, error))
    return NULL;
  compressor = g_new0 (GdciCompressor, 1);
  compressor->settings = *settings;
  compressor->klass = klass;
  return compressor;
}

void
_gdci_compressor_free (GdciCompressor *compressor)
{
  if (compressor == NULL)
    return;
  compressor->klass->free_state (compressor);
  _gdci_free_large (compressor->scratch);
  g_free (compressor);
}

guint64
_gdci_compressor_settings_bound (const GdciCompressorSettings *settings,
                                 guint64                       n_bytes)
{
  const GdciCompressorClass *klass = class_of (settings->kind);

  return klass != NULL ? klass->bound (settings, n_bytes) : n_bytes;
}

guint64
_gdci_compressor_bound (const GdciCompressor *compressor,
                        guint64               n_bytes)
{
  return compressor->klass->bound (&compressor->settings, n_bytes);
}

guint64
_gdci_compressor_scratch_bytes (const GdciCompressorSettings *settings)
{
  const GdciCompressorClass *klass = class_of (settings->kind);

  return klass != NULL ? klass->scratch (settings) : 0;
}

gsize
_gdci_compressor_compress (GdciCompressor *compressor,
                           const guint8   *src,
                           gsize           n_bytes,
                           guint8         *dst,
                           gsize           capacity)
{
  if (capacity < _gdci_compressor_bound (compressor, n_bytes))
    return 0;
  return compressor->klass->compress (compressor, src, n_bytes, dst, capacity);
}

gboolean
_gdci_compressor_decompress (GdciCompressor  *compressor,
                             const guint8    *src,
                             gsize            n_bytes,
                             guint8          *dst,
                             gsize            expected,
                             gsize           *n_made,
                             GError         **error)
{
  *n_made = 0;
  return compressor->klass->decompress (compressor, src, n_bytes, dst, expected, n_made,
                                        error);
}

gboolean
_gdci_compressor_decoded_size (const GdciCompressorSettings  *settings,
                               const guint8                  *src,
                               gsize                          n_bytes,
                               guint64                       *size,
                               GError                       **error)
{
  const GdciCompressorClass *klass = class_of (settings->kind);

  if (klass == NULL || klass->decoded_size == NULL)
    {
      _gdci_compressor_set_damaged (error, "a %s stream does not say its size",
                                    klass != NULL ? _gdci_compressor_filter_name (settings->kind)
                                                  : "raw");
      return FALSE;
    }
  return klass->decoded_size (settings, src, n_bytes, size, error);
}
