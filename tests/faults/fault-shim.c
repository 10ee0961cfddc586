/* fault-shim.c: an LD_PRELOAD library that makes one system call fail
 *
 *   GDCI_FAULT=FUNCTION:ERRNO:N[+]   fail the Nth call (1-based) of FUNCTION
 *                                    with ERRNO; with "+", that call and
 *                                    every later one that would make a file
 *                                    longer (a disk that stays full: what is
 *                                    written over inside a file still fits)
 *   GDCI_FAULT_REPORT=PATH           at exit, write to PATH one line
 *                                    "FUNCTION COUNT" per function, and
 *                                    "injected COUNT"
 *
 * FUNCTION names a family of calls, counted together:
 *
 *   pwrite     pwrite, pwrite64
 *   write      write
 *   fsync      fsync, fdatasync
 *   ftruncate  ftruncate, ftruncate64
 *   fallocate  fallocate, fallocate64, posix_fallocate, posix_fallocate64
 *   rename     rename, renameat, renameat2, link, linkat
 *   close      close
 *
 * ERRNO is a number or a name (ENOSPC, EIO, EDQUOT, EFBIG, ...). Only calls
 * on regular files count, and never those on standard input, output or
 * error, so that N is the same from run to run whatever the terminal or
 * the pipes are; and for close, only descriptors open for writing (a
 * file only read has nothing to report at its close). The counts are per
 * process, across all descriptors and threads. Without GDCI_FAULT the shim
 * only counts.
 *
 * A failed close still closes the descriptor, as Linux's close does after
 * an error; the other calls fail without doing anything.
 *
 * Under AddressSanitizer the sanitizer's runtime comes first in LD_PRELOAD
 * and this library after it: its interceptors then find these functions
 * with dlsym (RTLD_NEXT), and these find the C library's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* these functions are defined here under their own names: the 64-bit
 * aliases are not to be chosen for them */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

typedef enum
{
  FAMILY_PWRITE,
  FAMILY_WRITE,
  FAMILY_FSYNC,
  FAMILY_FTRUNCATE,
  FAMILY_FALLOCATE,
  FAMILY_RENAME,
  FAMILY_CLOSE,
  N_FAMILIES
} Family;

static const char *const family_names[N_FAMILIES] = {
  "pwrite", "write", "fsync", "ftruncate", "fallocate", "rename", "close",
};

