/* tutorial.c: hdmf's GenericDataChunkIterator tutorial, in C with gdci
 *
 * 1. A data source is a subclass of GdciChunkIterator that says how to read
 *    a selection, the full shape and the element type. Here: an array in
 *    memory, the tutorial's NumpyArrayDataChunkIterator.
 * 2. Iterating it hands out buffers with their selections.
 * 3. Buffers that are whole multiples of the HDF5 chunk shape are written
 *    into an HDF5 dataset, here with the plain HDF5 C API.
 *
 * Build: cc tutorial.c $(pkg-config --cflags --libs gdci-1.0 hdf5)
 * Run:   ./tutorial [OUTPUT.hdf5]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gdci/gdci.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

/* ---- 1. Constructing a simple child class ------------------------------ */

#define TUTORIAL_TYPE_ARRAY_ITERATOR (tutorial_array_iterator_get_type ())
G_DECLARE_FINAL_TYPE (TutorialArrayIterator, tutorial_array_iterator,
                      TUTORIAL, ARRAY_ITERATOR, GdciChunkIterator)

struct _TutorialArrayIterator
{
  GdciChunkIterator parent_instance;

  GBytes *array;          /* C-order elements */
  GdciDtype dtype;
  guint n_dims;
  guint64 shape[GDCI_MAX_DIMS];
};

G_DEFINE_FINAL_TYPE (TutorialArrayIterator, tutorial_array_iterator,
                     GDCI_TYPE_CHUNK_ITERATOR)

/* _get_data(selection): copy the selected box out of the array, row by row */
static GBytes *
tutorial_array_iterator_get_data (GdciChunkIterator  *iter,
                                  GdciSelection      *selection,
                                  GError            **error)
{
  TutorialArrayIterator *self = TUTORIAL_ARRAY_ITERATOR (iter);
  const guint8 *src = g_bytes_get_data (self->array, NULL);
  gsize itemsize = gdci_dtype_get_itemsize (self->dtype);
  guint last = self->n_dims - 1;
  gsize row = (gdci_selection_get_stop (selection, last) -
               gdci_selection_get_start (selection, last)) * itemsize;
  gsize n_bytes = gdci_selection_get_n_elements (selection) * itemsize;
  guint8 *buffer = g_malloc (MAX (n_bytes, 1));
  guint8 *dst = buffer;
  guint64 index[GDCI_MAX_DIMS];
  guint64 stride[GDCI_MAX_DIMS];

  stride[last] = itemsize;
  for (guint i = last; i-- > 0;)
    stride[i] = stride[i + 1] * self->shape[i + 1];
  for (guint i = 0; i < self->n_dims; i++)
    index[i] = gdci_selection_get_start (selection, i);

  while (dst < buffer + n_bytes)
    {
      guint64 offset = 0;

      for (guint i = 0; i < self->n_dims; i++)
        offset += index[i] * stride[i];
      memcpy (dst, src + offset, row);
      dst += row;
      /* next row: odometer over all axes but the last */
      for (guint axis = last; axis-- > 0;)
        {
          if (++index[axis] < gdci_selection_get_stop (selection, axis))
            break;
          index[axis] = gdci_selection_get_start (selection, axis);
        }
    }
  return g_bytes_new_take (buffer, n_bytes);
}

/* _get_maxshape() */
static GArray *
tutorial_array_iterator_get_maxshape (GdciChunkIterator *iter)
{
  TutorialArrayIterator *self = TUTORIAL_ARRAY_ITERATOR (iter);
  GArray *shape = g_array_sized_new (FALSE, FALSE, sizeof (guint64), self->n_dims);

  g_array_append_vals (shape, self->shape, self->n_dims);
  return shape;
}

/* _get_dtype() */
static GdciDtype
tutorial_array_iterator_get_dtype (GdciChunkIterator *iter)
{
  return TUTORIAL_ARRAY_ITERATOR (iter)->dtype;
}

static void
tutorial_array_iterator_finalize (GObject *object)
{
  g_clear_pointer (&TUTORIAL_ARRAY_ITERATOR (object)->array, g_bytes_unref);
  G_OBJECT_CLASS (tutorial_array_iterator_parent_class)->finalize (object);
}

static void
tutorial_array_iterator_class_init (TutorialArrayIteratorClass *klass)
{
  GdciChunkIteratorClass *iter_class = GDCI_CHUNK_ITERATOR_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tutorial_array_iterator_finalize;
  iter_class->get_data = tutorial_array_iterator_get_data;
  iter_class->get_maxshape = tutorial_array_iterator_get_maxshape;
  iter_class->get_dtype = tutorial_array_iterator_get_dtype;
}

static void
tutorial_array_iterator_init (TutorialArrayIterator *self)
{
}

