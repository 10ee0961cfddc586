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

/* A new file beside @filename, under a hidden temporary name
 * (".NAME.XXXXXX.partial", which gdci_h5_clean() knows), created and
 * locked: a file whose lock a cleaner took first (which takes it for the
 * leftover of a write that stopped, and removes it) is left to it, and
 * another name tried */
gboolean  _gdci_h5_create_partial        (const char  *filename,
                                          int         *fd,
                                          char       **temp_filename,
                                          GError     **error);
/* Whether @temp_filename still names the file open at @fd */
gboolean  _gdci_h5_partial_is_ours       (int          fd,
                                          const char  *temp_filename);
/* Renames the new file open at @fd, under @temp_filename, to @filename,
 * and syncs the directory. A file at @filename is replaced only with
 * @replace (%GDCI_ERROR_EXISTS otherwise); a temporary name that another
 * file took meanwhile is an error. */
gboolean  _gdci_h5_publish_partial       (int          fd,
                                          const char  *temp_filename,
                                          const char  *filename,
                                          gboolean     replace,
                                          GError     **error);

G_END_DECLS
