/* test-raw-iterators.c: GdciMemmapIterator and GdciFileIterator, which take
 * the same properties and must give the same answers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "test-util.h"

typedef struct
{
  GType type;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->type = *(const GType *) data;
  f->dir = test_make_tmp_dir ("gdci-test-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static GdciChunkIterator *
make (Fixture *f, const char *path, GdciDtype dtype, GVariant *shape,
      guint64 offset, GdciOrder order, GError **error,
      const char *buffer_shape, const char *chunk_shape)
{
  return g_initable_new (f->type, NULL, error,
                         "path", path, "dtype", dtype, "shape", shape,
                         "offset", offset, "order", order,
                         "buffer-shape", buffer_shape ? g_variant_new_parsed (buffer_shape) : NULL,
                         "chunk-shape", chunk_shape ? g_variant_new_parsed (chunk_shape) : NULL,
                         NULL);
}

static void
test_round_trips (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 29, 6, 5 };
  static const char *const buffers[][2] = {
    { "[uint64 8, 6, 2]", "[uint64 4, 6, 1]" },    /* whole middle axis */
    { "[uint64 8, 3, 5]", "[uint64 4, 3, 5]" },    /* part of it, whole last */
    { "[uint64 29, 6, 5]", "[uint64 29, 6, 5]" },  /* everything at once */
    { "[uint64 1, 1, 1]", "[uint64 1, 1, 1]" },    /* one element at a time */
  };
  GEnumClass *klass = g_type_class_ref (GDCI_TYPE_DTYPE);
  guint n_iterators = 0;

  for (guint d = 0; d < klass->n_values; d++)
    for (GdciOrder order = GDCI_ORDER_C; order <= GDCI_ORDER_F; order++)
      for (guint offset = 0; offset <= 37; offset += 37)
        {
          /* one file for every shape and buffer setting read from it */
          GdciDtype dtype = klass->values[d].value;
          gsize itemsize = gdci_dtype_get_itemsize (dtype);
          gsize n_bytes = 29 * 6 * 5 * itemsize;
          g_autoptr(GBytes) file_data = test_make_pattern (n_bytes, d * 7 + order + offset);
          g_autoptr(GBytes) expected = order == GDCI_ORDER_C ? g_bytes_ref (file_data)
            : test_fortran_to_c (file_data, shape, 3, itemsize);
          g_autofree char *path = test_write_file (f->dir, "data.bin", offset, file_data);

          for (int infer = -1; infer < 3; infer++)
            for (guint b = 0; b < G_N_ELEMENTS (buffers); b++)
              {
                guint64 given[3] = { 29, 6, 5 };
                g_autoptr(GError) error = NULL;
                g_autoptr(GdciChunkIterator) it = NULL;
                const guint64 *found;
                guint n;

                if (b == 3 && (infer != -1 || offset != 0))
                  continue;   /* slow and adds nothing */
                if (infer >= 0)
                  given[infer] = 0;
                it = make (f, path, dtype, test_shape_variant (given, 3), offset, order,
                           &error, buffers[b][0], buffers[b][1]);
                g_assert_no_error (error);
                found = gdci_chunk_iterator_get_full_shape (it, &n);
                g_assert_cmpuint (n, ==, 3);
                g_assert_cmpmem (found, 3 * sizeof (guint64), shape, sizeof shape);
                test_assert_reassembles (it, expected, shape, 3);
                n_iterators++;
              }
        }
  g_type_class_unref (klass);
  g_assert_cmpuint (n_iterators, >, 300);
}

static void
test_one_dimension (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 1000 };
  g_autoptr(GBytes) bytes = test_make_pattern (1000 * 8, 5);
  g_autofree char *path = test_write_file (f->dir, "data.bin", 8, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    make (f, path, GDCI_DTYPE_FLOAT64, g_variant_new_parsed ("[uint64 0]"), 8,
          GDCI_ORDER_F, &error, "[uint64 300]", "[uint64 100]");

  g_assert_no_error (error);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (it), ==, 4);
  test_assert_reassembles (it, bytes, shape, 1);
}

