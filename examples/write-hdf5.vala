/* write-hdf5.vala: a raw recording into a compressed HDF5 dataset, from Vala
 *
 *   write-hdf5 RECORDING OUTPUT.h5 [--channels=384] [--dataset=/acquisition/data]
 *              [--level=4] [--overwrite] [--buffer-gb=0.5] [--chunk-mb=10]
 *
 * RECORDING is a raw file of int16 samples of interleaved channels (C order),
 * as acquisition systems write them; make_recording.py makes one.
 *
 * 1. Gdci.MemmapIterator reads the recording: only the number of channels is
 *    given, the number of samples comes from the file size (axis 0 of the
 *    shape is 0).
 * 2. Gdci.H5Writer writes it with gzip after shuffle, in another thread
 *    (write_async, with yield): the main loop keeps running, and the
 *    "progress" signal arrives in it.
 * 3. Gdci.H5Iterator reads the dataset back, buffer by buffer with the same
 *    shapes, and each buffer is compared with the recording's.
 *
 * Build: valac --pkg gdci-1.0 write-hdf5.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class WriteHdf5 {
    static int channels = 384;
    static string? dataset = null;
    static int level = 4;
    static bool overwrite = false;
    static double buffer_gb = 0.5;
    static double chunk_mb = 10.0;

    const GLib.OptionEntry[] OPTIONS = {
        { "channels", 0, GLib.OptionFlags.NONE, GLib.OptionArg.INT, ref channels,
          "Number of interleaved channels (384)", "N" },
        { "dataset", 0, GLib.OptionFlags.NONE, GLib.OptionArg.STRING, ref dataset,
          "Path of the dataset in the file (/acquisition/data)", "PATH" },
        { "level", 0, GLib.OptionFlags.NONE, GLib.OptionArg.INT, ref level, "gzip level, 1 to 9 (4)", "LEVEL" },
        { "overwrite", 0, GLib.OptionFlags.NONE, GLib.OptionArg.NONE, ref overwrite,
          "Replace an existing dataset", null },
        { "buffer-gb", 0, GLib.OptionFlags.NONE, GLib.OptionArg.DOUBLE, ref buffer_gb,
          "Largest buffer in memory, in GB (0.5)", "GB" },
        { "chunk-mb", 0, GLib.OptionFlags.NONE, GLib.OptionArg.DOUBLE, ref chunk_mb,
          "HDF5 chunk size to stay under, in MB (10)", "MB" },
        { null }
    };

    /* a uint64[] converts to the GVariant of type "at" shapes are */
    static GLib.Variant shape_variant (uint64[] values) {
        return values;
    }

    static string shape_to_string (uint64[] shape) {
        string[] parts = {};
        foreach (uint64 axis in shape)
            parts += axis.to_string ();
        return "(" + string.joinv (", ", parts) + ")";
    }

    /* Whether the dataset holds the source's data: both read buffer by
     * buffer with the same shapes, so the selections match one to one */
    static bool same_data (Gdci.ChunkIterator source, Gdci.ChunkIterator written) throws GLib.Error {
        source.reset ();
        for (;;) {
            Gdci.DataChunk? expected = source.next ();
            Gdci.DataChunk? actual = written.next ();
            if (expected == null || actual == null)
                return expected == actual;
            if (!actual.get_selection ().equal (expected.get_selection ()) ||
                actual.get_data ().compare (expected.get_data ()) != 0)
                return false;
        }
    }

    static async void write_and_check (string recording, string output) throws GLib.Error {
        string path = dataset ?? "/acquisition/data";

        /* 1. the recording: axis 0 (samples) is inferred from the file size */
        var source = (Gdci.ChunkIterator) GLib.Initable.new (
            typeof (Gdci.MemmapIterator), null,
            "path", recording,
            "dtype", Gdci.Dtype.INT16,
            "shape", shape_variant ({0, channels}),
            "buffer-gb", buffer_gb,
            "chunk-mb", chunk_mb);
        unowned uint64[] maxshape = source.get_full_shape ();
        uint64 data_bytes = maxshape[0] * maxshape[1] * Gdci.Dtype.INT16.get_itemsize ();
        print ("%s: %s samples x %s channels of int16, chunks %s, %s buffers\n",
               GLib.Path.get_basename (recording), maxshape[0].to_string (), maxshape[1].to_string (),
               shape_to_string (source.get_chunk_shape ()), source.get_n_buffers ().to_string ());

        /* 2. the writer: gzip after shuffle, on every processor, in another thread */
        var writer = new Gdci.H5Writer ();
        writer.compression = Gdci.Compression.GZIP;
        writer.compression_level = level;
        writer.shuffle = true;
        writer.mode = overwrite ? Gdci.WriteMode.REPLACE : Gdci.WriteMode.CREATE;
        int shown = -1;
        writer.progress.connect ((done, total) => {
            int percent = total > 0 ? (int) (10 * done / total) * 10 : 100;
            if (percent > shown) {
                printerr ("Writing: %d%%\n", percent);
                shown = percent;
            }
        });
        yield writer.write_async (source, output, path, null);

        var info = GLib.File.new_for_path (output).query_info ("standard::size", GLib.FileQueryInfoFlags.NONE);
        print ("%s: %s, gzip level %d with shuffle, %s bytes (%.0f%% of the data)\n",
               GLib.Path.get_basename (output), path, level, info.get_size ().to_string (),
               100.0 * info.get_size () / data_bytes);

        /* 3. read it back with the source's shapes, and compare */
        var written = (Gdci.ChunkIterator) GLib.Initable.new (
            typeof (Gdci.H5Iterator), null,
            "path", output,
            "dataset", path,
            "buffer-shape", shape_variant (source.get_buffer_shape ()),
            "chunk-shape", shape_variant (source.get_chunk_shape ()));
        if (!same_data (source, written))
            throw new GLib.IOError.FAILED ("the dataset differs from the recording");
        print ("Gdci.H5Iterator reads back the recording\n");
    }

    static int main (string[] args) {
        var context = new GLib.OptionContext ("RECORDING OUTPUT.h5");
        context.set_summary ("Writes a raw int16 recording into a gzip-compressed HDF5 dataset.");
        context.add_main_entries (OPTIONS, null);
        try {
            context.parse (ref args);
        } catch (GLib.OptionError e) {
            printerr ("write-hdf5: %s\n", e.message);
            return 2;
        }
        if (args.length != 3) {
            printerr ("%s", context.get_help (true, null));
            return 2;
        }

        var loop = new GLib.MainLoop ();
        int status = 0;
        write_and_check.begin (args[1], args[2], (obj, result) => {
            try {
                write_and_check.end (result);
            } catch (GLib.Error e) {
                printerr ("write-hdf5: %s\n", e.message);
                status = 1;
            }
            loop.quit ();
        });
        loop.run ();
        return status;
    }
}
