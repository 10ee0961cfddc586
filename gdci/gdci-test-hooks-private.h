/* gdci-test-hooks-private.h: hooks into the sources for the library's own tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-file-iterator.h"
#include "gdci-memmap-iterator.h"

G_BEGIN_DECLS

/* Test hooks */

/* @hook runs inside each guarded copy from the mapping, just before it */
void        _gdci_memmap_iterator_set_copy_hook  (GdciMemmapIterator  *self,
                                                  GFunc                hook,
                                                  gpointer             user_data);
void        _gdci_file_iterator_set_strip_bytes  (GdciFileIterator    *self,
                                                  gsize                strip_bytes);
guint64     _gdci_file_iterator_get_n_reads      (GdciFileIterator    *self);

G_END_DECLS
