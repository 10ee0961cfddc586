/* test-plan.c: GdciPlan, GdciPlanSettings and the GDCI_PLAN_ERROR refusals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include <gdci/gdci.h>

#include "test-util.h"

static void
test_tutorial (void)
{
  static const char *const selections[] = {
    "[0:12640, 0:3160]", "[0:12640, 3160:5000]",
    "[12640:20000, 0:3160]", "[12640:20000, 3160:5000]",
  };
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  const guint64 *shape;
  guint n_dims = 0;

  gdci_plan_settings_set_buffer_gb (settings, 0.2);
  plan = gdci_plan_new (GDCI_DTYPE_INT32, SHAPE (20000, 5000), 2, settings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);

  g_assert_cmpint (gdci_plan_get_dtype (plan), ==, GDCI_DTYPE_INT32);
  g_assert_cmpuint (gdci_plan_get_n_dims (plan), ==, 2);
  shape = gdci_plan_get_full_shape (plan, &n_dims);
  test_assert_shape (shape, n_dims, SHAPE (20000, 5000), 2);
  shape = gdci_plan_get_chunk_shape (plan, &n_dims);
  test_assert_shape (shape, n_dims, SHAPE (3160, 790), 2);
  shape = gdci_plan_get_buffer_shape (plan, &n_dims);
  test_assert_shape (shape, n_dims, SHAPE (12640, 3160), 2);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, 4);
  g_assert_cmpuint (gdci_plan_get_chunk_bytes (plan), ==, 3160 * 790 * 4);
  g_assert_cmpuint (gdci_plan_get_buffer_bytes (plan), ==, 12640 * 3160 * 4);
  g_assert_cmpuint (gdci_plan_get_data_bytes (plan), ==, 400000000);

  for (guint i = 0; i < G_N_ELEMENTS (selections); i++)
    {
      g_autoptr(GdciSelection) sel = gdci_plan_get_buffer_selection (plan, i);
      g_autofree char *text = gdci_selection_to_string (sel);
      g_assert_cmpstr (text, ==, selections[i]);
    }

  /* the settings are copied: changing them later changes nothing */
  gdci_plan_settings_set_buffer_gb (settings, -1.0);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, 4);
}

static void
test_defaults_and_shapes (void)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlanSettings) copy = NULL;
  g_autoptr(GdciPlan) plan = NULL;
  g_autoptr(GdciPlan) given = NULL;
  g_autoptr(GError) error = NULL;
  const guint64 *shape;
  GdciPlan *ref;
  guint n_dims = 0;

  /* no settings: hdmf's defaults, 1 GB buffers and 10 MB chunks */
  plan = gdci_plan_new (GDCI_DTYPE_INT16, SHAPE (30000000, 384), 2, NULL, &error);
  g_assert_no_error (error);
  test_assert_shape (gdci_plan_get_chunk_shape (plan, NULL), 2, SHAPE (625000, 8), 2);
  shape = gdci_plan_get_buffer_shape (plan, &n_dims);
  test_assert_shape (shape, n_dims, SHAPE (6250000, 80), 2);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, 5 * 5);

  /* shapes by hand, through a copy of the settings */
  gdci_plan_settings_set_chunk_shape (settings, SHAPE (2, 3), 2);
  gdci_plan_settings_set_buffer_shape (settings, SHAPE (4, 6), 2);
  copy = gdci_plan_settings_copy (settings);
  given = gdci_plan_new (GDCI_DTYPE_UINT8, SHAPE (12, 6), 2, copy, &error);
  g_assert_no_error (error);
  test_assert_shape (gdci_plan_get_chunk_shape (given, NULL), 2, SHAPE (2, 3), 2);
  g_assert_cmpuint (gdci_plan_get_n_buffers (given), ==, 3);

  /* a NULL or empty shape unsets it: the chunk size is allowed again */
  gdci_plan_settings_set_chunk_shape (settings, NULL, 0);
  gdci_plan_settings_set_buffer_shape (settings, NULL, 0);
  gdci_plan_settings_set_chunk_mb (settings, 10.0);
  g_clear_pointer (&given, gdci_plan_unref);
  given = gdci_plan_new (GDCI_DTYPE_UINT8, SHAPE (12, 6), 2, settings, &error);
  g_assert_no_error (error);
  test_assert_shape (gdci_plan_get_chunk_shape (given, NULL), 2, SHAPE (12, 6), 2);

  /* reference counted */
  ref = gdci_plan_ref (plan);
  g_assert_true (ref == plan);
  gdci_plan_unref (ref);
  g_assert_true (G_TYPE_IS_BOXED (GDCI_TYPE_PLAN));
  g_assert_true (G_TYPE_IS_BOXED (GDCI_TYPE_PLAN_SETTINGS));
}

