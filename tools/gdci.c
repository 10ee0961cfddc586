/* gdci.c: the gdci command-line tool
 *
 *   gdci plan --dtype int32 --shape 20000,5000 [--buffer-gb X] [--chunk-mb X] [--plan hdmf|fit]
 *   gdci convert INPUT OUTPUT.h5[:/dataset] [options]
 *   gdci repack IN.h5 OUT.h5 [options]
 *   gdci clean PATH...
 *
 * Exit status: 0 on success, 1 when the work fails, 2 on a usage error.
 *
 * A client of the public library only: it plans with GdciPlan, reads with
 * the library's sources and writes with GdciH5Writer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gobject/gvaluecollector.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "gdci-cli-compression.h"
#include "gdci-cli-plan.h"
#include "gdci-cli-repack.h"
#include "gdci-cli-run.h"
#include "gdci-cli-util.h"

/* ---- gdci convert: parse ------------------------------------------------- */

typedef struct
{
  /* options */
  char *dtype_text;
  char *shape_text;
  char *order_text;
  char *compression;
  char *plan_text;
  char *max_memory_text;
  SizeOptions sizes;
  gint64 offset;
  int n_threads;
  gboolean shuffle;
  gboolean bitshuffle;
  gboolean fletcher32;
  gboolean overwrite;
  gboolean fill;
  gboolean progress;
  gboolean no_progress;

  /* arguments */
  gboolean hdf5_input;
  char *in_file;
  char *in_dataset;          /* HDF5 input only */
  char *out_file;
  char *out_dataset;

  /* a raw input, checked */
  GdciDtype dtype;
  GArray *shape;
  GdciOrder order;

  /* checked */
  GdciPlanStrategy strategy;
  guint64 max_memory;
} ConvertOptions;

