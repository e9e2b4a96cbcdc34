"""Calls of `@ti.func`s inside kernels (a mixin of KernelTransformer): the body is inlined.

Arguments pass by value (a func assigning to a parameter works on its own copy); fields,
ndarrays and other compile-time objects pass as they are. A func may `return` once, as the last
statement of its body. Recursion cannot be inlined and is an error."""
from qtaichi.lang.ast_expr import Var, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.source import closure_vars
from qtaichi.lang import types

_FRAME_ATTRS = ("file", "line_offset", "col_offset", "globals", "closure", "scopes", "depth",
                "loops", "kernel_name", "func_result")


class FuncMixin:
    def bind_param(self, name, value, assigned, node):
        """Binds an argument in the innermost scope. Kernel values the body assigns to are
        copied into local variables; the others stay immutable values."""
        if isinstance(value, Matrix) and any(is_ir(e) for e in value.entries):
            if name in assigned:
                self.define(name, value, node)
            else:
                self.scopes[-1][name] = Var("value", self.mat_ir(value, node), "argument")
        elif is_ir(value) or (is_scalar(value) and name in assigned):
            if name in assigned:
                self.define(name, value, node)
            else:
                self.scopes[-1][name] = Var("value", value, "argument")
        elif isinstance(value, Matrix) and name in assigned:
            self.define(name, value, node)
        else:
            self.scopes[-1][name] = Var("python", value, "compile-time argument")

    def call_func(self, fn, node):
        stack = [f.name for f in self.func_stack]
        origin = getattr(fn, "origin", fn)
        if any(getattr(f, "origin", f) is origin for f in self.func_stack):
            chain = " -> ".join(stack + [fn.name])
            raise self.error(TaichiSyntaxError, f"recursion is not supported: ti.func "
                             f"'{fn.name}' calls itself ({chain}); ti.funcs are inlined", node)
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        if fn.bound_self is not None:
            args = [fn.bound_self] + args
        try:
            bound = fn.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(TaichiSyntaxError, f"ti.func '{fn.name}': {e}", node) from None
        bound.apply_defaults()
        parsed = fn.parsed()
        saved = {a: getattr(self, a) for a in _FRAME_ATTRS}
        self.func_stack.append(fn)
        try:
            self.file, self.line_offset = parsed.file, parsed.line_offset
            self.col_offset, self.globals = parsed.col_offset, fn.func.__globals__
            self.closure, self.kernel_name = closure_vars(fn.func), fn.name
            self.scopes, self.depth, self.loops, self.func_result = [{}], 0, [], None
            assigned = parsed.assigned_names()
            params = fn.signature.parameters
            self.set_loc(parsed.func_def)
            for name, value in bound.arguments.items():
                value = self.convert_to_annotation(value, params[name].annotation, node)
                self.bind_param(name, value, assigned, parsed.func_def)
            self.build_stmts(parsed.func_def.body)
            result = self.func_result
            ret = fn.signature.return_annotation
            if result is not None and ret is not fn.signature.empty:
                result = self.convert_to_annotation(result, ret, parsed.func_def)
            return result
        finally:
            self.func_stack.pop()
            for a, v in saved.items():
                setattr(self, a, v)
            self.set_loc(node)

    def convert_to_annotation(self, value, ann, node):
        """Casts a func argument or result to its annotated type (`x: ti.f32`, `v: vec3`)."""
        if isinstance(ann, str):
            ann = eval(ann, self.globals)  # noqa: S307 - `from __future__ import annotations`
        if isinstance(ann, MatrixType):
            like = ann(0)
            value = self.matrix_value_for(like, value, node)
            return self.cast_op(value, self.resolve_type(ann.dtype or float, node), node)
        dtype = types.resolve_dtype(ann, self.default_ip, self.default_fp)
        if dtype is not None and (is_ir(value) or is_scalar(value)):
            return self.cast_op(value, dtype, node)
        return value

    def func_return(self, node):
        """`return` inside a ti.func: allowed once, at the end of the body."""
        if self.depth != 0:
            raise self.error(TaichiSyntaxError, f"ti.func '{self.kernel_name}': 'return' is "
                             "only supported as the last statement of the function body, not "
                             "inside if/for/while", node)
        if node.value is not None:
            self.func_result = self.eval(node.value)
