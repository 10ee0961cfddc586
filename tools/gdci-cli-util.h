/* gdci-cli-util.h: what the gdci commands share: messages, options, formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>

G_BEGIN_DECLS

#define EXIT_USAGE 2

/* The name in front of every message: "gdci", "gdci plan", ... */
void        cli_set_command_name    (const char  *name);
const char *cli_get_command_name (void);
/* Prints "NAME: message" on one line (and for a usage error a hint), and
 * returns @status */
int         cli_fail                (int          status,
                                     const char  *format,
                                     ...) G_GNUC_PRINTF (2, 3);
/* The exit status for @error, from its domain and code: a refused setting
 * or argument is a usage error (2), anything else a failure (1) */
int         cli_exit_status         (const GError *error);
int         cli_fail_with           (const GError *error);

/* What a shape's axes may be besides positive numbers */
typedef enum
{
  CLI_SHAPE_POSITIVE,        /* nothing else */
  CLI_SHAPE_INFER,           /* one axis -1, inferred (returned as 0) */
  CLI_SHAPE_FREE,            /* axes 0 or None, free (returned as 0) */
} CliShapeAxes;

/* "20000,5000", "0,64", "-1,384" */
gboolean    cli_parse_shape         (const char   *option,
                                     const char   *text,
                                     CliShapeAxes  axes,
                                     GArray      **shape,
                                     GError      **error);
/* --plan hdmf|fit */
gboolean    cli_parse_strategy      (const char        *text,
                                     GdciPlanStrategy  *strategy,
                                     GError           **error);
/* "hdmf", "fit" */
const char *cli_strategy_name       (GdciPlanStrategy  strategy);
/* "2G", "512M", "1.5GB", "4GiB", "1000000": decimal units K, M, G, T
 * (with or without B), binary KiB, MiB, GiB, TiB, in any case */
gboolean    cli_parse_memory_size   (const char  *option,
                                     const char  *text,
                                     guint64     *bytes,
                                     GError     **error);
/* A floating `at` variant of a GArray of guint64 */
GVariant   *cli_shape_variant       (GArray      *shape);
/* "(20000, 5000)", "(5,)" */
char       *cli_format_tuple        (const guint64 *values,
                                     guint          n_dims);
/* "400.00 MB", or "more than 2^64 bytes" for G_MAXUINT64 */
char       *cli_format_bytes        (guint64        n_bytes);
/* "(20000, 5000), 400.00 MB" */
char       *cli_describe_shape      (const guint64 *shape,
                                     guint          n_dims,
                                     guint64        n_bytes);

/* "FILE:PATH", split at the last ':' when FILE exists or ends in an HDF5
 * suffix (.h5 .hdf5 .hdf .he5 .nwb); a relative PATH is taken from the
 * root. Sets @file and @dataset to NULL when @text is not FILE:PATH, and
 * fails (a usage error naming @text) when PATH names no dataset: empty,
 * '.', '/', ... */
gboolean    cli_split_hdf5_path     (const char  *text,
                                     char       **file,
                                     char       **dataset,
                                     GError     **error);
/* Fails when @path exists but cannot be read, or is not an HDF5 file; a
 * missing file is left to the library to report */
gboolean    cli_check_hdf5_input    (const char  *path,
                                     GError     **error);
/* Whether @path is a regular file with HDF5's signature where HDF5 looks
 * for it (at 0, 512, 1024, 2048, ... bytes) */
gboolean    cli_is_hdf5_file        (const char  *path);

/* The buffer and chunk options every command takes, as given */
typedef struct
{
  char *buffer_gb;
  char *buffer_shape;
  char *chunk_mb;
  char *chunk_shape;
} SizeOptions;

void          size_options_clear    (SizeOptions *o);
GOptionGroup *size_option_group     (SizeOptions *o);
/* The options as plan settings */
gboolean      size_options_to_settings   (const SizeOptions  *o,
                                          GdciPlanSettings   *settings,
                                          GError            **error);
/* The options as iterator construct properties, appended to @names and
 * @values (a GArray of GValue that clears its elements) */
gboolean      size_options_to_properties (const SizeOptions  *o,
                                          GPtrArray          *names,
                                          GArray             *values,
                                          GError            **error);

/* Whether both shapes are given, with no free axis: then the plan's
 * strategy does not matter */
gboolean      size_options_fixed_shapes  (const SizeOptions  *o);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SizeOptions, size_options_clear)

G_END_DECLS
