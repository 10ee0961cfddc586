/* gdci-h5-names.c: the names of the files a write creates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "gdci-error.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-names-private.h"

/* As many links as Linux follows in one path */
#define MAX_LINK_HOPS 40

/* A dangling symbolic link names the file to create, as with h5py: the
 * target takes the name the chain of links ends at (each relative link
 * read from its own directory), so the new file is made beside it and
 * renamed onto it, and the link is kept. @filename is missing: stat()
 * found nothing there. */
gboolean
_gdci_h5_resolve_dangling_link (const char  *filename,
                                char       **resolved,
                                GError     **error)
{
  g_autofree char *path = g_strdup (filename);
  g_autofree char *dir = NULL;
  struct stat st;
  guint hops = 0;

  *resolved = NULL;

  while (lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *link = g_file_read_link (path, &local_error);
      char *next;

      if (link == NULL || ++hops > MAX_LINK_HOPS)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                       "Could not follow the symbolic link '%s': %s", filename,
                       link == NULL ? local_error->message : "too many levels of links");
          return FALSE;
        }
      if (g_path_is_absolute (link))
        next = g_steal_pointer (&link);
      else
        {
          g_autofree char *link_dir = g_path_get_dirname (path);
          next = g_build_filename (link_dir, link, NULL);
        }
      g_free (path);
      path = next;
    }
  if (hops == 0)
    return TRUE;  /* not a link: a new file at that name */

  dir = g_path_get_dirname (path);
  if (stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "'%s' is a symbolic link to '%s', whose directory '%s' does not exist",
                   filename, path, dir);
      return FALSE;
    }
  *resolved = g_steal_pointer (&path);
  return TRUE;
}

/* Renames @from to @to unless @to exists, atomically: what another program
 * created at @to meanwhile is never replaced (errno EEXIST). Where the file
 * system has no RENAME_NOREPLACE, a hard link and an unlink do the same. */
gboolean
_gdci_h5_rename_no_replace (const char *from,
                   const char *to)
{
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    return FALSE;
  if (link (from, to) != 0)
    return FALSE;
  /* @to holds the file now: the temporary name goes, best effort */
  g_unlink (from);
  return TRUE;
}

void
_gdci_h5_sync_directory (const char *filename)
{
  g_autofree char *dir = g_path_get_dirname (filename);
  int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dir_fd >= 0)
    {
      fsync (dir_fd);   /* best effort: some file systems refuse it */
      close (dir_fd);
    }
}


gboolean
_gdci_h5_partial_is_ours (int         fd,
                          const char *temp_filename)
{
  struct stat ours, named;

  return fd >= 0 && temp_filename != NULL && fstat (fd, &ours) == 0 &&
         lstat (temp_filename, &named) == 0 && ours.st_dev == named.st_dev &&
         ours.st_ino == named.st_ino;
}

gboolean
_gdci_h5_create_partial (const char  *filename,
                         int         *fd,
                         char       **temp_filename,
                         GError     **error)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *template = _gdci_h5_hidden_name (filename, GDCI_H5_PARTIAL_SUFFIX);
      int made = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0666);

      if (made < 0)
        {
          int saved_errno = errno;
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not create '%s': %s", filename,
                       g_strerror (saved_errno));
          return FALSE;
        }
      if (_gdci_h5_lock_for_writing (made) && _gdci_h5_partial_is_ours (made, template))
        {
          *fd = made;
          *temp_filename = g_steal_pointer (&template);
          return TRUE;
        }
      close (made);
    }
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not create '%s': its temporary "
               "files were taken away as they were made", filename);
  return FALSE;
}

gboolean
_gdci_h5_publish_partial (int          fd,
                          const char  *temp_filename,
                          const char  *filename,
                          gboolean     replace,
                          GError     **error)
{
  int saved_errno;

  if (!_gdci_h5_partial_is_ours (fd, temp_filename))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not create '%s': its temporary file '%s' was replaced "
                   "by another while it was written", filename, temp_filename);
      return FALSE;
    }
  if (replace ? g_rename (temp_filename, filename) == 0
              : _gdci_h5_rename_no_replace (temp_filename, filename))
    {
      _gdci_h5_sync_directory (filename);
      return TRUE;
    }
  saved_errno = errno;
  if (saved_errno == EEXIST)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_EXISTS,
                 "'%s' already exists: another program created it while gdci "
                 "wrote the file, and gdci does not replace it", filename);
  else
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not create '%s': %s",
                 filename, g_strerror (saved_errno));
  return FALSE;
}
