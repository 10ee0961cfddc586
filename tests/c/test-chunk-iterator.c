/* test-chunk-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include <gdci/gdci.h>

#include "test-util.h"

#define NDIMS(...) (sizeof ((const guint64[]) { __VA_ARGS__ }) / sizeof (guint64))

static GVariant *
at (const guint64 *values, guint n)
{
  return test_shape_variant (values, n);
}

static void
on_progress (GdciChunkIterator *iter, guint64 done, guint64 total, gpointer user_data)
{
  GArray *calls = user_data;
  guint64 pair[2] = { done, total };

  g_array_append_vals (calls, pair, 2);
}

/* The tutorial's figures, its selections in order, and a progress signal
 * after each buffer */
static void
test_tutorial (void)
{
  static const char *const expected[] = {
    "[0:12640, 0:3160]", "[0:12640, 3160:5000]",
    "[12640:20000, 0:3160]", "[12640:20000, 3160:5000]",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_INT32, SHAPE (20000, 5000), 2, &error,
                       "buffer-gb", 0.2, NULL);
  GdciChunkIterator *iter = GDCI_CHUNK_ITERATOR (it);
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint64));
  const guint64 *shape;
  guint n = 0;
  guint count = 0;
  GdciDataChunk *chunk;

  g_assert_no_error (error);
  g_signal_connect (it, "progress", G_CALLBACK (on_progress), calls);
  shape = gdci_chunk_iterator_get_chunk_shape (iter, &n);
  test_assert_shape (shape, n, SHAPE (3160, 790), 2);
  shape = gdci_chunk_iterator_get_buffer_shape (iter, &n);
  test_assert_shape (shape, n, SHAPE (12640, 3160), 2);
  shape = gdci_chunk_iterator_get_full_shape (iter, &n);
  test_assert_shape (shape, n, SHAPE (20000, 5000), 2);
  shape = gdci_chunk_iterator_recommended_chunk_shape (iter, &n);
  test_assert_shape (shape, n, SHAPE (3160, 790), 2);
  shape = gdci_chunk_iterator_recommended_data_shape (iter, &n);
  test_assert_shape (shape, n, SHAPE (20000, 5000), 2);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_dims (iter), ==, 2);
  g_assert_cmpint (gdci_chunk_iterator_get_dtype (iter), ==, GDCI_DTYPE_INT32);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (iter), ==, 4);

  while ((chunk = gdci_chunk_iterator_next (iter, &error)) != NULL)
    {
      g_autofree char *sel = gdci_selection_to_string (gdci_data_chunk_get_selection (chunk));
      g_assert_cmpuint (count, <, 4);
      g_assert_cmpstr (sel, ==, expected[count]);
      g_assert_cmpuint (g_bytes_get_size (gdci_data_chunk_get_data (chunk)), ==,
                        gdci_selection_get_n_elements (gdci_data_chunk_get_selection (chunk)) * 4);
      count++;
      g_assert_cmpuint (gdci_chunk_iterator_get_position (iter), ==, count);
      g_object_unref (chunk);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 4);
  g_assert_cmpuint (calls->len, ==, 8);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (g_array_index (calls, guint64, 2 * i), ==, i + 1);
      g_assert_cmpuint (g_array_index (calls, guint64, 2 * i + 1), ==, 4);
    }
}

static void
test_defaults (void)
{
  /* neither size nor shape: buffer_gb 1.0 and chunk_mb 10.0 */
  guint64 maxshape[] = { 30000000, 384 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_INT16, maxshape, 2, &error, NULL);
  g_autofree guint64 *chunk =
    gdci_default_chunk_shape (maxshape, 2, GDCI_DTYPE_INT16, 10.0, NULL, NULL);
  g_autofree guint64 *buffer =
    gdci_default_buffer_shape (maxshape, 2, chunk, 2, GDCI_DTYPE_INT16, 1.0, NULL, NULL);
  const guint64 *got;
  guint n;
  double buffer_gb, chunk_mb;

  g_assert_no_error (error);
  got = gdci_chunk_iterator_get_chunk_shape (GDCI_CHUNK_ITERATOR (it), &n);
  test_assert_shape (got, n, chunk, 2);
  got = gdci_chunk_iterator_get_buffer_shape (GDCI_CHUNK_ITERATOR (it), &n);
  test_assert_shape (got, n, buffer, 2);

  /* unset settings read back as NaN */
  g_object_get (it, "buffer-gb", &buffer_gb, "chunk-mb", &chunk_mb, NULL);
  g_assert_true (isnan (buffer_gb));
  g_assert_true (isnan (chunk_mb));
}

