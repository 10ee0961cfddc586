/* gdci-h5-clean.c: cleaning up after writes that were killed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "gdci-error.h"
#include "gdci-h5-clean.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-file-private.h"
#include "gdci-h5-journal-private.h"
#include "gdci-hdf5-private.h"

/* The prefix of the datasets a write into an existing file makes */
#define WRITING_PREFIX ".gdci-writing-"
/* HDF5's own name for what h5clear sets: the superblock's marks of a
 * writer are cleared as the file opens */
#define CLEAR_STATUS_FLAGS "clear_status_flags"

gboolean
_gdci_h5_lock_for_writing (int fd)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

  if (fcntl (fd, F_OFD_SETLK, &lock) == 0)
    return TRUE;
  if (errno == EACCES)
    errno = EAGAIN;
  return errno != EAGAIN;
}

char *
_gdci_h5_hidden_name (const char *filename,
                      const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (filename);
  g_autofree char *base = g_path_get_basename (filename);
  g_autofree char *name = NULL;
  gsize room = NAME_MAX - 1 - strlen (suffix);

  if (strlen (base) <= room)
    name = g_strconcat (".", base, suffix, NULL);
  else
    {
      guint32 crc = libdeflate_crc32 (0, base, strlen (base));
      gsize len = room - strlen ("~12345678");

      while (len > 0 && ((guchar) base[len] & 0xC0) == 0x80)
        len--;
      name = g_strdup_printf (".%.*s~%08x%s", (int) len, base, crc, suffix);
    }
  if (strchr (filename, G_DIR_SEPARATOR) == NULL)
    return g_steal_pointer (&name);
  return g_build_filename (dir, name, NULL);
}

/* Removes @path if it is a temporary file that no write holds locked */
static void
remove_if_stale (const char *path,
                 GPtrArray  *cleaned)
{
  struct stat st, named;
  int fd = open (path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return;
  /* with the lock, no write can start on it; and the name must still be
   * the file locked */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && _gdci_h5_lock_for_writing (fd) &&
      lstat (path, &named) == 0 && named.st_dev == st.st_dev && named.st_ino == st.st_ino &&
      g_unlink (path) == 0 && cleaned != NULL)
    g_ptr_array_add (cleaned, g_strdup_printf ("removed '%s', the temporary file of a "
                                               "write that stopped", path));
  close (fd);
}

static gboolean
is_partial_name (const char *name)
{
  gsize len = strlen (name);
  gsize tail = strlen (GDCI_H5_PARTIAL_SUFFIX);

  return name[0] == '.' && len > tail + 1 && g_str_has_suffix (name, ".partial") &&
         name[len - tail] == '.';
}

void
_gdci_h5_remove_stale_partials (const char *filename,
                                GPtrArray  *cleaned)
{
  g_autofree char *template = _gdci_h5_hidden_name (filename, GDCI_H5_PARTIAL_SUFFIX);
  g_autofree char *dir_name = g_path_get_dirname (template);
  g_autofree char *pattern = g_path_get_basename (template);
  gsize prefix = strlen (pattern) - strlen (GDCI_H5_PARTIAL_SUFFIX) + 1;
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (strlen (name) == strlen (pattern) && strncmp (name, pattern, prefix) == 0 &&
        is_partial_name (name))
      {
        g_autofree char *path = g_build_filename (dir_name, name, NULL);
        remove_if_stale (path, cleaned);
      }
}

/* ---- an HDF5 file ------------------------------------------------------------ */

static herr_t
collect_writing (hid_t             group,
                 const char       *name,
                 const H5L_info_t *info,
                 void             *data)
{
  if (g_str_has_prefix (name, WRITING_PREFIX))
    g_ptr_array_add (data, g_strconcat ("/", name, NULL));
  return 0;
}

/* The datasets of writes that stopped at the root of @file, or NULL */
static GPtrArray *
list_writing (hid_t file)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  if (H5Literate (file, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, collect_writing, found) < 0)
    g_clear_pointer (&found, g_ptr_array_unref);
  H5Eclear2 (H5E_DEFAULT);
  return found;
}

/* The same, of the file @path opened to read; NULL when HDF5 cannot */
static GPtrArray *
find_writing (const char *path)
{
  GPtrArray *found = NULL;
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);

  if (file >= 0)
    {
      found = list_writing (file);
      H5Fclose (file);
    }
  H5Eclear2 (H5E_DEFAULT);
  return found;
}

