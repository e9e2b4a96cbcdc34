"""GPU devices run launches asynchronously (CUDA streams, Vulkan command buffers recorded until
the host needs a result): every read, write, ndarray launch and return value must still see the
launches before it, in order. The numbers come from plain Python."""
import numpy as np
import pytest

import qtaichi as ti
import archs


def test_many_launches_then_one_read_see_each_other_in_order():
    n = 64
    x = ti.field(ti.i32, shape=n)
    y = ti.field(ti.i32, shape=n)

    @ti.kernel
    def bump():
        for i in x:
            x[i] = x[i] * 3 % 1009 + i

    @ti.kernel
    def follow():
        for i in y:
            y[i] = y[i] + x[(i + 1) % n]

    want_x, want_y = [0] * n, [0] * n
    for _ in range(300):
        bump()
        follow()
        want_x = [(v * 3 % 1009) + i for i, v in enumerate(want_x)]
        want_y = [want_y[i] + want_x[(i + 1) % n] for i in range(n)]
    assert x.to_numpy().tolist() == want_x
    assert y.to_numpy().tolist() == want_y


def test_host_writes_and_ndarray_launches_between_batched_launches():
    x = ti.field(ti.f32, shape=8)

    @ti.kernel
    def double():
        for i in x:
            x[i] = x[i] * 2

    @ti.kernel
    def add_from(a: ti.types.ndarray()):
        for i in x:
            x[i] = x[i] + a[i]

    @ti.kernel
    def total() -> ti.f32:
        s = 0.0
        for i in range(8):
            s += x[i]
        return s

    want = np.zeros(8, np.float32)
    for step in range(20):
        double()
        x[step % 8] = step  # a host write after a recorded launch
        want *= 2
        want[step % 8] = step
        a = np.arange(8, dtype=np.float32) * step
        add_from(a)
        want += a
        double()
        want *= 2
    np.testing.assert_array_equal(x.to_numpy(), want)
    assert total() == pytest.approx(float(want.sum()), rel=1e-6)


def test_a_deferred_launch_that_hits_a_drivers_loop_limit_is_reported_at_the_next_read():
    if archs.current() != ti.vulkan or not ti._core.vulkan_software():
        pytest.skip("only a driver with a loop limit (lavapipe) stops a long serial loop")
    x = ti.field(ti.i32, shape=1)

    @ti.kernel
    def long_serial():
        s = 0
        if 1:  # not the top level: a serial loop
            for j in range(100000):
                s = (s * 3 + j) % 1000003
        x[0] = s

    long_serial()  # recorded, not yet run: nothing to read back
    with pytest.raises(RuntimeError, match="long_serial.*launched before this call.*loop iterations"):
        x.to_numpy()