static void
test_edge_buffers_and_data (void)
{
  guint64 shape[] = { 7, 5, 3 };
  g_autoptr(GBytes) data = test_make_ramp_int16 (shape, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (data, GDCI_DTYPE_INT16, shape, 3, &error,
                       "buffer-shape", at (SHAPE (4, 5, 2), 3),
                       "chunk-shape", at (SHAPE (2, 5, 1), 3), NULL);
  static const char *const order[] = {
    "[0:4, 0:5, 0:2]", "[0:4, 0:5, 2:3]", "[4:7, 0:5, 0:2]", "[4:7, 0:5, 2:3]",
  };
  GdciChunkIterator *iter = GDCI_CHUNK_ITERATOR (it);

  g_assert_no_error (error);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (iter), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GdciSelection) sel = gdci_chunk_iterator_get_buffer_selection (iter, i);
      g_autofree char *s = gdci_selection_to_string (sel);
      g_assert_cmpstr (s, ==, order[i]);
    }
  test_assert_reassembles (iter, data, shape, 3);

  /* and again after a reset */
  g_assert_true (gdci_chunk_iterator_reset (iter, NULL));
  g_assert_cmpuint (gdci_chunk_iterator_get_position (iter), ==, 0);
  test_assert_reassembles (iter, data, shape, 3);
}

static void
test_order_many_dims (void)
{
  /* a 4-d grid of 3 x 2 x 1 x 4 buffers, visited last axis fastest */
  guint64 shape[] = { 5, 4, 3, 7 };
  g_autoptr(GBytes) data = test_make_ramp_int16 (shape, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (data, GDCI_DTYPE_INT16, shape, 4, &error,
                       "buffer-shape", at (SHAPE (2, 2, 3, 2), 4),
                       "chunk-shape", at (SHAPE (1, 2, 3, 1), 4), NULL);
  GdciChunkIterator *iter = GDCI_CHUNK_ITERATOR (it);
  guint index = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (iter), ==, 3 * 2 * 1 * 4);
  for (guint a = 0; a < 3; a++)
    for (guint b = 0; b < 2; b++)
      for (guint d = 0; d < 4; d++)
        {
          g_autoptr(GdciSelection) sel = gdci_chunk_iterator_get_buffer_selection (iter, index++);
          g_assert_cmpuint (gdci_selection_get_start (sel, 0), ==, a * 2);
          g_assert_cmpuint (gdci_selection_get_stop (sel, 0), ==, MIN (a * 2 + 2, 5));
          g_assert_cmpuint (gdci_selection_get_start (sel, 1), ==, b * 2);
          g_assert_cmpuint (gdci_selection_get_start (sel, 2), ==, 0);
          g_assert_cmpuint (gdci_selection_get_stop (sel, 2), ==, 3);
          g_assert_cmpuint (gdci_selection_get_start (sel, 3), ==, d * 2);
          g_assert_cmpuint (gdci_selection_get_stop (sel, 3), ==, MIN (d * 2 + 2, 7));
        }
  test_assert_reassembles (iter, data, shape, 4);
}