/* Closes @file, syncs it and commits the journal; else puts it back */
static gboolean
finish (const char         *path,
        hid_t               file,
        GdciH5FileControl  *control,
        GdciH5Journal      *journal,
        GError            **error)
{
  if (H5Fclose (file) < 0 && control->error == 0)
    control->error = EIO;
  H5Eclear2 (H5E_DEFAULT);
  if (control->error == 0 && fsync (control->fd) != 0)
    control->error = errno;
  if (control->error == 0 && _gdci_h5_journal_commit (journal, error))
    return TRUE;
  if (control->error != 0)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not clean '%s': %s", path,
                 g_strerror (control->error));
  _gdci_h5_journal_revert (journal, NULL);
  return FALSE;
}

/* Opens @path for writing, through the journal; with @clear, clearing
 * the marks a writer left in its superblock */
static hid_t
open_for_cleaning (const char         *path,
                   GdciH5FileControl  *control,
                   gboolean            clear)
{
  hbool_t yes = TRUE;
  hid_t fapl = _gdci_h5_file_access_plist (control);
  hid_t file = H5I_INVALID_HID;

  if (fapl >= 0 && (!clear || H5Pset (fapl, CLEAR_STATUS_FLAGS, &yes) >= 0))
    file = H5Fopen (path, H5F_ACC_RDWR, fapl);
  if (fapl >= 0)
    H5Pclose (fapl);
  return file;
}

/* A writer killed in a flush may have left metadata beyond the end of
 * the file its superblock records, which readers in SWMR mode read and
 * others refuse ("addr overflow"): that end becomes the file's, as
 * h5clear --increment=0 does */
static void
cover_whole_file (hid_t file,
                  int   fd)
{
  struct stat st;
  haddr_t eoa;

  if (H5Fget_eoa (file, &eoa) >= 0 && fstat (fd, &st) == 0 && (haddr_t) st.st_size > eoa)
    H5Fincrement_filesize (file, 0);
  H5Eclear2 (H5E_DEFAULT);
}

/* Clears what writes that stopped left inside the HDF5 file @path, open
 * at @fd and locked */
static gboolean
clean_hdf5 (const char  *path,
            int          fd,
            GPtrArray   *cleaned,
            GError     **error)
{
  g_autoptr(GPtrArray) writing = find_writing (path);
  g_autoptr(GdciH5Journal) journal = NULL;
  GdciH5FileControl *control;
  gboolean ok;
  hid_t file;

  if (writing != NULL && writing->len == 0)
    return TRUE;
  journal = _gdci_h5_journal_begin (path, fd, error);
  if (journal == NULL)
    return FALSE;
  control = _gdci_h5_file_control_new (fd, journal);
  /* HDF5 refused to read it: the marks of a writer that stopped, which
   * HDF5 clears as it opens the file, or something else, which stays */
  file = open_for_cleaning (path, control, writing == NULL);
  if (file < 0)
    {
      _gdci_h5_set_error (error, GDCI_ERROR_HDF5, "Could not clean '%s'", path);
      _gdci_h5_journal_revert (journal, NULL);
      _gdci_h5_file_control_release (control);
      return FALSE;
    }
  if (writing == NULL)
    {
      cover_whole_file (file, fd);
      g_ptr_array_add (cleaned, g_strdup_printf ("cleared the mark of a writer that stopped "
                                                 "from '%s'", path));
      writing = list_writing (file);
    }
  for (guint i = 0; writing != NULL && i < writing->len; i++)
    if (H5Ldelete (file, writing->pdata[i], H5P_DEFAULT) >= 0)
      g_ptr_array_add (cleaned, g_strdup_printf ("removed '%s' from '%s', the dataset of a "
                                                 "write that stopped",
                                                 (char *) writing->pdata[i], path));
  H5Eclear2 (H5E_DEFAULT);
  ok = finish (path, file, control, journal, error);
  _gdci_h5_file_control_release (control);
  return ok;
}

/* Cleans the file @path of what writes that stopped left in and beside it */
static gboolean
clean_file (const char  *path,
            GPtrArray   *cleaned,
            GError     **error)
{
  gboolean recovered = FALSE;
  gboolean ok;
  int fd = open (path, O_RDWR | O_CLOEXEC);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, saved_errno == ENOENT ? GDCI_ERROR_NOT_FOUND : GDCI_ERROR_IO,
                   "Could not open '%s' for writing: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!_gdci_h5_lock_for_writing (fd))
    {
      close (fd);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_BUSY,
                   "'%s' is being written: it cannot be cleaned until that write is done", path);
      return FALSE;
    }
  ok = _gdci_h5_journal_recover (path, fd, &recovered, error);
  if (recovered)
    g_ptr_array_add (cleaned, g_strdup_printf ("put '%s' back as it was before a write "
                                               "that stopped", path));
  _gdci_h5_remove_stale_partials (path, cleaned);
  if (ok && H5Fis_hdf5 (path) > 0)
    ok = clean_hdf5 (path, fd, cleaned, error);
  H5Eclear2 (H5E_DEFAULT);
  close (fd);
  return ok;
}

