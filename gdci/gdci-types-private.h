/* gdci-types-private.h: registering every type of the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Registers every type of the library, so that g_type_from_name() finds
 * them when deserializing */
void        _gdci_ensure_types              (void);

G_END_DECLS
