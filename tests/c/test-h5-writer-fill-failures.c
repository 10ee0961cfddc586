/* test-h5-writer-fill-failures.c: what a fill refuses (another shape, a
 * type the data does not convert to exactly, no dataset, the writer's own
 * compression), leaving the file as it was; a fill that fails after it
 * has written (the iterator's error, a cancellation, injected faults)
 * puts the file back byte for byte; and gdci_h5_writer_fill_dataset() on
 * a dataset the caller has open
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "gdci.h"
#include "gdci-compressor-private.h"
#include "gdci-h5-journal-private.h"
#include "gdci-h5-target-private.h"

#include "test-h5-fill-util.h"
#include "test-util.h"

typedef TestOutDir Fixture;

#define ROWS 2000
#define COLS 30

/* HDF5's plugin loading, as a test found it */
static unsigned plugin_state;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  test_out_dir_init (f, "gdci-fill-failures-XXXXXX");
  _gdci_h5_register_filters ();
  g_assert_cmpint (H5PLget_loading_state (&plugin_state), >=, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  _gdci_h5_target_set_faults (0);
  _gdci_h5_journal_fail_save (0);
  H5PLset_loading_state (plugin_state);
  test_out_dir_clear (f);
}

/* (ROWS, COLS) int16 in chunks of (33, 7), a fill value of -7 */
static TestDataset
dataset_of (hid_t type, gboolean hdf5)
{
  TestDataset spec = {
    .type = type, .n_dims = 2, .dims = { ROWS, COLS }, .chunk = { 33, 7 }, .fill_value = TRUE,
  };

  /* gdci's pipeline, or one that HDF5 writes itself */
  spec.shuffle = !hdf5;
  spec.deflate = hdf5 ? 0 : 4;
  spec.scaleoffset = hdf5;
  return spec;
}

static GdciChunkIterator *
int16_iterator (GBytes *values)
{
  return test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (ROWS, COLS), 2,
                             "[uint64 100, 30]", "[uint64 100, 30]");
}

static TestIterator *
test_source (GBytes *values)
{
  g_autoptr(GError) error = NULL;
  TestIterator *it = test_iterator_new (values, GDCI_DTYPE_INT16, SHAPE (ROWS, COLS), 2, &error,
                                        "buffer-shape", g_variant_new_parsed ("[uint64 100, 30]"),
                                        "chunk-shape", g_variant_new_parsed ("[uint64 100, 30]"),
                                        NULL);

  g_assert_no_error (error);
  return it;
}

/* @name in @f's file holds @values */
static void
assert_holds (Fixture *f, const char *name, GBytes *values)
{
  g_autoptr(GBytes) back = test_fill_read (f->path, name, H5T_NATIVE_INT16);

  g_assert_true (g_bytes_equal (back, values));
}

/* ROWS * COLS of the fill value, -7 */
static GBytes *
fill_values (void)
{
  gint16 *v = g_new (gint16, ROWS * COLS);

  for (guint i = 0; i < ROWS * COLS; i++)
    v[i] = -7;
  return g_bytes_new_take (v, ROWS * COLS * sizeof (gint16));
}

/* ---- refusals --------------------------------------------------------------- */

/* A fill of @name with @it fails with @code of @domain and a message
 * holding @text; the file is as it was, and no journal is left */
