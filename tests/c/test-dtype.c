/* test-dtype.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gdci/gdci.h>

static void
test_itemsize_and_names (void)
{
  static const struct { GdciDtype dtype; gsize size; const char *name; } cases[] = {
    { GDCI_DTYPE_INT8, 1, "int8" }, { GDCI_DTYPE_UINT8, 1, "uint8" },
    { GDCI_DTYPE_INT16, 2, "int16" }, { GDCI_DTYPE_UINT16, 2, "uint16" },
    { GDCI_DTYPE_INT32, 4, "int32" }, { GDCI_DTYPE_UINT32, 4, "uint32" },
    { GDCI_DTYPE_INT64, 8, "int64" }, { GDCI_DTYPE_UINT64, 8, "uint64" },
    { GDCI_DTYPE_FLOAT32, 4, "float32" }, { GDCI_DTYPE_FLOAT64, 8, "float64" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GdciDtype parsed;
      g_autoptr(GError) error = NULL;

      g_assert_true (gdci_dtype_is_valid (cases[i].dtype));
      g_assert_cmpuint (gdci_dtype_get_itemsize (cases[i].dtype), ==, cases[i].size);
      g_assert_cmpstr (gdci_dtype_to_string (cases[i].dtype), ==, cases[i].name);
      g_assert_true (gdci_dtype_from_string (cases[i].name, &parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpint (parsed, ==, cases[i].dtype);
    }
  g_assert_false (gdci_dtype_is_valid (-1));
  g_assert_false (gdci_dtype_is_valid (GDCI_DTYPE_FLOAT64 + 1));
}

static void
test_from_string_forms (void)
{
  static const struct { const char *str; GdciDtype dtype; } cases[] = {
    { "<i2", GDCI_DTYPE_INT16 }, { "i2", GDCI_DTYPE_INT16 },
    { "=i2", GDCI_DTYPE_INT16 }, { "|u1", GDCI_DTYPE_UINT8 },
    { "|i1", GDCI_DTYPE_INT8 }, { "u1", GDCI_DTYPE_UINT8 },
    { ">u1", GDCI_DTYPE_UINT8 },  /* one byte: no byte order to speak of */
    { "<u2", GDCI_DTYPE_UINT16 }, { "<i4", GDCI_DTYPE_INT32 },
    { "<u4", GDCI_DTYPE_UINT32 }, { "<i8", GDCI_DTYPE_INT64 },
    { "<u8", GDCI_DTYPE_UINT64 }, { "<f4", GDCI_DTYPE_FLOAT32 },
    { "f8", GDCI_DTYPE_FLOAT64 }, { "<f8", GDCI_DTYPE_FLOAT64 },
    { "float", GDCI_DTYPE_FLOAT64 }, { "double", GDCI_DTYPE_FLOAT64 },
    { "single", GDCI_DTYPE_FLOAT32 }, { "short", GDCI_DTYPE_INT16 },
    { "ushort", GDCI_DTYPE_UINT16 }, { "byte", GDCI_DTYPE_INT8 },
    { "ubyte", GDCI_DTYPE_UINT8 }, { "intc", GDCI_DTYPE_INT32 },
    { "longlong", GDCI_DTYPE_INT64 }, { "ulonglong", GDCI_DTYPE_UINT64 },
    { "h", GDCI_DTYPE_INT16 }, { "<h", GDCI_DTYPE_INT16 }, { "H", GDCI_DTYPE_UINT16 },
    { "b", GDCI_DTYPE_INT8 }, { "B", GDCI_DTYPE_UINT8 },
    { "i", GDCI_DTYPE_INT32 }, { "I", GDCI_DTYPE_UINT32 },
    { "q", GDCI_DTYPE_INT64 }, { "Q", GDCI_DTYPE_UINT64 },
    { "f", GDCI_DTYPE_FLOAT32 }, { "d", GDCI_DTYPE_FLOAT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GdciDtype parsed = -1;
      g_autoptr(GError) error = NULL;

      g_test_message ("parsing %s", cases[i].str);
      g_assert_true (gdci_dtype_from_string (cases[i].str, &parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpint (parsed, ==, cases[i].dtype);
    }
}

static void
test_from_string_refusals (void)
{
  static const struct { const char *str; int code; const char *fragment; } cases[] = {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
    { ">i2", GDCI_ERROR_NOT_SUPPORTED, "big-endian" },
    { "!i4", GDCI_ERROR_NOT_SUPPORTED, "big-endian" },
    { ">f8", GDCI_ERROR_NOT_SUPPORTED, "big-endian" },
#endif
    { "complex64", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "complex128", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "<c8", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "c16", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "F", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "float16", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "<f2", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "e", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "bool", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "?", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "|b1", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "U10", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "object", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "f16", GDCI_ERROR_NOT_SUPPORTED, "not supported" },
    { "", GDCI_ERROR_INVALID_ARGUMENT, "Unknown data type ''" },
    { "<", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "int17", GDCI_ERROR_INVALID_ARGUMENT, "Unknown data type 'int17'" },
    { "i3", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "i2x", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "i0002", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "Int16", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { " int16", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "<int16", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
    { "x", GDCI_ERROR_INVALID_ARGUMENT, "Unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GdciDtype parsed = GDCI_DTYPE_UINT32;
      g_autoptr(GError) error = NULL;

      g_test_message ("refusing '%s'", cases[i].str);
      g_assert_false (gdci_dtype_from_string (cases[i].str, &parsed, &error));
      g_assert_error (error, GDCI_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
}

static void
test_enum_type (void)
{
  GEnumClass *klass = g_type_class_ref (GDCI_TYPE_DTYPE);
  GEnumValue *v = g_enum_get_value_by_nick (klass, "float32");

  g_assert_nonnull (v);
  g_assert_cmpint (v->value, ==, GDCI_DTYPE_FLOAT32);
  g_assert_cmpuint (klass->n_values, ==, 10);
  g_type_class_unref (klass);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dtype/itemsize-and-names", test_itemsize_and_names);
  g_test_add_func ("/dtype/from-string/forms", test_from_string_forms);
  g_test_add_func ("/dtype/from-string/refusals", test_from_string_refusals);
  g_test_add_func ("/dtype/enum-type", test_enum_type);

  return g_test_run ();
}
