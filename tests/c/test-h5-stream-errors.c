/* test-h5-stream-errors.c: what GdciH5Stream refuses, with a GError and
 * nothing written: frames of the wrong size, settings it cannot record
 * with, files and datasets it cannot write
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "gdci.h"
#include "gdci-compressor-private.h"
#include "gdci-h5-stream-private.h"

#include "test-h5-stream-util.h"

/* ---- appends of the wrong size ----------------------------------------------- */

static void
test_append_wrong_size (void)
{
  static const gsize sizes[] = { 1, 29, 31, 59, 61, 3 * 30 + 7 };
  g_auto(TestOutDir) out;
  g_autoptr(GdciH5Stream) stream = NULL;
  g_autoptr(GError) error = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  /* frames of 3 x 5 int16, 30 bytes */
  stream = stream_open (out.path, "/data", GDCI_DTYPE_INT16, "@at [3, 5]", &error,
                        "chunk-shape", g_variant_new_parsed ("@at [4, 0, 0]"), NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (gdci_h5_stream_get_frame_bytes (stream), ==, 30);
  append_frames (stream, 0, 3);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      /* the frames that would come next, but for some bytes */
      g_autoptr(GBytes) frames = make_frames (GDCI_DTYPE_INT16, 15, 3, 5);
      g_autoptr(GBytes) cut = g_bytes_new_from_bytes (frames, 0, sizes[i]);

      g_assert_false (gdci_h5_stream_append (stream, cut, &error));
      g_assert_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "not whole frames of 30 bytes"));
      g_clear_error (&error);
      g_assert_cmpuint (gdci_h5_stream_get_frames_appended (stream), ==, 3);
    }
  /* the stream goes on */
  append_frames (stream, 3, 6);
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, SHAPE (3, 5), 2, 9);
}

/* ---- settings refused at initialization ---------------------------------------- */

typedef struct
{
  const char *name;
  const char *filename;          /* NULL: out.h5; "": none */
  const char *dataset;           /* NULL: "/data"; "": none */
  const char *frame_shape;       /* NULL: none */
  const char *chunk_shape;       /* NULL: gdci's */
  int dtype;                     /* set past GObject's checks */
  double chunk_mb;               /* 0: the default; < 0: 0 */
  GdciCompression compression;
  int level;
  gboolean shuffle, bitshuffle;
  double flush_interval;         /* 0: the default; < 0: 0 */
  GQuark (*domain) (void);       /* NULL: GDCI_ERROR */
  int code;
  const char *message;           /* a part of it */
} Refused;

#define FRAME_5 "@at [5]"

