import math

import numpy as np
import pytest

import qtaichi as ti

NP = {ti.i8: np.int8, ti.i16: np.int16, ti.i32: np.int32, ti.i64: np.int64, ti.u8: np.uint8,
      ti.u16: np.uint16, ti.u32: np.uint32, ti.u64: np.uint64, ti.f32: np.float32,
      ti.f64: np.float64}


def int_pairs():
    return [(a, b) for a in range(-9, 10) for b in range(-4, 5) if b != 0]


@pytest.mark.parametrize("dtype", [ti.i8, ti.i16, ti.i32, ti.i64])
def test_int_floordiv_and_mod_follow_python(dtype):
    pairs = int_pairs()
    n = len(pairs)
    a, b, q, r = (ti.field(dtype, shape=n) for _ in range(4))
    a.from_numpy(np.array([p[0] for p in pairs]))
    b.from_numpy(np.array([p[1] for p in pairs]))

    @ti.kernel
    def divmod_():
        for i in a:
            q[i] = a[i] // b[i]
            r[i] = a[i] % b[i]

    divmod_()
    assert q.to_numpy().tolist() == [x // y for x, y in pairs]
    assert r.to_numpy().tolist() == [x % y for x, y in pairs]


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64])
def test_float_floordiv_and_mod_follow_python(dtype):
    av = np.array([-7.5, 7.5, -7.5, 7.5, 5.25, -0.5], NP[dtype])
    bv = np.array([2.0, -2.0, -2.0, 2.0, 0.5, 3.0], NP[dtype])
    a, b, q, r = (ti.field(dtype, shape=len(av)) for _ in range(4))
    a.from_numpy(av)
    b.from_numpy(bv)

    @ti.kernel
    def divmod_():
        for i in a:
            q[i] = a[i] // b[i]
            r[i] = a[i] % b[i]

    divmod_()
    np.testing.assert_array_equal(q.to_numpy(), np.floor_divide(av, bv))
    np.testing.assert_allclose(r.to_numpy(), np.mod(av, bv), rtol=1e-6)


def test_int_division_by_zero_gives_zero():
    @ti.kernel
    def k(a: ti.i32, b: ti.i32) -> ti.i32:
        return a // b + a % b

    assert k(7, 0) == 0


def test_truediv_of_ints_is_float():
    @ti.kernel
    def k(a: ti.i32, b: ti.i32) -> ti.f32:
        return a / b

    assert k(7, 2) == 3.5
    assert k(-1, 4) == -0.25


def test_promotion():
    r64 = ti.field(ti.i64, shape=4)
    f64 = ti.field(ti.f64, shape=2)
    f32 = ti.field(ti.f32, shape=1)

    @ti.kernel
    def k(big: ti.i32, wide: ti.i64, u: ti.u32, s: ti.i32, x: ti.f32, y: ti.f64):
        r64[0] = big + wide        # i32 + i64 -> i64: no wrap at 32 bits
        r64[1] = u - s             # u32 - i32 -> u32: wraps to 2**32 - 1
        r64[2] = u * 0 - 1         # still u32
        r64[3] = s * 0 - 1         # i32: -1
        f64[0] = x + y             # f32 + f64 -> f64
        f64[1] = s + 0.5           # i32 + float literal -> f32
        f32[0] = s + x

    k(2**31 - 1, 10, 0, 1, 0.0, 0.1)
    assert r64.to_numpy().tolist() == [2**31 + 9, 2**32 - 1, 2**32 - 1, -1]
    assert f64[0] == 0.1
    assert f64[1] == 1.5
    assert f32[0] == 1.0


def test_shifts():
    r = ti.field(ti.i64, shape=6)

    @ti.kernel
    def k(one: ti.i32, neg: ti.i32, top: ti.u32):
        r[0] = one << 4
        r[1] = one << 31            # wraps in i32
        r[2] = one << 33            # shift amount wraps to the width: 1 << 1
        r[3] = neg >> 2             # arithmetic on signed
        r[4] = top >> 4             # logical on unsigned
        r[5] = ti.cast(one, ti.i64) << 40

    k(1, -16, 0x80000000)
    assert r.to_numpy().tolist() == [16, -2**31, 2, -4, 0x08000000, 2**40]


