/* gdci-cli-signals.c: the signals that cancel a gdci command's work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib-unix.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gdci-cli-signals.h"

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

/* The signals whose default action would end the process mid-write: each
 * cancels the conversion instead. GLib watches all but SIGALRM, which a
 * handler of our own turns into a byte on a pipe. */
static const int cancelling_signals[CLI_N_CANCELLING_SIGNALS] = {
  SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2
};

static int alarm_pipe[2] = { -1, -1 };

static void
on_alarm_signal (int signum)
{
  int saved_errno = errno;
  char byte = 1;

  (void) signum;
  if (write (alarm_pipe[1], &byte, 1) < 0)
    { /* the pipe is full: a byte is already waiting */ }
  errno = saved_errno;
}

static gboolean
on_alarm (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  char bytes[16];

  (void) condition;
  while (read (fd, bytes, sizeof bytes) > 0)
    ;
  return on_interrupt (user_data);
}

void
cli_watch_signals (CliSignalWatch *watch,
                   GCancellable   *cancellable)
{
  struct sigaction action;

  memset (watch, 0, sizeof *watch);
  for (guint i = 0; i < G_N_ELEMENTS (cancelling_signals); i++)
    watch->ids[i] = g_unix_signal_add (cancelling_signals[i], on_interrupt, cancellable);
  if (alarm_pipe[0] < 0 &&
      (!g_unix_open_pipe (alarm_pipe, FD_CLOEXEC, NULL) ||
       !g_unix_set_fd_nonblocking (alarm_pipe[0], TRUE, NULL) ||
       !g_unix_set_fd_nonblocking (alarm_pipe[1], TRUE, NULL)))
    return;
  watch->ids[G_N_ELEMENTS (cancelling_signals)] =
    g_unix_fd_add (alarm_pipe[0], G_IO_IN, on_alarm, cancellable);
  memset (&action, 0, sizeof action);
  action.sa_handler = on_alarm_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset (&action.sa_mask);
  sigaction (SIGALRM, &action, &watch->old_alarm);
}

void
cli_unwatch_signals (CliSignalWatch *watch)
{
  for (guint i = 0; i < G_N_ELEMENTS (watch->ids); i++)
    if (watch->ids[i] != 0)
      g_source_remove (watch->ids[i]);
  if (watch->ids[G_N_ELEMENTS (cancelling_signals)] != 0)
    sigaction (SIGALRM, &watch->old_alarm, NULL);
}

