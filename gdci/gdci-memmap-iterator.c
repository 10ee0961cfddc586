/* gdci-memmap-iterator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gdci-error.h"
#include "gdci-memmap-iterator.h"
#include "gdci-raw-file-iterator-private.h"
#include "gdci-test-hooks-private.h"

/**
 * GdciMemmapIterator:
 *
 * A raw binary array file, mapped read-only into memory. Each buffer is a
 * real copy of the mapped data, always in C order, also when the file is
 * in Fortran order. Its properties, and the files it accepts, are those of
 * [class@Gdci.RawFileIterator].
 *
 * A file that shrinks while it is read gives an error from
 * [method@Gdci.ChunkIterator.next], never a crash: the size is checked
 * before each buffer, and a fault on a page past the new end during a copy
 * becomes the same error. The `SIGBUS` handler that catches such a fault is
 * installed only while a copy runs, and hands every other `SIGBUS` to the
 * handler it replaced, so that a program's own handler (Python's
 * `faulthandler`, for example) sees them as before.
 *
 * [class@Gdci.FileIterator] reads the same files with `pread()` instead,
 * which suits network file systems and files larger than the address space.
 *
 * Since: 1.0
 */
struct _GdciMemmapIterator
{
  GdciRawFileIterator parent_instance;

  guint8 *map;
  gsize map_length;

  GFunc copy_hook;             /* tests: runs inside each guarded copy */
  gpointer copy_hook_data;
};

G_DEFINE_FINAL_TYPE (GdciMemmapIterator, gdci_memmap_iterator, GDCI_TYPE_RAW_FILE_ITERATOR)

/* ---- turning a SIGBUS in a guarded copy into an error -------------------- */

/* A copy out of the mapping, in the thread that runs it */
typedef struct
{
  sigjmp_buf jump;
  const guint8 *start;         /* the mapping */
  gsize length;
} Guard;

/* Read by the handler. Static TLS, so that a thread's first access, which
 * may come from the handler, allocates nothing. */
#if defined(__GNUC__)
__attribute__ ((tls_model ("initial-exec")))
#endif
static _Thread_local Guard *volatile current_guard;

/* The handler is installed while at least one thread copies */
static GMutex guard_lock;
static guint guard_users;
static struct sigaction previous_sigbus;

/* What would have happened without gdci */
static void
chain_sigbus (int        signum,
              siginfo_t *info,
              void      *context)
{
  if (previous_sigbus.sa_flags & SA_SIGINFO)
    previous_sigbus.sa_sigaction (signum, info, context);
  else if (previous_sigbus.sa_handler == SIG_IGN && info->si_code <= 0)
    return;   /* a sent signal, ignored; a fault is never ignored */
  else if (previous_sigbus.sa_handler != SIG_DFL &&
           previous_sigbus.sa_handler != SIG_IGN)
    previous_sigbus.sa_handler (signum);
  else
    {
      /* the default action, once the handler returns and SIGBUS is
       * unblocked again */
      signal (SIGBUS, SIG_DFL);
      raise (SIGBUS);
    }
}

static void
on_sigbus (int        signum,
           siginfo_t *info,
           void      *context)
{
  Guard *guard = current_guard;

  /* ours: a fault (si_code > 0, from the kernel) on the mapping, in the
   * thread that copies from it */
  if (guard != NULL && info != NULL && info->si_code > 0 &&
      (const guint8 *) info->si_addr >= guard->start &&
      (const guint8 *) info->si_addr < guard->start + guard->length)
    {
      current_guard = NULL;
      siglongjmp (guard->jump, 1);
    }
  chain_sigbus (signum, info, context);
}

static void
guard_begin (void)
{
  g_mutex_lock (&guard_lock);
  if (guard_users++ == 0)
    {
      struct sigaction sa = { 0 };
      struct sigaction old;

      sa.sa_sigaction = on_sigbus;
      sa.sa_flags = SA_SIGINFO;
      sigemptyset (&sa.sa_mask);
      /* ours may be back already, put there by a handler that chains to
       * what it replaced (faulthandler.disable ()): keep what we replaced */
      if (sigaction (SIGBUS, &sa, &old) == 0 &&
          !((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_sigbus))
        previous_sigbus = old;
    }
  g_mutex_unlock (&guard_lock);
}

static void
guard_end (void)
{
  g_mutex_lock (&guard_lock);
  if (--guard_users == 0)
    {
      struct sigaction current;

      /* give the previous handler back, unless the program installed one of
       * its own meanwhile: that one stays */
      if (sigaction (SIGBUS, NULL, &current) == 0 &&
          (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_sigbus)
        sigaction (SIGBUS, &previous_sigbus, NULL);
    }
  g_mutex_unlock (&guard_lock);
}

static gboolean
guarded_copy (GdciMemmapIterator  *self,
              const GdciRawStrip  *strip,
              GError             **error)
{
  Guard guard;
  gboolean copied;

  guard.start = self->map;
  guard.length = self->map_length;
  guard_begin ();
  if (sigsetjmp (guard.jump, 1) == 0)
    {
      current_guard = &guard;
      if (self->copy_hook != NULL)
        self->copy_hook (self, self->copy_hook_data);
      _gdci_raw_file_iterator_copy_strip (GDCI_RAW_FILE_ITERATOR (self), strip,
                                          self->map + strip->position);
      current_guard = NULL;
      copied = TRUE;
    }
  else
    copied = FALSE;   /* the handler cleared current_guard */
  guard_end ();

  if (!copied)
    g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                 "'%s' was truncated while being read: a page of the "
                 "mapped file is gone",
                 gdci_raw_file_iterator_get_path (GDCI_RAW_FILE_ITERATOR (self)));
  return copied;
}

/* ---- the source ----------------------------------------------------------- */

static void
gdci_memmap_iterator_finalize (GObject *object)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (object);

  if (self->map != NULL)
    munmap (self->map, self->map_length);

  G_OBJECT_CLASS (gdci_memmap_iterator_parent_class)->finalize (object);
}

