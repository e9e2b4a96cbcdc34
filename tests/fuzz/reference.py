"""The documented semantics (docs/semantics.md) on host values, written independently of the
compiler: Python ints wrapped to their width, numpy f32/f64 for IEEE rounding. The fuzzer's
programs are evaluated with these functions and compared with what the compiled kernels give.

A value is a (type name, Python int | numpy float) pair; type names are the ten primitives."""
import math

import numpy as np

INTS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
FLOATS = ["f32", "f64"]
TYPES = INTS + FLOATS
NP = {"f32": np.float32, "f64": np.float64}


def bits(t):
    return int(t[1:])


def signed(t):
    return t[0] == "i"


def is_float(t):
    return t[0] == "f"


def int_range(t):
    n = bits(t)
    return (-(1 << (n - 1)), (1 << (n - 1)) - 1) if signed(t) else (0, (1 << n) - 1)


def wrap(v, t):
    n = bits(t)
    v &= (1 << n) - 1
    if signed(t) and v >> (n - 1):
        v -= 1 << n
    return v


def round_int_to_float(v, t):
    """An exact integer rounded once (to nearest, ties to even) to f32/f64."""
    p = 24 if t == "f32" else 53
    if v == 0:
        return NP[t](0.0)
    neg, m = v < 0, abs(v)
    shift = m.bit_length() - p
    if shift > 0:
        q, r = divmod(m, 1 << shift)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
        m = q << shift
    with np.errstate(over="ignore"):
        f = NP[t](float(m)) if m < 2**1023 else NP[t](math.inf)
    return -f if neg else f


def convert(value, frm, to):
    """ti.cast semantics: ints wrap, floats round once, float -> int truncates and saturates
    (NaN -> 0)."""
    if frm == to:
        return value
    if not is_float(frm) and not is_float(to):
        return wrap(value, to)
    if not is_float(frm):
        return round_int_to_float(value, to)
    if is_float(to):
        with np.errstate(over="ignore"):
            return NP[to](value)
    if math.isnan(value):
        return 0
    lo, hi = int_range(to)
    if math.isinf(value):
        return hi if value > 0 else lo
    return min(max(int(np.trunc(float(value))), lo), hi)


def promote(a, b):
    if is_float(a) or is_float(b):
        return "f64" if "f64" in (a, b) else "f32"
    if bits(a) != bits(b):
        return a if bits(a) > bits(b) else b
    return a if not signed(a) else b  # at equal width the unsigned type wins


def truthy(v, t):
    return bool(v != 0) if not is_float(t) else not (v == 0)  # NaN is true


def py_divmod_float(a, b, t):
    """Python's float // and % in the operands' precision (CPython's float divmod)."""
    f = NP[t]
    if b == 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            return f(a / b), f(math.nan)
    with np.errstate(invalid="ignore"):
        m = f(np.fmod(a, b))
        div = f((a - m) / b)
    if m != 0 or math.isnan(m):
        if (b < 0) != (m < 0):
            m = f(m + b)
            div = f(div - f(1))
    else:
        m = f(math.copysign(0.0, b))
    if div != 0:
        fd = f(np.floor(div))
        if f(div - fd) > f(0.5):
            fd = f(fd + f(1))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            fd = f(math.copysign(0.0, f(a / b)))
    return fd, m


def int_divmod(a, b, t):
    """Integer // and %: Python's rounding, by zero gives 0, MIN // -1 wraps."""
    if b == 0:
        return 0, 0
    q = a // b
    return wrap(q, t), wrap(a - q * b, t)


def ipow(a, e, t):
    if e < 0:
        if a == 1:
            return 1
        if a == -1:
            return -1 if e & 1 else 1
        return 0
    return wrap(pow(a, e, 1 << bits(t)), t)


def binary(op, a, ta, b, tb, default_fp="f32"):
    """(value, type) of `a op b` with the frontend's promotion."""
    if op in ("<<", ">>"):
        amount = b & (bits(ta) - 1)
        if op == "<<":
            return wrap(a << amount, ta), ta
        if signed(ta):
            return wrap(a >> amount, ta), ta
        return wrap((a & ((1 << bits(ta)) - 1)) >> amount, ta), ta
    if op in ("and", "or"):
        x, y = truthy(a, ta), truthy(b, tb)
        return int(x and y if op == "and" else x or y), "i32"
    if op == "/" and not is_float(ta) and not is_float(tb):
        a, ta = convert(a, ta, default_fp), default_fp
        b, tb = convert(b, tb, default_fp), default_fp
    t = promote(ta, tb)
    a, b = convert(a, ta, t), convert(b, tb, t)
    if op in ("<", "<=", ">", ">=", "==", "!="):
        r = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]
        return int(bool(r)), "i32"
    if is_float(t):
        f = NP[t]
        with np.errstate(all="ignore"):
            if op == "+": return f(a + b), t
            if op == "-": return f(a - b), t
            if op == "*": return f(a * b), t
            if op == "/": return f(a / b), t
            if op == "//": return py_divmod_float(a, b, t)[0], t
            if op == "%": return py_divmod_float(a, b, t)[1], t
            if op == "min": return f(np.fmin(a, b)), t
            if op == "max": return f(np.fmax(a, b)), t
        raise ValueError(op)
    if op == "+": return wrap(a + b, t), t
    if op == "-": return wrap(a - b, t), t
    if op == "*": return wrap(a * b, t), t
    if op == "//": return int_divmod(a, b, t)[0], t
    if op == "%": return int_divmod(a, b, t)[1], t
    if op == "**": return ipow(a, b, t), t
    if op == "&": return wrap(a & b, t), t
    if op == "|": return wrap(a | b, t), t
    if op == "^": return wrap(a ^ b, t), t
    if op == "min": return min(a, b), t
    if op == "max": return max(a, b), t
    raise ValueError(op)


def round_half_away(x, t):
    f = NP[t]
    if not math.isfinite(x):
        return x
    r = f(np.trunc(x))
    if abs(f(x - r)) >= 0.5:
        r = f(r + f(math.copysign(1.0, x)))
    return f(math.copysign(float(r), float(x))) if r == 0 else r


def unary(op, a, t, default_fp="f32"):
    if op in ("sqrt", "floor", "ceil", "round") and not is_float(t):
        a, t = convert(a, t, default_fp), default_fp
    if op == "-":
        return (NP[t](-a) if is_float(t) else wrap(-a, t)), t
    if op == "~":
        return wrap(~a, t), t
    if op == "not":
        return int(not truthy(a, t)), "i32"
    if op == "abs":
        return (NP[t](abs(a)) if is_float(t) else wrap(abs(a), t)), t
    with np.errstate(invalid="ignore"):
        if op == "sqrt": return NP[t](np.sqrt(a)), t
        if op == "floor": return NP[t](np.floor(a)), t
        if op == "ceil": return NP[t](np.ceil(a)), t
    if op == "round":
        return round_half_away(a, t), t
    raise ValueError(op)


def same(x, y, t):
    """Equal values: floats bit for bit except that NaNs are equal and -0 == +0."""
    if is_float(t):
        x, y = NP[t](x), NP[t](y)
        return (math.isnan(x) and math.isnan(y)) or x == y
    return int(x) == int(y)
