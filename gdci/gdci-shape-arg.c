/* gdci-shape-arg.c: shapes as callers give them, and their checks and formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "gdci-error.h"
#include "gdci-shape-arg-private.h"

#define UNSET_DOUBLE_BITS G_GUINT64_CONSTANT (0x7ff8000067646369) /* "gdci" */

double
_gdci_unset_double (void)
{
  guint64 bits = UNSET_DOUBLE_BITS;
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

gboolean
_gdci_double_is_unset (double value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  return bits == UNSET_DOUBLE_BITS;
}

char *
_gdci_format_py_float (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char digits[32];
  guint n_digits = 0;
  int exponent;
  int decpt;
  const char *p;
  GString *out;

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  if (value == 0.0)
    return g_strdup (signbit (value) ? "-0.0" : "0.0");

  /* the shortest digits that read back as the same double, as repr() */
  for (int precision = 0; precision <= 16; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* buf is [-]D[.DDD]e(+|-)XX */
  p = buf;
  out = g_string_new (NULL);
  if (*p == '-')
    {
      g_string_append_c (out, '-');
      p++;
    }
  for (; *p != 'e'; p++)
    if (g_ascii_isdigit (*p) && n_digits < sizeof digits - 1)
      digits[n_digits++] = *p;
  exponent = (int) g_ascii_strtoll (p + 1, NULL, 10);
  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;
  digits[n_digits] = '\0';

  decpt = exponent + 1;
  if (decpt > -4 && decpt <= 16)
    {
      if (decpt <= 0)
        {
          g_string_append (out, "0.");
          for (int i = 0; i < -decpt; i++)
            g_string_append_c (out, '0');
          g_string_append (out, digits);
        }
      else if ((guint) decpt >= n_digits)
        {
          g_string_append (out, digits);
          for (guint i = n_digits; i < (guint) decpt; i++)
            g_string_append_c (out, '0');
          g_string_append (out, ".0");
        }
      else
        {
          g_string_append_len (out, digits, decpt);
          g_string_append_c (out, '.');
          g_string_append (out, digits + decpt);
        }
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (n_digits > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+',
                              ABS (exponent));
    }
  return g_string_free (out, FALSE);
}

static char *
format_tuple (const guint64  *values,
              const gboolean *negative,
              guint           n_dims)
{
  GString *s = g_string_new ("(");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%s%" G_GUINT64_FORMAT, i > 0 ? ", " : "",
                            negative != NULL && negative[i] ? "-" : "",
                            values[i]);
  if (n_dims == 1)
    g_string_append_c (s, ',');
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

char *
_gdci_format_tuple (const guint64 *values,
                    guint          n_dims)
{
  return format_tuple (values, NULL, n_dims);
}

char *
_gdci_shape_arg_to_string (const GdciShapeArg *arg)
{
  return format_tuple (arg->value, arg->negative, arg->n_dims);
}

void
_gdci_shape_arg_from_u64 (GdciShapeArg  *arg,
                          const guint64 *values,
                          guint          n_dims)
{
  g_assert (n_dims <= GDCI_MAX_DIMS);

  memset (arg, 0, sizeof *arg);
  arg->n_dims = n_dims;
  memcpy (arg->value, values, n_dims * sizeof (guint64));
}

static gboolean
child_to_integer (GVariant *child,
                  guint64  *magnitude,
                  gboolean *negative)
{
  gint64 s;

  *negative = FALSE;
  switch (g_variant_classify (child))
    {
    case G_VARIANT_CLASS_BYTE:
      *magnitude = g_variant_get_byte (child);
      return TRUE;
    case G_VARIANT_CLASS_UINT16:
      *magnitude = g_variant_get_uint16 (child);
      return TRUE;
    case G_VARIANT_CLASS_UINT32:
      *magnitude = g_variant_get_uint32 (child);
      return TRUE;
    case G_VARIANT_CLASS_UINT64:
      *magnitude = g_variant_get_uint64 (child);
      return TRUE;
    case G_VARIANT_CLASS_INT16:
      s = g_variant_get_int16 (child);
      break;
    case G_VARIANT_CLASS_INT32:
      s = g_variant_get_int32 (child);
      break;
    case G_VARIANT_CLASS_INT64:
      s = g_variant_get_int64 (child);
      break;
    case G_VARIANT_CLASS_VARIANT:
      {
        g_autoptr(GVariant) inner = g_variant_get_variant (child);
        return child_to_integer (inner, magnitude, negative);
      }
    default:
      return FALSE;
    }

  *negative = s < 0;
  /* -(s + 1) + 1 avoids overflowing on G_MININT64 */
  *magnitude = s < 0 ? (guint64) (-(s + 1)) + 1 : (guint64) s;
  return TRUE;
}

gboolean
_gdci_shape_arg_from_variant (GVariant      *variant,
                              const char    *name,
                              GdciShapeArg  *arg,
                              GError       **error)
{
  GVariantIter iter;
  GVariant *child;
  gsize n;

  memset (arg, 0, sizeof *arg);

  if (!g_variant_is_container (variant) ||
      g_variant_is_of_type (variant, G_VARIANT_TYPE_DICTIONARY) ||
      g_variant_is_of_type (variant, G_VARIANT_TYPE_VARIANT) ||
      g_variant_is_of_type (variant, G_VARIANT_TYPE_MAYBE))
    goto bad_type;

  n = g_variant_n_children (variant);
  if (n > GDCI_MAX_DIMS)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s has %" G_GSIZE_FORMAT " dimensions; gdci handles at "
                   "most %d, as HDF5 does", name, n, GDCI_MAX_DIMS);
      return FALSE;
    }

  g_variant_iter_init (&iter, variant);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      gboolean ok = child_to_integer (child, &arg->value[arg->n_dims],
                                      &arg->negative[arg->n_dims]);
      g_variant_unref (child);
      if (!ok)
        goto bad_type;
      arg->n_dims++;
    }
  return TRUE;

