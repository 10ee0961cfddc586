/* gdci-h5-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci-codec-private.h"
#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-h5-iterator.h"
#include "gdci-h5-writer.h"
#include "gdci-hdf5-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-codec-private.h"
#include "gdci-copy-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-shape-arg-private.h"

/* HDF5 cannot store a chunk of 4 GiB or more */
#define MAX_CHUNK_BYTES G_GUINT64_CONSTANT (0xffffffff)
/* The memory the compression threads may use between them */
#define THREAD_SCRATCH_BYTES ((guint64) 64 * 1024 * 1024)
#define PROGRESS_INTERVAL_USEC (50 * G_TIME_SPAN_MILLISECOND)

/**
 * GdciH5Writer:
 *
 * Writes the buffers of a [class@Gdci.ChunkIterator] into an HDF5 dataset,
 * as hdmf's `HDF5IO` does with an `H5DataIO`-wrapped iterator, but fast:
 *
 * - the dataset is created with the iterator's recommended data shape,
 *   chunk shape and element type, and the filters of the writer's
 *   properties (shuffle, gzip, Fletcher-32), readable by every HDF5 tool;
 * - while one buffer is compressed and written, the next is read from the
 *   source (one read-ahead, so at most two buffers in memory);
 * - the chunks of a buffer are filtered in parallel on
 *   [property@Gdci.H5Writer:n-threads] threads and written with HDF5's
 *   direct chunk write, from one thread, as HDF5 asks; chunks of 1 MiB or
 *   more go from memory to the disk with `O_DIRECT` where the file system
 *   allows it, without a copy in the page cache, and the file is synced
 *   before the write returns;
 * - nothing is left half-done: a new file is written under a temporary name
 *   and renamed into place only after every buffer succeeded, and in an
 *   existing file the dataset is written under a temporary name and moved
 *   into place at the end. On error or cancellation the temporary file or
 *   dataset is removed, and an existing file keeps its other contents.
 *
 * Errors, HDF5's included, come back as a [struct@GLib.Error]; HDF5 never
 * prints its error stack.
 *
 * ```c
 * g_autoptr(GdciH5Writer) writer = gdci_h5_writer_new ();
 *
 * gdci_h5_writer_set_compression (writer, GDCI_COMPRESSION_GZIP);
 * gdci_h5_writer_set_shuffle (writer, TRUE);
 * if (!gdci_h5_writer_write (writer, iter, "out.h5", "/acquisition/data",
 *                            NULL, &error))
 *   g_printerr ("%s\n", error->message);
 * ```
 */
struct _GdciH5Writer
{
  GObject parent_instance;

  GdciCompression compression;
  int compression_level;
  gboolean shuffle;
  gboolean fletcher32;
  guint n_threads;
  gboolean overwrite;
};

