/* gdci-cli-compression.c: gdci convert's compression options
 *
 *   --compression none | gzip[:LEVEL] | gzip:fast[:LEVEL] | zstd[:LEVEL] |
 *                 lz4 | blosc[:CODEC][:LEVEL]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "gdci-cli-compression.h"

#define CHOICES "none, gzip[:1-9], gzip:fast[:1-3], zstd[:1-22], lz4, or " \
                "blosc[:blosclz|lz4|lz4hc|zlib|zstd][:1-9]"

static const struct
{
  const char *name;
  GdciBloscCodec codec;
} blosc_codecs[] = {
  { "blosclz", GDCI_BLOSC_CODEC_BLOSCLZ },
  { "lz4", GDCI_BLOSC_CODEC_LZ4 },
  { "lz4hc", GDCI_BLOSC_CODEC_LZ4HC },
  { "zlib", GDCI_BLOSC_CODEC_ZLIB },
  { "zstd", GDCI_BLOSC_CODEC_ZSTD },
};

static const struct
{
  const char *name;
  GdciCompression compression;
  int max_level;               /* 0: no levels */
} codecs[] = {
  { "none", GDCI_COMPRESSION_NONE, 0 },
  { "gzip", GDCI_COMPRESSION_GZIP, 9 },
  { "gzip:fast", GDCI_COMPRESSION_GZIP_FAST, 3 },
  { "zstd", GDCI_COMPRESSION_ZSTD, 22 },
  { "lz4", GDCI_COMPRESSION_LZ4, 0 },
  { "blosc", GDCI_COMPRESSION_BLOSC, 9 },
};

/* @text (after a codec's name): "" or ":LEVEL" */
static gboolean
parse_level (const char *text,
             int         max_level,
             int        *level)
{
  guint64 value;

  if (*text == '\0')
    return TRUE;
  if (*text != ':' || max_level == 0 ||
      !g_ascii_string_to_unsigned (text + 1, 10, 1, (guint64) max_level, &value, NULL))
    return FALSE;
  *level = (int) value;
  return TRUE;
}

/* Blosc's ":CODEC", ":LEVEL" or ":CODEC:LEVEL" */
static gboolean
parse_blosc (const char     *text,
             GdciBloscCodec *codec,
             int            *level)
{
  if (*text == ':' && !g_ascii_isdigit (text[1]))
    {
      for (guint i = 0; i < G_N_ELEMENTS (blosc_codecs); i++)
        {
          gsize n = strlen (blosc_codecs[i].name);

          if (g_ascii_strncasecmp (text + 1, blosc_codecs[i].name, n) == 0 &&
              (text[1 + n] == '\0' || text[1 + n] == ':'))
            {
              *codec = blosc_codecs[i].codec;
              return parse_level (text + 1 + n, 9, level);
            }
        }
      return FALSE;
    }
  return parse_level (text, 9, level);
}

/* The codec whose name @text starts with, the longest that matches */
static int
find_codec (const char *text)
{
  int found = -1;
  gsize found_length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      gsize n = strlen (codecs[i].name);

      if (g_ascii_strncasecmp (text, codecs[i].name, n) == 0 &&
          (text[n] == '\0' || text[n] == ':') && n > found_length)
        {
          found = (int) i;
          found_length = n;
        }
    }
  return found;
}

static gboolean
check_shuffles (GdciCompression   compression,
                gboolean          shuffle,
                gboolean          bitshuffle,
                GError          **error)
{
  if (shuffle && bitshuffle)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "--shuffle and --bitshuffle cannot go together: choose one");
      return FALSE;
    }
  if (bitshuffle && (compression == GDCI_COMPRESSION_GZIP ||
                     compression == GDCI_COMPRESSION_GZIP_FAST))
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "--bitshuffle goes with --compression none, zstd, lz4 or blosc, "
                           "not gzip: use --shuffle with gzip");
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_set_compression (GdciH5Writer  *writer,
                     const char    *text,
                     gboolean       shuffle,
                     gboolean       bitshuffle,
                     gboolean       fletcher32,
                     GError       **error)
{
  GdciBloscCodec blosc_codec = GDCI_BLOSC_CODEC_LZ4;
  int level = 0;
  int i = find_codec (text != NULL ? text : "none");
  gboolean ok = i >= 0;

  if (ok)
    {
      const char *rest = (text != NULL ? text : "none") + strlen (codecs[i].name);

      ok = codecs[i].compression == GDCI_COMPRESSION_BLOSC
             ? parse_blosc (rest, &blosc_codec, &level)
             : parse_level (rest, codecs[i].max_level, &level);
    }
  if (!ok)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--compression '%s': use " CHOICES, text);
      return FALSE;
    }
  if (!check_shuffles (codecs[i].compression, shuffle, bitshuffle, error))
    return FALSE;

  gdci_h5_writer_set_compression (writer, codecs[i].compression);
  gdci_h5_writer_set_compression_level (writer, level);
  gdci_h5_writer_set_blosc_codec (writer, blosc_codec);
  gdci_h5_writer_set_shuffle (writer, shuffle);
  gdci_h5_writer_set_bitshuffle (writer, bitshuffle);
  gdci_h5_writer_set_fletcher32 (writer, fletcher32);
  return TRUE;
}

/* The level a write of @compression at @level uses */
static int
level_used (GdciCompression compression,
            int             level)
{
  static const int defaults[] = { 0, 4, 1, 3, 0, 5 };

  if (level != 0 || (guint) compression >= G_N_ELEMENTS (defaults))
    return level;
  return defaults[compression];
}

char *
cli_describe_compression (GdciH5Writer *writer)
{
  GString *s = g_string_new (NULL);
  GdciCompression compression = gdci_h5_writer_get_compression (writer);
  int level = level_used (compression, gdci_h5_writer_get_compression_level (writer));
  gboolean blosc = compression == GDCI_COMPRESSION_BLOSC;

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].compression == compression && compression != GDCI_COMPRESSION_NONE)
      g_string_append (s, codecs[i].name);
  if (blosc)
    for (guint i = 0; i < G_N_ELEMENTS (blosc_codecs); i++)
      if (blosc_codecs[i].codec == gdci_h5_writer_get_blosc_codec (writer))
        g_string_append_printf (s, " (%s)", blosc_codecs[i].name);
  if (level != 0)
    g_string_append_printf (s, " level %d", level);
  if (gdci_h5_writer_get_shuffle (writer))
    g_string_append_printf (s, "%s%sshuffle", s->len > 0 ? " + " : "", blosc ? "Blosc's " : "");
  if (gdci_h5_writer_get_bitshuffle (writer))
    g_string_append_printf (s, "%s%sbitshuffle", s->len > 0 ? " + " : "",
                            blosc ? "Blosc's " : "");
  if (gdci_h5_writer_get_fletcher32 (writer))
    g_string_append_printf (s, "%sfletcher32", s->len > 0 ? " + " : "");
  if (s->len == 0)
    g_string_append (s, "no filters");
  return g_string_free (s, FALSE);
}
