"""Functions usable inside kernels (`ti.sqrt`, `ti.atomic_add`, `ti.ndrange`, ...).

Inside a kernel the AST transformer recognizes these objects by identity and emits IR (see
ast_expr.py). Called from Python scope, the math functions compute on Python numbers, so code can
be shared; atomics only make sense in kernels."""
import math
import random as _random

import numpy as np

from qtaichi.lang import types
from qtaichi.lang.errors import TaichiCompilationError, TaichiSyntaxError
from qtaichi.lang.matrix import Vector


def sqrt(x):
    return math.sqrt(x)


def sin(x):
    return math.sin(x)


def cos(x):
    return math.cos(x)


def tan(x):
    return math.tan(x)


def asin(x):
    return math.asin(x)


def acos(x):
    return math.acos(x)


def exp(x):
    return math.exp(x)


def log(x):
    return math.log(x)


def tanh(x):
    return math.tanh(x)


def floor(x, dtype=None):
    v = float(math.floor(x))
    return v if dtype is None else cast(v, dtype)


def ceil(x, dtype=None):
    v = float(math.ceil(x))
    return v if dtype is None else cast(v, dtype)


def round(x, dtype=None):  # noqa: A001 - Taichi's name; half away from zero, like C round()
    v = float(math.copysign(math.floor(abs(x) + 0.5), x))
    return v if dtype is None else cast(v, dtype)


def abs(x):  # noqa: A001
    return x if x >= 0 else -x


def min(*args):  # noqa: A001
    import builtins

    return builtins.min(*args)


def max(*args):  # noqa: A001
    import builtins

    return builtins.max(*args)


def atan2(y, x):
    return math.atan2(y, x)


def cast(x, dtype):
    return types.to_numpy_dtype(dtype).type(x).item()


def pow(x, y):  # noqa: A001 - Taichi's name
    return x ** y


def select(cond, a, b):
    """`a` where `cond` is non-zero, else `b` (per component inside kernels)."""
    return a if cond else b


def raw_div(a, b):
    """C division: truncating for integers (no Python floor), IEEE for floats."""
    if isinstance(a, int) and isinstance(b, int):
        return int(a / b) if b else 0
    return a / b


def raw_mod(a, b):
    """C's remainder (the sign of the dividend): fmod for floats."""
    if isinstance(a, int) and isinstance(b, int):
        return a - raw_div(a, b) * b
    return math.fmod(a, b)


def zero(x):
    """Zeros of x's type and shape."""
    return type(x)(0)


def one(x):
    """Ones of x's type and shape."""
    return type(x)(1)


def randn(dtype=float):
    """A standard normal sample (inside kernels: Box-Muller over ti.random)."""
    return _random.gauss(0.0, 1.0)


def rsqrt(x):
    return 1.0 / math.sqrt(x)


def bit_cast(x, dtype):
    """The bits of x (a Python number, taken at dtype's width) read as dtype."""
    target = np.dtype(types.to_numpy_dtype(dtype))
    kind = {4: (np.float32, np.int32), 8: (np.float64, np.int64)}[target.itemsize]
    return np.array(x, dtype=kind[0] if isinstance(x, float) else kind[1]).view(target).item()


def bit_shr(x, n):
    """Logical right shift of a 32-bit value (Python scope: the bits of an i32)."""
    return (x & 0xFFFFFFFF) >> n


def frexp(x):
    """(mantissa, exponent) with x = mantissa * 2**exponent and 0.5 <= |mantissa| < 1."""
    m, e = math.frexp(x)
    return m, e


def static_assert(cond, msg=""):
    """Checked when the kernel compiles: a condition known at compile time."""
    if not cond:
        raise TaichiCompilationError(f"static assertion failed{': ' + msg if msg else ''}")


def static_print(*args, **kwargs):
    """Prints when the kernel compiles, not when it runs."""
    print(*args, **kwargs)


def _kernel_only(name):
    def fn(*args, **kwargs):
        raise TaichiSyntaxError(f"ti.{name}() can only be used inside a kernel")

    fn.__name__ = name
    return fn


atomic_add = _kernel_only("atomic_add")
atomic_sub = _kernel_only("atomic_sub")
atomic_min = _kernel_only("atomic_min")
atomic_max = _kernel_only("atomic_max")
atomic_and = _kernel_only("atomic_and")
atomic_or = _kernel_only("atomic_or")
atomic_xor = _kernel_only("atomic_xor")
atomic_mul = _kernel_only("atomic_mul")
# ti.get_addr(field, indices): an element's address (u64) in qtaichi's field address space: the
# tree's id in the top 16 bits, the byte offset in the tree below; differences between elements
# of one tree are their distances in bytes (docs/semantics.md).
get_addr = _kernel_only("get_addr")


class ndrange:  # noqa: N801 - Taichi's name
    """`ti.ndrange(n, (lo, hi), ...)`: in a kernel, one flat parallel loop over the product; in
    Python scope, an iterator over index tuples."""

    def __init__(self, *dims):
        self.dims = dims

    def __iter__(self):
        import itertools

        ranges = [range(d) if isinstance(d, int) else range(*d) for d in self.dims]
        return itertools.product(*ranges)



def static(x, *more):
    """`ti.static(x)`: evaluated when the kernel is compiled (loops unroll, branches fold)."""
    return x if not more else (x,) + more


class grouped:  # noqa: N801 - Taichi's name
    """`ti.grouped(x)`: loop over a field or ndrange with one vector index."""

    def __init__(self, target):
        self.target = target

    def __iter__(self):
        target = self.target
        if not isinstance(target, ndrange):
            target = ndrange(*target.shape)
        for index in target:
            yield Vector(list(index))


def loop_config(serialize=False, block_dim=None, parallelize=None, bit_vectorize=False,
                **_ignored):
    """Applies to the next for loop of a kernel (recognized there)."""
    raise TaichiSyntaxError("ti.loop_config() can only be used inside a kernel")


def random(dtype=float):
    """In Python scope, a number from Python's generator; kernels use per-index streams."""
    import random as _random

    if dtype is int:
        return _random.randint(-2**31, 2**31 - 1)
    return _random.random()
