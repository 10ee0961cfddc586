/* test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "test-util.h"

void
test_assert_shape (const guint64 *got,
                   guint          n_got,
                   const guint64 *want,
                   guint          n_want)
{
  g_assert_cmpuint (n_got, ==, n_want);
  for (guint i = 0; i < n_got; i++)
    g_assert_cmpuint (got[i], ==, want[i]);
}

struct _TestIterator
{
  GdciChunkIterator parent_instance;

  GBytes *data;
  GdciDtype dtype;
  GVariant *shape;
  TestBehaviour behaviour;
  guint n_reads;
  gboolean failed_once;
  gint fail_from_now;      /* atomic: set from another thread */
};

G_DEFINE_FINAL_TYPE (TestIterator, test_iterator, GDCI_TYPE_CHUNK_ITERATOR)

enum { PROP_0, PROP_DATA, PROP_DTYPE, PROP_SHAPE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
test_iterator_finalize (GObject *object)
{
  TestIterator *self = TEST_ITERATOR (object);

  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->shape, g_variant_unref);
  G_OBJECT_CLASS (test_iterator_parent_class)->finalize (object);
}

static void
test_iterator_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestIterator *self = TEST_ITERATOR (object);

  switch (id)
    {
    case PROP_DATA: g_value_set_boxed (value, self->data); break;
    case PROP_DTYPE: g_value_set_enum (value, self->dtype); break;
    case PROP_SHAPE: g_value_set_variant (value, self->shape); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_iterator_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestIterator *self = TEST_ITERATOR (object);

  switch (id)
    {
    case PROP_DATA: self->data = g_value_dup_boxed (value); break;
    case PROP_DTYPE: self->dtype = g_value_get_enum (value); break;
    case PROP_SHAPE: self->shape = g_value_dup_variant (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
fill_made_up (guint8 *dst, gsize n_bytes)
{
  for (gsize i = 0; i < n_bytes; i++)
    dst[i] = (guint8) (i * 7 + 3);
}

/* copy a selection out of a C-order array, row by row */
static void
copy_selection (const guint8        *src,
                const guint64       *shape,
                guint                n_dims,
                const GdciSelection *selection,
                gsize                itemsize,
                guint8              *dst)
{
  guint64 stride[GDCI_MAX_DIMS];
  guint64 index[GDCI_MAX_DIMS];
  guint last = n_dims - 1;
  gsize row = (gdci_selection_get_stop (selection, last) -
               gdci_selection_get_start (selection, last)) * itemsize;

  stride[last] = itemsize;
  for (guint i = last; i-- > 0;)
    stride[i] = stride[i + 1] * shape[i + 1];
  for (guint i = 0; i < n_dims; i++)
    index[i] = gdci_selection_get_start (selection, i);

  for (;;)
    {
      guint64 offset = 0;
      guint axis;

      for (guint i = 0; i < n_dims; i++)
        offset += index[i] * stride[i];
      memcpy (dst, src + offset, row);
      dst += row;

      for (axis = last; axis-- > 0;)
        {
          if (++index[axis] < gdci_selection_get_stop (selection, axis))
            break;
          index[axis] = gdci_selection_get_start (selection, axis);
        }
      if (axis == G_MAXUINT)
        return;
    }
}

static GBytes *
test_iterator_get_data (GdciChunkIterator  *iter,
                        GdciSelection      *selection,
                        GError            **error)
{
  TestIterator *self = TEST_ITERATOR (iter);
  gsize itemsize = gdci_dtype_get_itemsize (self->dtype);
  gsize n_bytes = gdci_selection_get_n_elements (selection) * itemsize;
  guint8 *buf;

  self->n_reads++;
  if (g_atomic_int_get (&self->fail_from_now))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "the source went away");
      return NULL;
    }
  switch (self->behaviour)
    {
    case TEST_BEHAVIOUR_RETURN_NULL:
      return NULL;
    case TEST_BEHAVIOUR_RETURN_ERROR:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           "the source says no");
      return NULL;
    case TEST_BEHAVIOUR_FAIL_ONCE:
      if (self->n_reads == 2 && !self->failed_once)
        {
          self->failed_once = TRUE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "transient failure");
          return NULL;
        }
      break;
    case TEST_BEHAVIOUR_SHORT:
      n_bytes -= 1;
      break;
    case TEST_BEHAVIOUR_LONG:
      n_bytes += 1;
      break;
    case TEST_BEHAVIOUR_GOOD:
      break;
    }

  buf = g_malloc (MAX (n_bytes, 1));
  if (self->data != NULL && self->behaviour != TEST_BEHAVIOUR_SHORT &&
      self->behaviour != TEST_BEHAVIOUR_LONG)
    {
      gsize n_dims;
      const guint64 *shape = g_variant_get_fixed_array (self->shape, &n_dims,
                                                        sizeof (guint64));
      copy_selection (g_bytes_get_data (self->data, NULL), shape, n_dims,
                      selection, itemsize, buf);
    }
  else
    fill_made_up (buf, n_bytes);
  return g_bytes_new_take (buf, n_bytes);
}

