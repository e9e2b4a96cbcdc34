"""Python syntax inside kernels that Taichi accepts: the walrus operator, list comprehensions
and generator expressions over compile-time iterables (building vectors and matrices)."""
import numpy as np
import pytest

import qtaichi as ti


def test_walrus_assigns_and_yields_the_value():
    x = ti.field(ti.i32, shape=8)

    @ti.kernel
    def k():
        for i in x:
            if (y := i * 3) > 9:
                x[i] = y
            else:
                x[i] = -y

    k()
    assert x.to_numpy().tolist() == [-3 * i if 3 * i <= 9 else 3 * i for i in range(8)]


def test_comprehensions_build_vectors_and_matrices():
    v = ti.Vector.field(4, ti.f32, shape=())
    m = ti.Matrix.field(3, 3, ti.f32, shape=())
    s = ti.field(ti.f32, shape=2)

    @ti.kernel
    def k(a: ti.f32):
        v[None] = ti.Vector([a * j for j in range(4)])
        m[None] = ti.Matrix([[a if i == j else i + j for j in range(3)] for i in range(3)])
        w = ti.Vector([j * j for j in ti.static(range(5)) if j % 2 == 0])  # 0, 4, 16
        s[0] = w.sum()
        p, q = (a + j for j in range(2))
        s[1] = p * q

    k(1.5)
    np.testing.assert_allclose(v.to_numpy(), [0, 1.5, 3.0, 4.5])
    np.testing.assert_allclose(m.to_numpy(), [[1.5, 1, 2], [1, 1.5, 3], [2, 3, 1.5]])
    np.testing.assert_allclose(s.to_numpy(), [20.0, 1.5 * 2.5])


def test_a_comprehension_over_a_run_time_range_is_an_error():
    x = ti.field(ti.f32, shape=())

    @ti.kernel
    def k(n: ti.i32):
        x[None] = ti.Vector([j for j in range(n)]).sum()

    with pytest.raises(ti.TaichiSyntaxError, match="known at compile time"):
        k(3)


def test_star_unpacking_in_calls():
    out = ti.field(ti.f32, shape=3)

    @ti.func
    def weighted(a, b, c):
        return a + 10 * b + 100 * c

    @ti.kernel
    def k():
        v = ti.Vector([1.0, 2.0, 3.0])
        out[0] = weighted(*v)
        t = (4.0, 5.0)
        out[1] = weighted(0.5, *t)
        out[2] = ti.max(*v) + ti.atan2(*[0.0, 1.0])

    k()
    np.testing.assert_allclose(out.to_numpy(), [321.0, 540.5, 3.0])
