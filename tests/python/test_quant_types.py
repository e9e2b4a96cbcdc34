"""ti.types.quant, BitpackedFields, quant_array: the API, layout checks and their error messages,
storage reports and the quant ti.init options (QUANT_SPEC.md "User-facing API", "Containers")."""
import numpy as np
import pytest

import qtaichi as ti

qt = ti.types.quant


def test_types_are_interned_and_described():
    assert qt.int(7, False) is qt.int(7, signed=False)
    assert qt.float(5, 10) is qt.float(exp=5, frac=10, signed=True)
    assert qt.int(13).compute_type == ti.i32 and qt.int(7, False).compute_type == ti.u32
    assert qt.int(40).compute_type == ti.i64
    assert qt.fixed(16).compute_type == ti.f32 and qt.float(5, 10).compute_type == ti.f32
    assert qt.fixed(13, scale=0.1).scale == 0.1
    assert qt.fixed(8, max_value=2.0).scale == 2.0 / 128          # signed: 2^(bits-1)
    assert qt.fixed(8, signed=False, max_value=2.0).scale == 2.0 / 256
    assert qt.fixed(8).scale == 1.0 / 128                          # max_value defaults to 1
    assert qt.float(5, 10).storage_bits == 15
    assert qt.int(16, compute=ti.i16).compute_type == ti.i16
    assert qt.fixed(20, compute=ti.f64).compute_type == ti.f64


@pytest.mark.parametrize("make,message", [
    (lambda: qt.int(65), "bits must be between 1 and 64, got 65"),
    (lambda: qt.int(0), "bits must be between 1 and 64, got 0"),
    (lambda: qt.int(8, compute=ti.f32), "compute type must be an integer type"),
    (lambda: qt.fixed(13, max_value=2.0, scale=0.1), "give either scale or max_value, not both"),
    (lambda: qt.fixed(13, scale=0.0), "scale must be a positive finite number"),
    (lambda: qt.float(9, 10), "exponent bits must be between 1 and 8, got 9"),
    (lambda: qt.float(8, 25), "too many digit bits: 24 magnitude bits"),
    (lambda: qt.float(8, 24, signed=False), "too many digit bits: 24 magnitude bits"),
    (lambda: qt.float(5, 10, compute=ti.f64), "compute type must be f32"),
])
def test_impossible_types_are_errors(make, message):
    with pytest.raises(ti.TaichiTypeError, match=message) as e:
        make()
    assert "test_quant_types.py" in str(e.value)  # points at the user's line


def test_field_of_quant_type_and_dtype_keyword():
    x = ti.field(qt.int(7))
    y = ti.field(dtype=qt.fixed(9, scale=0.5))
    assert x.dtype is qt.int(7) and y.dtype is qt.fixed(9, scale=0.5)
    bp = ti.BitpackedFields(max_num_bits=16)
    bp.place(x, y)
    ti.root.dense(ti.i, 4).place(bp)
    assert x.shape == (4,) and y.shape == (4,)


def test_members_are_packed_upward_in_placement_order():
    a, b = ti.field(qt.int(5)), ti.field(qt.int(7, False))
    c, d = ti.field(qt.float(5, 10)), ti.field(qt.fixed(3))
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(a, b)
    bp.place(c)
    bp.place(d)
    ti.root.dense(ti.i, 2).place(bp)
    m = [f._node.member for f in (a, b, c, d)]
    assert [x.digits_offset for x in m] == [0, 5, 17, 27]
    assert m[2].exponent_offset == 12 and m[0].exponent_offset == -1  # exponent, then digits
    assert bp.bits_used == 30


def test_shared_exponent_is_placed_once_before_the_first_float():
    i0 = ti.field(qt.int(4))
    u, v = ti.field(qt.float(6, 10)), ti.field(qt.float(6, 9, signed=False))
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(i0)
    bp.place(u, v, shared_exponent=True)
    ti.root.dense(ti.i, 2).place(bp)
    mu, mv = u._node.member, v._node.member
    assert mu.exponent_offset == mv.exponent_offset == 4 and mu.shared_group == mv.shared_group
    assert (mu.digits_offset, mv.digits_offset) == (10, 20)
    assert bp.bits_used == 29


def test_too_many_bits_names_the_count():
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(ti.field(qt.int(20)))
    with pytest.raises(ti.TaichiTypeError, match="BitpackedFields uses 33 bits out of 32"):
        bp.place(ti.field(qt.int(13)))
    with pytest.raises(ti.TaichiTypeError, match="uses 9 bits out of 8"):
        ti.BitpackedFields(max_num_bits=8).place(ti.field(qt.float(4, 5)))


