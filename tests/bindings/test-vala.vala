/* test-vala.vala: gdci from Vala, through the generated VAPI
 *
 * A Vala subclass of Gdci.ChunkIterator (its virtual methods, its settings
 * as construct properties, the errors of init () and of the data source,
 * serialization), and the plain functions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* element (r, c) of a rows x cols int32 dataset is r * cols + c */
class RampSource : Gdci.ChunkIterator {
    public int64 rows { get; construct; default = 1; }
    public int64 cols { get; construct; default = 1; }
    public int reads { get; private set; }
    public bool fail { get; set; }

    public RampSource (int64 rows, int64 cols) {
        Object (rows: rows, cols: cols);
    }

    public RampSource.with_shapes (int64 rows, int64 cols, GLib.Variant buffer_shape, GLib.Variant chunk_shape) {
        Object (rows: rows, cols: cols, buffer_shape: buffer_shape, chunk_shape: chunk_shape);
    }

    public RampSource.with_sizes (int64 rows, int64 cols, double buffer_gb, double chunk_mb) {
        Object (rows: rows, cols: cols, buffer_gb: buffer_gb, chunk_mb: chunk_mb);
    }

    public override GLib.Bytes? get_data (Gdci.Selection selection) throws GLib.Error {
        reads++;
        if (fail)
            throw new GLib.FileError.IO ("disk on fire");
        var values = new int32[selection.get_n_elements ()];
        int i = 0;
        for (uint64 r = selection.get_start (0); r < selection.get_stop (0); r++)
            for (uint64 c = selection.get_start (1); c < selection.get_stop (1); c++)
                values[i++] = (int32) (r * cols + c);
        return new GLib.Bytes (((uint8[]) values)[0:values.length * sizeof (int32)]);
    }

    public override GLib.Array<uint64>? get_maxshape_vfunc () {
        uint64[] values = {rows, cols};
        var shape = new GLib.Array<uint64> ();
        shape.append_vals (values, values.length);
        return shape;
    }

    public override Gdci.Dtype get_dtype () {
        return Gdci.Dtype.INT32;
    }

    public override GLib.Variant? serialize () throws GLib.Error {
        var builder = new GLib.VariantBuilder (GLib.VariantType.VARDICT);
        builder.add ("{sv}", "rows", new GLib.Variant.int64 (rows));
        builder.add ("{sv}", "cols", new GLib.Variant.int64 (cols));
        return builder.end ();
    }
}

GLib.Variant shape (uint64[] values) {
    return values;
}

string[] selections (Gdci.ChunkIterator it) throws GLib.Error {
    string[] result = {};
    Gdci.DataChunk? chunk;
    while ((chunk = it.next ()) != null)
        result += chunk.get_selection ().to_string ();
    return result;
}

void check_ramp (Gdci.DataChunk chunk, int64 cols) {
    unowned Gdci.Selection selection = chunk.get_selection ();
    int32* values = (int32*) chunk.get_data ().get_data ();
    int i = 0;
    for (uint64 r = selection.get_start (0); r < selection.get_stop (0); r++)
        for (uint64 c = selection.get_start (1); c < selection.get_stop (1); c++)
            assert_cmpint (values[i++], GLib.CompareOperator.EQ, (int) (r * cols + c));
}

void test_iterate () {
    try {
        var it = new RampSource.with_shapes (37, 11, shape ({10, 11}), shape ({5, 11}));
        it.init (null);
        assert_cmpuint ((uint) it.get_n_buffers (), GLib.CompareOperator.EQ, 4);
        assert_true (it.get_maxshape ()[0] == 37 && it.get_maxshape ()[1] == 11);
        assert_true (it.get_dtype () == Gdci.Dtype.INT32);

        Gdci.DataChunk? chunk;
        string[] seen = {};
        while ((chunk = it.next ()) != null) {
            check_ramp (chunk, 11);
            assert_true (chunk.get_min_bounds ()[0] == chunk.get_selection ().get_stop (0));
            seen += chunk.get_selection ().to_string ();
        }
        assert_cmpstrv (seen, {"[0:10, 0:11]", "[10:20, 0:11]", "[20:30, 0:11]", "[30:37, 0:11]"});
        assert_null (it.next ());
        it.reset ();
        assert_cmpint (selections (it).length, GLib.CompareOperator.EQ, 4);
        assert_cmpint (it.reads, GLib.CompareOperator.EQ, 8);
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    }
}

