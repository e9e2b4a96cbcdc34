"""`ti.ndarray`, `ti.Vector.ndarray`, `ti.Matrix.ndarray`: arrays that live outside the field
trees, passed to `ti.types.ndarray()` kernel parameters (Taichi's Python-scope ndarray). The
storage is device memory of the current program (host memory on the CPU), C-contiguous: a
kernel gets its address, so nothing is copied around a launch; `to_numpy`/`from_numpy` and
element access move bytes between it and the host (docs/semantics.md)."""
import numpy as np

from qtaichi.lang import runtime, types
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
        resolved = types.resolve_dtype(dtype, types.i32, types.f32)
        if resolved is None:
            raise TaichiTypeError(f"ti.ndarray: {dtype!r} is not a data type")
        self.dtype = resolved
        self.shape = _extents(shape)
        self.element_shape = tuple(int(e) for e in element_shape)
        self._np_dtype = np.dtype(types.to_numpy_dtype(resolved))
        full = self.shape + self.element_shape
        # A view of no memory with the array's dtype and shape (what argument checks read).
        self.layout = np.lib.stride_tricks.as_strided(np.zeros(1, self._np_dtype), full,
                                                      (0,) * len(full), writeable=False)
        self._state = runtime.get_program()
        self._alloc = self._state.core.create_array(max(1, self.layout.size) *
                                                    self._np_dtype.itemsize)

    def __del__(self):
        state = getattr(self, "_state", None)
        if state is not None and state.alive:
            state.core.free_array(self._alloc)

    def __repr__(self):
        elem = f" of {self.element_shape}" if self.element_shape else ""
        return f"<ti.ndarray {self.dtype}{elem} {self.shape}>"

    def _core(self):
        self._state.check_alive("this ti.ndarray")
        return self._state.core

    def device_address(self):
        """What a kernel's ndarray slot holds for this array."""
        return self._core().array_address(self._alloc)

    # ---- whole-array transfers ----
    def to_numpy(self):
        out = np.empty(self.layout.shape, self._np_dtype)
        if out.size:
            self._core().array_download(self._alloc, 0, out)
        return out

    def from_numpy(self, array):
        a = np.asarray(array)
        if a.shape != self.layout.shape:
            raise TaichiTypeError(f"from_numpy: the ndarray has shape {self.layout.shape}, the "
                                  f"array {a.shape}")
        a = np.ascontiguousarray(a, dtype=self._np_dtype)
        if a.size:
            self._core().array_upload(self._alloc, 0, a)

    def fill(self, value):
        if value == 0:
            self._core().array_fill(self._alloc, 0)
        else:
            self.from_numpy(np.full(self.layout.shape, value, self._np_dtype))

    def copy_from(self, other):
        self.from_numpy(other.to_numpy())

    # ---- elements ----
    def _block(self, key):
        """(byte offset, element count, shape) of the contiguous block that an index of ints
        names (an element, or a vector/matrix of a Vector/Matrix ndarray); None for others."""
        key = key if isinstance(key, tuple) else (key,)
        full = self.layout.shape
        if not 0 < len(key) <= len(full) or \
                not all(isinstance(k, (int, np.integer)) for k in key):
            return None
        flat = 0
        for k, n in zip(key, full):
            k = int(k)
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for an ndarray axis of size {n}")
            flat = flat * n + (k % n)
        rest = full[len(key):]
        count = int(np.prod(rest, dtype=np.int64)) if rest else 1
        return flat * count * self._np_dtype.itemsize, count, rest

    def __getitem__(self, key):
        block = self._block(key)
        if block is None:
            v = self.to_numpy()[key]
            return v.item() if np.ndim(v) == 0 else v
        offset, count, rest = block
        out = np.empty(count, self._np_dtype)
        self._core().array_download(self._alloc, offset, out)
        return out[0].item() if not rest else out.reshape(rest)

    def __setitem__(self, key, value):
        block = self._block(key)
        if block is None:
            whole = self.to_numpy()
            whole[key] = value
            self.from_numpy(whole)
            return
        offset, count, rest = block
        data = np.ascontiguousarray(np.broadcast_to(np.asarray(value, self._np_dtype), rest))
        self._core().array_upload(self._alloc, offset, data.reshape(count))


def ndarray(dtype, shape):
    """A scalar ndarray (Taichi's ti.ndarray(dtype, shape))."""
    return Ndarray(dtype, shape)
