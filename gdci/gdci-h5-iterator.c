/* gdci-h5-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "gdci-error.h"
#include "gdci-h5-iterator.h"
#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-compressor-private.h"
#include "gdci-h5-chunks-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-serialize-private.h"
#include "gdci-shape-arg-private.h"

/**
 * GdciH5Iterator:
 *
 * A dataset in an existing HDF5 file (an NWB file, for example): the
 * source for re-chunking or compressing data that is already in HDF5.
 *
 * A chunked dataset compressed or checksummed with HDF5's deflate (gzip),
 * shuffle and Fletcher-32 filters, and no other, of integers or IEEE
 * floating-point numbers in either byte order, is read chunk by chunk: HDF5 finds each chunk the selection
 * touches and hands over its stored bytes, and gdci checks their size
 * against what the chunk must be, undoes the filters the chunk's filter
 * mask names, checks the checksum, converts the byte order and copies out
 * the part it wants; chunks never written read as the dataset's fill
 * value. A damaged chunk (compressed bytes that do not decompress to a
 * chunk, a wrong size, a checksum that does not match, a chunk larger
 * than the file) is a %GDCI_ERROR_INVALID_DATA error naming the file,
 * the dataset and the chunk's first element, where HDF5's own reading can
 * crash on such a file. This is also the faster path: no HDF5 filter
 * pipeline, and the decoding needs no HDF5 lock, so that it runs on
 * [property@Gdci.H5Iterator:n-threads] threads while the thread that
 * reads makes every HDF5 call.
 *
 * Other datasets (contiguous and compact ones, chunked ones without
 * filters, whose stored chunks are their elements as they are, and
 * chunked ones with any other filter, such as szip, scale-offset or a
 * plugin's) are read in hyperslabs with H5Dread().
 *
 * Before any read, every dataset's storage is checked to lie within the
 * file, its fill value to be readable, a chunked one's chunk index to be
 * readable and, without filters, to give every chunk the layout's size
 * (HDF5 reads past its buffers where the two differ).
 *
 * Integer and floating-point datasets of the types of [enum@Gdci.Dtype],
 * in either byte order, are read; compound, string, variable-length,
 * reference and other types are refused with a message naming what was
 * found, as are groups, missing paths and files that are not HDF5.
 *
 * HDF5's own error stack is never printed: its innermost message is part
 * of the [struct@GLib.Error] instead.
 *
 * Since: 1.0
 */
struct _GdciH5Iterator
{
  GdciChunkIterator parent_instance;

  char *path;
  char *dataset_path;

  hid_t file;
  hid_t dataset;
  hid_t file_space;
  GdciDtype dtype;
  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
  GdciH5Chunks *chunks;       /* NULL: read with H5Dread() */
  guint n_threads;            /* atomic: set in any thread, read by the reader */
};

G_DEFINE_FINAL_TYPE (GdciH5Iterator, gdci_h5_iterator, GDCI_TYPE_CHUNK_ITERATOR)

enum {
  PROP_0,
  PROP_PATH,
  PROP_DATASET,
  PROP_N_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gdci_h5_iterator_finalize (GObject *object)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (object);
  GdciH5Quiet quiet;

  _gdci_h5_quiet_begin (&quiet);
  g_clear_pointer (&self->chunks, _gdci_h5_chunks_free);
  _gdci_h5_close (self->file_space);
  _gdci_h5_close (self->dataset);
  _gdci_h5_close (self->file);
  _gdci_h5_quiet_end (&quiet);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->dataset_path, g_free);

  G_OBJECT_CLASS (gdci_h5_iterator_parent_class)->finalize (object);
}

