// write-hdf5.js: a raw recording into a compressed HDF5 dataset, from GJS
//
//   gjs -m write-hdf5.js RECORDING OUTPUT.h5 [--channels=384] [--dataset=/acquisition/data]
//                        [--level=4] [--overwrite] [--buffer-gb=0.5] [--chunk-mb=10]
//
// RECORDING is a raw file of int16 samples of interleaved channels (C order),
// as acquisition systems write them; make_recording.py makes one.
//
// 1. Gdci.FileIterator reads the recording: only the number of channels is
//    given, the number of samples comes from the file size (axis 0 of the
//    shape is 0).
// 2. Gdci.H5Writer writes it with gzip after shuffle, in another thread
//    (write_async): the main loop keeps running, and the "progress" signal
//    arrives in it.
// 3. Gdci.H5Iterator reads the dataset back, buffer by buffer with the same
//    shapes, and each buffer is compared with the recording's.
//
// The sources here are gdci's, implemented in C: the writer reads its source
// in another thread, where GJS cannot run a JavaScript subclass's get_data().
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Gdci from 'gi://Gdci?version=1.0';
import System from 'system';

// write_async() without a callback returns a promise of write_finish()
Gio._promisify(Gdci.H5Writer.prototype, 'write_async', 'write_finish');

const USAGE = 'usage: gjs -m write-hdf5.js RECORDING OUTPUT.h5 [--channels=384] ' +
    '[--dataset=/acquisition/data] [--level=4] [--overwrite] [--buffer-gb=0.5] [--chunk-mb=10]';

function parseArguments(argv) {
    const options = {
        channels: 384, dataset: '/acquisition/data', level: 4, overwrite: false, bufferGb: 0.5, chunkMb: 10,
    };
    const names = {'--channels': 'channels', '--dataset': 'dataset', '--level': 'level',
        '--buffer-gb': 'bufferGb', '--chunk-mb': 'chunkMb'};
    const files = [];
    for (const arg of argv) {
        const [flag, value] = arg.split(/=(.*)/s);
        if (!arg.startsWith('--')) {
            files.push(arg);
        } else if (arg === '--overwrite') {
            options.overwrite = true;
        } else if (flag in names && value !== undefined) {
            const key = names[flag];
            options[key] = key === 'dataset' ? value : Number(value);
            if (Number.isNaN(options[key]))
                throw new Error(`${flag} takes a number, not '${value}'`);
        } else {
            throw new Error(`unknown option '${arg}'\n${USAGE}`);
        }
    }
    if (files.length !== 2)
        throw new Error(USAGE);
    [options.recording, options.output] = files;
    return options;
}

// The percentage written, on stderr, every 10%
function progressPrinter() {
    let shown = -1;
    return (_writer, done, total) => {
        const percent = total > 0 ? Math.floor(10 * done / total) * 10 : 100;
        if (percent > shown) {
            printerr(`Writing: ${percent}%`);
            shown = percent;
        }
    };
}

// Whether the dataset holds the source's data: both read buffer by buffer
// with the same shapes, so the selections match one to one
function sameData(source, written) {
    source.reset();
    for (;;) {
        const expected = source.next();
        const actual = written.next();
        if (expected === null || actual === null)
            return expected === actual;
        if (actual.get_selection().to_string() !== expected.get_selection().to_string() ||
            !actual.get_data().equal(expected.get_data()))
            return false;
    }
}

async function main(argv) {
    const options = parseArguments(argv);

    // 1. the recording: axis 0 (samples) is inferred from the file size
    const source = new Gdci.FileIterator({
        path: options.recording,
        dtype: Gdci.Dtype.INT16,
        shape: new GLib.Variant('at', [0, options.channels]),
        buffer_gb: options.bufferGb,
        chunk_mb: options.chunkMb,
    });
    source.init(null);
    const [rows, columns] = source.get_full_shape();
    const dataBytes = rows * columns * 2;
    print(`${GLib.path_get_basename(options.recording)}: ${rows} samples x ${columns} channels of int16, ` +
        `chunks (${source.get_chunk_shape().join(', ')}), ${source.get_n_buffers()} buffers`);

    // 2. the writer: gzip after shuffle, on every processor, in another thread
    const writer = new Gdci.H5Writer({
        compression: Gdci.Compression.GZIP,
        compression_level: options.level,
        shuffle: true,
        mode: options.overwrite ? Gdci.WriteMode.REPLACE : Gdci.WriteMode.CREATE,
    });
    writer.connect('progress', progressPrinter());
    await writer.write_async(source, options.output, options.dataset, null);

    const size = Gio.File.new_for_path(options.output)
        .query_info('standard::size', Gio.FileQueryInfoFlags.NONE, null).get_size();
    print(`${GLib.path_get_basename(options.output)}: ${options.dataset}, gzip level ${options.level} ` +
        `with shuffle, ${size} bytes (${Math.round(100 * size / dataBytes)}% of the data)`);

    // 3. read it back with the source's shapes, and compare
    const written = new Gdci.H5Iterator({
        path: options.output,
        dataset: options.dataset,
        buffer_shape: new GLib.Variant('at', source.get_buffer_shape()),
        chunk_shape: new GLib.Variant('at', source.get_chunk_shape()),
    });
    written.init(null);
    if (!sameData(source, written))
        throw new Error('the dataset differs from the recording');
    print('Gdci.H5Iterator reads back the recording');
}

const loop = new GLib.MainLoop(null, false);
let status = 0;
main(System.programArgs)
    .catch(error => {
        printerr(`write-hdf5: ${error.message}`);
        status = 1;
    })
    .finally(() => loop.quit());
loop.run();
System.exit(status);