static void
assert_refused (Fixture            *f,
                const char         *name,
                GdciChunkIterator  *it,
                GdciCompression     compression,
                GQuark              domain,
                int                 code,
                const char         *text)
{
  g_autoptr(GBytes) before = test_read_file_bytes (f->path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (test_fill (f->path, name, it, compression, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, text));
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
}

static void
test_refuses_shape (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 1);
  g_autoptr(GdciChunkIterator) it = int16_iterator (values);
  g_autoptr(GdciChunkIterator) flat =
    test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (ROWS * COLS), 1, "[uint64 6000]",
                        "[uint64 6000]");
  TestDataset wider = dataset_of (H5T_STD_I16LE, FALSE);
  TestDataset longer = wider;

  wider.dims[1] = COLS + 1;
  longer.dims[0] = ROWS + 1;
  test_fill_make_dataset (f->path, "/wider", &wider);
  test_fill_make_dataset (f->path, "/longer", &longer);
  assert_refused (f, "/wider", it, GDCI_COMPRESSION_NONE, GDCI_ERROR,
                  GDCI_ERROR_INVALID_ARGUMENT, "has the shape (2000, 31), and the data (2000, 30)");
  assert_refused (f, "/longer", it, GDCI_COMPRESSION_NONE, GDCI_ERROR,
                  GDCI_ERROR_INVALID_ARGUMENT, "has the shape (2001, 30)");
  /* the same elements, another rank */
  assert_refused (f, "/longer", flat, GDCI_COMPRESSION_NONE, GDCI_ERROR,
                  GDCI_ERROR_INVALID_ARGUMENT, "has the shape");
}

typedef struct
{
  GdciDtype data;
  hid_t dataset;
  const char *held;    /* as the message says it */
} Mismatch;

static void
test_refuses_type (Fixture *f, gconstpointer data)
{
  /* every value of the data must be one of the dataset's */
  hid_t string = H5Tcopy (H5T_C_S1);
  const Mismatch cases[] = {
    { GDCI_DTYPE_INT32, H5T_STD_I16LE, "int16" },
    { GDCI_DTYPE_UINT16, H5T_STD_I16LE, "int16" },
    { GDCI_DTYPE_INT16, H5T_STD_U16LE, "uint16" },
    { GDCI_DTYPE_INT8, H5T_STD_U64BE, "uint64" },
    { GDCI_DTYPE_FLOAT32, H5T_STD_I32LE, "int32" },
    { GDCI_DTYPE_FLOAT64, H5T_IEEE_F32LE, "float32" },
    { GDCI_DTYPE_INT32, H5T_IEEE_F32LE, "float32" },
    { GDCI_DTYPE_UINT64, H5T_IEEE_F64LE, "float64" },
    { GDCI_DTYPE_INT16, string, "" },
  };

  H5Tset_size (string, 2);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Mismatch *c = &cases[i];
      g_autofree char *name = g_strdup_printf ("/t%u", i);
      g_autoptr(GBytes) values =
        test_make_pattern (ROWS * COLS * gdci_dtype_get_itemsize (c->data), i);
      g_autoptr(GdciChunkIterator) it =
        test_fill_iterator (values, c->data, SHAPE (ROWS, COLS), 2, "[uint64 100, 30]",
                            "[uint64 100, 30]");
      g_autofree char *text = NULL;
      TestDataset spec = dataset_of (c->dataset, FALSE);

      spec.fill_value = FALSE;
      test_fill_make_dataset (f->path, name, &spec);
      text = g_strdup_printf ("holds %s", c->held);
      assert_refused (f, name, it, GDCI_COMPRESSION_NONE, GDCI_ERROR,
                      GDCI_ERROR_INVALID_ARGUMENT, text);
    }
  H5Tclose (string);
}

static void
test_refuses_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 2);
  g_autoptr(GdciChunkIterator) it = int16_iterator (values);
  g_autofree char *missing = g_build_filename (f->dir, "missing.h5", NULL);
  g_autoptr(GError) error = NULL;
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);

  /* no file: none is made */
  g_assert_false (test_fill (missing, "/x", it, GDCI_COMPRESSION_NONE, NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND);
  g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 0);

  test_fill_make_dataset (f->path, "/g/x", &spec);
  assert_refused (f, "/x", it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                  "does not exist");
  assert_refused (f, "/g/y", it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                  "does not exist");
  /* a group is not filled, nor is anything below a dataset */
  assert_refused (f, "/g", it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_EXISTS,
                  "is a group, not a dataset");
  assert_refused (f, "/g/x/y", it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_EXISTS,
                  "is not a group");
}

