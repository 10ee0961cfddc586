/* gdci-h5-stream.c: recording frames as they arrive into a growing HDF5
 * dataset
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"


#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-h5-stream-private.h"
#include "gdci-hdf5-private.h"
#include "gdci-shape-arg-private.h"

/**
 * GdciH5Stream:
 *
 * Records frames as they arrive (the samples of a probe, the images of a
 * camera) into an HDF5 dataset whose first axis grows with them.
 *
 * A stream is made with [ctor@Gdci.H5Stream.new] or, with every setting,
 * with `g_object_new()` and [method@Gio.Initable.init] (which
 * [func@Gio.Initable.new] does): initialization creates the file, or the
 * dataset in an existing file, with no frames. [method@Gdci.H5Stream.append]
 * copies any whole number of frames and returns; gdci's threads compress
 * them, a chunk at a time, and its writing thread writes them with direct
 * chunk writes. Every [property@Gdci.H5Stream:flush-interval] seconds, and at
 * each [method@Gdci.H5Stream.flush], what was appended (the chunk being
 * filled too) is written, the dataset's extent set to it, and the file
 * flushed and synced: it is then durable, and with
 * [property@Gdci.H5Stream:swmr] readers that open the file in HDF5's SWMR
 * mode (h5py's `File(name, "r", swmr=True)`) see it.
 * [method@Gdci.H5Stream.close] writes the rest and sets the extent to the
 * frames appended.
 *
 * If the process is killed or the machine loses power, the file holds
 * every frame of the last completed flush (a new file takes its name only
 * once it is set up: before, it is a hidden file beside it); a file that
 * was being written with SWMR keeps HDF5's mark of a writer, which `gdci
 * clean FILE` (or `h5clear -s --increment=0 FILE`) removes for readers
 * that do not open it in SWMR mode.
 *
 * When the frames waiting to be compressed and written would pass
 * [property@Gdci.H5Stream:max-backlog-bytes], append waits for them, and
 * [signal@Gdci.H5Stream::backlog-full] tells it.
 *
 * One thread at a time may append, flush and close; the properties that
 * count may be read from any thread, and the signals are emitted in the
 * thread-default main context of the thread that made the stream.
 *
 * Since: 1.0
 */

static void gdci_h5_stream_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GdciH5Stream, gdci_h5_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      gdci_h5_stream_initable_iface_init))

enum {
  PROP_0,
  PROP_FILENAME,
  PROP_DATASET_PATH,
  PROP_DTYPE,
  PROP_FRAME_SHAPE,
  PROP_CHUNK_SHAPE,
  PROP_CHUNK_MB,
  PROP_COMPRESSION,
  PROP_COMPRESSION_LEVEL,
  PROP_SHUFFLE,
  PROP_BITSHUFFLE,
  PROP_BLOSC_CODEC,
  PROP_FLETCHER32,
  PROP_N_THREADS,
  PROP_SWMR,
  PROP_FLUSH_INTERVAL,
  PROP_MAX_BACKLOG_BYTES,
  PROP_FRAMES_APPENDED,
  PROP_FRAMES_DURABLE,
  PROP_BACKLOG_BYTES,
  PROP_BYTES_WRITTEN,
  N_PROPS
};

enum {
  SIGNAL_FLUSHED,
  SIGNAL_BACKLOG_FULL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define DEFAULT_MAX_BACKLOG ((guint64) 256 * 1024 * 1024)

static void
gdci_h5_stream_init (GdciH5Stream *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->dtype = GDCI_DTYPE_INT16;
  self->chunk_mb = 10.0;
  self->swmr = TRUE;
  self->flush_interval = 1.0;
  self->max_backlog_bytes = DEFAULT_MAX_BACKLOG;
  self->file = H5I_INVALID_HID;
  self->dataset = H5I_INVALID_HID;
  self->fd = -1;
}

static void
gdci_h5_stream_dispose (GObject *object)
{
  GdciH5Stream *self = GDCI_H5_STREAM (object);
  g_autoptr(GError) error = NULL;

  if (self->io_thread != NULL && !gdci_h5_stream_close (self, NULL, &error))
    g_message ("Closing the stream of '%s' that was not closed: %s", self->filename,
               error->message);
  G_OBJECT_CLASS (gdci_h5_stream_parent_class)->dispose (object);
}

static void
gdci_h5_stream_finalize (GObject *object)
{
  GdciH5Stream *self = GDCI_H5_STREAM (object);

  _gdci_h5_stream_stop (self);
  _gdci_h5_stream_close_file (self, NULL);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_free (self->filename);
  g_free (self->temp_filename);
  g_free (self->dataset_path);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gdci_h5_stream_parent_class)->finalize (object);
}