static GArray *
test_iterator_get_maxshape (GdciChunkIterator *iter)
{
  TestIterator *self = TEST_ITERATOR (iter);
  gsize n_dims;
  const guint64 *shape = g_variant_get_fixed_array (self->shape, &n_dims,
                                                    sizeof (guint64));
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n_dims);

  g_array_append_vals (a, shape, n_dims);
  return a;
}

static GdciDtype
test_iterator_get_dtype (GdciChunkIterator *iter)
{
  return TEST_ITERATOR (iter)->dtype;
}

static GVariant *
test_iterator_serialize (GdciChunkIterator  *iter,
                         GError            **error)
{
  TestIterator *self = TEST_ITERATOR (iter);
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&b, "{sv}", "dtype",
                         g_variant_new_string (gdci_dtype_to_string (self->dtype)));
  g_variant_builder_add (&b, "{sv}", "shape", self->shape);
  if (self->data != NULL)
    g_variant_builder_add (&b, "{sv}", "data",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                     self->data, TRUE));
  return g_variant_builder_end (&b);
}

static void
test_iterator_class_init (TestIteratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  object_class->finalize = test_iterator_finalize;
  object_class->get_property = test_iterator_get_property;
  object_class->set_property = test_iterator_set_property;

  iter_class->get_data = test_iterator_get_data;
  iter_class->get_maxshape = test_iterator_get_maxshape;
  iter_class->get_dtype = test_iterator_get_dtype;
  iter_class->serialize = test_iterator_serialize;

  properties[PROP_DATA] =
    g_param_spec_boxed ("data", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_DTYPE] =
    g_param_spec_enum ("dtype", NULL, NULL, GDCI_TYPE_DTYPE, GDCI_DTYPE_INT16,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_SHAPE] =
    g_param_spec_variant ("shape", NULL, NULL, G_VARIANT_TYPE ("at"), NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
test_iterator_init (TestIterator *self)
{
}

TestIterator *
test_iterator_new (GBytes         *data,
                   GdciDtype       dtype,
                   const guint64  *shape,
                   guint           n_dims,
                   GError        **error,
                   const char     *first_property_name,
                   ...)
{
  g_autoptr(GObject) object = NULL;
  va_list args;

  va_start (args, first_property_name);
  object = g_object_new_valist (TEST_TYPE_ITERATOR, first_property_name, args);
  va_end (args);
  /* the source's own properties, set after the settings: they are not
   * construct-only in effect for the test, which is fine */
  TEST_ITERATOR (object)->data = data != NULL ? g_bytes_ref (data) : NULL;
  TEST_ITERATOR (object)->dtype = dtype;
  g_clear_pointer (&TEST_ITERATOR (object)->shape, g_variant_unref);
  TEST_ITERATOR (object)->shape = g_variant_ref_sink (test_shape_variant (shape, n_dims));

  if (!g_initable_init (G_INITABLE (object), NULL, error))
    return NULL;
  return TEST_ITERATOR (g_steal_pointer (&object));
}

void
test_iterator_set_behaviour (TestIterator *self,
                             TestBehaviour behaviour)
{
  self->behaviour = behaviour;
}

void
test_iterator_fail_from_now (TestIterator *self)
{
  g_atomic_int_set (&self->fail_from_now, 1);
}

guint
test_iterator_get_n_reads (TestIterator *self)
{
  return self->n_reads;
}

/* ---- a source missing get_data ---- */

struct _TestIncompleteIterator
{
  GdciChunkIterator parent_instance;
};

G_DEFINE_FINAL_TYPE (TestIncompleteIterator, test_incomplete_iterator, GDCI_TYPE_CHUNK_ITERATOR)

static GArray *
incomplete_get_maxshape (GdciChunkIterator *iter)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 v[] = { 10, 10 };

  g_array_append_vals (a, v, 2);
  return a;
}

static GdciDtype
incomplete_get_dtype (GdciChunkIterator *iter)
{
  return GDCI_DTYPE_INT16;
}

static void
test_incomplete_iterator_class_init (TestIncompleteIteratorClass *klass)
{
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  iter_class->get_maxshape = incomplete_get_maxshape;
  iter_class->get_dtype = incomplete_get_dtype;
}

static void
test_incomplete_iterator_init (TestIncompleteIterator *self)
{
}

GBytes *
test_make_ramp_int16 (const guint64 *shape,
                      guint          n_dims)
{
  gsize n = 1;
  gint16 *v;

  for (guint i = 0; i < n_dims; i++)
    n *= shape[i];
  v = g_new (gint16, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (gint16) i;
  return g_bytes_new_take (v, n * sizeof (gint16));
}

GVariant *
test_shape_variant (const guint64 *shape,
                    guint          n_dims)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, shape, n_dims,
                                    sizeof (guint64));
}

