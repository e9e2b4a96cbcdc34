"""Calls inside a kernel -> IR (a mixin of KernelTransformer). Functions are recognized by
identity: `ti.sqrt`, builtin `min`, `print`, ... (see the tables in ast_expr.py)."""
import ast
import builtins

from qtaichi.lang import ops, types
from qtaichi.lang.ast_expr import ATOMIC_FUNCS, B, MINMAX_FUNCS, UNARY_FUNCS, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.field import Field


def _find(table, func):
    try:
        return table.get(func)
    except TypeError:  # an unhashable callee: not one of ours
        return None


class CallMixin:
    def expr_Call(self, node):
        func = self.eval(node.func)
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: "
                                 "*args in a call", node)
        if func is builtins.print:
            return self.call_print(node)
        if any(k.arg is None for k in node.keywords):
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: **kwargs in a "
                             "call", node)
        if _find(ATOMIC_FUNCS, func) is not None:
            return self.call_atomic(ATOMIC_FUNCS[func], node)
        if func is builtins.range or func is ops.ndrange:
            raise self.error(TaichiSyntaxError, f"{self.describe(node.func)} can only be used "
                             "as the iterable of a for loop", node)
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        self.set_loc(node)
        name = self.describe(node.func)
        if _find(UNARY_FUNCS, func) is not None:
            (x,) = self.positional(args, kwargs, 1, name, node)
            return self.builder.unary(UNARY_FUNCS[func], self.to_ir(x, node))
        if _find(MINMAX_FUNCS, func) is not None:
            if kwargs or len(args) < 2:
                raise self.error(TaichiSyntaxError, f"{name} takes two or more values", node)
            result = self.to_ir(args[0], node)
            for a in args[1:]:
                result = self.builder.binary(MINMAX_FUNCS[func], result, self.to_ir(a, node))
            return result
        if func is ops.atan2:
            y, x = self.positional(args, kwargs, 2, name, node)
            return self.builder.binary(B.atan2, self.to_ir(y, node), self.to_ir(x, node))
        if func is ops.cast:
            if kwargs.keys() - {"dtype"}:
                raise self.error(TaichiSyntaxError, f"{name} takes (value, dtype)", node)
            if "dtype" in kwargs:
                args = args + [kwargs.pop("dtype")]
            x, dtype = self.positional(args, kwargs, 2, name, node)
            return self.cast_to(x, self.resolve_type(dtype, node), node)
        if func is builtins.int or func is builtins.float or types.is_dtype(func):
            (x,) = self.positional(args, kwargs, 1, name, node)
            if func is builtins.int and is_scalar(x):
                return int(x)
            if func is builtins.float and is_scalar(x):
                return float(x)
            return self.cast_to(x, self.resolve_type(func, node), node)
        if func is builtins.len:
            (x,) = self.positional(args, kwargs, 1, name, node)
            if isinstance(x, Field):
                return x.shape[0]
            if isinstance(x, tuple):
                return len(x)
            raise self.error(TaichiTypeError, f"len() of {self.describe(node.args[0])} is not "
                             "known at compile time", node)
        raise self.error(TaichiSyntaxError, f"unsupported call in a kernel: {name}", node)

    def positional(self, args, kwargs, n, name, node):
        if kwargs or len(args) != n:
            raise self.error(TaichiSyntaxError, f"{name} takes {n} argument"
                             f"{'s' if n != 1 else ''}, got {len(args) + len(kwargs)}", node)
        return args

    def resolve_type(self, obj, node):
        t = types.resolve_dtype(obj, self.default_ip, self.default_fp)
        if t is None:
            raise self.error(TaichiTypeError, f"expected a data type such as ti.f32, got "
                             f"{obj!r}", node)
        return t

    def cast_to(self, x, dtype, node):
        return self.builder.cast(self.to_ir(x, node), dtype)

    # ---- atomics ----
    def pointer_of(self, node):
        """The pointer an atomic updates: a field element or a local variable."""
        ptr = self.field_ptr(node)
        if ptr is not None:
            return ptr
        if isinstance(node, ast.Name):
            var = self.lookup_local(node.id)
            if var is not None and var.kind == "alloca":
                return var.obj
        raise self.error(TaichiSyntaxError, f"the destination of an atomic operation must be a "
                         f"field element or a local variable, got {self.describe(node)}", node)

    def call_atomic(self, op, node):
        if node.keywords or len(node.args) != 2:
            raise self.error(TaichiSyntaxError, f"{self.describe(node.func)} takes (destination, "
                             "value)", node)
        ptr = self.pointer_of(node.args[0])
        value = self.eval_ir(node.args[1])
        self.set_loc(node)
        return self.builder.atomic(op, ptr, value)

    # ---- print ----
    def call_print(self, node):
        for k in node.keywords:
            value = self.eval(k.value)
            if not ((k.arg == "sep" and value == " ") or (k.arg == "end" and value == "\n")):
                raise self.error(TaichiSyntaxError, f"unsupported in a kernel: print(..., "
                                 f"{k.arg}=...) other than the defaults", node)
        items = []
        for a in node.args:
            v = self.eval(a)
            if isinstance(v, str):
                items.append(v)
            elif is_ir(v):
                items.append(self.to_ir(v, a))
            elif is_scalar(v):
                items.append(str(v))
            else:
                raise self.error(TaichiSyntaxError, f"cannot print {self.describe(a)} in a "
                                 "kernel", a)
        self.set_loc(node)
        return self.builder.print(items)
