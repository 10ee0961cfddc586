# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two HDF5 files compared object by object with h5py, for the repack
tests: OUT must hold what IN holds, as IN holds it.

compare_files(IN, OUT, rewritten) checks
- every link: its name, and its kind (hard, soft or external, with the
  target), walked from the root without following soft or external links;
- which names are the same object (hard links stay hard links);
- every attribute: name, HDF5 type, shape and value, in creation order
  where the object tracks it; object references resolved to the object
  they point at, region references to the values they select;
- every group's creation order settings, and its links' order when it
  tracks them; every committed datatype, still committed;
- every dataset's HDF5 type (and the committed datatype it uses), shape,
  maxshape, fill value, creation order settings and values; and, for
  those not in rewritten, their storage: layout, chunks and filters.

and raw_chunks(path, dataset) gives a dataset's chunks as stored, to
compare bytes: what a copy of the chunks as HDF5 copies them keeps."""

import h5py
import numpy as np
from h5py import h5o, h5p, h5t

# filter ids
DEFLATE, SHUFFLE, FLETCHER32, SCALEOFFSET = 1, 2, 3, 6
LZF, BLOSC, LZ4, BITSHUFFLE, ZSTD = 32000, 32001, 32004, 32008, 32015


# ---- the objects of a file ----------------------------------------------------

class Layout:
    """The links of a file: links {path: kind}, where kind is "group",
    "dataset", "datatype", ("soft", target) or ("external", file, target);
    paths {address: sorted paths of the object}; order {group path: its
    links as the group lists them}."""

    def __init__(self, f):
        self.links = {}
        self.paths = {}
        self.order = {}
        self._walk(f, f, set())
        for paths in self.paths.values():
            paths.sort()

    def _walk(self, f, group, seen):
        address = h5o.get_info(group.id).addr
        self.paths.setdefault(address, []).append(group.name if group.name else "/")
        if address in seen:
            return
        seen.add(address)
        names = list(group)
        self.order[group.name] = names
        for name in names:
            path = f"{group.name.rstrip('/')}/{name}"
            link = group.get(name, getlink=True)
            if isinstance(link, h5py.SoftLink):
                self.links[path] = ("soft", link.path)
                continue
            if isinstance(link, h5py.ExternalLink):
                self.links[path] = ("external", link.filename, link.path)
                continue
            obj = group[name]
            if isinstance(obj, h5py.Group):
                self.links[path] = "group"
                # the path it is reached by here, not the one HDF5 names
                self._walk(f, _named(obj, path), seen)
            else:
                self.links[path] = "dataset" if isinstance(obj, h5py.Dataset) else "datatype"
                self.paths.setdefault(h5o.get_info(obj.id).addr, []).append(path)

    def canonical(self, obj):
        """The first of the paths of obj, an object of the file"""
        return self.paths[h5o.get_info(obj.id).addr][0]

    def same_objects(self):
        """The sets of paths naming one object, for objects of more than one"""
        return {tuple(paths) for paths in self.paths.values() if len(paths) > 1}

    def objects(self):
        """{first path: object kind} of every object, the root group included"""
        kinds = {path: kind for path, kind in self.links.items() if isinstance(kind, str)}
        kinds["/"] = "group"
        return {paths[0]: kinds[paths[0]] for paths in self.paths.values()}


class _named:
    """A group reached at path, whatever name HDF5 gives it"""

    def __init__(self, group, path):
        self._group, self.name = group, path

    def __getattr__(self, name):
        return getattr(self._group, name)

    def __iter__(self):
        return iter(self._group)

    def __getitem__(self, name):
        return self._group[name]

    def get(self, name, **kwargs):
        return self._group.get(name, **kwargs)


def count_objects(path):
    """The objects of the file at path: groups (the root too), datasets and
    committed datatypes, each once whatever its number of names."""
    with h5py.File(path, "r") as f:
        return len(Layout(f).objects())


def dataset_paths(path):
    """{first path: all paths} of every dataset of the file"""
    with h5py.File(path, "r") as f:
        layout = Layout(f)
        return {paths[0]: paths for paths in layout.paths.values()
                if layout.links.get(paths[0]) == "dataset"}


# ---- types and values ------------------------------------------------------

def type_signature(tid):
    """What an HDF5 type is, as a value to compare across files"""
    cls = tid.get_class()
    if cls == h5t.INTEGER:
        return ("int", tid.get_size(), tid.get_order(), tid.get_sign())
    if cls == h5t.FLOAT:
        return ("float", tid.get_size(), tid.get_order(), tid.get_fields(), tid.get_ebias())
    if cls == h5t.STRING:
        if tid.is_variable_str():
            return ("vlen string", tid.get_cset())
        return ("string", tid.get_size(), tid.get_cset(), tid.get_strpad())
    if cls == h5t.COMPOUND:
        return ("compound", tid.get_size(), tuple(
            (tid.get_member_name(i), tid.get_member_offset(i), type_signature(tid.get_member_type(i)))
            for i in range(tid.get_nmembers())))
    if cls == h5t.ENUM:
        return ("enum", type_signature(tid.get_super()), tuple(
            (tid.get_member_name(i), tid.get_member_value(i)) for i in range(tid.get_nmembers())))
    if cls == h5t.ARRAY:
        return ("array", tid.get_array_dims(), type_signature(tid.get_super()))
    if cls == h5t.VLEN:
        return ("vlen", type_signature(tid.get_super()))
    if cls == h5t.REFERENCE:
        return ("reference", tid.get_size())
    if cls == h5t.OPAQUE:
        return ("opaque", tid.get_size(), tid.get_tag())
    return ("class", cls, tid.get_size())


def _has_references(dtype):
    if dtype.names:
        return any(_has_references(dtype.fields[name][0]) for name in dtype.names)
    return h5py.check_dtype(ref=dtype) is not None or dtype.kind == "O"


def _dereference(f, ref):
    """The object ref points at, None when HDF5 cannot dereference it"""
    try:
        return f[ref]
    except (ValueError, KeyError, RuntimeError):
        return None


def plain(f, layout, value):
    """value with every object reference replaced by the first path of the
    object it points at, every region reference by that path and the
    values it selects, and arrays holding references by nested lists, so
    that values of two files compare with same_values()."""
    if isinstance(value, h5py.RegionReference):
        if not value:
            return ("region", None)
        target = _dereference(f, value)
        if target is None:
            return ("region", "does not dereference")
        bounds = h5py.h5r.get_region(value, target.id).get_select_bounds()
        return ("region", layout.canonical(target), bounds, np.asarray(target[value]).tolist())
    if isinstance(value, h5py.Reference):
        if not value:
            return ("ref", None)
        target = _dereference(f, value)
        return ("ref", layout.canonical(target) if target is not None else "does not dereference")
    if isinstance(value, np.void) and value.dtype.names and _has_references(value.dtype):
        return tuple(plain(f, layout, value[name]) for name in value.dtype.names)
    if isinstance(value, np.ndarray) and _has_references(value.dtype):
        return [plain(f, layout, item) for item in value.reshape(-1)] + [("shape", value.shape)]
    return value


def same_values(a, b):
    """Equal values: arrays of the same dtype, shape and elements (NaN
    equal to NaN), sequences element by element, anything else by =="""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        if a.dtype.kind == "O":
            return all(same_values(x, y) for x, y in zip(a.reshape(-1), b.reshape(-1)))
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return bool(a == b)


# ---- storage -----------------------------------------------------------------

def pipeline(dset):
    """The dataset's filters: [(id, flags, cd_values)] in order"""
    dcpl = dset.id.get_create_plist()
    return [dcpl.get_filter(i)[:3] for i in range(dcpl.get_nfilters())]


