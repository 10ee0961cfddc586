/* gdci-h5-chunks.c: a chunked HDF5 dataset read chunk by chunk, outside
 * HDF5's filter pipeline
 *
 * HDF5 1.10 trusts the sizes it finds in a file: a damaged chunk index or
 * chunk can make H5Dread() read or write past its buffers. Here HDF5 only
 * finds a chunk (H5Dget_chunk_storage_size()) and hands over its stored
 * bytes (H5Dread_chunk()); every size is checked against what the chunk
 * must be before it is used, and the filters are undone by gdci's own
 * decoders (gdci-codec.c), which need no HDF5 lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-codec-private.h"
#include "gdci-copy-private.h"
#include "gdci-error.h"
#include "gdci-h5-chunk-decode-private.h"
#include "gdci-h5-chunks-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-memory-private.h"
#include "gdci-selection.h"

/* HDF5 stores no chunk of 4 GiB or more */
#define MAX_CHUNK_BYTES G_GUINT64_CONSTANT (0xffffffff)

struct _GdciH5Chunks
{
  hid_t dataset;
  const char *filename;
  const char *dataset_path;
  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
  guint64 chunk_shape[GDCI_MAX_DIMS];
  gint64 chunk_strides[GDCI_MAX_DIMS];
  gsize itemsize;
  gsize chunk_bytes;
  gboolean swap;                /* the file's byte order is not ours */
  guint64 data_end;             /* the file's size, past its user block */
  gboolean fill_defined;        /* by the file, or zero */
  guint8 fill_value[16];
  guint8 *fill_chunk;           /* a chunk of the fill value, when needed */
  GdciDecoderSettings settings;
  GdciDecoder *decoder;         /* the calling thread's */
  guint n_threads;              /* of decoding, at most: 0 one per processor */
  GdciH5ChunkDecode *decode;    /* the other threads' decoders */
};

void
_gdci_h5_chunks_free (GdciH5Chunks *chunks)
{
  if (chunks == NULL)
    return;
  _gdci_h5_chunk_decode_free (chunks->decode);
  _gdci_decoder_free (chunks->decoder);
  _gdci_free_large (chunks->fill_chunk);
  g_free (chunks);
}

/* "(0, 128)": a chunk's first element, as messages name it */
static char *
format_offset (guint          n_dims,
               const guint64 *offset)
{
  GString *text = g_string_new ("(");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, i > 0 ? ", " : "", offset[i]);
  g_string_append_c (text, ')');
  return g_string_free (text, FALSE);
}

/* The product of @n values, FALSE if it does not fit in 64 bits */
static gboolean
checked_product (const guint64 *values,
                 guint          n,
                 guint64        start,
                 guint64       *product)
{
  guint64 p = start;

  for (guint i = 0; i < n; i++)
    if (!g_uint64_checked_mul (&p, p, values[i]))
      return FALSE;
  *product = p;
  return TRUE;
}

/* The end of the file's data, in HDF5's addresses (which start after the
 * user block) */
static gboolean
read_data_end (hid_t         file,
               guint64      *data_end,
               const char   *filename,
               GError      **error)
{
  hsize_t file_size = 0, userblock = 0;
  hid_t fcpl = H5Fget_create_plist (file);
  herr_t status = fcpl < 0 ? -1 : H5Pget_userblock (fcpl, &userblock);

  _gdci_h5_close (fcpl);
  if (status < 0 || H5Fget_filesize (file, &file_size) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the size of '%s'", filename);
      return FALSE;
    }
  *data_end = file_size > userblock ? file_size - userblock : 0;
  return TRUE;
}

/* A contiguous dataset lies within the file */
static gboolean
check_contiguous (hid_t          dataset,
                  gsize          itemsize,
                  guint          n_dims,
                  const guint64 *shape,
                  guint64        data_end,
                  const char    *filename,
                  const char    *dataset_path,
                  GError       **error)
{
  haddr_t address = H5Dget_offset (dataset);
  guint64 n_bytes = 0, end = 0;
  gboolean fits;

  /* not allocated (read as the fill value), or in external files */
  if (address == HADDR_UNDEF)
    {
      H5Eclear2 (H5E_DEFAULT);
      return TRUE;
    }
  fits = checked_product (shape, n_dims, itemsize, &n_bytes) &&
         g_uint64_checked_add (&end, address, n_bytes);
  if (!fits || end > data_end)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "Dataset '%s' in '%s' lies past the end of the file (its data "
                   "would end at byte %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                   "): the file is truncated or damaged", dataset_path, filename,
                   fits ? end : G_MAXUINT64, data_end);
      return FALSE;
    }
  return TRUE;
}

