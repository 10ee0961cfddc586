/* gdci-repack-job.c: one repack of a file, step by step
 *
 * 1. The input is opened read-only and checked against the settings; the
 *    output is created under a hidden temporary name beside its name, with
 *    the input's file creation properties.
 * 2. The committed types are copied, then every link from the root
 *    (gdci-repack-copy.c): groups and their attributes, datasets copied as
 *    HDF5 copies them or created with their new storage
 *    (gdci-repack-layout.c).
 * 3. Each dataset created is filled from the input by a fill
 *    (GDCI_WRITE_MODE_FILL): chunks decoded and encoded on the writer's
 *    threads, written with direct chunk writes.
 * 4. References are pointed at the copies (gdci-repack-refs.c), the user
 *    block copied, and the file closed, synced and renamed into place.
 * On any failure or cancellation the temporary file is removed: the output
 * appears complete or not at all, and the input is never written.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gdci-compressor-private.h"
#include "gdci-error.h"
#include "gdci-h5-iterator.h"
#include "gdci-h5-writer-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-repack-job-private.h"
#include "gdci-write-job-private.h"

void
_gdci_repack_settings_clear (GdciRepackSettings *settings)
{
  g_clear_object (&settings->writer);
  g_clear_pointer (&settings->datasets, g_hash_table_unref);
  g_clear_pointer (&settings->chunk_shapes, g_hash_table_unref);
}

static void
object_free (gpointer data)
{
  GdciRepackObject *object = data;

  g_free (object->path);
  g_free (object);
}

static void
fill_free (gpointer data)
{
  GdciRepackFill *fill = data;

  g_free (fill->path);
  g_free (fill);
}

static guint
addr_hash (gconstpointer key)
{
  return g_int64_hash (key);
}

static gboolean
addr_equal (gconstpointer a,
            gconstpointer b)
{
  return *(const haddr_t *) a == *(const haddr_t *) b;
}

GdciRepackJob *
_gdci_repack_job_new (const GdciRepackSettings *settings,
                      const char               *in_filename,
                      const char               *out_filename,
                      GCancellable             *cancellable)
{
  GdciRepackJob *job = g_new0 (GdciRepackJob, 1);

  job->settings = *settings;
  job->settings.writer = g_object_ref (settings->writer);
  if (settings->datasets != NULL)
    job->settings.datasets = g_hash_table_ref (settings->datasets);
  job->settings.chunk_shapes = g_hash_table_ref (settings->chunk_shapes);
  job->in_filename = g_strdup (in_filename);
  job->out_filename = g_strdup (out_filename);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->in_file = H5I_INVALID_HID;
  job->scratch_file = H5I_INVALID_HID;
  job->copy_plist = H5I_INVALID_HID;
  job->objects = g_hash_table_new (addr_hash, addr_equal);
  job->object_list = g_ptr_array_new_with_free_func (object_free);
  job->types = g_hash_table_new_full (addr_hash, addr_equal, g_free, g_free);
  job->fills = g_ptr_array_new_with_free_func (fill_free);
  job->chunk_shapes = g_hash_table_new_full (addr_hash, addr_equal, g_free,
                                             (GDestroyNotify) g_variant_unref);
  G_STATIC_ASSERT (sizeof (haddr_t) == sizeof (gint64));
  return job;
}

void
_gdci_repack_job_free (GdciRepackJob *job)
{
  if (job == NULL)
    return;
  g_clear_pointer (&job->out, _gdci_h5_new_file_free);
  _gdci_h5_close (job->copy_plist);
  _gdci_h5_close (job->scratch_file);
  _gdci_h5_close (job->in_file);
  H5Eclear2 (H5E_DEFAULT);
  g_hash_table_unref (job->objects);
  g_ptr_array_unref (job->object_list);
  g_hash_table_unref (job->types);
  g_ptr_array_unref (job->fills);
  g_clear_pointer (&job->selected, g_hash_table_unref);
  g_hash_table_unref (job->chunk_shapes);
  _gdci_repack_settings_clear (&job->settings);
  g_clear_object (&job->cancellable);
  g_free (job->in_filename);
  g_free (job->out_filename);
  g_free (job);
}

void
_gdci_repack_job_add_done (GdciRepackJob *job,
                           guint64        bytes)
{
  if (!g_uint64_checked_add (&job->bytes_done, job->bytes_done, bytes))
    job->bytes_done = G_MAXUINT64;
  /* the total once the file is published, and only then */
  job->bytes_done = MIN (job->bytes_done, job->finished || job->bytes_total == 0
                                            ? job->bytes_total : job->bytes_total - 1);
  if (job->progress != NULL)
    job->progress (job->bytes_done, job->bytes_total, job->progress_data);
}

