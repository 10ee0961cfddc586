/* gdci-repack-layout.c: how a repack stores each dataset
 *
 * A dataset is rewritten when it is selected, numeric, chunked or
 * contiguous, not scalar, of at least the minimum size (or given a chunk
 * shape of its own), and its new chunks or filters are not what it has.
 * What it would have is found by creating it, without data, in a file in
 * memory: the filters' cd_values are only known once HDF5 has set them for
 * the dataset's type and chunks. Everything else is copied as HDF5 copies
 * it, chunk by chunk, with no decoding.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-compression-private.h"
#include "gdci-error.h"
#include "gdci-h5-writer-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-plan.h"
#include "gdci-repack-job-private.h"
#include "gdci-shape-private.h"

/* HDF5's limit on a chunk */
#define MAX_CHUNK_BYTES G_GUINT64_CONSTANT (0xffffffff)
/* The chunk size of a contiguous dataset that gets filters, when no
 * chunk size is given */
#define DEFAULT_CHUNK_MB 10.0

gboolean
_gdci_repack_check_paths (GdciRepackJob  *job,
                          GError        **error)
{
  g_autoptr(GList) paths = NULL;

  if (job->settings.datasets != NULL)
    paths = g_hash_table_get_keys (job->settings.datasets);
  paths = g_list_concat (paths, g_hash_table_get_keys (job->settings.chunk_shapes));
  for (GList *l = paths; l != NULL; l = l->next)
    {
      const char *path = l->data;
      GVariant *shape = g_hash_table_lookup (job->settings.chunk_shapes, path);
      H5O_info_t info;
      hid_t dataset, space;
      int rank;

      if (H5Lexists (job->in_file, path, H5P_DEFAULT) <= 0 ||
          H5Oget_info_by_name2 (job->in_file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
          info.type != H5O_TYPE_DATASET)
        {
          H5Eclear2 (H5E_DEFAULT);
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                       "'%s' has no dataset '%s'", job->in_filename, path);
          return FALSE;
        }
      if (job->settings.datasets != NULL && g_hash_table_contains (job->settings.datasets, path))
        {
          if (job->selected == NULL)
            job->selected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
          g_hash_table_add (job->selected, g_memdup2 (&info.addr, sizeof info.addr));
        }
      if (shape == NULL)
        continue;
      g_hash_table_insert (job->chunk_shapes, g_memdup2 (&info.addr, sizeof info.addr),
                           g_variant_ref (shape));
      dataset = H5Dopen2 (job->in_file, path, H5P_DEFAULT);
      space = dataset >= 0 ? H5Dget_space (dataset) : H5I_INVALID_HID;
      rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
      _gdci_h5_close (space);
      _gdci_h5_close (dataset);
      if (rank != (int) g_variant_n_children (shape))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The chunk shape of '%s' has %u axes, and the dataset %d",
                       path, (guint) g_variant_n_children (shape), rank);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- what the dataset is ----------------------------------------------------- */

typedef struct
{
  GdciDtype dtype;
  guint n_dims;
  guint64 dims[GDCI_MAX_DIMS];
  guint64 bytes;
  gboolean chunked;
  guint64 chunk[GDCI_MAX_DIMS];
} Storage;

/* The dataset's storage, if a repack may rewrite it */
static gboolean
read_storage (hid_t       dataset,
              hid_t       dcpl,
              Storage    *storage)
{
  hid_t type = H5Dget_type (dataset);
  hid_t space = H5Dget_space (dataset);
  const char *description;
  hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
  H5D_layout_t layout = H5Pget_layout (dcpl);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  gboolean ok = type >= 0 && (H5Tget_class (type) == H5T_INTEGER ||
                              H5Tget_class (type) == H5T_FLOAT) &&
                _gdci_h5_dtype_from_type (type, &storage->dtype, &description) &&
                H5Sget_simple_extent_type (space) == H5S_SIMPLE &&
                rank >= 1 && rank <= GDCI_MAX_DIMS &&
                (layout == H5D_CHUNKED || layout == H5D_CONTIGUOUS) &&
                H5Pget_external_count (dcpl) == 0 &&
                H5Sget_simple_extent_dims (space, dims, NULL) >= 0;

  _gdci_h5_close (type);
  _gdci_h5_close (space);
  H5Eclear2 (H5E_DEFAULT);
  if (!ok)
    return FALSE;
  storage->n_dims = (guint) rank;
  for (int i = 0; i < rank; i++)
    storage->dims[i] = dims[i];
  if (!_gdci_shape_n_bytes (storage->dims, storage->n_dims, storage->dtype, &storage->bytes))
    storage->bytes = G_MAXUINT64;
  storage->chunked = layout == H5D_CHUNKED;
  if (storage->chunked && H5Pget_chunk (dcpl, rank, chunk) != rank)
    return FALSE;
  for (int i = 0; storage->chunked && i < rank; i++)
    storage->chunk[i] = chunk[i];
  return TRUE;
}

/* A chunk planned by gdci's planner (fit), at @chunk_mb, with the axes
 * @fixed gives (NULL or 0: free) */
static gboolean
plan_chunk (const Storage  *storage,
            double          chunk_mb,
            GVariant       *fixed,
            guint64        *chunk,
            GError        **error)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  guint64 dims[GDCI_MAX_DIMS];

  /* an empty axis takes chunks of one */
  for (guint i = 0; i < storage->n_dims; i++)
    dims[i] = MAX (storage->dims[i], 1);
  gdci_plan_settings_set_strategy (settings, GDCI_PLAN_STRATEGY_FIT);
  if (fixed != NULL)
    {
      gsize n;
      const guint64 *axes = g_variant_get_fixed_array (fixed, &n, sizeof (guint64));
      guint64 given[GDCI_MAX_DIMS];
      gboolean free_axis = FALSE;

      for (gsize i = 0; i < n; i++)
        {
          given[i] = MIN (axes[i], dims[i]);
          free_axis = free_axis || axes[i] == 0;
        }
      gdci_plan_settings_set_chunk_shape (settings, given, (guint) n);
      /* the planner takes a size only to size free axes */
      if (free_axis)
        gdci_plan_settings_set_chunk_mb (settings, chunk_mb);
    }
  else
    gdci_plan_settings_set_chunk_mb (settings, chunk_mb);
  plan = gdci_plan_new (storage->dtype, dims, storage->n_dims, settings, error);
  if (plan == NULL)
    return FALSE;
  memcpy (chunk, gdci_plan_get_chunk_shape (plan, NULL), storage->n_dims * sizeof (guint64));
  return TRUE;
}

