/* test-vala.vala: gdci from Vala, through the generated VAPI
 *
 * A Vala subclass of Gdci.ChunkIterator (its virtual methods, its settings
 * as construct properties, the errors of init () and of the data source,
 * serialization), the plain functions, and Gdci.H5Writer writing a Vala
 * source (synchronously, and with yield in a main loop), read back with
 * Gdci.H5Iterator, and Gdci.H5Stream recording frames.
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

    public override GLib.Bytes get_data (Gdci.Selection selection) throws GLib.Error {
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

    public override GLib.Array<uint64> get_maxshape () {
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
        assert_true (it.get_full_shape ()[0] == 37 && it.get_full_shape ()[1] == 11);
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
    } catch (Gdci.PlanError.CHUNK_SHAPE_NOT_DIVIDING e) {
        assert_cmpstr (e.message, GLib.CompareOperator.EQ,
                       "chunk-shape (1000, 5) does not divide buffer-shape (1000, 192) on axis 1");
    } catch (GLib.Error e) {
        GLib.error ("unexpected error: %s", e.message);
    }

    try {
        new RampSource.with_sizes (2000, 384, -1, 10.0).init (null);
        assert_not_reached ();
    } catch (GLib.Error e) {
        assert_true (e is Gdci.PlanError.BUFFER_SIZE_NOT_POSITIVE);
        assert_cmpstr (e.message, GLib.CompareOperator.EQ, "buffer-gb must be greater than zero, not -1.0");
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
        assert_cmpstr (e.message, GLib.CompareOperator.EQ, "chunk-mb must be greater than zero, not 0.0");
    }
}

/* ---- Gdci.H5Writer ------------------------------------------------------ */

/* a temporary directory, and its removal with what is in it */
string make_temp_dir () {
    try {
        return GLib.DirUtils.make_tmp ("gdci-vala-XXXXXX");
    } catch (GLib.FileError e) {
        GLib.error ("%s", e.message);
    }
}

string[] list_dir (string path) {
    string[] names = {};
    try {
        var dir = GLib.Dir.open (path);
        string? name;
        while ((name = dir.read_name ()) != null)
            names += name;
    } catch (GLib.FileError e) {
        GLib.error ("%s", e.message);
    }
    return names;
}

void remove_dir (string path) {
    foreach (string name in list_dir (path))
        GLib.FileUtils.unlink (GLib.Path.build_filename (path, name));
    GLib.DirUtils.remove (path);
}

/* the dataset holds the ramp of rows x cols, read back by Gdci.H5Iterator */
void check_written_ramp (string path, string dataset, int64 rows, int64 cols) throws GLib.Error {
    var written = new Gdci.H5Iterator (path, dataset);
    assert_true (written.get_dtype () == Gdci.Dtype.INT32);
    assert_true (written.get_full_shape ()[0] == rows && written.get_full_shape ()[1] == cols);
    Gdci.DataChunk? chunk;
    uint64 elements = 0;
    while ((chunk = written.next ()) != null) {
        check_ramp (chunk, cols);
        elements += chunk.get_selection ().get_n_elements ();
    }
    assert_true (elements == rows * cols);
}

void test_write () {
    string dir = make_temp_dir ();
    try {
        var it = new RampSource.with_shapes (301, 17, shape ({100, 17}), shape ({50, 17}));
        it.init (null);
        var writer = new Gdci.H5Writer ();
        writer.compression = Gdci.Compression.GZIP;
        writer.shuffle = true;
        writer.fletcher32 = true;
        writer.n_threads = 3;
        uint64 last_done = 0, last_total = 0;
        unowned GLib.Thread<void*> caller = GLib.Thread.self<void*> ();
        writer.progress.connect ((done, total) => {
            assert_true (GLib.Thread.self<void*> () == caller);
            last_done = done;
            last_total = total;
        });
        string path = GLib.Path.build_filename (dir, "out.h5");
        assert_true (writer.write (it, path, "/acquisition/data"));
        assert_true (last_done == 301 * 17 * 4 && last_total == last_done);
        check_written_ramp (path, "/acquisition/data", 301, 17);
        /* every buffer of the Vala source was read once, in the writer's thread */
        assert_cmpint (it.reads, GLib.CompareOperator.EQ, 4);
        assert_cmpstrv (list_dir (dir), {"out.h5"});
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    } finally {
        remove_dir (dir);
    }
}

