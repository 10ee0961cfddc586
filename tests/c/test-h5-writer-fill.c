/* test-h5-writer-fill.c: a write in FILL mode into datasets that HDF5's
 * own calls made, as h5py and hdmf make them: every filter pipeline gdci
 * encodes (its chunks written directly, on threads), chunks not aligned
 * with the iterator's buffers, chunks longer than the data of an
 * extendable dataset, and pipelines and conversions that HDF5 writes
 * itself; the dataset's storage, attributes and the rest of the file kept
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "gdci.h"
#include "gdci-compressor-private.h"
#include "gdci-hdf5-private.h"

#include "test-h5-fill-util.h"
#include "test-util.h"

typedef TestOutDir Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  test_out_dir_init (f, "gdci-fill-XXXXXX");
  /* the filters of hdf5plugin, as gdci registers them, to make datasets
   * with and to read them back */
  _gdci_h5_register_filters ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_out_dir_clear (f);
}

/* The data of a dataset of @dtype of @n elements */
static GBytes *
make_values (GdciDtype dtype, gsize n, guint32 seed)
{
  if (dtype == GDCI_DTYPE_INT16)
    return test_fill_recording (n, seed);
  return test_make_pattern (n * gdci_dtype_get_itemsize (dtype), seed);
}

/* Makes @name in @f's file as @spec says, fills it with @values of @dtype
 * read in buffers of @buffer_shape, and checks that H5Dread() reads them
 * back, that the storage is as it was, how many threads filtered the
 * chunks (some, or none where HDF5 wrote them), and that no journal is left */
