/* test-repacker-failures.c: GdciRepacker's refusals, failures and
 * cancellations, each leaving no output, no temporary file and the input
 * as it was
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "test-repack-check.h"
#include "test-repack-util.h"

typedef TestRepackFixture Fixture;

#define FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, test_repack_fixture_setup, func, \
              test_repack_fixture_teardown)

/* A repack of @in into @out that fails: its error */
static GError *
repack_fails (Fixture      *f,
              const char   *in,
              const char   *out,
              GCancellable *cancellable)
{
  GError *error = NULL;

  g_assert_false (gdci_repacker_repack (f->repacker, in, out, cancellable, &error));
  g_assert_nonnull (error);
  return error;
}

/* The same, of the fixture's files, and nothing left of it */
static void
assert_fails (Fixture *f,
              GQuark   domain,
              int      code)
{
  g_autoptr(GError) error = repack_fails (f, f->in, f->out, NULL);

  g_assert_error (error, domain, code);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
}

static char *
write_text (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- the output ------------------------------------------------------------------ */

/* An output that exists is left as it is */
static void
test_exists (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = write_text (f, "out.h5", "precious, not HDF5");
  g_autofree char *checksum = test_repack_checksum (out);
  g_autoptr(GError) error = repack_fails (f, f->in, f->out, NULL);

  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  test_repack_assert_failed_cleanly (f, TRUE, checksum);
}

/* So is a directory of its name, even with overwrite */
static void
test_exists_directory (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (f->out, 0700), ==, 0);
  gdci_repacker_set_overwrite (f->repacker, TRUE);
  error = repack_fails (f, f->in, f->out, NULL);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_assert_true (g_file_test (f->out, G_FILE_TEST_IS_DIR));
  test_repack_assert_no_partials (f->dir);
}

static void
test_overwrite (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = write_text (f, "out.h5", "to be replaced");
  g_autoptr(GError) error = NULL;
  hid_t in, repacked;

  gdci_repacker_set_overwrite (f->repacker, TRUE);
  g_assert_true (gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpint (H5Fis_hdf5 (f->out), >, 0);
  in = test_repack_open (f->in);
  repacked = test_repack_open (f->out);
  test_repack_assert_same_values (in, repacked, "/data/int16");
  test_repack_assert_same_chunks (in, repacked, "/data/int16");
  H5Fclose (repacked);
  H5Fclose (in);
}

/* The input by any of its names, even with overwrite */
static void
test_same_file (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *dotted = g_build_filename (f->dir, ".", "in.h5", NULL);
  g_autofree char *hard = g_build_filename (f->dir, "hard.h5", NULL);
  g_autofree char *symbolic = g_build_filename (f->dir, "symbolic.h5", NULL);
  const char *names[] = { f->in, dotted, hard, symbolic };

  g_assert_cmpint (link (f->in, hard), ==, 0);
  g_assert_cmpint (symlink ("in.h5", symbolic), ==, 0);
  for (guint overwrite = 0; overwrite < 2; overwrite++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(GError) error = NULL;

        gdci_repacker_set_overwrite (f->repacker, overwrite);
        error = repack_fails (f, f->in, names[i], NULL);
        g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
        g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
        test_repack_assert_no_partials (f->dir);
        g_assert_true (g_file_test (symbolic, G_FILE_TEST_IS_SYMLINK));
        {
          g_autofree char *checksum = test_repack_checksum (names[i]);

          g_assert_cmpstr (checksum, ==, f->in_checksum);
        }
      }
  test_repack_assert_all_closed ();
}

static void
test_empty_names (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) no_in = repack_fails (f, "", f->out, NULL);
  g_autoptr(GError) no_out = repack_fails (f, f->in, "", NULL);

  g_assert_error (no_in, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_error (no_out, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
}

/* ---- the input ------------------------------------------------------------------- */

static void
test_missing_input (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.h5", NULL);
  g_autoptr(GError) error = repack_fails (f, missing, f->out, NULL);

  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
}

static void
test_not_hdf5 (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *text = write_text (f, "text.h5", "not an HDF5 file, only some text\n");
  g_autofree char *checksum = test_repack_checksum (text);
  g_autoptr(GError) error = repack_fails (f, text, f->out, NULL);
  g_autofree char *after = test_repack_checksum (text);

  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_cmpstr (after, ==, checksum);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
}

/* The input cut short at several places */
static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) whole = NULL;
  g_autofree char *truncated = g_build_filename (f->dir, "truncated.h5", NULL);
  gsize size;
  const char *contents;

  {
    g_autoptr(GError) error = NULL;
    char *bytes = NULL;

    g_file_get_contents (f->in, &bytes, &size, &error);
    g_assert_no_error (error);
    whole = g_bytes_new_take (bytes, size);
  }
  contents = g_bytes_get_data (whole, &size);
  for (guint i = 0; i < 3; i++)
    {
      gsize cut[] = { 2048, size / 2, size - 1 };
      g_autoptr(GError) error = NULL;
      g_autofree char *checksum = NULL;
      g_autofree char *after = NULL;

      g_file_set_contents (truncated, contents, (gssize) cut[i], &error);
      g_assert_no_error (error);
      checksum = test_repack_checksum (truncated);
      g_clear_error (&error);
      error = repack_fails (f, truncated, f->out, NULL);
      g_assert_true (error->domain == GDCI_ERROR);
      after = test_repack_checksum (truncated);
      g_assert_cmpstr (after, ==, checksum);
      test_repack_assert_failed_cleanly (f, FALSE, NULL);
    }
}

