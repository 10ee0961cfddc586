/* test-repack-util.c: HDF5 files made with HDF5's own calls for the tests
 * of GdciRepacker, and the directory each test works in
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "test-repack-util.h"

/* ---- the input ------------------------------------------------------------- */

static void
write_attribute (hid_t       object,
                 const char *name,
                 hid_t       type,
                 hid_t       mem_type,
                 const void *value)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attr = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);

  g_assert_cmpint (attr, >=, 0);
  g_assert_cmpint (H5Awrite (attr, mem_type, value), >=, 0);
  H5Aclose (attr);
  H5Sclose (space);
}

/* A dataset of @rank dims, chunked when @chunk is not NULL, with shuffle
 * and deflate 4 when @deflate, written from @values (of @mem_type) */
static void
make_dataset (hid_t          file,
              const char    *path,
              hid_t          type,
              hid_t          mem_type,
              int            rank,
              const hsize_t *dims,
              const hsize_t *chunk,
              gboolean       shuffle,
              unsigned       deflate,
              const void    *values)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t space = H5Screate_simple (rank, dims, NULL);
  hid_t dset;

  if (chunk != NULL)
    g_assert_cmpint (H5Pset_chunk (dcpl, rank, chunk), >=, 0);
  if (shuffle)
    g_assert_cmpint (H5Pset_shuffle (dcpl), >=, 0);
  if (deflate != 0)
    g_assert_cmpint (H5Pset_deflate (dcpl, deflate), >=, 0);
  if (strcmp (path, "/data/int16") == 0)
    {
      short fill = TEST_REPACK_FILL_VALUE;

      g_assert_cmpint (H5Pset_fill_value (dcpl, H5T_NATIVE_SHORT, &fill), >=, 0);
    }
  dset = H5Dcreate2 (file, path, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dwrite (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
  H5Pclose (dcpl);
}

/* int16 values that shuffle and compress like a recording */
static gint16 *
recording (gsize n,
           gsize row_length)
{
  gint16 *v = g_new (gint16, n);

  for (gsize k = 0; k < n; k++)
    {
      gsize i = k / row_length, j = k % row_length;

      v[k] = (gint16) (1000.0 * sin ((double) i / 50.0 + (double) j) + (double) ((i * 31 + j * 17) % 23));
    }
  return v;
}

static void
make_data (hid_t file)
{
  hsize_t int16_dims[] = { 1200, 256 }, int16_chunk[] = { 100, 64 };
  hsize_t float_dims[] = { 400, 160 }, float_chunk[] = { 50, 40 };
  hsize_t contig_dims[] = { 300, 200 };
  hsize_t small_dims[] = { 16, 16 }, small_chunk[] = { 8, 8 };
  hsize_t typed_dims[] = { 64 };
  g_autofree gint16 *int16 = recording (1200 * 256, 256);
  g_autofree gint16 *contig = recording (300 * 200, 200);
  g_autofree gint16 *small = recording (16 * 16, 16);
  g_autofree float *floats = g_new (float, 400 * 160);
  gint32 typed[64];
  hid_t group = H5Gcreate2 (file, "/data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t mytype = H5Topen2 (file, "/mytype", H5P_DEFAULT);

  g_assert_cmpint (group, >=, 0);
  g_assert_cmpint (mytype, >=, 0);
  for (gsize k = 0; k < 400 * 160; k++)
    floats[k] = (float) (k / 160) * 0.5f + (float) sin ((double) (k % 160) / 7.0);
  for (gint32 k = 0; k < 64; k++)
    typed[k] = k * k - 1000;
  make_dataset (file, "/data/int16", H5T_STD_I16LE, H5T_NATIVE_INT16, 2, int16_dims,
                int16_chunk, TRUE, 4, int16);
  make_dataset (file, "/data/float32", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, float_dims,
                float_chunk, TRUE, 4, floats);
  make_dataset (file, "/data/contig", H5T_STD_I16LE, H5T_NATIVE_INT16, 2, contig_dims, NULL,
                FALSE, 0, contig);
  make_dataset (file, "/data/small", H5T_STD_I16LE, H5T_NATIVE_INT16, 2, small_dims,
                small_chunk, FALSE, 4, small);
  make_dataset (file, "/data/typed", mytype, H5T_NATIVE_INT32, 1, typed_dims, NULL, FALSE, 0,
                typed);
  g_assert_cmpint (H5Lcreate_hard (file, "/data/int16", file, "/data/int16_link",
                                   H5P_DEFAULT, H5P_DEFAULT), >=, 0);
  H5Tclose (mytype);
  H5Gclose (group);
}

static void
make_attributes (hid_t file)
{
  const char *unit = "uV";
  double gain = 0.195;
  hobj_ref_t target;
  hid_t title = H5Tcopy (H5T_C_S1), vlen = H5Tcopy (H5T_C_S1);
  hid_t root = H5Gopen2 (file, "/", H5P_DEFAULT);
  hid_t data = H5Gopen2 (file, "/data", H5P_DEFAULT);
  hid_t int16 = H5Dopen2 (file, "/data/int16", H5P_DEFAULT);

  H5Tset_size (title, 32);
  H5Tset_size (vlen, H5T_VARIABLE);
  write_attribute (root, "title", title, title, (char[32]) { "a repack's input" });
  write_attribute (int16, "unit", vlen, vlen, &unit);
  write_attribute (int16, "gain", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &gain);
  g_assert_cmpint (H5Rcreate (&target, file, "/data/float32", H5R_OBJECT, -1), >=, 0);
  write_attribute (data, "target", H5T_STD_REF_OBJ, H5T_STD_REF_OBJ, &target);
  H5Dclose (int16);
  H5Gclose (data);
  H5Gclose (root);
  H5Tclose (vlen);
  H5Tclose (title);
}

static void
make_ordered (hid_t file)
{
  hid_t gcpl = H5Pcreate (H5P_GROUP_CREATE);
  hsize_t dims[] = { 8 };
  gint16 alpha[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
  hid_t group, child;

  g_assert_cmpint (H5Pset_link_creation_order (gcpl, H5P_CRT_ORDER_TRACKED |
                                                     H5P_CRT_ORDER_INDEXED), >=, 0);
  group = H5Gcreate2 (file, "/ordered", H5P_DEFAULT, gcpl, H5P_DEFAULT);
  g_assert_cmpint (group, >=, 0);
  child = H5Gcreate2 (group, "zeta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose (child);
  make_dataset (file, "/ordered/alpha", H5T_STD_I16LE, H5T_NATIVE_INT16, 1, dims, NULL, FALSE,
                0, alpha);
  child = H5Gcreate2 (group, "mid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose (child);
  g_assert_cmpint (H5Lcreate_soft ("/data", group, "beta", H5P_DEFAULT, H5P_DEFAULT), >=, 0);
  H5Gclose (group);
  H5Pclose (gcpl);
}

static void
make_references (hid_t file)
{
  static const char *const targets[] = { "/data/int16", "/data/float32", "/data", "/mytype" };
  hsize_t points[3][2] = { { 0, 0 }, { 5, 7 }, { 1199, 255 } };
  hsize_t start[] = { 10, 20 }, count[] = { 5, 6 };
  hsize_t n_refs[] = { 4 }, n_regions[] = { 2 };
  hobj_ref_t refs[4];
  hdset_reg_ref_t regions[2];
  hid_t dset, space;

  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (H5Rcreate (&refs[i], file, targets[i], H5R_OBJECT, -1), >=, 0);
  make_dataset (file, "/refs", H5T_STD_REF_OBJ, H5T_STD_REF_OBJ, 1, n_refs, NULL, FALSE, 0,
                refs);

  dset = H5Dopen2 (file, "/data/int16", H5P_DEFAULT);
  space = H5Dget_space (dset);
  g_assert_cmpint (H5Sselect_elements (space, H5S_SELECT_SET, 3, &points[0][0]), >=, 0);
  g_assert_cmpint (H5Rcreate (&regions[0], file, "/data/int16", H5R_DATASET_REGION, space),
                   >=, 0);
  H5Sclose (space);
  H5Dclose (dset);
  dset = H5Dopen2 (file, "/data/float32", H5P_DEFAULT);
  space = H5Dget_space (dset);
  g_assert_cmpint (H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL), >=, 0);
  g_assert_cmpint (H5Rcreate (&regions[1], file, "/data/float32", H5R_DATASET_REGION, space),
                   >=, 0);
  H5Sclose (space);
  H5Dclose (dset);
  make_dataset (file, "/regref", H5T_STD_REF_DSETREG, H5T_STD_REF_DSETREG, 1, n_regions, NULL,
                FALSE, 0, regions);
}

void
test_repack_make_input (const char *path)
{
  hid_t file = H5Fcreate (path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  hid_t mytype = H5Tcopy (H5T_STD_I32LE);

  g_assert_cmpint (file, >=, 0);
  g_assert_cmpint (H5Tcommit2 (file, "/mytype", mytype, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT), >=, 0);
  H5Tclose (mytype);
  make_data (file);
  make_attributes (file);
  make_ordered (file);
  make_references (file);
  g_assert_cmpint (H5Lcreate_soft ("/data/int16", file, "/soft", H5P_DEFAULT, H5P_DEFAULT),
                   >=, 0);
  g_assert_cmpint (H5Lcreate_external ("missing-file.h5", "/nowhere", file, "/ext",
                                       H5P_DEFAULT, H5P_DEFAULT), >=, 0);
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

void
test_repack_make_big (const char *path,
                      guint       n,
                      hsize_t     rows,
                      hsize_t     cols)
{
  hsize_t dims[] = { rows, cols }, chunk[] = { 64, cols };
  g_autofree gint16 *values = recording ((gsize) (rows * cols), (gsize) cols);
  hid_t file = H5Fcreate (path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);

  g_assert_cmpint (file, >=, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("/big%u", i);

      make_dataset (file, name, H5T_STD_I16LE, H5T_NATIVE_INT16, 2, dims, chunk, TRUE, 1,
                    values);
    }
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

/* ---- files and directories ----------------------------------------------- */

char *
test_repack_checksum (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

void
test_repack_assert_no_partials (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] == '.' && g_str_has_suffix (name, ".partial"))
      g_error ("a temporary file is left behind: %s in %s", name, dir);
}

hid_t
test_repack_open (const char *path)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);

  g_assert_cmpint (file, >=, 0);
  return file;
}

void
test_repack_assert_all_closed (void)
{
  g_assert_cmpint (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), ==, 0);
}

/* ---- a test's files ---------------------------------------------------------- */

static void
on_progress (GdciRepacker      *repacker,
             guint64            done,
             guint64            total,
             TestRepackFixture *f)
{
  TestRepackProgress p = { done, total };

  g_assert_true (g_thread_self () == f->thread);
  g_array_append_val (f->progress, p);
}

void
test_repack_fixture_setup (TestRepackFixture *f,
                           gconstpointer      data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("gdci-repack-XXXXXX", &error);
  g_assert_no_error (error);
  f->in = g_build_filename (f->dir, "in.h5", NULL);
  f->out = g_build_filename (f->dir, "out.h5", NULL);
  test_repack_make_input (f->in);
  f->in_checksum = test_repack_checksum (f->in);
  f->repacker = gdci_repacker_new ();
  gdci_h5_writer_set_n_threads (gdci_repacker_get_writer (f->repacker), 2);
  f->progress = g_array_new (FALSE, FALSE, sizeof (TestRepackProgress));
  f->thread = g_thread_self ();
  g_signal_connect (f->repacker, "progress", G_CALLBACK (on_progress), f);
}

void
test_repack_fixture_teardown (TestRepackFixture *f,
                              gconstpointer      data)
{
  g_autofree char *checksum = test_repack_checksum (f->in);
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_assert_cmpstr (checksum, ==, f->in_checksum);
  test_repack_assert_no_partials (f->dir);
  test_repack_assert_all_closed ();
  g_clear_object (&f->repacker);
  g_array_unref (f->progress);
  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
  g_free (f->in);
  g_free (f->out);
  g_free (f->in_checksum);
}

void
test_repack_fixture_use_big (TestRepackFixture *f,
                             guint              n,
                             hsize_t            rows,
                             hsize_t            cols)
{
  g_assert_cmpint (g_unlink (f->in), ==, 0);
  test_repack_make_big (f->in, n, rows, cols);
  g_free (f->in_checksum);
  f->in_checksum = test_repack_checksum (f->in);
}

void
test_repack_assert_progress (TestRepackFixture *f,
                             guint64            bytes_total)
{
  const TestRepackProgress *p = (const TestRepackProgress *) (gpointer) f->progress->data;
  guint n = f->progress->len;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (p[i].total, ==, bytes_total);
      g_assert_cmpuint (p[i].done, <=, p[i].total);
      if (i > 0)
        g_assert_cmpuint (p[i].done, >=, p[i - 1].done);
    }
  g_assert_cmpuint (p[n - 1].done, ==, p[n - 1].total);
}

void
test_repack_assert_failed_cleanly (TestRepackFixture *f,
                                   gboolean           out_existed,
                                   const char        *out_checksum)
{
  g_autofree char *checksum = test_repack_checksum (f->in);

  if (out_existed)
    {
      g_autofree char *now = test_repack_checksum (f->out);

      g_assert_cmpstr (now, ==, out_checksum);
    }
  else
    g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  test_repack_assert_no_partials (f->dir);
  g_assert_cmpstr (checksum, ==, f->in_checksum);
  test_repack_assert_all_closed ();
}
