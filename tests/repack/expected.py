# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a repack must leave, as gdci repack's rules say, for the tool's
and the Python tests alike.

A dataset is rewritten when it is selected (no --dataset given, or
listed), numeric, chunked or contiguous, not scalar, of at least
--min-size bytes (or named in --chunk-shape, whatever its size), and its
new storage differs from its old one:
- its filters: the filter options alone when any is given (as gdci
  convert applies them), else its own;
- its chunks: its --chunk-shape, else planned at --chunk-mb when given,
  else its own when chunked, else (contiguous) planned at 10 MB when it
  gets filters, else it stays contiguous.
Everything else is copied as HDF5 copies it.

Asked holds the filter options of a repack; plan_for() tells the chunks
and filters each dataset of IN must get; check_repack() checks an OUT
against them, h5diff and structure.compare_files()."""

import os
import re
import subprocess

import h5py
import numpy as np

import structure
from structure import BITSHUFFLE, BLOSC, DEFLATE, FLETCHER32, LZ4, SHUFFLE, ZSTD

DEFAULT_MIN_SIZE = 65536
CONTIGUOUS_CHUNK_MB = 10.0
DEFAULT_LEVELS = {"gzip": 4, "gzip-fast": 1, "zstd": 3, "blosc": 5}
BLOSC_CODES = {"blosclz": 0, "lz4": 1, "lz4hc": 2, "zlib": 4, "zstd": 5}
BITSHUFFLE_INNER = {"none": 0, "lz4": 2, "zstd": 3}


class Asked:
    """The filter options of a repack. compression is None (not given),
    "none", "gzip", "gzip-fast", "zstd", "lz4" or "blosc"."""

    def __init__(self, compression=None, level=0, blosc_codec=None, shuffle=False,
                 bitshuffle=False, fletcher32=False):
        self.compression, self.level, self.blosc_codec = compression, level, blosc_codec
        self.shuffle, self.bitshuffle, self.fletcher32 = shuffle, bitshuffle, fletcher32

    @classmethod
    def from_cli(cls, method=None, shuffle=False, bitshuffle=False, fletcher32=False):
        """From the value of --compression (None: not given) and the flags"""
        asked = cls(shuffle=shuffle, bitshuffle=bitshuffle, fletcher32=fletcher32)
        if method is None:
            return asked
        parts = method.split(":")
        if parts[:2] == ["gzip", "fast"]:
            asked.compression, parts = "gzip-fast", parts[2:]
        else:
            asked.compression, parts = parts[0], parts[1:]
        if asked.compression == "blosc" and parts and not parts[0].isdigit():
            asked.blosc_codec, parts = parts[0], parts[1:]
        if parts:
            asked.level = int(parts[0])
        return asked

    @property
    def given(self):
        """Whether any filter option is given: then they replace the filters"""
        return (self.compression is not None or self.shuffle or self.bitshuffle
                or self.fletcher32)

    @property
    def kind(self):
        return self.compression or "none"

    @property
    def effective_level(self):
        return self.level or DEFAULT_LEVELS.get(self.kind, 0)

    def keywords(self):
        """Gdci.repack()'s keywords for these options"""
        kwargs = {}
        if self.compression is not None:
            kwargs["compression"] = self.compression
        if self.level:
            kwargs["compression_level"] = self.level
        if self.blosc_codec is not None:
            kwargs["blosc_codec"] = self.blosc_codec
        for name in ("shuffle", "bitshuffle", "fletcher32"):
            if getattr(self, name):
                kwargs[name] = True
        return kwargs

    def expected_filters(self, itemsize):
        """[(filter id, {index in cd_values: value})] a dataset rewritten
        with these options carries, in order"""
        filters = []
        if self.shuffle and self.kind != "blosc":
            filters.append((SHUFFLE, {0: itemsize}))
        level = self.effective_level
        if self.bitshuffle and self.kind in ("none", "lz4", "zstd"):
            # Bitshuffle's version, then element size, block size, its codec
            cd = {2: itemsize, 4: BITSHUFFLE_INNER[self.kind]}
            if self.kind == "zstd":
                cd[5] = level
            filters.append((BITSHUFFLE, cd))
        elif self.kind in ("gzip", "gzip-fast"):
            filters.append((DEFLATE, {0: level}))
        elif self.kind == "zstd":
            filters.append((ZSTD, {0: level}))
        elif self.kind == "lz4":
            filters.append((LZ4, {}))
        elif self.kind == "blosc":
            mode = 2 if self.bitshuffle else 1 if self.shuffle else 0
            filters.append((BLOSC, {2: itemsize, 4: level, 5: mode,
                                    6: BLOSC_CODES[self.blosc_codec or "lz4"]}))
        if self.fletcher32:
            filters.append((FLETCHER32, {}))
        return filters

    def key(self, itemsize):
        """The filters as pipeline_key() describes a dataset's"""
        return [(fid, cd.get(0) if fid in (DEFLATE, ZSTD) else None)
                for fid, cd in self.expected_filters(itemsize)]

    def __repr__(self):
        return f"Asked({self.keywords()})"


def pipeline_key(dset):
    """A dataset's filters, as much as a repack's options can ask of them:
    ids in order, and the level of deflate and zstd"""
    return [(fid, cd[0] if fid in (DEFLATE, ZSTD) and cd else None)
            for fid, _flags, cd in structure.pipeline(dset)]


def assert_filters(dset, asked):
    """dset carries the filters of asked, in order, with their settings"""
    found = structure.pipeline(dset)
    expected = asked.expected_filters(dset.dtype.itemsize)
    assert [entry[0] for entry in found] == [fid for fid, _ in expected], (dset.name, found, asked)
    for (fid, cd), (_, _, values) in zip(expected, found):
        for index, value in cd.items():
            assert len(values) > index and values[index] == value, (dset.name, fid, values, cd)


