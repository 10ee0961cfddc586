/* gdci-h5-target.c: the file and dataset a write goes to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci-compression-private.h"
#include "gdci-error.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-iterator.h"
#include "gdci-h5-names-private.h"
#include "gdci-h5-target-private.h"
#include "gdci-hdf5-private.h"

static GdciH5TargetFaults faults;
static GdciH5TargetHook created_hook;
static gpointer created_hook_data;

void
_gdci_h5_target_set_faults (GdciH5TargetFaults new_faults)
{
  faults = new_faults;
}

void
_gdci_h5_target_set_created_hook (GdciH5TargetHook hook,
                                  gpointer         user_data)
{
  created_hook = hook;
  created_hook_data = user_data;
}

/* H5Lmove(), or a failure where a test asks for one */
static herr_t
move_link (hid_t               file,
           const char         *from,
           const char         *to,
           hid_t               lcpl,
           GdciH5TargetFaults  fault)
{
  if (faults & fault)
    {
      H5Epush2 (H5E_DEFAULT, __FILE__, G_STRFUNC, __LINE__, H5E_ERR_CLS, H5E_LINK,
                H5E_CANTMOVE, "unable to move link (injected fault)");
      return -1;
    }
  return H5Lmove (file, from, file, to, lcpl, H5P_DEFAULT);
}

/* Whether a write to the file failed (HDF5 is not told: see
 * gdci-h5-file.c); if so, @error says "@what 'FILE': the system's words" */
static gboolean
io_failed (GdciH5Target  *target,
           const char    *what,
           GError       **error)
{
  if (target->control == NULL || target->control->error == 0)
    return FALSE;
  H5Eclear2 (H5E_DEFAULT);
  g_clear_error (error);
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "%s '%s': %s", what, target->filename,
               g_strerror (target->control->error));
  return TRUE;
}

static hid_t
link_create_plist (void)
{
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);

  if (lcpl >= 0)
    H5Pset_create_intermediate_group (lcpl, 1);
  return lcpl;
}

GdciH5Target *
_gdci_h5_target_new (const char    *filename,
                     const char    *dataset_path,
                     GdciWriteMode  mode)
{
  GdciH5Target *target = g_new0 (GdciH5Target, 1);

  target->filename = g_strdup (filename);
  target->dataset_path = _gdci_h5_normalize_path (dataset_path);
  target->mode = mode;
  target->fd = -1;
  target->fapl = H5I_INVALID_HID;
  target->file = H5I_INVALID_HID;
  target->dataset = H5I_INVALID_HID;
  return target;
}

void
_gdci_h5_target_free (GdciH5Target *target)
{
  if (target == NULL)
    return;
  _gdci_h5_target_roll_back (target, NULL);
  g_free (target->filename);
  g_free (target->dataset_path);
  g_free (target);
}

/* ---- opening ------------------------------------------------------------ */

/* What is at the dataset path of an existing file may be written */
static gboolean
check_dataset_path (GdciH5Target  *target,
                    GError       **error)
{
  g_autoptr(GString) walked = g_string_new ("");
  H5O_type_t type = H5O_TYPE_UNKNOWN;

  switch (_gdci_h5_inspect_path (target->file, target->dataset_path, target->filename,
                                 TRUE, walked, &type, error))
    {
    case GDCI_H5_PATH_ERROR:
      return FALSE;
    case GDCI_H5_PATH_MISSING:
      if (target->mode != GDCI_WRITE_MODE_FILL)
        return TRUE;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                   "'%s' does not exist in '%s': a fill writes into a dataset that exists",
                   target->dataset_path, target->filename);
      return FALSE;
    case GDCI_H5_PATH_BLOCKED:
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' in '%s' is not a group, so it cannot hold '%s'",
                   walked->str, target->filename, target->dataset_path);
      return FALSE;
    case GDCI_H5_PATH_FOUND:
    default:
      break;
    }
  if (type != H5O_TYPE_DATASET)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' in '%s' is %s, not a dataset: gdci does not %s it",
                   target->dataset_path, target->filename,
                   type == H5O_TYPE_GROUP ? "a group" : "not a dataset",
                   target->mode == GDCI_WRITE_MODE_FILL ? "fill" : "replace");
      return FALSE;
    }
  if (target->mode == GDCI_WRITE_MODE_CREATE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' already exists in '%s' (replace it, or fill it, with the "
                   "writer's mode)", target->dataset_path, target->filename);
      return FALSE;
    }
  return TRUE;
}

