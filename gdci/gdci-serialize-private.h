/* gdci-serialize-private.h: construct properties to and from variants
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Properties to and from the a{sv} of a serialized iterator */
GVariant   *_gdci_properties_to_variant     (GObject            *object,
                                             const char * const *names,
                                             GError            **error);
gboolean    _gdci_value_from_variant        (GParamSpec         *pspec,
                                             GVariant           *variant,
                                             GValue             *value,
                                             GError            **error);

G_END_DECLS
