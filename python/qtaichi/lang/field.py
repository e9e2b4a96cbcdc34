"""Scalar fields and their Python-scope access (`ti.field` itself is lang/fields.py)."""
import operator

import numpy as np

from qtaichi import _core
from qtaichi.lang import types
from qtaichi.lang.diagnostics import at_user_line
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import TaichiError, TaichiIndexError, TaichiTypeError
from qtaichi.lang.memory import node_bits_per_element, node_nbytes
from qtaichi.lang.snode import SNode


class Field:
    """A scalar field. Created by `ti.field`; usable once placed in a layout tree."""

    def __init__(self, dtype, name=""):
        if type(self) is Field and isinstance(dtype, _core.QuantType):
            raise _error(TaichiTypeError, "a field of a quant type is made by ti.field(...) (a "
                         "QuantField), not by Field(...)")
        self.dtype = dtype
        self.name = name
        self._node = None  # the _core.SNode place node, once placed
        self._state = None

    # ---- layout ----
    def _place_under(self, parent):
        if self._node is not None:
            raise _error(TaichiError, f"field '{self._label()}' is already placed")
        with at_user_line():
            self._node = parent._node.place(self.dtype, self.name)
        self._state = parent._state

    def _label(self):
        if self.name:
            return self.name
        if self._node is None:
            return "<unplaced>"
        if self._state is not None and not self._state.alive:
            return "<unnamed>"  # the C++ node is gone with its program: never touch it
        return str(self._node)

    def _core_node(self):
        """The place node, checking the field is placed and its program alive."""
        if self._node is None:
            raise _error(TaichiError, f"field '{self._label()}' has not been placed: give it a "
                         "shape or place it with ti.root.dense(...).place(x)")
        self._state.check_alive(f"field '{self._label()}'")
        return self._node

    def _program(self):
        node = self._core_node()
        return self._state.core, node

    @property
    def shape(self):
        return tuple(self._core_node().shape)

    @property
    def snode(self):
        """The field's place node (Taichi's `x.snode`: for ti.get_addr and layout queries)."""
        return SNode(self._state, self._core_node())

    def snode_shape(self):
        return self.shape

    @property
    def bits_per_element(self):
        """Storage bits per element (quant fields: their bits in the container word)."""
        return node_bits_per_element(self._core_node())

    @property
    def nbytes(self):
        """Bytes of storage this field takes (see lang/memory.py for bit-level fields)."""
        return node_nbytes(self._core_node())

    def __repr__(self):
        shape = self.shape if self._node is not None else "unplaced"
        return f"<ti.field {self._label()} {self.dtype} {shape}>"

    # ---- element access ----
    def _indices(self, key):
        node = self._core_node()
        if key is None:
            key = ()
        elif not isinstance(key, tuple):
            key = (key,)
        try:
            index = [operator.index(k) for k in key]
        except TypeError:
            raise _error(TaichiTypeError, f"field '{self._label()}' must be indexed by "
                         f"integers, got {key!r}") from None
        if len(index) != node.num_axes:
            n, got = node.num_axes, len(index)
            raise _error(TaichiIndexError, f"field '{self._label()}' has {n} "
                         f"ind{'ex' if n == 1 else 'ices'}, but {got} "
                         f"{'was' if got == 1 else 'were'} given")
        for axis, (i, n) in enumerate(zip(index, node.shape)):
            if not 0 <= i < n:  # checked here too: huge ints would not reach C++ as int64
                raise _error(TaichiIndexError, f"index {i} is out of range [0, {n}) on axis "
                             f"{axis} of field '{self._label()}'")
        return index

    def __getitem__(self, key):
        index = self._indices(key)
        prog, node = self._program()
        try:
            return _core.read_element(prog, node, index)
        except IndexError as e:
            raise _error(TaichiIndexError, str(e)) from None

    def __setitem__(self, key, value):
        index = self._indices(key)
        prog, node = self._program()
        value = _check_scalar(value, self)
        try:
            _core.write_element(prog, node, index, value)
        except IndexError as e:
            raise _error(TaichiIndexError, str(e)) from None

    # ---- whole-field copies ----
    def to_numpy(self, dtype=None):
        prog, node = self._program()
        arr = _core.field_to_numpy(prog, node)
        return arr if dtype is None else arr.astype(dtype)

    def from_numpy(self, arr):
        prog, node = self._program()
        arr = np.asarray(arr)
        if arr.shape != self.shape:
            raise _error(TaichiError, f"from_numpy: the array's shape {arr.shape} does not match "
                         f"the shape {self.shape} of field '{self._label()}'")
        # np.require keeps a 0-d array 0-d (ascontiguousarray would make it 1-d).
        arr = np.require(arr, dtype=types.to_numpy_dtype(self.dtype), requirements="C")
        _core.field_from_numpy(prog, node, arr)

    def fill(self, value):
        prog, node = self._program()
        value = _check_scalar(value, self)
        _core.field_fill(prog, node, value)

    def copy_from(self, other):
        self.from_numpy(other.to_numpy())


def _check_scalar(value, field):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return value
    raise _error(TaichiTypeError, f"field '{field._label()}' holds {field.dtype} scalars, "
                 f"got {type(value).__name__} {value!r}")
