/* test-raw-internal.c: what the raw file sources do inside: reading in
 * strips, and surviving a file cut under a mapping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "gdci.h"
#include "gdci-raw-file-iterator-private.h"
#include "gdci-test-hooks-private.h"
#include "test-util.h"

/* A 384-channel recording split in buffers of 192 channels: each buffer is
 * strided in the file, and must be read in few large strips. */
static void
test_strided_buffers_read_in_strips (void)
{
  guint64 shape[] = { 5000, 384 };
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 5000 * 384 * 2, 4);
  g_autoptr(GError) error = NULL;
  GObject *object = g_object_new (GDCI_TYPE_FILE_ITERATOR,
                                  "path", file->path, "dtype", GDCI_DTYPE_INT16,
                                  "shape", g_variant_new_parsed ("[uint64 0, 384]"),
                                  "buffer-shape", g_variant_new_parsed ("[uint64 1000, 192]"),
                                  "chunk-shape", g_variant_new_parsed ("[uint64 500, 64]"),
                                  NULL);
  GdciFileIterator *it = (GdciFileIterator *) object;
  /* strips of 100 rows of 768 bytes, less the unread end of the last row */
  gsize strip = 100 * 768;

  _gdci_file_iterator_set_strip_bytes (it, strip);
  g_assert_true (g_initable_init (G_INITABLE (object), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (GDCI_CHUNK_ITERATOR (it)), ==, 10);
  test_assert_reassembles (GDCI_CHUNK_ITERATOR (it), file->bytes, shape, 2);
  /* 10 buffers of 1000 rows, each read in 10 strips: never a read per row */
  g_assert_cmpuint (_gdci_file_iterator_get_n_reads (it), ==, 10 * 10);

  g_object_unref (object);
  test_raw_file_free (file);
}

/* A 3-d file whose planes are larger than a strip: strips go down an axis. */
static void
test_planes_larger_than_a_strip (void)
{
  guint64 shape[] = { 6, 40, 50 };
  TestRawFile *file = test_raw_file_new ("vol.bin", 3, 6 * 40 * 50 * 8, 5);
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;

  for (GdciOrder order = GDCI_ORDER_C; order <= GDCI_ORDER_F; order++)
    {
      GObject *object = g_object_new (GDCI_TYPE_FILE_ITERATOR,
                                      "path", file->path, "dtype", GDCI_DTYPE_FLOAT64,
                                      "shape", test_shape_variant (shape, 3),
                                      "offset", (guint64) 3, "order", order,
                                      "buffer-shape", g_variant_new_parsed ("[uint64 4, 20, 30]"),
                                      "chunk-shape", g_variant_new_parsed ("[uint64 2, 10, 10]"),
                                      NULL);

      g_clear_pointer (&expected, g_bytes_unref);
      expected = order == GDCI_ORDER_C ? g_bytes_ref (file->bytes)
                                       : test_fortran_to_c (file->bytes, shape, 3, 8);
      /* smaller than one 40 x 50 plane of doubles */
      _gdci_file_iterator_set_strip_bytes ((GdciFileIterator *) object, 4000);
      g_assert_true (g_initable_init (G_INITABLE (object), NULL, &error));
      test_assert_reassembles (GDCI_CHUNK_ITERATOR (object), expected, shape, 3);
      g_object_unref (object);
    }
  test_raw_file_free (file);
}

static void
cut_to_one_page (gpointer iter, gpointer user_data)
{
  const char *path = user_data;
  int fd = open (path, O_WRONLY);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 4096), ==, 0);
  close (fd);
}

/* A page of the mapping disappears under a copy: an error, not a SIGBUS. */
static void
test_mapping_cut_under_a_copy (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 1024 * 1024, 6);
  g_autofree char *expected = g_strdup_printf ("'%s' was truncated while being read: "
                                               "a page of the mapped file is gone", file->path);
  g_autoptr(GError) error = NULL;
  GObject *it = g_initable_new (GDCI_TYPE_MEMMAP_ITERATOR, NULL, &error,
                                "path", file->path, "dtype", GDCI_DTYPE_UINT8,
                                "shape", g_variant_new_parsed ("[uint64 1024, 1024]"),
                                "buffer-shape", g_variant_new_parsed ("[uint64 512, 1024]"),
                                "chunk-shape", g_variant_new_parsed ("[uint64 256, 1024]"),
                                NULL);
  GdciDataChunk *chunk;

  g_assert_no_error (error);
  /* the cut comes after the size check, inside the copy */
  _gdci_memmap_iterator_set_copy_hook ((GdciMemmapIterator *) it, cut_to_one_page, file->path);
  chunk = gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, expected));

  g_object_unref (it);
  test_raw_file_free (file);
}

