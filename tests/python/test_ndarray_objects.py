"""ti.ndarray / ti.Vector.ndarray / ti.Matrix.ndarray: Python-scope arrays passed to
ti.types.ndarray() parameters, against numpy."""
import numpy as np
import pytest

import qtaichi as ti


def test_scalar_vector_and_matrix_ndarrays_round_trip_through_kernels():
    a = ti.ndarray(ti.f32, (4, 3))
    v = ti.Vector.ndarray(3, ti.f32, 5)
    m = ti.Matrix.ndarray(2, 2, ti.i32, np.int64(3))  # numpy integers as a shape
    assert a.shape == (4, 3) and a.dtype == ti.f32 and v.shape == (5,) and m.shape == (3,)

    @ti.kernel
    def k(a: ti.types.ndarray(), v: ti.types.ndarray(dtype=ti.math.vec3, ndim=1),
          m: ti.types.ndarray(dtype=ti.types.matrix(2, 2, ti.i32), ndim=1)):
        for i, j in ti.ndrange(4, 3):
            a[i, j] += i * 10 + j
        for i in range(5):
            v[i] = ti.Vector([i, 2 * i, 3 * i]) * 0.5
        for i in range(3):
            m[i] = ti.Matrix([[i, 1], [2, i * i]])

    a.fill(1.0)
    k(a, v, m)
    np.testing.assert_array_equal(a.to_numpy(), 1 + np.add.outer(np.arange(4) * 10, np.arange(3)))
    np.testing.assert_array_equal(v.to_numpy(), np.outer(np.arange(5), [0.5, 1, 1.5]))
    np.testing.assert_array_equal(m.to_numpy(),
                                  [[[i, 1], [2, i * i]] for i in range(3)])
    assert a[2, 1] == 22.0 and list(v[4]) == [2.0, 4.0, 6.0]
    a[0, 0] = 7
    a.from_numpy(a.to_numpy() * 2)
    assert a[0, 0] == 14.0
    with pytest.raises(ti.TaichiTypeError, match="shape"):
        a.from_numpy(np.zeros((3, 3)))


def test_vector_ndarray_brings_its_element_shape_to_an_untyped_annotation():
    @ti.kernel
    def norms(x: ti.types.ndarray(ndim=1), out: ti.types.ndarray(ndim=1)):
        for i in x:
            out[i] = x[i].norm()

    x = ti.Vector.ndarray(2, ti.f32, shape=4)
    x.from_numpy(np.array([[3, 4], [6, 8], [0, 1], [5, 12]], np.float32))
    out = ti.ndarray(ti.f32, shape=4)
    norms(x, out)
    np.testing.assert_allclose(out.to_numpy(), [5, 10, 1, 13])


def test_ndarrays_stay_on_the_device_between_launches():
    # The array is device memory: what to_numpy returns is a copy, kernels see every earlier
    # launch's writes, and element access reads and writes single elements or vectors.
    x = ti.Vector.ndarray(2, ti.i32, shape=(3, 4))

    @ti.kernel
    def bump(x: ti.types.ndarray(ndim=2), k: ti.i32):
        for i, j in x:
            x[i, j] += ti.Vector([i * k, j])

    host = x.to_numpy()
    host[...] = 99  # a copy: the device array is unchanged
    for k in range(1, 4):
        bump(x, k)
    want = np.stack(np.meshgrid(np.arange(3) * 6, np.arange(4) * 3, indexing="ij"), -1)
    np.testing.assert_array_equal(x.to_numpy(), want)
    assert list(x[2, 3]) == [12, 9] and x[2, 3, 1] == 9 and x[-1, -1, 0] == 12
    x[1, 2] = [5, 6]
    x[0, 0, 1] = -1
    x[:, 0] = 7  # a slice: through the whole array
    want[1, 2] = [5, 6]
    want[:, 0] = 7
    np.testing.assert_array_equal(x.to_numpy(), want)
    with pytest.raises(IndexError):
        x[3, 0]
    x.fill(0)
    assert not x.to_numpy().any()
    x.fill(2)
    assert (x.to_numpy() == 2).all()


def test_an_ndarray_of_a_destroyed_program_is_a_clear_error():
    import archs
    a = ti.ndarray(ti.f32, 4)

    @ti.kernel
    def k(a: ti.types.ndarray()):
        a[0] = 1

    archs.init()  # a new program: the array belonged to the old one
    with pytest.raises(ti.TaichiError, match="destroyed"):
        a.to_numpy()
    with pytest.raises(ti.TaichiError, match="destroyed"):
        k(a)
