/* gdci-h5-new-file.c: a whole new HDF5 file, all or nothing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gdci-error.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-names-private.h"
#include "gdci-h5-new-file-private.h"
#include "gdci-hdf5-private.h"

GdciH5NewFile *
_gdci_h5_new_file_create (const char  *filename,
                          hid_t        fcpl,
                          GError     **error)
{
  g_autoptr(GdciH5NewFile) file = g_new0 (GdciH5NewFile, 1);

  file->filename = g_strdup (filename);
  file->fd = -1;
  file->fapl = H5I_INVALID_HID;
  file->file = H5I_INVALID_HID;
  _gdci_h5_remove_stale_partials (filename, NULL);
  if (!_gdci_h5_create_partial (filename, &file->fd, &file->temp_filename, error))
    return NULL;
  file->control = _gdci_h5_file_control_new (file->fd, NULL);
  file->fapl = _gdci_h5_file_access_plist (file->control);
  if (file->fapl >= 0)
    file->file = H5Fcreate (file->temp_filename, H5F_ACC_TRUNC, fcpl, file->fapl);
  if (!_gdci_h5_new_file_check (file, error))
    return NULL;
  if (file->file < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not create '%s'", filename);
      return NULL;
    }
  return g_steal_pointer (&file);
}

gboolean
_gdci_h5_new_file_check (GdciH5NewFile  *file,
                         GError        **error)
{
  if (file->control->error == 0)
    return TRUE;
  H5Eclear2 (H5E_DEFAULT);
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not write '%s': %s",
               file->filename, g_strerror (file->control->error));
  return FALSE;
}

gboolean
_gdci_h5_new_file_publish (GdciH5NewFile  *file,
                           gboolean        replace,
                           GError        **error)
{
  herr_t status = H5Fclose (file->file);

  /* HDF5 is done with the file, whatever it says */
  file->file = H5I_INVALID_HID;
  if (!_gdci_h5_new_file_check (file, error))
    return FALSE;
  if (status < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          file->filename);
      return FALSE;
    }
  if (fsync (file->fd) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not save '%s': %s",
                   file->filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (!_gdci_h5_publish_partial (file->fd, file->temp_filename, file->filename, replace,
                                 error))
    return FALSE;
  g_clear_pointer (&file->temp_filename, g_free);
  return TRUE;
}

void
_gdci_h5_new_file_free (GdciH5NewFile *file)
{
  if (file == NULL)
    return;
  /* not published: HDF5 lets go of it, writing nothing more, and it goes */
  if (file->control != NULL && file->temp_filename != NULL)
    file->control->abandoned = TRUE;
  if (file->file >= 0 && H5Fclose (file->file) < 0)
    H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_close (file->fapl);
  g_clear_pointer (&file->control, _gdci_h5_file_control_release);
  if (file->temp_filename != NULL && _gdci_h5_partial_is_ours (file->fd, file->temp_filename))
    g_unlink (file->temp_filename);
  if (file->fd >= 0)
    close (file->fd);
  g_free (file->temp_filename);
  g_free (file->filename);
  g_free (file);
}
