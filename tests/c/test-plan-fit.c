/* test-plan-fit.c: the FIT strategy's shapes on random data, partly
 * specified shapes, what a plan reads from a file and what a write takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <gdci/gdci.h>

#include "test-util.h"

/* The property test's cases, and the seed they are drawn from: the same
 * cases on every run, unless GDCI_TEST_PLAN_SEED gives another seed */
#define N_RANDOM_CASES 400
#define DEFAULT_SEED 20240611u
/* Buffers and buffer selections are checked one by one up to this many */
#define MAX_CHECKED_BUFFERS 2000

/* ---- helpers ------------------------------------------------------------ */

static GdciPlan *
plan_new (GdciPlanStrategy  strategy,
          GdciDtype         dtype,
          const guint64    *shape,
          guint             n_dims,
          double            chunk_mb,
          double            buffer_gb,
          const guint64    *chunk,
          const guint64    *buffer)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GError) error = NULL;
  GdciPlan *plan;

  gdci_plan_settings_set_strategy (settings, strategy);
  if (chunk_mb > 0)
    gdci_plan_settings_set_chunk_mb (settings, chunk_mb);
  if (buffer_gb > 0)
    gdci_plan_settings_set_buffer_gb (settings, buffer_gb);
  if (chunk != NULL)
    gdci_plan_settings_set_chunk_shape (settings, chunk, n_dims);
  if (buffer != NULL)
    gdci_plan_settings_set_buffer_shape (settings, buffer, n_dims);
  plan = gdci_plan_new (dtype, shape, n_dims, settings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* The bytes read when each buffer is read as one run of a C-order file,
 * from its first element to its last, buffer by buffer */
static guint64
span_read_bytes_by_buffer (const GdciPlan *plan)
{
  guint n_dims;
  const guint64 *shape = gdci_plan_get_full_shape (plan, &n_dims);
  gsize itemsize = gdci_dtype_get_itemsize (gdci_plan_get_dtype (plan));
  guint64 total = 0;

  for (guint64 b = 0; b < gdci_plan_get_n_buffers (plan); b++)
    {
      g_autoptr(GdciSelection) sel = gdci_plan_get_buffer_selection (plan, b);
      guint64 first = 0, last = 0;

      for (guint i = 0; i < n_dims; i++)
        {
          first = first * shape[i] + gdci_selection_get_start (sel, i);
          last = last * shape[i] + gdci_selection_get_stop (sel, i) - 1;
        }
      total += (last - first + 1) * itemsize;
    }
  return total;
}

/* Whether every buffer is one run of a C-order source: after the first axis
 * on which a buffer is longer than 1, every axis is whole */
static gboolean
buffers_span_whole_rows (const GdciPlan *plan)
{
  guint n_dims;
  const guint64 *shape = gdci_plan_get_full_shape (plan, &n_dims);
  const guint64 *buffer = gdci_plan_get_buffer_shape (plan, NULL);
  guint i = 0;

  while (i < n_dims && buffer[i] == 1)
    i++;
  for (i++; i < n_dims; i++)
    if (buffer[i] != shape[i])
      return FALSE;
  return TRUE;
}

/* ---- the properties of FIT on random data ------------------------------- */

typedef struct
{
  GdciDtype dtype;
  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
  double chunk_mb;
  double buffer_gb;
} Case;

typedef struct
{
  guint n_cases;
  guint n_chunk_over_buffer;   /* (b)'s exception: the chunk exceeds buffer-gb */
  guint n_partial_rows;        /* buffers that do not span whole rows */
  guint n_padded;              /* plans whose chunks pad the data at all */
  double worst_padding;
} Tally;

static guint64
rand_log_uniform (GRand   *rand,
                  guint64  lo,
                  guint64  hi)
{
  double x = exp (g_rand_double_range (rand, log ((double) lo), log ((double) hi + 1.0)));

  return CLAMP ((guint64) x, lo, hi);
}

static double
rand_log_double (GRand  *rand,
                 double  lo,
                 double  hi)
{
  return exp (g_rand_double_range (rand, log (lo), log (hi)));
}

static char *
case_to_string (const Case *c)
{
  GString *s = g_string_new ("(");

  for (guint i = 0; i < c->n_dims; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? ", " : "", c->shape[i]);
  g_string_append_printf (s, "%s) %s chunk-mb %.17g buffer-gb %.17g",
                          c->n_dims == 1 ? "," : "", gdci_dtype_to_string (c->dtype),
                          c->chunk_mb, c->buffer_gb);
  return g_string_free (s, FALSE);
}

/* A random case: 1 to 5 axes, the first up to 10^7 long and the others up
 * to 2000, every dtype, of at most 2^62 bytes so that every size is exact */
static void
random_case (GRand *rand,
             Case  *c)
{
  GEnumClass *dtypes = g_type_class_ref (GDCI_TYPE_DTYPE);
  double n_bytes;

  c->dtype = dtypes->values[g_rand_int_range (rand, 0, (gint32) dtypes->n_values)].value;
  g_type_class_unref (dtypes);
  do
    {
      c->n_dims = (guint) g_rand_int_range (rand, 1, 6);
      c->shape[0] = rand_log_uniform (rand, 1, 10000000);
      for (guint i = 1; i < c->n_dims; i++)
        c->shape[i] = rand_log_uniform (rand, 1, 2000);
      n_bytes = (double) gdci_dtype_get_itemsize (c->dtype);
      for (guint i = 0; i < c->n_dims; i++)
        n_bytes *= (double) c->shape[i];
    }
  while (n_bytes > 4e18);
  c->chunk_mb = rand_log_double (rand, 0.01, 20.0);
  c->buffer_gb = rand_log_double (rand, 0.001, 2.0);
}

/* (f) the buffers tile the data: each selection inside the data, of the
 * buffer shape but at the far edges, and all of them together the data */
static void
assert_buffers_tile (const GdciPlan *plan)
{
  guint n_dims;
  const guint64 *shape = gdci_plan_get_full_shape (plan, &n_dims);
  const guint64 *buffer = gdci_plan_get_buffer_shape (plan, NULL);
  guint64 n_elements = 0, data_elements = 1;

  for (guint i = 0; i < n_dims; i++)
    data_elements *= shape[i];
  for (guint64 b = 0; b < gdci_plan_get_n_buffers (plan); b++)
    {
      g_autoptr(GdciSelection) sel = gdci_plan_get_buffer_selection (plan, b);

      for (guint i = 0; i < n_dims; i++)
        {
          guint64 start = gdci_selection_get_start (sel, i);
          guint64 stop = gdci_selection_get_stop (sel, i);

          g_assert_cmpuint (start % buffer[i], ==, 0);
          g_assert_cmpuint (stop, <=, shape[i]);
          g_assert_true (stop - start == buffer[i] || stop == shape[i]);
        }
      n_elements += gdci_selection_get_n_elements (sel);
    }
  g_assert_cmpuint (n_elements, ==, data_elements);
}

static void
check_fit_case (const Case *c,
                Tally      *tally)
{
  g_autofree char *desc = case_to_string (c);
  g_autoptr(GdciPlan) plan = NULL;
  const guint64 *chunk, *buffer;
  gsize itemsize = gdci_dtype_get_itemsize (c->dtype);
  guint64 data_bytes, chunk_bytes, buffer_bytes, stored, rest = 1, n_rows;
  double buffer_limit = c->buffer_gb * 1e9;
  gboolean all_ones = TRUE;

  g_test_message ("%s", desc);
  plan = plan_new (GDCI_PLAN_STRATEGY_FIT, c->dtype, c->shape, c->n_dims,
                   c->chunk_mb, c->buffer_gb, NULL, NULL);
  chunk = gdci_plan_get_chunk_shape (plan, NULL);
  buffer = gdci_plan_get_buffer_shape (plan, NULL);
  data_bytes = gdci_plan_get_data_bytes (plan);
  chunk_bytes = gdci_plan_get_chunk_bytes (plan);
  buffer_bytes = gdci_plan_get_buffer_bytes (plan);
  stored = gdci_plan_get_stored_bytes (plan);
  g_assert_cmpuint (data_bytes, <, G_MAXUINT64);
  tally->n_cases++;

  /* (a) every buffer axis is a multiple of the chunk's or the whole axis */
  for (guint i = 0; i < c->n_dims; i++)
    {
      g_assert_cmpuint (chunk[i], >=, 1);
      g_assert_cmpuint (chunk[i], <=, buffer[i]);
      g_assert_cmpuint (buffer[i], <=, c->shape[i]);
      g_assert_true (buffer[i] % chunk[i] == 0 || buffer[i] == c->shape[i]);
      all_ones &= chunk[i] == 1;
    }

  /* (b) the buffer fits in buffer-gb, unless not even the chunk does: the
   * buffer is then one chunk */
  if ((double) chunk_bytes <= buffer_limit)
    g_assert_cmpfloat ((double) buffer_bytes, <=, buffer_limit);
  else
    {
      tally->n_chunk_over_buffer++;
      test_assert_shape (buffer, c->n_dims, chunk, c->n_dims);
    }

  /* (c) the chunks pad the data by at most GDCI_FIT_MAX_PADDING */
  g_assert_cmpuint (stored, >=, data_bytes);
  g_assert_cmpfloat ((double) stored, <=, (double) data_bytes * 1.01 * (1.0 + 1e-12));
  tally->n_padded += stored > data_bytes;
  tally->worst_padding = MAX (tally->worst_padding,
                              (double) (stored - data_bytes) / (double) data_bytes);

  /* (d) the chunk fits in chunk-mb, unless it is a single element */
  if (!all_ones)
    g_assert_cmpfloat ((double) chunk_bytes, <=, c->chunk_mb * 1e6);

  /* (e) a C-order source is read once whenever a row of chunks fits in
   * buffer-gb; and the model agrees with the buffers' own spans */
  for (guint i = 1; i < c->n_dims; i++)
    rest *= c->shape[i];
  if ((double) chunk[0] * (double) rest <= floor (buffer_limit / (double) itemsize))
    {
      for (guint i = 1; i < c->n_dims; i++)
        g_assert_cmpuint (buffer[i], ==, c->shape[i]);
      g_assert_cmpuint (gdci_plan_get_read_bytes (plan), ==, data_bytes);
      /* at least GDCI_FIT_MIN_BUFFERS buffers where the rows allow it */
      n_rows = (c->shape[0] + chunk[0] - 1) / chunk[0];
      g_assert_cmpuint (gdci_plan_get_n_buffers (plan), >=, MIN (n_rows, 4));
    }
  if (buffers_span_whole_rows (plan))
    g_assert_cmpuint (gdci_plan_get_read_bytes (plan), ==, data_bytes);
  else
    {
      tally->n_partial_rows++;
      g_assert_cmpuint (gdci_plan_get_read_bytes (plan), >, data_bytes);
    }

  /* (f) the buffers tile the data, and the read model is the sum of their
   * spans */
  if (gdci_plan_get_n_buffers (plan) <= MAX_CHECKED_BUFFERS)
    {
      assert_buffers_tile (plan);
      g_assert_cmpuint (gdci_plan_get_read_bytes (plan), ==, span_read_bytes_by_buffer (plan));
    }
}

static guint32
property_seed (void)
{
  const char *s = g_getenv ("GDCI_TEST_PLAN_SEED");

  return s != NULL ? (guint32) g_ascii_strtoull (s, NULL, 10) : DEFAULT_SEED;
}

static void
test_fit_random (void)
{
  guint32 seed = property_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Tally tally = { 0 };

  for (guint n = 0; n < N_RANDOM_CASES; n++)
    {
      Case c;

      random_case (rand, &c);
      check_fit_case (&c, &tally);
    }
  g_test_message ("seed %u: %u cases, %u with a chunk over buffer-gb, %u with "
                  "buffers across rows, %u padded (at most %.4f%%)", seed, tally.n_cases,
                  tally.n_chunk_over_buffer, tally.n_partial_rows, tally.n_padded,
                  100 * tally.worst_padding);
  /* the cases reach both sides of (b) and (e) */
  g_assert_cmpuint (tally.n_chunk_over_buffer, >, 0);
  g_assert_cmpuint (tally.n_partial_rows, >, 0);
  g_assert_cmpuint (tally.n_padded, >, 0);
}

/* Lopsided, tiny and awkward shapes, with every dtype */
static void
test_fit_edges (void)
{
  static const struct { guint n_dims; guint64 shape[GDCI_MAX_DIMS]; } shapes[] = {
    { 2, { 1000000000, 4 } },
    { 2, { 4, 1000000000 } },
    { 1, { 1 } },
    { 1, { 2 } },
    { 3, { 1, 1, 1 } },
    { 2, { 2, 3 } },
    { 1, { 10000019 } },                 /* a prime */
    { 2, { 9999991, 7 } },               /* a prime, and a prime */
    { 2, { 1302083, 384 } },
    { 5, { 7, 1999, 1, 3, 1997 } },
    { 4, { 1, 2000, 2000, 1 } },
    { 3, { 1000000, 1, 1 } },
  };
  static const double sizes[][2] = {
    { 10.0, 1.0 }, { 0.01, 0.001 }, { 20.0, 0.001 }, { 1.0, 2.0 },
  };
  GEnumClass *dtypes = g_type_class_ref (GDCI_TYPE_DTYPE);
  Tally tally = { 0 };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint d = 0; d < dtypes->n_values; d++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
        {
          Case c = {
            .dtype = dtypes->values[d].value, .n_dims = shapes[s].n_dims,
            .chunk_mb = sizes[z][0], .buffer_gb = sizes[z][1],
          };
          memcpy (c.shape, shapes[s].shape, sizeof c.shape);
          check_fit_case (&c, &tally);
        }
  g_type_class_unref (dtypes);
}

/* The same tiling and read model for hdmf's own shapes */
static void
test_hdmf_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (property_seed () + 1);
  guint n_across = 0;

  for (guint n = 0; n < N_RANDOM_CASES / 4; n++)
    {
      g_autoptr(GdciPlan) plan = NULL;
      Case c;

      random_case (rand, &c);
      plan = plan_new (GDCI_PLAN_STRATEGY_HDMF, c.dtype, c.shape, c.n_dims,
                       c.chunk_mb, c.buffer_gb, NULL, NULL);
      if (buffers_span_whole_rows (plan))
        g_assert_cmpuint (gdci_plan_get_read_bytes (plan), ==, gdci_plan_get_data_bytes (plan));
      else
        n_across++;
      if (gdci_plan_get_n_buffers (plan) <= MAX_CHECKED_BUFFERS)
        {
          assert_buffers_tile (plan);
          g_assert_cmpuint (gdci_plan_get_read_bytes (plan), ==,
                            span_read_bytes_by_buffer (plan));
        }
    }
  g_assert_cmpuint (n_across, >, 0);
}

