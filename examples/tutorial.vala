/* tutorial.vala: hdmf's GenericDataChunkIterator tutorial, in Vala with gdci
 *
 * 1. A data source is a subclass of Gdci.ChunkIterator that says how to read
 *    a selection, the full shape and the element type. Here: an array in
 *    memory, the tutorial's NumpyArrayDataChunkIterator.
 * 2. Iterating it hands out buffers with their selections.
 * 3. Buffers are whole multiples of the HDF5 chunk shape, so writing each one
 *    at its selection fills whole chunks. Here the "dataset" is an int16
 *    array in memory (tutorial.c writes a real HDF5 file with the HDF5 C API).
 *
 * Build: valac --pkg gdci-1.0 tutorial.vala
 * Run:   ./tutorial
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* ---- 1. Constructing a simple child class -------------------------------- */

class NumpyArrayDataChunkIterator : Gdci.ChunkIterator {
    /* the elements in C order, their type and the shape */
    private GLib.Bytes array;
    private Gdci.Dtype element_type;
    private uint64[] shape;

    /* The iterator's settings are construct properties, given to Object ();
     * init () then computes the chunk and buffer shapes, and checks them. */
    public NumpyArrayDataChunkIterator (GLib.Bytes array, Gdci.Dtype dtype, uint64[] shape) throws GLib.Error {
        Object ();
        setup (array, dtype, shape);
    }

    public NumpyArrayDataChunkIterator.with_buffer_gb (GLib.Bytes array, Gdci.Dtype dtype, uint64[] shape,
                                                       double buffer_gb) throws GLib.Error {
        Object (buffer_gb: buffer_gb);
        setup (array, dtype, shape);
    }

    /* shapes are GVariants of type "at": a uint64[] converts to one */
    public NumpyArrayDataChunkIterator.with_shapes (GLib.Bytes array, Gdci.Dtype dtype, uint64[] shape,
                                                    GLib.Variant buffer_shape, GLib.Variant chunk_shape) throws GLib.Error {
        Object (buffer_shape: buffer_shape, chunk_shape: chunk_shape);
        setup (array, dtype, shape);
    }

    private void setup (GLib.Bytes array, Gdci.Dtype dtype, uint64[] shape) throws GLib.Error {
        this.array = array;
        this.element_type = dtype;
        this.shape = shape;
        init (null);
    }

    /* _get_data(selection): copy the selected box out of the array, row by row */
    public override GLib.Bytes get_data (Gdci.Selection selection) throws GLib.Error {
        size_t itemsize = element_type.get_itemsize ();
        unowned uint8[] src = array.get_data ();
        int last = shape.length - 1;
        unowned uint64[] start = selection.get_starts ();
        unowned uint64[] stop = selection.get_stops ();
        size_t row = (size_t) (stop[last] - start[last]) * itemsize;
        var data = new uint8[selection.get_n_elements () * itemsize];
        uint64[] index = start;

        for (size_t offset = 0; offset < data.length; offset += row) {
            uint64 from = 0;
            for (int axis = 0; axis <= last; axis++)
                from = from * shape[axis] + index[axis];
            GLib.Memory.copy (&data[offset], &src[from * itemsize], row);
            /* next row: odometer over all axes but the last */
            for (int axis = last - 1; axis >= 0; axis--) {
                index[axis]++;
                if (index[axis] < stop[axis])
                    break;
                index[axis] = start[axis];
            }
        }
        return new GLib.Bytes.take ((owned) data);
    }

    /* _get_maxshape() */
    public override GLib.Array<uint64> get_maxshape () {
        var result = new GLib.Array<uint64> ();
        result.append_vals (shape, shape.length);
        return result;
    }

    /* _get_dtype() */
    public override Gdci.Dtype get_dtype () {
        return element_type;
    }
}

/* np.random.randint(low=0, high=10, size=n), as int16 or int32 elements */
GLib.Bytes random_digits (GLib.Rand rand, size_t n, Gdci.Dtype dtype) {
    var data = new uint8[n * dtype.get_itemsize ()];
    int16* int16_values = (int16*) data;
    int32* int32_values = (int32*) data;

    for (size_t i = 0; i < n; i++) {
        int32 digit = rand.int_range (0, 10);
        if (dtype == Gdci.Dtype.INT16)
            int16_values[i] = (int16) digit;
        else
            int32_values[i] = digit;
    }
    return new GLib.Bytes.take ((owned) data);
}