/* An existing file may be written into: a regular HDF5 file, which is not
 * the one being read */
static gboolean
check_existing_file (GdciH5Target       *target,
                     const struct stat  *st,
                     GdciChunkIterator  *source,
                     GError            **error)
{
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' exists and is not a regular file", target->filename);
      return FALSE;
    }
  if (H5Fis_hdf5 (target->filename) <= 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                   "'%s' exists and is not an HDF5 file: gdci does not replace it",
                   target->filename);
      return FALSE;
    }
  if (GDCI_IS_H5_ITERATOR (source))
    {
      g_autofree char *path = NULL;
      struct stat source_st;

      g_object_get (source, "path", &path, NULL);
      if (path != NULL && stat (path, &source_st) == 0 &&
          source_st.st_dev == st->st_dev && source_st.st_ino == st->st_ino)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                       "'%s' is the file being read: write the dataset to "
                       "another file", target->filename);
          return FALSE;
        }
    }
  return TRUE;
}

/* The file @st, opened for writing and locked */
static gboolean
open_and_lock (GdciH5Target       *target,
               const struct stat  *st,
               GError            **error)
{
  struct stat opened;

  target->fd = open (target->filename, O_RDWR | O_CLOEXEC);
  if (target->fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not open '%s' for writing: %s",
                   target->filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (target->fd, &opened) != 0 || opened.st_dev != st->st_dev ||
      opened.st_ino != st->st_ino)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not open '%s' for writing: it was replaced meanwhile",
                   target->filename);
      return FALSE;
    }
  if (!_gdci_h5_lock_for_writing (target->fd))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                   "'%s' is being written by another program, or by another "
                   "write of this one: try again when it is done", target->filename);
      return FALSE;
    }
  return TRUE;
}

static void
set_open_error (GdciH5Target  *target,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (_gdci_h5_error_has_minor (H5E_CANTLOCKFILE))
    {
      H5Eclear2 (H5E_DEFAULT);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                   "'%s' is being written by another program, or by another "
                   "write of this one: try again when it is done", target->filename);
      return;
    }
  _gdci_h5_set_error (&local_error, GDCI_ERROR_IO, "Could not open '%s' for writing",
                      target->filename);
  /* the marks a writer that stopped left in a superblock of version 3 */
  if (strstr (local_error->message, "already open for write") != NULL)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                 "'%s' is marked as being written by a program that stopped, and HDF5 "
                 "refuses to open it: if nothing writes it now, cleaning it (gdci clean) "
                 "clears the mark", target->filename);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
}

static gboolean
open_existing_file (GdciH5Target       *target,
                    const struct stat  *st,
                    GError            **error)
{
  gboolean recovered;

  /* locked, then put back as it was if a write was killed in it, and
   * journaled */
  if (!open_and_lock (target, st, error) ||
      !_gdci_h5_journal_recover (target->filename, target->fd, &recovered, error))
    return FALSE;
  target->journal = _gdci_h5_journal_begin (target->filename, target->fd, error);
  if (target->journal == NULL)
    return FALSE;
  target->control = _gdci_h5_file_control_new (target->fd, target->journal);
  target->fapl = _gdci_h5_file_access_plist (target->control);
  if (target->fapl < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not set up HDF5 to write '%s'",
                          target->filename);
      return FALSE;
    }
  target->file = H5Fopen (target->filename, H5F_ACC_RDWR, target->fapl);
  if (io_failed (target, "Could not open for writing", error))
    return FALSE;
  if (target->file < 0)
    {
      set_open_error (target, error);
      return FALSE;
    }
  if (!check_dataset_path (target, error))
    return FALSE;
  if (target->mode == GDCI_WRITE_MODE_FILL)
    {
      target->dataset = H5Dopen2 (target->file, target->dataset_path, H5P_DEFAULT);
      if (target->dataset < 0)
        _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not open '%s' in '%s'",
                            target->dataset_path, target->filename);
      return target->dataset >= 0 && !io_failed (target, "Could not read", error);
    }
  /* written beside the root, moved into place at the end */
  target->temp_dataset = g_strdup_printf ("/.gdci-writing-%08x%08x",
                                          g_random_int (), g_random_int ());
  return TRUE;
}