static const struct
{
  const char *name;
  int value;
} errno_names[] = {
  { "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT }, { "EFBIG", EFBIG },
  { "EINTR", EINTR }, { "EAGAIN", EAGAIN }, { "EROFS", EROFS }, { "EBADF", EBADF },
  { "EINVAL", EINVAL }, { "EPERM", EPERM }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
  { "EXDEV", EXDEV }, { "ENOMEM", ENOMEM }, { "EOPNOTSUPP", EOPNOTSUPP },
  { "ENOSYS", ENOSYS },
};

static unsigned long counts[N_FAMILIES];
static unsigned long injected;
static int configured;
static int fault_family = -1;
static int fault_errno;
static unsigned long fault_n;
static int fault_sticky;

static int
parse_errno (const char *text)
{
  char *end;
  long value = strtol (text, &end, 10);

  if (end != text && *end == '\0' && value > 0 && value < 4096)
    return (int) value;
  for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
    if (strcmp (text, errno_names[i].name) == 0)
      return errno_names[i].value;
  return 0;
}

static void
die_config (const char *spec)
{
  static const char message[] = "fault-shim: GDCI_FAULT must be FUNCTION:ERRNO:N[+], not '";

  if (write (2, message, sizeof message - 1) < 0 || write (2, spec, strlen (spec)) < 0 ||
      write (2, "'\n", 2) < 0)
    { /* nothing more to say */ }
  _exit (99);
}

/* GDCI_FAULT, read once */
static void
configure (void)
{
  const char *spec = getenv ("GDCI_FAULT");
  char copy[128];
  char *errno_text, *n_text, *end;

  if (__atomic_load_n (&configured, __ATOMIC_ACQUIRE))
    return;
  if (spec != NULL && *spec != '\0')
    {
      if (strlen (spec) >= sizeof copy)
        die_config (spec);
      strcpy (copy, spec);
      errno_text = strchr (copy, ':');
      n_text = errno_text != NULL ? strchr (errno_text + 1, ':') : NULL;
      if (n_text == NULL)
        die_config (spec);
      *errno_text++ = '\0';
      *n_text++ = '\0';
      for (int i = 0; i < N_FAMILIES; i++)
        if (strcmp (copy, family_names[i]) == 0)
          fault_family = i;
      fault_errno = parse_errno (errno_text);
      fault_n = strtoul (n_text, &end, 10);
      fault_sticky = *end == '+';
      if (fault_family < 0 || fault_errno == 0 || fault_n == 0 || end == n_text ||
          (*end != '\0' && strcmp (end, "+") != 0))
        die_config (spec);
    }
  __atomic_store_n (&configured, 1, __ATOMIC_RELEASE);
}

static int
is_counted_fd (int fd)
{
  struct stat st;

  return fd > 2 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
}

static int
is_counted_path (int dir_fd, const char *path)
{
  struct stat st;

  return path != NULL && fstatat (dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG (st.st_mode);
}

static int
is_writable_fd (int fd)
{
  int flags = fcntl (fd, F_GETFL);

  return flags >= 0 && (flags & O_ACCMODE) != O_RDONLY;
}

/* Whether a call on @fd that reaches @end makes the file longer */
static int
extends_file (int fd, long long end)
{
  struct stat st;

  return fd < 0 || fstat (fd, &st) != 0 || end > (long long) st.st_size;
}

/* Counts a call of @family (on @fd, up to @end, or -1 for either unknown);
 * whether it is to fail (errno is then set) */
static int
should_fail_at (Family family, int fd, long long end)
{
  unsigned long n;

  configure ();
  n = __atomic_add_fetch (&counts[family], 1, __ATOMIC_SEQ_CST);
  if ((int) family != fault_family || n < fault_n)
    return 0;
  if (n > fault_n && (!fault_sticky || (end >= 0 && !extends_file (fd, end))))
    return 0;
  __atomic_add_fetch (&injected, 1, __ATOMIC_SEQ_CST);
  errno = fault_errno;
  return 1;
}

/* where a call at @offset of @len bytes ends */
#define END(offset, len) ((long long) (offset) + (long long) (len))

static int
should_fail (Family family)
{
  return should_fail_at (family, -1, -1);
}

__attribute__((destructor)) static void
report (void)
{
  const char *path = getenv ("GDCI_FAULT_REPORT");
  FILE *out;

  if (path == NULL || *path == '\0' || (out = fopen (path, "w")) == NULL)
    return;
  for (int i = 0; i < N_FAMILIES; i++)
    fprintf (out, "%s %lu\n", family_names[i], __atomic_load_n (&counts[i], __ATOMIC_SEQ_CST));
  fprintf (out, "injected %lu\n", __atomic_load_n (&injected, __ATOMIC_SEQ_CST));
  fclose (out);
}

/* The next definition of @name, looked up once (ISO C has no cast from
 * dlsym's object pointer to a function pointer: the bytes are copied) */
#define REAL(type, name) \
  static type real_##name; \
  if (real_##name == NULL) \
    { \
      void *found = dlsym (RTLD_NEXT, #name); \
      type fn; \
      memcpy (&fn, &found, sizeof fn); \
      __atomic_store_n (&real_##name, fn, __ATOMIC_RELEASE); \
    } \
  if (real_##name == NULL) \
    { errno = ENOSYS; return -1; }

/* ---- the calls ------------------------------------------------------------ */

typedef ssize_t (*PwriteFn) (int, const void *, size_t, off_t);
typedef ssize_t (*WriteFn) (int, const void *, size_t);
typedef int (*FdFn) (int);
typedef int (*TruncateFn) (int, off_t);
typedef int (*FallocateFn) (int, int, off_t, off_t);
typedef int (*PosixFallocateFn) (int, off_t, off_t);
typedef ssize_t (*Pwrite64Fn) (int, const void *, size_t, off64_t);
typedef int (*Truncate64Fn) (int, off64_t);
typedef int (*Fallocate64Fn) (int, int, off64_t, off64_t);
typedef int (*PosixFallocate64Fn) (int, off64_t, off64_t);
typedef int (*RenameFn) (const char *, const char *);
typedef int (*RenameatFn) (int, const char *, int, const char *);
typedef int (*Renameat2Fn) (int, const char *, int, const char *, unsigned int);
typedef int (*LinkatFn) (int, const char *, int, const char *, int);

ssize_t
pwrite (int fd, const void *buf, size_t count, off_t offset)
{
  REAL (PwriteFn, pwrite);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_PWRITE, fd, END (offset, count)))
    return -1;
  return real_pwrite (fd, buf, count, offset);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t count, off64_t offset)
{
  REAL (Pwrite64Fn, pwrite64);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_PWRITE, fd, END (offset, count)))
    return -1;
  return real_pwrite64 (fd, buf, count, offset);
}

ssize_t
write (int fd, const void *buf, size_t count)
{
  REAL (WriteFn, write);
  if (is_counted_fd (fd) && should_fail (FAMILY_WRITE))
    return -1;
  return real_write (fd, buf, count);
}

int
fsync (int fd)
{
  REAL (FdFn, fsync);
  if (is_counted_fd (fd) && should_fail (FAMILY_FSYNC))
    return -1;
  return real_fsync (fd);
}

int
fdatasync (int fd)
{
  REAL (FdFn, fdatasync);
  if (is_counted_fd (fd) && should_fail (FAMILY_FSYNC))
    return -1;
  return real_fdatasync (fd);
}

int
ftruncate (int fd, off_t length)
{
  REAL (TruncateFn, ftruncate);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FTRUNCATE, fd, (long long) length))
    return -1;
  return real_ftruncate (fd, length);
}

