/* gdci-cli-compression.h: gdci convert's compression options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>

G_BEGIN_DECLS

/* Sets @writer's compression from --compression @text (NULL: none),
 * --shuffle, --bitshuffle and --fletcher32; a usage error naming the
 * options and listing the choices otherwise */
gboolean  cli_set_compression       (GdciH5Writer  *writer,
                                     const char    *text,
                                     gboolean       shuffle,
                                     gboolean       bitshuffle,
                                     gboolean       fletcher32,
                                     GError       **error);

/* "zstd level 3 + shuffle + fletcher32", or "no filters" */
char     *cli_describe_compression  (GdciH5Writer  *writer);

G_END_DECLS
