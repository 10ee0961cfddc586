/* gdci-codec.c: HDF5's filter pipeline, applied to a chunk outside HDF5
 *
 * The bytes made here are written with H5Dwrite_chunk(), so they must be
 * what HDF5's own filters would have stored: the shuffle filter's byte
 * planes, then the compressor's stream (HDF5's deflate filter, or one of
 * hdf5plugin's: gdci-compressor.c), then the Fletcher-32 checksum of
 * everything before it, as a little-endian 32-bit number.
 *
 * The decoders that undo the same filters are in gdci-decoder.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gdci-codec-private.h"
#include "gdci-compressor-impl-private.h"
#include "gdci-error.h"
#include "gdci-copy-private.h"
#include "gdci-memory-private.h"
#include "gdci-selection.h"

/* The low and high bytes of @n consecutive 2-byte elements into two planes:
 * the shuffle of int16 recordings, the most common case, 16 at a time. */
#if defined(__SSE2__)
/* 16 elements: their low bytes to @lo, their high bytes to @hi */
static inline void
split_16 (const guint8 *src,
          guint8       *lo,
          guint8       *hi)
{
  const __m128i mask = _mm_set1_epi16 (0x00ff);
  __m128i a = _mm_loadu_si128 ((const __m128i *) (const void *) src);
  __m128i b = _mm_loadu_si128 ((const __m128i *) (const void *) (src + 16));

  _mm_storeu_si128 ((__m128i *) (void *) lo,
                    _mm_packus_epi16 (_mm_and_si128 (a, mask), _mm_and_si128 (b, mask)));
  _mm_storeu_si128 ((__m128i *) (void *) hi,
                    _mm_packus_epi16 (_mm_srli_epi16 (a, 8), _mm_srli_epi16 (b, 8)));
}
#endif

/* The low and high bytes of @n consecutive 2-byte elements into two planes:
 * the shuffle of int16 recordings, the most common case, 16 at a time. */
static inline void
split_bytes_2 (const guint8 *src,
               guint8       *lo,
               guint8       *hi,
               gsize         n)
{
  gsize i = 0;

#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16)
    split_16 (src + 2 * i, lo + i, hi + i);
  /* the last few again, overlapping: faster than one at a time */
  if (i < n && n >= 16)
    {
      split_16 (src + 2 * (n - 16), lo + n - 16, hi + n - 16);
      return;
    }
#endif
  for (; i < n; i++)
    {
      lo[i] = src[2 * i];
      hi[i] = src[2 * i + 1];
    }
}

/* HDF5's shuffle filter: all first bytes of the elements, then all second
 * bytes, and so on. */
void
_gdci_shuffle (const guint8 *src,
               guint8       *dst,
               gsize         n_elements,
               gsize         itemsize)
{
  switch (itemsize)
    {
    case 1:
      memcpy (dst, src, n_elements);
      break;
    case 2:
      split_bytes_2 (src, dst, dst + n_elements, n_elements);
      break;
    case 4:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < 4; b++)
          dst[b * n_elements + i] = src[4 * i + b];
      break;
    case 8:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < 8; b++)
          dst[b * n_elements + i] = src[8 * i + b];
      break;
    default:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < itemsize; b++)
          dst[b * n_elements + i] = src[itemsize * i + b];
      break;
    }
}

/* HDF5's Fletcher-32: over big-endian 16-bit words, both sums starting at
 * zero, folded before they can overflow; an odd last byte counts as the
 * high byte of a word. */