def filter_ids(dset):
    return [entry[0] for entry in pipeline(dset)]


def layout_of(dset):
    return {h5d_layout: name for h5d_layout, name in (
        (h5py.h5d.COMPACT, "compact"), (h5py.h5d.CONTIGUOUS, "contiguous"),
        (h5py.h5d.CHUNKED, "chunked"))}.get(dset.id.get_create_plist().get_layout(), "other")


def storage(dset):
    """How a dataset is stored, beyond its values"""
    return {"layout": layout_of(dset), "chunks": dset.chunks, "compression": dset.compression,
            "compression_opts": dset.compression_opts, "shuffle": dset.shuffle,
            "fletcher32": dset.fletcher32, "scaleoffset": dset.scaleoffset,
            "pipeline": pipeline(dset)}


def raw_chunks(path, dataset):
    """{chunk offset: (filter mask, bytes)} of a chunked dataset, as stored"""
    with h5py.File(path, "r") as f:
        dsid = f[dataset].id
        chunks = {}
        for i in range(dsid.get_num_chunks()):
            offset = dsid.get_chunk_info(i).chunk_offset
            chunks[offset] = dsid.read_direct_chunk(offset)
        return chunks


def chunked_datasets(path):
    """The first path of every chunked dataset of the file"""
    with h5py.File(path, "r") as f:
        return sorted(first for first in dataset_paths(path) if f[first].chunks is not None)


def fill_value(dset):
    """The fill value; for variable-length data (whose fill value h5py 3.7
    crashes reading), whether one was set."""
    if h5py.check_dtype(vlen=dset.dtype) is not None or dset.dtype.kind == "O":
        return ("variable length", dset.id.get_create_plist().fill_value_defined())
    return dset.fillvalue


