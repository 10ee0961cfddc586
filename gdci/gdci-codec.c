/* gdci-codec.c: HDF5's filter pipeline, applied to a chunk outside HDF5
 *
 * The bytes made here are written with H5Dwrite_chunk(), so they must be
 * what HDF5's own filters would have stored: the shuffle filter's byte
 * planes, then a zlib stream (HDF5's deflate filter), then the Fletcher-32
 * checksum of everything before it, as a little-endian 32-bit number.
 *
 * The decoders undo the same filters for the HDF5 source, which reads a
 * chunked dataset's stored chunks with H5Dread_chunk() and checks every
 * size before it is used.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libdeflate.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gdci-codec-private.h"
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
  struct libdeflate_compressor *compressor;
  /* one chunk, shuffled or gathered (or both at once): a chunk that is
   * not contiguous, or at the data's edges, is shuffled straight in */
  guint8 *staging;
  guint8 *compressed;        /* its worst case, and the checksum */
  gsize compressed_bound;
};

GdciCodec *
_gdci_codec_new (const GdciCodecSettings  *settings,
                 GError                  **error)
{
  g_autoptr(GdciCodec) codec = g_new0 (GdciCodec, 1);
  gsize chunk_bytes = settings->chunk_bytes;

  codec->settings = *settings;
  if (settings->compressor.kind == GDCI_COMPRESSOR_DEFLATE)
    {
      codec->compressor = libdeflate_alloc_compressor (settings->compressor.level);
      if (codec->compressor == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Could not set up gzip compression at level %d",
                       settings->compressor.level);
          return NULL;
        }
      codec->compressed_bound = libdeflate_zlib_compress_bound (codec->compressor,
                                                               chunk_bytes);
    }
  else
    codec->compressed_bound = chunk_bytes;
  codec->compressed_bound += 4;   /* room for the checksum */

  /* every chunk is shuffled; without the shuffle, the staging buffer is
   * made when the first chunk needs gathering */
  if (settings->shuffle && settings->itemsize > 1)
    codec->staging = _gdci_try_alloc_large (chunk_bytes);
  /* only compression and checksums write a chunk anew */
  if (settings->compressor.kind == GDCI_COMPRESSOR_DEFLATE || settings->fletcher32)
    codec->compressed = _gdci_try_alloc_large (codec->compressed_bound);
  if (((settings->compressor.kind == GDCI_COMPRESSOR_DEFLATE || settings->fletcher32) && codec->compressed == NULL) ||
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
  gboolean rewrites = settings->compressor.kind == GDCI_COMPRESSOR_DEFLATE || settings->fletcher32;

  /* a staging chunk (for edge chunks even without the shuffle), and the
   * compressed output, a little larger than a chunk at worst */
  return (guint64) settings->chunk_bytes * (rewrites ? 2 : 1);
}

void
_gdci_codec_free (GdciCodec *codec)
{
  if (codec == NULL)
    return;
  if (codec->compressor != NULL)
    libdeflate_free_compressor (codec->compressor);
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
      size = libdeflate_zlib_compress (codec->compressor, data, size,
                                       codec->compressed, codec->compressed_bound - 4);
      if (size == 0)
        return NULL;   /* cannot happen: the bound is always enough */
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
   * out as a whole chunk, zero where there is no data (zeros shuffle to
   * zeros) */
  if (codec->staging == NULL)
    {
      codec->staging = _gdci_try_alloc_large (s->chunk_bytes);
      if (codec->staging == NULL)
        return NULL;
    }
  if (!full)
    memset (codec->staging, 0, s->chunk_bytes);
  if (shuffle)
    gather_shuffle (src, src_strides, extent, chunk_shape, n_dims, s->itemsize,
                    codec->staging, s->chunk_bytes / s->itemsize);
  else
    _gdci_copy_box (n_dims, extent, s->itemsize, src, src_strides,
                    codec->staging, chunk_strides);
  return compress_and_sum (codec, codec->staging, n_bytes);
}

/* ---- decoding ---------------------------------------------------------- */

void
_gdci_unshuffle (const guint8 *src,
                 guint8       *dst,
                 gsize         n_bytes,
                 gsize         itemsize)
{
  gsize n_elements = itemsize > 0 ? n_bytes / itemsize : 0;
  gsize whole = n_elements * itemsize;

  if (itemsize <= 1 || n_elements == 0)
    {
      memcpy (dst, src, n_bytes);
      return;
    }
  switch (itemsize)
    {
    case 2:
      for (gsize i = 0; i < n_elements; i++)
        {
          dst[2 * i] = src[i];
          dst[2 * i + 1] = src[n_elements + i];
        }
      break;
    case 4:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < 4; b++)
          dst[4 * i + b] = src[b * n_elements + i];
      break;
    default:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < itemsize; b++)
          dst[itemsize * i + b] = src[b * n_elements + i];
      break;
    }
  memcpy (dst + whole, src + whole, n_bytes - whole);
}