guint64
_gdci_h5_stream_locked_get (GdciH5Stream  *self,
            const guint64 *value)
{
  guint64 copy;

  g_mutex_lock (&self->mutex);
  copy = *value;
  g_mutex_unlock (&self->mutex);
  return copy;
}

static void
gdci_h5_stream_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GdciH5Stream *self = GDCI_H5_STREAM (object);

  switch (prop_id)
    {
    case PROP_FILENAME: g_value_set_string (value, self->filename); break;
    case PROP_DATASET_PATH: g_value_set_string (value, self->dataset_path); break;
    case PROP_DTYPE: g_value_set_enum (value, self->dtype); break;
    case PROP_FRAME_SHAPE:
      g_value_take_variant (value, gdci_h5_stream_get_frame_shape (self));
      break;
    case PROP_CHUNK_SHAPE:
      g_value_take_variant (value, gdci_h5_stream_get_chunk_shape (self));
      break;
    case PROP_CHUNK_MB: g_value_set_double (value, self->chunk_mb); break;
    case PROP_COMPRESSION: g_value_set_enum (value, self->compression.compression); break;
    case PROP_COMPRESSION_LEVEL: g_value_set_int (value, self->compression.level); break;
    case PROP_SHUFFLE: g_value_set_boolean (value, self->compression.shuffle); break;
    case PROP_BITSHUFFLE: g_value_set_boolean (value, self->compression.bitshuffle); break;
    case PROP_BLOSC_CODEC: g_value_set_enum (value, self->compression.blosc_codec); break;
    case PROP_FLETCHER32: g_value_set_boolean (value, self->compression.fletcher32); break;
    case PROP_N_THREADS: g_value_set_uint (value, self->n_threads); break;
    case PROP_SWMR: g_value_set_boolean (value, self->swmr); break;
    case PROP_FLUSH_INTERVAL: g_value_set_double (value, self->flush_interval); break;
    case PROP_MAX_BACKLOG_BYTES: g_value_set_uint64 (value, self->max_backlog_bytes); break;
    case PROP_FRAMES_APPENDED:
      g_value_set_uint64 (value, _gdci_h5_stream_locked_get (self, &self->frames_appended));
      break;
    case PROP_FRAMES_DURABLE:
      g_value_set_uint64 (value, _gdci_h5_stream_locked_get (self, &self->frames_durable));
      break;
    case PROP_BACKLOG_BYTES:
      g_value_set_uint64 (value, _gdci_h5_stream_locked_get (self, &self->backlog_bytes));
      break;
    case PROP_BYTES_WRITTEN:
      g_value_set_uint64 (value, _gdci_h5_stream_locked_get (self, &self->bytes_written));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* An `at` shape into @values (at most GDCI_MAX_DIMS - 1 of them for a
 * frame), or 0 values for NULL */
static guint
shape_values (GVariant *variant,
              guint64  *values,
              guint     max)
{
  gsize n = 0;
  const guint64 *given;

  if (variant == NULL || !g_variant_is_of_type (variant, G_VARIANT_TYPE ("at")))
    return G_MAXUINT * (variant != NULL);
  given = g_variant_get_fixed_array (variant, &n, sizeof (guint64));
  if (n > max)
    return G_MAXUINT;
  /* an empty array (a frame of no axes) has no data to copy */
  if (n > 0)
    memcpy (values, given, n * sizeof (guint64));
  return (guint) n;
}

static void
gdci_h5_stream_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GdciH5Stream *self = GDCI_H5_STREAM (object);

  switch (prop_id)
    {
    case PROP_FILENAME:
      g_free (self->filename);
      self->filename = g_value_dup_string (value);
      break;
    case PROP_DATASET_PATH:
      g_free (self->dataset_path);
      self->dataset_path = g_value_dup_string (value);
      break;
    case PROP_DTYPE: self->dtype = g_value_get_enum (value); break;
    case PROP_FRAME_SHAPE:
      /* G_MAXUINT: not a shape, refused by init */
      self->frame_set = g_value_get_variant (value) != NULL;
      self->n_dims = 1 + shape_values (g_value_get_variant (value), self->frame_shape + 1,
                                       GDCI_MAX_DIMS - 1);
      break;
    case PROP_CHUNK_SHAPE:
      {
        self->chunk_set = g_value_get_variant (value) != NULL;
        /* G_MAXUINT: not a shape, refused by init */
        self->chunk_n_given = shape_values (g_value_get_variant (value), self->chunk,
                                            GDCI_MAX_DIMS);
      }
      break;
    case PROP_CHUNK_MB: self->chunk_mb = g_value_get_double (value); break;
    case PROP_COMPRESSION: self->compression.compression = g_value_get_enum (value); break;
    case PROP_COMPRESSION_LEVEL: self->compression.level = g_value_get_int (value); break;
    case PROP_SHUFFLE: self->compression.shuffle = g_value_get_boolean (value); break;
    case PROP_BITSHUFFLE: self->compression.bitshuffle = g_value_get_boolean (value); break;
    case PROP_BLOSC_CODEC: self->compression.blosc_codec = g_value_get_enum (value); break;
    case PROP_FLETCHER32: self->compression.fletcher32 = g_value_get_boolean (value); break;
    case PROP_N_THREADS: self->n_threads = g_value_get_uint (value); break;
    case PROP_SWMR: self->swmr = g_value_get_boolean (value); break;
    case PROP_FLUSH_INTERVAL: self->flush_interval = g_value_get_double (value); break;
    case PROP_MAX_BACKLOG_BYTES: self->max_backlog_bytes = g_value_get_uint64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_h5_stream_class_init (GdciH5StreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = gdci_h5_stream_dispose;
  object_class->finalize = gdci_h5_stream_finalize;
  object_class->get_property = gdci_h5_stream_get_property;
  object_class->set_property = gdci_h5_stream_set_property;

  /**
   * GdciH5Stream:filename:
   *
   * The HDF5 file: created, or opened to add the dataset if it exists.
   *
   * Since: 1.0
   */
  properties[PROP_FILENAME] = g_param_spec_string ("filename", NULL, NULL, NULL, construct);
  /**
   * GdciH5Stream:dataset-path:
   *
   * The path of the dataset in the file, which must not exist; its groups
   * are created as needed.
   *
   * Since: 1.0
   */
  properties[PROP_DATASET_PATH] =
    g_param_spec_string ("dataset-path", NULL, NULL, NULL, construct);
  /**
   * GdciH5Stream:dtype:
   *
   * The element type of the frames, and of the dataset.
   *
   * Since: 1.0
   */
  properties[PROP_DTYPE] = g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE,
                                              GDCI_DTYPE_INT16, construct);
  /**
   * GdciH5Stream:frame-shape:
   *
   * The shape of one frame, an `at` variant: `(384,)` for the samples of a
   * 384-channel probe, `(512, 512)` for a camera's images, `()` for a
   * single value. The dataset's shape is (frames, *frame-shape).
   *
   * Since: 1.0
   */
  properties[PROP_FRAME_SHAPE] =
    g_param_spec_variant ("frame-shape", NULL, NULL, G_VARIANT_TYPE ("at"), NULL, construct);
  /**
   * GdciH5Stream:chunk-shape:
   *
   * The dataset's chunk shape, an `at` variant of one axis more than
   * [property@Gdci.H5Stream:frame-shape], 0 for an axis gdci sizes; NULL
   * (the default) for all of them. gdci's chunks hold whole frames, as many
   * as fit in [property@Gdci.H5Stream:chunk-mb]; a frame larger than that is
   * split into chunks as gdci's FIT plan splits a dataset of its shape.
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_SHAPE] =
    g_param_spec_variant ("chunk-shape", NULL, NULL, G_VARIANT_TYPE ("at"), NULL,
                          construct);
  /**
   * GdciH5Stream:chunk-mb:
   *
   * The size of the chunks gdci plans, in megabytes (10 by default). A
   * chunk is written once it is full, and rewritten at each flush while it
   * fills.
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_MB] =
    g_param_spec_double ("chunk-mb", NULL, NULL, 0.0, G_MAXDOUBLE, 10.0, construct);
  /**
   * GdciH5Stream:compression:
   *
   * The compression of the chunks, as [property@Gdci.H5Writer:compression].
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL, GDCI_TYPE_COMPRESSION,
                       GDCI_COMPRESSION_NONE, construct);
  /**
   * GdciH5Stream:compression-level:
   *
   * As [property@Gdci.H5Writer:compression-level]; 0 for the codec's
   * default.
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESSION_LEVEL] =
    g_param_spec_int ("compression-level", NULL, NULL, G_MININT, G_MAXINT, 0, construct);
  /**
   * GdciH5Stream:shuffle:
   *
   * As [property@Gdci.H5Writer:shuffle].
   *
   * Since: 1.0
   */
  properties[PROP_SHUFFLE] = g_param_spec_boolean ("shuffle", NULL, NULL, FALSE, construct);
  /**
   * GdciH5Stream:bitshuffle:
   *
   * As [property@Gdci.H5Writer:bitshuffle].
   *
   * Since: 1.0
   */
  properties[PROP_BITSHUFFLE] =
    g_param_spec_boolean ("bitshuffle", NULL, NULL, FALSE, construct);
  /**
   * GdciH5Stream:blosc-codec:
   *
   * As [property@Gdci.H5Writer:blosc-codec].
   *
   * Since: 1.0
   */
  properties[PROP_BLOSC_CODEC] =
    g_param_spec_enum ("blosc-codec", NULL, NULL, GDCI_TYPE_BLOSC_CODEC,
                       GDCI_BLOSC_CODEC_LZ4, construct);
  /**
   * GdciH5Stream:fletcher32:
   *
   * As [property@Gdci.H5Writer:fletcher32].
   *
   * Since: 1.0
   */
  properties[PROP_FLETCHER32] =
    g_param_spec_boolean ("fletcher32", NULL, NULL, FALSE, construct);
  /**
   * GdciH5Stream:n-threads:
   *
   * How many of the stream's chunks are compressed at once; 0 (the
   * default) for one per processor. The streams of a process share their
   * compressing threads, as many as there are processors or as the largest
   * n-threads asks, which run at a lower priority than the app's threads.
   *
   * Since: 1.0
   */
  properties[PROP_N_THREADS] =
    g_param_spec_uint ("n-threads", NULL, NULL, 0, 1024, 0, construct);
  /**
   * GdciH5Stream:swmr:
   *
   * Whether readers may open the file while it grows (HDF5's single
   * writer, multiple readers mode; the file is written in HDF5's latest
   * format, which HDF5 1.10 and later read). Without it the file is
   * written under a hidden name and appears under its own only when the
   * stream is closed, as gdci's writer does; it must then be a new file.
   *
   * Since: 1.0
   */
  properties[PROP_SWMR] = g_param_spec_boolean ("swmr", NULL, NULL, TRUE, construct);
  /**
   * GdciH5Stream:flush-interval:
   *
   * Seconds between the automatic flushes while frames are appended (1
   * by default): at most this much of a recording is lost if the machine
   * fails.
   *
   * Since: 1.0
   */
  properties[PROP_FLUSH_INTERVAL] =
    g_param_spec_double ("flush-interval", NULL, NULL, 0.0, 86400.0, 1.0, construct);
  /**
   * GdciH5Stream:max-backlog-bytes:
   *
   * How many bytes of appended frames may wait to be compressed and
   * written (256 MiB by default) before append waits for them.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_BACKLOG_BYTES] =
    g_param_spec_uint64 ("max-backlog-bytes", NULL, NULL, 0, G_MAXUINT64, DEFAULT_MAX_BACKLOG,
                         construct);
  /**
   * GdciH5Stream:frames-appended:
   *
   * The frames appended so far. Notified, with the other counts, after each
   * flush.
   *
   * Since: 1.0
   */
  properties[PROP_FRAMES_APPENDED] =
    g_param_spec_uint64 ("frames-appended", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * GdciH5Stream:frames-durable:
   *
   * The frames the last completed flush made durable.
   *
   * Since: 1.0
   */
  properties[PROP_FRAMES_DURABLE] =
    g_param_spec_uint64 ("frames-durable", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * GdciH5Stream:backlog-bytes:
   *
   * The bytes of frames waiting to be compressed and written.
   *
   * Since: 1.0
   */
  properties[PROP_BACKLOG_BYTES] =
    g_param_spec_uint64 ("backlog-bytes", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * GdciH5Stream:bytes-written:
   *
   * The bytes of chunks written to the file, as stored (compressed), the
   * rewrites of chunks being filled included.
   *
   * Since: 1.0
   */
  properties[PROP_BYTES_WRITTEN] =
    g_param_spec_uint64 ("bytes-written", NULL, NULL, 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GdciH5Stream::flushed:
   * @self: the stream
   * @frames_durable: the frames durable now
   *
   * Emitted after each completed flush, automatic or asked, in the
   * thread-default main context of the thread that made the stream.
   *
   * Since: 1.0
   */
  signals[SIGNAL_FLUSHED] =
    g_signal_new ("flushed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  /**
   * GdciH5Stream::backlog-full:
   * @self: the stream
   * @backlog_bytes: the bytes waiting when append began to wait
   *
   * Emitted, in the thread-default main context of the thread that made
   * the stream, when an append had to wait because the frames waiting to
   * be written would have passed [property@Gdci.H5Stream:max-backlog-bytes]:
   * the recording is faster than the file can take it.
   *
   * Since: 1.0
   */
  signals[SIGNAL_BACKLOG_FULL] =
    g_signal_new ("backlog-full", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
}

typedef struct
{
  GWeakRef stream;
  guint signal;
  guint64 value;
} Notice;

static void
notice_free (gpointer data)
{
  Notice *notice = data;

  g_weak_ref_clear (&notice->stream);
  g_free (notice);
}

static gboolean
emit_notice (gpointer data)
{
  Notice *notice = data;
  g_autoptr(GdciH5Stream) self = g_weak_ref_get (&notice->stream);
  GObject *object;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  object = G_OBJECT (self);
  if (notice->signal == SIGNAL_FLUSHED)
    {
      g_object_freeze_notify (object);
      for (guint i = PROP_FRAMES_APPENDED; i <= PROP_BYTES_WRITTEN; i++)
        g_object_notify_by_pspec (object, properties[i]);
      g_object_thaw_notify (object);
    }
  else
    g_object_notify_by_pspec (object, properties[PROP_BACKLOG_BYTES]);
  g_signal_emit (self, signals[notice->signal], 0, notice->value);
  return G_SOURCE_REMOVE;
}

static void
tell (GdciH5Stream *self,
      guint         signal,
      guint64       value)
{
  Notice *notice = g_new0 (Notice, 1);

  GSource *source = g_idle_source_new ();

  g_weak_ref_init (&notice->stream, self);
  notice->signal = signal;
  notice->value = value;
  /* always from the context's own iteration: g_main_context_invoke() would
   * run it at once in a thread that can acquire a context nobody runs */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_notice, notice, notice_free);
  g_source_set_static_name (source, "[gdci] stream notice");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

void
_gdci_h5_stream_tell_flushed (GdciH5Stream *self,
                              guint64       frames_durable)
{
  tell (self, SIGNAL_FLUSHED, frames_durable);
}

void
_gdci_h5_stream_tell_backlog_full (GdciH5Stream *self,
                                   guint64       backlog_bytes)
{
  tell (self, SIGNAL_BACKLOG_FULL, backlog_bytes);
}

/* ---- initialization ------------------------------------------------------- */

/* As GIO's initables: a second call gives the first one's result */
static gboolean
gdci_h5_stream_initable_init (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  GdciH5Stream *self = GDCI_H5_STREAM (initable);
  g_autoptr(GError) local_error = NULL;

  if (!self->init_done)
    {
      self->init_done = TRUE;
      if (!_gdci_h5_stream_set_up (self, cancellable, &local_error))
        {
          g_clear_error (&self->error);
          self->error = g_error_copy (local_error);
        }
    }
  else if (self->error != NULL && self->io_thread == NULL && !self->closed)
    local_error = g_error_copy (self->error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
gdci_h5_stream_initable_iface_init (GInitableIface *iface)
{
  iface->init = gdci_h5_stream_initable_init;
}

/* ---- the public API --------------------------------------------------------- */

/**
 * gdci_h5_stream_new:
 * @filename: (type filename): the HDF5 file, created or added to
 * @dataset_path: the dataset's path in it, which must not exist
 * @dtype: the element type of the frames
 * @frame_shape: the shape of one frame, an `at` variant
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * A stream with the default settings: chunks of whole frames of about
 * 10 MB, no compression, SWMR, a flush every second. Other settings are
 * properties of [func@Gio.Initable.new].
 *
 * Returns: (transfer full): a new stream, or %NULL with @error set
 *
 * Since: 1.0
 */
GdciH5Stream *
gdci_h5_stream_new (const char    *filename,
                    const char    *dataset_path,
                    GdciDtype      dtype,
                    GVariant      *frame_shape,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (dataset_path != NULL, NULL);
  g_return_val_if_fail (frame_shape != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (GDCI_TYPE_H5_STREAM, cancellable, error, "filename", filename,
                         "dataset-path", dataset_path, "dtype", dtype, "frame-shape",
                         frame_shape, NULL);
}

/**
 * gdci_h5_stream_get_filename:
 * @self: a stream
 *
 * Returns: (type filename): the file, [property@Gdci.H5Stream:filename]
 *
 * Since: 1.0
 */
const char *
gdci_h5_stream_get_filename (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), NULL);

  return self->filename;
}

/**
 * gdci_h5_stream_get_dataset_path:
 * @self: a stream
 *
 * Returns: the dataset's path, [property@Gdci.H5Stream:dataset-path]
 *
 * Since: 1.0
 */
const char *
gdci_h5_stream_get_dataset_path (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), NULL);

  return self->dataset_path;
}

/**
 * gdci_h5_stream_get_dtype:
 * @self: a stream
 *
 * Returns: the element type, [property@Gdci.H5Stream:dtype]
 *
 * Since: 1.0
 */
GdciDtype
gdci_h5_stream_get_dtype (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), GDCI_DTYPE_INT16);

  return self->dtype;
}

/**
 * gdci_h5_stream_get_frame_shape:
 * @self: a stream
 *
 * Returns: (transfer full): a new `at` variant of the frame's shape, [property@Gdci.H5Stream:frame-shape]
 *
 * Since: 1.0
 */
GVariant *
gdci_h5_stream_get_frame_shape (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), NULL);

  return _gdci_shape_variant_new (self->frame_shape + 1, self->n_dims - 1);
}

/**
 * gdci_h5_stream_get_chunk_shape:
 * @self: a stream
 *
 * Returns: (transfer full): a new `at` variant of the dataset's chunk shape, as planned, [property@Gdci.H5Stream:chunk-shape]
 *
 * Since: 1.0
 */
GVariant *
gdci_h5_stream_get_chunk_shape (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), NULL);

  return _gdci_shape_variant_new (self->chunk, self->n_dims);
}

