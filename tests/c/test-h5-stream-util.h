/* test-h5-stream-util.h: GdciH5Stream's frames made up and read back with
 * HDF5's own calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>
#include <hdf5.h>

#include "test-util.h"

G_BEGIN_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestOutDir, test_out_dir_clear)

/* A stream of @dtype and @frame_shape (GVariant text, such as "@at [5]")
 * writing @dataset of @path, with the other properties given as name,
 * value pairs ending with NULL; NULL with @error set when it is refused */
GdciH5Stream *stream_open             (const char     *path,
                                       const char     *dataset,
                                       GdciDtype       dtype,
                                       const char     *frame_shape,
                                       GError        **error,
                                       const char     *first_property_name,
                                       ...);

/* The @n frames from frame @first of frames of @frame_elements elements:
 * element k of the recording (counted over every frame) has the value
 * expected_value() gives for k */
GBytes       *make_frames             (GdciDtype       dtype,
                                       gsize           frame_elements,
                                       guint64         first,
                                       guint64         n);
/* Writes element @k's value, as @dtype, at @dst */
void          expected_value          (GdciDtype       dtype,
                                       guint64         k,
                                       guint8         *dst);
/* Appends @n frames from frame @first, asserting it succeeds */
void          append_frames           (GdciH5Stream   *stream,
                                       guint64         first,
                                       guint64         n);

/* What HDF5 reads back of a dataset, and how it is stored */
#define READ_BACK_MAX_FILTERS 8
typedef struct
{
  guint n_dims;
  hsize_t dims[GDCI_MAX_DIMS];
  hsize_t chunk[GDCI_MAX_DIMS];
  guint n_filters;
  H5Z_filter_t filters[READ_BACK_MAX_FILTERS];
  unsigned int cd[READ_BACK_MAX_FILTERS][8];
  size_t n_cd[READ_BACK_MAX_FILTERS];
  guint8 *data;
  gsize n_bytes;
} ReadBack;

void          read_back_clear         (ReadBack       *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReadBack, read_back_clear)

/* Opens @path with @flags (H5F_ACC_RDONLY, or with H5F_ACC_SWMR_READ),
 * asserts that @dataset is a chunked dataset of @dtype's type, and reads
 * it whole with H5Dread() */
void          read_back               (const char     *path,
                                       const char     *dataset,
                                       GdciDtype       dtype,
                                       unsigned int    flags,
                                       ReadBack       *r);

/* Asserts that @r has the shape (@n_frames, *@frame_shape) and holds the
 * frames make_frames() makes, element by element */
void          assert_frames           (const ReadBack *r,
                                       GdciDtype       dtype,
                                       const guint64  *frame_shape,
                                       guint           n_frame_dims,
                                       guint64         n_frames);

/* read_back() then assert_frames() of a closed stream's file */
void          assert_file_frames      (const char     *path,
                                       const char     *dataset,
                                       GdciDtype       dtype,
                                       const guint64  *frame_shape,
                                       guint           n_frame_dims,
                                       guint64         n_frames);

/* Asserts @r's chunk shape */
void          assert_chunk            (const ReadBack *r,
                                       const guint64  *chunk,
                                       guint           n_dims);

/* A new file at @path in HDF5's latest format (or its earliest) holding
 * "/other", 4 x 3 int32 of 0..11, and an empty group "/group" */
void          make_other_file         (const char     *path,
                                       gboolean        latest_format);
/* Asserts that @path's "/other" is as make_other_file() made it */
void          assert_other_dataset    (const char     *path);
/* Whether @path holds a link @name (the file opened read-only) */
gboolean      file_has_link           (const char     *path,
                                       const char     *name);

G_END_DECLS