static void
test_refuses_compression (Fixture *f, gconstpointer data)
{
  /* the dataset keeps its own filters: the writer's compression is none,
   * or gzip-fast for its deflate */
  static const GdciCompression refused[] = {
    GDCI_COMPRESSION_GZIP, GDCI_COMPRESSION_ZSTD, GDCI_COMPRESSION_LZ4, GDCI_COMPRESSION_BLOSC,
  };
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 3);
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);

  test_fill_make_dataset (f->path, "/x", &spec);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GdciChunkIterator) it = int16_iterator (values);

      assert_refused (f, "/x", it, refused[i], GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                      "A fill keeps the dataset's own filters");
    }
}

/* A filter of no plugin: gdci's test registers it to make a dataset.
 * HDF5 looks for it in every plugin on its path (and some of them leak
 * when loaded): the tests of it load none. */
#define TEST_FILTER_NOWHERE 32999

static size_t
identity_filter (unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                 size_t nbytes, size_t *buf_size, void **buf)
{
  return nbytes;
}

static const H5Z_class2_t nowhere_class = {
  H5Z_CLASS_T_VERS, TEST_FILTER_NOWHERE, 1, 1, "nowhere", NULL, NULL, identity_filter,
};

/* Buffers of whole chunks, larger than the iterator's, are held to the
 * writer's memory limit too */
static void
test_refuses_memory (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 1);
  /* buffers of 50 rows; in whole chunks of 33 rows, 66 */
  g_autoptr(GdciChunkIterator) it =
    test_fill_iterator (values, GDCI_DTYPE_INT16, SHAPE (ROWS, COLS), 2, "[uint64 50, 30]",
                        "[uint64 10, 30]");
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);
  guint64 limit;

  test_fill_make_dataset (f->path, "/x", &spec);
  before = test_read_file_bytes (f->path);
  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_FILL);
  /* one thread: its scratch of two chunks, 2 x 600 bytes for the
   * iterator's plan and 2 x 462 for the dataset's, does not make up for
   * buffers of 2 x 3,960 bytes instead of 2 x 3,000 */
  gdci_h5_writer_set_n_threads (writer, 1);
  limit = gdci_h5_writer_estimate_memory (writer, gdci_chunk_iterator_get_plan (it),
                                          NULL, NULL, NULL);
  gdci_h5_writer_set_max_memory (writer, limit);
  g_assert_false (gdci_h5_writer_write (writer, it, f->path, "/x", NULL, &error));
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_MEMORY_LIMIT);
  after = test_read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (after, before));

  /* with room for them, the same fill works */
  g_clear_error (&error);
  gdci_h5_writer_set_max_memory (writer, 2 * limit);
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/x", NULL, &error));
  g_assert_no_error (error);
}

static void
test_refuses_missing_required_filter (Fixture *f, gconstpointer data)
{
  /* a dataset that requires a filter HDF5 cannot find here (its plugin
   * is gone since it was made): refused before anything is written */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 15);
  g_autoptr(GdciChunkIterator) it = int16_iterator (values);
  TestDataset spec = dataset_of (H5T_STD_I16LE, TRUE);

  g_assert_cmpint (H5PLset_loading_state (0), >=, 0);
  spec.plugin = TEST_FILTER_NOWHERE;
  spec.plugin_required = TRUE;
  g_assert_cmpint (H5Zregister (&nowhere_class), >=, 0);
  test_fill_make_dataset (f->path, "/x", &spec);
  g_assert_cmpint (H5Zunregister (TEST_FILTER_NOWHERE), >=, 0);
  assert_refused (f, "/x", it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                  "requires HDF5 filter 32999 (nowhere), which HDF5 does not have here");
}

static void
test_missing_optional_filter_left_out (Fixture *f, gconstpointer data)
{
  /* an optional filter HDF5 cannot find is left out of the chunks, as
   * HDF5 leaves it: their mask says so, and they read back the same */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 16);
  g_autoptr(GdciChunkIterator) it = int16_iterator (values);
  g_autoptr(GError) error = NULL;
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);
  hsize_t offset[] = { 0, 0 }, size = 0;
  unsigned mask = 0;

  g_assert_cmpint (H5PLset_loading_state (0), >=, 0);
  spec.plugin = TEST_FILTER_NOWHERE;
  test_fill_make_dataset (f->path, "/x", &spec);
  g_assert_true (test_fill (f->path, "/x", it, GDCI_COMPRESSION_NONE, NULL, &error));
  g_assert_no_error (error);
  assert_holds (f, "/x", values);
  test_fill_chunk_storage (f->path, "/x", offset, &mask, &size);
  /* shuffle, deflate, then the filter left out */
  g_assert_cmpuint (mask, ==, 1u << 2);
}

