/* gdci-dtype.h: element types
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
 * GdciDtype:
 * @GDCI_DTYPE_INT8: signed 8-bit integer (numpy `int8`)
 * @GDCI_DTYPE_UINT8: unsigned 8-bit integer (numpy `uint8`)
 * @GDCI_DTYPE_INT16: signed 16-bit integer (numpy `int16`)
 * @GDCI_DTYPE_UINT16: unsigned 16-bit integer (numpy `uint16`)
 * @GDCI_DTYPE_INT32: signed 32-bit integer (numpy `int32`)
 * @GDCI_DTYPE_UINT32: unsigned 32-bit integer (numpy `uint32`)
 * @GDCI_DTYPE_INT64: signed 64-bit integer (numpy `int64`)
 * @GDCI_DTYPE_UINT64: unsigned 64-bit integer (numpy `uint64`)
 * @GDCI_DTYPE_FLOAT32: IEEE 754 single precision (numpy `float32`)
 * @GDCI_DTYPE_FLOAT64: IEEE 754 double precision (numpy `float64`)
 *
 * The element type of a dataset. Elements are always in the byte order of
 * the machine gdci runs on.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_DTYPE_INT8,
  GDCI_DTYPE_UINT8,
  GDCI_DTYPE_INT16,
  GDCI_DTYPE_UINT16,
  GDCI_DTYPE_INT32,
  GDCI_DTYPE_UINT32,
  GDCI_DTYPE_INT64,
  GDCI_DTYPE_UINT64,
  GDCI_DTYPE_FLOAT32,
  GDCI_DTYPE_FLOAT64,
} GdciDtype;

GDCI_AVAILABLE_IN_1_0
gboolean     gdci_dtype_is_valid     (int dtype);

GDCI_AVAILABLE_IN_1_0
gsize        gdci_dtype_get_itemsize (GdciDtype dtype);

GDCI_AVAILABLE_IN_1_0
const char  *gdci_dtype_to_string    (GdciDtype dtype);

GDCI_AVAILABLE_IN_1_0
gboolean     gdci_dtype_from_string  (const char  *str,
                                      GdciDtype   *dtype,
                                      GError     **error);

G_END_DECLS
