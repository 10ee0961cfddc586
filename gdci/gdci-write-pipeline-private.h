/* gdci-write-pipeline-private.h: the threads of a write
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

#include "gdci-chunk-iterator.h"
#include "gdci-codec-private.h"

G_BEGIN_DECLS

/* What a write moves, and where to */
typedef struct
{
  GdciChunkIterator *iter;      /* in use by the write, at its first buffer */
  hid_t dataset;                /* created with the chunk shape below */
  const int *io_error;          /* the file driver's errno of a failed
                                 * write, which HDF5 is not told, or 0 */
  const char *filename;         /* for messages */
  guint n_dims;
  guint64 chunk[GDCI_MAX_DIMS];
  GdciDtype dtype;
  guint64 bytes_total;          /* of the whole dataset, uncompressed */
  /* TRUE: the chunks are filtered with @codec on @n_workers (at least 1)
   * threads and written with H5Dwrite_chunk(); FALSE: HDF5 writes each
   * buffer with H5Dwrite() (no threads: @n_workers is 0) */
  gboolean direct;
  GdciCodecSettings codec;
  guint n_workers;
  GCancellable *cancellable;

  /* In the calling thread, after every chunk written, with the
   * uncompressed bytes written so far */
  void (*written) (guint64   bytes_done,
                   gpointer  user_data);
  gpointer user_data;
} GdciWriteSpec;

/* Reads @spec->iter in a reader thread, one buffer ahead, filters its
 * chunks on @spec->n_workers threads, and writes them in this thread with
 * HDF5's direct chunk write, in order. Returns when every thread is
 * joined: on success, or with the first error (G_IO_ERROR_CANCELLED when
 * @spec->cancellable was cancelled). */
gboolean    _gdci_write_pipeline_run   (const GdciWriteSpec  *spec,
                                        GError              **error);

/* For the tests: the thread started @index-th by the next runs (0 is the
 * reader, then the compression threads) fails to start; G_MAXUINT for
 * none. Not thread-safe. */
void        _gdci_write_pipeline_fail_thread_start (guint index);

G_END_DECLS
