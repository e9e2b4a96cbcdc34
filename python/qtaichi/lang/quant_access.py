"""Quant fields, and their Python-scope access with exactly the kernel semantics.

`x[i]`, `x[i] = v`, `to_numpy`, `from_numpy` and `fill` on a quant field run small kernels built
with the IR builder (not the AST): the load, store, rounding, wrapping and shared-exponent
re-rounding are those of `lower_quant`, so Python scope can never disagree with kernel code
(QUANT_SPEC.md: "Python-scope access has exactly the same semantics as kernel code"). Taichi
does the same. The kernels are compiled on first use and cached per field:

    read_one   (i0, .., id-1) -> value          ret field[i]
    write_one  (i0, .., id-1, v)                 field[i] = v
    read_all   (out: ndarray 1-D)                for f in range(n): out[f] = field[unflatten(f)]
    write_all  (src: ndarray 1-D)                for f in range(n): field[unflatten(f)] = src[f]
    fill       (v)                               for f in range(n): field[unflatten(f)] = v

Whole-field copies go through a flat C-order 1-D array (reshaped in numpy)."""
import math
import operator

import numpy as np

from qtaichi import _core
from qtaichi.lang import types
from qtaichi.lang.errors import (CoreCompileError, CoreRuntimeError, TaichiError,
                                 TaichiTypeError, from_core_compile_error,
                                 from_core_runtime_error)
from qtaichi.lang.field import Field, _check_scalar, _error, _user_location
from qtaichi.lang.quant import describe
from qtaichi.lang.slots import MASK64, float_bits, from_slot

def _slot(value, t):
    """The 64-bit argument slot holding `value` converted to the primitive type `t` the way a
    kernel converts it (floats truncate toward zero into ints; ints wrap)."""
    if isinstance(value, np.generic):
        value = value.item()
    if t.is_float():
        return float_bits(value, t)
    if isinstance(value, float):
        if not math.isfinite(value):
            return 0  # unspecified, like an out-of-range float -> int cast in a kernel
        value = int(value)  # truncates toward zero
    return operator.index(value) & MASK64


