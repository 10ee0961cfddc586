/* test-h5-stream-flush.c: GdciH5Stream's flushes, read by another process
 * as the file grows, its close, its signals and the thread-default main
 * context they are emitted in, its backlog, files without SWMR, existing
 * files and streams disposed of unclosed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "gdci.h"
#include "gdci-compressor-private.h"

#include "test-h5-stream-util.h"

/* shared with the children that read files as they grow */
static char *shared_dir;

/* The frames of these tests: int16 of 6, in chunks of 10 frames; their
 * shape and its axes, as assert_frames () takes them */
#define FRAME SHAPE (6), 1

static GdciH5Stream *
open_frames (const char *path)
{
  g_autoptr(GError) error = NULL;
  GdciH5Stream *stream;

  stream = stream_open (path, "/data", GDCI_DTYPE_INT16, "@at [6]", &error,
                        "chunk-shape", g_variant_new_parsed ("@at [10, 0]"),
                        "n-threads", 2, NULL);
  g_assert_no_error (error);
  return stream;
}

static void
flush_ok (GdciH5Stream *stream)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gdci_h5_stream_flush (stream, NULL, &error));
  g_assert_no_error (error);
}

static void
close_ok (GdciH5Stream *stream)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
}

/* ---- flush ------------------------------------------------------------------ */

/* In a process of its own, the file read as it grows: what the last flush
 * made durable, by a reader in SWMR mode; a plain reader is refused */
static void
read_as_it_grows (void)
{
  g_autofree char *path = g_build_filename (shared_dir, "growing.h5", NULL);
  g_autofree char *frames_path = g_build_filename (shared_dir, "frames", NULL);
  g_autofree char *frames = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ReadBack) r = { 0 };
  guint64 n_frames;

  g_assert_true (g_file_get_contents (frames_path, &frames, NULL, &error));
  g_assert_no_error (error);
  n_frames = g_ascii_strtoull (frames, NULL, 10);

  g_assert_cmpint (H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT), <, 0);
  read_back (path, "/data", GDCI_DTYPE_INT16, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, &r);
  assert_frames (&r, GDCI_DTYPE_INT16, FRAME, n_frames);
}

static void
assert_read_as_it_grows (guint64 n_frames)
{
  g_autofree char *frames_path = g_build_filename (shared_dir, "frames", NULL);
  g_autofree char *frames = g_strdup_printf ("%" G_GUINT64_FORMAT, n_frames);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (frames_path, frames, -1, &error));
  g_assert_no_error (error);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
record_growing (void)
{
  g_autofree char *path = g_build_filename (shared_dir, "growing.h5", NULL);
  g_autoptr(GdciH5Stream) stream = NULL;

  stream = open_frames (path);
  /* nothing appended: a dataset of no frames */
  flush_ok (stream);
  assert_read_as_it_grows (0);

  /* two rows of chunks and a part of a third */
  append_frames (stream, 0, 23);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 23);
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, 23);
  g_assert_cmpuint (gdci_h5_stream_get_backlog_bytes (stream), ==, 0);
  g_assert_cmpuint (gdci_h5_stream_get_bytes_written (stream), >=, 3 * 10 * 6 * 2);
  assert_read_as_it_grows (23);

  /* the row being filled, rewritten, and filled */
  append_frames (stream, 23, 7);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 30);
  assert_read_as_it_grows (30);
  append_frames (stream, 30, 1);
  flush_ok (stream);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 31);
  assert_read_as_it_grows (31);

  close_ok (stream);
  assert_file_frames (path, "/data", GDCI_DTYPE_INT16, FRAME, 31);
}

static void
test_flush_durable (void)
{
  if (g_test_subprocess ())
    read_as_it_grows ();
  else
    record_growing ();
}

