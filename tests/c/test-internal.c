/* test-internal.c: the library's internal helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>

#include "gdci.h"
#include "gdci-shape-arg-private.h"
#include "gdci-shape-private.h"

static void
test_py_float_repr (void)
{
  /* what Python's repr() prints for each */
  static const struct { double v; const char *repr; } cases[] = {
    { 0.2, "0.2" }, { 1.0, "1.0" }, { -1.0, "-1.0" }, { 1e-5, "1e-05" },
    { 1e16, "1e+16" }, { 1234567890123456.0, "1234567890123456.0" },
    { 0.1 + 0.2, "0.30000000000000004" }, { 1e300, "1e+300" },
    { 5e-324, "5e-324" }, { 123.456, "123.456" }, { -0.0, "-0.0" },
    { 0.0, "0.0" }, { 0.0001, "0.0001" }, { 100.0, "100.0" },
    { 1.5e16, "1.5e+16" }, { 1e22, "1e+22" }, { 2.5e-7, "2.5e-07" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { 12345678901234567890.0, "1.2345678901234567e+19" }, { 0.001, "0.001" },
    { INFINITY, "inf" }, { -INFINITY, "-inf" }, { NAN, "nan" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = _gdci_format_py_float (cases[i].v);
      g_assert_cmpstr (s, ==, cases[i].repr);
    }
}

static void
test_tuple_format (void)
{
  guint64 two[] = { 2001, 384 };
  guint64 one[] = { 5 };
  g_autofree char *a = _gdci_format_tuple (two, 2);
  g_autofree char *b = _gdci_format_tuple (one, 1);
  g_autofree char *c = _gdci_format_tuple (one, 0);

  g_assert_cmpstr (a, ==, "(2001, 384)");
  g_assert_cmpstr (b, ==, "(5,)");
  g_assert_cmpstr (c, ==, "()");
}

static void
test_unset_marker (void)
{
  double unset = _gdci_unset_double ();

  g_assert_true (isnan (unset));
  g_assert_true (_gdci_double_is_unset (unset));
  g_assert_false (_gdci_double_is_unset (NAN));
  g_assert_false (_gdci_double_is_unset (-NAN));
  g_assert_false (_gdci_double_is_unset (0.0));
  g_assert_false (_gdci_double_is_unset (1.0));
}

static void
test_shape_arg (void)
{
  GdciShapeArg arg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_parsed ("[int64 -9223372036854775808, 7]"));
  g_autofree char *s = NULL;

  g_assert_true (_gdci_shape_arg_from_variant (v, "chunk_shape", &arg, &error));
  g_assert_no_error (error);
  s = _gdci_shape_arg_to_string (&arg);
  g_assert_cmpstr (s, ==, "(-9223372036854775808, 7)");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/internal/py-float-repr", test_py_float_repr);
  g_test_add_func ("/internal/tuple-format", test_tuple_format);
  g_test_add_func ("/internal/unset-marker", test_unset_marker);
  g_test_add_func ("/internal/shape-arg", test_shape_arg);

  return g_test_run ();
}