static const Refused refused[] = {
  { "no filename", "", NULL, FRAME_5, .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "needs a filename" },
  { "no dataset path", NULL, "", FRAME_5, .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "needs the path of a dataset" },
  { "the root for a dataset", NULL, "/", FRAME_5, .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "needs the path of a dataset" },
  { "no frame shape", .frame_shape = NULL, .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "needs its frame shape" },
  { "a frame shape of 32 axes", .frame_shape = "@at [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
    "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "at most 31 axes" },
  { "a frame axis of 0", .frame_shape = "@at [4, 0]", .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "axis 1 is 0" },
  { "the first frame axis 0", .frame_shape = "@at [0]", .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "axis 0 is 0" },
  { "a frame too large", .frame_shape = "@at [4294967296, 4294967296, 2]",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "too large" },
  { "a dtype out of range", .frame_shape = FRAME_5, .dtype = 99,
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "99 is not a valid GdciDtype" },
  { "a chunk shape of the frame's axes only", .frame_shape = FRAME_5, .chunk_shape = "@at [5]",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "must have 2 axes" },
  { "a chunk shape of too many axes", .frame_shape = FRAME_5, .chunk_shape = "@at [5, 5, 1]",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "must have 2 axes" },
  { "a chunk shape of no axes", .frame_shape = FRAME_5, .chunk_shape = "@at []",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "must have 2 axes" },
  { "a chunk shape of 33 axes", .frame_shape = FRAME_5, .chunk_shape = "@at [1, 1, 1, 1, 1, "
    "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "must have 2 axes" },
  { "a chunk axis longer than the frame's", .frame_shape = "@at [5, 3]",
    .chunk_shape = "@at [2, 5, 4]", .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "axis 2 (4) is longer than the frame's (3)" },
  { "a chunk of 4 GiB", .frame_shape = "@at [65536, 65536]",
    .chunk_shape = "@at [1, 65536, 65536]", .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "HDF5 takes chunks under 4 GiB" },
  { "chunks of 0 MB", .frame_shape = FRAME_5, .chunk_mb = -1.0,
    .domain = gdci_plan_error_quark, .code = GDCI_PLAN_ERROR_CHUNK_SIZE_NOT_POSITIVE,
    .message = "chunk-mb must be greater than zero" },
  { "a flush interval of 0", .frame_shape = FRAME_5, .flush_interval = -1.0,
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "flush-interval must be above 0" },
  { "a gzip level of 10", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_GZIP,
    .level = 10, .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "from 1 to 9" },
  { "a gzip-fast level of 4", .frame_shape = FRAME_5,
    .compression = GDCI_COMPRESSION_GZIP_FAST, .level = 4,
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "from 1 to 3" },
  { "a zstd level of 23", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_ZSTD,
    .level = 23, .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "from 1 to 22" },
  { "a negative blosc level", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_BLOSC,
    .level = -1, .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "from 1 to 9" },
  { "a level for lz4", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_LZ4,
    .level = 2, .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "has no levels" },
  { "shuffle and bitshuffle", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_ZSTD,
    .shuffle = TRUE, .bitshuffle = TRUE, .code = GDCI_ERROR_INVALID_ARGUMENT,
    .message = "cannot both be set" },
  { "bitshuffle with gzip", .frame_shape = FRAME_5, .compression = GDCI_COMPRESSION_GZIP,
    .bitshuffle = TRUE, .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "not gzip" },
  { "bitshuffle with gzip-fast", .frame_shape = FRAME_5,
    .compression = GDCI_COMPRESSION_GZIP_FAST, .bitshuffle = TRUE,
    .code = GDCI_ERROR_INVALID_ARGUMENT, .message = "not gzip" },
};

/* A stream of @c's settings, not yet initialized */
static GObject *
new_refused (const Refused *c,
             const char    *path)
{
  const char *filename = c->filename == NULL ? path : *c->filename == '\0' ? NULL : c->filename;
  const char *dataset = c->dataset == NULL ? "/data" : *c->dataset == '\0' ? NULL : c->dataset;
  GObject *object =
    g_object_new (GDCI_TYPE_H5_STREAM, "filename", filename, "dataset-path", dataset,
                  "frame-shape",
                  c->frame_shape != NULL ? g_variant_new_parsed (c->frame_shape) : NULL,
                  "chunk-shape",
                  c->chunk_shape != NULL ? g_variant_new_parsed (c->chunk_shape) : NULL,
                  "compression", c->compression, "compression-level", c->level,
                  "shuffle", c->shuffle, "bitshuffle", c->bitshuffle,
                  "chunk-mb", c->chunk_mb == 0.0 ? 10.0 : MAX (c->chunk_mb, 0.0),
                  "flush-interval",
                  c->flush_interval == 0.0 ? 1.0 : MAX (c->flush_interval, 0.0), NULL);

  /* out of the property's range, which GObject checks itself (a warning,
   * and the value is not set) */
  if (c->dtype != 0)
    GDCI_H5_STREAM (object)->dtype = (GdciDtype) c->dtype;
  return object;
}

static void
test_settings_refused (void)
{
  g_auto(TestOutDir) out;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      const Refused *c = &refused[i];
      g_autoptr(GObject) object = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again = NULL;
      GQuark domain = c->domain != NULL ? c->domain () : GDCI_ERROR;

      g_test_message ("%s", c->name);
      object = new_refused (c, out.path);
      g_assert_false (g_initable_init (G_INITABLE (object), NULL, &error));
      g_assert_error (error, domain, c->code);
      if (strstr (error->message, c->message) == NULL)
        g_error ("'%s' does not say '%s'", error->message, c->message);
      /* nothing is written, and a second init gives the same error */
      g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 0);
      g_assert_false (g_initable_init (G_INITABLE (object), NULL, &again));
      g_assert_error (again, error->domain, error->code);
      g_assert_cmpstr (again->message, ==, error->message);
      g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 0);
    }
}

/* Through the constructor: cancelled before the file is made */
static void
test_init_cancelled (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  g_cancellable_cancel (cancellable);
  stream = gdci_h5_stream_new (out.path, "/data", GDCI_DTYPE_INT16,
                               g_variant_new_parsed ("@at [5]"), cancellable, &error);
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 0);
}

/* ---- files and datasets it cannot write ---------------------------------------- */

/* Asserts that a stream of @dataset in @path is refused with @code and
 * its message holds @message */
static void
assert_stream_refused (const char *path,
                       const char *dataset,
                       gboolean    swmr,
                       int         code,
                       const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;

  stream = stream_open (path, dataset, GDCI_DTYPE_INT16, "@at [5]", &error, "swmr", swmr, NULL);
  g_assert_null (stream);
  g_assert_error (error, GDCI_ERROR, code);
  if (strstr (error->message, message) == NULL)
    g_error ("'%s' does not say '%s'", error->message, message);
}

static void
record_frames (const char *path,
               const char *dataset,
               guint64     n_frames)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;

  stream = stream_open (path, dataset, GDCI_DTYPE_INT16, "@at [5]", &error, NULL);
  g_assert_no_error (error);
  append_frames (stream, 0, n_frames);
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
}

