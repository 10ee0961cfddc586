/* test-h5-writer-faults.c: the writer when things go wrong underneath it:
 * a file swapped at its temporary name, a step of the commit that fails,
 * a thread that cannot start, a file-size limit; and the limits it works
 * within (threads, memory, sizes)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci.h"
#include "gdci-h5-target-private.h"
#include "gdci-memory-private.h"
#include "gdci-write-pipeline-private.h"
#include "test-util.h"

typedef TestOutDir Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  test_out_dir_init (f, "gdci-faults-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  _gdci_h5_target_set_faults (0);
  _gdci_h5_target_set_created_hook (NULL, NULL);
  _gdci_write_pipeline_fail_thread_start (G_MAXUINT);
  test_out_dir_clear (f);
}

static GdciChunkIterator *
uint8_iterator (GBytes *data, guint64 n_rows, guint64 n_columns)
{
  g_autoptr(GError) error = NULL;
  guint64 shape[] = { n_rows, n_columns };
  GdciChunkIterator *it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                    "data", data, "dtype", GDCI_DTYPE_UINT8,
                    "shape", test_shape_variant (shape, 2),
                    "buffer-shape", g_variant_new_parsed ("[uint64 100, 64]"),
                    "chunk-shape", g_variant_new_parsed ("[uint64 50, 64]"), NULL);
  g_assert_no_error (error);
  return it;
}

/* The bytes of a uint8 dataset, or NULL if it is not there */
static GBytes *
read_uint8 (const char *path, const char *name)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset, space;
  hssize_t n;
  guint8 *values;

  g_assert_cmpint (file, >=, 0);
  if (H5Lexists (file, name, H5P_DEFAULT) <= 0)
    {
      H5Fclose (file);
      return NULL;
    }
  dset = H5Dopen2 (file, name, H5P_DEFAULT);
  space = H5Dget_space (dset);
  n = H5Sget_simple_extent_npoints (space);
  values = g_malloc (MAX (n, 1));
  g_assert_cmpint (H5Dread (dset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return g_bytes_new_take (values, (gsize) n);
}

/* ---- a new file's temporary name ------------------------------------------ */

typedef struct
{
  const char *victim;
  char *temp_name;
} Swap;

static void
swap_in_symlink (const char *temp_filename, gpointer user_data)
{
  Swap *swap = user_data;

  swap->temp_name = g_strdup (temp_filename);
  g_assert_cmpint (g_unlink (temp_filename), ==, 0);
  g_assert_cmpint (symlink (swap->victim, temp_filename), ==, 0);
}

static void
test_symlink_at_temporary_name (Fixture *f, gconstpointer data)
{
  /* someone who shares the directory replaces the temporary file with a
   * link to a file of the writer's user: that file is not touched, and
   * the link is not renamed into place */
  g_autofree char *victim = g_build_filename (f->dir, "precious.txt", NULL);
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 1);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400, 64);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  Swap swap = { victim, NULL };

  g_assert_true (g_file_set_contents (victim, "precious", -1, NULL));
  _gdci_h5_target_set_created_hook (swap_in_symlink, &swap);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/data", NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "was replaced by another while it was written"));

  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  /* the link, which is not the writer's, is left where it was put */
  g_assert_true (g_file_test (swap.temp_name, G_FILE_TEST_IS_SYMLINK));
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 2);
  g_free (swap.temp_name);
}

/* another program creates the file at the target's name meanwhile */
static void
create_at_target (const char *temp_filename,
                  gpointer    user_data)
{
  g_assert_true (g_file_set_contents (user_data, "another program's", -1, NULL));
}

static void
test_target_created_meanwhile (Fixture *f, gconstpointer data)
{
  /* a new-file write publishes without replacing: the other program's
   * file stays, the write says the name exists, and nothing is left */
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 1);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400, 64);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  _gdci_h5_target_set_created_hook (create_at_target, f->path);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/data", NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "another program's");
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

static void
test_second_writer_refused (Fixture *f, gconstpointer data)
{
  /* another writer holds the file (here an open file description lock of
   * this process, as a second gdci takes): a write into it is refused, even
   * with HDF5's own file locking off, and the file is left as it was */
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 1);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400, 64);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
  int fd;

  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/a", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  g_setenv ("HDF5_USE_FILE_LOCKING", "FALSE", TRUE);
  fd = open (f->path, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fcntl (fd, F_OFD_SETLK, &lock), ==, 0);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/b", NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "is being written by another program"));
  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_clear_error (&error);

  /* once the other writer is done, the write goes through */
  close (fd);
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/b", NULL, &error));
  g_assert_no_error (error);
  g_unsetenv ("HDF5_USE_FILE_LOCKING");
}

