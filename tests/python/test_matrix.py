"""Vectors and matrices in kernels, checked against numpy."""
import numpy as np
import pytest

import qtaichi as ti

RNG = np.random.default_rng(7)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b), rtol=tol,
                               atol=tol)


@pytest.mark.parametrize("n", [2, 3])
def test_inverse_determinant_matmul_outer(n):
    a = RNG.uniform(-1, 1, (n, n)) + 2 * np.eye(n)
    b = RNG.uniform(-1, 1, (n, n))
    v = RNG.uniform(-1, 1, n)
    A = ti.Matrix.field(n, n, ti.f64, ())
    B = ti.Matrix.field(n, n, ti.f64, ())
    V = ti.Vector.field(n, ti.f64, ())
    inv = ti.Matrix.field(n, n, ti.f64, ())
    prod = ti.Matrix.field(n, n, ti.f64, ())
    outer = ti.Matrix.field(n, n, ti.f64, ())
    mv = ti.Vector.field(n, ti.f64, ())
    tr = ti.Matrix.field(n, n, ti.f64, ())
    det = ti.field(ti.f64, ())
    trace = ti.field(ti.f64, ())
    A.from_numpy(a)
    B.from_numpy(b)
    V.from_numpy(v)

    @ti.kernel
    def k():
        m = A[None]
        inv[None] = m.inverse()
        det[None] = m.determinant()
        prod[None] = m @ B[None]
        outer[None] = V[None].outer_product(V[None] * 2)
        mv[None] = m @ V[None]
        tr[None] = m.transpose()
        trace[None] = m.trace()

    k()
    close(inv.to_numpy(), np.linalg.inv(a))
    close(det[None], np.linalg.det(a))
    close(prod.to_numpy(), a @ b)
    close(outer.to_numpy(), np.outer(v, 2 * v))
    close(mv.to_numpy(), a @ v)
    close(tr.to_numpy(), a.T)
    close(trace[None], np.trace(a))


def test_f32_inverse_within_1e5():
    a = np.array([[2.0, 0.5, 0.1], [0.3, 1.5, -0.2], [0.1, 0.4, 3.0]], dtype=np.float32)
    A = ti.Matrix.field(3, 3, ti.f32, ())
    out = ti.Matrix.field(3, 3, ti.f32, ())
    A.from_numpy(a)

    @ti.kernel
    def k():
        out[None] = A[None].inverse() @ A[None]

    k()
    close(out.to_numpy(), np.eye(3))


def test_vector_methods_and_components():
    v = np.array([3.0, -4.0, 12.0], dtype=np.float32)
    w = np.array([1.0, 2.0, -0.5], dtype=np.float32)
    V = ti.Vector.field(3, ti.f32, 2)
    out = ti.field(ti.f32, 8)
    nrm = ti.Vector.field(3, ti.f32, ())
    crs = ti.Vector.field(3, ti.f32, ())
    V.from_numpy(np.stack([v, w]))

    @ti.kernel
    def k():
        a, b = V[0], V[1]
        out[0] = a.dot(b)
        out[1] = a.norm()
        out[2] = a.norm_sqr()
        out[3] = a.x + a.y * 10 + a.z * 100
        out[4] = a[2]
        out[5] = a.sum()
        out[6] = a.max()
        out[7] = a @ b
        nrm[None] = a.normalized()
        crs[None] = a.cross(b)

    k()
    o = out.to_numpy()
    close(o[0], v @ w)
    close(o[1], np.linalg.norm(v))
    close(o[2], v @ v)
    close(o[3], 3 - 40 + 1200)
    close(o[4], 12)
    close(o[5], v.sum())
    close(o[6], 12)
    close(o[7], v @ w)
    close(nrm.to_numpy(), v / np.linalg.norm(v))
    close(crs.to_numpy(), np.cross(v, w))


def test_elementwise_ops_with_scalars_and_vectors():
    a = np.array([1.5, -2.25], dtype=np.float32)
    b = np.array([0.5, 4.0], dtype=np.float32)
    A = ti.Vector.field(2, ti.f32, ())
    Bf = ti.Vector.field(2, ti.f32, ())
    out = ti.Vector.field(2, ti.f32, 12)
    A.from_numpy(a)
    Bf.from_numpy(b)

    @ti.kernel
    def k():
        x, y = A[None], Bf[None]
        out[0] = x + y
        out[1] = x - y
        out[2] = x * y
        out[3] = x / y
        out[4] = 2 * x + 1
        out[5] = x ** 2
        out[6] = -x
        out[7] = ti.abs(x)
        out[8] = ti.max(x, y)
        out[9] = ti.min(x, 0.0)
        out[10] = ti.floor(x)
        out[11] = ti.sqrt(y) + ti.exp(x) * 0

    k()
    o = out.to_numpy()
    expect = [a + b, a - b, a * b, a / b, 2 * a + 1, a ** 2, -a, abs(a), np.maximum(a, b),
              np.minimum(a, 0), np.floor(a), np.sqrt(b)]
    for got, want in zip(o, expect):
        close(got, want)


