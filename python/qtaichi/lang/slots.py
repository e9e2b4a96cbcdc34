"""The 64-bit argument and result slots of a launch (ir::arg_slots): Python numbers <-> bits.
Little-endian: an f32 or a narrow integer sits in a slot's low bits."""
import math
import struct

MASK64 = (1 << 64) - 1


def float_bits(value, t):
    """The slot of a float converted to the float type `t` (beyond f32's range: +-inf, as the
    conversion in a kernel gives)."""
    value = float(value)
    if t.bits == 64:
        return struct.unpack("<Q", struct.pack("<d", value))[0]
    try:
        return struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:
        return struct.unpack("<I", struct.pack("<f", math.copysign(math.inf, value)))[0]


def int_bits(value, t):
    """The slot of a number converted to the integer type `t` as a kernel converts it: ints
    wrap; floats truncate toward zero and saturate at t's range, NaN gives 0."""
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        n = t.bits
        lo, hi = (-(1 << (n - 1)), (1 << (n - 1)) - 1) if t.is_signed() else (0, (1 << n) - 1)
        value = hi if value >= hi else lo if value <= lo else int(value)
    return int(value) & MASK64


def from_slot(bits, t):
    """The Python number a slot holds for the primitive type `t`."""
    if t.is_float():
        if t.bits == 32:
            return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]
        return struct.unpack("<d", struct.pack("<Q", bits & MASK64))[0]
    n = t.bits
    v = bits & ((1 << n) - 1)
    if t.is_signed() and v >= 1 << (n - 1):
        v -= 1 << n
    return v
