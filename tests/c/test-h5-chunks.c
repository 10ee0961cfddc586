/* test-h5-chunks.c: the HDF5 source's raw-chunk reads, against H5Dread()'s,
 * and damaged chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <libdeflate.h>
#include <stdio.h>
#include <string.h>

#include "gdci.h"
#include "gdci-codec-private.h"
#include "gdci-h5-chunks-private.h"
#include "gdci-hdf5-private.h"

#include "test-h5-util.h"
#include "test-util.h"

static char *test_dir;

/* ---- the decoders ------------------------------------------------------ */

static void
test_unshuffle (void)
{
  static const gsize itemsizes[] = { 1, 2, 3, 4, 8, 12 };

  for (guint k = 0; k < G_N_ELEMENTS (itemsizes); k++)
    {
      gsize itemsize = itemsizes[k];
      /* HDF5 leaves the bytes after the last whole element as they are */
      gsize n = 1001, n_bytes = n * itemsize, total = n_bytes + itemsize - 1;
      g_autoptr(GBytes) pattern = test_make_pattern (total, (guint32) itemsize);
      const guint8 *src = g_bytes_get_data (pattern, NULL);
      g_autofree guint8 *shuffled = g_malloc (total);
      g_autofree guint8 *back = g_malloc (total);

      _gdci_shuffle (src, shuffled, n, itemsize);
      memcpy (shuffled + n_bytes, src + n_bytes, total - n_bytes);
      _gdci_unshuffle (shuffled, back, total, itemsize);
      g_assert_cmpmem (back, total, src, total);
    }
}

