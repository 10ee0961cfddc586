/* test-compressors.c: gdci's compressors, each kind, element size, size
 * and level: round trips, Bitshuffle against a plain transposition, the
 * cd_values of hdf5plugin's filters, and a fuzz of damaged chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <lz4.h>
#include <math.h>
#include <string.h>
#include <zstd.h>

#include "gdci.h"
#include "gdci-bitshuffle-private.h"
#include "gdci-codec-private.h"
#include "gdci-compressor-private.h"

typedef struct
{
  const char *name;
  GdciCompressorSettings settings;
  gboolean large;        /* also tried on a few MB */
} Config;

#define DEFLATE(l, big) { "deflate-" #l, { .kind = GDCI_COMPRESSOR_DEFLATE, .level = l }, big }
#define FAST(l) { "deflate-fast-" #l, { .kind = GDCI_COMPRESSOR_DEFLATE_FAST, .level = l }, TRUE }
#define ZSTD(l, big) { "zstd-" #l, { .kind = GDCI_COMPRESSOR_ZSTD, .level = l }, big }
#define BLOSC(i, l, sh, big) \
  { "blosc-" #i "-" #l "-" #sh, { .kind = GDCI_COMPRESSOR_BLOSC, .level = l, \
                                  .blosc_shuffle = sh, .blosc_inner = GDCI_BLOSC_INNER_##i }, big }
#define BSHUF(i, l, b, big) \
  { "bitshuffle-" #i "-" #b, { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .level = l, \
                               .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_##i, \
                               .block_elements = b }, big }

static const Config configs[] = {
  DEFLATE (1, TRUE), DEFLATE (6, FALSE), DEFLATE (9, FALSE),
  FAST (1), FAST (2), FAST (3),
  ZSTD (1, TRUE), ZSTD (3, TRUE), ZSTD (9, FALSE), ZSTD (22, FALSE),
  { "lz4", { .kind = GDCI_COMPRESSOR_LZ4 }, TRUE },
  { "lz4-blocks-1000", { .kind = GDCI_COMPRESSOR_LZ4, .block_elements = 1000 }, FALSE },
  BLOSC (LZ4, 5, 1, TRUE), BLOSC (LZ4, 0, 1, FALSE), BLOSC (LZ4, 9, 2, FALSE),
  BLOSC (BLOSCLZ, 5, 0, FALSE), BLOSC (LZ4HC, 3, 1, FALSE), BLOSC (ZLIB, 5, 2, FALSE),
  BLOSC (ZSTD, 5, 1, TRUE), BLOSC (SNAPPY, 5, 1, FALSE),
  BSHUF (NONE, 0, 0, TRUE), BSHUF (LZ4, 0, 0, TRUE), BSHUF (ZSTD, 3, 0, TRUE),
  BSHUF (LZ4, 0, 64, FALSE), BSHUF (ZSTD, 1, 8, FALSE), BSHUF (NONE, 0, 24, FALSE),
};

/* A recording-like signal: a sum of sines and noise per channel, in
 * elements of @itemsize (the low bytes of the value, little-endian); a
 * random tail in every fourth chunk, which does not compress */
static guint8 *
make_data (gsize    n_elements,
           gsize    itemsize,
           guint32  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (MAX (n_elements * itemsize, 1));

  for (gsize i = 0; i < n_elements; i++)
    {
      double t = (double) (i / 7);
      gint64 v = (gint64) (300 * sin (t / 40.0 + (double) (i % 7)) + 80 * sin (t / 3.1) +
                           g_rand_double_range (rand, -20, 20));

      if (seed % 4 == 3 && i > n_elements / 2)
        v = (gint64) g_rand_int (rand) << 16 | g_rand_int (rand);
      for (gsize b = 0; b < itemsize; b++)
        data[i * itemsize + b] = (guint8) ((guint64) v >> (8 * MIN (b, 7)));
    }
  return data;
}

