"""Taichi's builtins ti.pow, ti.select, ti.raw_div, ti.raw_mod, ti.rsqrt, ti.bit_cast,
ti.bit_shr, ti.static_assert, ti.static_print, against plain Python / numpy values."""
import math

import numpy as np
import pytest

import qtaichi as ti


def test_pow_select_rsqrt():
    out = ti.field(ti.f32, shape=6)
    v = ti.Vector.field(3, ti.f32, shape=())

    @ti.kernel
    def k(x: ti.f32, c: ti.i32):
        out[0] = ti.pow(x, 3.0)
        out[1] = ti.select(c > 0, x, -x)
        out[2] = ti.select(c, 1.0, 2.0)
        out[3] = ti.rsqrt(x)
        out[4] = ti.pow(2, 10)
        v[None] = ti.select(ti.Vector([1, 0, 1]), ti.Vector([1.0, 2.0, 3.0]), -1.0)

    k(2.5, 0)
    np.testing.assert_allclose(out.to_numpy(), [2.5 ** 3, -2.5, 2.0, 1 / math.sqrt(2.5), 1024, 0],
                               rtol=2e-7)
    np.testing.assert_array_equal(v.to_numpy(), [1.0, -1.0, 3.0])
    assert ti.select(0, 1, 2) == 2 and ti.pow(2, 3) == 8 and ti.rsqrt(4.0) == 0.5


def test_raw_div_and_raw_mod_are_c_not_python():
    cases = [(7, 2), (-7, 2), (7, -2), (-7, -2), (9, 3), (-1, 5)]
    a = ti.field(ti.i32, shape=len(cases))
    b = ti.field(ti.i32, shape=len(cases))
    q = ti.field(ti.i32, shape=len(cases))
    r = ti.field(ti.i32, shape=len(cases))
    fr = ti.field(ti.f32, shape=2)
    a.from_numpy(np.array([c[0] for c in cases], np.int32))
    b.from_numpy(np.array([c[1] for c in cases], np.int32))

    @ti.kernel
    def k():
        for i in a:
            q[i] = ti.raw_div(a[i], b[i])
            r[i] = ti.raw_mod(a[i], b[i])
        fr[0] = ti.raw_mod(-7.5, 2.0)
        fr[1] = ti.raw_div(7.0, 2.0)

    k()
    want_q = [int(x / y) for x, y in cases]  # truncation, not //
    assert q.to_numpy().tolist() == want_q
    assert r.to_numpy().tolist() == [x - int(x / y) * y for x, y in cases]
    np.testing.assert_array_equal(fr.to_numpy(), [math.fmod(-7.5, 2.0), 3.5])
    assert [ti.raw_div(x, y) for x, y in cases] == want_q
    assert ti.raw_mod(-7, 2) == -1 and ti.raw_mod(-7.5, 2.0) == math.fmod(-7.5, 2.0)


def test_bit_cast_and_logical_shift():
    out = ti.field(ti.i32, shape=3)
    f = ti.field(ti.f32, shape=())

    @ti.kernel
    def k(x: ti.f32, n: ti.i32):
        out[0] = ti.bit_cast(x, ti.i32)
        out[1] = ti.bit_shr(n, 28)  # logical: the sign bit shifts in as 0
        out[2] = n >> 28            # arithmetic
        f[None] = ti.bit_cast(out[0], ti.f32)

    k(-1.5, -2**31 + 5)
    want = int(np.array(-1.5, np.float32).view(np.int32))
    assert out.to_numpy().tolist() == [want, 8, -8]
    assert f[None] == -1.5
    assert ti.bit_cast(-1.5, ti.i32) == want and ti.bit_shr(-1, 28) == 15


def test_bit_cast_needs_equal_sizes():
    x = ti.field(ti.f32, shape=())

    @ti.kernel
    def k():
        x[None] = ti.bit_cast(ti.i64(3), ti.f32)

    with pytest.raises(ti.TaichiTypeError, match="64 bits"):
        k()


def test_static_assert_and_static_print(capsys):
    N = 4
    x = ti.field(ti.i32, shape=N)

    @ti.kernel
    def ok():
        ti.static_assert(N % 2 == 0, "N must be even")
        ti.static_print("N is", N)
        for i in x:
            x[i] = i

    ok()
    ok()
    assert capsys.readouterr().out.count("N is 4") == 1  # at compile time, once
    assert x.to_numpy().tolist() == [0, 1, 2, 3]

    @ti.kernel
    def bad():
        ti.static_assert(N > 10, "N is too small")

    with pytest.raises(ti.TaichiSyntaxError, match="static assertion failed: N is too small"):
        bad()

    @ti.kernel
    def not_static(n: ti.i32):
        ti.static_assert(n > 0)

    with pytest.raises(ti.TaichiSyntaxError, match="known at compile time"):
        not_static(1)


def test_zero_one_and_randn():
    v = ti.Vector.field(3, ti.f32, shape=2)
    s = ti.field(ti.i32, shape=2)
    n = 200_000
    r = ti.field(ti.f32, shape=n)

    @ti.kernel
    def k(a: ti.i32):
        w = ti.Vector([1.5, -2.0, ti.math.nan])
        v[0] = ti.zero(w)  # zeros even where w is NaN (not w * 0)
        v[1] = ti.one(w)
        s[0] = ti.zero(a)
        s[1] = ti.one(a) + 1
        for i in r:
            r[i] = ti.randn()

    k(5)
    np.testing.assert_array_equal(v.to_numpy(), [[0, 0, 0], [1, 1, 1]])
    assert s.to_numpy().tolist() == [0, 2]
    x = r.to_numpy().astype(np.float64)
    # a standard normal: mean 0, variance 1, and the tails of one
    assert abs(x.mean()) < 0.01 and abs(x.var() - 1) < 0.02
    assert abs((np.abs(x) < 1).mean() - 0.6827) < 0.005
    assert abs((np.abs(x) < 2).mean() - 0.9545) < 0.003


