/* gdci-write-job.c: one write, set up and run
 *
 * A job checks the writer's settings and the iterator's shapes, claims the
 * iterator, opens the target, runs the pipeline and commits or rolls
 * back; and it brings the progress of the writer and of the iterator to
 * the caller's thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-chunk-iterator-private.h"
#include "gdci-error.h"
#include "gdci-h5-fill-private.h"
#include "gdci-h5-target-private.h"
#include "gdci-h5-writer-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-shape-arg-private.h"
#include "gdci-write-job-private.h"
#include "gdci-write-pipeline-private.h"

/* HDF5 cannot store a chunk of 4 GiB or more */
#define MAX_CHUNK_BYTES G_GUINT64_CONSTANT (0xffffffff)
#define PROGRESS_INTERVAL_USEC (50 * G_TIME_SPAN_MILLISECOND)

struct _GdciWriteJob
{
  GdciH5Writer *writer;
  GdciChunkIterator *iter;
  gboolean iter_claimed;         /* in use by this write */
  char *filename;
  GdciH5Target *target;
  GdciWriteSpec spec;
  guint64 maxshape[GDCI_MAX_DIMS];
  GCancellable *cancellable;
  gboolean fast_gzip;            /* FILL: deflate 1-3 with the fast engine */
  GdciH5FillLayout fill;
  gboolean fill_ready;           /* FILL: the layout is read, the spec set */
  const int *io_error;           /* a borrowed dataset's file driver's errno */

  gint64 last_progress;

  /* the progress to deliver: the writer's from the writing thread, the
   * iterator's from the reader thread; under lock */
  GMutex lock;
  guint64 reported_done;
  gboolean report_pending;
  guint64 iter_done;
  guint64 iter_total;
  gboolean iter_pending;
  gboolean iter_scheduled;

  /* for the async call */
  GTask *task;                   /* not a reference: the task owns the job */
  GMainContext *context;
};

void
_gdci_write_job_set_task (GdciWriteJob *job,
                          GTask        *task)
{
  job->task = task;
}

static void
release_iter (GdciWriteJob *job)
{
  if (job->iter_claimed)
    _gdci_chunk_iterator_end_use (job->iter);
  job->iter_claimed = FALSE;
}

void
_gdci_write_job_free (GdciWriteJob *job)
{
  g_clear_pointer (&job->target, _gdci_h5_target_free);
  release_iter (job);
  g_clear_object (&job->writer);
  g_clear_object (&job->iter);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->filename, g_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->lock);
  g_free (job);
}

/* ---- progress ------------------------------------------------------------ */

/* Calls @func in the job's main context, before the task's own completion,
 * which is at the default priority */
static void
schedule_in_context (GdciWriteJob    *job,
                     GSourceFunc  func,
                     const char  *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, func, g_object_ref (job->task), g_object_unref);
  g_source_set_static_name (source, name);
  g_source_attach (source, job->context);
  g_source_unref (source);
}

/* Emits the iterator's latest progress, if there is one to emit, in the
 * calling thread */
static void
deliver_iter_progress (GdciWriteJob *job)
{
  guint64 done, total;
  gboolean pending;

  g_mutex_lock (&job->lock);
  pending = job->iter_pending;
  done = job->iter_done;
  total = job->iter_total;
  job->iter_pending = FALSE;
  job->iter_scheduled = FALSE;
  g_mutex_unlock (&job->lock);

  if (pending)
    _gdci_chunk_iterator_emit_progress (job->iter, done, total);
}

static gboolean
deliver_iter_progress_in_context (gpointer data)
{
  deliver_iter_progress (g_task_get_task_data (G_TASK (data)));
  return G_SOURCE_REMOVE;
}

/* In the reader thread: the iterator's progress goes where the writer's
 * goes, the caller's thread; with the latest numbers, one pending
 * delivery at a time */
static void
on_iter_progress (GdciChunkIterator *iter,
                  guint64            done,
                  guint64            total,
                  gpointer           user_data)
{
  GdciWriteJob *job = user_data;
  gboolean schedule;

  g_mutex_lock (&job->lock);
  job->iter_done = done;
  job->iter_total = total;
  job->iter_pending = TRUE;
  schedule = job->context != NULL && !job->iter_scheduled;
  job->iter_scheduled = TRUE;
  g_mutex_unlock (&job->lock);

  if (schedule)
    schedule_in_context (job, deliver_iter_progress_in_context,
                         "[gdci] iterator progress");
}

