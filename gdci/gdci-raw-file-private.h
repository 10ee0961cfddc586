/* gdci-raw-file-private.h: the shared part of the raw file sources
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-dtype.h"
#include "gdci-order.h"
#include "gdci-buffer-pool-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-copy-private.h"
#include "gdci-memory-private.h"
#include "gdci-selection-private.h"
#include "gdci-serialize-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-test-hooks-private.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

#define GDCI_RAW_FILE_N_PROPS 5

/* The most file data a buffer's reads hold at once beyond the buffer */
#define GDCI_RAW_FILE_STRIP_BYTES ((gsize) 16 * 1024 * 1024)

typedef struct
{
  /* properties */
  char *path;
  GdciDtype dtype;
  GVariant *shape_arg;
  guint64 offset;
  GdciOrder order;

  /* found by _gdci_raw_file_open () */
  int fd;
  guint64 file_size;
  guint64 data_bytes;
  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
  gint64 strides[GDCI_MAX_DIMS];   /* bytes per index, in the file */
} GdciRawFile;

void      _gdci_raw_file_init                (GdciRawFile          *raw);
void      _gdci_raw_file_clear               (GdciRawFile          *raw);
void      _gdci_raw_file_install_properties  (GObjectClass         *klass,
                                              guint                 first_prop_id);
gboolean  _gdci_raw_file_set_property        (GdciRawFile          *raw,
                                              guint                 prop_id,
                                              const GValue         *value);
gboolean  _gdci_raw_file_get_property        (GdciRawFile          *raw,
                                              guint                 prop_id,
                                              GValue               *value);
gboolean  _gdci_raw_file_open                (GdciRawFile          *raw,
                                              GError              **error);
GArray   *_gdci_raw_file_get_maxshape        (GdciRawFile          *raw);
GVariant *_gdci_raw_file_serialize           (GdciRawFile          *raw);
gboolean  _gdci_raw_file_check_size          (GdciRawFile          *raw,
                                              guint64               needed_end,
                                              GError              **error);
/* the file bytes [first, end) that hold the elements of @selection */
void      _gdci_raw_file_selection_span      (GdciRawFile          *raw,
                                              const GdciSelection  *selection,
                                              guint64              *first,
                                              guint64              *end);

/* gdci_memmap_iterator_new () and gdci_file_iterator_new () */
gpointer  _gdci_raw_file_new_iterator        (GType                 type,
                                              const char           *path,
                                              GdciDtype             dtype,
                                              const guint64        *shape,
                                              guint                 n_dims,
                                              guint64               offset,
                                              GdciOrder             order,
                                              GError              **error);

/* Reading a selection in strips: runs of the file of at most @budget bytes,
 * each holding a box of the selection. For each, in file order, @func gets
 * the file position and length of the run, the box's extent, and where the
 * box starts in the C-order buffer of the selection (in bytes). */
typedef gboolean (*GdciStripFunc) (GdciRawFile     *raw,
                                   guint64          position,
                                   gsize            length,
                                   const guint64   *extent,
                                   guint64          dst_offset,
                                   gpointer         user_data,
                                   GError         **error);

gboolean  _gdci_raw_file_foreach_strip       (GdciRawFile          *raw,
                                              const GdciSelection  *selection,
                                              gsize                 budget,
                                              GdciStripFunc         func,
                                              gpointer              user_data,
                                              GError              **error);

G_END_DECLS
