/* gdci-cli-util.c: what the gdci commands share: messages, options, formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci-cli-util.h"

static const char *command_name = "gdci";

void
cli_set_command_name (const char *name)
{
  command_name = name;
  g_set_prgname (name);
}

const char *
cli_get_command_name (void)
{
  return command_name;
}

int
cli_fail (int         status,
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

int
cli_exit_status (const GError *error)
{
  if (error->domain == GDCI_PLAN_ERROR || error->domain == G_OPTION_ERROR ||
      g_error_matches (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT))
    return EXIT_USAGE;
  return EXIT_FAILURE;
}

int
cli_fail_with (const GError *error)
{
  return cli_fail (cli_exit_status (error), "%s", error->message);
}

/* ---- option values -------------------------------------------------------- */

static gboolean
is_free_axis (const char *part)
{
  return strcmp (part, "0") == 0 || g_ascii_strcasecmp (part, "none") == 0;
}

gboolean
cli_parse_shape (const char   *option,
                 const char   *text,
                 CliShapeAxes  axes,
                 GArray      **shape,
                 GError      **error)
{
  static const char *const hints[] = { "", " (one may be -1)", " (0 or None for a free axis)" };
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (guint64));
  gboolean inferred = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint64 v = 0;

      if (axes == CLI_SHAPE_INFER && strcmp (part, "-1") == 0)
        {
          if (inferred)
            {
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "%s '%s': only one axis can be -1 (inferred)", option, text);
              return FALSE;
            }
          inferred = TRUE;
        }
      else if (axes == CLI_SHAPE_FREE && is_free_axis (part))
        v = 0;
      else if (!g_ascii_string_to_unsigned (part, 10, 1, G_MAXINT64, &v, NULL))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "%s '%s': give positive whole numbers separated by commas%s",
                       option, text, hints[axes]);
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

gboolean
cli_parse_strategy (const char        *text,
                    GdciPlanStrategy  *strategy,
                    GError           **error)
{
  if (g_ascii_strcasecmp (text, "hdmf") == 0)
    *strategy = GDCI_PLAN_STRATEGY_HDMF;
  else if (g_ascii_strcasecmp (text, "fit") == 0)
    *strategy = GDCI_PLAN_STRATEGY_FIT;
  else
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "--plan '%s': use hdmf or fit", text);
      return FALSE;
    }
  return TRUE;
}

const char *
cli_strategy_name (GdciPlanStrategy strategy)
{
  return strategy == GDCI_PLAN_STRATEGY_FIT ? "fit" : "hdmf";
}

/* The multiplier of a unit of --max-memory, or 0 for none */
static double
memory_unit (const char *unit)
{
  static const struct { const char *name; double factor; } units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1e3 }, { "kb", 1e3 }, { "m", 1e6 }, { "mb", 1e6 },
    { "g", 1e9 }, { "gb", 1e9 }, { "t", 1e12 }, { "tb", 1e12 },
    { "kib", 1024.0 }, { "mib", 1024.0 * 1024 }, { "gib", 1024.0 * 1024 * 1024 },
    { "tib", 1024.0 * 1024 * 1024 * 1024 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].name) == 0)
      return units[i].factor;
  return 0;
}

gboolean
cli_parse_memory_size (const char  *option,
                       const char  *text,
                       guint64     *bytes,
                       GError     **error)
{
  const char *p = text;
  gboolean digits = FALSE, point = FALSE;
  double number, factor, value;

  /* a plain decimal number: no sign, exponent, hex, inf or nan */
  for (; g_ascii_isdigit (*p) || (*p == '.' && !point); p++)
    {
      digits |= g_ascii_isdigit (*p);
      point |= *p == '.';
    }
  number = digits ? g_ascii_strtod (text, NULL) : 0;
  while (*p == ' ')
    p++;
  factor = digits ? memory_unit (p) : 0;
  if (factor == 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s '%s': give a size such as 2G, 512M, 1.5GB, 4GiB or a number of bytes",
                   option, text);
      return FALSE;
    }
  value = number * factor;
  if (value < 1 || value >= 18446744073709551616.0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%s '%s': give at least one byte and less than 2^64", option, text);
      return FALSE;
    }
  *bytes = (guint64) value;
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

GVariant *
cli_shape_variant (GArray *shape)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, shape->data,
                                    shape->len, sizeof (guint64));
}

/* ---- formats ---------------------------------------------------------------- */

char *
cli_format_tuple (const guint64 *values,
                  guint          n_dims)
{
  GString *s = g_string_new ("(");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i > 0 ? ", " : "", values[i]);
  g_string_append (s, n_dims == 1 ? ",)" : ")");
  return g_string_free (s, FALSE);
}

