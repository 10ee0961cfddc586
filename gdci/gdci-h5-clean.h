/* gdci-h5-clean.h: cleaning up after writes that were killed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__GDCI_INSIDE__) && !defined(GDCI_COMPILATION)
#error "Only <gdci/gdci.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gdci-version.h"

G_BEGIN_DECLS

GDCI_AVAILABLE_IN_1_0
char  **gdci_h5_clean (const char    *path,
                       GCancellable  *cancellable,
                       GError       **error);

G_END_DECLS
