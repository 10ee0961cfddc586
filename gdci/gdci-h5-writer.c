/* gdci-h5-writer.c: the writer object
 *
 * A write is set up and run in gdci-write-job.c, its threads are in
 * gdci-write-pipeline.c, its HDF5 file and dataset in gdci-h5-target.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-enum-types.h"
#include "gdci-h5-writer-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-write-job-private.h"

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
 *   (".NAME.XXXXXX.partial") and renamed into place only after every
 *   buffer succeeded and the file was synced, and in an existing file the
 *   dataset is written under a temporary name and moved into place at the
 *   end. Every byte of an existing file that the write overwrites (HDF5
 *   rewrites its superblock and some metadata in place) is first saved in
 *   a journal beside the file (".NAME.gdci-journal"), synced to the disk;
 *   the write is committed when the journal is deleted, after the file is
 *   synced. On error or cancellation, at any step (the final close and
 *   sync included), the temporary file is removed, or the existing file is
 *   put back from its journal exactly as it was, byte for byte and size;
 * - a write that is killed (`SIGKILL`, a crash, a power loss) leaves its
 *   journal or temporary file, and the next write to the same file puts
 *   the file back from the journal, or removes the temporary files, before
 *   it starts; gdci_h5_clean() does the same without writing. Until then
 *   HDF5 may refuse to open a `libver='latest'` file ("file is already open
 *   for write"), and an older file shows what the killed write had begun.
 *   Where the directory does not allow the journal (it is read-only), the
 *   journal is kept in memory: failures are still undone, a killed write
 *   is not;
 * - a new file never replaces one that another program created at its name
 *   meanwhile (%GDCI_ERROR_EXISTS), and a file that another writer holds,
 *   gdci or HDF5 with its file locking, is refused (%GDCI_ERROR_BUSY):
 *   gdci locks every file it writes, for the whole write, whatever
 *   `HDF5_USE_FILE_LOCKING` says (an open file description lock, which the
 *   system drops when the process ends: that is how the leftovers of
 *   writes that are gone are told from those of writes still running);
 * - a dangling symbolic link as the file name creates the file it points
 *   to, as h5py does: the chain of links is followed (each relative link
 *   from its own directory), the temporary file is written in the target's
 *   directory and renamed onto the target, and the link is kept. A link
 *   loop, or a link into a directory that does not exist, is a
 *   %GDCI_ERROR_IO error.
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
 *
 * Since: 1.0
 */

G_DEFINE_FINAL_TYPE (GdciH5Writer, gdci_h5_writer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_COMPRESSION,
  PROP_COMPRESSION_LEVEL,
  PROP_SHUFFLE,
  PROP_BITSHUFFLE,
  PROP_BLOSC_CODEC,
  PROP_FLETCHER32,
  PROP_N_THREADS,
  PROP_MODE,
  PROP_MAX_MEMORY,
  PROP_N_THREADS_USED,
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

void
_gdci_h5_writer_emit_progress (GdciH5Writer *self,
                               guint64       bytes_done,
                               guint64       bytes_total)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes_done, bytes_total);
}

void
_gdci_h5_writer_set_n_threads_used (GdciH5Writer *self,
                                    guint         n_threads)
{
  if (self->n_threads_used == n_threads)
    return;
  self->n_threads_used = n_threads;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_THREADS_USED]);
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
 * What the write does with a dataset that exists at @dataset_path is
 * [property@Gdci.H5Writer:mode]'s: by default it is an error
 * (%GDCI_ERROR_EXISTS). In %GDCI_WRITE_MODE_FILL mode the dataset must
 * exist, with the iterator's shape and an element type that the
 * iterator's converts to exactly (%GDCI_ERROR_INVALID_ARGUMENT otherwise),
 * and on failure it keeps what it held.
 *
 * On any error, and when @cancellable is cancelled (%G_IO_ERROR_CANCELLED),
 * nothing is left behind: no new file, and no new or half-written dataset
 * in an existing file.
 *
 * @iter is read in another thread. Until the write is done, its
 * [method@Gdci.ChunkIterator.next] and [method@Gdci.ChunkIterator.reset]
 * fail with %GDCI_ERROR_BUSY, and so does another write of it. Its
 * [signal@Gdci.ChunkIterator::progress] signal is emitted in this thread,
 * the last one (every buffer read) before this returns.
 *
 * Returns: true on success, false with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_write (GdciH5Writer       *self,
                      GdciChunkIterator  *iter,
                      const char         *filename,
                      const char         *dataset_path,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_autoptr(GdciWriteJob) job = NULL;

  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (iter), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);
  g_return_val_if_fail (dataset_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job = _gdci_write_job_new (self, iter, filename, dataset_path, cancellable, NULL, error);
  if (job == NULL)
    return FALSE;
  return _gdci_write_job_run (job, error);
}

