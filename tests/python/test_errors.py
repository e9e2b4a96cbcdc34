"""Error messages: the class, the text, and the location (file, line, kernel, source line)."""
import re

import numpy as np
import pytest

import archs
import qtaichi as ti

with open(__file__) as _f:
    _LINES = _f.read().splitlines()


def where(marker, func):
    """The location block of the line tagged `# <marker>` in this file."""
    (n,) = [i + 1 for i, s in enumerate(_LINES) if s.rstrip().endswith("# " + marker)]
    return f'  File "{__file__}", line {n}, in {func}:\n    {_LINES[n - 1].strip()}'


def assert_located(excinfo, marker, func):
    msg = str(excinfo.value)
    assert msg.endswith(where(marker, func)), msg


def test_hierarchy():
    assert issubclass(ti.TaichiSyntaxError, ti.TaichiCompilationError)
    assert issubclass(ti.TaichiSyntaxError, SyntaxError)
    assert issubclass(ti.TaichiNameError, NameError)
    assert issubclass(ti.TaichiTypeError, TypeError)
    assert issubclass(ti.TaichiCompilationError, ti.TaichiError)
    assert issubclass(ti.TaichiIndexError, IndexError)
    assert issubclass(ti.TaichiIndexError, ti.TaichiError)
    assert issubclass(ti.TaichiRuntimeTypeError, ti.TaichiRuntimeError)
    assert issubclass(ti.TaichiRuntimeTypeError, TypeError)
    assert issubclass(ti.TaichiAssertionError, AssertionError)
    assert issubclass(ti.TaichiRuntimeError, RuntimeError)


def test_undefined_name():
    @ti.kernel
    def k() -> ti.i32:
        return undefined_thing + 1  # E-undef

    with pytest.raises(ti.TaichiNameError, match=r"^name 'undefined_thing' is not defined\n") as e:
        k()
    assert_located(e, "E-undef", "k")


def test_name_assigned_in_a_block_is_gone_after_it():
    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        if a > 0:
            inner = 1
        return inner  # E-scope

    with pytest.raises(ti.TaichiNameError, match=r"^name 'inner' is not defined\n") as e:
        k(1)
    assert_located(e, "E-scope", "k")


@pytest.mark.parametrize("case", ["lambda", "try", "with", "set", "fstring", "dict", "is"])
def test_unsupported_syntax(case):
    @ti.kernel
    def k_lambda():
        f = lambda: 1  # noqa: E731  # E-lambda

    @ti.kernel
    def k_try():
        try:  # E-try
            pass
        except Exception:
            pass

    @ti.kernel
    def k_with():
        with open("x"):  # E-with
            pass

    @ti.kernel
    def k_set():
        a = {1, 2}  # E-set

    @ti.kernel
    def k_fstring(a: ti.i32):
        print(f"a={a}")  # E-fstring

    @ti.kernel
    def k_dict():
        a = {1: 2}  # E-dict

    @ti.kernel
    def k_is(a: ti.i32):
        b = a is None  # E-is

    what = {"lambda": "lambda expression", "try": "'try' statement",
            "with": "'with' statement", "set": "set literal", "fstring": "f-string",
            "dict": "dict literal", "is": "comparison"}[case]
    kernel = locals()["k_" + case]
    with pytest.raises(ti.TaichiSyntaxError, match="^unsupported " + re.escape(
            "syntax in a kernel: " + what if case != "is" else what)) as e:
        kernel() if case not in ("fstring", "is") else kernel(1)
    assert_located(e, "E-" + case, "k_" + case)


def test_wrong_number_of_indices():
    x = ti.field(ti.f32, shape=(4, 8), name="x")

    @ti.kernel
    def k():
        x[1] = 2.0  # E-nidx

    with pytest.raises(ti.TaichiIndexError,
                       match=r"^field 'x' has 2 indices, but 1 was given\n") as e:
        k()
    assert_located(e, "E-nidx", "k")


def test_float_index():
    x = ti.field(ti.f32, shape=4, name="x")

    @ti.kernel
    def k():
        x[1.5] = 2.0  # E-fidx

    with pytest.raises(ti.TaichiTypeError, match=r"^field 'x' must be indexed by integers, "
                                                 r"got f32\n") as e:
        k()
    assert_located(e, "E-fidx", "k")


def test_wrong_number_of_kernel_arguments():
    @ti.kernel
    def k(a: ti.i32, b: ti.f32):  # E-nargs
        pass

    with pytest.raises(ti.TaichiSyntaxError, match=r"^kernel 'k' takes 2 arguments but 1 was "
                                                   r"given") as e:
        k(1)
    assert_located(e, "E-nargs", "k")
    with pytest.raises(ti.TaichiSyntaxError, match="takes 2 arguments but 3 were given"):
        k(1, 2.0, 3)


@pytest.mark.parametrize("value,type_name", [("3", "str"), (1.5, "float"),
                                             (np.zeros(3), "ndarray"), (None, "NoneType")])
