/* gdci-serialize.c: serializing iterators, gdci_chunk_iterator_serialize()
 * and _deserialize(), and the GObject properties to and from GVariant
 * that they are made of
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-chunk-iterator.h"
#include "gdci-error.h"
#include "gdci-serialize-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-types-private.h"

#define SERIALIZE_FORMAT "(sua{sv})"
#define SERIALIZE_VERSION 1

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

/* ---- iterators ---------------------------------------------------------- */

/* Whether @name is a property of GdciChunkIterator itself, which a
 * source's own description may not override */
static gboolean
is_base_property (const char *name)
{
  GObjectClass *klass = g_type_class_ref (GDCI_TYPE_CHUNK_ITERATOR);
  GParamSpec *pspec = g_object_class_find_property (klass, name);
  gboolean base = pspec != NULL && pspec->owner_type == GDCI_TYPE_CHUNK_ITERATOR;

  g_type_class_unref (klass);
  return base;
}

/**
 * gdci_chunk_iterator_serialize:
 * @self: an iterator
 * @error: return location for a [struct@GLib.Error]
 *
 * Describes @self as a [struct@GLib.Variant] from which
 * [func@Gdci.ChunkIterator.deserialize] builds an equal iterator, in this
 * or another process: hdmf's pickling through `_to_dict()`. The variant
 * holds the type name, the buffer and chunk settings as they were given,
 * and the description of the data source that the subclass's
 * [vfunc@Gdci.ChunkIterator.serialize] returns. The iteration position is
 * not included: the new iterator starts at the first buffer.
 *
 * Fails with %GDCI_ERROR_NOT_SUPPORTED when the class does not implement
 * [vfunc@Gdci.ChunkIterator.serialize].
 *
 * Returns: (transfer full) (nullable): a variant of type `(sua{sv})`, or
 *   %NULL on error
 *
 * Since: 1.0
 */
GVariant *
gdci_chunk_iterator_serialize (GdciChunkIterator  *self,
                               GError            **error)
{
  static const char *const base_properties[] = {
    "display-progress", "progress-description", "buffer-shape", "chunk-shape",
    "plan-strategy", NULL
  };
  GdciChunkIteratorClass *klass;
  double buffer_gb, chunk_mb;
  g_autoptr(GVariant) source = NULL;
  g_autoptr(GVariant) base = NULL;
  g_auto(GVariantBuilder) builder =
    G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  klass = GDCI_CHUNK_ITERATOR_GET_CLASS (self);
  g_object_get (self, "buffer-gb", &buffer_gb, "chunk-mb", &chunk_mb, NULL);

  if (klass->serialize == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "%s cannot be serialized: it does not implement the "
                   "serialize() virtual method", G_OBJECT_TYPE_NAME (self));
      return NULL;
    }

  source = klass->serialize (self, error);
  if (source == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_FAILED,
                     "serialize() of %s returned nothing",
                     G_OBJECT_TYPE_NAME (self));
      return NULL;
    }
  /* transfer full: a floating variant is sunk, a binding's non-floating
   * one is taken as it is */
  g_variant_take_ref (source);
  if (!g_variant_is_of_type (source, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "serialize() of %s must return a variant of type a{sv}, "
                   "not '%s'", G_OBJECT_TYPE_NAME (self),
                   g_variant_get_type_string (source));
      return NULL;
    }

  /* the base settings: the sizes only when given, as their NaN marker does
   * not survive every transport */
  if (!_gdci_double_is_unset (buffer_gb))
    g_variant_builder_add (&builder, "{sv}", "buffer-gb",
                           g_variant_new_double (buffer_gb));
  if (!_gdci_double_is_unset (chunk_mb))
    g_variant_builder_add (&builder, "{sv}", "chunk-mb",
                           g_variant_new_double (chunk_mb));
  base = _gdci_properties_to_variant (G_OBJECT (self), base_properties, error);
  g_variant_iter_init (&iter, base);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_unref (value);
    }

  /* then the source's own, which may not override the base settings */
  g_variant_iter_init (&iter, source);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!is_base_property (key))
        g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_unref (value);
    }

  return g_variant_ref_sink (g_variant_new (SERIALIZE_FORMAT,
                                            G_OBJECT_TYPE_NAME (self),
                                            SERIALIZE_VERSION, &builder));
}

/**
 * gdci_chunk_iterator_deserialize:
 * @variant: a variant from [method@Gdci.ChunkIterator.serialize]
 * @error: return location for a [struct@GLib.Error]
 *
 * Builds and initializes an iterator from the output of
 * [method@Gdci.ChunkIterator.serialize]: hdmf's unpickling through
 * `_from_dict()`. The type it names must be registered in this process
 * (for a type defined in Python or JavaScript, define the class first).
 *
 * Fails with %GDCI_ERROR_INVALID_ARGUMENT when @variant is not a
 * serialized iterator or names a property the type does not have,
 * %GDCI_ERROR_NOT_FOUND when the type is not registered, and with whatever
 * error initializing the iterator gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or %NULL
 *   on error
 *
 * Since: 1.0
 */
GdciChunkIterator *
gdci_chunk_iterator_deserialize (GVariant  *variant,
                                 GError   **error)
{
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) values = NULL;
  g_autoptr(GObject) object = NULL;
  GObjectClass *klass;
  const char *type_name;
  guint32 version;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean ok = TRUE;
  GType type;

  g_return_val_if_fail (variant != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (SERIALIZE_FORMAT)))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "Not a serialized gdci iterator: expected a variant of type "
                   "'%s', got '%s'", SERIALIZE_FORMAT,
                   g_variant_get_type_string (variant));
      return NULL;
    }

  g_variant_get (variant, "(&su@a{sv})", &type_name, &version, &props);
  if (version != SERIALIZE_VERSION)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "The serialized iterator has format version %u; this "
                   "version of gdci reads version %d", version,
                   SERIALIZE_VERSION);
      return NULL;
    }

  _gdci_ensure_types ();
  type = g_type_from_name (type_name);
  if (type == 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                   "Unknown iterator type '%s': define or load it in this "
                   "process before deserializing", type_name);
      return NULL;
    }
  if (!g_type_is_a (type, GDCI_TYPE_CHUNK_ITERATOR) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an instantiable GdciChunkIterator type",
                   type_name);
      return NULL;
    }

  klass = g_type_class_ref (type);
  names = g_ptr_array_new ();
  values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);

  g_variant_iter_init (&iter, props);
  while (ok && g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;
      GParamSpec *pspec = g_object_class_find_property (klass, key);
      GValue gvalue = G_VALUE_INIT;

      if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "%s has no writable property '%s'", type_name, key);
          ok = FALSE;
        }
      else if (!_gdci_value_from_variant (pspec, value, &gvalue, error))
        {
          g_value_unset (&gvalue);
          ok = FALSE;
        }
      else
        {
          g_ptr_array_add (names, (gpointer) pspec->name);
          g_array_append_val (values, gvalue);
        }
    }

  if (ok)
    object = g_object_new_with_properties (type, names->len,
                                           (const char **) names->pdata,
                                           (const GValue *) (gpointer) values->data);
  g_type_class_unref (klass);
  if (object == NULL || !g_initable_init (G_INITABLE (object), NULL, error))
    return NULL;

  return GDCI_CHUNK_ITERATOR (g_steal_pointer (&object));
}
