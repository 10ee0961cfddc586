/* gdci-cli-plan.c: gdci plan, and the memory a conversion takes
 *
 *   gdci plan --dtype int16 --shape 1302083,384 [--plan hdmf|fit] ...
 *
 * Without --plan, the HDMF and FIT plans side by side; with it, that plan
 * and its buffers' selections.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include "gdci-cli-compression.h"
#include "gdci-cli-plan.h"
#include "gdci-cli-util.h"

#define MAX_LISTED_SELECTIONS 50
#define LABEL_WIDTH 14
#define COLUMN_GAP 4
/* of the memory left for the two buffers, what a capped buffer may take */
#define MEMORY_MARGIN 0.99

/* ---- memory ------------------------------------------------------------- */

double
cli_capped_buffer_gb (GdciH5Writer   *writer,
                      const GdciPlan *plan,
                      guint64         max_memory)
{
  guint64 scratch = 0;
  guint64 total = gdci_h5_writer_estimate_memory (writer, plan, NULL, NULL, &scratch);

  if (max_memory == 0 || total <= max_memory || scratch >= max_memory)
    return 0;
  return (double) (max_memory - scratch) / 2 * MEMORY_MARGIN / 1e9;
}

/* ---- options ------------------------------------------------------------ */

typedef struct
{
  char *dtype_text;
  char *shape_text;
  char *plan_text;
  char *max_memory_text;
  char *compression;
  SizeOptions sizes;
  gboolean shuffle;
  gboolean bitshuffle;
  int n_threads;

  /* checked */
  GdciDtype dtype;
  GArray *shape;
  GdciPlanStrategy strategy;
  guint64 max_memory;
} PlanOptions;

static void
plan_options_clear (PlanOptions *p)
{
  g_free (p->dtype_text);
  g_free (p->shape_text);
  g_free (p->plan_text);
  g_free (p->max_memory_text);
  g_free (p->compression);
  size_options_clear (&p->sizes);
  g_clear_pointer (&p->shape, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlanOptions, plan_options_clear)

static gboolean
check_plan_options (PlanOptions   *p,
                    GdciH5Writer  *writer,
                    GError       **error)
{
  if (p->dtype_text == NULL || p->shape_text == NULL)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "plan needs --dtype and --shape");
      return FALSE;
    }
  if (!gdci_dtype_from_string (p->dtype_text, &p->dtype, error) ||
      !cli_parse_shape ("--shape", p->shape_text, CLI_SHAPE_POSITIVE, &p->shape, error) ||
      (p->plan_text != NULL && !cli_parse_strategy (p->plan_text, &p->strategy, error)) ||
      (p->max_memory_text != NULL &&
       !cli_parse_memory_size ("--max-memory", p->max_memory_text, &p->max_memory, error)) ||
      !cli_set_compression (writer, p->compression, p->shuffle, p->bitshuffle, FALSE, error))
    return FALSE;
  if (p->n_threads < 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--threads %d: give 0 (one per processor) or more", p->n_threads);
      return FALSE;
    }
  gdci_h5_writer_set_n_threads (writer, (guint) p->n_threads);
  return TRUE;
}

/* The plan with @strategy; with --max-memory and no buffer option, with
 * the buffer gdci convert would lower to fit (@capped) */
