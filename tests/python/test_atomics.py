import numpy as np
import pytest

import qtaichi as ti


def test_parallel_atomic_add_is_exact():
    s = ti.field(ti.i32, shape=())

    @ti.kernel
    def k():
        for i in range(1000000):
            ti.atomic_add(s[None], 1)

    k()
    assert s[None] == 1000000
    k()
    assert s[None] == 2000000


def test_parallel_augmented_add_into_one_element():
    s = ti.field(ti.i64, shape=())
    f = ti.field(ti.f64, shape=())

    @ti.kernel
    def k():
        for i in range(1000000):
            s[None] += i
            f[None] += 0.5

    k()
    assert s[None] == 1000000 * 999999 // 2
    assert f[None] == 500000.0


def test_atomics_return_the_old_value():
    x = ti.field(ti.i32, shape=8)
    old = ti.field(ti.i32, shape=8)

    @ti.kernel
    def k():
        x[0] = 10
        old[0] = ti.atomic_add(x[0], 5)
        x[1] = 10
        old[1] = ti.atomic_sub(x[1], 3)
        x[2] = 10
        old[2] = ti.atomic_min(x[2], 4)
        x[3] = 10
        old[3] = ti.atomic_max(x[3], 40)
        x[4] = 0b1100
        old[4] = ti.atomic_and(x[4], 0b1010)
        x[5] = 0b1100
        old[5] = ti.atomic_or(x[5], 0b1010)
        x[6] = 0b1100
        old[6] = ti.atomic_xor(x[6], 0b1010)
        a = 7
        old[7] = ti.atomic_add(a, 2)
        x[7] = a

    k()
    assert old.to_numpy().tolist() == [10, 10, 10, 10, 0b1100, 0b1100, 0b1100, 7]
    assert x.to_numpy().tolist() == [15, 7, 4, 40, 0b1000, 0b1110, 0b0110, 9]


@pytest.mark.parametrize("dtype", [ti.i32, ti.f32])
def test_parallel_atomic_min_max(dtype):
    n = 10000
    values = (np.sin(np.arange(n) * 0.37) * 1000).astype(
        np.float32 if dtype == ti.f32 else np.int32)
    v = ti.field(dtype, shape=n)
    lo = ti.field(dtype, shape=())
    hi = ti.field(dtype, shape=())
    v.from_numpy(values)
    lo[None] = 1e9 if dtype == ti.f32 else 10**9
    hi[None] = -1e9 if dtype == ti.f32 else -10**9

    @ti.kernel
    def k():
        for i in v:
            ti.atomic_min(lo[None], v[i])
            ti.atomic_max(hi[None], v[i])

    k()
    assert lo[None] == values.min()
    assert hi[None] == values.max()


def test_histogram_with_atomic_add():
    n, bins = 100000, 16
    data = ti.field(ti.i32, shape=n)
    hist = ti.field(ti.i32, shape=bins)
    values = (np.arange(n) * 7919) % bins
    data.from_numpy(values.astype(np.int32))

    @ti.kernel
    def k():
        for i in data:
            hist[data[i]] += 1

    k()
    np.testing.assert_array_equal(hist.to_numpy(), np.bincount(values, minlength=bins))


def test_local_atomic_sum_in_parallel_loop():
    @ti.kernel
    def k(n: ti.i32) -> ti.i64:
        s = ti.cast(0, ti.i64)
        for i in range(n):
            s += i
        return s

    assert k(200000) == 200000 * 199999 // 2


def test_atomic_mul_under_contention():
    # ti.atomic_mul is a compare-and-swap loop (no target has a multiply instruction): every
    # parallel update must land, on ints, floats and quant ints alike.
    f = ti.field(ti.f32, shape=())
    s = ti.field(ti.i32, shape=())
    q = ti.field(ti.types.quant.int(16, True))
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(q)
    ti.root.place(bp)

    @ti.kernel
    def run() -> ti.i32:
        for i in range(30):
            ti.atomic_mul(f[None], 2.0)
            ti.atomic_mul(s[None], -1)
        for i in range(10):
            ti.atomic_mul(q[None], -2)
        return ti.atomic_mul(s[None], 5)   # the old value

    f[None], s[None], q[None] = 1.5, 7, 1
    assert run() == 7                      # 30 sign flips leave 7
    assert f[None] == 1.5 * 2 ** 30
    assert s[None] == 35
    assert q[None] == 1024                 # (-2) ** 10


def test_atomic_mul_on_64_bit_integers():
    n = ti.field(ti.i64, shape=())

    @ti.kernel
    def run():
        for i in range(30):
            ti.atomic_mul(n[None], 3)

    n[None] = 1
    run()
    assert n[None] == 3 ** 30