/* A buffer whose size does not fit in 64 bits, or in this machine's
 * address space, is refused before any memory is asked for */
static void
test_buffer_size_overflow (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 4096, 11);
  GType types[] = { GDCI_TYPE_MEMMAP_ITERATOR, GDCI_TYPE_FILE_ITERATOR };
  /* 2^60 x 8 int16 elements: 2^64 bytes */
  guint64 start[] = { 0, 0 }, stop[] = { G_GUINT64_CONSTANT (1) << 60, 8 };
  g_autoptr(GdciSelection) huge = gdci_selection_new (start, stop, 2);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) it = g_initable_new (types[i], NULL, &error, "path", file->path,
                                              "dtype", GDCI_DTYPE_INT16,
                                              "shape", g_variant_new_parsed ("[uint64 0, 8]"),
                                              NULL);
      GdciBufferLease *lease;
      gsize n_bytes = 0;

      g_assert_no_error (error);
      lease = _gdci_raw_file_iterator_alloc_buffer (GDCI_RAW_FILE_ITERATOR (it), huge,
                                                    &n_bytes, &error);
      g_assert_null (lease);
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW);
      g_assert_cmpstr (error->message, ==,
                       "A buffer of 9223372036854775808 elements of 2 bytes is larger "
                       "than this machine's address space");
      g_assert_cmpuint (n_bytes, ==, 0);
    }
  test_raw_file_free (file);
}

/* ---- the SIGBUS handler and a program's own ------------------------------ */

/* A program's own SIGBUS handler. A fault it gets (gdci's, if the handler
 * is not gdci's during a copy) cannot be returned from: it jumps back to
 * the test, which then fails. */
static volatile sig_atomic_t own_calls;
static volatile sig_atomic_t own_faults;
static volatile sig_atomic_t own_last_code;
static sigjmp_buf own_jump;

static void
own_handler (int        signum,
             siginfo_t *info,
             void      *context)
{
  own_calls++;
  own_last_code = info->si_code;
  if (info->si_code > 0)
    {
      own_faults++;
      siglongjmp (own_jump, 1);
    }
}

static void
install_own_handler (struct sigaction *saved)
{
  struct sigaction sa = { 0 };

  sa.sa_sigaction = own_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  g_assert_cmpint (sigaction (SIGBUS, &sa, saved), ==, 0);
  own_calls = own_faults = own_last_code = 0;
}

static gboolean
sigbus_handler_is (void (*handler) (int, siginfo_t *, void *))
{
  struct sigaction current;

  g_assert_cmpint (sigaction (SIGBUS, NULL, &current), ==, 0);
  return (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == handler;
}

static GObject *
new_memmap (const char *path)
{
  g_autoptr(GError) error = NULL;
  GObject *it = g_initable_new (GDCI_TYPE_MEMMAP_ITERATOR, NULL, &error,
                                "path", path, "dtype", GDCI_DTYPE_UINT8,
                                "shape", g_variant_new_parsed ("[uint64 1024, 1024]"),
                                "buffer-shape", g_variant_new_parsed ("[uint64 512, 1024]"),
                                "chunk-shape", g_variant_new_parsed ("[uint64 256, 1024]"),
                                NULL);

  g_assert_no_error (error);
  return it;
}

/* Cuts the file inside a copy; the copy must fail with an error, and the
 * program's handler must see nothing of it */
static void
assert_cut_gives_error (GObject *it, const char *path)
{
  g_autofree char *expected = g_strdup_printf ("'%s' was truncated while being read: "
                                               "a page of the mapped file is gone", path);
  g_autoptr(GError) error = NULL;
  GdciDataChunk *chunk = NULL;

  _gdci_memmap_iterator_set_copy_hook ((GdciMemmapIterator *) it, cut_to_one_page,
                                       (gpointer) path);
  if (sigsetjmp (own_jump, 1) == 0)
    chunk = gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_cmpint (own_faults, ==, 0);
  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, expected));
}

/* A SIGBUS sent to the process reaches the program's handler */
static void
assert_own_handler_gets_sent_sigbus (void)
{
  own_calls = 0;
  g_assert_true (sigbus_handler_is (own_handler));
  raise (SIGBUS);
  g_assert_cmpint (own_calls, ==, 1);
  g_assert_cmpint (own_last_code, ==, SI_TKILL);
}

