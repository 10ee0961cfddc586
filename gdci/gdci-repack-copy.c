/* gdci-repack-copy.c: a repack's copy of the structure of a file: groups,
 * links, attributes and committed types, each dataset handed to the layout
 *
 * The input is walked link by link from the root, in each group's order
 * (its creation order where it tracks it), so the output's groups list
 * their links in the same order. The first link to an object copies it and
 * maps the input's address of it to its path; every later link to it is a
 * hard link to that copy. References are pointed at the copies at the end
 * (gdci-repack-refs.c), once every object has its place.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-error.h"
#include "gdci-hdf5-private.h"
#include "gdci-repack-job-private.h"

static char *
child_path (const char *group,
            const char *name)
{
  return strcmp (group, "/") == 0 ? g_strconcat ("/", name, NULL)
                                  : g_strconcat (group, "/", name, NULL);
}

static GdciRepackObject *
add_object (GdciRepackJob *job,
            haddr_t        addr,
            H5O_type_t     type,
            const char    *path)
{
  GdciRepackObject *object = g_new0 (GdciRepackObject, 1);

  object->addr = addr;
  object->type = type;
  object->path = g_strdup (path);
  g_hash_table_insert (job->objects, &object->addr, object);
  g_ptr_array_add (job->object_list, object);
  job->n_objects++;
  return object;
}

/* ---- the survey ---------------------------------------------------------- */

typedef struct
{
  GdciRepackJob *job;
  GPtrArray *type_paths;
  GError *error;
} Survey;

static herr_t
survey_object (hid_t             root,
               const char       *name,
               const H5O_info_t *info,
               void             *data)
{
  Survey *survey = data;

  if (info->type == H5O_TYPE_NAMED_DATATYPE)
    g_ptr_array_add (survey->type_paths, g_strconcat ("/", name, NULL));
  else if (info->type == H5O_TYPE_DATASET)
    {
      hid_t dataset = H5Dopen2 (root, name, H5P_DEFAULT);
      hid_t space = dataset >= 0 ? H5Dget_space (dataset) : H5I_INVALID_HID;
      hid_t type = dataset >= 0 ? H5Dget_type (dataset) : H5I_INVALID_HID;
      hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
      size_t size = type >= 0 ? H5Tget_size (type) : 0;
      guint64 bytes;

      _gdci_h5_close (type);
      _gdci_h5_close (space);
      _gdci_h5_close (dataset);
      if (n < 0 || size == 0)
        {
          _gdci_h5_set_error (&survey->error, GDCI_ERROR_HDF5, "Could not read '/%s' in '%s'",
                              name, survey->job->in_filename);
          return -1;
        }
      if (!g_uint64_checked_mul (&bytes, (guint64) n, size) ||
          !g_uint64_checked_add (&survey->job->bytes_total, survey->job->bytes_total, bytes))
        survey->job->bytes_total = G_MAXUINT64;
    }
  return 0;
}

gboolean
_gdci_repack_survey (GdciRepackJob  *job,
                     GPtrArray      *type_paths,
                     GError        **error)
{
  Survey survey = { job, type_paths, NULL };

  if (H5Ovisit2 (job->in_file, H5_INDEX_NAME, H5_ITER_INC, survey_object, &survey,
                 H5O_INFO_BASIC) < 0)
    {
      if (survey.error != NULL)
        g_propagate_error (error, survey.error);
      else
        _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the objects of '%s'",
                            job->in_filename);
      return FALSE;
    }
  return TRUE;
}

/* ---- committed types ------------------------------------------------------- */

gboolean
_gdci_repack_copy_types (GdciRepackJob  *job,
                         GError        **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  hid_t group;

  if (!_gdci_repack_survey (job, paths, error))
    return FALSE;
  if (paths->len == 0)
    return TRUE;

  /* copied first, so that the datasets and attributes using them use
   * these copies (H5Ocopy() merges with the types it finds there) */
  group = H5Gcreate2 (job->out->file, GDCI_REPACK_TYPES_GROUP, H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT);
  _gdci_h5_close (group);
  if (group < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not write '%s'", job->out_filename);
      return FALSE;
    }
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      g_autofree char *copy = g_strdup_printf (GDCI_REPACK_TYPES_GROUP "/%u", i);
      H5O_info_t info;

      if (H5Oget_info_by_name2 (job->in_file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
          H5Ocopy (job->in_file, path, job->out->file, copy, H5P_DEFAULT, H5P_DEFAULT) < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the datatype '%s' of "
                              "'%s'", path, job->in_filename);
          return FALSE;
        }
      g_hash_table_insert (job->types, g_memdup2 (&info.addr, sizeof info.addr),
                           g_steal_pointer (&copy));
    }
  return TRUE;
}

