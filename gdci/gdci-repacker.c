/* gdci-repacker.c: the repacker object
 *
 * A repack is run in gdci-repack-job.c, which copies the structure in
 * gdci-repack-copy.c, chooses each dataset's storage in
 * gdci-repack-layout.c and points the references at the copies in
 * gdci-repack-refs.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gdci-hdf5-private.h"
#include "gdci-repacker-private.h"

/**
 * GdciRepacker:
 *
 * Rewrites a whole HDF5 file (an NWB file, any HDF5 file) into a new one
 * with new chunks and filters, on every core: a faster `h5repack` that
 * never leaves a half-written file.
 *
 * Every object of the input is copied into the output: groups, datasets,
 * attributes on every object, committed datatypes, soft, external and
 * user-defined links, hard links kept as hard links, and object and region
 * references pointing at the copies. Groups keep their creation properties
 * (link and attribute creation order) and list their links in the same
 * order; datasets keep their creation properties (fill value, allocation
 * and fill times, attribute order) and their type and maximum shape.
 *
 * A dataset is *rewritten* when it is numeric (integers and IEEE floats),
 * chunked or contiguous, not scalar, of at least
 * [property@Gdci.Repacker:min-size] bytes, selected (see
 * [property@Gdci.Repacker:datasets]), and its new storage differs from
 * what it has:
 *
 * - its filters: with [property@Gdci.Repacker:replace-filters], those of
 *   [property@Gdci.Repacker:writer]'s compression properties (no
 *   compression removes them); otherwise its own;
 * - its chunks: the shape given with gdci_repacker_set_chunk_shape(), else
 *   planned by gdci's fit planner at [property@Gdci.Repacker:chunk-mb]
 *   when that is set, else its own; a contiguous dataset that gets filters
 *   is planned at 10 MB, and one that gets none stays contiguous.
 *
 * Its chunks are read raw, decoded and encoded on the writer's threads and
 * written with HDF5's direct chunk writes. Every other dataset, and one
 * whose chunks and filters come out the same, is copied as HDF5 copies it:
 * chunk by chunk, raw, with no decoding (a dataset with a filter that
 * cannot be decoded here is copied that way too; asking to rewrite it is an
 * error that names the filter).
 *
 * The output appears only when complete: it is written under a hidden
 * temporary name beside it (".NAME.XXXXXX.partial", which gdci_h5_clean()
 * removes if the process is killed), synced and renamed into place. The
 * input is opened read-only and never written. An output that exists is
 * refused (%GDCI_ERROR_EXISTS) unless [property@Gdci.Repacker:overwrite]
 * is set, and the input itself always is.
 *
 * Since: 1.0
 */
