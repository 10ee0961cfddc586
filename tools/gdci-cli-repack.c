/* gdci-cli-repack.c: gdci repack, a whole file rewritten with new chunks
 * and filters
 *
 *   gdci repack IN.h5 OUT.h5 [--compression METHOD] [--chunk-mb X]
 *               [--chunk-shape PATH=SHAPE]... [--dataset PATH]... [options]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gdci-cli-compression.h"
#include "gdci-cli-repack.h"
#include "gdci-cli-run.h"
#include "gdci-cli-util.h"

typedef struct
{
  char *compression;
  gboolean shuffle;
  gboolean bitshuffle;
  gboolean fletcher32;
  double chunk_mb;
  char **chunk_shapes;
  char **datasets;
  char *min_size_text;
  char *max_memory_text;
  int n_threads;
  gboolean overwrite;
  gboolean progress;
  gboolean no_progress;
  char *in_file;
  char *out_file;
} RepackOptions;

static void
repack_options_clear (RepackOptions *o)
{
  g_free (o->compression);
  g_strfreev (o->chunk_shapes);
  g_strfreev (o->datasets);
  g_free (o->min_size_text);
  g_free (o->max_memory_text);
  g_free (o->in_file);
  g_free (o->out_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RepackOptions, repack_options_clear)

static gboolean
usage_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
parse_repack (int             argc,
              char          **argv,
              RepackOptions  *o,
              GError        **error)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "compression", 0, 0, G_OPTION_ARG_STRING, &o->compression,
      "The compression of the datasets rewritten, as for gdci convert: none, gzip[:LEVEL], "
      "gzip:fast[:LEVEL], zstd[:LEVEL], lz4, blosc[:CODEC][:LEVEL]; without any filter "
      "option each dataset keeps its own filters", "METHOD" },
    { "shuffle", 0, 0, G_OPTION_ARG_NONE, &o->shuffle,
      "Apply HDF5's shuffle filter before compression", NULL },
    { "bitshuffle", 0, 0, G_OPTION_ARG_NONE, &o->bitshuffle,
      "Shuffle the bits before compression (the Bitshuffle filter, or Blosc's own)", NULL },
    { "fletcher32", 0, 0, G_OPTION_ARG_NONE, &o->fletcher32,
      "Store a Fletcher-32 checksum with every chunk", NULL },
    { "chunk-mb", 0, 0, G_OPTION_ARG_DOUBLE, &o->chunk_mb,
      "Plan the chunks of every dataset rewritten anew, at about this many MB (gdci's fit "
      "plan); without it chunked datasets keep their chunks", "MB" },
    { "chunk-shape", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->chunk_shapes,
      "The chunk shape of one dataset, such as /acquisition/data=30000,64 (an axis 0 or "
      "None is sized from --chunk-mb); repeatable", "PATH=SHAPE" },
    { "dataset", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->datasets,
      "Rewrite only this dataset (and those given a --chunk-shape); every other object is "
      "copied as it is; repeatable", "PATH" },
    { "min-size", 0, 0, G_OPTION_ARG_STRING, &o->min_size_text,
      "Datasets smaller than this keep their layout and filters (default 64K)", "SIZE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->n_threads,
      "Compression and decoding threads; default one per processor", "N" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &o->max_memory_text,
      "Memory each dataset's rewrite may take, such as 2G or 512M", "SIZE" },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &o->overwrite,
      "Replace OUTPUT if it exists (when the repack is complete)", NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &o->progress,
      "Show a progress bar (the default when standard error is a terminal)", NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &o->no_progress,
      "Do not show a progress bar", NULL },
    G_OPTION_ENTRY_NULL
  };

  o->progress = isatty (STDERR_FILENO);
  context = g_option_context_new ("INPUT.h5 OUTPUT.h5 - rewrite a whole HDF5 file with new "
                                  "chunks and filters");
  g_option_context_set_summary (context,
    "Copies every object of INPUT into a new OUTPUT: groups, datasets, attributes,\n"
    "committed types, links (hard links stay hard links) and references (pointed\n"
    "at the copies). Numeric datasets of at least --min-size get the filters of\n"
    "the filter options and the chunks of --chunk-mb or --chunk-shape, encoded on\n"
    "every core; a dataset whose chunks and filters stay the same is copied chunk\n"
    "by chunk, raw. With no option, the repack is a compacting copy.\n"
    "\n"
    "OUTPUT appears only when complete, and INPUT is never written.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc < 3)
    return usage_error (error, "repack needs an INPUT and an OUTPUT");
  if (argc > 3)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "unexpected argument '%s'", argv[3]);
      return FALSE;
    }
  if (o->no_progress)
    o->progress = FALSE;
  o->in_file = g_strdup (argv[1]);
  o->out_file = g_strdup (argv[2]);
  return TRUE;
}

/* "PATH=SHAPE" */
static gboolean
set_chunk_shape (GdciRepacker  *repacker,
                 const char    *text,
                 GError       **error)
{
  const char *equals = strrchr (text, '=');
  g_autofree char *path = NULL;
  g_autoptr(GArray) shape = NULL;

  if (equals == NULL || equals == text || equals[1] == '\0')
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--chunk-shape '%s': give PATH=SHAPE, such as /data=30000,64", text);
      return FALSE;
    }
  path = g_strndup (text, (gsize) (equals - text));
  if (!cli_parse_shape ("--chunk-shape", equals + 1, CLI_SHAPE_FREE, &shape, error))
    return FALSE;
  gdci_repacker_set_chunk_shape (repacker, path, cli_shape_variant (shape));
  return TRUE;
}

