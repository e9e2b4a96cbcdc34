"""qtaichi: a compiler for Taichi-style Python kernels (`import qtaichi as ti`).

Importing stays cheap (numpy and the compiled core only); a program starts on `ti.init()` or on
first use."""
import os as _os

# The compiled core lives in a build folder, not in the sources: QTAICHI_BUILD_DIR picks the
# folder (a sanitizer build, say), else ./build next to python/.
__path__.append(_os.path.join(  # noqa: F821 - a package's own __path__
    _os.environ.get("QTAICHI_BUILD_DIR") or
    _os.path.join(_os.path.dirname(__file__), "..", "..", "build"), "python", "qtaichi"))
from qtaichi.lang.errors import (TaichiAssertionError, TaichiCompilationError, TaichiError,
                                 TaichiIndexError, TaichiNameError, TaichiRuntimeError,
                                 TaichiRuntimeTypeError, TaichiSyntaxError, TaichiTypeError)
from qtaichi.lang.bitpacked import BitpackedFields
from qtaichi.lang.field import Field
from qtaichi.lang.fields import field
from qtaichi.lang.func import Func, data_oriented, func, real_func
from qtaichi.lang.kernel import Kernel, kernel
from qtaichi.lang.memory import bytes_per_cell, memory_report
from qtaichi.lang.kernel_args import template
from qtaichi.lang.matrix import Matrix, Vector
from qtaichi.lang.matrix_field import MatrixField
from qtaichi.lang.ndarray import Ndarray, ndarray
from qtaichi.lang.struct import Struct, StructField, dataclass
from qtaichi.lang.linalg import polar_decompose, solve, svd, sym_eig
from qtaichi.lang.ops import (abs, acos, asin, atan2, atomic_add, atomic_and, atomic_max,
                              atomic_min, atomic_mul, atomic_or, atomic_sub, atomic_xor, cast,
                              ceil, cos, exp, floor, grouped, log, loop_config, max, min, ndrange, random, round,
                              sin, sqrt, static, tan, tanh, pow, select, raw_div, raw_mod,
                              rsqrt, bit_cast, bit_shr, static_assert, static_print, zero,
                              one, randn, frexp, get_addr)
from qtaichi.lang.runtime import (CRITICAL, DEBUG, ERROR, INFO, TRACE, WARN, arm64, cpu, cuda,
                                  dx11, dx12, gles, gpu, init, is_arch_supported, metal, opengl,
                                  reset, sync, vulkan, x64)
from qtaichi.lang.snode import (axes, i, ij, ijk, ijkl, ijl, ik, ikl, j, jk, jkl, k, l, root)
from qtaichi.lang.types import (f32, f64, float32, float64, i8, i16, i32, i64, int8, int16,
                                int32, int64, u1, u8, u16, u32, u64, uint8, uint16, uint32,
                                uint64)

from qtaichi.lang.runtime import current_cfg as _current_cfg
from qtaichi.lang import impl  # noqa: F401 - ti.lang.impl.current_cfg()
from qtaichi import math, types  # noqa: E402 - ti.types / ti.math namespaces
from qtaichi import aot  # noqa: E402 - ti.aot.Module
from qtaichi import graph  # noqa: E402 - ti.graph (compute graphs)
from qtaichi import experimental  # noqa: E402 - ti.experimental.real_func
from qtaichi import _lib  # noqa: E402,F401 - ti._lib.core.with_vulkan() (Taichi's examples)
from qtaichi import tools  # noqa: E402 - ti.tools (Pillow and ffmpeg are used on first call)
# Older Taichi's top-level spelling of the image tools (Taichi 1.7 has only ti.tools.*).
from qtaichi.tools import imread, imresize, imshow, imwrite  # noqa: E402
from qtaichi import ui  # noqa: E402 - ti.ui (GGUI); ti.GUI below
from qtaichi.ui import GUI, hex_to_rgb, rgb_to_hex  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name):
    # ti.cfg follows the current program (Taichi's spelling of its configuration).
    if name == "cfg":
        return _current_cfg()
    raise AttributeError(f"module 'qtaichi' has no attribute {name!r}")
