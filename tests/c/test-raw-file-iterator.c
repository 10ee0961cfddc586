/* test-raw-file-iterator.c: GdciRawFileIterator, the abstract base of the
 * raw file sources, and what its two subclasses share through it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "test-util.h"

static const GType *
raw_types (void)
{
  static GType types[2];

  types[0] = GDCI_TYPE_MEMMAP_ITERATOR;
  types[1] = GDCI_TYPE_FILE_ITERATOR;
  return types;
}

static void
test_hierarchy (void)
{
  const GType *types = raw_types ();

  g_assert_true (G_TYPE_IS_ABSTRACT (GDCI_TYPE_RAW_FILE_ITERATOR));
  g_assert_false (G_TYPE_IS_FINAL (GDCI_TYPE_RAW_FILE_ITERATOR));
  g_assert_true (g_type_parent (GDCI_TYPE_RAW_FILE_ITERATOR) == GDCI_TYPE_CHUNK_ITERATOR);
  g_assert_cmpstr (g_type_name (GDCI_TYPE_RAW_FILE_ITERATOR), ==, "GdciRawFileIterator");

  for (guint i = 0; i < 2; i++)
    {
      GObjectClass *klass = g_type_class_ref (types[i]);
      static const char *const names[] = { "path", "dtype", "shape", "offset", "order" };

      g_assert_true (g_type_parent (types[i]) == GDCI_TYPE_RAW_FILE_ITERATOR);
      g_assert_true (G_TYPE_IS_FINAL (types[i]));
      /* the properties are the base class's, inherited */
      for (guint p = 0; p < G_N_ELEMENTS (names); p++)
        {
          GParamSpec *pspec = g_object_class_find_property (klass, names[p]);

          g_assert_nonnull (pspec);
          g_assert_true (pspec->owner_type == GDCI_TYPE_RAW_FILE_ITERATOR);
        }
      g_type_class_unref (klass);
    }
}

static void
test_abstract (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = NULL;
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) forged = NULL;
  GdciChunkIterator *copy;
  guint32 version;

  if (g_test_subprocess ())
    {
      /* GObject refuses, loudly: a programmer error */
      GObject *object = g_object_new (GDCI_TYPE_RAW_FILE_ITERATOR, NULL);

      g_assert_null (object);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*cannot create instance of abstract*GdciRawFileIterator*");

  /* a serialized iterator naming the base class: an error, not a crash */
  bytes = test_make_pattern (64, 1);
  dir = test_make_tmp_dir ("gdci-test-XXXXXX");
  path = test_write_file (dir, "data.bin", 0, bytes);
  it = gdci_memmap_iterator_new (path, GDCI_DTYPE_UINT8, (guint64[]) { 64 }, 1, 0,
                                 GDCI_ORDER_C, &error);
  g_assert_no_error (error);
  v = gdci_chunk_iterator_serialize (it, &error);
  g_assert_no_error (error);
  g_variant_get (v, "(&su@a{sv})", NULL, &version, &props);
  forged = g_variant_ref_sink (g_variant_new ("(su@a{sv})", "GdciRawFileIterator",
                                              version, props));
  copy = gdci_chunk_iterator_deserialize (forged, &error);
  g_assert_null (copy);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "'GdciRawFileIterator' is not an instantiable GdciChunkIterator type");

  test_remove_tree (dir);
}

static void
test_getters (void)
{
  const GType *types = raw_types ();
  guint64 shape[] = { 40, 3 };
  g_autoptr(GBytes) bytes = test_make_pattern (40 * 3 * 4, 2);
  g_autofree char *dir = test_make_tmp_dir ("gdci-test-XXXXXX");
  g_autofree char *path = test_write_file (dir, "data.bin", 24, bytes);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciChunkIterator) it = NULL;
      g_autoptr(GObject) unset = g_object_new (types[i], NULL);
      GdciRawFileIterator *raw;
      g_autofree char *path_prop = NULL;
      g_autoptr(GVariant) shape_prop = NULL;
      GdciOrder order;
      GdciDtype dtype;
      guint64 offset;
      const guint64 *found;
      guint n;

      it = g_initable_new (types[i], NULL, &error, "path", path, "dtype", GDCI_DTYPE_FLOAT32,
                           "shape", g_variant_new_parsed ("[uint64 0, 3]"), "offset", (guint64) 24,
                           "order", GDCI_ORDER_F, NULL);
      g_assert_no_error (error);
      raw = GDCI_RAW_FILE_ITERATOR (it);
      g_assert_cmpstr (gdci_raw_file_iterator_get_path (raw), ==, path);
      g_assert_cmpuint (gdci_raw_file_iterator_get_offset (raw), ==, 24);
      g_assert_cmpint (gdci_raw_file_iterator_get_order (raw), ==, GDCI_ORDER_F);
      g_assert_cmpint (gdci_chunk_iterator_get_dtype (it), ==, GDCI_DTYPE_FLOAT32);
      found = gdci_chunk_iterator_get_full_shape (it, &n);
      g_assert_cmpuint (n, ==, 2);
      g_assert_cmpmem (found, sizeof shape, shape, sizeof shape);

      g_object_get (it, "path", &path_prop, "dtype", &dtype, "shape", &shape_prop,
                    "offset", &offset, "order", &order, NULL);
      g_assert_cmpstr (path_prop, ==, path);
      g_assert_cmpint (dtype, ==, GDCI_DTYPE_FLOAT32);
      g_assert_cmpuint (offset, ==, 24);
      g_assert_cmpint (order, ==, GDCI_ORDER_F);
      /* the shape as given, with the axis to infer */
      g_variant_get_child (shape_prop, 0, "t", &offset);
      g_assert_cmpuint (offset, ==, 0);

      /* the defaults, before anything is set or opened */
      raw = GDCI_RAW_FILE_ITERATOR (unset);
      g_assert_null (gdci_raw_file_iterator_get_path (raw));
      g_assert_cmpuint (gdci_raw_file_iterator_get_offset (raw), ==, 0);
      g_assert_cmpint (gdci_raw_file_iterator_get_order (raw), ==, GDCI_ORDER_C);
    }
  test_remove_tree (dir);
}

