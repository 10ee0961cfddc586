/* test-iterator-use.c: an iterator while a write uses it: refused to
 * others, its progress in the caller's thread; and what a source's
 * serialize() hands over
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <string.h>

#include <gdci/gdci.h>

#include "test-util.h"

typedef struct
{
  char *dir;
  char *path;
  char *other_path;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = test_make_tmp_dir ("gdci-use-XXXXXX");
  f->path = g_build_filename (f->dir, "out.h5", NULL);
  f->other_path = g_build_filename (f->dir, "other.h5", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unlink (f->path);
  g_unlink (f->other_path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->other_path);
}

static GdciChunkIterator *
ramp_iterator (void)
{
  guint64 shape[] = { 20000, 64 };
  g_autoptr(GBytes) values = test_make_ramp_int16 (shape, 2);
  g_autoptr(GError) error = NULL;
  GdciChunkIterator *it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                    "data", values, "dtype", GDCI_DTYPE_INT16,
                    "shape", test_shape_variant (shape, 2),
                    "buffer-shape", g_variant_new_parsed ("[uint64 2000, 64]"),
                    "chunk-shape", g_variant_new_parsed ("[uint64 250, 64]"), NULL);

  g_assert_no_error (error);
  return it;
}

/* ---- the busy flag ------------------------------------------------------------ */

typedef struct
{
  Fixture *f;
  GMainLoop *loop;
  GdciChunkIterator *iter;
  guint n_checks;
  gboolean finished;
  GError *error;
} BusyState;

static void
assert_busy (BusyState *s)
{
  g_autoptr(GdciH5Writer) second = gdci_h5_writer_new ();
  g_autoptr(GError) error = NULL;
  GdciDataChunk *chunk = gdci_chunk_iterator_next (s->iter, &error);

  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "in use by a write"));
  g_clear_error (&error);
  g_assert_false (gdci_chunk_iterator_reset (s->iter, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_BUSY);
  g_clear_error (&error);
  /* a second write of it fails at once, and leaves nothing behind */
  g_assert_false (gdci_h5_writer_write (second, s->iter, s->f->other_path, "/data", NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_BUSY);
  g_assert_false (g_file_test (s->f->other_path, G_FILE_TEST_EXISTS));
  s->n_checks++;
}

static void
on_busy_progress (GdciH5Writer *writer, guint64 done, guint64 total, gpointer user_data)
{
  BusyState *s = user_data;

  if (!s->finished)
    assert_busy (s);
}

static void
on_busy_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BusyState *s = user_data;

  s->finished = TRUE;
  g_assert_true (gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, &s->error));
  /* the write let go of the iterator before it called back */
  g_assert_true (gdci_chunk_iterator_reset (s->iter, &s->error));
  g_main_loop_quit (s->loop);
}

static void
test_busy_while_written (Fixture *f, gconstpointer data)
{
  g_autoptr(GdciChunkIterator) it = ramp_iterator ();
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER, "compression",
                                                 GDCI_COMPRESSION_GZIP, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GdciChunkIterator) copy = NULL;
  g_autoptr(GError) error = NULL;
  BusyState s = { f, loop, it, 0, FALSE, NULL };
  guint64 shape[] = { 20000, 64 };
  g_autoptr(GBytes) values = test_make_ramp_int16 (shape, 2);

  g_signal_connect (writer, "progress", G_CALLBACK (on_busy_progress), &s);
  gdci_h5_writer_write_async (writer, it, f->path, "/data", NULL, on_busy_done, &s);
  /* right away too, before the write's thread has started */
  assert_busy (&s);
  g_main_loop_run (loop);
  g_assert_no_error (s.error);
  g_assert_cmpuint (s.n_checks, >=, 2);

  /* the first write was not harmed: all of the data is there */
  copy = gdci_h5_iterator_new (f->path, "/data", &error);
  g_assert_no_error (error);
  test_assert_reassembles (copy, values, shape, 2);
  /* and the iterator is free again */
  g_assert_true (gdci_chunk_iterator_reset (it, &error));
  g_object_unref (gdci_chunk_iterator_next (it, &error));
  g_assert_no_error (error);
}

static void
test_reset_refuses_uninitialized (void)
{
  g_autoptr(GObject) uninitialized = g_object_new (GDCI_TYPE_ARRAY_ITERATOR, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (gdci_chunk_iterator_reset (GDCI_CHUNK_ITERATOR (uninitialized), &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED);
}

/* ---- where the iterator's progress is emitted ------------------------------------ */

typedef struct
{
  GThread *expected_thread;
  guint n_emissions;
  guint n_wrong_thread;
  guint64 last_done;
  guint64 n_buffers;
  gboolean went_back;
  gboolean finished;
  guint64 done_when_finished;
  GMainLoop *loop;
} ProgressRecord;

static void
on_iter_progress (GdciChunkIterator *iter, guint64 done, guint64 n_buffers, gpointer user_data)
{
  ProgressRecord *r = user_data;

  if (g_thread_self () != r->expected_thread)
    r->n_wrong_thread++;
  if (done < r->last_done || r->finished)
    r->went_back = TRUE;
  r->n_emissions++;
  r->last_done = done;
  r->n_buffers = n_buffers;
}

static void
test_progress_in_calling_thread (Fixture *f, gconstpointer data)
{
  g_autoptr(GdciChunkIterator) it = ramp_iterator ();
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER, "n-threads", 2, NULL);
  g_autoptr(GError) error = NULL;
  ProgressRecord r = { 0 };

  r.expected_thread = g_thread_self ();
  g_signal_connect (it, "progress", G_CALLBACK (on_iter_progress), &r);
  g_assert_true (gdci_h5_writer_write (writer, it, f->path, "/data", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.n_emissions, >=, 1);
  g_assert_cmpuint (r.n_wrong_thread, ==, 0);
  g_assert_false (r.went_back);
  /* the last, every buffer read, came before write() returned */
  g_assert_cmpuint (r.n_buffers, ==, 10);
  g_assert_cmpuint (r.last_done, ==, 10);
}

static void
on_progress_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ProgressRecord *r = user_data;

  g_assert_true (gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, NULL));
  r->finished = TRUE;
  r->done_when_finished = r->last_done;
  g_main_loop_quit (r->loop);
}

