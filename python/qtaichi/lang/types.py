"""Primitive data types: `ti.i32`, `ti.f32`, ... are the compiler's interned `_core.Type`s."""
from qtaichi import _core

_type = _core.Type.from_name

i8, i16, i32, i64 = _type("i8"), _type("i16"), _type("i32"), _type("i64")
u8, u16, u32, u64 = _type("u8"), _type("u16"), _type("u32"), _type("u64")
f32, f64 = _type("f32"), _type("f64")

# Taichi's long spellings.
int8, int16, int32, int64 = i8, i16, i32, i64
uint8, uint16, uint32, uint64 = u8, u16, u32, u64
float32, float64 = f32, f64

all_types = (i8, i16, i32, i64, u8, u16, u32, u64, f32, f64)
integer_types = (i8, i16, i32, i64, u8, u16, u32, u64)
float_types = (f32, f64)

DataType = _core.Type


class _Bool:
    """`ti.u1`, Taichi's boolean: stored as a u8 holding 0 or 1. Converting a value to it
    (`ti.cast(x, ti.u1)`, `ti.u1(x)`, an annotation, a struct member) gives `x != 0`."""

    def __repr__(self):
        return "ti.u1"


u1 = _Bool()


def is_dtype(obj):
    return isinstance(obj, _core.Type) or obj is u1


def resolve_dtype(obj, default_ip, default_fp):
    """The Type that `obj` (a Type, or Python `int`/`float` meaning the defaults) names; None if
    `obj` names no type."""
    if isinstance(obj, _core.Type):
        return obj
    if obj is u1:
        return u8
    if obj is int:
        return default_ip
    if obj is float:
        return default_fp
    return None


def resolve_field_dtype(obj, default_ip, default_fp):
    """Like resolve_dtype, and a quant type (`ti.types.quant.*`) names itself: what a field may
    hold."""
    if isinstance(obj, _core.QuantType):
        return obj
    return resolve_dtype(obj, default_ip, default_fp)


def int_range(dtype):
    """(min, max) of an integer type."""
    bits = dtype.bits
    if dtype.is_signed():
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def to_numpy_dtype(dtype):
    import numpy as np

    return np.dtype(_core.numpy_dtype_name(dtype))