G_DEFINE_FINAL_TYPE (GdciRepacker, gdci_repacker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WRITER,
  PROP_REPLACE_FILTERS,
  PROP_CHUNK_MB,
  PROP_MIN_SIZE,
  PROP_DATASETS,
  PROP_OVERWRITE,
  PROP_N_OBJECTS,
  PROP_N_REWRITTEN,
  PROP_N_COPIED,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define DEFAULT_MIN_SIZE G_GUINT64_CONSTANT (65536)

static void
gdci_repacker_finalize (GObject *object)
{
  GdciRepacker *self = GDCI_REPACKER (object);

  g_clear_object (&self->writer);
  g_strfreev (self->datasets);
  g_hash_table_unref (self->chunk_shapes);
  G_OBJECT_CLASS (gdci_repacker_parent_class)->finalize (object);
}

static void
gdci_repacker_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GdciRepacker *self = GDCI_REPACKER (object);

  switch (prop_id)
    {
    case PROP_WRITER: g_value_set_object (value, self->writer); break;
    case PROP_REPLACE_FILTERS: g_value_set_boolean (value, self->replace_filters); break;
    case PROP_CHUNK_MB: g_value_set_double (value, self->chunk_mb); break;
    case PROP_MIN_SIZE: g_value_set_uint64 (value, self->min_size); break;
    case PROP_DATASETS: g_value_set_boxed (value, self->datasets); break;
    case PROP_OVERWRITE: g_value_set_boolean (value, self->overwrite); break;
    case PROP_N_OBJECTS: g_value_set_uint (value, self->n_objects); break;
    case PROP_N_REWRITTEN: g_value_set_uint (value, self->n_rewritten); break;
    case PROP_N_COPIED: g_value_set_uint (value, self->n_copied); break;
    case PROP_BYTES_IN: g_value_set_uint64 (value, self->bytes_in); break;
    case PROP_BYTES_OUT: g_value_set_uint64 (value, self->bytes_out); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_repacker_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GdciRepacker *self = GDCI_REPACKER (object);

  switch (prop_id)
    {
    case PROP_WRITER: gdci_repacker_set_writer (self, g_value_get_object (value)); break;
    case PROP_REPLACE_FILTERS:
      gdci_repacker_set_replace_filters (self, g_value_get_boolean (value));
      break;
    case PROP_CHUNK_MB: gdci_repacker_set_chunk_mb (self, g_value_get_double (value)); break;
    case PROP_MIN_SIZE: gdci_repacker_set_min_size (self, g_value_get_uint64 (value)); break;
    case PROP_DATASETS:
      gdci_repacker_set_datasets (self, g_value_get_boxed (value));
      break;
    case PROP_OVERWRITE: gdci_repacker_set_overwrite (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_repacker_class_init (GdciRepackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = gdci_repacker_finalize;
  object_class->get_property = gdci_repacker_get_property;
  object_class->set_property = gdci_repacker_set_property;

  /**
   * GdciRepacker:writer:
   *
   * The writer whose [property@Gdci.H5Writer:n-threads] and
   * [property@Gdci.H5Writer:max-memory] every rewrite uses, and whose
   * compression properties are the filters of the datasets rewritten when
   * [property@Gdci.Repacker:replace-filters] is set. Never %NULL: setting
   * %NULL sets a new writer of default settings.
   *
   * Since: 1.0
   */
  properties[PROP_WRITER] =
    g_param_spec_object ("writer", NULL, NULL, GDCI_TYPE_H5_WRITER, rw);
  /**
   * GdciRepacker:replace-filters:
   *
   * Whether the datasets rewritten get the filters of
   * [property@Gdci.Repacker:writer] (%TRUE) or keep their own (%FALSE, the
   * default).
   *
   * Since: 1.0
   */
  properties[PROP_REPLACE_FILTERS] =
    g_param_spec_boolean ("replace-filters", NULL, NULL, FALSE, rw);
  /**
   * GdciRepacker:chunk-mb:
   *
   * When positive, the chunks of every dataset rewritten are planned anew
   * by gdci's fit planner at about this many megabytes (1e6 bytes); 0 (the
   * default) keeps each chunked dataset's chunks.
   *
   * Since: 1.0
   */
  properties[PROP_CHUNK_MB] =
    g_param_spec_double ("chunk-mb", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, rw);
  /**
   * GdciRepacker:min-size:
   *
   * Datasets of fewer bytes than this keep their layout and filters
   * (64 KiB by default), unless given a chunk shape of their own.
   *
   * Since: 1.0
   */
  properties[PROP_MIN_SIZE] =
    g_param_spec_uint64 ("min-size", NULL, NULL, 0, G_MAXUINT64, DEFAULT_MIN_SIZE, rw);
  /**
   * GdciRepacker:datasets:
   *
   * The paths of the only datasets that may be rewritten (with those given a
   * chunk shape), or %NULL (the default) for every dataset; the others are
   * copied as they are. A path the input does not have as a dataset fails
   * the repack with %GDCI_ERROR_NOT_FOUND.
   *
   * Since: 1.0
   */
  properties[PROP_DATASETS] =
    g_param_spec_boxed ("datasets", NULL, NULL, G_TYPE_STRV, rw);
  /**
   * GdciRepacker:overwrite:
   *
   * Whether an output file that exists is replaced (when the repack is
   * complete); otherwise it is refused with %GDCI_ERROR_EXISTS.
   *
   * Since: 1.0
   */
  properties[PROP_OVERWRITE] =
    g_param_spec_boolean ("overwrite", NULL, NULL, FALSE, rw);
  /**
   * GdciRepacker:n-objects:
   *
   * The objects (groups, datasets, committed datatypes) the last repack
   * that succeeded copied, each once however many links it has.
   *
   * Since: 1.0
   */
  properties[PROP_N_OBJECTS] = g_param_spec_uint ("n-objects", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * GdciRepacker:n-rewritten:
   *
   * The datasets the last repack that succeeded rewrote with new chunks
   * or filters.
   *
   * Since: 1.0
   */
  properties[PROP_N_REWRITTEN] =
    g_param_spec_uint ("n-rewritten", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * GdciRepacker:n-copied:
   *
   * The objects the last repack that succeeded copied as they were:
   * every object of [property@Gdci.Repacker:n-objects] but the datasets it
   * rewrote (groups, committed datatypes and datasets whose storage did
   * not change).
   *
   * Since: 1.0
   */
  properties[PROP_N_COPIED] = g_param_spec_uint ("n-copied", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * GdciRepacker:bytes-in:
   *
   * The size of the input file of the last repack that succeeded.
   *
   * Since: 1.0
   */
  properties[PROP_BYTES_IN] =
    g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * GdciRepacker:bytes-out:
   *
   * The size of the output file of the last repack that succeeded.
   *
   * Since: 1.0
   */
  properties[PROP_BYTES_OUT] =
    g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GdciRepacker::progress:
   * @self: the repacker
   * @bytes_done: the bytes of the datasets copied or rewritten so far
   * @bytes_total: the bytes of all the input's datasets (their elements)
   *
   * Emitted as a repack goes: at most about ten times a second, and at the
   * end with @bytes_done equal to @bytes_total. A blocking repack emits it
   * in the calling thread; an asynchronous one in the thread-default main
   * context of the thread that started it.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
gdci_repacker_init (GdciRepacker *self)
{
  self->writer = gdci_h5_writer_new ();
  self->min_size = DEFAULT_MIN_SIZE;
  self->chunk_shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_variant_unref);
}

/**
 * gdci_repacker_new:
 *
 * A repacker with the default settings: every dataset keeps its filters
 * and chunks, so a repack is a compacting copy of the file.
 *
 * Returns: (transfer full): a new repacker
 *
 * Since: 1.0
 */
GdciRepacker *
gdci_repacker_new (void)
{
  return g_object_new (GDCI_TYPE_REPACKER, NULL);
}

void
_gdci_repacker_emit_progress (GdciRepacker *self,
                              guint64       bytes_done,
                              guint64       bytes_total)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes_done, bytes_total);
}

void
_gdci_repacker_set_results (GdciRepacker        *self,
                            const GdciRepackJob *job)
{
  g_object_freeze_notify (G_OBJECT (self));
  self->n_objects = job->n_objects;
  self->n_rewritten = job->n_rewritten;
  self->n_copied = job->n_objects - job->n_rewritten;
  self->bytes_in = job->bytes_in;
  self->bytes_out = job->bytes_out;
  for (guint i = PROP_N_OBJECTS; i <= PROP_BYTES_OUT; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

#define NOTIFY(self, prop) g_object_notify_by_pspec (G_OBJECT (self), properties[prop])

/**
 * gdci_repacker_get_writer:
 * @self: a repacker
 *
 * Returns: (transfer none): the writer of [property@Gdci.Repacker:writer]
 *
 * Since: 1.0
 */
GdciH5Writer *
gdci_repacker_get_writer (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), NULL);

  return self->writer;
}

/**
 * gdci_repacker_set_writer:
 * @self: a repacker
 * @writer: (nullable): the writer whose settings the rewrites use; %NULL
 *   for a new one of default settings
 *
 * Sets [property@Gdci.Repacker:writer].
 *
 * Since: 1.0
 */
void
gdci_repacker_set_writer (GdciRepacker *self,
                          GdciH5Writer *writer)
{
  g_autoptr(GdciH5Writer) fresh = NULL;

  g_return_if_fail (GDCI_IS_REPACKER (self));
  g_return_if_fail (writer == NULL || GDCI_IS_H5_WRITER (writer));

  if (writer == NULL)
    writer = fresh = gdci_h5_writer_new ();
  if (g_set_object (&self->writer, writer))
    NOTIFY (self, PROP_WRITER);
}

/**
 * gdci_repacker_get_replace_filters:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:replace-filters]
 *
 * Since: 1.0
 */
gboolean
gdci_repacker_get_replace_filters (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), FALSE);

  return self->replace_filters;
}

/**
 * gdci_repacker_set_replace_filters:
 * @self: a repacker
 * @replace_filters: whether the datasets rewritten get the writer's filters
 *
 * Sets [property@Gdci.Repacker:replace-filters].
 *
 * Since: 1.0
 */
void
gdci_repacker_set_replace_filters (GdciRepacker *self,
                                   gboolean      replace_filters)
{
  g_return_if_fail (GDCI_IS_REPACKER (self));

  replace_filters = !!replace_filters;
  if (self->replace_filters == replace_filters)
    return;
  self->replace_filters = replace_filters;
  NOTIFY (self, PROP_REPLACE_FILTERS);
}

/**
 * gdci_repacker_get_chunk_mb:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:chunk-mb]
 *
 * Since: 1.0
 */
double
gdci_repacker_get_chunk_mb (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0.0);

  return self->chunk_mb;
}

/**
 * gdci_repacker_set_chunk_mb:
 * @self: a repacker
 * @chunk_mb: the chunk size to plan at, in megabytes; 0 keeps the chunks
 *
 * Sets [property@Gdci.Repacker:chunk-mb].
 *
 * Since: 1.0
 */
void
gdci_repacker_set_chunk_mb (GdciRepacker *self,
                            double        chunk_mb)
{
  g_return_if_fail (GDCI_IS_REPACKER (self));
  g_return_if_fail (chunk_mb >= 0.0);

  if (self->chunk_mb == chunk_mb)
    return;
  self->chunk_mb = chunk_mb;
  NOTIFY (self, PROP_CHUNK_MB);
}

/**
 * gdci_repacker_get_min_size:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:min-size]
 *
 * Since: 1.0
 */
guint64
gdci_repacker_get_min_size (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->min_size;
}

/**
 * gdci_repacker_set_min_size:
 * @self: a repacker
 * @min_size: the bytes below which a dataset keeps its storage
 *
 * Sets [property@Gdci.Repacker:min-size].
 *
 * Since: 1.0
 */
void
gdci_repacker_set_min_size (GdciRepacker *self,
                            guint64       min_size)
{
  g_return_if_fail (GDCI_IS_REPACKER (self));

  if (self->min_size == min_size)
    return;
  self->min_size = min_size;
  NOTIFY (self, PROP_MIN_SIZE);
}

/**
 * gdci_repacker_get_datasets:
 * @self: a repacker
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the value
 *   of [property@Gdci.Repacker:datasets]
 *
 * Since: 1.0
 */
const char * const *
gdci_repacker_get_datasets (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), NULL);

  return (const char * const *) self->datasets;
}