/* Whether the temporary name of a new file still names the file made */
static gboolean
temp_name_is_ours (GdciH5Target *target)
{
  return _gdci_h5_partial_is_ours (target->fd, target->temp_filename);
}

static void
set_replaced_error (GdciH5Target  *target,
                    GError       **error)
{
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
               "Could not create '%s': its temporary file '%s' was replaced "
               "by another while it was written", target->filename,
               target->temp_filename);
}

/* A new file: created under a temporary name, and written from the
 * descriptor it was created with, so that whatever comes to be at that
 * name meanwhile is never opened. The temporary files of earlier writes
 * of the same file that stopped go first. */
static gboolean
create_new_file (GdciH5Target  *target,
                 GError       **error)
{
  _gdci_h5_remove_stale_partials (target->filename, NULL);
  if (!_gdci_h5_create_partial (target->filename, &target->fd, &target->temp_filename, error))
    return FALSE;
  if (created_hook != NULL)
    created_hook (target->temp_filename, created_hook_data);

  target->control = _gdci_h5_file_control_new (target->fd, NULL);
  target->fapl = _gdci_h5_file_access_plist (target->control);
  if (target->fapl >= 0)
    target->file = H5Fcreate (target->temp_filename, H5F_ACC_TRUNC, H5P_DEFAULT,
                              target->fapl);
  if (io_failed (target, "Could not create", error))
    return FALSE;
  if (target->file < 0)
    {
      /* HDF5 checks that the name is the file it has */
      if (!temp_name_is_ours (target))
        {
          H5Eclear2 (H5E_DEFAULT);
          set_replaced_error (target, error);
        }
      else
        _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not create '%s'", target->filename);
      return FALSE;
    }
  return TRUE;
}

/* A dangling symbolic link names the file to create, as with h5py: the
 * target takes the name the chain of links ends at */
static gboolean
follow_dangling_link (GdciH5Target  *target,
                      GError       **error)
{
  char *resolved = NULL;

  if (!_gdci_h5_resolve_dangling_link (target->filename, &resolved, error))
    return FALSE;
  if (resolved != NULL)
    {
      g_free (target->filename);
      target->filename = resolved;
    }
  return TRUE;
}

gboolean
_gdci_h5_target_open (GdciH5Target       *target,
                      GdciChunkIterator  *source,
                      GError            **error)
{
  struct stat st;

  if (stat (target->filename, &st) == 0)
    {
      if (!check_existing_file (target, &st, source, error))
        return FALSE;
      return open_existing_file (target, &st, error);
    }
  if (errno != ENOENT)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s",
                   target->filename, g_strerror (saved_errno));
      return FALSE;
    }
  if (target->mode == GDCI_WRITE_MODE_FILL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_FOUND,
                   "'%s' does not exist: a fill writes into a dataset that exists",
                   target->filename);
      return FALSE;
    }
  return follow_dangling_link (target, error) && create_new_file (target, error);
}

gboolean
_gdci_h5_target_create_dataset (GdciH5Target             *target,
                                guint                     n_dims,
                                const guint64            *shape,
                                const guint64            *chunk,
                                GdciDtype                 dtype,
                                const GdciCodecSettings  *codec,
                                GError                  **error)
{
  hsize_t h5_dims[GDCI_MAX_DIMS];
  hsize_t h5_chunk[GDCI_MAX_DIMS];
  hid_t space, dcpl, lcpl, type;
  const char *name = target->temp_dataset != NULL ? target->temp_dataset
                                                  : target->dataset_path;

  for (guint i = 0; i < n_dims; i++)
    {
      h5_dims[i] = shape[i];
      h5_chunk[i] = chunk[i];
    }

  /* the filters' set_local complete their cd_values */
  _gdci_h5_register_filters ();
  space = H5Screate_simple ((int) n_dims, h5_dims, NULL);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  lcpl = link_create_plist ();
  type = H5Tcopy (_gdci_h5_native_type (dtype));
  if (space < 0 || dcpl < 0 || lcpl < 0 || type < 0 ||
      H5Pset_chunk (dcpl, (int) n_dims, h5_chunk) < 0 ||
      !_gdci_compression_set_filters (dcpl, codec))
    target->dataset = H5I_INVALID_HID;
  else
    target->dataset = H5Dcreate2 (target->file, name, type, space, lcpl, dcpl, H5P_DEFAULT);

  if (target->dataset < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create the dataset '%s' in '%s'",
                        target->dataset_path, target->filename);
  if (io_failed (target, "Could not write to", error))
    {
      _gdci_h5_close (target->dataset);
      target->dataset = H5I_INVALID_HID;
    }
  _gdci_h5_close (type);
  _gdci_h5_close (lcpl);
  _gdci_h5_close (dcpl);
  _gdci_h5_close (space);
  return target->dataset >= 0;
}

