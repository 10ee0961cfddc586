/* test-h5-fill-util.h: datasets made with HDF5's own calls, as h5py and
 * hdmf make them, for the tests of a fill
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* The filter ids and cd_values hdf5plugin gives H5Pset_filter() (with
 * H5Z_FLAG_OPTIONAL, as h5py does for a filter of a plugin) */
#define TEST_FILTER_BLOSC      32001
#define TEST_FILTER_LZ4        32004
#define TEST_FILTER_BITSHUFFLE 32008
#define TEST_FILTER_ZSTD       32015

/* A dataset to make: its element type, shape, and how it is stored */
typedef struct
{
  hid_t type;                 /* a file type, such as H5T_STD_I16LE */
  guint n_dims;
  hsize_t dims[3];
  hsize_t maxdims[3];         /* all 0: as dims */
  hsize_t chunk[3];           /* all 0: contiguous */
  gboolean shuffle;
  int deflate;                /* its level; 0: none */
  H5Z_filter_t plugin;        /* one of hdf5plugin's, or 0 */
  gboolean plugin_required;   /* H5Z_FLAG_MANDATORY, not optional */
  guint n_plugin_cd;
  unsigned plugin_cd[8];
  gboolean scaleoffset;       /* integer scale-offset, lossless */
  gboolean nbit;              /* N-bit (of a type with fewer bits of precision) */
  gboolean fletcher32;
  gboolean fill_value;        /* -7, converted to the type */
} TestDataset;

/* Makes @name (its groups too) in @path, created when it does not exist,
 * with no data written */
void       test_fill_make_dataset     (const char         *path,
                                       const char         *name,
                                       const TestDataset  *spec);

/* The elements of @name in @path, read by H5Dread() as @mem_type */
GBytes    *test_fill_read             (const char         *path,
                                       const char         *name,
                                       hid_t               mem_type);

/* How @name in @path is stored, as text: its type, shape, maximum shape,
 * layout, chunk shape, every filter (id, flags, cd_values) and fill value;
 * what a fill must not change */
char      *test_fill_describe         (const char         *path,
                                       const char         *name);

/* Stored chunks of @name in @path */
hsize_t    test_fill_n_chunks         (const char         *path,
                                       const char         *name);

/* The filter mask and stored bytes of the chunk at @offset of @name in
 * @path */
void       test_fill_chunk_storage    (const char         *path,
                                       const char         *name,
                                       const hsize_t      *offset,
                                       unsigned           *filter_mask,
                                       hsize_t            *size);

/* An array iterator over @data of @dtype and @shape, with @buffer_shape
 * and @chunk_shape (GVariant text, such as "[uint64 50, 30]") */
GdciChunkIterator *test_fill_iterator (GBytes             *data,
                                       GdciDtype           dtype,
                                       const guint64      *shape,
                                       guint               n_dims,
                                       const char         *buffer_shape,
                                       const char         *chunk_shape);

/* Fills @name in @path with @it by a writer in FILL mode of @compression
 * and two threads; the writer's n-threads-used in *@n_threads_used. A
 * fill that succeeds said so in its last progress: all its bytes done. */
gboolean   test_fill                  (const char         *path,
                                       const char         *name,
                                       GdciChunkIterator  *it,
                                       GdciCompression     compression,
                                       guint              *n_threads_used,
                                       GError            **error);

/* An int16 array of @n elements that shuffles and compresses like a
 * recording: a slow wave, noise, and every 97th the extremes */
GBytes    *test_fill_recording        (gsize               n,
                                       guint32             seed);

G_END_DECLS