static gpointer
write_async_in_thread (gpointer data)
{
  /* a thread with its own main context: the emissions go there, not to
   * the global default context */
  Fixture *f = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GdciChunkIterator) it = ramp_iterator ();
  g_autoptr(GdciH5Writer) writer = g_object_new (GDCI_TYPE_H5_WRITER, "n-threads", 2,
                                                 "compression", GDCI_COMPRESSION_GZIP, NULL);
  ProgressRecord r = { 0 };

  r.expected_thread = g_thread_self ();
  r.loop = loop;
  g_main_context_push_thread_default (context);
  g_signal_connect (it, "progress", G_CALLBACK (on_iter_progress), &r);
  gdci_h5_writer_write_async (writer, it, f->path, "/data", NULL, on_progress_done, &r);
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (context);

  g_assert_true (r.finished);
  g_assert_cmpuint (r.n_emissions, >=, 1);
  g_assert_cmpuint (r.n_wrong_thread, ==, 0);
  g_assert_false (r.went_back);
  /* the last one, before the callback */
  g_assert_cmpuint (r.done_when_finished, ==, 10);
  g_assert_cmpuint (r.n_buffers, ==, 10);
  return NULL;
}

static void
test_progress_in_callers_context (Fixture *f, gconstpointer data)
{
  g_thread_join (g_thread_new ("async-caller", write_async_in_thread, f));
}

/* ---- serialize() of a binding: a non-floating variant ---------------------------- */

#define TEST_TYPE_OWNED_SERIALIZER (test_owned_serializer_get_type ())
G_DECLARE_FINAL_TYPE (TestOwnedSerializer, test_owned_serializer, TEST, OWNED_SERIALIZER,
                      GdciChunkIterator)

struct _TestOwnedSerializer
{
  GdciChunkIterator parent_instance;
};

G_DEFINE_FINAL_TYPE (TestOwnedSerializer, test_owned_serializer, GDCI_TYPE_CHUNK_ITERATOR)

static gboolean source_freed;

static void
on_source_freed (gpointer data)
{
  g_bytes_unref (data);
  source_freed = TRUE;
}

/* what a binding returns for a transfer-full variant: a strong, not a
 * floating, reference */
static GVariant *
owned_serialize (GdciChunkIterator *iter, GError **error)
{
  g_autoptr(GVariant) made = g_variant_ref_sink (g_variant_new_parsed ("{'path': <'x.bin'>}"));
  GBytes *bytes = g_variant_get_data_as_bytes (made);
  GVariant *variant =
    g_variant_new_from_data (G_VARIANT_TYPE_VARDICT, g_bytes_get_data (bytes, NULL),
                             g_bytes_get_size (bytes), TRUE, on_source_freed, bytes);

  return g_variant_ref_sink (variant);
}

static void
test_owned_serializer_class_init (TestOwnedSerializerClass *klass)
{
  GDCI_CHUNK_ITERATOR_CLASS (klass)->serialize = owned_serialize;
}

static void
test_owned_serializer_init (TestOwnedSerializer *self)
{
}

static void
test_serialize_takes_owned_variant (void)
{
  g_autoptr(GObject) it = g_object_new (TEST_TYPE_OWNED_SERIALIZER, NULL);
  g_autoptr(GError) error = NULL;
  GVariant *serialized;
  g_autoptr(GVariant) props = NULL;
  const char *path = NULL;

  source_freed = FALSE;
  serialized = gdci_chunk_iterator_serialize (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_no_error (error);
  g_assert_nonnull (serialized);
  g_variant_get_child (serialized, 2, "@a{sv}", &props);
  g_assert_true (g_variant_lookup (props, "path", "&s", &path));
  g_assert_cmpstr (path, ==, "x.bin");
  g_clear_pointer (&props, g_variant_unref);
  g_variant_unref (serialized);
  /* the source's variant is released: no reference is left over */
  g_assert_true (source_freed);
}

static void
add (const char *name, void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/iterator-use/%s", name);

  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("busy-while-written", test_busy_while_written);
  g_test_add_func ("/iterator-use/reset-refuses-uninitialized", test_reset_refuses_uninitialized);
  add ("progress-in-calling-thread", test_progress_in_calling_thread);
  add ("progress-in-callers-context", test_progress_in_callers_context);
  g_test_add_func ("/iterator-use/serialize-takes-owned-variant",
                   test_serialize_takes_owned_variant);

  return g_test_run ();
}