/* ---- the files --------------------------------------------------------------- */

/* The input is a file to read, and the output a name to write it to */
static gboolean
check_names (GdciRepackJob  *job,
             GError        **error)
{
  struct stat in_st, out_st;

  if (stat (job->in_filename, &in_st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, saved_errno == ENOENT ? GDCI_ERROR_NOT_FOUND
                                                            : GDCI_ERROR_IO,
                   "Could not open '%s': %s", job->in_filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (stat (job->out_filename, &out_st) != 0)
    return TRUE;
  if (out_st.st_dev == in_st.st_dev && out_st.st_ino == in_st.st_ino)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is the file being repacked: give another output file",
                   job->out_filename);
      return FALSE;
    }
  if (!S_ISREG (out_st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS, "'%s' exists and is not a regular "
                   "file", job->out_filename);
      return FALSE;
    }
  if (!job->settings.overwrite)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS, "'%s' already exists",
                   job->out_filename);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_input (GdciRepackJob  *job,
            GError        **error)
{
  htri_t is_hdf5 = H5Fis_hdf5 (job->in_filename);

  if (is_hdf5 <= 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA, "'%s' is not an HDF5 file",
                   job->in_filename);
      return FALSE;
    }
  job->in_file = _gdci_h5_open_to_read (job->in_filename);
  if (job->in_file < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_INVALID_DATA, "Could not read '%s'", job->in_filename);
      return FALSE;
    }
  return TRUE;
}

/* The output, with the input's file creation properties (user block,
 * sizes, file space strategy, the root's link order), and the files and
 * property lists the copy works with */
static gboolean
create_output (GdciRepackJob  *job,
               GError        **error)
{
  hid_t fcpl = H5Fget_create_plist (job->in_file);
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  g_autofree char *scratch = g_strdup_printf ("gdci-repack-scratch-%p", (void *) job);

  job->out = _gdci_h5_new_file_create (job->out_filename, fcpl, error);
  _gdci_h5_close (fcpl);
  if (job->out == NULL)
    {
      _gdci_h5_close (fapl);
      return FALSE;
    }
  H5Pset_fapl_core (fapl, 1 << 16, FALSE);
  job->scratch_file = H5Fcreate (scratch, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  _gdci_h5_close (fapl);
  job->copy_plist = H5Pcreate (H5P_OBJECT_COPY);
  if (job->scratch_file < 0 || job->copy_plist < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not set up HDF5 to repack '%s'",
                          job->in_filename);
      return FALSE;
    }
  return TRUE;
}

/* The bytes of the input's user block, which HDF5 leaves alone */
static gboolean
copy_user_block (GdciRepackJob  *job,
                 GError        **error)
{
  hid_t fcpl = H5Fget_create_plist (job->in_file);
  hsize_t size = 0;
  g_autofree guint8 *block = NULL;
  int fd;
  gboolean ok;

  if (fcpl < 0 || H5Pget_userblock (fcpl, &size) < 0)
    size = 0;
  _gdci_h5_close (fcpl);
  if (size == 0 || size > G_MAXSIZE)
    return TRUE;
  block = g_malloc ((gsize) size);
  fd = open (job->in_filename, O_RDONLY | O_CLOEXEC);
  ok = fd >= 0 && pread (fd, block, (gsize) size, 0) == (gssize) size &&
       pwrite (job->out->fd, block, (gsize) size, 0) == (gssize) size;
  if (fd >= 0)
    close (fd);
  if (!ok)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not copy the user block of '%s' "
                 "into '%s'", job->in_filename, job->out_filename);
  return ok;
}

/* ---- the datasets' data ------------------------------------------------------ */

typedef struct
{
  GdciRepackJob *job;
  guint64 base;
} FillProgress;

static void
on_fill_progress (GdciH5Writer *writer,
                  guint64       done,
                  guint64       total,
                  gpointer      user_data)
{
  FillProgress *progress = user_data;
  guint64 now = progress->base;

  if (!g_uint64_checked_add (&now, now, done))
    now = G_MAXUINT64;
  if (now > progress->job->bytes_done)
    _gdci_repack_job_add_done (progress->job, now - progress->job->bytes_done);
}

/* A writer that fills with the dataset's own filters, with @writer's
 * threads and memory, and its fast gzip engine when it asks for it */
