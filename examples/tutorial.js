// tutorial.js: hdmf's GenericDataChunkIterator tutorial, in JavaScript with gdci
//
// 1. A data source is a subclass of Gdci.ChunkIterator that says how to read
//    a selection, the full shape and the element type. Here: an array in
//    memory, the tutorial's NumpyArrayDataChunkIterator.
// 2. Iterating it hands out buffers with their selections.
// 3. Buffers are whole multiples of the HDF5 chunk shape, so writing each one
//    at its selection fills whole chunks. Here the "dataset" is an int16
//    array in memory: JavaScript has no HDF5 binding (tutorial.c writes a real
//    HDF5 file with the HDF5 C API).
//
// Run: gjs -m tutorial.js
// (GI_TYPELIB_PATH and LD_LIBRARY_PATH must find gdci when it is not
// installed in the system's directories)
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gdci from 'gi://Gdci?version=1.0';

// ---- 1. Constructing a simple child class -------------------------------

const ARRAY_TYPES = {
    [Gdci.Dtype.INT16]: Int16Array,
    [Gdci.Dtype.INT32]: Int32Array,
};

const NumpyArrayDataChunkIterator = GObject.registerClass({
    GTypeName: 'TutorialJsArrayIterator',
}, class NumpyArrayDataChunkIterator extends Gdci.ChunkIterator {
    // array: a typed array of the elements in C order; shape: its shape;
    // settings: the iterator's properties, such as buffer_gb
    constructor(array, shape, dtype, settings = {}) {
        super(settings);
        this._array = array;
        this._shape = shape;
        this._dtype = dtype;
        // initialization computes the chunk and buffer shapes, and checks them
        this.init(null);
        // one buffer's worth of memory, reused for every buffer (GLib.Bytes
        // copies it), so that reading allocates nothing in JavaScript
        const bufferSize = this.get_buffer_shape().reduce((a, b) => a * b, 1);
        this._buffer = new array.constructor(bufferSize);
    }

    // _get_data(selection): copy the selected box out of the array, row by row
    vfunc_get_data(selection) {
        const nDims = this._shape.length;
        const start = selection.get_starts();
        const stop = selection.get_stops();
        const rowLength = stop[nDims - 1] - start[nDims - 1];
        const out = this._buffer.subarray(0, selection.get_n_elements());
        const index = start.slice();
        for (let offset = 0; offset < out.length; offset += rowLength) {
            let from = 0;
            for (let axis = 0; axis < nDims; axis++)
                from = from * this._shape[axis] + index[axis];
            out.set(this._array.subarray(from, from + rowLength), offset);
            // next row: odometer over all axes but the last
            for (let axis = nDims - 2; axis >= 0; axis--) {
                if (++index[axis] < stop[axis])
                    break;
                index[axis] = start[axis];
            }
        }
        return new GLib.Bytes(new Uint8Array(out.buffer, 0, out.byteLength));
    }

    // _get_maxshape()
    vfunc_get_maxshape() {
        return this._shape;
    }

    // _get_dtype()
    vfunc_get_dtype() {
        return this._dtype;
    }
});

// The elements of a buffer, as a typed array
function bufferData(buffer) {
    const bytes = buffer.get_data().toArray();
    const ArrayType = ARRAY_TYPES[buffer.get_dtype()];
    return new ArrayType(bytes.buffer, bytes.byteOffset, bytes.byteLength / ArrayType.BYTES_PER_ELEMENT);
}

// np.random.randint(low=0, high=10, size=n): digits from a small seeded
// generator (a linear congruential one), so that every run prints the same
let randomState = 0;
function randomDigits(ArrayType, n) {
    const array = new ArrayType(n);
    let state = randomState;
    for (let i = 0; i < n; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) | 0;
        array[i] = (state >>> 16) % 10;
    }
    randomState = state;
    return array;
}

// print a 2-d buffer the way numpy does
function printMatrix(data, rows, cols) {
    for (let r = 0; r < rows; r++) {
        const row = Array.from(data.subarray(r * cols, (r + 1) * cols)).join(' ');
        print(`${r === 0 ? '[' : ' '}[${row}]${r + 1 === rows ? ']' : ''}`);
    }
}

// To instantiate this class on an array to allow iteration over buffer shapes,
{
    const myArray = randomDigits(Int16Array, 12 * 6);
    const myCustomIterator = new NumpyArrayDataChunkIterator(myArray, [12, 6], Gdci.Dtype.INT16);

    // and this iterator hands out one Gdci.DataChunk per buffer, then null.
    let buffer;
    while ((buffer = myCustomIterator.next()) !== null)
        printMatrix(bufferData(buffer), ...buffer.get_shape());
}

// ---- 2. Intended use: buffers of at most buffer_gb ------------------------
{
    const myArray = randomDigits(Int32Array, 20000 * 5000);
    const myCustomIterator = new NumpyArrayDataChunkIterator(myArray, [20000, 5000], Gdci.Dtype.INT32,
        {buffer_gb: 0.2});

    let buffer;
    for (let j = 1; (buffer = myCustomIterator.next()) !== null; j++)
        print(`Buffer number ${j} returns data from selection: ${buffer.get_selection().to_string()}`);
}

// ---- 3. Writing with full control of shape arguments ----------------------
{
    const maxshape = [20000, 5000];
    const bufferShape = new GLib.Variant('at', [10000, 2500]);
    const chunkShape = new GLib.Variant('at', [1000, 250]);

    const myArray = randomDigits(Int32Array, maxshape[0] * maxshape[1]);
    const myCustomIterator = new NumpyArrayDataChunkIterator(myArray, maxshape, Gdci.Dtype.INT32,
        {buffer_shape: bufferShape, chunk_shape: chunkShape});

    // the dataset: shape maxshape, dtype int16, chunks chunk_shape
    const chunks = myCustomIterator.get_chunk_shape();
    const dset = new Int16Array(maxshape[0] * maxshape[1]);
    print(`Dataset of shape (${maxshape.join(', ')}), int16, chunks (${chunks.join(', ')})`);

    // dset[buffer.selection] = buffer.data
    let buffer;
    for (let j = 1; (buffer = myCustomIterator.next()) !== null; j++) {
        const selection = buffer.get_selection();
        const [rows, cols] = buffer.get_shape();
        const data = bufferData(buffer);
        const [row0, col0] = selection.get_starts();
        for (let r = 0; r < rows; r++)
            dset.set(data.subarray(r * cols, (r + 1) * cols), (row0 + r) * maxshape[1] + col0);
        const nChunks = (rows / chunks[0]) * (cols / chunks[1]);
        print(`Buffer number ${j} fills ${nChunks} whole chunks: ${selection.to_string()}`);
    }

    const same = dset.every((value, i) => value === myArray[i]);
    print(same ? 'The dataset holds the array' : 'The dataset differs from the array');
}