typedef struct
{
  const char *name;
  const char *file;       /* NULL: none at all */
  gsize file_bytes;
  const char *shape;
  guint64 offset;
  int code;
  const char *message;    /* with %s for the file's path */
} Refusal;

static const Refusal refusals[] = {
  { "missing-file", NULL, 0, "[uint64 0, 4]", 0, GDCI_ERROR_NOT_FOUND,
    "'%s' does not exist" },
  { "too-short", "data.bin", 100, "[uint64 30, 2]", 0, GDCI_ERROR_INVALID_DATA,
    "'%s' is 100 bytes, but offset 0 + shape (30, 2) of int16 needs 120 bytes" },
  { "too-short-for-offset", "data.bin", 100, "[uint64 25, 2]", 8, GDCI_ERROR_INVALID_DATA,
    "'%s' is 100 bytes, but offset 8 + shape (25, 2) of int16 needs 108 bytes" },
  { "negative-axis", "data.bin", 100, "[int64 5, -2]", 0, GDCI_ERROR_INVALID_ARGUMENT,
    "The shape (5, -2) has a negative axis; give 0 for the one axis to infer from the file size" },
  { "two-axes-to-infer", "data.bin", 100, "[uint64 0, 5, 0]", 0, GDCI_ERROR_INVALID_ARGUMENT,
    "The shape (0, 5, 0) has more than one axis to infer from the file size; only one may be" },
  { "shape-not-integers", "data.bin", 100, "['a', 'b']", 0, GDCI_ERROR_INVALID_ARGUMENT, NULL },
  { "not-whole-steps", "data.bin", 100, "[uint64 0, 3]", 0, GDCI_ERROR_INVALID_DATA,
    "'%s' has 100 bytes after the 0-byte offset, which is not a whole number of 6-byte "
    "steps of axis 0 of shape (0, 3) of int16" },
  { "offset-past-end", "data.bin", 100, "[uint64 0, 2]", 101, GDCI_ERROR_INVALID_ARGUMENT,
    "The offset 101 is past the end of '%s' (100 bytes)" },
  { "offset-at-end", "data.bin", 100, "[uint64 0, 2]", 100, GDCI_ERROR_INVALID_DATA,
    "'%s' has no data after the 100-byte offset (100 bytes in all)" },
  { "offset-overflows", "data.bin", 100, "[uint64 2]", G_MAXUINT64, GDCI_ERROR_INVALID_ARGUMENT,
    "The offset 18446744073709551615 is past the end of '%s' (100 bytes)" },
  { "short", "data.bin", 1000, "[uint64 600, 1]", 0, GDCI_ERROR_INVALID_DATA,
    "'%s' is 1000 bytes, but offset 0 + shape (600, 1) of int16 needs 1200 bytes" },
  { "short-with-offset", "data.bin", 1000, "[uint64 250, 2]", 10, GDCI_ERROR_INVALID_DATA,
    "'%s' is 1000 bytes, but offset 10 + shape (250, 2) of int16 needs 1010 bytes" },
  { "short-beyond-64-bits", "data.bin", 1000, "[uint64 9223372036854775807]", 500, GDCI_ERROR_INVALID_DATA,
    "'%s' is 1000 bytes, but offset 500 + shape (9223372036854775807,) of int16 needs "
    "more than 18446744073709551615 bytes" },
  { "not-whole-rows", "data.bin", 1001, "[uint64 0, 10]", 0, GDCI_ERROR_INVALID_DATA,
    "'%s' has 1001 bytes after the 0-byte offset, which is not a whole number of "
    "20-byte steps of axis 0 of shape (0, 10) of int16" },
  { "two-inferred", "data.bin", 1000, "[uint64 0, 0]", 0, GDCI_ERROR_INVALID_ARGUMENT,
    "The shape (0, 0) has more than one axis to infer from the file size; only one may be" },
  { "offset-past-end-of-1000", "data.bin", 1000, "[uint64 0, 10]", 1001, GDCI_ERROR_INVALID_ARGUMENT,
    "The offset 1001 is past the end of '%s' (1000 bytes)" },
  { "nothing-after-offset", "data.bin", 1000, "[uint64 0, 10]", 1000, GDCI_ERROR_INVALID_DATA,
    "'%s' has no data after the 1000-byte offset (1000 bytes in all)" },
  { "negative-first-axis", "data.bin", 1000, "[int64 -1, 10]", 0, GDCI_ERROR_INVALID_ARGUMENT,
    "The shape (-1, 10) has a negative axis; give 0 for the one axis to infer from the file size" },
  { "no-axes", "data.bin", 1000, "@at []", 0, GDCI_ERROR_INVALID_ARGUMENT,
    "The shape () has no dimensions: gdci needs at least one axis" },
  { "overflow", "data.bin", 1000, "[uint64 0, 4611686018427387904, 4]", 0, GDCI_ERROR_OVERFLOW,
    "The shape (0, 4611686018427387904, 4) of int16 has more than 2^64 bytes" },
};