void
_gdci_byte_swap (guint8 *data,
                 gsize   n_elements,
                 gsize   itemsize)
{
  switch (itemsize)
    {
    case 1:
      break;
    case 2:
      for (gsize i = 0; i < n_elements; i++)
        {
          guint16 v;
          memcpy (&v, data + 2 * i, 2);
          v = GUINT16_SWAP_LE_BE (v);
          memcpy (data + 2 * i, &v, 2);
        }
      break;
    case 4:
      for (gsize i = 0; i < n_elements; i++)
        {
          guint32 v;
          memcpy (&v, data + 4 * i, 4);
          v = GUINT32_SWAP_LE_BE (v);
          memcpy (data + 4 * i, &v, 4);
        }
      break;
    case 8:
      for (gsize i = 0; i < n_elements; i++)
        {
          guint64 v;
          memcpy (&v, data + 8 * i, 8);
          v = GUINT64_SWAP_LE_BE (v);
          memcpy (data + 8 * i, &v, 8);
        }
      break;
    default:
      for (gsize i = 0; i < n_elements; i++)
        for (gsize b = 0; b < itemsize / 2; b++)
          {
            guint8 t = data[itemsize * i + b];
            data[itemsize * i + b] = data[itemsize * i + itemsize - 1 - b];
            data[itemsize * i + itemsize - 1 - b] = t;
          }
      break;
    }
}

struct _GdciDecoder
{
  GdciDecoderSettings settings;
  struct libdeflate_decompressor *decompressor;
  guint8 *input;
  guint64 input_bytes;
  guint8 *scratch[2];        /* the stages, in turn */
  gsize scratch_bytes;       /* a chunk and its checksums */
};

/* A zlib stream of @n bytes takes at most this much: zlib's own bound,
 * libdeflate's, and room to spare */
static guint64
deflate_bound (guint64 n)
{
  return n + n / 16 + 64;
}

guint64
_gdci_decoder_stored_bound (const GdciDecoder *decoder,
                            guint32            filter_mask)
{
  const GdciDecoderSettings *s = &decoder->settings;
  guint64 size = s->chunk_bytes;

  for (guint i = 0; i < s->n_filters; i++)
    {
      if (filter_mask & (1u << i))
        continue;
      if (s->filters[i] == GDCI_FILTER_FLETCHER32)
        size += 4;
      else if (s->filters[i] == GDCI_FILTER_DEFLATE)
        size = deflate_bound (size);
    }
  return size;
}

GdciDecoder *
_gdci_decoder_new (const GdciDecoderSettings  *settings,
                   GError                    **error)
{
  g_autoptr(GdciDecoder) decoder = g_new0 (GdciDecoder, 1);
  guint64 scratch = settings->chunk_bytes;

  g_return_val_if_fail (settings->n_filters <= GDCI_DECODER_MAX_FILTERS, NULL);

  decoder->settings = *settings;
  for (guint i = 0; i < settings->n_filters; i++)
    {
      if (settings->filters[i] == GDCI_FILTER_FLETCHER32)
        scratch += 4;
      else if (settings->filters[i] == GDCI_FILTER_DEFLATE && decoder->decompressor == NULL)
        {
          decoder->decompressor = libdeflate_alloc_decompressor ();
          if (decoder->decompressor == NULL)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                   "Out of memory for gzip decompression");
              return NULL;
            }
        }
    }
  decoder->input_bytes = _gdci_decoder_stored_bound (decoder, 0);
  if (decoder->input_bytes > G_MAXSIZE || scratch > G_MAXSIZE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "Chunks of %" G_GSIZE_FORMAT " bytes do not fit in memory",
                   settings->chunk_bytes);
      return NULL;
    }
  /* a stage after the compression holds compressed bytes */
  decoder->scratch_bytes = (gsize) MAX (scratch, decoder->input_bytes);
  return g_steal_pointer (&decoder);
}

void
_gdci_decoder_free (GdciDecoder *decoder)
{
  if (decoder == NULL)
    return;
  if (decoder->decompressor != NULL)
    libdeflate_free_decompressor (decoder->decompressor);
  _gdci_free_large (decoder->input);
  _gdci_free_large (decoder->scratch[0]);
  _gdci_free_large (decoder->scratch[1]);
  g_free (decoder);
}

guint8 *
_gdci_decoder_input (GdciDecoder *decoder)
{
  if (decoder->input == NULL)
    decoder->input = _gdci_try_alloc_large (MAX ((gsize) decoder->input_bytes, 1));
  return decoder->input;
}

