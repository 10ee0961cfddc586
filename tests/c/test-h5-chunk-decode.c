/* test-h5-chunk-decode.c: the HDF5 source's raw chunks decoded on several
 * threads, against H5Dread()'s reads, damaged chunks, and the threads and
 * memory it uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "gdci.h"
#include "gdci-h5-chunk-decode-private.h"
#include "gdci-h5-chunks-private.h"
#include "gdci-hdf5-private.h"

#include "test-util.h"

static char *test_dir;

/* 0 is one per processor */
static const guint thread_counts[] = { 1, 2, 4, 8, 0 };

/* The threads of this process, as the kernel counts them */
static guint
count_threads (void)
{
  return test_count_dir_entries ("/proc/self/task");
}

/* No thread is left of a read: the kernel lists a thread that was joined
 * until it has exited, a moment later; a thread left running stays */
static void
assert_threads_back_to (guint n_threads)
{
  for (guint i = 0; i < 10000 && count_threads () != n_threads; i++)
    g_usleep (1000);
  g_assert_cmpuint (count_threads (), ==, n_threads);
}

/* ---- many shapes, read every way ---------------------------------------- */

typedef struct
{
  char name[32];
  GdciDtype dtype;
  gboolean big_endian;
  guint n_dims;
  hsize_t dims[3];
  hsize_t chunk[3];
  gboolean shuffle, gzip, fletcher32;
  gboolean fill;                 /* a fill value of its own */
  hsize_t written_rows[2];       /* the rows written: chunks outside are missing */
} Source;

static const GdciDtype dtypes[] = {
  GDCI_DTYPE_INT8, GDCI_DTYPE_UINT16, GDCI_DTYPE_INT16, GDCI_DTYPE_INT32, GDCI_DTYPE_UINT32,
  GDCI_DTYPE_INT64, GDCI_DTYPE_FLOAT32, GDCI_DTYPE_FLOAT64,
};

static hid_t
file_type (GdciDtype dtype,
           gboolean  big_endian)
{
  switch (dtype)
    {
    case GDCI_DTYPE_INT8: return big_endian ? H5T_STD_I8BE : H5T_STD_I8LE;
    case GDCI_DTYPE_INT16: return big_endian ? H5T_STD_I16BE : H5T_STD_I16LE;
    case GDCI_DTYPE_UINT16: return big_endian ? H5T_STD_U16BE : H5T_STD_U16LE;
    case GDCI_DTYPE_INT32: return big_endian ? H5T_STD_I32BE : H5T_STD_I32LE;
    case GDCI_DTYPE_UINT32: return big_endian ? H5T_STD_U32BE : H5T_STD_U32LE;
    case GDCI_DTYPE_INT64: return big_endian ? H5T_STD_I64BE : H5T_STD_I64LE;
    case GDCI_DTYPE_FLOAT32: return big_endian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE;
    case GDCI_DTYPE_FLOAT64: return big_endian ? H5T_IEEE_F64BE : H5T_IEEE_F64LE;
    default: g_assert_not_reached ();
    }
}

/* Source @index: ranks 1 to 3, chunks from one element to the whole axis
 * (most of them with edge chunks), every filter combination gdci decodes,
 * some chunks never written */
static void
make_source (GRand  *rand,
             guint   index,
             Source *s)
{
  static const hsize_t max_dims[] = { 4000, 150, 30 };
  guint filters;

  memset (s, 0, sizeof *s);
  g_snprintf (s->name, sizeof s->name, "/source-%u", index);
  s->n_dims = 1 + index % 3;
  s->dtype = dtypes[g_rand_int_range (rand, 0, G_N_ELEMENTS (dtypes))];
  s->big_endian = g_rand_boolean (rand);
  for (guint i = 0; i < s->n_dims; i++)
    {
      hsize_t max = max_dims[s->n_dims - 1];

      s->dims[i] = (hsize_t) g_rand_int_range (rand, 1, (gint32) max + 1);
      /* at most some 20 chunks along an axis; some chunks of one element */
      s->chunk[i] = index % 7 == 3 && s->dims[i] <= 20 ? 1 :
        (hsize_t) g_rand_int_range (rand, (gint32) MAX (1, s->dims[i] / 20),
                                    (gint32) (index % 5 == 0 ? s->dims[i] : s->dims[i] / 2) + 1);
    }
  /* one or more filters: gdci reads it by raw chunks */
  filters = 1 + index % 7;
  s->shuffle = (filters & 1) != 0;
  s->gzip = (filters & 2) != 0;
  s->fletcher32 = (filters & 4) != 0;
  s->fill = index % 4 == 1;
  s->written_rows[0] = 0;
  s->written_rows[1] = s->dims[0];
  if (index % 3 == 1)
    {
      /* a band in the middle: chunks before and after it never written */
      s->written_rows[0] = s->dims[0] / 3;
      s->written_rows[1] = s->written_rows[0] + (s->dims[0] + 2) / 3;
    }
}