G_DEFINE_FINAL_TYPE (GdciH5Writer, gdci_h5_writer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_COMPRESSION,
  PROP_COMPRESSION_LEVEL,
  PROP_SHUFFLE,
  PROP_FLETCHER32,
  PROP_N_THREADS,
  PROP_OVERWRITE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* the source tag of the async write's tasks */
static const char write_async_tag = 0;

/* ---- one write ---------------------------------------------------------- */

typedef struct
{
  guint64 index;
  const guint8 *data;
  gsize size;
  gboolean ready;
} Slot;

typedef struct _WriteJob WriteJob;

/* A compression thread, and the codec its encoded chunks live in until the
 * writer has written them: freed only after the thread is joined, since
 * the writer may still be writing from it when the thread stops */
typedef struct
{
  WriteJob *job;
  GThread *thread;
  GdciCodec *codec;
} Worker;

typedef void (*ProgressFunc) (WriteJob *job, guint64 done, guint64 total);

struct _WriteJob
{
  GdciH5Writer *writer;
  GdciChunkIterator *iter;
  char *filename;
  char *dataset_path;
  GCancellable *cancellable;
  gulong cancelled_id;

  /* settings, as they were when the write began */
  GdciCodecSettings codec;
  gboolean overwrite;
  guint n_workers;

  /* the data */
  guint n_dims;
  guint64 maxshape[GDCI_MAX_DIMS];
  guint64 chunk[GDCI_MAX_DIMS];
  GdciDtype dtype;
  guint64 bytes_total;
  guint64 bytes_done;

  ProgressFunc progress;
  gint64 last_progress;

  /* shared between the threads, under lock */
  GMutex lock;
  GCond cond;
  gboolean stop;
  GError *error;

  GThread *reader;
  GdciDataChunk *ready;          /* the read-ahead buffer */
  gboolean reader_finished;

  Worker *workers;
  GdciDataChunk *buffer;         /* the buffer being written */
  guint64 generation;
  guint64 buffer_start[GDCI_MAX_DIMS];
  guint64 buffer_extent[GDCI_MAX_DIMS];
  guint64 chunk_grid[GDCI_MAX_DIMS];
  gint64 buffer_strides[GDCI_MAX_DIMS];
  guint64 n_chunks;
  guint64 next_claim;
  guint64 next_write;
  Slot *slots;                   /* one per worker */

  /* for the async call */
  GTask *task;                   /* not a reference: the task owns the job */
  GMainContext *context;
  guint64 reported_done;
  gboolean report_pending;
};

static void
write_job_free (WriteJob *job)
{
  g_clear_object (&job->writer);
  g_clear_object (&job->iter);
  g_clear_pointer (&job->filename, g_free);
  g_clear_pointer (&job->dataset_path, g_free);
  g_clear_object (&job->cancellable);
  g_clear_error (&job->error);
  g_clear_object (&job->ready);
  g_clear_object (&job->buffer);
  for (guint w = 0; job->workers != NULL && w < job->n_workers; w++)
    g_clear_pointer (&job->workers[w].codec, _gdci_codec_free);
  g_clear_pointer (&job->workers, g_free);
  g_clear_pointer (&job->slots, g_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WriteJob, write_job_free)

/* Records the first error and stops everyone. Called with the lock held. */
static void
fail_locked (WriteJob *job,
             GError   *error)
{
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  job->stop = TRUE;
  g_cond_broadcast (&job->cond);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  WriteJob *job = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_mutex_lock (&job->lock);
  fail_locked (job, error);
  g_mutex_unlock (&job->lock);
}

/* The reader: keeps one buffer read ahead of the writer. */
static gpointer
reader_thread (gpointer data)
{
  WriteJob *job = data;

  for (;;)
    {
      GError *error = NULL;
      GdciDataChunk *chunk;
      gboolean stop;

      g_mutex_lock (&job->lock);
      while (job->ready != NULL && !job->stop)
        g_cond_wait (&job->cond, &job->lock);
      stop = job->stop;
      g_mutex_unlock (&job->lock);
      if (stop)
        return NULL;

      chunk = gdci_chunk_iterator_next (job->iter, &error);

      g_mutex_lock (&job->lock);
      if (error != NULL)
        fail_locked (job, error);
      else if (chunk == NULL)
        job->reader_finished = TRUE;
      else if (job->stop)
        g_object_unref (chunk);
      else
        job->ready = chunk;
      g_cond_broadcast (&job->cond);
      stop = job->stop || chunk == NULL;
      g_mutex_unlock (&job->lock);
      if (stop)
        return NULL;
    }
}

/* Where chunk @index of the current buffer is: its place in the dataset,
 * its extent (smaller than a chunk at the data's edges) and its first
 * element in the buffer. */
static const guint8 *
locate_chunk (WriteJob *job,
              guint64   index,
              hsize_t  *offset,
              guint64  *extent)
{
  const guint8 *p = g_bytes_get_data (gdci_data_chunk_get_data (job->buffer), NULL);

  for (guint i = job->n_dims; i-- > 0;)
    {
      guint64 cell = index % job->chunk_grid[i];
      guint64 origin = cell * job->chunk[i];

      index /= job->chunk_grid[i];
      offset[i] = job->buffer_start[i] + origin;
      extent[i] = MIN (job->chunk[i], job->buffer_extent[i] - origin);
      p += origin * (guint64) job->buffer_strides[i];
    }
  return p;
}

/* A compression thread: claims the chunks of the current buffer in order,
 * filters each into its own codec, hands it to the writer and waits until
 * it is written. */
static gpointer
worker_thread (gpointer data)
{
  Worker *self = data;
  WriteJob *job = self->job;
  GError *error = NULL;

  self->codec = _gdci_codec_new (&job->codec, &error);

  g_mutex_lock (&job->lock);
  if (self->codec == NULL)
    fail_locked (job, error);

  while (!job->stop)
    {
      hsize_t offset[GDCI_MAX_DIMS];
      guint64 extent[GDCI_MAX_DIMS];
      const guint8 *src, *encoded;
      guint64 index, generation;
      gsize size = 0;
      Slot *slot;

      if (job->buffer == NULL || job->next_claim >= job->n_chunks)
        {
          g_cond_wait (&job->cond, &job->lock);
          continue;
        }
      index = job->next_claim++;
      generation = job->generation;
      src = locate_chunk (job, index, offset, extent);
      g_mutex_unlock (&job->lock);

      encoded = _gdci_codec_encode_box (self->codec, job->n_dims, job->chunk, extent, src,
                                        job->buffer_strides, &size);

      g_mutex_lock (&job->lock);
      if (encoded == NULL)
        {
          g_set_error (&error, GDCI_ERROR, GDCI_ERROR_FAILED,
                       "Out of memory while compressing a chunk of %"
                       G_GSIZE_FORMAT " bytes", job->codec.chunk_bytes);
          fail_locked (job, error);
          break;
        }
      slot = &job->slots[index % job->n_workers];
      slot->index = index;
      slot->data = encoded;
      slot->size = size;
      slot->ready = TRUE;
      g_cond_broadcast (&job->cond);

      /* the encoded bytes live in this thread's codec until written */
      while (!job->stop && job->generation == generation && job->next_write <= index)
        g_cond_wait (&job->cond, &job->lock);
    }
  g_mutex_unlock (&job->lock);
  return NULL;
}

static void
report_progress (WriteJob *job,
                 gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && now - job->last_progress < PROGRESS_INTERVAL_USEC)
    return;
  job->last_progress = now;
  job->progress (job, job->bytes_done, job->bytes_total);
}

/* Waits for the next buffer from the reader. With the lock held. */
static GdciDataChunk *
take_buffer_locked (WriteJob *job)
{
  GdciDataChunk *chunk;

  while (job->ready == NULL && !job->reader_finished && !job->stop)
    g_cond_wait (&job->cond, &job->lock);
  chunk = job->ready;
  job->ready = NULL;
  g_cond_broadcast (&job->cond);
  return chunk;
}

static void
publish_buffer_locked (WriteJob      *job,
                       GdciDataChunk *buffer)
{
  GdciSelection *sel = gdci_data_chunk_get_selection (buffer);

  job->buffer = buffer;
  job->generation++;
  job->n_chunks = 1;
  for (guint i = 0; i < job->n_dims; i++)
    {
      job->buffer_start[i] = gdci_selection_get_start (sel, i);
      job->buffer_extent[i] = gdci_selection_get_stop (sel, i) - job->buffer_start[i];
      job->chunk_grid[i] = (job->buffer_extent[i] + job->chunk[i] - 1) / job->chunk[i];
      job->n_chunks *= job->chunk_grid[i];
    }
  _gdci_c_strides (job->buffer_extent, job->n_dims, gdci_dtype_get_itemsize (job->dtype),
                   job->buffer_strides);
  job->next_claim = 0;
  job->next_write = 0;
  for (guint w = 0; w < job->n_workers; w++)
    job->slots[w].ready = FALSE;
  g_cond_broadcast (&job->cond);
}

/* The writer: this thread makes every HDF5 call. */
static gboolean
run_pipeline (WriteJob  *job,
              hid_t      dataset)
{
  gsize itemsize = gdci_dtype_get_itemsize (job->dtype);
  GError *error = NULL;
  gboolean ok;

  job->reader = g_thread_try_new ("gdci-reader", reader_thread, job, &error);
  if (job->reader == NULL)
    {
      g_propagate_prefixed_error (&job->error, error, "Could not start a thread: ");
      return FALSE;
    }
  for (guint w = 0; w < job->n_workers; w++)
    {
      job->workers[w].job = job;
      job->workers[w].thread = g_thread_try_new ("gdci-compress", worker_thread,
                                                 &job->workers[w], &error);
      if (job->workers[w].thread == NULL)
        {
          g_mutex_lock (&job->lock);
          g_prefix_error (&error, "Could not start a thread: ");
          fail_locked (job, error);
          g_mutex_unlock (&job->lock);
          break;
        }
    }

  g_mutex_lock (&job->lock);
  while (!job->stop)
    {
      GdciDataChunk *buffer = take_buffer_locked (job);

      if (buffer == NULL)
        break;
      publish_buffer_locked (job, buffer);

      while (!job->stop && job->next_write < job->n_chunks)
        {
          Slot *slot = &job->slots[job->next_write % job->n_workers];
          hsize_t offset[GDCI_MAX_DIMS];
          guint64 extent[GDCI_MAX_DIMS];
          guint64 n_elements = 1;
          herr_t status;

          if (!slot->ready || slot->index != job->next_write)
            {
              g_cond_wait (&job->cond, &job->lock);
              continue;
            }
          locate_chunk (job, job->next_write, offset, extent);
          for (guint i = 0; i < job->n_dims; i++)
            n_elements *= extent[i];
          g_mutex_unlock (&job->lock);

          status = H5Dwrite_chunk (dataset, H5P_DEFAULT, 0, offset, slot->size, slot->data);
          if (status < 0)
            {
              _gdci_h5_set_error (&error, GDCI_ERROR_IO, "Could not write to '%s'",
                                  job->filename);
            }
          else
            {
              job->bytes_done += n_elements * itemsize;
              report_progress (job, job->bytes_done == job->bytes_total);
            }

          g_mutex_lock (&job->lock);
          if (error != NULL)
            {
              fail_locked (job, g_steal_pointer (&error));
              break;
            }
          slot->ready = FALSE;
          job->next_write++;
          g_cond_broadcast (&job->cond);
        }

      /* every chunk of it is written: no thread reads the buffer now (when
       * stopping, compression threads may still be at it: it is released
       * after they are joined) */
      if (!job->stop)
        g_clear_object (&job->buffer);
    }
  job->stop = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);

  g_thread_join (job->reader);
  job->reader = NULL;
  for (guint w = 0; w < job->n_workers && job->workers[w].thread != NULL; w++)
    g_thread_join (job->workers[w].thread);
  /* now nothing writes from the codecs any more */
  for (guint w = 0; w < job->n_workers; w++)
    g_clear_pointer (&job->workers[w].codec, _gdci_codec_free);

  ok = job->error == NULL;
  if (ok && job->bytes_done != job->bytes_total)
    {
      g_set_error (&job->error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "The iterator gave %" G_GUINT64_FORMAT " of the %"
                   G_GUINT64_FORMAT " bytes of the dataset", job->bytes_done,
                   job->bytes_total);
      ok = FALSE;
    }
  return ok;
}

