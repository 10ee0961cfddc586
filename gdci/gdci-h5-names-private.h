/* gdci-h5-names-private.h: the names of the files a write creates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A dangling symbolic link names the file to create, as with h5py: when
 * @filename (which stat() found missing) is one, *@resolved is the name
 * the chain of links ends at, each relative link read from its own
 * directory; NULL when @filename is no link. A link loop, or a link into
 * a directory that does not exist, is a GDCI_ERROR_IO error. */
gboolean  _gdci_h5_resolve_dangling_link (const char  *filename,
                                          char       **resolved,
                                          GError     **error);

/* Renames @from to @to unless @to exists, atomically: what another program
 * created at @to meanwhile is never replaced (errno EEXIST) */
gboolean  _gdci_h5_rename_no_replace     (const char  *from,
                                          const char  *to);

/* Syncs the directory of @filename; best effort */
void      _gdci_h5_sync_directory        (const char  *filename);

G_END_DECLS