/* The constructor takes the array and then the iterator's settings, such as
 * "buffer-gb", as property name/value pairs ending with NULL. */
static GdciChunkIterator *
tutorial_array_iterator_new (GBytes         *array,
                             GdciDtype       dtype,
                             const guint64  *shape,
                             guint           n_dims,
                             GError        **error,
                             const char     *first_property_name,
                             ...)
{
  g_autoptr(GObject) object = NULL;
  TutorialArrayIterator *self;
  va_list args;

  va_start (args, first_property_name);
  object = g_object_new_valist (TUTORIAL_TYPE_ARRAY_ITERATOR, first_property_name, args);
  va_end (args);

  self = TUTORIAL_ARRAY_ITERATOR (object);
  self->array = g_bytes_ref (array);
  self->dtype = dtype;
  self->n_dims = n_dims;
  memcpy (self->shape, shape, n_dims * sizeof (guint64));

  /* initialization computes the chunk and buffer shapes, and checks them */
  if (!g_initable_init (G_INITABLE (object), NULL, error))
    return NULL;
  return GDCI_CHUNK_ITERATOR (g_steal_pointer (&object));
}

/* np.random.randint(low=0, high=10, size=n) */
static GBytes *
random_digits (GRand *rand, gsize n, gsize itemsize)
{
  guint8 *data = g_malloc0 (n * itemsize);

  for (gsize i = 0; i < n; i++)
    {
      gint32 v = g_rand_int_range (rand, 0, 10);
      if (itemsize == 2)
        ((gint16 *) (gpointer) data)[i] = (gint16) v;
      else
        ((gint32 *) (gpointer) data)[i] = v;
    }
  return g_bytes_new_take (data, n * itemsize);
}

/* print a 2-d int16 buffer the way numpy does */
static void
print_int16_matrix (GdciDataChunk *chunk)
{
  g_autofree guint64 *shape = gdci_data_chunk_get_shape (chunk, NULL);
  const gint16 *v = g_bytes_get_data (gdci_data_chunk_get_data (chunk), NULL);

  for (guint64 r = 0; r < shape[0]; r++)
    {
      g_print ("%s[", r == 0 ? "[" : " ");
      for (guint64 c = 0; c < shape[1]; c++)
        g_print ("%s%d", c == 0 ? "" : " ", v[r * shape[1] + c]);
      g_print ("]%s\n", r + 1 == shape[0] ? "]" : "");
    }
}

static gboolean
hdf5_failed (herr_t status, const char *what, GError **error)
{
  if (status >= 0)
    return FALSE;
  g_set_error (error, GDCI_ERROR, GDCI_ERROR_HDF5, "HDF5 could not %s", what);
  return TRUE;
}

