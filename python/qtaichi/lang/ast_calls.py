"""Calls inside a kernel -> IR (a mixin of KernelTransformer). Functions are recognized by
identity: `ti.sqrt`, builtin `min`, `print`, ... (see the tables in ast_expr.py)."""
import ast
import math
import builtins

import numpy as np

from qtaichi import _core
from qtaichi.lang import ops, runtime, types
from qtaichi.lang.ast_expr import ATOMIC_FUNCS, B, MINMAX_FUNCS, U, UNARY_FUNCS, is_ir, is_scalar
from qtaichi.lang.ast_matrix import BoundMatrixMethod
from qtaichi.lang.errors import TaichiError, TaichiIndexError, TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.func import Func
from qtaichi.lang.kernel_args import NdarrayRef
from qtaichi.lang.matrix import Matrix, MatrixType, Vector
from qtaichi.lang.matrix_field import MatrixField
from qtaichi.lang.struct import StructType, StructValue

# Constructors that only arrange their arguments: kernels call them as they are.
MATRIX_CONSTRUCTORS = dict.fromkeys([Vector, Matrix, Vector.zero, Vector.one, Vector.unit,
                                     Matrix.zero, Matrix.one, Matrix.identity, Matrix.rows,
                                     Matrix.cols, Matrix.diag], True)


def _find(table, func):
    try:
        return table.get(func)
    except TypeError:  # an unhashable callee: not one of ours
        return None


# Taichi's builtins handled here: the function -> the CallMixin method that emits it.
BUILTIN_CALLS = {ops.pow: "call_pow", builtins.pow: "call_pow", ops.select: "call_select",
                 ops.raw_div: "call_raw_div", ops.raw_mod: "call_raw_mod", ops.rsqrt: "call_rsqrt",
                 ops.bit_cast: "call_bit_cast", ops.bit_shr: "call_bit_shr",
                 ops.static_assert: "call_static_assert", ops.static_print: "call_static_print",
                 ops.zero: "call_zero", ops.one: "call_one", ops.randn: "call_randn",
                 ops.frexp: "call_frexp", ops.get_addr: "call_get_addr"}