static void
test_exhausted_stays_exhausted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_UINT8, SHAPE (10), 1, &error,
                       "buffer-shape", at (SHAPE (4), 1),
                       "chunk-shape", at (SHAPE (2), 1), NULL);
  GdciChunkIterator *iter = GDCI_CHUNK_ITERATOR (it);
  guint count = 0;
  GdciDataChunk *chunk;

  g_assert_no_error (error);
  while ((chunk = gdci_chunk_iterator_next (iter, &error)) != NULL)
    {
      count++;
      g_object_unref (chunk);
    }
  g_assert_cmpuint (count, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_null (gdci_chunk_iterator_next (iter, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (test_iterator_get_n_reads (it), ==, 3);
  g_assert_cmpuint (gdci_chunk_iterator_get_position (iter), ==, 3);
}

static void
test_display_progress (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TestIterator) it =
        test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (1000, 10), 2, &error,
                           "buffer-shape", at (SHAPE (100, 10), 2),
                           "chunk-shape", at (SHAPE (50, 10), 2),
                           "display-progress", TRUE,
                           "progress-description", "Converting", NULL);
      GdciDataChunk *chunk;

      g_assert_no_error (error);
      while ((chunk = gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error)) != NULL)
        g_object_unref (chunk);
      g_assert_no_error (error);
      g_printerr ("END");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* the setting is for front ends (the gdci command draws the bar, and
   * tests/python/test_cli.py checks it): the library draws nothing */
  g_test_trap_assert_stderr ("END");
}

/* ---- refusals ---------------------------------------------------------- */

typedef struct
{
  const char *name;
  guint n_dims;
  guint64 maxshape[3];
  GdciDtype dtype;
  double buffer_gb;      /* 0: not set */
  double chunk_mb;       /* 0: not set */
  const char *buffer_shape;  /* GVariant text, NULL: not set */
  const char *chunk_shape;
  GQuark (*domain) (void);
  int code;
  const char *message;
} Refusal;