static void
gdci_h5_iterator_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_DATASET:
      g_value_set_string (value, self->dataset_path);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, gdci_h5_iterator_get_n_threads (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_h5_iterator_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_DATASET:
      g_free (self->dataset_path);
      self->dataset_path = g_value_dup_string (value);
      break;
    case PROP_N_THREADS:
      gdci_h5_iterator_set_n_threads (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The settings are given, and the file is there and not a directory */
static gboolean
check_file (GdciH5Iterator  *self,
            GError         **error)
{
  struct stat st;

  if (self->path == NULL || *self->path == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file given: set the path property");
      return FALSE;
    }
  if (self->dataset_path == NULL || *self->dataset_path == '\0')
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "No dataset given for '%s': set the dataset property",
                   self->path);
      return FALSE;
    }
  if (stat (self->path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR,
                   saved_errno == ENOENT ? GDCI_ERROR_NOT_FOUND : GDCI_ERROR_IO,
                   "Could not open '%s': %s", self->path, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is a directory, not an HDF5 file", self->path);
      return FALSE;
    }
  return TRUE;
}

/* Opens the file, once: a file without HDF5's signature is told apart
 * by the error HDF5 gives */
static gboolean
open_file (GdciH5Iterator  *self,
           GError         **error)
{
  /* the codecs of hdf5plugin's filters, for H5Dread() */
  _gdci_h5_register_filters ();
  self->file = _gdci_h5_open_to_read (self->path);
  if (self->file >= 0)
    return TRUE;
  if (_gdci_h5_error_has_minor (H5E_NOTHDF5))
    {
      H5Eclear2 (H5E_DEFAULT);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "'%s' is not an HDF5 file", self->path);
      return FALSE;
    }
  _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not open '%s'", self->path);
  return FALSE;
}

/* Each component of the dataset path exists, and the last is a dataset:
 * opens it */
static gboolean
open_object (GdciH5Iterator  *self,
             GError         **error)
{
  g_autoptr(GString) walked = g_string_new ("");
  H5O_type_t type;

  switch (_gdci_h5_inspect_path (self->file, self->dataset_path, self->path, FALSE, walked,
                                 &type, error))
    {
    case GDCI_H5_PATH_ERROR:
      return FALSE;
    case GDCI_H5_PATH_MISSING:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                   "There is no '%s' in '%s'", walked->str, self->path);
      return FALSE;
    case GDCI_H5_PATH_FOUND:
    case GDCI_H5_PATH_BLOCKED:
    default:
      break;
    }
  if (walked->len == 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' is the root group, not a dataset",
                   self->dataset_path, self->path);
      return FALSE;
    }
  if (type != H5O_TYPE_DATASET)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' is %s, not a dataset", walked->str, self->path,
                   type == H5O_TYPE_GROUP ? "a group" :
                   type == H5O_TYPE_NAMED_DATATYPE ? "a named datatype" :
                   "an object of unknown type");
      return FALSE;
    }

  self->dataset = H5Dopen2 (self->file, walked->str, H5P_DEFAULT);
  if (self->dataset < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not open dataset '%s' in '%s'",
                          self->dataset_path, self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_dtype (GdciH5Iterator  *self,
            GError         **error)
{
  const char *description = NULL;
  hid_t type = H5Dget_type (self->dataset);
  gboolean ok;

  if (type < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the type of '%s' in '%s'",
                          self->dataset_path, self->path);
      return FALSE;
    }
  ok = _gdci_h5_dtype_from_type (type, &self->dtype, &description);
  H5Tclose (type);
  if (!ok)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                 "Dataset '%s' in '%s' has %s: gdci reads integer and "
                 "floating-point datasets only", self->dataset_path,
                 self->path, description);
  return ok;
}

static gboolean
read_shape (GdciH5Iterator  *self,
            GError         **error)
{
  hsize_t dims[H5S_MAX_RANK], maxdims[H5S_MAX_RANK];
  int rank;

  self->file_space = H5Dget_space (self->dataset);
  switch (self->file_space < 0 ? H5S_NO_CLASS : H5Sget_simple_extent_type (self->file_space))
    {
    case H5S_SCALAR:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "Dataset '%s' in '%s' is a scalar: gdci needs at least one "
                   "axis", self->dataset_path, self->path);
      return FALSE;
    case H5S_NULL:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "Dataset '%s' in '%s' has no data (a null dataspace)",
                   self->dataset_path, self->path);
      return FALSE;
    case H5S_SIMPLE:
      rank = H5Sget_simple_extent_dims (self->file_space, dims, maxdims);
      break;
    case H5S_NO_CLASS:
    default:
      rank = -1;
      break;
    }
  if (rank < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the shape of '%s' in '%s'",
                          self->dataset_path, self->path);
      return FALSE;
    }
  /* HDF5 keeps the two consistent: a damaged file does not */
  for (int i = 0; i < rank; i++)
    if (maxdims[i] != H5S_UNLIMITED && dims[i] > maxdims[i])
      {
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                     "Dataset '%s' in '%s' is damaged: axis %d has %" G_GUINT64_FORMAT
                     " elements, more than its maximum of %" G_GUINT64_FORMAT,
                     self->dataset_path, self->path, i, (guint64) dims[i],
                     (guint64) maxdims[i]);
        return FALSE;
      }
  self->n_dims = (guint) rank;
  for (int i = 0; i < rank; i++)
    self->shape[i] = dims[i];
  return TRUE;
}

