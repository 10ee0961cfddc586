# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gdci.GenericDataChunkIterator against hdmf's class where hdmf's own
tests found them apart: the registration as hdmf's
AbstractDataChunkIterator, in either import order."""

import os
import subprocess
import sys

import numpy as np
from gi.repository import Gdci
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
from hdmf.data_utils import GenericDataChunkIterator as HdmfGenericDataChunkIterator

ARRAY = np.random.default_rng(11).integers(-100, 100, size=(600, 40), dtype="int16")


class ArrayMixin:
    """Over ARRAY, or another array; any other argument, positional too,
    goes to the base class."""

    def __init__(self, *args, array=ARRAY, **kwargs):
        self.array = array
        super().__init__(*args, **kwargs)

    def _get_data(self, selection):
        return self.array[selection]

    def _get_maxshape(self):
        return self.array.shape

    def _get_dtype(self):
        return self.array.dtype


class HdmfIterator(ArrayMixin, HdmfGenericDataChunkIterator):
    pass


class DropInIterator(ArrayMixin, Gdci.GenericDataChunkIterator):
    pass


def outcome(make, *args, **kwargs):
    """What make(*args, **kwargs) returned, or the type and text of what it raised."""
    try:
        return make(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - compared
        return type(error), str(error)


# ---- registered as hdmf's AbstractDataChunkIterator -------------------------

def run_python(script):
    """script in a new interpreter, with the overrides of this build: its
    output, once it succeeded."""
    helpers = os.path.dirname(__file__)
    result = subprocess.run([sys.executable, "-c", f"import sys\nsys.path.insert(0, {helpers!r})\n{script}"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_registered_when_hdmf_is_imported_after_gdci():
    assert run_python("""
from gi.repository import Gdci
from overrides_helpers import NumpyIterator
assert "hdmf" not in sys.modules   # Gdci does not import hdmf
import hdmf.data_utils as du
assert issubclass(Gdci.GenericDataChunkIterator, du.AbstractDataChunkIterator)
assert issubclass(NumpyIterator, du.AbstractDataChunkIterator)   # defined before hdmf's import
# hdmf.data_utils as without gdci: its own loader; and no finder left behind
assert type(du.__loader__).__name__ == "SourceFileLoader", du.__loader__
assert du.__spec__.loader is du.__loader__
assert not [f for f in sys.meta_path if type(f).__module__ == "gi.overrides._gdci_hdmf"], sys.meta_path
import numpy as np
it = NumpyIterator(np.zeros((4, 4), "int8"))
assert isinstance(it, du.AbstractDataChunkIterator) and isinstance(next(it), du.DataChunk)
print("ok")
""") == "ok\n"


def test_registered_when_hdmf_is_imported_first():
    assert run_python("""
import hdmf.data_utils as du
from gi.repository import Gdci
assert issubclass(Gdci.GenericDataChunkIterator, du.AbstractDataChunkIterator)
assert not [f for f in sys.meta_path if type(f).__module__ == "gi.overrides._gdci_hdmf"], sys.meta_path
print("ok")
""") == "ok\n"


def test_registered_by_the_first_iterator():
    """Without an import of hdmf by the program, the first iterator imports
    it (for its DataChunk), and the drop-in is registered."""
    assert run_python("""
from gi.repository import Gdci
from overrides_helpers import NumpyIterator
import numpy as np
chunk = next(NumpyIterator(np.zeros((4, 4), "int8")))
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
assert type(chunk) is DataChunk
assert issubclass(Gdci.GenericDataChunkIterator, AbstractDataChunkIterator)
print("ok")
""") == "ok\n"


def test_registered_here():
    assert issubclass(Gdci.GenericDataChunkIterator, AbstractDataChunkIterator)
    assert isinstance(DropInIterator(), AbstractDataChunkIterator)
    assert isinstance(next(DropInIterator()), DataChunk)
