/* test-h5-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "test-util.h"

static char *test_dir;
static char *h5_path;

typedef struct
{
  const char *name;
  hid_t file_type;          /* as stored */
  hid_t mem_type;           /* as written from memory */
  GdciDtype dtype;
  guint n_dims;
  hsize_t dims[3];
  gboolean chunked;
} NumericDataset;

static NumericDataset numeric[] = {
  { "/ints/i8", 0, 0, GDCI_DTYPE_INT8, 2, { 33, 7 }, FALSE },
  { "/ints/u8", 0, 0, GDCI_DTYPE_UINT8, 1, { 1000 }, TRUE },
  { "/ints/i16", 0, 0, GDCI_DTYPE_INT16, 2, { 500, 384 }, TRUE },
  { "/ints/u16", 0, 0, GDCI_DTYPE_UINT16, 3, { 9, 8, 7 }, FALSE },
  { "/ints/i32", 0, 0, GDCI_DTYPE_INT32, 2, { 100, 3 }, TRUE },
  { "/ints/u32", 0, 0, GDCI_DTYPE_UINT32, 2, { 3, 100 }, FALSE },
  { "/ints/i64", 0, 0, GDCI_DTYPE_INT64, 1, { 257 }, FALSE },
  { "/ints/u64", 0, 0, GDCI_DTYPE_UINT64, 2, { 17, 19 }, TRUE },
  { "/floats/f32", 0, 0, GDCI_DTYPE_FLOAT32, 2, { 40, 40 }, TRUE },
  { "/floats/f64", 0, 0, GDCI_DTYPE_FLOAT64, 3, { 4, 5, 6 }, FALSE },
  { "/big-endian/i16", 0, 0, GDCI_DTYPE_INT16, 2, { 64, 10 }, TRUE },
  { "/big-endian/f64", 0, 0, GDCI_DTYPE_FLOAT64, 1, { 99 }, FALSE },
  { "/deep/down/in/the/file", 0, 0, GDCI_DTYPE_UINT16, 2, { 10, 10 }, FALSE },
};

static GBytes *
numeric_values (const NumericDataset *ds)
{
  gsize n = 1;

  for (guint i = 0; i < ds->n_dims; i++)
    n *= ds->dims[i];
  /* float patterns may hold NaNs; compare bytes, which HDF5 keeps as is */
  return test_make_pattern (n * gdci_dtype_get_itemsize (ds->dtype), ds->n_dims * 31 + ds->dtype);
}

static void
init_types (void)
{
  numeric[0].file_type = H5T_STD_I8LE; numeric[0].mem_type = H5T_NATIVE_INT8;
  numeric[1].file_type = H5T_STD_U8LE; numeric[1].mem_type = H5T_NATIVE_UINT8;
  numeric[2].file_type = H5T_STD_I16LE; numeric[2].mem_type = H5T_NATIVE_INT16;
  numeric[3].file_type = H5T_STD_U16LE; numeric[3].mem_type = H5T_NATIVE_UINT16;
  numeric[4].file_type = H5T_STD_I32LE; numeric[4].mem_type = H5T_NATIVE_INT32;
  numeric[5].file_type = H5T_STD_U32LE; numeric[5].mem_type = H5T_NATIVE_UINT32;
  numeric[6].file_type = H5T_STD_I64LE; numeric[6].mem_type = H5T_NATIVE_INT64;
  numeric[7].file_type = H5T_STD_U64LE; numeric[7].mem_type = H5T_NATIVE_UINT64;
  numeric[8].file_type = H5T_IEEE_F32LE; numeric[8].mem_type = H5T_NATIVE_FLOAT;
  numeric[9].file_type = H5T_IEEE_F64LE; numeric[9].mem_type = H5T_NATIVE_DOUBLE;
  numeric[10].file_type = H5T_STD_I16BE; numeric[10].mem_type = H5T_NATIVE_INT16;
  numeric[11].file_type = H5T_IEEE_F64BE; numeric[11].mem_type = H5T_NATIVE_DOUBLE;
  numeric[12].file_type = H5T_STD_U16LE; numeric[12].mem_type = H5T_NATIVE_UINT16;

}

