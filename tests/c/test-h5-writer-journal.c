/* test-h5-writer-journal.c: a file written into is put back exactly as it
 * was after any failure of the commit (the close, the sync, the journal's
 * deletion), and after a write that was killed; gdci_h5_clean() cleans up
 * after writes that are gone, and leaves alone those still running
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-journal-private.h"
#include "gdci-h5-target-private.h"
#include "test-util.h"

typedef TestOutDir Fixture;

#define DIR_VARIABLE "GDCI_TEST_JOURNAL_DIR"

/* A child of g_test_trap_subprocess () works in its parent's directory */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      f->dir = g_strdup (g_getenv (DIR_VARIABLE));
      f->path = g_build_filename (f->dir, "out.h5", NULL);
      return;
    }
  test_out_dir_init (f, "gdci-journal-XXXXXX");
  g_setenv (DIR_VARIABLE, f->dir, TRUE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  _gdci_h5_target_set_faults (0);
  _gdci_h5_journal_fail_save (0);
  if (g_test_subprocess ())
    {
      g_free (f->dir);
      g_free (f->path);
      return;
    }
  test_out_dir_clear (f);
}

static GdciChunkIterator *
uint8_iterator (GBytes *data, guint64 n_rows)
{
  g_autoptr(GError) error = NULL;
  guint64 shape[] = { n_rows, 64 };
  GdciChunkIterator *it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                    "data", data, "dtype", GDCI_DTYPE_UINT8,
                    "shape", test_shape_variant (shape, 2),
                    "buffer-shape", g_variant_new_parsed ("[uint64 100, 64]"),
                    "chunk-shape", g_variant_new_parsed ("[uint64 50, 64]"), NULL);
  g_assert_no_error (error);
  return it;
}

/* An existing file with /old, of 400 rows */
static void
make_existing (Fixture *f)
{
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 1);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/old", NULL, &error));
  g_assert_no_error (error);
}

static char *
journal_of (Fixture *f)
{
  return _gdci_h5_journal_path (f->path);
}

/* Writes /new (or, with @overwrite, /old again) and expects @faults to
 * fail it with @code, leaving the file exactly as it was */
static void
assert_fault_leaves_file (Fixture            *f,
                          GdciH5TargetFaults  faults,
                          gboolean            overwrite,
                          int                 code,
                          const char         *message)
{
  g_autoptr(GBytes) values = test_make_pattern (800 * 64, 2);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 800);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GBytes) before = test_read_file_bytes (f->path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  gdci_h5_writer_set_mode (writer, overwrite ? GDCI_WRITE_MODE_REPLACE : GDCI_WRITE_MODE_CREATE);
  _gdci_h5_target_set_faults (faults);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, overwrite ? "/old" : "/new",
                                        NULL, &error));
  _gdci_h5_target_set_faults (0);
  g_test_message ("%s", error->message);
  g_assert_error (error, GDCI_ERROR, code);
  g_assert_nonnull (strstr (error->message, message));
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

static void
test_sync_failure (Fixture *f, gconstpointer data)
{
  /* fsync fails after the new dataset was linked and the file closed:
   * the file is put back, the old dataset with it */
  make_existing (f);
  assert_fault_leaves_file (f, GDCI_H5_TARGET_FAULT_SYNC, FALSE, GDCI_ERROR_IO,
                            "Could not save");
  assert_fault_leaves_file (f, GDCI_H5_TARGET_FAULT_SYNC, TRUE, GDCI_ERROR_IO,
                            "Input/output error");
}

static void
test_commit_failure (Fixture *f, gconstpointer data)
{
  /* everything written and synced, and the journal cannot be deleted:
   * not committed, so put back */
  make_existing (f);
  assert_fault_leaves_file (f, GDCI_H5_TARGET_FAULT_COMMIT, TRUE, GDCI_ERROR_IO,
                            "Could not remove the journal");
}