/* A cancelled flush returns at once; the frames are written all the same */
static void
test_flush_cancelled (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = open_frames (out.path);
  append_frames (stream, 0, 15);
  g_cancellable_cancel (cancellable);
  g_assert_false (gdci_h5_stream_flush (stream, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  append_frames (stream, 15, 4);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 19);
  /* the close is not cancelled */
  g_clear_error (&error);
  g_assert_true (gdci_h5_stream_close (stream, cancellable, &error));
  g_assert_no_error (error);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 19);
}

/* ---- the flushed signal ----------------------------------------------------- */

typedef struct
{
  GMainContext *context;        /* where the signals are expected */
  GThread *thread;
  guint n_flushed;
  guint64 last_durable;
  guint n_notified;
  gboolean elsewhere;           /* emitted in another context or thread */
} Emissions;

static void
on_flushed (GdciH5Stream *stream,
            guint64       frames_durable,
            Emissions    *e)
{
  if (g_thread_self () != e->thread || !g_main_context_is_owner (e->context) ||
      g_main_context_get_thread_default () != e->context)
    e->elsewhere = TRUE;
  /* each emission says more frames are durable than the one before */
  g_assert_cmpuint (frames_durable, >=, e->last_durable);
  g_assert_cmpuint (frames_durable, <=, gdci_h5_stream_get_frames_durable (stream));
  e->last_durable = frames_durable;
  e->n_flushed++;
}

static void
on_notify_durable (GObject    *object,
                   GParamSpec *pspec,
                   Emissions  *e)
{
  if (g_thread_self () != e->thread || !g_main_context_is_owner (e->context))
    e->elsewhere = TRUE;
  e->n_notified++;
}

static void
iterate (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

static void
connect_emissions (GdciH5Stream *stream,
                   Emissions    *e)
{
  g_signal_connect (stream, "flushed", G_CALLBACK (on_flushed), e);
  g_signal_connect (stream, "notify::frames-durable", G_CALLBACK (on_notify_durable), e);
}

static void
test_signal_flushed (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Emissions e = { .context = context, .thread = g_thread_self () };
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  g_main_context_push_thread_default (context);
  stream = open_frames (out.path);
  connect_emissions (stream, &e);

  append_frames (stream, 0, 12);
  flush_ok (stream);
  /* emitted by the context's iterations, not by the flush, and not in
   * the global default context */
  g_assert_cmpuint (e.n_flushed, ==, 0);
  iterate (NULL);
  g_assert_cmpuint (e.n_flushed, ==, 0);
  iterate (context);
  g_assert_cmpuint (e.n_flushed, ==, 1);
  g_assert_cmpuint (e.last_durable, ==, 12);
  g_assert_cmpuint (e.n_notified, ==, 1);

  append_frames (stream, 12, 3);
  flush_ok (stream);
  iterate (context);
  g_assert_cmpuint (e.n_flushed, ==, 2);
  g_assert_cmpuint (e.last_durable, ==, 15);

  append_frames (stream, 15, 1);
  close_ok (stream);
  iterate (context);
  g_assert_cmpuint (e.last_durable, ==, 16);
  g_assert_false (e.elsewhere);
  g_main_context_pop_thread_default (context);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 16);
}

/* Appended and flushed from another thread, which has a context of its
 * own: the signal comes to the context of the thread that made the stream */
static gpointer
append_and_flush (gpointer data)
{
  GdciH5Stream *stream = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  append_frames (stream, 0, 25);
  flush_ok (stream);
  iterate (context);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_signal_creating_thread (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Emissions e = { .context = context, .thread = g_thread_self () };
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  g_main_context_push_thread_default (context);
  stream = open_frames (out.path);
  connect_emissions (stream, &e);
  g_thread_join (g_thread_new ("appender", append_and_flush, stream));
  g_assert_cmpuint (e.n_flushed, ==, 0);
  iterate (context);
  g_assert_cmpuint (e.n_flushed, ==, 1);
  g_assert_cmpuint (e.last_durable, ==, 25);
  g_assert_false (e.elsewhere);
  close_ok (stream);
  g_main_context_pop_thread_default (context);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 25);
}