static void
assert_fill (Fixture           *f,
             const char        *name,
             const TestDataset *spec,
             GdciDtype          dtype,
             GBytes            *values,
             const char        *buffer_shape,
             GdciCompression    compression,
             gboolean           direct)
{
  guint64 shape[3];
  g_autoptr(GdciChunkIterator) it = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree char *before = NULL, *after = NULL;
  guint n_threads = G_MAXUINT;

  for (guint i = 0; i < spec->n_dims; i++)
    shape[i] = spec->dims[i];
  test_fill_make_dataset (f->path, name, spec);
  before = test_fill_describe (f->path, name);
  it = test_fill_iterator (values, dtype, shape, spec->n_dims, buffer_shape, buffer_shape);
  g_assert_true (test_fill (f->path, name, it, compression, &n_threads, &error));
  g_assert_no_error (error);
  if (direct)
    g_assert_cmpuint (n_threads, >, 0);
  else
    g_assert_cmpuint (n_threads, ==, 0);

  back = test_fill_read (f->path, name, _gdci_h5_native_type (dtype));
  g_assert_true (g_bytes_equal (back, values));
  after = test_fill_describe (f->path, name);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

/* ---- every pipeline gdci encodes ------------------------------------------ */

typedef struct
{
  const char *name;
  GdciDtype dtype;         /* the data's and, in the native order, the dataset's */
  gboolean shuffle;
  int deflate;
  H5Z_filter_t plugin;
  guint n_cd;
  unsigned cd[8];
  gboolean fletcher32;
  GdciCompression compression;
} Pipeline;

#define LE16 H5T_STD_I16LE

static const Pipeline pipelines[] = {
  { .name = "none", .dtype = GDCI_DTYPE_INT16 },
  { "shuffle-deflate", GDCI_DTYPE_INT16, .shuffle = TRUE, .deflate = 4 },
  { "deflate-fletcher32", GDCI_DTYPE_INT16, .shuffle = FALSE, .deflate = 6, .fletcher32 = TRUE },
  { "shuffle-deflate-fletcher32", GDCI_DTYPE_INT16, .shuffle = TRUE, .deflate = 1,
    .fletcher32 = TRUE },
  { "fletcher32", GDCI_DTYPE_INT16, .fletcher32 = TRUE },
  { "deflate-1-fast", GDCI_DTYPE_INT16, .shuffle = TRUE, .deflate = 1,
    .compression = GDCI_COMPRESSION_GZIP_FAST },
  { "deflate-3-fast", GDCI_DTYPE_INT16, .shuffle = FALSE, .deflate = 3,
    .compression = GDCI_COMPRESSION_GZIP_FAST },
  /* above level 3, gzip-fast leaves it to libdeflate at its level */
  { "deflate-6-fast", GDCI_DTYPE_INT16, .shuffle = TRUE, .deflate = 6,
    .compression = GDCI_COMPRESSION_GZIP_FAST },
  { "zstd", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_ZSTD, .n_cd = 1, .cd = { 3 } },
  { "shuffle-zstd-fletcher32", GDCI_DTYPE_INT16, .shuffle = TRUE, .plugin = TEST_FILTER_ZSTD,
    .n_cd = 1, .cd = { 1 },
    .fletcher32 = TRUE },
  { "lz4", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_LZ4, .n_cd = 1, .cd = { 0 } },
  { "blosc-lz4-shuffle", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BLOSC, .n_cd = 7,
    .cd = { 0, 0, 0, 0, 5, 1, GDCI_BLOSC_INNER_LZ4 } },
  { "blosc-zstd-bitshuffle", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BLOSC, .n_cd = 7,
    .cd = { 0, 0, 0, 0, 3, 2, GDCI_BLOSC_INNER_ZSTD } },
  { "blosc-blosclz", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BLOSC, .n_cd = 7,
    .cd = { 0, 0, 0, 0, 9, 0, GDCI_BLOSC_INNER_BLOSCLZ } },
  { "bitshuffle-lz4", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BITSHUFFLE, .n_cd = 2,
    .cd = { 0, GDCI_BITSHUFFLE_INNER_LZ4 } },
  { "bitshuffle-zstd", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BITSHUFFLE, .n_cd = 3,
    .cd = { 0, GDCI_BITSHUFFLE_INNER_ZSTD, 5 } },
  /* other element sizes: shuffle of one byte is no shuffle */
  { "uint8-shuffle-deflate", GDCI_DTYPE_UINT8, .shuffle = TRUE, .deflate = 5 },
  { "float32-shuffle-deflate-fletcher32", GDCI_DTYPE_FLOAT32, .shuffle = TRUE, .deflate = 2,
    .fletcher32 = TRUE },
  { "float64-zstd", GDCI_DTYPE_FLOAT64, .plugin = TEST_FILTER_ZSTD, .n_cd = 1, .cd = { 9 } },
  { "int64-bitshuffle-lz4", GDCI_DTYPE_INT64, .plugin = TEST_FILTER_BITSHUFFLE, .n_cd = 2,
    .cd = { 0, GDCI_BITSHUFFLE_INNER_LZ4 } },
  { "uint16-blosc-lz4", GDCI_DTYPE_UINT16, .plugin = TEST_FILTER_BLOSC, .n_cd = 7,
    .cd = { 0, 0, 0, 0, 5, 1, GDCI_BLOSC_INNER_LZ4 } },
  { "uint32-lz4-fletcher32", GDCI_DTYPE_UINT32, .plugin = TEST_FILTER_LZ4, .n_cd = 1, .cd = { 0 },
    .fletcher32 = TRUE },
};

static void
pipeline_dataset (const Pipeline *p,
                  TestDataset    *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->type = _gdci_h5_native_type (p->dtype);
  spec->shuffle = p->shuffle;
  spec->deflate = p->deflate;
  spec->plugin = p->plugin;
  spec->n_plugin_cd = p->n_cd;
  memcpy (spec->plugin_cd, p->cd, sizeof p->cd);
  spec->fletcher32 = p->fletcher32;
}

static void
test_every_pipeline (Fixture *f, gconstpointer data)
{
  /* (200, 30) in chunks of (33, 7): edge chunks on both axes, and buffers
   * of 50 rows that are not whole chunks, read again in whole chunks */
  for (guint i = 0; i < G_N_ELEMENTS (pipelines); i++)
    {
      const Pipeline *p = &pipelines[i];
      g_autofree char *name = g_strdup_printf ("/%s", p->name);
      g_autoptr(GBytes) values = make_values (p->dtype, 200 * 30, i);
      TestDataset spec;

      g_test_message ("%s", p->name);
      pipeline_dataset (p, &spec);
      spec.n_dims = 2;
      spec.dims[0] = 200;
      spec.dims[1] = 30;
      spec.chunk[0] = 33;
      spec.chunk[1] = 7;
      assert_fill (f, name, &spec, p->dtype, values, "[uint64 50, 30]", p->compression, TRUE);
      /* every chunk written, whole */
      g_assert_cmpuint (test_fill_n_chunks (f->path, name), ==, 7 * 5);
    }
}

/* ---- buffers that are not whole chunks --------------------------------------- */

static void
test_unaligned_buffers (Fixture *f, gconstpointer data)
{
  /* buffers smaller than a chunk, larger, aligned already, the whole
   * data, and short of a chunk on the last axis; in a pipeline gdci
   * encodes and in one that HDF5 does */
  static const char *const buffers[] = {
    "[uint64 50, 30]", "[uint64 10, 30]", "[uint64 66, 30]", "[uint64 200, 30]",
    "[uint64 40, 10]", "[uint64 1, 30]", "[uint64 100, 3]",
  };
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 11);

  for (guint b = 0; b < G_N_ELEMENTS (buffers); b++)
    for (guint hdf5 = 0; hdf5 < 2; hdf5++)
      {
        g_autofree char *name = g_strdup_printf ("/b%u-%u", b, hdf5);
        TestDataset spec = {
          .type = LE16, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 },
          .shuffle = !hdf5, .deflate = hdf5 ? 0 : 4, .scaleoffset = hdf5,
        };

        g_test_message ("buffers %s, %s", buffers[b], hdf5 ? "HDF5's" : "gdci's");
        assert_fill (f, name, &spec, GDCI_DTYPE_INT16, values, buffers[b],
                     GDCI_COMPRESSION_NONE, !hdf5);
      }
}