/* ---- a failure after the fill has written ------------------------------------ */

typedef enum { FAIL_READ, FAIL_CANCEL } Failure;

typedef struct
{
  Failure how;
  TestIterator *it;
  GCancellable *cancellable;
  guint64 buffers_read;
} Failing;

/* The iterator's progress, in the writing thread once a chunk is written:
 * from then on the source fails, or the write is cancelled */
static void
fail_on_progress (GdciChunkIterator *iter, guint64 done, guint64 total, gpointer user_data)
{
  Failing *failing = user_data;

  if (failing->buffers_read != 0)
    return;
  failing->buffers_read = done;
  if (failing->how == FAIL_READ)
    test_iterator_fail_from_now (failing->it);
  else
    g_cancellable_cancel (failing->cancellable);
}

/* Fills @name with @values, by @writer (NULL: through the file by name)
 * or into @dataset, failing @how after the first chunks are written;
 * returns the error */
static GError *
fill_failing (Fixture      *f,
              const char   *name,
              hid_t         dataset,
              GBytes       *values,
              Failure       how)
{
  g_autoptr(TestIterator) it = test_source (values);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  Failing failing = { how, it, cancellable, 0 };
  GError *error = NULL;
  gboolean ok;

  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_FILL);
  gdci_h5_writer_set_n_threads (writer, 2);
  g_signal_connect (it, "progress", G_CALLBACK (fail_on_progress), &failing);
  if (dataset >= 0)
    ok = gdci_h5_writer_fill_dataset (writer, GDCI_CHUNK_ITERATOR (it), dataset, cancellable,
                                      &error);
  else
    ok = gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), f->path, name, cancellable,
                               &error);
  g_assert_false (ok);
  g_test_message ("%s", error->message);
  if (how == FAIL_READ)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* it failed after chunks were written, with buffers left to read */
  g_assert_cmpuint (failing.buffers_read, >, 0);
  g_assert_cmpuint (failing.buffers_read, <, 20);
  return error;
}

static void
fill_good (Fixture *f, const char *name, GBytes *values)
{
  g_autoptr(GdciChunkIterator) it = int16_iterator (values);
  g_autoptr(GError) error = NULL;

  g_assert_true (test_fill (f->path, name, it, GDCI_COMPRESSION_NONE, NULL, &error));
  g_assert_no_error (error);
}

static void
test_failure_puts_file_back (Fixture *f, gconstpointer data)
{
  /* a dataset that holds data, and one that was never written, in gdci's
   * pipeline and in HDF5's: a failed fill leaves the file byte for byte */
  g_autoptr(GBytes) first = test_fill_recording (ROWS * COLS, 4);
  g_autoptr(GBytes) second = test_fill_recording (ROWS * COLS, 5);
  g_autoptr(GBytes) fill = fill_values ();

  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    {
      TestDataset spec = dataset_of (H5T_STD_I16LE, hdf5);

      test_fill_make_dataset (f->path, hdf5 ? "/h/held" : "/g/held", &spec);
      test_fill_make_dataset (f->path, hdf5 ? "/h/empty" : "/g/empty", &spec);
      fill_good (f, hdf5 ? "/h/held" : "/g/held", first);
    }
  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    for (Failure how = FAIL_READ; how <= FAIL_CANCEL; how++)
      for (guint empty = 0; empty < 2; empty++)
        {
          g_autofree char *name = g_strdup_printf ("/%c/%s", hdf5 ? 'h' : 'g',
                                                   empty ? "empty" : "held");
          g_autoptr(GBytes) before = test_read_file_bytes (f->path);
          g_autoptr(GBytes) after = NULL;
          g_autoptr(GError) error = NULL;

          g_test_message ("%s, %s", name, how == FAIL_READ ? "the source fails" : "cancelled");
          error = fill_failing (f, name, -1, second, how);
          after = test_read_file_bytes (f->path);
          g_assert_true (g_bytes_equal (after, before));
          g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
          assert_holds (f, name, empty ? fill : first);
          if (empty)
            g_assert_cmpuint (test_fill_n_chunks (f->path, name), ==, 0);
        }
}

