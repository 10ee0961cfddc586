/* gdci-hdf5-private.h: HDF5 helpers shared by the HDF5 source and writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-dtype.h"

G_BEGIN_DECLS

/* HDF5 prints its error stack on stderr unless told not to. Between
 * begin and end, the calling thread's automatic printing is off; the
 * previous setting comes back at the end. */
typedef struct
{
  H5E_auto2_t func;
  void *data;
} GdciH5Quiet;

void      _gdci_h5_quiet_begin        (GdciH5Quiet  *quiet);
void      _gdci_h5_quiet_end          (GdciH5Quiet  *quiet);

/* Sets @error to the message followed by HDF5's innermost message on the
 * calling thread's error stack, and clears the stack. */
void      _gdci_h5_set_error          (GError      **error,
                                       int           code,
                                       const char   *format,
                                       ...) G_GNUC_PRINTF (3, 4);

hid_t     _gdci_h5_native_type        (GdciDtype     dtype);
/* The GdciDtype of an HDF5 type, or FALSE with a description of the type
 * ("a compound type") that gdci does not read */
gboolean  _gdci_h5_dtype_from_type    (hid_t         type,
                                       GdciDtype    *dtype,
                                       const char  **description);

/* A file access property list for gdci's own POSIX file driver, which can
 * abandon a file whose writes fail (see gdci-h5-file.c); a negative id if
 * HDF5 refused it */
hid_t     _gdci_h5_file_access_plist  (void);
/* From now on, what HDF5 writes to @file is dropped: it can then always be
 * closed */
void      _gdci_h5_file_abandon       (hid_t         file);

/* The type of the object at @path under @loc; FALSE, with HDF5's error
 * stack set, when it cannot be opened. The same code for every HDF5 from
 * 1.10 on, whose H5Oget_info variants differ. */
gboolean  _gdci_h5_object_type        (hid_t         loc,
                                       const char   *path,
                                       H5O_type_t   *type);

/* Closes an HDF5 identifier of any kind, if valid */
void      _gdci_h5_close              (hid_t         id);

G_END_DECLS
