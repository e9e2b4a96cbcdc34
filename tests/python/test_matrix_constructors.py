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
