/* gdci-cli-run.h: a gdci command's asynchronous work, run to its end in
 * the main loop with a progress bar and cancelling signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts the work of @source, which reports to @callback when done */
typedef void     (*CliStartFunc)  (GObject             *source,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             callback_data,
                                   gpointer             user_data);
/* The work's _finish() */
typedef gboolean (*CliFinishFunc) (GObject      *source,
                                   GAsyncResult *result,
                                   GError      **error);

/* Runs the work @start starts on @source until @finish says how it ended,
 * drawing @source's "progress (done, total)" signal as a bar described
 * @bar_description (NULL: no bar); SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2
 * and SIGALRM cancel it, and a write past a file-size limit or into a
 * closed pipe fails as an error instead of ending the process */
gboolean cli_run_async (GObject       *source,
                        const char    *bar_description,
                        CliStartFunc   start,
                        CliFinishFunc  finish,
                        gpointer       user_data,
                        GError       **error);

G_END_DECLS