static GdciPlan *
make_plan (const PlanOptions  *p,
           GdciH5Writer       *writer,
           GdciPlanStrategy    strategy,
           gboolean           *capped,
           GError            **error)
{
  g_autoptr(GdciPlanSettings) settings = gdci_plan_settings_new ();
  g_autoptr(GdciPlan) plan = NULL;
  const guint64 *shape = (const guint64 *) (gpointer) p->shape->data;
  double buffer_gb;

  *capped = FALSE;
  if (!size_options_to_settings (&p->sizes, settings, error))
    return NULL;
  gdci_plan_settings_set_strategy (settings, strategy);
  plan = gdci_plan_new (p->dtype, shape, p->shape->len, settings, error);
  if (plan == NULL)
    return NULL;
  if (p->sizes.buffer_gb != NULL || p->sizes.buffer_shape != NULL)
    return g_steal_pointer (&plan);

  buffer_gb = cli_capped_buffer_gb (writer, plan, p->max_memory);
  if (buffer_gb > 0)
    {
      g_autoptr(GdciPlan) smaller = NULL;

      gdci_plan_settings_set_buffer_gb (settings, buffer_gb);
      smaller = gdci_plan_new (p->dtype, shape, p->shape->len, settings, NULL);
      if (smaller != NULL)
        {
          g_clear_pointer (&plan, gdci_plan_unref);
          plan = g_steal_pointer (&smaller);
          *capped = TRUE;
        }
    }
  return g_steal_pointer (&plan);
}

/* ---- the table ---------------------------------------------------------- */

enum
{
  ROW_CHUNK,
  ROW_BUFFER,
  ROW_N_BUFFERS,
  ROW_STORED,
  ROW_READ,
  ROW_MEMORY,
  ROW_MEMORY_BUFFER,
  ROW_MEMORY_AHEAD,
  ROW_MEMORY_SCRATCH,
  ROW_MAX_MEMORY,
  N_ROWS
};

static const char *const row_labels[N_ROWS] = {
  "Chunk shape:", "Buffer shape:", "Buffers:", "Stored:", "Read:",
  "Memory:", "  buffer:", "  read-ahead:", "  scratch:", "Max memory:",
};

/* The padding of the chunk grid over the data, in percent of the data */
static double
padding_percent (const GdciPlan *plan)
{
  const guint64 *full = gdci_plan_get_full_shape (plan, NULL);
  const guint64 *chunk = gdci_plan_get_chunk_shape (plan, NULL);
  long double ratio = 1;

  for (guint i = 0; i < gdci_plan_get_n_dims (plan); i++)
    if (full[i] > 0 && chunk[i] > 0)
      {
        guint64 n = full[i] / chunk[i] + (full[i] % chunk[i] != 0);
        ratio *= (long double) n * chunk[i] / full[i];
      }
  return (double) ((ratio - 1) * 100);
}

static char *
describe_read (const GdciPlan *plan)
{
  guint64 read = gdci_plan_get_read_bytes (plan);
  guint64 data = gdci_plan_get_data_bytes (plan);
  g_autofree char *read_s = cli_format_bytes (read);

  if (read == G_MAXUINT64 || data == G_MAXUINT64 || data == 0)
    return g_steal_pointer (&read_s);
  return g_strdup_printf ("%s, %.2fx the data", read_s, (double) read / data);
}

/* The cells of one column of the table, in the order of row_labels */
static void
plan_cells (const GdciPlan *plan,
            GdciH5Writer   *writer,
            guint64         max_memory,
            gboolean        capped,
            char           *cells[N_ROWS])
{
  guint n_dims = gdci_plan_get_n_dims (plan);
  guint64 buffer, ahead, scratch;
  guint64 total = gdci_h5_writer_estimate_memory (writer, plan, &buffer, &ahead, &scratch);
  g_autofree char *stored_s = cli_format_bytes (gdci_plan_get_stored_bytes (plan));
  g_autofree char *limit_s = cli_format_bytes (max_memory);

  cells[ROW_CHUNK] = cli_describe_shape (gdci_plan_get_chunk_shape (plan, NULL), n_dims,
                                         gdci_plan_get_chunk_bytes (plan));
  cells[ROW_BUFFER] = cli_describe_shape (gdci_plan_get_buffer_shape (plan, NULL), n_dims,
                                          gdci_plan_get_buffer_bytes (plan));
  cells[ROW_N_BUFFERS] = g_strdup_printf ("%" G_GUINT64_FORMAT, gdci_plan_get_n_buffers (plan));
  cells[ROW_STORED] = g_strdup_printf ("%s, %.2f%% padding", stored_s, padding_percent (plan));
  cells[ROW_READ] = describe_read (plan);
  cells[ROW_MEMORY] = cli_format_bytes (total);
  cells[ROW_MEMORY_BUFFER] = cli_format_bytes (buffer);
  cells[ROW_MEMORY_AHEAD] = cli_format_bytes (ahead);
  cells[ROW_MEMORY_SCRATCH] = cli_format_bytes (scratch);
  cells[ROW_MAX_MEMORY] = max_memory == 0 ? NULL :
    g_strdup_printf ("%s: %s", limit_s, total > max_memory ? "does not fit" :
                                        capped ? "fits with a smaller buffer" : "fits");
}

