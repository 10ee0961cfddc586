/* gdci-h5-filters.c: gdci's compressors as HDF5 filters
 *
 * zstd (32015), LZ4 (32004), Blosc (32001) and Bitshuffle (32008), both
 * directions, registered with HDF5 so that H5Dread() and H5Dwrite() of such
 * datasets work in any gdci process without a plugin path, and given to
 * the plugins of plugins/. Each chunk is made by a compressor of its own:
 * HDF5 runs its filters one at a time, and nothing is held between them.
 *
 * Like hdf5plugin's filters, Blosc's and Bitshuffle's set_local complete
 * what a user gives in cd_values; zstd and LZ4 have none.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-compressor-private.h"
#include "gdci-error.h"

/* Chunks of HDF5 take less than 4 GiB */
#define MAX_CHUNK_BYTES G_MAXUINT32

static void
push_error (const char *func,
            const char *message)
{
  H5Epush2 (H5E_DEFAULT, __FILE__, func, __LINE__, H5E_ERR_CLS, H5E_PLINE, H5E_CANTFILTER,
            "%s", message);
}

static size_t
encode (H5Z_filter_t                  id,
        const GdciCompressorSettings *settings,
        size_t                        nbytes,
        size_t                       *buf_size,
        void                        **buf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciCompressor) compressor = _gdci_compressor_new (settings, &error);
  guint64 bound = _gdci_compressor_settings_bound (settings, nbytes);
  guint8 *out;
  gsize made;

  if (compressor == NULL)
    {
      push_error (G_STRFUNC, error->message);
      return 0;
    }
  if (bound > G_MAXSIZE || (out = H5allocate_memory ((size_t) bound, FALSE)) == NULL)
    {
      push_error (G_STRFUNC, "out of memory for a compressed chunk");
      return 0;
    }
  made = _gdci_compressor_compress (compressor, *buf, nbytes, out, (gsize) bound);
  if (made == 0)
    {
      H5free_memory (out);
      push_error (G_STRFUNC, "the compression of a chunk failed");
      return 0;
    }
  H5free_memory (*buf);
  *buf = out;
  *buf_size = (size_t) bound;
  return made;
}

static size_t
decode (GdciCompressorSettings  *settings,
        size_t                   nbytes,
        size_t                  *buf_size,
        void                   **buf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciCompressor) compressor = NULL;
  guint64 size = 0;
  guint8 *out = NULL;
  gsize made = 0;

  if (!_gdci_compressor_decoded_size (settings, *buf, nbytes, &size, &error))
    goto failed;
  if (size > MAX_CHUNK_BYTES)
    {
      g_set_error (&error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA, "it says %" G_GUINT64_FORMAT
                   " bytes, more than a chunk can have", size);
      goto failed;
    }
  settings->chunk_bytes = (gsize) size;
  compressor = _gdci_compressor_new (settings, &error);
  if (compressor == NULL)
    goto failed;
  out = H5allocate_memory (MAX ((size_t) size, 1), FALSE);
  if (out == NULL)
    {
      push_error (G_STRFUNC, "out of memory for a chunk");
      return 0;
    }
  if (!_gdci_compressor_decompress (compressor, *buf, nbytes, out, (gsize) size, &made,
                                    &error))
    goto failed;
  if (made != size)
    {
      g_set_error (&error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA, "it decompresses to %"
                   G_GSIZE_FORMAT " bytes where it says %" G_GUINT64_FORMAT, made, size);
      goto failed;
    }
  H5free_memory (*buf);
  *buf = out;
  *buf_size = (size_t) MAX (size, 1);
  return (size_t) size;

failed:
  {
    g_autofree char *message = g_strdup_printf ("A %s chunk is damaged: %s",
                                                _gdci_compressor_filter_name (settings->kind),
                                                error->message);
    push_error (G_STRFUNC, message);
  }
  if (out != NULL)
    H5free_memory (out);
  return 0;
}

