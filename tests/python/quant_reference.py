"""A reference implementation of QUANT_SPEC.md in plain Python/numpy, written from the spec (and
docs/quant.md's decisions), independent of the C++ codecs. Values are stored as Python ints /
floats; `store` takes a value already converted to the field's compute type (as a kernel or
Python scope does) and returns the stored representation, `load` returns the value read back.

Types are described by small tuples so the tests can make random layouts:
    ("int", bits, signed)      ("fixed", bits, signed, scale)      ("float", exp, frac, signed)
"""
import math

import numpy as np


def f32(x):
    return float(np.float32(x))


def wrap(v, bits, signed):
    v &= (1 << bits) - 1
    if signed and v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def round_half_away(x):
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def is_pow2(s):
    m, _ = math.frexp(s)
    return m == 0.5


# ---- quant int / fixed ----
def int_store(t, v):
    _, bits, signed = t
    return wrap(int(v), bits, signed)


def fixed_digits(t, v):
    """round-half-away(v / scale), computed in f64 as v * (1 / scale) (Taichi's way; see
    docs/quant.md), kept in range for the conversion, then wrapped."""
    _, bits, signed, scale = t
    x = float(v) * (1.0 / scale)
    if math.isnan(x):
        return 0  # NaN stores digits 0 (docs/quant.md)
    x = min(max(x, -2.0**62), 2.0**62)
    return wrap(int(round_half_away(x)), bits, signed)


def fixed_load(t, digits):
    _, bits, signed, scale = t
    return f32(digits * scale)  # f64 product rounded once to f32 (exact for 2^k scales)


# ---- quant float ----
def float_params(t):
    _, exp, frac, signed = t
    d = frac - (1 if signed else 0)
    bias = (1 << (exp - 1)) - 1
    emax = min((1 << exp) - 1, 127 + bias)  # exp = 8: 254, the largest finite f32 exponent
    return d, bias, emax


def float_store(t, v):
    """(E, signed magnitude digits) of value v (an f32) in a non-shared quant float."""
    _, exp, frac, signed = t
    d, bias, emax = float_params(t)
    v = f32(v)
    if not signed and v < 0:
        return 0, 0  # docs/quant.md: unsigned quant floats store negatives as 0
    neg, m = v < 0, abs(v)
    if m == 0 or math.isnan(m):
        return 0, 0
    if math.isinf(m):
        return emax, ((1 << d) - 1, neg)
    fm, fe = math.frexp(m)  # m = fm * 2^fe, fm in [0.5, 1)
    e = fe - 1
    q = math.floor(m * 2.0**(d - e) + 0.5)  # round to nearest, half up, d fraction bits
    if q == 1 << (d + 1):  # a carry out of the mantissa bumps the exponent
        q, e = 1 << d, e + 1
    big_e = e + bias
    if big_e < 1 or fe <= -126:  # below the range (f32 denormals included): flush to 0
        return 0, 0
    if big_e > emax:  # too large: saturate with the sign kept
        return emax, ((1 << d) - 1, neg)
    return big_e, (q - (1 << d), neg)


def float_value(t, stored):
    d, bias, emax = float_params(t)
    big_e, digits = stored
    if big_e == 0:
        return 0.0
    mant, neg = digits
    v = (1 + mant / 2.0**d) * 2.0**(big_e - bias)
    return f32(-v if neg else v)


def float_roundtrip(t, v):
    return float_value(t, float_store(t, v))


# ---- shared exponent ----
def exponent_of(t, v):
    """The quant exponent E of a value (0 for zero and f32 denormals)."""
    _, bias, _ = float_params(t)
    v = f32(v)
    if v == 0 or abs(v) < 2.0**-126:
        return 0
    _, fe = math.frexp(abs(v))
    return fe - 1 + bias


def shared_store(types_, values):
    """Stores a whole group: (E, [(D, neg)]) with the group exponent the largest of the
    values' exponents, clamped to the range, every member re-rounded to it (carry clamped)."""
    vals = []
    for t, v in zip(types_, values):
        v = f32(v)
        if math.isnan(v):
            v = 0.0  # NaN stores 0 (docs/quant.md)
        elif math.isinf(v):  # saturates like a value above the range
            v = math.copysign(3.4028234663852886e38, v)
        if not t[3] and v < 0:
            v = 0.0  # unsigned: negatives store as 0
        vals.append(v)
    _, bias, emax = float_params(types_[0])
    big_e = max([exponent_of(t, v) for t, v in zip(types_, vals)] + [0])
    big_e = min(big_e, emax)
    out = []
    for t, v in zip(types_, vals):
        d, _, _ = float_params(t)
        if big_e == 0 or abs(v) < 2.0**-126:  # zero, or an f32 denormal
            out.append((0, False))
            continue
        step = 2.0**(big_e - bias + 1 - d)
        q = min(math.floor(abs(v) / step + 0.5), (1 << d) - 1)
        out.append((q, v < 0 and q != 0))
    return big_e, out


def shared_value(t, big_e, member):
    d, bias, _ = float_params(t)
    q, neg = member
    if big_e == 0 or q == 0:
        return 0.0
    v = q * 2.0**(big_e - bias + 1 - d)
    if v < 2.0**-126:
        return 0.0  # rebuilt f32s have no denormals (docs/quant.md)
    return f32(-v if neg else v)


def shared_write(types_, current, index, value):
    """Group values after writing `value` to member `index` (the others keep their current,
    decoded values and are re-rounded)."""
    vals = list(current)
    vals[index] = value
    big_e, members = shared_store(types_, vals)
    return [shared_value(t, big_e, m) for t, m in zip(types_, members)]


# ---- one value through a member, by type ----
def roundtrip(t, v):
    """What reading a (non-shared) member returns after storing v (already in the compute
    type: an int for int types, an f32 for fixed and float)."""
    kind = t[0]
    if kind == "int":
        return int_store(t, v)
    if kind == "fixed":
        return fixed_load(t, fixed_digits(t, f32(v)))
    return float_roundtrip(t, v)


def storage_bits(t):
    return t[1] if t[0] in ("int", "fixed") else t[1] + t[2]
