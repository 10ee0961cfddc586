/* codec-speed.c: one codec's single-thread speed on chunks in memory
 *
 * The ceiling of gdci's throughput with a codec: the chunks gdci writes
 * from a raw int16 recording, gathered into memory first, then shuffled
 * (if asked) and compressed one after the other on one thread by the
 * codec layer gdci's writer uses. Prints one JSON line: the bytes in and
 * out, the seconds, MB/s (10^6 bytes of chunk in per second) and the
 * ratio. A benchmark helper for bench/codecs.py, not a test.
 *
 *   codec-speed RAW --columns 384 --chunk-rows N --chunk-columns M \
 *       --kind zstd --level 3 [--shuffle | --bitshuffle] [--blosc-codec lz4] \
 *       [--sample-mb 500] [--repeat 1]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "gdci/gdci-codec-private.h"

typedef struct
{
  char *kind;
  int level;
  gboolean shuffle;
  gboolean bitshuffle;
  char *blosc_codec;
  gint64 columns;
  gint64 chunk_rows;
  gint64 chunk_columns;
  double sample_mb;
  int repeat;
} Options;

static gboolean
blosc_inner (const char *name, GdciBloscInner *inner)
{
  static const struct { const char *name; GdciBloscInner inner; } codecs[] = {
    { "blosclz", GDCI_BLOSC_INNER_BLOSCLZ }, { "lz4", GDCI_BLOSC_INNER_LZ4 },
    { "lz4hc", GDCI_BLOSC_INNER_LZ4HC }, { "zlib", GDCI_BLOSC_INNER_ZLIB },
    { "zstd", GDCI_BLOSC_INNER_ZSTD },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_strcmp0 (name, codecs[i].name) == 0)
      {
        *inner = codecs[i].inner;
        return TRUE;
      }
  return FALSE;
}

/* The codec settings gdci's writer makes of these options (the rules of
 * GdciH5Writer: Blosc shuffles itself, Bitshuffle replaces LZ4 or zstd) */
static gboolean
codec_settings (const Options *o, gsize chunk_bytes, GdciCodecSettings *s, GError **error)
{
  GdciCompressorSettings *c = &s->compressor;
  const char *kind = o->kind != NULL ? o->kind : "none";

  memset (s, 0, sizeof *s);
  s->chunk_bytes = c->chunk_bytes = chunk_bytes;
  s->itemsize = c->itemsize = sizeof (gint16);
  c->level = o->level;
  if (o->shuffle && o->bitshuffle)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--shuffle or --bitshuffle, not both");
      return FALSE;
    }
  if (g_str_equal (kind, "blosc"))
    {
      c->kind = GDCI_COMPRESSOR_BLOSC;
      c->blosc_shuffle = o->bitshuffle ? 2 : o->shuffle ? 1 : 0;
      if (!blosc_inner (o->blosc_codec != NULL ? o->blosc_codec : "lz4", &c->blosc_inner))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown Blosc codec '%s'",
                       o->blosc_codec);
          return FALSE;
        }
      return TRUE;
    }
  s->shuffle = o->shuffle;
  if (o->bitshuffle && (g_str_equal (kind, "none") || g_str_equal (kind, "lz4") || g_str_equal (kind, "zstd")))
    {
      c->kind = GDCI_COMPRESSOR_BITSHUFFLE;
      c->bitshuffle_inner = g_str_equal (kind, "lz4") ? GDCI_BITSHUFFLE_INNER_LZ4
                          : g_str_equal (kind, "zstd") ? GDCI_BITSHUFFLE_INNER_ZSTD
                          : GDCI_BITSHUFFLE_INNER_NONE;
    }
  else if (o->bitshuffle)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "no --bitshuffle with %s", kind);
      return FALSE;
    }
  else if (g_str_equal (kind, "none"))
    c->kind = GDCI_COMPRESSOR_NONE;
  else if (g_str_equal (kind, "gzip"))
    c->kind = GDCI_COMPRESSOR_DEFLATE;
  else if (g_str_equal (kind, "gzip-fast"))
    c->kind = GDCI_COMPRESSOR_DEFLATE_FAST;
  else if (g_str_equal (kind, "zstd"))
    c->kind = GDCI_COMPRESSOR_ZSTD;
  else if (g_str_equal (kind, "lz4"))
    c->kind = GDCI_COMPRESSOR_LZ4;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown --kind '%s': none, gzip, gzip-fast, zstd, lz4 or blosc", kind);
      return FALSE;
    }
  return TRUE;
}

/* The whole chunks of the first rows of @path, each laid out as gdci
 * lays out a chunk (C order, chunk_rows x chunk_columns), as many as fit
 * in @sample_bytes (at least one) */
