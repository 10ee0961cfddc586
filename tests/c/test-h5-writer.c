/* test-h5-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "test-util.h"

typedef TestOutDir Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  test_out_dir_init (f, "gdci-writer-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_out_dir_clear (f);
}

static GdciChunkIterator *
array_iterator (GBytes *data, GdciDtype dtype, const guint64 *shape, guint n_dims,
                const char *buffer_shape, const char *chunk_shape)
{
  g_autoptr(GError) error = NULL;
  GdciChunkIterator *it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                    "data", data, "dtype", dtype,
                    "shape", test_shape_variant (shape, n_dims),
                    "buffer-shape", buffer_shape ? g_variant_new_parsed (buffer_shape) : NULL,
                    "chunk-shape", chunk_shape ? g_variant_new_parsed (chunk_shape) : NULL,
                    NULL);
  g_assert_no_error (error);
  return it;
}

/* What HDF5 itself reads back from a dataset, and how it is stored */
typedef struct
{
  GBytes *data;
  guint n_dims;
  hsize_t dims[GDCI_MAX_DIMS];
  hsize_t chunk[GDCI_MAX_DIMS];
  gboolean shuffle, deflate, fletcher32;
  unsigned deflate_level;
  GdciDtype dtype;
} ReadBack;

static void
read_back_clear (ReadBack *r)
{
  g_clear_pointer (&r->data, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReadBack, read_back_clear)

static GdciDtype
dtype_of (hid_t type)
{
  size_t size = H5Tget_size (type);
  gboolean is_signed = H5Tget_sign (type) == H5T_SGN_2;

  if (H5Tget_class (type) == H5T_FLOAT)
    return size == 4 ? GDCI_DTYPE_FLOAT32 : GDCI_DTYPE_FLOAT64;
  g_assert_cmpint (H5Tget_class (type), ==, H5T_INTEGER);
  switch (size)
    {
    case 1: return is_signed ? GDCI_DTYPE_INT8 : GDCI_DTYPE_UINT8;
    case 2: return is_signed ? GDCI_DTYPE_INT16 : GDCI_DTYPE_UINT16;
    case 4: return is_signed ? GDCI_DTYPE_INT32 : GDCI_DTYPE_UINT32;
    default: return is_signed ? GDCI_DTYPE_INT64 : GDCI_DTYPE_UINT64;
    }
}

static gboolean
read_back (const char *path, const char *dataset, ReadBack *r)
{
  hid_t file, dset, space, dcpl, type, native;
  int n_filters;
  gsize n_bytes = 1;
  guint8 *values;

  memset (r, 0, sizeof *r);
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return FALSE;
  if (H5Lexists (file, dataset, H5P_DEFAULT) <= 0)
    {
      H5Fclose (file);
      return FALSE;
    }
  dset = H5Dopen2 (file, dataset, H5P_DEFAULT);
  space = H5Dget_space (dset);
  r->n_dims = (guint) H5Sget_simple_extent_dims (space, r->dims, NULL);
  dcpl = H5Dget_create_plist (dset);
  g_assert_cmpint (H5Pget_layout (dcpl), ==, H5D_CHUNKED);
  H5Pget_chunk (dcpl, GDCI_MAX_DIMS, r->chunk);
  n_filters = H5Pget_nfilters (dcpl);
  for (int i = 0; i < n_filters; i++)
    {
      unsigned flags, cd[8];
      size_t n_cd = 8;
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_cd, cd, 0, NULL, NULL);

      if (id == H5Z_FILTER_SHUFFLE)
        r->shuffle = TRUE;
      else if (id == H5Z_FILTER_DEFLATE)
        {
          r->deflate = TRUE;
          r->deflate_level = cd[0];
        }
      else if (id == H5Z_FILTER_FLETCHER32)
        r->fletcher32 = TRUE;
    }
  type = H5Dget_type (dset);
  r->dtype = dtype_of (type);
  native = H5Tget_native_type (type, H5T_DIR_DEFAULT);
  for (guint i = 0; i < r->n_dims; i++)
    n_bytes *= r->dims[i];
  n_bytes *= gdci_dtype_get_itemsize (r->dtype);
  values = g_malloc (MAX (n_bytes, 1));
  g_assert_cmpint (H5Dread (dset, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  r->data = g_bytes_new_take (values, n_bytes);
  H5Tclose (native);
  H5Tclose (type);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return TRUE;
}

static void
test_round_trip_every_dtype (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 37, 11, 5 };
  GEnumClass *klass = g_type_class_ref (GDCI_TYPE_DTYPE);

  for (guint d = 0; d < klass->n_values; d++)
    {
      GdciDtype dtype = klass->values[d].value;
      g_autoptr(GBytes) values = test_make_pattern (37 * 11 * 5 * gdci_dtype_get_itemsize (dtype), d);
      /* chunks that do not divide the data: edge chunks are padded */
      g_autoptr(GdciChunkIterator) it =
        array_iterator (values, dtype, shape, 3, "[uint64 16, 11, 4]", "[uint64 8, 4, 2]");
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("/%s", gdci_dtype_to_string (dtype));
      g_auto(ReadBack) r = { 0 };

      g_assert_true (gdci_h5_writer_write (writer, it, f->path, name, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (read_back (f->path, name, &r));
      g_assert_cmpint (r.dtype, ==, dtype);
      g_assert_cmpuint (r.n_dims, ==, 3);
      g_assert_cmpuint (r.dims[0], ==, 37);
      g_assert_cmpuint (r.dims[2], ==, 5);
      g_assert_cmpuint (r.chunk[0], ==, 8);
      g_assert_cmpuint (r.chunk[1], ==, 4);
      g_assert_cmpuint (r.chunk[2], ==, 2);
      g_assert_false (r.shuffle || r.deflate || r.fletcher32);
      g_assert_true (g_bytes_equal (r.data, values));
    }
  g_type_class_unref (klass);
}

static void
test_filter_combinations (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 1000, 24 };
  static const GdciDtype dtypes[] = { GDCI_DTYPE_INT16, GDCI_DTYPE_FLOAT64, GDCI_DTYPE_UINT8 };

  for (guint t = 0; t < G_N_ELEMENTS (dtypes); t++)
    for (guint combination = 0; combination < 8; combination++)
      {
        gboolean gzip = !!(combination & 1), shuffle = !!(combination & 2), fletcher32 = !!(combination & 4);
        GdciDtype dtype = dtypes[t];
        g_autoptr(GBytes) values = NULL;
        g_autoptr(GdciChunkIterator) it = NULL;
        g_autoptr(GdciH5Writer) writer = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *name = g_strdup_printf ("/d%u/c%u", t, combination);
        g_auto(ReadBack) r = { 0 };

        /* compressible values, so that gzip has something to do */
        {
          gsize n = 1000 * 24 * gdci_dtype_get_itemsize (dtype);
          guint8 *v = g_malloc (n);
          for (gsize i = 0; i < n; i++)
            v[i] = (guint8) ((i / 7) % 13 + (i % 3 == 0 ? g_random_int_range (0, 4) : 0));
          values = g_bytes_new_take (v, n);
        }
        it = array_iterator (values, dtype, shape, 2, "[uint64 300, 24]", "[uint64 100, 7]");
        writer = g_object_new (GDCI_TYPE_H5_WRITER,
                               "compression", gzip ? GDCI_COMPRESSION_GZIP : GDCI_COMPRESSION_NONE,
                               "compression-level", 1 + combination,
                               "shuffle", shuffle, "fletcher32", fletcher32,
                               "n-threads", 1 + combination % 3, NULL);

        g_test_message ("dtype %u gzip %d shuffle %d fletcher32 %d", t, gzip, shuffle, fletcher32);
        g_assert_true (gdci_h5_writer_write (writer, it, f->path, name, NULL, &error));
        g_assert_no_error (error);
        /* HDF5 decompresses and checks the checksums: if our bytes were not
         * what its filters make, this read fails */
        g_assert_true (read_back (f->path, name, &r));
        g_assert_cmpint (r.deflate, ==, gzip);
        if (gzip)
          g_assert_cmpuint (r.deflate_level, ==, 1 + combination);
        g_assert_cmpint (r.shuffle, ==, shuffle);
        g_assert_cmpint (r.fletcher32, ==, fletcher32);
        g_assert_true (g_bytes_equal (r.data, values));
      }
}

static void
test_codec_against_hdf5 (Fixture *f, gconstpointer data)
{
  /* the same data written by HDF5's own filter pipeline and by gdci reads
   * back the same, and gdci's compressed chunks are as small */
  guint64 shape[] = { 4000, 16 };
  hsize_t dims[] = { 4000, 16 }, chunk[] = { 500, 16 };
  g_autoptr(GBytes) values = NULL;
  g_autoptr(GdciChunkIterator) it = NULL;
  g_autoptr(GdciH5Writer) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ReadBack) ours = { 0 };
  g_auto(ReadBack) theirs = { 0 };
  hid_t file, space, dcpl, dset;
  hsize_t our_size, their_size;

  {
    gint16 *v = g_new (gint16, 4000 * 16);
    for (guint i = 0; i < 4000 * 16; i++)
      v[i] = (gint16) (100 * ((i / 16) % 50) + (i % 16) + g_random_int_range (-3, 4));
    values = g_bytes_new_take (v, 4000 * 16 * 2);
  }
  it = array_iterator (values, GDCI_DTYPE_INT16, shape, 2, "[uint64 1000, 16]", "[uint64 500, 16]");
  writer = g_object_new (GDCI_TYPE_H5_WRITER, "compression", GDCI_COMPRESSION_GZIP,
                         "shuffle", TRUE, "fletcher32", TRUE, NULL);
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/gdci", NULL, &error));
  g_assert_no_error (error);

  file = H5Fopen (f->path, H5F_ACC_RDWR, H5P_DEFAULT);
  space = H5Screate_simple (2, dims, NULL);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  H5Pset_chunk (dcpl, 2, chunk);
  H5Pset_shuffle (dcpl);
  H5Pset_deflate (dcpl, 4);
  H5Pset_fletcher32 (dcpl);
  dset = H5Dcreate2 (file, "/hdf5", H5T_NATIVE_INT16, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Dwrite (dset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, g_bytes_get_data (values, NULL));
  their_size = H5Dget_storage_size (dset);
  H5Dclose (dset);
  dset = H5Dopen2 (file, "/gdci", H5P_DEFAULT);
  our_size = H5Dget_storage_size (dset);
  H5Dclose (dset);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Fclose (file);

  g_assert_true (read_back (f->path, "/gdci", &ours));
  g_assert_true (read_back (f->path, "/hdf5", &theirs));
  g_assert_true (g_bytes_equal (ours.data, theirs.data));
  g_assert_true (g_bytes_equal (ours.data, values));
  g_test_message ("gdci %" G_GUINT64_FORMAT " bytes, HDF5 %" G_GUINT64_FORMAT " bytes",
                  (guint64) our_size, (guint64) their_size);
  g_assert_cmpuint (our_size, <=, their_size * 11 / 10);
}

static void
test_large_chunks (Fixture *f, gconstpointer data)
{
  /* chunks of some megabytes, of sizes that are not multiples of a disk
   * block, go to the file partly around the page cache: what HDF5 reads
   * back is still exactly what was written, next to what was there */
  guint64 shape[] = { 3001, 901 };
  gsize n_bytes = 3001 * 901 * sizeof (gdouble);
  g_autoptr(GBytes) values = NULL;
  g_auto(ReadBack) small = { 0 };
  hsize_t small_dims[] = { 10 };
  gint32 small_values[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  hid_t file, space, dcpl, dset;

  {
    gdouble *v = g_new (gdouble, 3001 * 901);
    for (gsize i = 0; i < 3001 * 901; i++)
      v[i] = (gdouble) g_random_int_range (-1000, 1000) / 7.0 + (gdouble) (i % 901);
    values = g_bytes_new_take (v, n_bytes);
  }

  /* a file HDF5 wrote on its own, with no thought for alignment */
  file = H5Fcreate (f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  space = H5Screate_simple (1, small_dims, NULL);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  H5Pset_chunk (dcpl, 1, small_dims);
  dset = H5Dcreate2 (file, "/small", H5T_NATIVE_INT32, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Dwrite (dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, small_values);
  H5Dclose (dset);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Fclose (file);

  for (guint combination = 0; combination < 3; combination++)
    {
      /* 4.2 MB chunks; the edge ones are padded */
      g_autoptr(GdciChunkIterator) it =
        array_iterator (values, GDCI_DTYPE_FLOAT64, shape, 2, "[uint64 1201, 901]",
                        "[uint64 1201, 437]");
      g_autoptr(GdciH5Writer) writer =
        g_object_new (GDCI_TYPE_H5_WRITER,
                      "compression", combination == 1 ? GDCI_COMPRESSION_GZIP : GDCI_COMPRESSION_NONE,
                      "compression-level", 1, "shuffle", combination == 1,
                      "fletcher32", combination == 2, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("/large/%u", combination);
      g_auto(ReadBack) r = { 0 };

      g_assert_true (gdci_h5_writer_write (writer, it, f->path, name, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (read_back (f->path, name, &r));
      g_assert_cmpuint (r.chunk[1], ==, 437);
      g_assert_cmpint (r.fletcher32, ==, combination == 2);
      g_assert_true (g_bytes_equal (r.data, values));
    }
  g_assert_true (read_back (f->path, "/small", &small));
  g_assert_cmpmem (g_bytes_get_data (small.data, NULL), g_bytes_get_size (small.data),
                   small_values, sizeof small_values);
}

static void
test_existing_file_keeps_its_contents (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 50, 3 };
  g_autoptr(GBytes) values = test_make_pattern (50 * 3 * 4, 1);
  g_autoptr(GBytes) other = test_make_pattern (50 * 3 * 4, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_auto(ReadBack) r = { 0 };

  {
    g_autoptr(GdciChunkIterator) it = array_iterator (values, GDCI_DTYPE_FLOAT32, shape, 2, NULL, NULL);
    hid_t file, group, scalar;
    int answer = 42;

    g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/keep/me", NULL, &error));
    g_assert_no_error (error);
    /* an attribute on the root, as NWB files have */
    file = H5Fopen (f->path, H5F_ACC_RDWR, H5P_DEFAULT);
    group = H5Gopen2 (file, "/", H5P_DEFAULT);
    scalar = H5Screate (H5S_SCALAR);
    H5Aclose (H5Acreate2 (group, "answer", H5T_NATIVE_INT, scalar, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose (scalar);
    {
      hid_t attr = H5Aopen (group, "answer", H5P_DEFAULT);
      H5Awrite (attr, H5T_NATIVE_INT, &answer);
      H5Aclose (attr);
    }
    H5Gclose (group);
    H5Fclose (file);
  }
  {
    g_autoptr(GdciChunkIterator) it = array_iterator (other, GDCI_DTYPE_FLOAT32, shape, 2, NULL, NULL);
    g_assert_true (gdci_h5_writer_write (writer, it, f->path, "acquisition/new/data", NULL, &error));
    g_assert_no_error (error);
  }

  g_assert_true (read_back (f->path, "/keep/me", &r));
  g_assert_true (g_bytes_equal (r.data, values));
  read_back_clear (&r);
  g_assert_true (read_back (f->path, "/acquisition/new/data", &r));
  g_assert_true (g_bytes_equal (r.data, other));
  {
    hid_t file = H5Fopen (f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t attr = H5Aopen_by_name (file, "/", "answer", H5P_DEFAULT, H5P_DEFAULT);
    int answer = 0;
    H5G_info_t info;

    H5Aread (attr, H5T_NATIVE_INT, &answer);
    g_assert_cmpint (answer, ==, 42);
    H5Aclose (attr);
    /* no temporary dataset left at the root: keep and acquisition only */
    H5Gget_info (file, &info);
    g_assert_cmpuint (info.nlinks, ==, 2);
    H5Fclose (file);
  }
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

static void
test_overwrite (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 20 };
  g_autoptr(GBytes) first = test_make_pattern (20, 1);
  g_autoptr(GBytes) second = test_make_pattern (20, 2);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) a = array_iterator (first, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autoptr(GdciChunkIterator) b = array_iterator (second, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autofree char *expected = NULL;
  g_auto(ReadBack) r = { 0 };

  g_assert_true (gdci_h5_writer_write (writer, a, f->path, "/data", NULL, &error));
  g_assert_false (gdci_h5_writer_write (writer, b, f->path, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  expected = g_strdup_printf ("'/data' already exists in '%s' (replace it, or fill it, with the writer's mode)", f->path);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_true (read_back (f->path, "/data", &r));
  g_assert_true (g_bytes_equal (r.data, first));
  read_back_clear (&r);

  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_REPLACE);
  g_assert_true (gdci_h5_writer_write (writer, b, f->path, "/data", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (read_back (f->path, "/data", &r));
  g_assert_true (g_bytes_equal (r.data, second));
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 20 };
  g_autoptr(GBytes) values = test_make_pattern (20, 1);
  g_autoptr(GdciChunkIterator) it = array_iterator (values, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *message = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GObject) uninitialized = g_object_new (GDCI_TYPE_ARRAY_ITERATOR, NULL);

  /* a file that is not HDF5 is never replaced */
  g_file_set_contents (text, "precious", -1, NULL);
  g_assert_false (gdci_h5_writer_write (writer, it, text, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  message = g_strdup_printf ("'%s' exists and is not an HDF5 file: gdci does not replace it", text);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  /* a group is not replaced, even with overwrite */
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/group/data", NULL, &error));
  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_REPLACE);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/group", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "is a group, not a dataset"));
  g_clear_error (&error);
  /* nor can a dataset hold another */
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/group/data/below", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "is not a group"));
  g_clear_error (&error);

  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP);
  gdci_h5_writer_set_compression_level (writer, 10);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/x", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "The gzip compression level must be from 1 to 9 (or 0 for 4), not 10");
  g_clear_error (&error);
  gdci_h5_writer_set_compression_level (writer, 4);

  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (uninitialized),
                                        f->path, "/x", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);

  /* reading and writing the same HDF5 file */
  {
    g_autoptr(GdciChunkIterator) source = gdci_h5_iterator_new (f->path, "/group/data", &error);
    g_assert_no_error (error);
    g_assert_false (gdci_h5_writer_write (writer, source, f->path, "/copy", NULL, &error));
    g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
    g_assert_nonnull (strstr (error->message, "is the file being read"));
  }
  g_unlink (text);
}

static void
test_chunk_too_large_for_hdf5 (Fixture *f, gconstpointer data)
{
  /* a shape-only source: the write must stop before reading anything */
  guint64 shape[] = { G_GUINT64_CONSTANT (1) << 33 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_INT8, shape, 1, &error,
                       "chunk-shape", g_variant_new_parsed ("[uint64 4294967296]"),
                       "buffer-shape", g_variant_new_parsed ("[uint64 4294967296]"), NULL);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();

  g_assert_no_error (error);
  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, "/d", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "smaller than 4 GiB"));
  g_assert_cmpuint (test_iterator_get_n_reads (it), ==, 0);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

static void
cancel_on_progress (GdciH5Writer *writer, guint64 done, guint64 total, gpointer user_data)
{
  if (done > 0)
    g_cancellable_cancel (user_data);
}

static TestIterator *
big_test_iterator (TestBehaviour behaviour)
{
  g_autoptr(GError) error = NULL;
  TestIterator *it =
    test_iterator_new (NULL, GDCI_DTYPE_INT16, (guint64[]) { 20000, 64 }, 2, &error,
                       "buffer-shape", g_variant_new_parsed ("[uint64 2000, 64]"),
                       "chunk-shape", g_variant_new_parsed ("[uint64 500, 64]"), NULL);
  g_assert_no_error (error);
  test_iterator_set_behaviour (it, behaviour);
  return it;
}

static void
test_cancel_new_file (Fixture *f, gconstpointer data)
{
  g_autoptr(TestIterator) it = big_test_iterator (TEST_BEHAVIOUR_GOOD);
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER,
                                                 "compression", GDCI_COMPRESSION_GZIP, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (writer, "progress", G_CALLBACK (cancel_on_progress), cancellable);
  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, "/data",
                                        cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* no file, and no temporary one */
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 0);
}

static gpointer
cancel_later (gpointer data)
{
  GCancellable *cancellable = data;

  g_usleep (g_random_int_range (0, 20000));
  g_cancellable_cancel (cancellable);
  return NULL;
}

static void
test_cancel_from_another_thread (Fixture *f, gconstpointer data)
{
  /* a stop that comes while the writer is writing a chunk that a
   * compression thread encoded: the thread stops, and what the writer
   * writes from must outlive it (AddressSanitizer watches) */
  guint64 shape[] = { 64000, 64 };
  g_autoptr(GBytes) values = NULL;

  {
    gint16 *v = g_new (gint16, 64000 * 64);
    for (guint i = 0; i < 64000 * 64; i++)
      v[i] = (gint16) g_random_int_range (-2000, 2000);
    values = g_bytes_new_take (v, 64000 * 64 * 2);
  }
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GdciChunkIterator) it =
        array_iterator (values, GDCI_DTYPE_INT16, shape, 2, "[uint64 8192, 64]",
                        "[uint64 128, 64]");
      g_autoptr(GdciH5Writer) writer =
        g_object_new (GDCI_TYPE_H5_WRITER, "compression", GDCI_COMPRESSION_GZIP,
                      "compression-level", 1, "shuffle", TRUE, "n-threads", 4, NULL);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      GThread *canceller = g_thread_new ("canceller", cancel_later, cancellable);
      gboolean ok = gdci_h5_writer_write (writer, it, f->path, "/data", cancellable, &error);

      g_thread_join (canceller);
      if (ok)
        {
          g_auto(ReadBack) r = { 0 };

          g_assert_no_error (error);
          g_assert_true (read_back (f->path, "/data", &r));
          g_assert_true (g_bytes_equal (r.data, values));
          g_unlink (f->path);
        }
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 0);
    }
}

static void
test_cancel_existing_file (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 10 };
  g_autoptr(GBytes) values = test_make_pattern (10, 3);
  g_autoptr(GdciChunkIterator) small = array_iterator (values, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autoptr(TestIterator) it = big_test_iterator (TEST_BEHAVIOUR_GOOD);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(ReadBack) r = { 0 };
  hid_t file;
  H5G_info_t info;

  g_assert_true (gdci_h5_writer_write (writer, small, f->path, "/keep", NULL, &error));
  g_signal_connect (writer, "progress", G_CALLBACK (cancel_on_progress), cancellable);
  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, "/a/b/data",
                                        cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (read_back (f->path, "/keep", &r));
  g_assert_true (g_bytes_equal (r.data, values));
  file = H5Fopen (f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  H5Gget_info (file, &info);
  g_assert_cmpuint (info.nlinks, ==, 1);   /* /keep: no /a, no temporary dataset */
  H5Fclose (file);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

static void
test_source_error (Fixture *f, gconstpointer data)
{
  g_autoptr(TestIterator) it = big_test_iterator (TEST_BEHAVIOUR_FAIL_ONCE);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, "/data",
                                        NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "transient failure"));
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 0);
  g_clear_error (&error);

  /* the iterator is reset and read again by the next write */
  g_assert_true (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, "/data",
                                       NULL, &error));
  g_assert_no_error (error);
}

static void
test_threads_write_the_same (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 3000, 40 };
  g_autoptr(GBytes) values = test_make_pattern (3000 * 40 * 4, 8);

  for (guint threads = 0; threads <= 8; threads += 4)
    {
      g_autoptr(GdciChunkIterator) it =
        array_iterator (values, GDCI_DTYPE_INT32, shape, 2, "[uint64 900, 40]", "[uint64 100, 9]");
      g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER,
                                                     "compression", GDCI_COMPRESSION_GZIP,
                                                     "shuffle", TRUE, "n-threads", threads, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("/t%u", threads);
      g_auto(ReadBack) r = { 0 };

      g_assert_true (gdci_h5_writer_write (writer, it, f->path, name, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (read_back (f->path, name, &r));
      g_assert_true (g_bytes_equal (r.data, values));
    }
}

typedef struct
{
  GMainLoop *loop;
  GThread *main_thread;
  guint64 last_done;
  guint64 total;
  guint n_progress;
  gboolean wrong_thread;
  gboolean went_back;
  gboolean finished;
  GError *error;
} AsyncState;

static void
on_async_progress (GdciH5Writer *writer, guint64 done, guint64 total, gpointer user_data)
{
  AsyncState *s = user_data;

  if (g_thread_self () != s->main_thread)
    s->wrong_thread = TRUE;
  if (done < s->last_done)
    s->went_back = TRUE;
  s->last_done = done;
  s->total = total;
  s->n_progress++;
}

static void
on_async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;

  s->finished = gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, &s->error);
  g_main_loop_quit (s->loop);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 20000, 64 };
  g_autoptr(GBytes) values = test_make_pattern (20000 * 64 * 2, 4);
  g_autoptr(GdciChunkIterator) it =
    array_iterator (values, GDCI_DTYPE_INT16, shape, 2, "[uint64 1000, 64]", "[uint64 250, 64]");
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER,
                                                 "compression", GDCI_COMPRESSION_GZIP,
                                                 "compression-level", 9, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState s = { loop, g_thread_self (), 0, 0, 0, FALSE, FALSE, FALSE, NULL };
  g_auto(ReadBack) r = { 0 };

  g_signal_connect (writer, "progress", G_CALLBACK (on_async_progress), &s);
  gdci_h5_writer_write_async (writer, it, f->path, "/data", NULL, on_async_done, &s);
  g_main_loop_run (loop);

  g_assert_no_error (s.error);
  g_assert_true (s.finished);
  g_assert_false (s.wrong_thread);
  g_assert_false (s.went_back);
  g_assert_cmpuint (s.n_progress, >=, 2);
  g_assert_cmpuint (s.total, ==, 20000 * 64 * 2);
  g_assert_cmpuint (s.last_done, ==, s.total);
  g_assert_true (read_back (f->path, "/data", &r));
  g_assert_true (g_bytes_equal (r.data, values));
}

static void
test_async_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GObject) uninitialized = g_object_new (GDCI_TYPE_ARRAY_ITERATOR, NULL);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState s = { loop, g_thread_self (), 0, 0, 0, FALSE, FALSE, FALSE, NULL };

  gdci_h5_writer_write_async (writer, GDCI_CHUNK_ITERATOR (uninitialized), f->path, "/d",
                              NULL, on_async_done, &s);
  g_main_loop_run (loop);
  g_assert_false (s.finished);
  g_assert_error (s.error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED);
  g_clear_error (&s.error);
}

/* A dangling symbolic link names the file to create, as with h5py: the
 * file is made where the link points, relative to the link's directory,
 * and the link stays; a loop or a link into a missing directory is an
 * error that creates nothing */
static void
test_dangling_symlink (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 20 };
  g_autoptr(GBytes) values = test_make_pattern (20, 1);
  g_autoptr(GdciChunkIterator) it = array_iterator (values, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.h5", NULL);
  g_autofree char *hop = g_build_filename (sub, "hop.h5", NULL);
  g_autofree char *target = g_build_filename (sub, "target.h5", NULL);
  g_autofree char *loop_a = g_build_filename (f->dir, "loop-a.h5", NULL);
  g_autofree char *loop_b = g_build_filename (f->dir, "loop-b.h5", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "nowhere.h5", NULL);
  g_autofree char *read_link = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GDir) listing = NULL;
  g_auto(ReadBack) r = { 0 };
  GStatBuf st;

  /* link.h5 -> sub/hop.h5 -> target.h5, each relative to its directory */
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink ("sub/hop.h5", link), ==, 0);
  g_assert_cmpint (symlink ("target.h5", hop), ==, 0);
  g_assert_true (gdci_h5_writer_write (writer, it, link, "/data", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (target, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  read_link = g_file_read_link (link, NULL);
  g_assert_cmpstr (read_link, ==, "sub/hop.h5");
  g_assert_true (read_back (link, "/data", &r));
  g_assert_true (g_bytes_equal (r.data, values));
  /* nothing left beside the target */
  listing = g_dir_open (sub, 0, NULL);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL;)
    g_assert_true (g_str_equal (name, "hop.h5") || g_str_equal (name, "target.h5"));

  /* now that the target exists, the link is an existing file */
  g_assert_false (gdci_h5_writer_write (writer, it, link, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_clear_error (&error);

  /* a loop */
  g_assert_cmpint (symlink ("loop-b.h5", loop_a), ==, 0);
  g_assert_cmpint (symlink ("loop-a.h5", loop_b), ==, 0);
  g_assert_false (gdci_h5_writer_write (writer, it, loop_a, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, loop_a));
  g_clear_error (&error);

  /* a link into a directory that does not exist */
  g_assert_cmpint (symlink ("missing/file.h5", nowhere), ==, 0);
  g_assert_false (gdci_h5_writer_write (writer, it, nowhere, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  message = g_strdup_printf ("'%s' is a symbolic link to '%s%smissing%sfile.h5', whose directory "
                             "'%s%smissing' does not exist", nowhere, f->dir, G_DIR_SEPARATOR_S,
                             G_DIR_SEPARATOR_S, f->dir, G_DIR_SEPARATOR_S);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  g_unlink (nowhere);
  g_unlink (loop_a);
  g_unlink (loop_b);
  g_unlink (link);
  g_unlink (hop);
  g_unlink (target);
  g_rmdir (sub);
}

static void
write_into_read_only_directory (gpointer data, gpointer user_data)
{
  Fixture *f = data;
  guint64 shape[] = { 20 };
  g_autoptr(GBytes) values = test_make_pattern (20, 1);
  g_autoptr(GdciChunkIterator) it = array_iterator (values, GDCI_DTYPE_UINT8, shape, 1, NULL, NULL);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/d", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "Permission denied"));
}

static void
test_read_only_directory (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (g_chmod (f->dir, 0555), ==, 0);
  if (g_test_subprocess ())
    test_as_unprivileged_user (write_into_read_only_directory, f);
  else
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("");
    }
  g_chmod (f->dir, 0755);
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/h5-writer/%s", name);

  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("round-trip-every-dtype", test_round_trip_every_dtype);
  add ("filter-combinations", test_filter_combinations);
  add ("codec-against-hdf5", test_codec_against_hdf5);
  add ("large-chunks", test_large_chunks);
  add ("existing-file-keeps-its-contents", test_existing_file_keeps_its_contents);
  add ("overwrite", test_overwrite);
  add ("refusals", test_refusals);
  add ("chunk-too-large-for-hdf5", test_chunk_too_large_for_hdf5);
  add ("cancel-new-file", test_cancel_new_file);
  add ("cancel-existing-file", test_cancel_existing_file);
  add ("cancel-from-another-thread", test_cancel_from_another_thread);
  add ("source-error", test_source_error);
  add ("threads-write-the-same", test_threads_write_the_same);
  add ("async", test_async);
  add ("async-error", test_async_error);
  add ("read-only-directory", test_read_only_directory);
  add ("dangling-symlink", test_dangling_symlink);

  return g_test_run ();
}
