/* gdci-h5-fill.c: filling a dataset that exists
 *
 * A dataset that hdmf, h5py or another program created is filled as it
 * is: its shape must be the iterator's, its element type one that the
 * iterator's converts to exactly, and its chunk shape and filters stay.
 * Where gdci encodes its filter pipeline exactly (HDF5's shuffle, then one
 * compressor gdci has, then Fletcher-32, the order h5py and gdci write
 * them) and its elements are the iterator's in the native byte order, the
 * chunks are filtered on the writer's threads and written directly, as in
 * a new dataset; otherwise HDF5 writes each buffer itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-error.h"
#include "gdci-h5-fill-private.h"
#include "gdci-h5-target-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-plan-settings.h"
#include "gdci-shape-arg-private.h"

/* ---- the element type ---------------------------------------------------- */

/* Whether every value of @from (a native integer or IEEE type) is a value
 * of @to, which HDF5 then converts exactly */
static gboolean
converts_exactly (hid_t from,
                  hid_t to)
{
  H5T_class_t from_class = H5Tget_class (from), to_class = H5Tget_class (to);
  size_t from_bits = H5Tget_precision (from), to_bits = H5Tget_precision (to);

  if (from_class == H5T_INTEGER && to_class == H5T_INTEGER)
    {
      gboolean from_signed = H5Tget_sign (from) == H5T_SGN_2;
      gboolean to_signed = H5Tget_sign (to) == H5T_SGN_2;

      if (from_signed && !to_signed)
        return FALSE;
      return from_signed == to_signed ? from_bits <= to_bits : from_bits < to_bits;
    }
  if (to_class != H5T_FLOAT)
    return FALSE;
  {
    size_t to_spos, to_epos, to_esize, to_mpos, to_msize;

    if (H5Tget_fields (to, &to_spos, &to_epos, &to_esize, &to_mpos, &to_msize) < 0)
      return FALSE;
    if (from_class == H5T_INTEGER)
      /* the magnitude's bits, and the implicit bit of the mantissa */
      return from_bits - (H5Tget_sign (from) == H5T_SGN_2 ? 1 : 0) <= to_msize + 1;
    if (from_class == H5T_FLOAT)
      {
        size_t spos, epos, esize, mpos, msize;

        return H5Tget_fields (from, &spos, &epos, &esize, &mpos, &msize) >= 0 &&
               msize <= to_msize && esize <= to_esize;
      }
  }
  return FALSE;
}

static char *
describe_type (hid_t type)
{
  const char *description = NULL;
  GdciDtype dtype;

  if (_gdci_h5_dtype_from_type (type, &dtype, &description))
    return g_strdup (gdci_dtype_to_string (dtype));
  H5Eclear2 (H5E_DEFAULT);
  return g_strdup (description != NULL ? description : "a type gdci does not know");
}

/* The dataset's elements take the iterator's exactly; *@same when they
 * are the iterator's own, in the native byte order */
static gboolean
check_type (hid_t        dataset,
            GdciDtype    dtype,
            const char  *filename,
            const char  *dataset_path,
            gboolean    *same,
            GError     **error)
{
  hid_t type = H5Dget_type (dataset);
  hid_t native = _gdci_h5_native_type (dtype);
  gboolean ok;

  if (type < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the type of '%s' in '%s'",
                          dataset_path, filename);
      return FALSE;
    }
  *same = H5Tequal (type, native) > 0;
  ok = *same || converts_exactly (native, type);
  if (!ok)
    {
      g_autofree char *held = describe_type (type);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' holds %s, which the iterator's %s does not convert to "
                   "exactly: give data of its type", dataset_path, filename, held,
                   gdci_dtype_to_string (dtype));
    }
  H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_close (type);
  return ok;
}

/* ---- the shape and the storage -------------------------------------------- */

