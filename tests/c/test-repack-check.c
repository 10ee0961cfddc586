/* test-repack-check.c: what the tests of GdciRepacker check of a repack's
 * output, read with HDF5
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-repack-check.h"
#include "test-repack-util.h"

/* The numeric datasets, whose values a repack keeps */
const char *const test_repack_numeric[TEST_REPACK_N_NUMERIC] = {
  "/data/int16", "/data/float32", "/data/contig", "/data/small", "/data/typed",
  "/ordered/alpha",
};

/* ---- datasets -------------------------------------------------------------- */

GBytes *
test_repack_read_values (hid_t       file,
                         const char *path)
{
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t type = H5Dget_type (dset);
  hid_t native = H5Tget_native_type (type, H5T_DIR_DEFAULT);
  hid_t space = H5Dget_space (dset);
  hssize_t n = H5Sget_simple_extent_npoints (space);
  gsize n_bytes;
  guint8 *values;

  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (n, >=, 0);
  n_bytes = (gsize) n * H5Tget_size (native);
  values = g_malloc0 (MAX (n_bytes, 1));
  g_assert_cmpint (H5Dread (dset, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Sclose (space);
  H5Tclose (native);
  H5Tclose (type);
  H5Dclose (dset);
  return g_bytes_new_take (values, n_bytes);
}

void
test_repack_assert_same_values (hid_t       in,
                                hid_t       out,
                                const char *path)
{
  g_autoptr(GBytes) want = test_repack_read_values (in, path);
  g_autoptr(GBytes) got = test_repack_read_values (out, path);
  gsize n_want, n_got;
  const guint8 *w = g_bytes_get_data (want, &n_want);
  const guint8 *g = g_bytes_get_data (got, &n_got);

  g_assert_cmpuint (n_got, ==, n_want);
  g_assert_cmpmem (g, n_got, w, n_want);
}

static guint8 *
read_chunk (hid_t          dset,
            const hsize_t *offset,
            hsize_t        size,
            unsigned      *mask)
{
  guint8 *bytes = g_malloc (MAX (size, 1));
  uint32_t filters = 0;

  g_assert_cmpint (H5Dread_chunk (dset, H5P_DEFAULT, offset, &filters, bytes), >=, 0);
  *mask = filters;
  return bytes;
}

void
test_repack_assert_same_chunks (hid_t       in,
                                hid_t       out,
                                const char *path)
{
  hid_t from = H5Dopen2 (in, path, H5P_DEFAULT);
  hid_t to = H5Dopen2 (out, path, H5P_DEFAULT);
  hid_t space = H5Dget_space (from);
  hid_t out_space = H5Dget_space (to);
  hsize_t n_in = 0, n_out = 0;

  g_assert_cmpint (from, >=, 0);
  g_assert_cmpint (to, >=, 0);
  /* HDF5 1.10 takes no H5S_ALL here */
  g_assert_cmpint (H5Dget_num_chunks (from, space, &n_in), >=, 0);
  g_assert_cmpint (H5Dget_num_chunks (to, out_space, &n_out), >=, 0);
  g_assert_cmpuint (n_in, >, 0);
  g_assert_cmpuint (n_out, ==, n_in);
  for (hsize_t i = 0; i < n_in; i++)
    {
      hsize_t offset[H5S_MAX_RANK], size_in = 0, size_out = 0;
      unsigned mask_in = 0, mask_out = 0, read_in, read_out;
      haddr_t addr;
      g_autofree guint8 *a = NULL, *b = NULL;

      g_assert_cmpint (H5Dget_chunk_info (from, space, i, offset, &mask_in, &addr, &size_in),
                       >=, 0);
      g_assert_cmpint (H5Dget_chunk_info_by_coord (to, offset, &mask_out, &addr, &size_out),
                       >=, 0);
      g_assert_cmpuint (addr, !=, HADDR_UNDEF);
      g_assert_cmpuint (mask_out, ==, mask_in);
      g_assert_cmpuint (size_out, ==, size_in);
      a = read_chunk (from, offset, size_in, &read_in);
      b = read_chunk (to, offset, size_out, &read_out);
      g_assert_cmpuint (read_out, ==, read_in);
      g_assert_cmpmem (b, (gsize) size_out, a, (gsize) size_in);
    }
  H5Sclose (out_space);
  H5Sclose (space);
  H5Dclose (to);
  H5Dclose (from);
}

guint
test_repack_get_filters (hid_t         file,
                         const char   *path,
                         H5Z_filter_t *ids,
                         guint         max)
{
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist (dset);
  int n = H5Pget_nfilters (dcpl);

  g_assert_cmpint (n, >=, 0);
  g_assert_cmpint (n, <=, (int) max);
  for (int i = 0; i < n; i++)
    {
      unsigned flags, config, values[16];
      size_t n_values = G_N_ELEMENTS (values);

      ids[i] = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_values, values, 0, NULL, &config);
      g_assert_cmpint (ids[i], >=, 0);
    }
  H5Pclose (dcpl);
  H5Dclose (dset);
  return (guint) n;
}

void
test_repack_assert_filters (hid_t               file,
                            const char         *path,
                            guint               n,
                            const H5Z_filter_t *want)
{
  H5Z_filter_t ids[16];
  guint n_got = test_repack_get_filters (file, path, ids, G_N_ELEMENTS (ids));

  g_assert_cmpuint (n_got, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (ids[i], ==, want[i]);
}

H5D_layout_t
test_repack_get_layout (hid_t       file,
                        const char *path,
                        hsize_t    *chunk)
{
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist (dset);
  H5D_layout_t layout = H5Pget_layout (dcpl);

  g_assert_cmpint (dset, >=, 0);
  if (layout == H5D_CHUNKED && chunk != NULL)
    g_assert_cmpint (H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk), >, 0);
  H5Pclose (dcpl);
  H5Dclose (dset);
  return layout;
}

void
test_repack_assert_chunk (hid_t          file,
                          const char    *path,
                          guint          n,
                          const hsize_t *want)
{
  hsize_t chunk[H5S_MAX_RANK];
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist (dset);

  g_assert_cmpint (H5Pget_layout (dcpl), ==, H5D_CHUNKED);
  g_assert_cmpint (H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk), ==, (int) n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (chunk[i], ==, want[i]);
  H5Pclose (dcpl);
  H5Dclose (dset);
}

static char *
describe_filters (hid_t       file,
                  const char *path)
{
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist (dset);
  int n = H5Pget_nfilters (dcpl);
  GString *s = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    {
      unsigned flags, config, values[16];
      size_t n_values = G_N_ELEMENTS (values);
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_values, values, 0, NULL,
                                        &config);

      g_string_append_printf (s, "%d/%u:", (int) id, flags);
      for (size_t v = 0; v < MIN (n_values, G_N_ELEMENTS (values)); v++)
        g_string_append_printf (s, " %u", values[v]);
      g_string_append (s, ";");
    }
  H5Pclose (dcpl);
  H5Dclose (dset);
  return g_string_free (s, FALSE);
}