/* ---- the commit ---------------------------------------------------------- */

gboolean
_gdci_h5_target_finish_dataset (GdciH5Target  *target,
                                GError       **error)
{
  herr_t status;

  if (target->borrowed)
    {
      if (H5Dflush (target->dataset) >= 0)
        return TRUE;
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          target->filename);
      return FALSE;
    }
  /* everything written and flushed first: what can still fail below is
   * the little the link moves write */
  status = H5Dclose (target->dataset);
  target->dataset = H5I_INVALID_HID;
  if (status < 0 || H5Fflush (target->file, H5F_SCOPE_LOCAL) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          target->filename);
      io_failed (target, "Could not finish writing", error);
      return FALSE;
    }
  return !io_failed (target, "Could not finish writing", error);
}

gboolean
_gdci_h5_target_set_aside_old (GdciH5Target  *target,
                               GError       **error)
{
  g_autofree char *backup = NULL;

  if (target->temp_dataset == NULL || target->mode != GDCI_WRITE_MODE_REPLACE ||
      H5Lexists (target->file, target->dataset_path, H5P_DEFAULT) <= 0)
    return TRUE;
  backup = g_strdup_printf ("/.gdci-replaced-%08x%08x", g_random_int (), g_random_int ());
  if (H5Lmove (target->file, target->dataset_path, target->file, backup,
               H5P_DEFAULT, H5P_DEFAULT) < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not replace '%s' in '%s'",
                          target->dataset_path, target->filename);
      return FALSE;
    }
  target->backup = g_steal_pointer (&backup);
  return TRUE;
}

/* Puts the dataset set aside back at its path, if it can */
static void
restore_old (GdciH5Target *target)
{
  if (target->backup == NULL)
    return;
  if (move_link (target->file, target->backup, target->dataset_path, H5P_DEFAULT,
                 GDCI_H5_TARGET_FAULT_RESTORE_OLD) < 0)
    H5Eclear2 (H5E_DEFAULT);
  else
    g_clear_pointer (&target->backup, g_free);
}

gboolean
_gdci_h5_target_link_new (GdciH5Target  *target,
                          GError       **error)
{
  hid_t lcpl;
  herr_t status;

  if (target->temp_dataset == NULL)
    return TRUE;
  lcpl = link_create_plist ();
  status = move_link (target->file, target->temp_dataset, target->dataset_path, lcpl,
                      GDCI_H5_TARGET_FAULT_LINK_NEW);
  /* HDF5's error before any other HDF5 call, which clears it */
  if (status < 0)
    _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not create '%s' in '%s'",
                        target->dataset_path, target->filename);
  _gdci_h5_close (lcpl);
  if (status < 0)
    {
      /* if this fails, the roll-back puts back the whole file anyway */
      restore_old (target);
      return FALSE;
    }
  g_clear_pointer (&target->temp_dataset, g_free);
  return TRUE;
}

void
_gdci_h5_target_drop_old (GdciH5Target *target)
{
  if (target->backup != NULL && H5Ldelete (target->file, target->backup, H5P_DEFAULT) < 0)
    H5Eclear2 (H5E_DEFAULT);
  g_clear_pointer (&target->backup, g_free);
}