/* ---- the commit's steps ------------------------------------------------------ */

static void
test_link_failure_puts_the_file_back (Fixture *f, gconstpointer data)
{
  /* with overwrite, the old dataset steps aside; if the new one cannot be
   * linked, the file is put back as it was, however much of that fails */
  g_autoptr(GBytes) old_values = test_make_pattern (400 * 64, 2);
  g_autoptr(GBytes) new_values = test_make_pattern (400 * 64, 3);
  g_autoptr(GdciChunkIterator) old_it = uint8_iterator (old_values, 400, 64);
  g_autoptr(GdciChunkIterator) new_it = uint8_iterator (new_values, 400, 64);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_auto(GStrv) cleaned = NULL;

  g_assert_true (gdci_h5_writer_write (writer, old_it, f->path, "/data", NULL, &error));
  g_assert_no_error (error);
  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_REPLACE);
  before = test_read_file_bytes (f->path);

  /* the link fails, the restore works */
  _gdci_h5_target_set_faults (GDCI_H5_TARGET_FAULT_LINK_NEW);
  g_assert_false (gdci_h5_writer_write (writer, new_it, f->path, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_HDF5);
  g_assert_true (g_str_has_prefix (error->message, "Could not create '/data' in"));
  g_assert_null (strstr (error->message, ".gdci-replaced-"));
  g_clear_error (&error);
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  g_clear_pointer (&after, g_bytes_unref);

  /* both fail: the file is put back as it was all the same */
  _gdci_h5_target_set_faults (GDCI_H5_TARGET_FAULT_LINK_NEW | GDCI_H5_TARGET_FAULT_RESTORE_OLD);
  g_assert_false (gdci_h5_writer_write (writer, new_it, f->path, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_HDF5);
  g_assert_null (strstr (error->message, ".gdci-replaced-"));
  g_clear_error (&error);
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  g_clear_pointer (&after, g_bytes_unref);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);

  /* and when the journal cannot put it back either, the message says so,
   * the journal stays, and cleaning the file puts it back */
  _gdci_h5_target_set_faults (GDCI_H5_TARGET_FAULT_LINK_NEW | GDCI_H5_TARGET_FAULT_RESTORE_OLD |
                              GDCI_H5_TARGET_FAULT_REVERT);
  g_assert_false (gdci_h5_writer_write (writer, new_it, f->path, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_HDF5);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not create '/data' in"));
  g_assert_nonnull (strstr (error->message, "could not be put back as it was yet"));
  g_clear_error (&error);
  _gdci_h5_target_set_faults (0);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 2);

  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 1);
  g_assert_true (g_str_has_prefix (cleaned[0], "put '"));
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  found = read_uint8 (f->path, "/data");
  g_assert_true (g_bytes_equal (found, old_values));
}

/* ---- threads ----------------------------------------------------------------- */

static void
test_thread_start_failure (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 4);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400, 64);
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER, "n-threads", 3,
                                                 "compression", GDCI_COMPRESSION_GZIP, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) found = NULL;

  /* the reader, then a compression thread, then none */
  for (guint index = 0; index < 3; index++)
    {
      g_autoptr(GError) error = NULL;

      _gdci_write_pipeline_fail_thread_start (index < 2 ? index * 2 : G_MAXUINT);
      if (index < 2)
        {
          g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/data", cancellable, &error));
          g_assert_error (error, G_THREAD_ERROR, G_THREAD_ERROR_AGAIN);
          g_assert_true (g_str_has_prefix (error->message, "Could not start a thread: "));
          g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 0);
        }
      else
        {
          g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/data", cancellable, &error));
          g_assert_no_error (error);
        }
    }
  found = read_uint8 (f->path, "/data");
  g_assert_true (g_bytes_equal (found, values));
}

static guint
threads_used (guint64 n_rows, gboolean gzip, guint n_threads)
{
  /* chunks of n_rows x 1024 int16 (16 MiB for 8192 rows); the write is
   * cancelled before it reads anything */
  g_autoptr(GError) error = NULL;
  guint64 shape[] = { n_rows, 1024 };
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_INT16, shape, 2, &error,
                       "chunk-shape", g_variant_new_parsed ("[%t, uint64 1024]", n_rows),
                       "buffer-shape", g_variant_new_parsed ("[%t, uint64 1024]", n_rows),
                       NULL);
  g_autoptr(GdciH5Writer) writer =
    g_object_new (GDCI_TYPE_H5_WRITER, "shuffle", TRUE, "n-threads", n_threads,
                  "compression", gzip ? GDCI_COMPRESSION_GZIP : GDCI_COMPRESSION_NONE, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint used;

  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_writer_get_n_threads_used (writer), ==, 0);
  g_cancellable_cancel (cancellable);
  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), "unused.h5", "/d",
                                        cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_get (writer, "n-threads-used", &used, NULL);
  g_assert_cmpuint (used, ==, gdci_h5_writer_get_n_threads_used (writer));
  g_assert_cmpuint (test_iterator_get_n_reads (it), ==, 0);
  return used;
}