hid_t
_gdci_repack_output_type (GdciRepackJob *job,
                          hid_t          type)
{
  H5O_info_t info;
  const char *copy;

  if (H5Tcommitted (type) > 0 && H5Oget_info2 (type, &info, H5O_INFO_BASIC) >= 0 &&
      (copy = g_hash_table_lookup (job->types, &info.addr)) != NULL)
    {
      hid_t committed = H5Topen2 (job->out->file, copy, H5P_DEFAULT);

      if (committed >= 0)
        return committed;
    }
  H5Eclear2 (H5E_DEFAULT);
  return H5Tcopy (type);
}

/* ---- attributes ------------------------------------------------------------ */

/* The index an object's attributes or a group's links are listed by: their
 * creation order where the object tracks and indexes it */
static H5_index_t
order_of (unsigned crt_order_flags)
{
  return (crt_order_flags & H5P_CRT_ORDER_TRACKED) && (crt_order_flags & H5P_CRT_ORDER_INDEXED)
           ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
}

static H5_index_t
attribute_order (hid_t object)
{
  hid_t plist = H5I_INVALID_HID;
  unsigned flags = 0;

  switch (H5Iget_type (object))
    {
    case H5I_GROUP: plist = H5Gget_create_plist (object); break;
    case H5I_DATASET: plist = H5Dget_create_plist (object); break;
    case H5I_DATATYPE: plist = H5Tget_create_plist (object); break;
    default: break;
    }
  if (plist < 0 || H5Pget_attr_creation_order (plist, &flags) < 0)
    flags = 0;
  _gdci_h5_close (plist);
  H5Eclear2 (H5E_DEFAULT);
  return order_of (flags);
}

/* One attribute's copy; its value written unless it holds references */
static gboolean
copy_attribute (GdciRepackJob  *job,
                hid_t           from,
                hid_t           to,
                const char     *name)
{
  hid_t attr = H5Aopen (from, name, H5P_DEFAULT);
  hid_t type = attr >= 0 ? H5Aget_type (attr) : H5I_INVALID_HID;
  hid_t memory = type >= 0 ? H5Tcopy (type) : H5I_INVALID_HID;
  hid_t out_type = type >= 0 ? _gdci_repack_output_type (job, type) : H5I_INVALID_HID;
  hid_t space = attr >= 0 ? H5Aget_space (attr) : H5I_INVALID_HID;
  hid_t acpl = attr >= 0 ? H5Aget_create_plist (attr) : H5I_INVALID_HID;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  size_t size = memory >= 0 ? H5Tget_size (memory) : 0;
  gboolean references = memory >= 0 && H5Tdetect_class (memory, H5T_REFERENCE) > 0;
  gboolean ok = FALSE;
  guint64 n_bytes;
  hid_t copy;

  if (n < 0 || size == 0 || out_type < 0 || acpl < 0 ||
      !g_uint64_checked_mul (&n_bytes, (guint64) n, size) || n_bytes > G_MAXSIZE)
    goto out;
  copy = H5Acreate2 (to, name, out_type, space, acpl, H5P_DEFAULT);
  if (copy >= 0 && n > 0 && !references)
    {
      g_autofree guint8 *value = g_malloc0 ((gsize) n_bytes);

      ok = H5Aread (attr, memory, value) >= 0 && H5Awrite (copy, memory, value) >= 0;
      /* what HDF5 allocated for variable-length parts, if any */
      H5Dvlen_reclaim (memory, space, H5P_DEFAULT, value);
    }
  else
    ok = copy >= 0;
  _gdci_h5_close (copy);
out:
  _gdci_h5_close (acpl);
  _gdci_h5_close (space);
  _gdci_h5_close (out_type);
  _gdci_h5_close (memory);
  _gdci_h5_close (type);
  _gdci_h5_close (attr);
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

gboolean
_gdci_repack_copy_attributes (GdciRepackJob  *job,
                              hid_t           from,
                              hid_t           to,
                              const char     *path,
                              GError        **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hsize_t index = 0;

  if (H5Aiterate2 (from, attribute_order (from), H5_ITER_INC, &index, collect_name,
                   names) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the attributes of '%s' "
                          "in '%s'", path, job->in_filename);
      return FALSE;
    }
  for (guint i = 0; i < names->len; i++)
    if (!copy_attribute (job, from, to, names->pdata[i]))
      {
        _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the attribute '%s' of "
                            "'%s' in '%s'", (const char *) names->pdata[i], path,
                            job->in_filename);
        return FALSE;
      }
  return TRUE;
}

