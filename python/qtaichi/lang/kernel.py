"""`@ti.kernel`: parse the function once, build its IR, compile, and launch with packed args."""
import functools
import inspect
import os

import numpy as np

from qtaichi import _core
from qtaichi.lang import kernel_args, runtime, types
from qtaichi.lang.ast_transformer import KernelTransformer
from qtaichi.lang.errors import (CoreCompileError, CoreRuntimeError, TaichiError,
                                 TaichiRuntimeTypeError,
                                 TaichiSyntaxError, TaichiTypeError, format_message,
                                 from_core_compile_error, from_core_runtime_error)
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.ndarray import Ndarray
from qtaichi.lang.slots import MASK64, float_bits, from_slot
from qtaichi.lang.source import Parsed, closure_vars
from qtaichi.lang import struct_args
from qtaichi.lang.struct import StructType, flat_values, unflatten_ir



class Kernel:
    """A kernel function. Compiled on its first call for the current program; calls launch it."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.signature = inspect.signature(func)
        self._parsed = None
        self._state = None      # the program the instances below belong to
        self._instances = {}    # instance key -> CompiledKernel
        self._specs = None      # ([ArgSpec], return type) for self._state
        self._last_compiled = None  # the instance the latest call ran
        functools.update_wrapper(self, func)

    # ---- errors ----
    def _error(self, cls, message):
        parsed = self._parse()
        return cls(format_message(message, parsed.file, parsed.def_line, self.name))

    def _parse(self):
        if self._parsed is None:
            self._parsed = Parsed(self.func)
        return self._parsed

    # ---- compiling ----
    def _annotation(self, annotation):
        if isinstance(annotation, str):  # `from __future__ import annotations`
            annotation = eval(annotation, self.func.__globals__)  # noqa: S307
        return annotation

    def _arg_spec(self, p, cfg):
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise self._error(TaichiSyntaxError, f"kernel '{self.name}': *args, **kwargs and "
                              "keyword-only arguments are not supported")
        if p.annotation is p.empty and p.name == "self":  # a method of a data-oriented class
            return kernel_args.ArgSpec(p.name, "template")
        if p.annotation is p.empty:
            raise self._error(TaichiTypeError, f"argument '{p.name}' of kernel '{self.name}' "
                              "needs a type annotation, such as ti.i32 or ti.f32")
        ann = self._annotation(p.annotation)
        if isinstance(ann, kernel_args.Template) or ann is kernel_args.template:
            return kernel_args.ArgSpec(p.name, "template")
        if isinstance(ann, kernel_args.NdarrayType) or ann is kernel_args.ndarray:
            if ann is kernel_args.ndarray:
                ann = kernel_args.NdarrayType()
            return kernel_args.ArgSpec(p.name, "ndarray", annotation=ann)
        if isinstance(ann, MatrixType):
            t = types.resolve_dtype(ann.dtype or float, cfg.default_ip, cfg.default_fp)
            return kernel_args.ArgSpec(p.name, "matrix", t, ann)
        if isinstance(ann, StructType):
            comps = struct_args.component_types(ann, cfg.default_ip, cfg.default_fp)
            return kernel_args.ArgSpec(p.name, "struct", comps, ann)
        t = types.resolve_dtype(ann, cfg.default_ip, cfg.default_fp)
        if t is None:
            raise self._error(TaichiTypeError, f"argument '{p.name}' of kernel '{self.name}' "
                              f"has an unsupported annotation {p.annotation!r}")
        return kernel_args.ArgSpec(p.name, "scalar", t)

    def _signature_types(self, state):
        cfg = state.config
        specs = [self._arg_spec(p, cfg) for p in self.signature.parameters.values()]
        ret = self.signature.return_annotation
        ret_type = None
        if ret is not self.signature.empty and ret is not None:
            ann = self._annotation(ret)
            st = struct_args.struct_annotation(ann)
            if st is not None:  # a struct or tuple: one result slot per scalar component
                comps = struct_args.component_types(st, cfg.default_ip, cfg.default_fp)
                if len(comps) > struct_args.MAX_RESULTS:
                    raise self._error(TaichiTypeError, f"kernel '{self.name}' returns "
                                      f"{len(comps)} values; at most {struct_args.MAX_RESULTS}")
                return specs, (st, comps)
            if isinstance(ann, MatrixType):  # a vector/matrix: one result slot per entry
                if ann.n * ann.m > struct_args.MAX_RESULTS:
                    raise self._error(TaichiTypeError, f"kernel '{self.name}' returns "
                                      f"{ann.n * ann.m} values; at most "
                                      f"{struct_args.MAX_RESULTS} (a 4x4 matrix)")
                return specs, ann
            ret_type = types.resolve_dtype(ann, cfg.default_ip, cfg.default_fp)
            if ret_type is None:
                raise self._error(TaichiTypeError, f"kernel '{self.name}' has an unsupported "
                                  f"return annotation {ret!r}")
        return specs, ret_type

    def _declare_args(self, kernel, builder, specs, values, keys):
        """Adds the IR arguments; returns [(name, value the body sees)]. Builder values are
        made lazily by the transformer (they need its insertion point)."""
        params = []
        for spec, value, key in zip(specs, values, keys):
            if spec.kind == "scalar":
                arg_id = kernel.add_arg(spec.name, spec.dtype)
                params.append((spec.name, lambda b=builder, a=arg_id: b.arg(a)))
            elif spec.kind == "matrix":
                mt = spec.annotation
                ids = [kernel.add_arg(f"{spec.name}_{k}", spec.dtype) for k in range(mt.n * mt.m)]
                params.append((spec.name, lambda b=builder, ids=ids, mt=mt: Matrix._make(
                    [b.arg(a) for a in ids], mt.n, mt.m, mt.ndim)))
            elif spec.kind == "struct":
                ids = [kernel.add_arg(f"{spec.name}_{k}", t) for k, t in enumerate(spec.dtype)]
                params.append((spec.name, lambda b=builder, ids=ids, st=spec.annotation:
                               unflatten_ir([b.arg(a) for a in ids], st)))
            elif spec.kind == "ndarray":
                dtype, outer, elem = key
                arg_id = kernel.add_arg(spec.name, dtype, outer + len(elem))
                params.append((spec.name, lambda b=builder, a=arg_id, n=spec.name, d=dtype,
                               o=outer, e=elem: kernel_args.NdarrayRef(
                                   a, n, d, o, e, tuple(b.external_shape(a, k)
                                                        for k in range(o)))))
            else:
                params.append((spec.name, lambda v=value: v))
        return params

    def _compile(self, state, specs, ret_type, values, keys):
        parsed = self._parse()
        core = state.core
        kernel = core.create_kernel(self.name)
        kernel.set_loc(parsed.file, parsed.def_line)
        if isinstance(ret_type, tuple):  # (StructType, component types)
            kernel.ret_type = struct_args.result_slot_type(ret_type[1])
            kernel.ret_count = len(ret_type[1])
        elif isinstance(ret_type, MatrixType):
            kernel.ret_type = types.resolve_dtype(ret_type.dtype or float, state.config.default_ip,
                                                  state.config.default_fp)
            kernel.ret_count = ret_type.n * ret_type.m
        elif ret_type is not None:
            kernel.ret_type = ret_type
        builder = _core.Builder(kernel)
        params = self._declare_args(kernel, builder, specs, values, keys)
        tr = KernelTransformer(state, builder, self.name, parsed.file, parsed.line_offset,
                               parsed.col_offset, self.func.__globals__, closure_vars(self.func))
        tr.ret_matrix = ret_type if isinstance(ret_type, MatrixType) else None
        tr.ret_struct = ret_type if isinstance(ret_type, tuple) else None
        try:
            tr.build_body(parsed.func_def, params)
            return core.compile(kernel)
        except CoreCompileError as e:
            raise from_core_compile_error(e, self.name, parsed.file, parsed.def_line) from None

    def _instance(self, values):
        """(state, compiled kernel, specs, return type) for these argument values: one compiled
        instance per distinct template value / ndarray dtype and rank."""
        state = runtime.get_program()
        try:
            if self._state is not state:
                self._state, self._instances = state, {}
                self._specs = self._signature_types(state)
            specs, ret_type = self._specs
            keys = [spec.key(v, self._runtime_type_error) for spec, v in zip(specs, values)]
            key = tuple(keys)
            compiled = self._instances.get(key)
            if compiled is None:
                compiled = self._compile(state, specs, ret_type, values, keys)
                self._instances[key] = compiled
            self._last_compiled = compiled
        except TaichiError as e:
            if os.environ.get("QTAICHI_FULL_TRACEBACK") == "1":
                raise
            # The message already points at the user's line: hide the compiler's frames.
            raise e.with_traceback(None) from None
        return state, compiled, specs, ret_type

    def _runtime_type_error(self, message):
        return self._error(TaichiRuntimeTypeError, f"kernel '{self.name}': {message}")

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
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        if t.is_float():
            if isinstance(value, (int, float, np.integer, np.floating)):
                return float_bits(value, t)
        elif isinstance(value, (int, np.integer)):
            return int(value) & MASK64
        raise self._error(TaichiRuntimeTypeError, f"argument '{name}' of kernel '{self.name}' "
                          f"must be {t}, got {type(value).__name__} {value!r}")

    def _slots(self, specs, values, copies, resident):
        """The launch's argument slots. Non-contiguous (or read-only) ndarrays are copied into
        `copies` as (original, copy) so the kernel's writes can be copied back. The data slots of
        ti.ndarrays (device memory) are listed in `resident`."""
        slots = []
        for spec, value in zip(specs, values):
            if spec.kind == "scalar":
                slots.append(self._encode(value, spec.dtype, spec.name))
            elif spec.kind == "matrix":
                for v in kernel_args.matrix_values(value, spec, self._runtime_type_error):
                    slots.append(self._encode(v, spec.dtype, spec.name))
            elif spec.kind == "struct":
                try:
                    flat = flat_values(value, spec.annotation, f"argument '{spec.name}'")
                except TypeError as e:
                    raise self._runtime_type_error(str(e)) from None
                for v, t in zip(flat, spec.dtype):
                    slots.append(self._encode(v, t, spec.name))
            elif spec.kind == "ndarray" and isinstance(value, Ndarray):
                if value._state is not runtime.get_program():
                    raise self._runtime_type_error(
                        f"argument '{spec.name}': this ti.ndarray belongs to a program that "
                        "ti.reset() (or a new ti.init()) destroyed; create it again")
                resident.append(len(slots))
                slots.append(value.device_address())
                slots.extend(value.layout.shape)
            elif spec.kind == "ndarray":
                arr = value
                if not arr.flags.c_contiguous or not arr.flags.writeable or \
                        not arr.flags.aligned:
                    arr = np.ascontiguousarray(arr).copy()
                    copies.append((value, arr))
                slots.append(arr.ctypes.data)
                slots.extend(int(n) for n in arr.shape)
        return slots

    def __call__(self, *args, **kwargs):
        values = self._bind(args, kwargs)  # ti.ndarray objects stay whole until the slots
        state, compiled, specs, ret_type = self._instance(values)
        copies, resident = [], []
        slots = self._slots(specs, values, copies, resident)
        try:
            result = state.core.launch_all(compiled, slots, resident)
            if not isinstance(ret_type, (MatrixType, tuple)):
                result = result[0] if result else 0
        except CoreRuntimeError as e:
            raise from_core_runtime_error(e, self.name) from None
        finally:
            for original, copy in copies:
                if original.flags.writeable:
                    original[...] = copy
        if ret_type is None:
            return None
        if isinstance(ret_type, tuple):
            return struct_args.decode_result(result, *ret_type)
        if isinstance(ret_type, MatrixType):
            dtype = types.resolve_dtype(ret_type.dtype or float, state.config.default_ip,
                                        state.config.default_fp)
            return Matrix._make([from_slot(v, dtype) for v in result], ret_type.n, ret_type.m,
                                ret_type.ndim)
        return from_slot(result, ret_type)

    @property
    def compiled_ir(self):
        """The final IR the backend saw (compiles the kernel if needed)."""
        if self._last_compiled is None or self._state is not runtime.get_program():
            if any(p.annotation is not p.empty and not isinstance(
                    self._annotation(p.annotation), types.DataType)
                    for p in self.signature.parameters.values()):
                raise TaichiError(f"kernel '{self.name}' has not been compiled yet: call it")
            self._instance([None] * len(self.signature.parameters))
        return self._last_compiled.final_ir


    def __get__(self, instance, owner):
        """`obj.kernel(...)`: the instance is the (template) `self` argument."""
        if instance is None:
            return self
        return functools.partial(self, instance)


def kernel(func):
    """Decorates a Taichi kernel."""
    return Kernel(func)
