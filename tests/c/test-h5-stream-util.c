/* test-h5-stream-util.c: GdciH5Stream's frames made up and read back with
 * HDF5's own calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gobject/gvaluecollector.h>
#include <string.h>

#include "test-h5-stream-util.h"
#include "test-h5-util.h"

#define MAX_PROPERTIES 32

GdciH5Stream *
stream_open (const char  *path,
             const char  *dataset,
             GdciDtype    dtype,
             const char  *frame_shape,
             GError     **error,
             const char  *first_property_name,
             ...)
{
  GObjectClass *klass = g_type_class_ref (GDCI_TYPE_H5_STREAM);
  const char *names[MAX_PROPERTIES] = { "filename", "dataset-path", "dtype", "frame-shape" };
  GValue values[MAX_PROPERTIES] = { G_VALUE_INIT };
  guint n = 4;
  GObject *object;
  va_list args;

  g_value_set_string (g_value_init (&values[0], G_TYPE_STRING), path);
  g_value_set_string (g_value_init (&values[1], G_TYPE_STRING), dataset);
  g_value_set_enum (g_value_init (&values[2], GDCI_TYPE_DTYPE), dtype);
  g_value_set_variant (g_value_init (&values[3], G_TYPE_VARIANT),
                       g_variant_new_parsed (frame_shape));

  va_start (args, first_property_name);
  for (const char *name = first_property_name; name != NULL; name = va_arg (args, const char *))
    {
      GParamSpec *pspec = g_object_class_find_property (klass, name);
      g_autofree char *collect_error = NULL;

      g_assert_nonnull (pspec);
      g_assert_cmpuint (n, <, MAX_PROPERTIES);
      G_VALUE_COLLECT_INIT (&values[n], pspec->value_type, args, 0, &collect_error);
      g_assert_null (collect_error);
      names[n++] = name;
    }
  va_end (args);

  object = g_object_new_with_properties (GDCI_TYPE_H5_STREAM, n, names, values);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
  g_type_class_unref (klass);
  if (!g_initable_init (G_INITABLE (object), NULL, error))
    {
      g_object_unref (object);
      return NULL;
    }
  return GDCI_H5_STREAM (object);
}

void
expected_value (GdciDtype  dtype,
                guint64    k,
                guint8    *dst)
{
  /* a hash of k: neighbours differ in every byte, and no two frames are
   * alike, whatever the type's size */
  guint64 h = (k + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  h ^= h >> 29;
  switch (dtype)
    {
    case GDCI_DTYPE_FLOAT32:
      {
        /* 24 bits: exact in a float */
        float v = (float) ((gint32) (h >> 40) - (1 << 23)) / 4.0f;
        memcpy (dst, &v, sizeof v);
      }
      break;
    case GDCI_DTYPE_FLOAT64:
      {
        double v = (double) (gint64) (h >> 11) / -1048576.0;
        memcpy (dst, &v, sizeof v);
      }
      break;
    case GDCI_DTYPE_INT8:
    case GDCI_DTYPE_UINT8:
      *dst = (guint8) h;
      break;
    case GDCI_DTYPE_INT16:
    case GDCI_DTYPE_UINT16:
      {
        guint16 v = (guint16) h;
        memcpy (dst, &v, sizeof v);
      }
      break;
    case GDCI_DTYPE_INT32:
    case GDCI_DTYPE_UINT32:
      {
        guint32 v = (guint32) h;
        memcpy (dst, &v, sizeof v);
      }
      break;
    case GDCI_DTYPE_INT64:
    case GDCI_DTYPE_UINT64:
    default:
      memcpy (dst, &h, sizeof h);
      break;
    }
}

GBytes *
make_frames (GdciDtype dtype,
             gsize     frame_elements,
             guint64   first,
             guint64   n)
{
  gsize itemsize = gdci_dtype_get_itemsize (dtype);
  gsize n_elements = frame_elements * n;
  guint8 *data = g_malloc (MAX (n_elements * itemsize, 1));

  for (gsize i = 0; i < n_elements; i++)
    expected_value (dtype, first * frame_elements + i, data + i * itemsize);
  return g_bytes_new_take (data, n_elements * itemsize);
}

