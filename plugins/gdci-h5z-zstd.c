/* gdci-h5z-zstd.c: the HDF5 filter plugin of gdci's zstd filter (32015)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <H5PLextern.h>

#include "gdci-compressor-private.h"

H5PL_type_t
H5PLget_plugin_type (void)
{
  return H5PL_TYPE_FILTER;
}

const void *
H5PLget_plugin_info (void)
{
  return _gdci_h5_filter_class (GDCI_COMPRESSOR_ZSTD);
}