void test_sizes () {
    try {
        var it = new RampSource.with_sizes (20000, 5000, 0.2, 10.0);
        it.init (null);
        unowned uint64[] chunk = it.get_chunk_shape ();
        unowned uint64[] buffer = it.get_buffer_shape ();
        assert_true (chunk.length == 2 && chunk[0] == 3160 && chunk[1] == 790);
        assert_true (buffer.length == 2 && buffer[0] == 12640 && buffer[1] == 3160);
        assert_cmpstr (it.get_buffer_selection (1).to_string (), GLib.CompareOperator.EQ, "[0:12640, 3160:5000]");
        assert_cmpfloat (it.buffer_gb, GLib.CompareOperator.EQ, 0.2);
        assert_true (new RampSource (1, 1).chunk_mb.is_nan ());
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    }
}

void test_refused () {
    var it = new RampSource.with_shapes (2000, 384, shape ({1000, 192}), shape ({1000, 5}));
    try {
        it.init (null);
        assert_not_reached ();
    } catch (Gdci.Error.INVALID_ARGUMENT e) {
        assert_cmpstr (e.message, GLib.CompareOperator.EQ,
                       "Some dimensions of chunk_shape ((1000, 5)) do not evenly divide the buffer shape ((1000, 192))!");
    } catch (GLib.Error e) {
        GLib.error ("unexpected error: %s", e.message);
    }

    try {
        new RampSource.with_sizes (2000, 384, -1, 10.0).init (null);
        assert_not_reached ();
    } catch (GLib.Error e) {
        assert_true (e is Gdci.Error.INVALID_ARGUMENT);
        assert_cmpstr (e.message, GLib.CompareOperator.EQ, "buffer_gb (-1.0) must be greater than zero!");
    }
}

void test_source_error () {
    try {
        var it = new RampSource (10, 10);
        it.init (null);
        it.fail = true;
        try {
            it.next ();
            assert_not_reached ();
        } catch (GLib.FileError.IO e) {
            assert_cmpstr (e.message, GLib.CompareOperator.EQ, "Reading buffer 1 of 1 [0:10, 0:10] failed: disk on fire");
        }
        assert_cmpuint ((uint) it.get_position (), GLib.CompareOperator.EQ, 0);
        it.fail = false;
        assert_nonnull (it.next ());
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    }
}

void test_serialize () {
    try {
        var it = new RampSource.with_shapes (97, 13, shape ({20, 13}), shape ({10, 13}));
        it.init (null);
        var copy = Gdci.ChunkIterator.deserialize (it.serialize ()) as RampSource;
        assert_nonnull (copy);
        assert_true (copy.rows == 97 && copy.cols == 13);
        assert_cmpstrv (selections (copy), selections (it));
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    }
}

void test_functions () {
    try {
        uint64[] chunk = Gdci.default_chunk_shape ({20000, 5000}, Gdci.Dtype.INT32, 10.0);
        assert_true (chunk.length == 2 && chunk[0] == 3160 && chunk[1] == 790);
        uint64[] buffer = Gdci.default_buffer_shape ({20000, 5000}, chunk, Gdci.Dtype.INT32, 0.2);
        assert_true (buffer[0] == 12640 && buffer[1] == 3160);
        Gdci.Dtype dtype;
        assert_true (Gdci.Dtype.from_string ("<i2", out dtype) && dtype == Gdci.Dtype.INT16);
        assert_cmpstr (Gdci.Dtype.FLOAT32.to_string (), GLib.CompareOperator.EQ, "float32");
        assert_cmpuint ((uint) Gdci.Dtype.UINT64.get_itemsize (), GLib.CompareOperator.EQ, 8);
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    }
    try {
        Gdci.default_chunk_shape ({10}, Gdci.Dtype.INT8, 0.0);
        assert_not_reached ();
    } catch (GLib.Error e) {
        assert_cmpstr (e.message, GLib.CompareOperator.EQ, "chunk_mb (0.0) must be greater than zero!");
    }
}

int main (string[] args) {
    GLib.Test.init (ref args);
    GLib.Test.add_func ("/vala/iterate", test_iterate);
    GLib.Test.add_func ("/vala/sizes", test_sizes);
    GLib.Test.add_func ("/vala/refused", test_refused);
    GLib.Test.add_func ("/vala/source-error", test_source_error);
    GLib.Test.add_func ("/vala/serialize", test_serialize);
    GLib.Test.add_func ("/vala/functions", test_functions);
    return GLib.Test.run ();
}
