/* gdci-chunk-iterator.h: split a dataset into chunk-aligned buffers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gdci-data-chunk.h"
#include "gdci-dtype.h"
#include "gdci-plan.h"
#include "gdci-selection.h"
#include "gdci-version.h"

G_BEGIN_DECLS

#define GDCI_TYPE_CHUNK_ITERATOR (gdci_chunk_iterator_get_type ())

GDCI_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (GdciChunkIterator, gdci_chunk_iterator,
                          GDCI, CHUNK_ITERATOR, GObject)

/**
 * GdciChunkIteratorClass:
 * @parent_class: the parent class
 * @get_data: reads the elements of a selection of the dataset into memory,
 *   in C order. It must return exactly the selection's number of elements
 *   times the item size, or %NULL with the error set.
 * @get_maxshape: returns the shape of the full dataset. Called once, during
 *   initialization.
 * @get_dtype: returns the element type of the dataset. Called once, during
 *   initialization.
 * @serialize: returns an `a{sv}` dictionary of the construct properties that
 *   describe the data source, from which
 *   [func@Gdci.ChunkIterator.deserialize] can build an equal iterator. Not
 *   implementing it makes [method@Gdci.ChunkIterator.serialize] fail with
 *   %GDCI_ERROR_NOT_SUPPORTED.
 * @prepare: opens and checks the data source; called once by
 *   [method@Gio.Initable.init] before @get_dtype and @get_maxshape, so that a
 *   source that cannot be read fails initialization with an error. Optional.
 * @progress: class handler of the [signal@Gdci.ChunkIterator::progress]
 *   signal
 *
 * The virtual methods a data source implements. Only @get_data,
 * @get_maxshape and @get_dtype are required, as in hdmf's
 * `GenericDataChunkIterator`.
 *
 * Since: 1.0
 */
struct _GdciChunkIteratorClass
{
  GObjectClass parent_class;

  GBytes   *(*get_data)     (GdciChunkIterator  *self,
                             GdciSelection      *selection,
                             GError            **error);
  GArray   *(*get_maxshape) (GdciChunkIterator  *self);
  GdciDtype (*get_dtype)    (GdciChunkIterator  *self);
  GVariant *(*serialize)    (GdciChunkIterator  *self,
                             GError            **error);
  gboolean  (*prepare)      (GdciChunkIterator  *self,
                             GCancellable       *cancellable,
                             GError            **error);

  void      (*progress)     (GdciChunkIterator  *self,
                             guint64             buffers_done,
                             guint64             n_buffers);

  /*< private >*/
  gpointer padding[12];
};

GDCI_AVAILABLE_IN_1_0
const guint64     *gdci_chunk_iterator_get_full_shape            (GdciChunkIterator  *self,
                                                                guint              *n_dims);
GDCI_AVAILABLE_IN_1_0
GdciPlan          *gdci_chunk_iterator_get_plan                (GdciChunkIterator  *self);
GDCI_AVAILABLE_IN_1_0
guint              gdci_chunk_iterator_get_n_dims              (GdciChunkIterator  *self);
GDCI_AVAILABLE_IN_1_0
GdciDtype          gdci_chunk_iterator_get_dtype               (GdciChunkIterator  *self);
GDCI_AVAILABLE_IN_1_0
const guint64     *gdci_chunk_iterator_get_chunk_shape         (GdciChunkIterator  *self,
                                                                guint              *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64     *gdci_chunk_iterator_get_buffer_shape        (GdciChunkIterator  *self,
                                                                guint              *n_dims);
GDCI_AVAILABLE_IN_1_0
guint64            gdci_chunk_iterator_get_n_buffers           (GdciChunkIterator  *self);
GDCI_AVAILABLE_IN_1_0
guint64            gdci_chunk_iterator_get_position            (GdciChunkIterator  *self);
GDCI_AVAILABLE_IN_1_0
GdciSelection     *gdci_chunk_iterator_get_buffer_selection    (GdciChunkIterator  *self,
                                                                guint64             index);
GDCI_AVAILABLE_IN_1_0
GdciDataChunk     *gdci_chunk_iterator_next                    (GdciChunkIterator  *self,
                                                                GError            **error);
GDCI_AVAILABLE_IN_1_0
gboolean           gdci_chunk_iterator_reset                   (GdciChunkIterator  *self,
                                                                GError            **error);
GDCI_AVAILABLE_IN_1_0
const guint64     *gdci_chunk_iterator_recommended_chunk_shape (GdciChunkIterator  *self,
                                                                guint              *n_dims);
GDCI_AVAILABLE_IN_1_0
const guint64     *gdci_chunk_iterator_recommended_data_shape  (GdciChunkIterator  *self,
                                                                guint              *n_dims);
GDCI_AVAILABLE_IN_1_0
GVariant          *gdci_chunk_iterator_serialize               (GdciChunkIterator  *self,
                                                                GError            **error);
GDCI_AVAILABLE_IN_1_0
GdciChunkIterator *gdci_chunk_iterator_deserialize             (GVariant           *variant,
                                                                GError            **error);

G_END_DECLS
