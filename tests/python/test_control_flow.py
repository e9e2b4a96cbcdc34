import numpy as np
import pytest

import qtaichi as ti
import archs


def test_range_with_bounds():
    x = ti.field(ti.i32, shape=10)

    @ti.kernel
    def k(a: ti.i32, b: ti.i32):
        for i in range(a, b):
            x[i] = i * i

    k(3, 7)
    assert x.to_numpy().tolist() == [0, 0, 0, 9, 16, 25, 36, 0, 0, 0]


def test_if_elif_else():
    x = ti.field(ti.i32, shape=8)

    @ti.kernel
    def k():
        for i in x:
            if i < 2:
                x[i] = 1
            elif i < 5:
                x[i] = 2
            elif i == 6:
                pass
            else:
                x[i] = 3

    k()
    assert x.to_numpy().tolist() == [1, 1, 2, 2, 2, 3, 0, 3]


def test_float_condition():
    @ti.kernel
    def k(a: ti.f32) -> ti.i32:
        r = 0
        if a:
            r = 1
        return r

    assert k(0.5) == 1 and k(0.0) == 0


def test_while_break_continue():
    @ti.kernel
    def collatz(n: ti.i32) -> ti.i32:
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    def py(n):
        s = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            s += 1
        return s

    for n in (1, 6, 7, 27):
        assert collatz(n) == py(n)

    @ti.kernel
    def skip(n: ti.i32) -> ti.i32:
        s = 0
        i = 0
        while True:
            i += 1
            if i > n:
                break
            if i % 3 == 0:
                continue
            s += i
        return s

    assert skip(10) == sum(i for i in range(1, 11) if i % 3)


def test_break_and_continue_in_inner_for():
    x = ti.field(ti.i32, shape=6)

    @ti.kernel
    def k():
        for i in x:
            s = 0
            for j in range(100):
                if j > i * 2:
                    break
                if j % 2 == 1:
                    continue
                s += j
            x[i] = s

    k()
    assert x.to_numpy().tolist() == [sum(j for j in range(i * 2 + 1) if j % 2 == 0)
                                     for i in range(6)]


def test_continue_in_parallel_loop():
    x = ti.field(ti.i32, shape=10)

    @ti.kernel
    def k():
        for i in range(10):
            if i % 3 == 0:
                continue
            x[i] = 1

    k()
    assert x.to_numpy().tolist() == [0 if i % 3 == 0 else 1 for i in range(10)]


def test_nested_loops():
    x = ti.field(ti.i32, shape=(5, 7))

    @ti.kernel
    def k():
        for i in range(5):
            for j in range(7):
                for t in range(j):
                    x[i, j] += i + t

    k()
    expected = [[sum(i + t for t in range(j)) for j in range(7)] for i in range(5)]
    assert x.to_numpy().tolist() == expected


def test_struct_for_3d():
    x = ti.field(ti.i32, shape=(3, 4, 5))

    @ti.kernel
    def k():
        for i, j, l in x:
            x[i, j, l] = i * 100 + j * 10 + l

    k()
    i, j, l = np.indices((3, 4, 5))
    np.testing.assert_array_equal(x.to_numpy(), i * 100 + j * 10 + l)


def test_ndrange_with_pairs_and_runtime_bounds():
    x = ti.field(ti.i32, shape=(8, 8, 3))

    @ti.kernel
    def k(hi: ti.i32):
        for i, j, c in ti.ndrange((2, 5), (1, hi), 3):
            x[i, j, c] = 1 + i * 100 + j * 10 + c

    k(7)
    expected = np.zeros((8, 8, 3), np.int32)
    for i in range(2, 5):
        for j in range(1, 7):
            for c in range(3):
                expected[i, j, c] = 1 + i * 100 + j * 10 + c
    np.testing.assert_array_equal(x.to_numpy(), expected)


