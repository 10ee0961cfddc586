/* gdci.c: the gdci command-line tool
 *
 *   gdci plan --dtype int32 --shape 20000,5000 [--buffer-gb X] [--chunk-mb X]
 *   gdci convert INPUT OUTPUT.h5[:/dataset] [options]
 *
 * Exit status: 0 on success, 1 when the work fails, 2 on a usage error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "gdci.h"
#include "gdci-hdf5-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-progress-bar-private.h"
#include "gdci-shape-arg-private.h"

#define EXIT_USAGE 2
#define MAX_LISTED_SELECTIONS 50

static const char *command_name = "gdci";

/* ---- a data source that has a shape and a type but no data --------------- */

#define PLAN_TYPE_ITERATOR (plan_iterator_get_type ())
G_DECLARE_FINAL_TYPE (PlanIterator, plan_iterator, PLAN, ITERATOR, GdciChunkIterator)

struct _PlanIterator
{
  GdciChunkIterator parent_instance;
  GdciDtype dtype;
  GArray *shape;
};

G_DEFINE_FINAL_TYPE (PlanIterator, plan_iterator, GDCI_TYPE_CHUNK_ITERATOR)

static GBytes *
plan_iterator_get_data (GdciChunkIterator  *iter,
                        GdciSelection      *selection,
                        GError            **error)
{
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                       "A plan has no data");
  return NULL;
}

static GArray *
plan_iterator_get_maxshape (GdciChunkIterator *iter)
{
  return g_array_ref (PLAN_ITERATOR (iter)->shape);
}

static GdciDtype
plan_iterator_get_dtype (GdciChunkIterator *iter)
{
  return PLAN_ITERATOR (iter)->dtype;
}

static void
plan_iterator_finalize (GObject *object)
{
  g_clear_pointer (&PLAN_ITERATOR (object)->shape, g_array_unref);
  G_OBJECT_CLASS (plan_iterator_parent_class)->finalize (object);
}

static void
plan_iterator_class_init (PlanIteratorClass *klass)
{
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = plan_iterator_finalize;
  iter_class->get_data = plan_iterator_get_data;
  iter_class->get_maxshape = plan_iterator_get_maxshape;
  iter_class->get_dtype = plan_iterator_get_dtype;
}

static void
plan_iterator_init (PlanIterator *self)
{
}

/* ---- reporting ---------------------------------------------------------- */

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s: %s\n", command_name, message);
  if (status == EXIT_USAGE)
    g_printerr ("Try '%s --help' for more information.\n", command_name);
  return status;
}

/* A refused setting is a usage error; everything else a failure. */
static int
fail_with (GError *error)
{
  return fail (g_error_matches (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT)
               ? EXIT_USAGE : EXIT_FAILURE, "%s", error->message);
}

/* ---- parsing option values ---------------------------------------------- */

/* "20000,5000"; with @allow_infer, one axis may be -1 (returned as 0) */
static gboolean
parse_shape (const char  *option,
             const char  *text,
             gboolean     allow_infer,
             GArray     **shape,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (guint64));
  gboolean inferred = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint64 v;

      if (allow_infer && strcmp (part, "-1") == 0)
        {
          if (inferred)
            {
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "%s '%s': only one axis can be -1 (inferred)", option, text);
              return FALSE;
            }
          inferred = TRUE;
          v = 0;
        }
      else if (!g_ascii_string_to_unsigned (part, 10, 1, G_MAXINT64, &v, NULL))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "%s '%s': give positive whole numbers separated by commas%s",
                       option, text, allow_infer ? " (one may be -1)" : "");
          return FALSE;
        }
      g_array_append_val (values, v);
    }
  if (values->len > GDCI_MAX_DIMS)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s '%s': at most %d axes", option, text, GDCI_MAX_DIMS);
      return FALSE;
    }
  *shape = g_steal_pointer (&values);
  return TRUE;
}

static gboolean
parse_size (const char  *option,
            const char  *text,
            double      *value,
            GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s '%s' is not a number", option, text);
      return FALSE;
    }
  return TRUE;
}

/* The buffer and chunk options every command takes. */
typedef struct
{
  char *buffer_gb;
  char *buffer_shape;
  char *chunk_mb;
  char *chunk_shape;
} SizeOptions;

static void
size_options_clear (SizeOptions *o)
{
  g_free (o->buffer_gb);
  g_free (o->buffer_shape);
  g_free (o->chunk_mb);
  g_free (o->chunk_shape);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SizeOptions, size_options_clear)

