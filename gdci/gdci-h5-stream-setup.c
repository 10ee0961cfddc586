/* gdci-h5-stream-setup.c: setting up a GdciH5Stream: its plan, its file
 * and dataset, its threads; and, when one of them fails, leaving nothing
 * behind
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "gdci-error.h"
#include "gdci-h5-names-private.h"
#include "gdci-h5-stream-private.h"
#include "gdci-hdf5-private.h"

gboolean
_gdci_h5_stream_set_up (GdciH5Stream  *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *remove = NULL;
  GError *failed;
  gboolean existing, undone;

  if (!_gdci_h5_stream_plan (self, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  self->context = g_main_context_ref_thread_default ();
  if (_gdci_h5_stream_open_file (self, error) && _gdci_h5_stream_start (self, error))
    return TRUE;

  /* nothing is left: a new file is removed; an existing one is put back
   * from its journal, or, once that is committed, loses the dataset made */
  _gdci_h5_stream_stop (self);
  existing = self->swmr && !self->created;
  undone = existing && self->journal != NULL;
  if (existing && !undone && self->dataset >= 0)
    {
      _gdci_h5_close (self->dataset);
      self->dataset = H5I_INVALID_HID;
      H5Ldelete (self->file, self->dataset_path, H5P_DEFAULT);
      H5Eclear2 (H5E_DEFAULT);
    }
  /* the stream's error before the close, so that HDF5 writes nothing more:
   * a new file is never published (it is removed), a journal reverted;
   * after it for an existing file whose journal is gone, which is closed as
   * HDF5 closes it, clearing the mark of a writer that its open left in the
   * superblock (gdci's driver drops the writes itself if one failed) */
  failed = g_error_new_literal (GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                                "The stream could not be set up");
  if (!existing || undone)
    self->error = failed;
  /* a new file goes; under its hidden name, if that name is still its */
  if (self->swmr && self->created && self->temp_filename == NULL)
    remove = g_strdup (self->filename);
  else if (self->swmr && self->created &&
           _gdci_h5_partial_is_ours (self->fd, self->temp_filename))
    remove = g_strdup (self->temp_filename);
  _gdci_h5_stream_close_file (self, NULL);
  if (existing && !undone)
    self->error = failed;
  if (remove != NULL)
    g_unlink (remove);
  return FALSE;
}