static void
test_threads_used (void)
{
  /* 64 MiB of scratch: with gzip and shuffle, a chunk a thread to stage,
   * its compression's worst case (a little more than a chunk) and the
   * compressor's state: one thread for 16 MiB chunks, three for 8 MiB
   * ones; with the shuffle alone, one chunk a thread */
  g_assert_cmpuint (threads_used (8192, TRUE, 4), ==, 1);
  g_assert_cmpuint (threads_used (4096, TRUE, 4), ==, 3);
  g_assert_cmpuint (threads_used (8192, FALSE, 8), ==, 4);
  g_assert_cmpuint (threads_used (8192, FALSE, 3), ==, 3);
}

/* ---- a file-size limit ----------------------------------------------------------- */

static void
test_file_size_limit_keeps_size (Fixture *f, gconstpointer data)
{
  /* a write that fails on the file-size limit, into an existing file:
   * the file keeps exactly its old size and contents */
  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) small = test_make_pattern (400 * 64, 5);
      g_autoptr(GBytes) large = test_make_pattern (8000 * 64 * 8, 6);
      g_autoptr(GdciChunkIterator) small_it = uint8_iterator (small, 400, 64);
      g_autoptr(GdciChunkIterator) large_it = NULL;
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) found = NULL;
      struct rlimit limit;
      struct stat before, after;

      g_assert_true (gdci_h5_writer_write (writer, small_it, f->path, "/keep", NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (f->path, &before), ==, 0);

      large_it = uint8_iterator (large, 8000, 64 * 8);
      signal (SIGXFSZ, SIG_IGN);
      limit.rlim_cur = limit.rlim_max = (rlim_t) before.st_size + 1024 * 1024;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (gdci_h5_writer_write (writer, large_it, f->path, "/large", NULL, &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "File too large"));

      g_assert_cmpint (g_stat (f->path, &after), ==, 0);
      g_assert_cmpint (after.st_size, ==, before.st_size);
      found = read_uint8 (f->path, "/keep");
      g_assert_true (g_bytes_equal (found, small));
      g_assert_null (read_uint8 (f->path, "/large"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- memory and sizes ------------------------------------------------------------- */

static void
test_large_blocks (void)
{
  static const gsize sizes[] = { 0, 1, 4095, 64 * 1024, 1024 * 1024, 5 * 1024 * 1024 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint8 *block = _gdci_try_alloc_large (sizes[i]);

      g_assert_nonnull (block);
      if (sizes[i] >= 64 * 1024)
        g_assert_cmpuint ((guintptr) block % 4096, ==, 0);
      memset (block, 0xa5, sizes[i]);
      _gdci_free_large (block);
    }
  _gdci_free_large (NULL);
}

static void
test_selection_bytes_overflow (void)
{
  /* a source asked for a selection whose bytes pass 2^64 says so, rather
   * than reading a wrapped-around size */
  guint64 shape[] = { 16 };
  g_autoptr(GBytes) values = test_make_pattern (16 * 8, 7);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error, "data", values,
                    "dtype", GDCI_DTYPE_INT64, "shape", test_shape_variant (shape, 1), NULL);
  guint64 start[] = { 0 }, stop[] = { G_GUINT64_CONSTANT (1) << 62 };
  g_autoptr(GdciSelection) huge = gdci_selection_new (start, stop, 1);
  GBytes *data;

  g_assert_no_error (error);
  data = GDCI_CHUNK_ITERATOR_GET_CLASS (it)->get_data (it, huge, &error);
  g_assert_null (data);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW);
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/h5-writer-faults/%s", name);

  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("symlink-at-temporary-name", test_symlink_at_temporary_name);
  add ("target-created-meanwhile", test_target_created_meanwhile);
  add ("second-writer-refused", test_second_writer_refused);
  add ("link-failure-puts-the-file-back", test_link_failure_puts_the_file_back);
  add ("thread-start-failure", test_thread_start_failure);
  add ("file-size-limit-keeps-size", test_file_size_limit_keeps_size);
  g_test_add_func ("/h5-writer-faults/threads-used", test_threads_used);
  g_test_add_func ("/h5-writer-faults/large-blocks", test_large_blocks);
  g_test_add_func ("/h5-writer-faults/selection-bytes-overflow", test_selection_bytes_overflow);

  return g_test_run ();
}