static void
test_three_axes (Fixture *f, gconstpointer data)
{
  /* chunks that divide no axis, buffers that are not whole chunks */
  g_autoptr(GBytes) values = test_fill_recording (37 * 11 * 9, 12);
  TestDataset spec = {
    .type = LE16, .n_dims = 3, .dims = { 37, 11, 9 }, .chunk = { 8, 4, 5 },
    .shuffle = TRUE, .plugin = TEST_FILTER_ZSTD, .n_plugin_cd = 1, .plugin_cd = { 2 },
    .fletcher32 = TRUE,
  };

  assert_fill (f, "/a/b/c", &spec, GDCI_DTYPE_INT16, values, "[uint64 10, 11, 9]",
               GDCI_COMPRESSION_NONE, TRUE);
  g_assert_cmpuint (test_fill_n_chunks (f->path, "/a/b/c"), ==, 5 * 3 * 2);
}

/* ---- chunks longer than the data ------------------------------------------- */

/* After the fill, the dataset is extended to @grown: the new elements in
 * the chunks written read as the fill value, -7, as after HDF5's own write
 * (the edge chunks are padded with it) */
static void
assert_extends_with_fill_value (Fixture       *f,
                                const char    *name,
                                GBytes        *values,
                                const hsize_t *dims,
                                const hsize_t *grown)
{
  hid_t file = H5Fopen (f->path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);
  gsize n = grown[0] * grown[1];
  g_autofree gint16 *back = g_new0 (gint16, n);
  const gint16 *v = g_bytes_get_data (values, NULL);

  g_assert_cmpint (H5Dset_extent (dset, grown), >=, 0);
  g_assert_cmpint (H5Dread (dset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, back), >=, 0);
  for (hsize_t r = 0; r < grown[0]; r++)
    for (hsize_t c = 0; c < grown[1]; c++)
      {
        gint16 want = r < dims[0] && c < dims[1] ? v[r * dims[1] + c] : -7;

        if (back[r * grown[1] + c] != want)
          g_error ("%s: (%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") is %d, not %d", name,
                   (guint64) r, (guint64) c, back[r * grown[1] + c], want);
      }
  H5Dclose (dset);
  H5Fclose (file);
}