/**
 * gdci_repacker_set_datasets:
 * @self: a repacker
 * @datasets: (nullable) (array zero-terminated=1): the paths of the datasets
 *   that may be rewritten, or %NULL for all
 *
 * Sets [property@Gdci.Repacker:datasets]. An empty array is taken as
 * %NULL.
 *
 * Since: 1.0
 */
void
gdci_repacker_set_datasets (GdciRepacker        *self,
                            const char * const  *datasets)
{
  g_return_if_fail (GDCI_IS_REPACKER (self));

  g_strfreev (self->datasets);
  self->datasets = datasets != NULL && datasets[0] != NULL ? g_strdupv ((char **) datasets)
                                                           : NULL;
  NOTIFY (self, PROP_DATASETS);
}

/**
 * gdci_repacker_get_chunk_shape:
 * @self: a repacker
 * @dataset: the path of a dataset
 *
 * Returns: (transfer none) (nullable): the chunk shape set for @dataset
 *   with gdci_repacker_set_chunk_shape(), or %NULL
 *
 * Since: 1.0
 */
GVariant *
gdci_repacker_get_chunk_shape (GdciRepacker *self,
                               const char   *dataset)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (GDCI_IS_REPACKER (self), NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  path = _gdci_h5_normalize_path (dataset);
  return g_hash_table_lookup (self->chunk_shapes, path);
}