def test_wrong_argument_type_for_int(value, type_name):
    @ti.kernel
    def k(a: ti.i32):  # E-argtype
        pass

    with pytest.raises(ti.TaichiRuntimeTypeError,
                       match=rf"^argument 'a' of kernel 'k' must be i32, got {type_name}") as e:
        k(value)
    assert_located(e, "E-argtype", "k")


def test_wrong_argument_type_for_float():
    @ti.kernel
    def k(a: ti.f64):
        pass

    with pytest.raises(ti.TaichiRuntimeTypeError, match=r"must be f64, got str"):
        k("1.0")
    with pytest.raises(TypeError):
        k(np.ones(2))


def test_bit_op_on_floats():
    @ti.kernel
    def k(a: ti.f32) -> ti.i32:
        return a & 1  # E-bitop

    with pytest.raises(ti.TaichiTypeError, match=r"^bit operation 'bit_and' needs integer "
                                                 r"operands, got f32 and i32\n") as e:
        k(1.0)
    assert_located(e, "E-bitop", "k")


def test_return_inside_if():
    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        if a > 0:
            return 1  # E-ret
        return 0

    with pytest.raises(ti.TaichiSyntaxError, match=r"^'return' is only allowed at the top "
                                                   r"level of a kernel") as e:
        k(1)
    assert_located(e, "E-ret", "k")


def test_return_without_annotation():
    @ti.kernel
    def k():
        return 1  # E-noret

    with pytest.raises(ti.TaichiSyntaxError, match=r"^kernel 'k' returns a value but has no "
                                                   r"return type annotation\n") as e:
        k()
    assert_located(e, "E-noret", "k")


def test_missing_annotation():
    @ti.kernel
    def k(a):  # E-noann
        pass

    with pytest.raises(ti.TaichiTypeError, match=r"^argument 'a' of kernel 'k' needs a type "
                                                 r"annotation") as e:
        k(1)
    assert_located(e, "E-noann", "k")


def test_unsupported_call():
    @ti.kernel
    def k():
        np.sum(1)  # E-call

    with pytest.raises(ti.TaichiSyntaxError, match=r"^unsupported call in a kernel: "
                                                   r"'np.sum'\n") as e:
        k()
    assert_located(e, "E-call", "k")


def test_assign_to_loop_variable():
    @ti.kernel
    def k():
        for i in range(3):
            i = 2  # E-loopvar

    with pytest.raises(ti.TaichiSyntaxError, match=r"^cannot assign to loop variable 'i'\n") as e:
        k()
    assert_located(e, "E-loopvar", "k")


def test_debug_out_of_range_index_in_kernel():
    archs.init(debug=True)
    x = ti.field(ti.i32, shape=8, name="x")

    @ti.kernel
    def k(i: ti.i32):
        x[i] = 1  # E-oob

    k(7)
    with pytest.raises(ti.TaichiIndexError, match=r"index 10 is out of range \[0, 8\) on axis 0 "
                                                  r"of field 'x'") as e:
        k(10)
    assert_located(e, "E-oob", "k")
    with pytest.raises(ti.TaichiIndexError, match="out of range"):
        k(-1)


def test_debug_assertion():
    archs.init(debug=True)

    @ti.kernel
    def k(a: ti.i32):
        assert a > 0, "a must be positive"  # E-assert

    k(1)
    with pytest.raises(ti.TaichiAssertionError, match=r"^a must be positive\n") as e:
        k(0)
    assert_located(e, "E-assert", "k")


def test_python_scope_out_of_range_points_at_the_caller():
    x = ti.field(ti.i32, shape=4, name="x")
    with pytest.raises(ti.TaichiIndexError, match=r"^index 4 is out of range \[0, 4\) on axis 0 "
                                                  r"of field 'x'\n") as e:
        x[4] = 1  # E-pyoob
    assert_located(e, "E-pyoob", "test_python_scope_out_of_range_points_at_the_caller")


def test_errors_are_not_cached_and_kernel_fixes_nothing():
    @ti.kernel
    def k() -> ti.i32:
        return missing_name  # noqa: F821

    for _ in range(2):
        with pytest.raises(ti.TaichiNameError):
            k()


def test_break_in_the_parallel_loop():
    @ti.kernel
    def k():
        for i in range(4):
            break  # E-pbreak

    with pytest.raises(ti.TaichiSyntaxError, match=r"^'break' is not allowed in the outermost "
                                                   r"\(parallel\) loop") as e:
        k()
    assert_located(e, "E-pbreak", "k")


def test_loop_variable_count_mismatch():
    x = ti.field(ti.i32, shape=(2, 2))

    @ti.kernel
    def k():
        for i in x:  # E-nvars
            pass

    with pytest.raises(ti.TaichiSyntaxError, match=r"^this loop has 2 indices but 1 loop "
                                                   r"variable\n") as e:
        k()
    assert_located(e, "E-nvars", "k")


def test_float_loop_bound():
    @ti.kernel
    def k(a: ti.f32):
        for i in range(a):  # E-fbound
            pass

    with pytest.raises(ti.TaichiTypeError, match=r"must be an integer, got f32\n") as e:
        k(1.0)
    assert_located(e, "E-fbound", "k")