static void
test_byte_swap (void)
{
  guint8 two[] = { 1, 2, 3, 4 };
  guint8 four[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  guint8 eight[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 two_swapped[] = { 2, 1, 4, 3 };
  static const guint8 four_swapped[] = { 4, 3, 2, 1, 8, 7, 6, 5 };
  static const guint8 eight_swapped[] = { 8, 7, 6, 5, 4, 3, 2, 1 };

  _gdci_byte_swap (two, 2, 2);
  _gdci_byte_swap (four, 2, 4);
  _gdci_byte_swap (eight, 1, 8);
  g_assert_cmpmem (two, 4, two_swapped, 4);
  g_assert_cmpmem (four, 8, four_swapped, 8);
  g_assert_cmpmem (eight, 8, eight_swapped, 8);
}

/* The decoder undoes what the encoder did, and tells each damage apart */
static void
test_decoder (void)
{
  GdciCodecSettings encode = {
    .chunk_bytes = 4000, .itemsize = 4, .shuffle = TRUE, .fletcher32 = TRUE,
    .compressor = { .kind = GDCI_COMPRESSOR_DEFLATE, .level = 4 },
  };
  GdciDecoderSettings decode = {
    .chunk_bytes = 4000, .n_filters = 3,
    .filters = { GDCI_FILTER_SHUFFLE, GDCI_FILTER_DEFLATE, GDCI_FILTER_FLETCHER32 },
    .shuffle_itemsize = { 4, 0, 0 },
  };
  g_autoptr(GBytes) chunk = test_make_pattern (4000, 7);
  g_autoptr(GdciCodec) codec = _gdci_codec_new (&encode, NULL);
  g_autoptr(GdciDecoder) decoder = _gdci_decoder_new (&decode, NULL);
  g_autoptr(GError) error = NULL;
  const guint8 *stored;
  guint8 *input, *out;
  gsize n_stored;

  stored = _gdci_codec_encode (codec, g_bytes_get_data (chunk, NULL), &n_stored);
  g_assert_nonnull (stored);
  g_assert_cmpuint (n_stored, <=, _gdci_decoder_stored_bound (decoder, 0));
  input = _gdci_decoder_input (decoder);
  memcpy (input, stored, n_stored);
  out = _gdci_decoder_decode (decoder, n_stored, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (out, 4000, g_bytes_get_data (chunk, NULL), 4000);

  /* a flipped bit: the checksum */
  memcpy (input, stored, n_stored);
  input[n_stored / 2] ^= 0x10;
  g_assert_null (_gdci_decoder_decode (decoder, n_stored, 0, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "Fletcher-32 checksum does not match"));
  g_clear_error (&error);

  /* ... and without the checksum (filter 2 skipped), the stream */
  g_assert_null (_gdci_decoder_decode (decoder, n_stored - 4, 1u << 2, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "compressed bytes are damaged"));
  g_clear_error (&error);

  /* too short for a checksum */
  g_assert_null (_gdci_decoder_decode (decoder, 3, 0, &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* shuffled only (compression and checksum skipped): the chunk's size */
  _gdci_shuffle (g_bytes_get_data (chunk, NULL), input, 1000, 4);
  out = _gdci_decoder_decode (decoder, 4000, (1u << 1) | (1u << 2), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (out, 4000, g_bytes_get_data (chunk, NULL), 4000);
  g_assert_null (_gdci_decoder_decode (decoder, 3999, (1u << 1) | (1u << 2), &error));
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "it is 3999 bytes where a chunk has 4000");
}

/* ---- datasets read both ways ------------------------------------------- */

typedef enum
{
  F_SHUFFLE = 1 << 0,
  F_GZIP = 1 << 1,
  F_FLETCHER32 = 1 << 2,
  F_SCALEOFFSET = 1 << 3,        /* a filter gdci leaves to HDF5 */
  F_NO_PARTIAL_FILTER = 1 << 4,  /* edge chunks stored unfiltered */
  F_BIG_ENDIAN = 1 << 5,
  F_FILL = 1 << 6,               /* a fill value of its own */
  F_HALF_WRITTEN = 1 << 7,       /* only the first half of the rows written */
  F_CONTIGUOUS = 1 << 8,
  F_FLETCHER_FIRST = 1 << 9,     /* the checksum before the compression */
} Flags;

typedef struct
{
  const char *name;
  GdciDtype dtype;
  guint n_dims;
  hsize_t dims[3];
  hsize_t chunk[3];
  Flags flags;
  gboolean raw;                  /* read by raw chunks */
} Dataset;

static const Dataset datasets[] = {
  { "/i16-gzip-shuffle", GDCI_DTYPE_INT16, 2, { 500, 37 }, { 64, 16 }, F_SHUFFLE | F_GZIP, TRUE },
  { "/i16-all-three", GDCI_DTYPE_INT16, 2, { 130, 9 }, { 50, 4 },
    F_SHUFFLE | F_GZIP | F_FLETCHER32, TRUE },
  { "/u8-plain", GDCI_DTYPE_UINT8, 1, { 1000 }, { 300 }, 0, FALSE },
  { "/f32-be", GDCI_DTYPE_FLOAT32, 2, { 77, 33 }, { 10, 10 }, F_BIG_ENDIAN, FALSE },
  { "/u8-shuffle", GDCI_DTYPE_UINT8, 1, { 1000 }, { 300 }, F_SHUFFLE, TRUE },
  { "/f32-be-shuffle", GDCI_DTYPE_FLOAT32, 2, { 77, 33 }, { 10, 10 },
    F_BIG_ENDIAN | F_SHUFFLE, TRUE },
  { "/f32-be-gzip", GDCI_DTYPE_FLOAT32, 2, { 77, 33 }, { 10, 10 },
    F_BIG_ENDIAN | F_SHUFFLE | F_GZIP, TRUE },
  { "/f64-be-gzip", GDCI_DTYPE_FLOAT64, 3, { 9, 8, 7 }, { 4, 3, 7 },
    F_BIG_ENDIAN | F_GZIP | F_FLETCHER32, TRUE },
  { "/i64-be-fletcher", GDCI_DTYPE_INT64, 1, { 257 }, { 20 }, F_BIG_ENDIAN | F_FLETCHER32, TRUE },
  { "/u32-fletcher-first", GDCI_DTYPE_UINT32, 2, { 40, 40 }, { 16, 16 },
    F_FLETCHER_FIRST | F_SHUFFLE | F_GZIP, TRUE },
  { "/i32-missing-fill", GDCI_DTYPE_INT32, 2, { 100, 30 }, { 16, 7 },
    F_GZIP | F_FILL | F_HALF_WRITTEN, TRUE },
  { "/i32-missing-zero", GDCI_DTYPE_INT32, 2, { 100, 30 }, { 16, 7 },
    F_GZIP | F_HALF_WRITTEN, TRUE },
  { "/f64-missing-fill", GDCI_DTYPE_FLOAT64, 1, { 500 }, { 64 },
    F_FLETCHER32 | F_FILL | F_HALF_WRITTEN, TRUE },
  { "/f64-unfiltered-missing-fill", GDCI_DTYPE_FLOAT64, 1, { 500 }, { 64 },
    F_FILL | F_HALF_WRITTEN, FALSE },
  { "/u16-be-missing-fill", GDCI_DTYPE_UINT16, 2, { 60, 60 }, { 25, 25 },
    F_BIG_ENDIAN | F_SHUFFLE | F_GZIP | F_FILL | F_HALF_WRITTEN, TRUE },
  { "/i32-scaleoffset", GDCI_DTYPE_INT32, 2, { 100, 30 }, { 16, 7 }, F_SCALEOFFSET, FALSE },
  { "/i16-unfiltered-edges", GDCI_DTYPE_INT16, 2, { 100, 30 }, { 16, 7 },
    F_GZIP | F_NO_PARTIAL_FILTER, FALSE },
  { "/i16-contiguous", GDCI_DTYPE_INT16, 2, { 100, 30 }, { 0 }, F_CONTIGUOUS, FALSE },
};

static gsize
n_elements (const Dataset *ds)
{
  gsize n = 1;

  for (guint i = 0; i < ds->n_dims; i++)
    n *= ds->dims[i];
  return n;
}

static hid_t
dataset_plist (const Dataset *ds)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);

  if (ds->flags & F_CONTIGUOUS)
    return dcpl;
  H5Pset_chunk (dcpl, (int) ds->n_dims, ds->chunk);
  if (ds->flags & F_FLETCHER_FIRST)
    H5Pset_fletcher32 (dcpl);
  if (ds->flags & F_SHUFFLE)
    H5Pset_shuffle (dcpl);
  if (ds->flags & F_GZIP)
    H5Pset_deflate (dcpl, 5);
  if (ds->flags & F_FLETCHER32)
    H5Pset_fletcher32 (dcpl);
  if (ds->flags & F_SCALEOFFSET)
    H5Pset_scaleoffset (dcpl, H5Z_SO_INT, H5Z_SO_INT_MINBITS_DEFAULT);
  if (ds->flags & F_NO_PARTIAL_FILTER)
    H5Pset_chunk_opts (dcpl, H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS);
  if (ds->flags & F_FILL)
    {
      double fill = -7.0;   /* converted to the dataset's type */
      H5Pset_fill_value (dcpl, H5T_NATIVE_DOUBLE, &fill);
    }
  return dcpl;
}

static void
write_dataset (hid_t          file,
               const Dataset *ds)
{
  g_autoptr(GBytes) values = test_make_pattern (n_elements (ds) * gdci_dtype_get_itemsize (ds->dtype),
                                                (guint32) ds->dtype * 7 + ds->n_dims);
  hid_t dcpl = dataset_plist (ds);
  hid_t space = H5Screate_simple ((int) ds->n_dims, ds->dims, NULL);
  hid_t mem_space = H5Scopy (space);
  hid_t dset = H5Dcreate2 (file, ds->name, test_h5_file_type (ds->dtype, ds->flags & F_BIG_ENDIAN), space,
                           H5P_DEFAULT, dcpl, H5P_DEFAULT);

  g_assert_cmpint (dset, >=, 0);
  if (ds->flags & F_HALF_WRITTEN)
    {
      hsize_t start[3] = { 0 }, count[3];

      memcpy (count, ds->dims, sizeof count);
      count[0] = ds->dims[0] / 2;
      H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL);
      H5Sselect_hyperslab (mem_space, H5S_SELECT_SET, start, NULL, count, NULL);
    }
  g_assert_cmpint (H5Dwrite (dset, _gdci_h5_native_type (ds->dtype), mem_space, space,
                             H5P_DEFAULT, g_bytes_get_data (values, NULL)), >=, 0);
  H5Dclose (dset);
  H5Sclose (mem_space);
  H5Sclose (space);
  H5Pclose (dcpl);
}

static char *
write_datasets (void)
{
  char *path = g_build_filename (test_dir, "sources.h5", NULL);
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  hid_t file;

  /* the partial-chunk option needs the newer chunk indexes */
  H5Pset_libver_bounds (fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  g_assert_cmpint (file, >=, 0);
  for (guint i = 0; i < G_N_ELEMENTS (datasets); i++)
    write_dataset (file, &datasets[i]);
  H5Fclose (file);
  H5Pclose (fapl);
  return path;
}

/* What H5Dread() makes of the whole dataset (chunks it skips are zero) */
static GBytes *
read_with_hdf5 (const char *path,
                const char *name,
                GdciDtype   dtype,
                gsize       n_bytes)
{
  guint8 *data = g_malloc0 (n_bytes);
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, name, H5P_DEFAULT);

  g_assert_cmpint (H5Dread (dset, _gdci_h5_native_type (dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            data), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  return g_bytes_new_take (data, n_bytes);
}

/* Whether gdci reads @name by raw chunks */
static gboolean
reads_raw (const char    *path,
           const Dataset *ds)
{
  g_autoptr(GdciH5Chunks) chunks = NULL;
  g_autoptr(GError) error = NULL;
  guint64 shape[3];
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, ds->name, H5P_DEFAULT);
  gboolean raw;

  for (guint i = 0; i < ds->n_dims; i++)
    shape[i] = ds->dims[i];
  g_assert_true (_gdci_h5_chunks_open (file, dset, ds->dtype, ds->n_dims, shape, path, ds->name,
                                       &chunks, &error));
  g_assert_no_error (error);
  raw = chunks != NULL;
  g_clear_pointer (&chunks, _gdci_h5_chunks_free);
  H5Dclose (dset);
  H5Fclose (file);
  return raw;
}

static void
test_same_as_h5dread (void)
{
  g_autofree char *path = write_datasets ();

  for (guint i = 0; i < G_N_ELEMENTS (datasets); i++)
    {
      const Dataset *ds = &datasets[i];
      gsize n_bytes = n_elements (ds) * gdci_dtype_get_itemsize (ds->dtype);
      g_autoptr(GBytes) expected = read_with_hdf5 (path, ds->name, ds->dtype, n_bytes);
      g_autoptr(GError) error = NULL;
      guint64 shape[3];
      /* buffers of a few source chunks, not aligned with them */
      g_autoptr(GdciChunkIterator) it =
        g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error, "path", path, "dataset", ds->name,
                        "chunk-mb", (double) n_bytes / 23 / 1e6,
                        "buffer-gb", (double) n_bytes / 7 / 1e9, NULL);

      g_test_message ("dataset %s", ds->name);
      g_assert_no_error (error);
      g_assert_cmpint (reads_raw (path, ds), ==, ds->raw);
      for (guint d = 0; d < ds->n_dims; d++)
        shape[d] = ds->dims[d];
      g_assert_cmpuint (gdci_chunk_iterator_get_n_buffers (it), >, 1);
      test_assert_reassembles (it, expected, shape, ds->n_dims);
    }
}

/* ---- damaged chunks ---------------------------------------------------- */

/* A file holding one chunked int32 dataset "/data" of 40 x 10 in chunks
 * of 10 x 10 (dcpl's filters), written in full */
static char *
write_one (const char *name,
           hid_t       dcpl)
{
  char *path = g_build_filename (test_dir, name, NULL);
  hsize_t dims[2] = { 40, 10 }, chunk[2] = { 10, 10 };
  g_autoptr(GBytes) values = test_make_pattern (40 * 10 * 4, 3);
  hid_t file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t space = H5Screate_simple (2, dims, NULL);
  hid_t dset;

  H5Pset_chunk (dcpl, 2, chunk);
  dset = H5Dcreate2 (file, "data", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             g_bytes_get_data (values, NULL)), >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
  H5Fclose (file);
  return path;
}

/* Reads "/data" to the end: the error of its third buffer, the chunk at
 * (20, 0) */
static void
assert_read_fails (const char *path,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it =
    g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error, "path", path, "dataset", "/data",
                    "buffer-shape", g_variant_new_parsed ("[uint64 10, 10]"),
                    "chunk-shape", g_variant_new_parsed ("[uint64 10, 10]"), NULL);
  g_autofree char *expected = g_strdup_printf ("The chunk at (20, 0) of '/data' in '%s' is "
                                               "damaged: %s", path, message);
  GdciDataChunk *chunk;
  guint n_read = 0;

  g_assert_no_error (error);
  while ((chunk = gdci_chunk_iterator_next (it, &error)) != NULL)
    {
      n_read++;
      g_object_unref (chunk);
    }
  g_assert_cmpuint (n_read, ==, 2);
  g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
}

static void
test_damaged_compression (void)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  g_autofree char *path = NULL;

  H5Pset_shuffle (dcpl);
  H5Pset_deflate (dcpl, 6);
  path = write_one ("gzip.h5", dcpl);
  H5Pclose (dcpl);
  test_h5_damage_chunk (path, 20, 30);
  assert_read_fails (path, "its ");
}