static gboolean
check_shape (hid_t              dataset,
             GdciChunkIterator *iter,
             const char        *filename,
             const char        *dataset_path,
             GError           **error)
{
  guint n_dims;
  const guint64 *shape = gdci_chunk_iterator_get_full_shape (iter, &n_dims);
  hsize_t dims[H5S_MAX_RANK];
  hid_t space = H5Dget_space (dataset);
  int rank = space >= 0 ? H5Sget_simple_extent_dims (space, dims, NULL) : -1;
  gboolean same = rank == (int) n_dims;

  _gdci_h5_close (space);
  if (rank < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the shape of '%s' in '%s'",
                          dataset_path, filename);
      return FALSE;
    }
  for (guint i = 0; same && i < n_dims; i++)
    same = dims[i] == shape[i];
  if (!same)
    {
      guint64 held[H5S_MAX_RANK];
      g_autofree char *held_str = NULL, *data_str = NULL;

      for (int i = 0; i < rank; i++)
        held[i] = dims[i];
      held_str = _gdci_format_tuple (held, (guint) rank);
      data_str = _gdci_format_tuple (shape, n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' has the shape %s, and the data %s: a fill writes a "
                   "dataset of the data's shape", dataset_path, filename, held_str, data_str);
      return FALSE;
    }
  return TRUE;
}

/* The filter pipeline of @dcpl as gdci encodes it, or FALSE when gdci
 * does not encode it exactly */
static gboolean
read_pipeline (hid_t              dcpl,
               gsize              itemsize,
               gsize              chunk_bytes,
               gboolean           fast_gzip,
               GdciCodecSettings *codec)
{
  int n_filters = H5Pget_nfilters (dcpl);
  unsigned options = 0;
  int stage = 0;   /* 0: shuffle may come, 1: a compressor, 2: Fletcher-32, 3: nothing */

  *codec = (GdciCodecSettings) { .chunk_bytes = chunk_bytes, .itemsize = itemsize };
  codec->compressor.kind = GDCI_COMPRESSOR_NONE;
  codec->compressor.itemsize = itemsize;
  codec->compressor.chunk_bytes = chunk_bytes;
  if (n_filters < 0 || n_filters > 3 ||
      (n_filters > 0 && (H5Pget_chunk_opts (dcpl, &options) < 0 ||
                         (options & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS) != 0)))
    return FALSE;

  for (int i = 0; i < n_filters; i++)
    {
      unsigned flags = 0, cd_values[GDCI_COMPRESSOR_MAX_CD_VALUES] = { 0 };
      size_t cd_nelmts = G_N_ELEMENTS (cd_values);
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &cd_nelmts, cd_values,
                                        0, NULL, NULL);

      if (id == H5Z_FILTER_SHUFFLE && stage == 0)
        {
          if (cd_nelmts < 1 || cd_values[0] != itemsize)
            return FALSE;
          codec->shuffle = TRUE;
          stage = 1;
        }
      else if (id == H5Z_FILTER_FLETCHER32 && stage <= 2)
        {
          codec->fletcher32 = TRUE;
          stage = 3;
        }
      else if (stage <= 1 && id != H5Z_FILTER_SHUFFLE && id != H5Z_FILTER_FLETCHER32 &&
               _gdci_compressor_settings_for_filter (id, cd_values,
                                                     MIN (cd_nelmts, G_N_ELEMENTS (cd_values)),
                                                     itemsize, chunk_bytes, &codec->compressor,
                                                     NULL))
        stage = 2;
      else
        return FALSE;
    }
  if (fast_gzip && codec->compressor.kind == GDCI_COMPRESSOR_DEFLATE &&
      codec->compressor.level <= 3)
    codec->compressor.kind = GDCI_COMPRESSOR_DEFLATE_FAST;
  return TRUE;
}

