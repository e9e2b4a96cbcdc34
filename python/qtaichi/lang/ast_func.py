"""Calls of `@ti.func`s inside kernels (a mixin of KernelTransformer): the body is inlined.

Arguments pass by value (a func assigning to a parameter works on its own copy); fields,
ndarrays and other compile-time objects pass as they are. A `return` at the end of the body
gives the call's value directly; a func that returns earlier (inside if/for/while) gets a
result variable and a done flag: a return stores both (and leaves its loop), and what follows
a statement that may return runs only while the flag is clear. Recursion cannot be inlined and
is an error."""
import ast

from qtaichi.lang.ast_expr import B, Var, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.source import closure_vars
from qtaichi.lang.struct import StructType, StructValue
from qtaichi.lang.struct_args import TupleType, struct_annotation
from qtaichi.lang import types

_FRAME_ATTRS = ("file", "line_offset", "col_offset", "globals", "closure", "scopes", "depth",
                "loops", "kernel_name", "func_result", "func_guard")


def may_return(stmt):
    """Whether a statement contains a `return` (nested funcs' bodies are not inlined here)."""
    return any(isinstance(n, ast.Return) for n in ast.walk(stmt))


def _is_static_test(test):
    """`if ti.static(...)` / `if static(...)`: only the taken branch is built."""
    f = test.func if isinstance(test, ast.Call) else None
    return f is not None and getattr(f, "attr", getattr(f, "id", None)) == "static"


def _tail_returns_only(stmts):
    """Whether every return of `stmts` ends it (or ends a branch of a final static if)."""
    if not stmts:
        return True
    *head, last = stmts
    if any(may_return(s) for s in head):
        return False
    if isinstance(last, ast.Return) or not may_return(last):
        return True
    if isinstance(last, ast.If) and _is_static_test(last.test):
        return _tail_returns_only(last.body) and _tail_returns_only(last.orelse)
    return False


def returns_early(body):
    """Whether a func body returns before its end (a return that does not end the body)."""
    return not _tail_returns_only(body)


def _name(name, at=None, ctx=None):
    n = ast.Name(id=name, ctx=ctx or ast.Load())
    return ast.copy_location(n, at) if at is not None else n


class _Probed(Exception):
    """Stops the dry run that finds the type of an early-returning func's result."""

    def __init__(self, value):
        super().__init__()
        self.value = value


