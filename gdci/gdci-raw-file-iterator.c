/* gdci-raw-file-iterator.c: the base of the sources that read a raw array
 * file: its properties, opening and checking the file against the shape,
 * and the file's byte layout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdci-enum-types.h"
#include "gdci-error.h"
#include "gdci-raw-file-iterator.h"
#include "gdci-raw-file-iterator-private.h"
#include "gdci-chunk-iterator-private.h"
#include "gdci-copy-private.h"
#include "gdci-shape-arg-private.h"

/**
 * GdciRawFileIterator:
 *
 * The base class of the sources that read a raw binary array file: a
 * recording from SpikeGLX, Open Ephys, Intan and most acquisition systems,
 * or any `numpy.memmap`-style file. The file holds the elements of
 * [property@Gdci.RawFileIterator:dtype] one after the other, in the
 * layout of [property@Gdci.RawFileIterator:order], after
 * [property@Gdci.RawFileIterator:offset] bytes of header.
 *
 * One axis of [property@Gdci.RawFileIterator:shape] may be 0: its length is
 * inferred from the size of the file, as numpy users do for recordings
 * whose number of samples they do not know.
 *
 * The class is abstract. It opens and checks the file during
 * [method@Gio.Initable.init], and provides the shape, the element type and
 * the serialization of its subclasses, which read the data:
 * [class@Gdci.MemmapIterator] maps the file into memory, and
 * [class@Gdci.FileIterator] reads it with `pread()`. Both refuse the same
 * files with the same messages: a missing or unreadable file, a directory,
 * a file shorter than the offset plus the data, an offset past the end of
 * the file, and an inferred axis that does not come out as a whole number.
 *
 * Since: 1.0
 */

typedef struct
{
  /* properties */
  char *path;
  GdciDtype dtype;
  GVariant *shape_arg;
  guint64 offset;
  GdciOrder order;

  /* found by the prepare step */
  int fd;
  guint64 file_size;
  GdciRawLayout layout;
} GdciRawFileIteratorPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GdciRawFileIterator, gdci_raw_file_iterator,
                                     GDCI_TYPE_CHUNK_ITERATOR)

#define PRIV(self) \
  ((GdciRawFileIteratorPrivate *) gdci_raw_file_iterator_get_instance_private (self))

enum {
  PROP_0,
  PROP_PATH,
  PROP_DTYPE,
  PROP_SHAPE,
  PROP_OFFSET,
  PROP_ORDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gdci_raw_file_iterator_finalize (GObject *object)
{
  GdciRawFileIteratorPrivate *priv = PRIV (GDCI_RAW_FILE_ITERATOR (object));

  if (priv->fd >= 0)
    close (priv->fd);
  g_clear_pointer (&priv->path, g_free);
  g_clear_pointer (&priv->shape_arg, g_variant_unref);

  G_OBJECT_CLASS (gdci_raw_file_iterator_parent_class)->finalize (object);
}

static void
gdci_raw_file_iterator_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  GdciRawFileIteratorPrivate *priv = PRIV (GDCI_RAW_FILE_ITERATOR (object));

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, priv->path);
      break;
    case PROP_DTYPE:
      g_value_set_enum (value, priv->dtype);
      break;
    case PROP_SHAPE:
      g_value_set_variant (value, priv->shape_arg);
      break;
    case PROP_OFFSET:
      g_value_set_uint64 (value, priv->offset);
      break;
    case PROP_ORDER:
      g_value_set_enum (value, priv->order);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gdci_raw_file_iterator_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  GdciRawFileIteratorPrivate *priv = PRIV (GDCI_RAW_FILE_ITERATOR (object));

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (priv->path);
      priv->path = g_value_dup_string (value);
      break;
    case PROP_DTYPE:
      priv->dtype = g_value_get_enum (value);
      break;
    case PROP_SHAPE:
      g_clear_pointer (&priv->shape_arg, g_variant_unref);
      priv->shape_arg = g_value_dup_variant (value);
      break;
    case PROP_OFFSET:
      priv->offset = g_value_get_uint64 (value);
      break;
    case PROP_ORDER:
      priv->order = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- the prepare step: parse, open, check --------------------------------- */

