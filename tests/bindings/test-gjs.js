// SPDX-License-Identifier: LGPL-2.1-or-later
//
// gdci from GJS: a JavaScript subclass of Gdci.ChunkIterator (its virtual
// methods, its settings as properties, the errors of init() and of the data
// source, serialization), the plain functions, and Gdci.H5Writer writing
// gdci's C sources (synchronously, and asynchronously in a main loop), read
// back with Gdci.H5Iterator, and Gdci.H5Stream recording frames with its
// flushed signal in a main loop. Prints TAP.
//
// Run: gjs -m test-gjs.js

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Gdci from 'gi://Gdci?version=1.0';
import System from 'system';

const tests = [];
function test(name, func) {
    tests.push([name, func]);
}

function assertEqual(actual, expected, what = '') {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: got ${a}, expected ${e}`);
}

function assertThrows(func, check) {
    try {
        func();
    } catch (error) {
        check(error);
        return;
    }
    throw new Error('no exception was thrown');
}

// The tutorial's NumpyArrayDataChunkIterator: an Int16Array or Int32Array in
// C order
const DTYPES = new Map([[Int16Array, Gdci.Dtype.INT16], [Int32Array, Gdci.Dtype.INT32]]);

const ArraySource = GObject.registerClass({
    GTypeName: 'TestGjsArraySource',
}, class ArraySource extends Gdci.ChunkIterator {
    constructor(array, shape, settings = {}) {
        super(settings);
        this.array = array;
        this.shape = shape;
        this.reads = [];
    }

    vfunc_get_data(selection) {
        this.reads.push(selection.to_string());
        const [rows, cols] = [selection.get_stop(0) - selection.get_start(0),
            selection.get_stop(1) - selection.get_start(1)];
        const out = new this.array.constructor(rows * cols);
        for (let r = 0; r < rows; r++) {
            const from = (selection.get_start(0) + r) * this.shape[1] + selection.get_start(1);
            out.set(this.array.subarray(from, from + cols), r * cols);
        }
        return new GLib.Bytes(new Uint8Array(out.buffer));
    }

    vfunc_get_maxshape() {
        return this.shape;
    }

    vfunc_get_dtype() {
        return DTYPES.get(this.array.constructor);
    }
});

function ramp(n) {
    return Int16Array.from({length: n}, (_, i) => i % 30000);
}

function collect(it) {
    const chunks = [];
    let chunk;
    while ((chunk = it.next()) !== null)
        chunks.push(chunk);
    return chunks;
}

test('a JavaScript data source is iterated to the end', () => {
    const array = ramp(37 * 11);
    const it = new ArraySource(array, [37, 11], {
        buffer_shape: new GLib.Variant('at', [10, 11]),
        chunk_shape: new GLib.Variant('at', [5, 11]),
    });
    it.init(null);
    assertEqual(it.get_full_shape(), [37, 11], 'maxshape');
    assertEqual(it.get_dtype(), Gdci.Dtype.INT16, 'dtype');
    assertEqual(it.get_n_buffers(), 4, 'buffers');
    const chunks = collect(it);
    assertEqual(chunks.map(c => c.get_selection().to_string()),
        ['[0:10, 0:11]', '[10:20, 0:11]', '[20:30, 0:11]', '[30:37, 0:11]'], 'selections');
    const out = new Int16Array(37 * 11);
    for (const chunk of chunks) {
        const bytes = chunk.get_data().toArray();
        const data = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
        out.set(data, chunk.get_selection().get_start(0) * 11);
        assertEqual(chunk.get_min_bounds(), chunk.get_selection().get_stops(), 'min bounds');
    }
    assertEqual(Array.from(out), Array.from(array), 'data');
    assertEqual(it.next(), null, 'exhausted');
    it.reset();
    assertEqual(collect(it).length, 4, 'after reset');
    assertEqual(it.reads.length, 8, 'reads');
});

test('the size settings, as hdmf computes them', () => {
    const it = new ArraySource(new Int16Array(0), [20000, 5000], {buffer_gb: 0.2, chunk_mb: 1.0});
    it.init(null);
    assertEqual(it.get_chunk_shape(), [1412, 353], 'chunk shape');
    assertEqual(it.get_buffer_shape(), [19768, 4942], 'buffer shape');
    assertEqual(it.buffer_gb, 0.2, 'buffer_gb');
    assertEqual(it.recommended_chunk_shape(), [1412, 353], 'recommended chunk shape');
    assertEqual(it.recommended_data_shape(), [20000, 5000], 'recommended data shape');
    assertEqual(Number.isNaN(new ArraySource(null, [1]).chunk_mb), true, 'unset reads as NaN');
});

test('the tutorial selections', () => {
    const it = new ArraySource(new Int32Array(0), [20000, 5000], {buffer_gb: 0.2});
    it.init(null);
    assertEqual(it.get_chunk_shape(), [3160, 790], 'chunk shape');
    assertEqual(it.get_buffer_shape(), [12640, 3160], 'buffer shape');
    const selections = [];
    for (let i = 0; i < it.get_n_buffers(); i++)
        selections.push(it.get_buffer_selection(i).to_string());
    assertEqual(selections, ['[0:12640, 0:3160]', '[0:12640, 3160:5000]', '[12640:20000, 0:3160]',
        '[12640:20000, 3160:5000]'], 'selections');
});

test('refused settings are Gdci.PlanError errors of init() naming the values', () => {
    const cases = [
        [{buffer_shape: new GLib.Variant('at', [1000, 192]), chunk_shape: new GLib.Variant('at', [1000, 5])},
            Gdci.PlanError.CHUNK_SHAPE_NOT_DIVIDING,
            'chunk-shape (1000, 5) does not divide buffer-shape (1000, 192) on axis 1'],
        [{buffer_gb: -1}, Gdci.PlanError.BUFFER_SIZE_NOT_POSITIVE, 'buffer-gb must be greater than zero, not -1.0'],
        [{chunk_mb: 0}, Gdci.PlanError.CHUNK_SIZE_NOT_POSITIVE, 'chunk-mb must be greater than zero, not 0.0'],
        [{buffer_gb: 1, buffer_shape: new GLib.Variant('at', [2000, 384])},
            Gdci.PlanError.BOTH_BUFFER_SETTINGS, 'Both buffer-gb and buffer-shape are set: give one or the other'],
        [{buffer_shape: new GLib.Variant('ax', [-1, 384])},
            Gdci.PlanError.BUFFER_SHAPE_NOT_POSITIVE, 'buffer-shape (-1, 384) is not positive on axis 0'],
        [{chunk_shape: new GLib.Variant('at', [2001, 384])},
            Gdci.PlanError.CHUNK_SHAPE_EXCEEDS_DATA,
            'chunk-shape (2001, 384) exceeds the data shape (2000, 384) on axis 0'],
    ];
    for (const [settings, code, message] of cases) {
        const it = new ArraySource(new Int16Array(0), [2000, 384], settings);
        assertThrows(() => it.init(null), error => {
            assertEqual(error instanceof GLib.Error, true, 'a GLib.Error');
            assertEqual(error.matches(Gdci.PlanError, code), true, 'domain and code');
            assertEqual(error.message, message, 'message');
        });
        // initialization fails the same way again
        assertThrows(() => it.init(null), error => assertEqual(error.message, message, 'again'));
    }
});

test('errors of the data source reach the caller', () => {
    const Failing = GObject.registerClass(class Failing extends ArraySource {
        vfunc_get_data(selection) {
            if (selection.get_start(0) === 0)
                throw new GLib.Error(GLib.FileError, GLib.FileError.IO, 'disk on fire');
            throw new Error('not a GError');
        }
    });
    const it = new Failing(new Int16Array(0), [10, 10], {
        buffer_shape: new GLib.Variant('at', [5, 10]),
        chunk_shape: new GLib.Variant('at', [5, 10]),
    });
    it.init(null);
    assertThrows(() => it.next(), error => {
        assertEqual(error.matches(GLib.FileError, GLib.FileError.IO), true, 'domain kept');
        assertEqual(error.message, 'Reading buffer 1 of 2 [0:5, 0:10] failed: disk on fire', 'message');
    });
    assertEqual(it.get_position(), 0, 'position stays');
});

test('a JavaScript exception in get_data is an error too', () => {
    const Failing = GObject.registerClass(class FailingPlain extends ArraySource {
        vfunc_get_data() {
            throw new TypeError('not a GError');
        }
    });
    const it = new Failing(new Int16Array(0), [10, 10]);
    it.init(null);
    assertThrows(() => it.next(), error => {
        assertEqual(error.message, 'Reading buffer 1 of 1 [0:10, 0:10] failed: not a GError', 'message');
    });
});

test('data of the wrong size is refused', () => {
    const Short = GObject.registerClass(class Short extends ArraySource {
        vfunc_get_data() {
            return new GLib.Bytes(new Uint8Array(3));
        }
    });
    const it = new Short(new Int16Array(0), [10, 10]);
    it.init(null);
    assertThrows(() => it.next(), error => {
        assertEqual(error.matches(Gdci.Error, Gdci.Error.INVALID_DATA), true, 'code');
        assertEqual(error.message.includes('returned 3 bytes for selection [0:10, 0:10] of int16; expected 200 bytes'),
            true, error.message);
    });
});

test('progress is a signal', () => {
    const it = new ArraySource(ramp(100), [10, 10], {
        buffer_shape: new GLib.Variant('at', [3, 10]),
        chunk_shape: new GLib.Variant('at', [1, 10]),
    });
    it.init(null);
    const calls = [];
    it.connect('progress', (_it, done, total) => calls.push([done, total]));
    collect(it);
    assertEqual(calls, [[1, 4], [2, 4], [3, 4], [4, 4]], 'progress');
});

const RampSource = GObject.registerClass({
    GTypeName: 'TestGjsRampSource',
    Properties: {
        'rows': GObject.ParamSpec.int64('rows', null, null, GObject.ParamFlags.READWRITE, 1, 1e9, 1),
        'cols': GObject.ParamSpec.int64('cols', null, null, GObject.ParamFlags.READWRITE, 1, 1e9, 1),
    },
}, class RampSource extends Gdci.ChunkIterator {
    vfunc_get_data(selection) {
        const rows = selection.get_stop(0) - selection.get_start(0);
        const cols = selection.get_stop(1) - selection.get_start(1);
        const out = new Int32Array(rows * cols);
        for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++)
                out[r * cols + c] = (selection.get_start(0) + r) * this.cols + selection.get_start(1) + c;
        }
        return new GLib.Bytes(new Uint8Array(out.buffer));
    }

    vfunc_get_maxshape() {
        return [this.rows, this.cols];
    }

    vfunc_get_dtype() {
        return Gdci.Dtype.INT32;
    }

    vfunc_serialize() {
        return new GLib.Variant('a{sv}', {
            rows: new GLib.Variant('x', this.rows),
            cols: new GLib.Variant('x', this.cols),
        });
    }
});

test('a JavaScript data source serializes', () => {
    const it = new RampSource({rows: 97, cols: 13, buffer_gb: 0.000001,
        chunk_shape: new GLib.Variant('at', [10, 13])});
    it.init(null);
    const variant = it.serialize();
    assertEqual(variant.get_type_string(), '(sua{sv})', 'type');
    const copy = Gdci.ChunkIterator.deserialize(variant);
    assertEqual(copy instanceof RampSource, true, 'class');
    assertEqual([copy.rows, copy.cols], [97, 13], 'properties');
    assertEqual(copy.get_buffer_shape(), it.get_buffer_shape(), 'buffer shape');
    const bytes = iterator => collect(iterator).map(c => Array.from(c.get_data().toArray()));
    assertEqual(bytes(copy), bytes(it), 'data');
});

test('the plain functions', () => {
    assertEqual(Gdci.default_chunk_shape([20000, 5000], Gdci.Dtype.INT32, 10.0), [3160, 790], 'chunk');
    assertEqual(Gdci.default_buffer_shape([20000, 5000], [3160, 790], Gdci.Dtype.INT32, 0.2), [12640, 3160],
        'buffer');
    // GJS 1.74 does not skip the skipped boolean return value: [true, dtype]
    assertEqual(Gdci.dtype_from_string('<i2').at(-1), Gdci.Dtype.INT16, 'dtype');
    assertEqual(Gdci.dtype_to_string(Gdci.Dtype.FLOAT32), 'float32', 'name');
    assertThrows(() => Gdci.default_chunk_shape([10], Gdci.Dtype.INT8, 0.0),
        error => assertEqual(error.message, 'chunk-mb must be greater than zero, not 0.0', 'message'));
    const selection = Gdci.Selection.new([0, 3160], [12640, 5000]);
    assertEqual(selection.to_string(), '[0:12640, 3160:5000]', 'selection');
    assertEqual(selection.get_shape(), [12640, 1840], 'shape');
});

// ---- Gdci.H5Writer --------------------------------------------------------

// A temporary directory for the test, removed with what is in it
function withTempDir(func) {
    const dir = GLib.dir_make_tmp('gdci-gjs-XXXXXX');
    try {
        func(dir);
    } finally {
        const enumerator = Gio.File.new_for_path(dir).enumerate_children('standard::name',
            Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        let info;
        while ((info = enumerator.next_file(null)) !== null)
            GLib.unlink(GLib.build_filenamev([dir, info.get_name()]));
        GLib.rmdir(dir);
    }
}

function listDir(dir) {
    const names = [];
    const enumerator = Gio.File.new_for_path(dir).enumerate_children('standard::name',
        Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    let info;
    while ((info = enumerator.next_file(null)) !== null)
        names.push(info.get_name());
    return names.sort();
}

// rows x cols int16 elements, r * cols + c modulo 30000, as a C source
function rampSource(rows, cols, bufferShape, chunkShape) {
    const it = new Gdci.ArrayIterator({
        data: new GLib.Bytes(new Uint8Array(ramp(rows * cols).buffer)),
        dtype: Gdci.Dtype.INT16,
        shape: new GLib.Variant('at', [rows, cols]),
        buffer_shape: new GLib.Variant('at', bufferShape),
        chunk_shape: new GLib.Variant('at', chunkShape),
    });
    it.init(null);
    return it;
}

// The dataset, read back with Gdci.H5Iterator, as an Int16Array in C order
function readBack(path, dataset) {
    const it = Gdci.H5Iterator.new(path, dataset);
    const [rows, cols] = it.get_full_shape();
    const out = new Int16Array(rows * cols);
    for (const chunk of collect(it)) {
        const bytes = chunk.get_data().toArray();
        const data = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
        const [r0, c0] = chunk.get_selection().get_starts();
        const [nRows, nCols] = chunk.get_shape();
        for (let r = 0; r < nRows; r++)
            out.set(data.subarray(r * nCols, (r + 1) * nCols), (r0 + r) * cols + c0);
    }
    return {dtype: it.get_dtype(), shape: [rows, cols], data: out};
}

test('the writer writes a C source, synchronously', () => withTempDir(dir => {
    const writer = new Gdci.H5Writer({
        compression: Gdci.Compression.GZIP, compression_level: 6, shuffle: true, fletcher32: true, n_threads: 2,
    });
    assertEqual([writer.compression, writer.compression_level, writer.shuffle, writer.fletcher32, writer.n_threads,
        writer.mode], [Gdci.Compression.GZIP, 6, true, true, 2, Gdci.WriteMode.CREATE], 'properties');
    const progress = [];
    writer.connect('progress', (_writer, done, total) => progress.push([done, total]));
    const path = GLib.build_filenamev([dir, 'out.h5']);
    assertEqual(writer.write(rampSource(301, 17, [100, 17], [50, 9]), path, '/acquisition/data', null), true,
        'returns true');
    assertEqual(progress[0], [0, 301 * 17 * 2], 'first progress');
    assertEqual(progress[progress.length - 1], [301 * 17 * 2, 301 * 17 * 2], 'last progress');
    const written = readBack(path, '/acquisition/data');
    assertEqual([written.dtype, written.shape], [Gdci.Dtype.INT16, [301, 17]], 'layout');
    assertEqual(Array.from(written.data), Array.from(ramp(301 * 17)), 'data');
    assertEqual(listDir(dir), ['out.h5'], 'files');
}));

test('the writer writes asynchronously in a main loop', () => withTempDir(dir => {
    const writer = new Gdci.H5Writer({compression: Gdci.Compression.GZIP});
    const progress = [];
    writer.connect('progress', (_writer, done, total) => progress.push([done, total]));
    const path = GLib.build_filenamev([dir, 'out.h5']);
    const loop = new GLib.MainLoop(null, false);
    let outcome = null;
    writer.write_async(rampSource(1000, 40, [200, 40], [100, 20]), path, '/data', null, (source, result) => {
        try {
            outcome = source.write_finish(result);
        } catch (error) {
            outcome = error;
        }
        loop.quit();
    });
    loop.run();
    assertEqual(outcome, true, 'finished');
    assertEqual(progress[progress.length - 1], [80000, 80000], 'progress reached the main loop');
    assertEqual(Array.from(readBack(path, '/data').data), Array.from(ramp(40000)), 'data');
}));

test('write errors are GLib errors, and leave nothing behind', () => withTempDir(dir => {
    const path = GLib.build_filenamev([dir, 'out.h5']);
    new Gdci.H5Writer().write(rampSource(10, 10, [10, 10], [5, 5]), path, '/data', null);
    assertThrows(() => new Gdci.H5Writer().write(rampSource(10, 10, [10, 10], [5, 5]), path, '/data', null),
        error => {
            assertEqual(error.matches(Gdci.Error, Gdci.Error.EXISTS), true, 'code');
            assertEqual(error.message, `'/data' already exists in '${path}' (replace it, or fill it, with the writer's mode)`,
                'message');
        });
    const gzip = new Gdci.H5Writer({compression: Gdci.Compression.GZIP, compression_level: 10});
    assertThrows(() => gzip.write(rampSource(10, 10, [10, 10], [5, 5]), `${path}.new`, '/data', null),
        error => {
            assertEqual(error.matches(Gdci.Error, Gdci.Error.INVALID_ARGUMENT), true, 'code');
            assertEqual(error.message, 'The gzip compression level must be from 1 to 9 (or 0 for 4), not 10', 'message');
        });
    const cancellable = new Gio.Cancellable();
    cancellable.cancel();
    assertThrows(() => new Gdci.H5Writer().write(rampSource(10, 10, [10, 10], [5, 5]), `${path}.new`, '/data',
        cancellable), error => assertEqual(error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), true, 'code'));
    assertEqual(listDir(dir), ['out.h5'], 'files');
}));

