/* gdci-bitshuffle-private.h: the bit transposition of the Bitshuffle filter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bitshuffle's transposition of one block of @n_elements (a multiple of 8)
 * elements of @itemsize bytes: 8 * @itemsize rows of @n_elements / 8
 * bytes, row 8 * j + k holding bit k of byte j of every element, element
 * 8 * q + m at bit m of the row's byte q. @scratch holds as many bytes as
 * the block. */
void _gdci_bitshuffle_block   (const guint8 *src,
                               guint8       *dst,
                               gsize         n_elements,
                               gsize         itemsize,
                               guint8       *scratch);
/* Its inverse */
void _gdci_bitunshuffle_block (const guint8 *src,
                               guint8       *dst,
                               gsize         n_elements,
                               gsize         itemsize,
                               guint8       *scratch);

/* Bitshuffle's default elements per block for @itemsize: 8 KiB of them,
 * a multiple of 8, at least 128 (bshuf_default_block_size(), which must
 * never change) */
gsize _gdci_bitshuffle_default_block (gsize itemsize);

G_END_DECLS
