/* test-h5-stream.c: GdciH5Stream's recordings read back with HDF5's own
 * calls: appends of every size, frames of every rank, every element type
 * and codec, its chunks, flushes, the close, its signals and its backlog
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "gdci.h"
#include "gdci-compressor-private.h"

#include "test-h5-stream-util.h"

#define FILTER_ZSTD 32015
#define FILTER_LZ4 32004
#define FILTER_BLOSC 32001
#define FILTER_BITSHUFFLE 32008

/* The axes of a shape's GVariant text */
static guint
parse_shape (const char *text,
             guint64    *shape)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_parsed (text));
  gsize n = 0;
  const guint64 *values = g_variant_get_fixed_array (variant, &n, sizeof (guint64));

  if (n > 0)
    memcpy (shape, values, n * sizeof (guint64));
  return (guint) n;
}

static void
assert_shape_variant (GVariant   *got,
                      const char *want)
{
  g_autoptr(GVariant) owned = got;
  g_autoptr(GVariant) expected = g_variant_ref_sink (g_variant_new_parsed (want));

  g_assert_true (g_variant_equal (owned, expected));
}

/* Asserts @stream's chunk-shape */
static void
assert_chunk_property (GdciH5Stream  *stream,
                       const guint64 *want,
                       guint          n_dims)
{
  g_autoptr(GVariant) got = gdci_h5_stream_get_chunk_shape (stream);
  gsize n = 0;
  const guint64 *values = g_variant_get_fixed_array (got, &n, sizeof (guint64));

  test_assert_shape (values, (guint) n, want, n_dims);
}

/* ---- a recording, its settings, and what HDF5 reads of it ---------------- */

typedef struct
{
  const char *name;
  GdciDtype dtype;
  const char *frame_shape;
  const char *chunk_shape;      /* NULL: gdci's */
  GdciCompression compression;
  int level;
  gboolean shuffle, bitshuffle, fletcher32;
  GdciBloscCodec blosc_codec;
  guint64 appends[8];           /* the frames of each append, until a 0 */
} Recording;

/* Records @rec's frames into "/data" of @path, closes the stream, reads
 * the dataset back into @r and asserts every frame */
static void
record (const Recording *rec,
        const char      *path,
        ReadBack        *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;
  guint64 frame_shape[GDCI_MAX_DIMS];
  guint n_frame_dims = parse_shape (rec->frame_shape, frame_shape);
  guint64 n_frames = 0;

  g_test_message ("%s", rec->name);
  stream = stream_open (path, "/data", rec->dtype, rec->frame_shape, &error,
                        "chunk-shape",
                        rec->chunk_shape != NULL ? g_variant_new_parsed (rec->chunk_shape) : NULL,
                        "compression", rec->compression, "compression-level", rec->level,
                        "shuffle", rec->shuffle, "bitshuffle", rec->bitshuffle,
                        "fletcher32", rec->fletcher32, "blosc-codec", rec->blosc_codec,
                        "n-threads", 2, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (rec->appends) && rec->appends[i] > 0; i++)
    {
      append_frames (stream, n_frames, rec->appends[i]);
      n_frames += rec->appends[i];
    }
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, n_frames);

  read_back (path, "/data", rec->dtype, H5F_ACC_RDONLY, r);
  assert_frames (r, rec->dtype, frame_shape, n_frame_dims, n_frames);
  g_assert_cmpuint (g_unlink (path), ==, 0);
}

static void
record_all (const Recording *recs,
            guint            n_recs)
{
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < n_recs; i++)
    {
      g_auto(ReadBack) r = { 0 };

      record (&recs[i], out.path, &r);
    }
}

/* ---- appends ---------------------------------------------------------------- */

static void
test_append_sizes (void)
{
  static const Recording recs[] = {
    { "one frame at a time", GDCI_DTYPE_INT16, "@at [5]", "@at [7, 0]",
      .appends = { 1, 1, 1, 1, 1, 1, 1, 1 } },
    { "all at once", GDCI_DTYPE_INT16, "@at [5]", "@at [7, 0]", .appends = { 1000 } },
    { "not aligned to the chunk", GDCI_DTYPE_INT16, "@at [5]", "@at [7, 0]",
      .appends = { 3, 5, 11, 7, 1, 14, 2, 6 } },
    { "exactly one chunk", GDCI_DTYPE_INT16, "@at [5]", "@at [7, 0]", .appends = { 7 } },
    { "less than a chunk", GDCI_DTYPE_INT16, "@at [5]", "@at [7, 0]", .appends = { 4 } },
    { "one frame a chunk", GDCI_DTYPE_INT16, "@at [5]", "@at [1, 0]", .appends = { 3, 1, 5 } },
  };

  record_all (recs, G_N_ELEMENTS (recs));
}