/* The chunk index can be walked, holds no more chunks than the dataset
 * has, and their storage fits in the file. Without filters, every chunk
 * takes @unfiltered_bytes: HDF5 then reads a chunk with the size the index
 * gives into a buffer of the layout's size, or the other way round, past
 * the one or the other when the two differ. H5Dget_storage_size() adds up
 * the sizes of the index, which must then be n_chunks times the layout's
 * (0: the dataset has filters). */
static gboolean
check_chunk_index (hid_t          dataset,
                   guint          n_dims,
                   const guint64 *shape,
                   const guint64 *chunk_shape,
                   guint64        unfiltered_bytes,
                   guint64        data_end,
                   const char    *filename,
                   const char    *dataset_path,
                   GError       **error)
{
  guint64 grid = 1, expected = 0;
  hsize_t n_chunks = 0, storage;
  hid_t space = H5Dget_space (dataset);
  herr_t status = space < 0 ? -1 : H5Dget_num_chunks (dataset, space, &n_chunks);

  _gdci_h5_close (space);
  if (status < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_INVALID_DATA,
                          "The chunk index of '%s' in '%s' cannot be read", dataset_path,
                          filename);
      return FALSE;
    }
  for (guint i = 0; i < n_dims; i++)
    {
      guint64 along = shape[i] / chunk_shape[i] + (shape[i] % chunk_shape[i] != 0);

      if (!g_uint64_checked_mul (&grid, grid, along))
        grid = G_MAXUINT64;
    }
  if (n_chunks > grid)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The chunk index of '%s' in '%s' is damaged: it lists %" G_GUINT64_FORMAT
                   " chunks where the dataset has %" G_GUINT64_FORMAT, dataset_path, filename,
                   (guint64) n_chunks, grid);
      return FALSE;
    }
  storage = H5Dget_storage_size (dataset);
  if (unfiltered_bytes > 0 &&
      (!g_uint64_checked_mul (&expected, unfiltered_bytes, n_chunks) || storage != expected))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The chunk index of '%s' in '%s' is damaged: its %" G_GUINT64_FORMAT
                   " chunks take %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT
                   " each", dataset_path, filename, (guint64) n_chunks, (guint64) storage,
                   unfiltered_bytes);
      return FALSE;
    }
  if (storage > data_end)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "Dataset '%s' in '%s' claims %" G_GUINT64_FORMAT " bytes of chunks in "
                   "a file of %" G_GUINT64_FORMAT ": the file is truncated or damaged",
                   dataset_path, filename, (guint64) storage, data_end);
      return FALSE;
    }
  H5Eclear2 (H5E_DEFAULT);
  return TRUE;
}