/* ---- what a FileIterator reads ------------------------------------------ */

/* A C-order file of @shape and @dtype, iterated to the end with @strategy:
 * the buffers rebuild the file, and the bytes read are returned, with the
 * plan's model of them in @model */
static guint64
measure_read (GdciPlanStrategy  strategy,
              GdciDtype         dtype,
              const guint64    *shape,
              guint             n_dims,
              double            chunk_mb,
              double            buffer_gb,
              const char       *chunk_shape,
              guint64          *model,
              guint64          *n_buffers)
{
  g_autofree char *dir = test_make_tmp_dir ("gdci-plan-fit-XXXXXX");
  g_autofree char *path = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = NULL;
  gsize n_bytes = gdci_dtype_get_itemsize (dtype);
  GdciPlan *plan;
  guint64 bytes_read;

  for (guint i = 0; i < n_dims; i++)
    n_bytes *= shape[i];
  data = test_make_pattern (n_bytes, (guint32) n_dims);
  path = test_write_file (dir, "data.bin", 0, data);
  it = g_initable_new (GDCI_TYPE_FILE_ITERATOR, NULL, &error,
                       "path", path, "dtype", dtype,
                       "shape", test_shape_variant (shape, n_dims),
                       "plan-strategy", strategy,
                       "chunk-mb", chunk_mb, "buffer-gb", buffer_gb,
                       "chunk-shape", chunk_shape ? g_variant_new_parsed (chunk_shape) : NULL,
                       NULL);
  g_assert_no_error (error);
  plan = gdci_chunk_iterator_get_plan (it);
  g_assert_cmpint (gdci_plan_get_strategy (plan), ==, strategy);
  g_assert_cmpuint (gdci_plan_get_data_bytes (plan), ==, n_bytes);
  *model = gdci_plan_get_read_bytes (plan);
  *n_buffers = gdci_plan_get_n_buffers (plan);
  g_assert_cmpuint (gdci_file_iterator_get_bytes_read (GDCI_FILE_ITERATOR (it)), ==, 0);

  test_assert_reassembles (it, data, shape, n_dims);
  bytes_read = gdci_file_iterator_get_bytes_read (GDCI_FILE_ITERATOR (it));
  test_remove_tree (dir);
  return bytes_read;
}

