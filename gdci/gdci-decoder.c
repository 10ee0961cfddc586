/* gdci-decoder.c: HDF5's filter pipeline undone on a stored chunk, outside
 * HDF5
 *
 * The HDF5 source reads a chunked dataset's stored chunks with
 * H5Dread_chunk() and decodes them here, checking every size before it is
 * used: the Fletcher-32 checksum, the compressors of gdci-compressor.c
 * (deflate, zstd, LZ4, Blosc, Bitshuffle) and the shuffle, last first.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-codec-private.h"
#include "gdci-error.h"
#include "gdci-memory-private.h"

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
  GdciCompressor *compressors[GDCI_DECODER_MAX_FILTERS];
  guint8 *input;
  guint64 input_bytes;
  guint8 *scratch[2];        /* the stages, in turn */
  gsize scratch_bytes;       /* a chunk and its checksums */
};

static gboolean
is_compressor (const GdciDecoderSettings *settings,
               guint                      i)
{
  return settings->filters[i] == GDCI_FILTER_DEFLATE ||
         settings->filters[i] == GDCI_FILTER_COMPRESSOR;
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
        size = size > G_MAXUINT64 - 4 ? G_MAXUINT64 : size + 4;
      else if (is_compressor (s, i))
        size = _gdci_compressor_bound (decoder->compressors[i], size);
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
      GdciCompressorSettings *c = &decoder->settings.compressor[i];

      if (settings->filters[i] == GDCI_FILTER_FLETCHER32)
        scratch += 4;
      else if (is_compressor (settings, i))
        {
          if (settings->filters[i] == GDCI_FILTER_DEFLATE)
            *c = (GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_DEFLATE, .level = 6 };
          /* the compressor is given the chunk and the checksums before it */
          c->chunk_bytes = (gsize) MIN (scratch, G_MAXSIZE);
          decoder->compressors[i] = _gdci_compressor_new (c, error);
          if (decoder->compressors[i] == NULL)
            return NULL;
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
  for (guint i = 0; i < GDCI_DECODER_MAX_FILTERS; i++)
    _gdci_compressor_free (decoder->compressors[i]);
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
decompress_chunk (GdciDecoder   *decoder,
                  guint          i,
                  const guint8  *in,
                  gsize          n_in,
                  gsize          expected,
                  gsize         *n_out,
                  GError       **error)
{
  guint8 *out = other_scratch (decoder, in);

  if (out == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "out of memory for a chunk of %" G_GSIZE_FORMAT " bytes", expected);
      return NULL;
    }
  if (!_gdci_compressor_decompress (decoder->compressors[i], in, n_in, out, expected, n_out,
                                    error))
    return NULL;
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
            else if (is_compressor (s, j))
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
        case GDCI_FILTER_COMPRESSOR:
          /* a compression after another has no size known to gdci: the
           * HDF5 source leaves such pipelines to HDF5 */
          data = decompress_chunk (decoder, i, data, n, known ? expected : decoder->scratch_bytes,
                                   &n, error);
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
