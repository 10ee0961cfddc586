/* gdci-h5-journal-private.h: the undo journal of a file written in place
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Before a byte that an existing file held when a write began is
 * overwritten, the journal saves it, on the disk, beside the file
 * (".NAME.gdci-journal"), and syncs it. Putting the saved bytes back and
 * cutting the file to its old size makes the file exactly what it was:
 * after a failed write, and after a write that was killed or lost its
 * machine, whose journal stays on the disk for the next writer (or
 * gdci_h5_clean()) to replay. A write is committed when its journal is
 * deleted, after the file is synced.
 *
 * The journal is only ever used by the writer holding the file's write
 * lock; a journal found while holding that lock belongs to a write that
 * is gone. Where the directory cannot hold a journal (read-only, or no
 * such files allowed), it is kept in memory: failures are still undone,
 * a killed write is not. */
typedef struct _GdciH5Journal GdciH5Journal;

/* ".NAME.gdci-journal" beside @filename */
char          *_gdci_h5_journal_path      (const char     *filename);

/* If @filename, open for writing at @fd and locked by the caller, has the
 * journal of a write that is gone, puts the file back as it was and
 * deletes the journal (*@recovered = TRUE). A journal of another file
 * that had this name is deleted. */
gboolean       _gdci_h5_journal_recover   (const char     *filename,
                                           int             fd,
                                           gboolean       *recovered,
                                           GError        **error);

/* Starts the journal of @filename, open for writing at @fd (which the
 * caller keeps open, and locked, until the journal is freed) */
GdciH5Journal *_gdci_h5_journal_begin     (const char     *filename,
                                           int             fd,
                                           GError        **error);
/* The file's size when the journal began */
guint64        _gdci_h5_journal_old_size  (GdciH5Journal  *journal);
/* Whether the journal is on the disk (else in memory) */
gboolean       _gdci_h5_journal_is_durable (GdciH5Journal *journal);

/* Saves what the file holds at [@addr, @addr + @size) before the caller
 * overwrites it (only what lies before the old size, and only the first
 * time). FALSE with errno set when it could not: then nothing may be
 * overwritten. */
gboolean       _gdci_h5_journal_save      (GdciH5Journal  *journal,
                                           guint64         addr,
                                           gsize           size);

/* Puts the file back as it was, syncs it and deletes the journal. On
 * failure the journal stays, for a later recovery. */
gboolean       _gdci_h5_journal_revert    (GdciH5Journal  *journal,
                                           GError        **error);
/* Commits what was written: deletes the journal, and syncs its directory.
 * The caller syncs the file first. On failure, the journal may stay: the
 * caller reverts. */
gboolean       _gdci_h5_journal_commit    (GdciH5Journal  *journal,
                                           GError        **error);
/* Closes; a journal neither committed nor reverted stays on the disk */
void           _gdci_h5_journal_free      (GdciH5Journal  *journal);

/* The name (without directory) of the file the journal at @journal_path
 * was written for, or NULL if it is not a journal */
char          *_gdci_h5_journal_read_owner (const char    *journal_path);

/* For the tests: the Nth save from now on fails with EIO (0: none) */
void           _gdci_h5_journal_fail_save (guint           n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciH5Journal, _gdci_h5_journal_free)

G_END_DECLS