static GdciH5Writer *
fill_writer_new (const GdciRepackSettings *settings)
{
  GdciH5Writer *writer = gdci_h5_writer_new ();
  GdciH5Writer *asked = settings->writer;

  gdci_h5_writer_set_mode (writer, GDCI_WRITE_MODE_FILL);
  gdci_h5_writer_set_n_threads (writer, gdci_h5_writer_get_n_threads (asked));
  gdci_h5_writer_set_max_memory (writer, gdci_h5_writer_get_max_memory (asked));
  if (settings->replace_filters &&
      gdci_h5_writer_get_compression (asked) == GDCI_COMPRESSION_GZIP_FAST)
    gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP_FAST);
  return writer;
}

static gboolean
fill_dataset (GdciRepackJob   *job,
              GdciH5Writer    *writer,
              GdciRepackFill  *fill,
              GError         **error)
{
  g_autoptr(GdciChunkIterator) iter = NULL;
  g_autoptr(GdciWriteJob) write = NULL;
  FillProgress progress = { job, job->bytes_done };
  hid_t dataset;
  gboolean ok;

  iter = gdci_h5_iterator_new (job->in_filename, fill->path, error);
  if (iter == NULL)
    return FALSE;
  gdci_h5_iterator_set_n_threads (GDCI_H5_ITERATOR (iter),
                                  gdci_h5_writer_get_n_threads (writer));
  dataset = H5Dopen2 (job->out->file, fill->path, H5P_DEFAULT);
  if (dataset < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not open '%s' in '%s'", fill->path,
                          job->out_filename);
      return FALSE;
    }
  write = _gdci_write_job_new_borrowed (writer, iter, dataset, job->out_filename, FALSE,
                                        job->cancellable, error);
  ok = write != NULL;
  if (ok)
    {
      gulong handler = g_signal_connect (writer, "progress", G_CALLBACK (on_fill_progress),
                                         &progress);

      _gdci_write_job_set_io_error (write, &job->out->control->error);
      ok = _gdci_write_job_run (write, error);
      g_signal_handler_disconnect (writer, handler);
    }
  _gdci_h5_close (dataset);
  if (ok)
    _gdci_repack_job_add_done (job, progress.base + fill->bytes - job->bytes_done);
  return ok && _gdci_h5_new_file_check (job->out, error);
}

static gboolean
fill_datasets (GdciRepackJob  *job,
               GError        **error)
{
  g_autoptr(GdciH5Writer) writer = fill_writer_new (&job->settings);

  for (guint i = 0; i < job->fills->len; i++)
    if (!fill_dataset (job, writer, job->fills->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* ---- the run ------------------------------------------------------------------- */

static gboolean
file_size (const char *filename,
           guint64    *size)
{
  GStatBuf st;

  *size = g_stat (filename, &st) == 0 ? (guint64) st.st_size : 0;
  return TRUE;
}

static gboolean
run_steps (GdciRepackJob  *job,
           GError        **error)
{
  if (!check_names (job, error) || !open_input (job, error) ||
      !_gdci_repack_check_paths (job, error) ||
      g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;
  _gdci_h5_register_filters ();
  if (!create_output (job, error) ||
      !_gdci_repack_copy_types (job, error) ||
      !_gdci_repack_copy_tree (job, error) ||
      !fill_datasets (job, error) ||
      !_gdci_repack_fix_references (job, error))
    return FALSE;
  if (g_hash_table_size (job->types) > 0 &&
      H5Ldelete (job->out->file, GDCI_REPACK_TYPES_GROUP, H5P_DEFAULT) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not write '%s'", job->out_filename);
      return FALSE;
    }
  if (!copy_user_block (job, error) ||
      g_cancellable_set_error_if_cancelled (job->cancellable, error) ||
      !_gdci_h5_new_file_publish (job->out, job->settings.overwrite, error))
    return FALSE;
  file_size (job->in_filename, &job->bytes_in);
  file_size (job->out_filename, &job->bytes_out);
  job->finished = TRUE;
  _gdci_repack_job_add_done (job, job->bytes_total);
  return TRUE;
}

gboolean
_gdci_repack_job_run (GdciRepackJob  *job,
                      GError        **error)
{
  GdciH5Quiet quiet;
  gboolean ok;

  _gdci_h5_quiet_begin (&quiet);
  ok = run_steps (job, error);
  /* not published: the temporary file goes; every file is closed here, in
   * the thread that ran the job, before its result is told (the job itself
   * may be freed later, in another thread) */
  g_clear_pointer (&job->out, _gdci_h5_new_file_free);
  _gdci_h5_close (job->in_file);
  job->in_file = H5I_INVALID_HID;
  _gdci_h5_close (job->scratch_file);
  job->scratch_file = H5I_INVALID_HID;
  H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_quiet_end (&quiet);
  return ok;
}
