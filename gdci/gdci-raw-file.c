/* gdci-raw-file.c: what the memmap and pread sources share: the properties
 * describing a raw array file, opening and checking it against the shape,
 * and its byte layout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-raw-file-private.h"

enum {
  RAW_PROP_PATH,
  RAW_PROP_DTYPE,
  RAW_PROP_SHAPE,
  RAW_PROP_OFFSET,
  RAW_PROP_ORDER,
  N_RAW_PROPS
};

void
_gdci_raw_file_install_properties (GObjectClass *klass,
                                   guint         first_prop_id)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (klass, first_prop_id + RAW_PROP_PATH,
    g_param_spec_string ("path", NULL, NULL, NULL, flags));
  g_object_class_install_property (klass, first_prop_id + RAW_PROP_DTYPE,
    g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE, GDCI_DTYPE_INT16, flags));
  g_object_class_install_property (klass, first_prop_id + RAW_PROP_SHAPE,
    g_param_spec_variant ("shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL, flags));
  g_object_class_install_property (klass, first_prop_id + RAW_PROP_OFFSET,
    g_param_spec_uint64 ("offset", NULL, NULL, 0, G_MAXUINT64, 0, flags));
  g_object_class_install_property (klass, first_prop_id + RAW_PROP_ORDER,
    g_param_spec_enum ("order", NULL, NULL, GDCI_TYPE_ORDER, GDCI_ORDER_C, flags));
}

gboolean
_gdci_raw_file_set_property (GdciRawFile  *raw,
                             guint         prop_id,
                             const GValue *value)
{
  switch (prop_id)
    {
    case RAW_PROP_PATH:
      g_free (raw->path);
      raw->path = g_value_dup_string (value);
      return TRUE;
    case RAW_PROP_DTYPE:
      raw->dtype = g_value_get_enum (value);
      return TRUE;
    case RAW_PROP_SHAPE:
      g_clear_pointer (&raw->shape_arg, g_variant_unref);
      raw->shape_arg = g_value_dup_variant (value);
      return TRUE;
    case RAW_PROP_OFFSET:
      raw->offset = g_value_get_uint64 (value);
      return TRUE;
    case RAW_PROP_ORDER:
      raw->order = g_value_get_enum (value);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_gdci_raw_file_get_property (GdciRawFile *raw,
                             guint        prop_id,
                             GValue      *value)
{
  switch (prop_id)
    {
    case RAW_PROP_PATH:
      g_value_set_string (value, raw->path);
      return TRUE;
    case RAW_PROP_DTYPE:
      g_value_set_enum (value, raw->dtype);
      return TRUE;
    case RAW_PROP_SHAPE:
      g_value_set_variant (value, raw->shape_arg);
      return TRUE;
    case RAW_PROP_OFFSET:
      g_value_set_uint64 (value, raw->offset);
      return TRUE;
    case RAW_PROP_ORDER:
      g_value_set_enum (value, raw->order);
      return TRUE;
    default:
      return FALSE;
    }
}

void
_gdci_raw_file_clear (GdciRawFile *raw)
{
  if (raw->fd >= 0)
    close (raw->fd);
  raw->fd = -1;
  g_clear_pointer (&raw->path, g_free);
  g_clear_pointer (&raw->shape_arg, g_variant_unref);
}

void
_gdci_raw_file_init (GdciRawFile *raw)
{
  memset (raw, 0, sizeof *raw);
  raw->fd = -1;
  raw->dtype = GDCI_DTYPE_INT16;
  raw->order = GDCI_ORDER_C;
}

static gboolean
open_error (const char  *path,
            int          saved_errno,
            GError     **error)
{
  g_set_error (error, GDCI_ERROR,
               saved_errno == ENOENT ? GDCI_ERROR_NOT_FOUND : GDCI_ERROR_IO,
               saved_errno == ENOENT ? "'%s' does not exist" :
               "Could not open '%s': %s", path, g_strerror (saved_errno));
  return FALSE;
}

gboolean
_gdci_raw_file_open (GdciRawFile  *raw,
                     GError      **error)
{
  GdciShapeArg arg;
  struct stat st;
  gsize itemsize;
  guint64 row_bytes;
  guint64 available;
  int infer = -1;
  g_autofree char *shape_s = NULL;

  if (raw->path == NULL || *raw->path == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file given: set the path property");
      return FALSE;
    }
  if (!gdci_dtype_is_valid (raw->dtype))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciDtype", raw->dtype);
      return FALSE;
    }
  if (raw->order != GDCI_ORDER_C && raw->order != GDCI_ORDER_F)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciOrder", raw->order);
      return FALSE;
    }
  if (raw->shape_arg == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "No shape given for '%s': set the shape property", raw->path);
      return FALSE;
    }
  if (!_gdci_shape_arg_from_variant (raw->shape_arg, "shape", &arg, error))
    return FALSE;
  shape_s = _gdci_shape_arg_to_string (&arg);
  if (arg.n_dims == 0)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "The shape () has no dimensions: gdci needs at least "
                           "one axis");
      return FALSE;
    }
  for (guint i = 0; i < arg.n_dims; i++)
    {
      if (arg.negative[i])
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The shape %s has a negative axis; give 0 for the one "
                       "axis to infer from the file size", shape_s);
          return FALSE;
        }
      if (arg.value[i] == 0)
        {
          if (infer >= 0)
            {
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "The shape %s has more than one axis to infer from "
                           "the file size; only one may be", shape_s);
              return FALSE;
            }
          infer = (int) i;
        }
    }

  raw->fd = open (raw->path, O_RDONLY | O_CLOEXEC);
  if (raw->fd < 0)
    return open_error (raw->path, errno, error);
  if (fstat (raw->fd, &st) != 0)
    return open_error (raw->path, errno, error);
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is a directory, not a raw data file", raw->path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a regular file", raw->path);
      return FALSE;
    }
  raw->file_size = (guint64) st.st_size;

  if (raw->offset > raw->file_size)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The offset %" G_GUINT64_FORMAT " is past the end of '%s' "
                   "(%" G_GUINT64_FORMAT " bytes)", raw->offset, raw->path,
                   raw->file_size);
      return FALSE;
    }
  available = raw->file_size - raw->offset;
  itemsize = gdci_dtype_get_itemsize (raw->dtype);

  /* the bytes of one index along the inferred axis, or of the whole data */
  row_bytes = itemsize;
  for (guint i = 0; i < arg.n_dims; i++)
    {
      if ((int) i != infer &&
          !g_uint64_checked_mul (&row_bytes, row_bytes, arg.value[i]))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                       "The shape %s of %s has more than 2^64 bytes",
                       shape_s, gdci_dtype_to_string (raw->dtype));
          return FALSE;
        }
    }

  raw->n_dims = arg.n_dims;
  memcpy (raw->shape, arg.value, arg.n_dims * sizeof (guint64));

  if (infer >= 0)
    {
      if (available % row_bytes != 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                       "'%s' has %" G_GUINT64_FORMAT " bytes after the "
                       "%" G_GUINT64_FORMAT "-byte offset, which is not a whole "
                       "number of %" G_GUINT64_FORMAT "-byte steps of axis %d of "
                       "shape %s of %s", raw->path, available, raw->offset,
                       row_bytes, infer, shape_s,
                       gdci_dtype_to_string (raw->dtype));
          return FALSE;
        }
      if (available == 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                       "'%s' has no data after the %" G_GUINT64_FORMAT "-byte "
                       "offset (%" G_GUINT64_FORMAT " bytes in all)",
                       raw->path, raw->offset, raw->file_size);
          return FALSE;
        }
      raw->shape[infer] = available / row_bytes;
      raw->data_bytes = available;
    }
  else
    {
      raw->data_bytes = row_bytes;
      if (raw->data_bytes > available)
        {
          guint64 needed;
          g_autofree char *needed_s =
            g_uint64_checked_add (&needed, raw->offset, raw->data_bytes)
              ? g_strdup_printf ("%" G_GUINT64_FORMAT, needed)
              : g_strdup_printf ("more than %" G_GUINT64_FORMAT, G_MAXUINT64);

          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                       "'%s' is %" G_GUINT64_FORMAT " bytes, but offset "
                       "%" G_GUINT64_FORMAT " + shape %s of %s needs %s bytes",
                       raw->path, raw->file_size, raw->offset, shape_s,
                       gdci_dtype_to_string (raw->dtype), needed_s);
          return FALSE;
        }
    }

  if (raw->order == GDCI_ORDER_C)
    _gdci_c_strides (raw->shape, raw->n_dims, itemsize, raw->strides);
  else
    _gdci_f_strides (raw->shape, raw->n_dims, itemsize, raw->strides);
  return TRUE;
}