/* Both subclasses refuse a bad input with the same error, word for word */
static void
test_same_refusals (void)
{
  const GType *types = raw_types ();
  g_autofree char *dir = test_make_tmp_dir ("gdci-test-XXXXXX");

  for (guint r = 0; r < G_N_ELEMENTS (refusals); r++)
    {
      const Refusal *refusal = &refusals[r];
      g_autofree char *path = g_build_filename (dir, refusal->file ? refusal->file : "nope.bin",
                                                NULL);
      g_autoptr(GError) first = NULL;

      g_test_message ("refusal %s", refusal->name);
      if (refusal->file != NULL)
        {
          g_autoptr(GBytes) bytes = test_make_pattern (refusal->file_bytes, r);
          g_free (test_write_file (dir, refusal->file, 0, bytes));
        }

      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(GError) error = NULL;
          GdciChunkIterator *it =
            g_initable_new (types[i], NULL, &error, "path", path, "dtype", GDCI_DTYPE_INT16,
                            "shape", g_variant_new_parsed (refusal->shape),
                            "offset", refusal->offset, NULL);

          g_assert_null (it);
          test_assert_error_with_path (error, refusal->code, refusal->message, path);
          if (first == NULL)
            first = g_steal_pointer (&error);
          else
            g_assert_cmpstr (error->message, ==, first->message);
        }
      g_unlink (path);
    }
  test_remove_tree (dir);
}

/* The file is cut to 50 rows after the first buffer of 100: the second
 * buffer, rows 100 to 200, starts past the new end. Both subclasses say
 * where the file ends now, which is not where the read started. */
static void
test_cut_before_a_buffer (void)
{
  const GType *types = raw_types ();
  g_autofree char *dir = test_make_tmp_dir ("gdci-test-XXXXXX");

  for (guint i = 0; i < 2; i++)
    for (GdciOrder order = GDCI_ORDER_C; order <= GDCI_ORDER_F; order++)
      {
        g_autoptr(GBytes) bytes = test_make_pattern (1000 * 16 * 2, 9);
        g_autofree char *path = test_write_file (dir, "data.bin", 0, bytes);
        g_autofree char *expected = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GdciChunkIterator) it = NULL;
        g_autoptr(GdciDataChunk) first = NULL;
        GdciDataChunk *chunk;
        int fd;

        /* in Fortran order, rows 100 to 200 of the first column end at
         * byte 400, those of the last at 30400 */
        expected = g_strdup_printf ("Reading buffer 2 of 10 [100:200, 0:16] failed: '%s' was "
                                    "truncated while being read: it is now 1600 bytes, and "
                                    "%s bytes are needed", path,
                                    order == GDCI_ORDER_C ? "6400" : "30400");
        it = g_initable_new (types[i], NULL, &error, "path", path, "dtype", GDCI_DTYPE_INT16,
                             "shape", g_variant_new_parsed ("[uint64 0, 16]"), "order", order,
                             "buffer-shape", g_variant_new_parsed ("[uint64 100, 16]"),
                             "chunk-shape", g_variant_new_parsed ("[uint64 50, 16]"), NULL);
        g_assert_no_error (error);
        first = gdci_chunk_iterator_next (it, &error);
        g_assert_no_error (error);

        fd = open (path, O_WRONLY);
        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (ftruncate (fd, 50 * 16 * 2), ==, 0);
        close (fd);

        g_test_message ("%s, order %d", g_type_name (types[i]), order);
        chunk = gdci_chunk_iterator_next (it, &error);
        g_assert_null (chunk);
        g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
        g_assert_cmpstr (error->message, ==, expected);
        g_unlink (path);
      }
  test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/raw-file-iterator/hierarchy", test_hierarchy);
  g_test_add_func ("/raw-file-iterator/abstract", test_abstract);
  g_test_add_func ("/raw-file-iterator/getters", test_getters);
  g_test_add_func ("/raw-file-iterator/same-refusals", test_same_refusals);
  g_test_add_func ("/raw-file-iterator/cut-before-a-buffer", test_cut_before_a_buffer);

  return g_test_run ();
}
