"""@ti.func: inlined, arguments by value, returns, recursion rejected."""
import numpy as np
import pytest

import qtaichi as ti


@ti.func
def square(x):
    return x * x


@ti.func
def clamp_add(v, lo: ti.f32, field: ti.template()):
    v = v + lo  # assigns the parameter: the caller's vector is unchanged
    field[0] = v.sum()
    return v


def test_scalar_func_and_nested_calls():
    out = ti.field(ti.f32, 2)

    @ti.func
    def quad(x):
        return square(square(x))

    @ti.kernel
    def k(a: ti.f32):
        out[0] = square(a)
        out[1] = quad(a) + square(2)

    k(1.5)
    np.testing.assert_allclose(out.to_numpy(), [2.25, 1.5 ** 4 + 4])


def test_vector_field_args_and_by_value():
    s = ti.field(ti.f32, 1)
    out = ti.Vector.field(2, ti.f32, 2)

    @ti.kernel
    def k():
        v = ti.Vector([1.0, 2.0])
        w = clamp_add(v, 10, s)
        out[0] = v
        out[1] = w

    k()
    np.testing.assert_array_equal(out.to_numpy(), [[1, 2], [11, 12]])
    assert s[0] == 23


def test_scalar_argument_by_value():
    out = ti.field(ti.i32, 2)

    @ti.func
    def bump(a):
        a += 5
        return a

    @ti.kernel
    def k():
        x = 1
        y = bump(x)
        out[0] = x
        out[1] = y

    k()
    np.testing.assert_array_equal(out.to_numpy(), [1, 6])


def test_matrix_func_and_return_annotation():
    out = ti.Matrix.field(2, 2, ti.f32, ())
    iout = ti.field(ti.i32, ())

    @ti.func
    def rot(c: ti.f32, s: ti.f32):
        return ti.Matrix([[c, -s], [s, c]])

    @ti.func
    def trunc(x) -> ti.i32:
        return x

    @ti.kernel
    def k():
        out[None] = rot(0.0, 1.0) @ rot(0.0, 1.0)
        iout[None] = trunc(3.7)

    k()
    np.testing.assert_allclose(out.to_numpy(), [[-1, 0], [0, -1]], atol=1e-6)
    assert iout[None] == 3


def test_func_without_return_modifies_field():
    x = ti.field(ti.i32, 4)

    @ti.func
    def set_all(f: ti.template(), value):
        for i in range(4):
            f[i] = value

    @ti.kernel
    def k():
        set_all(x, 7)

    k()
    np.testing.assert_array_equal(x.to_numpy(), [7] * 4)


@ti.func
def fib(n):
    r = n
    if n > 1:
        r = fib(n - 1) + fib(n - 2)
    return r


def test_recursion_is_rejected():
    @ti.kernel
    def k() -> ti.i32:
        return fib(5)

    with pytest.raises(ti.TaichiSyntaxError, match=r"recursion is not supported: ti.func 'fib' "
                       r"calls itself \(fib -> fib\)") as e:
        k()
    assert "test_func.py" in str(e.value) and "r = fib(n - 1) + fib(n - 2)" in str(e.value)


def test_return_inside_if_returns_early():
    @ti.func
    def f(x):
        if x > 0:
            return 1
        return 0

    @ti.kernel
    def k(x: ti.i32) -> ti.i32:
        return f(x)

    assert k(3) == 1 and k(-3) == 0


def test_return_inside_a_static_loop_is_an_error():
    @ti.func
    def f(x):
        for i in ti.static(range(3)):
            if x == i:
                return i
        return -1

    @ti.kernel
    def k() -> ti.i32:
        return f(1)

    with pytest.raises(ti.TaichiSyntaxError, match="inside a ti.static"):
        k()


def test_wrong_argument_count_and_python_scope_call():
    @ti.kernel
    def k() -> ti.i32:
        return square(1, 2)

    with pytest.raises(ti.TaichiSyntaxError, match="ti.func 'square'"):
        k()
    with pytest.raises(ti.TaichiSyntaxError, match="can only be called from a kernel"):
        square(3)


def test_data_oriented_methods():
    @ti.data_oriented
    class Sim:
        def __init__(self):
            self.x = ti.field(ti.f32, 4)

        @ti.func
        def value(self, i):
            return i * 2.0

        @ti.kernel
        def fill(self, offset: ti.f32):
            for i in self.x:
                self.x[i] = self.value(i) + offset

    s = Sim()
    s.fill(0.5)
    np.testing.assert_array_equal(s.x.to_numpy(), [0.5, 2.5, 4.5, 6.5])


