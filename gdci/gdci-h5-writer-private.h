/* gdci-h5-writer-private.h: what a write job uses of its writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-codec-private.h"
#include "gdci-compression-private.h"
#include "gdci-h5-writer.h"

G_BEGIN_DECLS

struct _GdciH5Writer
{
  GObject parent_instance;

  GdciCompression compression;
  int compression_level;
  gboolean shuffle;
  gboolean bitshuffle;
  GdciBloscCodec blosc_codec;
  gboolean fletcher32;
  guint n_threads;
  GdciWriteMode mode;
  guint64 max_memory;           /* 0: no limit */
  guint n_threads_used;
};

/* What the writer's compression properties ask for */
void    _gdci_h5_writer_get_compression_request (GdciH5Writer           *self,
                                                 GdciCompressionRequest *request);

/* How many compression threads a write with @codec uses, and the scratch
 * memory they take together */
guint   _gdci_h5_writer_n_workers          (GdciH5Writer            *self,
                                            const GdciCodecSettings *codec,
                                            guint64                 *scratch_bytes);

/* Emits GdciH5Writer::progress in the calling thread */
void    _gdci_h5_writer_emit_progress      (GdciH5Writer *self,
                                            guint64       bytes_done,
                                            guint64       bytes_total);
/* Sets GdciH5Writer:n-threads-used, and notifies it if it changed */
void    _gdci_h5_writer_set_n_threads_used (GdciH5Writer *self,
                                            guint         n_threads);

G_END_DECLS