static void
test_faults_put_file_back (Fixture *f, gconstpointer data)
{
  /* the commit fails after every chunk is written: the fsync, the
   * journal's deletion */
  static const GdciH5TargetFaults faults[] = {
    GDCI_H5_TARGET_FAULT_SYNC, GDCI_H5_TARGET_FAULT_COMMIT,
  };
  g_autoptr(GBytes) first = test_fill_recording (ROWS * COLS, 6);
  g_autoptr(GBytes) second = test_fill_recording (ROWS * COLS, 7);

  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    {
      g_autofree char *name = g_strdup_printf ("/x%u", hdf5);
      TestDataset spec = dataset_of (H5T_STD_I16LE, hdf5);

      test_fill_make_dataset (f->path, name, &spec);
      fill_good (f, name, first);
      for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
        {
          g_autoptr(GdciChunkIterator) it = int16_iterator (second);

          _gdci_h5_target_set_faults (faults[i]);
          assert_refused (f, name, it, GDCI_COMPRESSION_NONE, GDCI_ERROR, GDCI_ERROR_IO,
                          i == 0 ? "Could not save" : "Could not remove the journal");
          _gdci_h5_target_set_faults (0);
          assert_holds (f, name, first);
        }
    }
}

static void
test_every_save_failing (Fixture *f, gconstpointer data)
{
  /* the Nth save of old bytes in the journal fails, for every N a fill
   * makes: each fill fails cleanly, leaving the file as it was, or
   * succeeds */
  g_autoptr(GBytes) first = test_fill_recording (ROWS * COLS, 8);
  g_autoptr(GBytes) second = test_fill_recording (ROWS * COLS, 9);
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);
  guint n_failed = 0;

  test_fill_make_dataset (f->path, "/x", &spec);
  fill_good (f, "/x", first);
  for (guint n = 1; n < 200; n++)
    {
      g_autoptr(GdciChunkIterator) it = int16_iterator (second);
      g_autoptr(GBytes) before = test_read_file_bytes (f->path);
      g_autoptr(GBytes) after = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      _gdci_h5_journal_fail_save (n);
      ok = test_fill (f->path, "/x", it, GDCI_COMPRESSION_NONE, NULL, &error);
      _gdci_h5_journal_fail_save (0);
      g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
      if (ok)
        {
          assert_holds (f, "/x", second);
          break;
        }
      n_failed++;
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
      after = test_read_file_bytes (f->path);
      g_assert_true (g_bytes_equal (after, before));
      assert_holds (f, "/x", first);
    }
  g_test_message ("%u fills failed, one at each save", n_failed);
  g_assert_cmpuint (n_failed, >=, 3);
}

/* ---- a dataset the caller has open --------------------------------------------- */

typedef struct
{
  hid_t file;
  hid_t dataset;
} Open;

static Open
open_dataset (Fixture *f, const char *name)
{
  Open o;

  o.file = H5Fopen (f->path, H5F_ACC_RDWR, H5P_DEFAULT);
  o.dataset = H5Dopen2 (o.file, name, H5P_DEFAULT);
  g_assert_cmpint (o.dataset, >=, 0);
  return o;
}

static void
close_dataset (Open *o)
{
  g_assert_cmpint (H5Dclose (o->dataset), >=, 0);
  g_assert_cmpint (H5Fclose (o->file), >=, 0);
}

static hsize_t
n_chunks_of (hid_t dataset)
{
  hid_t space = H5Dget_space (dataset);
  hsize_t n = G_MAXUINT64;

  g_assert_cmpint (H5Dget_num_chunks (dataset, space, &n), >=, 0);
  H5Sclose (space);
  return n;
}

