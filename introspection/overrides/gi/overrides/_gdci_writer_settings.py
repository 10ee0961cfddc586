"""The settings of Gdci.H5Writer from Python values: h5py's and hdmf's
compression names, levels checked against each codec's, hdf5plugin's
Blosc codec names."""

import operator

from gi.repository import GLib

from ..module import get_introspection_module

Gdci = get_introspection_module("Gdci")


_COMPRESSIONS = {
    "none": Gdci.Compression.NONE,
    "gzip": Gdci.Compression.GZIP,
    "gzip-fast": Gdci.Compression.GZIP_FAST,
    "gzip:fast": Gdci.Compression.GZIP_FAST,
    "zstd": Gdci.Compression.ZSTD,
    "lz4": Gdci.Compression.LZ4,
    "blosc": Gdci.Compression.BLOSC,
}
_COMPRESSION_NAMES = "'none' (or None), 'gzip', 'gzip-fast', 'zstd', 'lz4' or 'blosc'"

# (first, last, default) level of each codec; None: no levels
_LEVELS = {
    Gdci.Compression.GZIP: (1, 9, 4),
    Gdci.Compression.GZIP_FAST: (1, 3, 1),
    Gdci.Compression.ZSTD: (1, 22, 3),
    Gdci.Compression.BLOSC: (1, 9, 5),
}

_BLOSC_CODECS = {
    "blosclz": Gdci.BloscCodec.BLOSCLZ,
    "lz4": Gdci.BloscCodec.LZ4,
    "lz4hc": Gdci.BloscCodec.LZ4HC,
    "zlib": Gdci.BloscCodec.ZLIB,
    "zstd": Gdci.BloscCodec.ZSTD,
}


def compression(value):
    """A Gdci.Compression from h5py's and hdmf's values: "gzip" (or True),
    "gzip-fast", "zstd", "lz4", "blosc", and None (or False, or "none")."""
    if isinstance(value, Gdci.Compression):
        return value
    if value is None or value is False:
        return Gdci.Compression.NONE
    if value is True:
        return Gdci.Compression.GZIP
    if isinstance(value, str):
        if value.lower() in _COMPRESSIONS:
            return _COMPRESSIONS[value.lower()]
        raise ValueError(f"compression {value!r} is not one gdci writes: give {_COMPRESSION_NAMES}")
    raise TypeError(f"compression must be {_COMPRESSION_NAMES}, or a Gdci.Compression, not {value!r} "
                    "(give the level as compression_level)")


def compression_level(value):
    try:
        level = operator.index(value)
    except TypeError:
        raise TypeError(f"compression_level must be an integer (0 for the codec's default), "
                        f"not {value!r}") from None
    if not 0 <= level <= 22:
        raise ValueError(f"compression_level must be from 0 (the codec's default) to 22, not {level}")
    return level


def _check_level(compression, level):
    """ValueError when level (0: the default) is not one of compression's."""
    if level == 0 or compression == Gdci.Compression.NONE:
        return
    name = compression.value_nick
    if compression not in _LEVELS:
        raise ValueError(f"{name} compression has no levels: leave compression_level at 0, not {level}")
    first, last, default = _LEVELS[compression]
    if not first <= level <= last:
        raise ValueError(f"the {name} compression_level must be from {first} to {last} "
                         f"(or 0 for {default}), not {level}")


def blosc_codec(value):
    if isinstance(value, Gdci.BloscCodec):
        return value
    if isinstance(value, str) and value.lower() in _BLOSC_CODECS:
        return _BLOSC_CODECS[value.lower()]
    choices = ", ".join(repr(name) for name in _BLOSC_CODECS)
    error = ValueError if isinstance(value, str) else TypeError
    raise error(f"blosc_codec must be one of {choices} or a Gdci.BloscCodec, not {value!r}")


def n_threads(value):
    try:
        n_threads = operator.index(value)
    except TypeError:
        raise TypeError(f"n_threads must be an integer, not {value!r}") from None
    if not 0 <= n_threads <= GLib.MAXUINT32:
        raise ValueError(f"n_threads must be 0 (one thread per processor) or a number of threads, "
                         f"not {n_threads}")
    return n_threads


_MODES = {
    "create": Gdci.WriteMode.CREATE,
    "replace": Gdci.WriteMode.REPLACE,
    "fill": Gdci.WriteMode.FILL,
}


def mode(value):
    """A Gdci.WriteMode from "create", "replace" or "fill"."""
    if isinstance(value, Gdci.WriteMode):
        return value
    if isinstance(value, str) and value.lower() in _MODES:
        return _MODES[value.lower()]
    error = ValueError if isinstance(value, str) else TypeError
    raise error(f"mode must be 'create', 'replace', 'fill' or a Gdci.WriteMode, not {value!r}")


CONVERTERS = {
    "mode": mode,
    "compression": compression,
    "compression_level": compression_level,
    "blosc_codec": blosc_codec,
    "n_threads": n_threads,
}


def check(settings):
    """ValueError when the writer's settings (the converted keywords) do
    not go together."""
    _check_level(settings.get("compression", Gdci.Compression.NONE), settings.get("compression_level", 0))
    if settings.get("shuffle") and settings.get("bitshuffle"):
        raise ValueError("shuffle and bitshuffle cannot both be set: choose one")
    if settings.get("bitshuffle") and settings.get("compression") in (Gdci.Compression.GZIP,
                                                                      Gdci.Compression.GZIP_FAST):
        raise ValueError("bitshuffle goes with no compression, 'zstd', 'lz4' or 'blosc', not gzip: "
                         "use shuffle with gzip")