static GOptionGroup *
size_option_group (SizeOptions *o)
{
  const GOptionEntry entries[] = {
    { "buffer-gb", 0, 0, G_OPTION_ARG_STRING, &o->buffer_gb,
      "Largest buffer in GB (10^9 bytes); default 1.0", "X" },
    { "buffer-shape", 0, 0, G_OPTION_ARG_STRING, &o->buffer_shape,
      "Buffer shape instead of a size", "N,N,..." },
    { "chunk-mb", 0, 0, G_OPTION_ARG_STRING, &o->chunk_mb,
      "HDF5 chunk size to stay under, in MB (10^6 bytes); default 10.0", "X" },
    { "chunk-shape", 0, 0, G_OPTION_ARG_STRING, &o->chunk_shape,
      "HDF5 chunk shape instead of a size", "N,N,..." },
    G_OPTION_ENTRY_NULL
  };
  GOptionGroup *group = g_option_group_new ("sizes", "Buffer and chunk options:",
                                            "Show buffer and chunk options", NULL, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}

/* Builds the construct properties for the sizes: names and values. */
static gboolean
add_size_properties (SizeOptions  *o,
                     GPtrArray    *names,
                     GArray       *values,
                     GError      **error)
{
  GValue v = G_VALUE_INIT;
  double size;
  GArray *shape;

  if (o->buffer_gb != NULL)
    {
      if (!parse_size ("--buffer-gb", o->buffer_gb, &size, error))
        return FALSE;
      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, size);
      g_ptr_array_add (names, (gpointer) "buffer-gb");
      g_array_append_val (values, v);
      memset (&v, 0, sizeof v);
    }
  if (o->chunk_mb != NULL)
    {
      if (!parse_size ("--chunk-mb", o->chunk_mb, &size, error))
        return FALSE;
      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, size);
      g_ptr_array_add (names, (gpointer) "chunk-mb");
      g_array_append_val (values, v);
      memset (&v, 0, sizeof v);
    }
  if (o->buffer_shape != NULL)
    {
      if (!parse_shape ("--buffer-shape", o->buffer_shape, FALSE, &shape, error))
        return FALSE;
      g_value_init (&v, G_TYPE_VARIANT);
      g_value_set_variant (&v, _gdci_shape_variant_new ((const guint64 *) (gpointer) shape->data, shape->len));
      g_array_unref (shape);
      g_ptr_array_add (names, (gpointer) "buffer-shape");
      g_array_append_val (values, v);
      memset (&v, 0, sizeof v);
    }
  if (o->chunk_shape != NULL)
    {
      if (!parse_shape ("--chunk-shape", o->chunk_shape, FALSE, &shape, error))
        return FALSE;
      g_value_init (&v, G_TYPE_VARIANT);
      g_value_set_variant (&v, _gdci_shape_variant_new ((const guint64 *) (gpointer) shape->data, shape->len));
      g_array_unref (shape);
      g_ptr_array_add (names, (gpointer) "chunk-shape");
      g_array_append_val (values, v);
      memset (&v, 0, sizeof v);
    }
  return TRUE;
}

static void
add_property (GPtrArray    *names,
              GArray       *values,
              const char   *name,
              const GValue *value)
{
  GValue copy = G_VALUE_INIT;

  g_value_init (&copy, G_VALUE_TYPE (value));
  g_value_copy (value, &copy);
  g_ptr_array_add (names, (gpointer) name);
  g_array_append_val (values, copy);
}

static GdciChunkIterator *
new_iterator (GType       type,
              GPtrArray  *names,
              GArray     *values,
              GError    **error)
{
  g_autoptr(GObject) object =
    g_object_new_with_properties (type, names->len, (const char **) names->pdata,
                                  (const GValue *) (gpointer) values->data);

  if (!g_initable_init (G_INITABLE (object), NULL, error))
    return NULL;
  return GDCI_CHUNK_ITERATOR (g_steal_pointer (&object));
}

static GArray *
new_value_array (void)
{
  GArray *values = g_array_new (FALSE, TRUE, sizeof (GValue));

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  return values;
}