static gboolean
time_out (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Without a call to flush, every flush-interval: waited for in the
 * context, then the frames are durable */
static void
test_flush_automatic (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (60);
  Emissions e = { .context = context, .thread = g_thread_self () };
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  g_main_context_push_thread_default (context);
  stream = stream_open (out.path, "/data", GDCI_DTYPE_INT16, "@at [6]", &error,
                        "chunk-shape", g_variant_new_parsed ("@at [10, 0]"),
                        "flush-interval", 0.05, NULL);
  g_assert_no_error (error);
  g_assert_cmpfloat (gdci_h5_stream_get_flush_interval (stream), ==, 0.05);
  connect_emissions (stream, &e);
  g_source_set_callback (timeout, time_out, &timed_out, NULL);
  g_source_attach (timeout, context);

  append_frames (stream, 0, 17);
  while (e.last_durable < 17 && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_assert_false (timed_out);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 17);
  g_assert_false (e.elsewhere);
  g_source_destroy (timeout);
  close_ok (stream);
  g_main_context_pop_thread_default (context);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 17);
}

/* ---- close ------------------------------------------------------------------- */

static void
test_close (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) more = make_frames (GDCI_DTYPE_INT16, 6, 23, 5);
  g_auto(ReadBack) r = { 0 };

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = open_frames (out.path);
  append_frames (stream, 0, 23);
  close_ok (stream);
  g_assert_true (gdci_h5_stream_is_closed (stream));
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 23);
  g_assert_cmpuint (gdci_h5_stream_get_backlog_bytes (stream), ==, 0);
  /* exactly the frames appended, not the chunks' 30 */
  read_back (out.path, "/data", GDCI_DTYPE_INT16, H5F_ACC_RDONLY, &r);
  assert_frames (&r, GDCI_DTYPE_INT16, FRAME, 23);
  assert_chunk (&r, SHAPE (10, 6), 2);
  before = test_read_file_bytes (out.path);

  /* nothing more is appended, flushed or written */
  g_assert_false (gdci_h5_stream_append (stream, more, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (gdci_h5_stream_flush (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  /* closing a closed stream does nothing */
  close_ok (stream);
  g_assert_true (gdci_h5_stream_is_closed (stream));
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, 23);
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_object (&stream);
  g_clear_pointer (&after, g_bytes_unref);
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
}

/* Disposed of without a close: closed, with every frame appended */
static void
test_dispose_unclosed (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *no_swmr = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = open_frames (out.path);
  append_frames (stream, 0, 13);
  flush_ok (stream);
  append_frames (stream, 13, 8);
  g_clear_object (&stream);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 21);

  /* without SWMR too: the file appears */
  no_swmr = g_build_filename (out.dir, "no-swmr.h5", NULL);
  stream = stream_open (no_swmr, "/data", GDCI_DTYPE_INT16, "@at [6]", &error, "swmr", FALSE,
                        "chunk-shape", g_variant_new_parsed ("@at [10, 0]"), NULL);
  g_assert_no_error (error);
  append_frames (stream, 0, 4);
  g_assert_false (g_file_test (no_swmr, G_FILE_TEST_EXISTS));
  g_clear_object (&stream);
  assert_file_frames (no_swmr, "/data", GDCI_DTYPE_INT16, FRAME, 4);
}

/* ---- the backlog ---------------------------------------------------------------- */

static void
on_backlog_full (GdciH5Stream *stream,
                 guint64       backlog_bytes,
                 guint        *n)
{
  g_assert_cmpuint (backlog_bytes, >, 0);
  (*n)++;
}

/* A backlog of 1 byte: each row of chunks waits for the one before, and
 * every frame is written */
static void
test_backlog (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n_frames = 0;
  guint n_full = 0;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  g_main_context_push_thread_default (context);
  stream = stream_open (out.path, "/data", GDCI_DTYPE_INT16, "@at [64]", &error,
                        "chunk-shape", g_variant_new_parsed ("@at [4, 0]"),
                        "compression", GDCI_COMPRESSION_ZSTD, "n-threads", 1,
                        "max-backlog-bytes", (guint64) 1, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_max_backlog_bytes (stream), ==, 1);
  g_signal_connect (stream, "backlog-full", G_CALLBACK (on_backlog_full), &n_full);
  for (guint i = 0; i < 20; i++, n_frames += 9)
    append_frames (stream, n_frames, 9);
  append_frames (stream, n_frames, 150);
  n_frames += 150;
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, n_frames);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_backlog_bytes (stream), ==, 0);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, n_frames);
  append_frames (stream, n_frames, 41);
  n_frames += 41;
  close_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_backlog_bytes (stream), ==, 0);
  /* how often append waited depends on the threads: each time is told */
  iterate (context);
  g_test_message ("appends waited %u times", n_full);
  g_main_context_pop_thread_default (context);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, SHAPE (64), 1, n_frames);
}