static void
write_source (hid_t         file,
              const Source *s,
              guint32       seed)
{
  gsize itemsize = gdci_dtype_get_itemsize (s->dtype);
  gsize n = 1;
  g_autoptr(GBytes) values = NULL;
  hsize_t start[3] = { 0 }, count[3];
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t space = H5Screate_simple ((int) s->n_dims, s->dims, NULL);
  hid_t mem_space, dset;

  for (guint i = 0; i < s->n_dims; i++)
    n *= s->dims[i];
  values = test_make_pattern (n * itemsize, seed);
  H5Pset_chunk (dcpl, (int) s->n_dims, s->chunk);
  if (s->shuffle)
    H5Pset_shuffle (dcpl);
  if (s->gzip)
    H5Pset_deflate (dcpl, 1 + seed % 9);
  if (s->fletcher32)
    H5Pset_fletcher32 (dcpl);
  if (s->fill)
    {
      double fill = 42.0;   /* converted to the dataset's type */
      H5Pset_fill_value (dcpl, H5T_NATIVE_DOUBLE, &fill);
    }
  dset = H5Dcreate2 (file, s->name, file_type (s->dtype, s->big_endian), space, H5P_DEFAULT,
                     dcpl, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);

  memcpy (count, s->dims, sizeof count);
  start[0] = s->written_rows[0];
  count[0] = s->written_rows[1] - s->written_rows[0];
  mem_space = H5Scopy (space);
  if (count[0] > 0)
    {
      H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL);
      H5Sselect_hyperslab (mem_space, H5S_SELECT_SET, start, NULL, count, NULL);
      g_assert_cmpint (H5Dwrite (dset, _gdci_h5_native_type (s->dtype), mem_space, space,
                                 H5P_DEFAULT, g_bytes_get_data (values, NULL)), >=, 0);
    }
  H5Dclose (dset);
  H5Sclose (mem_space);
  H5Sclose (space);
  H5Pclose (dcpl);
}

/* What H5Dread() reads of the box at @start of @count */
static guint8 *
read_box_with_hdf5 (hid_t          dset,
                    GdciDtype      dtype,
                    guint          n_dims,
                    const guint64 *start,
                    const guint64 *count,
                    gsize          n_bytes)
{
  guint8 *data = g_malloc0 (MAX (n_bytes, 1));
  hsize_t h5_start[3], h5_count[3];
  hid_t space = H5Dget_space (dset);
  hid_t mem_space;

  for (guint i = 0; i < n_dims; i++)
    {
      h5_start[i] = start[i];
      h5_count[i] = count[i];
    }
  mem_space = H5Screate_simple ((int) n_dims, h5_count, NULL);
  H5Sselect_hyperslab (space, H5S_SELECT_SET, h5_start, NULL, h5_count, NULL);
  g_assert_cmpint (H5Dread (dset, _gdci_h5_native_type (dtype), mem_space, space, H5P_DEFAULT,
                            data), >=, 0);
  H5Sclose (mem_space);
  H5Sclose (space);
  return data;
}