@ti.func
def classify(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    return 1


@ti.func
def first_index_over(f: ti.template(), limit) -> ti.i32:
    for i in range(8):
        if f[i] > limit:
            return i
    return -1


@ti.func
def clamp_vec(v):
    if v.norm() > 1.0:
        return v / v.norm()
    return v


@ti.func
def nested_search(target):
    for i in range(4):
        for j in range(4):
            if i * 4 + j == target:
                return ti.Vector([i, j])
    return ti.Vector([-1, -1])


def test_return_inside_if_and_loops_of_a_func():
    """Early returns (Taichi allows them in funcs): the result is the first return reached,
    nothing after it runs, loops are left — against the same Python functions."""
    data = ti.field(ti.f32, shape=8)
    data.from_numpy(np.array([0.5, 1.5, 3.0, 7.0, 2.0, 9.0, 0.0, 1.0], np.float32))
    out = ti.field(ti.i32, shape=7)
    vec = ti.Vector.field(2, ti.f32, shape=2)
    ij = ti.Vector.field(2, ti.i32, shape=2)

    @ti.kernel
    def k():
        out[0] = classify(-3.5)
        out[1] = classify(0)
        out[2] = classify(2)
        out[3] = first_index_over(data, 2.5)
        out[4] = first_index_over(data, 100.0)
        s = 0
        for i in range(5):
            s += classify(i - 2)  # inlined inside a loop of the caller
        out[5] = s
        out[6] = first_index_over(data, 8.0)
        vec[0] = clamp_vec(ti.Vector([3.0, 4.0]))
        vec[1] = clamp_vec(ti.Vector([0.3, 0.4]))
        ij[0] = nested_search(9)
        ij[1] = nested_search(99)

    k()
    assert out.to_numpy().tolist() == [-1, 0, 1, 2, -1, 0, 5]
    np.testing.assert_allclose(vec.to_numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    assert ij.to_numpy().tolist() == [[2, 1], [-1, -1]]


@ti.func
def inner_tail(x):
    return x * 10


@ti.func
def outer_early(x):
    if x > 5:
        return inner_tail(x) + 1  # the inner func's own return is not the outer's
    y = inner_tail(x)
    return y - 1


def test_a_func_called_inside_an_early_returning_func_keeps_its_own_return():
    out = ti.field(ti.i32, shape=2)

    @ti.kernel
    def k():
        out[0] = outer_early(7)
        out[1] = outer_early(2)

    k()
    assert out.to_numpy().tolist() == [71, 19]


def _make_scaler(k):
    @ti.func
    def scale(x):
        return x * k  # k from the enclosing Python function

    return scale


def test_funcs_made_in_python_closures_and_data_oriented_members():
    triple = _make_scaler(3)
    x = ti.field(ti.f32, shape=4)

    @ti.kernel
    def run():
        for i in x:
            x[i] = triple(i)

    run()
    assert x.to_numpy().tolist() == [0, 3, 6, 9]

    @ti.data_oriented
    class Sim:
        def __init__(self, n):
            self.n = n
            self.pos = ti.field(ti.f32, shape=n)
            self.speed = 2.0

        @ti.func
        def velocity(self, i):
            return i * self.speed

        @ti.kernel
        def step(self, dt: ti.f32):
            for i in self.pos:
                self.pos[i] += self.velocity(i) * dt

        @ti.kernel
        def fill(self, f: ti.template()):
            for i in f:
                f[i] = self.n

    sim = Sim(4)
    sim.step(0.5)
    assert sim.pos.to_numpy().tolist() == [0, 1, 2, 3]
    y = ti.field(ti.i32, shape=3)
    sim.fill(y)
    assert y.to_numpy().tolist() == [4, 4, 4]


def test_static_branch_that_returns_ends_the_func():
    # Taichi's idiom for per-shape variants: the code after a taken static return is not
    # compiled (its static_assert would fail for the vector case).
    @ti.func
    def first(v: ti.template()):
        if ti.static(isinstance(v, ti.Matrix)):
            return v[0]
        ti.static_assert(not isinstance(v, ti.Matrix))
        return v

    @ti.kernel
    def k(x: ti.f32) -> ti.f32:
        return first(ti.Vector([x, 2.0])) * 10 + first(x)

    assert k(3.0) == 33.0


def test_tuple_results_with_early_returns():
    # `return a, b` in several places, with or without a tuple annotation (found by the fuzzer)
    @ti.func
    def split(x):
        if x > 5:
            return x, 0.5, ti.Vector([x, 1])
        return x + 1, 1, ti.Vector([0, x])

    @ti.func
    def typed(x: ti.i32) -> (ti.i32, ti.f32):
        for i in range(x):
            if i == 3:
                return i, 0.25
        return -1, 2

    @ti.real_func
    def real(x: ti.i32) -> (ti.i32, ti.f32):
        if x > 5:
            return x, 0.5
        return x + 1, 1.0

    @ti.kernel
    def k(x: ti.i32) -> ti.types.vector(8, ti.f32):
        a, b, v = split(x)
        c, d = typed(x)
        e, f = real(x)
        return ti.Vector([a, b, v[0] + v[1] * 10, c, d, e, f, 0])

    np.testing.assert_array_equal(k(7), [7, 0.5, 17, 3, 0.25, 7, 0.5, 0])
    np.testing.assert_array_equal(k(2), [3, 1, 20, -1, 2, 3, 1, 0])
