/* gdci-order.h: the memory layout of a raw array file
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
 * GdciOrder:
 * @GDCI_ORDER_C: C order: the last axis varies fastest in the file (numpy's
 *   default, and how acquisition systems write interleaved channels)
 * @GDCI_ORDER_F: Fortran order: the first axis varies fastest in the file
 *
 * The order in which the elements of a raw array file are laid out. The
 * buffers a [class@Gdci.ChunkIterator] hands out are always in C order.
 *
 * Since: 1.0
 */
typedef enum {
  GDCI_ORDER_C,
  GDCI_ORDER_F,
} GdciOrder;

G_END_DECLS
