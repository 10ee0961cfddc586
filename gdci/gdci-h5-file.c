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

#include "gdci-hdf5-private.h"

#define MAX_ADDRESS ((haddr_t) G_MAXINT64)
/* Linux moves at most this much in one call */
#define MAX_IO_BYTES ((size_t) 0x7ffff000)
/* O_DIRECT's alignment of file offsets, sizes and memory: the largest
 * logical block size of common disks, a multiple of the others */
#define DIRECT_ALIGN ((haddr_t) 4096)
/* the most of a file's old contents kept to put back after a failure */
#define UNDO_MAX_BYTES ((gsize) 4 * 1024 * 1024)
/* blocks below this are written through the page cache */
#define DIRECT_MIN_BYTES ((size_t) 1024 * 1024)

/* The driver's settings in a file access property list */
typedef struct
{
  int fd;                   /* a file already open, or -1 to open by name */
} GdciH5FileConfig;

typedef struct
{
  H5FD_t pub;               /* HDF5's part, first */
  int fd;
  int direct_fd;            /* the same file with O_DIRECT, or -1 */
  haddr_t eoa;              /* the end of the space HDF5 allocated */
  haddr_t eof;              /* the end of the file as written */
  haddr_t initial_eof;      /* and as it was found */
  /* what the file held when it was opened and was written over */
  GPtrArray *undo;          /* of UndoRecord */
  gsize undo_bytes;
  gboolean undo_overflow;   /* too much, or unreadable: no revert */
  gboolean revert;          /* put back as it was when closed */
  dev_t device;
  ino_t inode;
  gboolean abandoned;
} GdciH5File;

static hid_t driver_id = H5I_INVALID_HID;

static void revert_file (GdciH5File *file);

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

/* The file descriptor HDF5 asks for: the given one, duplicated (HDF5 may
 * open a file more than once), or the named file opened */
static int
open_fd (const char *name,
         unsigned    flags,
         hid_t       fapl)
{
  const GdciH5FileConfig *config = H5Pget_driver_info (fapl);
  int o_flags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;

  if (config != NULL && config->fd >= 0)
    return fcntl (config->fd, F_DUPFD_CLOEXEC, 0);

  if (flags & H5F_ACC_TRUNC)
    o_flags |= O_TRUNC;
  if (flags & H5F_ACC_CREAT)
    o_flags |= O_CREAT;
  if (flags & H5F_ACC_EXCL)
    o_flags |= O_EXCL;
  return open (name, o_flags | O_CLOEXEC, 0666);
}

/* gdci's own lock on a file it writes, whatever HDF5's file locking
 * (HDF5_USE_FILE_LOCKING=FALSE turns that off): an open file description
 * lock on the whole file, which a second writer, in this process or in
 * another, cannot take. It goes when the file is closed. A file system
 * without such locks is written unlocked, as HDF5 does then. */
static gboolean
take_write_lock (int fd)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

  if (fcntl (fd, F_OFD_SETLK, &lock) == 0)
    return TRUE;
  return errno != EAGAIN && errno != EACCES;
}

static H5FD_t *
file_open (const char *name,
           unsigned    flags,
           hid_t       fapl,
           haddr_t     maxaddr)
{
  GdciH5File *file;
  struct stat st;
  int fd = open_fd (name, flags, fapl);

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
  if ((flags & H5F_ACC_RDWR) && !take_write_lock (fd))
    {
      push_system_error (G_STRFUNC, H5E_CANTLOCKFILE,
                         "file is being written by another program", errno);
      close (fd);
      return NULL;
    }

  file = g_new0 (GdciH5File, 1);
  file->fd = fd;
  file->direct_fd = -1;
  if ((flags & H5F_ACC_RDWR) && S_ISREG (st.st_mode))
    file->direct_fd = open_direct (name, fd, &st);
  file->eof = (haddr_t) st.st_size;
  file->initial_eof = file->eof;
  file->device = st.st_dev;
  file->inode = st.st_ino;
  return &file->pub;
}

