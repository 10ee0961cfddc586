/* gdci-types.c: registering the library's types by name
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci.h"
#include "gdci-types-private.h"

void
_gdci_ensure_types (void)
{
  g_type_ensure (GDCI_TYPE_CHUNK_ITERATOR);
  g_type_ensure (GDCI_TYPE_ARRAY_ITERATOR);
  g_type_ensure (GDCI_TYPE_RAW_FILE_ITERATOR);
  g_type_ensure (GDCI_TYPE_MEMMAP_ITERATOR);
  g_type_ensure (GDCI_TYPE_FILE_ITERATOR);
  g_type_ensure (GDCI_TYPE_H5_ITERATOR);
  g_type_ensure (GDCI_TYPE_DATA_CHUNK);
  g_type_ensure (GDCI_TYPE_SELECTION);
  g_type_ensure (GDCI_TYPE_DTYPE);
  g_type_ensure (GDCI_TYPE_ERROR);
  g_type_ensure (GDCI_TYPE_ORDER);
  g_type_ensure (GDCI_TYPE_COMPRESSION);
  g_type_ensure (GDCI_TYPE_H5_WRITER);
}
