/* test-h5-fill-util.c: datasets made with HDF5's own calls, as h5py and
 * hdmf make them, for the tests of a fill
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "test-h5-fill-util.h"

static hid_t
open_or_create (const char *path)
{
  hid_t file;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    file = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  else
    file = H5Fcreate (path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  return file;
}

static hid_t
make_dcpl (const TestDataset *spec)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);

  if (spec->chunk[0] != 0)
    g_assert_cmpint (H5Pset_chunk (dcpl, (int) spec->n_dims, spec->chunk), >=, 0);
  if (spec->scaleoffset)
    g_assert_cmpint (H5Pset_scaleoffset (dcpl, H5Z_SO_INT, H5Z_SO_INT_MINBITS_DEFAULT), >=, 0);
  if (spec->nbit)
    g_assert_cmpint (H5Pset_nbit (dcpl), >=, 0);
  if (spec->shuffle)
    g_assert_cmpint (H5Pset_shuffle (dcpl), >=, 0);
  if (spec->deflate != 0)
    g_assert_cmpint (H5Pset_deflate (dcpl, (unsigned) spec->deflate), >=, 0);
  if (spec->plugin != 0)
    g_assert_cmpint (H5Pset_filter (dcpl, spec->plugin,
                                    spec->plugin_required ? H5Z_FLAG_MANDATORY : H5Z_FLAG_OPTIONAL,
                                    spec->n_plugin_cd, spec->plugin_cd), >=, 0);
  if (spec->fletcher32)
    g_assert_cmpint (H5Pset_fletcher32 (dcpl), >=, 0);
  if (spec->fill_value)
    {
      int fill = -7;   /* converted to the dataset's type */
      g_assert_cmpint (H5Pset_fill_value (dcpl, H5T_NATIVE_INT, &fill), >=, 0);
    }
  return dcpl;
}

void
test_fill_make_dataset (const char        *path,
                        const char        *name,
                        const TestDataset *spec)
{
  hid_t file = open_or_create (path);
  hid_t dcpl = make_dcpl (spec);
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);
  hid_t space = H5Screate_simple ((int) spec->n_dims, spec->dims,
                                  spec->maxdims[0] != 0 ? spec->maxdims : NULL);
  hid_t dset;

  H5Pset_create_intermediate_group (lcpl, 1);
  dset = H5Dcreate2 (file, name, spec->type, space, lcpl, dcpl, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
  H5Pclose (lcpl);
  H5Pclose (dcpl);
  g_assert_cmpint (H5Fclose (file), >=, 0);
}

GBytes *
test_fill_read (const char *path,
                const char *name,
                hid_t       mem_type)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);
  hid_t space = H5Dget_space (dset);
  gsize n_bytes = (gsize) H5Sget_simple_extent_npoints (space) * H5Tget_size (mem_type);
  guint8 *values = g_malloc0 (MAX (n_bytes, 1));

  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dread (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return g_bytes_new_take (values, n_bytes);
}

static void
describe_type (GString *s,
               hid_t    type)
{
  g_string_append_printf (s, "type class %d size %zu order %d precision %zu sign %d; ",
                          (int) H5Tget_class (type), H5Tget_size (type), (int) H5Tget_order (type),
                          H5Tget_precision (type),
                          H5Tget_class (type) == H5T_INTEGER ? (int) H5Tget_sign (type) : -1);
}

static void
describe_storage (GString *s,
                  hid_t    dcpl,
                  hid_t    type)
{
  hsize_t chunk[H5S_MAX_RANK];
  int n_filters = H5Pget_nfilters (dcpl);
  H5D_fill_value_t defined;
  H5D_fill_time_t fill_time;
  H5D_alloc_time_t alloc_time;
  guint8 fill[64] = { 0 };

  g_string_append_printf (s, "layout %d; ", (int) H5Pget_layout (dcpl));
  if (H5Pget_layout (dcpl) == H5D_CHUNKED)
    {
      int rank = H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk);

      g_string_append (s, "chunk");
      for (int i = 0; i < rank; i++)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT, (guint64) chunk[i]);
      g_string_append (s, "; ");
    }
  for (int i = 0; i < n_filters; i++)
    {
      unsigned flags = 0, cd[32] = { 0 };
      size_t n_cd = G_N_ELEMENTS (cd);
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_cd, cd, 0, NULL, NULL);

      /* (HDF5 says how many there are, more than fit for scale-offset) */
      g_string_append_printf (s, "filter %d flags %u cd", (int) id, flags);
      for (size_t c = 0; c < MIN (n_cd, G_N_ELEMENTS (cd)); c++)
        g_string_append_printf (s, " %u", cd[c]);
      g_string_append (s, "; ");
    }
  g_assert_cmpint (H5Pfill_value_defined (dcpl, &defined), >=, 0);
  g_assert_cmpint (H5Pget_fill_time (dcpl, &fill_time), >=, 0);
  g_assert_cmpint (H5Pget_alloc_time (dcpl, &alloc_time), >=, 0);
  g_string_append_printf (s, "fill %d time %d alloc %d", (int) defined, (int) fill_time,
                          (int) alloc_time);
  if (defined != H5D_FILL_VALUE_UNDEFINED && H5Tget_size (type) <= sizeof fill)
    {
      g_assert_cmpint (H5Pget_fill_value (dcpl, type, fill), >=, 0);
      g_string_append (s, " value");
      for (size_t b = 0; b < H5Tget_size (type); b++)
        g_string_append_printf (s, " %02x", fill[b]);
    }
}

