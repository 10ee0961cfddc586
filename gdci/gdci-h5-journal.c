/* gdci-h5-journal.c: the undo journal of a file written in place
 *
 * The journal is a header and records, each with a CRC-32:
 *
 *   header:  "GDCIUNDO", version (u32), name length (u32), inode (u64),
 *            old size (u64), the file's name, CRC (u32)
 *   record:  address (u64), size (u64), the old bytes, CRC (u32)
 *
 * all little-endian. A record is synced before the bytes it saves are
 * overwritten, so a record cut short (the machine stopped while it was
 * written) saved bytes that were never overwritten: replay stops there.
 * Records are put back newest first, so that a byte saved twice ends with
 * its oldest value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gdci-error.h"
#include "gdci-h5-clean-private.h"
#include "gdci-h5-journal-private.h"

#define MAGIC "GDCIUNDO"
#define VERSION 1
#define HEADER_FIXED (8 + 4 + 4 + 8 + 8)
#define RECORD_HEAD (8 + 8)
/* old bytes are copied this much at a time */
#define COPY_BYTES (1024 * 1024)

struct _GdciH5Journal
{
  char *path;               /* NULL in memory */
  char *filename;
  int fd;                   /* the journal */
  int file_fd;              /* the file, a duplicate */
  guint64 old_size;
  guint64 end;              /* where the next record goes */
  GArray *saved;            /* of Range: what is saved already */
  gboolean done;            /* committed or reverted */
};

typedef struct
{
  guint64 addr;
  guint64 size;
} Range;

static guint fail_save_countdown;

void
_gdci_h5_journal_fail_save (guint n)
{
  fail_save_countdown = n;
}

char *
_gdci_h5_journal_path (const char *filename)
{
  return _gdci_h5_hidden_name (filename, ".gdci-journal");
}

/* ---- reading and writing all of it ------------------------------------- */