class CallMixin:
    def expr_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "fill":
            target = self.lvalue(node.func.value)
            if isinstance(target, (Matrix, StructValue)):  # v.fill(x): every entry, in place
                return self.fill_local(target, node)
        func = self.eval(node.func)
        starred = any(isinstance(a, ast.Starred) for a in node.args)
        if starred and (func is builtins.print or _find(ATOMIC_FUNCS, func) is not None):
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: *args in a "
                             f"call of {self.describe(node.func)}", node)
        if func is builtins.print:
            return self.call_print(node)
        if any(k.arg is None for k in node.keywords):
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: **kwargs in a "
                             "call", node)
        if _find(ATOMIC_FUNCS, func) is not None:
            return self.call_atomic(ATOMIC_FUNCS[func], node)
        if func is builtins.range or func is ops.ndrange or func is ops.grouped:
            raise self.error(TaichiSyntaxError, f"{self.describe(node.func)} can only be used "
                             "as the iterable of a for loop", node)
        if isinstance(func, Func):
            return self.call_func(func, node)
        args = self.call_args(node)
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        self.set_loc(node)
        name = self.describe(node.func)
        if isinstance(func, BoundMatrixMethod):
            return self.call_matrix_method(func, args, kwargs, node)
        if getattr(func, "__func__", None) is NdarrayRef.get_element_shape:
            return func()
        if getattr(func, "__name__", None) == "fill" and \
                isinstance(getattr(func, "__self__", None), (Field, MatrixField)):
            return self.call_field_fill(func.__self__, args, kwargs, name, node)
        if _find(MATRIX_CONSTRUCTORS, func) is not None:
            try:
                return func(*args, **kwargs)
            except (TypeError, ValueError, IndexError, TaichiError) as e:
                raise self.error(TaichiTypeError, f"{name}: {e}", node) from None
        if isinstance(func, MatrixType):
            return self.matrix_from_type(func, args, node)
        if isinstance(func, StructType):
            return self.struct_from_type(func, args, kwargs, node)
        if func is ops.static:
            if kwargs or not args:
                raise self.error(TaichiSyntaxError, "ti.static() takes one or more values", node)
            if any(is_ir(a) or isinstance(a, Matrix) and any(is_ir(e) for e in a.entries)
                   for a in args):
                raise self.error(TaichiSyntaxError, f"ti.static() needs values known at "
                                 f"compile time, got {self.describe(node.args[0])}", node)
            return args[0] if len(args) == 1 else tuple(args)
        if func is ops.random:
            if len(args) + len(kwargs) > 1 or kwargs.keys() - {"dtype"}:
                raise self.error(TaichiSyntaxError, "ti.random() takes one dtype", node)
            dtype = args[0] if args else kwargs.get("dtype", float)
            return self.builder.random(self.resolve_type(dtype, node))
        if func is ops.loop_config:
            if args:
                raise self.error(TaichiSyntaxError, "ti.loop_config() takes keywords only "
                                 "(serialize=..., block_dim=..., bit_vectorize=...)", node)
            self.loop_config = kwargs
            return None
        if func is runtime.sync:
            return None
        if _find(UNARY_FUNCS, func) is not None:
            dtype = None
            if func in (ops.floor, ops.ceil, ops.round):  # ti.floor(x, dtype=ti.i32)
                if "dtype" in kwargs:
                    dtype = self.resolve_type(kwargs.pop("dtype"), node)
                elif len(args) == 2:
                    dtype = self.resolve_type(args.pop(), node)
            (x,) = self.positional(args, kwargs, 1, name, node)
            result = self.unary_op(UNARY_FUNCS[func], x, node)
            return result if dtype is None else self.cast_to(result, dtype, node)
        if _find(MINMAX_FUNCS, func) is not None:
            if kwargs or len(args) < 2:
                raise self.error(TaichiSyntaxError, f"{name} takes two or more values", node)
            result = args[0]
            for a in args[1:]:
                result = self.binary_op(MINMAX_FUNCS[func], result, a, node, name)
            return result
        if func is ops.atan2:
            y, x = self.positional(args, kwargs, 2, name, node)
            return self.binary_op(B.atan2, y, x, node, name)
        if _find(BUILTIN_CALLS, func) is not None:
            return getattr(self, BUILTIN_CALLS[func])(args, kwargs, name, node)
        if func is ops.cast:
            if kwargs.keys() - {"dtype"}:
                raise self.error(TaichiSyntaxError, f"{name} takes (value, dtype)", node)
            if "dtype" in kwargs:
                args = args + [kwargs.pop("dtype")]
            x, dtype = self.positional(args, kwargs, 2, name, node)
            return self.cast_to(x, dtype, node)
        if func is builtins.int or func is builtins.float or types.is_dtype(func):
            (x,) = self.positional(args, kwargs, 1, name, node)
            if func is builtins.int and is_scalar(x):
                return int(x)
            if func is builtins.float and is_scalar(x):
                return float(x)
            return self.cast_to(x, func, node)
        if func is builtins.bool:
            (x,) = self.positional(args, kwargs, 1, name, node)
            if is_scalar(x):
                return bool(x)
            return self.binary_op(B.cmp_ne, x, 0, node, name)  # 1 or 0, as a comparison
        if func in (builtins.enumerate, builtins.zip, builtins.reversed, builtins.list,
                    builtins.tuple) and not kwargs and not any(self.holds_ir(a) for a in args):
            return list(func(*args))  # over compile-time sequences: `ti.static(enumerate(...))`
        if func in (builtins.isinstance, builtins.hasattr, builtins.callable):
            return func(*args)  # about compile-time objects: `ti.static(isinstance(v, ...))`
        if func is builtins.len:
            (x,) = self.positional(args, kwargs, 1, name, node)
            if isinstance(x, Field):
                return x.shape[0]
            if isinstance(x, tuple):
                return len(x)
            if isinstance(x, Matrix):
                return x.n
            if isinstance(x, MatrixField):
                return x.shape[0]
            raise self.error(TaichiTypeError, f"len() of {self.describe(node.args[0])} is not "
                             "known at compile time", node)
        raise self.error(TaichiSyntaxError, f"unsupported call in a kernel: {name}", node)

    def fill_local(self, target, node):
        if len(node.args) != 1 or node.keywords:
            raise self.error(TaichiSyntaxError, "fill() takes one value", node)
        value = self.eval(node.args[0])
        if not (is_ir(value) or is_scalar(value)):
            raise self.error(TaichiTypeError, "fill() takes a scalar", node)

        def store_all(ref):
            if isinstance(ref, StructValue):
                for r in ref.members.values():
                    store_all(r)
            elif isinstance(ref, Matrix):
                for r in ref.entries:
                    self.store_ref(r, value, node)
            else:
                self.store_ref(ref, value, node)
        store_all(target)
        return None

    def call_field_fill(self, field, args, kwargs, name, node):
        """`x.fill(v)` in a kernel: a loop over the field's elements (parallel at the top level,
        as if written `for I in ti.grouped(x): x[I] = v`)."""
        (value,) = self.positional(args, kwargs, 1, name, node)
        comps = field.fields if isinstance(field, MatrixField) else [field]
        if isinstance(field, MatrixField):
            values = self.matrix_value_for(Matrix._make(comps, field.n, field.m, field.ndim),
                                           value, node).entries
        elif isinstance(value, Matrix):
            raise self.error(TaichiTypeError, f"{name}: a scalar field takes a scalar", node)
        else:
            values = [value]
        values = [self.to_ir(v, node) for v in values]  # evaluated once, before the loop
        nodes = [self.field_node(c, node) for c in comps]
        b = self.builder
        if not field.shape:
            indices = []
        else:
            loop, indices = self.flat_range_for([(0, s) for s in field.shape], node)
            b.push_block(loop.body)
        try:
            b.begin_store_group()  # one element's components: one store (shared exponents)
            for n, v in zip(nodes, values):
                b.global_store(b.global_ptr(n, indices), v)
            b.end_store_group()
        finally:
            if field.shape:
                b.pop_block()
        return None

    # ---- builtins ----
    def call_pow(self, args, kwargs, name, node):
        # Taichi's parameter names over its releases: (base, exponent), (x, a), (a, b)
        names = ("a", "b") if "b" in kwargs else ("x", "a") if "x" in kwargs else \
            ("base", "exponent")
        for pos, k in enumerate(names):
            if k in kwargs and len(args) == pos:
                args = args + [kwargs.pop(k)]
        x, y = self.positional(args, kwargs, 2, name, node)
        return self.binary_op(B.pow, x, y, node, name)

    def call_select(self, args, kwargs, name, node):
        cond, a, b = self.positional(args, kwargs, 3, name, node)
        if not any(is_ir(v) or isinstance(v, Matrix) for v in (cond, a, b)):
            return a if cond else b
        return self.elementwise(lambda c, x, y: self.builder.select(c, x, y), [cond, a, b],
                                node, name)

    def call_zero(self, args, kwargs, name, node, value=0):
        (x,) = self.positional(args, kwargs, 1, name, node)
        if is_scalar(x):
            return type(x)(value)
        return self.elementwise(lambda e: self.builder.cast(self.to_ir(value, node), e.ret_type),
                                [x], node, name)

    def call_one(self, args, kwargs, name, node):
        return self.call_zero(args, kwargs, name, node, value=1)

    def call_randn(self, args, kwargs, name, node):
        """Box-Muller: sqrt(-2 ln(1 - u1)) cos(2 pi u2) from two ti.random() draws."""
        if len(args) + len(kwargs) > 1 or kwargs.keys() - {"dtype"}:
            raise self.error(TaichiSyntaxError, f"{name} takes one dtype", node)
        t = self.resolve_type(args[0] if args else kwargs.get("dtype", float), node)
        if not t.is_float():
            raise self.error(TaichiTypeError, f"{name} gives floats, not {t}", node)
        b = self.builder
        u1, u2 = b.random(t), b.random(t)
        radius = b.unary(U.sqrt, b.binary(B.mul, b.const_float(t, -2.0), b.unary(
            U.log, b.binary(B.sub, b.const_float(t, 1.0), u1))))
        return b.binary(B.mul, radius, b.unary(U.cos, b.binary(B.mul, b.const_float(t, 2 * math.pi),
                                                               u2)))

    def call_raw_div(self, args, kwargs, name, node):
        a, b = self.positional(args, kwargs, 2, name, node)
        return self.binary_op(B.div, a, b, node, name)

    def call_raw_mod(self, args, kwargs, name, node):
        """C's remainder: a - trunc(a / b) * b for integers (lower_arith keeps b == 0 defined),
        fmod for floats."""
        a, b = self.positional(args, kwargs, 2, name, node)
        bd = self.builder

        def rem(x, y):
            q = bd.binary(B.div, x, y)
            if q.ret_type.is_float():
                return bd.binary(B.rem, x, y)
            return bd.binary(B.sub, x, bd.binary(B.mul, q, y))

        return self.elementwise(rem, [a, b], node, name)

    def call_rsqrt(self, args, kwargs, name, node):
        (x,) = self.positional(args, kwargs, 1, name, node)
        return self.binary_op(B.truediv, 1.0, self.unary_op(U.sqrt, x, node), node,
                              name)

    def call_bit_cast(self, args, kwargs, name, node):
        if "dtype" in kwargs:
            args = args + [kwargs.pop("dtype")]
        x, dtype = self.positional(args, kwargs, 2, name, node)
        t = self.resolve_type(dtype, node)
        v = self.to_ir(x, node)
        if v.ret_type.bits != t.bits:
            raise self.error(TaichiTypeError, f"{name}: {v.ret_type} has {v.ret_type.bits} bits, "
                             f"{t} has {t.bits}", node)
        return self.builder.bit_cast(v, t)

    def call_frexp(self, args, kwargs, name, node):
        """(mantissa, exponent): the float's exponent field rebiased, its mantissa given the
        exponent of 0.5; zero, inf and nan come back as they are with exponent 0."""
        (x,) = self.positional(args, kwargs, 1, name, node)
        v = self.to_ir(x, node)
        if not v.ret_type.is_float():
            v = self.cast_op(v, self.default_fp, node)
        t = v.ret_type
        bits, mant = (64, 52) if t.bits == 64 else (32, 23)
        ut = types.u64 if bits == 64 else types.u32
        bd = self.builder

        def c(value, ty=ut):
            return bd.const_int(ty, value - (1 << 64) if value >= 1 << 63 else value)
        # A subnormal is scaled into the normal range first (and its exponent corrected).
        sub = bd.binary(B.cmp_lt, self.unary_op(U.abs, v, node),
                        bd.const_float(t, 2.0 ** (-1022 if bits == 64 else -126)))
        scale = mant + 2
        v2 = bd.select(sub, bd.binary(B.mul, v, bd.const_float(t, 2.0 ** scale)), v)
        u = bd.bit_cast(v2, ut)
        field = bd.binary(B.bit_and, bd.binary(B.shr, u, c(mant)), c((1 << (bits - mant - 1)) - 1))
        bias = (1 << (bits - mant - 2)) - 2  # the exponent field of 0.5
        exp = bd.binary(B.sub, bd.cast(field, types.i32),
                        bd.select(sub, c(bias + scale, types.i32), c(bias, types.i32)))
        keep = bd.binary(B.bit_or, bd.binary(B.bit_and, u, c(~(((1 << (bits - mant - 1)) - 1) << mant) & ((1 << bits) - 1))),
                         c(bias << mant))
        m = bd.bit_cast(keep, t)
        special = bd.binary(B.logic_or, bd.binary(B.cmp_eq, v, bd.const_float(t, 0.0)),
                            bd.binary(B.cmp_eq, field, c((1 << (bits - mant - 1)) - 1)))
        return (bd.select(special, v, m), bd.select(special, c(0, types.i32), exp))

    def call_get_addr(self, args, kwargs, name, node):
        """The element's address in the field address space (see ops.get_addr)."""
        f, index = self.positional(args, kwargs, 2, name, node)
        core = getattr(f, "_core_node", None)
        place = core() if callable(core) else getattr(f, "_node", None)
        if place is None or place.kind != _core.SNodeKind.place:
            raise self.error(TaichiTypeError, f"{name}: expected a field (or its .snode), got "
                             f"{type(f).__name__}", node)
        if place.tree_id < 0:  # the layout is computed when the tree is materialized
            self.state.core.materialize()
        index = index.entries if isinstance(index, Matrix) else list(index) \
            if isinstance(index, (list, tuple)) else [index]
        if len(index) != place.num_axes:
            raise self.error(TaichiIndexError, f"{name}: the field has {place.num_axes} "
                             f"indices, got {len(index)}", node)
        bd = self.builder
        offset = bd.const_int(types.u64, (place.tree_id << 48) + place.base_offset)
        for t in place.terms:
            if t.in_bits:
                continue
            i = bd.cast(self.to_ir(index[t.axis], node), types.u64)
            if t.divisor != 1:
                i = bd.binary(B.div, i, bd.const_int(types.u64, t.divisor))
            if t.needs_mod:
                i = bd.binary(B.mod, i, bd.const_int(types.u64, t.size))
            offset = bd.binary(B.add, offset,
                               bd.binary(B.mul, i, bd.const_int(types.u64, t.stride_bytes)))
        return offset

    def call_bit_shr(self, args, kwargs, name, node):
        x, n = self.positional(args, kwargs, 2, name, node)
        return self.binary_op(B.shr, x, n, node, name)

    def call_static_assert(self, args, kwargs, name, node):
        if not args or len(args) > 2 or kwargs.keys() - {"msg"}:
            raise self.error(TaichiSyntaxError, f"{name} takes (condition, message)", node)
        cond, msg = args[0], args[1] if len(args) > 1 else kwargs.get("msg", "")
        if is_ir(cond) or isinstance(cond, Matrix):
            raise self.error(TaichiSyntaxError, f"{name} needs a condition known at compile "
                             f"time, got {self.describe(node.args[0])}", node)
        if not cond:
            raise self.error(TaichiSyntaxError, "static assertion failed" +
                             (f": {msg}" if msg else ""), node)
        return None

    def call_static_print(self, args, kwargs, name, node):
        print(*[a.describe() if isinstance(a, Matrix) else
                f"<{a.ret_type} value>" if is_ir(a) else a for a in args])
        return None

    def call_args(self, node):
        """A call's positional arguments, `*v` unpacking a vector, tuple or list in place."""
        out = []
        for a in node.args:
            if not isinstance(a, ast.Starred):
                out.append(self.eval(a))
                continue
            v = self.eval(a.value)
            if isinstance(v, Matrix) and v.ndim == 1:
                out.extend(v.entries)
            elif isinstance(v, (tuple, list)):
                out.extend(v)
            elif isinstance(v, np.ndarray) and v.ndim == 1:
                out.extend(v.tolist())
            else:
                raise self.error(TaichiSyntaxError, f"*{self.describe(a.value)}: only a vector, "
                                 "tuple or list known at compile time can be unpacked", a)
        return out

    def positional(self, args, kwargs, n, name, node):
        if kwargs:
            raise self.error(TaichiSyntaxError, f"{name} takes {n} positional argument"
                             f"{'s' if n != 1 else ''}, no keyword "
                             f"{', '.join(repr(k) for k in kwargs)}", node)
        if len(args) != n:
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
        """x converted to `dtype` (a Type, `int`/`float`, or ti.u1: x != 0)."""
        if dtype is types.u1:
            x = self.binary_op(B.cmp_ne, x, 0, node, "ti.u1")
        return self.cast_op(x, self.resolve_type(dtype, node), node)

    # ---- atomics ----
    def pointer_of(self, node):
        """The Ref (or Matrix of Refs) an atomic updates: a field element or a local."""
        ref = self.lvalue(node)
        if ref is not None:
            return ref
        raise self.error(TaichiSyntaxError, f"the destination of an atomic operation must be a "
                         f"field element or a local variable, got {self.describe(node)}", node)

    def call_atomic(self, op, node):
        if node.keywords or len(node.args) != 2:
            raise self.error(TaichiSyntaxError, f"{self.describe(node.func)} takes (destination, "
                             "value)", node)
        ref = self.pointer_of(node.args[0])
        value = self.eval(node.args[1])
        self.set_loc(node)
        if isinstance(ref, Matrix):  # componentwise, like Taichi
            value = self.matrix_value_for(ref, value, node)
            return Matrix._make([self.builder.atomic(op, r.ptr, v)
                                 for r, v in zip(ref.entries, value.entries)],
                                ref.n, ref.m, ref.ndim)
        return self.builder.atomic(op, ref.ptr, self.to_ir(value, node))

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
