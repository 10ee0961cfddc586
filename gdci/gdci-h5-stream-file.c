/* gdci-h5-stream-file.c: a GdciH5Stream's file and dataset: opened or
 * created (an existing file under its journal, a new one under a hidden
 * name until readers can open it), and closed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gdci-error.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-names-private.h"
#include "gdci-h5-stream-private.h"
#include "gdci-hdf5-private.h"

/* ---- the file and the dataset --------------------------------------------- */

/* SWMR, an existing file: open at its name, with the lock of gdci's
 * writes (gdci clean leaves a file being recorded alone) */
static gboolean
open_existing_fd (GdciH5Stream  *self,
                  GError       **error)
{
  gboolean recovered;

  self->fd = g_open (self->filename, O_RDWR | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not open '%s' for writing: %s",
                   self->filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (!_gdci_h5_lock_for_writing (self->fd))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "'%s' is being written by another "
                   "program", self->filename);
      return FALSE;
    }
  /* the set-up (the dataset, its groups, the superblock's mark) is undone
   * from a journal if it fails or is killed: a set-up killed before puts
   * the file back first, as gdci clean does */
  if (!_gdci_h5_journal_recover (self->filename, self->fd, &recovered, error))
    return FALSE;
  self->journal = _gdci_h5_journal_begin (self->filename, self->fd, error);
  return self->journal != NULL;
}

/* An existing file set up (its dataset made, SWMR writing started and the
 * file flushed): synced, and its journal deleted; the appends that follow
 * are made durable by SWMR's flushes */
static gboolean
commit_set_up (GdciH5Stream  *self,
               GError       **error)
{
  if (self->journal == NULL)
    return TRUE;
  if (fsync (self->fd) != 0)
    self->control->error = errno;
  if (!_gdci_h5_stream_check_io (self, error) ||
      !_gdci_h5_journal_commit (self->journal, error))
    return FALSE;
  self->control->journal = NULL;
  g_clear_pointer (&self->journal, _gdci_h5_journal_free);
  return TRUE;
}

/* SWMR: the file at its name (a new one under a hidden name beside it
 * until it is set up, see publish_new_file()), in HDF5's latest format,
 * written through gdci's file driver: after a failed write it writes
 * nothing more (HDF5 is not told, and is not left half way), so the file
 * stays as its last flush left it */
static gboolean
open_swmr_file (GdciH5Stream  *self,
                GError       **error)
{
  gboolean exists = g_file_test (self->filename, G_FILE_TEST_EXISTS);
  H5F_info2_t info;
  hid_t fapl;

  if (exists && !open_existing_fd (self, error))
    return FALSE;
  if (!exists)
    {
      /* the leftovers of recordings of this name killed as they were set
       * up go, as gdci clean removes them */
      _gdci_h5_remove_stale_partials (self->filename, NULL);
      if (!_gdci_h5_create_partial (self->filename, &self->fd, &self->temp_filename, error))
        return FALSE;
    }
  self->created = !exists;
  self->control = _gdci_h5_file_control_new (self->fd, self->journal);
  fapl = _gdci_h5_file_access_plist (self->control);
  if (fapl >= 0 && H5Pset_libver_bounds (fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) >= 0)
    self->file = exists ? H5Fopen (self->filename, H5F_ACC_RDWR, fapl)
                        : H5Fcreate (self->temp_filename, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  _gdci_h5_close (fapl);
  if (!_gdci_h5_stream_check_io (self, error))
    return FALSE;
  if (self->file < 0)
    {
      _gdci_h5_set_error (error, exists ? GDCI_ERROR_INVALID_DATA : GDCI_ERROR_IO,
                          exists ? "Could not open '%s' for writing" : "Could not create '%s'",
                          self->filename);
      return FALSE;
    }
  /* SWMR writes need the superblock of HDF5 1.10's format: checked before
   * the dataset is made, which would stay */
  info.super.version = 0;
  if (H5Fget_info2 (self->file, &info) < 0 || info.super.version < 3)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' is in an older HDF5 format than readers that read a file as it "
                   "grows need (SWMR): record into a new file, or set swmr to FALSE",
                   self->filename);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_h5_stream_check_io (GdciH5Stream  *self,
                          GError       **error)
{
  if (self->control == NULL || self->control->error == 0)
    return TRUE;
  H5Eclear2 (H5E_DEFAULT);
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not write '%s': %s", self->filename,
               g_strerror (self->control->error));
  return FALSE;
}

static hid_t
dataset_creation (GdciH5Stream *self)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hsize_t chunk[GDCI_MAX_DIMS];

  for (guint i = 0; i < self->n_dims; i++)
    chunk[i] = self->chunk[i];
  if (dcpl < 0 || H5Pset_chunk (dcpl, (int) self->n_dims, chunk) < 0 ||
      !_gdci_compression_set_filters (dcpl, &self->codec_settings))
    {
      _gdci_h5_close (dcpl);
      return H5I_INVALID_HID;
    }
  /* chunks are written whole: nothing is allocated or filled before */
  H5Pset_alloc_time (dcpl, H5D_ALLOC_TIME_INCR);
  H5Pset_fill_time (dcpl, H5D_FILL_TIME_NEVER);
  return dcpl;
}

