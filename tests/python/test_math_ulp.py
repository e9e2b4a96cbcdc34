"""Math functions within 2 ulp of the correctly rounded result over dense test ranges, on every
arch (the CPU calls libm; CUDA inlines libdevice). The reference is Python's math module in
float64 (glibc, within an ulp; numpy's vectorized sin and cos are not, on AVX-512 machines),
rounded to float32 for the f32 cases."""
import math

import numpy as np
import pytest

import qtaichi as ti
import archs

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


def run_pow_and_atan2(dtype, a, b):
    """x ** y and ti.atan2(y, x) over the pairs (a[i], b[i]) in one kernel, as numpy."""
    x, y = ti.field(dtype, shape=len(a)), ti.field(dtype, shape=len(a))
    p, t = ti.field(dtype, shape=len(a)), ti.field(dtype, shape=len(a))
    x.from_numpy(a)
    y.from_numpy(b)

    @ti.kernel
    def k():
        for i in x:
            p[i] = x[i] ** y[i]
            t[i] = ti.atan2(y[i], x[i])

    k()
    return p.to_numpy(), t.to_numpy()


def assert_like_c(what, inputs, got, want, npt, exact=False):
    """Each result is the C library's: NaN where it gives NaN, else within 2 ulp (or equal) and
    with its sign (signed zeros included)."""
    for args, g, w in zip(inputs, got, want):
        label = f"{what}{tuple(args)!r} = {g!r}, want {w!r}"
        if np.isnan(w):
            assert np.isnan(g), label
        else:
            near = g == w if exact else ulp_distance(np.array([g]), np.array([w]), npt)[0] <= 2
            assert near and np.signbit(g) == np.signbit(w), label


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
    p, t = run_pow_and_atan2(dtype, a, b)
    want_p = np.array([math.pow(float(u), float(v)) for u, v in zip(a, b)]).astype(npt)
    want_t = np.array([math.atan2(float(v), float(u)) for u, v in zip(a, b)]).astype(npt)
    assert ulp_distance(p, want_p, npt).max() <= 2
    assert ulp_distance(t, want_t, npt).max() <= 2


def _c_math(name):
    """The C library's function on float64 arrays: numpy's ufuncs return C's NaN and infinities
    where math raises; trigonometry through math (numpy's is not within an ulp everywhere)."""
    if name in ("sin", "cos", "tan"):
        f = getattr(math, name)
        return np.vectorize(lambda v: f(v) if math.isfinite(v) else math.nan)
    return {"asin": np.arcsin, "acos": np.arccos, "exp": np.exp, "log": np.log,
            "tanh": np.tanh, "sqrt": np.sqrt}[name]


SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.5, -0.5, 1e-30, -1e-30,
            88.0, -103.0, 700.0, -740.0, 3.0e38, 1e4, -1e4, 2.0, -2.0]


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,ti_fn", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_special_values_follow_the_c_library(dtype, name, ti_fn):
    """NaN, infinities, signed zeros, overflow and underflow as C's libm gives them."""
    np.seterr(all="ignore")
    npt = np.float32 if dtype == ti.f32 else np.float64
    xs = np.array([v for v in SPECIALS if not (name in ("sin", "cos", "tan") and abs(v) > 1e5)],
                  dtype=npt)
    x, y = ti.field(dtype, shape=len(xs)), ti.field(dtype, shape=len(xs))
    x.from_numpy(xs)

    @ti.kernel
    def k():
        for i in x:
            y[i] = ti_fn(x[i])

    k()
    want = _c_math(name)(xs.astype(np.float64)).astype(npt)
    assert_like_c(name, [(v,) for v in xs], y.to_numpy(), want, npt)


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
def test_pow_and_atan2_special_values_follow_the_c_library(dtype):
    np.seterr(all="ignore")
    npt = np.float32 if dtype == ti.f32 else np.float64
    vals = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0,
            -3.0, 1e30, -1e30]
    a = np.array([u for u in vals for _ in vals], dtype=npt)
    b = np.array([v for _ in vals for v in vals], dtype=npt)
    p, t = run_pow_and_atan2(dtype, a, b)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    assert_like_c("pow", zip(a, b), p, np.power(a64, b64).astype(npt), npt)
    assert_like_c("atan2", zip(b, a), t, np.arctan2(b64, a64).astype(npt), npt)


@archs.cpu_only("runs the IR math routines (what Vulkan gets) on the CPU, against libm")
@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
def test_the_ir_math_routines_on_the_cpu(dtype, monkeypatch):
    """QTAICHI_LOWER_AS=vulkan: the compiler writes the functions out as IR (lower_math); on
    the CPU they run in exact IEEE arithmetic, so this checks the routines themselves."""
    monkeypatch.setenv("QTAICHI_LOWER_AS", "vulkan")
    archs.init()
    for name, ti_fn, ref_fn, bounds in CASES:
        test_within_2_ulp(dtype, name, ti_fn, ref_fn, bounds)
        test_special_values_follow_the_c_library(dtype, name, ti_fn)
    test_pow_and_atan2_within_2_ulp(dtype)
    test_pow_and_atan2_special_values_follow_the_c_library(dtype)
    x = ti.field(dtype, shape=1)

    @ti.kernel
    def probe():
        x[0] = ti.sin(x[0])

    probe()
    assert "own math routines" in probe._last_compiled.final_ir.splitlines()[0]
    assert " sin " not in probe._last_compiled.final_ir


def _c_pow(x, y):
    """C's pow: math.pow (correctly rounded here, numpy's array power is not), numpy's where
    math raises instead of returning an infinity."""
    try:
        return math.pow(x, y)
    except (ValueError, OverflowError):
        return float(np.power(np.float64(x), np.float64(y)))


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64], ids=["f32", "f64"])
def test_powers_with_a_literal_exponent_follow_the_c_library(dtype):
    """x ** 2 (everywhere in MPM code), ** 1, ** 0, ** -1 may become one operation; the results
    must stay pow's, special values included."""
    np.seterr(all="ignore")
    npt = np.float32 if dtype == ti.f32 else np.float64
    xs = np.array([0.0, -0.0, math.inf, -math.inf, math.nan, 1.5, -2.25, 3e-20, 1e30, -7.0],
                  dtype=npt)
    x = ti.field(dtype, shape=len(xs))
    out = ti.field(dtype, shape=(4, len(xs)))
    x.from_numpy(xs)

    @ti.kernel
    def k():
        for i in x:
            out[0, i] = x[i] ** 2
            out[1, i] = x[i] ** 1
            out[2, i] = x[i] ** 0
            out[3, i] = x[i] ** -1.0

    k()
    got = out.to_numpy()
    for row, e in enumerate((2.0, 1.0, 0.0, -1.0)):
        want = np.array([_c_pow(float(v), e) for v in xs]).astype(npt)
        assert_like_c("pow", [(v, e) for v in xs], got[row], want, npt, exact=True)