/* The scratch buffer that @current is not */
static guint8 *
other_scratch (GdciDecoder  *decoder,
               const guint8 *current)
{
  guint i = current == decoder->scratch[0] ? 1 : 0;

  if (decoder->scratch[i] == NULL)
    decoder->scratch[i] = _gdci_try_alloc_large (MAX (decoder->scratch_bytes, 1));
  return decoder->scratch[i];
}

static gboolean
check_fletcher32 (const guint8  *data,
                  gsize          n_bytes,
                  GError       **error)
{
  guint32 sum, stored, reversed;

  if (n_bytes < 4)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "%" G_GSIZE_FORMAT " bytes are too short for a checksum", n_bytes);
      return FALSE;
    }
  sum = _gdci_fletcher32 (data, n_bytes - 4);
  stored = (guint32) data[n_bytes - 4] | ((guint32) data[n_bytes - 3] << 8) |
           ((guint32) data[n_bytes - 2] << 16) | ((guint32) data[n_bytes - 1] << 24);
  /* HDF5 before 1.6.3 stored the checksum with the bytes of each half
   * swapped, and HDF5 still accepts it */
  reversed = ((sum & 0x00ff00ffu) << 8) | ((sum >> 8) & 0x00ff00ffu);
  if (stored != sum && stored != reversed)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "its Fletcher-32 checksum does not match (stored 0x%08x, "
                   "computed 0x%08x)", stored, sum);
      return FALSE;
    }
  return TRUE;
}

static guint8 *
inflate_chunk (GdciDecoder   *decoder,
               const guint8  *in,
               gsize          n_in,
               gsize          expected,
               gsize         *n_out,
               GError       **error)
{
  guint8 *out = other_scratch (decoder, in);
  size_t in_used = 0, out_made = 0;
  enum libdeflate_result result;

  if (out == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "out of memory for a chunk of %" G_GSIZE_FORMAT " bytes", expected);
      return NULL;
    }
  result = libdeflate_zlib_decompress_ex (decoder->decompressor, in, n_in, out, expected,
                                          &in_used, &out_made);
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "it decompresses to more than the %" G_GSIZE_FORMAT " bytes of a chunk",
                   expected);
      return NULL;
    }
  if (result != LIBDEFLATE_SUCCESS)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "its %" G_GSIZE_FORMAT " compressed bytes are damaged (not a "
                   "valid zlib stream)", n_in);
      return NULL;
    }
  *n_out = out_made;
  return out;
}

guint8 *
_gdci_decoder_decode (GdciDecoder  *decoder,
                      gsize         n_stored,
                      guint32       filter_mask,
                      GError      **error)
{
  const GdciDecoderSettings *s = &decoder->settings;
  guint8 *data = decoder->input;
  gsize n = n_stored;

  g_return_val_if_fail (data != NULL, NULL);

  for (guint i = s->n_filters; i-- > 0;)
    {
      gsize expected = s->chunk_bytes;   /* what filter i was given */
      gboolean known = TRUE;             /* before any compression */

      if (filter_mask & (1u << i))
        continue;
      for (guint j = 0; j < i; j++)
        if (!(filter_mask & (1u << j)))
          {
            if (s->filters[j] == GDCI_FILTER_FLETCHER32)
              expected += 4;
            else if (s->filters[j] == GDCI_FILTER_DEFLATE)
              known = FALSE;
          }

      switch (s->filters[i])
        {
        case GDCI_FILTER_FLETCHER32:
          if (!check_fletcher32 (data, n, error))
            return NULL;
          n -= 4;
          break;
        case GDCI_FILTER_DEFLATE:
          data = inflate_chunk (decoder, data, n, expected, &n, error);
          if (data == NULL)
            return NULL;
          break;
        case GDCI_FILTER_SHUFFLE:
        default:
          {
            guint8 *out;

            if (known && n != expected)
              break;   /* told below */
            out = other_scratch (decoder, data);
            if (out == NULL)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                             "out of memory for a chunk of %" G_GSIZE_FORMAT " bytes", n);
                return NULL;
              }
            _gdci_unshuffle (data, out, n, s->shuffle_itemsize[i]);
            data = out;
          }
          break;
        }
      if (known && n != expected)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                       "it is %" G_GSIZE_FORMAT " bytes where a chunk has %" G_GSIZE_FORMAT,
                       n, expected);
          return NULL;
        }
    }
  if (n != s->chunk_bytes)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "it is %" G_GSIZE_FORMAT " bytes where a chunk has %" G_GSIZE_FORMAT,
                   n, s->chunk_bytes);
      return NULL;
    }
  return data;
}
