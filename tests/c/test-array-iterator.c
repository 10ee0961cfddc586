/* test-array-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gdci/gdci.h>

#include "test-util.h"

static void
test_round_trip_every_dtype (void)
{
  guint64 shape[] = { 23, 7, 5 };
  GEnumClass *klass = g_type_class_ref (GDCI_TYPE_DTYPE);

  for (guint d = 0; d < klass->n_values; d++)
    {
      GdciDtype dtype = klass->values[d].value;
      gsize n_bytes = 23 * 7 * 5 * gdci_dtype_get_itemsize (dtype);
      g_autoptr(GBytes) data = test_make_pattern (n_bytes, d);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciChunkIterator) it =
        g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                        "data", data, "dtype", dtype,
                        "shape", test_shape_variant (shape, 3),
                        "buffer-shape", g_variant_new_parsed ("[uint64 6, 7, 2]"),
                        "chunk-shape", g_variant_new_parsed ("[uint64 3, 7, 1]"),
                        NULL);

      g_test_message ("dtype %s", gdci_dtype_to_string (dtype));
      g_assert_no_error (error);
      g_assert_cmpint (gdci_chunk_iterator_get_dtype (it), ==, dtype);
      test_assert_reassembles (it, data, shape, 3);
    }
  g_type_class_unref (klass);
}

/* How buffers of a shape come out of a 100 x 4 x 3 int16 array */
typedef struct
{
  const char *buffer_shape;
  const char *chunk_shape;
  gboolean    copied;    /* or a view of the array where the buffer starts */
} ContiguityCase;

static const ContiguityCase contiguity_cases[] = {
  /* buffers of 30 whole rows: each is one run of the array */
  { "[uint64 30, 4, 3]", "[uint64 10, 4, 3]", FALSE },
  /* buffers of one row and two of its four columns: one run per row, too */
  { "[uint64 1, 2, 3]", "[uint64 1, 2, 3]", FALSE },
  /* buffers of two columns of many rows: strided, so copied */
  { "[uint64 50, 2, 3]", "[uint64 10, 2, 3]", TRUE },
};

static void
test_contiguous_buffers_are_not_copied (void)
{
  guint64 shape[] = { 100, 4, 3 };
  g_autoptr(GBytes) data = test_make_pattern (100 * 4 * 3 * 2, 1);
  const guint8 *base = g_bytes_get_data (data, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (contiguity_cases); i++)
    {
      const ContiguityCase *c = &contiguity_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GdciChunkIterator) it =
        g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                        "data", data, "dtype", GDCI_DTYPE_INT16,
                        "shape", test_shape_variant (shape, 3),
                        "buffer-shape", g_variant_new_parsed (c->buffer_shape),
                        "chunk-shape", g_variant_new_parsed (c->chunk_shape), NULL);
      GdciDataChunk *chunk;

      g_test_message ("buffers of %s", c->buffer_shape);
      g_assert_no_error (error);
      while ((chunk = gdci_chunk_iterator_next (it, &error)) != NULL)
        {
          GdciSelection *sel = gdci_data_chunk_get_selection (chunk);
          const guint8 *p = g_bytes_get_data (gdci_data_chunk_get_data (chunk), NULL);

          if (c->copied)
            g_assert_true (p < base || p >= base + 100 * 4 * 3 * 2);
          else
            g_assert_true (p == base + (gdci_selection_get_start (sel, 0) * 12 +
                                        gdci_selection_get_start (sel, 1) * 3) * 2);
          g_object_unref (chunk);
        }
      g_assert_no_error (error);
      g_assert_true (gdci_chunk_iterator_reset (it, NULL));
      test_assert_reassembles (it, data, shape, 3);
    }
}

static void
test_refusals (void)
{
  guint64 shape[] = { 10, 10 };
  g_autoptr(GBytes) data = test_make_pattern (199, 0);
  g_autoptr(GError) error = NULL;
  GdciChunkIterator *it = gdci_array_iterator_new (data, GDCI_DTYPE_INT16, shape, 2, &error);

  g_assert_null (it);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==,
                   "The data is 199 bytes, but shape (10, 10) of int16 is 200 bytes");
  g_clear_error (&error);

  it = g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error, "data", data,
                       "shape", g_variant_new_parsed ("[int64 -1, 199]"),
                       "dtype", GDCI_DTYPE_UINT8, NULL);
  g_assert_null (it);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "The shape (-1, 199) has a negative axis");
  g_clear_error (&error);

  it = g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                       "shape", g_variant_new_parsed ("[uint64 1]"), NULL);
  g_assert_null (it);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "No data given: set the data property");
  g_clear_error (&error);

  it = g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error, "data", data, NULL);
  g_assert_null (it);
  g_assert_cmpstr (error->message, ==, "No shape given: set the shape property");
}

static void
test_serialize (void)
{
  guint64 shape[] = { 40, 6 };
  g_autoptr(GBytes) data = test_make_pattern (40 * 6 * 4, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                    "data", data, "dtype", GDCI_DTYPE_FLOAT32,
                    "shape", test_shape_variant (shape, 2),
                    "buffer-shape", g_variant_new_parsed ("[uint64 16, 3]"),
                    "chunk-shape", g_variant_new_parsed ("[uint64 8, 3]"), NULL);
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GdciChunkIterator) copy = NULL;

  g_assert_no_error (error);
  v = gdci_chunk_iterator_serialize (it, &error);
  g_assert_no_error (error);
  copy = gdci_chunk_iterator_deserialize (v, &error);
  g_assert_no_error (error);
  g_assert_true (GDCI_IS_ARRAY_ITERATOR (copy));
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (copy), ==, 6);
  test_assert_reassembles (copy, data, shape, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/array-iterator/round-trip-every-dtype", test_round_trip_every_dtype);
  g_test_add_func ("/array-iterator/contiguous-not-copied", test_contiguous_buffers_are_not_copied);
  g_test_add_func ("/array-iterator/refusals", test_refusals);
  g_test_add_func ("/array-iterator/serialize", test_serialize);

  return g_test_run ();
}
