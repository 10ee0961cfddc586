/* gdci-h5-file.c: the HDF5 file driver the writer uses
 *
 * A POSIX file driver like HDF5's own sec2, with a few more abilities,
 * all steered by the writer through a GdciH5FileControl:
 *
 * A file can be abandoned. When a write fails because the disk is full or
 * a size limit is reached, HDF5 1.10 cannot close the file (its last flush
 * and truncation fail too), and a file left half-closed makes HDF5 crash
 * when the process exits. An abandoned file takes every later write and
 * truncation as done, so HDF5 closes it cleanly; the writer then removes
 * the file, or puts it back as it was from its journal.
 *
 * Errors are kept from HDF5: the first failure of a write, a truncation or
 * the close is recorded in the control and the file abandoned, and HDF5
 * is told it worked. HDF5 1.10 does not recover from a driver's failure:
 * a flush or close that fails half-way leaves the file half-closed, with
 * an identifier that may or may not be released, and HDF5 crashes when
 * the process exits. The writer reads the error after each of its steps
 * (each chunk written, the flush, the close) instead.
 *
 * An existing file has a journal (gdci-h5-journal.c): every byte the file
 * held when it was opened is saved there before it is overwritten.
 *
 * For the same reason, the superblock, which records how long the file
 * is, is written only once the space it claims is reserved on the disk:
 * otherwise a flush that fails half-way on a full disk could leave a
 * superblock that claims more than the file holds, and HDF5 refuses to
 * open such a file ("truncated file"), losing what it held before.
 *
 * A file can also be given to the driver already open: the writer creates
 * a new file with mkstemp() and hands HDF5 that descriptor, through the
 * file access property list, so that nothing is ever opened by a name
 * that someone may have pointed elsewhere meanwhile.
 *
 * And one more speed: large blocks of raw data (the chunks) are written
 * with O_DIRECT where the file system takes it, from the caller's memory
 * straight to the disk. Buffered, the kernel first copies every chunk
 * into its page cache, which costs as much processor time as compressing
 * it at a low level, and on virtual machines far more; the data is
 * written once either way and the writer syncs the file at the end. Only
 * the part of a block that is aligned, in the file and in memory, to
 * DIRECT_ALIGN goes direct (the writer asks HDF5 to align large blocks);
 * its unaligned head and tail, everything small and all metadata go
 * through the page cache as usual, which Linux keeps coherent with the
 * direct writes. A file system that refuses O_DIRECT, at open or at the
 * first write, gets buffered writes only.
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

#include "gdci-h5-file-private.h"
#include "gdci-h5-journal-private.h"
#include "gdci-hdf5-private.h"

#define MAX_ADDRESS ((haddr_t) G_MAXINT64)
/* Linux moves at most this much in one call */
#define MAX_IO_BYTES ((size_t) 0x7ffff000)
/* O_DIRECT's alignment of file offsets, sizes and memory: the largest
 * logical block size of common disks, a multiple of the others */
#define DIRECT_ALIGN ((haddr_t) 4096)
/* blocks below this are written through the page cache */
#define DIRECT_MIN_BYTES ((size_t) 1024 * 1024)

/* The driver's settings in a file access property list */
typedef struct
{
  GdciH5FileControl *control;   /* borrowed: the driver's file takes a ref */
} GdciH5FileConfig;