/* ---- groups and links -------------------------------------------------------- */

static gboolean copy_members (GdciRepackJob  *job,
                              const char     *path,
                              GError        **error);

static gboolean
copy_group (GdciRepackJob  *job,
            const char     *path,
            hid_t           lcpl,
            GError        **error)
{
  hid_t from = H5Gopen2 (job->in_file, path, H5P_DEFAULT);
  hid_t gcpl = from >= 0 ? H5Gget_create_plist (from) : H5I_INVALID_HID;
  hid_t to = gcpl >= 0 ? H5Gcreate2 (job->out->file, path, lcpl, gcpl, H5P_DEFAULT)
                       : H5I_INVALID_HID;
  gboolean ok = to >= 0;

  if (!ok)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the group '%s' of '%s'",
                        path, job->in_filename);
  ok = ok && _gdci_repack_copy_attributes (job, from, to, path, error);
  _gdci_h5_close (to);
  _gdci_h5_close (gcpl);
  _gdci_h5_close (from);
  return ok && copy_members (job, path, error);
}

static gboolean
uses_committed_type (hid_t dataset)
{
  hid_t type = H5Dget_type (dataset);
  gboolean committed = type >= 0 && H5Tcommitted (type) > 0;

  _gdci_h5_close (type);
  return committed;
}

/* The values of @from into @to, of the same type and shape, in slabs of
 * whole rows of at most 64 MiB */
static gboolean
copy_values (hid_t from,
             hid_t to)
{
  hid_t type = H5Dget_type (from);
  hid_t memory = H5Tcopy (type);
  hid_t space = H5Dget_space (from);
  int rank = H5Sget_simple_extent_ndims (space);
  hsize_t dims[H5S_MAX_RANK], start[H5S_MAX_RANK] = { 0 }, count[H5S_MAX_RANK];
  size_t row_bytes = H5Tget_size (memory);
  hsize_t rows_per_slab;
  gboolean ok = rank >= 0 && row_bytes > 0 && H5Sget_simple_extent_dims (space, dims, NULL) >= 0;

  for (int i = 1; ok && i < rank; i++)
    ok = dims[i] == 0 || row_bytes <= G_MAXSIZE / dims[i], row_bytes *= MAX (dims[i], 1);
  rows_per_slab = MAX (1, (64u << 20) / MAX (row_bytes, 1));
  if (ok && (rank == 0 || H5Sget_simple_extent_type (space) != H5S_SIMPLE))
    {
      g_autofree guint8 *value = g_malloc0 (row_bytes);

      ok = H5Sget_simple_extent_type (space) == H5S_NULL ||
           (H5Dread (from, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) >= 0 &&
            H5Dwrite (to, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) >= 0);
      H5Dvlen_reclaim (memory, space, H5P_DEFAULT, value);
    }
  else
    for (hsize_t row = 0; ok && row < dims[0]; row += rows_per_slab)
      {
        hid_t slab = H5Scopy (space), mem_space;
        g_autofree guint8 *value = NULL;

        memcpy (count, dims, (gsize) rank * sizeof (hsize_t));
        start[0] = row;
        count[0] = MIN (rows_per_slab, dims[0] - row);
        mem_space = H5Screate_simple (rank, count, NULL);
        value = g_malloc0 ((gsize) count[0] * row_bytes);
        ok = H5Sselect_hyperslab (slab, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread (from, memory, mem_space, slab, H5P_DEFAULT, value) >= 0 &&
             H5Dwrite (to, memory, mem_space, slab, H5P_DEFAULT, value) >= 0;
        H5Dvlen_reclaim (memory, mem_space, H5P_DEFAULT, value);
        _gdci_h5_close (mem_space);
        _gdci_h5_close (slab);
      }
  _gdci_h5_close (space);
  _gdci_h5_close (memory);
  _gdci_h5_close (type);
  return ok;
}

/* A dataset of a committed type, which H5Ocopy() would give a copy of the
 * type of its own: made anew with the output's copy of the type, its
 * creation properties and attributes, and its values */
static gboolean
recreate_dataset (GdciRepackJob  *job,
                  hid_t           from,
                  const char     *path,
                  hid_t           lcpl,
                  GError        **error)
{
  hid_t in_type = H5Dget_type (from);
  hid_t type = _gdci_repack_output_type (job, in_type);
  hid_t space = H5Dget_space (from);
  hid_t dcpl = H5Dget_create_plist (from);
  hid_t to = H5Dcreate2 (job->out->file, path, type, space, lcpl, dcpl, H5P_DEFAULT);
  gboolean ok = to >= 0 && _gdci_repack_copy_attributes (job, from, to, path, error);

  if (ok && !copy_values (from, to))
    {
      ok = FALSE;
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the dataset '%s' of '%s'",
                          path, job->in_filename);
    }
  else if (to < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create the dataset '%s' in '%s'",
                        path, job->out_filename);
  _gdci_h5_close (to);
  _gdci_h5_close (dcpl);
  _gdci_h5_close (space);
  _gdci_h5_close (type);
  _gdci_h5_close (in_type);
  return ok;
}