/* The properties on their own, before the file is looked at; the shape's
 * axis to infer, or -1, goes to @infer. */
static gboolean
parse_properties (GdciRawFileIteratorPrivate  *priv,
                  GdciShapeArg                *arg,
                  int                         *infer,
                  GError                     **error)
{
  g_autofree char *shape_s = NULL;

  if (priv->path == NULL || *priv->path == '\0')
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "No file given: set the path property");
      return FALSE;
    }
  if (!gdci_dtype_is_valid (priv->dtype))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciDtype", priv->dtype);
      return FALSE;
    }
  if (priv->order != GDCI_ORDER_C && priv->order != GDCI_ORDER_F)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "%d is not a valid GdciOrder", priv->order);
      return FALSE;
    }
  if (priv->shape_arg == NULL)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "No shape given for '%s': set the shape property", priv->path);
      return FALSE;
    }
  if (!_gdci_shape_arg_from_variant (priv->shape_arg, "shape", arg, error))
    return FALSE;
  shape_s = _gdci_shape_arg_to_string (arg);
  if (arg->n_dims == 0)
    {
      g_set_error_literal (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                           "The shape () has no dimensions: gdci needs at least "
                           "one axis");
      return FALSE;
    }

  *infer = -1;
  for (guint i = 0; i < arg->n_dims; i++)
    {
      if (arg->negative[i])
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The shape %s has a negative axis; give 0 for the one "
                       "axis to infer from the file size", shape_s);
          return FALSE;
        }
      if (arg->value[i] == 0 && *infer >= 0)
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                       "The shape %s has more than one axis to infer from the "
                       "file size; only one may be", shape_s);
          return FALSE;
        }
      if (arg->value[i] == 0)
        *infer = (int) i;
    }
  return TRUE;
}

static gboolean
open_error (const char  *path,
            int          saved_errno,
            GError     **error)
{
  g_set_error (error, GDCI_ERROR,
               saved_errno == ENOENT ? GDCI_ERROR_NOT_FOUND : GDCI_ERROR_IO,
               saved_errno == ENOENT ? "'%s' does not exist" :
               "Could not open '%s': %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* Opens the file, which must be a regular file at least @offset long. */
static gboolean
open_file (GdciRawFileIteratorPrivate  *priv,
           GError                     **error)
{
  struct stat st;

  priv->fd = open (priv->path, O_RDONLY | O_CLOEXEC);
  if (priv->fd < 0)
    return open_error (priv->path, errno, error);
  if (fstat (priv->fd, &st) != 0)
    return open_error (priv->path, errno, error);
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is a directory, not a raw data file", priv->path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a regular file", priv->path);
      return FALSE;
    }
  priv->file_size = (guint64) st.st_size;

  if (priv->offset > priv->file_size)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_ARGUMENT,
                   "The offset %" G_GUINT64_FORMAT " is past the end of '%s' "
                   "(%" G_GUINT64_FORMAT " bytes)", priv->offset, priv->path,
                   priv->file_size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
too_short_error (GdciRawFileIteratorPrivate  *priv,
                 const char                  *shape_s,
                 guint64                      data_bytes,
                 GError                     **error)
{
  guint64 needed;
  g_autofree char *needed_s =
    g_uint64_checked_add (&needed, priv->offset, data_bytes)
      ? g_strdup_printf ("%" G_GUINT64_FORMAT, needed)
      : g_strdup_printf ("more than %" G_GUINT64_FORMAT, G_MAXUINT64);

  g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
               "'%s' is %" G_GUINT64_FORMAT " bytes, but offset "
               "%" G_GUINT64_FORMAT " + shape %s of %s needs %s bytes",
               priv->path, priv->file_size, priv->offset, shape_s,
               gdci_dtype_to_string (priv->dtype), needed_s);
  return FALSE;
}

