"""Regression tests for the wrong results found by random-program differential testing
(tests/fuzz). Each case is the smallest program that showed the bug; the expected values come
from Python/numpy or the spec, never from a previous run."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import archs
import qtaichi as ti

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fuzz"))
import reference as fuzz_reference  # noqa: E402  (the fuzzer's reference of the same rules)


def test_two_ndarrays_of_one_dtype_are_different_memory():
    @ti.kernel
    def add(a: ti.types.ndarray(dtype=ti.f32, ndim=1), b: ti.types.ndarray(dtype=ti.f32, ndim=1),
            c: ti.types.ndarray(dtype=ti.f32, ndim=1)):
        for i in range(4):
            c[i] = a[i] + b[i]

    a = np.ones(4, np.float32)
    b = np.full(4, 10, np.float32)
    c = np.zeros(4, np.float32)
    add(a, b, c)
    assert c.tolist() == [11.0] * 4


def test_the_same_ndarray_passed_twice_still_aliases():
    @ti.kernel
    def k(a: ti.types.ndarray(dtype=ti.i32, ndim=1), b: ti.types.ndarray(dtype=ti.i32, ndim=1)):
        for i in range(1):
            x = a[0]
            b[0] = 5
            a[1] = x + a[0]  # a[0] was written through b

    a = np.array([1, 0], np.int32)
    k(a, a)
    assert a.tolist() == [5, 6]


HANG_PROGRAM = """
import qtaichi as ti
ti.init(arch=ti.cpu, offline_cache=False)
x = ti.field(ti.f32, shape=(8, 1))

@ti.kernel
def fill():
    for i, j in x:
        x[i, j] = 1.0 + i

@ti.kernel
def fill_nd():
    for i, j in ti.ndrange(8, 1):
        x[i, j] += 1.0