@pytest.mark.parametrize("bits", [7, 12, 24, 128, 0])
def test_container_bits_must_be_8_16_32_64(bits):
    with pytest.raises(ti.TaichiTypeError, match=f"max_num_bits must be 8, 16, 32 or 64, got {bits}"):
        ti.BitpackedFields(max_num_bits=bits)
    with pytest.raises(ti.TaichiTypeError, match=f"max_num_bits must be 8, 16, 32 or 64, got {bits}"):
        ti.root.dense(ti.i, 4).quant_array(ti.i, 4, max_num_bits=bits)


def test_shared_exponent_needs_two_fields():
    bp = ti.BitpackedFields(max_num_bits=32)
    with pytest.raises(ti.TaichiCompilationError,
                       match="At least 2 fields need to be placed when shared_exponent=True"):
        bp.place(ti.field(qt.float(5, 10)), shared_exponent=True)


def test_shared_exponent_members_need_the_same_exponent_bits():
    bp = ti.BitpackedFields(max_num_bits=32)
    with pytest.raises(ti.TaichiTypeError, match="same exponent bits"):
        bp.place(ti.field(qt.float(5, 8)), ti.field(qt.float(6, 8)), shared_exponent=True)


def test_non_quant_field_in_bitpacked_fields_is_an_error():
    bp = ti.BitpackedFields(max_num_bits=32)
    with pytest.raises(ti.TaichiTypeError, match="BitpackedFields members must be quant fields"):
        bp.place(ti.field(ti.f32))


def test_quant_field_must_be_placed_through_a_container():
    with pytest.raises(ti.TaichiTypeError, match="place it through ti.BitpackedFields"):
        ti.field(qt.int(7), shape=8)


def test_quant_float_in_a_quant_array_is_an_error():
    x = ti.field(qt.float(5, 2))
    with pytest.raises(ti.TaichiTypeError, match="quant_array: elements must be quant int or "
                       "quant fixed"):
        ti.root.dense(ti.i, 4).quant_array(ti.i, 4, max_num_bits=32).place(x)


def test_quant_array_must_fit_its_word():
    x = ti.field(qt.int(5, False))
    with pytest.raises(ti.TaichiTypeError, match="7 elements of 5 bits do not fit in 32 bits"):
        ti.root.dense(ti.i, 2).quant_array(ti.i, 7, max_num_bits=32).place(x)


def test_quant_array_holds_exactly_one_field():
    qa = ti.root.dense(ti.i, 2).quant_array(ti.i, 4, max_num_bits=32)
    qa.place(ti.field(qt.int(4)))
    with pytest.raises(ti.TaichiCompilationError, match="exactly one field"):
        qa.place(ti.field(qt.int(4)))


def test_primitive_field_in_a_quant_array_is_an_error():
    with pytest.raises(ti.TaichiTypeError, match="only quant types can be placed in a quant array"):
        ti.root.dense(ti.i, 2).quant_array(ti.i, 4, max_num_bits=32).place(ti.field(ti.i32))


