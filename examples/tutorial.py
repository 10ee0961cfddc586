"""hdmf's GenericDataChunkIterator tutorial, run on gdci.

The code is the tutorial's (hdmf's docs/gallery/plot_generic_data_chunk_tutorial.py,
BSD-3-Clause), unchanged except for the line that imports GenericDataChunkIterator:
gdci's drop-in replaces hdmf's.

1. A child class says how to read a selection, the full shape and the dtype.
2. Iterating it yields DataChunk objects: a buffer of data and its selection.
3. Buffers that are whole multiples of the HDF5 chunk shape are written into an
   HDF5 dataset with h5py.

Run: python3 tutorial.py (it writes, then removes, my_temporary_test_file.hdf5
in the current directory)

SPDX-License-Identifier: LGPL-2.1-or-later
"""

###############################################################################
# Constructing a simple child class
# ---------------------------------
import numpy as np

from gi.repository.Gdci import GenericDataChunkIterator


class NumpyArrayDataChunkIterator(GenericDataChunkIterator):
    def __init__(self, array: np.ndarray, **kwargs):
        self.array = array
        super().__init__(**kwargs)

    def _get_data(self, selection):
        return self.array[selection]

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


# To instantiate this class on an array to allow iteration over buffer_shapes,
my_array = np.random.randint(low=0, high=10, size=(12, 6), dtype="int16")
my_custom_iterator = NumpyArrayDataChunkIterator(array=my_array)

# and this iterator now behaves as a standard Python generator (i.e., it can only be exhausted once)
# that returns DataChunk objects for each buffer.
for buffer in my_custom_iterator:
    print(buffer.data)

###############################################################################
# Intended use for advanced data I/O
# ----------------------------------
# Buffers hold at most buffer_gb gigabytes (1 GB by default), for data larger than memory.

# This design can be seen if we increase the amount of data in our example code
my_array = np.random.randint(low=0, high=10, size=(20000, 5000), dtype="int32")
my_custom_iterator = NumpyArrayDataChunkIterator(array=my_array, buffer_gb=0.2)

for j, buffer in enumerate(my_custom_iterator, start=1):
    print(f"Buffer number {j} returns data from selection: {buffer.selection}")

# (Here the whole array is in memory; an np.memmap of a file would read only each buffer.)

###############################################################################
# Writing to an HDF5 file with full control of shape arguments
# ------------------------------------------------------------

# This is where the importance of the underlying `chunk_shape` comes in, and why it is critical to performance
# that it perfectly subsets the `buffer_shape`.
import h5py

maxshape = (20000, 5000)
buffer_shape = (10000, 2500)
chunk_shape = (1000, 250)

my_array = np.random.randint(low=0, high=10, size=maxshape, dtype="int32")
my_custom_iterator = NumpyArrayDataChunkIterator(array=my_array, buffer_shape=buffer_shape, chunk_shape=chunk_shape)
out_file = "my_temporary_test_file.hdf5"
with h5py.File(name=out_file, mode="w") as f:
    dset = f.create_dataset(name="test", shape=maxshape, dtype="int16", chunks=my_custom_iterator.chunk_shape)
    for buffer in my_custom_iterator:
        dset[buffer.selection] = buffer.data
# Remember to remove the temporary file after running this and exploring the contents!

# (Wrapped in hdmf's H5DataIO and written by hdmf's HDF5IO, the iterator gives the chunks itself.)

###############################################################################
# Remove the test file
import os

if os.path.exists(out_file):
    os.remove(out_file)