static void
test_chunks_longer_than_data (Fixture *f, gconstpointer data)
{
  /* an extendable dataset, as hdmf and h5py make one to append to: its
   * chunks longer than the data on both axes, a fill value of its own */
  static const Pipeline kinds[] = {
    { .name = "none", .dtype = GDCI_DTYPE_INT16 },
    { "shuffle-deflate-fletcher32", GDCI_DTYPE_INT16, .shuffle = TRUE, .deflate = 4,
      .fletcher32 = TRUE },
    { "zstd", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_ZSTD, .n_cd = 1, .cd = { 3 } },
    { "blosc", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BLOSC, .n_cd = 7,
      .cd = { 0, 0, 0, 0, 5, 1, GDCI_BLOSC_INNER_LZ4 } },
    { "bitshuffle-lz4", GDCI_DTYPE_INT16, .plugin = TEST_FILTER_BITSHUFFLE, .n_cd = 2,
      .cd = { 0, GDCI_BITSHUFFLE_INNER_LZ4 } },
    { .name = "scaleoffset (HDF5's)", .dtype = GDCI_DTYPE_INT16 },
  };
  hsize_t dims[] = { 30, 5 }, grown[] = { 150, 12 };
  g_autoptr(GBytes) values = test_fill_recording (30 * 5, 13);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("/x%u", i);
      gboolean hdf5 = i + 1 == G_N_ELEMENTS (kinds);
      TestDataset spec;

      g_test_message ("%s", kinds[i].name);
      pipeline_dataset (&kinds[i], &spec);
      spec.n_dims = 2;
      spec.dims[0] = dims[0];
      spec.dims[1] = dims[1];
      spec.maxdims[0] = H5S_UNLIMITED;
      spec.maxdims[1] = H5S_UNLIMITED;
      spec.chunk[0] = 100;
      spec.chunk[1] = 8;
      spec.scaleoffset = hdf5;
      spec.fill_value = TRUE;
      assert_fill (f, name, &spec, GDCI_DTYPE_INT16, values, "[uint64 10, 5]",
                   GDCI_COMPRESSION_NONE, !hdf5);
      g_assert_cmpuint (test_fill_n_chunks (f->path, name), ==, 1);
      assert_extends_with_fill_value (f, name, values, dims, grown);
    }
}

static void
test_partly_extendable (Fixture *f, gconstpointer data)
{
  /* the first axis unlimited with chunks of 64 rows, 1000 rows of data:
   * the last chunk is partial, the fill value of its own pads it */
  g_autoptr(GBytes) values = test_fill_recording (1000 * 6, 14);
  hsize_t dims[] = { 1000, 6 }, grown[] = { 1100, 6 };
  TestDataset spec = {
    .type = LE16, .n_dims = 2, .dims = { 1000, 6 }, .maxdims = { H5S_UNLIMITED, 6 },
    .chunk = { 64, 6 }, .shuffle = TRUE, .deflate = 1, .fill_value = TRUE,
  };

  assert_fill (f, "/y", &spec, GDCI_DTYPE_INT16, values, "[uint64 100, 6]",
               GDCI_COMPRESSION_GZIP_FAST, TRUE);
  assert_extends_with_fill_value (f, "/y", values, dims, grown);
}

/* ---- what HDF5 writes itself ------------------------------------------------ */

typedef struct
{
  const char *name;
  GdciDtype dtype;      /* the data's */
  hid_t type;           /* the dataset's */
  gboolean chunked;
  gboolean shuffle, scaleoffset, nbit;
  int deflate;
  H5Z_filter_t plugin;
  guint n_cd;
  unsigned cd[8];
} Conversion;