def test_ndrange_single_dim_and_empty():
    x = ti.field(ti.i32, shape=6)

    @ti.kernel
    def k():
        for i in ti.ndrange((1, 4)):
            x[i] = 1
        for i, j in ti.ndrange((3, 1), 5):
            x[0] = 99

    k()
    assert x.to_numpy().tolist() == [0, 1, 1, 1, 0, 0]


def test_variables_and_tuple_assignment():
    @ti.kernel
    def fib(n: ti.i32) -> ti.i64:
        a = ti.cast(0, ti.i64)
        b = ti.cast(1, ti.i64)
        for _ in range(1):
            for i in range(n):
                a, b = b, a + b
        return a

    assert fib(50) == 12586269025


def test_variable_type_fixed_by_first_assignment():
    @ti.kernel
    def k() -> ti.f32:
        a = 1        # i32
        a = 2.75     # cast to i32
        b = 0.5
        b = 3        # f32
        return a + b

    assert k() == 5.0


def test_annotated_assignment():
    @ti.kernel
    def k() -> ti.f64:
        a: ti.f64 = 1
        a /= 3
        return a

    assert k() == 1.0 / 3.0


def test_augmented_assignments_on_locals_and_fields():
    r = ti.field(ti.i32, shape=12)

    @ti.kernel
    def k(v: ti.i32):
        a = v
        a += 3
        r[0] = a
        a -= 1
        r[1] = a
        a *= 4
        r[2] = a
        a //= 3
        r[3] = a
        a %= 5
        r[4] = a
        a <<= 3
        r[5] = a
        a >>= 1
        r[6] = a
        a &= 6
        r[7] = a
        a |= 9
        r[8] = a
        a ^= 5
        r[9] = a
        r[10] = 7
        r[10] *= 3
        r[10] -= 1
        r[11] = 100
        r[11] //= 7
        r[11] **= 2

    k(5)
    a, out = 5, []
    a += 3; out.append(a); a -= 1; out.append(a); a *= 4; out.append(a)  # noqa: E702
    a //= 3; out.append(a); a %= 5; out.append(a); a <<= 3; out.append(a)  # noqa: E702
    a >>= 1; out.append(a); a &= 6; out.append(a); a |= 9; out.append(a)  # noqa: E702
    a ^= 5; out.append(a)  # noqa: E702
    assert r.to_numpy().tolist() == out + [20, 196]


def test_argument_reassignment():
    @ti.kernel
    def k(n: ti.i32) -> ti.i32:
        n = n * 2
        n += 1
        return n

    assert k(20) == 41


def test_top_level_sum_is_exact():
    x = ti.field(ti.i32, shape=1000)
    x.from_numpy(np.arange(1000, dtype=np.int32))

    @ti.kernel
    def total() -> ti.i32:
        s = 0
        for i in x:
            s += x[i]
        return s

    assert total() == 499500


def test_return_types():
    @ti.kernel
    def r_i8(a: ti.i32) -> ti.i8:
        return a

    @ti.kernel
    def r_u16(a: ti.i32) -> ti.u16:
        return a

    @ti.kernel
    def r_u64() -> ti.u64:
        return ti.cast(-1, ti.u64)

    @ti.kernel
    def r_f32(a: ti.f32) -> ti.f32:
        return a * 3

    @ti.kernel
    def r_f64(a: ti.f64) -> ti.f64:
        return a / 3

    @ti.kernel
    def r_int(a: int) -> int:
        return a - 1

    @ti.kernel
    def r_float(a: float) -> float:
        return a + 0.25

    assert r_i8(200) == -56
    assert r_u16(-1) == 65535
    assert r_u64() == 2**64 - 1
    assert r_f32(0.1) == float(np.float32(np.float32(0.1) * np.float32(3)))
    assert r_f64(1.0) == 1.0 / 3.0
    assert r_int(-5) == -6 and isinstance(r_int(1), int)
    assert r_float(2) == 2.25 and isinstance(r_float(1), float)


