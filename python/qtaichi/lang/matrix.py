"""`ti.Vector` / `ti.Matrix`: small fixed-size values, and their types `ti.types.vector/matrix`.

A Matrix holds its entries in a flat row-major list. In Python scope the entries are numbers
and the operators compute with numpy. Inside kernels the same class holds IR values (the IR is
scalar: see DESIGN.md "Scalar IR"); the AST transformer (ast_matrix.py) then emits one scalar
statement per entry and never calls the Python operators below. The constructors here only
arrange entries, so kernels reuse them as they are."""
import numpy as np

from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.ndarray import Ndarray


def _field_factory(*args):
    """`Matrix.field`, `Vector.field` and `MatrixType.field` make matrix fields; that module
    (lang/matrix_field.py) lies above this one and registers its factory when imported."""
    if _field_factories:
        return _field_factories[0](*args)
    raise RuntimeError("qtaichi.lang.matrix_field was not imported")


_field_factories = []


def register_field_factory(fn):
    _field_factories[:] = [fn]

_COMPONENTS = "xyzw"
_COLOR_COMPONENTS = "rgba"  # v.rgb, c.a: the same entries, named as colours


class Matrix:
    """n x m entries; `ndim` is 1 for a vector (m == 1), 2 for a matrix. `dtype` (optional) is
    the type Python-number entries take when a kernel needs them as values."""

    def __init__(self, arr, dt=None, ndim=None):
        if isinstance(arr, Matrix):
            self._set(list(arr.entries), arr.n, arr.m, arr.ndim, dt or arr.dtype)
            return
        if isinstance(arr, np.ndarray):
            arr = arr.tolist()
        if not isinstance(arr, (list, tuple)) or not arr:
            raise TaichiTypeError(f"ti.Matrix needs a non-empty list of rows, got {arr!r}")
        rows = [_row(r) for r in arr]
        if ndim == 1 or all(r is None for r in rows):  # a flat list: a vector
            if any(r is not None for r in rows):
                raise TaichiTypeError("ti.Vector needs a flat list of values")
            self._set(list(arr), len(arr), 1, 1, dt)
            return
        if any(r is None for r in rows) or len({len(r) for r in rows}) != 1:
            raise TaichiTypeError("ti.Matrix rows must all be lists of the same length")
        self._set([e for r in rows for e in r], len(rows), len(rows[0]), 2, dt)

    def _set(self, entries, n, m, ndim, dtype):
        self.entries, self.n, self.m, self.ndim, self.dtype = entries, n, m, ndim, dtype

    @classmethod
    def _make(cls, entries, n, m, ndim, dtype=None):
        out = Matrix.__new__(Vector if ndim == 1 else Matrix)
        out._set(list(entries), n, m, ndim, dtype)
        return out

    def map(self, fn):
        return Matrix._make([fn(e) for e in self.entries], self.n, self.m, self.ndim, self.dtype)

    @property
    def shape(self):
        return (self.n,) if self.ndim == 1 else (self.n, self.m)

    def entry(self, i, j=0):
        return self.entries[i * self.m + j]

    def describe(self):
        return f"{self.n}-vector" if self.ndim == 1 else f"{self.n}x{self.m} matrix"

    # ---- constructors (usable in kernels: they only arrange entries) ----
    @staticmethod
    def zero(dtype, n, m=None):
        return _filled(0, dtype, n, m)

    @staticmethod
    def one(dtype, n, m=None):
        return _filled(1, dtype, n, m)

    @staticmethod
    def identity(dtype, n):
        return Matrix._make([1 if i == j else 0 for i in range(n) for j in range(n)], n, n, 2,
                            dtype)

    ident = identity  # the name newer Taichi uses

    @staticmethod
    def diag(dim, val):
        """A dim x dim matrix with `val` (a scalar, or one value per row) on its diagonal."""
        vals = _as_list(val) if isinstance(val, (list, tuple, Matrix)) else [val] * dim
        if len(vals) != dim:
            raise ValueError(f"diag({dim}, ...) needs {dim} diagonal values, got {len(vals)}")
        return Matrix([[vals[i] if i == j else 0 for j in range(dim)] for i in range(dim)])

    @staticmethod
    def rows(rows):
        rows = [_as_list(r) for r in rows]
        return Matrix(rows)

    @staticmethod
    def cols(cols):
        cols = [_as_list(c) for c in cols]
        return Matrix([[c[i] for c in cols] for i in range(len(cols[0]))])

    @staticmethod
    def ndarray(n, m, dtype, shape, **_ignored):
        """An ndarray of n x m matrices (Taichi's ti.Matrix.ndarray)."""
        return Ndarray(dtype, shape, (n, m))

    @staticmethod
    def field(n, m, dtype, shape=None, name="", offset=None, needs_grad=False, layout=None,
              **_ignored):
        return _field_factory(n, m, 2, dtype, shape, name, offset, layout)

    # ---- Python scope ----
    def to_numpy(self, dtype=None):
        arr = np.array(self.entries, dtype=dtype).reshape(self.shape)
        return arr

    def __array__(self, dtype=None, copy=None):
        return self.to_numpy(dtype)

    def to_list(self):
        return self.to_numpy().tolist()

    def __len__(self):
        return self.n

    def __iter__(self):
        if self.ndim == 1:
            return iter(self.entries)
        return iter([self.entries[i * self.m:(i + 1) * self.m] for i in range(self.n)])

    def __getitem__(self, key):
        if isinstance(key, tuple):
            i, j = key
            return self.entry(i, j)
        if self.ndim == 1:
            return self.entries[key]
        return Vector(self.entries[key * self.m:(key + 1) * self.m])

    def __setitem__(self, key, value):
        i, j = key if isinstance(key, tuple) else (key, 0)
        self.entries[i * self.m + j] = value

    def fill(self, val):
        """Sets every entry to `val`, in place (Taichi's Matrix.fill)."""
        self.entries = [val] * len(self.entries)

    def __getattr__(self, name):
        names = _COMPONENTS if name and set(name) <= set(_COMPONENTS) else \
            _COLOR_COMPONENTS if name and set(name) <= set(_COLOR_COMPONENTS) else None
        if names is not None and "entries" in self.__dict__:
            idx = [names.index(c) for c in name]
            if self.ndim == 1 and max(idx) < self.n:
                return self.entries[idx[0]] if len(idx) == 1 else Vector(
                    [self.entries[i] for i in idx])
        raise AttributeError(name)

    def __repr__(self):
        return repr(self.to_list())

    def _np_op(self, other, fn):
        other = other.to_numpy() if isinstance(other, Matrix) else other
        return _from_numpy(fn(self.to_numpy(), other))

    def __eq__(self, other):
        if isinstance(other, (Matrix, list, tuple, np.ndarray)):
            return bool(np.array_equal(self.to_numpy(), np.asarray(other)))
        return NotImplemented

    __hash__ = None
    __add__ = lambda a, b: a._np_op(b, np.add)  # noqa: E731
    __radd__ = lambda a, b: a._np_op(b, lambda x, y: y + x)  # noqa: E731
    __sub__ = lambda a, b: a._np_op(b, np.subtract)  # noqa: E731
    __rsub__ = lambda a, b: a._np_op(b, lambda x, y: y - x)  # noqa: E731
    __mul__ = lambda a, b: a._np_op(b, np.multiply)  # noqa: E731
    __rmul__ = lambda a, b: a._np_op(b, lambda x, y: y * x)  # noqa: E731
    __truediv__ = lambda a, b: a._np_op(b, np.true_divide)  # noqa: E731
    __matmul__ = lambda a, b: a._np_op(b, np.matmul)  # noqa: E731
    __neg__ = lambda a: _from_numpy(-a.to_numpy())  # noqa: E731

    def transpose(self):
        return _from_numpy(self.to_numpy().T)

    def dot(self, other):
        return float(np.dot(self.to_numpy(), np.asarray(other)))

    def norm(self):
        return float(np.linalg.norm(self.to_numpy()))

    def norm_sqr(self):
        return float((self.to_numpy() ** 2).sum())