static void
convert_options_clear (ConvertOptions *o)
{
  g_free (o->dtype_text);
  g_free (o->shape_text);
  g_free (o->order_text);
  g_free (o->compression);
  g_free (o->plan_text);
  g_free (o->max_memory_text);
  size_options_clear (&o->sizes);
  g_free (o->in_file);
  g_free (o->in_dataset);
  g_free (o->out_file);
  g_free (o->out_dataset);
  g_clear_pointer (&o->shape, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConvertOptions, convert_options_clear)

static gboolean
usage_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* The options and the two arguments, as given */
static gboolean
parse_convert (int              argc,
               char           **argv,
               ConvertOptions  *o,
               GError         **error)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &o->dtype_text,
      "Raw input: element type, such as int16 or <i2", "DTYPE" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &o->shape_text,
      "Raw input: shape; one axis may be -1, inferred from the file size", "N,N,..." },
    { "offset", 0, 0, G_OPTION_ARG_INT64, &o->offset,
      "Raw input: bytes to skip at the start (a header); default 0", "BYTES" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &o->order_text,
      "Raw input: C (last axis fastest, the default) or F (first axis fastest)", "C|F" },
    { "compression", 0, 0, G_OPTION_ARG_STRING, &o->compression,
      "none (default), gzip[:LEVEL] (1-9, default 4), gzip:fast[:LEVEL] (ISA-L, 1-3, "
      "default 1), zstd[:LEVEL] (1-22, default 3), lz4, blosc[:CODEC][:LEVEL] (blosclz, lz4, "
      "lz4hc, zlib or zstd; 1-9, default lz4 and 5)", "METHOD" },
    { "shuffle", 0, 0, G_OPTION_ARG_NONE, &o->shuffle,
      "Apply HDF5's shuffle filter before compression (Blosc's own with blosc)", NULL },
    { "bitshuffle", 0, 0, G_OPTION_ARG_NONE, &o->bitshuffle,
      "Shuffle the bits before compression: the Bitshuffle filter with none, lz4 or zstd, "
      "Blosc's own with blosc", NULL },
    { "fletcher32", 0, 0, G_OPTION_ARG_NONE, &o->fletcher32,
      "Store a Fletcher-32 checksum with every chunk", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->n_threads,
      "Compression threads, and decoding threads of an HDF5 input; default one per "
      "processor", "N" },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &o->plan_text,
      "How the shapes not given are sized: fit (the default: chunks that fit the data, "
      "buffers that read a C-order source once) or hdmf (hdmf's shapes); with both "
      "shapes given in full, they are kept as they are", "hdmf|fit" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &o->max_memory_text,
      "Memory the conversion may take, such as 2G, 512M, 1.5GB, 4GiB or bytes; without "
      "--buffer-gb or --buffer-shape the buffer is made smaller to fit", "SIZE" },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &o->overwrite,
      "Replace the dataset if it exists (the rest of the file is kept)", NULL },
    { "fill", 0, 0, G_OPTION_ARG_NONE, &o->fill,
      "Fill the dataset that exists (made by hdmf, pynwb, h5py...), of the input's shape, "
      "keeping its chunks, filters, fill value and attributes; --compression gzip:fast "
      "compresses its gzip of level 1-3 with the fast engine", NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &o->progress,
      "Show a progress bar (the default when standard error is a terminal)", NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &o->no_progress,
      "Do not show a progress bar", NULL },
    G_OPTION_ENTRY_NULL
  };

  o->progress = isatty (STDERR_FILENO);
  context = g_option_context_new ("INPUT OUTPUT.h5[:/DATASET] - write a dataset into a chunked HDF5 file");
  g_option_context_set_summary (context,
    "INPUT is a raw binary file (give --dtype and --shape) or FILE.h5:/DATASET.\n"
    "The dataset is written to OUTPUT.h5 at /DATASET (default /data). A new file\n"
    "appears only when complete; in an existing file, the dataset appears only\n"
    "when complete, and the rest of the file is kept. With --fill, the dataset\n"
    "that exists is filled, and keeps what it held if the conversion fails.\n"
    "\n"
    "An argument FILE:PATH is split at its last ':' when FILE exists or ends in\n"
    ".h5, .hdf5, .hdf, .he5 or .nwb; otherwise it is a file name. A relative PATH\n"
    "is taken from the root (FILE.h5:data is FILE.h5:/data); a PATH that names\n"
    "nothing (empty, '.', '/') is an error.\n"
    "\n"
    "The shapes not given are sized by the fit plan (see gdci plan) unless\n"
    "--plan hdmf is given or both --chunk-shape and --buffer-shape are given\n"
    "in full; an axis of a shape given as 0 or None is free, sized from\n"
    "--chunk-mb or --buffer-gb.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, size_option_group (&o->sizes));
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc < 3)
    return usage_error (error, "convert needs an INPUT and an OUTPUT");
  if (argc > 3)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "unexpected argument '%s'", argv[3]);
      return FALSE;
    }
  if (o->no_progress)
    o->progress = FALSE;

  /* the input: an HDF5 dataset or a raw file */
  if (!cli_split_hdf5_path (argv[1], &o->in_file, &o->in_dataset, error) ||
      !cli_split_hdf5_path (argv[2], &o->out_file, &o->out_dataset, error))
    return FALSE;
  o->hdf5_input = o->in_file != NULL;
  if (!o->hdf5_input)
    o->in_file = g_strdup (argv[1]);
  if (o->out_file == NULL)
    {
      o->out_file = g_strdup (argv[2]);
      o->out_dataset = g_strdup ("/data");
    }
  return TRUE;
}

/* ---- gdci convert: check ------------------------------------------------- */

/* --fill keeps the dataset's chunks and filters */
static gboolean
check_fill_options (const ConvertOptions  *o,
                    GError               **error)
{
  if (o->overwrite)
    return usage_error (error, "--fill and --overwrite cannot go together: --fill writes "
                               "into the dataset that exists, --overwrite replaces it");
  if (o->sizes.chunk_mb != NULL || o->sizes.chunk_shape != NULL)
    return usage_error (error, "--chunk-mb and --chunk-shape cannot go with --fill: the "
                               "dataset filled keeps its own chunks");
  if (o->shuffle || o->bitshuffle || o->fletcher32 ||
      (o->compression != NULL && strcmp (o->compression, "none") != 0 &&
       strcmp (o->compression, "gzip:fast") != 0))
    return usage_error (error, "--fill keeps the dataset's own filters: of the filter "
                               "options it takes only --compression gzip:fast");
  return TRUE;
}