/* ---- the HDF5 file and dataset ------------------------------------------ */

typedef struct
{
  char *temp_filename;     /* a new file, written under this name */
  char *temp_dataset;      /* in an existing file, the dataset's own */
  hid_t fapl;
  hid_t file;
  hid_t dataset;
} Target;

static char *
normalize_dataset_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GString) out = g_string_new ("");

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && strcmp (parts[i], ".") != 0)
      g_string_append_printf (out, "/%s", parts[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What is at @path in @file: nothing (0), a dataset, a group, or an error
 * (-1, with @error set), checking every component. */
static int
inspect_path (WriteJob    *job,
              hid_t        file,
              const char  *path,
              H5O_type_t  *type,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GString) walked = g_string_new ("");

  for (guint i = 0; parts[i] != NULL; i++)
    {
      htri_t exists;

      if (*parts[i] == '\0')
        continue;
      g_string_append_printf (walked, "/%s", parts[i]);
      exists = H5Lexists (file, walked->str, H5P_DEFAULT);
      if (exists < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not look up '%s' in '%s'",
                              walked->str, job->filename);
          return -1;
        }
      if (!exists)
        return 0;
      if (!_gdci_h5_object_type (file, walked->str, type))
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not inspect '%s' in '%s'",
                              walked->str, job->filename);
          return -1;
        }
      if (parts[i + 1] != NULL && *type != H5O_TYPE_GROUP)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                       "'%s' in '%s' is not a group, so it cannot hold '%s'",
                       walked->str, job->filename, path);
          return -1;
        }
    }
  return 1;
}