fill()
fill_nd()
print(x.to_numpy()[:, 0].tolist())
"""


def test_index_mod_one_does_not_hang_the_compiler(tmp_path):
    # In a child process: a compiler that hangs holds the GIL, so only a process can time out.
    script = tmp_path / "hang.py"  # kernels need a source file
    script.write_text(HANG_PROGRAM)
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "..", "..",
                                                   "python"))
    try:
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                             text=True, timeout=120, check=True).stdout
    except subprocess.TimeoutExpired:
        pytest.fail("the compiler hung on an index % 1")
    assert out.strip() == str([2.0 + i for i in range(8)])


def test_a_loop_inside_a_constant_if_stays_serial():
    @ti.kernel
    def k() -> ti.i32:
        s = 0
        if 1:
            for j in range(100000):
                s = (s * 3 + j) % 1000003
        return s

    s = 0
    for j in range(100000):
        s = (s * 3 + j) % 1000003
    assert k() == s == 649776


def test_break_in_a_loop_inside_a_constant_if():
    @ti.kernel
    def k() -> ti.i32:
        s = 0
        if 1:
            for j in range(100):
                if j == 10:
                    break
                s += j
        return s

    assert k() == 45


# Float -> int conversions saturate and NaN gives 0 (docs/semantics.md), at run time and when
# folded: (value, type, expected).
SATURATING = [(1e10, ti.i32, 2**31 - 1), (-1e10, ti.i32, -2**31), (-1.5, ti.u32, 0),
              (-7.19, ti.u16, 0), (70000.5, ti.u16, 65535), (300.7, ti.i8, 127),
              (-300.7, ti.i8, -128), (-0.99, ti.u8, 0), (1e30, ti.i64, 2**63 - 1),
              (1e30, ti.u64, 2**64 - 1), (float("nan"), ti.i32, 0), (float("inf"), ti.u8, 255),
              (float("-inf"), ti.i16, -2**15), (-3.9, ti.i32, -3), (2**31 - 1.0, ti.i32, 2**31 - 1)]


@pytest.mark.parametrize("value,dtype,expected", SATURATING)
def test_float_to_int_saturates(value, dtype, expected):
    x = ti.field(dtype, shape=2)

    @ti.kernel
    def k(v: ti.f64):
        x[0] = ti.cast(v, dtype)  # at run time
        x[1] = ti.cast(ti.static(value), dtype)  # folded

    k(value)
    assert x.to_numpy().tolist() == [expected, expected]


def test_out_of_range_casts_in_conditions_are_defined():
    x = ti.field(ti.i32, shape=())

    @ti.kernel
    def k1():
        if ti.cast(1e10, ti.i32) > 0:
            x[None] = 1

    @ti.kernel
    def k2():
        i = 0
        while i < 3:
            i += 1
        if ti.cast(-1.5, ti.u32) > 0:
            x[None] = 7
        else:
            x[None] = 2

    k1()
    assert x[None] == 1
    k2()
    assert x[None] == 2


def test_cast_or_u16_of_negative_float_stores():
    x = ti.field(ti.u64, shape=())

    @ti.kernel
    def k():
        x[None] = ti.cast(8, ti.u64) or ti.u16(-7.19)

    k()
    assert x[None] == 1  # `or` yields i32 1 (docs/semantics.md); the store used to be dropped


def test_quant_store_next_to_shared_exponent_on_avx512_hosts():
    a = ti.field(ti.types.quant.float(4, 11, False))
    b = ti.field(ti.types.quant.float(4, 11, False))
    c = ti.field(ti.types.quant.int(12, False))
    bp = ti.BitpackedFields(max_num_bits=64)
    bp.place(a, b, shared_exponent=True)
    bp.place(c)
    ti.root.dense(ti.i, 8).place(bp)

    @ti.kernel
    def k():
        for i in range(8):
            a[i] = 1.5
            if i % 2 == 1:
                c[i] = 7 * i

    k()
    assert c.to_numpy().tolist() == [0, 7, 0, 21, 0, 35, 0, 49]
    assert a.to_numpy().tolist() == [1.5] * 8


@pytest.mark.parametrize("fusion", [True, False])
def test_shared_exponent_stores_of_two_assignments_apply_in_order(fusion):
    archs.init(quant_opt_store_fusion=fusion)
    qf = ti.types.quant.float(8, 12)
    a, b = ti.field(qf), ti.field(qf)
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(a, b, shared_exponent=True)
    ti.root.dense(ti.i, 1).place(bp)

    @ti.kernel
    def big():
        b[0] = 1e30

    @ti.kernel
    def both():
        a[0] = 1.0  # rounded against b = 1e30: 0
        b[0] = 1.0  # rounded against a = 0

    big()
    both()
    assert (a[0], b[0]) == (0.0, 1.0)


def test_shared_exponent_vector_assignment_writes_together():
    qf = ti.types.quant.float(8, 12)
    v = ti.Vector.field(2, qf)
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(v, shared_exponent=True)
    ti.root.dense(ti.i, 1).place(bp)

    @ti.kernel
    def k():
        v[0] = [0.0, 1e30]
        v[0] = [1.0, 1.0]  # one assignment: both components at once

    k()
    assert v.to_numpy()[0].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("dtype", [ti.f32, ti.f64])
def test_float_mod_and_floordiv_are_pythons_at_run_time_and_folded(dtype):
    archs.init(default_fp=dtype)  # literals in the tested precision
    cases = [(27.3, 0.1), (1.0, 0.1), (-1.0, 0.1), (7.5, -2.0), (-7.5, 2.0), (5.0, 0.5),
             (0.3, 0.1), (-0.0, 3.0), (1e-30, 1e30), (-5.0, 1e30)]
    n = len(cases)
    x = ti.field(dtype, shape=(4, n))

    @ti.kernel
    def k(a: ti.types.ndarray(dtype=dtype, ndim=1), b: ti.types.ndarray(dtype=dtype, ndim=1)):
        for i in range(1):
            for j in ti.static(range(n)):
                x[0, j] = a[j] % b[j]
                x[1, j] = a[j] // b[j]
                # constants of the IR, folded by the compiler
                x[2, j] = ti.cast(cases[j][0], dtype) % ti.cast(cases[j][1], dtype)
                x[3, j] = ti.cast(cases[j][0], dtype) // ti.cast(cases[j][1], dtype)

    npt = np.float32 if dtype == ti.f32 else np.float64
    k(np.array([c[0] for c in cases], npt), np.array([c[1] for c in cases], npt))
    got = x.to_numpy()
    for j, (a, b) in enumerate(cases):
        if dtype == ti.f64:
            fd, m = a // b, a % b
        else:
            fd, m = fuzz_reference.py_divmod_float(np.float32(a), np.float32(b), "f32")
        assert got[0, j] == m and math.copysign(1, got[0, j]) == math.copysign(1, m), (a, b)
        assert got[2, j] == m, (a, b)
        assert got[1, j] == fd and got[3, j] == fd, (a, b)
        if b > 0:
            assert got[0, j] >= 0
    assert got[1, 1] == 9.0  # 1.0 // 0.1, as in Python


def test_float_mod_and_floordiv_by_zero():
    x = ti.field(ti.f32, shape=4)

    @ti.kernel
    def k(a: ti.f32, b: ti.f32):
        x[0] = a % b
        x[1] = a // b
        x[2] = -a // b

    k(3.0, 0.0)
    r = x.to_numpy()
    assert math.isnan(r[0]) and r[1] == math.inf and r[2] == -math.inf


def test_folding_i64_to_f32_rounds_once():
    x = ti.field(ti.f32, shape=2)
    big = 2**60 + 2**36 + 1

    @ti.kernel
    def k(v: ti.i64):
        x[0] = ti.cast(ti.static(big), ti.f32)
        x[1] = ti.cast(v, ti.f32)

    k(big)
    want = float(np.float32(np.int64(big)))  # numpy converts with one rounding
    assert want == 2.0**60 + 2.0**37
    assert x.to_numpy().tolist() == [want, want]


def test_arithmetic_on_two_literals_is_pythons():
    x = ti.field(ti.i64, shape=3)

    @ti.kernel
    def k():
        x[0] = 2**31  # Python computes 2147483648: an i64 literal, not i32 -2147483648
        x[1] = 2**40 + 1 - 2**40
        x[2] = 7 // -2 + 7 % -3

    k()
    assert x.to_numpy().tolist() == [2**31, 1, 7 // -2 + 7 % -3]


def test_literal_division_by_zero_is_a_compile_error():
    @ti.kernel
    def k() -> ti.i32:
        return 1 // 0

    with pytest.raises(ti.TaichiSyntaxError, match="by zero"):
        k()


@pytest.mark.parametrize("signed", [True, False])
def test_quant_atomic_min_max_clamp_an_operand_outside_the_range(signed):
    qi = ti.types.quant.int(4, signed)
    a, b = ti.field(qi), ti.field(qi)
    bp = ti.BitpackedFields(max_num_bits=8)
    bp.place(a, b)
    ti.root.dense(ti.i, 1).place(bp)
    lo, hi = (-8, 7) if signed else (0, 15)

    @ti.kernel
    def k():
        a[0] = 3
        b[0] = 3
        ti.atomic_max(a[0], 100)  # wrapped, 100 would store 4
        ti.atomic_min(b[0], -100)

    k()
    assert (a[0], b[0]) == (hi, lo)


def test_python_scope_vector_writes_of_a_shared_exponent_are_one_assignment():
    qf = ti.types.quant.float(8, 12)
    v = ti.Vector.field(2, qf)
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(v, shared_exponent=True)
    ti.root.dense(ti.i, 3).place(bp)
    v[0] = [0.0, 1e30]
    v[0] = [1.0, 1.0]  # as the same assignment in a kernel: both components at once
    assert v.to_numpy()[0].tolist() == [1.0, 1.0]
    v.from_numpy(np.array([[0.0, 1e30]] * 3, np.float32))
    v.from_numpy(np.array([[1.0, 1.0], [2.0, 0.5], [4.0, 0.0]], np.float32))
    assert v.to_numpy().tolist() == [[1.0, 1.0], [2.0, 0.5], [4.0, 0.0]]
    v.fill(1e30)
    v.fill([3.0, 1.0])
    assert v.to_numpy().tolist() == [[3.0, 1.0]] * 3


def test_python_scope_float_to_quant_int_saturates_like_a_kernel():
    q = ti.field(ti.types.quant.int(12, True))
    bp = ti.BitpackedFields(max_num_bits=16)
    bp.place(q)
    ti.root.dense(ti.i, 3).place(bp)

    @ti.kernel
    def k(v: ti.f64):
        q[0] = v

    k(1e10)
    want = q[0]  # the kernel's: 2**31 - 1 wrapped to 12 bits
    assert want == -1
    q[1] = 1e10
    q.from_numpy(np.array([want, 1e10, float("nan")]))
    assert q.to_numpy().tolist() == [-1, -1, 0]
    q[2] = 1e10
    assert q[2] == -1
