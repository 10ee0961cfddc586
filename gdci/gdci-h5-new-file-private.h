/* gdci-h5-new-file-private.h: a whole new HDF5 file, all or nothing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-h5-file-private.h"

G_BEGIN_DECLS

/* A new file written under a hidden temporary name beside its name, through
 * gdci's file driver, and renamed into place when complete. Freed before
 * it is published, it is removed. */
typedef struct
{
  char *filename;
  char *temp_filename;      /* until published */
  int fd;                   /* locked */
  GdciH5FileControl *control;
  hid_t fapl;
  hid_t file;               /* open in HDF5 until closed */
} GdciH5NewFile;

/* Creates the file with the creation properties @fcpl (H5P_DEFAULT for
 * HDF5's), after removing the temporary files that earlier writes of the
 * same name left when they were killed */
GdciH5NewFile *_gdci_h5_new_file_create  (const char     *filename,
                                          hid_t           fcpl,
                                          GError        **error);
/* The error of a write HDF5 made through the driver that failed (HDF5 is
 * not told of them), such as "No space left on device" */
gboolean       _gdci_h5_new_file_check   (GdciH5NewFile  *file,
                                          GError        **error);
/* Closes the file in HDF5, syncs it and renames it into place; a file at
 * its name is replaced only with @replace */
gboolean       _gdci_h5_new_file_publish (GdciH5NewFile  *file,
                                          gboolean        replace,
                                          GError        **error);
void           _gdci_h5_new_file_free    (GdciH5NewFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciH5NewFile, _gdci_h5_new_file_free)

G_END_DECLS
