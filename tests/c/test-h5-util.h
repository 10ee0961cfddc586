/* test-h5-util.h: HDF5 files for the tests of the HDF5 source's raw chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* The standard file type of @dtype, little- or big-endian */
hid_t  test_h5_file_type   (GdciDtype   dtype,
                            gboolean    big_endian);

/* Flips the byte @where bytes into the stored chunk at row @row of the 2-D
 * dataset "/data" of @path; G_MAXUINT64 flips the one in its middle */
void   test_h5_damage_chunk (const char *path,
                             hsize_t     row,
                             hsize_t     where);

G_END_DECLS