void
test_assert_reassembles (GdciChunkIterator *iter,
                         GBytes            *expected,
                         const guint64     *shape,
                         guint              n_dims)
{
  gsize n_bytes;
  const guint8 *src = g_bytes_get_data (expected, &n_bytes);
  gsize itemsize = gdci_dtype_get_itemsize (gdci_chunk_iterator_get_dtype (iter));
  gsize n_elements = n_bytes / itemsize;
  g_autofree guint8 *out = g_malloc0 (MAX (n_bytes, 1));
  g_autofree guint8 *seen = g_malloc0 (MAX (n_elements, 1));
  g_autoptr(GError) error = NULL;
  GdciDataChunk *chunk;
  guint n_chunks = 0;

  while ((chunk = gdci_chunk_iterator_next (iter, &error)) != NULL)
    {
      GdciSelection *sel = gdci_data_chunk_get_selection (chunk);
      const guint8 *data = g_bytes_get_data (gdci_data_chunk_get_data (chunk), NULL);
      guint64 index[GDCI_MAX_DIMS];
      guint64 k = 0;

      n_chunks++;
      for (guint i = 0; i < n_dims; i++)
        index[i] = gdci_selection_get_start (sel, i);
      for (;;)
        {
          guint64 flat = 0;
          guint axis;

          for (guint i = 0; i < n_dims; i++)
            flat = flat * shape[i] + index[i];
          g_assert_cmpuint (seen[flat], ==, 0);
          seen[flat] = 1;
          memcpy (out + flat * itemsize, data + k * itemsize, itemsize);
          k++;

          for (axis = n_dims; axis-- > 0;)
            {
              if (++index[axis] < gdci_selection_get_stop (sel, axis))
                break;
              index[axis] = gdci_selection_get_start (sel, axis);
            }
          if (axis == G_MAXUINT)
            break;
        }
      g_assert_cmpuint (k, ==, gdci_selection_get_n_elements (sel));
      g_object_unref (chunk);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_chunks, ==, gdci_chunk_iterator_get_n_buffers (iter));
  for (gsize i = 0; i < n_elements; i++)
    g_assert_cmpuint (seen[i], ==, 1);
  g_assert_cmpmem (out, n_bytes, src, n_bytes);
}

GBytes *
test_make_pattern (gsize   n_bytes,
                   guint32 seed)
{
  guint8 *v = g_malloc (MAX (n_bytes, 1));
  guint32 x = seed * 2654435761u + 1;

  for (gsize i = 0; i < n_bytes; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      v[i] = (guint8) x;
    }
  return g_bytes_new_take (v, n_bytes);
}