static guint8 *
gather_chunks (const char *path, const Options *o, guint64 sample_bytes, guint64 *n_chunks, GError **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  guint64 row_bytes, chunk_bytes, rows, per_band, bands, wanted;
  const guint8 *data;
  guint8 *chunks;
  guint64 n = 0;

  if (file == NULL)
    return NULL;
  if (o->columns <= 0 || o->chunk_rows <= 0 || o->chunk_columns <= 0 || o->chunk_columns > o->columns ||
      (guint64) o->chunk_rows > G_MAXUINT64 / (guint64) o->chunk_columns / sizeof (gint16))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad --columns or chunk shape");
      return NULL;
    }
  row_bytes = (guint64) o->columns * sizeof (gint16);
  chunk_bytes = (guint64) o->chunk_rows * (guint64) o->chunk_columns * sizeof (gint16);
  rows = g_mapped_file_get_length (file) / row_bytes;
  per_band = (guint64) (o->columns / o->chunk_columns);
  bands = rows / (guint64) o->chunk_rows;
  wanted = MAX (sample_bytes / chunk_bytes, 1);
  if (bands == 0 || per_band == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has less than one whole chunk", path);
      return NULL;
    }
  *n_chunks = MIN (wanted, bands * per_band);
  chunks = g_malloc (*n_chunks * chunk_bytes);
  data = (const guint8 *) g_mapped_file_get_contents (file);
  for (guint64 band = 0; band < bands && n < *n_chunks; band++)
    for (guint64 k = 0; k < per_band && n < *n_chunks; k++, n++)
      for (gint64 r = 0; r < o->chunk_rows; r++)
        memcpy (chunks + n * chunk_bytes + (guint64) r * (guint64) o->chunk_columns * sizeof (gint16),
                data + (band * (guint64) o->chunk_rows + (guint64) r) * row_bytes
                     + k * (guint64) o->chunk_columns * sizeof (gint16),
                (gsize) o->chunk_columns * sizeof (gint16));
  return chunks;
}

static gboolean
measure (const char *path, const Options *o, GError **error)
{
  guint64 chunk_bytes = (guint64) o->chunk_rows * (guint64) o->chunk_columns * sizeof (gint16);
  guint64 n_chunks = 0, in = 0, out = 0, unchanged = 0;
  g_autofree guint8 *chunks = NULL;
  g_autoptr(GdciCodec) codec = NULL;
  GdciCodecSettings settings;
  gint64 start;
  double seconds;

  chunks = gather_chunks (path, o, (guint64) (o->sample_mb * 1e6), &n_chunks, error);
  if (chunks == NULL || !codec_settings (o, chunk_bytes, &settings, error))
    return FALSE;
  codec = _gdci_codec_new (&settings, error);
  if (codec == NULL)
    return FALSE;

  start = g_get_monotonic_time ();
  for (int round = 0; round < o->repeat; round++)
    for (guint64 i = 0; i < n_chunks; i++)
      {
        gsize n_bytes = 0;
        const guint8 *made = _gdci_codec_encode (codec, chunks + i * chunk_bytes, &n_bytes);

        if (made == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the codec failed on chunk %" G_GUINT64_FORMAT, i);
            return FALSE;
          }
        in += chunk_bytes;
        out += n_bytes;
        unchanged += n_bytes == chunk_bytes;
      }
  seconds = (double) (g_get_monotonic_time () - start) / 1e6;
  /* a compressor this build lacks leaves every chunk as it was */
  if (settings.compressor.kind != GDCI_COMPRESSOR_NONE && unchanged == n_chunks * (guint64) o->repeat)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "no chunk changed size: this build does not compress with %s", o->kind);
      return FALSE;
    }
  printf ("{\"chunks\": %" G_GUINT64_FORMAT ", \"bytes_in\": %" G_GUINT64_FORMAT ", \"bytes_out\": %"
          G_GUINT64_FORMAT ", \"seconds\": %.6f, \"mb_s\": %.1f, \"ratio\": %.4f}\n",
          n_chunks, in, out, seconds, seconds > 0 ? (double) in / 1e6 / seconds : 0.0,
          out > 0 ? (double) in / (double) out : 0.0);
  return TRUE;
}

int
main (int argc, char **argv)
{
  Options o = { .columns = 384, .sample_mb = 500.0, .repeat = 1 };
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind, "none, gzip, gzip-fast, zstd, lz4 or blosc", "KIND" },
    { "level", 0, 0, G_OPTION_ARG_INT, &o.level, "The codec's level", "N" },
    { "shuffle", 0, 0, G_OPTION_ARG_NONE, &o.shuffle, "Shuffle bytes first", NULL },
    { "bitshuffle", 0, 0, G_OPTION_ARG_NONE, &o.bitshuffle, "Bitshuffle first", NULL },
    { "blosc-codec", 0, 0, G_OPTION_ARG_STRING, &o.blosc_codec, "Blosc's codec", "NAME" },
    { "columns", 0, 0, G_OPTION_ARG_INT64, &o.columns, "Columns of the int16 recording", "N" },
    { "chunk-rows", 0, 0, G_OPTION_ARG_INT64, &o.chunk_rows, "Rows of a chunk", "N" },
    { "chunk-columns", 0, 0, G_OPTION_ARG_INT64, &o.chunk_columns, "Columns of a chunk", "N" },
    { "sample-mb", 0, 0, G_OPTION_ARG_DOUBLE, &o.sample_mb, "Chunks to gather, in MB", "X" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &o.repeat, "Times over the chunks", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("RAW - a codec's speed on chunks in memory");
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || o.repeat < 1)
    {
      fprintf (stderr, "codec-speed: %s\n", error != NULL ? error->message : "give one RAW file");
      status = 2;
    }
  else if (!measure (argv[1], &o, &error))
    {
      fprintf (stderr, "codec-speed: %s\n", error->message);
      status = 1;
    }
  g_free (o.kind);
  g_free (o.blosc_codec);
  return status;
}