/* 30 frames one by one, the counts after each */
static void
test_append_counts (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = stream_open (out.path, "/data", GDCI_DTYPE_UINT8, "@at [3]", &error,
                        "chunk-shape", g_variant_new_parsed ("@at [4, 0]"), NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, 0);
  for (guint64 i = 0; i < 30; i++)
    {
      append_frames (stream, i, 1);
      g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, i + 1);
    }
  /* no bytes are no frames */
  g_assert_true (gdci_h5_stream_append (stream, empty, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, 30);
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_UINT8, SHAPE (3), 1, 30);
}

/* Nothing appended: a dataset of no frames, of the frame's shape and the
 * chunks planned */
static void
test_append_none (void)
{
  static const struct { const char *frame, *chunk; guint64 want[4]; } cases[] = {
    { "@at [5]", "@at [7, 0]", { 7, 5 } },
    { "@at [3, 4]", "@at [2, 3, 0]", { 2, 3, 4 } },
    { "@at []", "@at [9]", { 9 } },
  };
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciH5Stream) stream = NULL;
      g_auto(ReadBack) r = { 0 };
      guint64 frame[GDCI_MAX_DIMS];
      guint n = parse_shape (cases[i].frame, frame);

      stream = stream_open (out.path, "/data", GDCI_DTYPE_FLOAT32, cases[i].frame, &error,
                            "chunk-shape", g_variant_new_parsed (cases[i].chunk), NULL);
      g_assert_no_error (error);
      g_assert_true (gdci_h5_stream_flush (stream, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 0);
      read_back (out.path, "/data", GDCI_DTYPE_FLOAT32, H5F_ACC_RDONLY, &r);
      assert_frames (&r, GDCI_DTYPE_FLOAT32, frame, n, 0);
      assert_chunk (&r, cases[i].want, n + 1);
      g_assert_cmpuint (g_unlink (out.path), ==, 0);
    }
}

/* ---- frames of every rank, and every element type ----------------------------- */

static void
test_frame_ranks (void)
{
  static const Recording recs[] = {
    { "scalar frames", GDCI_DTYPE_INT32, "@at []", "@at [16]", .appends = { 3, 50, 1, 20 } },
    { "1-D frames", GDCI_DTYPE_INT32, "@at [6]", "@at [5, 0]", .appends = { 3, 9, 1 } },
    { "2-D frames", GDCI_DTYPE_INT32, "@at [3, 4]", "@at [5, 0, 0]", .appends = { 3, 9, 1 } },
    { "3-D frames", GDCI_DTYPE_INT32, "@at [2, 3, 4]", "@at [4, 0, 0, 0]",
      .appends = { 3, 9, 1 } },
    { "4-D frames", GDCI_DTYPE_INT32, "@at [2, 2, 3, 2]", "@at [3, 0, 0, 0, 0]",
      .appends = { 3, 9, 1 } },
    /* frames split into several chunks, those at the edges cut */
    { "2-D frames in tiles", GDCI_DTYPE_INT32, "@at [5, 7]", "@at [3, 2, 4]",
      .appends = { 4, 4, 2 } },
    { "3-D frames in tiles", GDCI_DTYPE_UINT16, "@at [3, 5, 4]", "@at [2, 2, 3, 3]",
      .appends = { 1, 6 } },
    { "frames of 1 element", GDCI_DTYPE_INT32, "@at [1, 1]", "@at [4, 1, 1]",
      .appends = { 3, 6 } },
    { "31-axis frames", GDCI_DTYPE_INT16,
      "@at [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
      "1, 1, 1, 3]",
      "@at [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
      "0, 0, 0, 0]", .appends = { 5 } },
  };

  record_all (recs, G_N_ELEMENTS (recs));
}

