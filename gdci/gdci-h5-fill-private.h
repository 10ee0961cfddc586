/* gdci-h5-fill-private.h: filling a dataset that exists
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-chunk-iterator.h"
#include "gdci-codec-private.h"
#include "gdci-plan.h"

G_BEGIN_DECLS

/* How an existing dataset is filled */
typedef struct
{
  gboolean chunked;
  guint64 chunk[GDCI_MAX_DIMS];   /* the dataset's, when chunked */
  /* TRUE: gdci filters the chunks itself (@codec) and writes them with
   * H5Dwrite_chunk(); FALSE: HDF5 writes each buffer with H5Dwrite(),
   * converting the elements and filtering them its own way */
  gboolean direct;
  GdciCodecSettings codec;
  /* no chunk of it was written before: a roll-back without a journal
   * drops the chunks written */
  gboolean was_empty;
} GdciH5FillLayout;

/* Checks that @dataset (in @filename at @dataset_path, for messages) can
 * take the data of @iter: the same shape, an element type the iterator's
 * converts to exactly (GDCI_ERROR_INVALID_ARGUMENT otherwise), and reads
 * how it is stored. With @fast_gzip, deflate of level 1 to 3 is written
 * with the fast engine. */
gboolean  _gdci_h5_fill_inspect   (hid_t               dataset,
                                   GdciChunkIterator  *iter,
                                   gboolean            fast_gzip,
                                   const char         *filename,
                                   const char         *dataset_path,
                                   GdciH5FillLayout   *layout,
                                   GError            **error);

/* Says, as a message of the "Gdci" log domain, when the dataset's
 * storage makes its fill slow: HDF5 filters it on one thread, or its
 * chunks are so small that writing them costs more than their data */
void      _gdci_h5_fill_warn_if_slow (const GdciH5FillLayout *layout,
                                      const char             *filename,
                                      const char             *dataset_path);

/* The plan to read @iter with, so that its buffers are whole chunks of
 * the dataset: NULL (and no error) when its own plan does it already */
GdciPlan *_gdci_h5_fill_read_plan (GdciChunkIterator       *iter,
                                   const GdciH5FillLayout  *layout,
                                   GError                 **error);

/* After a failed fill of a dataset that @layout says was empty: drops the
 * chunks written, so that it reads as its fill value again. Best effort. */
void      _gdci_h5_fill_drop_chunks (hid_t                   dataset,
                                     const GdciH5FillLayout *layout);

G_END_DECLS
