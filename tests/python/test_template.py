"""ti.template() arguments and vector/matrix typed scalar arguments."""
import numpy as np
import pytest

import qtaichi as ti


def test_field_templates_compile_once_per_field():
    a, b = ti.field(ti.i32, 4), ti.field(ti.i32, 4)

    @ti.kernel
    def fill(f: ti.template(), v: ti.i32):
        for i in f:
            f[i] = v

    fill(a, 1)
    fill(b, 2)
    fill(a, 3)
    np.testing.assert_array_equal(a.to_numpy(), [3] * 4)
    np.testing.assert_array_equal(b.to_numpy(), [2] * 4)
    assert len(fill._instances) == 2


def test_value_templates_key_by_value():
    x = ti.field(ti.f32, ())

    @ti.kernel
    def k(n: ti.template(), flag: ti.template()):
        s = 0.0
        for i in ti.static(range(n)):
            s += i
        if ti.static(flag):
            s = -s
        x[None] = s

    k(4, False)
    assert x[None] == 6
    k(4, True)
    assert x[None] == -6
    k(4, False)
    k(3, False)
    assert x[None] == 3
    assert len(k._instances) == 3

    @ti.kernel
    def twice(n: ti.template()):
        x[None] = n * 2

    twice(4)
    assert x[None] == 8
    twice(4.5)  # a float differs from an int
    assert x[None] == 9
    twice(4)
    assert len(twice._instances) == 2


def test_tuple_template_and_vector_field_template():
    v = ti.Vector.field(3, ti.f32, 2)

    @ti.kernel
    def k(f: ti.template(), offs: ti.template()):
        for i in f:
            f[i] = ti.Vector([offs[0], offs[1], offs[2]]) * (i + 1)

    k(v, (1, 2, 3))
    np.testing.assert_array_equal(v.to_numpy(), [[1, 2, 3], [2, 4, 6]])


def test_vector_and_matrix_typed_arguments():
    out = ti.Vector.field(3, ti.f32, ())
    mout = ti.Matrix.field(2, 2, ti.f32, ())

    @ti.kernel
    def k(v: ti.types.vector(3, ti.f32), m: ti.math.mat2, s: ti.f32):
        out[None] = v * s
        mout[None] = m.transpose()

    k(ti.Vector([1, 2, 3]), [[1, 2], [3, 4]], 2.0)
    np.testing.assert_array_equal(out.to_numpy(), [2, 4, 6])
    np.testing.assert_array_equal(mout.to_numpy(), [[1, 3], [2, 4]])
    k(np.array([0.5, 0, 1]), np.eye(2), 1.0)
    np.testing.assert_array_equal(out.to_numpy(), [0.5, 0, 1])
    with pytest.raises(ti.TaichiRuntimeTypeError, match="argument 'v'.*shape"):
        k([1, 2], np.eye(2), 1.0)


def test_vector_argument_assigned_in_kernel():
    out = ti.Vector.field(2, ti.i32, ())

    @ti.kernel
    def k(v: ti.types.vector(2, ti.i32)):
        v += 1
        out[None] = v

    k([1, 2])
    np.testing.assert_array_equal(out.to_numpy(), [2, 3])
