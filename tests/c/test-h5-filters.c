/* test-h5-filters.c: gdci's compressors as HDF5 filters: H5Dread() and
 * H5Dwrite() through them, damaged chunks, files of h5py and hdf5plugin
 * read with gdci's decoders, and the plugins read by h5dump
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "gdci.h"
#include "gdci-codec-private.h"
#include "gdci-compressor-private.h"

#include "test-util.h"

#define ROWS 50
#define COLS 384
#define CHUNK_ROWS 16
#define N_CHUNKS ((ROWS + CHUNK_ROWS - 1) / CHUNK_ROWS)
#define CHUNK_BYTES (CHUNK_ROWS * COLS * 2)

static char *test_dir;

typedef struct
{
  const char *name;
  GdciCompressorSettings settings;
} Case;

static const Case cases[] = {
  { "zstd", { .kind = GDCI_COMPRESSOR_ZSTD, .level = 3 } },
  { "lz4", { .kind = GDCI_COMPRESSOR_LZ4 } },
  { "lz4-blocks", { .kind = GDCI_COMPRESSOR_LZ4, .block_elements = 4096 } },
  { "blosc-lz4", { .kind = GDCI_COMPRESSOR_BLOSC, .level = 5, .blosc_shuffle = 1,
                   .blosc_inner = GDCI_BLOSC_INNER_LZ4 } },
  { "blosc-zstd", { .kind = GDCI_COMPRESSOR_BLOSC, .level = 9, .blosc_shuffle = 2,
                    .blosc_inner = GDCI_BLOSC_INNER_ZSTD } },
  { "bitshuffle-lz4", { .kind = GDCI_COMPRESSOR_BITSHUFFLE,
                        .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_LZ4 } },
  { "bitshuffle-zstd", { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .level = 5,
                         .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_ZSTD } },
  { "bitshuffle-none", { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .block_elements = 256,
                         .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_NONE } },
  { "deflate-fast", { .kind = GDCI_COMPRESSOR_DEFLATE_FAST, .level = 1 } },
};

/* ROWS x COLS int16 of a recording: sines and noise */
static gint16 *
make_recording (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint16 *data = g_new (gint16, ROWS * COLS);

  for (guint r = 0; r < ROWS; r++)
    for (guint c = 0; c < COLS; c++)
      data[r * COLS + c] = (gint16) (400 * sin (r / 5.0 + c) + g_rand_int_range (rand, -30, 30));
  return data;
}

static hid_t
make_dcpl (const GdciCompressorSettings *s,
           gboolean                      shuffle,
           gboolean                      fletcher32)
{
  hsize_t chunk[] = { CHUNK_ROWS, COLS };
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);

  g_assert_cmpint (H5Pset_chunk (dcpl, 2, chunk), >=, 0);
  if (shuffle)
    g_assert_cmpint (H5Pset_shuffle (dcpl), >=, 0);
  g_assert_true (_gdci_h5_set_filter (dcpl, s));
  if (fletcher32)
    g_assert_cmpint (H5Pset_fletcher32 (dcpl), >=, 0);
  return dcpl;
}

/* The dataset's cd_values are what gdci says hdf5plugin's filter leaves */
static void
assert_cd_values (hid_t                         dataset,
                  const GdciCompressorSettings *s)
{
  unsigned int expected[GDCI_COMPRESSOR_MAX_CD_VALUES] = { 0 }, found[16] = { 0 };
  size_t n_found = G_N_ELEMENTS (found);
  unsigned int flags = 0;
  hid_t dcpl = H5Dget_create_plist (dataset);
  guint n = _gdci_compressor_cd_values (s, expected);

  g_assert_cmpint (H5Pget_filter_by_id2 (dcpl, _gdci_compressor_filter_id (s->kind), &flags,
                                         &n_found, found, 0, NULL, NULL), >=, 0);
  g_assert_cmpmem (found, n_found * sizeof (unsigned int), expected, n * sizeof (unsigned int));
  H5Pclose (dcpl);
}