def rewritable(dset):
    """Numeric, chunked or contiguous, not scalar (nor empty of dataspace)"""
    return (dset.dtype.kind in "iuf" and dset.shape is not None and dset.shape != ()
            and structure.layout_of(dset) in ("chunked", "contiguous"))


class Planned:
    """What a dataset of IN must become: chunks (None: contiguous), the key
    of its filters, and whether that is a rewrite."""

    def __init__(self, chunks, key, rewritten):
        self.chunks, self.key, self.rewritten = chunks, key, rewritten

    def __repr__(self):
        return f"Planned(chunks={self.chunks}, key={self.key}, rewritten={self.rewritten})"


def plan_for(path, plan, asked=None, chunk_mb=None, chunk_shapes=None, datasets=None,
             min_size=DEFAULT_MIN_SIZE):
    """{first path: Planned} of every dataset of IN that is selected and
    rewritable. plan(dtype, shape, chunk_mb, chunk_shape) is gdci's plan's
    chunk shape (chunk_mb and chunk_shape None when not given)."""
    asked = asked or Asked()
    chunk_shapes = chunk_shapes or {}
    found = {}
    with h5py.File(path, "r") as f:
        paths = structure.dataset_paths(path)
        shapes_of = {}
        for name, shape in chunk_shapes.items():
            first = next(p for p, all_paths in paths.items() if f[name].id == f[p].id)
            shapes_of[first] = shape
        selected = None
        if datasets is not None:
            selected = {next(p for p in paths if f[name].id == f[p].id) for name in datasets}
        for first in paths:
            dset = f[first]
            if selected is not None and first not in selected:
                continue
            if not rewritable(dset):
                continue
            if first not in shapes_of and dset.size * dset.dtype.itemsize < min_size:
                continue
            itemsize = dset.dtype.itemsize
            old_key = pipeline_key(dset)
            key = asked.key(itemsize) if asked.given else old_key
            if first in shapes_of:
                shape = tuple(0 if axis is None else axis for axis in shapes_of[first])
                chunks = shape if all(shape) else plan(dset.dtype, dset.shape, chunk_mb, shape)
            elif chunk_mb is not None:
                chunks = plan(dset.dtype, dset.shape, chunk_mb, None)
            elif dset.chunks is not None:
                chunks = dset.chunks
            elif key:
                chunks = plan(dset.dtype, dset.shape, CONTIGUOUS_CHUNK_MB, None)
            else:
                chunks = None
            chunks = tuple(chunks) if chunks is not None else None
            found[first] = Planned(chunks, key, (chunks, key) != (dset.chunks, old_key))
    return found


def rewritten_of(planned):
    return {first for first, p in planned.items() if p.rewritten}


def _h5diff_exceptions(path):
    """What h5diff cannot compare in the file at path, by nature: the paths
    of its datasets of no elements (h5diff 1.10 calls them not comparable)
    and of those whose filter it cannot load (LZF: Debian's plugin of it
    does not load), which h5py compares instead"""
    empty, unreadable = set(), set()
    with h5py.File(path, "r") as f:
        for first, paths in structure.dataset_paths(path).items():
            dset = f[first]
            if dset.shape is None or dset.size == 0:
                empty.update(paths)
            if structure.LZF in structure.filter_ids(dset):
                unreadable.update(paths)
    return empty, unreadable


NOT_COMPARABLE = re.compile(r"Not comparable: <(.*)> or <(.*)> is an empty dataset")


# Under the sanitizers' pass the sanitizer runtime is preloaded into every
# process the tests start, and h5diff (a tool of HDF5's, not gdci's) can
# hang at its exit once it has loaded filter plugins; the plain pass runs it,
# and structure.compare_files() checks every object in both passes
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")


def h5diff(path_in, path_out):
    """h5diff -r IN OUT finds no difference, and compares everything but
    IN's datasets of no elements (which it says it cannot compare, and
    nothing else) and those of a filter it cannot load"""
    if SANITIZED:
        return
    empty, unreadable = _h5diff_exceptions(path_in)
    left_out = [arg for path in sorted(unreadable) for arg in ("--exclude-path", path)]
    done = subprocess.run(["h5diff", "-r", "-c", *left_out, str(path_in), str(path_out)],
                          capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    for line in output.splitlines():
        if "not comparable" not in line.lower() or line == "Some objects are not comparable":
            continue
        match = NOT_COMPARABLE.fullmatch(line)
        assert match and match[1] in empty and match[2] in empty, line
    if "Some objects are not comparable" in output:
        assert empty, output[-3000:]


def check_repack(path_in, path_out, plan, asked=None, **options):
    """OUT is IN repacked with these options: h5diff finds no difference,
    every object is as in IN, the datasets to rewrite have the chunks and
    filters asked and every other one its own storage. Returns the
    {first path: Planned} of plan_for()."""
    asked = asked or Asked()
    planned = plan_for(path_in, plan, asked, **options)
    h5diff(path_in, path_out)
    rewritten = rewritten_of(planned)
    structure.compare_files(path_in, path_out, rewritten)
    with h5py.File(path_in, "r") as fa, h5py.File(path_out, "r") as fb:
        for first in rewritten:
            a, b = fa[first], fb[first]
            expected = planned[first]
            assert b.chunks == expected.chunks, (first, b.chunks, expected)
            if asked.given:
                assert_filters(b, asked)
            else:
                # its own filters, as IN has them
                assert pipeline_key(b) == pipeline_key(a), (first, structure.pipeline(b))
            np.testing.assert_array_equal(b[()], a[()], err_msg=first)
    return planned