static gboolean
read_chunking (hid_t              dataset,
               hid_t              dcpl,
               guint              n_dims,
               GdciDtype          dtype,
               GdciH5FillLayout  *layout,
               const char        *filename,
               const char        *dataset_path,
               GError           **error)
{
  hsize_t chunk[H5S_MAX_RANK];
  hsize_t n_chunks = 0;
  guint64 chunk_bytes = gdci_dtype_get_itemsize (dtype);
  hid_t space;

  if (H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk) != (int) n_dims)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the chunk shape of '%s' in "
                          "'%s'", dataset_path, filename);
      return FALSE;
    }
  for (guint i = 0; i < n_dims; i++)
    {
      layout->chunk[i] = chunk[i];
      if (chunk[i] == 0 || !g_uint64_checked_mul (&chunk_bytes, chunk_bytes, chunk[i]))
        chunk_bytes = G_MAXUINT64;
    }
  if (chunk_bytes > G_MAXUINT32)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "'%s' in '%s' claims chunks of 4 GiB or more, which HDF5 never stores: "
                   "the file is damaged", dataset_path, filename);
      return FALSE;
    }
  layout->codec.chunk_bytes = (gsize) chunk_bytes;
  /* the dataset's own space: HDF5 1.10 takes no H5S_ALL here. Unknown,
   * it is taken to have chunks, which a roll-back then keeps. */
  space = H5Dget_space (dataset);
  if (space < 0 || H5Dget_num_chunks (dataset, space, &n_chunks) < 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      n_chunks = 1;
    }
  _gdci_h5_close (space);
  layout->was_empty = n_chunks == 0;
  return TRUE;
}

/* The filters of @dcpl that HDF5 is to apply itself are loaded: HDF5 1.10
 * loads a plugin's filter when a dataset is created or read, not when one
 * that exists is written, and leaves an optional filter it has not
 * registered out of the chunks it writes (they say so in their filter
 * mask, and read back the same). An optional filter that no plugin on
 * HDF5's path provides is left out, as HDF5 does; a required one is an
 * error, before anything is written. */
static gboolean
load_filters (hid_t        dcpl,
              const char  *filename,
              const char  *dataset_path,
              GError     **error)
{
  int n_filters = H5Pget_nfilters (dcpl);

  for (int i = 0; i < n_filters; i++)
    {
      unsigned flags = 0, config = 0, cd_values[16];
      size_t cd_nelmts = G_N_ELEMENTS (cd_values);
      char name[80] = "";
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &cd_nelmts, cd_values,
                                        sizeof name, name, NULL);
      htri_t available = -1;

      if (id < 0)
        continue;
      H5E_BEGIN_TRY
        {
          /* only a filter not registered yet sends HDF5 to its plugins */
          available = H5Zget_filter_info (id, &config) >= 0 ? 1 : H5Zfilter_avail (id);
        }
      H5E_END_TRY;
      if (available > 0 || (flags & H5Z_FLAG_OPTIONAL) != 0)
        continue;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' in '%s' requires HDF5 filter %d%s%s%s, which HDF5 does not have "
                   "here: put its plugin on HDF5_PLUGIN_PATH", dataset_path, filename,
                   (int) id, *name != '\0' ? " (" : "", name, *name != '\0' ? ")" : "");
      return FALSE;
    }
  return TRUE;
}

/* The element HDF5 fills the rest of a partial chunk with, as HDF5 does
 * when it writes one: the dataset's own fill value, unless it is never
 * written (H5D_FILL_TIME_NEVER) */
static void
read_pad (hid_t              dcpl,
          GdciDtype          dtype,
          GdciCodecSettings *codec)
{
  H5D_fill_value_t defined = H5D_FILL_VALUE_UNDEFINED;
  H5D_fill_time_t fill_time = H5D_FILL_TIME_IFSET;

  codec->pad_set = FALSE;
  memset (codec->pad, 0, sizeof codec->pad);
  if (gdci_dtype_get_itemsize (dtype) > sizeof codec->pad ||
      H5Pfill_value_defined (dcpl, &defined) < 0 ||
      defined != H5D_FILL_VALUE_USER_DEFINED ||
      H5Pget_fill_time (dcpl, &fill_time) < 0 || fill_time == H5D_FILL_TIME_NEVER)
    return;
  /* the dataset's type is the iterator's, in the native byte order */
  if (H5Pget_fill_value (dcpl, _gdci_h5_native_type (dtype), codec->pad) >= 0)
    codec->pad_set = TRUE;
  else
    memset (codec->pad, 0, sizeof codec->pad);
}