static hid_t
link_create_plist (void)
{
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);

  if (lcpl >= 0)
    H5Pset_create_intermediate_group (lcpl, 1);
  return lcpl;
}

static gboolean
open_target (WriteJob  *job,
             Target    *target,
             GError   **error)
{
  struct stat st;

  if (stat (job->filename, &st) == 0)
    {
      H5O_type_t type = H5O_TYPE_UNKNOWN;
      int found;

      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                       "'%s' exists and is not a regular file", job->filename);
          return FALSE;
        }
      if (H5Fis_hdf5 (job->filename) <= 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                       "'%s' exists and is not an HDF5 file: gdci does not replace it",
                       job->filename);
          return FALSE;
        }
      if (GDCI_IS_H5_ITERATOR (job->iter))
        {
          g_autofree char *source = NULL;
          struct stat source_st;

          g_object_get (job->iter, "path", &source, NULL);
          if (source != NULL && stat (source, &source_st) == 0 &&
              source_st.st_dev == st.st_dev && source_st.st_ino == st.st_ino)
            {
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                           "'%s' is the file being read: write the dataset to "
                           "another file", job->filename);
              return FALSE;
            }
        }

      target->file = H5Fopen (job->filename, H5F_ACC_RDWR, target->fapl);
      if (target->file < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not open '%s' for writing",
                              job->filename);
          return FALSE;
        }
      found = inspect_path (job, target->file, job->dataset_path, &type, error);
      if (found < 0)
        return FALSE;
      if (found > 0 && type != H5O_TYPE_DATASET)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                       "'%s' in '%s' is %s, not a dataset: gdci does not replace it",
                       job->dataset_path, job->filename,
                       type == H5O_TYPE_GROUP ? "a group" : "not a dataset");
          return FALSE;
        }
      if (found > 0 && !job->overwrite)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                       "'%s' already exists in '%s' (set overwrite to replace it)",
                       job->dataset_path, job->filename);
          return FALSE;
        }
      /* written beside the root, moved into place at the end */
      target->temp_dataset = g_strdup_printf ("/.gdci-writing-%08x%08x",
                                              g_random_int (), g_random_int ());
      return TRUE;
    }
  else if (errno != ENOENT)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s",
                   job->filename, g_strerror (saved_errno));
      return FALSE;
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (job->filename);
      g_autofree char *base = g_path_get_basename (job->filename);
      g_autofree char *template = g_strdup_printf ("%s%s.%s.XXXXXX.partial", dir,
                                                   G_DIR_SEPARATOR_S, base);
      int fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0666);

      if (fd < 0)
        {
          int saved_errno = errno;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "Could not create a file in '%s': %s", dir,
                       g_strerror (saved_errno));
          return FALSE;
        }
      close (fd);
      target->temp_filename = g_steal_pointer (&template);
      target->file = H5Fcreate (target->temp_filename, H5F_ACC_TRUNC, H5P_DEFAULT,
                                target->fapl);
      if (target->file < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not create '%s'",
                              job->filename);
          return FALSE;
        }
      return TRUE;
    }
}

static gboolean
create_dataset (WriteJob  *job,
                Target    *target,
                GError   **error)
{
  hsize_t dims[GDCI_MAX_DIMS];
  hsize_t chunk[GDCI_MAX_DIMS];
  hid_t space, dcpl, lcpl, type;
  const char *name = target->temp_dataset != NULL ? target->temp_dataset
                                                  : job->dataset_path;

  for (guint i = 0; i < job->n_dims; i++)
    {
      dims[i] = job->maxshape[i];
      chunk[i] = job->chunk[i];
    }

  space = H5Screate_simple ((int) job->n_dims, dims, NULL);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  lcpl = link_create_plist ();
  type = H5Tcopy (_gdci_h5_native_type (job->dtype));
  if (space < 0 || dcpl < 0 || lcpl < 0 || type < 0 ||
      H5Pset_chunk (dcpl, (int) job->n_dims, chunk) < 0 ||
      (job->codec.shuffle && H5Pset_shuffle (dcpl) < 0) ||
      (job->codec.gzip_level > 0 && H5Pset_deflate (dcpl, (unsigned) job->codec.gzip_level) < 0) ||
      (job->codec.fletcher32 && H5Pset_fletcher32 (dcpl) < 0))
    target->dataset = H5I_INVALID_HID;
  else
    target->dataset = H5Dcreate2 (target->file, name, type, space, lcpl, dcpl, H5P_DEFAULT);

  if (target->dataset < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create the dataset '%s' in '%s'",
                        job->dataset_path, job->filename);
  _gdci_h5_close (type);
  _gdci_h5_close (lcpl);
  _gdci_h5_close (dcpl);
  _gdci_h5_close (space);
  return target->dataset >= 0;
}

static gboolean
sync_file_and_directory (const char  *path,
                         const char  *shown_name,
                         GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int dir_fd;

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not save '%s': %s",
                   shown_name, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);   /* best effort: some file systems refuse it */
      close (dir_fd);
    }
  return TRUE;
}