static void
test_measured_read (void)
{
  static const struct {
    GdciDtype dtype;
    guint n_dims;
    guint64 shape[3];
    double chunk_mb, buffer_gb;
    const char *fit_chunk;
  } cases[] = {
    /* FIT alone chunks these (3000, 1) and (337, 1) (their last axes are
     * prime), and no row of such chunks fits: the last axis is given */
    { GDCI_DTYPE_INT16, 2, { 3000, 37 }, 0.01, 0.00005, "[uint64 0, 37]" },
    { GDCI_DTYPE_FLOAT32, 3, { 50, 20, 30 }, 0.002, 0.00003, NULL },
    { GDCI_DTYPE_UINT8, 2, { 1009, 13 }, 0.0005, 0.000003, "[uint64 0, 13]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 data_bytes = gdci_dtype_get_itemsize (cases[i].dtype);
      guint64 model, n_buffers, measured;

      for (guint a = 0; a < cases[i].n_dims; a++)
        data_bytes *= cases[i].shape[a];

      /* FIT: whole rows, so each byte of the file is read once */
      measured = measure_read (GDCI_PLAN_STRATEGY_FIT, cases[i].dtype, cases[i].shape,
                               cases[i].n_dims, cases[i].chunk_mb, cases[i].buffer_gb,
                               cases[i].fit_chunk, &model, &n_buffers);
      g_assert_cmpuint (n_buffers, >=, 4);
      g_assert_cmpuint (model, ==, data_bytes);
      g_assert_cmpuint (measured, ==, data_bytes);

      /* hdmf's buffers cut the rows: the file is read more than once, as
       * much as the model says */
      measured = measure_read (GDCI_PLAN_STRATEGY_HDMF, cases[i].dtype, cases[i].shape,
                               cases[i].n_dims, cases[i].chunk_mb, cases[i].buffer_gb,
                               NULL, &model, &n_buffers);
      g_test_message ("hdmf %u: %" G_GUINT64_FORMAT " buffers read %" G_GUINT64_FORMAT
                      " bytes of %" G_GUINT64_FORMAT ", model %" G_GUINT64_FORMAT,
                      i, n_buffers, measured, data_bytes, model);
      g_assert_cmpuint (n_buffers, >, 1);
      g_assert_cmpuint (model, >, data_bytes);
      g_assert_cmpuint (measured, ==, model);
    }
}

/* ---- partly specified shapes, by hand ----------------------------------- */

#define DEMO_SHAPE SHAPE (1302083, 384)

static void
assert_plan (GdciPlan      *plan,
             const guint64 *chunk,
             const guint64 *buffer,
             guint64        n_buffers)
{
  test_assert_shape (gdci_plan_get_chunk_shape (plan, NULL), 2, chunk, 2);
  test_assert_shape (gdci_plan_get_buffer_shape (plan, NULL), 2, buffer, 2);
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), ==, n_buffers);
}