class QuantField(Field):
    """A scalar field of a quant type (`ti.field(ti.types.quant.int(7))`). It must be placed
    through `ti.BitpackedFields` or under a `quant_array`."""

    def __init__(self, dtype, name=""):
        super().__init__(dtype, name)
        self._kernels = {}
        self._kernels_state = None

    @property
    def quant_type(self):
        return self.dtype

    @property
    def compute_type(self):
        """The primitive type kernels and Python scope see values in."""
        return self.dtype.compute_type

    def __repr__(self):
        shape = self.shape if self._node is not None else "unplaced"
        return f"<ti.field {self._label()} {describe(self.dtype)} {shape}>"

    # ---- layout ----
    def _place_under(self, parent):
        if self._node is not None:
            raise _error(TaichiError, f"field '{self._label()}' is already placed")
        if parent._node.kind != _core.SNodeKind.quant_array:
            raise _error(TaichiTypeError, f"field '{self._label()}' has the quant type "
                         f"{self.dtype}: place it through ti.BitpackedFields (bp.place(x); "
                         "ti.root.dense(ti.i, n).place(bp)) or under a quant_array")
        try:
            self._node = parent._node.place_quant(self.dtype, self.name)
        except CoreCompileError as e:
            file, line, func = _user_location()
            raise from_core_compile_error(e, func, file, line) from None
        self._state = parent._state

    def _bind_placed(self, node, state):
        """Called by BitpackedFields when it places this field as a bit-struct member."""
        self._node, self._state = node, state

    # ---- the access kernels ----
    def _kernel(self, op):
        prog, node = self._program()
        if self._kernels_state is not self._state:
            self._kernels, self._kernels_state = {}, self._state
        ck = self._kernels.get(op)
        if ck is None:
            ck = self._kernels[op] = self._build(prog, node, op)
        return prog, ck

    def _build(self, prog, node, op):
        ct = self.compute_type
        k = prog.create_kernel(f"{self._label()}_{op}")
        ndim = node.num_axes
        if op in ("read_one", "write_one"):
            for a in range(ndim):
                k.add_arg(f"i{a}", types.i32)
            if op == "write_one":
                k.add_arg("v", ct)
            else:
                k.ret_type = ct
        elif op in ("read_all", "write_all"):
            k.add_arg("a", ct, 1)
        else:  # fill
            k.add_arg("v", ct)
        b = _core.Builder(k)
        if op in ("read_one", "write_one"):
            ptr = b.global_ptr(node, [b.arg(a) for a in range(ndim)])
            if op == "read_one":
                b.ret(b.global_load(ptr))
            else:
                b.global_store(ptr, b.arg(ndim))
        else:
            n = node.num_elements
            it = types.i32 if n < 2**31 else types.i64
            loop = b.range_for(b.const_int(it, 0), b.const_int(it, n))
            b.push_block(loop.body)
            flat = b.loop_index(loop)
            index, stride = [], n
            for size in node.shape:  # C order: index[a] = (flat // stride_a) % size_a
                stride //= size
                q = b.binary(_core.BinaryOp.floordiv, flat, b.const_int(it, stride))
                index.append(b.binary(_core.BinaryOp.mod, q, b.const_int(it, size)))
            ptr = b.global_ptr(node, index)
            if op == "read_all":
                b.global_store(b.external_ptr(0, [flat]), b.global_load(ptr))
            elif op == "write_all":
                b.global_store(ptr, b.global_load(b.external_ptr(0, [flat])))
            else:
                b.global_store(ptr, b.arg(0))
            b.pop_block()
        del b
        try:
            return prog.compile(k)
        except CoreCompileError as e:
            file, line, func = _user_location()
            raise from_core_compile_error(e, func, file, line) from None

    def _launch(self, op, slots):
        prog, ck = self._kernel(op)
        try:
            return prog.launch(ck, slots)
        except CoreRuntimeError as e:  # check_quant_overflow reports
            raise from_core_runtime_error(e, f"{self._label()}.{op}") from None

    # ---- element access ----
    def __getitem__(self, key):
        index = self._indices(key)
        return from_slot(self._launch("read_one", [i & MASK64 for i in index]),
                       self.compute_type)

    def __setitem__(self, key, value):
        index = self._indices(key)
        value = _check_scalar(value, self)
        self._launch("write_one", [i & MASK64 for i in index] +
                     [_slot(value, self.compute_type)])

    # ---- whole-field copies ----
    def _np_dtype(self):
        return types.to_numpy_dtype(self.compute_type)

    def to_numpy(self, dtype=None):
        shape = self.shape
        if shape == ():
            arr = np.array(self[None], dtype=self._np_dtype())
        else:
            arr = np.empty(int(np.prod(shape)), dtype=self._np_dtype())
            self._launch("read_all", [arr.ctypes.data, arr.size])
            arr = arr.reshape(shape)
        return arr if dtype is None else arr.astype(dtype)

    def from_numpy(self, arr):
        arr = np.asarray(arr)
        shape = self.shape
        if arr.shape != shape:
            raise _error(TaichiError, f"from_numpy: the array's shape {arr.shape} does not match "
                         f"the shape {shape} of field '{self._label()}'")
        if shape == ():
            self[None] = arr.item()
            return
        # The conversion a kernel would make to the compute type: floats truncate into ints.
        with np.errstate(invalid="ignore", over="ignore"):
            flat = np.ascontiguousarray(arr.reshape(-1).astype(self._np_dtype()))
        self._launch("write_all", [flat.ctypes.data, flat.size])

    def fill(self, value):
        value = _check_scalar(value, self)
        self._launch("fill", [_slot(value, self.compute_type)])
