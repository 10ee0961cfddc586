/* gdci.h: the gdci library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define __GDCI_INSIDE__

#include "gdci-version.h"
#include "gdci-error.h"
#include "gdci-dtype.h"
#include "gdci-enum-types.h"
#include "gdci-selection.h"
#include "gdci-data-chunk.h"
#include "gdci-shape.h"
#include "gdci-plan-strategy.h"
#include "gdci-plan-settings.h"
#include "gdci-plan.h"
#include "gdci-order.h"
#include "gdci-compression.h"
#include "gdci-write-mode.h"
#include "gdci-chunk-iterator.h"
#include "gdci-array-iterator.h"
#include "gdci-raw-file-iterator.h"
#include "gdci-memmap-iterator.h"
#include "gdci-file-iterator.h"
#include "gdci-h5-iterator.h"
#include "gdci-h5-writer.h"
#include "gdci-h5-stream.h"
#include "gdci-h5-clean.h"
#include "gdci-repacker.h"

#undef __GDCI_INSIDE__
