/* test-repacker.c: GdciRepacker's repacks of a file made with HDF5's own
 * calls, read back with HDF5
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "test-repack-check.h"
#include "test-repack-util.h"

typedef TestRepackFixture Fixture;

#define FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, test_repack_fixture_setup, func, \
              test_repack_fixture_teardown)

static const H5Z_filter_t SHUFFLE_ZSTD[] = { H5Z_FILTER_SHUFFLE, TEST_REPACK_FILTER_ZSTD };
static const H5Z_filter_t SHUFFLE_DEFLATE[] = { H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE };
static const H5Z_filter_t DEFLATE[] = { H5Z_FILTER_DEFLATE };

static void
repack (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

static void
assert_results (Fixture *f,
                guint    n_rewritten)
{
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpuint (gdci_repacker_get_n_rewritten (f->repacker), ==, n_rewritten);
  g_assert_cmpuint (gdci_repacker_get_n_copied (f->repacker), ==,
                    TEST_REPACK_N_OBJECTS - n_rewritten);
  g_assert_cmpuint (gdci_repacker_get_bytes_in (f->repacker), ==, file_size (f->in));
  g_assert_cmpuint (gdci_repacker_get_bytes_out (f->repacker), ==, file_size (f->out));
  test_repack_assert_progress (f, TEST_REPACK_BYTES_TOTAL);
}

/* The chunk gdci's fit planner gives @dims at @chunk_mb, with the axes of
 * @fixed (NULL or 0: free) */
static void
planned_chunk (GdciDtype      dtype,
               const guint64 *dims,
               guint          n_dims,
               double         chunk_mb,
               const guint64 *fixed,
               hsize_t       *chunk)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  const guint64 *shape;

  gdci_plan_settings_set_strategy (settings, GDCI_PLAN_STRATEGY_FIT);
  gdci_plan_settings_set_chunk_mb (settings, chunk_mb);
  if (fixed != NULL)
    gdci_plan_settings_set_chunk_shape (settings, fixed, n_dims);
  plan = gdci_plan_new (dtype, dims, n_dims, settings, &error);
  g_assert_no_error (error);
  shape = gdci_plan_get_chunk_shape (plan, NULL);
  for (guint i = 0; i < n_dims; i++)
    chunk[i] = shape[i];
}

/* ---- the tests ---------------------------------------------------------------- */

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  GdciRepacker *r = f->repacker;
  static const char *const datasets[] = { "data/int16", NULL };
  static const char *const empty[] = { NULL };
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  guint64 shape[] = { 0, 32 };
  GVariant *got;

  g_assert_true (GDCI_IS_H5_WRITER (gdci_repacker_get_writer (r)));
  g_assert_false (gdci_repacker_get_replace_filters (r));
  g_assert_cmpfloat (gdci_repacker_get_chunk_mb (r), ==, 0.0);
  g_assert_cmpuint (gdci_repacker_get_min_size (r), ==, 65536);
  g_assert_null (gdci_repacker_get_datasets (r));
  g_assert_false (gdci_repacker_get_overwrite (r));
  g_assert_cmpuint (gdci_repacker_get_n_objects (r), ==, 0);
  g_assert_cmpuint (gdci_repacker_get_n_rewritten (r), ==, 0);
  g_assert_cmpuint (gdci_repacker_get_n_copied (r), ==, 0);
  g_assert_cmpuint (gdci_repacker_get_bytes_in (r), ==, 0);
  g_assert_cmpuint (gdci_repacker_get_bytes_out (r), ==, 0);

  gdci_repacker_set_writer (r, writer);
  g_assert_true (gdci_repacker_get_writer (r) == writer);
  gdci_repacker_set_writer (r, NULL);
  g_assert_true (GDCI_IS_H5_WRITER (gdci_repacker_get_writer (r)));
  g_assert_true (gdci_repacker_get_writer (r) != writer);

  gdci_repacker_set_datasets (r, datasets);
  g_assert_cmpstrv (gdci_repacker_get_datasets (r), datasets);
  gdci_repacker_set_datasets (r, empty);
  g_assert_null (gdci_repacker_get_datasets (r));

  /* a path is the same with or without its leading slash */
  gdci_repacker_set_chunk_shape (r, "data/int16", g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64,
                                                                            shape, 2, sizeof (guint64)));
  got = gdci_repacker_get_chunk_shape (r, "/data/int16");
  g_assert_nonnull (got);
  g_assert_cmpstr (g_variant_get_type_string (got), ==, "at");
  g_assert_cmpuint (g_variant_n_children (got), ==, 2);
  gdci_repacker_set_chunk_shape (r, "/data/int16", NULL);
  g_assert_null (gdci_repacker_get_chunk_shape (r, "data/int16"));
}