/**
 * gdci_repacker_set_chunk_shape:
 * @self: a repacker
 * @dataset: the path of a dataset of the input, such as
 *   `/acquisition/ElectricalSeries/data`
 * @chunk_shape: (nullable): an `at` variant of one axis per axis of the
 *   dataset, 0 for an axis sized by gdci's planner; %NULL removes the shape
 *   set before
 *
 * Gives the dataset its own chunk shape: it is rewritten with it, whatever
 * its size and [property@Gdci.Repacker:datasets]. The free axes are sized
 * at [property@Gdci.Repacker:chunk-mb] (10 MB when that is 0); an axis
 * longer than the dataset's is cut to it. The rank is checked against the
 * dataset's when the repack starts.
 *
 * Since: 1.0
 */
void
gdci_repacker_set_chunk_shape (GdciRepacker *self,
                               const char   *dataset,
                               GVariant     *chunk_shape)
{
  g_autofree char *path = NULL;

  g_return_if_fail (GDCI_IS_REPACKER (self));
  g_return_if_fail (dataset != NULL);
  g_return_if_fail (chunk_shape == NULL ||
                    g_variant_is_of_type (chunk_shape, G_VARIANT_TYPE ("at")));

  path = _gdci_h5_normalize_path (dataset);
  if (chunk_shape == NULL)
    g_hash_table_remove (self->chunk_shapes, path);
  else
    g_hash_table_replace (self->chunk_shapes, g_steal_pointer (&path),
                          g_variant_ref_sink (chunk_shape));
}

