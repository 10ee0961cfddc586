/* gdci-h5-target-private.h: the file and dataset a write goes to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-chunk-iterator.h"
#include "gdci-codec-private.h"
#include "gdci-h5-file-private.h"
#include "gdci-h5-journal-private.h"
#include "gdci-write-mode.h"

G_BEGIN_DECLS

/* A write's target. Nothing of it is visible under its names until it is
 * committed: a new file is written under a temporary name, from the
 * descriptor it was created with, and renamed into place at the end; in
 * an existing file the dataset is written under a temporary name beside
 * the root and moved into place at the end, and every byte of the file
 * that is overwritten is first saved in the file's journal, so that a
 * failure, or a later recovery after a crash, puts the file back exactly
 * as it was. The file is locked for writing from its opening to the end
 * of the commit or roll-back.
 *
 * In FILL mode the dataset that exists is opened and written in place,
 * its old bytes saved in the journal first like any other. A borrowed
 * target is a dataset the caller has open: nothing is opened, closed or
 * journaled; the commit flushes it, and a failed fill of a dataset that
 * had no chunks drops the chunks written. */
typedef struct
{
  char *filename;
  char *dataset_path;       /* normalized: /a/b */
  GdciWriteMode mode;
  gboolean borrowed;        /* the caller's dataset; no file of its own */

  char *temp_filename;      /* a new file, until it is renamed */
  int fd;                   /* the file, locked; or -1 */
  GdciH5Journal *journal;   /* an existing file's; or NULL */
  GdciH5FileControl *control;
  char *temp_dataset;       /* in an existing file, until it is linked */
  char *backup;             /* the dataset replaced, while it steps aside */

  hid_t fapl;
  hid_t file;
  hid_t dataset;
} GdciH5Target;

GdciH5Target *_gdci_h5_target_new    (const char    *filename,
                                      const char    *dataset_path,
                                      GdciWriteMode  mode);
/* The caller's open @dataset, filled in place; FALSE with an error when
 * it is not a dataset */
GdciH5Target *_gdci_h5_target_new_borrowed (hid_t        dataset,
                                            const char  *filename_shown,
                                            GError     **error);
/* Rolls back what is not committed, and frees */
void          _gdci_h5_target_free   (GdciH5Target  *target);

/* Checks the file and the path in it, and opens or creates the file.
 * @source, the iterator to write, may not read the file. On failure,
 * whatever was made is recorded for the roll-back. */
gboolean      _gdci_h5_target_open   (GdciH5Target       *target,
                                      GdciChunkIterator  *source,
                                      GError            **error);
gboolean      _gdci_h5_target_create_dataset (GdciH5Target             *target,
                                              guint                     n_dims,
                                              const guint64            *shape,
                                              const guint64            *chunk,
                                              GdciDtype                 dtype,
                                              const GdciCodecSettings  *codec,
                                              GError                  **error);

/* The commit, step by step; _gdci_h5_target_commit() runs them all in
 * order. After a step fails, _gdci_h5_target_roll_back() undoes what can
 * be undone. */

/* Closes the dataset and flushes the file. On failure the dataset is
 * closed, its link still temporary. */
gboolean      _gdci_h5_target_finish_dataset (GdciH5Target  *target,
                                              GError       **error);
/* In REPLACE mode, moves the dataset at the path to a hidden backup name.
 * On failure, nothing moved. */
gboolean      _gdci_h5_target_set_aside_old  (GdciH5Target  *target,
                                              GError       **error);
/* Links the new dataset at its path. On failure, it keeps its temporary
 * name and the old one is put back, if it can be (the roll-back puts back
 * the whole file anyway). */
gboolean      _gdci_h5_target_link_new       (GdciH5Target  *target,
                                              GError       **error);
/* Deletes the old dataset set aside; best effort */
void          _gdci_h5_target_drop_old       (GdciH5Target  *target);
/* Closes the file in HDF5: on failure too, HDF5 is done with it, and the
 * roll-back only has the descriptor and the journal. */
gboolean      _gdci_h5_target_close_file     (GdciH5Target  *target,
                                              GError       **error);
/* Syncs the closed file. On failure, nothing changed. */
gboolean      _gdci_h5_target_sync           (GdciH5Target  *target,
                                              GError       **error);
/* Renames a new file into place, if its temporary name still holds it,
 * and syncs its directory; for an existing file, deletes its journal,
 * which commits what was written. On failure, nothing changed. */
gboolean      _gdci_h5_target_publish_file   (GdciH5Target  *target,
                                              GError       **error);
gboolean      _gdci_h5_target_commit         (GdciH5Target  *target,
                                              GError       **error);

/* After a failure, with its @error (may be NULL): a new file is removed,
 * an existing file put back as it was from its journal. When that fails,
 * @error says so (without an error, a warning does): the journal stays,
 * and the next write of the file, or gdci_h5_clean(), puts it back. */
void          _gdci_h5_target_roll_back      (GdciH5Target  *target,
                                              GError       **error);

/* For the tests: faults to inject, and a hook called between the creation
 * of a new file and HDF5's open of it. Not thread-safe. */
typedef enum
{
  GDCI_H5_TARGET_FAULT_LINK_NEW    = 1 << 0,
  GDCI_H5_TARGET_FAULT_RESTORE_OLD = 1 << 1,
  GDCI_H5_TARGET_FAULT_REVERT      = 1 << 2,   /* the journal cannot revert */
  GDCI_H5_TARGET_FAULT_COMMIT      = 1 << 3,   /* the journal cannot be deleted */
  GDCI_H5_TARGET_FAULT_SYNC        = 1 << 4,   /* fsync fails with EIO */
} GdciH5TargetFaults;

typedef void (*GdciH5TargetHook) (const char *temp_filename,
                                  gpointer    user_data);

void          _gdci_h5_target_set_faults       (GdciH5TargetFaults  faults);
void          _gdci_h5_target_set_created_hook (GdciH5TargetHook    hook,
                                                gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciH5Target, _gdci_h5_target_free)

G_END_DECLS