/* What the options say of the input and the writer, before anything is
 * opened; sets up @writer */
static gboolean
check_convert (ConvertOptions        *o,
               GdciH5Writer          *writer,
               GError               **error)
{
  if (!o->hdf5_input && cli_is_hdf5_file (o->in_file))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is an HDF5 file: give the dataset to read, as "
                   "%s:/path/to/dataset", o->in_file, o->in_file);
      return FALSE;
    }
  if (!cli_set_compression (writer, o->compression, o->shuffle, o->bitshuffle, o->fletcher32,
                            error))
    return FALSE;
  if (o->n_threads < 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--threads %d: give 0 (one per processor) or more", o->n_threads);
      return FALSE;
    }
  gdci_h5_writer_set_n_threads (writer, (guint) o->n_threads);
  if (o->fill && !check_fill_options (o, error))
    return FALSE;
  gdci_h5_writer_set_mode (writer, o->fill ? GDCI_WRITE_MODE_FILL
                                   : o->overwrite ? GDCI_WRITE_MODE_REPLACE
                                   : GDCI_WRITE_MODE_CREATE);

  /* fit unless told hdmf; with both shapes in full, nothing is sized */
  o->strategy = GDCI_PLAN_STRATEGY_FIT;
  if (o->plan_text != NULL && !cli_parse_strategy (o->plan_text, &o->strategy, error))
    return FALSE;
  if (o->plan_text == NULL && size_options_fixed_shapes (&o->sizes))
    o->strategy = GDCI_PLAN_STRATEGY_HDMF;
  if (o->max_memory_text != NULL &&
      !cli_parse_memory_size ("--max-memory", o->max_memory_text, &o->max_memory, error))
    return FALSE;
  gdci_h5_writer_set_max_memory (writer, o->max_memory);

  if (o->hdf5_input)
    {
      if (o->dtype_text != NULL || o->shape_text != NULL || o->order_text != NULL ||
          o->offset != 0)
        return usage_error (error, "--dtype, --shape, --offset and --order are for raw "
                                   "input only; an HDF5 dataset knows its own");
      return TRUE;
    }
  if (o->dtype_text == NULL || o->shape_text == NULL)
    return usage_error (error, "a raw input needs --dtype and --shape "
                               "(or give an HDF5 input as FILE.h5:/dataset)");
  if (!gdci_dtype_from_string (o->dtype_text, &o->dtype, error) ||
      !cli_parse_shape ("--shape", o->shape_text, CLI_SHAPE_INFER, &o->shape, error))
    return FALSE;
  o->order = GDCI_ORDER_C;
  if (o->order_text != NULL && g_ascii_strcasecmp (o->order_text, "F") == 0)
    o->order = GDCI_ORDER_F;
  else if (o->order_text != NULL && g_ascii_strcasecmp (o->order_text, "C") != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--order '%s': use C or F", o->order_text);
      return FALSE;
    }
  if (o->offset < 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--offset %" G_GINT64_FORMAT ": give 0 or more bytes", o->offset);
      return FALSE;
    }
  return TRUE;
}

/* ---- gdci convert: open -------------------------------------------------- */

static void
add_property (GPtrArray  *names,
              GArray     *values,
              const char *name,
              GType       type,
              ...)
{
  GValue value = G_VALUE_INIT;
  g_autofree char *collect_error = NULL;
  va_list args;

  va_start (args, type);
  G_VALUE_COLLECT_INIT (&value, type, args, 0, &collect_error);
  va_end (args);
  g_assert (collect_error == NULL);
  g_ptr_array_add (names, (gpointer) name);
  g_array_append_vals (values, &value, 1);
}