GArray *
_gdci_raw_file_get_maxshape (GdciRawFile *raw)
{
  return _gdci_shape_array_new (raw->shape, raw->n_dims);
}

GVariant *
_gdci_raw_file_serialize (GdciRawFile *raw)
{
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GEnumValue *order = g_enum_get_value (g_type_class_peek (GDCI_TYPE_ORDER), raw->order);

  g_variant_builder_add (&b, "{sv}", "path", g_variant_new_string (raw->path));
  g_variant_builder_add (&b, "{sv}", "dtype",
                         g_variant_new_string (gdci_dtype_to_string (raw->dtype)));
  /* the shape as found, with an inferred axis resolved */
  g_variant_builder_add (&b, "{sv}", "shape",
                         _gdci_shape_variant_new (raw->shape, raw->n_dims));
  g_variant_builder_add (&b, "{sv}", "offset", g_variant_new_uint64 (raw->offset));
  g_variant_builder_add (&b, "{sv}", "order", g_variant_new_string (order->value_nick));
  return g_variant_builder_end (&b);
}

gboolean
_gdci_raw_file_check_size (GdciRawFile  *raw,
                           guint64       needed_end,
                           GError      **error)
{
  struct stat st;

  if (fstat (raw->fd, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s",
                   raw->path, g_strerror (saved_errno));
      return FALSE;
    }
  if ((guint64) st.st_size < needed_end)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "'%s' was truncated while being read: it is now "
                   "%" G_GUINT64_FORMAT " bytes, and %" G_GUINT64_FORMAT
                   " bytes are needed", raw->path, (guint64) st.st_size,
                   needed_end);
      return FALSE;
    }
  return TRUE;
}