void
append_frames (GdciH5Stream *stream,
               guint64       first,
               guint64       n)
{
  GdciDtype dtype = gdci_h5_stream_get_dtype (stream);
  gsize frame_elements = gdci_h5_stream_get_frame_bytes (stream) / gdci_dtype_get_itemsize (dtype);
  g_autoptr(GBytes) frames = make_frames (dtype, frame_elements, first, n);
  g_autoptr(GError) error = NULL;
  guint64 before = gdci_h5_stream_get_frames_appended (stream);

  g_assert_true (gdci_h5_stream_append (stream, frames, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, before + n);
}

void
read_back_clear (ReadBack *r)
{
  g_clear_pointer (&r->data, g_free);
}

static void
read_filters (hid_t     dcpl,
              ReadBack *r)
{
  int n_filters = H5Pget_nfilters (dcpl);

  g_assert_cmpint (n_filters, >=, 0);
  g_assert_cmpint (n_filters, <=, READ_BACK_MAX_FILTERS);
  r->n_filters = (guint) n_filters;
  for (guint i = 0; i < r->n_filters; i++)
    {
      unsigned int flags = 0;

      r->n_cd[i] = G_N_ELEMENTS (r->cd[i]);
      r->filters[i] = H5Pget_filter2 (dcpl, i, &flags, &r->n_cd[i], r->cd[i], 0, NULL, NULL);
      g_assert_cmpint (r->filters[i], >=, 0);
    }
}

void
read_back (const char   *path,
           const char   *dataset,
           GdciDtype     dtype,
           unsigned int  flags,
           ReadBack     *r)
{
  hid_t file, dset, space, dcpl, type, native;
  gsize n_elements = 1;

  memset (r, 0, sizeof *r);
  file = H5Fopen (path, flags, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  dset = H5Dopen2 (file, dataset, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);

  type = H5Dget_type (dset);
  g_assert_cmpint (H5Tequal (type, test_h5_file_type (dtype, G_BYTE_ORDER == G_BIG_ENDIAN)),
                   >, 0);
  space = H5Dget_space (dset);
  r->n_dims = (guint) H5Sget_simple_extent_ndims (space);
  g_assert_cmpint (H5Sget_simple_extent_dims (space, r->dims, NULL), ==, (int) r->n_dims);

  dcpl = H5Dget_create_plist (dset);
  g_assert_cmpint (H5Pget_layout (dcpl), ==, H5D_CHUNKED);
  g_assert_cmpint (H5Pget_chunk (dcpl, GDCI_MAX_DIMS, r->chunk), ==, (int) r->n_dims);
  read_filters (dcpl, r);

  for (guint i = 0; i < r->n_dims; i++)
    n_elements *= r->dims[i];
  r->n_bytes = n_elements * gdci_dtype_get_itemsize (dtype);
  r->data = g_malloc0 (MAX (r->n_bytes, 1));
  native = H5Tget_native_type (type, H5T_DIR_DEFAULT);
  if (n_elements > 0)
    g_assert_cmpint (H5Dread (dset, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->data), >=, 0);

  H5Tclose (native);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Tclose (type);
  H5Dclose (dset);
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

void
assert_frames (const ReadBack *r,
               GdciDtype       dtype,
               const guint64  *frame_shape,
               guint           n_frame_dims,
               guint64         n_frames)
{
  gsize itemsize = gdci_dtype_get_itemsize (dtype);
  gsize n_elements = n_frames;
  guint8 want[8];

  g_assert_cmpuint (r->n_dims, ==, 1 + n_frame_dims);
  g_assert_cmpuint (r->dims[0], ==, n_frames);
  for (guint i = 0; i < n_frame_dims; i++)
    {
      g_assert_cmpuint (r->dims[1 + i], ==, frame_shape[i]);
      n_elements *= frame_shape[i];
    }
  g_assert_cmpuint (r->n_bytes, ==, n_elements * itemsize);
  for (gsize k = 0; k < n_elements; k++)
    {
      expected_value (dtype, k, want);
      if (memcmp (r->data + k * itemsize, want, itemsize) != 0)
        {
          g_test_message ("element %" G_GSIZE_FORMAT " (frame %" G_GSIZE_FORMAT ") differs", k,
                          k / MAX (n_elements / MAX (n_frames, 1), 1));
          g_assert_cmpmem (r->data + k * itemsize, itemsize, want, itemsize);
        }
    }
}

void
assert_file_frames (const char    *path,
                    const char    *dataset,
                    GdciDtype      dtype,
                    const guint64 *frame_shape,
                    guint          n_frame_dims,
                    guint64        n_frames)
{
  g_auto(ReadBack) r = { 0 };

  read_back (path, dataset, dtype, H5F_ACC_RDONLY, &r);
  assert_frames (&r, dtype, frame_shape, n_frame_dims, n_frames);
}

void
assert_chunk (const ReadBack *r,
              const guint64  *chunk,
              guint           n_dims)
{
  g_assert_cmpuint (r->n_dims, ==, n_dims);
  for (guint i = 0; i < n_dims; i++)
    g_assert_cmpuint (r->chunk[i], ==, chunk[i]);
}

static const gint32 other_values[4][3] = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, { 9, 10, 11 } };

void
make_other_file (const char *path,
                 gboolean    latest_format)
{
  hsize_t dims[2] = { 4, 3 };
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  hid_t file, space, dset, group;

  if (latest_format)
    g_assert_cmpint (H5Pset_libver_bounds (fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), >=, 0);
  file = H5Fcreate (path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  g_assert_cmpint (file, >=, 0);
  space = H5Screate_simple (2, dims, NULL);
  dset = H5Dcreate2 (file, "/other", H5T_NATIVE_INT32, space, H5P_DEFAULT, H5P_DEFAULT,
                     H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             other_values), >=, 0);
  group = H5Gcreate2 (file, "/group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (group, >=, 0);
  H5Gclose (group);
  H5Dclose (dset);
  H5Sclose (space);
  H5Pclose (fapl);
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

void
assert_other_dataset (const char *path)
{
  gint32 values[4][3] = { { 0 } };
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset;

  g_assert_cmpint (file, >=, 0);
  dset = H5Dopen2 (file, "/other", H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dread (dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values),
                   >=, 0);
  g_assert_cmpmem (values, sizeof values, other_values, sizeof other_values);
  H5Dclose (dset);
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

gboolean
file_has_link (const char *path,
               const char *name)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  htri_t exists;

  g_assert_cmpint (file, >=, 0);
  exists = H5Lexists (file, name, H5P_DEFAULT);
  g_assert_cmpint (exists, >=, 0);
  g_assert_cmpint (H5Fclose (file), >=, 0);
  return exists > 0;
}
