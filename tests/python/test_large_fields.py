"""A field tree larger than one Vulkan storage-buffer binding may address (lavapipe's
maxStorageBufferRange is 128 MiB): kernels reach it whole (through buffer device addresses on
Vulkan), reads and writes at its far end included."""
import numpy as np

import qtaichi as ti

N = 75 * 1024 * 1024  # 300 MiB of f32


def test_a_300_mib_field_is_reached_to_its_end():
    x = ti.field(ti.f32, shape=N)

    @ti.kernel
    def fill():
        for i in x:
            x[i] = ti.cast(i % 1000003, ti.f32)

    @ti.kernel
    def tail_sum(start: ti.i32) -> ti.i64:
        s = ti.cast(0, ti.i64)  # exact, whatever order the atomic adds come in
        for i in range(start, N):
            s += ti.cast(x[i], ti.i64)
        return s

    fill()
    idx = np.array([0, 1, N // 2, N - 2, N - 1])
    assert [x[int(i)] for i in idx] == [float(i % 1000003) for i in idx]
    want = sum(i % 1000003 for i in range(N - 1000, N))
    assert tail_sum(N - 1000) == want