static const Refusal refusals[] = {
  { "both-buffer", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 1.0, 0, "[uint64 1000, 384]", NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS,
    "Both buffer-gb and buffer-shape are set: give one or the other" },
  { "both-chunk", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 1.0, NULL, "[uint64 100, 384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS,
    "Both chunk-mb and chunk-shape are set: give one or the other" },
  { "both-both", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 1.0, 1.0, "[uint64 1000, 384]", "[uint64 100, 384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS,
    "Both buffer-gb and buffer-shape are set: give one or the other" },
  { "chunk-mb-negative", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, -1.0, NULL, NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
    "chunk-mb must be greater than zero, not -1.0" },
  { "chunk-mb-zero", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, -0.0, NULL, NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
    "chunk-mb must be greater than zero, not -0.0" },
  { "buffer-gb-negative", 2, { 2000, 384 }, GDCI_DTYPE_INT16, -2.5, 0, NULL, NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE,
    "buffer-gb must be greater than zero, not -2.5" },
  { "buffer-shape-zero-and-negative", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[int64 0, -384]", NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE,
    "buffer-shape (0, -384) is not positive on axis 0" },
  { "buffer-shape-negative", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[int64 -1000, 384]", NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE,
    "buffer-shape (-1000, 384) is not positive on axis 0" },
  { "chunk-shape-zero-default-buffer", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, NULL, "[int64 0, -384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
    "chunk-shape (0, -384) is not positive on axis 0" },
  { "chunk-shape-zero-given-buffer", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 2000, 384]", "[int64 0, -384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
    "chunk-shape (0, -384) is not positive on axis 0" },
  { "chunk-shape-negative", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 1000, 384]", "[int32 -5, 384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
    "chunk-shape (-5, 384) is not positive on axis 0" },
  { "chunk-exceeds-data", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, NULL, "[uint64 2001, 384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_DATA,
    "chunk-shape (2001, 384) exceeds the data shape (2000, 384) on axis 0" },
  { "buffer-exceeds-data", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 2000, 385]", NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_BUFFER_SHAPE_EXCEEDS_DATA,
    "buffer-shape (2000, 385) exceeds the data shape (2000, 384) on axis 1" },
  { "chunk-exceeds-buffer", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 1000, 192]", "[uint64 100, 384]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER,
    "chunk-shape (100, 384) exceeds buffer-shape (1000, 192) on axis 1" },
  { "not-divisible", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 1000, 192]", "[uint64 1000, 5]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING,
    "chunk-shape (1000, 5) does not divide buffer-shape (1000, 192) on axis 1" },
  { "one-dim-tuple", 1, { 10 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 4]", "[uint64 3]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING,
    "chunk-shape (3,) does not divide buffer-shape (4,) on axis 0" },
  { "rank-chunk", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, NULL, "[uint64 100]",
    gdci_plan_error_quark, GDCI_PLAN_ERROR_WRONG_RANK,
    "chunk-shape (100,) has 1 axis but the data shape (2000, 384) has 2" },
  { "rank-buffer", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "[uint64 100, 384, 1]", NULL,
    gdci_plan_error_quark, GDCI_PLAN_ERROR_WRONG_RANK,
    "buffer-shape (100, 384, 1) has 3 axes but the data shape (2000, 384) has 2" },
  { "zero-axis", 2, { 2000, 0 }, GDCI_DTYPE_INT16, 0, 0, NULL, NULL,
    gdci_error_quark, GDCI_ERROR_INVALID_ARGUMENT, "The data shape (2000, 0) has an axis of length 0: there is nothing to iterate" },
  { "no-dims", 0, { 0 }, GDCI_DTYPE_INT16, 0, 0, NULL, NULL,
    gdci_error_quark, GDCI_ERROR_INVALID_ARGUMENT, "The data has no dimensions (shape ()): gdci needs at least one axis" },
  { "shape-type", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, "['a', 'b']", NULL,
    gdci_error_quark, GDCI_ERROR_INVALID_ARGUMENT,
    "buffer-shape must be a sequence of integers (GVariant type 'at'), not of type 'as'" },
  { "shape-type-double", 2, { 2000, 384 }, GDCI_DTYPE_INT16, 0, 0, NULL, "(100.0, 384.0)",
    gdci_error_quark, GDCI_ERROR_INVALID_ARGUMENT,
    "chunk-shape must be a sequence of integers (GVariant type 'at'), not of type '(dd)'" },
  { "n-buffers-overflow", 2, { G_GUINT64_CONSTANT (1) << 62, G_GUINT64_CONSTANT (1) << 62 },
    GDCI_DTYPE_INT8, 0, 0, "[uint64 1, 1]", "[uint64 1, 1]", gdci_error_quark, GDCI_ERROR_OVERFLOW,
    "The buffer shape (1, 1) splits the data (4611686018427387904, 4611686018427387904) into more than 2^64 buffers" },
  { "buffer-bytes-overflow", 2, { G_GUINT64_CONSTANT (1) << 62, G_GUINT64_CONSTANT (1) << 62 },
    GDCI_DTYPE_INT8, 0, 0, "[uint64 4611686018427387904, 4611686018427387904]", "[uint64 1, 1]",
    gdci_error_quark, GDCI_ERROR_OVERFLOW, "The buffer shape (4611686018427387904, 4611686018427387904) of int8 has more than 2^64 bytes" },
};