gboolean
_gdci_h5_fill_inspect (hid_t               dataset,
                       GdciChunkIterator  *iter,
                       gboolean            fast_gzip,
                       const char         *filename,
                       const char         *dataset_path,
                       GdciH5FillLayout   *layout,
                       GError            **error)
{
  GdciDtype dtype = gdci_chunk_iterator_get_dtype (iter);
  guint n_dims = gdci_chunk_iterator_get_n_dims (iter);
  gboolean same_type = FALSE;
  hid_t dcpl;
  gboolean ok;

  *layout = (GdciH5FillLayout) { 0 };
  /* where HDF5 filters the buffers itself, a dataset of zstd or
   * Bitshuffle needs gdci's filters: without them, HDF5 leaves an
   * optional filter it does not have out of the chunks it writes */
  _gdci_h5_register_filters ();
  if (!check_shape (dataset, iter, filename, dataset_path, error) ||
      !check_type (dataset, dtype, filename, dataset_path, &same_type, error))
    return FALSE;
  dcpl = H5Dget_create_plist (dataset);
  if (dcpl < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read how '%s' in '%s' is stored",
                          dataset_path, filename);
      return FALSE;
    }
  layout->chunked = H5Pget_layout (dcpl) == H5D_CHUNKED;
  ok = !layout->chunked ||
       read_chunking (dataset, dcpl, n_dims, dtype, layout, filename, dataset_path, error);
  if (ok && layout->chunked)
    layout->direct = same_type &&
                     read_pipeline (dcpl, gdci_dtype_get_itemsize (dtype),
                                    layout->codec.chunk_bytes, fast_gzip, &layout->codec);
  if (layout->direct)
    read_pad (dcpl, dtype, &layout->codec);
  else if (ok && layout->chunked)
    ok = load_filters (dcpl, filename, dataset_path, error);
  H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_close (dcpl);
  return ok;
}

/* ---- what makes a fill slow -------------------------------------------------- */

/* Chunks smaller than this cost more to find a place for and write than
 * their data takes to copy */
#define SLOW_CHUNK_BYTES ((gsize) 64 * 1024)

void
_gdci_h5_fill_warn_if_slow (const GdciH5FillLayout *layout,
                            const char             *filename,
                            const char             *dataset_path)
{
  if (!layout->chunked)
    return;
  if (!layout->direct)
    g_message ("Filling '%s' in '%s' on one thread: its filters or its element type are "
               "HDF5's to apply (gdci encodes shuffle, deflate, Fletcher-32, zstd, LZ4, "
               "Blosc and Bitshuffle of the data's own type)", dataset_path, filename);
  else if (layout->codec.chunk_bytes < SLOW_CHUNK_BYTES)
    g_message ("Filling '%s' in '%s' slowly: its chunks of %" G_GSIZE_FORMAT " bytes are "
               "small, and each one is a write of its own", dataset_path, filename,
               layout->codec.chunk_bytes);
}

/* ---- reading in whole chunks ------------------------------------------------ */

GdciPlan *
_gdci_h5_fill_read_plan (GdciChunkIterator       *iter,
                         const GdciH5FillLayout  *layout,
                         GError                 **error)
{
  guint n_dims;
  const guint64 *shape = gdci_chunk_iterator_get_full_shape (iter, &n_dims);
  const guint64 *buffer = gdci_chunk_iterator_get_buffer_shape (iter, NULL);
  guint64 chunk[GDCI_MAX_DIMS], aligned[GDCI_MAX_DIMS];
  g_autoptr(GdciPlanSettings) settings = NULL;
  gboolean changed = FALSE;

  if (!layout->chunked)
    return NULL;
  for (guint i = 0; i < n_dims; i++)
    {
      /* a chunk longer than the data (an extendable dataset's) is read whole */
      chunk[i] = MIN (layout->chunk[i], shape[i]);
      if (buffer[i] >= shape[i])
        aligned[i] = shape[i];
      else
        {
          /* the nearest whole number of chunks, at least one */
          guint64 n = MAX ((buffer[i] + chunk[i] / 2) / chunk[i], 1);
          aligned[i] = n > shape[i] / chunk[i] ? shape[i] : n * chunk[i];
        }
      changed = changed || aligned[i] != buffer[i] ||
                (aligned[i] % chunk[i] != 0 && aligned[i] != shape[i]);
    }
  if (!changed)
    return NULL;
  settings = gdci_plan_settings_new ();
  gdci_plan_settings_set_chunk_shape (settings, chunk, n_dims);
  gdci_plan_settings_set_buffer_shape (settings, aligned, n_dims);
  return gdci_plan_new (gdci_chunk_iterator_get_dtype (iter), shape, n_dims, settings, error);
}