static gboolean
check_repack (RepackOptions  *o,
              GdciRepacker   *repacker,
              GError        **error)
{
  GdciH5Writer *writer = gdci_repacker_get_writer (repacker);
  guint64 bytes;

  if (o->compression != NULL || o->shuffle || o->bitshuffle || o->fletcher32)
    {
      if (!cli_set_compression (writer, o->compression, o->shuffle, o->bitshuffle,
                                o->fletcher32, error))
        return FALSE;
      gdci_repacker_set_replace_filters (repacker, TRUE);
    }
  if (!isnan (o->chunk_mb))
    {
      if (!(o->chunk_mb > 0))
        return usage_error (error, "--chunk-mb: give a positive size in MB (leave it out to keep "
                                   "the chunks)");
      gdci_repacker_set_chunk_mb (repacker, o->chunk_mb);
    }
  for (guint i = 0; o->chunk_shapes != NULL && o->chunk_shapes[i] != NULL; i++)
    if (!set_chunk_shape (repacker, o->chunk_shapes[i], error))
      return FALSE;
  gdci_repacker_set_datasets (repacker, (const char * const *) o->datasets);
  if (o->min_size_text != NULL)
    {
      if (!cli_parse_memory_size ("--min-size", o->min_size_text, &bytes, error))
        return FALSE;
      gdci_repacker_set_min_size (repacker, bytes);
    }
  if (o->max_memory_text != NULL)
    {
      if (!cli_parse_memory_size ("--max-memory", o->max_memory_text, &bytes, error))
        return FALSE;
      gdci_h5_writer_set_max_memory (writer, bytes);
    }
  if (o->n_threads < 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--threads %d: give 0 (one per processor) or more", o->n_threads);
      return FALSE;
    }
  gdci_h5_writer_set_n_threads (writer, (guint) o->n_threads);
  gdci_repacker_set_overwrite (repacker, o->overwrite);
  if (strcmp (o->in_file, o->out_file) == 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "INPUT and OUTPUT are the same file, '%s': give another OUTPUT", o->in_file);
      return FALSE;
    }
  return TRUE;
}

/* ---- running ------------------------------------------------------------------ */

static void
start_repack (GObject             *source,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             callback_data,
              gpointer             user_data)
{
  const RepackOptions *o = user_data;

  gdci_repacker_repack_async (GDCI_REPACKER (source), o->in_file, o->out_file, cancellable,
                              callback, callback_data);
}

static gboolean
finish_repack (GObject      *source,
               GAsyncResult *result,
               GError      **error)
{
  return gdci_repacker_repack_finish (GDCI_REPACKER (source), result, error);
}

static gboolean
run_repack (const RepackOptions  *o,
            GdciRepacker         *repacker,
            GError              **error)
{
  return cli_run_async (G_OBJECT (repacker), o->progress ? "Repacking" : NULL, start_repack,
                        finish_repack, (gpointer) o, error);
}

/* "Repacked in.h5 into out.h5: 412 objects (1 dataset rewritten, 203 copied
 * as they were); 2000.0 MB of data in 3.20 s (625.0 MB/s); file 2100.3 MB,
 * now 900.2 MB" */
static void
print_summary (const RepackOptions *o,
               GdciRepacker        *repacker,
               guint64              data_bytes,
               double               seconds)
{
  guint rewritten = gdci_repacker_get_n_rewritten (repacker);
  double megabytes = data_bytes / 1e6;

  g_print ("Repacked %s into %s: %u objects (%u dataset%s rewritten, %u copied as they "
           "were); %.1f MB of data in %.2f s (%.1f MB/s); file %.1f MB, now %.1f MB\n",
           o->in_file, o->out_file, gdci_repacker_get_n_objects (repacker), rewritten,
           rewritten == 1 ? "" : "s", gdci_repacker_get_n_copied (repacker), megabytes,
           seconds, seconds > 0 ? megabytes / seconds : 0.0,
           gdci_repacker_get_bytes_in (repacker) / 1e6,
           gdci_repacker_get_bytes_out (repacker) / 1e6);
}

static void
on_total (GdciRepacker *repacker,
          guint64       done,
          guint64       total,
          gpointer      user_data)
{
  *(guint64 *) user_data = total;
}

int
cli_command_repack (int    argc,
                    char **argv)
{
  g_auto(RepackOptions) o = { .chunk_mb = NAN };
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciRepacker) repacker = gdci_repacker_new ();
  guint64 data_bytes = 0;
  gint64 start;

  if (!parse_repack (argc, argv, &o, &error) || !check_repack (&o, repacker, &error))
    return cli_fail (EXIT_USAGE, "%s", error->message);
  if (!cli_check_hdf5_input (o.in_file, &error))
    return cli_fail_with (error);

  g_signal_connect (repacker, "progress", G_CALLBACK (on_total), &data_bytes);
  start = g_get_monotonic_time ();
  if (!run_repack (&o, repacker, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return cli_fail (EXIT_FAILURE, "interrupted: '%s' was not written", o.out_file);
      if (g_error_matches (error, GDCI_ERROR, GDCI_ERROR_EXISTS) && !o.overwrite)
        return cli_fail (EXIT_FAILURE, "%s: --overwrite replaces it", error->message);
      return cli_fail_with (error);
    }
  print_summary (&o, repacker, data_bytes,
                 (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  return EXIT_SUCCESS;
}
