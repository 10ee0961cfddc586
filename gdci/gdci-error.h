/* gdci-error.h: the gdci error domains
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
 *
 * Since: 1.0
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
 *
 * Since: 1.0
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

/**
 * GDCI_PLAN_ERROR:
 *
 * The error domain of the checks on buffer and chunk settings, given by
 * [ctor@Gdci.Plan.new] and by initializing a [class@Gdci.ChunkIterator].
 * Errors in this domain are from the [enum@Gdci.PlanError] enumeration.
 *
 * Since: 1.0
 */
#define GDCI_PLAN_ERROR (gdci_plan_error_quark ())

/**
 * GdciPlanError:
 * @GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS: both a buffer size and a buffer
 *   shape with no free axis are set
 * @GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS: both a chunk size and a chunk shape
 *   with no free axis are set
 * @GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE: the buffer size is zero,
 *   negative or NaN
 * @GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE: the chunk size is zero,
 *   negative or NaN
 * @GDCI_PLAN_ERROR_SIZE_NOT_FINITE: the buffer or chunk size in use is
 *   infinite, or infinite in bytes
 * @GDCI_PLAN_ERROR_WRONG_RANK: the buffer or chunk shape has another number
 *   of axes than the data
 * @GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE: an axis of the buffer shape is
 *   negative, or zero in a shape that also has a negative axis (an axis of
 *   0 is otherwise free, sized by the plan)
 * @GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE: an axis of the chunk shape,
 *   given or computed, is zero or negative (a chunk size smaller than one
 *   element gives such a chunk shape)
 * @GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_DATA: an axis of the chunk shape is
 *   longer than the data's
 * @GDCI_PLAN_ERROR_BUFFER_SHAPE_EXCEEDS_DATA: an axis of the buffer shape is
 *   longer than the data's
 * @GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER: an axis of the chunk shape is
 *   longer than the buffer's
 * @GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING: an axis of the buffer shape is
 *   not a multiple of the chunk's, and not the whole axis of the data
 * @GDCI_PLAN_ERROR_MEMORY_LIMIT: a write with the plan would use more memory
 *   than the limit set for it ([property@Gdci.H5Writer:max-memory])
 *
 * Error codes of the `GDCI_PLAN_ERROR` domain: one for each refusal of the
 * buffer and chunk settings, checked in hdmf's order (the order of the
 * codes above, the two rank checks after the sizes). The messages name the
 * values, as in `buffer-shape (5, 3) exceeds the data shape (4, 3) on axis
 * 0`; a program that shows its own messages (such as the Python drop-in for
 * hdmf, which gives hdmf's) switches on the code.
 *
 * Sizes that do not fit in 64 bits are %GDCI_ERROR_OVERFLOW errors, and a
 * data shape or type that cannot be planned at all %GDCI_ERROR_INVALID_ARGUMENT.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_PLAN_ERROR_BOTH_BUFFER_SETTINGS,
  GDCI_PLAN_ERROR_BOTH_CHUNK_SETTINGS,
  GDCI_PLAN_ERROR_BUFFER_SIZE_NOT_POSITIVE,
  GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
  GDCI_PLAN_ERROR_SIZE_NOT_FINITE,
  GDCI_PLAN_ERROR_WRONG_RANK,
  GDCI_PLAN_ERROR_BUFFER_SHAPE_NOT_POSITIVE,
  GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_POSITIVE,
  GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_DATA,
  GDCI_PLAN_ERROR_BUFFER_SHAPE_EXCEEDS_DATA,
  GDCI_PLAN_ERROR_CHUNK_SHAPE_EXCEEDS_BUFFER,
  GDCI_PLAN_ERROR_CHUNK_SHAPE_NOT_DIVIDING,
  GDCI_PLAN_ERROR_MEMORY_LIMIT,
} GdciPlanError;

GDCI_AVAILABLE_IN_1_0
GQuark gdci_error_quark (void);

GDCI_AVAILABLE_IN_1_0
GQuark gdci_plan_error_quark (void);

G_END_DECLS