void
test_repack_assert_same_filters (hid_t       in,
                                 hid_t       out,
                                 const char *path)
{
  g_autofree char *want = describe_filters (in, path);
  g_autofree char *got = describe_filters (out, path);

  g_assert_cmpstr (got, ==, want);
}

/* ---- the structure: links, types, references, attributes --------------------- */

static herr_t
describe_link (hid_t             group,
               const char       *name,
               const H5L_info_t *info,
               void             *data)
{
  GString *s = data;

  g_string_append_printf (s, "%s:%d", name, (int) info->type);
  if (info->type == H5L_TYPE_HARD)
    {
      H5O_info_t object;

      g_assert_cmpint (H5Oget_info_by_name2 (group, name, &object, H5O_INFO_BASIC,
                                             H5P_DEFAULT), >=, 0);
      g_string_append_printf (s, ":%d", (int) object.type);
    }
  else
    {
      g_autofree char *value = g_malloc0 (info->u.val_size + 1);

      g_assert_cmpint (H5Lget_val (group, name, value, info->u.val_size, H5P_DEFAULT), >=, 0);
      if (info->type == H5L_TYPE_SOFT)
        g_string_append_printf (s, ":%s", value);
      else
        {
          const char *file = NULL, *object = NULL;
          unsigned flags;

          g_assert_cmpint (info->type, ==, H5L_TYPE_EXTERNAL);
          g_assert_cmpint (H5Lunpack_elink_val (value, info->u.val_size, &flags, &file,
                                                &object), >=, 0);
          g_string_append_printf (s, ":%s:%s", file, object);
        }
    }
  g_string_append_c (s, '\n');
  return 0;
}

static char *
describe_links (hid_t file)
{
  GString *s = g_string_new (NULL);

  g_assert_cmpint (H5Lvisit (file, H5_INDEX_NAME, H5_ITER_INC, describe_link, s), >=, 0);
  return g_string_free (s, FALSE);
}

