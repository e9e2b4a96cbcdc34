"""Structs (and tuples) crossing the kernel boundary: an argument is one scalar argument per
component; a result is one result slot per component, each holding the component's raw bits
in an unsigned integer (u32, or u64 when a component is 64-bit), so mixed member types come
back exactly."""
import typing

from qtaichi.lang import types
from qtaichi.lang.slots import from_slot
from qtaichi.lang.struct import StructType, unflatten

MAX_RESULTS = 16  # rt::kMaxResults


class TupleType(StructType):
    """`-> (ti.i32, ti.f32)` / `-> tuple[ti.i32, vec3]`: a struct with members _0, _1, ...
    whose values come back as a Python tuple."""

    def __init__(self, elements):
        super().__init__({f"_{k}": t for k, t in enumerate(elements)}, name="tuple")


def struct_annotation(ann):
    """The StructType an annotation names (a struct type, a tuple of types, `tuple[...]`), or
    None."""
    if isinstance(ann, StructType):
        return ann
    if isinstance(ann, tuple) and ann:
        return TupleType(ann)
    if typing.get_origin(ann) is tuple and typing.get_args(ann):
        return TupleType(typing.get_args(ann))
    return None


def component_types(stype, default_ip, default_fp):
    """The resolved scalar Type of every component, in StructType.leaves() order."""
    out = []
    for _, t, mt in stype.leaves():
        dtype = types.resolve_dtype(t if mt is None else (mt.dtype or float), default_ip,
                                    default_fp)
        if dtype is None:
            raise TypeError(f"struct member type {t!r} cannot cross a kernel boundary")
        out.extend([dtype] * (mt.n * mt.m if mt is not None else 1))
    return out


def result_slot_type(comp_types):
    return types.u64 if any(t.bits > 32 for t in comp_types) else types.u32


def decode_result(bits, stype, comp_types):
    values = [from_slot(b, t) for b, t in zip(bits, comp_types)]
    s = unflatten(values, stype)
    if isinstance(stype, TupleType):
        return tuple(s[f"_{k}"] for k in range(len(stype.members)))
    return s