void test_stream () {
    string dir = make_temp_dir ();
    try {
        string path = GLib.Path.build_filename (dir, "live.h5");
        var stream = new Gdci.H5Stream (path, "/probe", Gdci.Dtype.INT32, shape ({17}), null);
        assert_true (stream.swmr);
        /* a ramp of 301 x 17, appended 7 frames at a time */
        for (int64 first = 0; first < 301; first += 7) {
            int64 n = int64.min (7, 301 - first);
            var frames = new int32[n * 17];
            for (int i = 0; i < frames.length; i++)
                frames[i] = (int32) (first * 17 + i);
            assert_true (stream.append (new GLib.Bytes ((uint8[]) frames)));
        }
        assert_true (stream.frames_appended == 301);
        assert_true (stream.flush (null));
        assert_true (stream.frames_durable == 301);
        try {
            stream.append (new GLib.Bytes (new uint8[5]));
            assert_not_reached ();
        } catch (Gdci.Error e) {
            assert_true (e is Gdci.Error.INVALID_ARGUMENT);
        }
        assert_true (stream.close (null));
        assert_true (stream.is_closed ());
        check_written_ramp (path, "/probe", 301, 17);
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    } finally {
        remove_dir (dir);
    }
}

async void write_async_and_quit (Gdci.H5Writer writer, Gdci.ChunkIterator it, string path, GLib.MainLoop loop,
                                 out GLib.Error? error) {
    error = null;
    try {
        yield writer.write_async (it, path, "/data", null);
    } catch (GLib.Error e) {
        error = e;
    }
    loop.quit ();
}

void test_write_async () {
    string dir = make_temp_dir ();
    try {
        var it = new RampSource.with_shapes (1000, 40, shape ({200, 40}), shape ({100, 20}));
        it.init (null);
        var writer = new Gdci.H5Writer ();
        writer.compression = Gdci.Compression.GZIP;
        int n_progress = 0;
        uint64 last_done = 0;
        unowned GLib.Thread<void*> caller = GLib.Thread.self<void*> ();
        writer.progress.connect ((done, total) => {
            /* in the main loop's thread */
            assert_true (GLib.Thread.self<void*> () == caller);
            n_progress++;
            last_done = done;
        });
        var loop = new GLib.MainLoop ();
        GLib.Error? error = null;
        string path = GLib.Path.build_filename (dir, "out.h5");
        write_async_and_quit.begin (writer, it, path, loop, (obj, result) => {
            write_async_and_quit.end (result, out error);
        });
        loop.run ();
        assert_no_error (error);
        assert_true (n_progress > 0 && last_done == 1000 * 40 * 4);
        check_written_ramp (path, "/data", 1000, 40);
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    } finally {
        remove_dir (dir);
    }
}

void test_write_errors () {
    string dir = make_temp_dir ();
    string path = GLib.Path.build_filename (dir, "out.h5");
    try {
        var it = new RampSource (10, 10);
        it.init (null);
        var writer = new Gdci.H5Writer ();
        writer.write (it, path, "/data");
        try {
            writer.write (it, path, "/data");
            assert_not_reached ();
        } catch (Gdci.Error.EXISTS e) {
            assert_cmpstr (e.message, GLib.CompareOperator.EQ,
                           "'/data' already exists in '%s' (replace it, or fill it, with the writer's mode)".printf (path));
        }

        /* a failing source: nothing is left of the new file */
        it.fail = true;
        try {
            writer.write (it, path + ".new", "/data");
            assert_not_reached ();
        } catch (GLib.FileError.IO e) {
            assert_cmpstr (e.message, GLib.CompareOperator.EQ, "Reading buffer 1 of 1 [0:10, 0:10] failed: disk on fire");
        }
        it.fail = false;

        var cancellable = new GLib.Cancellable ();
        cancellable.cancel ();
        try {
            writer.write (it, path + ".new", "/data", cancellable);
            assert_not_reached ();
        } catch (GLib.IOError.CANCELLED e) {
        }
        assert_cmpstrv (list_dir (dir), {"out.h5"});
    } catch (GLib.Error e) {
        GLib.error ("%s", e.message);
    } finally {
        remove_dir (dir);
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
    GLib.Test.add_func ("/vala/write", test_write);
    GLib.Test.add_func ("/vala/write-async", test_write_async);
    GLib.Test.add_func ("/vala/write-errors", test_write_errors);
    GLib.Test.add_func ("/vala/stream", test_stream);
    return GLib.Test.run ();
}