static size_t
run_filter (H5Z_filter_t        id,
            unsigned int        flags,
            size_t              cd_nelmts,
            const unsigned int  cd_values[],
            size_t              nbytes,
            size_t             *buf_size,
            void              **buf)
{
  g_autoptr(GError) error = NULL;
  GdciCompressorSettings settings;

  /* the element size, where the filter needs it, is in its cd_values */
  if (!_gdci_compressor_settings_for_filter (id, cd_values, cd_nelmts, 1, nbytes, &settings,
                                             &error))
    {
      push_error (G_STRFUNC, error->message);
      return 0;
    }
  if (flags & H5Z_FLAG_REVERSE)
    return decode (&settings, nbytes, buf_size, buf);
  return encode (id, &settings, nbytes, buf_size, buf);
}

#define DEFINE_FILTER(name, id)                                                   \
  static size_t                                                                   \
  name (unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],     \
        size_t nbytes, size_t *buf_size, void **buf)                              \
  {                                                                               \
    return run_filter ((id), flags, cd_nelmts, cd_values, nbytes, buf_size, buf); \
  }

DEFINE_FILTER (zstd_filter, 32015)
DEFINE_FILTER (lz4_filter, 32004)
DEFINE_FILTER (blosc_filter, 32001)
DEFINE_FILTER (bitshuffle_filter, 32008)

/* ---- set_local ---------------------------------------------------------- */

/* hdf5-blosc's: the filter's and Blosc's versions, the typesize (of an
 * array's elements; 1 above 255 bytes) and the chunk's bytes in the first
 * four slots */
static herr_t
blosc_set_local (hid_t dcpl,
                 hid_t type,
                 hid_t space)
{
  unsigned int flags = 0, values[8] = { 0 };
  size_t n_values = G_N_ELEMENTS (values);
  hsize_t chunk[H5S_MAX_RANK];
  int n_dims = H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk);
  size_t typesize = H5Tget_size (type), basesize = typesize;
  guint64 chunk_bytes;

  if (H5Pget_filter_by_id2 (dcpl, 32001, &flags, &n_values, values, 0, NULL, NULL) < 0 ||
      n_dims < 0 || typesize == 0)
    return -1;
  if (H5Tget_class (type) == H5T_ARRAY)
    {
      hid_t super = H5Tget_super (type);

      basesize = super >= 0 ? H5Tget_size (super) : 0;
      if (super >= 0)
        H5Tclose (super);
      if (basesize == 0)
        return -1;
    }
  chunk_bytes = typesize;
  for (int i = 0; i < n_dims; i++)
    chunk_bytes = chunk_bytes * chunk[i];
  if (chunk_bytes > G_MAXUINT)
    {
      push_error (G_STRFUNC, "Blosc takes chunks of less than 4 GiB");
      return -1;
    }
  n_values = MAX (n_values, 4);
  values[0] = 2;
  values[1] = 2;
  values[2] = basesize > 255 ? 1 : (unsigned int) basesize;
  values[3] = (unsigned int) chunk_bytes;
  return H5Pmodify_filter (dcpl, 32001, flags, n_values, values) < 0 ? -1 : 1;
}

/* bshuf_h5_set_local's: version 0.4 and the element size in the first
 * three slots, what the user gave after them */
static herr_t
bitshuffle_set_local (hid_t dcpl,
                      hid_t type,
                      hid_t space)
{
  unsigned int flags = 0, given[8] = { 0 }, values[11] = { 0 };
  size_t n_given = G_N_ELEMENTS (given), n_values;
  size_t elem_size = H5Tget_size (type);

  if (H5Pget_filter_by_id2 (dcpl, 32008, &flags, &n_given, given, 0, NULL, NULL) < 0)
    return -1;
  if (elem_size == 0 || elem_size > G_MAXUINT)
    {
      push_error (G_STRFUNC, "Bitshuffle: invalid element size");
      return -1;
    }
  n_given = MIN (n_given, G_N_ELEMENTS (given));
  for (size_t i = 0; i < n_given; i++)
    values[i + 3] = given[i];
  n_values = n_given + 3;
  values[0] = 0;
  values[1] = 4;
  values[2] = (unsigned int) elem_size;
  if (n_values > 3 && values[3] % 8 != 0)
    {
      push_error (G_STRFUNC, "Bitshuffle: the block size must be a multiple of 8");
      return -1;
    }
  return H5Pmodify_filter (dcpl, 32008, flags, n_values, values) < 0 ? -1 : 1;
}

/* ---- the classes -------------------------------------------------------- */

