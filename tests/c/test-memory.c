/* test-memory.c: iterating a file of more than 1 GB holds one buffer and
 * at most 16 MiB more, whatever the file size
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <gdci/gdci.h>

#include "test-util.h"

#define N_ROWS G_GUINT64_CONSTANT (1400000)
#define N_CHANNELS 384
#define STRIP_BYTES (16 * 1024 * 1024)
/* allocator and bookkeeping noise */
#define SLACK_BYTES (16 * 1024 * 1024)

static char *path;

static guint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

static void
write_recording (void)
{
  gsize block = 16 * 1024 * 1024;
  g_autofree gint16 *values = g_malloc (block);
  guint64 remaining = N_ROWS * N_CHANNELS * 2;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  g_assert_cmpint (fd, >=, 0);
  for (gsize i = 0; i < block / 2; i++)
    values[i] = (gint16) (i * 31);
  while (remaining > 0)
    {
      gsize n = MIN (block, remaining);
      g_assert_cmpint (write (fd, values, n), ==, (gssize) n);
      remaining -= n;
    }
  g_assert_cmpint (close (fd), ==, 0);
}

/* Iterates the whole file and returns how far the peak resident memory grew
 * above what it was before, and the largest buffer. */
static void
iterate (GType type, guint64 *growth, guint64 *largest_buffer)
{
  g_autoptr(GError) error = NULL;
  guint64 before;
  g_autoptr(GdciChunkIterator) it = NULL;
  GdciDataChunk *chunk;
  guint64 total = 0;

  before = status_kb ("VmRSS:") * 1024;
  it = g_initable_new (type, NULL, &error,
                       "path", path, "dtype", GDCI_DTYPE_INT16,
                       "shape", g_variant_new_parsed ("[uint64 0, 384]"),
                       "buffer-gb", 0.1, NULL);
  g_assert_no_error (error);
  *largest_buffer = 0;
  while ((chunk = gdci_chunk_iterator_next (it, &error)) != NULL)
    {
      gsize size = g_bytes_get_size (gdci_data_chunk_get_data (chunk));
      *largest_buffer = MAX (*largest_buffer, size);
      total += size;
      g_object_unref (chunk);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, N_ROWS * N_CHANNELS * 2);
  *growth = status_kb ("VmHWM:") * 1024 - before;
}

static void
test_bounded (gconstpointer data)
{
  GType type = *(const GType *) data;

  if (g_test_subprocess ())
    {
      guint64 growth, largest;
      guint64 limit;

      iterate (type, &growth, &largest);
      /* the default chunks of a 384-channel recording make buffers of some
       * of the channels: strided in the file */
      g_assert_cmpuint (largest, <=, 100000000);
      limit = largest + STRIP_BYTES + SLACK_BYTES;
      g_test_message ("%s: peak memory grew %.1f MB for buffers of %.1f MB (limit %.1f MB)",
                      g_type_name (type), growth / 1e6, largest / 1e6, limit / 1e6);
      g_printerr ("%s: peak memory grew %.1f MB for buffers of %.1f MB\n",
                  g_type_name (type), growth / 1e6, largest / 1e6);
      g_assert_cmpuint (growth, <=, limit);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  static GType types[2];
  char *dir;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = test_subprocess_dir_get ("GDCI_TEST_MEMORY_DIR", "gdci-memory-XXXXXX");
  path = g_build_filename (dir, "recording.bin", NULL);
  if (!g_test_subprocess ())
    write_recording ();

  types[0] = GDCI_TYPE_FILE_ITERATOR;
  types[1] = GDCI_TYPE_MEMMAP_ITERATOR;
  g_test_add_data_func ("/memory/file-iterator", &types[0], test_bounded);
  g_test_add_data_func ("/memory/memmap-iterator", &types[1], test_bounded);

  status = g_test_run ();

  g_free (path);
  test_subprocess_dir_free (dir);
  return status;
}
