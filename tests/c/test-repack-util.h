/* test-repack-util.h: HDF5 files made with HDF5's own calls for the tests
 * of GdciRepacker, and the directory each test works in
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* hdf5plugin's id of zstd, which gdci registers */
#define TEST_REPACK_FILTER_ZSTD 32015

/* The fill value of /data/int16 */
#define TEST_REPACK_FILL_VALUE (-7)

/* What test_repack_make_input () makes:
 *
 * /                       attribute "title" (a fixed-length string)
 * /mytype                 a committed datatype (32-bit little-endian int)
 * /data                   attribute "target": an object reference to
 *                         /data/float32
 * /data/int16             int16 [1200, 256], chunks [100, 64], shuffle and
 *                         deflate 4, fill value -7; attributes "unit" (a
 *                         variable-length string) and "gain" (a double)
 * /data/int16_link        a hard link to /data/int16
 * /data/float32           float32 [400, 160], chunks [50, 40], shuffle and
 *                         deflate 4
 * /data/contig            int16 [300, 200], contiguous
 * /data/small             int16 [16, 16], chunks [8, 8], deflate 4: below
 *                         the default min-size
 * /data/typed             /mytype [64], contiguous
 * /ordered                links tracked and indexed by creation order,
 *                         made in the order zeta, alpha, mid, beta:
 * /ordered/zeta           a group
 * /ordered/alpha          int16 [8], contiguous
 * /ordered/mid            a group
 * /ordered/beta           a soft link to /data
 * /refs                   object references [4]: /data/int16,
 *                         /data/float32, /data, /mytype
 * /regref                 region references [2]: 3 points of /data/int16,
 *                         a [5, 6] block at (10, 20) of /data/float32
 * /soft                   a soft link to /data/int16
 * /ext                    an external link to /nowhere in missing-file.h5
 */
#define TEST_REPACK_N_OBJECTS 14      /* groups, datasets, committed types */
#define TEST_REPACK_N_DATASETS 8
/* the bytes of the elements of its datasets */
#define TEST_REPACK_BYTES_TOTAL G_GUINT64_CONSTANT (991240)

void     test_repack_make_input        (const char      *path);

/* A file of @n int16 datasets /big0, /big1... of [@rows, @cols], chunks
 * [64, @cols], shuffle and deflate 1 */
void     test_repack_make_big          (const char      *path,
                                        guint            n,
                                        hsize_t          rows,
                                        hsize_t          cols);

/* The SHA-256 of the whole of @path */
char    *test_repack_checksum          (const char      *path);

/* Asserts that @dir holds no hidden temporary file (".NAME.XXXXXX.partial") */
void     test_repack_assert_no_partials (const char     *dir);

/* Opens @path read-only, asserting it opens */
hid_t    test_repack_open              (const char      *path);
/* Asserts that no HDF5 file or object of one is left open, by the test or
 * the library */
void     test_repack_assert_all_closed (void);

/* ---- a test's files ---------------------------------------------------- */

typedef struct
{
  guint64 done;
  guint64 total;
} TestRepackProgress;

/* A temporary directory with "in.h5" (test_repack_make_input ()) in it and
 * the name "out.h5" beside it, the input's checksum, and a repacker of two
 * threads whose every progress is recorded (asserting it comes in the
 * test's thread) */
typedef struct
{
  char *dir;
  char *in;
  char *out;
  char *in_checksum;
  GdciRepacker *repacker;
  GArray *progress;             /* TestRepackProgress */
  GThread *thread;
} TestRepackFixture;

void     test_repack_fixture_setup     (TestRepackFixture *f,
                                        gconstpointer      data);
/* Asserts that the input is unchanged, that no temporary file is left and
 * that no HDF5 object is open; removes the directory */
void     test_repack_fixture_teardown  (TestRepackFixture *f,
                                        gconstpointer      data);
/* Replaces the input with test_repack_make_big () of @n [@rows, @cols] */
void     test_repack_fixture_use_big   (TestRepackFixture *f,
                                        guint              n,
                                        hsize_t            rows,
                                        hsize_t            cols);
/* Asserts that the progress recorded is monotonic, of one total
 * @bytes_total, and ends with all of it done */
void     test_repack_assert_progress   (TestRepackFixture *f,
                                        guint64            bytes_total);
/* Asserts that the repack failed with nothing left: no output (unless
 * @out_existed, when it is @out_checksum still), no temporary file, the
 * input unchanged */
void     test_repack_assert_failed_cleanly (TestRepackFixture *f,
                                            gboolean           out_existed,
                                            const char        *out_checksum);

G_END_DECLS
