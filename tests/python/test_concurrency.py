"""Kernels launched from several Python threads at once (a launch releases the GIL)."""
import threading

import numpy as np

import archs
import qtaichi as ti

THREADS = 4
LAUNCHES = 1000
N = 256


def test_concurrent_launches_lose_no_writes():
    x = ti.field(ti.i32, shape=(THREADS, N))
    total = ti.field(ti.i32, shape=THREADS)

    @ti.kernel
    def bump(t: ti.i32, v: ti.i32) -> ti.i32:
        s = 0  # a top-level local in the temp buffer: shared state of a launch
        for i in range(N):
            x[t, i] += v
            s += v
        total[t] += s
        return s

    errors = []

    def worker(t):
        want = 0
        for k in range(LAUNCHES):
            v = (k % 7) + 1
            s = bump(t, v)
            want += v
            row = x.to_numpy()[t]
            if s != v * N or not (row == want).all() or total[t] != want * N:
                errors.append((t, k, s, row[:4], total[t], want))
                return

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]


def test_kernels_with_identical_code_report_their_own_lines():
    archs.init(debug=True)
    x = ti.field(ti.f32, shape=4)

    def make_first():
        @ti.kernel
        def k(i: ti.i32):
            x[i] = 1.0

        return k

    def make_second():
        @ti.kernel
        def k(i: ti.i32):
            y = 0  # noqa: F841 - not code: the next line is lower than in make_first

            x[i] = 1.0  # the same code (one kernel name), other lines
        return k

    for k, second in ((make_first(), False), (make_second(), True)):
        try:
            k(10)
        except ti.TaichiIndexError as e:
            msg = str(e)
        else:
            raise AssertionError("no index error")
        assert "x[i] = 1.0" in msg
        assert ("the same code" in msg) == second, msg