/* Makes the written dataset appear under its name, all at once. */
static gboolean
commit_target (WriteJob  *job,
               Target    *target,
               GError   **error)
{
  herr_t status;

  /* everything written and flushed first: what can still fail below is
   * the little the link moves write */
  status = H5Dclose (target->dataset);
  target->dataset = H5I_INVALID_HID;
  if (status < 0 || H5Fflush (target->file, H5F_SCOPE_LOCAL) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          job->filename);
      return FALSE;
    }

  if (target->temp_dataset != NULL)
    {
      g_autofree char *backup = NULL;
      hid_t lcpl;

      /* with overwrite, the old dataset steps aside until the new one is in */
      if (job->overwrite && H5Lexists (target->file, job->dataset_path, H5P_DEFAULT) > 0)
        {
          backup = g_strdup_printf ("/.gdci-replaced-%08x%08x", g_random_int (), g_random_int ());
          if (H5Lmove (target->file, job->dataset_path, target->file, backup,
                       H5P_DEFAULT, H5P_DEFAULT) < 0)
            {
              _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not replace '%s' in '%s'",
                                  job->dataset_path, job->filename);
              return FALSE;
            }
        }
      lcpl = link_create_plist ();
      status = H5Lmove (target->file, target->temp_dataset, target->file,
                        job->dataset_path, lcpl, H5P_DEFAULT);
      _gdci_h5_close (lcpl);
      if (status < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create '%s' in '%s'",
                              job->dataset_path, job->filename);
          if (backup != NULL)
            H5Lmove (target->file, backup, target->file, job->dataset_path,
                     H5P_DEFAULT, H5P_DEFAULT);
          return FALSE;
        }
      g_clear_pointer (&target->temp_dataset, g_free);
      if (backup != NULL)
        H5Ldelete (target->file, backup, H5P_DEFAULT);
    }

  if (H5Fclose (target->file) < 0)
    {
      /* the file stays open for roll_back_target () */
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          job->filename);
      return FALSE;
    }
  target->file = H5I_INVALID_HID;

  /* on the disk before the write says it is done */
  if (!sync_file_and_directory (target->temp_filename != NULL ? target->temp_filename
                                                              : job->filename,
                                job->filename, error))
    return FALSE;
  if (target->temp_filename != NULL)
    {
      if (rename (target->temp_filename, job->filename) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not create '%s': %s",
                       job->filename, g_strerror (saved_errno));
          return FALSE;
        }
      g_clear_pointer (&target->temp_filename, g_free);
    }
  return TRUE;
}

/* After a failure: whatever was written goes away. */
static void
roll_back_target (Target *target)
{
  /* a new file is thrown away whole: nothing of it needs writing */
  if (target->file >= 0 && target->temp_filename != NULL)
    _gdci_h5_file_abandon (target->file);

  if (target->dataset >= 0)
    H5Dclose (target->dataset);
  target->dataset = H5I_INVALID_HID;
  if (target->file >= 0 && target->temp_dataset != NULL)
    H5Ldelete (target->file, target->temp_dataset, H5P_DEFAULT);
  /* an existing file that cannot be written any more (a full disk) keeps
   * what it had on disk before, and is closed all the same */
  if (target->file >= 0 && H5Fflush (target->file, H5F_SCOPE_LOCAL) < 0)
    _gdci_h5_file_abandon (target->file);
  if (target->file >= 0 && H5Fclose (target->file) < 0)
    g_warning ("HDF5 could not close a file after an error");
  target->file = H5I_INVALID_HID;
  H5Eclear2 (H5E_DEFAULT);
  if (target->temp_filename != NULL)
    g_unlink (target->temp_filename);
  g_clear_pointer (&target->temp_filename, g_free);
  g_clear_pointer (&target->temp_dataset, g_free);
}

/* ---- setting up and running a write -------------------------------------- */

static guint
default_n_threads (void)
{
  return MAX (1, g_get_num_processors ());
}

static WriteJob *
write_job_new (GdciH5Writer       *self,
               GdciChunkIterator  *iter,
               const char         *filename,
               const char         *dataset_path,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autoptr(WriteJob) job = g_new0 (WriteJob, 1);
  const guint64 *shape;
  guint64 chunk_bytes;
  guint64 per_worker;
  guint n_threads;

  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->writer = g_object_ref (self);
  job->iter = g_object_ref (iter);
  job->filename = g_strdup (filename);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  if (!_gdci_chunk_iterator_is_initialized (iter))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED,
                   "The %s to write was used before g_initable_init() succeeded on it",
                   G_OBJECT_TYPE_NAME (iter));
      return NULL;
    }
  if (*filename == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file name given to write to");
      return NULL;
    }
  job->dataset_path = normalize_dataset_path (dataset_path);
  if (*job->dataset_path == '\0')
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a dataset path: give one such as /data", dataset_path);
      return NULL;
    }
  if (self->compression != GDCI_COMPRESSION_NONE && self->compression != GDCI_COMPRESSION_GZIP)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciCompression", self->compression);
      return NULL;
    }
  if (self->compression == GDCI_COMPRESSION_GZIP &&
      (self->compression_level < 1 || self->compression_level > 9))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The gzip compression level must be from 1 to 9, not %d",
                   self->compression_level);
      return NULL;
    }

  job->dtype = gdci_chunk_iterator_get_dtype (iter);
  shape = gdci_chunk_iterator_recommended_data_shape (iter, &job->n_dims);
  memcpy (job->maxshape, shape, job->n_dims * sizeof (guint64));
  shape = gdci_chunk_iterator_recommended_chunk_shape (iter, NULL);
  memcpy (job->chunk, shape, job->n_dims * sizeof (guint64));

  if (!_gdci_shape_n_bytes (job->chunk, job->n_dims, job->dtype, &chunk_bytes) ||
      chunk_bytes > MAX_CHUNK_BYTES)
    {
      g_autofree char *s = _gdci_format_tuple (job->chunk, job->n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The chunk shape %s of %s is too large for HDF5, whose chunks "
                   "must be smaller than 4 GiB: choose a smaller chunk_mb or "
                   "chunk_shape", s, gdci_dtype_to_string (job->dtype));
      return NULL;
    }
  if (!_gdci_shape_n_bytes (job->maxshape, job->n_dims, job->dtype, &job->bytes_total))
    {
      g_autofree char *s = _gdci_format_tuple (job->maxshape, job->n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The data shape %s of %s has more than 2^64 bytes", s,
                   gdci_dtype_to_string (job->dtype));
      return NULL;
    }

  job->overwrite = self->overwrite;
  job->codec.chunk_bytes = (gsize) chunk_bytes;
  job->codec.itemsize = gdci_dtype_get_itemsize (job->dtype);
  job->codec.shuffle = self->shuffle;
  job->codec.gzip_level = self->compression == GDCI_COMPRESSION_GZIP ? self->compression_level : 0;
  job->codec.fletcher32 = self->fletcher32;

  /* as many threads as asked, within the scratch memory they may share:
   * each holds up to a chunk gathered, one shuffled and one compressed */
  n_threads = self->n_threads > 0 ? self->n_threads : default_n_threads ();
  per_worker = chunk_bytes * (1 + (job->codec.shuffle ? 1 : 0) +
                              (job->codec.gzip_level > 0 || job->codec.fletcher32 ? 1 : 0));
  job->n_workers = (guint) CLAMP (THREAD_SCRATCH_BYTES / MAX (per_worker, 1), 1, n_threads);
  job->workers = g_new0 (Worker, job->n_workers);
  job->slots = g_new0 (Slot, job->n_workers);

  return g_steal_pointer (&job);
}

