/* gdci-h5-clean-private.h: the names and locks of what a write leaves
 * while it runs, and how the leftovers of writes that are gone are found
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* While a write runs it holds an open file description lock (F_OFD_SETLK)
 * on the file it writes: the temporary file of a new file, or the existing
 * file written into. The kernel drops the lock when the process is gone,
 * however it ended, so a temporary file or journal whose file nobody
 * holds locked belongs to a write that is gone. */

/* Takes the write lock on @fd: FALSE with errno EAGAIN when another write
 * holds it. A file system without such locks is written unlocked (TRUE),
 * as HDF5 does then. */
gboolean  _gdci_h5_lock_for_writing      (int          fd);

/* "DIR/.NAME@suffix" for @filename "DIR/NAME". Where that would be longer
 * than NAME_MAX, NAME is cut at a character boundary and followed by "~"
 * and eight hexadecimal digits of its CRC-32, so that two long names with
 * a common start still get names of their own. */
char     *_gdci_h5_hidden_name           (const char  *filename,
                                          const char  *suffix);
/* The mkstemp() template of a new file's temporary name */
#define GDCI_H5_PARTIAL_SUFFIX ".XXXXXX.partial"

/* Removes the temporary files of new files named @filename that no write
 * owns any more; adds a line to @cleaned (may be NULL) for each */
void      _gdci_h5_remove_stale_partials (const char  *filename,
                                          GPtrArray   *cleaned);

G_END_DECLS