static const H5Z_class2_t zstd_class = {
  H5Z_CLASS_T_VERS, 32015, 1, 1, "zstd",
  NULL, NULL, zstd_filter,
};
static const H5Z_class2_t lz4_class = {
  H5Z_CLASS_T_VERS, 32004, 1, 1, "lz4",
  NULL, NULL, lz4_filter,
};
static const H5Z_class2_t blosc_class = {
  H5Z_CLASS_T_VERS, 32001, 1, 1, "blosc",
  NULL, blosc_set_local, blosc_filter,
};
static const H5Z_class2_t bitshuffle_class = {
  H5Z_CLASS_T_VERS, 32008, 1, 1, "bitshuffle",
  NULL, bitshuffle_set_local, bitshuffle_filter,
};

const H5Z_class2_t *
_gdci_h5_filter_class (GdciCompressorKind kind)
{
  switch (kind)
    {
    case GDCI_COMPRESSOR_ZSTD: return &zstd_class;
    case GDCI_COMPRESSOR_LZ4: return &lz4_class;
    case GDCI_COMPRESSOR_BLOSC: return &blosc_class;
    case GDCI_COMPRESSOR_BITSHUFFLE: return &bitshuffle_class;
    case GDCI_COMPRESSOR_NONE:
    case GDCI_COMPRESSOR_DEFLATE:
    case GDCI_COMPRESSOR_DEFLATE_FAST:
    default:
      return NULL;
    }
}

void
_gdci_h5_register_filters (void)
{
  static gsize registered = 0;
  static const H5Z_class2_t *const classes[] = {
    &zstd_class, &lz4_class, &blosc_class, &bitshuffle_class,
  };

  if (!g_once_init_enter (&registered))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      unsigned int config = 0;
      herr_t found;

      /* a filter HDF5 has registered (hdf5plugin's, a plugin it loaded)
       * stays. HDF5 is not sent searching its plugin path for one
       * (H5Zfilter_avail() would load every plugin there): gdci's own
       * decoders check every size. */
      H5E_BEGIN_TRY
        {
          found = H5Zget_filter_info (classes[i]->id, &config);
        }
      H5E_END_TRY;
      if (found < 0)
        H5Zregister (classes[i]);
    }
  H5Eclear2 (H5E_DEFAULT);
  g_once_init_leave (&registered, 1);
}

gboolean
_gdci_h5_set_filter (hid_t                         dcpl,
                     const GdciCompressorSettings *s)
{
  unsigned int cd[3] = { 0 };
  unsigned int blosc[7] = { 0, 0, 0, 0, (unsigned int) s->level,
                            (unsigned int) s->blosc_shuffle, (unsigned int) s->blosc_inner };
  H5Z_filter_t id = _gdci_compressor_filter_id (s->kind);

  switch (s->kind)
    {
    case GDCI_COMPRESSOR_NONE:
      return TRUE;
    case GDCI_COMPRESSOR_DEFLATE:
    case GDCI_COMPRESSOR_DEFLATE_FAST:
      return H5Pset_deflate (dcpl, (unsigned int) s->level) >= 0;
    case GDCI_COMPRESSOR_ZSTD:
      cd[0] = (unsigned int) s->level;
      return H5Pset_filter (dcpl, id, H5Z_FLAG_OPTIONAL, 1, cd) >= 0;
    case GDCI_COMPRESSOR_LZ4:
      cd[0] = s->block_elements;
      return H5Pset_filter (dcpl, id, H5Z_FLAG_OPTIONAL, 1, cd) >= 0;
    case GDCI_COMPRESSOR_BLOSC:
      return H5Pset_filter (dcpl, id, H5Z_FLAG_OPTIONAL, G_N_ELEMENTS (blosc), blosc) >= 0;
    case GDCI_COMPRESSOR_BITSHUFFLE:
      cd[0] = s->block_elements;
      cd[1] = (unsigned int) s->bitshuffle_inner;
      cd[2] = (unsigned int) s->level;
      return H5Pset_filter (dcpl, id, H5Z_FLAG_OPTIONAL,
                            s->bitshuffle_inner == GDCI_BITSHUFFLE_INNER_ZSTD ? 3 : 2,
                            cd) >= 0;
    default:
      return FALSE;
    }
}