static GdciCompressorSettings
settings_for (const Config *config,
              gsize         itemsize,
              gsize         n_bytes)
{
  GdciCompressorSettings s = config->settings;

  s.itemsize = itemsize;
  s.chunk_bytes = n_bytes;
  return s;
}

/* Compresses and decompresses @data, and checks that a chunk one byte
 * smaller is refused */
static void
round_trip (const Config *config,
            const guint8 *data,
            gsize         n_bytes,
            gsize         itemsize)
{
  GdciCompressorSettings s = settings_for (config, itemsize, n_bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciCompressor) c = _gdci_compressor_new (&s, &error);
  guint64 bound;
  g_autofree guint8 *packed = NULL, *back = NULL;
  gsize made, n_made = 0;
  gboolean ok;

  g_assert_no_error (error);
  bound = _gdci_compressor_bound (c, n_bytes);
  g_assert_cmpuint (bound, ==, _gdci_compressor_settings_bound (&s, n_bytes));
  g_assert_cmpuint (bound, >=, n_bytes);
  packed = g_malloc (bound);
  back = g_malloc (MAX (n_bytes, 1));
  made = _gdci_compressor_compress (c, data, n_bytes, packed, bound);
  /* 0 is a failure, but for nothing stored as it is */
  if (n_bytes > 0 || s.kind != GDCI_COMPRESSOR_BITSHUFFLE ||
      s.bitshuffle_inner != GDCI_BITSHUFFLE_INNER_NONE)
    g_assert_cmpuint (made, >, 0);
  g_assert_cmpuint (made, <=, bound);
  /* twice with the same state, as a codec thread does */
  g_assert_cmpuint (_gdci_compressor_compress (c, data, n_bytes, packed, bound), ==, made);

  ok = _gdci_compressor_decompress (c, packed, made, back, n_bytes, &n_made, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (n_made, ==, n_bytes);
  g_assert_cmpmem (back, n_bytes, data, n_bytes);

  if (n_bytes > 0 && s.kind != GDCI_COMPRESSOR_BITSHUFFLE)
    {
      g_assert_false (_gdci_compressor_decompress (c, packed, made, back, n_bytes - 1,
                                                   &n_made, &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
  if (s.kind != GDCI_COMPRESSOR_DEFLATE && s.kind != GDCI_COMPRESSOR_DEFLATE_FAST)
    {
      guint64 size = 0;

      g_assert_true (_gdci_compressor_decoded_size (&s, packed, made, &size, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (size, ==, n_bytes);
    }
}

static void
test_round_trips (void)
{
  static const gsize itemsizes[] = { 1, 2, 4, 8 };
  /* elements: one, fewer than 8, a block not of 8, several blocks */
  static const gsize counts[] = { 0, 1, 7, 13, 1000, 4097, 20011 };

  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    for (guint i = 0; i < G_N_ELEMENTS (itemsizes); i++)
      for (guint n = 0; n < G_N_ELEMENTS (counts); n++)
        {
          g_autofree guint8 *data = make_data (counts[n], itemsizes[i], k + n);

          round_trip (&configs[k], data, counts[n] * itemsizes[i], itemsizes[i]);
        }
}

static void
test_round_trips_large (void)
{
  /* 3 MB and a little, of int16 and float64-sized elements */
  static const gsize sizes[][2] = { { 1572869, 2 }, { 393217, 8 } };

  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    for (guint i = 0; configs[k].large && i < G_N_ELEMENTS (sizes); i++)
      {
        g_autofree guint8 *data = make_data (sizes[i][0], sizes[i][1], 3 * k + i);

        g_test_message ("%s, %" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT, configs[k].name,
                        sizes[i][0], sizes[i][1]);
        round_trip (&configs[k], data, sizes[i][0] * sizes[i][1], sizes[i][1]);
      }
}

/* ---- Bitshuffle against a plain transposition ------------------------- */

/* Bit k of byte j of element i goes to row 8 j + k, at bit i of the row */
static void
reference_transpose (const guint8 *src,
                     guint8       *dst,
                     gsize         n,
                     gsize         itemsize)
{
  memset (dst, 0, n * itemsize);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < itemsize; j++)
      for (gsize k = 0; k < 8; k++)
        if (src[i * itemsize + j] & (1u << k))
          {
            gsize bit = (8 * j + k) * n + i;

            dst[bit / 8] |= (guint8) (1u << (bit % 8));
          }
}

static void
test_bitshuffle_block (void)
{
  static const gsize itemsizes[] = { 1, 2, 3, 4, 8, 12 };
  static const gsize counts[] = { 8, 16, 24, 120, 4096, 8200 };

  for (guint i = 0; i < G_N_ELEMENTS (itemsizes); i++)
    for (guint n = 0; n < G_N_ELEMENTS (counts); n++)
      {
        gsize es = itemsizes[i], count = counts[n], bytes = count * es;
        g_autofree guint8 *data = make_data (count, es, 7 * i + n);
        g_autofree guint8 *expected = g_malloc (bytes), *found = g_malloc (bytes);
        g_autofree guint8 *scratch = g_malloc (bytes), *back = g_malloc (bytes);

        reference_transpose (data, expected, count, es);
        _gdci_bitshuffle_block (data, found, count, es, scratch);
        g_assert_cmpmem (found, bytes, expected, bytes);
        _gdci_bitunshuffle_block (found, back, count, es, scratch);
        g_assert_cmpmem (back, bytes, data, bytes);
      }
  g_assert_cmpuint (_gdci_bitshuffle_default_block (1), ==, 8192);
  g_assert_cmpuint (_gdci_bitshuffle_default_block (2), ==, 4096);
  g_assert_cmpuint (_gdci_bitshuffle_default_block (3), ==, 2728);
  g_assert_cmpuint (_gdci_bitshuffle_default_block (8), ==, 1024);
  g_assert_cmpuint (_gdci_bitshuffle_default_block (100), ==, 128);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The layout of bitshuffle's filter, taken apart by hand: blocks of the
 * block size, one of the rest rounded down to 8 elements, the last few
 * elements as they are; with LZ4 or zstd a header and each block's size */
static void
check_bitshuffle_layout (GdciBitshuffleInner inner,
                         gsize               count,
                         gsize               es,
                         guint               block)
{
  GdciCompressorSettings s = {
    .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = es, .chunk_bytes = count * es,
    .bitshuffle_inner = inner, .level = 3, .block_elements = block,
  };
  g_autoptr(GdciCompressor) c = _gdci_compressor_new (&s, NULL);
  g_autofree guint8 *data = make_data (count, es, (guint32) count);
  g_autofree guint8 *packed = g_malloc (_gdci_compressor_bound (c, count * es));
  g_autofree guint8 *unpacked = g_malloc (MAX (block, 1) * es), *expected = NULL;
  gsize made = _gdci_compressor_compress (c, data, count * es, packed,
                                          _gdci_compressor_bound (c, count * es));
  gsize pos = 0, done = 0;

  g_assert_nonnull (c);
  if (block == 0)
    block = (guint) _gdci_bitshuffle_default_block (es);
  expected = g_malloc (block * es);
  if (inner != GDCI_BITSHUFFLE_INNER_NONE)
    {
      g_assert_cmpuint (made, >=, 12);
      g_assert_cmpuint (((guint64) read_be32 (packed) << 32) | read_be32 (packed + 4), ==,
                        count * es);
      g_assert_cmpuint (read_be32 (packed + 8), ==, block * es);
      pos = 12;
    }
  g_free (unpacked);
  unpacked = g_malloc (block * es);
  while (count - done >= 8)
    {
      gsize n = MIN (block, (count - done) / 8 * 8), bytes = n * es;
      const guint8 *transposed = packed + pos;

      reference_transpose (data + done * es, expected, n, es);
      if (inner == GDCI_BITSHUFFLE_INNER_LZ4)
        {
          guint32 stored = read_be32 (packed + pos);

          g_assert_cmpint (LZ4_decompress_safe ((const char *) packed + pos + 4,
                                                (char *) unpacked, (int) stored, (int) bytes),
                           ==, (int) bytes);
          transposed = unpacked;
          pos += 4 + stored;
        }
      else if (inner == GDCI_BITSHUFFLE_INNER_ZSTD)
        {
          guint32 stored = read_be32 (packed + pos);

          g_assert_cmpuint (ZSTD_decompress (unpacked, bytes, packed + pos + 4, stored), ==,
                            bytes);
          transposed = unpacked;
          pos += 4 + stored;
        }
      else
        pos += bytes;
      g_assert_cmpmem (transposed, bytes, expected, bytes);
      done += n;
    }
  g_assert_cmpmem (packed + pos, made - pos, data + done * es, (count - done) * es);
}

static void
test_bitshuffle_layout (void)
{
  static const GdciBitshuffleInner inners[] = {
    GDCI_BITSHUFFLE_INNER_NONE, GDCI_BITSHUFFLE_INNER_LZ4, GDCI_BITSHUFFLE_INNER_ZSTD,
  };

  for (guint i = 0; i < G_N_ELEMENTS (inners); i++)
    {
      check_bitshuffle_layout (inners[i], 10000, 2, 0);
      check_bitshuffle_layout (inners[i], 10005, 4, 0);
      check_bitshuffle_layout (inners[i], 1003, 8, 64);
      check_bitshuffle_layout (inners[i], 5, 2, 0);
      check_bitshuffle_layout (inners[i], 9000, 1, 16);
    }
}

/* ---- cd_values ---------------------------------------------------------- */

static void
check_cd (GdciCompressorSettings s,
          const unsigned int    *expected,
          guint                  n_expected)
{
  unsigned int cd[GDCI_COMPRESSOR_MAX_CD_VALUES] = { 0 };
  guint n = _gdci_compressor_cd_values (&s, cd);
  GdciCompressorSettings back;
  g_autoptr(GError) error = NULL;

  g_assert_cmpmem (cd, n * sizeof (unsigned int), expected, n_expected * sizeof (unsigned int));
  /* and the settings a dataset with them stands for */
  g_assert_true (_gdci_compressor_settings_for_filter (_gdci_compressor_filter_id (s.kind), cd,
                                                       n, s.itemsize, s.chunk_bytes, &back,
                                                       &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.kind, ==, s.kind == GDCI_COMPRESSOR_DEFLATE_FAST
                                  ? GDCI_COMPRESSOR_DEFLATE : s.kind);
  if (s.kind != GDCI_COMPRESSOR_LZ4 &&
      (s.kind != GDCI_COMPRESSOR_BITSHUFFLE || s.bitshuffle_inner == GDCI_BITSHUFFLE_INNER_ZSTD))
    g_assert_cmpint (back.level, ==, s.level);
  g_assert_cmpint (back.blosc_shuffle, ==, s.blosc_shuffle);
  g_assert_cmpint (back.blosc_inner, ==, s.blosc_inner);
  g_assert_cmpint (back.bitshuffle_inner, ==, s.bitshuffle_inner);
  g_assert_cmpuint (back.block_elements, ==, s.block_elements);
}

static void
test_cd_values (void)
{
  /* as hdf5plugin's filters leave them: LZ4 and Blosc are also checked
   * against files of hdf5plugin in test-h5-filters; zstd's and
   * Bitshuffle's against the sources of their filters (HDF5Plugin-
   * Zstandard has no set_local: the level hdf5plugin.Zstd gives;
   * bshuf_h5_set_local puts version 0.4 and the element size first) */
  static const unsigned int deflate[] = { 4 }, zstd[] = { 3 }, lz4[] = { 0 };
  static const unsigned int blosc[] = { 2, 2, 2, 200, 5, 1, 1 };
  static const unsigned int blosc_big[] = { 2, 2, 1, 30000, 9, 2, 5 };
  static const unsigned int bshuf_lz4[] = { 0, 4, 2, 0, 2 };
  static const unsigned int bshuf_zstd[] = { 0, 4, 8, 256, 3, 7 };
  static const unsigned int bshuf_none[] = { 0, 4, 4, 0, 0 };

  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_DEFLATE, .level = 4 }, deflate, 1);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_DEFLATE_FAST, .level = 4 },
            deflate, 1);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_ZSTD, .level = 3 }, zstd, 1);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_LZ4 }, lz4, 1);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_BLOSC, .level = 5, .itemsize = 2,
                                       .chunk_bytes = 200, .blosc_shuffle = 1,
                                       .blosc_inner = GDCI_BLOSC_INNER_LZ4 }, blosc, 7);
  /* items of more than 255 bytes are Blosc's typesize 1 */
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_BLOSC, .level = 9,
                                       .itemsize = 300, .chunk_bytes = 30000,
                                       .blosc_shuffle = 2, .blosc_inner = GDCI_BLOSC_INNER_ZSTD },
            blosc_big, 7);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 2,
                                       .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_LZ4 },
            bshuf_lz4, 5);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 8,
                                       .level = 7, .block_elements = 256,
                                       .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_ZSTD },
            bshuf_zstd, 6);
  check_cd ((GdciCompressorSettings) { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 4,
                                       .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_NONE },
            bshuf_none, 5);

  g_assert_cmpint (_gdci_compressor_filter_id (GDCI_COMPRESSOR_ZSTD), ==, 32015);
  g_assert_cmpint (_gdci_compressor_filter_id (GDCI_COMPRESSOR_LZ4), ==, 32004);
  g_assert_cmpint (_gdci_compressor_filter_id (GDCI_COMPRESSOR_BLOSC), ==, 32001);
  g_assert_cmpint (_gdci_compressor_filter_id (GDCI_COMPRESSOR_BITSHUFFLE), ==, 32008);
  g_assert_cmpint (_gdci_compressor_filter_id (GDCI_COMPRESSOR_DEFLATE_FAST), ==, 1);
  g_assert_cmpstr (_gdci_compressor_filter_name (GDCI_COMPRESSOR_BITSHUFFLE), ==, "bitshuffle");
  g_assert_null (_gdci_compressor_filter_name (GDCI_COMPRESSOR_NONE));
}