static gboolean
pwrite_all (int           fd,
            const void   *data,
            gsize         size,
            guint64       offset)
{
  const guint8 *p = data;

  while (size > 0)
    {
      ssize_t n = pwrite (fd, p, size, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      size -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}

/* FALSE with errno set, or 0 for a short read (the end of the file) */
static gboolean
pread_all (int     fd,
           void   *data,
           gsize   size,
           guint64 offset)
{
  guint8 *p = data;

  while (size > 0)
    {
      ssize_t n = pread (fd, p, size, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = 0;
          return FALSE;
        }
      p += n;
      size -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_u64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static void
sync_directory_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);   /* best effort: some file systems refuse it */
      close (fd);
    }
}

/* ---- the header ----------------------------------------------------------- */

typedef struct
{
  guint64 inode;
  guint64 old_size;
  char *name;
  guint64 end;              /* of the header, where the records start */
} Header;

static void
header_clear (Header *header)
{
  g_clear_pointer (&header->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Header, header_clear)

static gboolean
write_header (int         fd,
              guint64     inode,
              guint64     old_size,
              const char *name)
{
  gsize name_len = strlen (name);
  g_autofree guint8 *head = g_malloc (HEADER_FIXED + name_len + 4);

  memcpy (head, MAGIC, 8);
  put_u32 (head + 8, VERSION);
  put_u32 (head + 12, (guint32) name_len);
  put_u64 (head + 16, inode);
  put_u64 (head + 24, old_size);
  memcpy (head + HEADER_FIXED, name, name_len);
  put_u32 (head + HEADER_FIXED + name_len,
           libdeflate_crc32 (0, head, HEADER_FIXED + name_len));
  return pwrite_all (fd, head, HEADER_FIXED + name_len + 4, 0);
}

/* FALSE if @fd does not hold a whole journal header */
static gboolean
read_header (int     fd,
             Header *header)
{
  guint8 fixed[HEADER_FIXED];
  g_autofree guint8 *all = NULL;
  guint32 name_len;

  if (!pread_all (fd, fixed, sizeof fixed, 0) || memcmp (fixed, MAGIC, 8) != 0 ||
      get_u32 (fixed + 8) != VERSION)
    return FALSE;
  name_len = get_u32 (fixed + 12);
  if (name_len > 4096)
    return FALSE;
  all = g_malloc (HEADER_FIXED + name_len + 4);
  if (!pread_all (fd, all, HEADER_FIXED + name_len + 4, 0) ||
      get_u32 (all + HEADER_FIXED + name_len) !=
      libdeflate_crc32 (0, all, HEADER_FIXED + name_len))
    return FALSE;
  header->inode = get_u64 (all + 16);
  header->old_size = get_u64 (all + 24);
  header->name = g_strndup ((const char *) all + HEADER_FIXED, name_len);
  header->end = HEADER_FIXED + name_len + 4;
  return TRUE;
}

char *
_gdci_h5_journal_read_owner (const char *journal_path)
{
  g_auto(Header) header = { 0 };
  int fd = open (journal_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  gboolean ok;

  if (fd < 0)
    return NULL;
  ok = read_header (fd, &header);
  close (fd);
  return ok ? g_steal_pointer (&header.name) : NULL;
}

/* ---- replay ----------------------------------------------------------------- */

/* The records of the journal at @fd that are whole, as (offset of the old
 * bytes in the journal, address in the file, size) */
static GArray *
read_records (int            fd,
              const Header  *header)
{
  GArray *records = g_array_new (FALSE, FALSE, sizeof (guint64) * 3);
  g_autofree guint8 *buffer = g_malloc (COPY_BYTES);
  guint64 offset = header->end;
  guint8 head[RECORD_HEAD];

  while (pread_all (fd, head, sizeof head, offset))
    {
      guint64 entry[3] = { offset + RECORD_HEAD, get_u64 (head), get_u64 (head + 8) };
      guint32 crc = libdeflate_crc32 (0, head, sizeof head);
      guint8 stored[4];
      guint64 done = 0;

      if (entry[2] > G_MAXUINT64 - entry[0] - 4 || entry[1] >= header->old_size ||
          entry[2] > header->old_size - entry[1])
        break;
      while (done < entry[2])
        {
          gsize n = (gsize) MIN (entry[2] - done, COPY_BYTES);

          if (!pread_all (fd, buffer, n, entry[0] + done))
            break;
          crc = libdeflate_crc32 (crc, buffer, n);
          done += n;
        }
      if (done < entry[2] || !pread_all (fd, stored, 4, entry[0] + entry[2]) ||
          get_u32 (stored) != crc)
        break;
      g_array_append_val (records, entry);
      offset = entry[0] + entry[2] + 4;
    }
  return records;
}

/* Puts the saved bytes back into @file_fd, newest first, cuts it to its
 * old size and syncs it */
static gboolean
replay (int            fd,
        const Header  *header,
        int            file_fd,
        GError       **error)
{
  g_autoptr(GArray) records = read_records (fd, header);
  g_autofree guint8 *buffer = g_malloc (COPY_BYTES);

  for (guint i = records->len; i-- > 0;)
    {
      const guint64 *entry = &g_array_index (records, guint64, i * 3);

      for (guint64 done = 0; done < entry[2];)
        {
          gsize n = (gsize) MIN (entry[2] - done, COPY_BYTES);

          if (!pread_all (fd, buffer, n, entry[0] + done) ||
              !pwrite_all (file_fd, buffer, n, entry[1] + done))
            {
              int saved_errno = errno != 0 ? errno : EIO;
              g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "%s", g_strerror (saved_errno));
              return FALSE;
            }
          done += n;
        }
    }
  if (ftruncate (file_fd, (off_t) header->old_size) != 0 || fsync (file_fd) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "%s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
_gdci_h5_journal_recover (const char  *filename,
                          int          fd,
                          gboolean    *recovered,
                          GError     **error)
{
  g_autofree char *path = _gdci_h5_journal_path (filename);
  g_autoptr(GError) local_error = NULL;
  g_auto(Header) header = { 0 };
  struct stat st;
  int journal_fd;
  gboolean ours;

  *recovered = FALSE;
  journal_fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (journal_fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not read '%s', the journal of a write into '%s' that stopped: %s",
                   path, filename, g_strerror (errno));
      return FALSE;
    }
  /* a journal of another file (the name was given to a new file since)
   * or one cut short before its header was synced saved nothing */
  ours = read_header (journal_fd, &header) && fstat (fd, &st) == 0 &&
         header.inode == (guint64) st.st_ino;
  if (ours && !replay (journal_fd, &header, fd, &local_error))
    {
      close (journal_fd);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not put '%s' back as it was before a write that stopped: %s",
                   filename, local_error->message);
      return FALSE;
    }
  close (journal_fd);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not remove '%s': %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  sync_directory_of (path);
  *recovered = ours;
  return TRUE;
}

/* ---- a write's journal ----------------------------------------------------- */

/* The journal file, on the disk beside the file if its directory takes
 * it, else in memory; -1 with errno set */
static int
create_journal_file (const char *path,
                     mode_t      mode,
                     gboolean   *durable)
{
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

  *durable = fd >= 0;
  if (fd >= 0 || errno == EEXIST || errno == ENOSPC || errno == EDQUOT || errno == EIO)
    return fd;
  return memfd_create ("gdci-journal", MFD_CLOEXEC);
}

GdciH5Journal *
_gdci_h5_journal_begin (const char  *filename,
                        int          fd,
                        GError     **error)
{
  g_autofree char *path = _gdci_h5_journal_path (filename);
  g_autofree char *name = g_path_get_basename (filename);
  GdciH5Journal *journal;
  gboolean durable;
  struct stat st;
  int journal_fd;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s", filename,
                   g_strerror (errno));
      return NULL;
    }
  journal_fd = create_journal_file (path, st.st_mode & 0666, &durable);
  if (journal_fd < 0 ||
      !write_header (journal_fd, (guint64) st.st_ino, (guint64) st.st_size, name) ||
      (durable && fsync (journal_fd) != 0))
    {
      int saved_errno = errno;

      if (journal_fd >= 0)
        close (journal_fd);
      if (durable)
        g_unlink (path);
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not write into '%s': its journal '%s' could not be made: %s",
                   filename, path, g_strerror (saved_errno));
      return NULL;
    }
  if (durable)
    sync_directory_of (path);

  journal = g_new0 (GdciH5Journal, 1);
  journal->path = durable ? g_steal_pointer (&path) : NULL;
  journal->filename = g_strdup (filename);
  journal->fd = journal_fd;
  journal->file_fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  journal->old_size = (guint64) st.st_size;
  journal->end = HEADER_FIXED + strlen (name) + 4;
  journal->saved = g_array_new (FALSE, FALSE, sizeof (Range));
  return journal;
}

