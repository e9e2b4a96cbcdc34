"""ti.real_func: real calls (recursion included), checked against plain Python on every arch."""
import math

import numpy as np
import pytest

import archs
import qtaichi as ti


def py_fib(n):
    return n if n < 2 else py_fib(n - 1) + py_fib(n - 2)


def test_recursive_fibonacci_in_serial_and_parallel_code():
    @ti.real_func
    def fib(n: ti.i32) -> ti.i32:
        if n < 2:
            return n
        return fib(n - 1) + fib(n - 2)

    x = ti.field(ti.i32, 20)

    @ti.kernel
    def one(n: ti.i32) -> ti.i32:
        return fib(n)

    @ti.kernel
    def each():
        for i in x:
            x[i] = fib(i)

    assert one(15) == py_fib(15)
    assert one(0) == 0
    each()
    assert x.to_numpy().tolist() == [py_fib(i) for i in range(20)]


def test_mutual_recursion():
    @ti.real_func
    def is_even(n: ti.i32) -> ti.i32:
        r = 1
        if n > 0:
            r = is_odd(n - 1)
        return r

    @ti.real_func
    def is_odd(n: ti.i32) -> ti.i32:
        r = 0
        if n > 0:
            r = is_even(n - 1)
        return r

    @ti.kernel
    def k(n: ti.i32) -> ti.i32:
        return is_even(n) * 10 + is_odd(n)

    assert k(7) == 1
    assert k(10) == 10


def test_locals_loops_and_early_returns_survive_calls():
    # The sum over a tree of calls made inside a loop: the loop counter, a local accumulator
    # and a value computed before each call must all be the caller's own after the call.
    @ti.real_func
    def tree(depth: ti.i32, width: ti.i32) -> ti.i64:
        total = ti.i64(1)
        if depth > 0:
            for c in range(width):
                before = c * 3
                sub = tree(depth - 1, width)
                if c == width - 1 and depth == 2:
                    continue
                total += sub + before
        return total

    def py_tree(depth, width):
        total = 1
        if depth > 0:
            for c in range(width):
                sub = py_tree(depth - 1, width)
                if c == width - 1 and depth == 2:
                    continue
                total += sub + c * 3
        return total

    @ti.real_func
    def first_multiple(n: ti.i32, m: ti.i32) -> ti.i32:
        # returns from inside a while loop, after a recursive call
        i = n
        while True:
            if i % m == 0:
                return i
            if i > n + 100:
                break
            i = first_multiple(i + 1, m) - 0
            return i
        return -1

    @ti.kernel
    def k(d: ti.i32, w: ti.i32) -> ti.i64:
        return tree(d, w)

    @ti.kernel
    def m(n: ti.i32, k: ti.i32) -> ti.i32:
        return first_multiple(n, k)

    for d, w in [(0, 3), (1, 3), (3, 3), (4, 2)]:
        assert k(d, w) == py_tree(d, w)
    assert m(10, 7) == 14
    assert m(21, 7) == 21


def test_vectors_structs_and_64_bit_values_cross_the_call():
    archs.init(real_func_stack_bytes=32768)  # collatz(27) recurses 111 calls deep
    Pair = ti.types.struct(a=ti.f64, n=ti.i64)

    @ti.real_func
    def power_sum(v: ti.math.vec3, k: ti.i32) -> ti.math.vec3:
        r = v
        if k > 1:
            r = v * power_sum(v, k - 1) + 1.0
        return r

    @ti.real_func
    def collatz(p: Pair) -> Pair:
        r = p
        if p.n != 1:
            nxt = p.n // 2 if p.n % 2 == 0 else 3 * p.n + 1
            r = collatz(Pair(a=p.a * 0.5 + 1e-300, n=nxt))
            r.a += 1.0
        return r

    @ti.kernel
    def k(x: ti.f32) -> ti.math.vec3:
        return power_sum(ti.Vector([x, 2 * x, 0.5]), 4)

    @ti.kernel
    def c(start: ti.i64) -> ti.f64:
        return collatz(Pair(a=1.0, n=start)).a

    def py_power(v, k):
        return v if k <= 1 else v * py_power(v, k - 1) + 1.0

    want = py_power(np.array([0.75, 1.5, 0.5], np.float64), 4)
    np.testing.assert_allclose(k(0.75), want, rtol=1e-6)

    def py_collatz(n, a=1.0):
        # the same f64 operations in the same order as the recursion
        if n == 1:
            return a
        nxt = n // 2 if n % 2 == 0 else 3 * n + 1
        return py_collatz(nxt, a * 0.5 + 1e-300) + 1.0

    assert c(27) == py_collatz(27)  # 111 calls deep
    # an i64 beyond 32 bits travels through two stack words
    assert c(2 ** 40) == py_collatz(2 ** 40)