def test_floor_ceil_round_with_a_dtype_and_python_pow():
    out = ti.field(ti.i32, shape=4)
    f = ti.field(ti.f32, shape=())

    @ti.kernel
    def k(x: ti.f32):
        out[0] = ti.floor(x, dtype=ti.i32)
        out[1] = ti.ceil(x, ti.i32)
        out[2] = ti.round(x, dtype=ti.i32)
        out[3] = pow(3, 4)
        f[None] = pow(x, 2.0)

    k(-2.5)
    assert out.to_numpy().tolist() == [-3, -2, -3, 81]  # round: half away from zero
    assert f[None] == 6.25
    assert ti.floor(2.7, dtype=ti.i32) == 2 and ti.round(2.5, dtype=ti.i32) == 3


def test_u1_is_a_boolean_stored_as_u8():
    Hit = ti.types.struct(is_hit=ti.u1, t=ti.f32)
    flags = ti.field(ti.u1, shape=4)

    @ti.kernel
    def k(x: ti.f32, flag: ti.u1) -> ti.i32:
        h = Hit(is_hit=x, t=x)          # a member converts like a cast: x != 0
        b: ti.u1 = 7
        flags[0] = ti.u1(x)
        flags[1] = ti.cast(-3, ti.u1)
        flags[2] = x > 1
        flags[3] = ti.cast(0.0, ti.u1)
        return h.is_hit * 100 + b * 10 + flag

    assert k(2.5, True) == 111
    assert k(0.0, False) == 10
    assert flags.to_numpy().tolist() == [0, 1, 0, 0]
    assert flags.dtype == ti.u8


def test_numpy_integers_as_shapes_and_sizes_and_bool():
    a = ti.field(ti.f32, shape=np.int64(4))
    b = ti.field(ti.f32, shape=(np.int32(3), np.int64(2)))
    v = ti.Vector.field(np.int64(3), ti.f32, shape=np.int64(5))
    m = ti.Matrix.field(np.int32(2), np.int32(2), ti.f32, shape=(2,))
    nd = ti.ndarray(ti.f32, shape=(np.int64(3),))
    c = ti.field(ti.i32)
    ti.root.dense(ti.i, np.int64(8)).place(c)
    n, n2 = np.int64(6), np.int32(2)

    @ti.kernel
    def k(x: ti.f32) -> ti.i32:
        s = 0
        for i in range(n):
            s += 1
        for i, j in ti.ndrange(n2, n):
            s += 1
        return s + bool(x) * 100 + bool(0.0) * 1000

    assert k(0.5) == 6 + 12 + 100 and k(0.0) == 18
    assert (a.shape, b.shape, v.shape, m.shape, nd.shape, c.shape) == (
        (4,), (3, 2), (5,), (2,), (3,), (8,))


def test_frexp_matches_numpy():
    @ti.kernel
    def f32(x: ti.f32) -> ti.math.vec2:
        m, e = ti.frexp(x)
        return ti.Vector([m, e])

    @ti.kernel
    def f64(x: ti.f64) -> ti.types.vector(2, ti.f64):
        m, e = ti.frexp(x)
        return ti.Vector([m, e], ti.f64)

    for v in [1.0, 0.3, -5.5, 1e-40, -3e-45, 0.0, 3e38, float("inf")]:
        m, e = np.frexp(np.float32(v))
        got = f32(v)
        assert got[0] == m and got[1] == e, v
    for v in [1.0, -0.1, 1e-310, 1e300, 0.0]:
        m, e = np.frexp(np.float64(v))
        got = f64(v)
        assert got[0] == m and got[1] == e, v
    assert ti.frexp(12.0) == (0.75, 4)


def test_get_addr_gives_byte_distances_of_the_layout():
    # Taichi's print_offset example: a hierarchical layout, 4-byte elements.
    a = ti.field(dtype=ti.i32)
    ti.root.dense(ti.ij, (1, 2)).dense(ti.ij, 2).dense(ti.ij, 2).place(a)

    @ti.kernel
    def fill():
        for i, j in a:
            base = ti.get_addr(a.snode, [0, 0])
            a[i, j] = int(ti.get_addr(a.snode, [i, j]) - base) // 4

    fill()
    # Independent: the element index of (i, j) in a row-major nesting of 1x2 blocks of 2x2
    # blocks of 2x2 cells.
    want = np.zeros((4, 8), np.int32)
    for i in range(4):
        for j in range(8):
            outer = (j // 4)
            mid = ((i // 2) % 2) * 2 + (j // 2) % 2
            inner = (i % 2) * 2 + j % 2
            want[i, j] = outer * 16 + mid * 4 + inner
    np.testing.assert_array_equal(a.to_numpy(), want)

    b = ti.field(ti.f64, shape=(3, 5))

    @ti.kernel
    def distance(i: ti.i32, j: ti.i32) -> ti.u64:
        return ti.get_addr(b, ti.Vector([i, j])) - ti.get_addr(b, [0, 0])

    assert distance(2, 3) == (2 * 5 + 3) * 8
    with pytest.raises(ti.TaichiSyntaxError, match="only be used inside a kernel"):
        ti.get_addr(b, [0, 0])