/* Checks the shape against the bytes after the offset, infers the axis
 * @infer if there is one, and sets the layout's shape and end. */
static gboolean
check_shape (GdciRawFileIteratorPrivate  *priv,
             const GdciShapeArg          *arg,
             int                          infer,
             GError                     **error)
{
  GdciRawLayout *layout = &priv->layout;
  guint64 available = priv->file_size - priv->offset;
  guint64 step = gdci_dtype_get_itemsize (priv->dtype);
  g_autofree char *shape_s = _gdci_shape_arg_to_string (arg);

  /* the bytes of one index along the inferred axis, or of the whole data */
  for (guint i = 0; i < arg->n_dims; i++)
    {
      if ((int) i != infer && !g_uint64_checked_mul (&step, step, arg->value[i]))
        {
          g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                       "The shape %s of %s has more than 2^64 bytes",
                       shape_s, gdci_dtype_to_string (priv->dtype));
          return FALSE;
        }
    }

  layout->n_dims = arg->n_dims;
  memcpy (layout->shape, arg->value, arg->n_dims * sizeof (guint64));
  if (infer < 0)
    {
      if (step > available)
        return too_short_error (priv, shape_s, step, error);
      layout->end = priv->offset + step;
      return TRUE;
    }

  if (available % step != 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "'%s' has %" G_GUINT64_FORMAT " bytes after the "
                   "%" G_GUINT64_FORMAT "-byte offset, which is not a whole "
                   "number of %" G_GUINT64_FORMAT "-byte steps of axis %d of "
                   "shape %s of %s", priv->path, available, priv->offset,
                   step, infer, shape_s, gdci_dtype_to_string (priv->dtype));
      return FALSE;
    }
  if (available == 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_INVALID_DATA,
                   "'%s' has no data after the %" G_GUINT64_FORMAT "-byte "
                   "offset (%" G_GUINT64_FORMAT " bytes in all)",
                   priv->path, priv->offset, priv->file_size);
      return FALSE;
    }
  layout->shape[infer] = available / step;
  layout->end = priv->file_size;
  return TRUE;
}

static gboolean
gdci_raw_file_iterator_prepare (GdciChunkIterator  *iter,
                                GCancellable       *cancellable,
                                GError            **error)
{
  GdciRawFileIteratorPrivate *priv = PRIV (GDCI_RAW_FILE_ITERATOR (iter));
  GdciRawLayout *layout = &priv->layout;
  GdciShapeArg arg;
  int infer;

  if (!parse_properties (priv, &arg, &infer, error) ||
      !open_file (priv, error) ||
      !check_shape (priv, &arg, infer, error))
    return FALSE;

  layout->itemsize = gdci_dtype_get_itemsize (priv->dtype);
  layout->order = priv->order;
  layout->offset = priv->offset;
  if (priv->order == GDCI_ORDER_C)
    _gdci_c_strides (layout->shape, layout->n_dims, layout->itemsize, layout->strides);
  else
    _gdci_f_strides (layout->shape, layout->n_dims, layout->itemsize, layout->strides);
  return TRUE;
}

/* ---- what the base class answers for its subclasses ----------------------- */

static GArray *
gdci_raw_file_iterator_get_maxshape (GdciChunkIterator *iter)
{
  GdciRawLayout *layout = &PRIV (GDCI_RAW_FILE_ITERATOR (iter))->layout;

  return _gdci_shape_array_new (layout->shape, layout->n_dims);
}

static GdciDtype
gdci_raw_file_iterator_get_dtype (GdciChunkIterator *iter)
{
  return PRIV (GDCI_RAW_FILE_ITERATOR (iter))->dtype;
}

