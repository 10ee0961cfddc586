/* gdci-repacker-private.h: what a repack uses of its repacker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-repack-job-private.h"
#include "gdci-repacker.h"

G_BEGIN_DECLS

struct _GdciRepacker
{
  GObject parent_instance;

  GdciH5Writer *writer;
  gboolean replace_filters;
  double chunk_mb;
  guint64 min_size;
  GStrv datasets;
  GHashTable *chunk_shapes;     /* normalized path -> GVariant */
  gboolean overwrite;

  gboolean pending;

  guint n_objects;
  guint n_rewritten;
  guint n_copied;
  guint64 bytes_in;
  guint64 bytes_out;
};

/* Emits GdciRepacker::progress in the calling thread */
void  _gdci_repacker_emit_progress (GdciRepacker        *self,
                                    guint64              bytes_done,
                                    guint64              bytes_total);
/* The summary of @job, which succeeded, as the result properties */
void  _gdci_repacker_set_results   (GdciRepacker        *self,
                                    const GdciRepackJob *job);

G_END_DECLS