/* Paths that name no raw data file */
static void
test_missing_and_directory (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nope.bin", NULL);
  const struct
  {
    const char *path;
    int code;
    const char *message;    /* with %s for the path */
  } cases[] = {
    { missing, GDCI_ERROR_NOT_FOUND, "'%s' does not exist" },
    { f->dir, GDCI_ERROR_INVALID_ARGUMENT, "'%s' is a directory, not a raw data file" },
    { "", GDCI_ERROR_INVALID_ARGUMENT, "No file given: set the path property" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      GdciChunkIterator *it = make (f, cases[i].path, GDCI_DTYPE_INT16,
                                    g_variant_new_parsed ("[uint64 0]"), 0,
                                    GDCI_ORDER_C, &error, NULL, NULL);

      g_test_message ("path '%s'", cases[i].path);
      g_assert_null (it);
      test_assert_error_with_path (error, cases[i].code, cases[i].message, cases[i].path);
    }
}

static void
open_secret (gpointer data, gpointer user_data)
{
  Fixture *f = data;
  g_autofree char *path = g_build_filename (f->dir, "secret.bin", NULL);
  g_autofree char *expected = g_strdup_printf ("Could not open '%s': Permission denied", path);
  g_autoptr(GError) error = NULL;
  GdciChunkIterator *it;

  it = make (f, path, GDCI_DTYPE_INT16, g_variant_new_parsed ("[uint64 0]"), 0,
             GDCI_ORDER_C, &error, NULL, NULL);
  g_assert_null (it);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_permission_denied (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) bytes = test_make_pattern (100, 0);
  g_autofree char *path = test_write_file (f->dir, "secret.bin", 0, bytes);

  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  /* the directory may be entered, the file may not be read */
  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  if (g_test_subprocess ())
    {
      test_as_unprivileged_user (open_secret, f);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_truncated_while_iterating (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) bytes = test_make_pattern (1000 * 16 * 2, 9);
  g_autofree char *path = test_write_file (f->dir, "data.bin", 0, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    make (f, path, GDCI_DTYPE_INT16, g_variant_new_parsed ("[uint64 0, 16]"), 0,
          GDCI_ORDER_C, &error, "[uint64 100, 16]", "[uint64 50, 16]");
  g_autoptr(GdciDataChunk) first = NULL;
  GdciDataChunk *chunk;
  int fd;

  g_assert_no_error (error);
  first = gdci_chunk_iterator_next (it, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);

  /* another program cuts the file to 250 rows */
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 250 * 16 * 2), ==, 0);
  close (fd);

  chunk = gdci_chunk_iterator_next (it, &error);    /* rows 100-200: still there */
  g_assert_no_error (error);
  g_object_unref (chunk);
  chunk = gdci_chunk_iterator_next (it, &error);    /* rows 200-300: cut */
  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "was truncated while being read"));
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_serialize (Fixture *f, gconstpointer data)
{
  guint64 shape[] = { 300, 7 };
  g_autoptr(GBytes) bytes = test_make_pattern (300 * 7 * 4, 2);
  g_autoptr(GBytes) expected = test_fortran_to_c (bytes, shape, 2, 4);
  g_autofree char *path = test_write_file (f->dir, "data.bin", 16, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    make (f, path, GDCI_DTYPE_UINT32, g_variant_new_parsed ("[uint64 0, 7]"), 16,
          GDCI_ORDER_F, &error, "[uint64 64, 7]", "[uint64 32, 7]");
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GdciChunkIterator) copy = NULL;
  g_autoptr(GVariant) shape_prop = NULL;
  GdciOrder order;
  guint64 offset;

  g_assert_no_error (error);
  v = gdci_chunk_iterator_serialize (it, &error);
  g_assert_no_error (error);
  copy = gdci_chunk_iterator_deserialize (v, &error);
  g_assert_no_error (error);
  g_assert_true (G_OBJECT_TYPE (copy) == f->type);
  g_object_get (copy, "order", &order, "offset", &offset, "shape", &shape_prop, NULL);
  g_assert_cmpint (order, ==, GDCI_ORDER_F);
  g_assert_cmpuint (offset, ==, 16);
  /* the inferred axis was resolved */
  g_assert_cmpuint (g_variant_n_children (shape_prop), ==, 2);
  test_assert_reassembles (copy, expected, shape, 2);
}

static void
add (const char *name, const GType *type,
     void (*fn) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/%s/%s", g_type_name (*type), name);

  g_test_add (path, Fixture, type, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char *argv[])
{
  static GType types[2];

  g_test_init (&argc, &argv, NULL);

  types[0] = GDCI_TYPE_MEMMAP_ITERATOR;
  types[1] = GDCI_TYPE_FILE_ITERATOR;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      add ("round-trips", &types[i], test_round_trips);
      add ("one-dimension", &types[i], test_one_dimension);
      add ("missing-and-directory", &types[i], test_missing_and_directory);
      add ("permission-denied", &types[i], test_permission_denied);
      add ("truncated-while-iterating", &types[i], test_truncated_while_iterating);
      add ("serialize", &types[i], test_serialize);
    }

  return g_test_run ();
}
