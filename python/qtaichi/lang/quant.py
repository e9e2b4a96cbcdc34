"""`ti.types.quant`: quantized types (QUANT_SPEC.md).

    qi = ti.types.quant.int(bits, signed=True, compute=None)
    qf = ti.types.quant.fixed(bits, signed=True, max_value=1.0, compute=None, scale=None)
    qe = ti.types.quant.float(exp, frac, signed=True, compute=None)

The types are the compiler's interned `_core.QuantType`s (equal parameters give the same
object) and do not belong to a program: they may be created before `ti.init()`."""
import builtins
import numbers

from qtaichi import _core
from qtaichi.lang import types
from qtaichi.lang.diagnostics import core_call, user_error
from qtaichi.lang.errors import TaichiTypeError

QuantType = _core.QuantType
QuantKind = _core.QuantKind

_UNSET = object()


def is_quant(obj):
    return isinstance(obj, _core.QuantType)


def _error(message):
    return user_error(TaichiTypeError, message)


_call = core_call


def _bits(value, what, fn):
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Integral):
        raise _error(f"quant.{fn}: {what} must be an int, got {value!r}")
    return builtins.int(value)


def _compute(compute, fn):
    if compute is None:
        return None
    t = types.resolve_dtype(compute, types.i32, types.f32)
    if t is None:
        raise _error(f"quant.{fn}: compute must be a primitive type such as ti.i32 or ti.f32, "
                     f"got {compute!r}")
    return t


def int(bits, signed=True, compute=None):  # noqa: A001 (Taichi's name)
    """A `bits`-bit two's complement (signed) or plain binary integer; wraps modulo 2^bits."""
    bits = _bits(bits, "bits", "int")
    compute = _compute(compute, "int")
    return _call(lambda: QuantType.get_int(bits, builtins.bool(signed), compute))


def fixed(bits, signed=True, max_value=_UNSET, compute=None, scale=None):
    """Fixed point: a `bits`-bit quant int of digits times `scale` (by default
    max_value / 2^(bits - signed), max_value 1.0). Give `scale` or `max_value`, not both."""
    bits = _bits(bits, "bits", "fixed")
    compute = _compute(compute, "fixed")
    if scale is not None and max_value is not _UNSET:
        raise _error("quant.fixed: give either scale or max_value, not both")
    if scale is None:
        max_value = 1.0 if max_value is _UNSET else max_value
        if not isinstance(max_value, numbers.Real):
            raise _error(f"quant.fixed: max_value must be a number, got {max_value!r}")
        scale = _call(lambda: QuantType.scale_from_max(bits, builtins.bool(signed),
                                                       builtins.float(max_value)))
    elif not isinstance(scale, numbers.Real):
        raise _error(f"quant.fixed: scale must be a number, got {scale!r}")
    return _call(lambda: QuantType.get_fixed(bits, builtins.bool(signed), builtins.float(scale),
                                             compute))


def float(exp, frac, signed=True, compute=None):  # noqa: A001 (Taichi's name)
    """A float with an `exp`-bit exponent and `frac` digit bits (the sign bit included when
    signed); implicit leading 1, no denormals, saturates instead of overflowing."""
    exp = _bits(exp, "exp", "float")
    frac = _bits(frac, "frac", "float")
    compute = _compute(compute, "float")
    return _call(lambda: QuantType.get_float(exp, frac, builtins.bool(signed), compute))


def describe(q):
    """A readable description of a quant type, for memory reports and errors."""
    sign = "" if q.is_signed() else "unsigned "
    if q.kind == QuantKind.int:
        return f"{sign}quant int{q.digits_bits}"
    if q.kind == QuantKind.fixed:
        return f"{sign}quant fixed{q.digits_bits} (scale {q.scale:g})"
    return f"{sign}quant float(exp={q.exponent_bits}, frac={q.digits_bits})"
