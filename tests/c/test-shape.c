/* test-shape.c: hdmf's default chunk and buffer shapes
 *
 * The expected shapes were computed with hdmf's GenericDataChunkIterator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include <gdci/gdci.h>

typedef struct
{
  guint n_dims;
  guint64 maxshape[4];
  GdciDtype dtype;
  double chunk_mb;
  double buffer_gb;
  guint64 chunk[4];
  guint64 buffer[4];
} ShapeCase;

static const ShapeCase shape_cases[] = {
  /* the tutorial */
  { 2, { 20000, 5000 }, GDCI_DTYPE_INT32, 10.0, 0.2, { 3160, 790 }, { 12640, 3160 } },
  /* a 384-channel recording */
  { 2, { 30000000, 384 }, GDCI_DTYPE_INT16, 10.0, 1.0, { 625000, 8 }, { 6250000, 80 } },
  { 2, { 30000000, 384 }, GDCI_DTYPE_INT16, 1.0, 0.5, { 156250, 2 }, { 4375000, 56 } },
  { 1, { 1000 }, GDCI_DTYPE_FLOAT64, 10.0, 1.0, { 1000 }, { 1000 } },
  { 1, { 1000000000 }, GDCI_DTYPE_UINT8, 10.0, 1.0, { 10000000 }, { 1000000000 } },
  { 3, { 512, 512, 1000 }, GDCI_DTYPE_UINT16, 10.0, 1.0, { 170, 170, 170 }, { 512, 512, 680 } },
  { 4, { 7, 11, 13, 17 }, GDCI_DTYPE_FLOAT32, 0.001, 0.00001, { 3, 3, 3, 6 }, { 3, 3, 3, 6 } },
  { 3, { 1, 10000000, 3 }, GDCI_DTYPE_INT64, 10.0, 1.0, { 1, 107, 3 }, { 1, 7811, 3 } },
  { 2, { 12, 6 }, GDCI_DTYPE_INT16, 10.0, 1.0, { 12, 6 }, { 12, 6 } },
  { 2, { 100, 100 }, GDCI_DTYPE_INT8, 1e-6, 1.0, { 1, 1 }, { 100, 100 } },
  { 2, { 123456789, 987654321 }, GDCI_DTYPE_UINT16, 3.3, 0.7, { 454, 3632 }, { 6356, 50848 } },
  { 2, { 2000, 384 }, GDCI_DTYPE_INT16, 1e300, 1.0, { 2000, 384 }, { 2000, 384 } },
  /* products beyond 2^64 inside hdmf's loop, which Python's integers hold */
  { 4, { 1, 5000000, 5000000, 5000000 }, GDCI_DTYPE_INT16, 10.0, 1.0,
    { 1, 47, 47, 47 }, { 1, 376, 376, 376 } },
  /* axes beyond 2^53, where hdmf's int / int rounds to a double */
  { 3, { G_GUINT64_CONSTANT (1099511627776), 1048576, 3 }, GDCI_DTYPE_INT32, 10.0, 1.0,
    { 1048577, 1, 1 }, { 6291462, 6, 3 } },
  { 2, { G_GUINT64_CONSTANT (4611686018427400249), 3 }, GDCI_DTYPE_INT8, 1e12, 1e6,
    { 1000000000, 3 }, { G_GUINT64_CONSTANT (577000000000), 3 } },
  { 3, { G_GUINT64_CONSTANT (9223372036854775807), 7, 2 }, GDCI_DTYPE_UINT8, 5e12, 1e9,
    { G_GUINT64_CONSTANT (1537228672809129216), 1, 1 },
    { G_GUINT64_CONSTANT (1537228672809129216), 1, 1 } },
  { 2, { G_GUINT64_CONSTANT (9007199254740993), 3 }, GDCI_DTYPE_INT8, 1e13, 1e9,
    { G_GUINT64_CONSTANT (9007199254740993), 3 }, { G_GUINT64_CONSTANT (9007199254740993), 3 } },
  { 2, { 3, G_GUINT64_CONSTANT (4611686018427387904) }, GDCI_DTYPE_INT8, 1e6, 1e4,
    { 3, 1000000 }, { 3, G_GUINT64_CONSTANT (1825000000) } },
};

static void
test_default_shapes (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (shape_cases); c++)
    {
      const ShapeCase *sc = &shape_cases[c];
      g_autoptr(GError) error = NULL;
      g_autofree guint64 *chunk = NULL;
      g_autofree guint64 *buffer = NULL;
      guint n = 0;

      g_test_message ("case %u", c);
      chunk = gdci_default_chunk_shape (sc->maxshape, sc->n_dims, sc->dtype,
                                        sc->chunk_mb, &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, sc->n_dims);
      g_assert_cmpmem (chunk, n * sizeof (guint64), sc->chunk, sc->n_dims * sizeof (guint64));

      buffer = gdci_default_buffer_shape (sc->maxshape, sc->n_dims, chunk, n,
                                          sc->dtype, sc->buffer_gb, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (buffer, sc->n_dims * sizeof (guint64), sc->buffer,
                       sc->n_dims * sizeof (guint64));
    }
}