static void
test_written_by_hdf5 (Fixture *f, gconstpointer data)
{
  /* filters gdci does not encode, types other than the data's, and
   * datasets without chunks: HDF5 converts and filters each buffer */
  hid_t int32_16bits = H5Tcopy (H5T_STD_I32LE);
  Conversion cases[] = {
    { "scaleoffset", GDCI_DTYPE_INT16, LE16, .chunked = TRUE, .scaleoffset = TRUE },
    { "scaleoffset-deflate", GDCI_DTYPE_INT16, LE16, .chunked = TRUE, .scaleoffset = TRUE,
      .deflate = 6 },
    { "nbit (int32 of 16 bits)", GDCI_DTYPE_INT16, int32_16bits, .chunked = TRUE, .nbit = TRUE },
    { "big-endian shuffle-deflate", GDCI_DTYPE_INT16, H5T_STD_I16BE, .chunked = TRUE,
      .shuffle = TRUE, .deflate = 4 },
    { "big-endian zstd", GDCI_DTYPE_INT16, H5T_STD_I16BE, .chunked = TRUE,
      .plugin = TEST_FILTER_ZSTD, .n_cd = 1, .cd = { 3 } },
    { "int16 into int32", GDCI_DTYPE_INT16, H5T_STD_I32LE, .chunked = TRUE, .shuffle = TRUE,
      .deflate = 4 },
    { "int16 into float32", GDCI_DTYPE_INT16, H5T_IEEE_F32LE, .chunked = TRUE, .shuffle = TRUE,
      .deflate = 4 },
    { "int16 into float64 bitshuffle", GDCI_DTYPE_INT16, H5T_IEEE_F64LE, .chunked = TRUE,
      .plugin = TEST_FILTER_BITSHUFFLE, .n_cd = 2, .cd = { 0, GDCI_BITSHUFFLE_INNER_LZ4 } },
    { "uint8 into int16", GDCI_DTYPE_UINT8, LE16, .chunked = TRUE },
    { "uint16 into uint32", GDCI_DTYPE_UINT16, H5T_STD_U32LE, .chunked = TRUE, .deflate = 1 },
    { "int32 into int64", GDCI_DTYPE_INT32, H5T_STD_I64LE, .chunked = TRUE },
    { "int32 into float64", GDCI_DTYPE_INT32, H5T_IEEE_F64BE, .chunked = TRUE },
    { "contiguous", GDCI_DTYPE_INT16, LE16, .chunked = FALSE },
    { "contiguous big-endian", GDCI_DTYPE_INT16, H5T_STD_I16BE, .chunked = FALSE },
    { "contiguous int16 into int64", GDCI_DTYPE_INT16, H5T_STD_I64BE, .chunked = FALSE },
  };

  g_assert_cmpint (H5Tset_precision (int32_16bits, 16), >=, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Conversion *c = &cases[i];
      g_autofree char *name = g_strdup_printf ("/c%u", i);
      g_autoptr(GBytes) values = NULL;
      TestDataset spec = {
        .type = c->type, .n_dims = 2, .dims = { 200, 30 }, .shuffle = c->shuffle,
        .deflate = c->deflate, .scaleoffset = c->scaleoffset, .nbit = c->nbit,
        .plugin = c->plugin, .n_plugin_cd = c->n_cd,
      };

      g_test_message ("%s", c->name);
      memcpy (spec.plugin_cd, c->cd, sizeof c->cd);
      if (c->chunked)
        {
          spec.chunk[0] = 33;
          spec.chunk[1] = 7;
        }
      if (c->dtype == GDCI_DTYPE_INT32)
        {
          /* every int32 is a float64 exactly: the extremes too */
          values = test_make_pattern (200 * 30 * 4, i);
        }
      else
        values = make_values (c->dtype, 200 * 30, i);
      assert_fill (f, name, &spec, c->dtype, values, "[uint64 50, 30]", GDCI_COMPRESSION_NONE,
                   FALSE);
    }
  H5Tclose (int32_16bits);
}

static void
test_stored_values_converted (Fixture *f, gconstpointer data)
{
  /* the values stored are the data's, converted: read as the dataset's own
   * type, int16 into float32 holds each value as a float */
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 15);
  g_autoptr(GdciChunkIterator) it =
    test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 50, 30]",
                        "[uint64 50, 30]");
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  TestDataset spec = {
    .type = H5T_IEEE_F32LE, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 },
    .shuffle = TRUE, .deflate = 4,
  };
  const gint16 *v = g_bytes_get_data (values, NULL);
  const float *stored;

  test_fill_make_dataset (f->path, "/f", &spec);
  g_assert_true (test_fill (f->path, "/f", it, GDCI_COMPRESSION_NONE, NULL, &error));
  g_assert_no_error (error);
  back = test_fill_read (f->path, "/f", H5T_NATIVE_FLOAT);
  stored = g_bytes_get_data (back, NULL);
  for (guint i = 0; i < 200 * 30; i++)
    g_assert_cmpfloat (stored[i], ==, (float) v[i]);
}

/* ---- the rest of the file ------------------------------------------------------ */