static void
test_refusal (gconstpointer data)
{
  const Refusal *r = data;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_autoptr(GObject) object = NULL;
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
#define ADD(name, type, setter, val) \
  G_STMT_START { g_value_init (&v, type); setter (&v, val); \
                 g_ptr_array_add (names, (gpointer) name); g_array_append_val (values, v); \
                 memset (&v, 0, sizeof v); } G_STMT_END
  ADD ("dtype", GDCI_TYPE_DTYPE, g_value_set_enum, r->dtype);
  ADD ("shape", G_TYPE_VARIANT, g_value_set_variant,
       test_shape_variant (r->maxshape, r->n_dims));
  if (r->buffer_gb != 0 || signbit (r->buffer_gb))
    ADD ("buffer-gb", G_TYPE_DOUBLE, g_value_set_double, r->buffer_gb);
  if (r->chunk_mb != 0 || signbit (r->chunk_mb))
    ADD ("chunk-mb", G_TYPE_DOUBLE, g_value_set_double, r->chunk_mb);
  if (r->buffer_shape != NULL)
    ADD ("buffer-shape", G_TYPE_VARIANT, g_value_take_variant,
         g_variant_parse (NULL, r->buffer_shape, NULL, NULL, NULL));
  if (r->chunk_shape != NULL)
    ADD ("chunk-shape", G_TYPE_VARIANT, g_value_take_variant,
         g_variant_parse (NULL, r->chunk_shape, NULL, NULL, NULL));
#undef ADD

  object = g_object_new_with_properties (TEST_TYPE_ITERATOR, names->len,
                                         (const char **) names->pdata,
                                         (const GValue *) (gpointer) values->data);
  g_assert_false (g_initable_init (G_INITABLE (object), NULL, &error));
  g_assert_error (error, r->domain (), r->code);
  g_assert_cmpstr (error->message, ==, r->message);

  /* GInitable: a second init gives the same answer */
  g_clear_error (&error);
  g_assert_false (g_initable_init (G_INITABLE (object), NULL, &error));
  g_assert_error (error, r->domain (), r->code);
  g_assert_cmpstr (error->message, ==, r->message);

  /* and the iterator refuses to be used */
  g_clear_error (&error);
  g_assert_null (gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (object), &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED);
}

/* ---- misbehaving sources ------------------------------------------------ */

static TestIterator *
small_iterator (TestBehaviour behaviour)
{
  g_autoptr(GError) error = NULL;
  TestIterator *it =
    test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (12, 6), 2, &error,
                       "buffer-shape", at (SHAPE (4, 6), 2),
                       "chunk-shape", at (SHAPE (2, 3), 2), NULL);

  g_assert_no_error (error);
  test_iterator_set_behaviour (it, behaviour);
  return it;
}

/* A source whose get_data() gives no buffer, or one of the wrong size:
 * an error on the first buffer, and the iterator stays where it was */
typedef struct
{
  const char *name;
  TestBehaviour behaviour;
  GQuark (*domain) (void);
  int code;
  const char *message;
} BadSource;

static const BadSource bad_sources[] = {
  { "returns-null", TEST_BEHAVIOUR_RETURN_NULL, gdci_error_quark, GDCI_ERROR_INVALID_DATA,
    "get_data() of TestIterator returned no data for selection [0:4, 0:6] (expected 48 bytes)" },
  /* the source's own error, with where it happened in front */
  { "returns-error", TEST_BEHAVIOUR_RETURN_ERROR, g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED,
    "Reading buffer 1 of 3 [0:4, 0:6] failed: the source says no" },
  { "short", TEST_BEHAVIOUR_SHORT, gdci_error_quark, GDCI_ERROR_INVALID_DATA,
    "get_data() of TestIterator returned 47 bytes for selection [0:4, 0:6] of int16; expected 48 bytes" },
  { "long", TEST_BEHAVIOUR_LONG, gdci_error_quark, GDCI_ERROR_INVALID_DATA,
    "get_data() of TestIterator returned 49 bytes for selection [0:4, 0:6] of int16; expected 48 bytes" },
};

static void
test_bad_source (gconstpointer data)
{
  const BadSource *bad = data;
  g_autoptr(TestIterator) it = small_iterator (bad->behaviour);
  g_autoptr(GError) error = NULL;

  g_assert_null (gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error));
  g_assert_error (error, bad->domain (), bad->code);
  g_assert_cmpstr (error->message, ==, bad->message);
  g_assert_cmpuint (gdci_chunk_iterator_get_position (GDCI_CHUNK_ITERATOR (it)), ==, 0);
}