static void
test_dtypes (void)
{
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (GdciDtype dtype = GDCI_DTYPE_INT8; dtype <= GDCI_DTYPE_FLOAT64; dtype++)
    {
      g_test_message ("%s", gdci_dtype_to_string (dtype));
      /* plain, byte-shuffled and bit-shuffled, whose filters depend on the
       * element's size */
      const Recording recs[] = {
        { gdci_dtype_to_string (dtype), dtype, "@at [3, 4]", "@at [5, 0, 0]",
          .appends = { 6, 7 } },
        { "gzip, shuffle", dtype, "@at [3, 4]", "@at [5, 0, 0]", GDCI_COMPRESSION_GZIP,
          .shuffle = TRUE, .appends = { 6, 7 } },
        { "lz4, bitshuffle", dtype, "@at [3, 4]", "@at [5, 0, 0]", GDCI_COMPRESSION_LZ4,
          .bitshuffle = TRUE, .appends = { 6, 7 } },
        { "blosc, shuffle", dtype, "@at [3, 4]", "@at [5, 0, 0]", GDCI_COMPRESSION_BLOSC,
          .shuffle = TRUE, .appends = { 6, 7 } },
      };

      for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
        {
          g_auto(ReadBack) r = { 0 };

          record (&recs[i], out.path, &r);
        }
    }
}

/* ---- codecs: the data read back through HDF5's filters, and the filters ---- */

typedef struct
{
  Recording rec;
  guint n_filters;
  H5Z_filter_t filters[4];
  /* cd_values of the codec's filter to check */
  guint n_cds;
  struct { guint index; unsigned int value; } cds[4];
} CodecCase;

/* Bitshuffle's cd_values: 2 the element's size, 4 its compression (0
 * none, 2 LZ4, 3 zstd), 5 zstd's level; Blosc's: 2 the element's size, 3
 * the chunk's bytes, 4 the level, 5 its shuffle (1 bytes, 2 bits), 6 its
 * compressor (0 BloscLZ, 1 LZ4, 2 LZ4HC, 4 zlib, 5 zstd); deflate's and
 * zstd's: 0 the level */
static const CodecCase codec_cases[] = {
  { { "none", .compression = GDCI_COMPRESSION_NONE }, 0, { 0 }, 0, { { 0 } } },
  { { "none, fletcher32", .fletcher32 = TRUE }, 1, { H5Z_FILTER_FLETCHER32 }, 0, { { 0 } } },
  { { "none, shuffle", .shuffle = TRUE }, 1, { H5Z_FILTER_SHUFFLE }, 0, { { 0 } } },
  { { "none, bitshuffle", .bitshuffle = TRUE }, 1, { FILTER_BITSHUFFLE },
    2, { { 2, 2 }, { 4, 0 } } },
  { { "gzip", .compression = GDCI_COMPRESSION_GZIP }, 1, { H5Z_FILTER_DEFLATE },
    1, { { 0, 4 } } },
  { { "gzip 9", .compression = GDCI_COMPRESSION_GZIP, .level = 9 }, 1, { H5Z_FILTER_DEFLATE },
    1, { { 0, 9 } } },
  { { "gzip 1, shuffle, fletcher32", .compression = GDCI_COMPRESSION_GZIP, .level = 1,
      .shuffle = TRUE, .fletcher32 = TRUE }, 3,
    { H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32 }, 1, { { 0, 1 } } },
  { { "gzip-fast", .compression = GDCI_COMPRESSION_GZIP_FAST }, 1, { H5Z_FILTER_DEFLATE },
    1, { { 0, 1 } } },
  { { "gzip-fast 3, shuffle", .compression = GDCI_COMPRESSION_GZIP_FAST, .level = 3,
      .shuffle = TRUE }, 2, { H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE }, 1, { { 0, 3 } } },
  { { "zstd", .compression = GDCI_COMPRESSION_ZSTD }, 1, { FILTER_ZSTD }, 1, { { 0, 3 } } },
  { { "zstd 12, shuffle, fletcher32", .compression = GDCI_COMPRESSION_ZSTD, .level = 12,
      .shuffle = TRUE, .fletcher32 = TRUE }, 3,
    { H5Z_FILTER_SHUFFLE, FILTER_ZSTD, H5Z_FILTER_FLETCHER32 }, 1, { { 0, 12 } } },
  { { "zstd 7, bitshuffle", .compression = GDCI_COMPRESSION_ZSTD, .level = 7,
      .bitshuffle = TRUE }, 1, { FILTER_BITSHUFFLE }, 3, { { 2, 2 }, { 4, 3 }, { 5, 7 } } },
  { { "lz4", .compression = GDCI_COMPRESSION_LZ4 }, 1, { FILTER_LZ4 }, 0, { { 0 } } },
  { { "lz4, shuffle, fletcher32", .compression = GDCI_COMPRESSION_LZ4, .shuffle = TRUE,
      .fletcher32 = TRUE }, 3, { H5Z_FILTER_SHUFFLE, FILTER_LZ4, H5Z_FILTER_FLETCHER32 },
    0, { { 0 } } },
  { { "lz4, bitshuffle, fletcher32", .compression = GDCI_COMPRESSION_LZ4, .bitshuffle = TRUE,
      .fletcher32 = TRUE }, 2, { FILTER_BITSHUFFLE, H5Z_FILTER_FLETCHER32 },
    1, { { 4, 2 } } },
  { { "blosc lz4", .compression = GDCI_COMPRESSION_BLOSC, .blosc_codec = GDCI_BLOSC_CODEC_LZ4 }, 1, { FILTER_BLOSC },
    4, { { 2, 2 }, { 4, 5 }, { 5, 0 }, { 6, 1 } } },
  { { "blosc zstd 9, shuffle", .compression = GDCI_COMPRESSION_BLOSC, .level = 9,
      .shuffle = TRUE, .blosc_codec = GDCI_BLOSC_CODEC_ZSTD }, 1, { FILTER_BLOSC },
    4, { { 3, 6 * 2 * 5 * 2 }, { 4, 9 }, { 5, 1 }, { 6, 5 } } },
  { { "blosc blosclz, bitshuffle", .compression = GDCI_COMPRESSION_BLOSC, .bitshuffle = TRUE,
      .blosc_codec = GDCI_BLOSC_CODEC_BLOSCLZ }, 1, { FILTER_BLOSC },
    2, { { 5, 2 }, { 6, 0 } } },
  { { "blosc lz4hc 2", .compression = GDCI_COMPRESSION_BLOSC, .level = 2,
      .blosc_codec = GDCI_BLOSC_CODEC_LZ4HC }, 1, { FILTER_BLOSC }, 2, { { 4, 2 }, { 6, 2 } } },
  { { "blosc zlib, shuffle, fletcher32", .compression = GDCI_COMPRESSION_BLOSC,
      .shuffle = TRUE, .fletcher32 = TRUE, .blosc_codec = GDCI_BLOSC_CODEC_ZLIB }, 2,
    { FILTER_BLOSC, H5Z_FILTER_FLETCHER32 }, 2, { { 5, 1 }, { 6, 4 } } },
};