static void
test_fletcher32_mismatch (void)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  g_autofree char *path = NULL;

  H5Pset_fletcher32 (dcpl);
  path = write_one ("fletcher32.h5", dcpl);
  H5Pclose (dcpl);
  test_h5_damage_chunk (path, 20, 123);
  assert_read_fails (path, "its Fletcher-32 checksum does not match");
}

/* A checksum, as HDF5 appends it, after @n bytes of @data */
static void
append_fletcher32 (guint8 *data,
                   gsize   n)
{
  guint32 sum = _gdci_fletcher32 (data, n);

  for (guint i = 0; i < 4; i++)
    data[n + i] = (guint8) (sum >> (8 * i));
}

/* Chunks written raw, of sizes they cannot have (the chunk index of an
 * unfiltered dataset holds no sizes: its chunks are whole) */
static void
test_wrong_size (void)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  g_autofree char *checked = NULL;
  g_autofree char *gzip = NULL;
  guint8 bytes[1024] = { 0 }, compressed[1024];
  hsize_t offset[2] = { 20, 0 };
  struct libdeflate_compressor *compressor = libdeflate_alloc_compressor (6);
  size_t n_compressed;
  hid_t file, dset;

  H5Pset_fletcher32 (dcpl);
  checked = write_one ("short-fletcher32.h5", dcpl);
  H5Pclose (dcpl);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  H5Pset_deflate (dcpl, 6);
  gzip = write_one ("short-gzip.h5", dcpl);
  H5Pclose (dcpl);

  /* 399 bytes where a chunk has 400, with their checksum; then 1000 */
  file = H5Fopen (checked, H5F_ACC_RDWR, H5P_DEFAULT);
  dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  append_fletcher32 (bytes, 399);
  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 0, offset, 403, bytes), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  assert_read_fails (checked, "it is 399 bytes where a chunk has 400");

  file = H5Fopen (checked, H5F_ACC_RDWR, H5P_DEFAULT);
  dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  memset (bytes, 0, sizeof bytes);
  append_fletcher32 (bytes, 996);
  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 0, offset, 1000, bytes), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  assert_read_fails (checked, "it takes 1000 bytes where it can take 1 to 404");
  memset (bytes, 0, sizeof bytes);

  /* compressed: a valid stream of 300 bytes, and one of 500 */
  file = H5Fopen (gzip, H5F_ACC_RDWR, H5P_DEFAULT);
  dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  n_compressed = libdeflate_zlib_compress (compressor, bytes, 300, compressed, sizeof compressed);
  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 0, offset, n_compressed, compressed), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  assert_read_fails (gzip, "it is 300 bytes where a chunk has 400");

  file = H5Fopen (gzip, H5F_ACC_RDWR, H5P_DEFAULT);
  dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  n_compressed = libdeflate_zlib_compress (compressor, bytes, 500, compressed, sizeof compressed);
  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 0, offset, n_compressed, compressed), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  assert_read_fails (gzip, "it decompresses to more than the 400 bytes of a chunk");
  libdeflate_free_compressor (compressor);
}

