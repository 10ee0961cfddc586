/* gdci-repacker-run.c: a repacker's repacks, blocking and asynchronous
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-compression-private.h"
#include "gdci-error.h"
#include "gdci-h5-writer-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-repacker-private.h"

/* the source tag of the async repack's tasks */
static const char repack_async_tag = 0;

/* At most this often, in microseconds, progress is told */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)

/* The settings of a repack: a copy of @self's, checked */
static gboolean
take_settings (GdciRepacker        *self,
               GdciRepackSettings  *settings,
               GError             **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->replace_filters)
    {
      GdciCompressionRequest request;

      _gdci_h5_writer_get_compression_request (self->writer, &request);
      if (!_gdci_compression_check (&request, error))
        return FALSE;
    }
  settings->writer = g_object_ref (self->writer);
  settings->replace_filters = self->replace_filters;
  settings->chunk_mb = self->chunk_mb;
  settings->min_size = self->min_size;
  settings->overwrite = self->overwrite;
  settings->datasets = NULL;
  if (self->datasets != NULL)
    {
      settings->datasets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; self->datasets[i] != NULL; i++)
        g_hash_table_add (settings->datasets, _gdci_h5_normalize_path (self->datasets[i]));
    }
  settings->chunk_shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_variant_unref);
  g_hash_table_iter_init (&iter, self->chunk_shapes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (settings->chunk_shapes, g_strdup (key), g_variant_ref (value));
  return TRUE;
}

static gboolean
check_names (const char  *in_filename,
             const char  *out_filename,
             GError     **error)
{
  if (*in_filename == '\0' || *out_filename == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file name given to repack from or to");
      return FALSE;
    }
  return TRUE;
}

static GdciRepackJob *
job_new (GdciRepacker  *self,
         const char    *in_filename,
         const char    *out_filename,
         GCancellable  *cancellable,
         GError       **error)
{
  GdciRepackSettings settings = { 0 };
  GdciRepackJob *job;

  if (!check_names (in_filename, out_filename, error) ||
      !take_settings (self, &settings, error))
    return NULL;
  job = _gdci_repack_job_new (&settings, in_filename, out_filename, cancellable);
  _gdci_repack_settings_clear (&settings);
  return job;
}

static gboolean
claim (GdciRepacker  *self,
       GError       **error)
{
  if (self->pending)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           "The repacker is already repacking a file");
      return FALSE;
    }
  self->pending = TRUE;
  return TRUE;
}

/* ---- blocking ------------------------------------------------------------------ */

typedef struct
{
  GdciRepacker *self;
  gint64 last;
} BlockingProgress;

static void
on_blocking_progress (guint64  done,
                      guint64  total,
                      gpointer user_data)
{
  BlockingProgress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (done < total && now - progress->last < PROGRESS_INTERVAL)
    return;
  progress->last = now;
  _gdci_repacker_emit_progress (progress->self, done, total);
}

/**
 * gdci_repacker_repack:
 * @self: a repacker
 * @in_filename: (type filename): the HDF5 file to repack, opened read-only
 * @out_filename: (type filename): the new file; one that exists is
 *   replaced only with [property@Gdci.Repacker:overwrite]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a #GError
 *
 * Copies every object of @in_filename into a new @out_filename, rewriting
 * the datasets as the repacker's properties say (see [class@Gdci.Repacker]),
 * and blocks until done. On success the result properties
 * ([property@Gdci.Repacker:n-objects] and those after it) describe the
 * repack. On failure or cancellation nothing is left at @out_filename (a
 * file that was there stays as it was).
 *
 * A repacker runs one repack at a time (%G_IO_ERROR_PENDING otherwise).
 * Errors are in the %GDCI_ERROR domain: %GDCI_ERROR_INVALID_ARGUMENT for
 * settings that make no sense or @out_filename naming the input,
 * %GDCI_ERROR_NOT_FOUND for a missing input or a dataset path it lacks,
 * %GDCI_ERROR_INVALID_DATA for an input that is not HDF5 or is damaged,
 * %GDCI_ERROR_EXISTS for an output that exists, %GDCI_ERROR_NOT_SUPPORTED
 * for a dataset to rewrite whose filter cannot be decoded, %GDCI_ERROR_IO
 * when writing fails (a full disk, a file-size limit); or
 * %G_IO_ERROR_CANCELLED.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
gdci_repacker_repack (GdciRepacker  *self,
                      const char    *in_filename,
                      const char    *out_filename,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GdciRepackJob) job = NULL;
  BlockingProgress progress = { self, 0 };
  gboolean ok;

  g_return_val_if_fail (GDCI_IS_REPACKER (self), FALSE);
  g_return_val_if_fail (in_filename != NULL, FALSE);
  g_return_val_if_fail (out_filename != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!claim (self, error))
    return FALSE;
  job = job_new (self, in_filename, out_filename, cancellable, error);
  ok = job != NULL;
  if (ok)
    {
      job->progress = on_blocking_progress;
      job->progress_data = &progress;
      ok = _gdci_repack_job_run (job, error);
    }
  self->pending = FALSE;
  if (ok)
    _gdci_repacker_set_results (self, job);
  return ok;
}

/* ---- asynchronous ---------------------------------------------------------------- */