static herr_t
file_close (H5FD_t *pub)
{
  GdciH5File *file = (GdciH5File *) pub;
  int status, saved_errno;

  if (file->direct_fd >= 0)
    close (file->direct_fd);
  if (file->revert)
    revert_file (file);
  g_clear_pointer (&file->undo, g_ptr_array_unref);
  /* the lock goes now, even when the caller keeps the file open */
  flock (file->fd, LOCK_UN);
  status = close (file->fd);
  saved_errno = errno;
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

/* Writes all of @size bytes at @addr to @fd; FALSE with errno set on
 * failure. Nothing happens to an abandoned file. */
static gboolean
write_all (GdciH5File   *file,
           int           fd,
           haddr_t       addr,
           size_t        size,
           const guint8 *p)
{
  while (size > 0 && !file->abandoned)
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

  if (file->direct_fd < 0 || file->abandoned || type != H5FD_MEM_DRAW ||
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

/* What a write overwrote of what the file held when it was opened: HDF5
 * rewrites the superblock (with its "open for writing" flag) as it opens
 * a file, and flushes metadata in place. Kept, up to UNDO_MAX_BYTES, so
 * that a failed write can put the file back exactly as it was. */
typedef struct
{
  haddr_t addr;
  size_t size;
  guint8 data[];
} UndoRecord;

static void
remember_old_bytes (GdciH5File *file,
                    haddr_t     addr,
                    size_t      size)
{
  UndoRecord *record;
  size_t done = 0;

  if (file->undo_overflow || addr >= file->initial_eof)
    return;
  size = MIN (size, (size_t) (file->initial_eof - addr));
  if (file->undo_bytes + size > UNDO_MAX_BYTES)
    {
      file->undo_overflow = TRUE;
      g_clear_pointer (&file->undo, g_ptr_array_unref);
      return;
    }
  record = g_malloc (sizeof (UndoRecord) + size);
  record->addr = addr;
  record->size = size;
  while (done < size)
    {
      ssize_t n = pread (file->fd, record->data + done, size - done, (off_t) (addr + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_free (record);
          file->undo_overflow = TRUE;
          g_clear_pointer (&file->undo, g_ptr_array_unref);
          return;
        }
      done += (size_t) n;
    }
  if (file->undo == NULL)
    file->undo = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (file->undo, record);
  file->undo_bytes += size;
}

/* Puts back what was overwritten, newest first, and cuts the file back to
 * its old end (shrinking a file never fails for lack of space or a size
 * limit) */
static void
revert_file (GdciH5File *file)
{
  struct stat st;

  for (guint i = file->undo != NULL ? file->undo->len : 0; i-- > 0;)
    {
      UndoRecord *record = g_ptr_array_index (file->undo, i);

      file->abandoned = FALSE;
      if (!write_all (file, file->fd, record->addr, record->size, record->data))
        g_debug ("Could not put back %" G_GSIZE_FORMAT " bytes of a file: %s",
                 record->size, g_strerror (errno));
    }
  file->abandoned = TRUE;
  /* the size on disk, not file->eof: once the file is abandoned, HDF5's
   * closing truncation moves eof back to its end of allocation without
   * cutting anything */
  if (fstat (file->fd, &st) == 0 && (guint64) st.st_size > (guint64) file->initial_eof &&
      ftruncate (file->fd, (off_t) file->initial_eof) != 0)
    g_debug ("Could not cut a file back to %" G_GUINT64_FORMAT " bytes: %s",
             (guint64) file->initial_eof, g_strerror (errno));
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
  const guint8 *p = buffer;
  haddr_t end = addr + size;
  haddr_t direct_start = addr;
  gssize direct_end;
  gboolean ok;

  /* the superblock is at the base address, written there alone or as the
   * start of a block of metadata */
  if (addr <= file->pub.base_addr && file->pub.base_addr - addr < size &&
      !file->abandoned)
    {
      if (!reserve_allocated (file))
        {
          push_system_error (G_STRFUNC, H5E_WRITEERROR, "file write failed", errno);
          return -1;
        }
    }
  if (!file->abandoned)
    remember_old_bytes (file, addr, size);
  direct_end = write_direct (file, type, addr, size, p, &direct_start);

  if (direct_end > 0)
    /* the unaligned head and tail */
    ok = write_all (file, file->fd, addr, (size_t) (direct_start - addr), p) &&
         write_all (file, file->fd, addr + (haddr_t) direct_end, size - (size_t) direct_end,
                    p + direct_end);
  else
    ok = direct_end == 0 && write_all (file, file->fd, addr, size, p);
  if (!ok)
    {
      push_system_error (G_STRFUNC, H5E_WRITEERROR, "file write failed", errno);
      return -1;
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

hid_t
_gdci_h5_file_access_plist (int fd)
{
  static gsize registered = 0;
  GdciH5FileConfig config = { fd };
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

/* The driver's file of an HDF5 file, if it is one of ours */
static GdciH5File *
lookup_file (hid_t file_id)
{
  hid_t fapl = H5Fget_access_plist (file_id);
  void *handle = NULL;
  GdciH5File *file = NULL;

  if (fapl >= 0 && H5Pget_driver (fapl) == driver_id &&
      H5Fget_vfd_handle (file_id, fapl, &handle) >= 0 && handle != NULL)
    file = (GdciH5File *) (gpointer) ((guint8 *) handle - offsetof (GdciH5File, fd));
  if (fapl >= 0)
    H5Pclose (fapl);
  return file;
}

void
_gdci_h5_file_abandon (hid_t file_id)
{
  GdciH5File *file = lookup_file (file_id);

  if (file != NULL)
    file->abandoned = TRUE;
}

gboolean
_gdci_h5_file_revert (hid_t file_id)
{
  GdciH5File *file = lookup_file (file_id);

  if (file == NULL || file->undo_overflow)
    return FALSE;
  file->abandoned = TRUE;
  file->revert = TRUE;
  return TRUE;
}