def test_bit_ops():
    @ti.kernel
    def k(a: ti.i32, b: ti.i32) -> ti.i32:
        return ((a & b) << 16) | ((a | b) << 8) | (a ^ b) | (~a & 0)

    a, b = 0b1100, 0b1010
    assert k(a, b) == ((a & b) << 16) | ((a | b) << 8) | (a ^ b)

    @ti.kernel
    def inv(a: ti.i32) -> ti.i32:
        return ~a

    assert inv(5) == -6


def test_comparisons_yield_0_or_1():
    r = ti.field(ti.i32, shape=9)

    @ti.kernel
    def k(a: ti.i32, b: ti.f32):
        r[0] = a < b
        r[1] = a <= b
        r[2] = a > b
        r[3] = a >= b
        r[4] = a == b
        r[5] = a != b
        r[6] = 0 < a < 5          # chained
        r[7] = 0 < a < 2
        r[8] = (a > 0 and b > 10) + (a > 0 or b > 10) * 2 + (not a) * 4

    k(3, 3.0)
    assert r.to_numpy().tolist() == [0, 1, 0, 1, 1, 0, 1, 0, 2]
    k(-1, 20.0)
    assert r.to_numpy().tolist() == [1, 1, 0, 0, 0, 1, 0, 0, 2]


def test_casts_wrap_and_truncate():
    r = ti.field(ti.i64, shape=6)
    f = ti.field(ti.f32, shape=2)

    @ti.kernel
    def k(a: ti.i32, x: ti.f32):
        r[0] = ti.cast(a, ti.i8)
        r[1] = ti.cast(a, ti.u8)
        r[2] = ti.cast(x, ti.i32)
        r[3] = int(x)
        r[4] = ti.cast(-a, ti.u16)
        r[5] = ti.i8(a + 1)
        f[0] = float(a) / 400
        f[1] = ti.cast(a, ti.f32) * 0.5

    k(200, -2.7)
    assert r.to_numpy().tolist() == [-56, 200, -2, -2, 65336, -55]
    assert f.to_numpy().tolist() == [0.5, 100.0]


def test_u32_wraps():
    u = ti.field(ti.u32, shape=2)
    u[1] = 4294967295

    @ti.kernel
    def k():
        u[0] = u[0] - 1
        u[1] = u[1] + 1

    k()
    assert u.to_numpy().tolist() == [4294967295, 0]


def test_i8_field_arithmetic_wraps():
    x = ti.field(ti.i8, shape=1)
    x[0] = 100

    @ti.kernel
    def k():
        x[0] = x[0] * 2

    k()
    assert x[0] == -56


def test_f64_precision():
    @ti.kernel
    def sum64(n: ti.i32, d: ti.f64) -> ti.f64:
        s = ti.cast(0.0, ti.f64)
        for _ in range(1):
            for i in range(n):
                s += d
        return s

    @ti.kernel
    def literal_is_default_fp() -> ti.f64:
        return ti.cast(0.1, ti.f64)  # the literal is f32 (default_fp) before the cast

    @ti.kernel
    def third() -> ti.f64:
        one = ti.cast(1, ti.f64)
        return one / 3

    assert third() == 1.0 / 3.0
    expected = 0.0
    for _ in range(10):
        expected += 0.1
    assert sum64(10, 0.1) == expected  # exactly Python's double arithmetic
    assert literal_is_default_fp() == float(np.float32(0.1))