static void
test_edges (void)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  g_autoptr(GdciSelection) last = NULL;
  g_autoptr(GError) error = NULL;
  guint64 big = G_GUINT64_CONSTANT (1) << 62;

  /* the edge buffers are clipped to the data */
  gdci_plan_settings_set_buffer_shape (settings, SHAPE (4, 4), 2);
  gdci_plan_settings_set_chunk_shape (settings, SHAPE (2, 2), 2);
  plan = gdci_plan_new (GDCI_DTYPE_INT8, SHAPE (10, 5), 2, settings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, 3 * 2);
  last = gdci_plan_get_buffer_selection (plan, 5);
  g_assert_cmpuint (gdci_selection_get_start (last, 0), ==, 8);
  g_assert_cmpuint (gdci_selection_get_stop (last, 0), ==, 10);
  g_assert_cmpuint (gdci_selection_get_start (last, 1), ==, 4);
  g_assert_cmpuint (gdci_selection_get_stop (last, 1), ==, 5);

  /* data of more than 2^64 bytes can be planned; its size saturates */
  g_clear_pointer (&plan, gdci_plan_unref);
  gdci_plan_settings_set_buffer_shape (settings, SHAPE (big, 1), 2);
  gdci_plan_settings_set_chunk_shape (settings, SHAPE (1, 1), 2);
  plan = gdci_plan_new (GDCI_DTYPE_INT8, SHAPE (big, 8), 2, settings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, 8);
  g_assert_cmpuint (gdci_plan_get_buffer_bytes (plan), ==, big);
  g_assert_cmpuint (gdci_plan_get_data_bytes (plan), ==, G_MAXUINT64);
}

/* ---- refusals ---------------------------------------------------------- */

typedef struct
{
  const char *name;
  guint n_dims;
  guint64 shape[3];
  GdciDtype dtype;
  double buffer_gb;            /* 0: not set */
  double chunk_mb;             /* 0: not set */
  guint n_buffer;              /* 0: not set */
  guint64 buffer_shape[3];
  guint n_chunk;
  guint64 chunk_shape[3];
  gboolean plan_error;         /* GDCI_PLAN_ERROR, else GDCI_ERROR */
  int code;
  const char *message;
} Refusal;

#define D2 2, { 2000, 384 }, GDCI_DTYPE_INT16