/* ---- the roll-back without a journal ---------------------------------------- */

void
_gdci_h5_fill_drop_chunks (hid_t                   dataset,
                           const GdciH5FillLayout *layout)
{
  hsize_t dims[H5S_MAX_RANK], empty[H5S_MAX_RANK];
  hid_t space;
  int rank;

  if (!layout->chunked || !layout->was_empty)
    return;
  space = H5Dget_space (dataset);
  rank = space >= 0 ? H5Sget_simple_extent_dims (space, dims, NULL) : -1;
  _gdci_h5_close (space);
  if (rank <= 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      return;
    }
  /* HDF5 drops the chunks outside a dataset it shrinks: none is left at
   * no extent, and the dataset grows back to its shape with none */
  memcpy (empty, dims, sizeof (hsize_t) * (gsize) rank);
  empty[0] = 0;
  if (H5Dset_extent (dataset, empty) < 0 || H5Dset_extent (dataset, dims) < 0)
    H5Eclear2 (H5E_DEFAULT);
}

/* ---- a dataset the caller has open ------------------------------------------ */

static char *
object_name (hid_t id,
             gboolean file_name)
{
  ssize_t n = file_name ? H5Fget_name (id, NULL, 0) : H5Iget_name (id, NULL, 0);
  char *name;

  if (n <= 0)
    return NULL;
  name = g_malloc ((gsize) n + 1);
  if ((file_name ? H5Fget_name (id, name, (size_t) n + 1)
                 : H5Iget_name (id, name, (size_t) n + 1)) < 0)
    g_clear_pointer (&name, g_free);
  return name;
}

/* Whether the file of @dataset is open for writing */
static gboolean
open_for_writing (hid_t dataset)
{
  hid_t file = H5Iget_file_id (dataset);
  unsigned intent = 0;
  gboolean ok = file >= 0 && H5Fget_intent (file, &intent) >= 0 &&
                (intent & H5F_ACC_RDWR) != 0;

  _gdci_h5_close (file);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

GdciH5Target *
_gdci_h5_target_new_borrowed (hid_t       dataset,
                              const char *filename_shown,
                              GError    **error)
{
  GdciH5Target *target;
  g_autofree char *filename = NULL;
  g_autofree char *path = NULL;

  if (H5Iis_valid (dataset) <= 0 || H5Iget_type (dataset) != H5I_DATASET)
    {
      H5Eclear2 (H5E_DEFAULT);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%" G_GINT64_FORMAT " is not the identifier of an open HDF5 dataset "
                   "(of the HDF5 library gdci uses)", (gint64) dataset);
      return NULL;
    }
  filename = filename_shown != NULL ? g_strdup (filename_shown) : object_name (dataset, TRUE);
  path = object_name (dataset, FALSE);
  H5Eclear2 (H5E_DEFAULT);
  if (!open_for_writing (dataset))
    {
      /* HDF5 1.10 does not refuse a raw chunk written there: it damages
       * what it holds of the file in memory */
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' is open read-only: gdci fills a dataset of a file "
                   "opened for writing", path != NULL ? path : "(an anonymous dataset)",
                   filename != NULL ? filename : "(an open file)");
      return NULL;
    }
  target = _gdci_h5_target_new (filename != NULL ? filename : "(an open file)",
                                path != NULL ? path : "(an anonymous dataset)",
                                GDCI_WRITE_MODE_FILL);
  target->borrowed = TRUE;
  target->dataset = dataset;
  return target;
}