/* Every filter of the dataset's pipeline that neither gdci nor a plugin
 * decodes, told now, by its id and the name the file gives it, rather
 * than by HDF5 at the first read */
static gboolean
check_filters (GdciH5Iterator  *self,
               GError         **error)
{
  hid_t dcpl = H5Dget_create_plist (self->dataset);
  int n_filters = dcpl >= 0 ? H5Pget_nfilters (dcpl) : -1;
  gboolean ok = n_filters >= 0;

  for (int i = 0; ok && i < n_filters; i++)
    {
      char name[64] = "";
      unsigned flags = 0;
      size_t n_cd = 0;
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_cd, NULL,
                                        sizeof name, name, NULL);

      if (id < 0 || H5Zfilter_avail (id) > 0)
        continue;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "Dataset '%s' in '%s' is stored with HDF5 filter %d (%s), which gdci "
                   "cannot decode and no HDF5 plugin provides", self->dataset_path,
                   self->path, (int) id, name[0] != '\0' ? name : "unnamed");
      ok = FALSE;
    }
  if (n_filters < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the filters of '%s' in '%s'",
                        self->dataset_path, self->path);
  _gdci_h5_close (dcpl);
  return ok;
}

static gboolean
open_dataset (GdciH5Iterator  *self,
              GError         **error)
{
  return check_file (self, error) &&
         open_file (self, error) &&
         open_object (self, error) &&
         read_dtype (self, error) &&
         read_shape (self, error) &&
         check_filters (self, error) &&
         _gdci_h5_chunks_open (self->file, self->dataset, self->dtype, self->n_dims,
                               self->shape, self->path, self->dataset_path, &self->chunks,
                               error);
}

static gboolean
gdci_h5_iterator_prepare (GdciChunkIterator  *iter,
                          GCancellable       *cancellable,
                          GError            **error)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (iter);
  GdciH5Quiet quiet;
  gboolean ok;

  _gdci_h5_quiet_begin (&quiet);
  ok = open_dataset (self, error);
  _gdci_h5_quiet_end (&quiet);
  return ok;
}

static GBytes *
gdci_h5_iterator_get_data (GdciChunkIterator  *iter,
                           GdciSelection      *selection,
                           GError            **error)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (iter);
  gsize n_bytes;
  hsize_t start[GDCI_MAX_DIMS];
  hsize_t count[GDCI_MAX_DIMS];
  g_autoptr(GdciBufferLease) buffer = NULL;
  GdciH5Quiet quiet;
  hid_t mem_space;
  herr_t status;

  if (!_gdci_chunk_iterator_selection_bytes (selection, self->dtype, &n_bytes, error))
    return NULL;
  buffer = _gdci_chunk_iterator_alloc_buffer (iter, n_bytes, error);
  if (buffer == NULL)
    return NULL;

  for (guint i = 0; i < self->n_dims; i++)
    {
      start[i] = gdci_selection_get_start (selection, i);
      count[i] = gdci_selection_get_stop (selection, i) - start[i];
    }

  _gdci_h5_quiet_begin (&quiet);
  if (self->chunks != NULL)
    {
      guint64 first[GDCI_MAX_DIMS], extent[GDCI_MAX_DIMS];
      gboolean ok;

      for (guint i = 0; i < self->n_dims; i++)
        {
          first[i] = start[i];
          extent[i] = count[i];
        }
      _gdci_h5_chunks_set_n_threads (self->chunks, gdci_h5_iterator_get_n_threads (self));
      ok = _gdci_h5_chunks_read (self->chunks, first, extent, buffer->data, error);

      _gdci_h5_quiet_end (&quiet);
      if (!ok)
        return NULL;
      return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
    }
  mem_space = H5Screate_simple ((int) self->n_dims, count, NULL);
  status = mem_space < 0 ? -1 :
    H5Sselect_hyperslab (self->file_space, H5S_SELECT_SET, start, NULL, count, NULL);
  if (status >= 0)
    status = H5Dread (self->dataset, _gdci_h5_native_type (self->dtype), mem_space,
                      self->file_space, H5P_DEFAULT, buffer->data);
  if (status < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read '%s' from '%s'",
                        self->dataset_path, self->path);
  _gdci_h5_close (mem_space);
  _gdci_h5_quiet_end (&quiet);

  if (status < 0)
    return NULL;
  return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
}

