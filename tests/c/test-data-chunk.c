/* test-data-chunk.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gdci/gdci.h>

static void
test_new_and_getters (void)
{
  guint64 start[] = { 2, 0 }, stop[] = { 4, 3 };
  g_autoptr(GdciSelection) sel = gdci_selection_new (start, stop, 2);
  gint32 values[] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr(GBytes) data = g_bytes_new (values, sizeof values);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciDataChunk) chunk = gdci_data_chunk_new (sel, GDCI_DTYPE_INT32, data, &error);
  g_autofree guint64 *shape = NULL;
  const guint64 *bounds;
  GdciSelection *prop_sel = NULL;
  GBytes *prop_data = NULL;
  GdciDtype prop_dtype;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_nonnull (chunk);
  g_assert_true (gdci_data_chunk_get_selection (chunk) == sel);
  g_assert_true (g_bytes_equal (gdci_data_chunk_get_data (chunk), data));
  g_assert_cmpint (gdci_data_chunk_get_dtype (chunk), ==, GDCI_DTYPE_INT32);

  shape = gdci_data_chunk_get_shape (chunk, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (shape[0], ==, 2);
  g_assert_cmpuint (shape[1], ==, 3);

  bounds = gdci_data_chunk_get_min_bounds (chunk, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (bounds[0], ==, 4);
  g_assert_cmpuint (bounds[1], ==, 3);

  g_object_get (chunk, "selection", &prop_sel, "data", &prop_data,
                "dtype", &prop_dtype, NULL);
  g_assert_true (prop_sel == sel);
  g_assert_true (prop_data == data);
  g_assert_cmpint (prop_dtype, ==, GDCI_DTYPE_INT32);
  gdci_selection_unref (prop_sel);
  g_bytes_unref (prop_data);
}

static void
test_size_mismatch (void)
{
  guint64 start[] = { 0 }, stop[] = { 4 };
  g_autoptr(GdciSelection) sel = gdci_selection_new (start, stop, 1);
  g_autoptr(GBytes) data = g_bytes_new_static ("0123456", 7);
  g_autoptr(GError) error = NULL;
  GdciDataChunk *chunk = gdci_data_chunk_new (sel, GDCI_DTYPE_INT16, data, &error);

  g_assert_null (chunk);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==,
                   "The data for selection [0:4] of int16 must be 8 bytes, not 7");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data-chunk/new-and-getters", test_new_and_getters);
  g_test_add_func ("/data-chunk/size-mismatch", test_size_mismatch);

  return g_test_run ();
}