int
ftruncate64 (int fd, off64_t length)
{
  REAL (Truncate64Fn, ftruncate64);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FTRUNCATE, fd, (long long) length))
    return -1;
  return real_ftruncate64 (fd, length);
}

int
fallocate (int fd, int mode, off_t offset, off_t len)
{
  REAL (FallocateFn, fallocate);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FALLOCATE, fd, END (offset, len)))
    return -1;
  return real_fallocate (fd, mode, offset, len);
}

int
fallocate64 (int fd, int mode, off64_t offset, off64_t len)
{
  REAL (Fallocate64Fn, fallocate64);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FALLOCATE, fd, END (offset, len)))
    return -1;
  return real_fallocate64 (fd, mode, offset, len);
}

/* posix_fallocate returns the error instead of setting errno */
int
posix_fallocate (int fd, off_t offset, off_t len)
{
  REAL (PosixFallocateFn, posix_fallocate);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FALLOCATE, fd, END (offset, len)))
    return errno;
  return real_posix_fallocate (fd, offset, len);
}

int
posix_fallocate64 (int fd, off64_t offset, off64_t len)
{
  REAL (PosixFallocate64Fn, posix_fallocate64);
  if (is_counted_fd (fd) && should_fail_at (FAMILY_FALLOCATE, fd, END (offset, len)))
    return errno;
  return real_posix_fallocate64 (fd, offset, len);
}

int
rename (const char *from, const char *to)
{
  REAL (RenameFn, rename);
  if (is_counted_path (AT_FDCWD, from) && should_fail (FAMILY_RENAME))
    return -1;
  return real_rename (from, to);
}

int
renameat (int from_dir, const char *from, int to_dir, const char *to)
{
  REAL (RenameatFn, renameat);
  if (is_counted_path (from_dir, from) && should_fail (FAMILY_RENAME))
    return -1;
  return real_renameat (from_dir, from, to_dir, to);
}

int
renameat2 (int from_dir, const char *from, int to_dir, const char *to, unsigned int flags)
{
  REAL (Renameat2Fn, renameat2);
  if (is_counted_path (from_dir, from) && should_fail (FAMILY_RENAME))
    return -1;
  return real_renameat2 (from_dir, from, to_dir, to, flags);
}

int
link (const char *from, const char *to)
{
  REAL (RenameFn, link);
  if (is_counted_path (AT_FDCWD, from) && should_fail (FAMILY_RENAME))
    return -1;
  return real_link (from, to);
}

int
linkat (int from_dir, const char *from, int to_dir, const char *to, int flags)
{
  REAL (LinkatFn, linkat);
  if (is_counted_path (from_dir, from) && should_fail (FAMILY_RENAME))
    return -1;
  return real_linkat (from_dir, from, to_dir, to, flags);
}

int
close (int fd)
{
  int fail;

  REAL (FdFn, close);
  fail = is_counted_fd (fd) && is_writable_fd (fd) && should_fail (FAMILY_CLOSE);
  if (!fail)
    return real_close (fd);
  real_close (fd);
  errno = fault_errno;
  return -1;
}