/* A chunk of /data/int16 whose stored bytes are damaged: it is copied as
 * it is, and a rewrite, which decodes it, fails */
static void
test_damaged_chunk (Fixture       *f,
                    gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hsize_t offset[2] = { 500, 128 }, size = 0;
  unsigned mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hid_t file = test_repack_open (f->in);
  hid_t dset = H5Dopen2 (file, "/data/int16", H5P_DEFAULT);
  g_autoptr(GError) error = NULL;
  guint8 junk[64];
  int fd;

  g_assert_cmpint (H5Dget_chunk_info_by_coord (dset, offset, &mask, &addr, &size), >=, 0);
  g_assert_cmpuint (size, >, 2 * sizeof junk);
  H5Dclose (dset);
  H5Fclose (file);
  memset (junk, 0x5a, sizeof junk);
  fd = g_open (f->in, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, sizeof junk, (off_t) (addr + size / 2)), ==, sizeof junk);
  g_assert_cmpint (close (fd), ==, 0);
  g_free (f->in_checksum);
  f->in_checksum = test_repack_checksum (f->in);

  g_assert_true (gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (f->out), ==, 0);

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  g_clear_error (&error);
  error = repack_fails (f, f->in, f->out, NULL);
  g_assert_true (error->domain == GDCI_ERROR);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
}

/* ---- the settings ------------------------------------------------------------------ */

static void
test_no_such_dataset (Fixture       *f,
                      gconstpointer  data)
{
  static const char *const missing[] = { "/data/nope", NULL };
  static const char *const group[] = { "/data", NULL };

  gdci_repacker_set_datasets (f->repacker, missing);
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
  gdci_repacker_set_datasets (f->repacker, group);
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
  gdci_repacker_set_datasets (f->repacker, NULL);
  gdci_repacker_set_chunk_shape (f->repacker, "/nope",
                                 g_variant_new_parsed ("[uint64 10, 10]"));
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
}

static void
test_chunk_rank (Fixture       *f,
                 gconstpointer  data)
{
  gdci_repacker_set_chunk_shape (f->repacker, "/data/int16", g_variant_new_parsed ("[uint64 10]"));
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  gdci_repacker_set_chunk_shape (f->repacker, "/data/int16",
                                 g_variant_new_parsed ("[uint64 10, 0, 4]"));
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
}

static void
on_level_refused (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (gdci_repacker_repack_finish (GDCI_REPACKER (source), result, error));
}