static gboolean
deliver_progress_in_context (gpointer data)
{
  GdciWriteJob *job = g_task_get_task_data (G_TASK (data));
  guint64 done;

  g_mutex_lock (&job->lock);
  done = job->reported_done;
  job->report_pending = FALSE;
  g_mutex_unlock (&job->lock);

  _gdci_h5_writer_emit_progress (job->writer, done, job->spec.bytes_total);
  return G_SOURCE_REMOVE;
}

/* In the writing thread: the writer's progress, at most every 50 ms and
 * at the end; in the caller's main context for the async call, with the
 * latest numbers, one pending delivery at a time */
static void
report_progress (GdciWriteJob *job,
                 guint64   done,
                 gboolean  force)
{
  gint64 now = g_get_monotonic_time ();
  gboolean schedule;

  if (!force && now - job->last_progress < PROGRESS_INTERVAL_USEC)
    return;
  job->last_progress = now;

  if (job->context == NULL)
    {
      _gdci_h5_writer_emit_progress (job->writer, done, job->spec.bytes_total);
      return;
    }
  g_mutex_lock (&job->lock);
  job->reported_done = done;
  schedule = !job->report_pending;
  job->report_pending = TRUE;
  g_mutex_unlock (&job->lock);
  if (schedule)
    schedule_in_context (job, deliver_progress_in_context, "[gdci] write progress");
}

/* In the writing thread, after every chunk written */
static void
on_written (guint64  bytes_done,
            gpointer user_data)
{
  GdciWriteJob *job = user_data;

  /* a blocking write: the iterator's progress comes here from the reader */
  if (job->context == NULL)
    deliver_iter_progress (job);
  report_progress (job, bytes_done, bytes_done == job->spec.bytes_total);
}

/* ---- setting up and running a write -------------------------------------- */

/* The writer's compression settings make sense for a write in @mode */
static gboolean
check_compression (GdciH5Writer   *self,
                   GdciWriteMode   mode,
                   GError        **error)
{
  GdciCompressionRequest request;

  _gdci_h5_writer_get_compression_request (self, &request);
  if (mode != GDCI_WRITE_MODE_FILL)
    return _gdci_compression_check (&request, error);
  /* the dataset's own filters */
  if (request.compression == GDCI_COMPRESSION_NONE ||
      request.compression == GDCI_COMPRESSION_GZIP_FAST)
    return TRUE;
  g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "A fill keeps the dataset's own filters: leave the writer's "
                       "compression unset, or set it to gzip-fast to compress a deflate "
                       "dataset of level 1 to 3 with the fast engine");
  return FALSE;
}

/* The writer's settings make sense; @filename is NULL for a dataset the
 * caller has open */
static gboolean
check_settings (GdciH5Writer       *self,
                GdciChunkIterator  *iter,
                const char         *filename,
                const char         *dataset_path,
                GError            **error)
{
  g_autofree char *normalized = NULL;

  if (!_gdci_chunk_iterator_is_initialized (iter))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_INITIALIZED,
                   "The %s to write was used before g_initable_init() succeeded on it",
                   G_OBJECT_TYPE_NAME (iter));
      return FALSE;
    }
  /* a dataset the caller has open is filled, whatever the writer's mode */
  if (!check_compression (self, filename == NULL ? GDCI_WRITE_MODE_FILL : self->mode, error))
    return FALSE;
  if (filename == NULL)
    return TRUE;
  if (*filename == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file name given to write to");
      return FALSE;
    }
  normalized = _gdci_h5_normalize_path (dataset_path);
  if (*normalized == '\0')
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a dataset path: give one such as /data", dataset_path);
      return FALSE;
    }
  return TRUE;
}

/* The chunk of @spec, checked for HDF5 */
static gboolean
check_chunk (GdciWriteSpec  *spec,
             GError        **error)
{
  guint64 chunk_bytes;

  if (!_gdci_shape_n_bytes (spec->chunk, spec->n_dims, spec->dtype, &chunk_bytes) ||
      chunk_bytes > MAX_CHUNK_BYTES)
    {
      g_autofree char *s = _gdci_format_tuple (spec->chunk, spec->n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The chunk shape %s of %s is too large for HDF5, whose chunks "
                   "must be smaller than 4 GiB: choose a smaller chunk_mb or "
                   "chunk_shape", s, gdci_dtype_to_string (spec->dtype));
      return FALSE;
    }
  spec->codec.chunk_bytes = (gsize) chunk_bytes;
  spec->codec.itemsize = gdci_dtype_get_itemsize (spec->dtype);
  return TRUE;
}

/* The shapes and sizes of the dataset; its chunks and filters too, for a
 * new dataset */
