"""Kernel argument kinds beyond scalars: `ti.template()`, `ti.types.ndarray()`, and vector or
matrix typed arguments (one scalar slot per component).

Each parameter of a kernel gets an ArgSpec. A call computes an instance key (template values,
ndarray dtypes and ranks) and the kernel compiles one instance per key; `encode` turns the call's
values into the launch's 64-bit slots (an ndarray: its data pointer, then each extent, the layout
of `ir::arg_slots`)."""
import numpy as np

from qtaichi.lang import types
from qtaichi.lang.errors import TaichiIndexError, TaichiTypeError
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.ndarray import Ndarray


class Template:
    """`ti.template()`: the argument is a compile-time value (a field, a number, a tuple...)."""

    def __repr__(self):
        return "ti.template()"


def template(tensor=None, dim=None):
    return Template()


class NdarrayType:
    """`ti.types.ndarray(dtype=None, ndim=None)`: a numpy array read and written in place.
    A vector/matrix dtype adds its shape as trailing dimensions of the array."""

    def __init__(self, dtype=None, ndim=None, element_shape=None, **_ignored):
        self.element_shape = ()
        if isinstance(dtype, MatrixType):
            self.element_shape = dtype.shape
            dtype = dtype.dtype
        elif element_shape:
            self.element_shape = tuple(element_shape)
        self.dtype, self.ndim = dtype, ndim

    def __repr__(self):
        return f"ti.types.ndarray(dtype={self.dtype!r}, ndim={self.ndim})"


def ndarray(dtype=None, ndim=None, **kwargs):
    return NdarrayType(dtype, ndim, **kwargs)


_NUMPY_TO_TYPE = {np.dtype(types.to_numpy_dtype(t)): t for t in types.all_types}


class Ref:
    """Something assignable: a field or ndarray element (global) or a local variable."""

    def __init__(self, ptr, local=False):
        self.ptr, self.local = ptr, local


class DynamicRef:
    """`v[k] = ...` (or `M[i, j]`) with an index known only at run time: every entry is
    rewritten, the one whose position equals `flat` with the new value (a chain of selects)."""

    def __init__(self, refs, flat):
        self.refs, self.flat = refs, flat


class NdarrayRef:
    """An ndarray argument inside a kernel: `arr[i, j]` and `arr.shape[k]`."""

    def __init__(self, arg_id, name, dtype, ndim, element_shape, shape):
        self.arg_id, self.name, self.dtype = arg_id, name, dtype
        self.ndim, self.element_shape = ndim, element_shape  # ndim: without element dims
        self.shape = shape  # IR extents of the outer dimensions

    def get_element_shape(self):
        """`arr.element_shape()` in a kernel (Taichi's spelling): a compile-time list."""
        return list(self.element_shape)

    def element_ref(self, tr, indices, node):
        if len(indices) != self.ndim:
            n, got = self.ndim, len(indices)
            raise tr.error(TaichiIndexError, f"ndarray '{self.name}' has {n} dimension"
                           f"{'s' if n != 1 else ''}, but {got} "
                           f"{'index was' if got == 1 else 'indices were'} given", node)
        b = tr.builder
        if not self.element_shape:
            return Ref(b.external_ptr(self.arg_id, indices))
        n = self.element_shape[0]
        m = self.element_shape[1] if len(self.element_shape) == 2 else 1
        refs = []
        for i in range(n):
            for j in range(m):
                extra = [b.const_int(types.i32, i)]
                if len(self.element_shape) == 2:
                    extra.append(b.const_int(types.i32, j))
                refs.append(Ref(b.external_ptr(self.arg_id, indices + extra)))
        return Matrix._make(refs, n, m, len(self.element_shape))


class ArgSpec:
    """How one kernel parameter is passed. kind: scalar | matrix | struct (dtype: the
    components' types) | template | ndarray."""

    def __init__(self, name, kind, dtype=None, annotation=None):
        self.name, self.kind, self.dtype, self.annotation = name, kind, dtype, annotation

    # ---- instance keys ----
    def key(self, value, error):
        """The part of the compiled instance's key this argument decides."""
        if self.kind == "template":
            return template_key(value)
        if self.kind == "ndarray":
            return self.check_ndarray(value, error)
        return None

    def check_ndarray(self, value, error):
        """(scalar Type, outer ndim, element shape) of an ndarray argument, checked against the
        annotation. Without a dtype in the annotation, a ti.Vector/Matrix.ndarray brings its
        own element shape (`ti.types.ndarray(ndim=1)` taking a ti.Vector.ndarray(2, ...))."""
        ann = self.annotation
        elem = ann.element_shape
        if isinstance(value, Ndarray):
            if ann.dtype is None and not elem:
                elem = value.element_shape
            value = value.layout
        if not isinstance(value, np.ndarray):
            raise error(f"argument '{self.name}' must be a numpy ndarray, got "
                        f"{type(value).__name__}")
        got = _NUMPY_TO_TYPE.get(value.dtype)
        if got is None:
            raise error(f"argument '{self.name}': numpy dtype {value.dtype} is not supported")
        if ann.dtype is not None and ann.dtype is not int and ann.dtype is not float:
            if got != ann.dtype:
                raise error(f"argument '{self.name}' must be an ndarray of {ann.dtype}, got "
                            f"dtype {value.dtype}")
        outer = value.ndim - len(elem)
        if value.shape[outer:] != elem or outer < 0:
            raise error(f"argument '{self.name}' must end in element dimensions {elem}, got "
                        f"an array of shape {value.shape}")
        if ann.ndim is not None and outer != ann.ndim:
            raise error(f"argument '{self.name}' must be an ndarray with {ann.ndim} "
                        f"dimension{'s' if ann.ndim != 1 else ''}, got {outer}")
        return (got, outer, elem)


def template_key(value):
    """Templates compile once per value: numbers, strings and tuples by value (and type, so
    1 and 1.0 differ), everything else (fields...) by identity."""
    if isinstance(value, (bool, int, float, str, np.integer, np.floating)) or value is None:
        return (type(value), value)
    if isinstance(value, tuple):
        return (tuple, tuple(template_key(v) for v in value))
    if isinstance(value, Matrix):
        return (Matrix, value.shape, tuple(template_key(v) for v in value.entries))
    return (id(value), _Keep(value))


class _Keep:
    """Holds a template object in the key so its id is not reused while the key lives; equal to
    any other _Keep, since the id alone decides."""

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, _Keep)

    def __hash__(self):
        return 0


def matrix_values(value, spec, error):
    """The flat component values of a vector/matrix argument."""
    mtype = spec.annotation
    arr = np.asarray(value.to_numpy() if isinstance(value, Matrix) else value)
    if arr.shape != mtype.shape:
        raise error(f"argument '{spec.name}' must be {mtype!r} (shape {mtype.shape}), got "
                    f"{type(value).__name__} of shape {arr.shape}")
    return arr.reshape(-1).tolist()


def check_vector_size(tr, value, want, node):
    if isinstance(value, Matrix) and value.shape != want:
        raise tr.error(TaichiTypeError, f"expected shape {want}, got a {value.describe()}", node)
