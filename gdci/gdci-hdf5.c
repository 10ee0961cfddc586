/* gdci-hdf5.c: HDF5 helpers shared by the HDF5 source and writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gdci-error.h"
#include "gdci-hdf5-private.h"

/* HDF5 closes itself at exit, and prints its own message when it cannot
 * (after reading a damaged file, it may leave objects it cannot free,
 * and says "infinite loop closing library"): gdci's callers never see
 * HDF5's printing. Run before HDF5's own handler, registered earlier. */
static void
quiet_at_exit (void)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
}

static void
register_quiet_at_exit (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      /* HDF5 registers its handler on opening, so ours runs first */
      H5open ();
      atexit (quiet_at_exit);
      g_once_init_leave (&registered, 1);
    }
}

void
_gdci_h5_quiet_begin (GdciH5Quiet *quiet)
{
  register_quiet_at_exit ();
  if (H5Eget_auto2 (H5E_DEFAULT, &quiet->func, &quiet->data) < 0)
    {
      quiet->func = NULL;
      quiet->data = NULL;
    }
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
}

void
_gdci_h5_quiet_end (GdciH5Quiet *quiet)
{
  H5Eset_auto2 (H5E_DEFAULT, quiet->func, quiet->data);
}

static herr_t
take_innermost (unsigned                  n,
                const H5E_error2_t       *err,
                void                     *user_data)
{
  char **message = user_data;

  /* walking upward, the first record is where the error began */
  if (n == 0 && err->desc != NULL && *message == NULL)
    *message = g_strdup (err->desc);
  return 0;
}

void
_gdci_h5_set_error (GError     **error,
                    int          code,
                    const char  *format,
                    ...)
{
  g_autofree char *what = NULL;
  g_autofree char *hdf5 = NULL;
  const char *system;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &hdf5);
  H5Eclear2 (H5E_DEFAULT);

  /* a failed system call: the system's words say it best ("No space left
   * on device"), not the long record HDF5 makes of it */
  if (hdf5 != NULL && (system = strstr (hdf5, "error message = '")) != NULL)
    {
      const char *start = system + strlen ("error message = '");
      const char *end = strchr (start, '\'');

      if (end != NULL && end > start)
        {
          g_set_error (error, GDCI_ERROR, code, "%s: %.*s", what,
                       (int) (end - start), start);
          return;
        }
    }
  if (hdf5 != NULL && *hdf5 != '\0')
    g_set_error (error, GDCI_ERROR, code, "%s (HDF5: %s)", what, hdf5);
  else
    g_set_error_literal (error, GDCI_ERROR, code, what);
}

hid_t
_gdci_h5_native_type (GdciDtype dtype)
{
  switch (dtype)
    {
    case GDCI_DTYPE_INT8: return H5T_NATIVE_INT8;
    case GDCI_DTYPE_UINT8: return H5T_NATIVE_UINT8;
    case GDCI_DTYPE_INT16: return H5T_NATIVE_INT16;
    case GDCI_DTYPE_UINT16: return H5T_NATIVE_UINT16;
    case GDCI_DTYPE_INT32: return H5T_NATIVE_INT32;
    case GDCI_DTYPE_UINT32: return H5T_NATIVE_UINT32;
    case GDCI_DTYPE_INT64: return H5T_NATIVE_INT64;
    case GDCI_DTYPE_UINT64: return H5T_NATIVE_UINT64;
    case GDCI_DTYPE_FLOAT32: return H5T_NATIVE_FLOAT;
    case GDCI_DTYPE_FLOAT64: return H5T_NATIVE_DOUBLE;
    default: g_return_val_if_reached (H5I_INVALID_HID);
    }
}

gboolean
_gdci_h5_dtype_from_type (hid_t        type,
                          GdciDtype   *dtype,
                          const char **description)
{
  size_t size = H5Tget_size (type);

  switch (H5Tget_class (type))
    {
    case H5T_INTEGER:
      {
        gboolean is_signed = H5Tget_sign (type) == H5T_SGN_2;
        switch (size)
          {
          case 1: *dtype = is_signed ? GDCI_DTYPE_INT8 : GDCI_DTYPE_UINT8; return TRUE;
          case 2: *dtype = is_signed ? GDCI_DTYPE_INT16 : GDCI_DTYPE_UINT16; return TRUE;
          case 4: *dtype = is_signed ? GDCI_DTYPE_INT32 : GDCI_DTYPE_UINT32; return TRUE;
          case 8: *dtype = is_signed ? GDCI_DTYPE_INT64 : GDCI_DTYPE_UINT64; return TRUE;
          default: *description = "an integer type of unusual size"; return FALSE;
          }
      }
    case H5T_FLOAT:
      /* IEEE's layouts only: HDF5 would convert others, each its own way */
      if (size == 4 && (H5Tequal (type, H5T_IEEE_F32LE) > 0 || H5Tequal (type, H5T_IEEE_F32BE) > 0))
        {
          *dtype = GDCI_DTYPE_FLOAT32;
          return TRUE;
        }
      if (size == 8 && (H5Tequal (type, H5T_IEEE_F64LE) > 0 || H5Tequal (type, H5T_IEEE_F64BE) > 0))
        {
          *dtype = GDCI_DTYPE_FLOAT64;
          return TRUE;
        }
      *description = size == 2 ? "a half-precision floating-point type" :
                     size == 4 || size == 8 ? "a floating-point type of a layout other than IEEE's" :
                     "a floating-point type of unusual size";
      return FALSE;
    case H5T_STRING: *description = "a string type"; return FALSE;
    case H5T_COMPOUND: *description = "a compound type"; return FALSE;
    case H5T_VLEN: *description = "a variable-length type"; return FALSE;
    case H5T_REFERENCE: *description = "a reference type"; return FALSE;
    case H5T_ENUM: *description = "an enumeration type"; return FALSE;
    case H5T_ARRAY: *description = "an array type"; return FALSE;
    case H5T_OPAQUE: *description = "an opaque type"; return FALSE;
    case H5T_BITFIELD: *description = "a bitfield type"; return FALSE;
    case H5T_TIME: *description = "a time type"; return FALSE;
    case H5T_NO_CLASS:
    case H5T_NCLASSES:
    default:
      *description = "a type HDF5 could not describe";
      return FALSE;
    }
}

