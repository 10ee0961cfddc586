/* gdci-progress-bar.h: the gdci command's progress line on standard error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Progress line on stderr: "desc: 40%|####      | 4/10 buffers [00:03<00:04, 512.0 MB/s]".
 * With no unit, done and total are bytes, shown in MB. */
typedef struct _ProgressBar ProgressBar;

ProgressBar *progress_bar_new     (const char  *description,
                                  const char  *unit);
void         progress_bar_update  (ProgressBar *bar,
                                  guint64      done,
                                  guint64      total,
                                  guint64      bytes_done);
void         progress_bar_finish  (ProgressBar *bar);
void         progress_bar_free    (ProgressBar *bar);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProgressBar, progress_bar_free)

G_END_DECLS