/**
 * gdci_h5_writer_fill_dataset:
 * @self: a writer
 * @iter: an initialized iterator, which is reset to its first buffer
 * @dataset_id: the identifier (`hid_t`) of an HDF5 dataset that the
 *   program has open for writing with the HDF5 library gdci uses, such as
 *   h5py's `dataset.id.id` (Debian's h5py and gdci share one)
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Fills the dataset @dataset_id with the data of @iter, as a write in
 * %GDCI_WRITE_MODE_FILL mode does (whatever the writer's mode), through
 * the file the program has open: for a program, such as one using h5py or
 * hdmf, that holds the file open while gdci writes into it, which must not
 * be opened a second time. The dataset's shape, element type, chunks and
 * filters are checked and used as in [method@Gdci.H5Writer.write]; the
 * dataset stays open, and flushed, when this returns. A dataset of a file
 * opened read-only is refused (%GDCI_ERROR_INVALID_ARGUMENT), before
 * anything is written.
 *
 * The file is the program's, so there is no journal: on an error or a
 * cancellation, a dataset that had no chunk written before reads as its
 * fill value again (the chunks written are dropped); one that had data
 * keeps the chunks written before the failure. A dataset that is not
 * chunked is written by HDF5, with no roll-back. Blocks until done, and
 * makes every HDF5 call in the calling thread.
 *
 * Returns: true on success, false with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_fill_dataset (GdciH5Writer       *self,
                             GdciChunkIterator  *iter,
                             gint64              dataset_id,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(GdciWriteJob) job = NULL;
  GdciH5Quiet quiet;

  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  g_return_val_if_fail (GDCI_IS_CHUNK_ITERATOR (iter), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _gdci_h5_quiet_begin (&quiet);
  job = _gdci_write_job_new_borrowed (self, iter, (hid_t) dataset_id, NULL, TRUE, cancellable,
                                      error);
  _gdci_h5_quiet_end (&quiet);
  if (job == NULL)
    return FALSE;
  return _gdci_write_job_run (job, error);
}

/* ---- the asynchronous call ---------------------------------------------- */

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GdciWriteJob *job = task_data;
  GError *error = NULL;

  if (_gdci_write_job_run (job, &error))
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
 * and the iterator's [signal@Gdci.ChunkIterator::progress] are emitted in
 * the thread-default main context of the caller, the last of each before
 * @callback; @callback is called there when the write is done, and calls
 * [method@Gdci.H5Writer.write_finish]. Until then, @iter is in use: its
 * [method@Gdci.ChunkIterator.next] and [method@Gdci.ChunkIterator.reset]
 * fail with %GDCI_ERROR_BUSY, and so does another write of it.
 *
 * Since: 1.0
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
  GMainContext *context;
  GdciWriteJob *job;

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

  context = g_main_context_ref_thread_default ();
  job = _gdci_write_job_new (self, iter, filename, dataset_path, cancellable, context, &error);
  g_main_context_unref (context);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _gdci_write_job_set_task (job, task);
  g_task_set_task_data (task, job, (GDestroyNotify) _gdci_write_job_free);
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
 *
 * Since: 1.0
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
    case PROP_BITSHUFFLE:
      g_value_set_boolean (value, self->bitshuffle);
      break;
    case PROP_BLOSC_CODEC:
      g_value_set_enum (value, self->blosc_codec);
      break;
    case PROP_FLETCHER32:
      g_value_set_boolean (value, self->fletcher32);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_MAX_MEMORY:
      g_value_set_uint64 (value, self->max_memory);
      break;
    case PROP_N_THREADS_USED:
      g_value_set_uint (value, self->n_threads_used);
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
    case PROP_BITSHUFFLE:
      gdci_h5_writer_set_bitshuffle (self, g_value_get_boolean (value));
      break;
    case PROP_BLOSC_CODEC:
      gdci_h5_writer_set_blosc_codec (self, g_value_get_enum (value));
      break;
    case PROP_FLETCHER32:
      gdci_h5_writer_set_fletcher32 (self, g_value_get_boolean (value));
      break;
    case PROP_N_THREADS:
      gdci_h5_writer_set_n_threads (self, g_value_get_uint (value));
      break;
    case PROP_MODE:
      gdci_h5_writer_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_MAX_MEMORY:
      gdci_h5_writer_set_max_memory (self, g_value_get_uint64 (value));
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
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL, GDCI_TYPE_COMPRESSION,
                       GDCI_COMPRESSION_NONE, flags);

  /**
   * GdciH5Writer:compression-level:
   *
   * The level of [property@Gdci.H5Writer:compression], or 0 (the default)
   * for the codec's default level: gzip 1 (fastest) to 9 (smallest), 4 by
   * default; gzip-fast 1 to 3, 1 by default; zstd 1 to 22, 3 by default;
   * Blosc 1 to 9, 5 by default; LZ4 has no levels and takes only 0. A
   * level out of range makes a write fail with %GDCI_ERROR_INVALID_ARGUMENT.
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESSION_LEVEL] =
    g_param_spec_int ("compression-level", NULL, NULL, G_MININT, G_MAXINT, 0, flags);

  /**
   * GdciH5Writer:shuffle:
   *
   * Whether to apply HDF5's shuffle filter before compression, which
   * groups the bytes of the elements by significance; it usually makes
   * integer recordings compress much better.
   *
   * Since: 1.0
   */
  properties[PROP_SHUFFLE] =
    g_param_spec_boolean ("shuffle", NULL, NULL, FALSE, flags);

  /**
   * GdciH5Writer:bitshuffle:
   *
   * Whether to shuffle the elements' bits before compression, as the
   * Bitshuffle filter (HDF5 filter 32008, hdf5plugin's `Bitshuffle`) does:
   * with no compression, LZ4 or zstd the Bitshuffle filter is written
   * instead of the compressor's, compressing with LZ4 or zstd itself; with
   * Blosc it is Blosc's own bit shuffle. It cannot go with gzip or with
   * [property@Gdci.H5Writer:shuffle]: such a write fails with
   * %GDCI_ERROR_INVALID_ARGUMENT.
   *
   * Since: 1.0
   */
  properties[PROP_BITSHUFFLE] =
    g_param_spec_boolean ("bitshuffle", NULL, NULL, FALSE, flags);

  /**
   * GdciH5Writer:blosc-codec:
   *
   * The compressor inside Blosc, when [property@Gdci.H5Writer:compression]
   * is %GDCI_COMPRESSION_BLOSC; LZ4 by default, as in hdf5plugin.
   *
   * Since: 1.0
   */
  properties[PROP_BLOSC_CODEC] =
    g_param_spec_enum ("blosc-codec", NULL, NULL, GDCI_TYPE_BLOSC_CODEC,
                       GDCI_BLOSC_CODEC_LZ4, flags);

  /**
   * GdciH5Writer:fletcher32:
   *
   * Whether to store HDF5's Fletcher-32 checksum with every chunk, which
   * HDF5 checks when reading.
   *
   * Since: 1.0
   */
  properties[PROP_FLETCHER32] =
    g_param_spec_boolean ("fletcher32", NULL, NULL, FALSE, flags);

  /**
   * GdciH5Writer:n-threads:
   *
   * The number of threads that filter chunks in parallel; 0 means one per
   * processor. Fewer are used when their scratch memory (up to two chunks
   * each: one gathered and shuffled, one compressed) would pass 64 MiB;
   * [property@Gdci.H5Writer:n-threads-used] then says how many.
   *
   * Since: 1.0
   */
  properties[PROP_N_THREADS] =
    g_param_spec_uint ("n-threads", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * GdciH5Writer:mode:
   *
   * What a write does with the dataset at its path: creates it (the
   * default; one that exists is an error), replaces one that exists, or
   * fills one that exists. The rest of the file is kept in every mode.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, GDCI_TYPE_WRITE_MODE, GDCI_WRITE_MODE_CREATE, flags);

  /**
   * GdciH5Writer:max-memory:
   *
   * The most memory, in bytes, a write may take, as
   * [method@Gdci.H5Writer.estimate_memory] counts it (the buffers, the one
   * read ahead, the compression scratch); 0, the default, sets no limit. A
   * write that would take more fails before it starts, with
   * %GDCI_PLAN_ERROR_MEMORY_LIMIT.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_MEMORY] =
    g_param_spec_uint64 ("max-memory", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  /**
   * GdciH5Writer:n-threads-used:
   *
   * The number of threads that filter chunks in the write started last, as
   * [property@Gdci.H5Writer:n-threads] asked and the 64 MiB of scratch
   * memory they share allowed: fewer than asked when the chunks are large.
   * 0 before the first write. Set, and notified, when a write starts, in
   * the thread that starts it.
   *
   * Since: 1.0
   */
  properties[PROP_N_THREADS_USED] =
    g_param_spec_uint ("n-threads-used", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GdciH5Writer::progress:
   * @self: the writer
   * @bytes_done: the bytes of data written so far
   * @bytes_total: the bytes of data in all
   *
   * Emitted as the write goes on, at most every 50 ms and once at the end,
   * with uncompressed sizes. [method@Gdci.H5Writer.write] emits it in the
   * thread that called it; [method@Gdci.H5Writer.write_async] in the
   * caller's thread-default main context.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
gdci_h5_writer_init (GdciH5Writer *self)
{
  self->compression = GDCI_COMPRESSION_NONE;
  self->blosc_codec = GDCI_BLOSC_CODEC_LZ4;
}

/**
 * gdci_h5_writer_new:
 *
 * Creates a writer with no compression, shuffle or checksum, one thread per
 * processor, in %GDCI_WRITE_MODE_CREATE mode.
 *
 * Returns: (transfer full): a new writer
 *
 * Since: 1.0
 */
GdciH5Writer *
gdci_h5_writer_new (void)
{
  return g_object_new (GDCI_TYPE_H5_WRITER, NULL);
}

/**
 * gdci_h5_writer_get_n_threads:
 * @self: a writer
 *
 * The number of filtering threads asked for; 0 means one per processor.
 *
 * Returns: the number of threads
 *
 * Since: 1.0
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
 *
 * Since: 1.0
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
 * gdci_h5_writer_get_n_threads_used:
 * @self: a writer
 *
 * The number of threads that filter chunks in the write started last:
 * [property@Gdci.H5Writer:n-threads-used].
 *
 * Returns: the number of threads, or 0 before the first write
 *
 * Since: 1.0
 */
guint
gdci_h5_writer_get_n_threads_used (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);
  return self->n_threads_used;
}

