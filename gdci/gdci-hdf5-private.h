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

/* H5Fopen() to read; a file that a writer in HDF5's SWMR mode has open,
 * or left marked as open when it was killed (as a GdciH5Stream's file), is
 * opened in SWMR read mode, as it is up to its last flush. On failure the
 * error stack is the plain open's. */
hid_t     _gdci_h5_open_to_read       (const char   *path);
/* The GdciDtype of an HDF5 type, or FALSE with a description of the type
 * ("a compound type") that gdci does not read */
gboolean  _gdci_h5_dtype_from_type    (hid_t         type,
                                       GdciDtype    *dtype,
                                       const char  **description);

/* The type of the object at @path under @loc; FALSE, with HDF5's error
 * stack set, when it cannot be opened. The same code for every HDF5 from
 * 1.10 on, whose H5Oget_info variants differ. */
gboolean  _gdci_h5_object_type        (hid_t         loc,
                                       const char   *path,
                                       H5O_type_t   *type);

/* @path with empty and "." components dropped: "a//b/" is "/a/b", and
 * the root "" */
char     *_gdci_h5_normalize_path     (const char   *path);

/* Whether HDF5's error stack of the calling thread holds an error of
 * minor number @minor (such as H5E_NOTHDF5); the stack is kept */
gboolean  _gdci_h5_error_has_minor    (hid_t         minor);

/* What _gdci_h5_inspect_path() found at a path */
typedef enum
{
  GDCI_H5_PATH_ERROR = -1,   /* HDF5 failed; the error is set */
  GDCI_H5_PATH_MISSING,      /* @walked is the first component that is missing */
  GDCI_H5_PATH_FOUND,        /* @walked is the path; @type says what is there */
  GDCI_H5_PATH_BLOCKED,      /* @walked, before the end, is not a group */
} GdciH5PathStatus;

/* Walks @path in @file component by component (empty and "." components
 * skipped), for the messages of the HDF5 source and writer, which name
 * @filename. @walked receives the normalized path up to where the walk
 * stopped ("" for the root), and @type the type of the object there.
 * Without @stop_at_non_group, a path through a dataset is HDF5's error
 * rather than GDCI_H5_PATH_BLOCKED. */
GdciH5PathStatus _gdci_h5_inspect_path (hid_t         file,
                                        const char   *path,
                                        const char   *filename,
                                        gboolean      stop_at_non_group,
                                        GString      *walked,
                                        H5O_type_t   *type,
                                        GError      **error);

/* Closes an HDF5 identifier of any kind, if valid */
void      _gdci_h5_close              (hid_t         id);

G_END_DECLS
