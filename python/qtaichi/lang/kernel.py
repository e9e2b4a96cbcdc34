"""`@ti.kernel`: parse the function once, build its IR, compile, and launch with packed args."""
import ast
import functools
import inspect
import math
import os
import struct
import textwrap

import numpy as np

from qtaichi import _core
from qtaichi.lang import runtime, types
from qtaichi.lang.ast_transformer import KernelTransformer
from qtaichi.lang.errors import (CoreCompileError, CoreRuntimeError, TaichiError,
                                 TaichiRuntimeTypeError,
                                 TaichiSyntaxError, TaichiTypeError, format_message,
                                 from_core_compile_error, from_core_runtime_error)

_MASK64 = (1 << 64) - 1


def _f32_bits(v):
    try:
        return struct.unpack("<I", struct.pack("<f", v))[0]
    except OverflowError:  # rounds beyond f32's range: the conversion gives +-inf
        return struct.unpack("<I", struct.pack("<f", math.copysign(math.inf, v)))[0]


class _Parsed:
    """The source of a kernel function, parsed once."""

    def __init__(self, func):
        try:
            lines, start = inspect.getsourcelines(func)
        except (OSError, TypeError) as e:
            raise TaichiSyntaxError(f"cannot read the source of kernel '{func.__name__}' ({e}): "
                                    "kernels must be defined in a file") from None
        self.file = inspect.getsourcefile(func) or "<unknown>"
        source = "".join(lines)
        dedented = textwrap.dedent(source)
        self.col_offset = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
        self.line_offset = start
        tree = ast.parse(dedented)
        self.func_def = tree.body[0]
        self.def_line = start + self.func_def.lineno - 1
        for deco in self.func_def.decorator_list:  # `def` comes after the decorators
            self.def_line = max(self.def_line, start + deco.end_lineno)


class Kernel:
    """A kernel function. Compiled on its first call for the current program; calls launch it."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.signature = inspect.signature(func)
        self._parsed = None
        self._compiled = None  # (ProgramState, CompiledKernel, [arg types], return type)
        functools.update_wrapper(self, func)

    # ---- errors ----
    def _error(self, cls, message):
        parsed = self._parse()
        return cls(format_message(message, parsed.file, parsed.def_line, self.name))

    def _parse(self):
        if self._parsed is None:
            self._parsed = _Parsed(self.func)
        return self._parsed

    # ---- compiling ----
    def _annotation(self, annotation):
        if isinstance(annotation, str):  # `from __future__ import annotations`
            annotation = eval(annotation, self.func.__globals__)  # noqa: S307
        return annotation

    def _signature_types(self, state):
        cfg = state.config
        arg_types = []
        for p in self.signature.parameters.values():
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                raise self._error(TaichiSyntaxError, f"kernel '{self.name}': *args, **kwargs and "
                                  "keyword-only arguments are not supported")
            if p.annotation is p.empty:
                raise self._error(TaichiTypeError, f"argument '{p.name}' of kernel '{self.name}' "
                                  "needs a type annotation, such as ti.i32 or ti.f32")
            t = types.resolve_dtype(self._annotation(p.annotation), cfg.default_ip,
                                    cfg.default_fp)
            if t is None:
                raise self._error(TaichiTypeError, f"argument '{p.name}' of kernel '{self.name}' "
                                  f"has an unsupported annotation {p.annotation!r}")
            arg_types.append(t)
        ret = self.signature.return_annotation
        ret_type = None
        if ret is not self.signature.empty and ret is not None:
            ret_type = types.resolve_dtype(self._annotation(ret), cfg.default_ip, cfg.default_fp)
            if ret_type is None:
                raise self._error(TaichiTypeError, f"kernel '{self.name}' has an unsupported "
                                  f"return annotation {ret!r}")
        return arg_types, ret_type

    def _closure_vars(self):
        code, cells = self.func.__code__, self.func.__closure__ or ()
        out = {}
        for name, cell in zip(code.co_freevars, cells):
            try:
                out[name] = cell.cell_contents
            except ValueError:  # not assigned yet
                pass
        return out

    def _compile(self, state):
        parsed = self._parse()
        arg_types, ret_type = self._signature_types(state)
        core = state.core
        kernel = core.create_kernel(self.name)
        kernel.set_loc(parsed.file, parsed.def_line)
        arg_names = list(self.signature.parameters)
        for name, t in zip(arg_names, arg_types):
            kernel.add_arg(name, t)
        if ret_type is not None:
            kernel.ret_type = ret_type
        builder = _core.Builder(kernel)
        tr = KernelTransformer(state, builder, self.name, parsed.file, parsed.line_offset,
                               parsed.col_offset, self.func.__globals__, self._closure_vars())
        assigned = {n.id for n in ast.walk(parsed.func_def)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        try:
            tr.build_body(parsed.func_def, arg_names, assigned & set(arg_names))
            del tr, builder
            compiled = core.compile(kernel)
        except CoreCompileError as e:
            raise from_core_compile_error(e, self.name, parsed.file, parsed.def_line) from None
        self._compiled = (state, compiled, arg_types, ret_type)

    def _ensure_compiled(self):
        state = runtime.get_program()
        if self._compiled is None or self._compiled[0] is not state:
            self._compiled = None
            try:
                self._compile(state)
            except TaichiError as e:
                if os.environ.get("QTAICHI_FULL_TRACEBACK") == "1":
                    raise
                # The message already points at the user's line: hide the compiler's frames.
                raise e.with_traceback(None) from None
        return self._compiled

    # ---- launching ----
    def _bind(self, args, kwargs):
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            n = len(self.signature.parameters)
            raise self._error(TaichiSyntaxError, f"kernel '{self.name}' takes {n} argument"
                              f"{'s' if n != 1 else ''} but {len(args) + len(kwargs)} "
                              f"{'were' if len(args) + len(kwargs) != 1 else 'was'} given "
                              f"({e})") from None
        bound.apply_defaults()
        return bound.args

    def _encode(self, value, t, name):
        if t.is_float():
            if isinstance(value, (int, float, np.integer, np.floating)):
                if t.bits == 32:
                    return _f32_bits(float(value))
                return struct.unpack("<Q", struct.pack("<d", float(value)))[0]
        elif isinstance(value, (int, np.integer)):
            return int(value) & _MASK64
        raise self._error(TaichiRuntimeTypeError, f"argument '{name}' of kernel '{self.name}' "
                          f"must be {t}, got {type(value).__name__} {value!r}")

    @staticmethod
    def _decode(bits, t):
        if t.is_float():
            if t.bits == 32:
                return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]
            return struct.unpack("<d", struct.pack("<Q", bits & _MASK64))[0]
        n = t.bits
        v = bits & ((1 << n) - 1)
        if t.is_signed() and v >= 1 << (n - 1):
            v -= 1 << n
        return v

    def __call__(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        state, compiled, arg_types, ret_type = self._ensure_compiled()
        names = list(self.signature.parameters)
        slots = [self._encode(v, t, n) for v, t, n in zip(values, arg_types, names)]
        try:
            result = state.core.launch(compiled, slots)
        except CoreRuntimeError as e:
            raise from_core_runtime_error(e, self.name) from None
        if ret_type is None:
            return None
        return self._decode(result, ret_type)

    @property
    def compiled_ir(self):
        """The final IR the backend saw (compiles the kernel if needed)."""
        return self._ensure_compiled()[1].final_ir


def kernel(func):
    """Decorates a Taichi kernel."""
    return Kernel(func)