/* ---- filter pipelines -------------------------------------------------------- */

typedef struct
{
  H5Z_filter_t id;
  unsigned flags;
  size_t n_values;
  unsigned values[32];
  char name[64];
} Filter;

static int
read_filters (hid_t   dcpl,
              Filter *filters,
              int     max)
{
  int n = H5Pget_nfilters (dcpl);

  for (int i = 0; i < n && i < max; i++)
    {
      Filter *f = &filters[i];
      unsigned config;

      memset (f, 0, sizeof *f);
      f->n_values = G_N_ELEMENTS (f->values);
      f->id = H5Pget_filter2 (dcpl, (unsigned) i, &f->flags, &f->n_values, f->values,
                              sizeof f->name, f->name, &config);
      f->n_values = MIN (f->n_values, G_N_ELEMENTS (f->values));
    }
  return MIN (n, max);
}

/* Whether the two pipelines are the same filters with the same values */
static gboolean
same_filters (hid_t a,
              hid_t b)
{
  Filter fa[16], fb[16];
  int n = read_filters (a, fa, 16);

  if (n != read_filters (b, fb, 16))
    return FALSE;
  for (int i = 0; i < n; i++)
    if (fa[i].id != fb[i].id || fa[i].flags != fb[i].flags ||
        fa[i].n_values != fb[i].n_values ||
        memcmp (fa[i].values, fb[i].values, fa[i].n_values * sizeof (unsigned)) != 0)
      return FALSE;
  return TRUE;
}