static void
write_attribute (hid_t object, const char *name, hid_t type, const void *value)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attr = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);

  g_assert_cmpint (H5Awrite (attr, type, value), >=, 0);
  H5Aclose (attr);
  H5Sclose (space);
}

static void
read_attribute (hid_t file, const char *object, const char *name, hid_t type, void *value)
{
  hid_t attr = H5Aopen_by_name (file, object, name, H5P_DEFAULT, H5P_DEFAULT);

  g_assert_cmpint (attr, >=, 0);
  g_assert_cmpint (H5Aread (attr, type, value), >=, 0);
  H5Aclose (attr);
}

/* Attributes on the root, on /x and /y, on the group /g; /g/other written */
static void
make_neighbours (Fixture *f, GBytes *other)
{
  hid_t file = H5Fopen (f->path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t str = H5Tcopy (H5T_C_S1);
  hid_t dset;
  double rate = 30000.0;
  int version = 3;

  H5Tset_size (str, 8);
  write_attribute (file, "version", H5T_NATIVE_INT, &version);
  for (guint i = 0; i < 2; i++)
    {
      dset = H5Dopen2 (file, i == 0 ? "/x" : "/y", H5P_DEFAULT);
      write_attribute (dset, "rate", H5T_NATIVE_DOUBLE, &rate);
      write_attribute (dset, "unit", str, "volts\0\0");
      H5Dclose (dset);
    }
  dset = H5Dopen2 (file, "/g/other", H5P_DEFAULT);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             g_bytes_get_data (other, NULL)), >=, 0);
  H5Dclose (dset);
  version = 4;
  dset = H5Gopen2 (file, "/g", H5P_DEFAULT);
  write_attribute (dset, "g", H5T_NATIVE_INT, &version);
  H5Gclose (dset);
  H5Tclose (str);
  H5Fclose (file);
}

static void
assert_neighbours (Fixture *f, GBytes *other)
{
  hid_t file = H5Fopen (f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t str = H5Tcopy (H5T_C_S1);
  g_autoptr(GBytes) back = test_fill_read (f->path, "/g/other", H5T_NATIVE_INT16);
  char unit[9] = { 0 };
  double rate = 0;
  int version = 0;

  H5Tset_size (str, 8);
  read_attribute (file, "/", "version", H5T_NATIVE_INT, &version);
  g_assert_cmpint (version, ==, 3);
  read_attribute (file, "/g", "g", H5T_NATIVE_INT, &version);
  g_assert_cmpint (version, ==, 4);
  for (guint i = 0; i < 2; i++)
    {
      read_attribute (file, i == 0 ? "/x" : "/y", "rate", H5T_NATIVE_DOUBLE, &rate);
      g_assert_cmpfloat (rate, ==, 30000.0);
      read_attribute (file, i == 0 ? "/x" : "/y", "unit", str, unit);
      g_assert_cmpstr (unit, ==, "volts");
    }
  g_assert_true (g_bytes_equal (back, other));
  H5Tclose (str);
  H5Fclose (file);
}

static void
test_rest_of_file_kept (Fixture *f, gconstpointer data)
{
  /* /x is filled directly, /y by HDF5: their attributes, the other's
   * data, the group and its dataset are as they were */
  g_autoptr(GBytes) other = test_fill_recording (40 * 3, 16);
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 17);
  g_autofree char *other_before = NULL, *other_after = NULL;
  TestDataset x = {
    .type = LE16, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 }, .shuffle = TRUE,
    .deflate = 4,
  };
  TestDataset y = x, g = { .type = LE16, .n_dims = 2, .dims = { 40, 3 }, .chunk = { 8, 3 },
                           .deflate = 9 };

  y.deflate = 0;
  y.scaleoffset = TRUE;
  test_fill_make_dataset (f->path, "/x", &x);
  test_fill_make_dataset (f->path, "/y", &y);
  test_fill_make_dataset (f->path, "/g/other", &g);
  make_neighbours (f, other);
  other_before = test_fill_describe (f->path, "/g/other");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GdciChunkIterator) it =
        test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 50, 30]",
                            "[uint64 50, 30]");
      g_autoptr(GBytes) back = NULL;
      g_autoptr(GError) error = NULL;
      guint n_threads = G_MAXUINT;

      g_assert_true (test_fill (f->path, i == 0 ? "/x" : "/y", it, GDCI_COMPRESSION_NONE,
                                &n_threads, &error));
      g_assert_no_error (error);
      if (i == 0)
        g_assert_cmpuint (n_threads, >, 0);
      else
        g_assert_cmpuint (n_threads, ==, 0);
      back = test_fill_read (f->path, i == 0 ? "/x" : "/y", H5T_NATIVE_INT16);
      g_assert_true (g_bytes_equal (back, values));
      assert_neighbours (f, other);
    }
  other_after = test_fill_describe (f->path, "/g/other");
  g_assert_cmpstr (other_after, ==, other_before);
}