static void
test_source_fails_once (void)
{
  g_autoptr(TestIterator) it = small_iterator (TEST_BEHAVIOUR_FAIL_ONCE);
  GdciChunkIterator *iter = GDCI_CHUNK_ITERATOR (it);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciDataChunk) first = NULL;
  g_autoptr(GdciDataChunk) second = NULL;
  g_autofree char *sel = NULL;

  first = gdci_chunk_iterator_next (iter, &error);
  g_assert_no_error (error);
  g_assert_null (gdci_chunk_iterator_next (iter, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  /* the failed buffer is not skipped: the next call reads it again */
  g_assert_cmpuint (gdci_chunk_iterator_get_position (iter), ==, 1);
  second = gdci_chunk_iterator_next (iter, &error);
  g_assert_no_error (error);
  sel = gdci_selection_to_string (gdci_data_chunk_get_selection (second));
  g_assert_cmpstr (sel, ==, "[4:8, 0:6]");
}

static void
test_incomplete_class (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = g_object_new (TEST_TYPE_INCOMPLETE_ITERATOR, NULL);

  g_assert_false (g_initable_init (G_INITABLE (object), NULL, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "TestIncompleteIterator does not implement get_data(), which "
                   "every data source must");

  g_clear_error (&error);
  g_assert_null (gdci_chunk_iterator_serialize (GDCI_CHUNK_ITERATOR (object), &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "TestIncompleteIterator cannot be serialized: it does not "
                   "implement the serialize() virtual method");
}

static void
test_use_before_init (void)
{
  g_autoptr(GObject) object = g_object_new (TEST_TYPE_ITERATOR, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (object), &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED);

  g_test_expect_message ("Gdci", G_LOG_LEVEL_CRITICAL, "*not initialized*");
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (GDCI_CHUNK_ITERATOR (object)), ==, 0);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gdci", G_LOG_LEVEL_CRITICAL, "*not initialized*");
  g_assert_null (gdci_chunk_iterator_get_chunk_shape (GDCI_CHUNK_ITERATOR (object), NULL));
  g_test_assert_expected_messages ();
}

static void
test_init_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = g_object_new (TEST_TYPE_ITERATOR, NULL);

  g_cancellable_cancel (cancellable);
  g_assert_false (g_initable_init (G_INITABLE (object), cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- settings as properties --------------------------------------------- */

static void
test_shape_variant_types (void)
{
  /* any integer array or tuple is accepted for a shape */
  static const char *const shapes[] = {
    "[uint64 4, 6]", "[int64 4, 6]", "[4, 6]", "[uint32 4, 6]", "[int16 4, 6]",
    "[byte 4, 6]", "(uint64 4, int32 6)", "[<4>, <uint64 6>]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) buffer = g_variant_parse (NULL, shapes[i], NULL, NULL, &error);
      g_autoptr(TestIterator) it = NULL;
      const guint64 *got;
      guint n;

      g_assert_no_error (error);
      it = test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (12, 6), 2, &error,
                              "buffer-shape", buffer,
                              "chunk-shape", at (SHAPE (2, 3), 2), NULL);
      g_assert_no_error (error);
      got = gdci_chunk_iterator_get_buffer_shape (GDCI_CHUNK_ITERATOR (it), &n);
      test_assert_shape (got, n, SHAPE (4, 6), 2);
    }
}

static void
test_property_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (12, 6), 2, &error,
                       "buffer-gb", 0.25, "chunk-shape", at (SHAPE (2, 3), 2),
                       "progress-description", "Reading", NULL);
  double buffer_gb, chunk_mb;
  g_autoptr(GVariant) chunk_shape = NULL;
  g_autoptr(GVariant) buffer_shape = NULL;
  g_autofree char *description = NULL;
  gboolean display;

  g_assert_no_error (error);
  g_object_get (it, "buffer-gb", &buffer_gb, "chunk-mb", &chunk_mb,
                "chunk-shape", &chunk_shape, "buffer-shape", &buffer_shape,
                "progress-description", &description,
                "display-progress", &display, NULL);
  g_assert_cmpfloat (buffer_gb, ==, 0.25);
  g_assert_true (isnan (chunk_mb));
  g_assert_nonnull (chunk_shape);
  g_assert_null (buffer_shape);
  g_assert_cmpstr (description, ==, "Reading");
  g_assert_false (display);
}

/* ---- serialization ------------------------------------------------------ */

static void
assert_same_iteration (GdciChunkIterator *a, GdciChunkIterator *b)
{
  GdciDataChunk *ca, *cb;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (a), ==,
                    gdci_chunk_iterator_get_n_buffers (b));
  for (;;)
    {
      ca = gdci_chunk_iterator_next (a, &error);
      g_assert_no_error (error);
      cb = gdci_chunk_iterator_next (b, &error);
      g_assert_no_error (error);
      if (ca == NULL || cb == NULL)
        break;
      g_assert_true (gdci_selection_equal (gdci_data_chunk_get_selection (ca),
                                           gdci_data_chunk_get_selection (cb)));
      g_assert_true (g_bytes_equal (gdci_data_chunk_get_data (ca),
                                    gdci_data_chunk_get_data (cb)));
      g_object_unref (ca);
      g_object_unref (cb);
    }
  g_assert_null (ca);
  g_assert_null (cb);
}