UNARY = [
    (ti.sqrt, np.sqrt, [0.0, 0.25, 2.0, 100.0]),
    (ti.sin, np.sin, [-1.0, 0.0, 0.5, 3.0]),
    (ti.cos, np.cos, [-1.0, 0.0, 0.5, 3.0]),
    (ti.tan, np.tan, [-1.0, 0.0, 0.5, 1.2]),
    (ti.asin, np.arcsin, [-1.0, -0.3, 0.0, 0.9]),
    (ti.acos, np.arccos, [-1.0, -0.3, 0.0, 0.9]),
    (ti.exp, np.exp, [-3.0, 0.0, 0.5, 4.0]),
    (ti.log, np.log, [0.1, 1.0, 2.5, 100.0]),
    (ti.tanh, np.tanh, [-3.0, -0.2, 0.0, 2.0]),
    (ti.floor, np.floor, [-2.5, -0.1, 0.0, 3.9]),
    (ti.ceil, np.ceil, [-2.5, -0.1, 0.0, 3.1]),
    (ti.abs, np.abs, [-2.5, -0.0, 0.0, 3.1]),
]


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64])
@pytest.mark.parametrize("ti_fn,np_fn,values", UNARY, ids=[u[1].__name__ for u in UNARY])
def test_math_functions_match_numpy(dtype, ti_fn, np_fn, values):
    x = ti.field(dtype, shape=len(values))
    y = ti.field(dtype, shape=len(values))
    x.from_numpy(np.array(values))

    @ti.kernel
    def k():
        for i in x:
            y[i] = ti_fn(x[i])

    k()
    expected = np_fn(np.array(values, NP[dtype]))
    rtol = 1e-6 if dtype == ti.f32 else 1e-13
    np.testing.assert_allclose(y.to_numpy(), expected, rtol=rtol, atol=rtol)


def test_builtin_abs_min_max_and_atan2():
    r = ti.field(ti.f32, shape=6)
    n = ti.field(ti.i32, shape=3)

    @ti.kernel
    def k(a: ti.f32, b: ti.f32, c: ti.i32):
        r[0] = abs(a)
        r[1] = min(a, b)
        r[2] = max(a, b, 10.0)
        r[3] = ti.min(a, b, -7.0)
        r[4] = ti.max(a, b)
        r[5] = ti.atan2(a, b)
        n[0] = abs(c)
        n[1] = min(c, 3)
        n[2] = ti.max(c, -100, 2)

    k(-1.5, 2.0, -9)
    np.testing.assert_allclose(r.to_numpy(), [1.5, -1.5, 10.0, -7.0, 2.0,
                                             math.atan2(-1.5, 2.0)], rtol=1e-6)
    assert n.to_numpy().tolist() == [9, -9, 2]


def test_round_is_half_away_from_zero():
    values = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -3.7]
    x = ti.field(ti.f32, shape=len(values))
    y = ti.field(ti.f32, shape=len(values))
    x.from_numpy(np.array(values))

    @ti.kernel
    def k():
        for i in x:
            y[i] = ti.round(x[i])

    k()
    assert y.to_numpy().tolist() == [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 0.0, -4.0]


def test_pow():
    r = ti.field(ti.i32, shape=5)
    f = ti.field(ti.f32, shape=2)

    @ti.kernel
    def k(b: ti.i32):
        r[0] = b ** 4
        r[1] = b ** 0
        r[2] = b ** -1           # integer power, negative exponent -> 0
        r[3] = (-1) ** -3
        r[4] = 2 ** 10
        f[0] = 2.0 ** 0.5
        f[1] = b ** 0.5

    k(3)
    assert r.to_numpy().tolist() == [81, 1, 0, -1, 1024]
    np.testing.assert_allclose(f.to_numpy(), [2 ** 0.5, 3 ** 0.5], rtol=1e-6)


def test_unary_minus_plus_and_ternary():
    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        b = -a
        c = +a
        return b * 100 + c * 10 + (1 if a > 2 else 2)

    assert k(3) == -300 + 30 + 1
    assert k(1) == -100 + 10 + 2


def test_large_int_literal_is_i64():
    @ti.kernel
    def k() -> ti.i64:
        return 10000000000 + 1

    assert k() == 10000000001


def test_python_globals_become_constants():
    @ti.kernel
    def k() -> ti.f32:
        return SCALE * N

    assert k() == 2.5 * 4


SCALE = 2.5
N = 4
