/* gdci-private.h: helpers shared inside the library, not installed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "gdci-dtype.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

/* A shape as the caller gave it: hdmf accepts any Python ints, so a shape
 * may hold negative values, which must reach the messages as given. */
typedef struct
{
  guint n_dims;
  guint64 value[GDCI_MAX_DIMS];   /* magnitude */
  gboolean negative[GDCI_MAX_DIMS];
} GdciShapeArg;

/* The double a construct property holds when the caller did not set it
 * (hdmf's None): a NaN with a payload no arithmetic or binding produces,
 * so that an explicit NaN still reaches the "must be greater than zero"
 * check. */
double      _gdci_unset_double              (void);
gboolean    _gdci_double_is_unset           (double value);

/* Python's repr() of a float: 0.2, 1.0, 1e-05, inf, nan */
char       *_gdci_format_py_float           (double value);
/* A Python tuple: (20000, 5000), (5,) */
char       *_gdci_format_tuple              (const guint64 *values,
                                             guint          n_dims);
char       *_gdci_shape_arg_to_string       (const GdciShapeArg *arg);
void        _gdci_shape_arg_from_u64        (GdciShapeArg  *arg,
                                             const guint64 *values,
                                             guint          n_dims);
gboolean    _gdci_shape_arg_from_variant    (GVariant      *variant,
                                             const char    *name,
                                             GdciShapeArg  *arg,
                                             GError       **error);

/* A floating `at` variant of @shape */
GVariant   *_gdci_shape_variant_new         (const guint64 *shape,
                                             guint          n_dims);
/* Whether @selection is one run of a C-order array of @shape: single
 * indices on the axes before some axis, any range on it, whole axes
 * after it */
gboolean    _gdci_selection_is_c_run        (const GdciSelection *selection,
                                             const guint64       *shape);
/* A GArray of guint64 holding @shape, as get_maxshape returns it */
GArray     *_gdci_shape_array_new           (const guint64 *shape,
                                             guint          n_dims);

gboolean    _gdci_check_maxshape            (const guint64 *maxshape,
                                             guint          n_dims,
                                             GError       **error);
gboolean    _gdci_shape_n_bytes             (const guint64 *shape,
                                             guint          n_dims,
                                             GdciDtype      dtype,
                                             guint64       *n_bytes);

/* The whole of hdmf's GenericDataChunkIterator.__init__ shape logic, with
 * its checks in its order, plus gdci's own refusals. */
typedef struct
{
  double buffer_gb;              /* unset: _gdci_unset_double () */
  const GdciShapeArg *buffer_shape;  /* NULL: unset */
  double chunk_mb;
  const GdciShapeArg *chunk_shape;
} GdciPlanSettings;

gboolean    _gdci_plan_check_settings       (const GdciPlanSettings *settings,
                                             GError                **error);
gboolean    _gdci_plan                      (const GdciPlanSettings *settings,
                                             const guint64          *maxshape,
                                             guint                   n_dims,
                                             GdciDtype               dtype,
                                             guint64                *chunk_shape,
                                             guint64                *buffer_shape,
                                             guint64                *n_buffers,
                                             GError                **error);

/* Properties to and from the a{sv} of a serialized iterator */
GVariant   *_gdci_properties_to_variant     (GObject            *object,
                                             const char * const *names,
                                             GError            **error);
gboolean    _gdci_value_from_variant        (GParamSpec         *pspec,
                                             GVariant           *variant,
                                             GValue             *value,
                                             GError            **error);

/* Copies the box of @extent from @src to @dst, each with its own byte
 * strides per axis. */
void        _gdci_copy_box                  (guint          n_dims,
                                             const guint64 *extent,
                                             gsize          itemsize,
                                             const guint8  *src,
                                             const gint64  *src_strides,
                                             guint8        *dst,
                                             const gint64  *dst_strides);