static gboolean
plan_dataset (GdciWriteJob  *job,
              GError       **error)
{
  GdciWriteSpec *spec = &job->spec;
  const guint64 *shape;

  spec->dtype = gdci_chunk_iterator_get_dtype (job->iter);
  shape = gdci_chunk_iterator_recommended_data_shape (job->iter, &spec->n_dims);
  memcpy (job->maxshape, shape, spec->n_dims * sizeof (guint64));
  if (!_gdci_shape_n_bytes (job->maxshape, spec->n_dims, spec->dtype, &spec->bytes_total))
    {
      g_autofree char *s = _gdci_format_tuple (job->maxshape, spec->n_dims);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "The data shape %s of %s has more than 2^64 bytes", s,
                   gdci_dtype_to_string (spec->dtype));
      return FALSE;
    }
  spec->direct = TRUE;
  if (job->target->mode == GDCI_WRITE_MODE_FILL)
    return TRUE;

  shape = gdci_chunk_iterator_recommended_chunk_shape (job->iter, NULL);
  memcpy (spec->chunk, shape, spec->n_dims * sizeof (guint64));
  if (!check_chunk (spec, error))
    return FALSE;
  {
    GdciCompressionRequest request;

    _gdci_h5_writer_get_compression_request (job->writer, &request);
    _gdci_compression_resolve (&request, spec->codec.itemsize, spec->codec.chunk_bytes,
                               &spec->codec);
  }
  return TRUE;
}

static gboolean
deliver_n_threads_in_context (gpointer data)
{
  GdciWriteJob *job = g_task_get_task_data (G_TASK (data));

  _gdci_h5_writer_set_n_threads_used (job->writer, job->spec.n_workers);
  return G_SOURCE_REMOVE;
}

/* As many threads as asked, within the scratch memory they may share;
 * none where HDF5 filters the data itself. The writer says how many in the
 * caller's thread. */
static void
choose_n_threads (GdciWriteJob *job,
                  gboolean      in_caller)
{
  job->spec.n_workers = job->spec.direct
                          ? _gdci_h5_writer_n_workers (job->writer, &job->spec.codec, NULL)
                          : 0;
  if (in_caller || job->context == NULL)
    _gdci_h5_writer_set_n_threads_used (job->writer, job->spec.n_workers);
  else
    schedule_in_context (job, deliver_n_threads_in_context, "[gdci] threads used");
}

/* FILL: reads how the dataset opened is stored, checks it against the
 * iterator, and sets the write up for it */
static gboolean
prepare_fill (GdciWriteJob  *job,
              gboolean       in_caller,
              gboolean       notes,
              GError       **error)
{
  GdciH5Target *target = job->target;
  GdciWriteSpec *spec = &job->spec;
  g_autoptr(GdciPlan) read_plan = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!_gdci_h5_fill_inspect (target->dataset, job->iter, job->fast_gzip, target->filename,
                              target->dataset_path, &job->fill, error))
    return FALSE;
  spec->direct = job->fill.direct;
  if (notes)
    _gdci_h5_fill_warn_if_slow (&job->fill, target->filename, target->dataset_path);
  if (job->fill.chunked)
    memcpy (spec->chunk, job->fill.chunk, spec->n_dims * sizeof (guint64));
  else
    memcpy (spec->chunk, job->maxshape, spec->n_dims * sizeof (guint64));
  if (spec->direct)
    spec->codec = job->fill.codec;

  read_plan = _gdci_h5_fill_read_plan (job->iter, &job->fill, &local_error);
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Could not read in whole chunks of '%s': ",
                                  target->dataset_path);
      return FALSE;
    }
  /* buffers of whole chunks may be larger than the iterator's own */
  if (read_plan != NULL && !gdci_h5_writer_check_memory (job->writer, read_plan, error))
    return FALSE;
  _gdci_chunk_iterator_set_read_plan (job->iter, read_plan);
  choose_n_threads (job, in_caller);
  job->fill_ready = TRUE;
  return TRUE;
}

static GdciWriteJob *
write_job_new (GdciH5Writer       *self,
               GdciChunkIterator  *iter,
               const char         *filename,
               GCancellable       *cancellable,
               GMainContext       *context)
{
  GdciWriteJob *job = g_new0 (GdciWriteJob, 1);

  g_mutex_init (&job->lock);
  job->writer = g_object_ref (self);
  job->iter = g_object_ref (iter);
  job->fast_gzip = self->compression == GDCI_COMPRESSION_GZIP_FAST;
  job->filename = g_strdup (filename);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->context = context != NULL ? g_main_context_ref (context) : NULL;
  job->spec.iter = iter;
  job->spec.filename = job->filename;
  job->spec.cancellable = job->cancellable;
  job->spec.written = on_written;
  job->spec.user_data = job;
  return job;
}