/* The dataset's filters, when gdci decodes them all: FALSE otherwise */
static gboolean
read_filters (hid_t                dcpl,
              GdciDecoderSettings *settings)
{
  int n_filters = H5Pget_nfilters (dcpl);
  unsigned options = 0;

  if (n_filters < 0 || n_filters > GDCI_DECODER_MAX_FILTERS)
    return FALSE;
  /* edge chunks left unfiltered: HDF5 knows which they are */
  if (n_filters > 0 &&
      (H5Pget_chunk_opts (dcpl, &options) < 0 ||
       (options & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS) != 0))
    return FALSE;

  settings->n_filters = (guint) n_filters;
  for (int i = 0, n_deflate = 0; i < n_filters; i++)
    {
      unsigned flags = 0, cd_values[8] = { 0 };
      size_t cd_nelmts = G_N_ELEMENTS (cd_values);
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &cd_nelmts, cd_values,
                                        0, NULL, NULL);

      switch (id)
        {
        case H5Z_FILTER_DEFLATE:
          /* compressed once: its size is then known */
          if (++n_deflate > 1)
            return FALSE;
          settings->filters[i] = GDCI_FILTER_DEFLATE;
          break;
        case H5Z_FILTER_FLETCHER32:
          settings->filters[i] = GDCI_FILTER_FLETCHER32;
          break;
        case H5Z_FILTER_SHUFFLE:
          /* HDF5 stores the element size it shuffled with */
          if (cd_nelmts < 1 || cd_values[0] == 0)
            return FALSE;
          settings->filters[i] = GDCI_FILTER_SHUFFLE;
          settings->shuffle_itemsize[i] = cd_values[0];
          break;
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* The standard little- and big-endian layouts of @dtype */
static void
standard_types (GdciDtype  dtype,
                hid_t     *le,
                hid_t     *be)
{
  switch (dtype)
    {
    case GDCI_DTYPE_INT8: *le = H5T_STD_I8LE; *be = H5T_STD_I8BE; break;
    case GDCI_DTYPE_UINT8: *le = H5T_STD_U8LE; *be = H5T_STD_U8BE; break;
    case GDCI_DTYPE_INT16: *le = H5T_STD_I16LE; *be = H5T_STD_I16BE; break;
    case GDCI_DTYPE_UINT16: *le = H5T_STD_U16LE; *be = H5T_STD_U16BE; break;
    case GDCI_DTYPE_INT32: *le = H5T_STD_I32LE; *be = H5T_STD_I32BE; break;
    case GDCI_DTYPE_UINT32: *le = H5T_STD_U32LE; *be = H5T_STD_U32BE; break;
    case GDCI_DTYPE_INT64: *le = H5T_STD_I64LE; *be = H5T_STD_I64BE; break;
    case GDCI_DTYPE_UINT64: *le = H5T_STD_U64LE; *be = H5T_STD_U64BE; break;
    case GDCI_DTYPE_FLOAT32: *le = H5T_IEEE_F32LE; *be = H5T_IEEE_F32BE; break;
    case GDCI_DTYPE_FLOAT64: *le = H5T_IEEE_F64LE; *be = H5T_IEEE_F64BE; break;
    default: *le = *be = H5I_INVALID_HID; break;
    }
}

/* Whether @type is @dtype in one of its standard layouts (and not one
 * HDF5 must convert), and which byte order */
static gboolean
standard_type (hid_t      type,
               GdciDtype  dtype,
               gboolean  *big_endian)
{
  hid_t le, be;

  standard_types (dtype, &le, &be);
  if (le < 0)
    return FALSE;
  if (H5Tequal (type, le) > 0)
    {
      *big_endian = FALSE;
      return TRUE;
    }
  if (H5Tequal (type, be) > 0)
    {
      *big_endian = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* The element layout: a standard type (or HDF5 converts it), its fill
 * value in the native type */
static gboolean
read_element (GdciH5Chunks *chunks,
              hid_t         dcpl,
              GdciDtype     dtype)
{
  gboolean big_endian = FALSE;
  hid_t type = H5Dget_type (chunks->dataset);
  gboolean ok = type >= 0 && standard_type (type, dtype, &big_endian);

  _gdci_h5_close (type);
  if (!ok)
    return FALSE;
  chunks->itemsize = gdci_dtype_get_itemsize (dtype);
  chunks->swap = big_endian != (G_BYTE_ORDER == G_BIG_ENDIAN);
  /* zero when none was set (check_fill_value() said which) */
  if (chunks->fill_defined)
    return H5Pget_fill_value (dcpl, _gdci_h5_native_type (dtype), chunks->fill_value) >= 0;
  memset (chunks->fill_value, 0, sizeof chunks->fill_value);
  return TRUE;
}

/* Whether the dataset has a fill value of its own. HDF5 converts a fill
 * value it cannot describe (a damaged fill value message) with no type,
 * and crashes: it fails to say whether there is one first. */
static gboolean
check_fill_value (GdciH5Chunks  *chunks,
                  hid_t          dcpl,
                  GError       **error)
{
  H5D_fill_value_t status = H5D_FILL_VALUE_ERROR;

  if (H5Pfill_value_defined (dcpl, &status) < 0 || status == H5D_FILL_VALUE_ERROR)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_INVALID_DATA,
                          "The fill value of '%s' in '%s' is damaged", chunks->dataset_path,
                          chunks->filename);
      return FALSE;
    }
  chunks->fill_defined = status == H5D_FILL_VALUE_USER_DEFINED;
  return TRUE;
}

/* The raw-chunk reader of a chunked dataset, or NULL (and TRUE) when
 * HDF5 must read it */
static gboolean
open_chunked (GdciH5Chunks   *chunks,
              hid_t           dcpl,
              GdciDtype       dtype,
              guint64         data_end,
              gboolean       *usable,
              GError        **error)
{
  GdciDecoderSettings settings = { 0 };
  hsize_t chunk_shape[H5S_MAX_RANK];
  guint64 chunk_bytes, unfiltered_bytes = 0;

  *usable = FALSE;
  if (H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk_shape) != (int) chunks->n_dims)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_INVALID_DATA,
                          "The chunk shape of '%s' in '%s' cannot be read",
                          chunks->dataset_path, chunks->filename);
      return FALSE;
    }
  for (guint i = 0; i < chunks->n_dims; i++)
    {
      if (chunk_shape[i] == 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                       "Dataset '%s' in '%s' has chunks of no elements: the file is "
                       "damaged", chunks->dataset_path, chunks->filename);
          return FALSE;
        }
      chunks->chunk_shape[i] = chunk_shape[i];
    }
  /* the file's elements are of the dtype's size: read_dtype() saw to it */
  if (H5Pget_nfilters (dcpl) == 0 &&
      !checked_product (chunks->chunk_shape, chunks->n_dims, gdci_dtype_get_itemsize (dtype),
                        &unfiltered_bytes))
    unfiltered_bytes = G_MAXUINT64;
  if (!check_chunk_index (chunks->dataset, chunks->n_dims, chunks->shape, chunks->chunk_shape,
                          unfiltered_bytes, data_end, chunks->filename, chunks->dataset_path,
                          error))
    return FALSE;

  /* Without filters, H5Dread() reads a chunk with the size the layout
   * gives, but H5Dread_chunk() with the one the chunk index gives, which
   * nothing else reports (H5Dget_chunk_storage_size() gives the layout's)
   * and which can be damaged: such a dataset is left to H5Dread(). */
  if (!read_filters (dcpl, &settings) || settings.n_filters == 0 ||
      !read_element (chunks, dcpl, dtype))
    {
      H5Eclear2 (H5E_DEFAULT);
      return TRUE;
    }
  if (!checked_product (chunks->chunk_shape, chunks->n_dims, chunks->itemsize, &chunk_bytes) ||
      chunk_bytes > MAX_CHUNK_BYTES || chunk_bytes > G_MAXSIZE / 2)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "Dataset '%s' in '%s' claims chunks of more than 4 GiB, which HDF5 "
                   "never stores: the file is damaged", chunks->dataset_path,
                   chunks->filename);
      return FALSE;
    }
  chunks->chunk_bytes = (gsize) chunk_bytes;
  _gdci_c_strides (chunks->chunk_shape, chunks->n_dims, chunks->itemsize,
                   chunks->chunk_strides);
  settings.chunk_bytes = chunks->chunk_bytes;
  chunks->settings = settings;
  chunks->decoder = _gdci_decoder_new (&settings, error);
  if (chunks->decoder == NULL)
    return FALSE;
  chunks->data_end = data_end;
  *usable = TRUE;
  return TRUE;
}

