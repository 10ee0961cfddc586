/* gdci-dtype.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-dtype.h"
#include "gdci-error.h"

#define SUPPORTED_LIST \
  "int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32 and float64"

static const struct {
  const char *name;
  char kind;
  gsize itemsize;
} dtype_info[] = {
  [GDCI_DTYPE_INT8] = { "int8", 'i', 1 },
  [GDCI_DTYPE_UINT8] = { "uint8", 'u', 1 },
  [GDCI_DTYPE_INT16] = { "int16", 'i', 2 },
  [GDCI_DTYPE_UINT16] = { "uint16", 'u', 2 },
  [GDCI_DTYPE_INT32] = { "int32", 'i', 4 },
  [GDCI_DTYPE_UINT32] = { "uint32", 'u', 4 },
  [GDCI_DTYPE_INT64] = { "int64", 'i', 8 },
  [GDCI_DTYPE_UINT64] = { "uint64", 'u', 8 },
  [GDCI_DTYPE_FLOAT32] = { "float32", 'f', 4 },
  [GDCI_DTYPE_FLOAT64] = { "float64", 'f', 8 },
};

/**
 * gdci_dtype_is_valid:
 * @dtype: a value that may be a [enum@Gdci.Dtype]
 *
 * Whether @dtype is one of the values of [enum@Gdci.Dtype]. Useful to check
 * a value that came from outside the program, or from a subclass written in
 * another language.
 *
 * Returns: true if @dtype is a valid [enum@Gdci.Dtype]
 *
 * Since: 1.0
 */
gboolean
gdci_dtype_is_valid (int dtype)
{
  return dtype >= GDCI_DTYPE_INT8 && dtype <= GDCI_DTYPE_FLOAT64;
}

/**
 * gdci_dtype_get_itemsize:
 * @dtype: a [enum@Gdci.Dtype]
 *
 * The size of one element of @dtype in bytes, as numpy's `dtype.itemsize`.
 *
 * Returns: the size in bytes, or 0 if @dtype is not valid
 *
 * Since: 1.0
 */
gsize
gdci_dtype_get_itemsize (GdciDtype dtype)
{
  g_return_val_if_fail (gdci_dtype_is_valid (dtype), 0);

  return dtype_info[dtype].itemsize;
}

/**
 * gdci_dtype_to_string:
 * @dtype: a [enum@Gdci.Dtype]
 *
 * The numpy name of @dtype, such as `"int16"` or `"float64"`.
 *
 * Returns: (transfer none) (nullable): the name, or %NULL if @dtype is not
 *   valid
 *
 * Since: 1.0
 */
const char *
gdci_dtype_to_string (GdciDtype dtype)
{
  g_return_val_if_fail (gdci_dtype_is_valid (dtype), NULL);

  return dtype_info[dtype].name;
}

