"""QUANT_SPEC.md's rules and examples, observed from kernels and from Python scope (which must
agree exactly). Expected values come from tests/python/quant_reference.py or the spec's text."""
import math

import numpy as np
import pytest

import qtaichi as ti
import quant_reference as ref

qt = ti.types.quant


def packed(n, bits, *calls, shared=()):
    """Fields of each call's types placed by one BitpackedFields(bits), one place call each."""
    bp = ti.BitpackedFields(max_num_bits=bits)
    out = []
    for c, types_ in enumerate(calls):
        fs = [ti.field(t) for t in types_]
        bp.place(*fs, shared_exponent=c in shared)
        out += fs
    ti.root.dense(ti.i, n).place(bp)
    return out


@ti.kernel
def store(x: ti.template(), i: ti.i32, v: ti.f64):
    x[i] = v


@ti.kernel
def store_int(x: ti.template(), i: ti.i32, v: ti.i64):
    x[i] = v


@ti.kernel
def load(x: ti.template(), i: ti.i32) -> ti.f64:
    return x[i]


# ---- quant int ----
def test_int_wraps_modulo_bits_kernel_and_python_scope():
    a, b = packed(4, 32, [qt.int(13), qt.int(7, False)])
    store_int(b, 0, -64)
    store_int(a, 0, 2**12)
    assert b[0] == 64 and a[0] == -2**12
    b[1] = -64
    a[1] = 2**12
    assert load(b, 1) == 64 and load(a, 1) == -2**12


def test_float_into_int_truncates_toward_zero():
    a, = packed(2, 16, [qt.int(13)])
    a[0] = 10.3
    a[1] = -10.7
    assert a[0] == 10 and a[1] == -10
    store(a, 0, -10.7)
    assert a[0] == -10


# ---- quant fixed ----
def test_fixed_scale_stores_int_exactly():
    x, = packed(2, 16, [qt.fixed(13, scale=0.1)])
    store_int(x, 0, 10)
    assert x[0] == pytest.approx(10.0) and np.float32(x[0]) == np.float32(10.0)
    x[1] = 10
    assert np.float32(x[1]) == np.float32(10.0)


@pytest.mark.parametrize("v,digits", [(0.25, 3), (-0.25, -3), (0.35, 3), (0.14, 1), (-0.15, -2)])
def test_fixed_rounds_half_away_from_zero(v, digits):
    # The value is an f32 first (the compute type): f32(0.35) * 10 = 3.4999999 -> 3.
    x, = packed(1, 16, [qt.fixed(13, scale=0.1)])
    x[0] = v  # digits = round-half-away(v / 0.1)
    assert x[0] == ref.fixed_load(("fixed", 13, True, 0.1), digits)
    assert x[0] == ref.roundtrip(("fixed", 13, True, 0.1), v)


def test_fixed_max_value_wraps():
    x, u = packed(1, 32, [qt.fixed(8, max_value=2.0), qt.fixed(8, signed=False, max_value=2.0)])
    x[0] = 2.0  # one step past the top: digits 128 wrap to -128
    u[0] = 2.0  # digits 256 wrap to 0
    assert x[0] == -2.0 and u[0] == 0.0
    x[0] = 2.0 - 2.0 / 128
    assert x[0] == 2.0 - 2.0 / 128


# ---- quant float ----
@pytest.mark.parametrize("signed,v,want", [(True, 1.75, 2.0), (True, 1.625, 1.5),
                                           (False, 1.75, 1.75), (False, 1.625, 1.75)])
def test_float_rounding_examples(signed, v, want):
    x, = packed(1, 8, [qt.float(5, 2, signed=signed)])
    x[0] = v
    assert x[0] == want
    store(x, 0, v)
    assert load(x, 0) == want


def test_float_8_24_holds_pi_exactly():
    x, = packed(2, 32, [qt.float(8, 24)])
    pi = float(np.float32(math.pi))
    big = float(np.float32(math.pi) * np.float32(2.0**100))
    x[0], x[1] = pi, big
    assert x[0] == pi and x[1] == big
    store(x, 0, big)
    assert load(x, 0) == big


