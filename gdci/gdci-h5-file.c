/* gdci-h5-file.c: the HDF5 file driver the writer uses
 *
 * A POSIX file driver like HDF5's own sec2, with one more ability: a file
 * can be abandoned. When a write fails because the disk is full or a size
 * limit is reached, HDF5 1.10 cannot close the file (its last flush and
 * truncation fail too), and a file left half-closed makes HDF5 crash when
 * the process exits. An abandoned file takes every later write and
 * truncation as done, so HDF5 closes it cleanly; the file itself is then
 * removed, or keeps what was written before the failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci-hdf5-private.h"

#define MAX_ADDRESS ((haddr_t) G_MAXINT64)
/* Linux moves at most this much in one call */
#define MAX_IO_BYTES ((size_t) 0x7ffff000)

typedef struct
{
  H5FD_t pub;               /* HDF5's part, first */
  int fd;
  haddr_t eoa;              /* the end of the space HDF5 allocated */
  haddr_t eof;              /* the end of the file as written */
  dev_t device;
  ino_t inode;
  gboolean abandoned;
} GdciH5File;

static hid_t driver_id = H5I_INVALID_HID;

/* HDF5's error stack gets the system's words, in the form HDF5's own
 * drivers use, so that _gdci_h5_set_error () finds them. */
static void
push_system_error (const char *function,
                   hid_t       minor,
                   const char *what,
                   int         saved_errno)
{
  H5Epush2 (H5E_DEFAULT, __FILE__, function, __LINE__, H5E_ERR_CLS, H5E_VFL, minor,
            "%s, errno = %d, error message = '%s'", what, saved_errno,
            g_strerror (saved_errno));
}

static H5FD_t *
file_open (const char *name,
           unsigned    flags,
           hid_t       fapl,
           haddr_t     maxaddr)
{
  int o_flags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
  GdciH5File *file;
  struct stat st;
  int fd;

  if (flags & H5F_ACC_TRUNC)
    o_flags |= O_TRUNC;
  if (flags & H5F_ACC_CREAT)
    o_flags |= O_CREAT;
  if (flags & H5F_ACC_EXCL)
    o_flags |= O_EXCL;

  fd = open (name, o_flags | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      push_system_error (G_STRFUNC, H5E_CANTOPENFILE, "unable to open file", errno);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      push_system_error (G_STRFUNC, H5E_BADFILE, "unable to fstat file", errno);
      close (fd);
      return NULL;
    }

  file = g_new0 (GdciH5File, 1);
  file->fd = fd;
  file->eof = (haddr_t) st.st_size;
  file->device = st.st_dev;
  file->inode = st.st_ino;
  return &file->pub;
}

static herr_t
file_close (H5FD_t *pub)
{
  GdciH5File *file = (GdciH5File *) pub;
  int status = close (file->fd);
  int saved_errno = errno;

  g_free (file);
  if (status != 0)
    {
      push_system_error (G_STRFUNC, H5E_CANTCLOSEFILE, "unable to close file", saved_errno);
      return -1;
    }
  return 0;
}

static int
file_cmp (const H5FD_t *pub1,
          const H5FD_t *pub2)
{
  const GdciH5File *a = (const GdciH5File *) pub1;
  const GdciH5File *b = (const GdciH5File *) pub2;

  if (a->device != b->device)
    return a->device < b->device ? -1 : 1;
  if (a->inode != b->inode)
    return a->inode < b->inode ? -1 : 1;
  return 0;
}

static herr_t
file_query (const H5FD_t  *pub,
            unsigned long *flags)
{
  if (flags != NULL)
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
             H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA |
             H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
  return 0;
}

static haddr_t
file_get_eoa (const H5FD_t *pub,
              H5FD_mem_t    type)
{
  return ((const GdciH5File *) pub)->eoa;
}

static herr_t
file_set_eoa (H5FD_t     *pub,
              H5FD_mem_t  type,
              haddr_t     addr)
{
  ((GdciH5File *) pub)->eoa = addr;
  return 0;
}

static haddr_t
file_get_eof (const H5FD_t *pub,
              H5FD_mem_t    type)
{
  return ((const GdciH5File *) pub)->eof;
}

static herr_t
file_get_handle (H5FD_t  *pub,
                 hid_t    fapl,
                 void   **handle)
{
  *handle = &((GdciH5File *) pub)->fd;
  return 0;
}