/* Byte strides of a C-order (last axis fastest) or Fortran-order array */
void        _gdci_c_strides                 (const guint64 *shape,
                                             guint          n_dims,
                                             gsize          itemsize,
                                             gint64        *strides);
void        _gdci_f_strides                 (const guint64 *shape,
                                             guint          n_dims,
                                             gsize          itemsize,
                                             gint64        *strides);

/* Registers every type of the library, so that g_type_from_name() finds
 * them when deserializing */
void        _gdci_ensure_types              (void);

/* Progress line on stderr: "desc: 40%|####      | 4/10 buffers [00:03<00:04, 512.0 MB/s]".
 * With no unit, done and total are bytes, shown in MB. */
typedef struct _GdciProgressBar GdciProgressBar;

GdciProgressBar *_gdci_progress_bar_new     (const char      *description,
                                             const char      *unit);
void             _gdci_progress_bar_update  (GdciProgressBar *bar,
                                             guint64          done,
                                             guint64          total,
                                             guint64          bytes_done);
void             _gdci_progress_bar_finish  (GdciProgressBar *bar);
void             _gdci_progress_bar_free    (GdciProgressBar *bar);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciProgressBar, _gdci_progress_bar_free)

/* Memory for buffers, strips and chunks: on huge pages when large, freed
 * with g_free(); NULL when out of memory */
gpointer    _gdci_try_alloc_large           (gsize          size);
/* Faults in the pages of a large block that is about to be filled, on
 * several processors at once */
void        _gdci_prefault                  (gpointer       memory,
                                             gsize          size);

/* Buffer memory for the sources: a buffer's memory, once its GBytes is
 * let go of, serves the next buffer instead of going back to the system
 * (and coming back as new pages the kernel must clear). At most one such
 * spare is kept. */
typedef struct _GdciBufferPool GdciBufferPool;

GdciBufferPool *_gdci_buffer_pool_new    (void);
void            _gdci_buffer_pool_unref  (GdciBufferPool *pool);
/* Frees the spare, when no buffer will follow for a while */
void            _gdci_buffer_pool_drain  (GdciBufferPool *pool);

/* The memory of one buffer, from a pool, while a source fills it */
typedef struct
{
  guint8 *data;
  /*< private >*/
  GdciBufferPool *pool;
  gsize capacity;              /* 0: not kept for the next buffer */
} GdciBufferLease;

/* NULL when out of memory */
GdciBufferLease *_gdci_buffer_pool_alloc     (GdciBufferPool  *pool,
                                              gsize            size);
/* The first @size bytes of the lease, which it takes; the memory goes
 * back to the pool when the GBytes is freed */
GBytes          *_gdci_buffer_lease_to_bytes (GdciBufferLease *lease,
                                              gsize            size);
/* Gives the memory back to the pool, for a buffer that failed */
void             _gdci_buffer_lease_free     (GdciBufferLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciBufferLease, _gdci_buffer_lease_free)

typedef struct _GdciChunkIterator GdciChunkIterator;
gboolean    _gdci_chunk_iterator_is_initialized (GdciChunkIterator *self);
/* Memory for a buffer of @size bytes, from the iterator's pool; make a
 * GBytes of it with _gdci_buffer_lease_to_bytes() once it is filled */
GdciBufferLease *_gdci_chunk_iterator_alloc_buffer (GdciChunkIterator  *self,
                                                    gsize               size,
                                                    GError            **error);

/* Test hooks */
typedef struct _GdciMemmapIterator GdciMemmapIterator;
typedef struct _GdciFileIterator GdciFileIterator;

GBytes     *_gdci_memmap_iterator_copy_unchecked (GdciMemmapIterator  *self,
                                                  GdciSelection       *selection,
                                                  GError             **error);
void        _gdci_file_iterator_set_strip_bytes  (GdciFileIterator    *self,
                                                  gsize                strip_bytes);
guint64     _gdci_file_iterator_get_n_reads      (GdciFileIterator    *self);

G_END_DECLS