/* The default settings: a compacting copy, every chunk copied raw */
static void
test_copy (Fixture       *f,
           gconstpointer  data)
{
  static const char *const chunked[] = { "/data/int16", "/data/float32", "/data/small" };
  hid_t in, out;

  repack (f);
  assert_results (f, 0);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  for (guint i = 0; i < G_N_ELEMENTS (chunked); i++)
    {
      test_repack_assert_same_filters (in, out, chunked[i]);
      test_repack_assert_same_chunks (in, out, chunked[i]);
    }
  g_assert_cmpint (test_repack_get_layout (out, "/data/contig", NULL), ==, H5D_CONTIGUOUS);
  g_assert_cmpint (test_repack_get_layout (out, "/data/typed", NULL), ==, H5D_CONTIGUOUS);
  H5Fclose (out);
  H5Fclose (in);
}

static void
test_replace_zstd (Fixture       *f,
                   gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hsize_t contig_chunk[2];
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  repack (f);
  /* int16, float32 and contig; the others are below min-size or hold
   * references */
  assert_results (f, 3);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_filters (out, "/data/int16", 2, SHUFFLE_ZSTD);
  test_repack_assert_chunk (out, "/data/int16", 2, (hsize_t[]) { 100, 64 });
  test_repack_assert_filters (out, "/data/float32", 2, SHUFFLE_ZSTD);
  test_repack_assert_chunk (out, "/data/float32", 2, (hsize_t[]) { 50, 40 });
  /* a contiguous dataset that gets filters is chunked at 10 MB */
  test_repack_assert_filters (out, "/data/contig", 2, SHUFFLE_ZSTD);
  planned_chunk (GDCI_DTYPE_INT16, (guint64[]) { 300, 200 }, 2, 10.0, NULL, contig_chunk);
  test_repack_assert_chunk (out, "/data/contig", 2, contig_chunk);
  /* the small one keeps its storage */
  test_repack_assert_filters (out, "/data/small", 1, DEFLATE);
  test_repack_assert_same_chunks (in, out, "/data/small");
  H5Fclose (out);
  H5Fclose (in);
}

static void
test_replace_gzip_fast (Fixture       *f,
                        gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP_FAST);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  repack (f);
  assert_results (f, 3);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_filters (out, "/data/int16", 1, DEFLATE);
  test_repack_assert_chunk (out, "/data/int16", 2, (hsize_t[]) { 100, 64 });
  test_repack_assert_filters (out, "/data/float32", 1, DEFLATE);
  test_repack_assert_filters (out, "/data/contig", 1, DEFLATE);
  test_repack_assert_filters (out, "/data/small", 1, DEFLATE);
  test_repack_assert_same_chunks (in, out, "/data/small");
  H5Fclose (out);
  H5Fclose (in);
}

