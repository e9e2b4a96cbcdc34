"""Calls of `@ti.real_func`s (a mixin of KernelTransformer): a real call, not an inlined body.

The body is built once per kernel into an IR function (for a method of a data-oriented object:
once per object), from its annotations: every parameter is a scalar, vector/matrix or struct
type (or an ndarray type: the function then uses the kernel's array, one function per array),
and so is the result (or a tuple of them). Values cross the call as their scalar
components. Recursion works: a call of a function whose body is being built just calls it. The
compiler's `lower_calls` pass then copies the bodies of functions that do not recurse into
their callers and runs recursive ones on a call stack (docs/semantics.md)."""
import ast

from qtaichi.lang import types
from qtaichi.lang.ast_expr import is_ir, is_scalar
from qtaichi.lang.ast_func import _FRAME_ATTRS as FUNC_FRAME_ATTRS, returns_early
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.kernel_args import NdarrayRef, NdarrayType
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.source import closure_vars
from qtaichi.lang.struct import StructValue, unflatten_ir
from qtaichi.lang.struct_args import TupleType, component_types, struct_annotation

# What a function body's build replaces: a ti.func's frame, plus the call chain and a pending
# ti.loop_config (the body starts its own).
_FRAME_ATTRS = FUNC_FRAME_ATTRS + ("func_stack", "loop_config")