/**
 * gdci_h5_stream_get_frame_bytes:
 * @self: a stream
 *
 * Returns: the bytes of one frame: the product of the frame's axes and the element's size
 *
 * Since: 1.0
 */
gsize
gdci_h5_stream_get_frame_bytes (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return self->frame_bytes;
}

/**
 * gdci_h5_stream_get_swmr:
 * @self: a stream
 *
 * Returns: whether readers may read the file as it grows, [property@Gdci.H5Stream:swmr]
 *
 * Since: 1.0
 */
gboolean
gdci_h5_stream_get_swmr (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), FALSE);

  return self->swmr;
}

/**
 * gdci_h5_stream_get_flush_interval:
 * @self: a stream
 *
 * Returns: the seconds between automatic flushes, [property@Gdci.H5Stream:flush-interval]
 *
 * Since: 1.0
 */
double
gdci_h5_stream_get_flush_interval (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0.0);

  return self->flush_interval;
}

/**
 * gdci_h5_stream_get_max_backlog_bytes:
 * @self: a stream
 *
 * Returns: the backlog at which append waits, [property@Gdci.H5Stream:max-backlog-bytes]
 *
 * Since: 1.0
 */
guint64
gdci_h5_stream_get_max_backlog_bytes (GdciH5Stream *self)
{
  g_return_val_if_fail (GDCI_IS_H5_STREAM (self), 0);

  return self->max_backlog_bytes;
}