/* The writer's filters are checked when they are used, and only then */
static void
test_invalid_level (Fixture       *f,
                    gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  g_autoptr(GError) error = NULL;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_h5_writer_set_compression_level (writer, 99);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);

  gdci_repacker_repack_async (f->repacker, f->in, f->out, NULL, on_level_refused, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP);
  gdci_h5_writer_set_compression_level (writer, 10);
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  gdci_h5_writer_set_compression_level (writer, 0);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_h5_writer_set_bitshuffle (writer, TRUE);
  assert_fails (f, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);

  /* filters that are not used are not checked */
  gdci_repacker_set_replace_filters (f->repacker, FALSE);
  g_clear_error (&error);
  g_assert_true (gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_repacker_get_n_rewritten (f->repacker), ==, 0);
}

/* A dataset of a filter that cannot be decoded here is copied; asking to
 * rewrite it is refused */
static void
test_not_decodable (Fixture       *f,
                    gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  g_autofree char *in = g_build_filename (f->dir, "unknown-filter.h5", NULL);
  g_autofree gint16 *values = g_new0 (gint16, 200 * 200);
  hsize_t dims[] = { 200, 200 }, chunk[] = { 50, 50 };
  hid_t file = H5Fcreate (in, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t space = H5Screate_simple (2, dims, NULL);
  hid_t dset, repacked;
  g_autoptr(GError) error = NULL;
  unsigned plugins = 0;

  /* no plugin of the system's is loaded looking for the filter: their
   * constructors' allocations are not this test's */
  g_assert_cmpint (H5PLget_loading_state (&plugins), >=, 0);
  g_assert_cmpint (H5PLset_loading_state (0), >=, 0);
  for (guint i = 0; i < 200 * 200; i++)
    values[i] = (gint16) (i % 1000);
  g_assert_cmpint (H5Pset_chunk (dcpl, 2, chunk), >=, 0);
  H5E_BEGIN_TRY
    {
      g_assert_cmpint (H5Pset_filter (dcpl, 40001, H5Z_FLAG_OPTIONAL, 0, NULL), >=, 0);
      dset = H5Dcreate2 (file, "/unknown", H5T_STD_I16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      g_assert_cmpint (dset, >=, 0);
      g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, values),
                       >=, 0);
    }
  H5E_END_TRY;
  H5Dclose (dset);
  H5Sclose (space);
  H5Pclose (dcpl);
  g_assert_cmpint (H5Fclose (file), >=, 0);

  g_assert_true (gdci_repacker_repack (f->repacker, in, f->out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_repacker_get_n_copied (f->repacker), ==, 2); /* the root group, the dataset */
  file = test_repack_open (in);
  repacked = test_repack_open (f->out);
  test_repack_assert_same_chunks (file, repacked, "/unknown");
  H5Fclose (repacked);
  H5Fclose (file);
  g_assert_cmpint (g_unlink (f->out), ==, 0);

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  g_clear_error (&error);
  error = repack_fails (f, in, f->out, NULL);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
  g_assert_cmpint (H5PLset_loading_state (plugins), >=, 0);
}

/* Only a repack that succeeds sets the results */
static void
test_results_kept (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 bytes_out;

  g_assert_true (gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error));
  g_assert_no_error (error);
  bytes_out = gdci_repacker_get_bytes_out (f->repacker);
  g_assert_cmpuint (bytes_out, >, 0);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  gdci_repacker_set_min_size (f->repacker, 0);
  error = repack_fails (f, f->in, f->out, NULL);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpuint (gdci_repacker_get_n_rewritten (f->repacker), ==, 0);
  g_assert_cmpuint (gdci_repacker_get_n_copied (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpuint (gdci_repacker_get_bytes_out (f->repacker), ==, bytes_out);
}

/* ---- one at a time, and cancellation ------------------------------------------ */

typedef struct
{
  GMainLoop *loop;              /* or NULL */
  gboolean done;
  gboolean ok;
  GError *error;
} Done;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Done *d = user_data;

  d->ok = gdci_repacker_repack_finish (GDCI_REPACKER (source), result, &d->error);
  d->done = TRUE;
  if (d->loop != NULL)
    g_main_loop_quit (d->loop);
}

static void
wait_for (Done *d)
{
  while (!d->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_pending (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.h5", NULL);
  Done first = { 0 }, second = { 0 };
  g_autoptr(GError) error = NULL;

  gdci_repacker_repack_async (f->repacker, f->in, f->out, NULL, on_done, &first);
  error = repack_fails (f, f->in, other, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  gdci_repacker_repack_async (f->repacker, f->in, other, NULL, on_done, &second);
  wait_for (&second);
  g_assert_false (second.ok);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&second.error);
  wait_for (&first);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_cmpint (H5Fis_hdf5 (f->out), >, 0);
  test_repack_assert_no_partials (f->dir);

  /* free again */
  g_clear_error (&error);
  g_assert_true (gdci_repacker_repack (f->repacker, f->in, other, NULL, &error));
  g_assert_no_error (error);
}

static void
test_cancel_before (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Done d = { 0 };

  g_cancellable_cancel (cancellable);
  error = repack_fails (f, f->in, f->out, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);

  gdci_repacker_repack_async (f->repacker, f->in, f->out, cancellable, on_done, &d);
  wait_for (&d);
  g_assert_false (d.ok);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&d.error);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, 0);
}

static void
cancel_on_progress (GdciRepacker *repacker,
                    guint64       done,
                    guint64       total,
                    GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/* A rewrite of three datasets of 1 MiB, cancelled by the first progress
 * it tells */
static GCancellable *
cancel_setup (Fixture *f)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  GCancellable *cancellable = g_cancellable_new ();

  test_repack_fixture_use_big (f, 3, 512, 1024);
  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  g_signal_connect (f->repacker, "progress", G_CALLBACK (cancel_on_progress), cancellable);
  return cancellable;
}

static void
test_cancel_progress (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = cancel_setup (f);
  g_autoptr(GError) error = repack_fails (f, f->in, f->out, cancellable);

  const TestRepackProgress *first = &g_array_index (f->progress, TestRepackProgress, 0);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* midway */
  g_assert_cmpuint (f->progress->len, ==, 1);
  g_assert_cmpuint (first->done, <, first->total);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, 0);
}