/* Chunks 0 to N_CHUNKS - 2 made by gdci's codec and written raw, the
 * last (an edge chunk) by H5Dwrite() through the registered filter; read
 * back by H5Dread(), and the last decoded by gdci's decoder too */
static void
read_write_one (const Case *c,
                gboolean    shuffle,
                gboolean    fletcher32)
{
  g_autofree char *path = g_build_filename (test_dir, "filters.h5", NULL);
  g_autofree gint16 *data = make_recording (c->settings.kind);
  g_autofree gint16 *back = g_new0 (gint16, ROWS * COLS);
  GdciCompressorSettings s = c->settings;
  GdciCodecSettings codec_settings = {
    .chunk_bytes = CHUNK_BYTES, .itemsize = 2, .shuffle = shuffle, .fletcher32 = fletcher32,
    .compressor = s,
  };
  g_autoptr(GdciCodec) codec = _gdci_codec_new (&codec_settings, NULL);
  hsize_t dims[] = { ROWS, COLS }, start[] = { (N_CHUNKS - 1) * CHUNK_ROWS, 0 };
  hsize_t count[] = { ROWS - (N_CHUNKS - 1) * CHUNK_ROWS, COLS };
  hid_t file, space, dcpl, dataset, mem, file_space;

  s.itemsize = 2;
  s.chunk_bytes = CHUNK_BYTES;
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  space = H5Screate_simple (2, dims, NULL);
  dcpl = make_dcpl (&s, shuffle, fletcher32);
  dataset = H5Dcreate2 (file, "/d", H5T_STD_I16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  g_assert_cmpint (dataset, >=, 0);
  if (s.kind != GDCI_COMPRESSOR_DEFLATE_FAST)
    assert_cd_values (dataset, &s);

  for (guint i = 0; i + 1 < N_CHUNKS; i++)
    {
      hsize_t offset[] = { i * CHUNK_ROWS, 0 };
      gsize n_bytes;
      const guint8 *stored = _gdci_codec_encode (codec, (const guint8 *) (data + i * CHUNK_ROWS * COLS),
                                                 &n_bytes);

      g_assert_nonnull (stored);
      g_assert_cmpint (H5Dwrite_chunk (dataset, H5P_DEFAULT, 0, offset, n_bytes, stored), >=, 0);
    }
  mem = H5Screate_simple (2, count, NULL);
  file_space = H5Dget_space (dataset);
  H5Sselect_hyperslab (file_space, H5S_SELECT_SET, start, NULL, count, NULL);
  g_assert_cmpint (H5Dwrite (dataset, H5T_NATIVE_INT16, mem, file_space, H5P_DEFAULT,
                             data + start[0] * COLS), >=, 0);
  H5Sclose (mem);
  H5Sclose (file_space);
  H5Dclose (dataset);
  H5Pclose (dcpl);
  H5Sclose (space);
  H5Fclose (file);

  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  dataset = H5Dopen2 (file, "/d", H5P_DEFAULT);
  g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, back),
                   >=, 0);
  g_assert_cmpmem (back, sizeof (gint16) * ROWS * COLS, data, sizeof (gint16) * ROWS * COLS);

  /* the chunk HDF5 compressed, decoded by gdci */
  {
    GdciDecoderSettings decode = { .chunk_bytes = CHUNK_BYTES };
    g_autoptr(GdciDecoder) decoder = NULL;
    g_autoptr(GError) error = NULL;
    hsize_t size = 0;
    guint32 mask = 0;
    unsigned int cd[GDCI_COMPRESSOR_MAX_CD_VALUES];
    guint n_cd = _gdci_compressor_cd_values (&s, cd);
    gint16 *out;

    if (shuffle)
      {
        decode.shuffle_itemsize[decode.n_filters] = 2;
        decode.filters[decode.n_filters++] = GDCI_FILTER_SHUFFLE;
      }
    g_assert_true (_gdci_compressor_settings_for_filter (_gdci_compressor_filter_id (s.kind), cd,
                                                         n_cd, 2, 0,
                                                         &decode.compressor[decode.n_filters],
                                                         NULL));
    decode.filters[decode.n_filters++] = GDCI_FILTER_COMPRESSOR;
    if (fletcher32)
      decode.filters[decode.n_filters++] = GDCI_FILTER_FLETCHER32;
    decoder = _gdci_decoder_new (&decode, &error);
    g_assert_no_error (error);
    g_assert_cmpint (H5Dget_chunk_storage_size (dataset, start, &size), >=, 0);
    g_assert_cmpuint (size, <=, _gdci_decoder_stored_bound (decoder, 0));
    g_assert_cmpint (H5Dread_chunk (dataset, H5P_DEFAULT, start, &mask,
                                    _gdci_decoder_input (decoder)), >=, 0);
    g_assert_cmpuint (mask, ==, 0);
    out = (gint16 *) (void *) _gdci_decoder_decode (decoder, size, mask, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (out, count[0] * COLS * 2, data + start[0] * COLS, count[0] * COLS * 2);
  }
  H5Dclose (dataset);
  H5Fclose (file);
}