static GVariant *
gdci_raw_file_iterator_serialize (GdciChunkIterator  *iter,
                                  GError            **error)
{
  GdciRawFileIteratorPrivate *priv = PRIV (GDCI_RAW_FILE_ITERATOR (iter));
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GEnumValue *order = g_enum_get_value (g_type_class_peek (GDCI_TYPE_ORDER), priv->order);

  g_variant_builder_add (&b, "{sv}", "path", g_variant_new_string (priv->path));
  g_variant_builder_add (&b, "{sv}", "dtype",
                         g_variant_new_string (gdci_dtype_to_string (priv->dtype)));
  /* the shape as found, with an inferred axis resolved */
  g_variant_builder_add (&b, "{sv}", "shape",
                         _gdci_shape_variant_new (priv->layout.shape, priv->layout.n_dims));
  g_variant_builder_add (&b, "{sv}", "offset", g_variant_new_uint64 (priv->offset));
  g_variant_builder_add (&b, "{sv}", "order", g_variant_new_string (order->value_nick));
  return g_variant_builder_end (&b);
}

static void
gdci_raw_file_iterator_class_init (GdciRawFileIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS;

  object_class->finalize = gdci_raw_file_iterator_finalize;
  object_class->get_property = gdci_raw_file_iterator_get_property;
  object_class->set_property = gdci_raw_file_iterator_set_property;

  iter_class->prepare = gdci_raw_file_iterator_prepare;
  iter_class->get_maxshape = gdci_raw_file_iterator_get_maxshape;
  iter_class->get_dtype = gdci_raw_file_iterator_get_dtype;
  iter_class->serialize = gdci_raw_file_iterator_serialize;

  /**
   * GdciRawFileIterator:path: (getter get_path)
   *
   * The raw array file to read.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);

  /**
   * GdciRawFileIterator:dtype:
   *
   * The element type of the file, in this machine's byte order.
   *
   * Since: 1.0
   */
  properties[PROP_DTYPE] =
    g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE, GDCI_DTYPE_INT16, flags);

  /**
   * GdciRawFileIterator:shape:
   *
   * The shape of the array in the file, a variant of type `at`. One axis
   * may be 0, to be inferred from the size of the file;
   * [method@Gdci.ChunkIterator.get_full_shape] gives the shape found.
   *
   * Since: 1.0
   */
  properties[PROP_SHAPE] =
    g_param_spec_variant ("shape", NULL, NULL, G_VARIANT_TYPE_ANY, NULL, flags);

  /**
   * GdciRawFileIterator:offset: (getter get_offset)
   *
   * The number of bytes to skip at the start of the file, such as a header.
   *
   * Since: 1.0
   */
  properties[PROP_OFFSET] =
    g_param_spec_uint64 ("offset", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  /**
   * GdciRawFileIterator:order: (getter get_order)
   *
   * The layout of the file: [enum@Gdci.Order.C] (last axis fastest) or
   * [enum@Gdci.Order.F] (first axis fastest).
   *
   * Since: 1.0
   */
  properties[PROP_ORDER] =
    g_param_spec_enum ("order", NULL, NULL, GDCI_TYPE_ORDER, GDCI_ORDER_C, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gdci_raw_file_iterator_init (GdciRawFileIterator *self)
{
  GdciRawFileIteratorPrivate *priv = PRIV (self);

  priv->fd = -1;
  priv->dtype = GDCI_DTYPE_INT16;
  priv->order = GDCI_ORDER_C;
}

/* ---- public getters --------------------------------------------------------- */

/**
 * gdci_raw_file_iterator_get_path: (get-property path)
 * @self: a raw file iterator
 *
 * Gets the file the iterator reads, [property@Gdci.RawFileIterator:path].
 *
 * Returns: (type filename) (nullable): the path of the file, or %NULL when
 *   none was given
 *
 * Since: 1.0
 */
const char *
gdci_raw_file_iterator_get_path (GdciRawFileIterator *self)
{
  g_return_val_if_fail (GDCI_IS_RAW_FILE_ITERATOR (self), NULL);

  return PRIV (self)->path;
}

/**
 * gdci_raw_file_iterator_get_offset: (get-property offset)
 * @self: a raw file iterator
 *
 * Gets the number of bytes skipped at the start of the file,
 * [property@Gdci.RawFileIterator:offset].
 *
 * Returns: the offset of the array in the file, in bytes
 *
 * Since: 1.0
 */
guint64
gdci_raw_file_iterator_get_offset (GdciRawFileIterator *self)
{
  g_return_val_if_fail (GDCI_IS_RAW_FILE_ITERATOR (self), 0);

  return PRIV (self)->offset;
}

/**
 * gdci_raw_file_iterator_get_order: (get-property order)
 * @self: a raw file iterator
 *
 * Gets the layout of the file, [property@Gdci.RawFileIterator:order].
 *
 * Returns: the order of the array's elements in the file
 *
 * Since: 1.0
 */
GdciOrder
gdci_raw_file_iterator_get_order (GdciRawFileIterator *self)
{
  g_return_val_if_fail (GDCI_IS_RAW_FILE_ITERATOR (self), GDCI_ORDER_C);

  return PRIV (self)->order;
}

/* ---- for the subclasses ----------------------------------------------------- */

const GdciRawLayout *
_gdci_raw_file_iterator_get_layout (GdciRawFileIterator *self)
{
  return &PRIV (self)->layout;
}

int
_gdci_raw_file_iterator_get_fd (GdciRawFileIterator *self)
{
  return PRIV (self)->fd;
}

gboolean
_gdci_raw_file_iterator_check_size (GdciRawFileIterator  *self,
                                    guint64               needed_end,
                                    GError              **error)
{
  GdciRawFileIteratorPrivate *priv = PRIV (self);
  struct stat st;

  if (fstat (priv->fd, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not check '%s': %s",
                   priv->path, g_strerror (saved_errno));
      return FALSE;
    }
  if ((guint64) st.st_size < needed_end)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO,
                   "'%s' was truncated while being read: it is now "
                   "%" G_GUINT64_FORMAT " bytes, and %" G_GUINT64_FORMAT
                   " bytes are needed", priv->path, (guint64) st.st_size,
                   needed_end);
      return FALSE;
    }
  return TRUE;
}

