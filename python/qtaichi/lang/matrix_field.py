"""`ti.Vector.field` / `ti.Matrix.field`: n (or n*m) scalar fields placed side by side.

Placing all components under one dense node gives the array-of-structures layout Taichi uses
(`x[i]` is n consecutive values), and keeps the IR scalar: a kernel reads `x[i]` as n loads."""
import numpy as np

from qtaichi import _core
from qtaichi.lang import matrix, quant_access, runtime, snode, types
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import TaichiError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.matrix import Matrix
from qtaichi.lang.quant_access import QuantField


class MatrixField:
    """A field of vectors (ndim 1) or matrices (ndim 2). `fields` are the scalar components in
    row-major order."""

    def __init__(self, fields, n, m, ndim, name=""):
        self.fields, self.n, self.m, self.ndim, self.name = fields, n, m, ndim, name
        self.dtype = fields[0].dtype

    def _layout_parts(self):
        """Placed as its components side by side (array of structures, like Taichi)."""
        return list(self.fields)

    @property
    def element_shape(self):
        return (self.n,) if self.ndim == 1 else (self.n, self.m)

    @property
    def shape(self):
        return self.fields[0].shape

    def _label(self):
        return self.name or self.fields[0]._label()

    def __repr__(self):
        kind = "Vector" if self.ndim == 1 else "Matrix"
        return f"<ti.{kind}.field {self._label()} {self.element_shape} {self.dtype}>"

    # ---- element access (Python scope) ----
    def __getitem__(self, key):
        return Matrix._make([f[key] for f in self.fields], self.n, self.m, self.ndim)

    def __setitem__(self, key, value):
        values = _flat_values(value, self)
        if quant_access.shared_vector(self.fields):
            quant_access.write_vector(self.fields, key, values)
            return
        for f, v in zip(self.fields, values):
            f[key] = v

    # ---- whole-field copies ----
    def to_numpy(self, dtype=None):
        parts = [f.to_numpy() for f in self.fields]
        arr = np.stack(parts, axis=-1).reshape(self.shape + self.element_shape)
        return arr if dtype is None else arr.astype(dtype)

    def from_numpy(self, arr):
        arr = np.asarray(arr)
        want = self.shape + self.element_shape
        if arr.shape != want:
            raise _error(TaichiError, f"from_numpy: the array's shape {arr.shape} does not match "
                         f"the shape {want} of field '{self._label()}'")
        flat = arr.reshape(self.shape + (self.n * self.m,))
        if quant_access.shared_vector(self.fields) and self.shape != ():
            quant_access.from_numpy_vector(self.fields, flat)
            return
        for c, f in enumerate(self.fields):
            f.from_numpy(flat[..., c])

    def fill(self, value):
        if isinstance(value, (Matrix, list, tuple, np.ndarray)):
            values = _flat_values(value, self)
            if quant_access.shared_vector(self.fields):
                quant_access.fill_vector(self.fields, values)
                return
            for f, v in zip(self.fields, values):
                f.fill(v)
        elif quant_access.shared_vector(self.fields):
            quant_access.fill_vector(self.fields, [value] * len(self.fields))
        else:
            for f in self.fields:
                f.fill(value)

    def get_scalar_field(self, *indices):
        """The scalar field of component i (vector) or (i, j) (matrix), e.g. to place a matrix's
        components in different ti.BitpackedFields."""
        if len(indices) != self.ndim:
            raise _error(TaichiError, f"get_scalar_field needs {self.ndim} ind"
                         f"{'ex' if self.ndim == 1 else 'ices'}, got {len(indices)}")
        i, j = (indices[0], 0) if self.ndim == 1 else indices
        if not (0 <= i < self.n and 0 <= j < self.m):
            raise _error(TaichiError, f"component {indices} is out of range for field "
                         f"'{self._label()}' of shape {self.element_shape}")
        return self.fields[i * self.m + j]

    def copy_from(self, other):
        self.from_numpy(other.to_numpy())


def _flat_values(value, field):
    arr = np.asarray(value.to_numpy() if isinstance(value, Matrix) else value)
    if arr.ndim == 0:
        return [arr.item()] * (field.n * field.m)
    if arr.shape != field.element_shape:
        raise _error(TaichiTypeError, f"field '{field._label()}' holds {field.element_shape} "
                     f"elements, got a value of shape {arr.shape}")
    return arr.reshape(-1).tolist()


def matrix_field(n, m, ndim, dtype, shape, name, offset, layout):
    state = runtime.get_program()
    dt = types.resolve_field_dtype(dtype, state.config.default_ip, state.config.default_fp)
    if dt is None:
        raise _error(TaichiTypeError, f"a vector or matrix field needs a scalar data type such "
                     f"as ti.f32, got {dtype!r}")
    if offset is not None:
        raise _error(TaichiError, "field offsets are not supported")
    if layout is not None and str(layout).lower().endswith("soa"):
        raise _error(TaichiError, "layout=ti.Layout.SOA is not supported: place the components "
                     "with ti.root yourself")
    if ndim == 1:
        suffixes = [f"_{i}" for i in range(n)]
    else:
        suffixes = [f"_{i}{j}" for i in range(n) for j in range(m)]
    comps = [QuantField(dt, f"{name}{s}" if name else "") if isinstance(dt, _core.QuantType)
             else Field(dt, f"{name}{s}" if name else "") for s in suffixes]
    mf = MatrixField(comps, n, m, ndim, name)
    if shape is None:
        return mf
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if shape == ():
        snode.root.place(*comps)
    else:
        snode.root.dense(snode.axes(*range(len(shape))), shape).place(*comps)
    return mf


matrix.register_field_factory(matrix_field)