/* The source of the input, initialized: its shapes are planned and
 * checked, and a raw file's size or an HDF5 dataset's type known; with
 * @buffer_gb > 0, buffers of at most that size */
static GdciChunkIterator *
open_input (const ConvertOptions  *o,
            double                 buffer_gb,
            GError               **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_autoptr(GObject) object = NULL;
  GType type = GDCI_TYPE_H5_ITERATOR;

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  if (!size_options_to_properties (&o->sizes, names, values, error))
    return NULL;
  if (buffer_gb > 0)
    add_property (names, values, "buffer-gb", G_TYPE_DOUBLE, buffer_gb);
  add_property (names, values, "plan-strategy", GDCI_TYPE_PLAN_STRATEGY, o->strategy);
  add_property (names, values, "display-progress", G_TYPE_BOOLEAN, o->progress);
  add_property (names, values, "progress-description", G_TYPE_STRING, "Converting");
  add_property (names, values, "path", G_TYPE_STRING, o->in_file);

  if (o->hdf5_input)
    {
      add_property (names, values, "dataset", G_TYPE_STRING, o->in_dataset);
      /* its chunks decoded on as many threads as the writer's compress */
      add_property (names, values, "n-threads", G_TYPE_UINT, (guint) o->n_threads);
    }
  else
    {
      type = GDCI_TYPE_FILE_ITERATOR;
      add_property (names, values, "dtype", GDCI_TYPE_DTYPE, o->dtype);
      add_property (names, values, "shape", G_TYPE_VARIANT, cli_shape_variant (o->shape));
      add_property (names, values, "offset", G_TYPE_UINT64, (guint64) o->offset);
      add_property (names, values, "order", GDCI_TYPE_ORDER, o->order);
    }

  object = g_object_new_with_properties (type, names->len, (const char **) names->pdata,
                                         (const GValue *) (gpointer) values->data);
  if (!g_initable_init (G_INITABLE (object), NULL, error))
    return NULL;
  return GDCI_CHUNK_ITERATOR (g_steal_pointer (&object));
}

/* ---- gdci convert: run --------------------------------------------------- */

/* The writer uses fewer compression threads than asked when their scratch
 * memory would pass its cap: say so, once the write has started. */
static void
report_thread_clamp (GdciH5Writer *writer,
                     int           asked)
{
  guint wanted = asked > 0 ? (guint) asked : g_get_num_processors ();
  guint used = gdci_h5_writer_get_n_threads_used (writer);

  if (used > 0 && used < wanted)
    g_printerr ("%s: compressing on %u thread%s, not %u: the chunks are too "
                "large for more to share the writer's 64 MiB of scratch memory\n",
                cli_get_command_name (), used, used == 1 ? "" : "s", wanted);
}

typedef struct
{
  const ConvertOptions *o;
  GdciChunkIterator *iter;
} ConvertRun;

static void
start_convert (GObject             *source,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             callback_data,
               gpointer             user_data)
{
  ConvertRun *run = user_data;

  gdci_h5_writer_write_async (GDCI_H5_WRITER (source), run->iter, run->o->out_file,
                              run->o->out_dataset, cancellable, callback, callback_data);
  report_thread_clamp (GDCI_H5_WRITER (source), run->o->n_threads);
}

static gboolean
finish_convert (GObject      *source,
                GAsyncResult *result,
                GError      **error)
{
  return gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, error);
}

/* Writes @iter with @writer, drawing the bar the iterator's settings ask
 * for, until done, failed or interrupted */
static gboolean
run_convert (const ConvertOptions  *o,
             GdciChunkIterator     *iter,
             GdciH5Writer          *writer,
             GError               **error)
{
  ConvertRun run = { o, iter };
  g_autofree char *description = NULL;
  gboolean display_progress = FALSE;

  g_object_get (iter, "display-progress", &display_progress,
                "progress-description", &description, NULL);
  return cli_run_async (G_OBJECT (writer), display_progress ? description : NULL,
                        start_convert, finish_convert, &run, error);
}

