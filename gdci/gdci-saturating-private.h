/* gdci-saturating-private.h: 64-bit sums and products that stop at the top
 * instead of wrapping, for sizes that are only reported or compared
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @a + @b and @a * @b, G_MAXUINT64 when they overflow */
static inline guint64
_gdci_sat_add (guint64 a,
               guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static inline guint64
_gdci_sat_mul (guint64 a,
               guint64 b)
{
  return b != 0 && a > G_MAXUINT64 / b ? G_MAXUINT64 : a * b;
}

G_END_DECLS