/* No compression: the filters removed, each chunk stored as its bytes */
static void
test_replace_none (Fixture       *f,
                   gconstpointer  data)
{
  hsize_t offset[2] = { 0, 0 }, size = 0;
  unsigned mask = 0;
  haddr_t addr;
  hid_t in, out, dset;

  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  repack (f);
  /* int16 and float32; contig stays contiguous, as it was */
  assert_results (f, 2);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_filters (out, "/data/int16", 0, NULL);
  test_repack_assert_chunk (out, "/data/int16", 2, (hsize_t[]) { 100, 64 });
  test_repack_assert_filters (out, "/data/float32", 0, NULL);
  test_repack_assert_chunk (out, "/data/float32", 2, (hsize_t[]) { 50, 40 });
  dset = H5Dopen2 (out, "/data/int16", H5P_DEFAULT);
  g_assert_cmpint (H5Dget_chunk_info_by_coord (dset, offset, &mask, &addr, &size), >=, 0);
  g_assert_cmpuint (size, ==, 100 * 64 * sizeof (gint16));
  H5Dclose (dset);
  g_assert_cmpint (test_repack_get_layout (out, "/data/contig", NULL), ==, H5D_CONTIGUOUS);
  test_repack_assert_filters (out, "/data/small", 1, DEFLATE);
  H5Fclose (out);
  H5Fclose (in);
}

/* Filters asked that are those a dataset has: it is copied raw */
static void
test_replace_same (Fixture       *f,
                   gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP);
  gdci_h5_writer_set_compression_level (writer, 4);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  repack (f);
  /* only contig, which had none */
  assert_results (f, 1);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_same_chunks (in, out, "/data/int16");
  test_repack_assert_same_chunks (in, out, "/data/float32");
  test_repack_assert_filters (out, "/data/contig", 2, SHUFFLE_DEFLATE);
  H5Fclose (out);
  H5Fclose (in);
}

static void
test_chunk_mb (Fixture       *f,
               gconstpointer  data)
{
  hsize_t int16_chunk[2], float_chunk[2], contig_chunk[2];
  hid_t in, out;

  gdci_repacker_set_chunk_mb (f->repacker, 0.05);
  planned_chunk (GDCI_DTYPE_INT16, (guint64[]) { 1200, 256 }, 2, 0.05, NULL, int16_chunk);
  planned_chunk (GDCI_DTYPE_FLOAT32, (guint64[]) { 400, 160 }, 2, 0.05, NULL, float_chunk);
  planned_chunk (GDCI_DTYPE_INT16, (guint64[]) { 300, 200 }, 2, 0.05, NULL, contig_chunk);
  g_assert_false (int16_chunk[0] == 100 && int16_chunk[1] == 64);
  g_assert_false (float_chunk[0] == 50 && float_chunk[1] == 40);
  repack (f);
  assert_results (f, 3);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  /* new chunks, the same filters */
  test_repack_assert_chunk (out, "/data/int16", 2, int16_chunk);
  test_repack_assert_same_filters (in, out, "/data/int16");
  test_repack_assert_chunk (out, "/data/float32", 2, float_chunk);
  test_repack_assert_same_filters (in, out, "/data/float32");
  test_repack_assert_chunk (out, "/data/contig", 2, contig_chunk);
  test_repack_assert_filters (out, "/data/contig", 0, NULL);
  test_repack_assert_same_chunks (in, out, "/data/small");
  H5Fclose (out);
  H5Fclose (in);
}

static void
set_chunk_shape (Fixture       *f,
                 const char    *path,
                 const guint64 *shape,
                 guint          n_dims)
{
  gdci_repacker_set_chunk_shape (f->repacker, path,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, shape,
                                                            n_dims, sizeof (guint64)));
}

/* A chunk shape with a free axis */
static void
test_chunk_shape_free_axis (Fixture       *f,
                            gconstpointer  data)
{
  guint64 free_axis[] = { 0, 32 };
  hsize_t int16_chunk[2];
  hid_t in, out;

  set_chunk_shape (f, "/data/int16", free_axis, 2);
  planned_chunk (GDCI_DTYPE_INT16, (guint64[]) { 1200, 256 }, 2, 10.0, free_axis, int16_chunk);
  g_assert_cmpuint (int16_chunk[1], ==, 32);
  repack (f);
  assert_results (f, 1);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_chunk (out, "/data/int16", 2, int16_chunk);
  test_repack_assert_same_filters (in, out, "/data/int16");
  test_repack_assert_same_chunks (in, out, "/data/float32");
  test_repack_assert_same_chunks (in, out, "/data/small");
  H5Fclose (out);
  H5Fclose (in);
}

/* A chunk shape of every axis: one of a dataset below min-size with an
 * axis longer than the dataset's, and one of a contiguous dataset */