static gboolean
write_job_run (WriteJob  *job,
               GError   **error)
{
  Target target = { NULL, NULL, H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID };
  GdciH5Quiet quiet;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;

  gdci_chunk_iterator_reset (job->iter);
  _gdci_h5_quiet_begin (&quiet);

  target.fapl = _gdci_h5_file_access_plist ();
  if (target.fapl < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not set up HDF5 to write '%s'",
                          job->filename);
      _gdci_h5_quiet_end (&quiet);
      return FALSE;
    }
  ok = open_target (job, &target, error) && create_dataset (job, &target, error);
  if (ok)
    {
      if (job->cancellable != NULL)
        job->cancelled_id = g_cancellable_connect (job->cancellable,
                                                   G_CALLBACK (on_cancelled), job, NULL);
      report_progress (job, TRUE);
      ok = run_pipeline (job, target.dataset);
      if (job->cancelled_id != 0)
        g_cancellable_disconnect (job->cancellable, job->cancelled_id);
      job->cancelled_id = 0;
      if (!ok)
        g_propagate_error (error, g_steal_pointer (&job->error));
      else if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        ok = FALSE;
    }
  if (ok)
    ok = commit_target (job, &target, error);
  if (!ok)
    roll_back_target (&target);
  H5Pclose (target.fapl);

  _gdci_h5_quiet_end (&quiet);
  return ok;
}

static void
emit_progress_here (WriteJob *job,
                    guint64   done,
                    guint64   total)
{
  g_signal_emit (job->writer, signals[SIGNAL_PROGRESS], 0, done, total);
}

/**
 * gdci_h5_writer_write:
 * @self: a writer
 * @iter: an initialized iterator, which is reset to its first buffer
 * @filename: (type filename): the HDF5 file to write into; created if it
 *   does not exist
 * @dataset_path: the path of the dataset in the file, such as `/data`;
 *   missing groups on the way are created
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Writes every buffer of @iter into a new dataset at @dataset_path in
 * @filename, with the iterator's data shape, chunk shape and element type
 * and the writer's filters. Blocks until done; emits
 * [signal@Gdci.H5Writer::progress] in this thread.
 *
 * A file that exists must be an HDF5 file; it keeps everything else in it.
 * A dataset that exists at @dataset_path is an error
 * (%GDCI_ERROR_EXISTS) unless [property@Gdci.H5Writer:overwrite] is set.
 *
 * On any error, and when @cancellable is cancelled (%G_IO_ERROR_CANCELLED),
 * nothing is left behind: no new file, and no new or half-written dataset
 * in an existing file.
 *
 * @iter must not be used by anything else during the write: it is read in
 * another thread, where its own [signal@Gdci.ChunkIterator::progress]
 * signal is then emitted.
 *
 * Returns: true on success, false with @error set otherwise
 */
gboolean
gdci_h5_writer_write (GdciH5Writer       *self,
                      GdciChunkIterator  *iter,
                      const char         *filename,
                      const char         *dataset_path,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_autoptr(WriteJob) job = NULL;

  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (iter), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);
  g_return_val_if_fail (dataset_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job = write_job_new (self, iter, filename, dataset_path, cancellable, error);
  if (job == NULL)
    return FALSE;
  job->progress = emit_progress_here;
  return write_job_run (job, error);
}

/* ---- the asynchronous call ---------------------------------------------- */

static gboolean
deliver_progress (gpointer data)
{
  WriteJob *job = g_task_get_task_data (G_TASK (data));
  guint64 done;

  g_mutex_lock (&job->lock);
  done = job->reported_done;
  job->report_pending = FALSE;
  g_mutex_unlock (&job->lock);

  g_signal_emit (job->writer, signals[SIGNAL_PROGRESS], 0, done, job->bytes_total);
  return G_SOURCE_REMOVE;
}

