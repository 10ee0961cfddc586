/* gdci-bitshuffle.c: the bit transposition of the Bitshuffle filter
 *
 * A block is transposed in two steps, as bitshuffle does it: the bytes of
 * the elements into planes (HDF5's shuffle: all first bytes, then all
 * second bytes...), then the bits of each plane into 8 rows, the row of
 * bit k holding bit k of the plane's bytes, 8 of them to a byte with the
 * first at its lowest bit. With SSE2, 16 bytes of a plane give 16 bits of
 * each of its rows: the top bit of every byte (movemask), then each byte
 * doubled.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gdci-bitshuffle-private.h"

gsize
_gdci_bitshuffle_default_block (gsize itemsize)
{
  gsize block = 8192 / MAX (itemsize, 1);

  return MAX (block / 8 * 8, 128);
}

/* The 8x8 bit matrix in @x (byte m its row m, bit k its column k),
 * transposed: byte k of the result holds bit k of every byte m at its
 * bit m. Its own inverse. */
static inline guint64
transpose_8x8 (guint64 x)
{
  guint64 t;

  t = (x ^ (x >> 7)) & G_GUINT64_CONSTANT (0x00AA00AA00AA00AA);
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & G_GUINT64_CONSTANT (0x0000CCCC0000CCCC);
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & G_GUINT64_CONSTANT (0x00000000F0F0F0F0);
  x = x ^ t ^ (t << 28);
  return x;
}

static inline guint64
load_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static inline void
store_le64 (guint8  *p,
            guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

/* ---- bytes into planes, and back --------------------------------------- */

static void
byte_planes (const guint8 *src,
             guint8       *dst,
             gsize         n,
             gsize         itemsize)
{
  gsize i = 0;

  switch (itemsize)
    {
    case 1:
      memcpy (dst, src, n);
      break;
    case 2:
#if defined(__SSE2__)
      for (const __m128i mask = _mm_set1_epi16 (0x00ff); i + 16 <= n; i += 16)
        {
          __m128i a = _mm_loadu_si128 ((const __m128i *) (const void *) (src + 2 * i));
          __m128i b = _mm_loadu_si128 ((const __m128i *) (const void *) (src + 2 * i + 16));

          _mm_storeu_si128 ((__m128i *) (void *) (dst + i),
                            _mm_packus_epi16 (_mm_and_si128 (a, mask), _mm_and_si128 (b, mask)));
          _mm_storeu_si128 ((__m128i *) (void *) (dst + n + i),
                            _mm_packus_epi16 (_mm_srli_epi16 (a, 8), _mm_srli_epi16 (b, 8)));
        }
#endif
      for (; i < n; i++)
        {
          dst[i] = src[2 * i];
          dst[n + i] = src[2 * i + 1];
        }
      break;
    case 4:
      for (; i < n; i++)
        for (gsize j = 0; j < 4; j++)
          dst[j * n + i] = src[4 * i + j];
      break;
    case 8:
      for (; i < n; i++)
        for (gsize j = 0; j < 8; j++)
          dst[j * n + i] = src[8 * i + j];
      break;
    default:
      for (; i < n; i++)
        for (gsize j = 0; j < itemsize; j++)
          dst[j * n + i] = src[itemsize * i + j];
      break;
    }
}

static void
byte_unplanes (const guint8 *src,
               guint8       *dst,
               gsize         n,
               gsize         itemsize)
{
  gsize i = 0;

  switch (itemsize)
    {
    case 1:
      memcpy (dst, src, n);
      break;
    case 2:
#if defined(__SSE2__)
      for (; i + 16 <= n; i += 16)
        {
          __m128i lo = _mm_loadu_si128 ((const __m128i *) (const void *) (src + i));
          __m128i hi = _mm_loadu_si128 ((const __m128i *) (const void *) (src + n + i));

          _mm_storeu_si128 ((__m128i *) (void *) (dst + 2 * i), _mm_unpacklo_epi8 (lo, hi));
          _mm_storeu_si128 ((__m128i *) (void *) (dst + 2 * i + 16), _mm_unpackhi_epi8 (lo, hi));
        }
#endif
      for (; i < n; i++)
        {
          dst[2 * i] = src[i];
          dst[2 * i + 1] = src[n + i];
        }
      break;
    case 4:
      for (; i < n; i++)
        for (gsize j = 0; j < 4; j++)
          dst[4 * i + j] = src[j * n + i];
      break;
    case 8:
      for (; i < n; i++)
        for (gsize j = 0; j < 8; j++)
          dst[8 * i + j] = src[j * n + i];
      break;
    default:
      for (; i < n; i++)
        for (gsize j = 0; j < itemsize; j++)
          dst[itemsize * i + j] = src[j * n + i];
      break;
    }
}

/* ---- a plane's bits into rows, and back -------------------------------- */

/* The @n bytes (a multiple of 8) of @plane into 8 rows of @n / 8 bytes */
static void
bit_rows (const guint8 *plane,
          guint8       *rows,
          gsize         n)
{
  gsize row_bytes = n / 8, q = 0;

#if defined(__SSE2__)
  for (; q + 2 <= row_bytes; q += 2)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) (plane + 8 * q));

      for (int k = 7; k >= 0; k--)
        {
          int bits = _mm_movemask_epi8 (v);

          rows[(gsize) k * row_bytes + q] = (guint8) bits;
          rows[(gsize) k * row_bytes + q + 1] = (guint8) (bits >> 8);
          v = _mm_add_epi8 (v, v);
        }
    }
#endif
  for (; q < row_bytes; q++)
    {
      guint64 x = transpose_8x8 (load_le64 (plane + 8 * q));

      for (gsize k = 0; k < 8; k++)
        rows[k * row_bytes + q] = (guint8) (x >> (8 * k));
    }
}

static void
bit_unrows (const guint8 *rows,
            guint8       *plane,
            gsize         n)
{
  gsize row_bytes = n / 8;

  for (gsize q = 0; q < row_bytes; q++)
    {
      guint64 x = 0;

      for (gsize k = 0; k < 8; k++)
        x |= (guint64) rows[k * row_bytes + q] << (8 * k);
      store_le64 (plane + 8 * q, transpose_8x8 (x));
    }
}

void
_gdci_bitshuffle_block (const guint8 *src,
                        guint8       *dst,
                        gsize         n_elements,
                        gsize         itemsize,
                        guint8       *scratch)
{
  g_return_if_fail (n_elements % 8 == 0);

  byte_planes (src, scratch, n_elements, itemsize);
  for (gsize j = 0; j < itemsize; j++)
    bit_rows (scratch + j * n_elements, dst + j * n_elements, n_elements);
}

void
_gdci_bitunshuffle_block (const guint8 *src,
                          guint8       *dst,
                          gsize         n_elements,
                          gsize         itemsize,
                          guint8       *scratch)
{
  g_return_if_fail (n_elements % 8 == 0);

  for (gsize j = 0; j < itemsize; j++)
    bit_unrows (src + j * n_elements, scratch + j * n_elements, n_elements);
  byte_unplanes (scratch, dst, n_elements, itemsize);
}