static gboolean
copy_dataset (GdciRepackJob  *job,
              const char     *path,
              hid_t           lcpl,
              GError        **error)
{
  hid_t from = H5Dopen2 (job->in_file, path, H5P_DEFAULT);
  hid_t dcpl = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
  hid_t to = H5I_INVALID_HID;
  GdciRepackAction action;
  gboolean ok = FALSE;

  if (from < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the dataset '%s' of '%s'",
                          path, job->in_filename);
      return FALSE;
    }
  if (!_gdci_repack_plan_dataset (job, from, path, &action, &dcpl, error))
    goto out;
  if (action == GDCI_REPACK_COPY && uses_committed_type (from))
    {
      ok = recreate_dataset (job, from, path, lcpl, error);
      goto out;
    }
  if (action == GDCI_REPACK_COPY)
    {
      ok = H5Ocopy (job->in_file, path, job->out->file, path, job->copy_plist, lcpl) >= 0;
      if (!ok)
        _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the dataset '%s' of "
                            "'%s'", path, job->in_filename);
      else
        {
          hid_t dtype = H5Dget_type (from);
          hid_t dspace = H5Dget_space (from);
          guint64 bytes;

          if (!g_uint64_checked_mul (&bytes, (guint64) H5Sget_simple_extent_npoints (dspace),
                                     H5Tget_size (dtype)))
            bytes = G_MAXUINT64;
          _gdci_h5_close (dtype);
          _gdci_h5_close (dspace);
          _gdci_repack_job_add_done (job, bytes);
        }
      goto out;
    }

  /* created now, in its place among its group's links, and written later */
  {
    hid_t in_type = H5Dget_type (from);

    type = _gdci_repack_output_type (job, in_type);
    _gdci_h5_close (in_type);
  }
  space = H5Dget_space (from);
  to = H5Dcreate2 (job->out->file, path, type, space, lcpl, dcpl, H5P_DEFAULT);
  if (to < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create the dataset '%s' in '%s'",
                          path, job->out_filename);
      goto out;
    }
  if (!_gdci_repack_copy_attributes (job, from, to, path, error))
    goto out;
  {
    GdciRepackFill *fill = g_new0 (GdciRepackFill, 1);
    hid_t in_type = H5Dget_type (from);

    fill->path = g_strdup (path);
    if (!g_uint64_checked_mul (&fill->bytes, (guint64) H5Sget_simple_extent_npoints (space),
                               H5Tget_size (in_type)))
      fill->bytes = G_MAXUINT64;
    _gdci_h5_close (in_type);
    g_ptr_array_add (job->fills, fill);
    job->n_rewritten++;
  }
  ok = TRUE;
out:
  _gdci_h5_close (to);
  _gdci_h5_close (space);
  _gdci_h5_close (type);
  _gdci_h5_close (dcpl);
  _gdci_h5_close (from);
  return ok;
}

/* The object of a hard link: copied, or linked to its copy */
static gboolean
copy_hard_link (GdciRepackJob  *job,
                const char     *path,
                hid_t           lcpl,
                GError        **error)
{
  H5O_info_t info;
  GdciRepackObject *seen;

  if (H5Oget_info_by_name2 (job->in_file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read '%s' in '%s'", path,
                          job->in_filename);
      return FALSE;
    }
  seen = g_hash_table_lookup (job->objects, &info.addr);
  if (seen == NULL && info.type == H5O_TYPE_NAMED_DATATYPE)
    {
      /* copied first; linked here */
      const char *copy = g_hash_table_lookup (job->types, &info.addr);

      if (copy == NULL ||
          H5Lcreate_hard (job->out->file, copy, job->out->file, path, lcpl, H5P_DEFAULT) < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the datatype '%s' of "
                              "'%s'", path, job->in_filename);
          return FALSE;
        }
      add_object (job, info.addr, info.type, path);
      return TRUE;
    }
  if (seen != NULL)
    {
      if (H5Lcreate_hard (job->out->file, seen->path, job->out->file, path, lcpl,
                          H5P_DEFAULT) >= 0)
        return TRUE;
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not link '%s' to '%s' in '%s'", path,
                          seen->path, job->out_filename);
      return FALSE;
    }
  add_object (job, info.addr, info.type, path);
  switch (info.type)
    {
    case H5O_TYPE_GROUP:
      return copy_group (job, path, lcpl, error);
    case H5O_TYPE_DATASET:
      return copy_dataset (job, path, lcpl, error);
    default:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' in '%s' is an object of a kind HDF5 does not know", path,
                   job->in_filename);
      return FALSE;
    }
}

