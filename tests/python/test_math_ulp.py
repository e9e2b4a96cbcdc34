"""Math functions within 2 ulp of the correctly rounded result over dense test ranges, on every
arch (the CPU calls libm; CUDA inlines libdevice). The reference is Python's math module in
float64 (glibc, within an ulp; numpy's vectorized sin and cos are not, on AVX-512 machines),
rounded to float32 for the f32 cases."""
import math

import numpy as np
import pytest

import qtaichi as ti

N = 4096
CASES = [
    ("sin", ti.sin, math.sin, (-10.0, 10.0)),
    ("cos", ti.cos, math.cos, (-10.0, 10.0)),
    ("tan", ti.tan, math.tan, (-1.5, 1.5)),
    ("asin", ti.asin, math.asin, (-1.0, 1.0)),
    ("acos", ti.acos, math.acos, (-1.0, 1.0)),
    ("exp", ti.exp, math.exp, (-80.0, 80.0)),
    ("log", ti.log, math.log, (1e-6, 1e6)),
    ("tanh", ti.tanh, math.tanh, (-10.0, 10.0)),
    ("sqrt", ti.sqrt, math.sqrt, (0.0, 1e6)),
]


def ulp_distance(a, b, dtype):
    """Distance in units in the last place between arrays of one float dtype."""
    ints = {np.float32: np.int32, np.float64: np.int64}[dtype]
    low = np.iinfo(ints).min

    def line(v):  # sign-magnitude bit patterns onto one line: -0 and +0 are neighbours
        i = v.astype(dtype).view(ints).astype(np.int64)
        return np.where(i < 0, np.int64(low) - i, i)

    return np.abs(line(a) - line(b))


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,ti_fn,ref_fn,bounds", CASES, ids=[c[0] for c in CASES])
def test_within_2_ulp(dtype, name, ti_fn, ref_fn, bounds):
    npt = np.float32 if dtype == ti.f32 else np.float64
    xs = np.linspace(*bounds, N).astype(npt)
    x = ti.field(dtype, shape=N)
    y = ti.field(dtype, shape=N)
    x.from_numpy(xs)

    @ti.kernel
    def k():
        for i in x:
            y[i] = ti_fn(x[i])

    k()
    want = np.array([ref_fn(float(v)) for v in xs]).astype(npt)
    got = y.to_numpy()
    d = ulp_distance(got, want, npt)
    worst = int(np.argmax(d))
    assert d.max() <= 2, f"{name}({xs[worst]!r}) = {got[worst]!r}, want {want[worst]!r} ({d.max()} ulp)"


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
def test_pow_and_atan2_within_2_ulp(dtype):
    npt = np.float32 if dtype == ti.f32 else np.float64
    rng = np.random.default_rng(7)
    a = rng.uniform(0.01, 10.0, N).astype(npt)
    b = rng.uniform(-8.0, 8.0, N).astype(npt)
    x, y = ti.field(dtype, shape=N), ti.field(dtype, shape=N)
    p, t = ti.field(dtype, shape=N), ti.field(dtype, shape=N)
    x.from_numpy(a)
    y.from_numpy(b)

    @ti.kernel
    def k():
        for i in x:
            p[i] = x[i] ** y[i]
            t[i] = ti.atan2(y[i], x[i])

    k()
    want_p = np.array([math.pow(float(u), float(v)) for u, v in zip(a, b)]).astype(npt)
    want_t = np.array([math.atan2(float(v), float(u)) for u, v in zip(a, b)]).astype(npt)
    assert ulp_distance(p.to_numpy(), want_p, npt).max() <= 2
    assert ulp_distance(t.to_numpy(), want_t, npt).max() <= 2