/* The box at @start of @count of @whole, the C-order elements of @s */
static guint8 *
cut_box (const guint8  *whole,
         const Source  *s,
         const guint64 *start,
         const guint64 *count,
         gsize         *n_bytes)
{
  gsize itemsize = gdci_dtype_get_itemsize (s->dtype);
  guint64 dims[3] = { 1, 1, 1 }, first[3] = { 0 }, n[3] = { 1, 1, 1 };
  guint8 *box, *out;
  guint shift = 3 - s->n_dims;

  /* as a box of three axes, the first ones of one element */
  for (guint i = 0; i < s->n_dims; i++)
    {
      dims[shift + i] = s->dims[i];
      first[shift + i] = start[i];
      n[shift + i] = count[i];
    }
  *n_bytes = (gsize) (n[0] * n[1] * n[2]) * itemsize;
  out = box = g_malloc (MAX (*n_bytes, 1));
  for (guint64 a = 0; a < n[0]; a++)
    for (guint64 b = 0; b < n[1]; b++)
      {
        guint64 element = ((first[0] + a) * dims[1] + first[1] + b) * dims[2] + first[2];

        memcpy (out, whole + element * itemsize, (gsize) n[2] * itemsize);
        out += n[2] * itemsize;
      }
  return box;
}

/* The box at @start of @count read with every number of threads is what
 * H5Dread() read of it, a part of @whole */
static void
assert_box_reads (GdciH5Chunks  *chunks,
                  const guint8  *whole,
                  const Source  *s,
                  const guint64 *start,
                  const guint64 *count)
{
  gsize n_bytes;
  g_autofree guint8 *expected = cut_box (whole, s, start, count, &n_bytes);
  g_autofree guint8 *got = g_malloc (MAX (n_bytes, 1));

  for (guint t = 0; t < G_N_ELEMENTS (thread_counts); t++)
    {
      g_autoptr(GError) error = NULL;
      guint n_threads = count_threads ();

      /* what is not written reads as this, not as zero */
      memset (got, 0xa5, n_bytes);
      _gdci_h5_chunks_set_n_threads (chunks, thread_counts[t]);
      _gdci_h5_chunks_read (chunks, start, count, got, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (got, n_bytes, expected, n_bytes);
      assert_threads_back_to (n_threads);
    }
}

static void
test_same_as_h5dread (void)
{
  g_autofree char *path = g_build_filename (test_dir, "shapes.h5", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  Source sources[30];
  hid_t file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);

  g_assert_cmpint (file, >=, 0);
  for (guint k = 0; k < G_N_ELEMENTS (sources); k++)
    {
      make_source (rand, k, &sources[k]);
      write_source (file, &sources[k], k + 1);
    }
  H5Fclose (file);

  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  for (guint k = 0; k < G_N_ELEMENTS (sources); k++)
    {
      const Source *s = &sources[k];
      g_autoptr(GdciH5Chunks) chunks = NULL;
      g_autoptr(GError) error = NULL;
      guint64 shape[3], start[3] = { 0 };
      g_autofree guint8 *whole = NULL;
      gsize n_bytes = gdci_dtype_get_itemsize (s->dtype);
      hid_t dset = H5Dopen2 (file, s->name, H5P_DEFAULT);

      g_test_message ("%s: rank %u, %s%s, dims (%llu, %llu, %llu), chunks (%llu, %llu, %llu), "
                      "shuffle %d gzip %d fletcher32 %d fill %d rows %llu-%llu", s->name,
                      s->n_dims, gdci_dtype_to_string (s->dtype), s->big_endian ? " BE" : "",
                      (unsigned long long) s->dims[0], (unsigned long long) s->dims[1],
                      (unsigned long long) s->dims[2], (unsigned long long) s->chunk[0],
                      (unsigned long long) s->chunk[1], (unsigned long long) s->chunk[2],
                      s->shuffle, s->gzip, s->fletcher32, s->fill,
                      (unsigned long long) s->written_rows[0],
                      (unsigned long long) s->written_rows[1]);
      for (guint i = 0; i < s->n_dims; i++)
        {
          shape[i] = s->dims[i];
          n_bytes *= s->dims[i];
        }
      /* HDF5 keeps the chunks H5Dread() read, never-written ones too, in
       * the dataset's chunk cache, where H5Dget_chunk_storage_size() then
       * fails to tell them apart: read with another handle, closed */
      whole = read_box_with_hdf5 (dset, s->dtype, s->n_dims, start, shape, n_bytes);
      H5Dclose (dset);
      dset = H5Dopen2 (file, s->name, H5P_DEFAULT);
      g_assert_true (_gdci_h5_chunks_open (file, dset, s->dtype, s->n_dims, shape, path, s->name,
                                           &chunks, &error));
      g_assert_no_error (error);
      g_assert_nonnull (chunks);

      /* the whole dataset, then boxes anywhere, of any size */
      assert_box_reads (chunks, whole, s, start, shape);
      for (guint b = 0; b < 6; b++)
        {
          guint64 count[3];

          for (guint i = 0; i < s->n_dims; i++)
            {
              start[i] = (guint64) g_rand_int_range (rand, 0, (gint32) shape[i]);
              count[i] = (guint64) g_rand_int_range (rand, 1, (gint32) (shape[i] - start[i]) + 1);
            }
          assert_box_reads (chunks, whole, s, start, count);
        }
      g_clear_pointer (&chunks, _gdci_h5_chunks_free);
      H5Dclose (dset);
    }
  H5Fclose (file);
}

/* ---- damaged chunks ------------------------------------------------------ */

#define ROWS 400
#define COLS 10
#define CHUNK_ROWS 10

/* "/data", int32, ROWS x COLS in chunks of CHUNK_ROWS x COLS, shuffled,
 * compressed and checksummed */
static char *
write_rows (const char *name)
{
  char *path = g_build_filename (test_dir, name, NULL);
  hsize_t dims[2] = { ROWS, COLS }, chunk[2] = { CHUNK_ROWS, COLS };
  g_autoptr(GBytes) values = test_make_pattern (ROWS * COLS * 4, 5);
  hid_t file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t space = H5Screate_simple (2, dims, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t dset;

  H5Pset_chunk (dcpl, 2, chunk);
  H5Pset_shuffle (dcpl);
  H5Pset_deflate (dcpl, 4);
  H5Pset_fletcher32 (dcpl);
  dset = H5Dcreate2 (file, "data", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             g_bytes_get_data (values, NULL)), >=, 0);
  H5Dclose (dset);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Fclose (file);
  return path;
}

/* Flips a byte in the middle of the chunk at row @row */
static void
damage_chunk (const char *path,
              hsize_t     row)
{
  hsize_t offset[2] = { row, 0 }, size = 0;
  haddr_t address = HADDR_UNDEF;
  unsigned mask = 0;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  FILE *f;
  int c;

  g_assert_cmpint (H5Dget_chunk_info_by_coord (dset, offset, &mask, &address, &size), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);

  f = fopen (path, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, (long) (address + size / 2), SEEK_SET), ==, 0);
  c = fgetc (f);
  g_assert_cmpint (fseek (f, (long) (address + size / 2), SEEK_SET), ==, 0);
  fputc (c ^ 0x5a, f);
  fclose (f);
}

