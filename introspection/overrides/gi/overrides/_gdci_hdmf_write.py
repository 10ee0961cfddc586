# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.hdmf_write(io, container, **write_kwargs): what io.write(container)
does, with every dataset whose data is a GenericDataChunkIterator (hdmf's,
a subclass of it, or gdci's drop-in; bare or inside H5DataIO) written by
gdci's parallel writer.

How, with hdmf's own mechanisms:

1. The iterators are found in the container tree before the write
   (AbstractContainer.children, the fields of each container, the data of
   each Data, walked through their children), and each one's
   ``buffer_selection_generator`` (the attribute hdmf's iteration takes
   its buffers from) is swapped for an empty one, its progress bar held
   out: hdmf then creates each dataset exactly as it would (shape, dtype,
   maxshape, the iterator's chunks or H5DataIO's, H5DataIO's filters and
   fill value, attributes, links and references) and writes no data into
   it. Iterators whose datasets the io wrote already (an earlier write of
   the same tree) are left alone, as io.write leaves them.
2. io.write(container, **write_kwargs) writes the whole file so.
3. The builders hdmf made (BuildManager.get_builder()) say where each
   iterator's dataset is; gdci fills each one through the file hdmf holds
   open (Gdci.H5Writer.fill_dataset() on h5py's dataset identifier: one
   HDF5 library, one open file), compressing its chunks on every core.
   A dataset whose type hdmf's spec widened beyond what holds the
   iterator's values exactly (a VectorIndex of int64 data is uint64) is
   written by the iterator's own iteration instead, as io.write does.

The one attribute used that hdmf does not document is ``HDF5IO._file``
(the h5py.File, also used by pynwb and neuroconv). An iterator that fails
raises its own exception; a dataset gdci fills is left as hdmf created it
(fill values), never half filled, and the datasets after it are left so
too.
"""

import weakref

from ..module import get_introspection_module
from . import _gdci_hdmf, _gdci_numpy
from .Gdci import ChunkIterator, H5Writer, _shape_variant

Gdci = get_introspection_module("Gdci")


class _HdmfSource(ChunkIterator):
    """The C iterator that reads an hdmf GenericDataChunkIterator through
    its _get_data(), with its chunk and buffer shapes."""

    __module__ = "gi.repository.Gdci.hdmf_write"
    __gtype_name__ = "GdciPythonHdmfSource"

    def __init__(self, iterator, dtype, **kwargs):
        self._iterator = weakref.ref(iterator)
        self._dtype = dtype
        self._gdci_dtype = _gdci_numpy.gdci_dtype(dtype)
        self._maxshape = tuple(int(axis) for axis in iterator.maxshape)
        super().__init__(**kwargs)

    def do_get_dtype(self):
        return self._gdci_dtype

    def do_get_maxshape(self):
        return self._maxshape

    def do_get_data(self, selection):
        iterator = self._iterator()
        if iterator is None:
            raise ReferenceError("the iterator of this dataset no longer exists")
        return _gdci_hdmf.read_checked(iterator, self._dtype, selection.to_slices())


def _generic_classes():
    classes = [_gdci_hdmf.GenericDataChunkIterator]
    try:
        from hdmf.data_utils import GenericDataChunkIterator
        classes.append(GenericDataChunkIterator)
    except ImportError:
        pass
    return tuple(classes)


def _unwrap(value):
    """The iterator inside an H5DataIO (or any DataIO), or value itself."""
    try:
        from hdmf.data_utils import DataIO
    except ImportError:
        return value
    return value.data if isinstance(value, DataIO) else value


def _writable_dtype(iterator):
    """The numpy dtype of iterator's data when gdci writes it, else None
    (hdmf writes it then)."""
    np = _gdci_numpy.numpy()
    try:
        dtype = np.dtype(iterator.dtype)
        _gdci_numpy.gdci_dtype(dtype)
    except (TypeError, ValueError):
        return None
    return dtype


def _source_for(iterator, dtype, dataset):
    """The Gdci.ChunkIterator that reads iterator into dataset: in buffers
    of whole rows of the dataset's chunks (every byte of a C-order source
    read once, where hdmf's buffer shapes split the rows into columns),
    each as large as the iterator's buffer."""
    shape = tuple(int(axis) for axis in iterator.maxshape)
    chunks = dataset.chunks or shape
    chunk = tuple(min(int(c), n) for c, n in zip(chunks, shape))
    buffer_bytes = dtype.itemsize
    for axis in iterator.buffer_shape:
        buffer_bytes *= int(axis)
    return _HdmfSource(iterator, dtype, plan_strategy=Gdci.PlanStrategy.FIT,
                       chunk_shape=_shape_variant("chunk_shape", chunk),
                       buffer_gb=max(buffer_bytes, 1) / 1e9)


def _find_iterators(container):
    """{id: iterator} of the GenericDataChunkIterators in the container
    tree, as data of a Data or a field of a container, bare or wrapped."""
    from hdmf.container import Data

    classes = _generic_classes()
    found = {}
    objects, seen = [container], set()
    while objects:
        obj = objects.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        objects.extend(obj.children)
        values = list(obj.fields.values())
        if isinstance(obj, Data):
            values.append(obj.data)
        for value in values:
            inner = _unwrap(value)
            if isinstance(inner, classes):
                found[id(inner)] = inner
    return found


def _dataset_paths(builder, wanted):
    """[(path, dataset builder, iterator)] of the datasets in the builder
    tree whose data is one of wanted's iterators, in the order hdmf wrote
    them."""
    paths = []

    def walk(group, prefix):
        for name, dataset in group.datasets.items():
            inner = _unwrap(dataset.data)
            if id(inner) in wanted and wanted[id(inner)] is inner:
                paths.append((f"{prefix}/{name}", dataset, inner))
        for name, sub in group.groups.items():
            walk(sub, f"{prefix}/{name}")

    walk(builder, "")
    return paths


def _written_before(io, container, iterators):
    """The keys of the iterators whose datasets io wrote already (an
    earlier write of a container that holds them): io.write leaves those
    alone, and so does hdmf_write."""
    builder = io.manager.get_builder(container)
    if builder is None:
        return set()
    return {id(inner) for _path, dataset, inner in _dataset_paths(builder, iterators)
            if io.get_written(dataset)}


def _hold_progress(iterator):
    """Keeps the progress bar of iterator out of hdmf's (empty) iteration:
    the drop-in would close it there, and hdmf's would move it. Returns
    what _give_back_progress() puts back."""
    if isinstance(iterator, _gdci_hdmf.GenericDataChunkIterator):
        bar, iterator.progress_bar = iterator.progress_bar, None
        return bar
    shown = getattr(iterator, "display_progress", False)
    if shown:
        iterator.display_progress = False
    return shown


def _give_back_progress(iterator, held):
    if isinstance(iterator, _gdci_hdmf.GenericDataChunkIterator):
        iterator.progress_bar = held
    elif held:
        iterator.display_progress = held


class _Deferred:
    """hdmf's iteration of each iterator, made empty for the write, its
    progress bar held out of it; each is given back as it was before it is
    filled, or at the end to those that were not."""

    def __init__(self, iterators):
        self.iterators = iterators
        self.saved = {}
        for key, iterator in iterators.items():
            self.saved[key] = (iterator.buffer_selection_generator, _hold_progress(iterator))
            iterator.buffer_selection_generator = iter(())

    def resume(self, key):
        iterator = self.iterators[key]
        generator, progress = self.saved.pop(key)
        iterator.buffer_selection_generator = generator
        _give_back_progress(iterator, progress)

    def restore(self):
        for key in list(self.saved):
            self.resume(key)


class _Progress:
    """Moves an iterator's progress bar as gdci reads it (in the caller's
    thread: a blocking fill emits there), and ends it as the iterator's own
    iteration does."""

    def __init__(self, iterator, source):
        self.iterator = iterator
        self.bar = getattr(iterator, "progress_bar", None) if iterator.display_progress else None
        if self.bar is not None:
            shown = getattr(self.bar, "n", 0)
            self.shown = shown if isinstance(shown, int) else 0
            self.source = source
            self.handler = source.connect("progress", self._on_read)

    def _on_read(self, _source, done, total):
        goal = getattr(self.bar, "total", None)
        if isinstance(goal, int) and total:
            step = goal * done // total - self.shown
            if step > 0:
                self.bar.update(n=step)
                self.shown += step

    def finish(self, complete):
        if self.bar is None:
            return
        self.source.disconnect(self.handler)
        bar, self.bar = self.bar, None
        if not complete:
            return
        if isinstance(self.iterator, _gdci_hdmf.GenericDataChunkIterator):
            close = getattr(bar, "close", None)
            if close is not None:
                close()
        else:
            # hdmf's iterator ends the bar's line when exhausted
            write = getattr(bar, "write", None)
            if write is not None:
                write("\n")


def _converts_exactly(source, target):
    """Whether gdci fills a dataset of the numpy dtype target with data of
    source: the same type, or one whose every value target holds (the rule
    of gdci's fill, in gdci-h5-fill.c)."""
    np = _gdci_numpy.numpy()
    if source.kind in "iu" and target.kind in "iu":
        if source.kind == target.kind:
            return source.itemsize <= target.itemsize
        return source.kind == "u" and source.itemsize < target.itemsize
    if target.kind != "f":
        return False
    if source.kind in "iu":
        return source.itemsize * 8 - (source.kind == "i") <= np.finfo(target).nmant + 1
    if source.kind == "f":
        return (np.finfo(source).nmant <= np.finfo(target).nmant and
                np.finfo(source).nexp <= np.finfo(target).nexp)
    return False


def _iterate_into(dataset, iterator):
    """What io.write does with an iterator: each of its chunks written by
    h5py, which converts them to the dataset's type."""
    for chunk in iterator:
        dataset[chunk.selection] = chunk.data


def _fill(writer, dataset, iterator, dtype):
    """Fills the dataset hdmf created for iterator: gdci's writer where the
    dataset's type takes the iterator's exactly, else hdmf's iteration (a
    type hdmf's spec widened the iterator's to, such as a VectorIndex of
    int64 stored as uint64, which h5py converts as io.write has it)."""
    if not _converts_exactly(dtype, dataset.dtype):
        _iterate_into(dataset, iterator)
        return
    source = _source_for(iterator, dtype, dataset)
    progress = _Progress(iterator, source)
    try:
        writer.fill_dataset(source, dataset)
    except BaseException:
        progress.finish(complete=False)
        raise
    progress.finish(complete=True)
    # hdmf's iteration is left as after a complete one
    iterator.buffer_selection_generator = iter(())


def hdmf_write(io, container, *, n_threads=0, fast_gzip=False, **write_kwargs):
    """Writes container through io (an hdmf HDF5IO, or a subclass such as
    pynwb's NWBHDF5IO) as ``io.write(container, **write_kwargs)`` does,
    with every dataset whose data is a GenericDataChunkIterator (hdmf's,
    a subclass, or Gdci.GenericDataChunkIterator; bare or in H5DataIO)
    filled by gdci's parallel writer: the same file, written faster.

    n_threads: the compression threads (0: one per processor).
    fast_gzip: compress gzip datasets of level 1 to 3 with the fast engine
    (the same standard deflate stream, larger by a few percent).

    A container without any such dataset is written by io.write alone, and
    so is a dataset whose type hdmf's spec made one that does not hold the
    iterator's values exactly (h5py converts them, as in io.write). An
    iterator that fails raises its own exception; a dataset gdci fills
    keeps the fill value hdmf created it with, and so do those after it.
    """
    iterators = _find_iterators(container)
    dtypes = {key: _writable_dtype(it) for key, it in iterators.items()}
    iterators = {key: it for key, it in iterators.items() if dtypes[key] is not None}
    written = _written_before(io, container, iterators)
    iterators = {key: it for key, it in iterators.items() if key not in written}
    if not iterators:
        return io.write(container, **write_kwargs)

    deferred = _Deferred(iterators)
    try:
        io.write(container, **write_kwargs)
        builder = io.manager.get_builder(container)
        writer = H5Writer(n_threads=n_threads,
                          compression="gzip-fast" if fast_gzip else None)
        h5file = io._file
        for path, _dataset, iterator in _dataset_paths(builder, iterators):
            key = id(iterator)
            deferred.resume(key)
            _fill(writer, h5file[path], iterator, dtypes[key])
    finally:
        deferred.restore()
    return None