class RealFuncMixin:
    def real_func_annotation(self, fn, ann, what, node):
        """A parameter's or the result's annotation, resolved, checked to be a value type
        (Python's `bool` is ti.u1), or an ndarray type for a parameter."""
        if isinstance(ann, str):
            ann = eval(ann, fn.func.__globals__)  # noqa: S307 - `from __future__ import annotations`
        if ann is bool:
            return types.u1
        if isinstance(ann, tuple):
            return tuple(self.real_func_annotation(fn, a, what, node) for a in ann)
        if isinstance(ann, NdarrayType) and what.startswith("parameter"):
            return ann
        if struct_annotation(ann) is not None or isinstance(ann, MatrixType):
            return ann
        if types.resolve_dtype(ann, self.default_ip, self.default_fp) is None:
            raise self.error(TaichiSyntaxError, f"ti.real_func '{fn.name}': {what} must be "
                             "annotated with a scalar, vector/matrix or struct type (or an "
                             f"ndarray type, for a parameter), got {ann!r}", node)
        return ann

    def component_types_of(self, ann):
        """The scalar IR types of a value of annotation `ann`, in component order (none for an
        ndarray: the function reaches the kernel's array itself)."""
        if isinstance(ann, NdarrayType):
            return []
        stype = struct_annotation(ann)
        if stype is not None:
            return component_types(stype, self.default_ip, self.default_fp)
        if isinstance(ann, MatrixType):
            dtype = types.resolve_dtype(ann.dtype or float, self.default_ip, self.default_fp)
            return [dtype] * (ann.n * ann.m)
        return [types.resolve_dtype(ann, self.default_ip, self.default_fp)]

    def components(self, value, ann, node):
        """The scalar IR components of `value` converted to annotation `ann`."""
        stype = struct_annotation(ann)
        if isinstance(stype, TupleType):
            members = list(stype.members.values())
            if not isinstance(value, (tuple, list)) or len(value) != len(members):
                raise self.error(TaichiTypeError, f"expected a tuple of {len(members)} values",
                                 node)
            return [c for v, t in zip(value, members) for c in self.components(v, t, node)]
        value = self.convert_to_annotation(value, ann, node)
        out = []

        def add(v):
            if isinstance(v, Matrix):
                out.extend(self.to_ir(e, node) for e in self.mat_ir(v, node).entries)
            else:
                out.append(self.to_ir(v, node))
            return v
        if isinstance(value, StructValue):
            value.map(add)
        elif isinstance(value, Matrix) or is_ir(value) or is_scalar(value):
            add(value)
        else:
            raise self.error(TaichiTypeError, f"expected a value of type {ann!r}", node)
        return out

    def from_components(self, values, ann):
        """The value of annotation `ann` made of scalar IR components (inverse of components)."""
        stype = struct_annotation(ann)
        if stype is not None:
            s = unflatten_ir(values, stype)
            if isinstance(stype, TupleType):
                return tuple(s.members[f"_{k}"] for k in range(len(stype.members)))
            return s
        if isinstance(ann, MatrixType):
            return Matrix._make(list(values), ann.n, ann.m, ann.ndim)
        return values[0]

    def call_real_func(self, fn, node):
        bound = self.bind_call(fn, "ti.real_func", node)
        origin = getattr(fn, "origin", fn)
        # One function per object (methods) and per ndarray passed: the body names the array.
        arrays = tuple((n, v.arg_id) for n, v in bound.arguments.items()
                       if isinstance(v, NdarrayRef))
        key = (origin, id(fn.bound_self), arrays)
        made = self.real_funcs.get(key)
        if made is None:
            made = self.build_real_func(fn, key, bound, node)
        function, params, ret = made
        flat = []
        for name, ann in params:
            if not isinstance(ann, NdarrayType):
                flat.extend(self.components(bound.arguments[name], ann, node))
        self.set_loc(node)
        b = self.builder
        results = [b.alloca(t) for t in function.results]
        b.call(function, flat, results)
        if ret is None:
            return None
        return self.from_components([b.local_load(r) for r in results], ret)

    def build_real_func(self, fn, key, bound, node):
        """Builds fn's body into a new IR function (registered before the body is built, so
        that the body can call it)."""
        parsed = fn.parsed()
        sig = fn.signature
        names = list(sig.parameters)
        if fn.bound_self is not None:
            names = names[1:]  # `self`: the object, a compile-time value
        params = [(n, self.real_func_annotation(fn, sig.parameters[n].annotation,
                                                f"parameter '{n}'", node)) for n in names]
        ret = None
        if sig.return_annotation is not sig.empty and sig.return_annotation is not None:
            ret = self.real_func_annotation(fn, sig.return_annotation, "the result", node)
        param_types = [t for _, ann in params for t in self.component_types_of(ann)]
        ret_types = self.component_types_of(ret) if ret is not None else []
        b = self.builder
        self.set_loc(parsed.func_def)
        function = b.function(fn.name, param_types, ret_types)
        made = (function, params, ret)
        self.real_funcs[key] = made
        saved = {a: getattr(self, a) for a in _FRAME_ATTRS}
        b.push_block(function.body)
        try:
            self.file, self.line_offset = parsed.file, parsed.line_offset
            self.col_offset, self.globals = parsed.col_offset, fn.func.__globals__
            self.closure, self.kernel_name = closure_vars(fn.func), fn.name
            self.scopes, self.depth, self.loops, self.func_result = [{}], 0, [], None
            self.func_guard, self.func_stack, self.loop_config = None, [fn], None
            assigned = parsed.assigned_names()
            self.set_loc(parsed.func_def)
            if fn.bound_self is not None:
                self.bind_param(list(sig.parameters)[0], fn.bound_self, assigned,
                                parsed.func_def)
            index = 0
            for name, ann in params:
                if isinstance(ann, NdarrayType):
                    array = bound.arguments[name]
                    if not isinstance(array, NdarrayRef):
                        raise self.error(TaichiTypeError, f"ti.real_func '{fn.name}': parameter "
                                         f"'{name}' takes an ndarray, got "
                                         f"{type(array).__name__}", node)
                    # The same argument; its extents read again inside the function's body.
                    shape = tuple(b.external_shape(array.arg_id, k) for k in range(array.ndim))
                    array = NdarrayRef(array.arg_id, array.name, array.dtype, array.ndim,
                                       array.element_shape, shape)
                    self.bind_param(name, array, assigned, parsed.func_def)
                    continue
                count = len(self.component_types_of(ann))
                comps = [b.func_arg(function, index + k) for k in range(count)]
                index += count
                self.bind_param(name, self.from_components(comps, ann), assigned,
                                parsed.func_def)
            body = self.prune_after_static_returns(parsed.func_def.body)
            if returns_early(body):
                if ret is None and any(isinstance(n, ast.Return) and n.value is not None
                                       for s in body for n in ast.walk(s)):
                    self.no_result_annotation(fn, parsed.func_def)
                result = self.call_with_early_returns(fn, body, parsed.func_def)
            else:
                self.build_stmts(body)
                result = self.func_result
            if ret is None and result is not None:
                self.no_result_annotation(fn, parsed.func_def)
            if ret is not None and result is None:
                raise self.error(TaichiSyntaxError, f"ti.real_func '{fn.name}' is annotated to "
                                 "return a value but does not return one", parsed.func_def)
            self.set_loc(parsed.func_def)
            flat = self.components(result, ret, parsed.func_def) if ret is not None else []
            b.func_return(function, flat)
        finally:
            b.pop_block()
            for a, v in saved.items():
                setattr(self, a, v)
            self.set_loc(node)
        return made

    def no_result_annotation(self, fn, node):
        raise self.error(TaichiSyntaxError, f"ti.real_func '{fn.name}' returns a value: annotate "
                         "its result type (def f(...) -> ti.f32:)", node)