typedef struct
{
  H5FD_t pub;               /* HDF5's part, first */
  int fd;
  int direct_fd;            /* the same file with O_DIRECT, or -1 */
  haddr_t eoa;              /* the end of the space HDF5 allocated */
  haddr_t eof;              /* the end of the file as written */
  GdciH5FileControl *control;
  dev_t device;
  ino_t inode;
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

/* The same file again, for O_DIRECT writes: through /proc, which names
 * the open file itself, or else by @name if it is still the same file */
static int
open_direct (const char        *name,
             int                fd,
             const struct stat *st)
{
#ifdef O_DIRECT
  g_autofree char *self_path = g_strdup_printf ("/proc/self/fd/%d", fd);
  struct stat direct_st;
  int direct_fd = open (self_path, O_WRONLY | O_DIRECT | O_CLOEXEC);

  if (direct_fd < 0)
    direct_fd = open (name, O_WRONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (direct_fd >= 0 &&
      (fstat (direct_fd, &direct_st) != 0 || direct_st.st_dev != st->st_dev ||
       direct_st.st_ino != st->st_ino))
    {
      close (direct_fd);
      direct_fd = -1;
    }
  return direct_fd;
#else
  return -1;
#endif
}

/* The control of the file HDF5 opens, and a duplicate of its descriptor
 * (HDF5 may open a file more than once): the driver opens nothing by
 * name, so whatever was put at that name meanwhile is never written */
static GdciH5FileControl *
config_control (hid_t fapl)
{
  const GdciH5FileConfig *config = H5Pget_driver_info (fapl);

  return config != NULL ? config->control : NULL;
}

static H5FD_t *
file_open (const char *name,
           unsigned    flags,
           hid_t       fapl,
           haddr_t     maxaddr)
{
  GdciH5FileControl *control = config_control (fapl);
  GdciH5File *file;
  struct stat st;
  int fd;

  if (control == NULL || !(flags & H5F_ACC_RDWR))
    {
      push_system_error (G_STRFUNC, H5E_CANTOPENFILE, "unable to open file", EINVAL);
      return NULL;
    }
  fd = fcntl (control->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    {
      push_system_error (G_STRFUNC, H5E_CANTOPENFILE, "unable to open file", errno);
      return NULL;
    }
  if (fstat (fd, &st) != 0 ||
      ((flags & H5F_ACC_TRUNC) && st.st_size > 0 && ftruncate (fd, 0) != 0))
    {
      push_system_error (G_STRFUNC, H5E_BADFILE, "unable to fstat file", errno);
      close (fd);
      return NULL;
    }
  if (flags & H5F_ACC_TRUNC)
    st.st_size = 0;

  file = g_new0 (GdciH5File, 1);
  file->fd = fd;
  file->direct_fd = -1;
  if (S_ISREG (st.st_mode))
    file->direct_fd = open_direct (name, fd, &st);
  file->eof = (haddr_t) st.st_size;
  file->control = _gdci_h5_file_control_ref (control);
  file->device = st.st_dev;
  file->inode = st.st_ino;
  return &file->pub;
}

/* A failed write, truncation or close: the first one is kept in the
 * control, and the file abandoned, so that HDF5 goes on as if it had
 * worked and the writer finds the error */
static herr_t
fail (GdciH5File  *file,
      int          saved_errno)
{
  GdciH5FileControl *control = file->control;

  if (control->error == 0)
    control->error = saved_errno != 0 ? saved_errno : EIO;
  control->abandoned = TRUE;
  return 0;
}

static herr_t
file_close (H5FD_t *pub)
{
  GdciH5File *file = (GdciH5File *) pub;
  GdciH5FileControl *control = file->control;
  int status, saved_errno;

  if (file->direct_fd >= 0)
    close (file->direct_fd);
  /* HDF5's lock goes now, even when the caller keeps the file open */
  flock (file->fd, LOCK_UN);
  status = close (file->fd);
  saved_errno = errno;
  if (status != 0 && !control->abandoned)
    fail (file, saved_errno);
  _gdci_h5_file_control_unref (control);
  g_free (file);
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
             H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE |
             /* POSIX writes in order: a stream's readers read the file as
              * it grows */
             H5FD_FEAT_SUPPORTS_SWMR_IO;
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

/* Writes all of @size bytes at @addr to @fd; FALSE with errno set on
 * failure. Nothing happens to an abandoned file. */
static gboolean
write_all (GdciH5File   *file,
           int           fd,
           haddr_t       addr,
           size_t        size,
           const guint8 *p)
{
  while (size > 0 && !file->control->abandoned)
    {
      ssize_t n = pwrite (fd, p, MIN (size, MAX_IO_BYTES), (off_t) addr);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      size -= (size_t) n;
      addr += (haddr_t) n;
    }
  return TRUE;
}

/* The aligned middle of a large raw-data block, with O_DIRECT. Returns
 * the number of bytes from @addr on that it wrote, 0 when it wrote
 * nothing (the block does not qualify, or the file system turned
 * O_DIRECT down: then it is never tried again), or -1 on a write error. */
static gssize
write_direct (GdciH5File   *file,
              H5FD_mem_t    type,
              haddr_t       addr,
              size_t        size,
              const guint8 *p,
              haddr_t      *direct_start)
{
  haddr_t start = (addr + DIRECT_ALIGN - 1) / DIRECT_ALIGN * DIRECT_ALIGN;
  haddr_t stop = (addr + size) / DIRECT_ALIGN * DIRECT_ALIGN;

  if (file->direct_fd < 0 || file->control->abandoned || type != H5FD_MEM_DRAW ||
      size < DIRECT_MIN_BYTES || stop <= start ||
      ((guintptr) p + (start - addr)) % DIRECT_ALIGN != 0)
    return 0;
  if (!write_all (file, file->direct_fd, start, (size_t) (stop - start), p + (start - addr)))
    {
      if (errno != EINVAL)
        return -1;
      /* the file system wants another alignment, or none of it */
      close (file->direct_fd);
      file->direct_fd = -1;
      return 0;
    }
  *direct_start = start;
  return (gssize) (stop - addr);
}

/* Reserves the disk space up to the end of what HDF5 allocated, so that
 * the superblock that records it is never on disk without it */
static gboolean
reserve_allocated (GdciH5File *file)
{
  int status;

  if (file->eoa <= file->eof)
    return TRUE;
  status = posix_fallocate (file->fd, (off_t) file->eof, (off_t) (file->eoa - file->eof));
  if (status != 0)
    {
      errno = status;
      return FALSE;
    }
  file->eof = file->eoa;
  return TRUE;
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
  GdciH5FileControl *control = file->control;
  const guint8 *p = buffer;
  haddr_t end = addr + size;
  haddr_t direct_start = addr;
  gssize direct_end;
  gboolean ok;

  if (control->abandoned)
    {
      file->eof = MAX (file->eof, end);
      return 0;
    }
  /* the superblock is at the base address, written there alone or as the
   * start of a block of metadata */
  if (addr <= file->pub.base_addr && file->pub.base_addr - addr < size &&
      !reserve_allocated (file))
    return fail (file, errno);
  /* what the file held is saved before it is overwritten */
  if (control->journal != NULL && !_gdci_h5_journal_save (control->journal, addr, size))
    return fail (file, errno);
  direct_end = write_direct (file, type, addr, size, p, &direct_start);

  if (direct_end > 0)
    /* the unaligned head and tail */
    ok = write_all (file, file->fd, addr, (size_t) (direct_start - addr), p) &&
         write_all (file, file->fd, addr + (haddr_t) direct_end, size - (size_t) direct_end,
                    p + direct_end);
  else
    ok = direct_end == 0 && write_all (file, file->fd, addr, size, p);
  if (!ok)
    return fail (file, errno);
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
  if (!file->control->abandoned && ftruncate (file->fd, (off_t) file->eoa) != 0)
    return fail (file, errno);
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
  .fapl_size = sizeof (GdciH5FileConfig),
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

GdciH5FileControl *
_gdci_h5_file_control_new (int            fd,
                           GdciH5Journal *journal)
{
  GdciH5FileControl *control = g_new0 (GdciH5FileControl, 1);

  g_atomic_ref_count_init (&control->ref_count);
  control->fd = fd;
  control->journal = journal;
  return control;
}

GdciH5FileControl *
_gdci_h5_file_control_ref (GdciH5FileControl *control)
{
  g_atomic_ref_count_inc (&control->ref_count);
  return control;
}

void
_gdci_h5_file_control_unref (GdciH5FileControl *control)
{
  if (control != NULL && g_atomic_ref_count_dec (&control->ref_count))
    g_free (control);
}

void
_gdci_h5_file_control_release (GdciH5FileControl *control)
{
  if (control == NULL)
    return;
  /* a file HDF5 failed to close, and may still write at exit, writes
   * nothing any more, and never to the journal freed */
  control->abandoned = TRUE;
  control->journal = NULL;
  control->fd = -1;
  _gdci_h5_file_control_unref (control);
}

hid_t
_gdci_h5_file_access_plist (GdciH5FileControl *control)
{
  static gsize registered = 0;
  GdciH5FileConfig config = { control };
  hid_t fapl;

  if (g_once_init_enter (&registered))
    {
      driver_id = H5FDregister (&driver_class);
      g_once_init_leave (&registered, 1);
    }
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  /* large blocks start where O_DIRECT can write them */
  if (fapl >= 0 && (driver_id < 0 || H5Pset_driver (fapl, driver_id, &config) < 0 ||
                    H5Pset_alignment (fapl, DIRECT_MIN_BYTES, DIRECT_ALIGN) < 0))
    {
      H5Pclose (fapl);
      return H5I_INVALID_HID;
    }
  return fapl;
}