/* "Wrote out.h5:/data: (20000, 32) int16, chunks (5000, 8), gzip level 4;
 * 1.3 MB in 0.02 s (64.0 MB/s); file 0.9 MB" */
static void
print_summary (const ConvertOptions *o,
               GdciChunkIterator    *iter,
               GdciH5Writer         *writer,
               double                seconds)
{
  GdciPlan *plan = gdci_chunk_iterator_get_plan (iter);
  guint n_dims = gdci_plan_get_n_dims (plan);
  g_autofree char *filters = cli_describe_compression (writer);
  g_autofree char *shape_s = cli_format_tuple (gdci_plan_get_full_shape (plan, NULL), n_dims);
  g_autofree char *chunk_s = cli_format_tuple (gdci_plan_get_chunk_shape (plan, NULL), n_dims);
  double megabytes = gdci_plan_get_data_bytes (plan) / 1e6;
  GStatBuf st;

  if (o->fill)
    /* the dataset's own chunks and filters */
    g_print ("Filled %s:%s: %s %s; %.1f MB in %.2f s (%.1f MB/s)", o->out_file,
             o->out_dataset, shape_s, gdci_dtype_to_string (gdci_plan_get_dtype (plan)),
             megabytes, seconds, seconds > 0 ? megabytes / seconds : 0.0);
  else
    g_print ("Wrote %s:%s: %s %s, chunks %s, %s; %.1f MB in %.2f s (%.1f MB/s)",
             o->out_file, o->out_dataset, shape_s,
             gdci_dtype_to_string (gdci_plan_get_dtype (plan)), chunk_s, filters,
             megabytes, seconds, seconds > 0 ? megabytes / seconds : 0.0);
  if (g_stat (o->out_file, &st) == 0)
    g_print ("; file %.1f MB", st.st_size / 1e6);
  g_print ("\n");
}

static int
command_convert (int    argc,
                 char **argv)
{
  g_auto(ConvertOptions) o = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  g_autoptr(GdciChunkIterator) iter = NULL;
  gboolean into_existing;
  gint64 start;

  if (!parse_convert (argc, argv, &o, &error) ||
      !check_convert (&o, writer, &error))
    return cli_fail (EXIT_USAGE, "%s", error->message);

  if (o.hdf5_input && !cli_check_hdf5_input (o.in_file, &error))
    return cli_fail_with (error);
  iter = open_input (&o, 0, &error);
  if (iter == NULL)
    return cli_fail_with (error);
  if (o.sizes.buffer_gb == NULL && o.sizes.buffer_shape == NULL)
    {
      /* a buffer that keeps the write under --max-memory; when none does,
       * the writer says what it would take */
      double buffer_gb = cli_capped_buffer_gb (writer, gdci_chunk_iterator_get_plan (iter),
                                               o.max_memory);
      g_autoptr(GdciChunkIterator) smaller = buffer_gb > 0 ? open_input (&o, buffer_gb, NULL)
                                                           : NULL;
      if (smaller != NULL)
        g_set_object (&iter, smaller);
    }

  /* an HDF5 file already there: a dataset in it may need --overwrite */
  into_existing = cli_is_hdf5_file (o.out_file);
  start = g_get_monotonic_time ();
  if (!run_convert (&o, iter, writer, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return cli_fail (EXIT_FAILURE, "interrupted: %s was not written to '%s'",
                         o.out_dataset, o.out_file);
      if (g_error_matches (error, GDCI_ERROR, GDCI_ERROR_EXISTS) && !o.overwrite &&
          !o.fill && into_existing)
        return cli_fail (EXIT_FAILURE, "%s; --overwrite replaces a dataset, --fill writes "
                         "into it", error->message);
      return cli_fail_with (error);
    }
  print_summary (&o, iter, writer, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  return EXIT_SUCCESS;
}

/* ---- gdci clean ------------------------------------------------------------ */

static int
command_clean (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing unless it fails", NULL },
    G_OPTION_ENTRY_NULL
  };
  int status = EXIT_SUCCESS;

  context = g_option_context_new ("PATH... - clean up after conversions that were killed");
  g_option_context_set_summary (context,
    "A conversion that was killed (SIGKILL, a crash, a power loss) had no\n"
    "chance to undo what it had begun. For each file PATH, gdci clean puts\n"
    "the file back as it was before that conversion (from the journal it\n"
    "left beside the file), removes the temporary files of new files of\n"
    "that name, and clears the marks HDF5 leaves in files with\n"
    "libver='latest' (SWMR files) when their writer stops, as h5clear does.\n"
    "For a directory PATH, the temporary files and journals in it are\n"
    "cleaned up. Files still being written are left alone.\n"
    "\n"
    "gdci convert does the same by itself for the file it writes.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (EXIT_USAGE, "%s", error->message);
  if (argc < 2)
    return cli_fail (EXIT_USAGE, "clean needs a file or directory");

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) clean_error = NULL;
      g_auto(GStrv) cleaned = gdci_h5_clean (argv[i], NULL, &clean_error);

      if (cleaned == NULL)
        {
          status = cli_fail (EXIT_FAILURE, "%s", clean_error->message);
          continue;
        }
      for (guint j = 0; !quiet && cleaned[j] != NULL; j++)
        g_print ("%s: %s\n", argv[i], cleaned[j]);
      if (!quiet && cleaned[0] == NULL)
        g_print ("%s: nothing to clean\n", argv[i]);
    }
  return status;
}

