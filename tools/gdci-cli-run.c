/* gdci-cli-run.c: a gdci command's asynchronous work, run to its end in
 * the main loop with a progress bar and cancelling signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>

#include "gdci-cli-run.h"
#include "gdci-cli-signals.h"
#include "gdci-progress-bar.h"

typedef struct
{
  GMainLoop *loop;
  ProgressBar *bar;
  CliFinishFunc finish;
  GError *error;
} RunState;

static void
on_progress (GObject  *source,
             guint64   done,
             guint64   total,
             gpointer  user_data)
{
  RunState *state = user_data;

  if (state->bar != NULL)
    progress_bar_update (state->bar, done, total, done);
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;

  state->finish (source, result, &state->error);
  g_main_loop_quit (state->loop);
}

gboolean
cli_run_async (GObject       *source,
               const char    *bar_description,
               CliStartFunc   start,
               CliFinishFunc  finish,
               gpointer       user_data,
               GError       **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RunState state = { loop, NULL, finish, NULL };
  CliSignalWatch watch;

  signal (SIGXFSZ, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  if (bar_description != NULL)
    state.bar = progress_bar_new (bar_description, NULL);
  g_signal_connect (source, "progress", G_CALLBACK (on_progress), &state);
  cli_watch_signals (&watch, cancellable);
  start (source, cancellable, on_finished, &state, user_data);
  g_main_loop_run (loop);
  cli_unwatch_signals (&watch);
  g_signal_handlers_disconnect_by_data (source, &state);
  g_clear_pointer (&state.bar, progress_bar_free);
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}