/* What the open @dataset reads, (ROWS, COLS) of int16 */
static void
assert_open_holds (hid_t dataset, GBytes *values)
{
  g_autofree gint16 *back = g_new0 (gint16, ROWS * COLS);
  hsize_t dims[2] = { 0 };
  hid_t space = H5Dget_space (dataset);

  g_assert_cmpint (H5Sget_simple_extent_dims (space, dims, NULL), ==, 2);
  g_assert_cmpuint (dims[0], ==, ROWS);
  g_assert_cmpuint (dims[1], ==, COLS);
  H5Sclose (space);
  g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, back),
                   >=, 0);
  g_assert_cmpmem (back, ROWS * COLS * sizeof (gint16), g_bytes_get_data (values, NULL),
                   g_bytes_get_size (values));
}

static void
test_open_dataset (Fixture *f, gconstpointer data)
{
  /* gdci fills the dataset through the program's own handle, whatever
   * the writer's mode, and leaves it open: it reads the data at once,
   * and after the file is closed */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 10);

  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    {
      g_autofree char *name = g_strdup_printf ("/x%u", hdf5);
      g_autoptr(GdciChunkIterator) it = int16_iterator (values);
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL, *after = NULL;
      TestDataset spec = dataset_of (H5T_STD_I16LE, hdf5);
      Open o;

      test_fill_make_dataset (f->path, name, &spec);
      before = test_fill_describe (f->path, name);
      o = open_dataset (f, name);
      g_assert_true (gdci_h5_writer_fill_dataset (writer, it, o.dataset, NULL, &error));
      g_assert_no_error (error);
      if (hdf5)
        g_assert_cmpuint (gdci_h5_writer_get_n_threads_used (writer), ==, 0);
      else
        g_assert_cmpuint (gdci_h5_writer_get_n_threads_used (writer), >, 0);
      g_assert_cmpint (H5Iis_valid (o.dataset), >, 0);
      assert_open_holds (o.dataset, values);
      close_dataset (&o);
      assert_holds (f, name, values);
      after = test_fill_describe (f->path, name);
      g_assert_cmpstr (after, ==, before);
      /* no journal, nothing else */
      g_assert_cmpuint (test_count_dir_entries (f->dir), ==, 1);
    }
}

static void
test_open_dataset_failure (Fixture *f, gconstpointer data)
{
  /* without a journal, a dataset that held no chunks drops those written
   * and reads as its fill value again; its handle still works, and a
   * second fill through it succeeds */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 11);
  g_autoptr(GBytes) fill = fill_values ();

  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    for (guint extendable = 0; extendable < 2; extendable++)
      for (Failure how = FAIL_READ; how <= FAIL_CANCEL; how++)
        {
          g_autofree char *name = g_strdup_printf ("/x%u%u%d", hdf5, extendable, how);
          g_autoptr(GdciChunkIterator) it = int16_iterator (values);
          g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
          g_autoptr(GError) error = NULL;
          TestDataset spec = dataset_of (H5T_STD_I16LE, hdf5);
          Open o;

          if (extendable)
            {
              spec.maxdims[0] = H5S_UNLIMITED;
              spec.maxdims[1] = COLS;
            }
          test_fill_make_dataset (f->path, name, &spec);
          o = open_dataset (f, name);
          g_clear_error (&error);
          error = fill_failing (f, NULL, o.dataset, values, how);
          g_assert_cmpuint (n_chunks_of (o.dataset), ==, 0);
          assert_open_holds (o.dataset, fill);

          g_clear_error (&error);
          g_assert_true (gdci_h5_writer_fill_dataset (writer, it, o.dataset, NULL, &error));
          g_assert_no_error (error);
          assert_open_holds (o.dataset, values);
          close_dataset (&o);
          assert_holds (f, name, values);
        }
}

