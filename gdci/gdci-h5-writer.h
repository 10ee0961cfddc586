/* gdci-h5-writer.h: writing a chunk iterator into an HDF5 dataset
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gdci-chunk-iterator.h"
#include "gdci-compression.h"
#include "gdci-plan.h"
#include "gdci-write-mode.h"

G_BEGIN_DECLS

#define GDCI_TYPE_H5_WRITER (gdci_h5_writer_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciH5Writer, gdci_h5_writer, GDCI, H5_WRITER, GObject)

GDCI_AVAILABLE_IN_1_0
GdciH5Writer    *gdci_h5_writer_new                   (void);

GDCI_AVAILABLE_IN_1_0
GdciCompression  gdci_h5_writer_get_compression       (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_compression       (GdciH5Writer         *self,
                                                       GdciCompression       compression);
GDCI_AVAILABLE_IN_1_0
int              gdci_h5_writer_get_compression_level (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_compression_level (GdciH5Writer         *self,
                                                       int                   level);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_get_shuffle           (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_shuffle           (GdciH5Writer         *self,
                                                       gboolean              shuffle);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_get_bitshuffle        (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_bitshuffle        (GdciH5Writer         *self,
                                                       gboolean              bitshuffle);
GDCI_AVAILABLE_IN_1_0
GdciBloscCodec   gdci_h5_writer_get_blosc_codec       (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_blosc_codec       (GdciH5Writer         *self,
                                                       GdciBloscCodec        codec);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_get_fletcher32        (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_fletcher32        (GdciH5Writer         *self,
                                                       gboolean              fletcher32);
GDCI_AVAILABLE_IN_1_0
guint            gdci_h5_writer_get_n_threads         (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_n_threads         (GdciH5Writer         *self,
                                                       guint                 n_threads);
GDCI_AVAILABLE_IN_1_0
guint            gdci_h5_writer_get_n_threads_used    (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
GdciWriteMode    gdci_h5_writer_get_mode              (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_mode              (GdciH5Writer         *self,
                                                       GdciWriteMode         mode);

GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_writer_get_max_memory        (GdciH5Writer         *self);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_set_max_memory        (GdciH5Writer         *self,
                                                       guint64               max_memory);
GDCI_AVAILABLE_IN_1_0
guint64          gdci_h5_writer_estimate_memory       (GdciH5Writer         *self,
                                                       const GdciPlan       *plan,
                                                       guint64              *buffer_bytes,
                                                       guint64              *read_ahead_bytes,
                                                       guint64              *scratch_bytes);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_check_memory          (GdciH5Writer         *self,
                                                       const GdciPlan       *plan,
                                                       GError              **error);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_write                 (GdciH5Writer         *self,
                                                       GdciChunkIterator    *iter,
                                                       const char           *filename,
                                                       const char           *dataset_path,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_fill_dataset          (GdciH5Writer         *self,
                                                       GdciChunkIterator    *iter,
                                                       gint64                dataset_id,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
GDCI_AVAILABLE_IN_1_0
void             gdci_h5_writer_write_async           (GdciH5Writer         *self,
                                                       GdciChunkIterator    *iter,
                                                       const char           *filename,
                                                       const char           *dataset_path,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GDCI_AVAILABLE_IN_1_0
gboolean         gdci_h5_writer_write_finish          (GdciH5Writer         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
