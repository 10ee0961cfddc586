/* gdci-plan-strategy.h: how a plan sizes the shapes that are not given
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <glib.h>

#include "gdci-version.h"

G_BEGIN_DECLS

/**
 * GdciPlanStrategy:
 * @GDCI_PLAN_STRATEGY_HDMF: hdmf's default shapes, computed exactly as
 *   hdmf's `GenericDataChunkIterator` computes them: chunks with the
 *   proportions of the data under the chunk size, buffers that are the
 *   same multiple of the chunk on every axis under the buffer size. What
 *   the library and the Python drop-in always do unless told otherwise.
 * @GDCI_PLAN_STRATEGY_FIT: shapes that fit the data: chunk axes that divide
 *   the data's axes or pad them by at most 1% of the data in all, kept
 *   near the chunk size; buffers that fill the buffer size and span whole
 *   rows of a C-order source (every axis but the first whole, where a row
 *   of chunks fits), so that each byte of the source is read once. What
 *   `gdci convert` does unless told `--plan hdmf` or given full shapes.
 *
 * How a [struct@Gdci.Plan] sizes the axes of the chunk and buffer shapes
 * that the settings leave free: all of them when no shape is given, the
 * axes given as 0 in a partly specified shape
 * ([method@Gdci.PlanSettings.set_chunk_shape]). Axes that are given are
 * kept as they are with either strategy.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_PLAN_STRATEGY_HDMF,
  GDCI_PLAN_STRATEGY_FIT,
} GdciPlanStrategy;

G_END_DECLS
