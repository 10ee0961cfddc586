/* gdci-error.h: the gdci error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib.h>

#include "gdci-version.h"

G_BEGIN_DECLS

/**
 * GDCI_ERROR:
 *
 * The error domain of gdci. Errors in this domain are from the
 * [enum@Gdci.Error] enumeration.
 */
#define GDCI_ERROR (gdci_error_quark ())

/**
 * GdciError:
 * @GDCI_ERROR_FAILED: a failure that fits no other code
 * @GDCI_ERROR_INVALID_ARGUMENT: a setting, shape or value given by the caller
 *   is not acceptable (the message says which and why)
 * @GDCI_ERROR_NOT_SUPPORTED: the operation or type is not supported, for
 *   example a data type gdci does not handle, or serializing an iterator
 *   whose class does not implement it
 * @GDCI_ERROR_OVERFLOW: a size (bytes of a buffer or chunk, number of
 *   buffers) does not fit in 64 bits
 * @GDCI_ERROR_INVALID_DATA: a data source returned data that does not match
 *   what was asked for (wrong size, missing data), or a file's contents are
 *   not what they claim to be
 * @GDCI_ERROR_NOT_INITIALIZED: the object was used before
 *   [method@Gio.Initable.init] succeeded
 * @GDCI_ERROR_IO: reading or writing a file failed
 * @GDCI_ERROR_NOT_FOUND: a file, group or dataset does not exist
 * @GDCI_ERROR_EXISTS: the target already exists and may not be replaced
 * @GDCI_ERROR_HDF5: the HDF5 library reported an error; the message carries
 *   its text
 * @GDCI_ERROR_BUSY: the object is in use by an operation that is still
 *   running, such as an iterator that a [class@Gdci.H5Writer] is writing
 *
 * Error codes of the `GDCI_ERROR` domain.
 */
typedef enum {
  GDCI_ERROR_FAILED,
  GDCI_ERROR_INVALID_ARGUMENT,
  GDCI_ERROR_NOT_SUPPORTED,
  GDCI_ERROR_OVERFLOW,
  GDCI_ERROR_INVALID_DATA,
  GDCI_ERROR_NOT_INITIALIZED,
  GDCI_ERROR_IO,
  GDCI_ERROR_NOT_FOUND,
  GDCI_ERROR_EXISTS,
  GDCI_ERROR_HDF5,
  GDCI_ERROR_BUSY,
} GdciError;

GDCI_AVAILABLE_IN_ALL
GQuark gdci_error_quark (void);

G_END_DECLS