def _creation_order(obj):
    plist = obj.id.get_create_plist()
    flags = [plist.get_attr_creation_order()]
    if isinstance(obj, (h5py.Group, _named)):
        flags.append(plist.get_link_creation_order())
    return flags


def _tracks_attribute_order(obj):
    return bool(obj.id.get_create_plist().get_attr_creation_order() & h5p.CRT_ORDER_TRACKED)


# ---- the comparison ------------------------------------------------------------

class Files:
    """IN and OUT open, with their layouts"""

    def __init__(self, fa, fb):
        self.fa, self.fb = fa, fb
        self.la, self.lb = Layout(fa), Layout(fb)

    def compare_attributes(self, path):
        a, b = self.fa[path], self.fb[path]
        names_a, names_b = list(a.attrs), list(b.attrs)
        if _tracks_attribute_order(a):
            assert names_a == names_b, (path, "attribute order", names_a, names_b)
        assert sorted(names_a) == sorted(names_b), (path, names_a, names_b)
        for name in names_a:
            ida, idb = a.attrs.get_id(name), b.attrs.get_id(name)
            where = (path, "attribute", name)
            assert type_signature(ida.get_type()) == type_signature(idb.get_type()), where
            assert ida.dtype == idb.dtype, where
            assert ida.shape == idb.shape, where
            va = plain(self.fa, self.la, a.attrs[name])
            vb = plain(self.fb, self.lb, b.attrs[name])
            assert same_values(va, vb), (where, va, vb)

    def compare_group(self, path):
        a, b = self.fa[path], self.fb[path]
        assert _creation_order(a) == _creation_order(b), (path, "creation order settings")
        if a.id.get_create_plist().get_link_creation_order() & h5p.CRT_ORDER_TRACKED:
            assert list(a) == list(b), (path, "link order", list(a), list(b))

    def committed_type(self, layout, f, dset):
        tid = dset.id.get_type()
        if not tid.committed():
            return None
        return layout.paths[h5o.get_info(tid).addr][0]

    def compare_dataset(self, path, compare_storage):
        a, b = self.fa[path], self.fb[path]
        assert type_signature(a.id.get_type()) == type_signature(b.id.get_type()), (path, "type")
        assert a.dtype == b.dtype, (path, a.dtype, b.dtype)
        assert self.committed_type(self.la, self.fa, a) == self.committed_type(self.lb, self.fb, b), \
            (path, "committed datatype")
        assert a.shape == b.shape, (path, a.shape, b.shape)
        assert a.maxshape == b.maxshape, (path, a.maxshape, b.maxshape)
        assert same_values(fill_value(a), fill_value(b)), (path, "fill value")
        assert _creation_order(a) == _creation_order(b), (path, "creation order settings")
        if compare_storage:
            assert storage(a) == storage(b), (path, storage(a), storage(b))
        va, vb = a[()], b[()]
        if isinstance(va, np.ndarray) and _has_references(va.dtype) or \
                isinstance(va, (h5py.Reference, np.void)):
            va, vb = plain(self.fa, self.la, va), plain(self.fb, self.lb, vb)
        assert same_values(va, vb), (path, "values")


def compare_files(path_in, path_out, rewritten=()):
    """OUT holds IN's links, objects, attributes and values, as IN holds
    them; the datasets in rewritten (any of their paths) may be stored
    otherwise, every other one is stored as in IN. Returns the layout of
    IN (a Layout)."""
    with h5py.File(path_in, "r") as fa, h5py.File(path_out, "r") as fb:
        files = Files(fa, fb)
        la, lb = files.la, files.lb
        assert la.links == lb.links, _differences(la.links, lb.links)
        assert la.same_objects() == lb.same_objects(), (la.same_objects(), lb.same_objects())
        assert la.order == lb.order, "the groups list their links in another order"
        rewritten = {la.paths[h5o.get_info(fa[p].id).addr][0] for p in rewritten}
        for first, kind in la.objects().items():
            files.compare_attributes(first)
            if kind == "group":
                files.compare_group(first)
            elif kind == "datatype":
                assert isinstance(fb[first], h5py.Datatype), (first, "no longer committed")
                assert type_signature(fa[first].id) == type_signature(fb[first].id), first
            else:
                files.compare_dataset(first, compare_storage=first not in rewritten)
        return la


def _differences(a, b):
    return {"only in IN": {k: v for k, v in a.items() if k not in b},
            "only in OUT": {k: v for k, v in b.items() if k not in a},
            "other": {k: (a[k], b[k]) for k in a if k in b and a[k] != b[k]}}
