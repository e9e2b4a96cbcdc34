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


def test_return_inside_if_is_an_error():
    @ti.func
    def f(x):
        if x > 0:
            return 1
        return 0

    @ti.kernel
    def k() -> ti.i32:
        return f(3)

    with pytest.raises(ti.TaichiSyntaxError, match="'return' is only supported as the last"):
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