/* ---- a directory --------------------------------------------------------------- */

/* The journal @path of a write that stopped: its file is put back, or the
 * journal removed when its file is gone */
static gboolean
clean_journal (const char  *dir_name,
               const char  *path,
               GPtrArray   *cleaned,
               GError     **error)
{
  g_autofree char *owner = _gdci_h5_journal_read_owner (path);
  g_autofree char *file = NULL;
  g_autofree char *expected = NULL;
  gboolean recovered = FALSE;
  int fd;

  if (owner == NULL || strchr (owner, G_DIR_SEPARATOR) != NULL)
    return TRUE;   /* not one of gdci's */
  file = g_build_filename (dir_name, owner, NULL);
  expected = _gdci_h5_journal_path (file);
  if (strcmp (expected, path) != 0)
    return TRUE;
  fd = open (file, O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      if (g_unlink (path) == 0)
        g_ptr_array_add (cleaned, g_strdup_printf ("removed '%s', the journal of '%s', which "
                                                   "no longer exists", path, file));
      return TRUE;
    }
  if (fd < 0 || !_gdci_h5_lock_for_writing (fd))
    {
      if (fd >= 0)
        close (fd);
      return TRUE;   /* being written: its journal is in use */
    }
  if (!_gdci_h5_journal_recover (file, fd, &recovered, error))
    {
      close (fd);
      return FALSE;
    }
  if (recovered)
    g_ptr_array_add (cleaned, g_strdup_printf ("put '%s' back as it was before a write "
                                               "that stopped", file));
  close (fd);
  return TRUE;
}

static gboolean
clean_directory (const char    *path,
                 GPtrArray     *cleaned,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *entry = g_build_filename (path, name, NULL);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (is_partial_name (name))
        remove_if_stale (entry, cleaned);
      else if (name[0] == '.' && g_str_has_suffix (name, ".gdci-journal") &&
               !clean_journal (path, entry, cleaned, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * gdci_h5_clean:
 * @path: (type filename): a file or a directory
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Cleans up after writes that were killed (`SIGKILL`, a crash, the
 * machine losing power), which had no chance to undo what they had begun.
 * [class@Gdci.H5Writer] does this by itself for the file it writes; this
 * function does it for a file or a whole directory without writing
 * anything new.
 *
 * For a file @path:
 *
 * - a file that a write into it left with its journal (".NAME.gdci-journal"
 *   beside it) is put back exactly as it was before that write;
 * - the temporary files of new files of that name (".NAME.XXXXXX.partial")
 *   are removed;
 * - datasets that a write of an older gdci left at the root
 *   ("/.gdci-writing-…") are removed;
 * - the marks a writer that stopped leaves in the superblock of files
 *   with `libver='latest'` (as SWMR files have), which make HDF5 refuse to
 *   open the file ("file is already open for write"), are cleared, as
 *   HDF5's `h5clear` does.
 *
 * @path need not exist: then only the temporary files of writes that
 * would have created it are removed.
 *
 * For a directory, the temporary files and journals in it (not in its
 * subdirectories) are cleaned up; the HDF5 files in it are not opened.
 *
 * Only what belongs to writes that are gone is touched: a write holds a
 * lock on its file (an open file description lock, which the system
 * drops when the process ends, however it ends) for as long as it runs.
 * A file that is being written is refused with %GDCI_ERROR_BUSY; in a
 * directory, the leftovers of writes still running are skipped.
 *
 * Returns: (transfer full) (array zero-terminated=1) (nullable): one line
 *   for each thing cleaned up (empty if there was nothing to clean), or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
char **
gdci_h5_clean (const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) cleaned = g_ptr_array_new_with_free_func (g_free);
  GdciH5Quiet quiet;
  struct stat st;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _gdci_h5_quiet_begin (&quiet);
  if (stat (path, &st) != 0)
    {
      ok = errno == ENOENT;
      if (ok)
        _gdci_h5_remove_stale_partials (path, cleaned);
      else
        g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s", path,
                     g_strerror (errno));
    }
  else if (S_ISDIR (st.st_mode))
    ok = clean_directory (path, cleaned, cancellable, error);
  else if (S_ISREG (st.st_mode))
    ok = clean_file (path, cleaned, error);
  else
    {
      ok = FALSE;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' is not a regular file or a directory", path);
    }
  _gdci_h5_quiet_end (&quiet);
  if (!ok)
    return NULL;
  g_ptr_array_add (cleaned, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&cleaned), FALSE);
}
