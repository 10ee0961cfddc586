/* gdci-h5-file-private.h: the HDF5 file driver the writer uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-h5-journal-private.h"

G_BEGIN_DECLS

/* How the writer steers gdci's file driver (see gdci-h5-file.c) for one
 * file. The writer sets the fields; the driver reads them. */
typedef struct
{
  gatomicrefcount ref_count;
  int fd;                   /* the file, open for writing: the driver writes
                             * to a duplicate of it and opens nothing */
  GdciH5Journal *journal;   /* an existing file's old bytes; or NULL */
  gboolean abandoned;       /* every write and truncation is dropped */
  int error;                /* the errno of the first failed write,
                             * truncation or close, or 0: HDF5 is never told */
} GdciH5FileControl;

/* @fd and @journal are the caller's, and must outlive HDF5's use of the
 * file, or be released with _gdci_h5_file_control_release() */
GdciH5FileControl *_gdci_h5_file_control_new     (int                 fd,
                                                  GdciH5Journal      *journal);
GdciH5FileControl *_gdci_h5_file_control_ref     (GdciH5FileControl  *control);
void               _gdci_h5_file_control_unref   (GdciH5FileControl  *control);
/* The caller's last reference: whatever HDF5 still holds of the file is
 * abandoned, and no longer uses the caller's descriptor or journal */
void               _gdci_h5_file_control_release (GdciH5FileControl  *control);

/* A file access property list for gdci's own POSIX file driver, steered
 * by @control (which the caller keeps until the file is closed); a
 * negative id if HDF5 refused it */
hid_t              _gdci_h5_file_access_plist    (GdciH5FileControl  *control);

G_END_DECLS
