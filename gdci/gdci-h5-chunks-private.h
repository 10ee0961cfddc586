/* gdci-h5-chunks-private.h: a chunked HDF5 dataset read chunk by chunk,
 * outside HDF5's filter pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

#include "gdci-dtype.h"

G_BEGIN_DECLS

typedef struct _GdciH5Chunks GdciH5Chunks;

/* The checks HDF5 lets gdci make before any read of @dataset (of @dtype
 * and @shape, in @file): its storage within the file, its chunk index
 * readable. FALSE with an error naming @filename and @dataset_path when
 * they fail. Otherwise TRUE, and *@chunks is a reader of the dataset's raw
 * chunks when gdci decodes them itself (a chunked dataset with one or more
 * filters, all of them deflate, shuffle or Fletcher-32, of a standard
 * integer or IEEE type), or NULL when H5Dread() must read it. The reader borrows
 * @dataset and the names, which must outlive it. */
gboolean  _gdci_h5_chunks_open  (hid_t           file,
                                 hid_t           dataset,
                                 GdciDtype       dtype,
                                 guint           n_dims,
                                 const guint64  *shape,
                                 const char     *filename,
                                 const char     *dataset_path,
                                 GdciH5Chunks  **chunks,
                                 GError        **error);

/* Reads the box of @count elements at @start into @dest, C order in the
 * native byte order, as H5Dread() would: chunks never written are the
 * dataset's fill value. FALSE, with a GDCI_ERROR_INVALID_DATA error naming
 * the chunk, when a chunk is damaged. One thread at a time; it makes
 * every HDF5 call in the calling thread, and may decode on others (see
 * _gdci_h5_chunks_set_n_threads()), all finished when it returns. */
gboolean  _gdci_h5_chunks_read  (GdciH5Chunks   *chunks,
                                 const guint64  *start,
                                 const guint64  *count,
                                 guint8         *dest,
                                 GError        **error);

/* The most threads the reads decode on: 1 (the default) decodes in the
 * calling thread; 0 one per processor. Not while a read runs. */
void      _gdci_h5_chunks_set_n_threads (GdciH5Chunks *chunks,
                                         guint         n_threads);

void      _gdci_h5_chunks_free  (GdciH5Chunks   *chunks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciH5Chunks, _gdci_h5_chunks_free)

G_END_DECLS
