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
import operator

import numpy as np

from qtaichi import _core
from qtaichi.lang import types
from qtaichi.lang.diagnostics import at_user_line
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import (CoreRuntimeError, TaichiError, TaichiTypeError,
                                 from_core_runtime_error)
from qtaichi.lang.field import Field, _check_scalar
from qtaichi.lang.quant import describe
from qtaichi.lang.slots import MASK64, float_bits, from_slot, int_bits

def _slot(value, t):
    """The 64-bit argument slot holding `value` converted to the primitive type `t` the way a
    kernel converts it."""
    if isinstance(value, np.generic):
        value = value.item()
    if t.is_float():
        return float_bits(value, t)
    if not isinstance(value, float):
        value = operator.index(value)  # a bool or an integer; anything else is a TypeError
    return int_bits(value, t)


def _as_compute(arr, t):
    """A numpy array converted to the compute type `t` the way a kernel converts values."""
    dtype = types.to_numpy_dtype(t)
    if not t.is_float() and arr.dtype.kind == "f":
        lo, hi = types.int_range(t)
        arr = np.nan_to_num(arr, nan=0.0)
        # Clip in float64 first: the bounds of a 64-bit type round up, so saturate separately.
        top, bottom = arr >= float(hi), arr <= float(lo)
        with np.errstate(invalid="ignore", over="ignore"):
            out = np.clip(arr, lo, hi).astype(dtype)
        out[top], out[bottom] = hi, lo
        return out
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(dtype)


def shared_vector(fields):
    """True when `fields` (a vector/matrix field's components) are quant members of one
    shared-exponent group: Python scope then writes them together, as one kernel assignment."""
    group = getattr(fields[0], "_shared_group", None)
    return len(fields) > 1 and group is not None and all(
        getattr(f, "_shared_group", None) is group for f in fields)


def write_vector(fields, key, values):
    first = fields[0]
    index = first._indices(key)
    slots = [i & MASK64 for i in index] + [_slot(_check_scalar(v, f), f.compute_type)
                                           for f, v in zip(fields, values)]
    first._launch("write_one", slots, group=fields)


def fill_vector(fields, values):
    fields[0]._launch("fill", [_slot(_check_scalar(v, f), f.compute_type)
                               for f, v in zip(fields, values)], group=fields)


def from_numpy_vector(fields, flat):
    """`flat` has the field's shape plus one axis of len(fields) components."""
    first = fields[0]
    arr = np.ascontiguousarray(_as_compute(flat.reshape(-1, len(fields)), first.compute_type))
    first._launch("write_all", [arr.ctypes.data, arr.size], group=fields)


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
        with at_user_line():
            self._node = parent._node.place_quant(self.dtype, self.name)
        self._state = parent._state

    def _bind_placed(self, node, state):
        """Called by BitpackedFields when it places this field as a bit-struct member."""
        self._node, self._state = node, state

    # ---- the access kernels ----
    def _kernel(self, op, group=None):
        prog, node = self._program()
        if self._kernels_state is not self._state:
            self._kernels, self._kernels_state = {}, self._state
        key = (op, len(group)) if group else op
        ck = self._kernels.get(key)
        if ck is None:
            ck = self._kernels[key] = self._build(prog, node, op, group)
        return prog, ck

    def _build(self, prog, node, op, group=None):
        """The access kernel `op`; with `group` (the fields of one shared-exponent vector, this
        one first) a write stores every component in one assignment (one store group), the
        values in order (write_one, fill) or interleaved in one flat array (write_all)."""
        ct = self.compute_type
        nodes = [f._node for f in group] if group else [node]
        c = len(nodes)
        k = prog.create_kernel(f"{self._label()}_{op}" + (f"_group{c}" if group else ""))
        ndim = node.num_axes
        if op in ("read_one", "write_one"):
            for a in range(ndim):
                k.add_arg(f"i{a}", types.i32)
            if op == "write_one":
                for v in range(c):
                    k.add_arg(f"v{v}", ct)
            else:
                k.ret_type = ct
        elif op in ("read_all", "write_all"):
            k.add_arg("a", ct, 1)
        else:  # fill
            for v in range(c):
                k.add_arg(f"v{v}", ct)
        b = _core.Builder(k)

        def store_all(index, value_of):
            b.begin_store_group()
            for comp, nd in enumerate(nodes):
                b.global_store(b.global_ptr(nd, index), value_of(comp))
            b.end_store_group()

        if op in ("read_one", "write_one"):
            index = [b.arg(a) for a in range(ndim)]
            if op == "read_one":
                b.ret(b.global_load(b.global_ptr(node, index)))
            else:
                store_all(index, lambda comp: b.arg(ndim + comp))
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
            if op == "read_all":
                b.global_store(b.external_ptr(0, [flat]), b.global_load(b.global_ptr(node, index)))
            elif op == "write_all":
                def element(comp):
                    at = b.binary(_core.BinaryOp.add,
                                  b.binary(_core.BinaryOp.mul, flat, b.const_int(it, c)),
                                  b.const_int(it, comp)) if c > 1 else flat
                    return b.global_load(b.external_ptr(0, [at]))
                store_all(index, element)
            else:
                store_all(index, lambda comp: b.arg(comp))
            b.pop_block()
        with at_user_line():
            return prog.compile(k)

    def _launch(self, op, slots, group=None):
        prog, ck = self._kernel(op, group)
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
        flat = np.ascontiguousarray(_as_compute(arr.reshape(-1), self.compute_type))
        self._launch("write_all", [flat.ctypes.data, flat.size])

    def fill(self, value):
        value = _check_scalar(value, self)
        self._launch("fill", [_slot(value, self.compute_type)])