static void
test_fill_twice (Fixture *f, gconstpointer data)
{
  /* a dataset filled already is filled again: the second data replaces
   * the first, every chunk */
  TestDataset spec = {
    .type = LE16, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 }, .shuffle = TRUE,
    .deflate = 4,
  };
  g_autoptr(GBytes) first = test_fill_recording (200 * 30, 18);
  g_autoptr(GBytes) second = test_fill_recording (200 * 30, 19);

  assert_fill (f, "/x", &spec, GDCI_DTYPE_INT16, first, "[uint64 50, 30]",
               GDCI_COMPRESSION_NONE, TRUE);
  {
    g_autoptr(GdciChunkIterator) it =
      test_fill_iterator (second, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 20, 30]",
                          "[uint64 20, 30]");
    g_autoptr(GBytes) back = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (test_fill (f->path, "/x", it, GDCI_COMPRESSION_GZIP_FAST, NULL, &error));
    g_assert_no_error (error);
    back = test_fill_read (f->path, "/x", H5T_NATIVE_INT16);
    g_assert_true (g_bytes_equal (back, second));
  }
}

/* ---- the asynchronous call ---------------------------------------------------- */

typedef struct
{
  gboolean done, ok;
  GError *error;
} Async;

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Async *a = user_data;

  a->ok = gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, &a->error);
  a->done = TRUE;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  /* one writer fills a dataset directly, then one that HDF5 writes: the
   * threads it used are said in the caller's context, before it is done */
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 22);
  TestDataset spec = {
    .type = LE16, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 }, .shuffle = TRUE,
    .deflate = 4,
  };

  test_fill_make_dataset (f->path, "/direct", &spec);
  spec.deflate = 0;
  spec.scaleoffset = TRUE;
  test_fill_make_dataset (f->path, "/hdf5", &spec);
  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_FILL);
  gdci_h5_writer_set_n_threads (writer, 2);
  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    {
      const char *name = hdf5 ? "/hdf5" : "/direct";
      g_autoptr(GdciChunkIterator) it =
        test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 50, 30]",
                            "[uint64 50, 30]");
      g_autoptr(GBytes) back = NULL;
      Async a = { 0 };

      gdci_h5_writer_write_async (writer, it, f->path, name, NULL, on_written, &a);
      while (!a.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (a.error);
      g_assert_true (a.ok);
      if (hdf5)
        g_assert_cmpuint (gdci_h5_writer_get_n_threads_used (writer), ==, 0);
      else
        g_assert_cmpuint (gdci_h5_writer_get_n_threads_used (writer), >, 0);
      back = test_fill_read (f->path, name, H5T_NATIVE_INT16);
      g_assert_true (g_bytes_equal (back, values));
    }
}

/* ---- gdci's filters, for HDF5 to write with ------------------------------------ */