/**
 * gdci_h5_writer_get_mode:
 * @self: a writer
 *
 * What a write does with the dataset at its path:
 * [property@Gdci.H5Writer:mode].
 *
 * Returns: the write mode
 *
 * Since: 1.0
 */
GdciWriteMode
gdci_h5_writer_get_mode (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), GDCI_WRITE_MODE_CREATE);
  return self->mode;
}

/**
 * gdci_h5_writer_set_mode:
 * @self: a writer
 * @mode: the write mode
 *
 * Sets what a write does with the dataset at its path.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_mode (GdciH5Writer  *self,
                         GdciWriteMode  mode)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));
  g_return_if_fail (mode >= GDCI_WRITE_MODE_CREATE && mode <= GDCI_WRITE_MODE_FILL);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * gdci_h5_writer_get_max_memory:
 * @self: a writer
 *
 * The most memory a write may take: [property@Gdci.H5Writer:max-memory].
 *
 * Returns: the limit in bytes, or 0 for none
 *
 * Since: 1.0
 */
guint64
gdci_h5_writer_get_max_memory (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);

  return self->max_memory;
}

/**
 * gdci_h5_writer_set_max_memory:
 * @self: a writer
 * @max_memory: the limit in bytes, or 0 for none
 *
 * Sets the most memory a write may take.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_max_memory (GdciH5Writer *self,
                               guint64       max_memory)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->max_memory == max_memory)
    return;
  self->max_memory = max_memory;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MEMORY]);
}