static gboolean
gdci_memmap_iterator_prepare (GdciChunkIterator  *iter,
                              GCancellable       *cancellable,
                              GError            **error)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (iter);
  GdciRawFileIterator *raw = GDCI_RAW_FILE_ITERATOR (iter);
  const GdciRawLayout *layout;
  void *map;

  if (!GDCI_CHUNK_ITERATOR_CLASS (gdci_memmap_iterator_parent_class)->prepare (iter, cancellable,
                                                                               error))
    return FALSE;
  layout = _gdci_raw_file_iterator_get_layout (raw);

  if (layout->end > G_MAXSIZE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_NOT_SUPPORTED,
                   "'%s' is larger than this machine's address space: read it "
                   "with GdciFileIterator", gdci_raw_file_iterator_get_path (raw));
      return FALSE;
    }
  self->map_length = (gsize) layout->end;
  map = mmap (NULL, self->map_length, PROT_READ, MAP_SHARED,
              _gdci_raw_file_iterator_get_fd (raw), 0);
  if (map == MAP_FAILED)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "Could not map '%s' into memory: %s",
                   gdci_raw_file_iterator_get_path (raw), g_strerror (saved_errno));
      return FALSE;
    }
  self->map = map;
  return TRUE;
}

static gboolean
copy_strip (GdciRawFileIterator  *raw,
            const GdciRawStrip   *strip,
            gpointer              user_data,
            GError              **error)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (raw);
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);
  guint64 page_start = strip->position - strip->position % page;

  if (!guarded_copy (self, strip, error))
    return FALSE;

  /* the pages stay in the page cache, but leave this process's memory, so
   * that it holds no more of the file than one strip at a time */
  madvise (self->map + page_start, strip->position + strip->length - page_start,
           MADV_DONTNEED);
  return TRUE;
}

static GBytes *
gdci_memmap_iterator_get_data (GdciChunkIterator  *iter,
                               GdciSelection      *selection,
                               GError            **error)
{
  GdciMemmapIterator *self = GDCI_MEMMAP_ITERATOR (iter);
  GdciRawFileIterator *raw = GDCI_RAW_FILE_ITERATOR (iter);
  g_autoptr(GdciBufferLease) buffer = NULL;
  guint64 first, end;
  gsize n_bytes;

  /* a file truncated since the last buffer: say so before touching a page
   * past its new end */
  _gdci_raw_file_iterator_selection_span (raw, selection, &first, &end);
  if (!_gdci_raw_file_iterator_check_size (raw, end, error))
    return NULL;

  buffer = _gdci_raw_file_iterator_alloc_buffer (raw, selection, &n_bytes, error);
  if (buffer == NULL)
    return NULL;
  if (!_gdci_raw_file_iterator_foreach_strip (raw, selection, GDCI_RAW_FILE_STRIP_BYTES,
                                              buffer->data, copy_strip, self, error))
    return NULL;
  return _gdci_buffer_lease_to_bytes (g_steal_pointer (&buffer), n_bytes);
}

static void
gdci_memmap_iterator_class_init (GdciMemmapIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = gdci_memmap_iterator_finalize;

  iter_class->prepare = gdci_memmap_iterator_prepare;
  iter_class->get_data = gdci_memmap_iterator_get_data;
}

static void
gdci_memmap_iterator_init (GdciMemmapIterator *self)
{
}

void
_gdci_memmap_iterator_set_copy_hook (GdciMemmapIterator *self,
                                     GFunc               hook,
                                     gpointer            user_data)
{
  self->copy_hook = hook;
  self->copy_hook_data = user_data;
}

/**
 * gdci_memmap_iterator_new:
 * @path: (type filename): the raw array file
 * @dtype: the element type in the file
 * @shape: (array length=n_dims): the shape of the array; one axis may be 0,
 *   to be inferred from the file size
 * @n_dims: the number of axes
 * @offset: bytes to skip at the start of the file
 * @order: the layout of the file
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates and initializes an iterator over a mapped raw array file, with
 * the default buffer and chunk settings. For other settings, use
 * [func@Gio.Initable.new] with the properties.
 *
 * Fails, with the path and the sizes in the message, when the file is
 * missing, unreadable, a directory, or shorter than @offset plus the data,
 * when an inferred axis does not come out as a whole number, and for the
 * reasons [class@Gdci.ChunkIterator] gives.
 *
 * Returns: (transfer full) (nullable): a new initialized iterator, or
 *   %NULL on error
 *
 * Since: 1.0
 */
GdciChunkIterator *
gdci_memmap_iterator_new (const char     *path,
                          GdciDtype       dtype,
                          const guint64  *shape,
                          guint           n_dims,
                          guint64         offset,
                          GdciOrder       order,
                          GError        **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (shape != NULL || n_dims == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _gdci_raw_file_iterator_new (GDCI_TYPE_MEMMAP_ITERATOR, path, dtype, shape, n_dims,
                                      offset, order, error);
}