static void
test_cancel_progress_async (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = cancel_setup (f);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Done d = { loop, FALSE, FALSE, NULL };

  gdci_repacker_repack_async (f->repacker, f->in, f->out, cancellable, on_done, &d);
  g_main_loop_run (loop);
  g_assert_true (d.done);
  g_assert_false (d.ok);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&d.error);
  g_assert_cmpuint (f->progress->len, >, 0);
  test_repack_assert_failed_cleanly (f, FALSE, NULL);
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, 0);
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE_TEST ("/repacker/error/exists", test_exists);
  FIXTURE_TEST ("/repacker/error/exists-directory", test_exists_directory);
  FIXTURE_TEST ("/repacker/overwrite", test_overwrite);
  FIXTURE_TEST ("/repacker/error/same-file", test_same_file);
  FIXTURE_TEST ("/repacker/error/empty-names", test_empty_names);
  FIXTURE_TEST ("/repacker/error/missing-input", test_missing_input);
  FIXTURE_TEST ("/repacker/error/not-hdf5", test_not_hdf5);
  FIXTURE_TEST ("/repacker/error/truncated", test_truncated);
  FIXTURE_TEST ("/repacker/error/damaged-chunk", test_damaged_chunk);
  FIXTURE_TEST ("/repacker/error/no-such-dataset", test_no_such_dataset);
  FIXTURE_TEST ("/repacker/error/chunk-rank", test_chunk_rank);
  FIXTURE_TEST ("/repacker/error/invalid-level", test_invalid_level);
  FIXTURE_TEST ("/repacker/error/not-decodable", test_not_decodable);
  FIXTURE_TEST ("/repacker/error/results-kept", test_results_kept);
  FIXTURE_TEST ("/repacker/error/pending", test_pending);
  FIXTURE_TEST ("/repacker/cancel/before", test_cancel_before);
  FIXTURE_TEST ("/repacker/cancel/progress", test_cancel_progress);
  FIXTURE_TEST ("/repacker/cancel/progress-async", test_cancel_progress_async);

  return g_test_run ();
}