gboolean
_gdci_h5_chunks_open (hid_t           file,
                      hid_t           dataset,
                      GdciDtype       dtype,
                      guint           n_dims,
                      const guint64  *shape,
                      const char     *filename,
                      const char     *dataset_path,
                      GdciH5Chunks  **out,
                      GError        **error)
{
  g_autoptr(GdciH5Chunks) chunks = g_new0 (GdciH5Chunks, 1);
  guint64 data_end;
  gboolean usable = FALSE;
  gboolean ok = TRUE;
  hid_t dcpl;

  g_return_val_if_fail (n_dims >= 1 && n_dims <= GDCI_MAX_DIMS, FALSE);

  *out = NULL;
  chunks->dataset = dataset;
  chunks->filename = filename;
  chunks->dataset_path = dataset_path;
  chunks->n_dims = n_dims;
  chunks->n_threads = 1;
  memcpy (chunks->shape, shape, n_dims * sizeof (guint64));
  if (!read_data_end (file, &data_end, filename, error))
    return FALSE;

  dcpl = H5Dget_create_plist (dataset);
  if (dcpl < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not read the layout of '%s' in '%s'",
                          dataset_path, filename);
      return FALSE;
    }
  if (!check_fill_value (chunks, dcpl, error))
    {
      H5Pclose (dcpl);
      return FALSE;
    }
  switch (H5Pget_layout (dcpl))
    {
    case H5D_CONTIGUOUS:
      ok = check_contiguous (dataset, gdci_dtype_get_itemsize (dtype), n_dims, shape,
                             data_end, filename, dataset_path, error);
      break;
    case H5D_CHUNKED:
      ok = open_chunked (chunks, dcpl, dtype, data_end, &usable, error);
      break;
    case H5D_COMPACT:
    case H5D_VIRTUAL:
    case H5D_LAYOUT_ERROR:
    case H5D_NLAYOUTS:
    default:
      H5Eclear2 (H5E_DEFAULT);
      break;
    }
  H5Pclose (dcpl);
  if (ok && usable)
    *out = g_steal_pointer (&chunks);
  return ok;
}

