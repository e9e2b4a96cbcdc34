"""ti.types.ndarray() arguments: numpy arrays read and written in place."""
import numpy as np
import pytest

import qtaichi as ti


def test_read_write_in_place_and_shape():
    @ti.kernel
    def k(a: ti.types.ndarray(dtype=ti.f32, ndim=2), b: ti.types.ndarray()):
        for i, j in ti.ndrange(a.shape[0], a.shape[1]):
            a[i, j] = a[i, j] * 2 + b[j]

    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.array([0.5, 1, 2, 3], dtype=np.float32)
    expect = a * 2 + b
    k(a, b)
    np.testing.assert_array_equal(a, expect)


def test_generic_ndarray_compiles_per_dtype_and_rank():
    @ti.kernel
    def total(a: ti.types.ndarray()) -> ti.f64:
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i]
        return s

    assert total(np.arange(10, dtype=np.int32)) == 45
    assert total(np.arange(10, dtype=np.float64) / 2) == 22.5
    assert len(total._instances) == 2


def test_non_contiguous_array_is_copied_back():
    @ti.kernel
    def k(a: ti.types.ndarray(dtype=ti.i32, ndim=1)):
        for i in range(a.shape[0]):
            a[i] += i

    base = np.zeros(10, dtype=np.int32)
    view = base[::2]
    k(view)
    np.testing.assert_array_equal(base[::2], np.arange(5))
    np.testing.assert_array_equal(base[1::2], 0)


def test_vector_element_ndarray():
    @ti.kernel
    def k(p: ti.types.ndarray(dtype=ti.math.vec2, ndim=1), out: ti.types.ndarray()):
        for i in range(p.shape[0]):
            out[i] = p[i].norm()
            p[i] = p[i] * 2

    p = np.array([[3, 4], [6, 8]], dtype=np.float32)
    out = np.zeros(2, dtype=np.float32)
    k(p, out)
    np.testing.assert_allclose(out, [5, 10])
    np.testing.assert_array_equal(p, [[6, 8], [12, 16]])


def test_dtype_mismatch_is_a_runtime_type_error():
    @ti.kernel
    def k(a: ti.types.ndarray(dtype=ti.f32, ndim=1)):
        a[0] = 1

    with pytest.raises(ti.TaichiRuntimeTypeError, match=r"argument 'a' must be an ndarray of "
                       r"f32, got dtype float64"):
        k(np.zeros(3))
    with pytest.raises(ti.TaichiRuntimeTypeError, match=r"argument 'a' must be an ndarray with "
                       r"1 dimension, got 2"):
        k(np.zeros((3, 3), dtype=np.float32))
    with pytest.raises(ti.TaichiRuntimeTypeError, match=r"argument 'a' must be a numpy ndarray, "
                       r"got list"):
        k([1.0, 2.0])


def test_wrong_index_count_in_kernel():
    @ti.kernel
    def k(a: ti.types.ndarray(ndim=2)):
        a[0] = 1

    with pytest.raises(ti.TaichiIndexError, match="ndarray 'a' has 2 dimensions, but 1 index"):
        k(np.zeros((2, 2), dtype=np.float32))


def test_grouped_loop_over_an_ndarray():
    @ti.kernel
    def k(a: ti.types.ndarray(dtype=ti.i32, ndim=2)):
        for I in ti.grouped(a):
            a[I] = I[0] * 10 + I[1]

    a = np.zeros((3, 5), dtype=np.int32)
    k(a)
    np.testing.assert_array_equal(a, np.arange(3)[:, None] * 10 + np.arange(5))
