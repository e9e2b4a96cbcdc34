"""ti.Matrix.ident / identity / diag in kernels and in Python scope, against numpy."""
import numpy as np

import qtaichi as ti


def test_ident_and_diag():
    m = ti.Matrix.field(3, 3, ti.f32, shape=3)

    @ti.kernel
    def k(a: ti.f32):
        m[0] = ti.Matrix.ident(ti.f32, 3)
        m[1] = ti.Matrix.diag(3, a)
        m[2] = ti.Matrix.diag(3, [1.0, a, 3.0]) + ti.Matrix.identity(ti.f32, 3)

    k(2.5)
    np.testing.assert_array_equal(m.to_numpy(), [np.eye(3), 2.5 * np.eye(3),
                                                 np.diag([1, 2.5, 3]) + np.eye(3)])
    np.testing.assert_array_equal(ti.Matrix.diag(2, [4, 5]).to_numpy(), np.diag([4, 5]))


def test_entries_stored_with_indices_known_only_at_run_time():
    out = ti.Vector.field(4, ti.i32, shape=4)
    m = ti.Matrix.field(2, 3, ti.f32, shape=())

    @ti.kernel
    def k(r: ti.i32, c: ti.i32):
        for i in range(4):
            v = ti.Vector([10, 20, 30, 40])
            v[i] = -1          # the loop index picks the entry
            v[(i + 1) % 4] += 5
            out[i] = v
        a = ti.Matrix([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        a[r, c] = 2.5
        a[1 - r, c] -= 1.0
        m[None] = a

    k(1, 2)
    want = []
    for i in range(4):
        v = [10, 20, 30, 40]
        v[i] = -1
        v[(i + 1) % 4] += 5
        want.append(v)
    np.testing.assert_array_equal(out.to_numpy(), want)
    np.testing.assert_array_equal(m.to_numpy(), [[0, 0, -1.0], [0, 0, 2.5]])


def test_fill_sets_every_entry_in_place():
    P = ti.types.struct(a=ti.math.vec2, b=ti.f32)
    out = ti.Vector.field(3, ti.f32, shape=2)

    @ti.kernel
    def k(x: ti.f32):
        v = ti.Vector([1.0, 2.0, 3.0])
        v.fill(x)
        m = ti.Matrix([[1.0, 2.0], [3.0, 4.0]])
        m.fill(x * 2)
        p = P(a=ti.math.vec2(5, 6), b=7.0)
        p.fill(-1)
        out[0] = v
        out[1] = ti.Vector([m.sum(), p.a.sum(), p.b])

    k(1.5)
    np.testing.assert_array_equal(out.to_numpy(), [[1.5, 1.5, 1.5], [12.0, -2.0, -1.0]])
    v = ti.Vector([1, 2])
    v.fill(9)
    assert v.to_list() == [9, 9]