static void
print_row (const char *label,
           char      **cells,
           guint       n_columns,
           const int  *widths)
{
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "%-*s", LABEL_WIDTH, label);
  for (guint c = 0; c < n_columns; c++)
    g_string_append_printf (line, "%-*s", c + 1 < n_columns ? widths[c] + COLUMN_GAP : 0,
                            cells[c]);
  g_print ("%s\n", line->str);
  g_string_free (line, TRUE);
}

/* The data, then each row of @plans side by side; a header with the
 * strategies' names when there is more than one */
static void
print_plans (GdciPlan     **plans,
             const gboolean *capped,
             guint          n_plans,
             GdciH5Writer  *writer,
             guint64        max_memory)
{
  const GdciPlan *first = plans[0];
  char *cells[2][N_ROWS];
  char *names[2];
  int widths[2] = { 0, 0 };
  g_autofree char *data_s =
    cli_describe_shape (gdci_plan_get_full_shape (first, NULL), gdci_plan_get_n_dims (first),
                        gdci_plan_get_data_bytes (first));

  g_assert (n_plans <= 2);
  for (guint c = 0; c < n_plans; c++)
    {
      plan_cells (plans[c], writer, max_memory, capped[c], cells[c]);
      names[c] = (char *) cli_strategy_name (gdci_plan_get_strategy (plans[c]));
      for (guint r = 0; r < N_ROWS; r++)
        if (cells[c][r] != NULL)
          widths[c] = MAX (widths[c], (int) strlen (cells[c][r]));
    }

  g_print ("%-*s%s of %s\n", LABEL_WIDTH, "Data shape:", data_s,
           gdci_dtype_to_string (gdci_plan_get_dtype (first)));
  if (n_plans > 1)
    print_row ("Plan:", names, n_plans, widths);
  for (guint r = 0; r < N_ROWS; r++)
    {
      char *row[2];

      if (cells[0][r] == NULL)
        continue;
      for (guint c = 0; c < n_plans; c++)
        row[c] = cells[c][r];
      print_row (row_labels[r], row, n_plans, widths);
    }
  for (guint c = 0; c < n_plans; c++)
    for (guint r = 0; r < N_ROWS; r++)
      g_free (cells[c][r]);
}

static void
print_selections (const GdciPlan *plan)
{
  guint64 n_buffers = gdci_plan_get_n_buffers (plan);

  for (guint64 i = 0; i < n_buffers && i < MAX_LISTED_SELECTIONS; i++)
    {
      g_autoptr(GdciSelection) sel = gdci_plan_get_buffer_selection (plan, i);
      g_autofree char *text = gdci_selection_to_string (sel);
      g_print ("%s\n", text);
    }
  if (n_buffers > MAX_LISTED_SELECTIONS)
    g_print ("... and %" G_GUINT64_FORMAT " more\n", n_buffers - MAX_LISTED_SELECTIONS);
}

/* ---- gdci plan ---------------------------------------------------------- */

