/* gdci-repacker.h: rewriting a whole HDF5 file with new chunks and filters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gdci-h5-writer.h"

G_BEGIN_DECLS

#define GDCI_TYPE_REPACKER (gdci_repacker_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (GdciRepacker, gdci_repacker, GDCI, REPACKER, GObject)

GDCI_AVAILABLE_IN_1_0
GdciRepacker       *gdci_repacker_new                (void);

GDCI_AVAILABLE_IN_1_0
GdciH5Writer       *gdci_repacker_get_writer         (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_writer         (GdciRepacker   *self,
                                                      GdciH5Writer   *writer);
GDCI_AVAILABLE_IN_1_0
gboolean            gdci_repacker_get_replace_filters (GdciRepacker  *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_replace_filters (GdciRepacker  *self,
                                                       gboolean       replace_filters);
GDCI_AVAILABLE_IN_1_0
double              gdci_repacker_get_chunk_mb       (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_chunk_mb       (GdciRepacker   *self,
                                                      double          chunk_mb);
GDCI_AVAILABLE_IN_1_0
guint64             gdci_repacker_get_min_size       (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_min_size       (GdciRepacker   *self,
                                                      guint64         min_size);
GDCI_AVAILABLE_IN_1_0
const char * const *gdci_repacker_get_datasets       (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_datasets       (GdciRepacker   *self,
                                                      const char * const *datasets);
GDCI_AVAILABLE_IN_1_0
GVariant           *gdci_repacker_get_chunk_shape    (GdciRepacker   *self,
                                                      const char     *dataset);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_chunk_shape    (GdciRepacker   *self,
                                                      const char     *dataset,
                                                      GVariant       *chunk_shape);
GDCI_AVAILABLE_IN_1_0
gboolean            gdci_repacker_get_overwrite      (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_set_overwrite      (GdciRepacker   *self,
                                                      gboolean        overwrite);

GDCI_AVAILABLE_IN_1_0
guint               gdci_repacker_get_n_objects      (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
guint               gdci_repacker_get_n_rewritten    (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
guint               gdci_repacker_get_n_copied       (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
guint64             gdci_repacker_get_bytes_in       (GdciRepacker   *self);
GDCI_AVAILABLE_IN_1_0
guint64             gdci_repacker_get_bytes_out      (GdciRepacker   *self);

GDCI_AVAILABLE_IN_1_0
gboolean            gdci_repacker_repack             (GdciRepacker        *self,
                                                      const char          *in_filename,
                                                      const char          *out_filename,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
GDCI_AVAILABLE_IN_1_0
void                gdci_repacker_repack_async       (GdciRepacker        *self,
                                                      const char          *in_filename,
                                                      const char          *out_filename,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GDCI_AVAILABLE_IN_1_0
gboolean            gdci_repacker_repack_finish      (GdciRepacker        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