/* Reads rows [@first, @last) of "/data" of @path with every number of
 * threads, a few times each: the error naming the chunk at row @bad and
 * saying @message, or (@bad < 0) what H5Dread() reads; never a thread
 * left */
static void
assert_rows_read (const char *path,
                  guint64     first,
                  guint64     last,
                  gint64      bad,
                  const char *message)
{
  guint64 shape[2] = { ROWS, COLS }, start[2] = { first, 0 }, count[2] = { last - first, COLS };
  gsize n_bytes = (gsize) count[0] * COLS * 4;
  g_autoptr(GdciH5Chunks) chunks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = g_malloc (n_bytes);
  g_autofree guint8 *expected = NULL;
  g_autofree char *text = NULL;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, "data", H5P_DEFAULT);

  g_assert_true (_gdci_h5_chunks_open (file, dset, GDCI_DTYPE_INT32, 2, shape, path, "/data",
                                       &chunks, &error));
  g_assert_no_error (error);
  g_assert_nonnull (chunks);
  if (bad < 0)
    expected = read_box_with_hdf5 (dset, GDCI_DTYPE_INT32, 2, start, count, n_bytes);
  else
    text = g_strdup_printf ("The chunk at (%" G_GINT64_FORMAT ", 0) of '/data' in '%s' is "
                            "damaged: %s", bad, path, message);

  for (guint t = 0; t < G_N_ELEMENTS (thread_counts); t++)
    for (guint repeat = 0; repeat < 5; repeat++)
      {
        guint n_threads = count_threads ();
        gboolean ok;

        _gdci_h5_chunks_set_n_threads (chunks, thread_counts[t]);
        ok = _gdci_h5_chunks_read (chunks, start, count, got, &error);
        assert_threads_back_to (n_threads);
        if (bad < 0)
          {
            g_assert_no_error (error);
            g_assert_true (ok);
            g_assert_cmpmem (got, n_bytes, expected, n_bytes);
            continue;
          }
        g_assert_false (ok);
        g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA);
        if (strstr (error->message, text) == NULL)
          g_error ("with %u threads: '%s' is not '%s'", thread_counts[t], error->message, text);
        g_clear_error (&error);
      }
  g_clear_pointer (&chunks, _gdci_h5_chunks_free);
  H5Dclose (dset);
  H5Fclose (file);
}