static void
test_serialize_round_trip (void)
{
  guint64 shape[] = { 30, 7 };
  g_autoptr(GBytes) data = test_make_ramp_int16 (shape, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it =
    test_iterator_new (data, GDCI_DTYPE_INT16, shape, 2, &error,
                       "buffer-gb", 0.0000002, "chunk-shape", at (SHAPE (4, 7), 2),
                       "progress-description", "Copying", NULL);
  g_autoptr(GVariant) serialized = NULL;
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(GVariant) received = NULL;
  g_autoptr(GdciChunkIterator) copy = NULL;
  g_autoptr(GdciChunkIterator) original_again = NULL;
  g_autofree char *description = NULL;
  double buffer_gb, chunk_mb;
  const guint64 *s1, *s2;
  guint n1, n2;

  g_assert_no_error (error);
  serialized = gdci_chunk_iterator_serialize (GDCI_CHUNK_ITERATOR (it), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (serialized, G_VARIANT_TYPE ("(sua{sv})")));

  /* through bytes, as to another process */
  wire = g_variant_get_data_as_bytes (serialized);
  received = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(sua{sv})"),
                                                           wire, FALSE));
  copy = gdci_chunk_iterator_deserialize (received, &error);
  g_assert_no_error (error);
  g_assert_true (TEST_IS_ITERATOR (copy));

  g_object_get (copy, "buffer-gb", &buffer_gb, "chunk-mb", &chunk_mb,
                "progress-description", &description, NULL);
  g_assert_cmpfloat (buffer_gb, ==, 0.0000002);
  g_assert_true (isnan (chunk_mb));
  g_assert_cmpstr (description, ==, "Copying");

  s1 = gdci_chunk_iterator_get_buffer_shape (GDCI_CHUNK_ITERATOR (it), &n1);
  s2 = gdci_chunk_iterator_get_buffer_shape (copy, &n2);
  test_assert_shape (s2, n2, s1, n1);
  s1 = gdci_chunk_iterator_get_chunk_shape (GDCI_CHUNK_ITERATOR (it), &n1);
  s2 = gdci_chunk_iterator_get_chunk_shape (copy, &n2);
  test_assert_shape (s2, n2, s1, n1);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (copy), >, 1);

  /* the position is not carried over: the copy starts at the first buffer */
  g_object_unref (gdci_chunk_iterator_next (GDCI_CHUNK_ITERATOR (it), &error));
  g_assert_true (gdci_chunk_iterator_reset (GDCI_CHUNK_ITERATOR (it), NULL));
  assert_same_iteration (GDCI_CHUNK_ITERATOR (it), copy);
}

static void
assert_deserialize_fails_in (const char *text, GQuark domain, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = g_variant_parse (NULL, text, NULL, NULL, &error);
  g_autoptr(GdciChunkIterator) it = NULL;

  g_assert_no_error (error);
  it = gdci_chunk_iterator_deserialize (v, &error);
  g_assert_null (it);
  g_assert_error (error, domain, code);
  g_assert_cmpstr (error->message, ==, message);
}

#define assert_deserialize_fails(text, code, message) \
  assert_deserialize_fails_in (text, GDCI_ERROR, code, message)