static gboolean
create_dataset (GdciH5Stream  *self,
                GError       **error)
{
  hsize_t dims[GDCI_MAX_DIMS], maxdims[GDCI_MAX_DIMS];
  hid_t space, dcpl, lcpl;
  htri_t exists;

  H5E_BEGIN_TRY { exists = H5Lexists (self->file, self->dataset_path, H5P_DEFAULT); }
  H5E_END_TRY;
  if (exists > 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS, "'%s' already has an object at '%s'",
                   self->filename, self->dataset_path);
      return FALSE;
    }
  H5Eclear2 (H5E_DEFAULT);
  dims[0] = 0;
  maxdims[0] = H5S_UNLIMITED;
  for (guint i = 1; i < self->n_dims; i++)
    dims[i] = maxdims[i] = self->frame_shape[i];
  space = H5Screate_simple ((int) self->n_dims, dims, maxdims);
  dcpl = dataset_creation (self);
  lcpl = H5Pcreate (H5P_LINK_CREATE);
  if (lcpl >= 0)
    H5Pset_create_intermediate_group (lcpl, 1);
  if (space >= 0 && dcpl >= 0 && lcpl >= 0)
    self->dataset = H5Dcreate2 (self->file, self->dataset_path,
                                _gdci_h5_native_type (self->dtype), space, lcpl, dcpl,
                                H5P_DEFAULT);
  _gdci_h5_close (space);
  _gdci_h5_close (dcpl);
  _gdci_h5_close (lcpl);
  if (self->dataset < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not create the dataset '%s' in '%s'",
                          self->dataset_path, self->filename);
      return FALSE;
    }
  return TRUE;
}

/* SWMR, a new file: once it is set up (its dataset made, marked for SWMR
 * readers) and synced, it goes under its name, which a recording killed
 * before never takes: readers find no file, or one they open */
static gboolean
publish_new_file (GdciH5Stream  *self,
                  GError       **error)
{
  if (self->temp_filename == NULL)
    return TRUE;
  if (!_gdci_h5_stream_check_io (self, error))
    return FALSE;
  if (fdatasync (self->fd) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not sync '%s': %s",
                   self->filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (!_gdci_h5_publish_partial (self->fd, self->temp_filename, self->filename, FALSE, error))
    return FALSE;
  g_clear_pointer (&self->temp_filename, g_free);
  return TRUE;
}

gboolean
_gdci_h5_stream_open_file (GdciH5Stream  *self,
                           GError       **error)
{
  GdciH5Quiet quiet;
  gboolean ok;

  _gdci_h5_register_filters ();
  _gdci_h5_quiet_begin (&quiet);
  if (self->swmr)
    ok = open_swmr_file (self, error);
  else if (g_file_test (self->filename, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' exists: a stream without SWMR writes a new file", self->filename);
      ok = FALSE;
    }
  else
    {
      self->new_file = _gdci_h5_new_file_create (self->filename, H5P_DEFAULT, error);
      ok = self->new_file != NULL;
      if (ok)
        {
          self->file = self->new_file->file;
          self->fd = self->new_file->fd;
          self->control = self->new_file->control;
        }
    }
  ok = ok && create_dataset (self, error);
  if (ok && self->swmr && H5Fstart_swmr_write (self->file) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO,
                          "Could not start writing '%s' for readers that read it as it "
                          "grows (SWMR)", self->filename);
      ok = FALSE;
    }
  ok = ok && publish_new_file (self, error) && commit_set_up (self, error);
  _gdci_h5_quiet_end (&quiet);
  return ok;
}

/* ---- the close ------------------------------------------------------------ */

gboolean
_gdci_h5_stream_close_file (GdciH5Stream  *self,
                            GError       **error)
{
  GdciH5Quiet quiet;
  gboolean ok = TRUE;

  _gdci_h5_quiet_begin (&quiet);
  /* a stream that failed writes nothing more: its file stays as its last
   * flush left it */
  if (self->error != NULL && self->control != NULL)
    self->control->abandoned = TRUE;
  if (self->dataset >= 0 && H5Dclose (self->dataset) < 0)
    ok = FALSE;
  self->dataset = H5I_INVALID_HID;
  if (self->new_file != NULL)
    {
      self->control = NULL;
      self->fd = -1;
      if (ok && self->error == NULL)
        ok = _gdci_h5_new_file_publish (self->new_file, FALSE, error);
      else if (!ok)
        _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not close '%s'", self->filename);
      g_clear_pointer (&self->new_file, _gdci_h5_new_file_free);
      self->file = H5I_INVALID_HID;
    }
  else if (self->file >= 0 || self->control != NULL)
    {
      if (self->file >= 0 && H5Fclose (self->file) < 0)
        ok = FALSE;
      self->file = H5I_INVALID_HID;
      if (ok && self->error == NULL && fsync (self->fd) != 0)
        self->control->error = errno;
      if (!_gdci_h5_stream_check_io (self, ok ? error : NULL))
        ok = FALSE;
      else if (!ok)
        _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not close '%s'", self->filename);
      g_clear_pointer (&self->control, _gdci_h5_file_control_release);
      /* a set-up that failed in an existing file: every byte it wrote goes
       * back (a journal that cannot be reverted stays, for gdci clean) */
      if (self->journal != NULL)
        _gdci_h5_journal_revert (self->journal, NULL);
      g_clear_pointer (&self->journal, _gdci_h5_journal_free);
      close (self->fd);
      self->fd = -1;
    }
  else if (self->fd >= 0)
    {
      /* opened, but refused before HDF5 had it (another program's lock) */
      if (self->journal != NULL)
        _gdci_h5_journal_revert (self->journal, NULL);
      g_clear_pointer (&self->journal, _gdci_h5_journal_free);
      close (self->fd);
      self->fd = -1;
    }
  _gdci_h5_quiet_end (&quiet);
  return ok;
}
