/* gdci-write-job-private.h: one write, set up and run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

#include "gdci-h5-writer.h"

G_BEGIN_DECLS

typedef struct _GdciWriteJob GdciWriteJob;

/* Checks @self's settings and @iter's shapes, and claims @iter (in use
 * until the job has run or is freed). With @context, the progress of the
 * writer and of the iterator is emitted there; without, in the thread
 * that runs the job. Sets the writer's n-threads-used. */
GdciWriteJob *_gdci_write_job_new      (GdciH5Writer       *self,
                                        GdciChunkIterator  *iter,
                                        const char         *filename,
                                        const char         *dataset_path,
                                        GCancellable       *cancellable,
                                        GMainContext       *context,
                                        GError            **error);
/* The same, filling the @dataset the caller has open (FILL mode, whatever
 * the writer's), which must stay open until the job is freed; messages
 * name its file @filename_shown (NULL: the name HDF5 has for it); with
 * @notes, a note tells the user when the dataset's storage makes the fill
 * slow (a caller that kept a file's own storage passes FALSE) */
GdciWriteJob *_gdci_write_job_new_borrowed (GdciH5Writer       *self,
                                            GdciChunkIterator  *iter,
                                            hid_t               dataset,
                                            const char         *filename_shown,
                                            gboolean            notes,
                                            GCancellable       *cancellable,
                                            GError            **error);
/* For a borrowed dataset in a file written through gdci's file driver:
 * where the driver keeps the errno of a failed write, so the fill stops at
 * the first one */
void          _gdci_write_job_set_io_error (GdciWriteJob    *job,
                                            const int       *io_error);
/* The task of an async write, which owns the job, for its deliveries */
void          _gdci_write_job_set_task (GdciWriteJob       *job,
                                        GTask              *task);
/* Writes, then commits or rolls back; the iterator is let go of before
 * this returns */
gboolean      _gdci_write_job_run      (GdciWriteJob       *job,
                                        GError            **error);
void          _gdci_write_job_free     (GdciWriteJob       *job);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciWriteJob, _gdci_write_job_free)

G_END_DECLS