static void
test_chunk_shape_complete (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  hid_t in, out;

  set_chunk_shape (f, "data/small", (guint64[]) { 4, 1000 }, 2);
  set_chunk_shape (f, "/data/contig", (guint64[]) { 100, 100 }, 2);
  gdci_repacker_repack (f->repacker, f->in, f->out, NULL, &error);
  g_assert_no_error (error);
  assert_results (f, 2);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_chunk (out, "/data/small", 2, (hsize_t[]) { 4, 16 });
  test_repack_assert_same_filters (in, out, "/data/small");
  test_repack_assert_chunk (out, "/data/contig", 2, (hsize_t[]) { 100, 100 });
  test_repack_assert_filters (out, "/data/contig", 0, NULL);
  H5Fclose (out);
  H5Fclose (in);
}

/* Only the datasets named are rewritten, and those given a chunk shape */
static void
test_datasets (Fixture       *f,
               gconstpointer  data)
{
  static const char *const datasets[] = { "/data/float32", NULL };
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  gdci_repacker_set_datasets (f->repacker, datasets);
  repack (f);
  assert_results (f, 1);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  test_repack_assert_filters (out, "/data/float32", 2, SHUFFLE_ZSTD);
  test_repack_assert_same_chunks (in, out, "/data/int16");
  g_assert_cmpint (test_repack_get_layout (out, "/data/contig", NULL), ==, H5D_CONTIGUOUS);
  H5Fclose (out);
  H5Fclose (in);

  /* and one given a chunk shape, whatever the list */
  g_assert_cmpint (g_unlink (f->out), ==, 0);
  g_array_set_size (f->progress, 0);
  set_chunk_shape (f, "/data/contig", (guint64[]) { 100, 0 }, 2);
  repack (f);
  assert_results (f, 2);
  out = test_repack_open (f->out);
  test_repack_assert_chunk (out, "/data/contig", 2, (hsize_t[]) { 100, 200 });
  test_repack_assert_filters (out, "/data/contig", 2, SHUFFLE_ZSTD);
  test_repack_assert_filters (out, "/data/int16", 2, SHUFFLE_DEFLATE);
  H5Fclose (out);
}

/* A dataset named by its second hard link is the dataset of both */
static void
test_datasets_second_link (Fixture       *f,
                           gconstpointer  data)
{
  static const char *const datasets[] = { "/data/int16_link", NULL };
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  guint64 fixed[] = { 200, 0 };
  hsize_t chunk[2];
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  gdci_repacker_set_datasets (f->repacker, datasets);
  set_chunk_shape (f, "/data/int16_link", fixed, 2);
  planned_chunk (GDCI_DTYPE_INT16, (guint64[]) { 1200, 256 }, 2, 10.0, fixed, chunk);
  repack (f);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  /* the dataset is named by its second link: the settings are the object's */
  assert_results (f, 1);
  test_repack_assert_filters (out, "/data/int16_link", 1,
                              (H5Z_filter_t[]) { TEST_REPACK_FILTER_ZSTD });
  test_repack_assert_chunk (out, "/data/int16_link", 2, chunk);
  H5Fclose (out);
  H5Fclose (in);
}

static void
test_min_size (Fixture       *f,
               gconstpointer  data)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (f->repacker);
  hid_t in, out;

  gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_ZSTD);
  gdci_h5_writer_set_shuffle (writer, TRUE);
  gdci_repacker_set_replace_filters (f->repacker, TRUE);
  /* int16 (614400 bytes) and float32 (256000), not contig (120000) */
  gdci_repacker_set_min_size (f->repacker, 200000);
  repack (f);
  assert_results (f, 2);
  out = test_repack_open (f->out);
  test_repack_assert_filters (out, "/data/float32", 2, SHUFFLE_ZSTD);
  g_assert_cmpint (test_repack_get_layout (out, "/data/contig", NULL), ==, H5D_CONTIGUOUS);
  H5Fclose (out);

  /* every numeric dataset, the one of a committed type too */
  g_assert_cmpint (g_unlink (f->out), ==, 0);
  g_array_set_size (f->progress, 0);
  gdci_repacker_set_min_size (f->repacker, 0);
  repack (f);
  assert_results (f, TEST_REPACK_N_NUMERIC);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  for (guint i = 0; i < TEST_REPACK_N_NUMERIC; i++)
    test_repack_assert_filters (out, test_repack_numeric[i], 2, SHUFFLE_ZSTD);
  H5Fclose (out);
  H5Fclose (in);
}