def test_float_8_23_relative_error():
    x, = packed(1000, 32, [qt.float(8, 23)])
    rng = np.random.default_rng(1)
    v = (rng.uniform(-1, 1, 1000) * 2.0**rng.integers(-60, 60, 1000)).astype(np.float32)
    x.from_numpy(v)
    got = x.to_numpy().astype(np.float64)
    assert np.all(np.abs(got - v) <= 3e-7 * np.abs(v))


def test_float_flushes_to_zero_and_saturates_with_sign():
    x, u = packed(2, 16, [qt.float(3, 5)], [qt.float(3, 4, signed=False)])
    biggest = (1 + 15 / 16) * 2.0**4  # bias 3, exponents 1..7
    for v, want in [(1e6, biggest), (-1e6, -biggest), (1e-6, 0.0), (-1e-6, 0.0),
                    (0.25, 0.25), (0.2, 0.0)]:  # 0.25 = 2^(1-3): the smallest exponent
        x[0] = v
        assert x[0] == want, v
        assert x[0] == ref.roundtrip(("float", 3, 5, True), v)
    u[0] = 1e6
    assert u[0] == biggest
    u[0] = -3.0  # unsigned floats store negatives as 0 (docs/quant.md)
    assert u[0] == 0.0


# ---- shared exponent ----
def test_shared_exponent_rerounds_siblings():
    a, b = packed(1, 32, [qt.float(8, 12), qt.float(8, 12)], shared=(0,))
    a[0] = 1000
    b[0] = 1e-6
    assert a[0] == 1000 and b[0] == 0
    b[0] = 3.0
    a[0] = 1e-6  # the exponent shrinks to b's
    assert b[0] == 3.0 and a[0] == 0.0


def test_shared_exponent_grows_and_stays_exact():
    t = qt.float(6, 13)  # 6 + 2 x 13 = 32 bits, 12 magnitude bits each
    a, b = packed(1, 32, [t, t], shared=(0,))
    a[0], b[0] = 4, 3

    @ti.kernel
    def step():
        a[0] += 4
        b[0] += 1

    for k in range(200):
        step()
        assert a[0] == 4 + 4 * (k + 1) and b[0] == 3 + (k + 1)


def test_shared_exponent_shrinks_and_grows_exactly():
    t = qt.float(6, 13)  # 6 + 2 x 13 = 32 bits, 12 magnitude bits each
    a, b = packed(1, 32, [t, t], shared=(0,))
    a[0], b[0] = 0, 100

    @ti.kernel
    def step():
        a[0] += 1
        b[0] -= 1

    for k in range(100):
        step()
        assert a[0] == k + 1 and b[0] == 99 - k


def test_unsigned_shared_member_has_one_more_significant_bit():
    s, u = packed(1, 32, [qt.float(6, 12), qt.float(6, 12, signed=False)], shared=(0,))
    s[0] = 0
    u[0] = 4095  # 12 significant bits: exact only unsigned
    assert u[0] == 4095
    s[0] = 4095  # signed: 11 bits at the same exponent, 2047.5 steps round up and the carry
    assert s[0] == 4094 and u[0] == 4095  # is clamped (the exponent stays)