/* A chunk whose filter mask says its compression was skipped is read as
 * it is */
static void
test_filter_mask (void)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  g_autofree char *path = NULL;
  g_autoptr(GBytes) values = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciChunkIterator) it = NULL;
  guint8 shuffled[400];
  hsize_t offset[2] = { 10, 0 };
  guint64 shape[2] = { 40, 10 };
  hid_t file, dset;

  H5Pset_shuffle (dcpl);
  H5Pset_deflate (dcpl, 6);
  path = write_one ("mask.h5", dcpl);
  H5Pclose (dcpl);

  values = test_make_pattern (400, 99);
  _gdci_shuffle (g_bytes_get_data (values, NULL), shuffled, 100, 4);
  file = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  /* filter 1, the deflate, skipped */
  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 1u << 1, offset, 400, shuffled), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);

  expected = read_with_hdf5 (path, "/data", GDCI_DTYPE_INT32, 1600);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (expected, NULL) + 400, 400,
                   g_bytes_get_data (values, NULL), 400);
  it = g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error, "path", path, "dataset", "/data",
                       "buffer-shape", g_variant_new_parsed ("[uint64 15, 10]"),
                       "chunk-shape", g_variant_new_parsed ("[uint64 5, 10]"), NULL);
  g_assert_no_error (error);
  test_assert_reassembles (it, expected, shape, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  test_dir = test_make_tmp_dir ("gdci-h5-chunks-XXXXXX");

  g_test_add_func ("/h5-chunks/unshuffle", test_unshuffle);
  g_test_add_func ("/h5-chunks/byte-swap", test_byte_swap);
  g_test_add_func ("/h5-chunks/decoder", test_decoder);
  g_test_add_func ("/h5-chunks/same-as-h5dread", test_same_as_h5dread);
  g_test_add_func ("/h5-chunks/damaged-compression", test_damaged_compression);
  g_test_add_func ("/h5-chunks/fletcher32-mismatch", test_fletcher32_mismatch);
  g_test_add_func ("/h5-chunks/wrong-size", test_wrong_size);
  g_test_add_func ("/h5-chunks/filter-mask", test_filter_mask);

  status = g_test_run ();
  test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