guint32
_gdci_fletcher32 (const guint8 *data,
                  gsize         n_bytes)
{
  guint32 sum1 = 0, sum2 = 0;
  gsize words = n_bytes / 2;

  while (words > 0)
    {
      /* 360 words at most between folds keep both sums in 32 bits */
      gsize block = MIN (words, 360);

      words -= block;
      for (gsize i = 0; i < block; i++)
        {
          sum1 += ((guint32) data[0] << 8) | data[1];
          sum2 += sum1;
          data += 2;
        }
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  if (n_bytes % 2 != 0)
    {
      sum1 += (guint32) data[0] << 8;
      sum2 += sum1;
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return (sum2 << 16) | sum1;
}

struct _GdciCodec
{
  GdciCodecSettings settings;
  GdciCompressor *compressor;
  /* one chunk, shuffled or gathered (or both at once): a chunk that is
   * not contiguous, or at the data's edges, is shuffled straight in */
  guint8 *staging;
  guint8 *compressed;        /* its worst case, and the checksum */
  gsize compressed_bound;
};

/* The most a chunk of @settings takes filtered, G_MAXUINT64 on overflow */
static guint64
filtered_bound (const GdciCodecSettings *settings)
{
  guint64 bound = settings->chunk_bytes;

  if (settings->compressor.kind != GDCI_COMPRESSOR_NONE)
    bound = _gdci_compressor_settings_bound (&settings->compressor, bound);
  return bound > G_MAXUINT64 - 4 ? G_MAXUINT64 : bound + 4;   /* and the checksum */
}

/* Whether the chunk is written anew: compressed or checksummed */
static gboolean
rewrites (const GdciCodecSettings *settings)
{
  return settings->compressor.kind != GDCI_COMPRESSOR_NONE || settings->fletcher32;
}

GdciCodec *
_gdci_codec_new (const GdciCodecSettings  *settings,
                 GError                  **error)
{
  g_autoptr(GdciCodec) codec = g_new0 (GdciCodec, 1);
  gsize chunk_bytes = settings->chunk_bytes;
  guint64 bound = filtered_bound (settings);

  codec->settings = *settings;
  if (settings->compressor.kind != GDCI_COMPRESSOR_NONE)
    {
      GdciCompressorSettings compressor = settings->compressor;

      /* the compressor is given whole chunks, shuffled or not */
      compressor.chunk_bytes = chunk_bytes;
      if (compressor.itemsize == 0)
        compressor.itemsize = settings->itemsize;
      codec->settings.compressor = compressor;
      codec->compressor = _gdci_compressor_new (&compressor, error);
      if (codec->compressor == NULL)
        return NULL;
    }
  if (bound > G_MAXSIZE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "Compressed chunks of %" G_GSIZE_FORMAT " bytes do not fit in memory",
                   chunk_bytes);
      return NULL;
    }
  codec->compressed_bound = (gsize) bound;

  /* every chunk is shuffled; without the shuffle, the staging buffer is
   * made when the first chunk needs gathering */
  if (settings->shuffle && settings->itemsize > 1)
    codec->staging = _gdci_try_alloc_large (chunk_bytes);
  /* only compression and checksums write a chunk anew */
  if (rewrites (settings))
    codec->compressed = _gdci_try_alloc_large (codec->compressed_bound);
  if ((rewrites (settings) && codec->compressed == NULL) ||
      (settings->shuffle && settings->itemsize > 1 && codec->staging == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Out of memory for the compression of %" G_GSIZE_FORMAT
                   "-byte chunks", chunk_bytes);
      return NULL;
    }
  return g_steal_pointer (&codec);
}

guint64
_gdci_codec_scratch_bytes (const GdciCodecSettings *settings)
{
  GdciCompressorSettings compressor = settings->compressor;
  guint64 bytes = settings->chunk_bytes;   /* a staging chunk, for edge
                                            * chunks even without the shuffle */

  if (!rewrites (settings))
    return bytes;
  /* the compressed output, a little larger than a chunk at worst, and the
   * compressor's own state */
  compressor.chunk_bytes = settings->chunk_bytes;
  if (compressor.itemsize == 0)
    compressor.itemsize = settings->itemsize;
  bytes = _gdci_sat_add (bytes, filtered_bound (settings));
  if (compressor.kind != GDCI_COMPRESSOR_NONE)
    bytes = _gdci_sat_add (bytes, _gdci_compressor_scratch_bytes (&compressor));
  return bytes;
}

gsize
_gdci_codec_encoded_bound (GdciCodec *codec)
{
  return MAX (codec->compressed_bound, codec->settings.chunk_bytes);
}

void
_gdci_codec_fault_in (GdciCodec *codec)
{
  if (codec->staging != NULL)
    _gdci_fault_in (codec->staging, codec->settings.chunk_bytes);
  if (codec->compressed != NULL)
    _gdci_fault_in (codec->compressed, codec->compressed_bound);
}

void
_gdci_codec_free (GdciCodec *codec)
{
  if (codec == NULL)
    return;
  _gdci_compressor_free (codec->compressor);
  _gdci_free_large (codec->staging);
  _gdci_free_large (codec->compressed);
  g_free (codec);
}

/* Compression and checksum, after the chunk is contiguous and shuffled */
static const guint8 *
compress_and_sum (GdciCodec    *codec,
                  const guint8 *data,
                  gsize        *n_bytes)
{
  const GdciCodecSettings *s = &codec->settings;
  gsize size = s->chunk_bytes;

  if (codec->compressor != NULL)
    {
      size = _gdci_compressor_compress (codec->compressor, data, size,
                                        codec->compressed, codec->compressed_bound - 4);
      if (size == 0)
        return NULL;   /* the compressor failed: the bound is always enough */
      data = codec->compressed;
    }
  if (s->fletcher32)
    {
      guint32 sum = _gdci_fletcher32 (data, size);

      if (data != codec->compressed)
        {
          memcpy (codec->compressed, data, size);
          data = codec->compressed;
        }
      codec->compressed[size] = (guint8) sum;
      codec->compressed[size + 1] = (guint8) (sum >> 8);
      codec->compressed[size + 2] = (guint8) (sum >> 16);
      codec->compressed[size + 3] = (guint8) (sum >> 24);
      size += 4;
    }
  *n_bytes = size;
  return data;
}

const guint8 *
_gdci_codec_encode (GdciCodec     *codec,
                    const guint8  *chunk,
                    gsize         *n_bytes)
{
  const GdciCodecSettings *s = &codec->settings;

  if (s->shuffle && s->itemsize > 1)
    {
      _gdci_shuffle (chunk, codec->staging, s->chunk_bytes / s->itemsize, s->itemsize);
      chunk = codec->staging;
    }
  return compress_and_sum (codec, chunk, n_bytes);
}

/* Fills the whole chunk at @dst with the padding element of @s: zero
 * bytes (which shuffle to zeros), or the element, one byte plane each when
 * @shuffle lays the chunk out in planes */
static void
pad_chunk (const GdciCodecSettings *s,
           gboolean                 shuffle,
           guint8                  *dst)
{
  gsize n_elements = s->chunk_bytes / s->itemsize;
  gsize done;

  if (!s->pad_set)
    {
      memset (dst, 0, s->chunk_bytes);
      return;
    }
  if (shuffle)
    {
      for (gsize b = 0; b < s->itemsize; b++)
        memset (dst + b * n_elements, s->pad[b], n_elements);
      return;
    }
  if (n_elements == 0)
    return;
  /* one element, then doubled */
  memcpy (dst, s->pad, s->itemsize);
  for (done = s->itemsize; done < s->chunk_bytes; done *= 2)
    memcpy (dst + done, dst, MIN (done, s->chunk_bytes - done));
}

/* The shuffle filter's byte planes of a chunk of @chunk_shape, gathered
 * straight from a strided box of @extent at its origin; the rest of the
 * planes is left as it is. */
static void
gather_shuffle (const guint8  *src,
                const gint64  *src_strides,
                const guint64 *extent,
                const guint64 *chunk_shape,
                guint          n_dims,
                gsize          itemsize,
                guint8        *dst,
                gsize          n_elements)
{
  guint64 index[GDCI_MAX_DIMS] = { 0 };
  guint64 dst_strides[GDCI_MAX_DIMS];   /* in elements of the chunk */
  guint last = n_dims - 1;
  gint64 step = src_strides[last];
  guint64 run = extent[last];
  gsize row = 0;                        /* the chunk element of a row's start */
  int axis;

  dst_strides[last] = 1;
  for (guint i = last; i-- > 0;)
    dst_strides[i] = dst_strides[i + 1] * chunk_shape[i + 1];

  for (;;)
    {
      const guint8 *p = src;
      gsize e = row;

      switch (itemsize)
        {
        case 2:
          if (step == 2)
            split_bytes_2 (p, dst + e, dst + n_elements + e, run);
          else
            for (guint64 k = 0; k < run; k++, e++, p += step)
              {
                dst[e] = p[0];
                dst[n_elements + e] = p[1];
              }
          break;
        case 4:
          for (guint64 k = 0; k < run; k++, e++, p += step)
            {
              dst[e] = p[0];
              dst[n_elements + e] = p[1];
              dst[2 * n_elements + e] = p[2];
              dst[3 * n_elements + e] = p[3];
            }
          break;
        default:
          for (guint64 k = 0; k < run; k++, e++, p += step)
            for (gsize b = 0; b < itemsize; b++)
              dst[b * n_elements + e] = p[b];
          break;
        }

      for (axis = (int) last - 1; axis >= 0; axis--)
        {
          if (++index[axis] < extent[axis])
            {
              src += src_strides[axis];
              row += dst_strides[axis];
              break;
            }
          src -= src_strides[axis] * (gint64) (extent[axis] - 1);
          row -= dst_strides[axis] * (extent[axis] - 1);
          index[axis] = 0;
        }
      if (axis < 0)
        return;
    }
}

const guint8 *
_gdci_codec_encode_box (GdciCodec        *codec,
                        guint             n_dims,
                        const guint64    *chunk_shape,
                        const guint64    *extent,
                        const guint8     *src,
                        const gint64     *src_strides,
                        gsize            *n_bytes)
{
  const GdciCodecSettings *s = &codec->settings;
  gint64 chunk_strides[GDCI_MAX_DIMS];
  gboolean full = TRUE;
  gboolean contiguous = TRUE;
  gboolean shuffle = s->shuffle && s->itemsize > 1;

  _gdci_c_strides (chunk_shape, n_dims, s->itemsize, chunk_strides);
  for (guint i = 0; i < n_dims; i++)
    {
      if (extent[i] != chunk_shape[i])
        full = FALSE;
      /* a stride that is never stepped does not matter */
      if (extent[i] > 1 && src_strides[i] != chunk_strides[i])
        contiguous = FALSE;
    }

  if (full && contiguous)
    return _gdci_codec_encode (codec, src, n_bytes);

  /* the rest: a partial chunk at the data's edges or a strided one, laid
   * out as a whole chunk, padded where there is no data */
  if (codec->staging == NULL)
    {
      codec->staging = _gdci_try_alloc_large (s->chunk_bytes);
      if (codec->staging == NULL)
        return NULL;
    }
  if (!full)
    pad_chunk (s, shuffle, codec->staging);
  if (shuffle)
    gather_shuffle (src, src_strides, extent, chunk_shape, n_dims, s->itemsize,
                    codec->staging, s->chunk_bytes / s->itemsize);
  else
    _gdci_copy_box (n_dims, extent, s->itemsize, src, src_strides,
                    codec->staging, chunk_strides);
  return compress_and_sum (codec, codec->staging, n_bytes);
}