static void
test_partial_hdmf (void)
{
  g_autoptr(GdciPlan) p = NULL;

  /* a free axis of elements of 64 * 2 bytes: hdmf's 1-D rule, floor
   * (chunk_mb * 10^6 / 128) */
  p = plan_new (GDCI_PLAN_STRATEGY_HDMF, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, 10, -1,
                SHAPE (0, 64), NULL);
  g_assert_cmpuint (gdci_plan_get_chunk_shape (p, NULL)[0], ==, 78125);
  g_assert_cmpuint (gdci_plan_get_chunk_shape (p, NULL)[1], ==, 64);
  g_clear_pointer (&p, gdci_plan_unref);
  p = plan_new (GDCI_PLAN_STRATEGY_HDMF, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, 1, -1,
                SHAPE (0, 64), NULL);
  g_assert_cmpuint (gdci_plan_get_chunk_shape (p, NULL)[0], ==, 7812);
  g_assert_cmpuint (gdci_plan_get_chunk_shape (p, NULL)[1], ==, 64);
  g_clear_pointer (&p, gdci_plan_unref);

  /* elements of 100 * 2 bytes on the free axis: 50000 of them fit in
   * 10 MB, so the whole axis; the default buffer is then hdmf's floor
   * (sqrt (10^9 / 76800)) = 114 chunks on each axis */
  p = plan_new (GDCI_PLAN_STRATEGY_HDMF, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, -1, -1,
                SHAPE (100, 0), NULL);
  assert_plan (p, SHAPE (100, 384), SHAPE (11400, 384), 115);
  g_clear_pointer (&p, gdci_plan_unref);

  /* a free buffer axis: floor (10^7 / (1000 * 384 * 2)) = 13 chunks */
  p = plan_new (GDCI_PLAN_STRATEGY_HDMF, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, -1, 0.01,
                SHAPE (1000, 384), SHAPE (0, 384));
  assert_plan (p, SHAPE (1000, 384), SHAPE (13000, 384), 101);
  g_assert_cmpuint (gdci_plan_get_read_bytes (p), ==, gdci_plan_get_data_bytes (p));
}