static void
test_deserialize_refusals (void)
{
  g_type_ensure (TEST_TYPE_ITERATOR);

  assert_deserialize_fails ("('TestIterator', 1)", GDCI_ERROR_INVALID_ARGUMENT,
                            "Not a serialized gdci iterator: expected a variant of type "
                            "'(sua{sv})', got '(si)'");
  assert_deserialize_fails ("('TestIterator', uint32 2, @a{sv} {})", GDCI_ERROR_NOT_SUPPORTED,
                            "The serialized iterator has format version 2; this version "
                            "of gdci reads version 1");
  assert_deserialize_fails ("('NoSuchIterator', uint32 1, @a{sv} {})", GDCI_ERROR_NOT_FOUND,
                            "Unknown iterator type 'NoSuchIterator': define or load it in "
                            "this process before deserializing");
  assert_deserialize_fails ("('GObject', uint32 1, @a{sv} {})", GDCI_ERROR_INVALID_ARGUMENT,
                            "'GObject' is not an instantiable GdciChunkIterator type");
  assert_deserialize_fails ("('GdciChunkIterator', uint32 1, @a{sv} {})",
                            GDCI_ERROR_INVALID_ARGUMENT,
                            "'GdciChunkIterator' is not an instantiable GdciChunkIterator type");
  assert_deserialize_fails ("('TestIterator', uint32 1, {'colour': <'red'>})",
                            GDCI_ERROR_INVALID_ARGUMENT,
                            "TestIterator has no writable property 'colour'");
  assert_deserialize_fails ("('TestIterator', uint32 1, {'buffer-gb': <'big'>})",
                            GDCI_ERROR_INVALID_ARGUMENT,
                            "Property 'buffer-gb' of type gdouble cannot be set from a "
                            "value of GVariant type 's'");
  assert_deserialize_fails ("('TestIterator', uint32 1, {'dtype': <'complex64'>})",
                            GDCI_ERROR_INVALID_ARGUMENT,
                            "'complex64' is not a value of GdciDtype (property 'dtype')");
  /* initialization runs, with its checks */
  assert_deserialize_fails_in ("('TestIterator', uint32 1, {'dtype': <'int16'>, "
                               "'shape': <[uint64 10, 10]>, 'buffer-gb': <-1.0>})",
                               GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE,
                               "buffer-gb must be greater than zero, not -1.0");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chunk-iterator/tutorial", test_tutorial);
  g_test_add_func ("/chunk-iterator/defaults", test_defaults);
  g_test_add_func ("/chunk-iterator/edge-buffers-and-data", test_edge_buffers_and_data);
  g_test_add_func ("/chunk-iterator/order-many-dims", test_order_many_dims);
  g_test_add_func ("/chunk-iterator/exhausted-stays-exhausted", test_exhausted_stays_exhausted);
  g_test_add_func ("/chunk-iterator/display-progress", test_display_progress);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/chunk-iterator/refusal/%s", refusals[i].name);
      g_test_add_data_func (path, &refusals[i], test_refusal);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_sources); i++)
    {
      g_autofree char *path = g_strdup_printf ("/chunk-iterator/source/%s", bad_sources[i].name);
      g_test_add_data_func (path, &bad_sources[i], test_bad_source);
    }
  g_test_add_func ("/chunk-iterator/source/fails-once", test_source_fails_once);
  g_test_add_func ("/chunk-iterator/incomplete-class", test_incomplete_class);
  g_test_add_func ("/chunk-iterator/use-before-init", test_use_before_init);
  g_test_add_func ("/chunk-iterator/init-cancelled", test_init_cancelled);
  g_test_add_func ("/chunk-iterator/shape-variant-types", test_shape_variant_types);
  g_test_add_func ("/chunk-iterator/property-values", test_property_values);
  g_test_add_func ("/chunk-iterator/serialize/round-trip", test_serialize_round_trip);
  g_test_add_func ("/chunk-iterator/serialize/deserialize-refusals", test_deserialize_refusals);

  return g_test_run ();
}