/* ---- 3. Writing to an HDF5 file with full control of shape arguments ---- */
static gboolean
write_hdf5_example (GRand *rand, const char *out_file, GError **error)
{
  guint64 maxshape[] = { 20000, 5000 };
  g_autoptr(GVariant) buffer_shape = g_variant_ref_sink (
    g_variant_new_parsed ("[uint64 10000, 2500]"));
  g_autoptr(GVariant) chunk_shape = g_variant_ref_sink (
    g_variant_new_parsed ("[uint64 1000, 250]"));
  g_autoptr(GBytes) my_array = random_digits (rand, 20000 * 5000, 4);
  g_autoptr(GdciChunkIterator) my_custom_iterator = NULL;
  hsize_t dims[2] = { maxshape[0], maxshape[1] };
  hsize_t chunks[2];
  const guint64 *chunk;
  GdciDataChunk *buffer;
  hid_t file, space, dcpl, dset;
  gboolean ok = TRUE;

  my_custom_iterator = tutorial_array_iterator_new (my_array, GDCI_DTYPE_INT32,
                                                    maxshape, 2, error,
                                                    "buffer-shape", buffer_shape,
                                                    "chunk-shape", chunk_shape,
                                                    NULL);
  if (my_custom_iterator == NULL)
    return FALSE;

  /* h5py.File(name=out_file, mode="w") and create_dataset(name="test",
   * shape=maxshape, dtype="int16", chunks=my_custom_iterator.chunk_shape) */
  chunk = gdci_chunk_iterator_get_chunk_shape (my_custom_iterator, NULL);
  chunks[0] = chunk[0];
  chunks[1] = chunk[1];
  file = H5Fcreate (out_file, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0)
    {
      g_set_error (error, GDCI_ERROR, GDCI_ERROR_IO, "Could not create %s", out_file);
      return FALSE;
    }
  space = H5Screate_simple (2, dims, NULL);
  dcpl = H5Pcreate (H5P_DATASET_CREATE);
  H5Pset_chunk (dcpl, 2, chunks);
  dset = H5Dcreate2 (file, "test", H5T_STD_I16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ok = !hdf5_failed (dset, "create the dataset", error);

  /* for buffer in my_custom_iterator: dset[buffer.selection] = buffer.data */
  while (ok && (buffer = gdci_chunk_iterator_next (my_custom_iterator, error)) != NULL)
    {
      GdciSelection *selection = gdci_data_chunk_get_selection (buffer);
      hsize_t start[2], count[2];
      hid_t memspace;

      for (guint i = 0; i < 2; i++)
        {
          start[i] = gdci_selection_get_start (selection, i);
          count[i] = gdci_selection_get_stop (selection, i) - start[i];
        }
      memspace = H5Screate_simple (2, count, NULL);
      H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL);
      /* the data is int32 and the dataset int16: HDF5 converts, as h5py does */
      ok = !hdf5_failed (H5Dwrite (dset, H5T_NATIVE_INT32, memspace, space, H5P_DEFAULT,
                                   g_bytes_get_data (gdci_data_chunk_get_data (buffer), NULL)),
                         "write a buffer", error);
      H5Sclose (memspace);
      g_object_unref (buffer);
    }
  if (error != NULL && *error != NULL)
    ok = FALSE;

  if (dset >= 0)
    H5Dclose (dset);
  H5Pclose (dcpl);
  H5Sclose (space);
  if (H5Fclose (file) < 0 && ok)
    ok = !hdf5_failed (-1, "close the file", error);

  if (ok)
    g_print ("Wrote %s:/test, shape (20000, 5000), int16, chunks (%llu, %llu), "
             "in %" G_GUINT64_FORMAT " buffers\n", out_file,
             (unsigned long long) chunks[0], (unsigned long long) chunks[1],
             gdci_chunk_iterator_get_n_buffers (my_custom_iterator));
  return ok;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (0);
  g_autofree char *tmpdir = NULL;
  g_autofree char *out_file = NULL;
  GdciDataChunk *buffer;

  /* HDF5 problems come back as errors here, not as a stack on stderr */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  if (argc > 2)
    {
      g_printerr ("Usage: %s [OUTPUT.hdf5]\n", argv[0]);
      return 2;
    }

  /* ---- 2. Iterating: the tutorial's 12 x 6 array in one buffer ---- */
  {
    guint64 shape[] = { 12, 6 };
    g_autoptr(GBytes) my_array = random_digits (rand, 12 * 6, 2);
    g_autoptr(GdciChunkIterator) my_custom_iterator =
      tutorial_array_iterator_new (my_array, GDCI_DTYPE_INT16, shape, 2, &error, NULL);

    if (my_custom_iterator == NULL)
      goto fail;
    while ((buffer = gdci_chunk_iterator_next (my_custom_iterator, &error)) != NULL)
      {
        print_int16_matrix (buffer);
        g_object_unref (buffer);
      }
    if (error != NULL)
      goto fail;
  }

  /* ---- Intended use: buffers of at most buffer_gb ---- */
  {
    guint64 shape[] = { 20000, 5000 };
    g_autoptr(GBytes) my_array = random_digits (rand, 20000 * 5000, 4);
    g_autoptr(GdciChunkIterator) my_custom_iterator =
      tutorial_array_iterator_new (my_array, GDCI_DTYPE_INT32, shape, 2, &error,
                                   "buffer-gb", 0.2, NULL);
    guint j = 1;

    if (my_custom_iterator == NULL)
      goto fail;
    while ((buffer = gdci_chunk_iterator_next (my_custom_iterator, &error)) != NULL)
      {
        g_autofree char *selection =
          gdci_selection_to_string (gdci_data_chunk_get_selection (buffer));
        g_print ("Buffer number %u returns data from selection: %s\n", j++, selection);
        g_object_unref (buffer);
      }
    if (error != NULL)
      goto fail;
  }

  /* ---- Writing to an HDF5 file ---- */
  if (argc == 2)
    out_file = g_strdup (argv[1]);
  else
    {
      tmpdir = g_dir_make_tmp ("gdci-tutorial-XXXXXX", &error);
      if (tmpdir == NULL)
        goto fail;
      out_file = g_build_filename (tmpdir, "my_temporary_test_file.hdf5", NULL);
    }
  if (!write_hdf5_example (rand, out_file, &error))
    goto fail;

  /* Remove the test file (kept when a name was given) */
  if (tmpdir != NULL)
    {
      g_unlink (out_file);
      g_rmdir (tmpdir);
    }
  return 0;

fail:
  g_printerr ("tutorial: %s\n", error->message);
  if (tmpdir != NULL)
    {
      g_unlink (out_file);
      g_rmdir (tmpdir);
    }
  return 1;
}