class Vector(Matrix):
    """`ti.Vector([a, b, c])`: an n x 1 Matrix."""

    def __init__(self, arr, dt=None):
        if isinstance(arr, Matrix):
            arr = arr.entries
        super().__init__(list(arr) if isinstance(arr, (tuple, np.ndarray)) else arr, dt, ndim=1)

    @staticmethod
    def zero(dtype, n):
        return _filled(0, dtype, n, None)

    @staticmethod
    def one(dtype, n):
        return _filled(1, dtype, n, None)

    @staticmethod
    def unit(n, i, dtype=None):
        return Matrix._make([1 if k == i else 0 for k in range(n)], n, 1, 1, dtype)

    @staticmethod
    def ndarray(n, dtype, shape, **_ignored):
        """An ndarray of n-vectors (Taichi's ti.Vector.ndarray)."""
        return Ndarray(dtype, shape, (n,))

    @staticmethod
    def field(n, dtype, shape=None, name="", offset=None, needs_grad=False, layout=None,
              **_ignored):
        return _field_factory(n, 1, 1, dtype, shape, name, offset, layout)


def _row(r):
    if isinstance(r, Matrix):
        return list(r.entries) if r.ndim == 1 else None
    if isinstance(r, (list, tuple)):
        return list(r)
    return None