static void
write_file (void)
{
  hid_t file, lcpl, space, dset, type, dcpl;
  hsize_t one[1] = { 4 };

  file = H5Fcreate (h5_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  lcpl = H5Pcreate (H5P_LINK_CREATE);
  H5Pset_create_intermediate_group (lcpl, 1);

  for (guint i = 0; i < G_N_ELEMENTS (numeric); i++)
    {
      g_autoptr(GBytes) values = numeric_values (&numeric[i]);
      hsize_t chunk[3];

      dcpl = H5Pcreate (H5P_DATASET_CREATE);
      if (numeric[i].chunked)
        {
          for (guint d = 0; d < numeric[i].n_dims; d++)
            chunk[d] = MAX (1, numeric[i].dims[d] / 3);
          H5Pset_chunk (dcpl, (int) numeric[i].n_dims, chunk);
          H5Pset_shuffle (dcpl);
          H5Pset_deflate (dcpl, 4);
        }
      space = H5Screate_simple ((int) numeric[i].n_dims, numeric[i].dims, NULL);
      dset = H5Dcreate2 (file, numeric[i].name, numeric[i].file_type, space, lcpl, dcpl,
                         H5P_DEFAULT);
      g_assert_cmpint (dset, >=, 0);
      g_assert_cmpint (H5Dwrite (dset, numeric[i].mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                 g_bytes_get_data (values, NULL)), >=, 0);
      H5Dclose (dset);
      H5Sclose (space);
      H5Pclose (dcpl);
    }

  space = H5Screate_simple (1, one, NULL);

  /* types gdci does not read */
  type = H5Tcreate (H5T_COMPOUND, 8);
  H5Tinsert (type, "a", 0, H5T_NATIVE_INT32);
  H5Tinsert (type, "b", 4, H5T_NATIVE_FLOAT);
  H5Dclose (H5Dcreate2 (file, "compound", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Tclose (type);

  type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, 16);
  H5Dclose (H5Dcreate2 (file, "string", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Tset_size (type, H5T_VARIABLE);
  H5Dclose (H5Dcreate2 (file, "vlen-string", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Tclose (type);

  type = H5Tvlen_create (H5T_NATIVE_INT);
  H5Dclose (H5Dcreate2 (file, "vlen-int", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Tclose (type);

  H5Dclose (H5Dcreate2 (file, "reference", H5T_STD_REF_OBJ, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));

  type = H5Tenum_create (H5T_NATIVE_INT);
  {
    int v = 0;
    H5Tenum_insert (type, "zero", &v);
  }
  H5Dclose (H5Dcreate2 (file, "enum", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Tcommit2 (file, "named-type", type, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Tclose (type);

  H5Sclose (space);

  space = H5Screate (H5S_SCALAR);
  H5Dclose (H5Dcreate2 (file, "scalar", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Sclose (space);
  space = H5Screate (H5S_NULL);
  H5Dclose (H5Dcreate2 (file, "null", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Sclose (space);

  H5Gclose (H5Gcreate2 (file, "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));

  H5Pclose (lcpl);
  H5Fclose (file);
}

static void
test_numeric_round_trips (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (numeric); i++)
    {
      const NumericDataset *ds = &numeric[i];
      g_autoptr(GBytes) values = numeric_values (ds);
      g_autoptr(GError) error = NULL;
      guint64 shape[3];
      /* a fifth of the data in a buffer: several hyperslabs, some partial */
      double n_bytes = (double) g_bytes_get_size (values);
      g_autoptr(GdciChunkIterator) it =
        g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error,
                        "path", h5_path, "dataset", ds->name,
                        "chunk-mb", n_bytes / 20 / 1e6,
                        "buffer-gb", n_bytes / 5 / 1e9, NULL);

      g_test_message ("dataset %s", ds->name);
      g_assert_no_error (error);
      for (guint d = 0; d < ds->n_dims; d++)
        shape[d] = ds->dims[d];
      g_assert_cmpint (gdci_chunk_iterator_get_dtype (it), ==, ds->dtype);
      g_assert_cmpuint (gdci_chunk_iterator_get_n_dims (it), ==, ds->n_dims);
      g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (it), >, 1);
      test_assert_reassembles (it, values, shape, ds->n_dims);
    }
}

static void
test_relative_dataset_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = gdci_h5_iterator_new (h5_path, "ints/i32", &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdci_chunk_iterator_get_dtype (it), ==, GDCI_DTYPE_INT32);
}

typedef struct
{
  const char *dataset;
  int code;
  const char *message;   /* %s: the file */
} Refusal;

static const Refusal refusals[] = {
  { "/compound", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/compound' in '%s' has a compound type: gdci reads integer and floating-point datasets only" },
  { "/string", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/string' in '%s' has a string type: gdci reads integer and floating-point datasets only" },
  { "/vlen-string", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/vlen-string' in '%s' has a string type: gdci reads integer and floating-point datasets only" },
  { "/vlen-int", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/vlen-int' in '%s' has a variable-length type: gdci reads integer and floating-point datasets only" },
  { "/reference", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/reference' in '%s' has a reference type: gdci reads integer and floating-point datasets only" },
  { "/enum", GDCI_ERROR_NOT_SUPPORTED,
    "Dataset '/enum' in '%s' has an enumeration type: gdci reads integer and floating-point datasets only" },
  { "/group", GDCI_ERROR_INVALID_ARGUMENT, "'/group' in '%s' is a group, not a dataset" },
  { "/named-type", GDCI_ERROR_INVALID_ARGUMENT, "'/named-type' in '%s' is a named datatype, not a dataset" },
  { "/", GDCI_ERROR_INVALID_ARGUMENT, "'/' in '%s' is the root group, not a dataset" },
  { "/missing", GDCI_ERROR_NOT_FOUND, "There is no '/missing' in '%s'" },
  { "/no/such/path", GDCI_ERROR_NOT_FOUND, "There is no '/no' in '%s'" },
  { "/ints/missing", GDCI_ERROR_NOT_FOUND, "There is no '/ints/missing' in '%s'" },
  { "/ints/i8/below", GDCI_ERROR_HDF5, NULL },
  { "/scalar", GDCI_ERROR_INVALID_ARGUMENT,
    "Dataset '/scalar' in '%s' is a scalar: gdci needs at least one axis" },
  { "/null", GDCI_ERROR_INVALID_ARGUMENT,
    "Dataset '/null' in '%s' has no data (a null dataspace)" },
};

static void
test_refusals (void)
{
  /* in a child, to see that HDF5 prints nothing */
  if (g_test_subprocess ())
    {
      for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
        {
          g_autoptr(GError) error = NULL;
          GdciChunkIterator *it = gdci_h5_iterator_new (h5_path, refusals[i].dataset, &error);

          g_test_message ("refusing %s", refusals[i].dataset);
          g_assert_null (it);
          test_assert_error_with_path (error, refusals[i].code, refusals[i].message, h5_path);
          if (refusals[i].message == NULL)
            g_assert_nonnull (strstr (error->message, "(HDF5: "));
        }
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_not_hdf5 (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *text = g_build_filename (test_dir, "notes.txt", NULL);
      g_autofree char *missing = g_build_filename (test_dir, "missing.h5", NULL);
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;

      g_file_set_contents (text, "not HDF5 at all\n", -1, NULL);
      g_assert_null (gdci_h5_iterator_new (text, "/data", &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
      expected = g_strdup_printf ("'%s' is not an HDF5 file", text);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
      g_clear_pointer (&expected, g_free);

      g_assert_null (gdci_h5_iterator_new (missing, "/data", &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
      expected = g_strdup_printf ("Could not open '%s': No such file or directory", missing);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
      g_clear_pointer (&expected, g_free);

      g_assert_null (gdci_h5_iterator_new (test_dir, "/data", &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
      expected = g_strdup_printf ("'%s' is a directory, not an HDF5 file", test_dir);
      g_assert_cmpstr (error->message, ==, expected);
      g_unlink (text);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_serialize (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error,
                    "path", h5_path, "dataset", "/ints/i16", "buffer-gb", 0.0001, NULL);
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GdciChunkIterator) copy = NULL;
  g_autoptr(GBytes) values = numeric_values (&numeric[2]);
  guint64 shape[] = { 500, 384 };

  g_assert_no_error (error);
  v = gdci_chunk_iterator_serialize (it, &error);
  g_assert_no_error (error);
  copy = gdci_chunk_iterator_deserialize (v, &error);
  g_assert_no_error (error);
  g_assert_true (GDCI_IS_H5_ITERATOR (copy));
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (copy), ==,
                    gdci_chunk_iterator_get_n_buffers (it));
  test_assert_reassembles (copy, values, shape, 2);
}

/* How often @path is opened while @func runs */
static guint
count_opens (const char *path, GFunc func, gpointer data)
{
  int fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  guint n = 0;
  char events[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t len;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fd, path, IN_OPEN), >=, 0);
  func (data, NULL);
  while ((len = read (fd, events, sizeof events)) > 0)
    for (char *p = events; p < events + len;
         p += sizeof (struct inotify_event) + ((struct inotify_event *) (gpointer) p)->len)
      if (((struct inotify_event *) (gpointer) p)->mask & IN_OPEN)
        n++;
  close (fd);
  return n;
}

static void
make_iterator (gpointer data, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = gdci_h5_iterator_new (data, "/ints/i16", &error);

  g_assert_no_error (error);
}

static void
refuse_iterator (gpointer data, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = gdci_h5_iterator_new (data, "/data", &error);

  g_assert_null (it);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
}

static void
test_opens_file_once (void)
{
  /* the file is opened once, HDF5 or not: no second open to check it */
  g_autofree char *text = g_build_filename (g_get_tmp_dir (), "gdci-not-hdf5-once.txt", NULL);

  g_assert_cmpuint (count_opens (h5_path, make_iterator, h5_path), ==, 1);
  g_assert_true (g_file_set_contents (text, "not HDF5 at all", -1, NULL));
  g_assert_cmpuint (count_opens (text, refuse_iterator, text), ==, 1);
  g_unlink (text);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* the parent makes the file; children of g_test_trap_subprocess() get
   * its name through the environment */
  test_dir = test_subprocess_dir_get ("GDCI_TEST_H5_DIR", "gdci-test-XXXXXX");
  h5_path = g_build_filename (test_dir, "data.h5", NULL);
  init_types ();
  if (!g_test_subprocess ())
    write_file ();

  g_test_add_func ("/h5-iterator/numeric-round-trips", test_numeric_round_trips);
  g_test_add_func ("/h5-iterator/relative-dataset-path", test_relative_dataset_path);
  g_test_add_func ("/h5-iterator/refusals", test_refusals);
  g_test_add_func ("/h5-iterator/not-hdf5", test_not_hdf5);
  g_test_add_func ("/h5-iterator/serialize", test_serialize);
  g_test_add_func ("/h5-iterator/opens-file-once", test_opens_file_once);

  status = g_test_run ();

  g_free (h5_path);
  test_subprocess_dir_free (test_dir);
  return status;
}