static void
assert_chunk_refused (const guint64 *maxshape, guint n_dims, GdciDtype dtype,
                      double chunk_mb, GQuark domain, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint64 *chunk =
    gdci_default_chunk_shape (maxshape, n_dims, dtype, chunk_mb, NULL, &error);

  g_assert_null (chunk);
  g_assert_error (error, domain, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_chunk_refusals (void)
{
  guint64 shape[] = { 2000, 384 };
  guint64 zero[] = { 2000, 0 };
  guint64 huge[] = { 5, G_GUINT64_CONSTANT (1) << 63 };

  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, -1.0, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
                        "chunk-mb must be greater than zero, not -1.0");
  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, 0.0, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
                        "chunk-mb must be greater than zero, not 0.0");
  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, NAN, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
                        "chunk-mb must be greater than zero, not nan");
  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, -INFINITY, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
                        "chunk-mb must be greater than zero, not -inf");
  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, INFINITY, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_SIZE_NOT_FINITE,
                        "chunk-mb inf is too large: give a finite size");
  assert_chunk_refused (shape, 2, GDCI_DTYPE_INT16, 1e305, GDCI_PLAN_ERROR,
                        GDCI_PLAN_ERROR_SIZE_NOT_FINITE,
                        "chunk-mb 1e+305 is too large: give a finite size");
  assert_chunk_refused (shape, 0, GDCI_DTYPE_INT16, 1.0, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                        "The data has no dimensions (shape ()): gdci needs at least one axis");
  assert_chunk_refused (zero, 2, GDCI_DTYPE_INT16, 1.0, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                        "The data shape (2000, 0) has an axis of length 0: there is nothing to iterate");
  assert_chunk_refused (huge, 2, GDCI_DTYPE_INT8, 1.0, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                        "The data shape (5, 9223372036854775808) has an axis longer than "
                        "2^63 - 1, the largest numpy and HDF5 tools handle");
  assert_chunk_refused (shape, 33, GDCI_DTYPE_INT8, 1.0, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                        "The data has 33 dimensions; gdci handles at most 32, as HDF5 does");
  assert_chunk_refused (shape, 2, (GdciDtype) 42, 1.0, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                        "42 is not a valid GdciDtype");
}

static void
test_zero_chunk (void)
{
  /* hdmf gives a chunk of zeros when chunk_mb is under one element, and
   * refuses it when computing the buffer */
  guint64 shape[] = { 100, 100 };
  g_autoptr(GError) error = NULL;
  g_autofree guint64 *chunk = gdci_default_chunk_shape (shape, 2, GDCI_DTYPE_INT16,
                                                        1e-6, NULL, &error);
  g_autofree guint64 *buffer = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (chunk[0], ==, 0);
  g_assert_cmpuint (chunk[1], ==, 0);

  buffer = gdci_default_buffer_shape (shape, 2, chunk, 2, GDCI_DTYPE_INT16, 1.0,
                                      NULL, &error);
  g_assert_null (buffer);
  g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE);
  g_assert_cmpstr (error->message, ==, "chunk-shape (0, 0) is not positive on axis 0");
}

static void
test_buffer_refusals (void)
{
  guint64 shape[] = { 2000, 384 };
  guint64 chunk[] = { 100, 384 };
  guint64 huge_shape[] = { G_GUINT64_CONSTANT (1) << 62, G_GUINT64_CONSTANT (1) << 62 };
  static const struct { double gb; int code; const char *message; } cases[] = {
    { -0.5, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE, "buffer-gb must be greater than zero, not -0.5" },
    { 0.0, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE, "buffer-gb must be greater than zero, not 0.0" },
    { NAN, GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE, "buffer-gb must be greater than zero, not nan" },
    { 1e300, GDCI_PLAN_ERROR_SIZE_NOT_FINITE, "buffer-gb 1e+300 is too large: give a finite size" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint64 *buffer =
        gdci_default_buffer_shape (shape, 2, chunk, 2, GDCI_DTYPE_INT16,
                                   cases[i].gb, NULL, &error);
      g_assert_null (buffer);
      g_assert_error (error, GDCI_PLAN_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree guint64 *buffer =
      gdci_default_buffer_shape (shape, 2, chunk, 1, GDCI_DTYPE_INT16, 1.0, NULL, &error);
    g_assert_null (buffer);
    g_assert_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_WRONG_RANK);
    g_assert_cmpstr (error->message, ==,
                     "chunk-shape has 1 axis but the data shape (2000, 384) has 2");
  }
  {
    /* a chunk of 2^124 elements does not fit in 64 bits */
    g_autoptr(GError) error = NULL;
    g_autofree guint64 *buffer =
      gdci_default_buffer_shape (huge_shape, 2, huge_shape, 2, GDCI_DTYPE_INT16, 1.0,
                                 NULL, &error);
    g_assert_null (buffer);
    g_assert_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW);
    g_assert_cmpstr (error->message, ==,
                     "The chunk shape (4611686018427387904, 4611686018427387904) of "
                     "int16 has more than 2^64 bytes");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shape/defaults", test_default_shapes);
  g_test_add_func ("/shape/chunk-refusals", test_chunk_refusals);
  g_test_add_func ("/shape/zero-chunk", test_zero_chunk);
  g_test_add_func ("/shape/buffer-refusals", test_buffer_refusals);

  return g_test_run ();
}