static void
test_partial_fit (void)
{
  g_autoptr(GdciPlan) p = NULL;
  g_autoptr(GdciPlan) q = NULL;

  /* the demo: 9 rows of chunks; all would fit in one buffer, so at least
   * four buffers: 2 rows each, the last of 1 */
  p = plan_new (GDCI_PLAN_STRATEGY_FIT, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, -1, -1, NULL, NULL);
  assert_plan (p, SHAPE (144676, 32), SHAPE (289352, 384), 5);
  g_assert_cmpuint (gdci_plan_get_read_bytes (p), ==, gdci_plan_get_data_bytes (p));
  /* 144676 * 9 = 1302084: one row of padding */
  g_assert_cmpuint (gdci_plan_get_stored_bytes (p), ==,
                    gdci_plan_get_data_bytes (p) + 384 * 2);

  /* a buffer free on the first axis and whole on the last is the same */
  q = plan_new (GDCI_PLAN_STRATEGY_FIT, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, -1, -1,
                NULL, SHAPE (0, 384));
  assert_plan (q, SHAPE (144676, 32), SHAPE (289352, 384), 5);
  g_clear_pointer (&q, gdci_plan_unref);

  /* when not one row of chunks fits in buffer-gb, a buffer is one slab of
   * chunks on the free axis, over buffer-gb */
  q = plan_new (GDCI_PLAN_STRATEGY_FIT, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, -1, 0.1,
                NULL, SHAPE (0, 384));
  assert_plan (q, SHAPE (144676, 32), SHAPE (144676, 384), 9);
  g_assert_cmpuint (gdci_plan_get_buffer_bytes (q), >, 100000000);
  g_clear_pointer (&q, gdci_plan_unref);

  /* a given chunk axis is kept, the free one sized by FIT: hdmf's 78125
   * rows, which no divisor of 1302083 is near, become an even split in 17
   * pieces of 76594 rows (15 rows of padding); 17 rows of chunks make 5
   * buffers of 4 rows, the last of 1 */
  q = plan_new (GDCI_PLAN_STRATEGY_FIT, GDCI_DTYPE_INT16, DEMO_SHAPE, 2, 10, -1,
                SHAPE (0, 64), NULL);
  assert_plan (q, SHAPE (76594, 64), SHAPE (306376, 384), 5);
  g_assert_cmpuint (gdci_plan_get_stored_bytes (q), ==,
                    gdci_plan_get_data_bytes (q) + 15 * 384 * 2);
}