static void
force_gdci_filters (void)
{
  /* gdci's own filters, even where a plugin would be found */
  _gdci_h5_register_filters ();
  for (GdciCompressorKind k = GDCI_COMPRESSOR_ZSTD; k <= GDCI_COMPRESSOR_BITSHUFFLE; k++)
    g_assert_cmpint (H5Zregister (_gdci_h5_filter_class (k)), >=, 0);
}

static void
test_read_write (void)
{
  force_gdci_filters ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].name);
      read_write_one (&cases[i], FALSE, FALSE);
      read_write_one (&cases[i], TRUE, FALSE);
      read_write_one (&cases[i], TRUE, TRUE);
    }
}

/* H5Dread() of damaged chunks through gdci's filters fails (truncated), or
 * reads something (a flipped bit that still decodes); never crashes. Not
 * the sizes in the headers, nor Bitshuffle without compression cut short:
 * HDF5 1.10 reads as much as a chunk from whatever a filter gives (see
 * _gdci_h5_register_filters()); test-compressors damages those. */
static void
test_damaged (void)
{
  g_autofree char *path = g_build_filename (test_dir, "damaged.h5", NULL);
  g_autofree gint16 *data = make_recording (5);
  g_autofree gint16 *back = g_new0 (gint16, ROWS * COLS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);

  force_gdci_filters ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint t = 0; t < 12; t++)
      {
        GdciCompressorSettings s = cases[i].settings;
        GdciCodecSettings codec_settings = { .chunk_bytes = CHUNK_BYTES, .itemsize = 2,
                                             .compressor = s };
        g_autoptr(GdciCodec) codec = _gdci_codec_new (&codec_settings, NULL);
        hsize_t dims[] = { CHUNK_ROWS, COLS }, offset[] = { 0, 0 };
        g_autofree guint8 *bad = NULL;
        gsize n_bytes;
        const guint8 *stored = _gdci_codec_encode (codec, (const guint8 *) data, &n_bytes);
        hid_t file, space, dcpl, dataset;
        herr_t read;

        s.itemsize = 2;
        s.chunk_bytes = CHUNK_BYTES;
        bad = g_memdup2 (stored, n_bytes);
        if (t < 6)
          n_bytes = n_bytes * t / 6;
        else
          bad[g_rand_int_range (rand, 16, (gint32) MIN (n_bytes, 64))] ^= (guint8) (1 << (t % 8));
        if (n_bytes == 0 || (t < 6 && s.kind == GDCI_COMPRESSOR_BITSHUFFLE &&
                             s.bitshuffle_inner == GDCI_BITSHUFFLE_INNER_NONE))
          continue;
        file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        space = H5Screate_simple (2, dims, NULL);
        dcpl = make_dcpl (&s, FALSE, FALSE);
        dataset = H5Dcreate2 (file, "/d", H5T_STD_I16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        g_assert_cmpint (H5Dwrite_chunk (dataset, H5P_DEFAULT, 0, offset, n_bytes, bad), >=, 0);
        H5E_BEGIN_TRY
          {
            read = H5Dread (dataset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, back);
          }
        H5E_END_TRY;
        if (t < 6)
          g_assert_cmpint (read, <, 0);
        H5Dclose (dataset);
        H5Pclose (dcpl);
        H5Sclose (space);
        H5Fclose (file);
      }
}