static void
test_codecs (void)
{
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (codec_cases); i++)
    {
      const CodecCase *c = &codec_cases[i];
      Recording rec = c->rec;
      g_auto(ReadBack) r = { 0 };
      guint codec_filter = 0;

      /* uint16 frames of 2 x 9, in chunks of 6 frames and of the frame's
       * halves, the last cut */
      rec.dtype = GDCI_DTYPE_UINT16;
      rec.frame_shape = "@at [2, 9]";
      rec.chunk_shape = "@at [6, 0, 5]";
      rec.appends[0] = 4;
      rec.appends[1] = 13;
      rec.appends[2] = 2;
      record (&rec, out.path, &r);

      g_assert_cmpuint (r.n_filters, ==, c->n_filters);
      for (guint f = 0; f < c->n_filters; f++)
        {
          g_assert_cmpint (r.filters[f], ==, c->filters[f]);
          if (c->filters[f] != H5Z_FILTER_SHUFFLE && c->filters[f] != H5Z_FILTER_FLETCHER32)
            codec_filter = f;
        }
      for (guint k = 0; k < c->n_cds; k++)
        {
          g_assert_cmpuint (r.n_cd[codec_filter], >, c->cds[k].index);
          g_assert_cmpuint (r.cd[codec_filter][c->cds[k].index], ==, c->cds[k].value);
        }
    }
}

/* ---- chunks ---------------------------------------------------------------- */

typedef struct
{
  const char *frame_shape;
  const char *chunk_shape;      /* NULL: gdci's */
  double chunk_mb;
  GdciDtype dtype;
  guint64 want[4];
} ChunkCase;