/* In the writing thread: hand the numbers to the caller's main context,
 * one pending delivery at a time, always with the latest numbers. */
static void
emit_progress_in_context (WriteJob *job,
                          guint64   done,
                          guint64   total)
{
  gboolean schedule;

  g_mutex_lock (&job->lock);
  job->reported_done = done;
  schedule = !job->report_pending;
  job->report_pending = TRUE;
  g_mutex_unlock (&job->lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      /* before the task's own completion, which is at the default priority */
      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_set_callback (source, deliver_progress, g_object_ref (job->task),
                             g_object_unref);
      g_source_set_static_name (source, "[gdci] write progress");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (write_job_run (job, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * gdci_h5_writer_write_async:
 * @self: a writer
 * @iter: an initialized iterator, which is reset to its first buffer
 * @filename: (type filename): the HDF5 file to write into
 * @dataset_path: the path of the dataset in the file
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the write is done
 * @user_data: data for @callback
 *
 * Starts [method@Gdci.H5Writer.write] in another thread, so that a GTK or
 * other main-loop application never blocks. [signal@Gdci.H5Writer::progress]
 * is emitted in the thread-default main context of the caller; @callback is
 * called there when the write is done, and calls
 * [method@Gdci.H5Writer.write_finish]. Until then, @iter must not be used.
 */
void
gdci_h5_writer_write_async (GdciH5Writer         *self,
                            GdciChunkIterator    *iter,
                            const char           *filename,
                            const char           *dataset_path,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  WriteJob *job;

  g_return_if_fail (GDCI_IS_H5_WRITER (self));
  g_return_if_fail (GDCI_IS_CHUNK_ITERATOR (iter));
  g_return_if_fail (filename != NULL);
  g_return_if_fail (dataset_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &write_async_tag);
  /* the write handles cancellation itself: a write done before a late
   * cancellation is reported as done */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_name (task, "[gdci] write");

  job = write_job_new (self, iter, filename, dataset_path, cancellable, &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->progress = emit_progress_in_context;
  job->context = g_main_context_ref_thread_default ();
  job->task = task;
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_in_thread);
}

/**
 * gdci_h5_writer_write_finish:
 * @self: a writer
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes a write started with [method@Gdci.H5Writer.write_async].
 *
 * Returns: true on success, false with @error set otherwise
 */
gboolean
gdci_h5_writer_write_finish (GdciH5Writer  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &write_async_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the object --------------------------------------------------------- */

static void
gdci_h5_writer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GdciH5Writer *self = GDCI_H5_WRITER (object);

  switch (prop_id)
    {
    case PROP_COMPRESSION:
      g_value_set_enum (value, self->compression);
      break;
    case PROP_COMPRESSION_LEVEL:
      g_value_set_int (value, self->compression_level);
      break;
    case PROP_SHUFFLE:
      g_value_set_boolean (value, self->shuffle);
      break;
    case PROP_FLETCHER32:
      g_value_set_boolean (value, self->fletcher32);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    case PROP_OVERWRITE:
      g_value_set_boolean (value, self->overwrite);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_h5_writer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GdciH5Writer *self = GDCI_H5_WRITER (object);

  switch (prop_id)
    {
    case PROP_COMPRESSION:
      gdci_h5_writer_set_compression (self, g_value_get_enum (value));
      break;
    case PROP_COMPRESSION_LEVEL:
      gdci_h5_writer_set_compression_level (self, g_value_get_int (value));
      break;
    case PROP_SHUFFLE:
      gdci_h5_writer_set_shuffle (self, g_value_get_boolean (value));
      break;
    case PROP_FLETCHER32:
      gdci_h5_writer_set_fletcher32 (self, g_value_get_boolean (value));
      break;
    case PROP_N_THREADS:
      gdci_h5_writer_set_n_threads (self, g_value_get_uint (value));
      break;
    case PROP_OVERWRITE:
      gdci_h5_writer_set_overwrite (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_h5_writer_class_init (GdciH5WriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = gdci_h5_writer_get_property;
  object_class->set_property = gdci_h5_writer_set_property;

  /**
   * GdciH5Writer:compression:
   *
   * The compression filter of the datasets written.
   */
  properties[PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL, GDCI_TYPE_COMPRESSION,
                       GDCI_COMPRESSION_NONE, flags);

  /**
   * GdciH5Writer:compression-level:
   *
   * The gzip level, from 1 (fastest) to 9 (smallest). Another value makes
   * a gzip write fail with %GDCI_ERROR_INVALID_ARGUMENT.
   */
  properties[PROP_COMPRESSION_LEVEL] =
    g_param_spec_int ("compression-level", NULL, NULL, G_MININT, G_MAXINT, 4, flags);

  /**
   * GdciH5Writer:shuffle:
   *
   * Whether to apply HDF5's shuffle filter before compression, which
   * groups the bytes of the elements by significance; it usually makes
   * integer recordings compress much better.
   */
  properties[PROP_SHUFFLE] =
    g_param_spec_boolean ("shuffle", NULL, NULL, FALSE, flags);

  /**
   * GdciH5Writer:fletcher32:
   *
   * Whether to store HDF5's Fletcher-32 checksum with every chunk, which
   * HDF5 checks when reading.
   */
  properties[PROP_FLETCHER32] =
    g_param_spec_boolean ("fletcher32", NULL, NULL, FALSE, flags);

  /**
   * GdciH5Writer:n-threads:
   *
   * The number of threads that filter chunks in parallel; 0 means one per
   * processor. Fewer are used when their scratch memory (up to three chunks
   * each) would pass 64 MiB.
   */
  properties[PROP_N_THREADS] =
    g_param_spec_uint ("n-threads", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * GdciH5Writer:overwrite:
   *
   * Whether a dataset that already exists at the path written is replaced.
   * Only the dataset: the rest of the file is kept.
   */
  properties[PROP_OVERWRITE] =
    g_param_spec_boolean ("overwrite", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GdciH5Writer::progress:
   * @self: the writer
   * @bytes_done: the bytes of data written so far
   * @bytes_total: the bytes of data in all
   *
   * Emitted as the write goes on, at most every 50 ms and once at the end,
   * with uncompressed sizes. [method@Gdci.H5Writer.write] emits it in its
   * own thread; [method@Gdci.H5Writer.write_async] in the caller's
   * thread-default main context.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
gdci_h5_writer_init (GdciH5Writer *self)
{
  self->compression = GDCI_COMPRESSION_NONE;
  self->compression_level = 4;
}

/**
 * gdci_h5_writer_new:
 *
 * Creates a writer with no compression, shuffle or checksum, one thread per
 * processor, and no overwriting.
 *
 * Returns: (transfer full): a new writer
 */
GdciH5Writer *
gdci_h5_writer_new (void)
{
  return g_object_new (GDCI_TYPE_H5_WRITER, NULL);
}

/**
 * gdci_h5_writer_get_compression:
 * @self: a writer
 *
 * The compression filter of the datasets written.
 *
 * Returns: the compression
 */
GdciCompression
gdci_h5_writer_get_compression (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), GDCI_COMPRESSION_NONE);
  return self->compression;
}

/**
 * gdci_h5_writer_set_compression:
 * @self: a writer
 * @compression: the compression filter
 *
 * Sets the compression filter of the datasets written.
 */
void
gdci_h5_writer_set_compression (GdciH5Writer    *self,
                                GdciCompression  compression)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->compression == compression)
    return;
  self->compression = compression;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPRESSION]);
}

/**
 * gdci_h5_writer_get_compression_level:
 * @self: a writer
 *
 * The gzip level.
 *
 * Returns: the level
 */
int
gdci_h5_writer_get_compression_level (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);
  return self->compression_level;
}

/**
 * gdci_h5_writer_set_compression_level:
 * @self: a writer
 * @level: the gzip level, from 1 to 9
 *
 * Sets the gzip level.
 */
void
gdci_h5_writer_set_compression_level (GdciH5Writer *self,
                                      int           level)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->compression_level == level)
    return;
  self->compression_level = level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPRESSION_LEVEL]);
}

