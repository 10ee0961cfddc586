/* gdci-serialize.c: GObject properties to and from GVariant, for
 * gdci_chunk_iterator_serialize() and _deserialize()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-error.h"
#include "gdci-serialize-private.h"

static GVariant *
value_to_variant (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      return g_variant_new_boolean (g_value_get_boolean (value));
    case G_TYPE_INT:
      return g_variant_new_int32 (g_value_get_int (value));
    case G_TYPE_UINT:
      return g_variant_new_uint32 (g_value_get_uint (value));
    case G_TYPE_INT64:
      return g_variant_new_int64 (g_value_get_int64 (value));
    case G_TYPE_UINT64:
      return g_variant_new_uint64 (g_value_get_uint64 (value));
    case G_TYPE_DOUBLE:
      return g_variant_new_double (g_value_get_double (value));
    case G_TYPE_STRING:
      return g_value_get_string (value) != NULL
        ? g_variant_new_string (g_value_get_string (value)) : NULL;
    case G_TYPE_ENUM:
      {
        GEnumClass *klass = g_type_class_peek (type);
        GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));
        return ev != NULL ? g_variant_new_string (ev->value_nick) : NULL;
      }
    case G_TYPE_VARIANT:
      return g_value_get_variant (value);
    case G_TYPE_BOXED:
      if (type == G_TYPE_BYTES && g_value_get_boxed (value) != NULL)
        return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                         g_value_get_boxed (value), TRUE);
      if (type == G_TYPE_STRV && g_value_get_boxed (value) != NULL)
        return g_variant_new_strv (g_value_get_boxed (value), -1);
      return NULL;
    default:
      return NULL;
    }
}

GVariant *
_gdci_properties_to_variant (GObject            *object,
                             const char * const *names,
                             GError            **error)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (object);
  g_auto(GVariantBuilder) builder =
    G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  for (guint i = 0; names[i] != NULL; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, names[i]);
      g_auto(GValue) value = G_VALUE_INIT;
      GVariant *v;

      g_assert (pspec != NULL);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (object, names[i], &value);
      v = value_to_variant (&value);
      /* unset values (NULL strings, no bytes) are left out */
      if (v != NULL)
        g_variant_builder_add (&builder, "{sv}", names[i], v);
    }
  return g_variant_builder_end (&builder);
}

static gboolean
wrong_type (GParamSpec  *pspec,
            GVariant    *variant,
            GError     **error)
{
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
               "Property '%s' of type %s cannot be set from a value of "
               "GVariant type '%s'", pspec->name,
               g_type_name (pspec->value_type),
               g_variant_get_type_string (variant));
  return FALSE;
}

static gboolean
variant_to_int64 (GVariant *variant,
                  gint64   *out)
{
  switch (g_variant_classify (variant))
    {
    case G_VARIANT_CLASS_BYTE: *out = g_variant_get_byte (variant); return TRUE;
    case G_VARIANT_CLASS_INT16: *out = g_variant_get_int16 (variant); return TRUE;
    case G_VARIANT_CLASS_UINT16: *out = g_variant_get_uint16 (variant); return TRUE;
    case G_VARIANT_CLASS_INT32: *out = g_variant_get_int32 (variant); return TRUE;
    case G_VARIANT_CLASS_UINT32: *out = g_variant_get_uint32 (variant); return TRUE;
    case G_VARIANT_CLASS_INT64: *out = g_variant_get_int64 (variant); return TRUE;
    case G_VARIANT_CLASS_UINT64:
      if (g_variant_get_uint64 (variant) > G_MAXINT64)
        return FALSE;
      *out = (gint64) g_variant_get_uint64 (variant);
      return TRUE;
    default: return FALSE;
    }
}

gboolean
_gdci_value_from_variant (GParamSpec  *pspec,
                          GVariant    *variant,
                          GValue      *value,
                          GError     **error)
{
  GType type = pspec->value_type;
  gint64 i = 0;

  g_value_init (value, type);
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_BOOLEAN))
        return wrong_type (pspec, variant, error);
      g_value_set_boolean (value, g_variant_get_boolean (variant));
      break;
    case G_TYPE_INT:
      if (!variant_to_int64 (variant, &i) || i < G_MININT || i > G_MAXINT)
        return wrong_type (pspec, variant, error);
      g_value_set_int (value, (int) i);
      break;
    case G_TYPE_UINT:
      if (!variant_to_int64 (variant, &i) || i < 0 || i > G_MAXUINT)
        return wrong_type (pspec, variant, error);
      g_value_set_uint (value, (guint) i);
      break;
    case G_TYPE_INT64:
      if (!variant_to_int64 (variant, &i))
        return wrong_type (pspec, variant, error);
      g_value_set_int64 (value, i);
      break;
    case G_TYPE_UINT64:
      if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT64))
        g_value_set_uint64 (value, g_variant_get_uint64 (variant));
      else if (variant_to_int64 (variant, &i) && i >= 0)
        g_value_set_uint64 (value, (guint64) i);
      else
        return wrong_type (pspec, variant, error);
      break;
    case G_TYPE_DOUBLE:
      if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_DOUBLE))
        return wrong_type (pspec, variant, error);
      g_value_set_double (value, g_variant_get_double (variant));
      break;
    case G_TYPE_STRING:
      if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
        return wrong_type (pspec, variant, error);
      g_value_set_string (value, g_variant_get_string (variant, NULL));
      break;
    case G_TYPE_ENUM:
      {
        GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
        GEnumValue *ev = NULL;

        if (g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
          {
            const char *s = g_variant_get_string (variant, NULL);
            ev = g_enum_get_value_by_nick (klass, s);
            if (ev == NULL)
              ev = g_enum_get_value_by_name (klass, s);
          }
        else if (variant_to_int64 (variant, &i) && i >= G_MININT && i <= G_MAXINT)
          ev = g_enum_get_value (klass, (int) i);
        else
          return wrong_type (pspec, variant, error);

        if (ev == NULL)
          {
            g_autofree char *text = g_variant_print (variant, FALSE);
            g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                         "%s is not a value of %s (property '%s')", text,
                         g_type_name (type), pspec->name);
            return FALSE;
          }
        g_value_set_enum (value, ev->value);
      }
      break;
    case G_TYPE_VARIANT:
      g_value_set_variant (value, variant);
      break;
    case G_TYPE_BOXED:
      if (type == G_TYPE_BYTES &&
          g_variant_is_of_type (variant, G_VARIANT_TYPE_BYTESTRING))
        g_value_take_boxed (value, g_variant_get_data_as_bytes (variant));
      else if (type == G_TYPE_STRV &&
               g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING_ARRAY))
        g_value_take_boxed (value, g_variant_dup_strv (variant, NULL));
      else
        return wrong_type (pspec, variant, error);
      break;
    default:
      return wrong_type (pspec, variant, error);
    }
  return TRUE;
}