/* ---- main ---------------------------------------------------------------- */

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  gdci plan --dtype DTYPE --shape N,N,... [OPTION...]\n"
           "  gdci convert INPUT OUTPUT.h5[:/DATASET] [OPTION...]\n"
           "  gdci repack INPUT.h5 OUTPUT.h5 [OPTION...]\n"
           "  gdci clean PATH...\n"
           "\n"
           "Write datasets larger than memory into chunked, compressed HDF5 files.\n"
           "\n"
           "Commands:\n"
           "  plan       Show the chunk shape, buffer shape and buffers of a dataset\n"
           "  convert    Write a raw binary file or an HDF5 dataset into an HDF5 file\n"
           "  repack     Rewrite a whole HDF5 file with new chunks and filters\n"
           "  clean      Clean up after conversions that were killed\n"
           "\n"
           "Run 'gdci COMMAND --help' for the options of a command.\n"
           "  --version  Show the version\n");
}

static void
print_note (const char     *log_domain,
            GLogLevelFlags  level,
            const char     *message,
            gpointer        user_data)
{
  g_printerr ("gdci: note: %s\n", message);
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  g_set_prgname ("gdci");
  /* the library's notes (a fill that will be slow) as plain lines */
  g_log_set_handler ("Gdci", G_LOG_LEVEL_MESSAGE, print_note, NULL);

  if (argc < 2)
    {
      usage (stderr);
      return EXIT_USAGE;
    }
  command = argv[1];
  if (strcmp (command, "--help") == 0 || strcmp (command, "-h") == 0 ||
      strcmp (command, "help") == 0)
    {
      usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (command, "--version") == 0)
    {
      g_print ("gdci %s\n", GDCI_VERSION_STRING);
      return EXIT_SUCCESS;
    }

  /* each command parses the rest, with the command as its program name */
  if (strcmp (command, "plan") == 0)
    {
      cli_set_command_name ("gdci plan");
      return cli_command_plan (argc - 1, argv + 1);
    }
  if (strcmp (command, "convert") == 0)
    {
      cli_set_command_name ("gdci convert");
      return command_convert (argc - 1, argv + 1);
    }
  if (strcmp (command, "repack") == 0)
    {
      cli_set_command_name ("gdci repack");
      return cli_command_repack (argc - 1, argv + 1);
    }
  if (strcmp (command, "clean") == 0)
    {
      cli_set_command_name ("gdci clean");
      return command_clean (argc - 1, argv + 1);
    }
  return cli_fail (EXIT_USAGE, "unknown command '%s'", command);
}