static const Refusal refusals[] = {
  { "both-buffer", D2, 1.0, 0, 2, { 1000, 384 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS,
    "Both buffer-gb and buffer-shape are set: give one or the other" },
  { "both-chunk", D2, 0, 1.0, 0, { 0 }, 2, { 100, 384 },
    TRUE, GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS,
    "Both chunk-mb and chunk-shape are set: give one or the other" },
  { "buffer-gb-negative", D2, -1.0, 0, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE, "buffer-gb must be greater than zero, not -1.0" },
  { "buffer-gb-nan", D2, NAN, 0, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE, "buffer-gb must be greater than zero, not nan" },
  { "chunk-mb-zero", D2, 0, -0.0, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE, "chunk-mb must be greater than zero, not -0.0" },
  { "chunk-mb-infinite", D2, 0, INFINITY, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_SIZE_NOT_FINITE, "chunk-mb inf is too large: give a finite size" },
  { "buffer-gb-too-large", D2, 1e300, 0, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_SIZE_NOT_FINITE, "buffer-gb 1e+300 is too large: give a finite size" },
  { "rank-chunk", D2, 0, 0, 0, { 0 }, 1, { 100 },
    TRUE, GDCI_PLAN_ERROR_WRONG_RANK,
    "chunk-shape (100,) has 1 axis but the data shape (2000, 384) has 2" },
  { "rank-buffer", D2, 0, 0, 3, { 100, 384, 1 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_WRONG_RANK,
    "buffer-shape (100, 384, 1) has 3 axes but the data shape (2000, 384) has 2" },
  { "default-chunk-zero", D2, 0, 1e-9, 0, { 0 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
    "the default chunk shape (0, 0) is not positive on axis 0" },
  { "chunk-exceeds-data", D2, 0, 0, 0, { 0 }, 2, { 2001, 384 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_DATA,
    "chunk-shape (2001, 384) exceeds the data shape (2000, 384) on axis 0" },
  { "buffer-exceeds-data", D2, 0, 0, 2, { 2000, 385 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_BUFFER_SHAPE_EXCEEDS_DATA,
    "buffer-shape (2000, 385) exceeds the data shape (2000, 384) on axis 1" },
  { "chunk-exceeds-buffer", D2, 0, 0, 2, { 1000, 192 }, 2, { 100, 384 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER,
    "chunk-shape (100, 384) exceeds buffer-shape (1000, 192) on axis 1" },
  { "default-chunk-exceeds-buffer", D2, 0, 0, 2, { 1000, 192 }, 0, { 0 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER,
    "the default chunk shape (2000, 384) exceeds buffer-shape (1000, 192) on axis 0" },
  { "not-dividing", D2, 0, 0, 2, { 1000, 192 }, 2, { 1000, 5 },
    TRUE, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING,
    "chunk-shape (1000, 5) does not divide buffer-shape (1000, 192) on axis 1" },
  { "no-axes", 0, { 0 }, GDCI_DTYPE_INT16, 0, 0, 0, { 0 }, 0, { 0 },
    FALSE, GDCI_ERROR_INVALID_ARGUMENT,
    "The data has no dimensions (shape ()): gdci needs at least one axis" },
  { "bad-dtype", 2, { 2000, 384 }, (GdciDtype) 99, 0, 0, 0, { 0 }, 0, { 0 },
    FALSE, GDCI_ERROR_INVALID_ARGUMENT, "99 is not a valid GdciDtype" },
  { "n-buffers-overflow", 2, { G_GUINT64_CONSTANT (1) << 62, G_GUINT64_CONSTANT (1) << 62 },
    GDCI_DTYPE_INT8, 0, 0, 2, { 1, 1 }, 2, { 1, 1 }, FALSE, GDCI_ERROR_OVERFLOW,
    "The buffer shape (1, 1) splits the data (4611686018427387904, 4611686018427387904) "
    "into more than 2^64 buffers" },
  { "chunk-bytes-overflow", 2, { G_GUINT64_CONSTANT (1) << 62, 8 }, GDCI_DTYPE_INT64, 0, 0,
    2, { G_GUINT64_CONSTANT (1) << 62, 8 }, 2, { G_GUINT64_CONSTANT (1) << 62, 8 },
    FALSE, GDCI_ERROR_OVERFLOW,
    "The chunk shape (4611686018427387904, 8) of int64 has more than 2^64 bytes" },
};

static void
test_refusal (gconstpointer data)
{
  const Refusal *r = data;
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GError) error = NULL;
  GdciPlan *plan;
  GQuark domain;

  if (r->buffer_gb != 0 || signbit (r->buffer_gb))
    gdci_plan_settings_set_buffer_gb (settings, r->buffer_gb);
  if (r->chunk_mb != 0 || signbit (r->chunk_mb))
    gdci_plan_settings_set_chunk_mb (settings, r->chunk_mb);
  gdci_plan_settings_set_buffer_shape (settings, r->buffer_shape, r->n_buffer);
  gdci_plan_settings_set_chunk_shape (settings, r->chunk_shape, r->n_chunk);

  plan = gdci_plan_new (r->dtype, r->shape, r->n_dims, settings, &error);
  g_assert_null (plan);
  domain = r->plan_error ? GDCI_PLAN_ERROR : GDCI_ERROR;
  g_assert_error (error, domain, r->code);
  g_assert_cmpstr (error->message, ==, r->message);
}

static void
test_rank_beyond_any_data (void)
{
  guint64 long_shape[GDCI_MAX_DIMS + 8];
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (long_shape); i++)
    long_shape[i] = 1;
  gdci_plan_settings_set_chunk_shape (settings, long_shape, G_N_ELEMENTS (long_shape));
  g_assert_null (gdci_plan_new (GDCI_DTYPE_INT8, SHAPE (4, 4), 2, settings, &error));
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_WRONG_RANK);
  g_assert_cmpstr (error->message, ==, "chunk-shape has 40 axes but the data shape (4, 4) has 2");
}

/* ---- the iterator plans the same ---------------------------------------- */

/* Settings as both a plan and an iterator take them */
typedef struct
{
  gboolean has_buffer_gb;
  gboolean has_chunk_mb;
  gboolean has_shapes;
  double buffer_gb;
  double chunk_mb;
  guint64 chunk[3];
  guint64 buffer[3];
} Settings;

static void
random_settings (GRand         *rand,
                 const guint64 *shape,
                 guint          n_dims,
                 Settings      *s)
{
  guint kind = g_rand_int_range (rand, 0, 4);

  memset (s, 0, sizeof *s);
  s->has_chunk_mb = kind == 0 || kind == 1;
  s->chunk_mb = exp (g_rand_double_range (rand, log (1e-4), log (1e2)));
  s->has_buffer_gb = kind == 0 || kind == 2;
  s->buffer_gb = exp (g_rand_double_range (rand, log (1e-7), log (1e-1)));
  s->has_shapes = kind == 3;
  /* often valid, sometimes not */
  for (guint i = 0; i < n_dims; i++)
    {
      s->chunk[i] = g_rand_int_range (rand, 1, (gint32) MIN (shape[i], 1000) + 2);
      s->buffer[i] = g_rand_boolean (rand) ? shape[i] : s->chunk[i] * g_rand_int_range (rand, 1, 5);
    }
}

static GdciPlan *
plan_with (const guint64   *shape,
           guint            n_dims,
           GdciDtype        dtype,
           const Settings  *s,
           GError         **error)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();

  if (s->has_buffer_gb)
    gdci_plan_settings_set_buffer_gb (settings, s->buffer_gb);
  if (s->has_chunk_mb)
    gdci_plan_settings_set_chunk_mb (settings, s->chunk_mb);
  if (s->has_shapes)
    {
      gdci_plan_settings_set_chunk_shape (settings, s->chunk, n_dims);
      gdci_plan_settings_set_buffer_shape (settings, s->buffer, n_dims);
    }
  return gdci_plan_new (dtype, shape, n_dims, settings, error);
}

static TestIterator *
iterator_with (const guint64   *shape,
               guint            n_dims,
               GdciDtype        dtype,
               const Settings  *s,
               GError         **error)
{
  if (s->has_shapes)
    return test_iterator_new (NULL, dtype, shape, n_dims, error,
                              "buffer-shape", test_shape_variant (s->buffer, n_dims),
                              "chunk-shape", test_shape_variant (s->chunk, n_dims), NULL);
  if (s->has_buffer_gb && s->has_chunk_mb)
    return test_iterator_new (NULL, dtype, shape, n_dims, error,
                              "buffer-gb", s->buffer_gb, "chunk-mb", s->chunk_mb, NULL);
  if (s->has_buffer_gb)
    return test_iterator_new (NULL, dtype, shape, n_dims, error, "buffer-gb", s->buffer_gb, NULL);
  if (s->has_chunk_mb)
    return test_iterator_new (NULL, dtype, shape, n_dims, error, "chunk-mb", s->chunk_mb, NULL);
  return test_iterator_new (NULL, dtype, shape, n_dims, error, NULL);
}

static void
assert_same_plan (GdciPlan          *plan,
                  GdciChunkIterator *iter)
{
  GdciPlan *iter_plan = gdci_chunk_iterator_get_plan (iter);
  guint n_dims = gdci_plan_get_n_dims (plan);
  guint64 n_buffers = gdci_plan_get_n_buffers (plan);

  test_assert_shape (gdci_chunk_iterator_get_chunk_shape (iter, NULL), n_dims,
                gdci_plan_get_chunk_shape (plan, NULL), n_dims);
  test_assert_shape (gdci_chunk_iterator_get_buffer_shape (iter, NULL), n_dims,
                gdci_plan_get_buffer_shape (plan, NULL), n_dims);
  g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (iter), ==, n_buffers);
  test_assert_shape (gdci_plan_get_chunk_shape (iter_plan, NULL), n_dims,
                gdci_plan_get_chunk_shape (plan, NULL), n_dims);
  g_assert_cmpuint (gdci_plan_get_buffer_bytes (iter_plan), ==, gdci_plan_get_buffer_bytes (plan));
  for (guint64 i = 0; i < n_buffers && i < 2000; i++)
    {
      g_autoptr(GdciSelection) a = gdci_plan_get_buffer_selection (plan, i);
      g_autoptr(GdciSelection) b = gdci_chunk_iterator_get_buffer_selection (iter, i);
      g_assert_true (gdci_selection_equal (a, b));
    }
}

static void
test_random_cases_equal_the_iterator (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  static const GdciDtype dtypes[] = {
    GDCI_DTYPE_INT8, GDCI_DTYPE_UINT16, GDCI_DTYPE_INT32, GDCI_DTYPE_FLOAT64,
  };
  guint accepted = 0, refused = 0;

  for (guint c = 0; c < 300; c++)
    {
      guint n_dims = g_rand_int_range (rand, 1, 4);
      GdciDtype dtype = dtypes[g_rand_int_range (rand, 0, G_N_ELEMENTS (dtypes))];
      g_autoptr(GError) plan_error = NULL;
      g_autoptr(GError) iter_error = NULL;
      g_autoptr(GdciPlan) plan = NULL;
      g_autoptr(TestIterator) it = NULL;
      Settings settings;
      guint64 shape[3];

      for (guint i = 0; i < n_dims; i++)
        shape[i] = (guint64) exp (g_rand_double_range (rand, 0, log (n_dims == 1 ? 1e7 : 3e3)));
      random_settings (rand, shape, n_dims, &settings);

      plan = plan_with (shape, n_dims, dtype, &settings, &plan_error);
      it = iterator_with (shape, n_dims, dtype, &settings, &iter_error);
      if (plan == NULL)
        {
          g_assert_nonnull (iter_error);
          g_assert_true (iter_error->domain == plan_error->domain);
          g_assert_cmpint (iter_error->code, ==, plan_error->code);
          g_assert_cmpstr (iter_error->message, ==, plan_error->message);
          refused++;
          continue;
        }
      g_assert_no_error (iter_error);
      assert_same_plan (plan, GDCI_CHUNK_ITERATOR (it));
      accepted++;
    }
  g_assert_cmpuint (accepted, >=, 150);
  g_assert_cmpuint (refused, >=, 10);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan/tutorial", test_tutorial);
  g_test_add_func ("/plan/defaults-and-shapes", test_defaults_and_shapes);
  g_test_add_func ("/plan/edges", test_edges);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/plan/refusal/%s", refusals[i].name);
      g_test_add_data_func (path, &refusals[i], test_refusal);
    }
  g_test_add_func ("/plan/rank-beyond-any-data", test_rank_beyond_any_data);
  g_test_add_func ("/plan/random-cases-equal-the-iterator", test_random_cases_equal_the_iterator);

  return g_test_run ();
}