static void
test_chunk_shapes (void)
{
  static const ChunkCase cases[] = {
    /* asked */
    { "@at [5]", "@at [7, 0]", 10.0, GDCI_DTYPE_INT16, { 7, 5 } },
    { "@at [10, 6]", "@at [4, 3, 0]", 10.0, GDCI_DTYPE_INT16, { 4, 3, 6 } },
    { "@at [10, 6]", "@at [4, 10, 6]", 10.0, GDCI_DTYPE_INT16, { 4, 10, 6 } },
    /* the frames of a chunk planned for the axes asked: 1000 bytes of
     * rows of 2 x 2 bytes */
    { "@at [5]", "@at [0, 2]", 0.001, GDCI_DTYPE_INT16, { 250, 2 } },
    /* as many whole frames as fit in chunk-mb */
    { "@at [100]", NULL, 0.01, GDCI_DTYPE_INT16, { 50, 100 } },
    { "@at [100]", "@at [0, 0]", 0.01, GDCI_DTYPE_INT16, { 50, 100 } },
    { "@at [7, 3]", NULL, 0.001, GDCI_DTYPE_FLOAT64, { 5, 7, 3 } },
    { "@at []", NULL, 0.0001, GDCI_DTYPE_INT32, { 25 } },
    /* a frame of a chunk's size: one frame to a chunk */
    { "@at [250]", NULL, 0.001, GDCI_DTYPE_UINT32, { 1, 250 } },
    /* the default of 10 MB, as the documentation says */
    { "@at [384]", NULL, 10.0, GDCI_DTYPE_INT16, { 13020, 384 } },
  };
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ChunkCase *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciH5Stream) stream = NULL;
      g_auto(ReadBack) r = { 0 };
      guint64 frame[GDCI_MAX_DIMS];
      guint n = parse_shape (c->frame_shape, frame);

      g_test_message ("frames %s, chunk %s, %g MB", c->frame_shape,
                      c->chunk_shape != NULL ? c->chunk_shape : "gdci's", c->chunk_mb);
      stream = stream_open (out.path, "/data", c->dtype, c->frame_shape, &error,
                            "chunk-shape",
                            c->chunk_shape != NULL ? g_variant_new_parsed (c->chunk_shape) : NULL,
                            "chunk-mb", c->chunk_mb, NULL);
      g_assert_no_error (error);
      assert_chunk_property (stream, c->want, n + 1);
      append_frames (stream, 0, 17);
      g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
      g_assert_no_error (error);
      read_back (out.path, "/data", c->dtype, H5F_ACC_RDONLY, &r);
      assert_chunk (&r, c->want, n + 1);
      assert_frames (&r, c->dtype, frame, n, 17);
      g_assert_cmpuint (g_unlink (out.path), ==, 0);
    }
}

/* A frame larger than chunk-mb: split as gdci's FIT plan splits a dataset
 * of the frame's shape, and as many of those tiles to a chunk as fit */
static void
test_chunk_frame_larger (void)
{
  static const struct { const char *frame; guint64 shape[3]; guint n; GdciDtype dtype; } cases[] = {
    { "@at [50, 70]", { 50, 70 }, 2, GDCI_DTYPE_FLOAT64 },
    { "@at [9, 40, 30]", { 9, 40, 30 }, 3, GDCI_DTYPE_UINT8 },
    { "@at [3000]", { 3000 }, 1, GDCI_DTYPE_INT32 },
  };
  const double chunk_mb = 0.01;
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciH5Stream) stream = NULL;
      g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
      g_autoptr(GdciPlan) plan = NULL;
      g_auto(ReadBack) r = { 0 };
      guint64 want[4], tile_bytes;
      const guint64 *tile;

      gdci_plan_settings_set_strategy (settings, GDCI_PLAN_STRATEGY_FIT);
      gdci_plan_settings_set_chunk_mb (settings, chunk_mb);
      plan = gdci_plan_new (cases[i].dtype, cases[i].shape, cases[i].n, settings, &error);
      g_assert_no_error (error);
      tile = gdci_plan_get_chunk_shape (plan, NULL);
      tile_bytes = gdci_dtype_get_itemsize (cases[i].dtype);
      for (guint a = 0; a < cases[i].n; a++)
        {
          want[1 + a] = tile[a];
          tile_bytes *= tile[a];
        }
      want[0] = MAX (1, (guint64) (chunk_mb * 1e6) / tile_bytes);

      stream = stream_open (out.path, "/data", cases[i].dtype, cases[i].frame, &error,
                            "chunk-mb", chunk_mb, NULL);
      g_assert_no_error (error);
      append_frames (stream, 0, 4);
      append_frames (stream, 4, 5);
      g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
      g_assert_no_error (error);
      read_back (out.path, "/data", cases[i].dtype, H5F_ACC_RDONLY, &r);
      assert_chunk (&r, want, cases[i].n + 1);
      /* split: at least one axis of the frame's is cut */
      g_assert_cmpuint (tile_bytes, <, gdci_h5_stream_get_frame_bytes (stream));
      assert_frames (&r, cases[i].dtype, cases[i].shape, cases[i].n, 9);
      g_assert_cmpuint (g_unlink (out.path), ==, 0);
    }
}