static void
test_partial_refusals (void)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestIterator) it = NULL;

  /* chunk-mb with a partial chunk shape is one setting, with a full one
   * two */
  gdci_plan_settings_set_chunk_mb (settings, 5);
  gdci_plan_settings_set_chunk_shape (settings, SHAPE (0, 64), 2);
  plan = gdci_plan_new (GDCI_DTYPE_INT16, DEMO_SHAPE, 2, settings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_plan_get_chunk_shape (plan, NULL)[0], ==, 39062);
  g_clear_pointer (&plan, gdci_plan_unref);
  gdci_plan_settings_set_chunk_shape (settings, SHAPE (1000, 64), 2);
  plan = gdci_plan_new (GDCI_DTYPE_INT16, DEMO_SHAPE, 2, settings, &error);
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS);
  g_assert_null (plan);
  g_clear_error (&error);

  /* a shape with a negative axis is not partial: its 0 is not free */
  it = test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (1000, 384), 2, &error,
                          "buffer-shape", g_variant_new_parsed ("[int64 0, -384]"), NULL);
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE);
  g_assert_null (it);
  g_clear_error (&error);
  it = test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (1000, 384), 2, &error,
                          "buffer-shape", g_variant_new_parsed ("[int64 0, -384]"),
                          "buffer-gb", 0.01, NULL);
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS);
  g_assert_null (it);
  g_clear_error (&error);
  /* and with no negative axis, the 0 is free */
  it = test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (1000, 384), 2, &error,
                          "buffer-shape", g_variant_new_parsed ("[int64 0, 384]"),
                          "buffer-gb", 0.01, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (it);
}