static char *
describe_shape (const guint64 *shape,
                guint          n_dims,
                GdciDtype      dtype)
{
  g_autofree char *tuple = _gdci_format_tuple (shape, n_dims);
  guint64 n_bytes = 0;

  if (_gdci_shape_n_bytes (shape, n_dims, dtype, &n_bytes))
    return g_strdup_printf ("%s, %.2f MB", tuple, n_bytes / 1e6);
  return g_strdup_printf ("%s, more than 2^64 bytes", tuple);
}

/* ---- gdci plan ---------------------------------------------------------- */

static int
command_plan (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dtype_text = NULL;
  g_autofree char *shape_text = NULL;
  g_auto(SizeOptions) sizes = { NULL, NULL, NULL, NULL };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = new_value_array ();
  g_autoptr(GdciChunkIterator) iter = NULL;
  g_autoptr(GArray) shape = NULL;
  g_autofree char *data_s = NULL, *chunk_s = NULL, *buffer_s = NULL;
  const GOptionEntry entries[] = {
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype_text,
      "Element type: a numpy name such as int16, or a type string such as <i2", "DTYPE" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_text,
      "Shape of the whole dataset", "N,N,..." },
    G_OPTION_ENTRY_NULL
  };
  PlanIterator *plan;
  GdciDtype dtype;
  guint64 n_buffers;
  guint n_dims;

  context = g_option_context_new ("- show how a dataset is split into chunks and buffers");
  g_option_context_set_summary (context,
    "Prints the HDF5 chunk shape, the buffer shape, the number of buffers and\n"
    "their selections, as gdci convert and hdmf's GenericDataChunkIterator\n"
    "would use them.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, size_option_group (&sizes));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (argc > 1)
    return fail (EXIT_USAGE, "unexpected argument '%s'", argv[1]);
  if (dtype_text == NULL || shape_text == NULL)
    return fail (EXIT_USAGE, "plan needs --dtype and --shape");
  if (!gdci_dtype_from_string (dtype_text, &dtype, &error) ||
      !parse_shape ("--shape", shape_text, FALSE, &shape, &error) ||
      !add_size_properties (&sizes, names, values, &error))
    return fail (EXIT_USAGE, "%s", error->message);

  plan = (PlanIterator *) g_object_new_with_properties (PLAN_TYPE_ITERATOR, names->len,
                                       (const char **) names->pdata,
                                       (const GValue *) (gpointer) values->data);
  plan->dtype = dtype;
  plan->shape = g_array_ref (shape);
  iter = GDCI_CHUNK_ITERATOR (plan);
  if (!g_initable_init (G_INITABLE (iter), NULL, &error))
    return fail_with (error);

  n_dims = gdci_chunk_iterator_get_n_dims (iter);
  n_buffers = gdci_chunk_iterator_get_n_buffers (iter);
  data_s = describe_shape (gdci_chunk_iterator_get_full_shape (iter, NULL), n_dims, dtype);
  chunk_s = describe_shape (gdci_chunk_iterator_get_chunk_shape (iter, NULL), n_dims, dtype);
  buffer_s = describe_shape (gdci_chunk_iterator_get_buffer_shape (iter, NULL), n_dims, dtype);
  g_print ("Data shape:   %s of %s\n", data_s, gdci_dtype_to_string (dtype));
  g_print ("Chunk shape:  %s\n", chunk_s);
  g_print ("Buffer shape: %s\n", buffer_s);
  g_print ("Buffers:      %" G_GUINT64_FORMAT "\n", n_buffers);
  for (guint64 i = 0; i < n_buffers && i < MAX_LISTED_SELECTIONS; i++)
    {
      g_autoptr(GdciSelection) sel = gdci_chunk_iterator_get_buffer_selection (iter, i);
      g_autofree char *text = gdci_selection_to_string (sel);
      g_print ("%s\n", text);
    }
  if (n_buffers > MAX_LISTED_SELECTIONS)
    g_print ("... and %" G_GUINT64_FORMAT " more\n", n_buffers - MAX_LISTED_SELECTIONS);
  return EXIT_SUCCESS;
}

/* ---- gdci convert ------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  GdciProgressBar *bar;
  GError *error;
  gboolean interrupted;
} ConvertState;

/* "file.h5:/a/b": the file and the dataset, split at the last ":/" */
static gboolean
split_hdf5_path (const char  *text,
                 char       **file,
                 char       **dataset)
{
  const char *colon = g_strrstr (text, ":/");

  if (colon == NULL || colon == text)
    return FALSE;
  *file = g_strndup (text, colon - text);
  *dataset = g_strdup (colon + 1);
  return TRUE;
}

