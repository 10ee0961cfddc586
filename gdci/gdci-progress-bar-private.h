/* gdci-progress-bar-private.h: a progress line on standard error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Progress line on stderr: "desc: 40%|####      | 4/10 buffers [00:03<00:04, 512.0 MB/s]".
 * With no unit, done and total are bytes, shown in MB. */
typedef struct _GdciProgressBar GdciProgressBar;

GdciProgressBar *_gdci_progress_bar_new     (const char      *description,
                                             const char      *unit);
void             _gdci_progress_bar_update  (GdciProgressBar *bar,
                                             guint64          done,
                                             guint64          total,
                                             guint64          bytes_done);
void             _gdci_progress_bar_finish  (GdciProgressBar *bar);
void             _gdci_progress_bar_free    (GdciProgressBar *bar);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciProgressBar, _gdci_progress_bar_free)

G_END_DECLS