void
_gdci_raw_file_iterator_selection_span (GdciRawFileIterator  *self,
                                        const GdciSelection  *selection,
                                        guint64              *first,
                                        guint64              *end)
{
  const GdciRawLayout *layout = &PRIV (self)->layout;
  guint64 lo = layout->offset;
  guint64 hi = layout->offset;

  /* strides are positive, so the first and last elements of the box are at
   * its first and last corners */
  for (guint i = 0; i < layout->n_dims; i++)
    {
      lo += gdci_selection_get_start (selection, i) * (guint64) layout->strides[i];
      hi += (gdci_selection_get_stop (selection, i) - 1) * (guint64) layout->strides[i];
    }
  *first = lo;
  *end = hi + layout->itemsize;
}

GdciBufferLease *
_gdci_raw_file_iterator_alloc_buffer (GdciRawFileIterator  *self,
                                      const GdciSelection  *selection,
                                      gsize                *n_bytes,
                                      GError              **error)
{
  guint64 n_elements = gdci_selection_get_n_elements (selection);
  gsize itemsize = PRIV (self)->layout.itemsize;
  guint64 size;

  if (!g_uint64_checked_mul (&size, n_elements, itemsize) || size > G_MAXSIZE)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_OVERFLOW,
                   "A buffer of %" G_GUINT64_FORMAT " elements of %" G_GSIZE_FORMAT
                   " bytes is larger than this machine's address space",
                   n_elements, itemsize);
      return NULL;
    }
  *n_bytes = (gsize) size;
  return _gdci_chunk_iterator_alloc_buffer (GDCI_CHUNK_ITERATOR (self), (gsize) size, error);
}

/* Axes from the slowest-varying in the file to the fastest. */
static void
file_axis_order (const GdciRawLayout *layout,
                 guint               *perm)
{
  for (guint j = 0; j < layout->n_dims; j++)
    perm[j] = layout->order == GDCI_ORDER_C ? j : layout->n_dims - 1 - j;
}