/* A chunk of the fill value, made the first time a chunk is missing */
static const guint8 *
fill_chunk (GdciH5Chunks  *chunks,
            GError       **error)
{
  if (chunks->fill_chunk != NULL)
    return chunks->fill_chunk;
  chunks->fill_chunk = _gdci_try_alloc_large (chunks->chunk_bytes);
  if (chunks->fill_chunk == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Out of memory for a chunk of %" G_GSIZE_FORMAT " bytes of '%s'",
                   chunks->chunk_bytes, chunks->dataset_path);
      return NULL;
    }
  for (gsize i = 0; i < chunks->chunk_bytes; i += chunks->itemsize)
    memcpy (chunks->fill_chunk + i, chunks->fill_value, chunks->itemsize);
  return chunks->fill_chunk;
}

static void
set_chunk_error (GdciH5Chunks   *chunks,
                 const guint64  *offset,
                 GError        **error,
                 const char     *format,
                 ...) G_GNUC_PRINTF (4, 5);

static void
set_chunk_error (GdciH5Chunks   *chunks,
                 const guint64  *offset,
                 GError        **error,
                 const char     *format,
                 ...)
{
  g_autofree char *where = format_offset (chunks->n_dims, offset);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
               "The chunk at %s of '%s' in '%s' is damaged: %s", where,
               chunks->dataset_path, chunks->filename, what);
}

static herr_t
find_not_allocated (unsigned            n,
                    const H5E_error2_t *err,
                    void               *user_data)
{
  gboolean *found = user_data;

  if (err->desc != NULL && strstr (err->desc, "not allocated") != NULL)
    *found = TRUE;
  return 0;
}

/* The stored size of the chunk at @offset, 0 for a chunk never written.
 * H5Dget_chunk_info_by_coord() would also give its address, but walks the
 * whole chunk index for each chunk in HDF5 1.10; this finds it in the
 * index as H5Dread() does. HDF5 1.10 fails for a chunk never written,
 * saying it is not allocated, where later versions give 0. */
static gboolean
stored_size (GdciH5Chunks   *chunks,
             const hsize_t  *h5_offset,
             const guint64  *offset,
             hsize_t        *size,
             GError        **error)
{
  gboolean missing = FALSE;

  *size = 0;
  if (H5Dget_chunk_storage_size (chunks->dataset, h5_offset, size) >= 0)
    return TRUE;
  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, find_not_allocated, &missing);
  if (missing)
    {
      H5Eclear2 (H5E_DEFAULT);
      *size = 0;
      return TRUE;
    }
  {
    g_autofree char *where = format_offset (chunks->n_dims, offset);

    _gdci_h5_set_error (error, GDCI_ERROR_INVALID_DATA,
                        "The chunk at %s of '%s' in '%s' cannot be found", where,
                        chunks->dataset_path, chunks->filename);
  }
  return FALSE;
}

/* Finds the chunk at @offset and reads its stored bytes into @input: their
 * size (0 for a chunk never written) and filter mask. A chunk past the end
 * of the file reads as zeros, which its decoding then refuses (or, without
 * filters, H5Dread() would read too). */
gboolean
_gdci_h5_chunks_read_stored (GdciH5Chunks   *chunks,
                             const guint64  *offset,
                             guint8         *input,
                             gsize          *n_stored,
                             guint32        *filter_mask,
                             GError        **error)
{
  hsize_t h5_offset[GDCI_MAX_DIMS];
  hsize_t size = 0;
  guint64 bound;

  for (guint i = 0; i < chunks->n_dims; i++)
    h5_offset[i] = offset[i];
  if (!stored_size (chunks, h5_offset, offset, &size, error))
    return FALSE;
  *n_stored = 0;
  if (size == 0)
    return fill_chunk (chunks, error) != NULL;

  /* the filters it skipped are not known before it is read: the largest
   * bound, of all filters applied */
  bound = _gdci_h5_chunks_stored_bound (chunks);
  if (size > bound || size > chunks->data_end)
    {
      set_chunk_error (chunks, offset, error, "it takes %" G_GUINT64_FORMAT " bytes "
                       "where it can take 1 to %" G_GUINT64_FORMAT, (guint64) size,
                       MIN (bound, chunks->data_end));
      return FALSE;
    }
  if (input == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Out of memory for a chunk of %" G_GSIZE_FORMAT " bytes of '%s'",
                   chunks->chunk_bytes, chunks->dataset_path);
      return FALSE;
    }
  if (H5Dread_chunk (chunks->dataset, H5P_DEFAULT, h5_offset, filter_mask, input) < 0)
    {
      g_autofree char *where = format_offset (chunks->n_dims, offset);

      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not read the chunk at %s of '%s' in '%s'",
                          where, chunks->dataset_path, chunks->filename);
      return FALSE;
    }
  *n_stored = (gsize) size;
  return TRUE;
}