def test_casts_elementwise():
    x = ti.Vector.field(2, ti.f32, ())
    out = ti.Vector.field(2, ti.i32, 2)
    x[None] = [2.7, -1.5]

    @ti.kernel
    def k():
        out[0] = int(x[None])
        out[1] = ti.cast(x[None] * 2, ti.i32)

    k()
    np.testing.assert_array_equal(out.to_numpy(), [[2, -1], [5, -3]])


def test_constructors_zero_identity_rows_cols_and_types():
    out = ti.Matrix.field(2, 2, ti.f32, 5)
    vout = ti.Vector.field(3, ti.f32, 2)
    vec3 = ti.types.vector(3, ti.f32)
    mat2 = ti.types.matrix(2, 2, ti.f32)

    @ti.kernel
    def k():
        out[0] = ti.Matrix.zero(ti.f32, 2, 2)
        out[1] = ti.Matrix.identity(ti.f32, 2) * 3
        out[2] = ti.Matrix.rows([ti.Vector([1, 2]), ti.Vector([3, 4])])
        out[3] = ti.Matrix.cols([ti.Vector([1, 2]), ti.Vector([3, 4])])
        out[4] = mat2([[5, 6], [7, 8]])
        vout[0] = vec3(1, 2, 3) + ti.Vector.zero(ti.f32, 3)
        vout[1] = ti.math.vec3(0.5)

    k()
    o = out.to_numpy()
    np.testing.assert_array_equal(o[0], np.zeros((2, 2)))
    np.testing.assert_array_equal(o[1], 3 * np.eye(2))
    np.testing.assert_array_equal(o[2], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(o[3], [[1, 3], [2, 4]])
    np.testing.assert_array_equal(o[4], [[5, 6], [7, 8]])
    np.testing.assert_array_equal(vout.to_numpy(), [[1, 2, 3], [0.5, 0.5, 0.5]])


def test_static_indexing_and_local_updates():
    out = ti.Matrix.field(2, 2, ti.f32, ())
    v_out = ti.Vector.field(3, ti.f32, ())

    @ti.kernel
    def k():
        m = ti.Matrix([[1.0, 2.0], [3.0, 4.0]])
        m[0, 1] = 20.0
        m += ti.Matrix.identity(ti.f32, 2)
        m *= 2
        v = ti.Vector([0.0, 0.0, 0.0])
        v[1] = m[1, 0]
        v.z = m[1][1]
        v += 1
        v = v * 2  # re-assigned
        out[None] = m
        v_out[None] = v

    k()
    np.testing.assert_array_equal(out.to_numpy(), [[4, 40], [6, 10]])
    np.testing.assert_array_equal(v_out.to_numpy(), [2, 14, 22])


def test_dynamic_index_reads():
    v = ti.Vector.field(4, ti.i32, ())
    out = ti.field(ti.i32, 4)
    v[None] = [10, 20, 30, 40]

    @ti.kernel
    def k():
        for i in range(4):
            out[i] = v[None][3 - i]

    k()
    np.testing.assert_array_equal(out.to_numpy(), [40, 30, 20, 10])


def test_vector_field_component_updates_and_list_assignment():
    g = ti.Vector.field(2, ti.f32, (4, 4))
    m = ti.field(ti.f32, (4, 4))
    m.fill(2.0)

    @ti.kernel
    def k():
        for i, j in m:
            g[i, j] = [i, j]
            g[i, j].y -= 0.5
            g[i, j] /= m[i, j]
            g[i, j].x = g[i, j].x + 1

    k()
    ii, jj = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    expect = np.stack([ii / 2 + 1, (jj - 0.5) / 2], axis=-1)
    close(g.to_numpy(), expect)


def test_atomic_add_of_vectors_and_vector_index():
    x = ti.Vector.field(2, ti.f32, 8)
    v = ti.Vector.field(2, ti.f32, 8)
    grid = ti.field(ti.i32, (4, 4))
    x.from_numpy(np.zeros((8, 2), np.float32))
    v.from_numpy(np.arange(16, dtype=np.float32).reshape(8, 2))

    @ti.kernel
    def k():
        for p in x:
            x[p] += 0.5 * v[p]
            base = ti.Vector([p % 2, 1])
            grid[base + ti.Vector([1, 2])] += 1

    k()
    close(x.to_numpy(), 0.5 * v.to_numpy())
    g = grid.to_numpy()
    assert g[1, 3] == 4 and g[2, 3] == 4 and g.sum() == 8


def test_to_numpy_from_numpy_shapes_and_python_scope_access():
    x = ti.Vector.field(3, ti.f32, (4, 5))
    m = ti.Matrix.field(2, 3, ti.i32, 6)
    assert x.to_numpy().shape == (4, 5, 3)
    assert m.to_numpy().shape == (6, 2, 3)
    a = RNG.uniform(size=(4, 5, 3)).astype(np.float32)
    x.from_numpy(a)
    np.testing.assert_array_equal(x.to_numpy(), a)
    np.testing.assert_array_equal(x[1, 2].to_numpy(), a[1, 2])
    x[0, 0] = [7, 8, 9]
    assert x[0, 0] == [7, 8, 9]
    b = np.arange(36, dtype=np.int32).reshape(6, 2, 3)
    m.from_numpy(b)
    np.testing.assert_array_equal(m.to_numpy(), b)
    np.testing.assert_array_equal(m[5].to_numpy(), b[5])


def test_ti_field_of_a_vector_type_and_root_placement():
    a = ti.field(ti.math.vec2, shape=3)
    b = ti.Vector.field(2, ti.f32)
    ti.root.dense(ti.i, 3).place(b)

    @ti.kernel
    def k():
        for i in a:
            a[i] = [i, 2 * i]
            b[i] = a[i] * 10

    k()
    np.testing.assert_array_equal(b.to_numpy(), [[0, 0], [10, 20], [20, 40]])


def test_python_lists_of_vectors_indexed_statically():
    out = ti.field(ti.f32, 9)
    x = ti.Vector.field(2, ti.f32, ())
    x[None] = [0.25, 0.5]

    @ti.kernel
    def k():
        fx = x[None]
        w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1) ** 2, 0.5 * (fx - 0.5) ** 2]
        for i, j in ti.static(ti.ndrange(3, 3)):
            out[i * 3 + j] = w[i].x * w[j].y

    k()
    fx = np.array([0.25, 0.5])
    w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1) ** 2, 0.5 * (fx - 0.5) ** 2]
    close(out.to_numpy(), [w[i][0] * w[j][1] for i in range(3) for j in range(3)])


