import numpy as np
import pytest

import archs
import qtaichi as ti


def test_shape_and_dtype():
    a = ti.field(ti.f32, shape=5)
    b = ti.field(ti.i16, shape=(2, 3, 4))
    c = ti.field(ti.u8, shape=())
    assert a.shape == (5,) and b.shape == (2, 3, 4) and c.shape == ()
    assert a.dtype == ti.f32 and b.dtype == ti.i16 and c.dtype == ti.u8


def test_fields_start_at_zero_and_roundtrip_python_scope():
    x = ti.field(ti.i32, shape=(3, 4))
    assert x[2, 3] == 0
    x[2, 3] = -7
    x[0, 1] = 9
    assert x[2, 3] == -7 and x[0, 1] == 9
    expected = np.zeros((3, 4), np.int32)
    expected[2, 3], expected[0, 1] = -7, 9
    np.testing.assert_array_equal(x.to_numpy(), expected)


def test_zero_dim_field():
    s = ti.field(ti.f64, shape=())
    s[None] = 1.25

    @ti.kernel
    def double():
        s[None] = s[None] * 2

    double()
    assert s[None] == 2.5
    assert s.to_numpy().shape == () and float(s.to_numpy()) == 2.5


@pytest.mark.parametrize("dtype,value,expected", [
    (ti.i8, 200, -56), (ti.u8, 300, 44), (ti.u8, -1, 255), (ti.i16, 40000, -25536),
    (ti.u32, -1, 4294967295), (ti.i64, 2**63, -2**63), (ti.u64, -2, 2**64 - 2),
])
def test_python_scope_stores_wrap_to_the_width(dtype, value, expected):
    x = ti.field(dtype, shape=1)
    x[0] = value
    assert x[0] == expected


def test_f32_values_are_rounded_to_f32():
    x = ti.field(ti.f32, shape=1)
    y = ti.field(ti.f64, shape=1)
    x[0] = 0.1
    y[0] = 0.1
    assert x[0] == float(np.float32(0.1)) and x[0] != 0.1
    assert y[0] == 0.1


@pytest.mark.parametrize("dtype", [ti.i8, ti.i16, ti.i32, ti.i64, ti.u8, ti.u16, ti.u32,
                                   ti.u64, ti.f32, ti.f64])
def test_numpy_roundtrip_every_dtype(dtype):
    x = ti.field(dtype, shape=(3, 5))
    np_dtype = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
                "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
                "f32": np.float32, "f64": np.float64}[str(dtype)]
    arr = (np.arange(15).reshape(3, 5) * 7 + 3).astype(np_dtype)
    x.from_numpy(arr)
    out = x.to_numpy()
    assert out.dtype == np_dtype
    np.testing.assert_array_equal(out, arr)
    assert x[2, 4] == arr[2, 4]


def test_from_numpy_shape_mismatch_is_a_clear_error():
    x = ti.field(ti.f32, shape=(4, 4))
    with pytest.raises(ti.TaichiError, match=r"shape \(3, 4\) does not match the shape \(4, 4\)"):
        x.from_numpy(np.zeros((3, 4), np.float32))


def test_from_numpy_converts_dtype():
    x = ti.field(ti.i32, shape=3)
    x.from_numpy(np.array([1.7, -2.2, 3.0]))
    np.testing.assert_array_equal(x.to_numpy(), [1, -2, 3])


def test_fill():
    x = ti.field(ti.f32, shape=(2, 3))
    x.fill(1.5)
    np.testing.assert_array_equal(x.to_numpy(), np.full((2, 3), 1.5, np.float32))
    n = ti.field(ti.u16, shape=4)
    n.fill(-1)
    np.testing.assert_array_equal(n.to_numpy(), [65535] * 4)


def test_nested_dense_2d():
    x = ti.field(ti.i32)
    ti.root.dense(ti.i, 4).dense(ti.j, 8).place(x)
    assert x.shape == (4, 8)
    arr = np.arange(32, dtype=np.int32).reshape(4, 8)
    x.from_numpy(arr)

    @ti.kernel
    def add_index():
        for i, j in x:
            x[i, j] += i * 100 + j

    add_index()
    expected = arr + np.arange(4)[:, None] * 100 + np.arange(8)[None, :]
    np.testing.assert_array_equal(x.to_numpy(), expected)
    assert x[3, 7] == expected[3, 7]


def test_blocked_dense_same_axis():
    x = ti.field(ti.i32)
    ti.root.dense(ti.i, 4).dense(ti.i, 8).place(x)
    assert x.shape == (32,)
    arr = np.arange(32, dtype=np.int32) * 3
    x.from_numpy(arr)
    np.testing.assert_array_equal(x.to_numpy(), arr)
    assert x[9] == 27

    @ti.kernel
    def negate_odd():
        for i in x:
            if i % 2 == 1:
                x[i] = -x[i]

    negate_odd()
    expected = np.where(np.arange(32) % 2 == 1, -arr, arr)
    np.testing.assert_array_equal(x.to_numpy(), expected)
    assert x[31] == -93