string shape_to_string (uint64[] shape) {
    var parts = new string[shape.length];
    for (int i = 0; i < shape.length; i++)
        parts[i] = shape[i].to_string ();
    return "(" + string.joinv (", ", parts) + ")";
}

int main () {
    var rand = new GLib.Rand.with_seed (0);

    try {
        /* To instantiate this class on an array to allow iteration over buffer shapes, */
        {
            var my_array = random_digits (rand, 12 * 6, Gdci.Dtype.INT16);
            var my_custom_iterator = new NumpyArrayDataChunkIterator (my_array, Gdci.Dtype.INT16, {12, 6});

            /* and this iterator hands out one Gdci.DataChunk per buffer, then null:
             * print each the way numpy prints an array */
            Gdci.DataChunk? buffer;
            while ((buffer = my_custom_iterator.next ()) != null) {
                uint64[] shape = buffer.get_shape ();
                int16* values = (int16*) buffer.get_data ().get_data ();
                for (uint64 r = 0; r < shape[0]; r++) {
                    var line = new GLib.StringBuilder (r == 0 ? "[[" : " [");
                    for (uint64 c = 0; c < shape[1]; c++)
                        line.append_printf ("%s%d", c == 0 ? "" : " ", values[r * shape[1] + c]);
                    line.append (r + 1 == shape[0] ? "]]" : "]");
                    print ("%s\n", line.str);
                }
            }
        }

        /* ---- 2. Intended use: buffers of at most buffer_gb ---- */
        {
            var my_array = random_digits (rand, 20000 * 5000, Gdci.Dtype.INT32);
            var my_custom_iterator = new NumpyArrayDataChunkIterator.with_buffer_gb (
                my_array, Gdci.Dtype.INT32, {20000, 5000}, 0.2);

            Gdci.DataChunk? buffer;
            for (int j = 1; (buffer = my_custom_iterator.next ()) != null; j++)
                print ("Buffer number %d returns data from selection: %s\n",
                       j, buffer.get_selection ().to_string ());
        }

        /* ---- 3. Writing with full control of shape arguments ---- */
        {
            uint64[] maxshape = {20000, 5000};
            uint64[] buffer_shape = {10000, 2500};
            uint64[] chunk_shape = {1000, 250};

            var my_array = random_digits (rand, 20000 * 5000, Gdci.Dtype.INT32);
            var my_custom_iterator = new NumpyArrayDataChunkIterator.with_shapes (
                my_array, Gdci.Dtype.INT32, maxshape, buffer_shape, chunk_shape);

            /* the dataset: shape maxshape, dtype int16, chunks chunk_shape */
            unowned uint64[] chunks = my_custom_iterator.get_chunk_shape ();
            var dset = new int16[maxshape[0] * maxshape[1]];
            print ("Dataset of shape %s, int16, chunks %s\n", shape_to_string (maxshape), shape_to_string (chunks));

            /* dset[buffer.selection] = buffer.data */
            Gdci.DataChunk? buffer;
            for (int j = 1; (buffer = my_custom_iterator.next ()) != null; j++) {
                unowned Gdci.Selection selection = buffer.get_selection ();
                uint64[] shape = buffer.get_shape ();
                int32* values = (int32*) buffer.get_data ().get_data ();
                uint64 row0 = selection.get_start (0);
                uint64 col0 = selection.get_start (1);
                for (uint64 r = 0; r < shape[0]; r++)
                    for (uint64 c = 0; c < shape[1]; c++)
                        dset[(row0 + r) * maxshape[1] + col0 + c] = (int16) values[r * shape[1] + c];
                uint64 n_chunks = (shape[0] / chunks[0]) * (shape[1] / chunks[1]);
                print ("Buffer number %d fills %s whole chunks: %s\n", j, n_chunks.to_string (), selection.to_string ());
            }

            int32* source = (int32*) my_array.get_data ();
            bool same = true;
            for (size_t i = 0; i < dset.length && same; i++)
                same = dset[i] == source[i];
            print ("%s\n", same ? "The dataset holds the array" : "The dataset differs from the array");
        }
    } catch (GLib.Error e) {
        printerr ("tutorial: %s\n", e.message);
        return 1;
    }
    return 0;
}