static herr_t
file_read (H5FD_t     *pub,
           H5FD_mem_t  type,
           hid_t       dxpl,
           haddr_t     addr,
           size_t      size,
           void       *buffer)
{
  GdciH5File *file = (GdciH5File *) pub;
  guint8 *p = buffer;

  while (size > 0)
    {
      ssize_t n = pread (file->fd, p, MIN (size, MAX_IO_BYTES), (off_t) addr);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          push_system_error (G_STRFUNC, H5E_READERROR, "file read failed", errno);
          return -1;
        }
      if (n == 0)
        {
          /* past the end of the file: zeros, as HDF5's drivers read */
          memset (p, 0, size);
          break;
        }
      p += n;
      size -= (size_t) n;
      addr += (haddr_t) n;
    }
  return 0;
}

static herr_t
file_write (H5FD_t      *pub,
            H5FD_mem_t   type,
            hid_t        dxpl,
            haddr_t      addr,
            size_t       size,
            const void  *buffer)
{
  GdciH5File *file = (GdciH5File *) pub;
  const guint8 *p = buffer;
  haddr_t end = addr + size;

  while (size > 0 && !file->abandoned)
    {
      ssize_t n = pwrite (file->fd, p, MIN (size, MAX_IO_BYTES), (off_t) addr);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          push_system_error (G_STRFUNC, H5E_WRITEERROR, "file write failed", errno);
          return -1;
        }
      p += n;
      size -= (size_t) n;
      addr += (haddr_t) n;
    }
  file->eof = MAX (file->eof, end);
  return 0;
}

static herr_t
file_truncate (H5FD_t   *pub,
               hid_t     dxpl,
               hbool_t   closing)
{
  GdciH5File *file = (GdciH5File *) pub;

  if (file->eoa == file->eof)
    return 0;
  if (!file->abandoned && ftruncate (file->fd, (off_t) file->eoa) != 0)
    {
      push_system_error (G_STRFUNC, H5E_SEEKERROR, "unable to extend file properly", errno);
      return -1;
    }
  file->eof = file->eoa;
  return 0;
}

static herr_t
file_lock (H5FD_t  *pub,
           hbool_t  rw)
{
  GdciH5File *file = (GdciH5File *) pub;

  if (flock (file->fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 && errno != ENOSYS)
    {
      push_system_error (G_STRFUNC, H5E_CANTLOCKFILE, "unable to lock file", errno);
      return -1;
    }
  return 0;
}

static herr_t
file_unlock (H5FD_t *pub)
{
  GdciH5File *file = (GdciH5File *) pub;

  if (flock (file->fd, LOCK_UN) != 0 && errno != ENOSYS)
    {
      push_system_error (G_STRFUNC, H5E_CANTUNLOCKFILE, "unable to unlock file", errno);
      return -1;
    }
  return 0;
}

static const H5FD_class_t driver_class = {
  .name = "gdci",
  .maxaddr = MAX_ADDRESS,
  .fc_degree = H5F_CLOSE_WEAK,
  .open = file_open,
  .close = file_close,
  .cmp = file_cmp,
  .query = file_query,
  .get_eoa = file_get_eoa,
  .set_eoa = file_set_eoa,
  .get_eof = file_get_eof,
  .get_handle = file_get_handle,
  .read = file_read,
  .write = file_write,
  .truncate = file_truncate,
  .lock = file_lock,
  .unlock = file_unlock,
  .fl_map = H5FD_FLMAP_DICHOTOMY,
};

hid_t
_gdci_h5_file_access_plist (void)
{
  static gsize registered = 0;
  hid_t fapl;

  if (g_once_init_enter (&registered))
    {
      driver_id = H5FDregister (&driver_class);
      g_once_init_leave (&registered, 1);
    }
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  if (fapl >= 0 && (driver_id < 0 || H5Pset_driver (fapl, driver_id, NULL) < 0))
    {
      H5Pclose (fapl);
      return H5I_INVALID_HID;
    }
  return fapl;
}

void
_gdci_h5_file_abandon (hid_t file_id)
{
  hid_t fapl = H5Fget_access_plist (file_id);
  void *handle = NULL;

  if (fapl >= 0 && H5Pget_driver (fapl) == driver_id &&
      H5Fget_vfd_handle (file_id, fapl, &handle) >= 0 && handle != NULL)
    {
      GdciH5File *file = (GdciH5File *) (gpointer) ((guint8 *) handle - offsetof (GdciH5File, fd));
      file->abandoned = TRUE;
    }
  if (fapl >= 0)
    H5Pclose (fapl);
}
