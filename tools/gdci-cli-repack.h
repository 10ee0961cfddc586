/* gdci-cli-repack.h: gdci repack
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>

G_BEGIN_DECLS

int  cli_command_repack (int    argc,
                         char **argv);

G_END_DECLS