gboolean
_gdci_raw_file_iterator_foreach_strip (GdciRawFileIterator  *self,
                                       const GdciSelection  *selection,
                                       gsize                 budget,
                                       guint8               *buffer,
                                       GdciRawStripFunc      func,
                                       gpointer              user_data,
                                       GError              **error)
{
  const GdciRawLayout *layout = &PRIV (self)->layout;
  guint n = layout->n_dims;
  g_autofree guint64 *extent = gdci_selection_get_shape (selection, NULL);
  gint64 dst_strides[GDCI_MAX_DIMS];
  guint64 unit[GDCI_MAX_DIMS];
  guint64 index[GDCI_MAX_DIMS] = { 0 };   /* relative to the selection */
  guint perm[GDCI_MAX_DIMS];
  guint k;

  file_axis_order (layout, perm);
  _gdci_c_strides (extent, n, layout->itemsize, dst_strides);

  /* unit[j]: the bytes one index of file axis perm[j] spans, from its first
   * selected element to its last. Strips run along the slowest axis whose
   * unit fits in the budget, as many consecutive indices of it as fit. */
  unit[n - 1] = layout->itemsize;
  for (guint j = n - 1; j-- > 0;)
    {
      guint a = perm[j + 1];
      unit[j] = unit[j + 1] + (extent[a] - 1) * (guint64) layout->strides[a];
    }
  for (k = 0; k + 1 < n && unit[k] > budget; k++)
    ;

  for (;;)
    {
      guint a_k = perm[k];
      guint64 stride_k = (guint64) layout->strides[a_k];
      guint64 per_strip = unit[k] >= budget ? 1 : 1 + (budget - unit[k]) / stride_k;
      guint64 count = MIN (per_strip, extent[a_k] - index[a_k]);
      guint64 position = layout->offset;
      guint64 dst_offset = 0;
      guint64 strip_extent[GDCI_MAX_DIMS];
      GdciRawStrip strip;
      int j;

      for (guint a = 0; a < n; a++)
        {
          position += (gdci_selection_get_start (selection, a) + index[a]) *
                      (guint64) layout->strides[a];
          dst_offset += index[a] * (guint64) dst_strides[a];
          strip_extent[a] = extent[a];
        }
      for (guint jj = 0; jj < k; jj++)
        strip_extent[perm[jj]] = 1;
      strip_extent[a_k] = count;

      strip.position = position;
      strip.length = (gsize) ((count - 1) * stride_k + unit[k]);
      strip.extent = strip_extent;
      strip.dst = buffer + dst_offset;
      strip.dst_strides = dst_strides;
      if (!func (self, &strip, user_data, error))
        return FALSE;

      /* the next strip: along axis k, then odometer over the slower axes */
      index[a_k] += count;
      if (index[a_k] < extent[a_k])
        continue;
      index[a_k] = 0;
      for (j = (int) k - 1; j >= 0; j--)
        {
          if (++index[perm[j]] < extent[perm[j]])
            break;
          index[perm[j]] = 0;
        }
      if (j < 0)
        return TRUE;
    }
}

void
_gdci_raw_file_iterator_copy_strip (GdciRawFileIterator  *self,
                                    const GdciRawStrip   *strip,
                                    const guint8         *src)
{
  const GdciRawLayout *layout = &PRIV (self)->layout;

  _gdci_copy_box (layout->n_dims, strip->extent, layout->itemsize, src,
                  layout->strides, strip->dst, strip->dst_strides);
}

gpointer
_gdci_raw_file_iterator_new (GType           type,
                             const char     *path,
                             GdciDtype       dtype,
                             const guint64  *shape,
                             guint           n_dims,
                             guint64         offset,
                             GdciOrder       order,
                             GError        **error)
{
  return g_initable_new (type, NULL, error,
                         "path", path, "dtype", dtype,
                         "shape", _gdci_shape_variant_new (shape, n_dims),
                         "offset", offset, "order", order, NULL);
}