static GOptionContext *
plan_context (PlanOptions *p)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &p->dtype_text,
      "Element type: a numpy name such as int16, or a type string such as <i2", "DTYPE" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &p->shape_text,
      "Shape of the whole dataset", "N,N,..." },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &p->plan_text,
      "Show only this plan, and its buffers: hdmf (hdmf's shapes) or fit (shapes that "
      "fit the data)", "hdmf|fit" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &p->max_memory_text,
      "Memory a conversion may take, such as 2G, 512M, 1.5GB, 4GiB or bytes; without a "
      "buffer option the buffer is made smaller to fit, as gdci convert does", "SIZE" },
    { "compression", 0, 0, G_OPTION_ARG_STRING, &p->compression,
      "Compression, as for gdci convert: its scratch memory is counted", "METHOD" },
    { "shuffle", 0, 0, G_OPTION_ARG_NONE, &p->shuffle,
      "HDF5's shuffle filter, as for gdci convert", NULL },
    { "bitshuffle", 0, 0, G_OPTION_ARG_NONE, &p->bitshuffle,
      "The Bitshuffle filter, as for gdci convert", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &p->n_threads,
      "Compression threads, as for gdci convert; default one per processor", "N" },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new ("- show how a dataset is split into chunks and buffers");
  g_option_context_set_summary (context,
    "Prints the HDF5 chunk shape, the buffer shape and the number of buffers,\n"
    "the bytes stored (data and the padding of edge chunks), the bytes read\n"
    "from a C-order source, and the memory a conversion takes (its buffer, the\n"
    "buffer read ahead, compression scratch). Without --plan, hdmf's plan (as\n"
    "hdmf's GenericDataChunkIterator makes it) and the fit plan (what gdci\n"
    "convert uses unless told --plan hdmf or given both shapes in full) side\n"
    "by side; with --plan, that plan and its buffers' selections.\n"
    "\n"
    "An axis of --chunk-shape or --buffer-shape given as 0 or None is free:\n"
    "the plan sizes it from --chunk-mb or --buffer-gb, which may then be given\n"
    "too. With --max-memory, exits 2 when the plan gdci convert would use does\n"
    "not fit.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, size_option_group (&p->sizes));
  return context;
}

int
cli_command_plan (int    argc,
                  char **argv)
{
  g_auto(PlanOptions) p = { 0 };
  g_autoptr(GOptionContext) context = plan_context (&p);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
  GdciPlan *plans[2] = { NULL, NULL };
  gboolean capped[2] = { FALSE, FALSE };
  GdciPlanStrategy strategies[2] = { GDCI_PLAN_STRATEGY_HDMF, GDCI_PLAN_STRATEGY_FIT };
  guint n_plans = 2;
  int status = EXIT_SUCCESS;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (EXIT_USAGE, "%s", error->message);
  if (argc > 1)
    return cli_fail (EXIT_USAGE, "unexpected argument '%s'", argv[1]);
  if (!check_plan_options (&p, writer, &error))
    return cli_fail (EXIT_USAGE, "%s", error->message);
  if (p.plan_text != NULL)
    {
      strategies[0] = p.strategy;
      n_plans = 1;
    }

  for (guint c = 0; c < n_plans && status == EXIT_SUCCESS; c++)
    {
      plans[c] = make_plan (&p, writer, strategies[c], &capped[c], &error);
      if (plans[c] == NULL)
        status = cli_fail_with (error);
    }
  /* the plan convert uses: the one asked for, or fit */
  gdci_h5_writer_set_max_memory (writer, p.max_memory);
  if (status == EXIT_SUCCESS &&
      !gdci_h5_writer_check_memory (writer, plans[n_plans - 1], &error))
    status = cli_fail_with (error);
  if (status == EXIT_SUCCESS)
    {
      print_plans (plans, capped, n_plans, writer, p.max_memory);
      if (n_plans == 1)
        print_selections (plans[0]);
    }
  for (guint c = 0; c < n_plans; c++)
    g_clear_pointer (&plans[c], gdci_plan_unref);
  return status;
}