# ---- stores and thread safety ----
@pytest.mark.parametrize("fusion", [True, False])
@pytest.mark.parametrize("demotion", [True, False])
def test_parallel_stores_never_disturb_neighbours(fusion, demotion):
    ti.init(quant_opt_store_fusion=fusion, quant_opt_atomic_demotion=demotion)
    n = 1 << 14
    cells = [ti.field(qt.int(1, False)) for _ in range(32)]
    ti.root.dense(ti.i, n).quant_array(ti.i, 1, max_num_bits=32)  # unused: layouts coexist
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(*cells)
    ti.root.dense(ti.i, n).place(bp)
    bits = ti.field(qt.int(1, False))
    ti.root.dense(ti.i, n // 32).quant_array(ti.i, 32, max_num_bits=32).place(bits)

    @ti.kernel
    def write_bits():
        for i in range(n):  # 32 threads' elements per word, written by different threads
            bits[i] = i % 3 == 0

    @ti.kernel
    def write_members():
        for k in range(n * 32):  # word k // 32, member k % 32: many threads per word
            w = k // 32
            m = k % 32
            for c in ti.static(range(32)):
                if m == c:
                    cells[c][w] = (w + c) % 2

    write_bits()
    write_members()
    want = (np.arange(n) % 3 == 0).astype(np.uint32)
    np.testing.assert_array_equal(bits.to_numpy(), want)
    for c in range(32):
        np.testing.assert_array_equal(cells[c].to_numpy(), (np.arange(n) + c) % 2)


@pytest.mark.parametrize("fusion", [True, False])
def test_store_fusion_gives_identical_results(fusion):
    ti.init(quant_opt_store_fusion=fusion)
    a, b, c = packed(256, 32, [qt.int(10), qt.fixed(10, scale=0.25), qt.float(4, 8)])

    @ti.kernel
    def run():
        for i in range(256):
            a[i] = i * 7
            b[i] = i * 0.3
            c[i] = a[i] * 0.5 + b[i]  # reads between the stores see the stored values
            a[i] = a[i] + 1

    run()
    i = np.arange(256)
    want_a = [ref.roundtrip(("int", 10, True), ref.int_store(("int", 10, True), k * 7) + 1)
              for k in i]
    want_b = [ref.roundtrip(("fixed", 10, True, 0.25), np.float32(k * np.float32(0.3)))
              for k in i]
    want_c = [ref.roundtrip(("float", 4, 8, True), np.float32(np.float32(ref.int_store(
        ("int", 10, True), k * 7) * np.float32(0.5)) + np.float32(wb))) for k, wb in zip(i, want_b)]
    np.testing.assert_array_equal(a.to_numpy(), want_a)
    np.testing.assert_array_equal(b.to_numpy(), np.float32(want_b))
    np.testing.assert_array_equal(c.to_numpy(), np.float32(want_c))


def test_stored_value_is_read_back_through_encode_decode():
    a, = packed(1, 8, [qt.int(5, False)])

    @ti.kernel
    def run() -> ti.i32:
        a[0] = 40  # wraps to 8
        return a[0]

    assert run() == 8  # never forwarded past the truncation (Taichi bug #7981)


# ---- atomics ----
@pytest.mark.parametrize("t,start,delta", [
    (qt.int(8), 100, 50), (qt.int(8, False), 3, -5),
    (qt.fixed(12, scale=0.5), 10.0, 2.5), (qt.float(8, 24), 1.5, 0.25),
])
def test_atomic_add_sub_return_decoded_old_value(t, start, delta):
    x, = packed(1, 32, [t])
    x[0] = start

    @ti.kernel
    def add(d: ti.f64) -> ti.f64:
        return ti.atomic_add(x[0], d)

    @ti.kernel
    def sub(d: ti.f64) -> ti.f64:
        return ti.atomic_sub(x[0], d)

    old = x[0]
    assert add(delta) == old
    mid = x[0]
    assert sub(delta) == mid
    assert x[0] == old


def test_atomic_add_int_wraps():
    x, y = packed(1, 16, [qt.int(8, False), qt.int(8)])
    x[0], y[0] = 250, 120

    @ti.kernel
    def run():
        x[0] += 10
        y[0] += 10

    run()
    assert x[0] == 4 and y[0] == -126


def test_ten_parallel_fixed_subtractions_are_exact():
    x, = packed(1, 32, [qt.fixed(13, scale=0.1)])
    x[0] = 0.7

    @ti.kernel
    def run():
        for i in range(10):
            x[0] -= 0.4

    run()
    assert np.float32(x[0]) == np.float32(-3.3)


@pytest.mark.parametrize("t", [qt.int(9), qt.fixed(9, scale=0.5)])
def test_atomic_min_max(t):
    x, y = packed(1, 32, [t, t])
    x[0], y[0] = 0, 0
    vals = np.array([3, -7, 12, 5, -2, 9], dtype=np.float64)

    @ti.kernel
    def run(a: ti.types.ndarray()):
        for i in range(6):
            ti.atomic_min(x[0], a[i])
            ti.atomic_max(y[0], a[i])

    run(vals)
    assert x[0] == -7 and y[0] == 12


def test_contended_atomic_add_on_one_member_is_exact():
    x, nb = packed(1, 32, [qt.int(24, False), qt.int(8)])
    nb[0] = -5

    @ti.kernel
    def run():
        for i in range(1 << 20):
            x[0] += 3

    run()
    assert x[0] == (3 << 20) % (1 << 24) and nb[0] == -5


def test_contended_atomics_on_different_members_of_one_word_are_exact():
    a, b, c = packed(1, 32, [qt.int(12, False), qt.fixed(10, scale=0.5), qt.int(10)])

    @ti.kernel
    def run():
        for i in range(1 << 20):
            a[0] += 1
            b[0] += 0.5
            c[0] -= 1

    run()
    assert a[0] == (1 << 20) % 4096
    assert b[0] == ref.wrap(1 << 20, 10, True) * 0.5
    assert c[0] == ref.wrap(-(1 << 20), 10, True)


def test_contended_quant_float_and_shared_exponent_atomics():
    f, = packed(1, 32, [qt.float(8, 24)])
    a, b = packed(1, 32, [qt.float(6, 13), qt.float(6, 13)], shared=(0,))

    @ti.kernel
    def run():
        for i in range(1 << 16):
            f[0] += 1.0
        for i in range(1 << 11):  # 12 magnitude bits: every partial sum stays exact
            a[0] += 1.0
            b[0] += 1.0

    run()
    assert f[0] == 1 << 16 and a[0] == 1 << 11 and b[0] == 1 << 11


# ---- Python scope == kernel ----
@pytest.mark.parametrize("t", [qt.int(11), qt.int(6, False), qt.fixed(11, scale=0.3),
                               qt.fixed(9, signed=False, max_value=4), qt.float(4, 7),
                               qt.float(5, 6, signed=False)])
def test_python_scope_matches_kernels(t):
    n = 512
    x, y = packed(n, 32, [t], [t])
    rng = np.random.default_rng(7)
    if t.kind == qt.QuantKind.int:
        vals = rng.integers(-5000, 5000, n)
    else:
        vals = (rng.uniform(-1, 1, n) * 2.0**rng.integers(-6, 12, n)).astype(np.float32)

    @ti.kernel
    def copy_in(dst: ti.template(), a: ti.types.ndarray()):
        for i in range(n):
            dst[i] = a[i]

    @ti.kernel
    def copy_out(src: ti.template(), a: ti.types.ndarray()):
        for i in range(n):
            a[i] = src[i]

    x.from_numpy(vals)
    copy_in(y, np.ascontiguousarray(vals.astype(ti.lang.types.to_numpy_dtype(t.compute_type))))
    out = np.zeros(n, ti.lang.types.to_numpy_dtype(t.compute_type))
    copy_out(x, out)
    np.testing.assert_array_equal(out, y.to_numpy())
    np.testing.assert_array_equal(x.to_numpy(), y.to_numpy())
    for i in range(0, n, 37):
        assert x[i] == y[i] == out[i]
        y[i] = vals[i]
        assert y[i] == out[i]
    x.fill(vals[3])
    assert np.all(x.to_numpy() == out[3])


# ---- regressions found by the property tests ----
def test_shared_negative_into_unsigned_member_does_not_coarsen_siblings():
    s, u = packed(1, 32, [qt.float(5, 8), qt.float(5, 3, signed=False)], shared=(0,))
    s[0] = -0.4375
    u[0] = -1e6  # stores 0; its exponent must not count
    assert s[0] == -0.4375 and u[0] == 0.0


def test_shared_member_with_exponent_zero_keeps_digits_under_a_larger_exponent():
    t = qt.float(3, 8, signed=False)  # bias 3: values in [2^-3, 2^-2) have exponent 0
    a, b = packed(1, 32, [t, t], shared=(0,))
    a[0] = 0.5    # exponent 2
    b[0] = 0.1875  # exponent 0 on its own; at exponent 2 it is 96 x 2^-9 (8 bits): exact
    assert a[0] == 0.5 and b[0] == 0.1875


def test_shared_23_bit_member_saturates():
    a, b = packed(1, 64, [qt.float(5, 24), qt.float(5, 8)], shared=(0,))
    a[0] = -1.3e10  # beyond 2^16 (bias 15, largest exponent 31)
    assert a[0] == -(2.0**17 - 2.0**-6)
