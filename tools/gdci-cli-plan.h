/* gdci-cli-plan.h: gdci plan, and the memory a conversion takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>

G_BEGIN_DECLS

/* gdci plan: @argv[0] is "plan" */
int       cli_command_plan         (int             argc,
                                    char          **argv);

/* The buffer-gb that makes a write of @plan with @writer take at most
 * @max_memory, the writer keeping two buffers besides its compression
 * scratch; 0 when the write fits as it is, or when no buffer would */
double    cli_capped_buffer_gb     (GdciH5Writer   *writer,
                                    const GdciPlan *plan,
                                    guint64         max_memory);

G_END_DECLS