def _as_list(v):
    if isinstance(v, Matrix):
        return list(v.entries)
    return list(v)


def _filled(value, dtype, n, m):
    if m is None:
        return Matrix._make([value] * n, n, 1, 1, dtype)
    return Matrix._make([value] * (n * m), n, m, 2, dtype)


def _from_numpy(arr):
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return arr.item()
    if arr.ndim == 1:
        return Matrix._make(arr.tolist(), arr.shape[0], 1, 1)
    return Matrix._make(arr.reshape(-1).tolist(), arr.shape[0], arr.shape[1], 2)


class MatrixType:
    """`ti.types.vector(n, dtype)` / `ti.types.matrix(n, m, dtype)`: an annotation for kernel
    arguments and locals, a field element type, and (called) a constructor."""

    def __init__(self, n, m, ndim, dtype):
        if not (isinstance(n, int) and isinstance(m, int) and n > 0 and m > 0):
            raise TaichiTypeError(f"vector and matrix sizes must be positive ints, got {n}, {m}")
        self.n, self.m, self.ndim, self.dtype = n, m, ndim, dtype

    @property
    def shape(self):
        return (self.n,) if self.ndim == 1 else (self.n, self.m)

    def __call__(self, *args):
        """`vec3(1, 2, 3)`, `vec3(0)` (filled), `vec3(other_vector)`, `mat2([[..], [..]])`."""
        flat = []
        for a in args:
            if isinstance(a, Matrix):
                flat.extend(a.entries)
            elif isinstance(a, (list, tuple)):
                for r in a:
                    flat.extend(_as_list(r) if isinstance(r, (list, tuple, Matrix)) else [r])
            else:
                flat.append(a)
        size = self.n * self.m
        if len(flat) == 1:
            flat = flat * size
        if len(flat) != size:
            raise TaichiTypeError(f"{self!r} needs {size} values, got {len(flat)}")
        return Matrix._make(flat, self.n, self.m, self.ndim, self.dtype)

    def field(self, shape=None, name="", offset=None, **kwargs):
        return _field_factory(self.n, self.m, self.ndim, self.dtype, shape, name, offset, None)

    def __repr__(self):
        if self.ndim == 1:
            return f"ti.types.vector({self.n}, {self.dtype!r})"
        return f"ti.types.matrix({self.n}, {self.m}, {self.dtype!r})"

    def __eq__(self, other):
        return isinstance(other, MatrixType) and (self.n, self.m, self.ndim, self.dtype) == (
            other.n, other.m, other.ndim, other.dtype)

    def __hash__(self):
        return hash((self.n, self.m, self.ndim, self.dtype))


def vector_type(n, dtype=None):
    return MatrixType(n, 1, 1, dtype)


def matrix_type(n, m, dtype=None):
    return MatrixType(n, m, 2, dtype)


def check_static_index(i, size, what):
    if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
        raise TaichiSyntaxError(f"{what} index must be a compile-time int, got {i!r}")
    if not -size <= i < size:
        raise TaichiSyntaxError(f"index {i} is out of range for {what} of size {size}")
    return int(i) % size
