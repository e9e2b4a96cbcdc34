"""`ti.ndarray`, `ti.Vector.ndarray`, `ti.Matrix.ndarray`: arrays that live outside the field
trees, passed to `ti.types.ndarray()` kernel parameters (Taichi's Python-scope ndarray). Here
the storage is a numpy array in host memory; GPU devices copy it in and out around each
launch that uses it (docs/semantics.md)."""
import numpy as np

from qtaichi.lang import types
from qtaichi.lang.errors import TaichiTypeError


def _extents(shape):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        out = tuple(int(s) for s in shape)
    except TypeError:
        raise TaichiTypeError(f"an ndarray shape is an int or a tuple of ints, got {shape!r}") \
            from None
    if not out or any(s < 0 for s in out):
        raise TaichiTypeError(f"an ndarray needs one or more non-negative extents, got {shape!r}")
    return out


class Ndarray:
    def __init__(self, dtype, shape, element_shape=()):
        dtype = types.resolve_dtype(dtype, types.i32, types.f32)
        if dtype is None:
            raise TaichiTypeError(f"ti.ndarray: {dtype!r} is not a data type")
        self.dtype = dtype
        self.shape = _extents(shape)
        self.element_shape = tuple(int(e) for e in element_shape)
        self.arr = np.zeros(self.shape + self.element_shape, dtype=types.to_numpy_dtype(dtype))

    def __repr__(self):
        elem = f" of {self.element_shape}" if self.element_shape else ""
        return f"<ti.ndarray {self.dtype}{elem} {self.shape}>"

    def to_numpy(self):
        return self.arr.copy()

    def from_numpy(self, array):
        a = np.asarray(array)
        if a.shape != self.arr.shape:
            raise TaichiTypeError(f"from_numpy: the ndarray has shape {self.arr.shape}, the "
                                  f"array {a.shape}")
        self.arr[...] = a

    def fill(self, value):
        self.arr[...] = value

    def copy_from(self, other):
        self.from_numpy(other.arr)

    def __getitem__(self, key):
        v = self.arr[key]
        return v.item() if np.ndim(v) == 0 else v.copy()

    def __setitem__(self, key, value):
        self.arr[key] = value


def ndarray(dtype, shape):
    """A scalar ndarray (Taichi's ti.ndarray(dtype, shape))."""
    return Ndarray(dtype, shape)