/* A soft, external or user-defined link: its value copied */
static gboolean
copy_link_value (GdciRepackJob     *job,
                 const char        *path,
                 const H5L_info_t  *info,
                 hid_t              lcpl,
                 GError           **error)
{
  g_autofree char *value = g_malloc0 (info->u.val_size + 1);
  hid_t out = job->out->file;
  herr_t status = -1;

  if (H5Lget_val (job->in_file, path, value, info->u.val_size, H5P_DEFAULT) >= 0)
    {
      const char *file = NULL, *object = NULL;
      unsigned flags;

      if (info->type == H5L_TYPE_SOFT)
        status = H5Lcreate_soft (value, out, path, lcpl, H5P_DEFAULT);
      else if (info->type == H5L_TYPE_EXTERNAL)
        status = H5Lunpack_elink_val (value, info->u.val_size, &flags, &file, &object) < 0
                   ? -1 : H5Lcreate_external (file, object, out, path, lcpl, H5P_DEFAULT);
      else
        status = H5Lcreate_ud (out, path, info->type, value, info->u.val_size, lcpl,
                               H5P_DEFAULT);
    }
  if (status < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not copy the link '%s' of '%s'", path,
                        job->in_filename);
  return status >= 0;
}

static gboolean
copy_link (GdciRepackJob  *job,
           const char     *path,
           GError        **error)
{
  H5L_info_t info;
  hid_t lcpl;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;
  if (H5Lget_info (job->in_file, path, &info, H5P_DEFAULT) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the link '%s' of '%s'",
                          path, job->in_filename);
      return FALSE;
    }
  /* the name's character set kept */
  lcpl = H5Pcreate (H5P_LINK_CREATE);
  H5Pset_char_encoding (lcpl, info.cset);
  if (info.type == H5L_TYPE_HARD)
    ok = copy_hard_link (job, path, lcpl, error);
  else
    ok = copy_link_value (job, path, &info, lcpl, error);
  _gdci_h5_close (lcpl);
  return ok && _gdci_h5_new_file_check (job->out, error);
}

static herr_t
collect_link (hid_t             group,
              const char       *name,
              const H5L_info_t *info,
              void             *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

/* The links of the group at @path, in its order */
static gboolean
copy_members (GdciRepackJob  *job,
              const char     *path,
              GError        **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hid_t group = H5Gopen2 (job->in_file, path, H5P_DEFAULT);
  hid_t gcpl = group >= 0 ? H5Gget_create_plist (group) : H5I_INVALID_HID;
  unsigned flags = 0;
  hsize_t index = 0;
  herr_t status;

  if (gcpl >= 0 && H5Pget_link_creation_order (gcpl, &flags) < 0)
    flags = 0;
  status = group >= 0 ? H5Literate (group, order_of (flags), H5_ITER_INC, &index,
                                    collect_link, names) : -1;
  _gdci_h5_close (gcpl);
  _gdci_h5_close (group);
  if (status < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the group '%s' of '%s'",
                          path, job->in_filename);
      return FALSE;
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = child_path (path, names->pdata[i]);

      if (strcmp (path, "/") == 0 && strcmp (child, GDCI_REPACK_TYPES_GROUP) == 0)
        continue;   /* the input is itself a repack that stopped midway */
      if (!copy_link (job, child, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_repack_copy_tree (GdciRepackJob  *job,
                        GError        **error)
{
  H5O_info_t info;
  hid_t from = H5Gopen2 (job->in_file, "/", H5P_DEFAULT);
  hid_t to = H5Gopen2 (job->out->file, "/", H5P_DEFAULT);
  gboolean ok = from >= 0 && to >= 0 && H5Oget_info2 (from, &info, H5O_INFO_BASIC) >= 0;

  if (!ok)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the root group of '%s'",
                        job->in_filename);
  else
    {
      add_object (job, info.addr, H5O_TYPE_GROUP, "/");
      ok = _gdci_repack_copy_attributes (job, from, to, "/", error);
    }
  _gdci_h5_close (to);
  _gdci_h5_close (from);
  return ok && copy_members (job, "/", error);
}