static gboolean
is_hdf5_file (const char *path)
{
  GdciH5Quiet quiet;
  htri_t result;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  _gdci_h5_quiet_begin (&quiet);
  result = H5Fis_hdf5 (path);
  H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_quiet_end (&quiet);
  return result > 0;
}

static gboolean
on_interrupt (gpointer user_data)
{
  ConvertState *state = user_data;

  state->interrupted = TRUE;
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (GdciH5Writer *writer,
             guint64       done,
             guint64       total,
             gpointer      user_data)
{
  ConvertState *state = user_data;

  if (state->bar != NULL)
    _gdci_progress_bar_update (state->bar, done, total, done);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConvertState *state = user_data;

  gdci_h5_writer_write_finish (GDCI_H5_WRITER (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static gboolean
parse_compression (const char    *text,
                   GdciH5Writer  *writer,
                   GError       **error)
{
  guint64 level = 4;

  if (g_ascii_strcasecmp (text, "none") == 0)
    {
      gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_NONE);
      return TRUE;
    }
  if (g_ascii_strncasecmp (text, "gzip", 4) == 0 &&
      (text[4] == '\0' ||
       (text[4] == ':' && g_ascii_string_to_unsigned (text + 5, 10, 1, 9, &level, NULL))))
    {
      gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP);
      gdci_h5_writer_set_compression_level (writer, (int) level);
      return TRUE;
    }
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
               "--compression '%s': use none, gzip or gzip:LEVEL with LEVEL from 1 to 9",
               text);
  return FALSE;
}

static char *
describe_filters (GdciH5Writer *writer)
{
  GString *s = g_string_new (NULL);

  if (gdci_h5_writer_get_compression (writer) == GDCI_COMPRESSION_GZIP)
    g_string_append_printf (s, "gzip level %d", gdci_h5_writer_get_compression_level (writer));
  if (gdci_h5_writer_get_shuffle (writer))
    g_string_append_printf (s, "%sshuffle", s->len > 0 ? " + " : "");
  if (gdci_h5_writer_get_fletcher32 (writer))
    g_string_append_printf (s, "%sfletcher32", s->len > 0 ? " + " : "");
  if (s->len == 0)
    g_string_append (s, "no filters");
  return g_string_free (s, FALSE);
}

static int
command_convert (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dtype_text = NULL;
  g_autofree char *shape_text = NULL;
  g_autofree char *order_text = NULL;
  g_autofree char *compression = NULL;
  g_auto(SizeOptions) sizes = { NULL, NULL, NULL, NULL };
  gint64 offset = 0;
  int n_threads = 0;
  gboolean shuffle = FALSE, fletcher32 = FALSE, overwrite = FALSE;
  gboolean progress = isatty (STDERR_FILENO), no_progress = FALSE;
  const GOptionEntry entries[] = {
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype_text,
      "Raw input: element type, such as int16 or <i2", "DTYPE" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_text,
      "Raw input: shape; one axis may be -1, inferred from the file size", "N,N,..." },
    { "offset", 0, 0, G_OPTION_ARG_INT64, &offset,
      "Raw input: bytes to skip at the start (a header); default 0", "BYTES" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &order_text,
      "Raw input: C (last axis fastest, the default) or F (first axis fastest)", "C|F" },
    { "compression", 0, 0, G_OPTION_ARG_STRING, &compression,
      "none (default), gzip or gzip:LEVEL (1-9, default 4)", "METHOD" },
    { "shuffle", 0, 0, G_OPTION_ARG_NONE, &shuffle,
      "Apply HDF5's shuffle filter before compression", NULL },
    { "fletcher32", 0, 0, G_OPTION_ARG_NONE, &fletcher32,
      "Store a Fletcher-32 checksum with every chunk", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      "Compression threads; default one per processor", "N" },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &overwrite,
      "Replace the dataset if it exists (the rest of the file is kept)", NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress,
      "Show a progress bar (the default when standard error is a terminal)", NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
      "Do not show a progress bar", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = new_value_array ();
  g_autoptr(GdciChunkIterator) iter = NULL;
  g_autoptr(GdciH5Writer) writer = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *in_file = NULL, *in_dataset = NULL;
  g_autofree char *out_file = NULL, *out_dataset = NULL;
  g_autofree char *filters = NULL, *shape_s = NULL, *chunk_s = NULL;
  ConvertState state = { NULL, NULL, NULL, NULL, FALSE };
  gboolean hdf5_input;
  guint sigint_id, sigterm_id;
  gint64 start;
  double seconds;
  guint64 total = 0;
  GStatBuf st;

  context = g_option_context_new ("INPUT OUTPUT.h5[:/DATASET] - write a dataset into a chunked HDF5 file");
  g_option_context_set_summary (context,
    "INPUT is a raw binary file (give --dtype and --shape) or FILE.h5:/DATASET.\n"
    "The dataset is written to OUTPUT.h5 at /DATASET (default /data). A new file\n"
    "appears only when complete; in an existing file, the dataset appears only\n"
    "when complete, and the rest of the file is kept.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, size_option_group (&sizes));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (argc < 3)
    return fail (EXIT_USAGE, "convert needs an INPUT and an OUTPUT");
  if (argc > 3)
    return fail (EXIT_USAGE, "unexpected argument '%s'", argv[3]);
  if (no_progress)
    progress = FALSE;

  /* the input: an HDF5 dataset or a raw file */
  hdf5_input = split_hdf5_path (argv[1], &in_file, &in_dataset) && is_hdf5_file (in_file);
  if (!hdf5_input)
    {
      g_clear_pointer (&in_file, g_free);
      g_clear_pointer (&in_dataset, g_free);
      in_file = g_strdup (argv[1]);
      if (is_hdf5_file (in_file))
        return fail (EXIT_USAGE, "'%s' is an HDF5 file: give the dataset to read, as "
                     "%s:/path/to/dataset", in_file, in_file);
    }
  if (!split_hdf5_path (argv[2], &out_file, &out_dataset))
    {
      out_file = g_strdup (argv[2]);
      out_dataset = g_strdup ("/data");
    }

  writer = gdci_h5_writer_new ();
  if (compression != NULL && !parse_compression (compression, writer, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (n_threads < 0)
    return fail (EXIT_USAGE, "--threads %d: give 0 (one per processor) or more", n_threads);
  gdci_h5_writer_set_shuffle (writer, shuffle);
  gdci_h5_writer_set_fletcher32 (writer, fletcher32);
  gdci_h5_writer_set_n_threads (writer, (guint) n_threads);
  gdci_h5_writer_set_overwrite (writer, overwrite);

  if (!add_size_properties (&sizes, names, values, &error))
    return fail (EXIT_USAGE, "%s", error->message);

  if (hdf5_input)
    {
      GValue v = G_VALUE_INIT;

      if (dtype_text != NULL || shape_text != NULL || order_text != NULL || offset != 0)
        return fail (EXIT_USAGE, "--dtype, --shape, --offset and --order are for raw "
                     "input only; an HDF5 dataset knows its own");
      g_value_init (&v, G_TYPE_STRING);
      g_value_set_string (&v, in_file);
      add_property (names, values, "path", &v);
      g_value_set_string (&v, in_dataset);
      add_property (names, values, "dataset", &v);
      g_value_unset (&v);
      iter = new_iterator (GDCI_TYPE_H5_ITERATOR, names, values, &error);
    }
  else
    {
      g_autoptr(GArray) shape = NULL;
      GdciOrder order = GDCI_ORDER_C;
      GdciDtype dtype;
      GValue v = G_VALUE_INIT;

      if (dtype_text == NULL || shape_text == NULL)
        return fail (EXIT_USAGE, "a raw input needs --dtype and --shape "
                     "(or give an HDF5 input as FILE.h5:/dataset)");
      if (!gdci_dtype_from_string (dtype_text, &dtype, &error) ||
          !parse_shape ("--shape", shape_text, TRUE, &shape, &error))
        return fail (EXIT_USAGE, "%s", error->message);
      if (order_text != NULL)
        {
          if (g_ascii_strcasecmp (order_text, "F") == 0)
            order = GDCI_ORDER_F;
          else if (g_ascii_strcasecmp (order_text, "C") != 0)
            return fail (EXIT_USAGE, "--order '%s': use C or F", order_text);
        }
      if (offset < 0)
        return fail (EXIT_USAGE, "--offset %" G_GINT64_FORMAT ": give 0 or more bytes", offset);

      g_value_init (&v, G_TYPE_STRING);
      g_value_set_string (&v, in_file);
      add_property (names, values, "path", &v);
      g_value_unset (&v);
      g_value_init (&v, GDCI_TYPE_DTYPE);
      g_value_set_enum (&v, dtype);
      add_property (names, values, "dtype", &v);
      g_value_unset (&v);
      g_value_init (&v, G_TYPE_VARIANT);
      g_value_set_variant (&v, _gdci_shape_variant_new ((const guint64 *) (gpointer) shape->data, shape->len));
      add_property (names, values, "shape", &v);
      g_value_unset (&v);
      g_value_init (&v, G_TYPE_UINT64);
      g_value_set_uint64 (&v, (guint64) offset);
      add_property (names, values, "offset", &v);
      g_value_unset (&v);
      g_value_init (&v, GDCI_TYPE_ORDER);
      g_value_set_enum (&v, order);
      add_property (names, values, "order", &v);
      g_value_unset (&v);
      iter = new_iterator (GDCI_TYPE_FILE_ITERATOR, names, values, &error);
    }
  if (iter == NULL)
    return fail_with (error);

  /* a write error such as a file-size limit must come back as an error */
  signal (SIGXFSZ, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  state.loop = loop;
  state.cancellable = cancellable;
  if (progress)
    state.bar = _gdci_progress_bar_new ("Converting", NULL);
  g_signal_connect (writer, "progress", G_CALLBACK (on_progress), &state);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &state);

  start = g_get_monotonic_time ();
  gdci_h5_writer_write_async (writer, iter, out_file, out_dataset, cancellable,
                              on_written, &state);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_pointer (&state.bar, _gdci_progress_bar_free);

  if (state.error != NULL)
    {
      g_autoptr(GError) write_error = state.error;

      if (g_error_matches (write_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return fail (EXIT_FAILURE, "interrupted: %s was not written to '%s'",
                     out_dataset, out_file);
      /* the library's advice, in the words of this tool */
      if (g_str_has_suffix (write_error->message, " (set overwrite to replace it)"))
        {
          g_autofree char *advice = g_strndup (write_error->message,
                                               strlen (write_error->message) -
                                               strlen (" (set overwrite to replace it)"));
          return fail (EXIT_FAILURE, "%s: use --overwrite to replace it", advice);
        }
      return fail_with (write_error);
    }

  filters = describe_filters (writer);
  shape_s = _gdci_format_tuple (gdci_chunk_iterator_get_full_shape (iter, NULL),
                                gdci_chunk_iterator_get_n_dims (iter));
  chunk_s = _gdci_format_tuple (gdci_chunk_iterator_get_chunk_shape (iter, NULL),
                                gdci_chunk_iterator_get_n_dims (iter));
  _gdci_shape_n_bytes (gdci_chunk_iterator_get_full_shape (iter, NULL),
                       gdci_chunk_iterator_get_n_dims (iter),
                       gdci_chunk_iterator_get_dtype (iter), &total);
  g_print ("Wrote %s:%s: %s %s, chunks %s, %s; %.1f MB in %.2f s (%.1f MB/s)",
           out_file, out_dataset, shape_s,
           gdci_dtype_to_string (gdci_chunk_iterator_get_dtype (iter)), chunk_s, filters,
           total / 1e6, seconds, seconds > 0 ? total / 1e6 / seconds : 0.0);
  if (g_stat (out_file, &st) == 0)
    g_print ("; file %.1f MB", st.st_size / 1e6);
  g_print ("\n");
  return EXIT_SUCCESS;
}

/* ---- main ---------------------------------------------------------------- */

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  gdci plan --dtype DTYPE --shape N,N,... [OPTION...]\n"
           "  gdci convert INPUT OUTPUT.h5[:/DATASET] [OPTION...]\n"
           "\n"
           "Write datasets larger than memory into chunked, compressed HDF5 files.\n"
           "\n"
           "Commands:\n"
           "  plan       Show the chunk shape, buffer shape and buffers of a dataset\n"
           "  convert    Write a raw binary file or an HDF5 dataset into an HDF5 file\n"
           "\n"
           "Run 'gdci COMMAND --help' for the options of a command.\n"
           "  --version  Show the version\n");
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  g_set_prgname ("gdci");

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
      command_name = "gdci plan";
      g_set_prgname ("gdci plan");
      return command_plan (argc - 1, argv + 1);
    }
  if (strcmp (command, "convert") == 0)
    {
      command_name = "gdci convert";
      g_set_prgname ("gdci convert");
      return command_convert (argc - 1, argv + 1);
    }
  return fail (EXIT_USAGE, "unknown command '%s'", command);
}