static void
fill_without_registering (void)
{
  g_autofree char *dir = test_make_tmp_dir ("gdci-fill-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "out.h5", NULL);
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 20);
  g_autoptr(GdciChunkIterator) it =
    test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 50, 30]",
                        "[uint64 50, 30]");
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  TestDataset spec = {
    .type = H5T_STD_I16BE, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 },
    .plugin = TEST_FILTER_ZSTD, .n_plugin_cd = 1, .plugin_cd = { 3 },
  };
  hsize_t offset[] = { 33, 7 }, size = 0;
  unsigned mask = G_MAXUINT;
  guint n_threads = G_MAXUINT;

  /* as a program that has neither hdf5plugin nor a plugin of zstd: the
   * dataset is made with a filter HDF5 does not have (optional, as h5py's
   * allow_unknown_filter makes it) */
  g_assert_cmpint (H5PLset_loading_state (0), >=, 0);
  test_fill_make_dataset (path, "/x", &spec);
  /* big-endian: HDF5 writes it, through the zstd gdci registers */
  g_assert_true (test_fill (path, "/x", it, GDCI_COMPRESSION_NONE, &n_threads, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_threads, ==, 0);

  test_fill_chunk_storage (path, "/x", offset, &mask, &size);
  /* compressed, not left out as an optional filter HDF5 has not */
  g_assert_cmpuint (mask, ==, 0);
  g_assert_cmpuint (size, <, 33 * 7 * 2);
  back = test_fill_read (path, "/x", H5T_NATIVE_INT16);
  g_assert_true (g_bytes_equal (back, values));
  test_remove_tree (dir);
}

static void
test_filters_registered (void)
{
  /* in a process of its own: the others register gdci's filters */
  if (g_test_subprocess ())
    {
      fill_without_registering ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- a plugin's filter, for HDF5 to write with ---------------------------------- */

#define BZIP2 307   /* Debian's hdf5-filter-plugin has it */

static void
fill_with_plugin (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bzip2.h5", NULL);
  g_autoptr(GBytes) values = test_fill_recording (200 * 30, 21);
  g_autoptr(GdciChunkIterator) it =
    test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (200, 30), 2, "[uint64 50, 30]",
                        "[uint64 50, 30]");
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  hsize_t offset[] = { 0, 0 }, size = 0;
  unsigned mask = G_MAXUINT;
  guint n_threads = G_MAXUINT;

  g_assert_true (test_fill (path, "/x", it, GDCI_COMPRESSION_NONE, &n_threads, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_threads, ==, 0);
  test_fill_chunk_storage (path, "/x", offset, &mask, &size);
  /* bzip2 is in the chunks (their mask would say it was left out): gdci
   * had HDF5 load its plugin */
  g_assert_cmpuint (mask, ==, 0);
  g_assert_cmpuint (size, >, 0);
  back = test_fill_read (path, "/x", H5T_NATIVE_INT16);
  g_assert_true (g_bytes_equal (back, values));
}

static void
test_plugin_filter_loaded (void)
{
  g_autofree char *dir = test_subprocess_dir_get ("GDCI_TEST_FILL_DIR", "gdci-fill-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "bzip2.h5", NULL);
  TestDataset spec = {
    .type = H5T_STD_I16LE, .n_dims = 2, .dims = { 200, 30 }, .chunk = { 33, 7 },
    .plugin = BZIP2, .n_plugin_cd = 1, .plugin_cd = { 9 },
  };

  /* filled in a process of its own, which has loaded no plugin: HDF5
   * loads one when a dataset is made or read, not when it is written */
  if (g_test_subprocess ())
    {
      fill_with_plugin (dir);
      g_free (g_steal_pointer (&dir));
      return;
    }
  if (H5Zfilter_avail (BZIP2) <= 0)
    {
      g_test_skip ("no plugin of bzip2 on HDF5's plugin path");
      test_subprocess_dir_free (g_steal_pointer (&dir));
      return;
    }
  test_fill_make_dataset (path, "/x", &spec);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  test_subprocess_dir_free (g_steal_pointer (&dir));
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/h5-writer-fill/%s", name);
  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("every-pipeline", test_every_pipeline);
  add ("unaligned-buffers", test_unaligned_buffers);
  add ("three-axes", test_three_axes);
  add ("chunks-longer-than-data", test_chunks_longer_than_data);
  add ("partly-extendable", test_partly_extendable);
  add ("written-by-hdf5", test_written_by_hdf5);
  add ("stored-values-converted", test_stored_values_converted);
  add ("rest-of-file-kept", test_rest_of_file_kept);
  add ("fill-twice", test_fill_twice);
  add ("async", test_async);
  g_test_add_func ("/h5-writer-fill/filters-registered", test_filters_registered);
  g_test_add_func ("/h5-writer-fill/plugin-filter-loaded", test_plugin_filter_loaded);

  return g_test_run ();
}
