/* gdci-cli-signals.h: the signals that cancel a gdci command's work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <signal.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, and SIGALRM besides */
#define CLI_N_CANCELLING_SIGNALS 5

typedef struct
{
  guint ids[CLI_N_CANCELLING_SIGNALS + 1];
  struct sigaction old_alarm;
} CliSignalWatch;

/* Until cli_unwatch_signals(), the signals whose default action would end
 * the process mid-write cancel @cancellable instead, in the main context */
void  cli_watch_signals   (CliSignalWatch *watch,
                           GCancellable   *cancellable);
void  cli_unwatch_signals (CliSignalWatch *watch);

G_END_DECLS