/* ---- the stream's properties --------------------------------------------------- */

static void
test_properties (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GdciH5Stream) plain = NULL;
  g_autofree char *plain_path = NULL;
  guint64 max_backlog = 0;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = stream_open (out.path, "/acquisition/probe0", GDCI_DTYPE_UINT32, "@at [3, 4]",
                        &error, "chunk-shape", g_variant_new_parsed ("@at [6, 0, 2]"),
                        "swmr", FALSE, "flush-interval", 2.5,
                        "max-backlog-bytes", (guint64) 12345, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (gdci_h5_stream_get_filename (stream), ==, out.path);
  g_assert_cmpstr (gdci_h5_stream_get_dataset_path (stream), ==, "/acquisition/probe0");
  g_assert_cmpint (gdci_h5_stream_get_dtype (stream), ==, GDCI_DTYPE_UINT32);
  assert_shape_variant (gdci_h5_stream_get_frame_shape (stream), "@at [3, 4]");
  assert_shape_variant (gdci_h5_stream_get_chunk_shape (stream), "@at [6, 3, 2]");
  g_assert_cmpuint (gdci_h5_stream_get_frame_bytes (stream), ==, 3 * 4 * 4);
  g_assert_false (gdci_h5_stream_get_swmr (stream));
  g_assert_cmpfloat (gdci_h5_stream_get_flush_interval (stream), ==, 2.5);
  g_assert_cmpuint (gdci_h5_stream_get_max_backlog_bytes (stream), ==, 12345);
  g_object_get (stream, "max-backlog-bytes", &max_backlog, NULL);
  g_assert_cmpuint (max_backlog, ==, 12345);
  g_assert_false (gdci_h5_stream_is_closed (stream));
  g_assert_cmpuint (gdci_h5_stream_get_bytes_written (stream), ==, 0);
  /* initialized again, it is the same stream */
  g_assert_true (g_initable_init (G_INITABLE (stream), NULL, &error));
  g_assert_no_error (error);
  append_frames (stream, 0, 8);
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gdci_h5_stream_is_closed (stream));
  /* 8 frames: 2 rows of chunks of 2 tiles, 4 chunks of 6 x 3 x 2 uint32
   * stored as they are, or more with the rewrites of a flush */
  g_assert_cmpuint (gdci_h5_stream_get_bytes_written (stream), >=, 4 * 6 * 3 * 2 * 4);
  assert_file_frames (out.path, "/acquisition/probe0", GDCI_DTYPE_UINT32, SHAPE (3, 4), 2, 8);

  /* gdci_h5_stream_new (): the defaults */
  plain_path = g_build_filename (out.dir, "plain.h5", NULL);
  plain = gdci_h5_stream_new (plain_path, "/p", GDCI_DTYPE_INT8, g_variant_new_parsed ("@at [2]"),
                              NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gdci_h5_stream_get_swmr (plain));
  g_assert_cmpfloat (gdci_h5_stream_get_flush_interval (plain), ==, 1.0);
  g_assert_cmpuint (gdci_h5_stream_get_max_backlog_bytes (plain), ==, 256 * 1024 * 1024);
  assert_shape_variant (gdci_h5_stream_get_chunk_shape (plain), "@at [5000000, 2]");
  g_assert_true (gdci_h5_stream_close (plain, NULL, &error));
  g_assert_no_error (error);
  assert_file_frames (plain_path, "/p", GDCI_DTYPE_INT8, SHAPE (2), 1, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  /* HDF5 reads zstd, LZ4, Blosc and Bitshuffle back through gdci's filters */
  _gdci_h5_register_filters ();

  g_test_add_func ("/h5-stream/append/sizes", test_append_sizes);
  g_test_add_func ("/h5-stream/append/counts", test_append_counts);
  g_test_add_func ("/h5-stream/append/none", test_append_none);
  g_test_add_func ("/h5-stream/frame-ranks", test_frame_ranks);
  g_test_add_func ("/h5-stream/dtypes", test_dtypes);
  g_test_add_func ("/h5-stream/codecs", test_codecs);
  g_test_add_func ("/h5-stream/chunks/shapes", test_chunk_shapes);
  g_test_add_func ("/h5-stream/chunks/frame-larger", test_chunk_frame_larger);
  g_test_add_func ("/h5-stream/properties", test_properties);

  return g_test_run ();
}
