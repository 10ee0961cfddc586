/* test-repack-check.h: what the tests of GdciRepacker check of a repack's
 * output, read with HDF5
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* The numeric datasets of test_repack_make_input (), whose values a repack
 * keeps */
#define TEST_REPACK_N_NUMERIC 6
extern const char *const test_repack_numeric[TEST_REPACK_N_NUMERIC];

/* The elements of @path in @file, read as its native type */
GBytes  *test_repack_read_values       (hid_t            file,
                                        const char      *path);
/* Asserts that @path has the same elements in both files */
void     test_repack_assert_same_values (hid_t           in,
                                         hid_t           out,
                                         const char     *path);
/* Asserts that @path has the same chunks in both files, the same stored
 * bytes with the same filter masks: copied raw */
void     test_repack_assert_same_chunks (hid_t           in,
                                         hid_t           out,
                                         const char     *path);
/* The filter ids of @path's pipeline, in order, in @ids (of @max) */
guint    test_repack_get_filters       (hid_t            file,
                                        const char      *path,
                                        H5Z_filter_t    *ids,
                                        guint            max);
/* Asserts that @path's pipeline is the @n filters @want, in order */
void     test_repack_assert_filters    (hid_t            file,
                                        const char      *path,
                                        guint            n,
                                        const H5Z_filter_t *want);
/* The layout of @path and, when chunked, its chunk dims in @chunk */
H5D_layout_t test_repack_get_layout    (hid_t            file,
                                        const char      *path,
                                        hsize_t         *chunk);
/* Asserts that @path is chunked with the @n dims @want */
void     test_repack_assert_chunk      (hid_t            file,
                                        const char      *path,
                                        guint            n,
                                        const hsize_t   *want);
/* Asserts that @path has the same filter pipeline (ids, flags, values) in
 * both files */
void     test_repack_assert_same_filters (hid_t          in,
                                          hid_t          out,
                                          const char    *path);

/* Asserts that everything of test_repack_make_input ()'s @in but the
 * storage of its datasets is in @out as it is in @in: every link with its
 * kind and value, the tracked group's order, the hard link, the committed
 * type and the dataset using it, the object and region references, the
 * attributes, the fill value; and the numeric datasets' values */
void     test_repack_assert_copy_of_input (hid_t         in,
                                           hid_t         out);

G_END_DECLS