def test_recursion_reads_and_writes_fields_and_calls_funcs():
    grid = ti.field(ti.i32, (8, 8))
    seen = ti.field(ti.i32, ())

    @ti.func
    def inside(i, j):
        return 0 <= i < 8 and 0 <= j < 8

    @ti.real_func
    def flood(i: ti.i32, j: ti.i32) -> ti.i32:
        n = 0
        if inside(i, j):
            if grid[i, j] == 1:
                grid[i, j] = 2
                ti.atomic_add(seen[None], 1)
                n = 1 + flood(i + 1, j) + flood(i - 1, j) + flood(i, j + 1) + flood(i, j - 1)
        return n

    @ti.kernel
    def fill(i: ti.i32, j: ti.i32) -> ti.i32:
        return flood(i, j)

    rng = np.random.default_rng(3)
    g = (rng.random((8, 8)) < 0.6).astype(np.int32)
    g[0, 0] = 1
    grid.from_numpy(g)

    def py_flood(g, i, j):
        stack, n = [(i, j)], 0
        while stack:
            a, b = stack.pop()
            if 0 <= a < 8 and 0 <= b < 8 and g[a, b] == 1:
                g[a, b] = 2
                n += 1
                stack += [(a + 1, b), (a - 1, b), (a, b + 1), (a, b - 1)]
        return n

    want = g.copy()
    n = py_flood(want, 0, 0)
    assert fill(0, 0) == n
    assert seen[None] == n
    np.testing.assert_array_equal(grid.to_numpy(), want)


def test_non_recursive_real_func_is_a_call_with_serial_loops():
    total = ti.field(ti.f32, ())

    @ti.real_func
    def series(n: ti.i32) -> ti.f32:
        s = 0.0
        for i in range(n):   # serial inside the call: `s` is the function's own
            s += 1.0 / (i + 1) ** 2
        return s

    @ti.real_func
    def log_all(n: ti.i32):
        for i in range(n):
            total[None] += series(i)

    @ti.kernel
    def k():
        log_all(5)

    k()
    want = sum(sum(1.0 / (i + 1) ** 2 for i in range(m)) for m in range(5))
    assert total[None] == pytest.approx(want, rel=1e-6)


def test_data_oriented_method_and_tuple_result():
    @ti.data_oriented
    class Gcd:
        def __init__(self):
            self.calls = ti.field(ti.i32, ())

        @ti.real_func
        def gcd(self, a: ti.i32, b: ti.i32) -> (ti.i32, ti.i32):
            self.calls[None] += 1
            g, depth = a, 0
            if b != 0:
                g2, d2 = self.gcd(b, a % b)
                g, depth = g2, d2 + 1
            return g, depth

        @ti.kernel
        def run(self, a: ti.i32, b: ti.i32) -> ti.i32:
            g, depth = self.gcd(a, b)
            return g * 100 + depth

    o = Gcd()
    assert o.run(1071, 462) == math.gcd(1071, 462) * 100 + 3
    assert o.calls[None] == 4


def test_deep_recursion_within_the_stack_and_a_clear_error_beyond_it():
    archs.init(real_func_stack_bytes=1024)

    @ti.real_func
    def depth(n: ti.i32) -> ti.i32:
        r = 0
        if n > 0:
            r = 1 + depth(n - 1)
        return r

    @ti.kernel
    def k(n: ti.i32) -> ti.i32:
        return depth(n)

    assert k(30) == 30
    with pytest.raises(Exception, match="real_func_stack_bytes"):
        k(10000)
    assert k(5) == 5  # the program still works after the error