gboolean
_gdci_h5_target_close_file (GdciH5Target  *target,
                            GError       **error)
{
  herr_t status = H5Fclose (target->file);

  /* HDF5 is done with the file, whatever it says */
  target->file = H5I_INVALID_HID;
  if (io_failed (target, "Could not finish writing", error))
    return FALSE;
  if (status < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_IO, "Could not finish writing '%s'",
                          target->filename);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_h5_target_sync (GdciH5Target  *target,
                      GError       **error)
{
  if ((faults & GDCI_H5_TARGET_FAULT_SYNC) || fsync (target->fd) != 0)
    {
      int saved_errno = (faults & GDCI_H5_TARGET_FAULT_SYNC) ? EIO : errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not save '%s': %s",
                   target->filename, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_h5_target_publish_file (GdciH5Target  *target,
                              GError       **error)
{
  if (target->journal != NULL)
    {
      if (faults & GDCI_H5_TARGET_FAULT_COMMIT)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not remove the journal of "
                       "'%s': Input/output error (injected fault)", target->filename);
          return FALSE;
        }
      return _gdci_h5_journal_commit (target->journal, error);
    }
  if (target->temp_filename == NULL)
    return TRUE;
  if (!_gdci_h5_publish_partial (target->fd, target->temp_filename, target->filename, FALSE,
                                 error))
    return FALSE;
  g_clear_pointer (&target->temp_filename, g_free);
  return TRUE;
}

gboolean
_gdci_h5_target_commit (GdciH5Target  *target,
                        GError       **error)
{
  if (!_gdci_h5_target_finish_dataset (target, error) ||
      !_gdci_h5_target_set_aside_old (target, error) ||
      !_gdci_h5_target_link_new (target, error))
    return FALSE;
  _gdci_h5_target_drop_old (target);
  if (target->borrowed)
    return TRUE;
  /* on the disk before the write says it is done */
  return _gdci_h5_target_close_file (target, error) &&
         _gdci_h5_target_sync (target, error) &&
         _gdci_h5_target_publish_file (target, error);
}

/* ---- the roll-back ------------------------------------------------------- */

/* HDF5 lets go of the file, writing nothing more to it */
static void
abandon_file (GdciH5Target *target)
{
  if (target->borrowed)
    return;
  if (target->control != NULL)
    target->control->abandoned = TRUE;
  _gdci_h5_close (target->dataset);
  target->dataset = H5I_INVALID_HID;
  if (target->file >= 0 && H5Fclose (target->file) < 0)
    g_debug ("HDF5 could not close a file after an error");
  target->file = H5I_INVALID_HID;
  H5Eclear2 (H5E_DEFAULT);
  _gdci_h5_close (target->fapl);
  target->fapl = H5I_INVALID_HID;
  g_clear_pointer (&target->control, _gdci_h5_file_control_release);
}

/* Tells the caller, after @error, that the file could not be put back */
static void
add_not_reverted (GdciH5Target  *target,
                  const GError  *revert_error,
                  GError       **error)
{
  g_autofree char *what =
    g_strdup_printf ("'%s' could not be put back as it was yet (%s): its journal keeps "
                     "what it held, and the next write into it, or cleaning it "
                     "(gdci clean), puts it back", target->filename, revert_error->message);

  if (error == NULL)
    g_warning ("gdci: %s", what);
  else if (*error == NULL)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Writing '%s' in '%s' failed, and %s",
                 target->dataset_path, target->filename, what);
  else
    {
      char *message = g_strdup_printf ("%s; %s", (*error)->message, what);

      g_free ((*error)->message);
      (*error)->message = message;
    }
}

void
_gdci_h5_target_roll_back (GdciH5Target  *target,
                           GError       **error)
{
  abandon_file (target);
  if (target->journal != NULL)
    {
      g_autoptr(GError) revert_error = NULL;

      if (faults & GDCI_H5_TARGET_FAULT_REVERT)
        g_set_error (&revert_error, GDCI_ERROR, GDCI_ERROR_IO,
                     "Input/output error (injected fault)");
      else
        _gdci_h5_journal_revert (target->journal, &revert_error);
      if (revert_error != NULL)
        add_not_reverted (target, revert_error, error);
      g_clear_pointer (&target->journal, _gdci_h5_journal_free);
    }
  if (target->temp_filename != NULL && target->fd >= 0 && temp_name_is_ours (target))
    g_unlink (target->temp_filename);
  g_clear_pointer (&target->temp_filename, g_free);
  g_clear_pointer (&target->temp_dataset, g_free);
  g_clear_pointer (&target->backup, g_free);
  if (target->fd >= 0)
    close (target->fd);
  target->fd = -1;
}
