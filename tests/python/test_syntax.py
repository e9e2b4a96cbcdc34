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


def test_vector_and_matrix_slices():
    @ti.kernel
    def k() -> ti.math.vec4:
        v = ti.Vector([1.0, 2.0, 3.0, 4.0])
        m = ti.Matrix([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
        a = v[:2]
        b = v[1::2]
        c = m[1, :]
        d = m[:2, 1:]
        v[2:] = [10.0, 20.0]          # a slice as a target writes those entries
        return ti.Vector([a.sum(), b.sum() + c.sum(), d.sum() + d.n * 100, v.sum()])

    v = np.array([1.0, 2, 3, 4])
    m = np.arange(1.0, 10).reshape(3, 3)
    v2 = v.copy()
    v2[2:] = [10, 20]
    np.testing.assert_array_equal(k().to_numpy(), [v[:2].sum(), v[1::2].sum() + m[1, :].sum(),
                                                   m[:2, 1:].sum() + 200, v2.sum()])


def test_starred_extents_and_compile_time_list_arithmetic():
    n = 3

    @ti.kernel
    def k() -> ti.i32:
        s = 0
        for I in ti.grouped(ti.ndrange(*[n] * 2)):
            s += I[0] * 10 + I[1]
        for i, j in ti.static(ti.ndrange(*(2, 2))):
            s += 1000 * (i + j)
        return s

    assert k() == sum(i * 10 + j for i in range(3) for j in range(3)) + 4000


def test_lib_core_answers_taichis_backend_queries():
    assert ti._lib.core.with_vulkan() == ti.is_arch_supported(ti.vulkan)
    assert ti._lib.core.with_cuda() == ti.is_arch_supported(ti.cuda)
    assert ti._lib.core.with_metal() is False


def test_taichi_example_idioms():
    # Each line below stopped one of Taichi's own example programs.
    x = ti.field(ti.f32, shape=4)
    y = ti.field(ti.f32, shape=4)
    n = np.array([3, 3])

    @ti.experimental.real_func
    def twice(v: ti.f32) -> ti.f32:
        return v * 2

    @ti.kernel
    def k(v: ti.types.ndarray(ndim=1)) -> ti.math.vec4:
        a, b = ti.static(x, y)                       # snow_phaseField
        for i in a:
            b[i] = a[i] + 1
        s = 0
        for i, j in ti.ndrange(*(n - 1)):            # implicit_fem
            s += 1
        d = ti.Vector([3.0, 4.0])
        c = ti.math.vec4(1, 2, 3, 4)
        shape_ok = 0
        if ti.static(v.element_shape() == [2]):      # stable_fluid_graph
            shape_ok = 1
        return ti.Vector([s + shape_ok * 10, d.norm(1e-5) + d.normalized(0.0)[0],  # nbody
                          (c.rgb / c.a).sum(),       # cornell_box
                          ti.pow(base=2.0, exponent=3.0) + twice(1.0) +
                          ti.pow(a=2.0, b=2) - ti.pow(x=2.0, a=2)])

    arr = ti.Vector.ndarray(2, ti.f32, shape=3)
    got = k(arr).to_numpy()
    np.testing.assert_allclose(got, [4 + 10, 5 + 0.6, 6 / 4, 8 + 2], rtol=1e-5)
    np.testing.assert_array_equal(y.to_numpy(), x.to_numpy() + 1)


def test_a_named_list_of_kernel_scalars_is_a_vector_local():
    f = ti.field(ti.i32, shape=6)

    @ti.kernel
    def k(a: ti.i32, b: ti.i32, c: ti.i32):
        verts = [a, b, c]
        if verts[0] < 10:
            tmp = verts[1]
            verts[1] = verts[2]
            verts[2] = tmp
        for i, j in ti.static(enumerate([0, 1, 2])):
            f[i] = verts[j]
        for i in ti.static(range(3)):
            f[3 + i] = [a * 2, b * 2, c * 2][i]

    k(1, 2, 3)
    assert f.to_numpy().tolist() == [1, 3, 2, 2, 4, 6]