/* A decoding thread finds the damage, while others decode the chunks
 * around it */
static void
test_damaged_in_the_middle (void)
{
  g_autofree char *path = write_rows ("damaged.h5");

  damage_chunk (path, ROWS / 2);
  assert_rows_read (path, 0, ROWS, ROWS / 2, "its Fletcher-32 checksum does not match");
  assert_rows_read (path, 3, ROWS - 5, ROWS / 2, "its Fletcher-32 checksum does not match");
  /* the rest reads, with the same reader after its errors */
  assert_rows_read (path, 0, ROWS / 2, -1, NULL);
  assert_rows_read (path, ROWS / 2 + CHUNK_ROWS, ROWS, -1, NULL);
}

/* The reading thread finds the damage (a size the chunk cannot have),
 * while decoding threads hold the chunks before it */
static void
test_wrong_size_in_the_middle (void)
{
  g_autofree char *path = write_rows ("too-long.h5");
  g_autofree guint8 *bytes = g_malloc0 (4000);
  hsize_t offset[2] = { ROWS / 2, 0 };
  hid_t file = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, "data", H5P_DEFAULT);

  g_assert_cmpint (H5Dwrite_chunk (dset, H5P_DEFAULT, 0, offset, 4000, bytes), >=, 0);
  H5Dclose (dset);
  H5Fclose (file);
  assert_rows_read (path, 0, ROWS, ROWS / 2, "it takes 4000 bytes where it can take 1 to ");
}

/* ---- how many threads ---------------------------------------------------- */

/* A reader of a dataset of int16 chunks of @chunk_elements, in a dataset
 * that may grow (so that a chunk may be larger than its data) */