static GArray *
gdci_h5_iterator_get_maxshape (GdciChunkIterator *iter)
{
  GdciH5Iterator *self = GDCI_H5_ITERATOR (iter);

  return _gdci_shape_array_new (self->shape, self->n_dims);
}

static GdciDtype
gdci_h5_iterator_get_dtype (GdciChunkIterator *iter)
{
  return GDCI_H5_ITERATOR (iter)->dtype;
}

static GVariant *
gdci_h5_iterator_serialize (GdciChunkIterator  *iter,
                            GError            **error)
{
  static const char *const names[] = { "path", "dataset", "n-threads", NULL };

  return _gdci_properties_to_variant (G_OBJECT (iter), names, error);
}

static void
gdci_h5_iterator_class_init (GdciH5IteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_h5_iterator_finalize;
  object_class->get_property = gdci_h5_iterator_get_property;
  object_class->set_property = gdci_h5_iterator_set_property;

  iter_class->prepare = gdci_h5_iterator_prepare;
  iter_class->get_data = gdci_h5_iterator_get_data;
  iter_class->get_maxshape = gdci_h5_iterator_get_maxshape;
  iter_class->get_dtype = gdci_h5_iterator_get_dtype;
  iter_class->serialize = gdci_h5_iterator_serialize;

  /**
   * GdciH5Iterator:path:
   *
   * The HDF5 file to read.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * GdciH5Iterator:dataset:
   *
   * The path of the dataset inside the file, such as
   * `/acquisition/ElectricalSeries/data`.
   *
   * Since: 1.0
   */
  properties[PROP_DATASET] =
    g_param_spec_string ("dataset", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * GdciH5Iterator:n-threads:
   *
   * The number of threads that decode the chunks of a buffer in parallel,
   * for a dataset read chunk by chunk (see [class@Gdci.H5Iterator]); 0, the
   * default, means one per processor, and 1 decodes in the thread that
   * reads. Fewer are used for a buffer of fewer chunks, and when their
   * scratch memory (about three chunks each, and one chunk read ahead)
   * would pass 128 MiB; never more than 256. The thread that reads makes
   * every HDF5 call itself, and every decoding thread has finished when a
   * buffer is handed out. Other datasets are read by HDF5 in the thread
   * that reads, whatever this says.
   *
   * May be set at any time: it applies from the next buffer read.
   *
   * Since: 1.0
   */
  properties[PROP_N_THREADS] =
    g_param_spec_uint ("n-threads", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gdci_h5_iterator_init (GdciH5Iterator *self)
{
  self->file = H5I_INVALID_HID;
  self->dataset = H5I_INVALID_HID;
  self->file_space = H5I_INVALID_HID;
}

/**
 * gdci_h5_iterator_new:
 * @path: (type filename): the HDF5 file
 * @dataset: the path of the dataset inside it
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates and initializes an iterator over a dataset of an HDF5 file, with
 * the default buffer and chunk settings. For other settings, use
 * [func@Gio.Initable.new] with the properties.
 *
 * Fails when the file is missing or not HDF5, when @dataset does not exist
 * or is not a dataset, when its type is not one gdci reads, and for the
 * reasons [class@Gdci.ChunkIterator] gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or
 *   %NULL on error
 *
 * Since: 1.0
 */
GdciChunkIterator *
gdci_h5_iterator_new (const char  *path,
                      const char  *dataset,
                      GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, error,
                         "path", path, "dataset", dataset, NULL);
}

/**
 * gdci_h5_iterator_get_n_threads:
 * @self: an iterator
 *
 * Gets [property@Gdci.H5Iterator:n-threads].
 *
 * Returns: the number of decoding threads, or 0 for one per processor
 *
 * Since: 1.0
 */
guint
gdci_h5_iterator_get_n_threads (GdciH5Iterator *self)
{
  g_return_val_if_fail (GDCI_IS_H5_ITERATOR (self), 0);

  return (guint) g_atomic_int_get (&self->n_threads);
}

/**
 * gdci_h5_iterator_set_n_threads:
 * @self: an iterator
 * @n_threads: the number of threads, or 0 for one per processor
 *
 * Sets [property@Gdci.H5Iterator:n-threads].
 *
 * Since: 1.0
 */
void
gdci_h5_iterator_set_n_threads (GdciH5Iterator *self,
                                guint           n_threads)
{
  g_return_if_fail (GDCI_IS_H5_ITERATOR (self));

  if ((guint) g_atomic_int_exchange (&self->n_threads, n_threads) != n_threads)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_THREADS]);
}