/* The program's handler was there before the iterator */
static void
test_own_handler_before (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 1024 * 1024, 7);
  struct sigaction saved;
  GObject *it;

  install_own_handler (&saved);
  it = new_memmap (file->path);
  /* creating the iterator installs nothing */
  g_assert_true (sigbus_handler_is (own_handler));
  assert_cut_gives_error (it, file->path);
  /* nor does a copy leave anything behind */
  assert_own_handler_gets_sent_sigbus ();

  g_object_unref (it);
  g_assert_cmpint (sigaction (SIGBUS, &saved, NULL), ==, 0);
  test_raw_file_free (file);
}

/* The program's handler came after the iterator, as faulthandler.enable ()
 * after an import */
static void
test_own_handler_after (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 1024 * 1024, 8);
  GObject *it = new_memmap (file->path);
  struct sigaction saved;

  install_own_handler (&saved);
  assert_cut_gives_error (it, file->path);
  assert_own_handler_gets_sent_sigbus ();

  g_object_unref (it);
  g_assert_cmpint (sigaction (SIGBUS, &saved, NULL), ==, 0);
  test_raw_file_free (file);
}

static void
raise_sigbus (gpointer iter, gpointer user_data)
{
  gboolean *during_copy_ours = user_data;

  /* gdci's handler is there during the copy... */
  *during_copy_ours = !sigbus_handler_is (own_handler);
  /* ...and hands a SIGBUS that is not a fault of the copy on */
  raise (SIGBUS);
}

/* A SIGBUS during a copy that is not the copy's: the program's handler
 * gets it, and the copy goes on */
static void
test_other_sigbus_during_a_copy (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 1024 * 1024, 9);
  GObject *it = new_memmap (file->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciDataChunk) chunk = NULL;
  gboolean during_copy_ours = FALSE;
  struct sigaction saved;
  GBytes *data;

  install_own_handler (&saved);
  _gdci_memmap_iterator_set_copy_hook ((GdciMemmapIterator *) it, raise_sigbus,
                                       &during_copy_ours);
  if (sigsetjmp (own_jump, 1) == 0)
    chunk = gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_no_error (error);
  g_assert_nonnull (chunk);
  g_assert_true (during_copy_ours);
  g_assert_cmpint (own_calls, >=, 1);
  g_assert_cmpint (own_faults, ==, 0);
  g_assert_cmpint (own_last_code, ==, SI_TKILL);
  data = gdci_data_chunk_get_data (chunk);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), 512 * 1024,
                   g_bytes_get_data (file->bytes, NULL), 512 * 1024);
  g_assert_true (sigbus_handler_is (own_handler));

  g_object_unref (it);
  g_assert_cmpint (sigaction (SIGBUS, &saved, NULL), ==, 0);
  test_raw_file_free (file);
}

/* With no handler of the program's, reading leaves none installed */
static void
test_no_handler_left (void)
{
  TestRawFile *file = test_raw_file_new ("rec.bin", 0, 1024 * 1024, 10);
  struct sigaction before, after;
  GObject *it;

  g_assert_cmpint (sigaction (SIGBUS, NULL, &before), ==, 0);
  it = new_memmap (file->path);
  test_assert_reassembles (GDCI_CHUNK_ITERATOR (it), file->bytes, (guint64[]) { 1024, 1024 }, 2);
  g_assert_cmpint (sigaction (SIGBUS, NULL, &after), ==, 0);
  g_assert_true (after.sa_handler == before.sa_handler);
  g_assert_cmpint (after.sa_flags & SA_SIGINFO, ==, before.sa_flags & SA_SIGINFO);

  g_object_unref (it);
  test_raw_file_free (file);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-iterator/strided-buffers-in-strips", test_strided_buffers_read_in_strips);
  g_test_add_func ("/file-iterator/planes-larger-than-a-strip", test_planes_larger_than_a_strip);
  g_test_add_func ("/raw-file-iterator/buffer-size-overflow", test_buffer_size_overflow);
  g_test_add_func ("/memmap-iterator/mapping-cut-under-a-copy", test_mapping_cut_under_a_copy);
  g_test_add_func ("/memmap-iterator/own-sigbus-handler-before", test_own_handler_before);
  g_test_add_func ("/memmap-iterator/own-sigbus-handler-after", test_own_handler_after);
  g_test_add_func ("/memmap-iterator/other-sigbus-during-a-copy", test_other_sigbus_during_a_copy);
  g_test_add_func ("/memmap-iterator/no-sigbus-handler-left", test_no_handler_left);

  return g_test_run ();
}