/* Claims the iterator, last: a write that cannot start leaves it to
 * whoever has it */
static GdciWriteJob *
claim_iter (GdciWriteJob  *job,
            GError       **error)
{
  if (!_gdci_chunk_iterator_begin_use (job->iter, on_iter_progress, job, error))
    {
      _gdci_write_job_free (job);
      return NULL;
    }
  job->iter_claimed = TRUE;
  return job;
}

GdciWriteJob *
_gdci_write_job_new (GdciH5Writer       *self,
                     GdciChunkIterator  *iter,
                     const char         *filename,
                     const char         *dataset_path,
                     GCancellable       *cancellable,
                     GMainContext       *context,
                     GError            **error)
{
  g_autoptr(GdciWriteJob) job = NULL;

  if (!check_settings (self, iter, filename, dataset_path, error) ||
      !gdci_h5_writer_check_memory (self, gdci_chunk_iterator_get_plan (iter), error))
    return NULL;

  job = write_job_new (self, iter, filename, cancellable, context);
  job->target = _gdci_h5_target_new (filename, dataset_path, self->mode);
  if (!plan_dataset (job, error))
    return NULL;
  if (job->target->mode != GDCI_WRITE_MODE_FILL)
    choose_n_threads (job, TRUE);
  return claim_iter (g_steal_pointer (&job), error);
}

GdciWriteJob *
_gdci_write_job_new_borrowed (GdciH5Writer       *self,
                              GdciChunkIterator  *iter,
                              hid_t               dataset,
                              const char         *filename_shown,
                              gboolean            notes,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_autoptr(GdciWriteJob) job = NULL;
  GdciH5Target *target;

  if (!check_settings (self, iter, NULL, NULL, error) ||
      !gdci_h5_writer_check_memory (self, gdci_chunk_iterator_get_plan (iter), error))
    return NULL;
  target = _gdci_h5_target_new_borrowed (dataset, filename_shown, error);
  if (target == NULL)
    return NULL;

  job = write_job_new (self, iter, target->filename, cancellable, NULL);
  job->target = target;
  if (!plan_dataset (job, error))
    return NULL;
  /* claimed before the read plan is set on it */
  job = claim_iter (g_steal_pointer (&job), error);
  if (job != NULL && !prepare_fill (job, TRUE, notes, error))
    g_clear_pointer (&job, _gdci_write_job_free);
  return g_steal_pointer (&job);
}

void
_gdci_write_job_set_io_error (GdciWriteJob *job,
                              const int    *io_error)
{
  job->io_error = io_error;
}

static gboolean
write_job_write (GdciWriteJob  *job,
                 GError   **error)
{
  GdciH5Target *target = job->target;
  gboolean ok;

  if (job->target->mode == GDCI_WRITE_MODE_FILL)
    {
      if (!target->borrowed && !_gdci_h5_target_open (target, job->iter, error))
        return FALSE;
      if (!job->fill_ready && !prepare_fill (job, FALSE, TRUE, error))
        return FALSE;
    }
  else if (!_gdci_h5_target_open (target, job->iter, error) ||
           !_gdci_h5_target_create_dataset (target, job->spec.n_dims, job->maxshape,
                                            job->spec.chunk, job->spec.dtype,
                                            &job->spec.codec, error))
    return FALSE;

  job->spec.dataset = target->dataset;
  job->spec.io_error = target->control != NULL ? &target->control->error : job->io_error;
  report_progress (job, 0, TRUE);
  ok = _gdci_write_pipeline_run (&job->spec, error);
  /* a blocking write: the iterator's last progress before it returns */
  if (job->context == NULL)
    deliver_iter_progress (job);
  if (ok && g_cancellable_set_error_if_cancelled (job->cancellable, error))
    ok = FALSE;
  return ok && _gdci_h5_target_commit (target, error);
}

gboolean
_gdci_write_job_run (GdciWriteJob  *job,
               GError   **error)
{
  GdciH5Quiet quiet;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    {
      release_iter (job);
      return FALSE;
    }
  _gdci_chunk_iterator_reset_owned (job->iter);

  _gdci_h5_quiet_begin (&quiet);
  ok = write_job_write (job, error);
  /* what is not committed is rolled back, and the file let go of */
  if (!ok && job->target->borrowed && job->fill_ready)
    _gdci_h5_fill_drop_chunks (job->target->dataset, &job->fill);
  if (!ok)
    _gdci_h5_target_roll_back (job->target, error);
  g_clear_pointer (&job->target, _gdci_h5_target_free);
  _gdci_h5_quiet_end (&quiet);

  /* done with the iterator: the caller may use it when this returns, or
   * in the async callback */
  release_iter (job);
  return ok;
}