static void
test_open_dataset_failure_keeps_chunks (Fixture *f, gconstpointer data)
{
  /* a dataset that held chunks keeps them all after a failed fill (part
   * of them the new data's: nothing is journaled) */
  g_autoptr(GBytes) first = test_fill_recording (ROWS * COLS, 12);
  g_autoptr(GBytes) second = test_fill_recording (ROWS * COLS, 13);
  g_autoptr(GError) error = NULL;
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);
  Open o;

  test_fill_make_dataset (f->path, "/x", &spec);
  fill_good (f, "/x", first);
  o = open_dataset (f, "/x");
  error = fill_failing (f, NULL, o.dataset, second, FAIL_READ);
  g_assert_cmpuint (n_chunks_of (o.dataset), ==, ((ROWS + 32) / 33) * 5);
  close_dataset (&o);
}

static void
test_open_dataset_refusals (Fixture *f, gconstpointer data)
{
  /* not a dataset's identifier; another shape; the writer's compression */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 14);
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);
  Open o;

  spec.dims[0] = ROWS + 1;
  test_fill_make_dataset (f->path, "/x", &spec);
  o = open_dataset (f, "/x");
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GdciChunkIterator) it = int16_iterator (values);
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GError) error = NULL;
      gint64 id = i == 0 ? -1 : i == 1 ? o.file : i == 2 ? G_MAXINT32 : o.dataset;

      if (i == 4)
        gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
      g_assert_false (gdci_h5_writer_fill_dataset (writer, it, id, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, i < 3 ? "is not the identifier of an open"
                                              : i == 3 ? "has the shape (2001, 30)"
                                              : "keeps the dataset's own filters"));
      /* usable again: the write is over */
      g_assert_cmpuint (n_chunks_of (o.dataset), ==, 0);
    }
  g_assert_cmpint (H5Iis_valid (o.file), >, 0);
  close_dataset (&o);
}

static void
test_open_dataset_read_only (Fixture *f, gconstpointer data)
{
  /* a dataset of a file opened read-only: refused, before anything is
   * written; the dataset still has no chunk, reads, and closes */
  g_autoptr(GBytes) values = test_fill_recording (ROWS * COLS, 17);
  g_autoptr(GBytes) fill = fill_values ();
  TestDataset spec = dataset_of (H5T_STD_I16LE, FALSE);

  test_fill_make_dataset (f->path, "/x", &spec);
  for (guint hdf5 = 0; hdf5 < 2; hdf5++)
    {
      g_autoptr(GdciChunkIterator) it = int16_iterator (values);
      g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
      g_autoptr(GError) error = NULL;
      hid_t file = H5Fopen (f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
      hid_t dset = H5Dopen2 (file, "/x", H5P_DEFAULT);

      g_assert_false (gdci_h5_writer_fill_dataset (writer, it, dset, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "'/x' in '"));
      g_assert_nonnull (strstr (error->message, "' is open read-only"));
      g_assert_cmpuint (n_chunks_of (dset), ==, 0);
      assert_open_holds (dset, fill);
      g_assert_cmpint (H5Dclose (dset), >=, 0);
      g_assert_cmpint (H5Fclose (file), >=, 0);
      if (hdf5 == 0)
        {
          /* and through HDF5's own pipeline */
          g_assert_cmpint (g_unlink (f->path), ==, 0);
          spec = dataset_of (H5T_STD_I16LE, TRUE);
          test_fill_make_dataset (f->path, "/x", &spec);
        }
    }
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/h5-writer-fill-failures/%s", name);
  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("refuses-shape", test_refuses_shape);
  add ("refuses-type", test_refuses_type);
  add ("refuses-missing", test_refuses_missing);
  add ("refuses-compression", test_refuses_compression);
  add ("refuses-memory", test_refuses_memory);
  add ("refuses-missing-required-filter", test_refuses_missing_required_filter);
  add ("missing-optional-filter-left-out", test_missing_optional_filter_left_out);
  add ("failure-puts-file-back", test_failure_puts_file_back);
  add ("faults-put-file-back", test_faults_put_file_back);
  add ("every-save-failing", test_every_save_failing);
  add ("open-dataset", test_open_dataset);
  add ("open-dataset-failure", test_open_dataset_failure);
  add ("open-dataset-failure-keeps-chunks", test_open_dataset_failure_keeps_chunks);
  add ("open-dataset-refusals", test_open_dataset_refusals);
  add ("open-dataset-read-only", test_open_dataset_read_only);

  return g_test_run ();
}