char *
test_fill_describe (const char *path,
                    const char *name)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);
  hid_t type = H5Dget_type (dset);
  hid_t space = H5Dget_space (dset);
  hid_t dcpl = H5Dget_create_plist (dset);
  hsize_t dims[H5S_MAX_RANK], maxdims[H5S_MAX_RANK];
  int rank = H5Sget_simple_extent_dims (space, dims, maxdims);
  GString *s = g_string_new (NULL);

  g_assert_cmpint (dset, >=, 0);
  describe_type (s, type);
  g_string_append (s, "shape");
  for (int i = 0; i < rank; i++)
    g_string_append_printf (s, " %" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT,
                            (guint64) dims[i],
                            maxdims[i] == H5S_UNLIMITED ? (gint64) -1 : (gint64) maxdims[i]);
  g_string_append (s, "; ");
  describe_storage (s, dcpl, type);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Tclose (type);
  H5Dclose (dset);
  H5Fclose (file);
  return g_string_free (s, FALSE);
}

hsize_t
test_fill_n_chunks (const char *path,
                    const char *name)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);
  /* (HDF5 1.10 takes no H5S_ALL here) */
  hid_t space = H5Dget_space (dset);
  hsize_t n = G_MAXUINT64;

  g_assert_cmpint (H5Dget_num_chunks (dset, space, &n), >=, 0);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return n;
}

void
test_fill_chunk_storage (const char    *path,
                         const char    *name,
                         const hsize_t *offset,
                         unsigned      *filter_mask,
                         hsize_t       *size)
{
  haddr_t address = HADDR_UNDEF;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);

  *filter_mask = G_MAXUINT;
  *size = 0;
  g_assert_cmpint (H5Dget_chunk_info_by_coord (dset, offset, filter_mask, &address, size), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
}

GdciChunkIterator *
test_fill_iterator (GBytes        *data,
                    GdciDtype      dtype,
                    const guint64 *shape,
                    guint          n_dims,
                    const char    *buffer_shape,
                    const char    *chunk_shape)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  GdciChunkIterator *it;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("at"));
  for (guint i = 0; i < n_dims; i++)
    g_variant_builder_add (&builder, "t", shape[i]);
  it = g_initable_new (GDCI_TYPE_ARRAY_ITERATOR, NULL, &error,
                       "data", data, "dtype", dtype,
                       "shape", g_variant_builder_end (&builder),
                       "buffer-shape", g_variant_new_parsed (buffer_shape),
                       "chunk-shape", g_variant_new_parsed (chunk_shape), NULL);
  g_assert_no_error (error);
  return it;
}

static void
on_progress (GdciH5Writer *writer, guint64 done, guint64 total, gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, last[0]);
  last[0] = done;
  last[1] = total;
}

gboolean
test_fill (const char         *path,
           const char         *name,
           GdciChunkIterator  *it,
           GdciCompression     compression,
           guint              *n_threads_used,
           GError            **error)
{
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  guint64 last[2] = { 0, 0 };   /* done, total */
  gboolean ok;

  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_FILL);
  gdci_h5_writer_set_compression (writer, compression);
  gdci_h5_writer_set_n_threads (writer, 2);
  g_signal_connect (writer, "progress", G_CALLBACK (on_progress), last);
  ok = gdci_h5_writer_write (writer, it, path, name, NULL, error);
  if (n_threads_used != NULL)
    *n_threads_used = gdci_h5_writer_get_n_threads_used (writer);
  if (ok)
    {
      guint n_dims;
      const guint64 *shape = gdci_chunk_iterator_get_full_shape (it, &n_dims);
      guint64 n_bytes = gdci_dtype_get_itemsize (gdci_chunk_iterator_get_dtype (it));

      for (guint i = 0; i < n_dims; i++)
        n_bytes *= shape[i];
      g_assert_cmpuint (last[1], ==, n_bytes);
      g_assert_cmpuint (last[0], ==, n_bytes);
    }
  return ok;
}

GBytes *
test_fill_recording (gsize   n,
                     guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint16 *v = g_new (gint16, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    v[i] = (gint16) (300 * sin (i / 40.0) + g_rand_int_range (rand, -20, 20));
  for (gsize i = 0; i < n; i += 97)
    v[i] = (i / 97) % 2 == 0 ? G_MININT16 : G_MAXINT16;
  return g_bytes_new_take (v, n * sizeof (gint16));
}