/* Whatever is at the dataset's path is kept as it was */
static void
test_dataset_exists (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  record_frames (out.path, "/data", 9);
  before = test_read_file_bytes (out.path);
  assert_stream_refused (out.path, "/data", TRUE, GDCI_ERROR_EXISTS, "already has an object");
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
  /* the file is closed as it was opened: HDF5 opens it again, to write
   * or to read without SWMR, which a writer's mark left in it refuses */
  assert_stream_refused (out.path, "data", TRUE, GDCI_ERROR_EXISTS, "already has an object");
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, SHAPE (5), 1, 9);
  record_frames (out.path, "/more", 2);
  assert_file_frames (out.path, "/more", GDCI_DTYPE_INT16, SHAPE (5), 1, 2);

  /* a group, and a path through a dataset */
  g_assert_cmpuint (g_unlink (out.path), ==, 0);
  make_other_file (out.path, TRUE);
  assert_stream_refused (out.path, "/group", TRUE, GDCI_ERROR_EXISTS, "already has an object");
  assert_stream_refused (out.path, "/other/data", TRUE, GDCI_ERROR_IO,
                         "Could not create the dataset");
  assert_other_dataset (out.path);
  g_assert_false (file_has_link (out.path, "/group/data"));
  /* the file is usable */
  record_frames (out.path, "/group/data", 4);
  assert_file_frames (out.path, "/group/data", GDCI_DTYPE_INT16, SHAPE (5), 1, 4);
  assert_other_dataset (out.path);
}

static void
test_no_parent_dir (void)
{
  g_auto(TestOutDir) out;
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  missing = g_build_filename (out.dir, "missing", NULL);
  path = g_build_filename (missing, "out.h5", NULL);
  assert_stream_refused (path, "/data", TRUE, GDCI_ERROR_IO, "Could not create");
  assert_stream_refused (path, "/data", FALSE, GDCI_ERROR_IO, "missing");
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 0);
}

/* Existing files a stream does not write into, left as they were */
static void
test_existing_refused (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  /* HDF5's earliest format, which readers in SWMR mode cannot read */
  make_other_file (out.path, FALSE);
  before = test_read_file_bytes (out.path);
  assert_stream_refused (out.path, "/data", TRUE, GDCI_ERROR_NOT_SUPPORTED, "set swmr to FALSE");
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
  assert_other_dataset (out.path);
  g_assert_false (file_has_link (out.path, "/data"));
  /* without SWMR, any existing file */
  assert_stream_refused (out.path, "/data", FALSE, GDCI_ERROR_EXISTS, "writes a new file");
  g_clear_pointer (&after, g_bytes_unref);
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 1);
  g_assert_cmpuint (g_unlink (out.path), ==, 0);
  g_clear_pointer (&before, g_bytes_unref);
  g_clear_pointer (&after, g_bytes_unref);

  /* not an HDF5 file */
  g_assert_true (g_file_set_contents (out.path, "not HDF5\n", -1, NULL));
  before = test_read_file_bytes (out.path);
  assert_stream_refused (out.path, "/data", TRUE, GDCI_ERROR_INVALID_DATA, "Could not open");
  after = test_read_file_bytes (out.path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (test_count_dir_entries (out.dir), ==, 1);
}

/* A file another stream is recording into: refused, and the refusals
 * keep no descriptor of it open */
static void
test_file_being_recorded (void)
{
  g_auto(TestOutDir) out;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdciH5Stream) stream = NULL;
  guint n_fds;

  test_out_dir_init (&out, "gdci-stream-XXXXXX");
  stream = stream_open (out.path, "/data", GDCI_DTYPE_INT16, "@at [5]", &error, NULL);
  g_assert_no_error (error);
  append_frames (stream, 0, 3);
  g_assert_true (gdci_h5_stream_flush (stream, NULL, &error));
  g_assert_no_error (error);
  n_fds = test_count_dir_entries ("/proc/self/fd");
  for (guint i = 0; i < 3; i++)
    assert_stream_refused (out.path, "/more", TRUE, GDCI_ERROR_IO, "being written by another");
  g_assert_cmpuint (test_count_dir_entries ("/proc/self/fd"), ==, n_fds);
  append_frames (stream, 3, 2);
  g_assert_true (gdci_h5_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_file_frames (out.path, "/data", GDCI_DTYPE_INT16, SHAPE (5), 1, 5);
  g_assert_false (file_has_link (out.path, "/more"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  _gdci_h5_register_filters ();

  g_test_add_func ("/h5-stream-errors/append-wrong-size", test_append_wrong_size);
  g_test_add_func ("/h5-stream-errors/settings", test_settings_refused);
  g_test_add_func ("/h5-stream-errors/init-cancelled", test_init_cancelled);
  g_test_add_func ("/h5-stream-errors/dataset-exists", test_dataset_exists);
  g_test_add_func ("/h5-stream-errors/no-parent-dir", test_no_parent_dir);
  g_test_add_func ("/h5-stream-errors/existing-file", test_existing_refused);
  g_test_add_func ("/h5-stream-errors/file-being-recorded", test_file_being_recorded);

  return g_test_run ();
}