static void
test_every_save_failing (Fixture *f, gconstpointer data)
{
  /* the Nth save of old bytes fails, for every N a write makes: at the
   * opening, while writing, and inside HDF5's closing of the file. Each
   * write fails cleanly, or succeeds; a failure leaves the file as it was */
  g_autoptr(GBytes) values = test_make_pattern (800 * 64, 3);
  guint n_failed = 0;

  make_existing (f);
  for (guint n = 1; n < 100; n++)
    {
      g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 800);
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GBytes) before = test_read_file_bytes (f->path);
      g_autoptr(GBytes) after = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_REPLACE);
      _gdci_h5_journal_fail_save (n);
      ok = gdci_h5_writer_write (writer, it, f->path, "/old", NULL, &error);
      _gdci_h5_journal_fail_save (0);
      g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
      if (ok)
        break;
      n_failed++;
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
      after = test_read_file_bytes (f->path);
      g_assert_true (g_bytes_equal (after, before));
    }
  g_test_message ("%u writes failed, one at each save", n_failed);
  g_assert_cmpuint (n_failed, >=, 3);
}

/* ---- a write that is killed ------------------------------------------------ */

static void
exit_at_progress (GdciH5Writer *writer, guint64 done, guint64 total, gpointer user_data)
{
  if (done * 2 >= total)
    _exit (0);
}

static void
kill_a_write (Fixture *f)
{
  g_autoptr(GBytes) values = test_make_pattern (4000 * 64, 4);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 4000);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();

  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_REPLACE);
  g_signal_connect (writer, "progress", G_CALLBACK (exit_at_progress), NULL);
  gdci_h5_writer_write (writer, it, f->path, "/old", NULL, NULL);
  g_assert_not_reached ();
}

static void
test_killed_write (Fixture *f, gconstpointer data)
{
  g_autofree char *journal = journal_of (f);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) cleaned = NULL;

  if (g_test_subprocess ())
    {
      kill_a_write (f);
      return;
    }
  make_existing (f);
  before = test_read_file_bytes (f->path);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  /* the journal is left, and the file is not what it was */
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  after = test_read_file_bytes (f->path);
  g_assert_false (g_bytes_equal (after, before));
  g_clear_pointer (&after, g_bytes_unref);

  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 1);
  g_assert_nonnull (strstr (cleaned[0], "back as it was"));
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_clear_pointer (&cleaned, g_strfreev);

  /* cleaned already: nothing more */
  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 0);
}

static void
test_killed_write_then_write (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 5);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  hid_t file;

  if (g_test_subprocess ())
    {
      kill_a_write (f);
      return;
    }
  make_existing (f);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 2);

  /* the next write puts the file back first, then writes */
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/new", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
  file = H5Fopen (f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  g_assert_cmpint (H5Gget_info (file, &(H5G_info_t) { 0 }), >=, 0);
  g_assert_cmpint (H5Lexists (file, "/old", H5P_DEFAULT), >, 0);
  g_assert_cmpint (H5Lexists (file, "/new", H5P_DEFAULT), >, 0);
  H5Fclose (file);
}

static void
test_journal_of_another_file (Fixture *f, gconstpointer data)
{
  /* a journal left for a file that was replaced since (another inode at
   * the name) is not replayed into the new file */
  g_autofree char *journal = journal_of (f);
  g_autofree char *copy = g_strconcat (f->path, ".copy", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) cleaned = NULL;

  if (g_test_subprocess ())
    {
      kill_a_write (f);
      return;
    }
  make_existing (f);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  /* the killed file is replaced by a copy of itself: a new inode */
  before = test_read_file_bytes (f->path);
  g_assert_true (g_file_set_contents (copy, g_bytes_get_data (before, NULL),
                                      (gssize) g_bytes_get_size (before), NULL));
  g_assert_cmpint (g_rename (copy, f->path), ==, 0);

  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
}

/* ---- gdci_h5_clean ------------------------------------------------------------ */

/* A temporary file as a write of @target makes, held by a live write
 * (@lock, returning its descriptor) or left by one that is gone */
static char *
make_partial (const char *target, gboolean live, int *fd_out)
{
  char *template = _gdci_h5_hidden_name (target, GDCI_H5_PARTIAL_SUFFIX);
  int fd = g_mkstemp (template);

  g_assert_cmpint (fd, >=, 0);
  if (live)
    {
      g_assert_true (_gdci_h5_lock_for_writing (fd));
      *fd_out = fd;
    }
  else
    close (fd);
  return template;
}

