/* test-raw-internal.c: what the raw file sources do inside: reading in
 * strips, and surviving a file cut under a mapping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "gdci.h"
#include "gdci-test-hooks-private.h"
#include "test-util.h"

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gdci-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_file_and_dir (const char *path, const char *dir)
{
  g_unlink (path);
  g_rmdir (dir);
}

/* A 384-channel recording split in buffers of 192 channels: each buffer is
 * strided in the file, and must be read in few large strips. */
static void
test_strided_buffers_read_in_strips (void)
{
  guint64 shape[] = { 5000, 384 };
  g_autofree char *dir = make_dir ();
  g_autoptr(GBytes) bytes = test_make_pattern (5000 * 384 * 2, 4);
  g_autofree char *path = test_write_file (dir, "rec.bin", 0, bytes);
  g_autoptr(GError) error = NULL;
  GObject *object = g_object_new (GDCI_TYPE_FILE_ITERATOR,
                                  "path", path, "dtype", GDCI_DTYPE_INT16,
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
  test_assert_reassembles (GDCI_CHUNK_ITERATOR (it), bytes, shape, 2);
  /* 10 buffers of 1000 rows, each read in 10 strips: never a read per row */
  g_assert_cmpuint (_gdci_file_iterator_get_n_reads (it), ==, 10 * 10);

  g_object_unref (object);
  remove_file_and_dir (path, dir);
}

/* A 3-d file whose planes are larger than a strip: strips go down an axis. */
static void
test_planes_larger_than_a_strip (void)
{
  guint64 shape[] = { 6, 40, 50 };
  g_autofree char *dir = make_dir ();
  g_autoptr(GBytes) bytes = test_make_pattern (6 * 40 * 50 * 8, 5);
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *path = test_write_file (dir, "vol.bin", 3, bytes);
  g_autoptr(GError) error = NULL;

  for (GdciOrder order = GDCI_ORDER_C; order <= GDCI_ORDER_F; order++)
    {
      GObject *object = g_object_new (GDCI_TYPE_FILE_ITERATOR,
                                      "path", path, "dtype", GDCI_DTYPE_FLOAT64,
                                      "shape", test_shape_variant (shape, 3),
                                      "offset", (guint64) 3, "order", order,
                                      "buffer-shape", g_variant_new_parsed ("[uint64 4, 20, 30]"),
                                      "chunk-shape", g_variant_new_parsed ("[uint64 2, 10, 10]"),
                                      NULL);

      g_clear_pointer (&expected, g_bytes_unref);
      expected = order == GDCI_ORDER_C ? g_bytes_ref (bytes)
                                       : test_fortran_to_c (bytes, shape, 3, 8);
      /* smaller than one 40 x 50 plane of doubles */
      _gdci_file_iterator_set_strip_bytes ((GdciFileIterator *) object, 4000);
      g_assert_true (g_initable_init (G_INITABLE (object), NULL, &error));
      test_assert_reassembles (GDCI_CHUNK_ITERATOR (object), expected, shape, 3);
      g_object_unref (object);
    }
  remove_file_and_dir (path, dir);
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
  g_autofree char *dir = make_dir ();
  g_autoptr(GBytes) bytes = test_make_pattern (1024 * 1024, 6);
  g_autofree char *path = test_write_file (dir, "rec.bin", 0, bytes);
  g_autofree char *expected = g_strdup_printf ("'%s' was truncated while being read: "
                                               "a page of the mapped file is gone", path);
  g_autoptr(GError) error = NULL;
  GObject *it = g_initable_new (GDCI_TYPE_MEMMAP_ITERATOR, NULL, &error,
                                "path", path, "dtype", GDCI_DTYPE_UINT8,
                                "shape", g_variant_new_parsed ("[uint64 1024, 1024]"),
                                "buffer-shape", g_variant_new_parsed ("[uint64 512, 1024]"),
                                "chunk-shape", g_variant_new_parsed ("[uint64 256, 1024]"),
                                NULL);
  GdciDataChunk *chunk;

  g_assert_no_error (error);
  /* the cut comes after the size check, inside the copy */
  _gdci_memmap_iterator_set_copy_hook ((GdciMemmapIterator *) it, cut_to_one_page, path);
  chunk = gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, expected));

  g_object_unref (it);
  remove_file_and_dir (path, dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-iterator/strided-buffers-in-strips", test_strided_buffers_read_in_strips);
  g_test_add_func ("/file-iterator/planes-larger-than-a-strip", test_planes_larger_than_a_strip);
  g_test_add_func ("/memmap-iterator/mapping-cut-under-a-copy", test_mapping_cut_under_a_copy);

  return g_test_run ();
}
