/* gdci-raw-file-iterator-private.h: what the raw file sources use of their
 * base class: the file, its layout, and reading a selection in strips
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-buffer-pool-private.h"
#include "gdci-raw-file-iterator.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

/* The most file data a buffer's reads hold at once beyond the buffer */
#define GDCI_RAW_FILE_STRIP_BYTES ((gsize) 16 * 1024 * 1024)

/* The array in the file, as found by the prepare step */
typedef struct
{
  guint n_dims;
  gsize itemsize;
  GdciOrder order;
  guint64 shape[GDCI_MAX_DIMS];
  gint64 strides[GDCI_MAX_DIMS];   /* bytes per index, in the file */
  guint64 offset;                  /* of the first element */
  guint64 end;                     /* the offset plus the array's bytes */
} GdciRawLayout;

const GdciRawLayout *_gdci_raw_file_iterator_get_layout   (GdciRawFileIterator  *self);
/* The open file, or -1 before the prepare step */
int                  _gdci_raw_file_iterator_get_fd       (GdciRawFileIterator  *self);

/* Fails with GDCI_ERROR_IO, naming the file and its size now, when the file
 * is shorter than @needed_end bytes */
gboolean  _gdci_raw_file_iterator_check_size        (GdciRawFileIterator  *self,
                                                     guint64               needed_end,
                                                     GError              **error);
/* The file bytes [first, end) that hold the elements of @selection */
void      _gdci_raw_file_iterator_selection_span    (GdciRawFileIterator  *self,
                                                     const GdciSelection  *selection,
                                                     guint64              *first,
                                                     guint64              *end);
/* Memory for the C-order buffer of @selection, whose size goes to @n_bytes;
 * GDCI_ERROR_OVERFLOW when it is more than the address space */
GdciBufferLease *_gdci_raw_file_iterator_alloc_buffer (GdciRawFileIterator  *self,
                                                       const GdciSelection  *selection,
                                                       gsize                *n_bytes,
                                                       GError              **error);

/* A run of the file holding a box of a selection: @length bytes from file
 * position @position, and where the box goes in the selection's buffer */
typedef struct
{
  guint64 position;
  gsize length;
  const guint64 *extent;        /* of the box */
  guint8 *dst;                  /* the box's first element in the buffer */
  const gint64 *dst_strides;    /* the buffer's C-order strides */
} GdciRawStrip;

typedef gboolean (*GdciRawStripFunc) (GdciRawFileIterator  *self,
                                      const GdciRawStrip   *strip,
                                      gpointer              user_data,
                                      GError              **error);

/* Reads @selection into @buffer in strips of at most @budget bytes of the
 * file, each a box of the selection, in file order: @func gets each and
 * fills its box, with _gdci_raw_file_iterator_copy_strip () for example */
gboolean  _gdci_raw_file_iterator_foreach_strip     (GdciRawFileIterator  *self,
                                                     const GdciSelection  *selection,
                                                     gsize                 budget,
                                                     guint8               *buffer,
                                                     GdciRawStripFunc      func,
                                                     gpointer              user_data,
                                                     GError              **error);
/* Copies the box of @strip from @src, the strip's bytes of the file */
void      _gdci_raw_file_iterator_copy_strip        (GdciRawFileIterator  *self,
                                                     const GdciRawStrip   *strip,
                                                     const guint8         *src);

/* gdci_memmap_iterator_new () and gdci_file_iterator_new () */
gpointer  _gdci_raw_file_iterator_new               (GType                 type,
                                                     const char           *path,
                                                     GdciDtype             dtype,
                                                     const guint64        *shape,
                                                     guint                 n_dims,
                                                     guint64               offset,
                                                     GdciOrder             order,
                                                     GError              **error);

G_END_DECLS