class FuncMixin:
    def bind_param(self, name, value, assigned, node):
        """Binds an argument in the innermost scope. Kernel values the body assigns to are
        copied into local variables; the others stay immutable values."""
        if isinstance(value, StructValue):  # passed by value: the func gets its own copy
            self.define(name, value, node)
        elif isinstance(value, Matrix) and any(is_ir(e) for e in value.entries):
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
        if getattr(origin, "real", False):
            return self.call_real_func(fn, node)
        if any(getattr(f, "origin", f) is origin for f in self.func_stack):
            chain = " -> ".join(stack + [fn.name])
            raise self.error(TaichiSyntaxError, f"recursion is not supported: ti.func "
                             f"'{fn.name}' calls itself ({chain}); ti.funcs are inlined (a "
                             "recursive function needs @ti.real_func)", node)
        bound = self.bind_call(fn, "ti.func", node)
        parsed = fn.parsed()
        saved = {a: getattr(self, a) for a in _FRAME_ATTRS}
        self.func_stack.append(fn)
        try:
            self.file, self.line_offset = parsed.file, parsed.line_offset
            self.col_offset, self.globals = parsed.col_offset, fn.func.__globals__
            self.closure, self.kernel_name = closure_vars(fn.func), fn.name
            self.scopes, self.depth, self.loops, self.func_result = [{}], 0, [], None
            self.func_guard = None  # a nested call has its own returns
            assigned = parsed.assigned_names()
            params = fn.signature.parameters
            self.set_loc(parsed.func_def)
            for name, value in bound.arguments.items():
                value = self.convert_to_annotation(value, params[name].annotation, node)
                self.bind_param(name, value, assigned, parsed.func_def)
            body = self.prune_after_static_returns(parsed.func_def.body)
            if returns_early(body):
                return self.call_with_early_returns(fn, body, parsed.func_def)
            self.build_stmts(body)
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

    def bind_call(self, fn, kind, node):
        """The call's arguments (a method's object first) bound to fn's parameters, with
        defaults."""
        args = self.call_args(node)
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        if fn.bound_self is not None:
            args = [fn.bound_self] + args
        try:
            bound = fn.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(TaichiSyntaxError, f"{kind} '{fn.name}': {e}", node) from None
        bound.apply_defaults()
        return bound

    def prune_after_static_returns(self, stmts):
        """The statements up to the first `if ti.static(c):` whose taken branch returns: what
        follows it is never reached, so (as in Taichi) it is not compiled either."""
        for i, s in enumerate(stmts):
            if self.static_branch_returns(s):
                return stmts[:i + 1]
        return stmts

    def static_branch_returns(self, s):
        if not (isinstance(s, ast.If) and _is_static_test(s.test)):
            return False
        branch = s.body if self.eval(s.test) else s.orelse
        return bool(branch) and (isinstance(branch[-1], ast.Return) or
                                 self.static_branch_returns(branch[-1]))

    def convert_to_annotation(self, value, ann, node):
        """Casts a func argument or result to its annotated type (`x: ti.f32`, `v: vec3`)."""
        if isinstance(ann, str):
            ann = eval(ann, self.globals)  # noqa: S307 - `from __future__ import annotations`
        tup = struct_annotation(ann)
        if isinstance(tup, TupleType):  # `-> (ti.i32, vec3)`: each element to its type
            elements = list(tup.members.values())
            if not isinstance(value, (tuple, list)) or len(value) != len(elements):
                raise self.error(TaichiTypeError, f"expected a tuple of {len(elements)} values",
                                 node)
            return tuple(self.convert_to_annotation(v, t, node) for v, t in zip(value, elements))
        if isinstance(ann, StructType):
            return self.struct_value_for(ann, value, node)
        if isinstance(ann, MatrixType):
            like = ann(0)
            value = self.matrix_value_for(like, value, node)
            return self.cast_op(value, self.resolve_type(ann.dtype or float, node), node)
        dtype = types.resolve_dtype(ann, self.default_ip, self.default_fp)
        if dtype is not None and (is_ir(value) or is_scalar(value)):
            return self.cast_to(value, ann, node)
        return value

    def func_return(self, node):
        """`return` inside a ti.func: at the end of the body, the call's value; earlier (guarded
        mode), it stores the result, raises the done flag and leaves its loop."""
        if self.func_guard == "probe":
            raise _Probed(self.eval(node.value) if node.value is not None else None)
        if self.func_guard is None:
            if node.value is not None:
                self.func_result = self.eval(node.value)
            return
        result, done, tup = self.func_guard
        if self.loops and self.loops[-1] == "static":
            raise self.error(TaichiSyntaxError, f"ti.func '{self.kernel_name}': 'return' inside "
                             "a ti.static() loop is not supported", node)
        if result is not None:
            if node.value is None:
                raise self.error(TaichiSyntaxError, f"ti.func '{self.kernel_name}': every "
                                 "'return' gives a value once one does", node)
            value = self.eval(node.value)
            if tup is not None:
                value = self.tuple_as_struct(value, tup, node)
            self.assign(_name(result, node, ast.Store()), value, node)
        self.assign(_name(done, node, ast.Store()), 1, node)
        if self.loops:
            self.builder.break_()

    def call_with_early_returns(self, fn, body, func_def):
        """Builds a func body that returns before its end (see the module's docstring)."""
        ret = fn.signature.return_annotation
        if ret is not fn.signature.empty:
            if isinstance(ret, str):
                ret = eval(ret, self.globals)  # noqa: S307
            tup = struct_annotation(ret)
            if isinstance(tup, TupleType):
                first = self.struct_value_for(tup, {}, func_def)
            else:
                like = ret(0) if isinstance(ret, MatrixType) else {} if isinstance(
                    ret, StructType) else 0
                first = self.convert_to_annotation(like, ret, func_def)
        else:
            first = self.probe_result(body, func_def)
        # A tuple result is kept in a struct variable with one member per element.
        tup = None
        if isinstance(first, tuple):
            tup = TupleType([self.value_type(v) for v in first])
            first = self.tuple_as_struct(first, tup, func_def)
        elif isinstance(first, StructValue) and isinstance(first.stype, TupleType):
            tup = first.stype
        result = None
        if first is not None:  # zeros of the first return's type and shape
            result = f"__result_{id(func_def)}"
            typed = self.zero_like(first, func_def)
            self.define(result, typed, func_def)
        done = f"__done_{id(func_def)}"
        self.define(done, self.to_ir(0, func_def), func_def)
        self.func_guard = (result, done, tup)
        self.build_stmts(body)
        if result is None:
            return None
        value = self.eval(_name(result, func_def))
        if tup is not None:
            value = tuple(value.members[f"_{k}"] for k in range(len(tup.members)))
        if ret is not fn.signature.empty:
            value = self.convert_to_annotation(value, ret, func_def)
        return value

    def tuple_as_struct(self, value, tup, node):
        """A returned tuple as the struct value that keeps it (its elements converted)."""
        if not isinstance(value, (tuple, list)) or len(value) != len(tup.members):
            raise self.error(TaichiTypeError, f"ti.func '{self.kernel_name}': every 'return' "
                             f"gives a tuple of {len(tup.members)} values once one does", node)
        return self.struct_value_for(tup, {f"_{k}": v for k, v in enumerate(value)}, node)

    def value_type(self, v):
        """The annotation a returned tuple element's type corresponds to."""
        if isinstance(v, StructValue):
            return v.stype
        if isinstance(v, Matrix):
            m = self.mat_ir(v, None)
            return MatrixType(m.n, m.m, m.ndim, m.entries[0].ret_type)
        return self.type_of(v)

    def guard_rest(self, rest, in_loop):
        """After a statement that may have returned: in a loop, leave it if so; elsewhere, run
        the rest of the block only if not."""
        done = self.to_ir(self.eval(_name(self.func_guard[1])), None)
        b = self.builder
        if in_loop:
            stmt = b.if_(done)
            b.push_block(stmt.true_block)
            b.break_()
            b.pop_block()
            if rest:
                self.build_stmts(rest)
            return
        stmt = b.if_(b.binary(B.cmp_eq, done, self.to_ir(0, None)))
        self.run_block(stmt.true_block, rest)

    def probe_result(self, body, func_def):
        """The value of the first `return` the body reaches, built once inside an `if 0:` that
        the compiler drops: it tells the result's type and shape."""
        probe = self.builder.if_(self.to_ir(0, func_def))
        saved = (self.func_guard, self.scopes, self.depth, self.loops)
        self.func_guard = "probe"
        self.scopes = self.scopes + [{}]
        try:
            self.run_block(probe.true_block, body)
        except _Probed as p:
            return p.value
        finally:
            self.func_guard, self.scopes, self.depth, self.loops = saved
        return None

    def type_of(self, value):
        if is_ir(value):
            return value.ret_type
        return self.default_fp if isinstance(value, float) else self.default_ip

    def zero_like(self, value, node):
        """Zeros of the type and shape of `value` (a scalar, Matrix or StructValue)."""
        if isinstance(value, StructValue):
            return value.map(lambda v: self.zero_like(v, node))
        if isinstance(value, Matrix):
            return Matrix._make([self.cast_op(0, self.type_of(e), node) for e in
                                 self.mat_ir(value, node).entries], value.n, value.m, value.ndim)
        return self.cast_op(0, self.type_of(value), node)