bad_type:
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
               "%s must be a sequence of integers (GVariant type 'at'), "
               "not of type '%s'", name, g_variant_get_type_string (variant));
  memset (arg, 0, sizeof *arg);
  return FALSE;
}

GVariant *
_gdci_shape_variant_new (const guint64 *shape,
                         guint          n_dims)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, shape, n_dims,
                                    sizeof (guint64));
}

GArray *
_gdci_shape_array_new (const guint64 *shape,
                       guint          n_dims)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n_dims);

  g_array_append_vals (array, shape, n_dims);
  return array;
}

gboolean
_gdci_check_maxshape (const guint64 *maxshape,
                      guint          n_dims,
                      GError       **error)
{
  g_autofree char *shape = NULL;

  if (n_dims == 0)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "The data has no dimensions (shape ()): gdci needs "
                           "at least one axis");
      return FALSE;
    }
  if (n_dims > GDCI_MAX_DIMS)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The data has %u dimensions; gdci handles at most %d, as "
                   "HDF5 does", n_dims, GDCI_MAX_DIMS);
      return FALSE;
    }

  shape = _gdci_format_tuple (maxshape, n_dims);
  for (guint i = 0; i < n_dims; i++)
    {
      if (maxshape[i] == 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The data shape %s has an axis of length 0: there is "
                       "nothing to iterate", shape);
          return FALSE;
        }
      if (maxshape[i] > (guint64) G_MAXINT64)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The data shape %s has an axis longer than 2^63 - 1, "
                       "the largest numpy and HDF5 tools handle", shape);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_gdci_shape_n_bytes (const guint64 *shape,
                     guint          n_dims,
                     GdciDtype      dtype,
                     guint64       *n_bytes)
{
  guint64 n = gdci_dtype_get_itemsize (dtype);

  for (guint i = 0; i < n_dims; i++)
    if (!g_uint64_checked_mul (&n, n, shape[i]))
      return FALSE;
  *n_bytes = n;
  return TRUE;
}