def test_real_func_errors_name_the_problem():
    @ti.real_func
    def no_result_type(x: ti.i32):
        return x + 1

    @ti.kernel
    def k1() -> ti.i32:
        return no_result_type(1)

    with pytest.raises(ti.TaichiSyntaxError, match="annotate its result type"):
        k1()

    @ti.real_func
    def template_param(x: ti.template()) -> ti.i32:
        return 1

    @ti.kernel
    def k2() -> ti.i32:
        return template_param(1)

    with pytest.raises(ti.TaichiSyntaxError, match="parameter 'x' must be annotated"):
        k2()

    @ti.real_func
    def missing_return(x: ti.i32) -> ti.i32:
        y = x

    @ti.kernel
    def k3() -> ti.i32:
        return missing_return(1)

    with pytest.raises(ti.TaichiSyntaxError, match="does not return one"):
        k3()

    with pytest.raises(ti.TaichiSyntaxError, match="parameter 'b' needs a type annotation"):
        @ti.real_func
        def bad(a: ti.i32, b):
            return a

    @ti.func
    def loop_forever(n):
        return loop_forever(n)

    @ti.kernel
    def k4() -> ti.i32:
        return loop_forever(1)

    with pytest.raises(ti.TaichiSyntaxError, match="needs @ti.real_func"):
        k4()


def test_ndarray_parameters_and_bool_in_a_tuple_result():
    # Taichi's real_func examples (stable_fluid_graph, cornell_box) pass ndarrays and return
    # (..., bool) tuples.
    @ti.real_func
    def sample(qf: ti.types.ndarray(ndim=1), i: int) -> float:
        i = ti.max(0, ti.min(qf.shape[0] - 1, i))
        return qf[i]

    @ti.real_func
    def find(qf: ti.types.ndarray(ndim=1), target: float) -> (int, bool):
        hit, at = False, -1
        for i in range(qf.shape[0]):
            if qf[i] == target and not hit:
                hit, at = True, i
        return at, hit

    @ti.kernel
    def k(a: ti.types.ndarray(ndim=1), b: ti.types.ndarray(ndim=1), t: float) -> ti.math.vec4:
        at, hit = find(b, t)
        return ti.Vector([sample(a, -3) + sample(a, 1), sample(b, 99), at, ti.cast(hit, float)])

    a = np.array([1.0, 2.0, 4.0], np.float32)
    b = np.array([7.0, 8.0, 9.0, 8.0], np.float32)
    np.testing.assert_array_equal(k(a, b, 8.0), [1.0 + 2.0, 8.0, 1, 1])
    np.testing.assert_array_equal(k(a, b, 5.0), [3.0, 8.0, -1, 0])


def test_stores_convert_and_element_pointers_cross_calls():
    # Found by the fuzzer. A local of a recursive function lives in its frame: a store of
    # another type converts (as for any local); a field element whose pointer was made before
    # a call is used after it.
    out = ti.field(ti.f64, 4)
    acc = ti.field(ti.i32, ())

    @ti.real_func
    def rf(d: ti.i32, p: ti.i64) -> ti.i64:
        p = 2.5            # -> 2
        x = ti.i8(3)
        x = 300            # wraps to 44
        if d > 0:
            out[3] = rf(d - 1, 0)
        return p * 100 + x

    @ti.real_func
    def early(d: ti.i32, c: ti.i32) -> ti.f32:
        if d > 0:
            if c:
                return 5
            out[2] = early(d - 1, c)
        return ti.cast(1, ti.i8)

    @ti.real_func
    def summed(d: ti.i32) -> ti.i32:
        if d > 0:
            ti.atomic_add(acc[None], summed(d - 1))
            acc[None] += summed(d - 1) * 10
        return d + 1

    @ti.kernel
    def k() -> ti.i32:
        out[0] = rf(1, 7)
        out[1] = early(1, 0)
        return summed(2)

    assert k() == 3
    assert out.to_numpy().tolist() == [244.0, 1.0, 1.0, 244.0]

    def py_summed(d, acc):
        # `acc[None] += f()` is an atomic add: the call's own additions are not overwritten
        if d > 0:
            v = py_summed(d - 1, acc)
            acc[0] += v
            v = py_summed(d - 1, acc) * 10
            acc[0] += v
        return d + 1
    total = [0]
    py_summed(2, total)
    assert acc[None] == total[0]