def test_kernel_without_return_returns_none():
    @ti.kernel
    def k():
        pass

    assert k() is None


def test_keyword_arguments():
    @ti.kernel
    def k(a: ti.i32, b: ti.i32) -> ti.i32:
        return a - b

    assert k(b=1, a=10) == 9


def test_int_for_float_argument_is_fine():
    @ti.kernel
    def k(a: ti.f32) -> ti.f32:
        return a

    assert k(3) == 3.0
    assert k(np.float64(1.5)) == 1.5
    assert k(np.int32(2)) == 2.0


def test_closure_field_and_constant():
    n = 5
    x = ti.field(ti.i32, shape=n)

    @ti.kernel
    def k():
        for i in range(n):
            x[i] = n - i + len(x)

    k()
    assert x.to_numpy().tolist() == [10, 9, 8, 7, 6]


def test_field_shape_in_kernel():
    x = ti.field(ti.i32, shape=(3, 4))

    @ti.kernel
    def k() -> ti.i32:
        return x.shape[0] * 10 + x.shape[1]

    assert k() == 34


def test_kernel_called_many_times_compiles_once():
    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        return a + 1

    for i in range(100):
        assert k(i) == i + 1
    compiled = k._last_compiled
    k(0)
    assert k._last_compiled is compiled


@pytest.mark.parametrize("n", [1, 7, 1000, 100003])
def test_parallel_fill_sizes(n):
    x = ti.field(ti.f32, shape=n)

    @ti.kernel
    def k():
        for i in x:
            x[i] = i * 0.5

    k()
    np.testing.assert_array_equal(x.to_numpy(), (np.arange(n) * 0.5).astype(np.float32))


def test_range_with_a_step_counts_like_python():
    cases = ((0, 10, 3), (10, 0, -3), (5, 5, 2), (-7, 8, 4), (3, -9, -5), (0, 1, 7))
    out = ti.field(ti.i32, shape=(len(cases), 16))
    count = ti.field(ti.i32, shape=len(cases))

    @ti.kernel
    def k(lo: ti.i32, hi: ti.i32):
        for c in ti.static(range(len(cases))):
            for i in range(cases[c][0], cases[c][1], cases[c][2]):  # parallel, constant bounds
                out[c, ti.atomic_add(count[c], 1)] = i
        for j in range(lo, hi, 2):  # bounds known only at run time, inside a serial task
            out[0, 15] += j

    k(3, 10)
    got = out.to_numpy()
    for c, (lo, hi, st) in enumerate(cases):
        want = list(range(lo, hi, st))
        assert count.to_numpy()[c] == len(want)
        assert sorted(got[c, :len(want)].tolist()) == sorted(want)
    assert got[0, 15] == sum(range(3, 10, 2))


def test_range_step_must_be_a_nonzero_constant():
    x = ti.field(ti.i32, shape=4)

    @ti.kernel
    def k(s: ti.i32):
        for i in range(0, 4, s):
            x[i] = 1

    with pytest.raises(ti.TaichiSyntaxError, match="non-zero integer known at compile time"):
        k(1)


@pytest.mark.parametrize("short_circuit", [False, True])
def test_and_or_evaluate_their_right_side_as_taichi_does(short_circuit):
    # Taichi's default evaluates both sides of `and`/`or`; ti.init(short_circuit_operators=True)
    # skips the right side when the left decides.
    archs.init(short_circuit_operators=short_circuit)
    hits = ti.field(ti.i32, shape=())

    @ti.func
    def touch(v):
        hits[None] += 1
        return v

    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        r = 0
        if a > 0 and touch(a) > 1:
            r += 1
        if a > 0 or touch(a) > 1:
            r += 10
        return r + (a > 1 and a < 5 and a != 3)

    assert [k(a) for a in (0, 1, 2, 3)] == [0, 10, 12, 11]
    assert hits[None] == (4 if short_circuit else 8)