def test_quant_array_layout_element_k_at_bit_k_times_bits():
    n = 64
    cell = ti.field(qt.int(1, False))
    ti.root.dense(ti.ij, (n, n // 32)).quant_array(ti.j, 32, max_num_bits=32).place(cell)
    assert cell.shape == (n, n)
    cell[3, 37] = 1
    cell[3, 0] = 1
    @ti.kernel
    def count() -> ti.i32:
        s = 0
        for i, j in ti.ndrange(n, n):
            s += cell[i, j]
        return s

    assert count() == 2
    arr = cell.to_numpy()
    assert arr.sum() == 2 and arr[3, 37] == 1 and arr[3, 0] == 1
    assert cell.bits_per_element == 1 and cell.nbytes == n * n // 8


def test_vector_fields_count_one_member_per_component():
    qe = qt.float(exp=5, frac=9)
    v = ti.Vector.field(3, dtype=qe)
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(v, shared_exponent=True)  # 3 members: enough for a shared exponent
    ti.root.dense(ti.i, 4).place(bp)
    assert bp.bits_used == 5 + 3 * 9
    w = ti.Vector.field(3, dtype=qt.float(5, 10))
    with pytest.raises(ti.TaichiTypeError, match="uses 35 bits out of 32"):
        ti.BitpackedFields(max_num_bits=32).place(w, shared_exponent=True)


def test_matrix_field_split_across_bitpacked_fields():
    m = ti.Matrix.field(2, 2, dtype=qt.fixed(16, max_value=16))
    b1, b2 = ti.BitpackedFields(max_num_bits=32), ti.BitpackedFields(max_num_bits=32)
    b1.place(m.get_scalar_field(0, 0), m.get_scalar_field(0, 1))
    b2.place(m.get_scalar_field(1, 0), m.get_scalar_field(1, 1))
    ti.root.dense(ti.i, 3).place(b1, b2)

    @ti.kernel
    def fill():
        for i in range(3):
            m[i] = ti.Matrix([[1.0, -2.0], [3.0, i]])

    fill()
    scale = 16 / 2**15
    want = np.array([[1.0, -2.0], [3.0, 2.0]]) / scale  # exact: scale 2^-11
    got = m.to_numpy()[2] / scale
    np.testing.assert_array_equal(got, np.sign(want) * np.floor(np.abs(want) + 0.5))
    m[1] = [[0.5, 0.25], [-0.125, 4]]
    assert m[1].to_numpy().tolist() == [[0.5, 0.25], [-0.125, 4.0]]


def test_memory_report_shows_the_saving():
    x = ti.field(qt.int(13))
    y = ti.field(qt.int(7, False))
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(x, y)
    ti.root.dense(ti.i, 1000).place(bp)
    z = ti.field(ti.f32, shape=1000)
    assert x.bits_per_element == 13 and y.bits_per_element == 7 and z.bits_per_element == 32
    assert x.nbytes == 1625 and y.nbytes == 875 and z.nbytes == 4000
    rows = ti.memory_report(print_report=False)
    containers = [r for r in rows if r["kind"] == "bit_struct"]
    assert len(containers) == 1 and containers[0]["bytes"] == 4000
    assert containers[0]["bits_per_element"] == 32
    assert rows[-1]["kind"] == "total" and rows[-1]["bytes"] == 8000
    fields = {r["bits_per_element"] for r in rows if r["kind"] == "field"}
    assert fields == {13, 7, 32}


def test_memory_report_prints_a_table(capsys):
    x = ti.field(qt.fixed(10, scale=0.5))
    ti.root.dense(ti.i, 8).place(ti.BitpackedFields(max_num_bits=16).place(x))
    ti.memory_report()
    out = capsys.readouterr().out
    assert "bits/elem" in out and "quant fixed10" in out and "u16 (10 bits used)" in out


def test_init_quant_options_reach_the_kernels():
    for fusion, demotion in [(True, True), (False, False)]:
        ti.init(quant_opt_store_fusion=fusion, quant_opt_atomic_demotion=demotion)
        cfg = ti.lang.runtime.get_program().config
        assert cfg.quant_opt_store_fusion == fusion and cfg.quant_opt_atomic_demotion == demotion
        assert not cfg.check_quant_overflow


def test_check_quant_overflow_reports_field_index_and_value():
    ti.init(check_quant_overflow=True)
    x = ti.field(qt.int(7, False), name="x")
    ti.root.dense(ti.i, 8).place(ti.BitpackedFields(max_num_bits=8).place(x))

    @ti.kernel
    def store(i: ti.i32, v: ti.i32):
        x[i] = v

    store(5, 127)
    with pytest.raises(ti.TaichiAssertionError, match=r"quant overflow: -64 does not fit field "
                       r"'x' \(qu7\) at index \[5\]"):
        store(5, -64)
    with pytest.raises(ti.TaichiAssertionError, match="quant overflow"):
        x[3] = 128  # Python scope runs the same checked store
    assert x[5] == 127


def test_bytes_per_cell_counts_each_array_once_with_padding():
    qfx = ti.types.quant.fixed(21, max_value=2.0)
    x = ti.Vector.field(3, dtype=qfx)
    bp = ti.BitpackedFields(max_num_bits=64)
    bp.place(x)
    m = ti.field(ti.i32)
    ti.root.dense(ti.i, 16).place(bp, m)       # 8 + 4 bytes, padded to 16 (8-byte words)
    j = ti.field(ti.f32, shape=16)             # another array: 4 bytes
    assert ti.bytes_per_cell(x) == 16
    assert ti.bytes_per_cell(x, m) == 16
    assert ti.bytes_per_cell(x, m, j) == 20