const guint8 *
_gdci_h5_chunks_decode (GdciH5Chunks   *chunks,
                        GdciDecoder    *decoder,
                        const guint64  *offset,
                        gsize           n_stored,
                        guint32         filter_mask,
                        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 *elements;

  /* made by _gdci_h5_chunks_read_stored(), in the calling thread */
  if (n_stored == 0)
    return chunks->fill_chunk;

  elements = _gdci_decoder_decode (decoder, n_stored, filter_mask, &local_error);
  if (elements == NULL)
    {
      if (g_error_matches (local_error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA))
        set_chunk_error (chunks, offset, error, "%s", local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (chunks->swap)
    _gdci_byte_swap (elements, chunks->chunk_bytes / chunks->itemsize, chunks->itemsize);
  return elements;
}

GdciDecoder *
_gdci_h5_chunks_get_decoder (GdciH5Chunks *chunks)
{
  return chunks->decoder;
}

GdciDecoder *
_gdci_h5_chunks_new_decoder (GdciH5Chunks  *chunks,
                             GError       **error)
{
  return _gdci_decoder_new (&chunks->settings, error);
}

guint64
_gdci_h5_chunks_stored_bound (GdciH5Chunks *chunks)
{
  return _gdci_decoder_stored_bound (chunks->decoder, 0);
}

void
_gdci_h5_chunks_set_n_threads (GdciH5Chunks *chunks,
                               guint         n_threads)
{
  chunks->n_threads = n_threads;
}

/* The chunks the box touches, FALSE when it is empty */
static gboolean
box_init (GdciH5Chunks   *chunks,
          GdciH5ChunkBox *box,
          const guint64  *start,
          const guint64  *count,
          guint8         *dest)
{
  box->n_dims = chunks->n_dims;
  box->chunk_shape = chunks->chunk_shape;
  box->chunk_strides = chunks->chunk_strides;
  box->itemsize = chunks->itemsize;
  box->start = start;
  box->count = count;
  box->dest = dest;
  box->n_chunks = 1;
  for (guint i = 0; i < box->n_dims; i++)
    {
      if (count[i] == 0)
        return FALSE;
      box->first[i] = start[i] / chunks->chunk_shape[i];
      box->last[i] = (start[i] + count[i] - 1) / chunks->chunk_shape[i];
      /* no more than the box has elements, which are in memory */
      box->n_chunks *= box->last[i] - box->first[i] + 1;
    }
  _gdci_c_strides (count, box->n_dims, chunks->itemsize, box->dest_strides);
  return TRUE;
}

gboolean
_gdci_h5_chunks_read (GdciH5Chunks   *chunks,
                      const guint64  *start,
                      const guint64  *count,
                      guint8         *dest,
                      GError        **error)
{
  GdciH5ChunkBox box;
  guint n_workers;

  if (!box_init (chunks, &box, start, count, dest))
    return TRUE;
  n_workers = _gdci_h5_chunk_decode_n_workers (chunks, &box, chunks->n_threads);
  if (n_workers > 1)
    return _gdci_h5_chunk_decode_read (chunks, &chunks->decode, &box, n_workers, error);

  for (guint64 index = 0; index < box.n_chunks; index++)
    {
      guint64 offset[GDCI_MAX_DIMS];
      guint32 filter_mask = 0;
      gsize n_stored = 0;
      const guint8 *elements;

      _gdci_h5_chunk_box_offset (&box, index, offset);
      if (!_gdci_h5_chunks_read_stored (chunks, offset, _gdci_decoder_input (chunks->decoder),
                                        &n_stored, &filter_mask, error))
        return FALSE;
      elements = _gdci_h5_chunks_decode (chunks, chunks->decoder, offset, n_stored,
                                         filter_mask, error);
      if (elements == NULL)
        return FALSE;
      _gdci_h5_chunk_box_copy (&box, offset, elements);
    }
  return TRUE;
}