/* The creation properties HDF5 gives a dataset of @dataset's type and
 * @dcpl, whose filters' values it has set */
static hid_t
settled_plist (GdciRepackJob *job,
               hid_t          dataset,
               const Storage *storage,
               hid_t          dcpl)
{
  hsize_t dims[GDCI_MAX_DIMS];
  hid_t type = H5Dget_type (dataset);
  hid_t transient = H5Tcopy (type);
  hid_t space, scratch, plist = H5I_INVALID_HID;

  for (guint i = 0; i < storage->n_dims; i++)
    dims[i] = storage->chunk[i];
  space = H5Screate_simple ((int) storage->n_dims, dims, NULL);
  scratch = H5Dcreate_anon (job->scratch_file, transient, space, dcpl, H5P_DEFAULT);
  if (scratch >= 0)
    plist = H5Dget_create_plist (scratch);
  _gdci_h5_close (scratch);
  _gdci_h5_close (space);
  _gdci_h5_close (transient);
  _gdci_h5_close (type);
  H5Eclear2 (H5E_DEFAULT);
  return plist;
}

/* The dataset's filters can be decoded here */
static gboolean
check_decodable (GdciRepackJob  *job,
                 hid_t           dcpl,
                 const char     *path,
                 GError        **error)
{
  Filter filters[16];
  int n = read_filters (dcpl, filters, 16);

  for (int i = 0; i < n; i++)
    if (H5Zfilter_avail (filters[i].id) <= 0)
      {
        H5Eclear2 (H5E_DEFAULT);
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                     "Could not rewrite '%s' of '%s': its filter %s (%d) cannot be decoded "
                     "here (no HDF5 plugin of it); it can be copied as it is, without a "
                     "change of chunks or filters", path, job->in_filename,
                     filters[i].name[0] != '\0' ? filters[i].name : "of that id",
                     (int) filters[i].id);
        return FALSE;
      }
  return TRUE;
}

/* Whether the writer's filters are any */
static gboolean
asks_filters (const GdciCompressionRequest *request)
{
  return request->compression != GDCI_COMPRESSION_NONE || request->shuffle ||
         request->bitshuffle || request->fletcher32;
}

/* The new chunk: FALSE in @rechunk when the dataset keeps its layout */
static gboolean
choose_chunk (GdciRepackJob                 *job,
              const Storage                 *storage,
              GVariant                      *fixed,
              const GdciCompressionRequest  *request,
              guint64                       *chunk,
              gboolean                      *keep,
              GError                       **error)
{
  double chunk_mb = job->settings.chunk_mb;

  *keep = FALSE;
  if (fixed != NULL || chunk_mb > 0)
    return plan_chunk (storage, chunk_mb > 0 ? chunk_mb : DEFAULT_CHUNK_MB, fixed, chunk,
                       error);
  if (storage->chunked)
    memcpy (chunk, storage->chunk, storage->n_dims * sizeof (guint64));
  else if (job->settings.replace_filters && asks_filters (request))
    return plan_chunk (storage, DEFAULT_CHUNK_MB, NULL, chunk, error);
  else
    *keep = TRUE;
  return TRUE;
}