static herr_t
collect_name (hid_t             group,
              const char       *name,
              const H5L_info_t *info,
              void             *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

static void
assert_links (hid_t in,
              hid_t out)
{
  g_autofree char *want = describe_links (in);
  g_autofree char *got = describe_links (out);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  static const char *const order[] = { "zeta", "alpha", "mid", "beta" };
  hid_t group = H5Gopen2 (out, "/ordered", H5P_DEFAULT);
  hid_t gcpl = H5Gget_create_plist (group);
  H5O_info_t a, b;
  unsigned flags = 0;
  hsize_t index = 0;

  /* every link, of every kind, with its value; and no other */
  g_assert_cmpstr (got, ==, want);
  g_assert_true (strstr (got, "\nsoft:1:/data/int16\n") != NULL);
  g_assert_true (strstr (got, "\next:64:missing-file.h5:/nowhere\n") != NULL);

  /* the tracked group's links in their order of creation */
  g_assert_cmpint (H5Pget_link_creation_order (gcpl, &flags), >=, 0);
  g_assert_cmpuint (flags, ==, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  g_assert_cmpint (H5Literate (group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect_name,
                               names), >=, 0);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (names->pdata[i], ==, order[i]);
  H5Pclose (gcpl);
  H5Gclose (group);

  /* a hard link is a link to the same object */
  g_assert_cmpint (H5Oget_info_by_name2 (out, "/data/int16", &a, H5O_INFO_BASIC, H5P_DEFAULT),
                   >=, 0);
  g_assert_cmpint (H5Oget_info_by_name2 (out, "/data/int16_link", &b, H5O_INFO_BASIC,
                                         H5P_DEFAULT), >=, 0);
  g_assert_cmpuint (a.addr, ==, b.addr);
  g_assert_cmpuint (a.rc, ==, 2);
}

static void
assert_committed_type (hid_t out)
{
  H5O_info_t mytype, used;
  hid_t dset = H5Dopen2 (out, "/data/typed", H5P_DEFAULT);
  hid_t type = H5Dget_type (dset);

  g_assert_cmpint (H5Oget_info_by_name2 (out, "/mytype", &mytype, H5O_INFO_BASIC, H5P_DEFAULT),
                   >=, 0);
  g_assert_cmpint (mytype.type, ==, H5O_TYPE_NAMED_DATATYPE);
  g_assert_cmpint (H5Tcommitted (type), >, 0);
  g_assert_cmpint (H5Oget_info2 (type, &used, H5O_INFO_BASIC), >=, 0);
  g_assert_cmpuint (used.addr, ==, mytype.addr);
  g_assert_cmpint (H5Tequal (type, H5T_STD_I32LE), >, 0);
  /* where the repack kept the types while it copied is gone */
  g_assert_cmpint (H5Lexists (out, "/.gdci-repack-types", H5P_DEFAULT), ==, 0);
  H5Tclose (type);
  H5Dclose (dset);
}

/* The name of the object @ref points at in @file, asserting it is the
 * object at @want_path */
static char *
dereference (hid_t        file,
             H5R_type_t   type,
             const void  *ref,
             const char  *want_path)
{
  hid_t object = H5Rdereference2 (file, H5P_DEFAULT, type, ref);
  H5O_info_t got, want;
  char name[256];

  g_assert_cmpint (object, >=, 0);
  g_assert_cmpint (H5Iget_name (object, name, sizeof name), >, 0);
  g_assert_cmpint (H5Oget_info2 (object, &got, H5O_INFO_BASIC), >=, 0);
  g_assert_cmpint (H5Oget_info_by_name2 (file, want_path, &want, H5O_INFO_BASIC, H5P_DEFAULT),
                   >=, 0);
  g_assert_cmpuint (got.addr, ==, want.addr);
  H5Oclose (object);
  return g_strdup (name);
}

static void
read_dataset (hid_t       file,
              const char *path,
              hid_t       mem_type,
              void       *values)
{
  hid_t dset = H5Dopen2 (file, path, H5P_DEFAULT);

  g_assert_cmpint (H5Dread (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Dclose (dset);
}

static void
assert_object_references (hid_t in,
                          hid_t out)
{
  static const char *const targets[] = { "/data/int16", "/data/float32", "/data", "/mytype" };
  hobj_ref_t refs_in[4], refs_out[4], target_in, target_out;
  hid_t group, attr;

  read_dataset (in, "/refs", H5T_STD_REF_OBJ, refs_in);
  read_dataset (out, "/refs", H5T_STD_REF_OBJ, refs_out);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *want = dereference (in, H5R_OBJECT, &refs_in[i], targets[i]);
      g_autofree char *got = dereference (out, H5R_OBJECT, &refs_out[i], targets[i]);

      g_assert_cmpstr (got, ==, want);
    }

  group = H5Gopen2 (in, "/data", H5P_DEFAULT);
  attr = H5Aopen (group, "target", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, H5T_STD_REF_OBJ, &target_in), >=, 0);
  H5Aclose (attr);
  H5Gclose (group);
  group = H5Gopen2 (out, "/data", H5P_DEFAULT);
  attr = H5Aopen (group, "target", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, H5T_STD_REF_OBJ, &target_out), >=, 0);
  H5Aclose (attr);
  H5Gclose (group);
  {
    g_autofree char *want = dereference (in, H5R_OBJECT, &target_in, "/data/float32");
    g_autofree char *got = dereference (out, H5R_OBJECT, &target_out, "/data/float32");

    g_assert_cmpstr (got, ==, want);
    g_assert_cmpstr (got, ==, "/data/float32");
  }
}

static void
assert_region_references (hid_t out)
{
  hsize_t want_points[3][2] = { { 0, 0 }, { 5, 7 }, { 1199, 255 } }, points[3][2];
  hsize_t start[2], end[2];
  hdset_reg_ref_t regions[2];
  g_autofree char *first = NULL, *second = NULL;
  hid_t space;

  read_dataset (out, "/regref", H5T_STD_REF_DSETREG, regions);
  first = dereference (out, H5R_DATASET_REGION, &regions[0], "/data/int16");
  space = H5Rget_region (out, H5R_DATASET_REGION, &regions[0]);
  g_assert_cmpint (space, >=, 0);
  g_assert_cmpint (H5Sget_select_type (space), ==, H5S_SEL_POINTS);
  g_assert_cmpint (H5Sget_select_npoints (space), ==, 3);
  g_assert_cmpint (H5Sget_select_elem_pointlist (space, 0, 3, &points[0][0]), >=, 0);
  g_assert_cmpmem (points, sizeof points, want_points, sizeof want_points);
  H5Sclose (space);

  second = dereference (out, H5R_DATASET_REGION, &regions[1], "/data/float32");
  g_assert_cmpstr (second, ==, "/data/float32");
  space = H5Rget_region (out, H5R_DATASET_REGION, &regions[1]);
  g_assert_cmpint (space, >=, 0);
  g_assert_cmpint (H5Sget_select_type (space), ==, H5S_SEL_HYPERSLABS);
  g_assert_cmpint (H5Sget_select_npoints (space), ==, 5 * 6);
  g_assert_cmpint (H5Sget_select_bounds (space, start, end), >=, 0);
  g_assert_cmpuint (start[0], ==, 10);
  g_assert_cmpuint (start[1], ==, 20);
  g_assert_cmpuint (end[0], ==, 14);
  g_assert_cmpuint (end[1], ==, 25);
  H5Sclose (space);
}

static void
assert_attributes (hid_t out)
{
  char title[32] = { 0 };
  char *unit = NULL;
  double gain = 0;
  hid_t root = H5Gopen2 (out, "/", H5P_DEFAULT);
  hid_t dset = H5Dopen2 (out, "/data/int16", H5P_DEFAULT);
  hid_t fixed = H5Tcopy (H5T_C_S1), vlen = H5Tcopy (H5T_C_S1);
  hid_t attr;

  H5Tset_size (fixed, sizeof title);
  H5Tset_size (vlen, H5T_VARIABLE);
  attr = H5Aopen (root, "title", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, fixed, title), >=, 0);
  H5Aclose (attr);
  g_assert_cmpstr (title, ==, "a repack's input");
  attr = H5Aopen (dset, "unit", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, vlen, &unit), >=, 0);
  H5Aclose (attr);
  g_assert_cmpstr (unit, ==, "uV");
  H5free_memory (unit);
  attr = H5Aopen (dset, "gain", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, H5T_NATIVE_DOUBLE, &gain), >=, 0);
  H5Aclose (attr);
  g_assert_cmpfloat (gain, ==, 0.195);
  H5Tclose (vlen);
  H5Tclose (fixed);
  H5Dclose (dset);
  H5Gclose (root);
}

static void
assert_fill_value (hid_t out)
{
  hid_t dset = H5Dopen2 (out, "/data/int16", H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist (dset);
  H5D_fill_value_t defined;
  short fill = 0;

  g_assert_cmpint (H5Pfill_value_defined (dcpl, &defined), >=, 0);
  g_assert_cmpint (defined, ==, H5D_FILL_VALUE_USER_DEFINED);
  g_assert_cmpint (H5Pget_fill_value (dcpl, H5T_NATIVE_SHORT, &fill), >=, 0);
  g_assert_cmpint (fill, ==, TEST_REPACK_FILL_VALUE);
  H5Pclose (dcpl);
  H5Dclose (dset);
}

/* Everything but the storage of the datasets is as in the input, and so
 * are the numeric datasets' values */
void
test_repack_assert_copy_of_input (hid_t in,
                      hid_t out)
{
  assert_links (in, out);
  assert_committed_type (out);
  assert_object_references (in, out);
  assert_region_references (out);
  assert_attributes (out);
  assert_fill_value (out);
  for (guint i = 0; i < TEST_REPACK_N_NUMERIC; i++)
    test_repack_assert_same_values (in, out, test_repack_numeric[i]);
}