test('a stream records frames, flushes them in the main loop and closes', () => withTempDir(dir => {
    const path = GLib.build_filenamev([dir, 'live.h5']);
    const stream = new Gdci.H5Stream({
        filename: path, dataset_path: '/probe', dtype: Gdci.Dtype.INT16,
        frame_shape: new GLib.Variant('at', [8]), chunk_shape: new GLib.Variant('at', [100, 8]),
        compression: Gdci.Compression.ZSTD, shuffle: true, flush_interval: 0.05,
    });
    stream.init(null);
    assertEqual(stream.get_chunk_shape().deepUnpack(), [100, 8], 'chunks');
    const frames = ramp(250 * 8);
    for (let row = 0; row < 250; row += 50)
        stream.append(new GLib.Bytes(new Uint8Array(frames.buffer, row * 16, 50 * 16)));
    const loop = new GLib.MainLoop(null, false);
    let durable = 0;
    stream.connect('flushed', (_stream, frames_durable) => {
        durable = frames_durable;
        if (frames_durable === 250)
            loop.quit();
    });
    const timeout = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 30, () => loop.quit());
    loop.run();
    GLib.source_remove(timeout);
    assertEqual(durable, 250, 'frames durable, told in the main loop');
    assertEqual(stream.frames_durable, 250, 'frames-durable');
    assertThrows(() => stream.append(new GLib.Bytes(new Uint8Array(3))),
        error => assertEqual(error.matches(Gdci.Error, Gdci.Error.INVALID_ARGUMENT), true, 'code'));
    stream.close(null);
    assertThrows(() => stream.append(new GLib.Bytes(new Uint8Array(16))),
        error => assertEqual(error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED), true, 'code'));
    const back = readBack(path, '/probe');
    assertEqual(back.shape, [250, 8], 'shape');
    assertEqual(Array.from(back.data), Array.from(frames), 'data');
}));

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(([name, func], i) => {
    try {
        func();
        print(`ok ${i + 1} - ${name}`);
    } catch (error) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${error}\n${error.stack ?? ''}`.trimEnd().split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed > 0 ? 1 : 0);