/* @in_dcpl with the new chunk and, when the settings replace them, filters */
static hid_t
new_plist (GdciRepackJob                 *job,
           hid_t                          in_dcpl,
           const Storage                 *storage,
           const guint64                 *chunk,
           const GdciCompressionRequest  *request,
           const char                    *path,
           GError                       **error)
{
  hsize_t h5_chunk[GDCI_MAX_DIMS];
  hid_t dcpl = H5Pcopy (in_dcpl);
  guint64 chunk_bytes;
  gboolean ok;

  for (guint i = 0; i < storage->n_dims; i++)
    h5_chunk[i] = chunk[i];
  if (!_gdci_shape_n_bytes (chunk, storage->n_dims, storage->dtype, &chunk_bytes) ||
      chunk_bytes > MAX_CHUNK_BYTES)
    {
      g_autofree char *s = _gdci_format_tuple (chunk, storage->n_dims);
      _gdci_h5_close (dcpl);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The chunk shape %s of '%s' is too large for HDF5, whose chunks must "
                   "be smaller than 4 GiB", s, path);
      return H5I_INVALID_HID;
    }
  ok = dcpl >= 0 && H5Pset_chunk (dcpl, (int) storage->n_dims, h5_chunk) >= 0;
  if (ok && job->settings.replace_filters)
    {
      GdciCodecSettings codec;

      if (H5Pget_nfilters (dcpl) > 0)
        ok = H5Premove_filter (dcpl, H5Z_FILTER_ALL) >= 0;
      _gdci_compression_resolve (request, gdci_dtype_get_itemsize (storage->dtype),
                                 (gsize) chunk_bytes, &codec);
      ok = ok && _gdci_compression_set_filters (dcpl, &codec);
    }
  if (!ok)
    {
      _gdci_h5_close (dcpl);
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not set up the storage of '%s'",
                          path);
      return H5I_INVALID_HID;
    }
  return dcpl;
}

gboolean
_gdci_repack_plan_dataset (GdciRepackJob     *job,
                           hid_t              dataset,
                           const char        *path,
                           GdciRepackAction  *action,
                           hid_t             *dcpl,
                           GError           **error)
{
  const GdciRepackSettings *settings = &job->settings;
  GdciCompressionRequest request;
  Storage storage, planned;
  hid_t in_dcpl, settled;
  gboolean keep, same;
  GVariant *fixed = NULL;
  gboolean forced;
  H5O_info_t info;

  *action = GDCI_REPACK_COPY;
  *dcpl = H5I_INVALID_HID;
  if (H5Oget_info2 (dataset, &info, H5O_INFO_BASIC) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read '%s' in '%s'", path,
                          job->in_filename);
      return FALSE;
    }
  /* by the object, whichever link reaches it first */
  fixed = g_hash_table_lookup (job->chunk_shapes, &info.addr);
  forced = fixed != NULL;
  if (!forced && settings->datasets != NULL &&
      (job->selected == NULL || !g_hash_table_contains (job->selected, &info.addr)))
    return TRUE;
  in_dcpl = H5Dget_create_plist (dataset);
  if (in_dcpl < 0 || !read_storage (dataset, in_dcpl, &storage) ||
      (!forced && storage.bytes < settings->min_size))
    {
      _gdci_h5_close (in_dcpl);
      H5Eclear2 (H5E_DEFAULT);
      return TRUE;
    }

  _gdci_h5_writer_get_compression_request (settings->writer, &request);
  planned = storage;
  if (!choose_chunk (job, &storage, fixed, &request, planned.chunk, &keep, error))
    goto fail;
  same = storage.chunked &&
         memcmp (planned.chunk, storage.chunk, storage.n_dims * sizeof (guint64)) == 0;
  if (keep || (same && !settings->replace_filters))
    {
      _gdci_h5_close (in_dcpl);
      return TRUE;
    }
  *dcpl = new_plist (job, in_dcpl, &storage, planned.chunk, &request, path, error);
  if (*dcpl < 0)
    goto fail;
  if (same)
    {
      settled = settled_plist (job, dataset, &planned, *dcpl);
      same = settled >= 0 && same_filters (settled, in_dcpl);
      _gdci_h5_close (settled);
      if (same)
        {
          /* stored as it is already */
          _gdci_h5_close (*dcpl);
          *dcpl = H5I_INVALID_HID;
          _gdci_h5_close (in_dcpl);
          return TRUE;
        }
    }
  if (!check_decodable (job, in_dcpl, path, error))
    goto fail;
  _gdci_h5_close (in_dcpl);
  *action = GDCI_REPACK_REWRITE;
  return TRUE;

fail:
  _gdci_h5_close (*dcpl);
  *dcpl = H5I_INVALID_HID;
  _gdci_h5_close (in_dcpl);
  return FALSE;
}