def test_two_fields_in_one_dense_keep_independent_values():
    a = ti.field(ti.f32)
    b = ti.field(ti.i64)
    ti.root.dense(ti.i, 16).place(a, b)

    @ti.kernel
    def fill():
        for i in a:
            a[i] = i * 0.5
            b[i] = -i * 1000000

    fill()
    np.testing.assert_array_equal(a.to_numpy(), np.arange(16) * 0.5)
    np.testing.assert_array_equal(b.to_numpy(), -np.arange(16) * 1000000)
    a[3] = 7.0
    assert b[3] == -3000000 and a[3] == 7.0


def test_dense_ij_with_one_size():
    x = ti.field(ti.i32)
    ti.root.dense(ti.ij, 3).place(x)
    assert x.shape == (3, 3)


def test_adding_a_field_after_a_kernel_ran():
    x = ti.field(ti.i32, shape=4)

    @ti.kernel
    def fx():
        for i in x:
            x[i] = i + 1

    fx()
    y = ti.field(ti.i32, shape=4)  # goes into a new tree

    @ti.kernel
    def fy():
        for i in y:
            y[i] = x[i] * 10

    fy()
    np.testing.assert_array_equal(y.to_numpy(), [10, 20, 30, 40])
    fx()
    np.testing.assert_array_equal(x.to_numpy(), [1, 2, 3, 4])
    z = ti.field(ti.f32)
    ti.root.dense(ti.i, 2).place(z)
    z[1] = 3.0
    assert z.to_numpy().tolist() == [0.0, 3.0]


def test_python_scope_index_out_of_range():
    x = ti.field(ti.i32, shape=(4, 8))
    with pytest.raises(ti.TaichiIndexError,
                       match=r"index 8 is out of range \[0, 8\) on axis 1 of field"):
        x[1, 8]
    with pytest.raises(IndexError):
        x[-1, 0] = 3


def test_python_scope_wrong_number_of_indices():
    x = ti.field(ti.i32, shape=(4, 8))
    with pytest.raises(ti.TaichiIndexError, match=r"has 2 indices, but 1 was given"):
        x[1]


def test_unplaced_field_is_an_error():
    x = ti.field(ti.i32)
    with pytest.raises(ti.TaichiError, match="has not been placed"):
        x[0]


def test_named_field_in_messages():
    x = ti.field(ti.i32, shape=2, name="pressure")
    with pytest.raises(ti.TaichiIndexError, match="field 'pressure'"):
        x[5]


def test_column_major_layout_roundtrip():
    x = ti.field(ti.f64)
    ti.root.dense(ti.j, 8).dense(ti.i, 4).place(x)
    assert x.shape == (4, 8)
    arr = np.arange(32, dtype=np.float64).reshape(4, 8) / 4
    x.from_numpy(arr)
    np.testing.assert_array_equal(x.to_numpy(), arr)

    @ti.kernel
    def k() -> ti.f64:
        return x[3, 1] * 1000 + x[1, 3]

    assert k() == arr[3, 1] * 1000 + arr[1, 3]


def test_invalid_dense_size_points_at_the_caller():
    with pytest.raises(ti.TaichiCompilationError,
                       match=r"^dense\(\) sizes must be positive, got 0\n  File .*line \d+, in "
                             r"test_invalid_dense_size_points_at_the_caller:\n    ti.root.dense"):
        ti.root.dense(ti.i, 0)


def test_field_of_a_reset_program_in_a_kernel():
    x = ti.field(ti.i32, shape=4)
    archs.init()

    @ti.kernel
    def k():
        x[0] = 1

    with pytest.raises(ti.TaichiSyntaxError, match="belongs to a program destroyed"):
        k()


def test_python_scope_huge_index_and_bad_values():
    x = ti.field(ti.i32, shape=4, name="x")
    with pytest.raises(ti.TaichiIndexError, match=r"index 1180591620717411303424 is out of range"):
        x[2**70]
    with pytest.raises(ti.TaichiTypeError, match=r"field 'x' must be indexed by integers"):
        x[1.5]
    with pytest.raises(ti.TaichiTypeError, match=r"field 'x' holds i32 scalars, got str"):
        x[0] = "1"
    x[1] = np.array(7)
    assert x[1] == 7


def test_unnamed_field_after_reset_is_a_clear_error_without_touching_freed_memory():
    x = ti.field(ti.f32, shape=4)
    v = ti.Vector.field(3, ti.f32, shape=4)
    x[0] = 1.0
    ti.reset()
    for use in (lambda: x[0], lambda: x.shape, lambda: x.to_numpy(), lambda: v[0]):
        with pytest.raises(ti.TaichiError, match=r"field '<unnamed>' belongs to a program"):
            use()
    archs.init()


def test_fill_inside_a_kernel():
    x = ti.field(ti.f32, shape=(3, 4))
    v = ti.Vector.field(2, ti.i32, shape=5)
    s = ti.field(ti.i32, shape=())
    q = ti.field(ti.types.quant.int(bits=10))
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(q)
    ti.root.dense(ti.i, 6).place(bp)

    @ti.kernel
    def k(a: ti.f32):
        x.fill(a)
        v.fill([1, -2])
        s.fill(7)
        q.fill(300)
        for i in range(2):  # a fill inside a loop is a serial loop of its own
            x.fill(a + i)

    k(1.5)
    np.testing.assert_array_equal(x.to_numpy(), np.full((3, 4), 2.5))
    np.testing.assert_array_equal(v.to_numpy(), [[1, -2]] * 5)
    assert s[None] == 7
    np.testing.assert_array_equal(q.to_numpy(), [300] * 6)