static void
test_settings_for_filter (void)
{
  static const unsigned int lzf[] = { 4, 0, 100 }, bshuf_short[] = { 0, 4 };
  static const unsigned int bshuf_odd[] = { 0, 4, 2, 12, 2 };
  static const unsigned int zstd_high[] = { 40 }, blosc_short[] = { 2, 2, 4, 400 };
  GdciCompressorSettings s;
  g_autoptr(GError) error = NULL;

  g_assert_false (_gdci_compressor_settings_for_filter (32000, lzf, 3, 4, 400, &s, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "32000"));
  g_assert_nonnull (strstr (error->message, "lzf"));
  g_clear_error (&error);
  g_assert_false (_gdci_compressor_settings_for_filter (32008, bshuf_short, 2, 2, 400, &s,
                                                        &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (_gdci_compressor_settings_for_filter (32008, bshuf_odd, 5, 2, 400, &s,
                                                        &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* the filters take what they are given: zstd's level in its range,
   * Blosc's defaults (level 5, byte shuffle, blosclz) */
  g_assert_true (_gdci_compressor_settings_for_filter (32015, zstd_high, 1, 2, 400, &s, NULL));
  g_assert_cmpint (s.level, ==, 22);
  g_assert_true (_gdci_compressor_settings_for_filter (32015, NULL, 0, 2, 400, &s, NULL));
  g_assert_cmpint (s.level, ==, 3);
  g_assert_true (_gdci_compressor_settings_for_filter (32001, blosc_short, 4, 2, 400, &s, NULL));
  g_assert_cmpint (s.level, ==, 5);
  g_assert_cmpint (s.blosc_shuffle, ==, 1);
  g_assert_cmpint (s.blosc_inner, ==, GDCI_BLOSC_INNER_BLOSCLZ);
  g_assert_cmpuint (s.itemsize, ==, 4);
}

static void
test_bad_settings (void)
{
  static const GdciCompressorSettings bad[] = {
    { .kind = GDCI_COMPRESSOR_DEFLATE, .level = 0 },
    { .kind = GDCI_COMPRESSOR_DEFLATE, .level = 10 },
    { .kind = GDCI_COMPRESSOR_DEFLATE_FAST, .level = 4 },
    { .kind = GDCI_COMPRESSOR_ZSTD, .level = 23 },
    { .kind = GDCI_COMPRESSOR_BLOSC, .level = 10, .itemsize = 2 },
    { .kind = GDCI_COMPRESSOR_BLOSC, .level = 5, .blosc_shuffle = 3, .itemsize = 2 },
    { .kind = GDCI_COMPRESSOR_BLOSC, .level = 5, .blosc_inner = 6, .itemsize = 2 },
    { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 0 },
    { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 2, .block_elements = 12 },
    { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 2, .bitshuffle_inner = 1 },
    { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .itemsize = 4, .chunk_bytes = 10 },
    { .kind = GDCI_COMPRESSOR_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciCompressor) c = _gdci_compressor_new (&bad[i], &error);

      g_assert_null (c);
      g_assert_nonnull (error);
      g_assert_true (error->domain == GDCI_ERROR);
      g_test_message ("%s", error->message);
    }
}

/* ---- the decoder of a whole pipeline ---------------------------------- */

static void
test_pipelines (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    for (guint shuffle = 0; shuffle < 2; shuffle++)
      for (guint fletcher = 0; fletcher < 2; fletcher++)
        {
          gsize itemsize = 4, chunk_bytes = 4004;
          GdciCodecSettings encode = {
            .chunk_bytes = chunk_bytes, .itemsize = itemsize, .shuffle = shuffle,
            .fletcher32 = fletcher, .compressor = settings_for (&configs[k], itemsize, 0),
          };
          GdciDecoderSettings decode = { .chunk_bytes = chunk_bytes };
          g_autofree guint8 *data = make_data (chunk_bytes / itemsize, itemsize, k);
          g_autoptr(GdciCodec) codec = _gdci_codec_new (&encode, NULL);
          g_autoptr(GdciDecoder) decoder = NULL;
          g_autoptr(GError) error = NULL;
          const guint8 *stored;
          guint8 *out;
          gsize n_stored;

          if (shuffle)
            {
              decode.shuffle_itemsize[decode.n_filters] = itemsize;
              decode.filters[decode.n_filters++] = GDCI_FILTER_SHUFFLE;
            }
          decode.compressor[decode.n_filters] = configs[k].settings;
          decode.compressor[decode.n_filters].itemsize = itemsize;
          decode.filters[decode.n_filters++] = GDCI_FILTER_COMPRESSOR;
          if (fletcher)
            decode.filters[decode.n_filters++] = GDCI_FILTER_FLETCHER32;
          decoder = _gdci_decoder_new (&decode, &error);
          g_assert_no_error (error);
          g_assert_nonnull (codec);
          g_assert_cmpuint (_gdci_codec_scratch_bytes (&encode), >, 2 * chunk_bytes);

          stored = _gdci_codec_encode (codec, data, &n_stored);
          g_assert_nonnull (stored);
          g_assert_cmpuint (n_stored, <=, _gdci_decoder_stored_bound (decoder, 0));
          memcpy (_gdci_decoder_input (decoder), stored, n_stored);
          out = _gdci_decoder_decode (decoder, n_stored, 0, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (out, chunk_bytes, data, chunk_bytes);
        }
}

/* ---- a fuzz of damaged chunks ----------------------------------------- */

/* Every truncation of some lengths and many bit flips of a chunk of each
 * kind: each decode is an error saying the data is damaged, or a chunk of
 * the right size. Under the sanitizers, never a bad read or write. */
static void
fuzz_one (const Config *config,
          gsize         n_elements,
          gsize         itemsize,
          GRand        *rand)
{
  gsize chunk_bytes = n_elements * itemsize;
  GdciDecoderSettings decode = {
    .chunk_bytes = chunk_bytes, .n_filters = 1, .filters = { GDCI_FILTER_COMPRESSOR },
    .compressor = { settings_for (config, itemsize, 0) },
  };
  GdciCompressorSettings s = settings_for (config, itemsize, chunk_bytes);
  g_autoptr(GdciCompressor) c = _gdci_compressor_new (&s, NULL);
  g_autoptr(GdciDecoder) decoder = _gdci_decoder_new (&decode, NULL);
  g_autofree guint8 *data = make_data (n_elements, itemsize, g_rand_int (rand));
  g_autofree guint8 *packed = g_malloc (_gdci_compressor_bound (c, chunk_bytes));
  g_autofree guint8 *out = g_malloc (chunk_bytes);
  gsize made = _gdci_compressor_compress (c, data, chunk_bytes, packed,
                                          _gdci_compressor_bound (c, chunk_bytes));
  guint n_errors = 0, n_tries = 0;

  g_assert_cmpuint (made, >, 0);
  for (guint t = 0; t < 400; t++, n_tries++)
    {
      g_autoptr(GError) error = NULL;
      guint8 *input = _gdci_decoder_input (decoder);
      gsize n = made, n_made = 0;
      gboolean ok;

      memcpy (input, packed, made);
      if (t < 100)
        n = (gsize) g_rand_int_range (rand, 0, (gint32) made);     /* truncated */
      else
        for (guint f = 0, n_flips = 1 + t % 4; f < n_flips; f++)
          {
            /* the headers more often than the rest */
            gsize at = t % 2 ? (gsize) g_rand_int_range (rand, 0, (gint32) MIN (made, 24))
                             : (gsize) g_rand_int_range (rand, 0, (gint32) made);

            input[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
          }

      /* the compressor alone: never more than asked */
      ok = _gdci_compressor_decompress (c, input, n, out, chunk_bytes, &n_made, &error);
      if (ok)
        g_assert_cmpuint (n_made, <=, chunk_bytes);
      else
        g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
      g_clear_error (&error);

      /* the decoder: the chunk, or an error */
      if (_gdci_decoder_decode (decoder, n, 0, &error) == NULL)
        {
          g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
          n_errors++;
        }
    }
  g_test_message ("%s: %u of %u damaged chunks refused", config->name, n_errors, n_tries);
  g_assert_cmpuint (n_errors, >, 0);
}

static void
test_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);

  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    {
      fuzz_one (&configs[k], 3001, 2, rand);
      fuzz_one (&configs[k], 517, 8, rand);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/compressors/round-trips", test_round_trips);
  g_test_add_func ("/compressors/round-trips-large", test_round_trips_large);
  g_test_add_func ("/compressors/bitshuffle-block", test_bitshuffle_block);
  g_test_add_func ("/compressors/bitshuffle-layout", test_bitshuffle_layout);
  g_test_add_func ("/compressors/cd-values", test_cd_values);
  g_test_add_func ("/compressors/settings-for-filter", test_settings_for_filter);
  g_test_add_func ("/compressors/bad-settings", test_bad_settings);
  g_test_add_func ("/compressors/pipelines", test_pipelines);
  g_test_add_func ("/compressors/fuzz", test_fuzz);
  return g_test_run ();
}