def test_grouped_loops():
    x = ti.field(ti.i32, (3, 4))
    y = ti.Vector.field(2, ti.i32, (3, 4))

    @ti.kernel
    def k():
        for I in ti.grouped(x):
            x[I] = I[0] * 10 + I[1]
        for I in ti.grouped(ti.ndrange(3, (1, 4))):
            y[I] = I

    k()
    ii, jj = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    np.testing.assert_array_equal(x.to_numpy(), ii * 10 + jj)
    yy = y.to_numpy()
    np.testing.assert_array_equal(yy[:, 1:, 0], ii[:, 1:])
    np.testing.assert_array_equal(yy[:, 1:, 1], jj[:, 1:])
    np.testing.assert_array_equal(yy[:, 0], 0)


def test_wrong_vector_size_is_a_type_error():
    @ti.kernel
    def k():
        a = ti.Vector([1.0, 2.0]) + ti.Vector([1.0, 2.0, 3.0])

    with pytest.raises(ti.TaichiTypeError, match="different shapes, 2-vector and 3-vector") as e:
        k()
    assert "test_matrix.py" in str(e.value) and "ti.Vector([1.0, 2.0]) +" in str(e.value)


def test_matmul_shape_mismatch_and_assigning_wrong_shape():
    @ti.kernel
    def k():
        m = ti.Matrix([[1.0, 2.0], [3.0, 4.0]]) @ ti.Vector([1.0, 2.0, 3.0])

    with pytest.raises(ti.TaichiTypeError, match="cannot multiply a 2x2 matrix by a 3-vector"):
        k()
    x = ti.Vector.field(2, ti.f32, 4)

    @ti.kernel
    def k2():
        x[0] = [1, 2, 3]

    with pytest.raises(ti.TaichiTypeError, match="cannot assign a 3-vector to a 2-vector"):
        k2()


def test_static_index_out_of_range_and_missing_component():
    @ti.kernel
    def k():
        v = ti.Vector([1, 2])
        a = v[2]

    with pytest.raises(ti.TaichiSyntaxError, match="out of range"):
        k()

    @ti.kernel
    def k2():
        v = ti.Vector([1, 2])
        a = v.z

    with pytest.raises(ti.TaichiSyntaxError, match="has no component 'z'"):
        k2()


def test_vector_in_scalar_context_is_an_error():
    x = ti.field(ti.f32, 2)

    @ti.kernel
    def k():
        x[0] = ti.Vector([1.0, 2.0])

    with pytest.raises(ti.TaichiTypeError, match="cannot assign a 2-vector to the scalar"):
        k()


def test_python_scope_vectors():
    v = ti.Vector([1.0, 2.0])
    m = ti.Matrix([[1, 2], [3, 4]])
    assert (v * 2).to_list() == [2.0, 4.0]
    assert v.x == 1.0 and v.y == 2.0
    assert (m @ v).to_list() == [5.0, 11.0]
    assert m[1, 0] == 3 and m.n == 2 and m.m == 2
    np.testing.assert_array_equal(np.asarray(m.transpose()), [[1, 3], [2, 4]])