guint64
_gdci_h5_journal_old_size (GdciH5Journal *journal)
{
  return journal->old_size;
}

gboolean
_gdci_h5_journal_is_durable (GdciH5Journal *journal)
{
  return journal->path != NULL;
}

static gboolean
already_saved (GdciH5Journal *journal,
               guint64        addr,
               guint64        size)
{
  for (guint i = 0; i < journal->saved->len; i++)
    {
      const Range *range = &g_array_index (journal->saved, Range, i);

      if (range->addr <= addr && addr - range->addr <= range->size &&
          size <= range->size - (addr - range->addr))
        return TRUE;
    }
  return FALSE;
}

/* Appends the record of [@addr, @addr + @size), the file's bytes there */
static gboolean
append_record (GdciH5Journal *journal,
               guint64        addr,
               guint64        size)
{
  g_autofree guint8 *buffer = g_malloc (MIN (size, COPY_BYTES));
  guint8 head[RECORD_HEAD];
  guint8 tail[4];
  guint32 crc;
  guint64 offset = journal->end;

  put_u64 (head, addr);
  put_u64 (head + 8, size);
  crc = libdeflate_crc32 (0, head, sizeof head);
  if (!pwrite_all (journal->fd, head, sizeof head, offset))
    return FALSE;
  offset += sizeof head;
  for (guint64 done = 0; done < size;)
    {
      gsize n = (gsize) MIN (size - done, COPY_BYTES);

      if (!pread_all (journal->file_fd, buffer, n, addr + done))
        {
          if (errno == 0)
            errno = EIO;   /* the file is shorter than it was: it changed */
          return FALSE;
        }
      if (!pwrite_all (journal->fd, buffer, n, offset))
        return FALSE;
      crc = libdeflate_crc32 (crc, buffer, n);
      offset += n;
      done += n;
    }
  put_u32 (tail, crc);
  if (!pwrite_all (journal->fd, tail, 4, offset))
    return FALSE;
  journal->end = offset + 4;
  return TRUE;
}

gboolean
_gdci_h5_journal_save (GdciH5Journal *journal,
                       guint64        addr,
                       gsize          size)
{
  Range range;

  if (addr >= journal->old_size || size == 0)
    return TRUE;
  range.addr = addr;
  range.size = MIN ((guint64) size, journal->old_size - addr);
  if (already_saved (journal, range.addr, range.size))
    return TRUE;
  if (fail_save_countdown > 0 && --fail_save_countdown == 0)
    {
      errno = EIO;
      return FALSE;
    }
  /* on the disk before the bytes it saves are overwritten */
  if (!append_record (journal, range.addr, range.size) ||
      (journal->path != NULL && fdatasync (journal->fd) != 0))
    return FALSE;
  g_array_append_val (journal->saved, range);
  return TRUE;
}

/* Deletes the journal file, and syncs its directory */
static gboolean
delete_journal (GdciH5Journal  *journal,
                GError        **error)
{
  if (journal->path != NULL && g_unlink (journal->path) != 0 && errno != ENOENT)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not remove '%s': %s",
                   journal->path, g_strerror (errno));
      return FALSE;
    }
  if (journal->path != NULL)
    sync_directory_of (journal->path);
  journal->done = TRUE;
  return TRUE;
}

gboolean
_gdci_h5_journal_revert (GdciH5Journal  *journal,
                         GError        **error)
{
  g_auto(Header) header = { 0 };

  if (journal->done)
    return TRUE;
  if (!read_header (journal->fd, &header))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "its journal '%s' cannot be read",
                   journal->path != NULL ? journal->path : "(in memory)");
      return FALSE;
    }
  return replay (journal->fd, &header, journal->file_fd, error) &&
         delete_journal (journal, error);
}

gboolean
_gdci_h5_journal_commit (GdciH5Journal  *journal,
                         GError        **error)
{
  return journal->done || delete_journal (journal, error);
}

void
_gdci_h5_journal_free (GdciH5Journal *journal)
{
  if (journal == NULL)
    return;
  close (journal->fd);
  if (journal->file_fd >= 0)
    close (journal->file_fd);
  g_array_unref (journal->saved);
  g_free (journal->path);
  g_free (journal->filename);
  g_free (journal);
}
