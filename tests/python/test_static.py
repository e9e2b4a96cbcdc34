"""ti.static: unrolled loops and compile-time branches; ti.loop_config."""
import numpy as np
import pytest

import qtaichi as ti


def test_static_range_unrolls():
    x = ti.field(ti.i32, 3)

    @ti.kernel
    def k():
        for i in ti.static(range(3)):
            x[i] = i * i

    k()
    np.testing.assert_array_equal(x.to_numpy(), [0, 1, 4])


def test_static_ndrange_and_grouped_ndrange():
    x = ti.field(ti.i32, (3, 3))
    y = ti.field(ti.i32, (2, 2))

    @ti.kernel
    def k():
        for i, j in ti.static(ti.ndrange(3, 3)):
            x[i, j] = i * 3 + j
        for I in ti.static(ti.grouped(ti.ndrange(2, 2))):
            y[I] = I[0] + 10 * I[1]

    k()
    np.testing.assert_array_equal(x.to_numpy(), np.arange(9).reshape(3, 3))
    np.testing.assert_array_equal(y.to_numpy(), [[0, 10], [1, 11]])


def test_python_numbers_stay_known_at_compile_time():
    """-1, comparisons and and/or of Python numbers are Python values in a kernel (as in
    Taichi), so they can bound and select ti.static loops."""
    x = ti.field(ti.i32, (3, 3))

    @ti.kernel
    def k():
        for di, dj in ti.static(ti.ndrange((-1, 2), (-1, 2))):
            if ti.static(di != 0 or dj != 0):
                x[di + 1, dj + 1] = di * 3 + dj
        for d in ti.static(range(-1, ~-2)):
            if ti.static(-1 < d < 1 and not d):
                x[1, 1] = 100

    k()
    np.testing.assert_array_equal(x.to_numpy(), [[-4, -3, -2], [-1, 100, 1], [2, 3, 4]])


@pytest.mark.parametrize("flag", [True, False])
def test_static_if(flag):
    x = ti.field(ti.i32, ())

    @ti.kernel
    def k():
        if ti.static(flag):
            x[None] = 1
        else:
            x[None] = undefined_name_never_built  # noqa: F821 - the branch is not built

    if flag:
        k()
        assert x[None] == 1
    else:
        with pytest.raises(ti.TaichiNameError):
            k()


def test_static_over_a_python_list_of_fields():
    a, b = ti.field(ti.f32, 2), ti.field(ti.f32, 2)

    @ti.kernel
    def k():
        for f in ti.static([a, b]):
            for i in f:
                f[i] = i + 0.5

    k()
    np.testing.assert_array_equal(a.to_numpy(), [0.5, 1.5])
    np.testing.assert_array_equal(b.to_numpy(), [0.5, 1.5])


def test_static_needs_compile_time_values():
    x = ti.field(ti.i32, 4)

    @ti.kernel
    def k(n: ti.i32):
        for i in ti.static(range(n)):
            x[i] = 1

    with pytest.raises(ti.TaichiSyntaxError, match="known at compile time"):
        k(3)


def test_break_in_static_loop_is_an_error():
    @ti.kernel
    def k():
        for i in range(2):
            for j in ti.static(range(3)):
                break

    with pytest.raises(ti.TaichiSyntaxError, match="'break' is not supported in a ti.static"):
        k()


def test_loop_config_serialize_keeps_order():
    n = 1000
    x = ti.field(ti.i32, n)

    @ti.kernel
    def k():
        s = 0
        ti.loop_config(serialize=True)
        for i in range(n):
            s += i
            x[i] = s

    k()
    np.testing.assert_array_equal(x.to_numpy(), np.cumsum(np.arange(n)))


def test_loop_config_block_dim_and_sync():
    x = ti.field(ti.i32, 100)

    @ti.kernel
    def k():
        ti.loop_config(block_dim=16)
        for i in x:
            x[i] = i

    k()
    ti.sync()
    np.testing.assert_array_equal(x.to_numpy(), np.arange(100))


def test_static_assignment_names_a_compile_time_value():
    x = ti.field(ti.f32, shape=(4, 3))

    @ti.kernel
    def k() -> ti.i32:
        m = ti.static(x.shape[0])
        s = 0
        for _ in ti.static(range(m)):    # unrolled: m is known when the kernel compiles
            s += 1
        for i, j in ti.ndrange(m, ti.static(x.shape[1])):
            s += 10
        return s

    assert k() == 4 + 10 * 12
