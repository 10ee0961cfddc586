/* gdci-repack-refs.c: a repack's references, pointed at the copies
 *
 * An object reference of HDF5 1.10 is the address of the object in its
 * file, and a region reference names a global heap object holding such an
 * address and a selection: copied as bytes, they would point at nothing in
 * the output (HDF5's own copy zeroes them). Once every object is copied,
 * each value that holds references is read again from the input, its
 * references made anew for the output's copies of their objects (with the
 * same selections), and written. A reference whose object has no link in
 * the input (or none at all) is left null, and the repack says so once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-error.h"
#include "gdci-hdf5-private.h"
#include "gdci-repack-job-private.h"

typedef struct
{
  GdciRepackJob *job;
  guint n_lost;                 /* left null */
} Remap;

static const char *
output_path (Remap   *remap,
             haddr_t  addr)
{
  GdciRepackObject *object = g_hash_table_lookup (remap->job->objects, &addr);

  if (object == NULL)
    remap->n_lost++;
  return object != NULL ? object->path : NULL;
}

static gboolean
is_null (const guint8 *ref,
         gsize         size)
{
  for (gsize i = 0; i < size; i++)
    if (ref[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
remap_object (Remap  *remap,
              guint8 *ref)
{
  hobj_ref_t addr;
  const char *path;

  memcpy (&addr, ref, sizeof addr);
  if (addr == 0)
    return TRUE;
  path = output_path (remap, addr);
  memset (ref, 0, sizeof (hobj_ref_t));
  return path == NULL ||
         H5Rcreate (ref, remap->job->out->file, path, H5R_OBJECT, -1) >= 0;
}

static gboolean
remap_region (Remap  *remap,
              guint8 *ref)
{
  GdciRepackJob *job = remap->job;
  hid_t object, space = H5I_INVALID_HID;
  const char *path = NULL;
  H5O_info_t info;
  gboolean ok = TRUE;

  if (is_null (ref, sizeof (hdset_reg_ref_t)))
    return TRUE;
  object = H5Rdereference2 (job->in_file, H5P_DEFAULT, H5R_DATASET_REGION, ref);
  if (object >= 0 && H5Oget_info2 (object, &info, H5O_INFO_BASIC) >= 0)
    {
      path = output_path (remap, info.addr);
      space = H5Rget_region (job->in_file, H5R_DATASET_REGION, ref);
    }
  else
    remap->n_lost++;
  memset (ref, 0, sizeof (hdset_reg_ref_t));
  if (path != NULL)
    ok = space >= 0 && H5Rcreate (ref, job->out->file, path, H5R_DATASET_REGION, space) >= 0;
  _gdci_h5_close (space);
  _gdci_h5_close (object);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* The references in @n elements of @type at @data */
static gboolean
remap_values (Remap  *remap,
              hid_t   type,
              guint8 *data,
              gsize   n)
{
  size_t size = H5Tget_size (type);
  H5T_class_t class = H5Tget_class (type);
  gboolean ok = TRUE;

  if (class == H5T_REFERENCE)
    {
      gboolean region = H5Tequal (type, H5T_STD_REF_DSETREG) > 0;

      for (gsize i = 0; ok && i < n; i++)
        ok = region ? remap_region (remap, data + i * size) : remap_object (remap, data + i * size);
    }
  else if (class == H5T_COMPOUND)
    {
      int n_members = H5Tget_nmembers (type);

      for (int m = 0; ok && m < n_members; m++)
        {
          hid_t member = H5Tget_member_type (type, (unsigned) m);
          size_t offset = H5Tget_member_offset (type, (unsigned) m);

          if (H5Tdetect_class (member, H5T_REFERENCE) > 0)
            for (gsize i = 0; ok && i < n; i++)
              ok = remap_values (remap, member, data + i * size + offset, 1);
          _gdci_h5_close (member);
        }
    }
  else if (class == H5T_ARRAY || class == H5T_VLEN)
    {
      hid_t base = H5Tget_super (type);
      int rank = class == H5T_ARRAY ? H5Tget_array_ndims (type) : 0;
      hsize_t dims[H5S_MAX_RANK];
      gsize count = 1;

      if (class == H5T_ARRAY && H5Tget_array_dims2 (type, dims) >= 0)
        for (int d = 0; d < rank; d++)
          count *= dims[d];
      for (gsize i = 0; ok && i < n; i++)
        {
          if (class == H5T_ARRAY)
            ok = remap_values (remap, base, data + i * size, count);
          else
            {
              hvl_t *sequence = (hvl_t *) (gpointer) (data + i * size);
              ok = remap_values (remap, base, sequence->p, sequence->len);
            }
        }
      _gdci_h5_close (base);
    }
  return ok;
}

/* Reads @n_bytes of the input's value, remaps it, writes it to the output */
static gboolean
remap_value (Remap    *remap,
             hid_t     from,
             hid_t     to,
             hid_t     type,
             hid_t     space,
             gboolean  attribute)
{
  hid_t memory = H5Tcopy (type);
  hssize_t n = H5Sget_simple_extent_npoints (space);
  size_t size = H5Tget_size (memory);
  guint64 n_bytes;
  g_autofree guint8 *value = NULL;
  gboolean ok;

  if (n <= 0 || memory < 0)
    {
      _gdci_h5_close (memory);
      return n == 0;
    }
  if (!g_uint64_checked_mul (&n_bytes, (guint64) n, size) || n_bytes > G_MAXSIZE / 2)
    {
      _gdci_h5_close (memory);
      return FALSE;
    }
  value = g_malloc0 ((gsize) n_bytes);
  ok = (attribute ? H5Aread (from, memory, value) : H5Dread (from, memory, H5S_ALL, H5S_ALL,
                                                             H5P_DEFAULT, value)) >= 0 &&
       remap_values (remap, memory, value, (gsize) n) &&
       (attribute ? H5Awrite (to, memory, value) : H5Dwrite (to, memory, H5S_ALL, H5S_ALL,
                                                             H5P_DEFAULT, value)) >= 0;
  H5Dvlen_reclaim (memory, space, H5P_DEFAULT, value);
  _gdci_h5_close (memory);
  return ok;
}

static herr_t
collect_name (hid_t             object,
              const char       *name,
              const H5A_info_t *info,
              void             *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

static gboolean
remap_attributes (Remap  *remap,
                  hid_t   from,
                  hid_t   to)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hsize_t index = 0;
  gboolean ok = H5Aiterate2 (from, H5_INDEX_NAME, H5_ITER_INC, &index, collect_name,
                             names) >= 0;

  for (guint i = 0; ok && i < names->len; i++)
    {
      hid_t attr = H5Aopen (from, names->pdata[i], H5P_DEFAULT);
      hid_t type = attr >= 0 ? H5Aget_type (attr) : H5I_INVALID_HID;

      ok = type >= 0;
      if (ok && H5Tdetect_class (type, H5T_REFERENCE) > 0)
        {
          hid_t copy = H5Aopen (to, names->pdata[i], H5P_DEFAULT);
          hid_t space = H5Aget_space (attr);

          ok = copy >= 0 && remap_value (remap, attr, copy, type, space, TRUE);
          _gdci_h5_close (space);
          _gdci_h5_close (copy);
        }
      _gdci_h5_close (type);
      _gdci_h5_close (attr);
    }
  return ok;
}

static gboolean
remap_dataset (Remap  *remap,
               hid_t   from,
               hid_t   to)
{
  hid_t type = H5Dget_type (from);
  hid_t space = H5Dget_space (from);
  gboolean ok = type >= 0 && space >= 0;

  if (ok && H5Tdetect_class (type, H5T_REFERENCE) > 0)
    ok = remap_value (remap, from, to, type, space, FALSE);
  _gdci_h5_close (space);
  _gdci_h5_close (type);
  return ok;
}

gboolean
_gdci_repack_fix_references (GdciRepackJob  *job,
                             GError        **error)
{
  Remap remap = { job, 0 };

  for (guint i = 0; i < job->object_list->len; i++)
    {
      GdciRepackObject *object = job->object_list->pdata[i];
      hid_t from = H5Oopen (job->in_file, object->path, H5P_DEFAULT);
      hid_t to = H5Oopen (job->out->file, object->path, H5P_DEFAULT);
      gboolean ok = from >= 0 && to >= 0 && remap_attributes (&remap, from, to) &&
                    (object->type != H5O_TYPE_DATASET || remap_dataset (&remap, from, to));

      _gdci_h5_close (to);
      _gdci_h5_close (from);
      if (!ok)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the references of "
                              "'%s' in '%s'", object->path, job->in_filename);
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return FALSE;
    }
  if (remap.n_lost > 0)
    g_message ("%u reference%s in '%s' point%s at objects that no link reaches: left null "
               "in '%s'", remap.n_lost, remap.n_lost == 1 ? "" : "s", job->in_filename,
               remap.n_lost == 1 ? "s" : "", job->out_filename);
  return _gdci_h5_new_file_check (job->out, error);
}
