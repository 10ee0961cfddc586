/* gdci-h5-writer-memory.c: the memory a write takes, its threads, and the
 * limit a caller sets on it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-error.h"
#include "gdci-h5-writer-private.h"
#include "gdci-saturating-private.h"

/* The scratch memory the compression threads of a write share */
#define THREAD_SCRATCH_BYTES ((guint64) 64 * 1024 * 1024)

guint
_gdci_h5_writer_n_workers (GdciH5Writer            *self,
                           const GdciCodecSettings *codec,
                           guint64                 *scratch_bytes)
{
  guint n_threads = self->n_threads != 0 ? self->n_threads
                                         : (guint) MAX (1, g_get_num_processors ());
  guint64 per_worker = _gdci_codec_scratch_bytes (codec);
  guint n_workers = (guint) CLAMP (THREAD_SCRATCH_BYTES / MAX (per_worker, 1), 1, n_threads);

  if (scratch_bytes != NULL)
    *scratch_bytes = _gdci_sat_mul (n_workers, per_worker);
  return n_workers;
}

/**
 * gdci_h5_writer_estimate_memory:
 * @self: a writer
 * @plan: the plan of the data to write, from
 *   [method@Gdci.ChunkIterator.get_plan] or [ctor@Gdci.Plan.new]
 * @buffer_bytes: (out) (optional): return location for the memory of the
 *   buffer being filtered and written
 * @read_ahead_bytes: (out) (optional): return location for the memory of
 *   the buffer read ahead meanwhile (none when there is one buffer)
 * @scratch_bytes: (out) (optional): return location for the scratch memory
 *   of the compression threads: a gathered (shuffled) chunk and a
 *   compressed one each, for as many threads as
 *   [property@Gdci.H5Writer:n-threads] and 64 MiB allow
 *
 * The memory a write of data with @plan takes with the writer's settings,
 * before it starts: what a program shows its user, and what
 * [property@Gdci.H5Writer:max-memory] is held to. The source's own memory
 * (a memory map, HDF5's chunk cache) is not counted. Sizes that do not fit
 * in 64 bits are %G_MAXUINT64.
 *
 * ```python
 * total, buffers, read_ahead, scratch = writer.estimate_memory(iterator.get_plan())
 * ```
 *
 * Returns: the total, in bytes
 *
 * Since: 1.0
 */
guint64
gdci_h5_writer_estimate_memory (GdciH5Writer   *self,
                                const GdciPlan *plan,
                                guint64        *buffer_bytes,
                                guint64        *read_ahead_bytes,
                                guint64        *scratch_bytes)
{
  GdciCompressionRequest request;
  GdciCodecSettings codec = { 0 };
  guint64 buffer, ahead, scratch = 0;
  guint64 chunk_bytes;

  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);
  g_return_val_if_fail (plan != NULL, 0);

  buffer = gdci_plan_get_buffer_bytes (plan);
  ahead = gdci_plan_get_n_buffers (plan) > 1 ? buffer : 0;
  chunk_bytes = gdci_plan_get_chunk_bytes (plan);

  _gdci_h5_writer_get_compression_request (self, &request);
  if (chunk_bytes <= G_MAXSIZE && _gdci_compression_check (&request, NULL))
    {
      _gdci_compression_resolve (&request, gdci_dtype_get_itemsize (gdci_plan_get_dtype (plan)),
                                 (gsize) chunk_bytes, &codec);
      _gdci_h5_writer_n_workers (self, &codec, &scratch);
    }

  if (buffer_bytes != NULL)
    *buffer_bytes = buffer;
  if (read_ahead_bytes != NULL)
    *read_ahead_bytes = ahead;
  if (scratch_bytes != NULL)
    *scratch_bytes = scratch;
  return _gdci_sat_add (_gdci_sat_add (buffer, ahead), scratch);
}

/**
 * gdci_h5_writer_check_memory:
 * @self: a writer
 * @plan: the plan of the data to write
 * @error: return location for a [struct@GLib.Error]
 *
 * Checks, before a write starts, that a write of data with @plan fits in
 * [property@Gdci.H5Writer:max-memory], as the write itself checks it:
 * what a program calls to refuse settings before it opens anything.
 *
 * Fails with %GDCI_PLAN_ERROR_MEMORY_LIMIT, whose message gives what
 * [method@Gdci.H5Writer.estimate_memory] counts, when it does not.
 *
 * Returns: %TRUE if the write fits, or the writer has no limit
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_check_memory (GdciH5Writer    *self,
                             const GdciPlan  *plan,
                             GError         **error)
{
  guint64 buffer, ahead, scratch, total;
  g_autofree char *total_s = NULL, *limit_s = NULL, *buffer_s = NULL, *scratch_s = NULL;

  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->max_memory == 0)
    return TRUE;
  total = gdci_h5_writer_estimate_memory (self, plan, &buffer, &ahead, &scratch);
  if (total <= self->max_memory)
    return TRUE;

  total_s = g_format_size (total);
  limit_s = g_format_size (self->max_memory);
  buffer_s = g_format_size (buffer);
  scratch_s = g_format_size (scratch);
  g_set_error (error, GDCI_PLAN_ERROR, GDCI_PLAN_ERROR_MEMORY_LIMIT,
               "The write needs %s of memory (%s buffers of %s, %s of compression "
               "scratch), more than max-memory %s: choose a smaller buffer size",
               total_s, ahead > 0 ? "two" : "one", buffer_s, scratch_s, limit_s);
  return FALSE;
}
