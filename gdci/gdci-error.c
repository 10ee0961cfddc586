/* gdci-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-error.h"

/**
 * gdci_error_quark:
 *
 * The quark of the gdci error domain.
 *
 * Returns: the `GDCI_ERROR` quark
 */
G_DEFINE_QUARK (gdci-error-quark, gdci_error)
