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
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (gdci-error-quark, gdci_error)

/**
 * gdci_plan_error_quark:
 *
 * The quark of the error domain of the buffer and chunk settings.
 *
 * Returns: the `GDCI_PLAN_ERROR` quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (gdci-plan-error-quark, gdci_plan_error)
