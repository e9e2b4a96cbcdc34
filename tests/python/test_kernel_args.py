import math

import numpy as np
import pytest

import qtaichi as ti


@pytest.mark.parametrize("dtype,value", [
    (ti.i8, -128), (ti.i16, 32767), (ti.i32, -2**31), (ti.i64, -2**63), (ti.i64, 2**63 - 1),
    (ti.u8, 255), (ti.u16, 65535), (ti.u32, 2**32 - 1), (ti.u64, 2**64 - 1),
])
def test_integer_args_roundtrip(dtype, value):
    @ti.kernel
    def k(a: dtype) -> dtype:
        return a

    assert k(value) == value


@pytest.mark.parametrize("dtype,value,expected", [
    (ti.i8, 200, -56), (ti.u8, -1, 255), (ti.i32, 2**32 + 5, 5), (ti.u32, -2, 2**32 - 2),
])
def test_integer_args_wrap_to_their_width(dtype, value, expected):
    @ti.kernel
    def k(a: dtype) -> ti.i64:
        return a

    assert k(value) == expected


def test_float_args():
    @ti.kernel
    def f32(a: ti.f32) -> ti.f32:
        return a

    @ti.kernel
    def f64(a: ti.f64) -> ti.f64:
        return a

    assert f32(0.1) == float(np.float32(0.1))
    assert f64(0.1) == 0.1
    assert f32(1e39) == math.inf          # beyond f32: rounds to infinity
    assert f64(-1e300) == -1e300
    assert math.isnan(f32(math.nan))


def test_bool_and_numpy_scalar_args():
    @ti.kernel
    def k(a: ti.i32, b: ti.f32) -> ti.f32:
        return a + b

    assert k(True, np.float32(0.5)) == 1.5
    assert k(np.int64(3), np.int8(1)) == 4.0


def test_many_mixed_args():
    @ti.kernel
    def k(a: ti.i8, b: ti.u16, c: ti.f32, d: ti.f64, e: ti.i64, f: int, g: float) -> ti.f64:
        return a + b + c + d + e + f + g

    assert k(-1, 2, 0.5, 0.25, 10**12, 7, 0.125) == -1 + 2 + 0.5 + 0.25 + 10**12 + 7 + 0.125


def test_kernels_return_vectors_and_matrices():
    x = ti.field(ti.f32, shape=4)
    x.from_numpy(np.array([1.0, 2.0, 3.0, 4.0], np.float32))

    @ti.kernel
    def stats() -> ti.math.vec3:
        s, lo, hi = 0.0, 1e9, -1e9
        ti.loop_config(serialize=True)  # lo = min(lo, ...) is not an atomic update
        for i in range(4):
            s += x[i]
            lo = ti.min(lo, x[i])
            hi = ti.max(hi, x[i])
        return ti.Vector([s, lo, hi])

    @ti.kernel
    def rot(a: ti.f32) -> ti.math.mat2:
        return ti.math.rot2(a)

    @ti.kernel
    def idx(i: ti.i32) -> ti.types.vector(2, ti.i32):
        return [i // 3, i % 3]  # a list fills the vector

    v = stats()
    assert list(v) == [10.0, 1.0, 4.0] and v.n == 3
    m = rot(0.5).to_numpy()
    np.testing.assert_allclose(m, [[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]],
                               rtol=1e-6)
    assert list(idx(-7)) == [-3, 2]


def test_a_kernel_returning_a_vector_must_return_one_of_its_shape():
    @ti.kernel
    def bad() -> ti.math.vec3:
        return ti.Vector([1.0, 2.0])

    with pytest.raises(ti.TaichiTypeError):
        bad()