static void
test_clean_directory (Fixture *f, gconstpointer data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.h5", NULL);
  g_autofree char *stale = NULL;
  g_autofree char *live = NULL;
  g_autofree char *unrelated = g_build_filename (f->dir, ".notes.partial", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) cleaned = NULL;
  int live_fd = -1;

  stale = make_partial (f->path, FALSE, NULL);
  live = make_partial (other, TRUE, &live_fd);
  g_assert_true (g_file_set_contents (unrelated, "mine", -1, NULL));

  cleaned = gdci_h5_clean (f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 1);
  g_assert_nonnull (strstr (cleaned[0], stale));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (unrelated, G_FILE_TEST_EXISTS));
  g_clear_pointer (&cleaned, g_strfreev);

  /* the write is gone: now its file is cleaned up, given by its name */
  close (live_fd);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  cleaned = gdci_h5_clean (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 1);
  g_assert_false (g_file_test (live, G_FILE_TEST_EXISTS));
}

static void
test_new_file_removes_stale_partials (Fixture *f, gconstpointer data)
{
  /* a new-file write removes what earlier writes of that file left, and
   * only that */
  g_autofree char *other = g_build_filename (f->dir, "other.h5", NULL);
  g_autofree char *stale = make_partial (f->path, FALSE, NULL);
  g_autofree char *not_ours = make_partial (other, FALSE, NULL);
  g_autoptr(GBytes) values = test_make_pattern (400 * 64, 6);
  g_autoptr(GdciChunkIterator) it = uint8_iterator (values, 400);
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/data", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (not_ours, G_FILE_TEST_EXISTS));
}

static void
test_clean_refuses (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) cleaned = NULL;
  int fd;

  /* a file being written */
  make_existing (f);
  fd = open (f->path, O_RDWR);
  g_assert_true (_gdci_h5_lock_for_writing (fd));
  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_null (cleaned);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_BUSY);
  g_clear_error (&error);
  close (fd);

  /* neither a file nor a directory */
  cleaned = gdci_h5_clean ("/dev/null", NULL, &error);
  g_assert_null (cleaned);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* a file that is not HDF5 is only looked at */
  g_assert_true (g_file_set_contents (f->path, "text", -1, NULL));
  cleaned = gdci_h5_clean (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cleaned), ==, 0);
}

static void
test_hidden_names (void)
{
  /* long names are cut, and keep names of their own */
  g_autofree char *a_name = g_strnfill (250, 'a');
  g_autofree char *b_name = g_strconcat (a_name, "b", NULL);
  g_autofree char *a = g_build_filename ("/d", a_name, NULL);
  g_autofree char *b = g_build_filename ("/d", b_name, NULL);
  g_autofree char *ja = _gdci_h5_hidden_name (a, ".gdci-journal");
  g_autofree char *jb = _gdci_h5_hidden_name (b, ".gdci-journal");
  g_autofree char *short_name = _gdci_h5_hidden_name ("x.h5", ".gdci-journal");
  g_autofree char *in_dir = _gdci_h5_hidden_name ("/d/x.h5", ".gdci-journal");

  g_assert_cmpstr (short_name, ==, ".x.h5.gdci-journal");
  g_assert_cmpstr (in_dir, ==, "/d/.x.h5.gdci-journal");
  g_assert_cmpstr (ja, !=, jb);
  g_assert_cmpuint (strlen (ja) - strlen ("/d/"), ==, 255);
  g_assert_cmpuint (strlen (jb) - strlen ("/d/"), ==, 255);
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/h5-writer-journal/%s", name);

  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("sync-failure", test_sync_failure);
  add ("commit-failure", test_commit_failure);
  add ("every-save-failing", test_every_save_failing);
  add ("killed-write", test_killed_write);
  add ("killed-write-then-write", test_killed_write_then_write);
  add ("journal-of-another-file", test_journal_of_another_file);
  add ("clean-directory", test_clean_directory);
  add ("new-file-removes-stale-partials", test_new_file_removes_stale_partials);
  add ("clean-refuses", test_clean_refuses);
  g_test_add_func ("/h5-writer-journal/hidden-names", test_hidden_names);

  return g_test_run ();
}