/* ---- files ------------------------------------------------------------------------ */

/* Without SWMR the file appears under its name at the close */
static void
test_swmr_off (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = stream_open (out.path, "/data", GDCI_DTYPE_INT16, "@at [6]", &error, "swmr", FALSE,
                        "chunk-shape", g_variant_new_parsed ("@at [10, 0]"),
                        "compression", GDCI_COMPRESSION_GZIP, NULL);
  g_assert_no_error (error);
  g_assert_false (gdci_h5_stream_get_swmr (stream));
  g_assert_false (g_file_test (out.path, G_FILE_TEST_EXISTS));
  /* written under a hidden name beside it */
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 1);
  append_frames (stream, 0, 27);
  flush_ok (stream);
  g_assert_cmpuint (gdci_h5_stream_get_frames_durable (stream), ==, 27);
  g_assert_false (g_file_test (out.path, G_FILE_TEST_EXISTS));
  append_frames (stream, 27, 2);
  close_ok (stream);
  g_assert_true (g_file_test (out.path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 1);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, FRAME, 29);
}

/* The dataset added to a file of HDF5's latest format, whose other
 * objects stay; groups on its path are made */
static void
test_existing_file (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { "/group/probe", "/new/group/probe" };

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  make_other_file (out.path, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GdciH5Stream) stream = NULL;

      stream = stream_open (out.path, paths[i], GDCI_DTYPE_FLOAT32, "@at [3, 2]", &error,
                            "chunk-shape", g_variant_new_parsed ("@at [4, 0, 0]"),
                            "compression", GDCI_COMPRESSION_LZ4, NULL);
      g_assert_no_error (error);
      append_frames (stream, 0, 11);
      close_ok (stream);
    }
  assert_other_dataset (out.path);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    assert_file_frames (out.path, paths[i], GDCI_DTYPE_FLOAT32, SHAPE (3, 2), 2, 11);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* before any thread: the environment passes it on to the children */
  shared_dir = test_subprocess_dir_get ("GDCI_TEST_STREAM_DIR", "gdci-stream-XXXXXX");
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  _gdci_h5_register_filters ();

  g_test_add_func ("/h5-stream/flush/durable", test_flush_durable);
  g_test_add_func ("/h5-stream/flush/cancelled", test_flush_cancelled);
  g_test_add_func ("/h5-stream/flush/automatic", test_flush_automatic);
  g_test_add_func ("/h5-stream/signals/flushed", test_signal_flushed);
  g_test_add_func ("/h5-stream/signals/creating-thread", test_signal_creating_thread);
  g_test_add_func ("/h5-stream/close", test_close);
  g_test_add_func ("/h5-stream/dispose-unclosed", test_dispose_unclosed);
  g_test_add_func ("/h5-stream/backlog", test_backlog);
  g_test_add_func ("/h5-stream/swmr-off", test_swmr_off);
  g_test_add_func ("/h5-stream/existing-file", test_existing_file);

  status = g_test_run ();
  test_subprocess_dir_free (shared_dir);
  return status;
}