void
_gdci_raw_file_selection_span (GdciRawFile         *raw,
                               const GdciSelection *selection,
                               guint64             *first,
                               guint64             *end)
{
  gsize itemsize = gdci_dtype_get_itemsize (raw->dtype);
  guint64 lo = raw->offset;
  guint64 hi = raw->offset;

  /* strides are positive, so the first and last elements of the box are at
   * its first and last corners */
  for (guint i = 0; i < raw->n_dims; i++)
    {
      lo += gdci_selection_get_start (selection, i) * (guint64) raw->strides[i];
      hi += (gdci_selection_get_stop (selection, i) - 1) * (guint64) raw->strides[i];
    }
  *first = lo;
  *end = hi + itemsize;
}

/* Axes from the slowest-varying in the file to the fastest. */
static void
file_axis_order (GdciRawFile *raw,
                 guint       *perm)
{
  for (guint j = 0; j < raw->n_dims; j++)
    perm[j] = raw->order == GDCI_ORDER_C ? j : raw->n_dims - 1 - j;
}

gboolean
_gdci_raw_file_foreach_strip (GdciRawFile          *raw,
                              const GdciSelection  *selection,
                              gsize                 budget,
                              GdciStripFunc         func,
                              gpointer              user_data,
                              GError              **error)
{
  guint n = raw->n_dims;
  gsize itemsize = gdci_dtype_get_itemsize (raw->dtype);
  g_autofree guint64 *extent = gdci_selection_get_shape (selection, NULL);
  gint64 dst_strides[GDCI_MAX_DIMS];
  guint64 unit[GDCI_MAX_DIMS];
  guint64 index[GDCI_MAX_DIMS] = { 0 };   /* relative to the selection */
  guint perm[GDCI_MAX_DIMS];
  guint k;

  file_axis_order (raw, perm);
  _gdci_c_strides (extent, n, itemsize, dst_strides);

  /* unit[j]: the bytes one index of file axis perm[j] spans, from its first
   * selected element to its last. Strips run along the slowest axis whose
   * unit fits in the budget, as many consecutive indices of it as fit. */
  unit[n - 1] = itemsize;
  for (guint j = n - 1; j-- > 0;)
    {
      guint a = perm[j + 1];
      unit[j] = unit[j + 1] + (extent[a] - 1) * (guint64) raw->strides[a];
    }
  for (k = 0; k + 1 < n && unit[k] > budget; k++)
    ;

  for (;;)
    {
      guint a_k = perm[k];
      guint64 stride_k = (guint64) raw->strides[a_k];
      guint64 per_strip = unit[k] >= budget ? 1 : 1 + (budget - unit[k]) / stride_k;
      guint64 count = MIN (per_strip, extent[a_k] - index[a_k]);
      guint64 position = raw->offset;
      guint64 dst_offset = 0;
      guint64 strip_extent[GDCI_MAX_DIMS];
      int j;

      for (guint a = 0; a < n; a++)
        {
          position += (gdci_selection_get_start (selection, a) + index[a]) *
                      (guint64) raw->strides[a];
          dst_offset += index[a] * (guint64) dst_strides[a];
          strip_extent[a] = extent[a];
        }
      for (guint jj = 0; jj < k; jj++)
        strip_extent[perm[jj]] = 1;
      strip_extent[a_k] = count;

      if (!func (raw, position, (gsize) ((count - 1) * stride_k + unit[k]),
                 strip_extent, dst_offset, user_data, error))
        return FALSE;

      /* the next strip: along axis k, then odometer over the slower axes */
      index[a_k] += count;
      if (index[a_k] < extent[a_k])
        continue;
      index[a_k] = 0;
      for (j = (int) k - 1; j >= 0; j--)
        {
          if (++index[perm[j]] < extent[perm[j]])
            break;
          index[perm[j]] = 0;
        }
      if (j < 0)
        return TRUE;
    }
}

gpointer
_gdci_raw_file_new_iterator (GType           type,
                             const char     *path,
                             GdciDtype       dtype,
                             const guint64  *shape,
                             guint           n_dims,
                             guint64         offset,
                             GdciOrder       order,
                             GError        **error)
{
  return g_initable_new (type, NULL, error,
                         "path", path, "dtype", dtype,
                         "shape", _gdci_shape_variant_new (shape, n_dims),
                         "offset", offset, "order", order, NULL);
}