static gboolean
dtype_from_kind_size (char kind, gsize size, GdciDtype *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (dtype_info); i++)
    {
      if (dtype_info[i].kind == kind && dtype_info[i].itemsize == size)
        {
          *out = (GdciDtype) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* numpy's other names for the supported types, on this platform's C sizes */
static gboolean
dtype_from_alias (const char *str, GdciDtype *out)
{
  static const struct {
    const char *name;
    char kind;
    gsize size;
  } aliases[] = {
    { "byte", 'i', 1 }, { "ubyte", 'u', 1 },
    { "short", 'i', sizeof (short) }, { "ushort", 'u', sizeof (short) },
    { "intc", 'i', sizeof (int) }, { "uintc", 'u', sizeof (int) },
    { "int", 'i', sizeof (long) }, { "int_", 'i', sizeof (long) },
    { "uint", 'u', sizeof (long) },
    { "long", 'i', sizeof (long) }, { "ulong", 'u', sizeof (long) },
    { "longlong", 'i', sizeof (long long) },
    { "ulonglong", 'u', sizeof (long long) },
    { "intp", 'i', sizeof (gpointer) }, { "uintp", 'u', sizeof (gpointer) },
    { "single", 'f', 4 }, { "float", 'f', 8 }, { "double", 'f', 8 },
    { "float_", 'f', 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (aliases[i].name, str) == 0)
      return dtype_from_kind_size (aliases[i].kind, aliases[i].size, out);
  return FALSE;
}

/* numpy's one-character type codes */
static gboolean
dtype_from_char_code (char code, GdciDtype *out)
{
  static const struct {
    char code;
    char kind;
    gsize size;
  } codes[] = {
    { 'b', 'i', 1 }, { 'B', 'u', 1 },
    { 'h', 'i', sizeof (short) }, { 'H', 'u', sizeof (short) },
    { 'i', 'i', sizeof (int) }, { 'I', 'u', sizeof (int) },
    { 'l', 'i', sizeof (long) }, { 'L', 'u', sizeof (long) },
    { 'q', 'i', sizeof (long long) }, { 'Q', 'u', sizeof (long long) },
    { 'p', 'i', sizeof (gpointer) }, { 'P', 'u', sizeof (gpointer) },
    { 'f', 'f', 4 }, { 'd', 'f', 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].code == code)
      return dtype_from_kind_size (codes[i].kind, codes[i].size, out);
  return FALSE;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Types numpy knows that gdci deliberately does not handle. */
static gboolean
is_known_unsupported (const char *body)
{
  static const char *const names[] = {
    "bool", "bool_", "bool8", "float16", "half", "longdouble", "float128",
    "float96", "complex", "complex64", "complex128", "complex256", "csingle",
    "cdouble", "clongdouble", "str", "str_", "unicode", "bytes", "bytes_",
    "object", "object_", "void", "datetime64", "timedelta64",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (names[i], body) == 0)
      return TRUE;

  /* one-character codes and type strings of other kinds: "?", "e", "c8",
   * "U10", "b1" (boolean) */
  if (body[1] == '\0' || all_digits (body + 1))
    {
      if (strchr ("?egFDGSUaOVMmc", body[0]) != NULL)
        return TRUE;
      if (body[0] == 'b' && body[1] != '\0')
        return TRUE;
    }
  return FALSE;
}

/**
 * gdci_dtype_from_string:
 * @str: a numpy data type name or type string
 * @dtype: (out): return location for the data type
 * @error: return location for a [struct@GLib.Error]
 *
 * Parses a data type as numpy users write it: a name (`"int16"`,
 * `"float64"`, also numpy's aliases such as `"short"` or `"double"`), a type
 * string (`"<i2"`, `"i2"`, `"f8"`, `"|u1"`) or a one-character code
 * (`"h"`, `"d"`).
 *
 * A byte order other than this machine's (`">i2"` on a little-endian
 * machine) fails with %GDCI_ERROR_NOT_SUPPORTED, as do types numpy knows but
 * gdci does not handle (complex, boolean, half-precision, strings). Anything
 * else fails with %GDCI_ERROR_INVALID_ARGUMENT.
 *
 * Returns: (skip): true on success, false with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
gdci_dtype_from_string (const char  *str,
                        GdciDtype   *dtype,
                        GError     **error)
{
  const char *body;
  char order = '\0';
  gboolean foreign_order;

  g_return_val_if_fail (str != NULL, FALSE);
  g_return_val_if_fail (dtype != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* plain numpy names */
  for (guint i = 0; i < G_N_ELEMENTS (dtype_info); i++)
    {
      if (strcmp (dtype_info[i].name, str) == 0)
        {
          *dtype = (GdciDtype) i;
          return TRUE;
        }
    }
  if (dtype_from_alias (str, dtype))
    return TRUE;

  body = str;
  if (*body != '\0' && strchr ("<>=|!", *body) != NULL)
    order = *body++;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  foreign_order = (order == '>' || order == '!');
#else
  foreign_order = (order == '<');
#endif

  if (*body == '\0')
    goto unknown;

  if (is_known_unsupported (body))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "Data type '%s' is not supported: gdci handles "
                   SUPPORTED_LIST, str);
      return FALSE;
    }

  /* type string: kind letter and item size in bytes */
  if (strchr ("iuf", body[0]) != NULL && body[1] != '\0')
    {
      const char *digits = body + 1;
      guint64 size = 0;

      if (!all_digits (digits) || strlen (digits) > 2)
        goto unknown;
      size = g_ascii_strtoull (digits, NULL, 10);
      if (!dtype_from_kind_size (body[0], size, dtype))
        {
          if (size == 1 || size == 2 || size == 4 || size == 8 || size == 16)
            {
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                           "Data type '%s' is not supported: gdci handles "
                           SUPPORTED_LIST, str);
              return FALSE;
            }
          goto unknown;
        }
    }
  else if (body[1] == '\0')
    {
      if (!dtype_from_char_code (body[0], dtype))
        goto unknown;
    }
  else
    goto unknown;

  if (foreign_order && gdci_dtype_get_itemsize (*dtype) > 1)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "Data type '%s' is %s-endian: gdci handles data in this "
                   "machine's byte order (%s-endian) only",
                   str,
                   G_BYTE_ORDER == G_LITTLE_ENDIAN ? "big" : "little",
                   G_BYTE_ORDER == G_LITTLE_ENDIAN ? "little" : "big");
      return FALSE;
    }
  return TRUE;

unknown:
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
               "Unknown data type '%s': use a numpy name such as 'int16' or "
               "a type string such as '<i2' (gdci handles " SUPPORTED_LIST ")",
               str);
  return FALSE;
}
