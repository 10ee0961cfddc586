/* gdci-h5-stream.h: recording frames as they arrive into a growing HDF5
 * dataset
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gdci-compression.h"
#include "gdci-dtype.h"

G_BEGIN_DECLS

#define GDCI_TYPE_H5_STREAM (gdci_h5_stream_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciH5Stream, gdci_h5_stream, GDCI, H5_STREAM, GObject)

GDCI_AVAILABLE_IN_1_0
GdciH5Stream    *gdci_h5_stream_new                   (const char    *filename,
                                                       const char    *dataset_path,
                                                       GdciDtype      dtype,
                                                       GVariant      *frame_shape,
                                                       GCancellable  *cancellable,
                                                       GError       **error);

GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_stream_append                (GdciH5Stream  *self,
                                                       GBytes        *frames,
                                                       GError       **error);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_stream_flush                 (GdciH5Stream  *self,
                                                       GCancellable  *cancellable,
                                                       GError       **error);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_stream_close                 (GdciH5Stream  *self,
                                                       GCancellable  *cancellable,
                                                       GError       **error);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_stream_is_closed             (GdciH5Stream  *self);

GDCI_AVAILABLE_IN_1_0
const char      *gdci_h5_stream_get_filename          (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
const char      *gdci_h5_stream_get_dataset_path      (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
GdciDtype        gdci_h5_stream_get_dtype             (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
GVariant        *gdci_h5_stream_get_frame_shape       (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
GVariant        *gdci_h5_stream_get_chunk_shape       (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
gsize            gdci_h5_stream_get_frame_bytes       (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_stream_get_swmr              (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
double           gdci_h5_stream_get_flush_interval    (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_stream_get_max_backlog_bytes (GdciH5Stream  *self);

GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_stream_get_frames_appended   (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_stream_get_frames_durable    (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_stream_get_backlog_bytes     (GdciH5Stream  *self);
GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_stream_get_bytes_written     (GdciH5Stream  *self);

G_END_DECLS