/* ---- the memory of a write ---------------------------------------------- */

static void
test_memory (void)
{
  TestOutDir out;
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GdciPlan) one = NULL;
  g_autoptr(TestIterator) it = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total, buffer, ahead, scratch;
  GdciPlan *plan;

  /* one buffer: nothing read ahead */
  one = plan_new (GDCI_PLAN_STRATEGY_FIT, GDCI_DTYPE_INT16, SHAPE (3000, 37), 2,
                  -1, -1, NULL, NULL);
  g_assert_cmpuint (gdci_plan_get_n_buffers (one), ==, 1);
  total = gdci_h5_writer_estimate_memory (writer, one, &buffer, &ahead, &scratch);
  g_assert_cmpuint (buffer, ==, gdci_plan_get_buffer_bytes (one));
  g_assert_cmpuint (ahead, ==, 0);
  g_assert_cmpuint (total, ==, buffer + ahead + scratch);
  g_assert_cmpuint (gdci_h5_writer_estimate_memory (writer, one, NULL, NULL, NULL), ==, total);

  /* several: a second buffer read ahead */
  it = test_iterator_new (NULL, GDCI_DTYPE_INT16, SHAPE (3000, 37), 2, &error,
                          "plan-strategy", GDCI_PLAN_STRATEGY_FIT,
                          "chunk-mb", 0.01, "buffer-gb", 0.00005, NULL);
  g_assert_no_error (error);
  plan = gdci_chunk_iterator_get_plan (GDCI_CHUNK_ITERATOR (it));
  g_assert_cmpuint (gdci_plan_get_n_buffers (plan), >, 1);
  total = gdci_h5_writer_estimate_memory (writer, plan, &buffer, &ahead, &scratch);
  g_assert_cmpuint (buffer, ==, gdci_plan_get_buffer_bytes (plan));
  g_assert_cmpuint (ahead, ==, buffer);
  g_assert_cmpuint (total, ==, buffer + ahead + scratch);

  /* a byte under the estimate refuses the write before it makes a file */
  test_out_dir_init (&out, "gdci-plan-fit-XXXXXX");
  gdci_h5_writer_set_max_memory (writer, total - 1);
  g_assert_false (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), out.path,
                                        "/data", NULL, &error));
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_MEMORY_LIMIT);
  g_assert_nonnull (strstr (error->message, "two buffers"));
  g_assert_false (g_file_test (out.path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 0);
  g_assert_cmpuint (gdci_chunk_iterator_get_position (GDCI_CHUNK_ITERATOR (it)), ==, 0);
  g_clear_error (&error);

  /* the estimate itself is enough */
  gdci_h5_writer_set_max_memory (writer, total);
  g_assert_true (gdci_h5_writer_write (writer, GDCI_CHUNK_ITERATOR (it), out.path,
                                       "/data", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (out.path, G_FILE_TEST_IS_REGULAR));
  test_out_dir_clear (&out);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan-fit/fit-random", test_fit_random);
  g_test_add_func ("/plan-fit/fit-edges", test_fit_edges);
  g_test_add_func ("/plan-fit/hdmf-random", test_hdmf_random);
  g_test_add_func ("/plan-fit/measured-read", test_measured_read);
  g_test_add_func ("/plan-fit/partial-hdmf", test_partial_hdmf);
  g_test_add_func ("/plan-fit/partial-fit", test_partial_fit);
  g_test_add_func ("/plan-fit/partial-refusals", test_partial_refusals);
  g_test_add_func ("/plan-fit/memory", test_memory);

  return g_test_run ();
}