/* ---- asynchronous ------------------------------------------------------------ */

typedef struct
{
  Fixture *f;
  GMainContext *context;
  GMainLoop *loop;              /* or NULL: the context is iterated */
  gboolean done;
  gboolean ok;
  GError *error;
} Async;

static void
on_repacked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Async *async = user_data;
  Fixture *f = async->f;

  /* in the caller's thread and context, with the results set and the
   * last progress told */
  g_assert_true (g_thread_self () == f->thread);
  g_assert_true (g_main_context_is_owner (async->context));
  g_assert_true (source == G_OBJECT (f->repacker));
  g_assert_cmpuint (gdci_repacker_get_n_objects (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpuint (gdci_repacker_get_n_copied (f->repacker), ==, TEST_REPACK_N_OBJECTS);
  g_assert_cmpuint (gdci_repacker_get_bytes_out (f->repacker), ==, file_size (f->out));
  test_repack_assert_progress (f, TEST_REPACK_BYTES_TOTAL);
  async->ok = gdci_repacker_repack_finish (f->repacker, result, &async->error);
  async->done = TRUE;
  if (async->loop != NULL)
    g_main_loop_quit (async->loop);
}

static void
run_async (Fixture      *f,
           GMainContext *context,
           GMainLoop    *loop)
{
  Async async = { f, context, loop, FALSE, FALSE, NULL };
  hid_t in, out;

  gdci_repacker_repack_async (f->repacker, f->in, f->out, NULL, on_repacked, &async);
  /* nothing is told before the caller's context runs */
  g_assert_false (async.done);
  g_assert_cmpuint (f->progress->len, ==, 0);
  if (loop != NULL)
    g_main_loop_run (loop);
  while (!async.done)
    g_main_context_iteration (context, TRUE);
  g_assert_no_error (async.error);
  g_assert_true (async.ok);
  assert_results (f, 0);
  in = test_repack_open (f->in);
  out = test_repack_open (f->out);
  test_repack_assert_copy_of_input (in, out);
  H5Fclose (out);
  H5Fclose (in);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  run_async (f, g_main_loop_get_context (loop), loop);
}

/* In the thread-default context of the thread that started it */
static void
test_async_thread_default (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  run_async (f, context, NULL);
  g_main_context_pop_thread_default (context);
  /* nothing was left for the global default context */
  g_assert_false (g_main_context_pending (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE_TEST ("/repacker/properties", test_properties);
  FIXTURE_TEST ("/repacker/copy", test_copy);
  FIXTURE_TEST ("/repacker/replace-filters/zstd-shuffle", test_replace_zstd);
  FIXTURE_TEST ("/repacker/replace-filters/gzip-fast", test_replace_gzip_fast);
  FIXTURE_TEST ("/repacker/replace-filters/none", test_replace_none);
  FIXTURE_TEST ("/repacker/replace-filters/same", test_replace_same);
  FIXTURE_TEST ("/repacker/chunk-mb", test_chunk_mb);
  FIXTURE_TEST ("/repacker/chunk-shape/free-axis", test_chunk_shape_free_axis);
  FIXTURE_TEST ("/repacker/chunk-shape/complete", test_chunk_shape_complete);
  FIXTURE_TEST ("/repacker/datasets", test_datasets);
  FIXTURE_TEST ("/repacker/datasets/second-link", test_datasets_second_link);
  FIXTURE_TEST ("/repacker/min-size", test_min_size);
  FIXTURE_TEST ("/repacker/async", test_async);
  FIXTURE_TEST ("/repacker/async/thread-default", test_async_thread_default);

  return g_test_run ();
}