typedef struct
{
  GdciRepackJob *job;
  GMainContext *context;
  GMutex lock;
  guint64 done;
  guint64 total;
  gboolean scheduled;
  gint64 last;
  GTask *task;                  /* not a reference: the task owns this */
} AsyncRepack;

static void
async_repack_free (gpointer data)
{
  AsyncRepack *async = data;

  g_clear_pointer (&async->job, _gdci_repack_job_free);
  g_main_context_unref (async->context);
  g_mutex_clear (&async->lock);
  g_free (async);
}

static gboolean
deliver_progress (gpointer data)
{
  GTask *task = data;
  AsyncRepack *async = g_task_get_task_data (task);
  guint64 done, total;

  g_mutex_lock (&async->lock);
  done = async->done;
  total = async->total;
  async->scheduled = FALSE;
  g_mutex_unlock (&async->lock);
  _gdci_repacker_emit_progress (g_task_get_source_object (task), done, total);
  return G_SOURCE_REMOVE;
}

/* In the repack's thread */
static void
on_async_progress (guint64  done,
                   guint64  total,
                   gpointer user_data)
{
  AsyncRepack *async = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean schedule;

  g_mutex_lock (&async->lock);
  async->done = done;
  async->total = total;
  schedule = !async->scheduled && (done == total || now - async->last >= PROGRESS_INTERVAL);
  if (schedule)
    {
      async->scheduled = TRUE;
      async->last = now;
    }
  g_mutex_unlock (&async->lock);
  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_set_callback (source, deliver_progress, g_object_ref (async->task),
                             g_object_unref);
      g_source_set_static_name (source, "[gdci] repack progress");
      g_source_attach (source, async->context);
      g_source_unref (source);
    }
}

static void
repack_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AsyncRepack *async = task_data;
  GError *error = NULL;

  if (_gdci_repack_job_run (async->job, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer user_data;
} Completion;

/* In the caller's context: the repacker is free again, and its results
 * set, before the caller's callback runs */
static void
on_repacked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Completion *completion = user_data;
  GdciRepacker *self = GDCI_REPACKER (source);
  AsyncRepack *async = g_task_get_task_data (G_TASK (result));

  self->pending = FALSE;
  if (!g_task_had_error (G_TASK (result)))
    _gdci_repacker_set_results (self, async->job);
  if (completion->callback != NULL)
    completion->callback (source, result, completion->user_data);
  g_free (completion);
}

/**
 * gdci_repacker_repack_async:
 * @self: a repacker
 * @in_filename: (type filename): the HDF5 file to repack, opened read-only
 * @out_filename: (type filename): the new file
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called in the thread-default main context of
 *   the calling thread when the repack is done
 * @user_data: data for @callback
 *
 * Repacks as gdci_repacker_repack() does, in a thread of its own, so a
 * GTK or other main-loop application never blocks;
 * [signal@Gdci.Repacker::progress] is emitted in the thread-default main
 * context of the calling thread. Call gdci_repacker_repack_finish() from
 * @callback.
 *
 * Since: 1.0
 */
void
gdci_repacker_repack_async (GdciRepacker        *self,
                            const char          *in_filename,
                            const char          *out_filename,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Completion *completion;
  AsyncRepack *async;
  GdciRepackJob *job;

  g_return_if_fail (GDCI_IS_REPACKER (self));
  g_return_if_fail (in_filename != NULL);
  g_return_if_fail (out_filename != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!claim (self, &error))
    {
      g_task_report_error (self, callback, user_data, (gpointer) &repack_async_tag,
                           g_steal_pointer (&error));
      return;
    }
  job = job_new (self, in_filename, out_filename, cancellable, &error);
  if (job == NULL)
    {
      self->pending = FALSE;
      g_task_report_error (self, callback, user_data, (gpointer) &repack_async_tag,
                           g_steal_pointer (&error));
      return;
    }

  completion = g_new0 (Completion, 1);
  completion->callback = callback;
  completion->user_data = user_data;
  task = g_task_new (self, cancellable, on_repacked, completion);
  g_task_set_source_tag (task, (gpointer) &repack_async_tag);
  g_task_set_name (task, "[gdci] repack");
  async = g_new0 (AsyncRepack, 1);
  async->job = job;
  async->context = g_main_context_ref_thread_default ();
  async->task = task;
  g_mutex_init (&async->lock);
  job->progress = on_async_progress;
  job->progress_data = async;
  g_task_set_task_data (task, async, async_repack_free);
  /* the repack's own errors, cancellation included */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, repack_in_thread);
}

/**
 * gdci_repacker_repack_finish:
 * @self: a repacker
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a #GError
 *
 * Finishes a repack started with gdci_repacker_repack_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
gdci_repacker_repack_finish (GdciRepacker  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