/**
 * gdci_repacker_get_overwrite:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:overwrite]
 *
 * Since: 1.0
 */
gboolean
gdci_repacker_get_overwrite (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), FALSE);

  return self->overwrite;
}

/**
 * gdci_repacker_set_overwrite:
 * @self: a repacker
 * @overwrite: whether an output file that exists is replaced
 *
 * Sets [property@Gdci.Repacker:overwrite].
 *
 * Since: 1.0
 */
void
gdci_repacker_set_overwrite (GdciRepacker *self,
                             gboolean      overwrite)
{
  g_return_if_fail (GDCI_IS_REPACKER (self));

  overwrite = !!overwrite;
  if (self->overwrite == overwrite)
    return;
  self->overwrite = overwrite;
  NOTIFY (self, PROP_OVERWRITE);
}

/**
 * gdci_repacker_get_n_objects:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:n-objects]
 *
 * Since: 1.0
 */
guint
gdci_repacker_get_n_objects (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->n_objects;
}

/**
 * gdci_repacker_get_n_rewritten:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:n-rewritten]
 *
 * Since: 1.0
 */
guint
gdci_repacker_get_n_rewritten (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->n_rewritten;
}

/**
 * gdci_repacker_get_n_copied:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:n-copied]
 *
 * Since: 1.0
 */
guint
gdci_repacker_get_n_copied (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->n_copied;
}

/**
 * gdci_repacker_get_bytes_in:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:bytes-in]
 *
 * Since: 1.0
 */
guint64
gdci_repacker_get_bytes_in (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->bytes_in;
}

/**
 * gdci_repacker_get_bytes_out:
 * @self: a repacker
 *
 * Returns: the value of [property@Gdci.Repacker:bytes-out]
 *
 * Since: 1.0
 */
guint64
gdci_repacker_get_bytes_out (GdciRepacker *self)
{
  g_return_val_if_fail (GDCI_IS_REPACKER (self), 0);

  return self->bytes_out;
}