/* ---- files of h5py and hdf5plugin -------------------------------------- */

static const char write_script[] =
  "import sys\n"
  "import numpy as np\n"
  "import h5py, hdf5plugin\n"
  "x = (np.sin(np.arange(250 * 6) / 9.0) * 700).astype('i2').reshape(250, 6)\n"
  "with h5py.File(sys.argv[1], 'w') as f:\n"
  "    f['raw'] = x\n"
  "    for name, args in [('lz4', hdf5plugin.LZ4()),\n"
  "                       ('lz4-small', hdf5plugin.LZ4(nbytes=256)),\n"
  "                       ('blosc', hdf5plugin.Blosc()),\n"
  "                       ('blosc-zstd', hdf5plugin.Blosc(cname='zstd', clevel=9,\n"
  "                                                      shuffle=hdf5plugin.Blosc.BITSHUFFLE)),\n"
  "                       ('blosc-blosclz', hdf5plugin.Blosc(cname='blosclz', clevel=1,\n"
  "                                                         shuffle=hdf5plugin.Blosc.NOSHUFFLE))]:\n"
  "        try:\n"
  "            f.create_dataset(name, data=x, chunks=(100, 6), **args)\n"
  "        except Exception as e:\n"
  "            print('cannot write', name, e)\n";

typedef struct
{
  const char *name;
  GdciCompressorSettings settings;   /* the same settings in gdci */
} Written;

