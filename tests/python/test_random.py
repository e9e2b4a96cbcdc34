"""ti.random: uniform, reproducible per seed."""
import numpy as np

import archs
import qtaichi as ti

N = 100_000


def sample(seed=None):
    if seed is not None:
        archs.init(random_seed=seed)
    x = ti.field(ti.f32, N)

    @ti.kernel
    def k():
        for i in x:
            x[i] = ti.random()

    k()
    return x.to_numpy()


def test_uniform_mean_and_range():
    a = sample()
    assert abs(a.mean() - 0.5) < 0.01
    assert a.min() >= 0 and a.max() < 1
    assert abs(a.var() - 1 / 12) < 0.01


def test_same_seed_same_numbers_different_seed_different():
    a = sample(1)
    b = sample(1)
    c = sample(2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_random_int_and_f64():
    x = ti.field(ti.i32, 1000)
    y = ti.field(ti.f64, 1000)

    @ti.kernel
    def k():
        for i in x:
            x[i] = ti.random(ti.i32)
            y[i] = ti.random(ti.f64)

    k()
    assert len(np.unique(x.to_numpy())) > 990
    ys = y.to_numpy()
    assert ys.min() >= 0 and ys.max() < 1 and len(np.unique(ys)) == 1000
