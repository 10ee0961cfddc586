/* test-h5-util.c: HDF5 files for the tests of the HDF5 source's raw chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>

#include "test-h5-util.h"

hid_t
test_h5_file_type (GdciDtype dtype,
                   gboolean  big_endian)
{
  switch (dtype)
    {
    case GDCI_DTYPE_INT8: return big_endian ? H5T_STD_I8BE : H5T_STD_I8LE;
    case GDCI_DTYPE_UINT8: return big_endian ? H5T_STD_U8BE : H5T_STD_U8LE;
    case GDCI_DTYPE_INT16: return big_endian ? H5T_STD_I16BE : H5T_STD_I16LE;
    case GDCI_DTYPE_UINT16: return big_endian ? H5T_STD_U16BE : H5T_STD_U16LE;
    case GDCI_DTYPE_INT32: return big_endian ? H5T_STD_I32BE : H5T_STD_I32LE;
    case GDCI_DTYPE_UINT32: return big_endian ? H5T_STD_U32BE : H5T_STD_U32LE;
    case GDCI_DTYPE_INT64: return big_endian ? H5T_STD_I64BE : H5T_STD_I64LE;
    case GDCI_DTYPE_UINT64: return big_endian ? H5T_STD_U64BE : H5T_STD_U64LE;
    case GDCI_DTYPE_FLOAT32: return big_endian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE;
    case GDCI_DTYPE_FLOAT64: return big_endian ? H5T_IEEE_F64BE : H5T_IEEE_F64LE;
    default: g_assert_not_reached ();
    }
}

void
test_h5_damage_chunk (const char *path,
                      hsize_t     row,
                      hsize_t     where)
{
  hsize_t offset[2] = { row, 0 }, size = 0;
  haddr_t address = HADDR_UNDEF;
  unsigned mask = 0;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dset = H5Dopen2 (file, "data", H5P_DEFAULT);
  FILE *f;
  int c;

  g_assert_cmpint (H5Dget_chunk_info_by_coord (dset, offset, &mask, &address, &size), >=, 0);
  if (where == G_MAXUINT64)
    where = size / 2;
  g_assert_cmpuint (where, <, size);
  H5Dclose (dset);
  H5Fclose (file);

  f = fopen (path, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, (long) (address + where), SEEK_SET), ==, 0);
  c = fgetc (f);
  g_assert_cmpint (fseek (f, (long) (address + where), SEEK_SET), ==, 0);
  fputc (c ^ 0x5a, f);
  fclose (f);
}