static void
check_written (hid_t          file,
               const Written *w,
               const gint16  *raw)
{
  GdciCompressorSettings s = w->settings;
  GdciCompressorSettings decode;
  unsigned int cd[GDCI_COMPRESSOR_MAX_CD_VALUES] = { 0 }, flags = 0;
  size_t n_cd = G_N_ELEMENTS (cd);
  hid_t dataset, dcpl;
  H5Z_filter_t id;
  g_autoptr(GdciCompressor) c = NULL;
  g_autoptr(GError) error = NULL;
  unsigned int ours[GDCI_COMPRESSOR_MAX_CD_VALUES] = { 0 };
  guint n_ours;

  if (H5Lexists (file, w->name, H5P_DEFAULT) <= 0)
    {
      g_test_message ("hdf5plugin did not write %s", w->name);
      return;
    }
  dataset = H5Dopen2 (file, w->name, H5P_DEFAULT);
  dcpl = H5Dget_create_plist (dataset);
  id = H5Pget_filter2 (dcpl, 0, &flags, &n_cd, cd, 0, NULL, NULL);
  s.itemsize = 2;
  s.chunk_bytes = 100 * 6 * 2;
  n_ours = _gdci_compressor_cd_values (&s, ours);
  g_assert_cmpint (id, ==, _gdci_compressor_filter_id (s.kind));
  g_assert_cmpmem (cd, n_cd * sizeof (unsigned int), ours, n_ours * sizeof (unsigned int));

  g_assert_true (_gdci_compressor_settings_for_filter (id, cd, n_cd, 2, 1200, &decode, &error));
  c = _gdci_compressor_new (&decode, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      hsize_t offset[] = { 100 * i, 0 }, size = 0;
      guint32 mask = 1;
      g_autofree guint8 *stored = NULL;
      guint8 out[1200];
      gsize n_made = 0, rows = MIN (100, 250 - 100 * i);

      g_assert_cmpint (H5Dget_chunk_storage_size (dataset, offset, &size), >=, 0);
      stored = g_malloc (size);
      g_assert_cmpint (H5Dread_chunk (dataset, H5P_DEFAULT, offset, &mask, stored), >=, 0);
      if (mask & 1)
        {
          /* hdf5-blosc gives up on a chunk it cannot make smaller: HDF5
           * stores it as it is */
          g_assert_cmpuint (size, ==, sizeof out);
          g_assert_cmpmem (stored, rows * 12, raw + 600 * i, rows * 12);
          continue;
        }
      g_assert_true (_gdci_compressor_decompress (c, stored, size, out, sizeof out, &n_made,
                                                  &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_made, ==, sizeof out);
      g_assert_cmpmem (out, rows * 12, raw + 600 * i, rows * 12);
    }
  H5Pclose (dcpl);
  H5Dclose (dataset);
}

static void
test_hdf5plugin_files (void)
{
  static const Written written[] = {
    { "lz4", { .kind = GDCI_COMPRESSOR_LZ4 } },
    { "lz4-small", { .kind = GDCI_COMPRESSOR_LZ4, .block_elements = 256 } },
    { "blosc", { .kind = GDCI_COMPRESSOR_BLOSC, .level = 5, .blosc_shuffle = 1,
                 .blosc_inner = GDCI_BLOSC_INNER_LZ4 } },
    { "blosc-zstd", { .kind = GDCI_COMPRESSOR_BLOSC, .level = 9, .blosc_shuffle = 2,
                      .blosc_inner = GDCI_BLOSC_INNER_ZSTD } },
    { "blosc-blosclz", { .kind = GDCI_COMPRESSOR_BLOSC, .level = 1, .blosc_shuffle = 0,
                         .blosc_inner = GDCI_BLOSC_INNER_BLOSCLZ } },
  };
  g_autofree char *path = g_build_filename (test_dir, "hdf5plugin.h5", NULL);
  const char *argv[] = { "/usr/bin/python3", "-c", write_script, path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  gint status = 0;
  gint16 raw[250 * 6];
  hid_t file, dataset;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("h5py and hdf5plugin cannot write files here");
      return;
    }
  g_test_message ("%s%s", out, err);
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  dataset = H5Dopen2 (file, "raw", H5P_DEFAULT);
  g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), >=, 0);
  H5Dclose (dataset);
  for (guint i = 0; i < G_N_ELEMENTS (written); i++)
    check_written (file, &written[i], raw);

  /* and H5Dread() through gdci's filters */
  force_gdci_filters ();
  for (guint i = 0; i < G_N_ELEMENTS (written); i++)
    {
      gint16 back[250 * 6];

      if (H5Lexists (file, written[i].name, H5P_DEFAULT) <= 0)
        continue;
      dataset = H5Dopen2 (file, written[i].name, H5P_DEFAULT);
      g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, back),
                       >=, 0);
      g_assert_cmpmem (back, sizeof back, raw, sizeof raw);
      H5Dclose (dataset);
    }
  H5Fclose (file);
}

/* ---- the plugins, read by h5dump --------------------------------------- */