/**
 * gdci_h5_writer_get_shuffle:
 * @self: a writer
 *
 * Whether the shuffle filter is applied.
 *
 * Returns: true if it is
 */
gboolean
gdci_h5_writer_get_shuffle (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->shuffle;
}

/**
 * gdci_h5_writer_set_shuffle:
 * @self: a writer
 * @shuffle: whether to apply the shuffle filter
 *
 * Sets whether the shuffle filter is applied.
 */
void
gdci_h5_writer_set_shuffle (GdciH5Writer *self,
                            gboolean      shuffle)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  shuffle = !!shuffle;
  if (self->shuffle == shuffle)
    return;
  self->shuffle = shuffle;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHUFFLE]);
}

/**
 * gdci_h5_writer_get_fletcher32:
 * @self: a writer
 *
 * Whether chunks carry a Fletcher-32 checksum.
 *
 * Returns: true if they do
 */
gboolean
gdci_h5_writer_get_fletcher32 (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->fletcher32;
}

/**
 * gdci_h5_writer_set_fletcher32:
 * @self: a writer
 * @fletcher32: whether to store checksums
 *
 * Sets whether chunks carry a Fletcher-32 checksum.
 */
void
gdci_h5_writer_set_fletcher32 (GdciH5Writer *self,
                               gboolean      fletcher32)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  fletcher32 = !!fletcher32;
  if (self->fletcher32 == fletcher32)
    return;
  self->fletcher32 = fletcher32;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLETCHER32]);
}

/**
 * gdci_h5_writer_get_n_threads:
 * @self: a writer
 *
 * The number of filtering threads asked for; 0 means one per processor.
 *
 * Returns: the number of threads
 */
guint
gdci_h5_writer_get_n_threads (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);
  return self->n_threads;
}

/**
 * gdci_h5_writer_set_n_threads:
 * @self: a writer
 * @n_threads: the number of threads, or 0 for one per processor
 *
 * Sets the number of threads that filter chunks in parallel.
 */
void
gdci_h5_writer_set_n_threads (GdciH5Writer *self,
                              guint         n_threads)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->n_threads == n_threads)
    return;
  self->n_threads = n_threads;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_THREADS]);
}

/**
 * gdci_h5_writer_get_overwrite:
 * @self: a writer
 *
 * Whether an existing dataset at the path written is replaced.
 *
 * Returns: true if it is
 */
gboolean
gdci_h5_writer_get_overwrite (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->overwrite;
}

/**
 * gdci_h5_writer_set_overwrite:
 * @self: a writer
 * @overwrite: whether to replace an existing dataset
 *
 * Sets whether an existing dataset at the path written is replaced.
 */
void
gdci_h5_writer_set_overwrite (GdciH5Writer *self,
                              gboolean      overwrite)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  overwrite = !!overwrite;
  if (self->overwrite == overwrite)
    return;
  self->overwrite = overwrite;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERWRITE]);
}
