"""Property-based tests: random bit-struct layouts (member kinds, widths, signedness, shared
exponent groups, container sizes) and random values, checked against quant_reference.py, the
numpy implementation of QUANT_SPEC.md. Seeds are fixed: a failure names its seed."""
import numpy as np
import pytest

import qtaichi as ti
import quant_reference as ref

qt = ti.types.quant


def random_member(rng, room):
    """A random (reference tuple, quant type) using at most `room` bits, or None."""
    kinds = ["int", "fixed"] + (["float"] if room >= 3 else [])
    kind = kinds[rng.integers(len(kinds))]
    signed = bool(rng.integers(2))
    if kind == "int":
        bits = int(rng.integers(1 + signed, min(room, 32) + 1)) if room >= 1 + signed else None
        if bits is None:
            return None
        return ("int", bits, signed), qt.int(bits, signed)
    if kind == "fixed":
        if room < 1 + signed:
            return None
        bits = int(rng.integers(1 + signed, min(room, 30) + 1))
        scale = float(rng.choice([0.1, 0.25, 0.3, 1.5, 2.0**-7, 0.01]))
        return ("fixed", bits, signed, scale), qt.fixed(bits, signed, scale=scale)
    exp = int(rng.integers(2, min(8, room - 1 - signed) + 1)) if room - 1 - signed >= 2 else None
    if exp is None:
        return None
    frac = int(rng.integers(1 + signed, min(23 + signed, room - exp) + 1))
    return ("float", exp, frac, signed), qt.float(exp, frac, signed)


def random_values(rng, t, n):
    kind = t[0]
    if kind == "int":
        return rng.integers(-2**31, 2**31, n) if t[2] else rng.integers(0, 2**32, n)
    if kind == "fixed":
        top = 2.0**(t[1] - t[2]) * t[3]
        return (rng.uniform(-1.3, 1.3, n) * top).astype(np.float32)
    exp = t[1]
    lo, hi = -(2**(exp - 1)) - 2, 2**(exp - 1) + 2  # beyond the range both ways
    mags = rng.uniform(1, 2, n) * 2.0**rng.integers(lo, hi, n).astype(np.float64)
    vals = np.where(rng.integers(0, 2, n) == 1, -mags, mags)
    vals[rng.integers(0, n, n // 16)] = 0.0
    with np.errstate(over="ignore"):  # exp = 8 reaches past f32: those become +-inf on purpose
        return vals.astype(np.float32)


def compute_dtype(q):
    return ti.lang.types.to_numpy_dtype(q.compute_type)


@pytest.mark.parametrize("seed", range(24))
def test_random_layouts_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    bits = int(rng.choice([8, 16, 32, 64]))
    n = 64
    members, room = [], bits
    for _ in range(int(rng.integers(1, 6))):
        m = random_member(rng, room)
        if m is None:
            break
        members.append(m)
        room -= ref.storage_bits(m[0])
    if not members:
        members = [(("int", 1, False), qt.int(1, False))]
    fields = [ti.field(q) for _, q in members]
    bp = ti.BitpackedFields(max_num_bits=bits)
    for f in fields:
        bp.place(f)
    ti.root.dense(ti.i, n).place(bp)
    values = [random_values(rng, t, n) for t, _ in members]
    # Store member by member (from Python scope: the same kernels' semantics), then check all.
    for f, v, (_, q) in zip(fields, values, members):
        f.from_numpy(v.astype(compute_dtype(q)) if q.kind == qt.QuantKind.int else v)
    for f, v, (t, q) in zip(fields, values, members):
        conv = v.astype(compute_dtype(q))  # the value a kernel would store (compute type)
        want = [ref.roundtrip(t, x.item()) for x in conv]
        got = f.to_numpy()
        np.testing.assert_array_equal(got, np.array(want, dtype=got.dtype),
                                      err_msg=f"seed {seed}: {t} in u{bits}")


@pytest.mark.parametrize("seed", range(16))
def test_random_shared_exponent_groups_match_the_reference(seed):
    rng = np.random.default_rng(1000 + seed)
    bits = int(rng.choice([32, 64]))
    exp = int(rng.integers(2, 9))
    count = int(rng.integers(2, 4))
    room = (bits - exp) // count
    types_ = []
    for _ in range(count):
        signed = bool(rng.integers(2))
        frac = int(rng.integers(1 + signed + 1, min(23 + signed, room) + 1))
        types_.append(("float", exp, frac, signed))
    fields = [ti.field(qt.float(t[1], t[2], t[3])) for t in types_]
    bp = ti.BitpackedFields(max_num_bits=bits)
    bp.place(*fields, shared_exponent=True)
    n = 32
    ti.root.dense(ti.i, n).place(bp)
    current = [[0.0] * count for _ in range(n)]
    for _ in range(3):  # rounds of writes, one member at a time (each re-rounds its siblings)
        for k, f in enumerate(fields):
            vals = random_values(rng, types_[k], n)
            f.from_numpy(vals)
            for i in range(n):
                current[i] = ref.shared_write(types_, current[i], k, float(vals[i]))
            for j, g in enumerate(fields):
                np.testing.assert_array_equal(
                    g.to_numpy(), np.array([current[i][j] for i in range(n)], np.float32),
                    err_msg=f"seed {seed}: {types_} after writing member {k}, member {j}")


@pytest.mark.parametrize("seed", range(6))
def test_random_quant_arrays_match_the_reference(seed):
    rng = np.random.default_rng(2000 + seed)
    bits = int(rng.choice([8, 16, 32, 64]))
    signed = bool(rng.integers(2))
    elem = int(rng.integers(1 + signed, min(bits, 16) + 1))
    count = int(rng.integers(1, bits // elem + 1))
    t = ("int", elem, signed)
    x = ti.field(qt.int(elem, signed))
    ti.root.dense(ti.i, 8).quant_array(ti.i, count, max_num_bits=bits).place(x)
    vals = rng.integers(-2**20, 2**20, 8 * count)

    @ti.kernel
    def write(a: ti.types.ndarray()):
        for i in range(8 * count):
            x[i] = a[i]

    write(vals.astype(np.int64))
    want = [ref.int_store(t, int(v)) for v in vals]
    np.testing.assert_array_equal(x.to_numpy(), want, err_msg=f"seed {seed}: {t} x{count}")
