"""The app runtime's C API (libqtaichi_runtime.so, qtaichi.h) through ctypes, for the AOT round
trip tests: the same calls an app makes, from Python."""
import contextlib
import ctypes
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB_PATH = os.path.join(os.environ.get("QTAICHI_BUILD_DIR") or os.path.join(ROOT, "build"),
                        "libqtaichi_runtime.so")

OK, INVALID_ARGUMENT, NOT_FOUND, CORRUPTED_MODULE, INCOMPATIBLE_MODULE, UNAVAILABLE, \
    OUT_OF_MEMORY, KERNEL_FAILED = 0, -1, -2, -3, -4, -5, -6, -7
ARCH = {"cpu": 1, "vulkan": 2, "cuda": 3}
DTYPES = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64"]
ARG_I32, ARG_I64, ARG_F32, ARG_F64, ARG_NDARRAY = range(5)
NUMPY_NAMES = {"int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8",
               "uint16": "u16", "uint32": "u32", "uint64": "u64", "float32": "f32",
               "float64": "f64"}


class _Value(ctypes.Union):
    _fields_ = [("i32", ctypes.c_int32), ("i64", ctypes.c_int64), ("f32", ctypes.c_float),
                ("f64", ctypes.c_double), ("ndarray", ctypes.c_void_p)]


class Argument(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("value", _Value)]


def load_library():
    lib = ctypes.CDLL(LIB_PATH)
    P, S, U32, VP = ctypes.POINTER, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_void_p
    sig = {
        "qti_version": ([], ctypes.c_char_p),
        "qti_last_error": ([], ctypes.c_char_p),
        "qti_create_runtime": ([ctypes.c_int, P(VP)], ctypes.c_int),
        "qti_destroy_runtime": ([VP], None),
        "qti_wait": ([VP], ctypes.c_int),
        "qti_load_module": ([VP, ctypes.c_char_p, P(VP)], ctypes.c_int),
        "qti_load_module_from_memory": ([VP, ctypes.c_char_p, S, P(VP)], ctypes.c_int),
        "qti_destroy_module": ([VP], None),
        "qti_get_kernel": ([VP, ctypes.c_char_p, P(VP)], ctypes.c_int),
        "qti_launch_kernel": ([VP, U32, P(Argument), P(Argument)], ctypes.c_int),
        "qti_field_info": ([VP, ctypes.c_char_p, P(ctypes.c_int), P(U32), P(U32), P(U32)],
                           ctypes.c_int),
        "qti_read_field": ([VP, ctypes.c_char_p, VP, S], ctypes.c_int),
        "qti_write_field": ([VP, ctypes.c_char_p, VP, S], ctypes.c_int),
        "qti_allocate_ndarray": ([VP, ctypes.c_int, U32, P(U32), U32, P(U32), P(VP)],
                                 ctypes.c_int),
        "qti_free_ndarray": ([VP], None),
        "qti_ndarray_write": ([VP, VP, S], ctypes.c_int),
        "qti_ndarray_read": ([VP, VP, S], ctypes.c_int),
    }
    for name, (args, res) in sig.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = args, res
    return lib


class CApiError(Exception):
    def __init__(self, status, message):
        super().__init__(f"status {status}: {message}")
        self.status, self.message = status, message


class Api:
    """Thin helpers that raise CApiError(status, qti_last_error()) on a non-OK status."""

    def __init__(self):
        self.lib = load_library()

    def check(self, status):
        if status != OK:
            raise CApiError(status, self.lib.qti_last_error().decode())

    def runtime(self, arch):
        rt = ctypes.c_void_p()
        self.check(self.lib.qti_create_runtime(ARCH[arch], ctypes.byref(rt)))
        return rt

    @contextlib.contextmanager
    def opened_runtime(self, arch):
        """A runtime destroyed when the block ends, however it ends."""
        rt = self.runtime(arch)
        try:
            yield rt
        finally:
            self.lib.qti_destroy_runtime(rt)

    def load(self, rt, path):
        m = ctypes.c_void_p()
        self.check(self.lib.qti_load_module(rt, str(path).encode(), ctypes.byref(m)))
        return m

    def load_memory(self, rt, data):
        m = ctypes.c_void_p()
        self.check(self.lib.qti_load_module_from_memory(rt, data, len(data), ctypes.byref(m)))
        return m

    def kernel(self, module, name):
        k = ctypes.c_void_p()
        self.check(self.lib.qti_get_kernel(module, name.encode(), ctypes.byref(k)))
        return k

    def ndarray(self, rt, array, elem_ndim=0):
        a = np.ascontiguousarray(array)
        outer = a.shape[:a.ndim - elem_ndim]
        elem = a.shape[a.ndim - elem_ndim:]
        shape = (ctypes.c_uint32 * max(1, len(outer)))(*outer)
        eshape = (ctypes.c_uint32 * max(1, len(elem)))(*elem)
        h = ctypes.c_void_p()
        self.check(self.lib.qti_allocate_ndarray(rt, DTYPES.index(NUMPY_NAMES[a.dtype.name]),
                                                 len(outer), shape, len(elem), eshape,
                                                 ctypes.byref(h)))
        self.check(self.lib.qti_ndarray_write(h, a.ctypes.data, a.nbytes))
        return h

    def read_ndarray(self, h, like):
        out = np.empty_like(like)
        self.check(self.lib.qti_ndarray_read(h, out.ctypes.data, out.nbytes))
        return out

    def launch(self, kernel, *args, want_result=False):
        arr = (Argument * max(1, len(args)))()
        for i, (kind, value) in enumerate(args):
            arr[i].kind = kind
            setattr(arr[i].value, ["i32", "i64", "f32", "f64", "ndarray"][kind], value)
        result = Argument()
        self.check(self.lib.qti_launch_kernel(kernel, len(args), arr,
                                              ctypes.byref(result) if want_result else None))
        if want_result:
            return getattr(result.value, ["i32", "i64", "f32", "f64"][result.kind])
        return None

    def read_field(self, module, name, shape, dtype):
        out = np.empty(shape, dtype=dtype)
        self.check(self.lib.qti_read_field(module, name.encode(), out.ctypes.data, out.nbytes))
        return out

    def write_field(self, module, name, values):
        a = np.ascontiguousarray(values)
        self.check(self.lib.qti_write_field(module, name.encode(), a.ctypes.data, a.nbytes))