gboolean
_gdci_h5_object_type (hid_t        loc,
                      const char  *path,
                      H5O_type_t  *type)
{
  hid_t object = H5Oopen (loc, path, H5P_DEFAULT);

  if (object < 0)
    return FALSE;
  switch (H5Iget_type (object))
    {
    case H5I_DATASET: *type = H5O_TYPE_DATASET; break;
    case H5I_GROUP: *type = H5O_TYPE_GROUP; break;
    case H5I_DATATYPE: *type = H5O_TYPE_NAMED_DATATYPE; break;
    default: *type = H5O_TYPE_UNKNOWN; break;
    }
  H5Oclose (object);
  return TRUE;
}

char *
_gdci_h5_normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GString) out = g_string_new ("");

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && strcmp (parts[i], ".") != 0)
      g_string_append_printf (out, "/%s", parts[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static herr_t
find_minor (unsigned            n,
            const H5E_error2_t *err,
            void               *user_data)
{
  hid_t *minor = user_data;

  if (err->min_num == *minor)
    *minor = H5I_INVALID_HID;
  return 0;
}

gboolean
_gdci_h5_error_has_minor (hid_t minor)
{
  hid_t wanted = minor;

  if (H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, find_minor, &wanted) < 0)
    return FALSE;
  return wanted == H5I_INVALID_HID;
}

GdciH5PathStatus
_gdci_h5_inspect_path (hid_t        file,
                       const char  *path,
                       const char  *filename,
                       gboolean     stop_at_non_group,
                       GString     *walked,
                       H5O_type_t  *type,
                       GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  gboolean blocked = FALSE;

  g_string_truncate (walked, 0);
  *type = H5O_TYPE_GROUP;   /* the root */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      htri_t exists;

      if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (blocked)
        return GDCI_H5_PATH_BLOCKED;
      g_string_append_printf (walked, "/%s", parts[i]);
      exists = H5Lexists (file, walked->str, H5P_DEFAULT);
      if (exists < 0)
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not look up '%s' in '%s'",
                              walked->str, filename);
          return GDCI_H5_PATH_ERROR;
        }
      if (!exists)
        return GDCI_H5_PATH_MISSING;
      if (!_gdci_h5_object_type (file, walked->str, type))
        {
          _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not inspect '%s' in '%s'",
                              walked->str, filename);
          return GDCI_H5_PATH_ERROR;
        }
      /* below anything but a group there is nothing to look up: HDF5
       * says so if asked */
      blocked = stop_at_non_group && *type != H5O_TYPE_GROUP;
    }
  return GDCI_H5_PATH_FOUND;
}

void
_gdci_h5_close (hid_t id)
{
  if (id < 0 || H5Iis_valid (id) <= 0)
    return;
  switch (H5Iget_type (id))
    {
    case H5I_FILE: H5Fclose (id); break;
    case H5I_GROUP: H5Gclose (id); break;
    case H5I_DATASET: H5Dclose (id); break;
    case H5I_DATASPACE: H5Sclose (id); break;
    case H5I_DATATYPE: H5Tclose (id); break;
    case H5I_GENPROP_LST: H5Pclose (id); break;
    case H5I_ATTR: H5Aclose (id); break;
    default: H5Idec_ref (id); break;
    }
}

static herr_t
find_open_for_write (unsigned            n,
                     const H5E_error2_t *err,
                     void               *user_data)
{
  gboolean *found = user_data;

  if (err->min_num == H5E_CANTOPENFILE && err->desc != NULL &&
      strstr (err->desc, "already open for write") != NULL)
    *found = TRUE;
  return 0;
}

/* TRUE if the open failed only because the file is marked as open by a
 * writer: a live SWMR writer, or one that was killed */
static gboolean
open_failed_as_marked (void)
{
  gboolean found = FALSE;

  if (H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, find_open_for_write, &found) < 0)
    return FALSE;
  return found;
}

/* A reader of a live file retries metadata that a flush is rewriting, and
 * HDF5 sleeps between its attempts (up to a second each): a few attempts
 * are enough for a writer's flush, and a damaged file fails at once rather
 * than after minutes */
#define SWMR_READ_ATTEMPTS 8

hid_t
_gdci_h5_open_to_read (const char *path)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t fapl;
  GdciH5Quiet quiet;

  if (file >= 0 || !open_failed_as_marked ())
    return file;
  _gdci_h5_quiet_begin (&quiet);
  H5Eclear2 (H5E_DEFAULT);
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_metadata_read_attempts (fapl, SWMR_READ_ATTEMPTS) >= 0)
    file = H5Fopen (path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  if (fapl >= 0)
    H5Pclose (fapl);
  if (file < 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
    }
  _gdci_h5_quiet_end (&quiet);
  return file;
}