char *
cli_format_bytes (guint64 n_bytes)
{
  /* a plan gives G_MAXUINT64 for a size beyond 64 bits */
  if (n_bytes == G_MAXUINT64)
    return g_strdup ("more than 2^64 bytes");
  return g_strdup_printf ("%.2f MB", n_bytes / 1e6);
}

char *
cli_describe_shape (const guint64 *shape,
                    guint          n_dims,
                    guint64        n_bytes)
{
  g_autofree char *tuple = cli_format_tuple (shape, n_dims);
  g_autofree char *size = cli_format_bytes (n_bytes);

  return g_strdup_printf ("%s, %s", tuple, size);
}

/* ---- files ------------------------------------------------------------------- */

static gboolean
has_hdf5_suffix (const char *name)
{
  static const char *const suffixes[] = { ".h5", ".hdf5", ".hdf", ".he5", ".nwb" };
  size_t len = strlen (name);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      size_t n = strlen (suffixes[i]);

      if (len > n && g_ascii_strcasecmp (name + len - n, suffixes[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Whether @path has a name in it: not only '/' and '.' components */
static gboolean
names_something (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0' && strcmp (parts[i], ".") != 0)
      return TRUE;
  return FALSE;
}

gboolean
cli_split_hdf5_path (const char  *text,
                     char       **file,
                     char       **dataset,
                     GError     **error)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *name = NULL;
  const char *path;

  *file = NULL;
  *dataset = NULL;
  if (colon == NULL || colon == text)
    return TRUE;
  name = g_strndup (text, (gsize) (colon - text));
  if (!has_hdf5_suffix (name) && !g_file_test (name, G_FILE_TEST_EXISTS))
    return TRUE;
  path = colon + 1;
  if (!names_something (path))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s': give a dataset after the ':', such as %s:/data", text, name);
      return FALSE;
    }
  *dataset = path[0] == '/' ? g_strdup (path) : g_strconcat ("/", path, NULL);
  *file = g_steal_pointer (&name);
  return TRUE;
}

gboolean
cli_check_hdf5_input (const char  *path,
                      GError     **error)
{
  int fd;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not open '%s': %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);
  if (!cli_is_hdf5_file (path))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "'%s' is not an HDF5 file", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_is_hdf5_file (const char *path)
{
  static const char signature[8] = { '\211', 'H', 'D', 'F', '\r', '\n', '\032', '\n' };
  gboolean found = FALSE;
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  /* the superblock is at 0, or after a user block of 512 bytes times a
   * power of two */
  for (guint64 offset = 0; !found && offset + sizeof signature <= (guint64) st.st_size;
       offset = offset == 0 ? 512 : offset * 2)
    {
      char head[sizeof signature];
      ssize_t n;

      do
        n = pread (fd, head, sizeof head, (off_t) offset);
      while (n < 0 && errno == EINTR);
      found = n == (ssize_t) sizeof head && memcmp (head, signature, sizeof head) == 0;
    }
  g_close (fd, NULL);
  return found;
}

/* ---- the size options ------------------------------------------------------- */

void
size_options_clear (SizeOptions *o)
{
  g_free (o->buffer_gb);
  g_free (o->buffer_shape);
  g_free (o->chunk_mb);
  g_free (o->chunk_shape);
}

GOptionGroup *
size_option_group (SizeOptions *o)
{
  const GOptionEntry entries[] = {
    { "buffer-gb", 0, 0, G_OPTION_ARG_STRING, &o->buffer_gb,
      "Largest buffer in GB (10^9 bytes); default 1.0", "X" },
    { "buffer-shape", 0, 0, G_OPTION_ARG_STRING, &o->buffer_shape,
      "Buffer shape instead of a size; an axis 0 or None is free, sized from --buffer-gb",
      "N,N,..." },
    { "chunk-mb", 0, 0, G_OPTION_ARG_STRING, &o->chunk_mb,
      "HDF5 chunk size to stay under, in MB (10^6 bytes); default 10.0", "X" },
    { "chunk-shape", 0, 0, G_OPTION_ARG_STRING, &o->chunk_shape,
      "HDF5 chunk shape instead of a size; an axis 0 or None is free, sized from --chunk-mb",
      "N,N,..." },
    G_OPTION_ENTRY_NULL
  };
  GOptionGroup *group = g_option_group_new ("sizes", "Buffer and chunk options:",
                                            "Show buffer and chunk options", NULL, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}

/* The values of the options that are given */
typedef struct
{
  gboolean has_buffer_gb;
  gboolean has_chunk_mb;
  double buffer_gb;
  double chunk_mb;
  GArray *buffer_shape;
  GArray *chunk_shape;
} SizeValues;

static void
size_values_clear (SizeValues *v)
{
  g_clear_pointer (&v->buffer_shape, g_array_unref);
  g_clear_pointer (&v->chunk_shape, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SizeValues, size_values_clear)

static gboolean
parse_size_options (const SizeOptions  *o,
                    SizeValues         *v,
                    GError            **error)
{
  memset (v, 0, sizeof *v);
  v->has_buffer_gb = o->buffer_gb != NULL;
  v->has_chunk_mb = o->chunk_mb != NULL;
  return (o->buffer_gb == NULL || parse_size ("--buffer-gb", o->buffer_gb, &v->buffer_gb, error)) &&
         (o->chunk_mb == NULL || parse_size ("--chunk-mb", o->chunk_mb, &v->chunk_mb, error)) &&
         (o->buffer_shape == NULL ||
          cli_parse_shape ("--buffer-shape", o->buffer_shape, CLI_SHAPE_FREE, &v->buffer_shape, error)) &&
         (o->chunk_shape == NULL ||
          cli_parse_shape ("--chunk-shape", o->chunk_shape, CLI_SHAPE_FREE, &v->chunk_shape, error));
}

gboolean
size_options_to_settings (const SizeOptions  *o,
                          GdciPlanSettings   *settings,
                          GError            **error)
{
  g_auto(SizeValues) v = { 0 };

  if (!parse_size_options (o, &v, error))
    return FALSE;
  if (v.has_buffer_gb)
    gdci_plan_settings_set_buffer_gb (settings, v.buffer_gb);
  if (v.has_chunk_mb)
    gdci_plan_settings_set_chunk_mb (settings, v.chunk_mb);
  if (v.buffer_shape != NULL)
    gdci_plan_settings_set_buffer_shape (settings, (const guint64 *) (gpointer) v.buffer_shape->data,
                                         v.buffer_shape->len);
  if (v.chunk_shape != NULL)
    gdci_plan_settings_set_chunk_shape (settings, (const guint64 *) (gpointer) v.chunk_shape->data,
                                        v.chunk_shape->len);
  return TRUE;
}

static void
add_value (GPtrArray  *names,
           GArray     *values,
           const char *name,
           GValue     *value)
{
  g_ptr_array_add (names, (gpointer) name);
  g_array_append_vals (values, value, 1);
  memset (value, 0, sizeof *value);   /* the array owns it now */
}

gboolean
size_options_to_properties (const SizeOptions  *o,
                            GPtrArray          *names,
                            GArray             *values,
                            GError            **error)
{
  g_auto(SizeValues) v = { 0 };
  GValue value = G_VALUE_INIT;

  if (!parse_size_options (o, &v, error))
    return FALSE;
  if (v.has_buffer_gb)
    {
      g_value_init (&value, G_TYPE_DOUBLE);
      g_value_set_double (&value, v.buffer_gb);
      add_value (names, values, "buffer-gb", &value);
    }
  if (v.has_chunk_mb)
    {
      g_value_init (&value, G_TYPE_DOUBLE);
      g_value_set_double (&value, v.chunk_mb);
      add_value (names, values, "chunk-mb", &value);
    }
  if (v.buffer_shape != NULL)
    {
      g_value_init (&value, G_TYPE_VARIANT);
      g_value_set_variant (&value, cli_shape_variant (v.buffer_shape));
      add_value (names, values, "buffer-shape", &value);
    }
  if (v.chunk_shape != NULL)
    {
      g_value_init (&value, G_TYPE_VARIANT);
      g_value_set_variant (&value, cli_shape_variant (v.chunk_shape));
      add_value (names, values, "chunk-shape", &value);
    }
  return TRUE;
}

gboolean
size_options_fixed_shapes (const SizeOptions *o)
{
  g_auto(SizeValues) v = { 0 };

  if (o->buffer_shape == NULL || o->chunk_shape == NULL ||
      !parse_size_options (o, &v, NULL))
    return FALSE;
  for (guint i = 0; i < v.buffer_shape->len; i++)
    if (g_array_index (v.buffer_shape, guint64, i) == 0)
      return FALSE;
  for (guint i = 0; i < v.chunk_shape->len; i++)
    if (g_array_index (v.chunk_shape, guint64, i) == 0)
      return FALSE;
  return TRUE;
}