static GdciH5Chunks *
open_large_chunks (const char  *name,
                   hsize_t      chunk_elements,
                   hid_t       *file,
                   hid_t       *dset,
                   char       **path)
{
  hsize_t dims[1] = { 100 }, maxdims[1] = { H5S_UNLIMITED };
  guint64 shape[1] = { 100 };
  g_autoptr(GError) error = NULL;
  GdciH5Chunks *chunks = NULL;
  hid_t space = H5Screate_simple (1, dims, maxdims);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);

  *path = g_build_filename (test_dir, name, NULL);
  *file = H5Fcreate (*path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Pset_chunk (dcpl, 1, &chunk_elements);
  H5Pset_deflate (dcpl, 1);
  *dset = H5Dcreate2 (*file, "data", H5T_STD_I16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  g_assert_cmpint (*dset, >=, 0);
  H5Pclose (dcpl);
  H5Sclose (space);
  g_assert_true (_gdci_h5_chunks_open (*file, *dset, GDCI_DTYPE_INT16, 1, shape, *path, "/data",
                                       &chunks, &error));
  g_assert_no_error (error);
  g_assert_nonnull (chunks);
  return chunks;
}

/* As many as asked, but no more than the chunks, nor than fit in the
 * decoders' memory: a decoder's three stages and one chunk read ahead */
static void
test_n_workers (void)
{
  static const struct { hsize_t chunk_elements; guint64 n_chunks; guint asked, used; } cases[] = {
    { 1000, 100, 8, 8 },
    { 1000, 3, 8, 3 },
    { 1000, 1, 8, 1 },
    { 1000, 100, 1, 1 },
    { 1000, 100, 100000, 100 },
    { 1000, 1000, 100000, 256 },
    { 2 * 1000 * 1000, 100, 100, 10 },          /* 4 MB chunks */
    { 5 * 1000 * 1000, 100, 100, 3 },           /* 10 MB chunks */
    { 10 * 1000 * 1000, 100, 100, 1 },          /* 20 MB chunks */
    { 100 * 1000 * 1000, 100, 8, 1 },           /* 200 MB chunks */
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *name = g_strdup_printf ("workers-%u.h5", k);
      g_autofree char *path = NULL;
      GdciH5ChunkBox box = { .n_chunks = cases[k].n_chunks };
      hid_t file, dset;
      GdciH5Chunks *chunks = open_large_chunks (name, cases[k].chunk_elements, &file, &dset,
                                                &path);
      guint64 bound = _gdci_h5_chunks_stored_bound (chunks);
      guint used = _gdci_h5_chunk_decode_n_workers (chunks, &box, cases[k].asked);

      g_test_message ("chunks of %" G_GUINT64_FORMAT " stored bytes at most: %u of %u threads",
                      bound, used, cases[k].asked);
      g_assert_cmpuint (used, ==, cases[k].used);
      /* within the memory they may share */
      if (used > 1)
        g_assert_cmpuint ((3 * used + 1) * bound, <=, GDCI_H5_DECODE_SCRATCH_BYTES);
      /* 0: one per processor */
      g_assert_cmpuint (_gdci_h5_chunk_decode_n_workers (chunks, &box, 0), ==,
                        MIN ((guint) g_get_num_processors (),
                             _gdci_h5_chunk_decode_n_workers (chunks, &box, 100000)));
      _gdci_h5_chunks_free (chunks);
      H5Dclose (dset);
      H5Fclose (file);
    }
}

/* ---- the iterator's setting ------------------------------------------------ */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_iterator_n_threads (void)
{
  g_autofree char *path = write_rows ("iterator.h5");
  guint64 shape[2] = { ROWS, COLS }, start[2] = { 0, 0 };
  g_autoptr(GdciChunkIterator) it = NULL;
  g_autoptr(GdciChunkIterator) copy = NULL;
  g_autoptr(GVariant) serialized = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  guint n_notified = 0, n_threads = 0;

  expected = g_bytes_new_take (read_box_with_hdf5 (dset, GDCI_DTYPE_INT32, 2, start, shape,
                                                   ROWS * COLS * 4), ROWS * COLS * 4);
  H5Dclose (dset);
  H5Fclose (file);

  it = gdci_h5_iterator_new (path, "/data", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_iterator_get_n_threads (GDCI_H5_ITERATOR (it)), ==, 0);
  g_signal_connect (it, "notify::n-threads", G_CALLBACK (on_notify), &n_notified);
  gdci_h5_iterator_set_n_threads (GDCI_H5_ITERATOR (it), 3);
  gdci_h5_iterator_set_n_threads (GDCI_H5_ITERATOR (it), 3);
  g_assert_cmpuint (n_notified, ==, 1);
  g_object_get (it, "n-threads", &n_threads, NULL);
  g_assert_cmpuint (n_threads, ==, 3);

  serialized = gdci_chunk_iterator_serialize (it, &error);
  g_assert_no_error (error);
  copy = gdci_chunk_iterator_deserialize (serialized, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_iterator_get_n_threads (GDCI_H5_ITERATOR (copy)), ==, 3);

  /* buffers of many chunks, not aligned with them, with every number */
  for (guint t = 0; t < G_N_ELEMENTS (thread_counts); t++)
    {
      g_autoptr(GdciChunkIterator) reader =
        g_initable_new (GDCI_TYPE_H5_ITERATOR, NULL, &error, "path", path, "dataset", "/data",
                        "n-threads", thread_counts[t],
                        "buffer-shape", g_variant_new_parsed ("[uint64 95, 10]"),
                        "chunk-shape", g_variant_new_parsed ("[uint64 19, 10]"), NULL);

      g_assert_no_error (error);
      test_assert_reassembles (reader, expected, shape, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  test_dir = test_make_tmp_dir ("gdci-h5-chunk-decode-XXXXXX");

  g_test_add_func ("/h5-chunk-decode/same-as-h5dread", test_same_as_h5dread);
  g_test_add_func ("/h5-chunk-decode/damaged-in-the-middle", test_damaged_in_the_middle);
  g_test_add_func ("/h5-chunk-decode/wrong-size-in-the-middle", test_wrong_size_in_the_middle);
  g_test_add_func ("/h5-chunk-decode/n-workers", test_n_workers);
  g_test_add_func ("/h5-chunk-decode/iterator-n-threads", test_iterator_n_threads);

  status = g_test_run ();
  test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