GBytes *
test_fortran_to_c (GBytes        *fortran,
                   const guint64 *shape,
                   guint          n_dims,
                   gsize          itemsize)
{
  gsize n_bytes;
  const guint8 *src = g_bytes_get_data (fortran, &n_bytes);
  guint8 *dst = g_malloc (MAX (n_bytes, 1));
  gsize n = n_bytes / itemsize;

  for (gsize c = 0; c < n; c++)
    {
      /* C-order flat index c to its multi-index, then to the F-order index */
      gsize rest = c, f = 0, stride = 1;
      guint64 index[GDCI_MAX_DIMS];

      for (guint i = n_dims; i-- > 0;)
        {
          index[i] = rest % shape[i];
          rest /= shape[i];
        }
      for (guint i = 0; i < n_dims; i++)
        {
          f += index[i] * stride;
          stride *= shape[i];
        }
      memcpy (dst + c * itemsize, src + f * itemsize, itemsize);
    }
  return g_bytes_new_take (dst, n_bytes);
}

char *
test_write_file (const char *dir,
                 const char *name,
                 gsize       offset,
                 GBytes     *data)
{
  char *path = g_build_filename (dir, name, NULL);
  gsize n_bytes;
  const guint8 *bytes = g_bytes_get_data (data, &n_bytes);
  g_autofree guint8 *contents = g_malloc0 (offset + n_bytes + 1);
  g_autoptr(GError) error = NULL;

  memset (contents, 0xAB, offset);   /* a header that is not data */
  memcpy (contents + offset, bytes, n_bytes);
  g_file_set_contents (path, (const char *) contents, (gssize) (offset + n_bytes), &error);
  g_assert_no_error (error);
  return path;
}

char *
test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

char *
test_subprocess_dir_get (const char *env_var,
                         const char *tmpl)
{
  const char *inherited = g_getenv (env_var);
  char *dir;

  if (inherited != NULL)
    return g_strdup (inherited);
  dir = test_make_tmp_dir (tmpl);
  g_assert_true (g_setenv (env_var, dir, TRUE));
  return dir;
}

void
test_subprocess_dir_free (char *dir)
{
  if (!g_test_subprocess ())
    test_remove_tree (dir);
  g_free (dir);
}

void
test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      /* a link to a directory is removed, never followed */
      if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
          g_file_test (path, G_FILE_TEST_IS_DIR))
        test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

guint
test_count_dir_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

GBytes *
test_read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

void
test_out_dir_init (TestOutDir *out,
                   const char *tmpl)
{
  out->dir = test_make_tmp_dir (tmpl);
  out->path = g_build_filename (out->dir, "out.h5", NULL);
}

void
test_out_dir_clear (TestOutDir *out)
{
  test_remove_tree (out->dir);
  g_clear_pointer (&out->dir, g_free);
  g_clear_pointer (&out->path, g_free);
}

TestRawFile *
test_raw_file_new (const char *name,
                   gsize       offset,
                   gsize       n_bytes,
                   guint32     seed)
{
  TestRawFile *file = g_new0 (TestRawFile, 1);

  file->dir = test_make_tmp_dir ("gdci-test-XXXXXX");
  file->bytes = test_make_pattern (n_bytes, seed);
  file->path = test_write_file (file->dir, name, offset, file->bytes);
  return file;
}

void
test_raw_file_free (TestRawFile *file)
{
  test_remove_tree (file->dir);
  g_free (file->dir);
  g_free (file->path);
  g_bytes_unref (file->bytes);
  g_free (file);
}

void
test_assert_error_with_path (const GError *error,
                             int           code,
                             const char   *message_format,
                             const char   *path)
{
  g_autofree char *message = NULL;

  g_assert_error (error, GDCI_ERROR, code);
  if (message_format == NULL)
    return;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  message = g_strdup_printf (message_format, path);
#pragma GCC diagnostic pop
  g_assert_cmpstr (error->message, ==, message);
}

void
test_as_unprivileged_user (GFunc    func,
                           gpointer data)
{
  gboolean root = geteuid () == 0;

  /* the effective ids only, so that the teardown can clean up as root */
  if (root && (setegid (65534) != 0 || seteuid (65534) != 0))
    g_error ("could not drop privileges: %s", g_strerror (errno));
  func (data, NULL);
  if (root && (seteuid (0) != 0 || setegid (0) != 0))
    g_error ("could not regain privileges: %s", g_strerror (errno));
}