static void
test_plugins_h5dump (void)
{
#ifdef GDCI_TEST_PLUGIN_DIR
  static const Case plugged[] = {
    { "zstd", { .kind = GDCI_COMPRESSOR_ZSTD, .level = 1 } },
    { "bitshuffle-lz4", { .kind = GDCI_COMPRESSOR_BITSHUFFLE,
                          .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_LZ4 } },
    { "bitshuffle-zstd", { .kind = GDCI_COMPRESSOR_BITSHUFFLE, .level = 3,
                           .bitshuffle_inner = GDCI_BITSHUFFLE_INNER_ZSTD } },
  };
  g_autofree char *path = g_build_filename (test_dir, "plugins.h5", NULL);
  g_autofree char *h5dump = g_find_program_in_path ("h5dump");
  g_autofree gint16 *data = make_recording (9);
  hsize_t dims[] = { N_CHUNKS * CHUNK_ROWS, COLS };
  hid_t file, space;

  if (h5dump == NULL)
    {
      g_test_skip ("no h5dump");
      return;
    }
  /* their set_local completes the cd_values, as when gdci writes */
  _gdci_h5_register_filters ();
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  space = H5Screate_simple (2, dims, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (plugged); i++)
    {
      GdciCompressorSettings s = plugged[i].settings;
      GdciCodecSettings codec_settings = { .chunk_bytes = CHUNK_BYTES, .itemsize = 2,
                                           .shuffle = i == 0, .compressor = s };
      g_autoptr(GdciCodec) codec = _gdci_codec_new (&codec_settings, NULL);
      hid_t dcpl, dataset;

      s.itemsize = 2;
      s.chunk_bytes = CHUNK_BYTES;
      dcpl = make_dcpl (&s, i == 0, FALSE);
      dataset = H5Dcreate2 (file, plugged[i].name, H5T_STD_I16LE, space, H5P_DEFAULT, dcpl,
                            H5P_DEFAULT);
      g_assert_cmpint (dataset, >=, 0);
      for (guint c = 0; c + 1 < N_CHUNKS; c++)
        {
          hsize_t offset[] = { c * CHUNK_ROWS, 0 };
          gsize n_bytes;
          const guint8 *stored = _gdci_codec_encode (codec,
                                                     (const guint8 *) (data + c * CHUNK_ROWS * COLS),
                                                     &n_bytes);

          g_assert_cmpint (H5Dwrite_chunk (dataset, H5P_DEFAULT, 0, offset, n_bytes, stored),
                           >=, 0);
        }
      H5Dclose (dataset);
      H5Pclose (dcpl);
    }
  H5Sclose (space);
  H5Fclose (file);

  for (guint i = 0; i < G_N_ELEMENTS (plugged); i++)
    {
      g_autofree char *dataset = g_strconcat ("/", plugged[i].name, NULL);
      g_autofree char *raw_path = g_build_filename (test_dir, "dump.bin", NULL);
      const char *argv[] = { h5dump, "-d", dataset, "-b", "LE", "-o", raw_path, path, NULL };
      g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "HDF5_PLUGIN_PATH",
                                             GDCI_TEST_PLUGIN_DIR, TRUE);
      g_autofree char *out = NULL, *err = NULL, *dumped = NULL;
      gsize n_dumped = 0;
      gint status = 0;
      gsize n_written = (N_CHUNKS - 1) * CHUNK_BYTES;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                                   &out, &err, &status, NULL));
      g_test_message ("h5dump %s: %s", dataset, err);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_file_get_contents (raw_path, &dumped, &n_dumped, NULL));
      g_assert_cmpuint (n_dumped, ==, (gsize) N_CHUNKS * CHUNK_BYTES);
      g_assert_cmpmem (dumped, n_written, data, n_written);
      g_unlink (raw_path);
    }
#else
  g_test_skip ("the HDF5 filter plugins are not built, or built with the sanitizers");
#endif
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  test_dir = test_make_tmp_dir ("gdci-h5-filters-XXXXXX");

  g_test_add_func ("/h5-filters/read-write", test_read_write);
  g_test_add_func ("/h5-filters/damaged", test_damaged);
  g_test_add_func ("/h5-filters/hdf5plugin-files", test_hdf5plugin_files);
  g_test_add_func ("/h5-filters/plugins-h5dump", test_plugins_h5dump);
  status = g_test_run ();
  test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
