"""`ti.field(dtype, shape)`: a scalar field, a quant field or (with a vector/matrix dtype) a
vector/matrix field. Above every field module, so that each of those imports only what lies
below it."""
import numpy as np

from qtaichi import _core
from qtaichi.lang import runtime, snode, types
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import TaichiError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.matrix import MatrixType
from qtaichi.lang.struct import StructType
from qtaichi.lang.quant_access import QuantField


def scalar_field(dt, name=""):
    """An unplaced field of a resolved dtype: a QuantField for a quant type (bit-level layout,
    Python-scope access through small kernels), else a Field."""
    return QuantField(dt, name) if isinstance(dt, _core.QuantType) else Field(dt, name)


def field(dtype, shape=None, name="", offset=None, needs_grad=False, **_ignored):
    """A scalar field of `dtype`. With `shape` (an int, a tuple, or `()` for a single value) it
    is placed at once in a dense level of its own; without, place it with `ti.root...place(x)`."""
    if isinstance(dtype, (MatrixType, StructType)):  # ti.field(vec2, n), ti.field(Particle, n)
        return dtype.field(shape=shape, name=name, offset=offset)
    state = runtime.get_program()
    dt = types.resolve_field_dtype(dtype, state.config.default_ip, state.config.default_fp)
    if dt is None:
        raise _error(TaichiTypeError, f"ti.field needs a data type such as ti.f32, got {dtype!r}")
    if offset is not None:
        raise _error(TaichiError, "field offsets are not supported")
    f = scalar_field(dt, name)
    if shape is None:
        return f
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if shape == ():
        snode.root.place(f)
    else:
        snode.root.dense(snode.axes(*range(len(shape))), shape).place(f)
    return f
