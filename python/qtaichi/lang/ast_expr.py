"""Expressions of a kernel body -> IR (a mixin of KernelTransformer, see ast_transformer.py).

An evaluated expression is either an IR value (`_core.Stmt`) or a Python object known at compile
time (a number, a string, a field, a module, a function, a tuple of such). Python numbers become
IR constants only where an IR value is needed, so `x.shape[0]` or a global `N` stay exact."""
import ast
import builtins
import operator

import numpy as np

from qtaichi import _core
from qtaichi.lang import ops, types
from qtaichi.lang.errors import TaichiNameError, TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.kernel_args import DynamicRef, NdarrayRef, Ref
from qtaichi.lang.matrix import Matrix
from qtaichi.lang.matrix_field import MatrixField
from qtaichi.lang.struct import StructField, StructValue

B = _core.BinaryOp
U = _core.UnaryOp
A = _core.AtomicOp

BIN_OPS = {
    ast.Add: B.add, ast.Sub: B.sub, ast.Mult: B.mul, ast.Div: B.truediv,
    ast.FloorDiv: B.floordiv, ast.Mod: B.mod, ast.Pow: B.pow, ast.LShift: B.shl,
    ast.RShift: B.sar, ast.BitAnd: B.bit_and, ast.BitOr: B.bit_or, ast.BitXor: B.bit_xor,
}
CMP_OPS = {
    ast.Lt: B.cmp_lt, ast.LtE: B.cmp_le, ast.Gt: B.cmp_gt, ast.GtE: B.cmp_ge,
    ast.Eq: B.cmp_eq, ast.NotEq: B.cmp_ne,
}
PY_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
          ast.Eq: operator.eq, ast.NotEq: operator.ne}
PY_SCALARS = (bool, int, float)
PY_BIN = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
# Augmented assignments that are atomic read-modify-writes (a later pass demotes them).
ATOMIC_AUG_OPS = {ast.Add: A.add, ast.Sub: A.sub, ast.BitAnd: A.bit_and, ast.BitOr: A.bit_or,
                  ast.BitXor: A.bit_xor}
UNARY_FUNCS = {
    ops.sqrt: U.sqrt, ops.sin: U.sin, ops.cos: U.cos, ops.tan: U.tan, ops.asin: U.asin,
    ops.acos: U.acos, ops.exp: U.exp, ops.log: U.log, ops.tanh: U.tanh, ops.floor: U.floor,
    ops.ceil: U.ceil, ops.round: U.round, ops.abs: U.abs, builtins.abs: U.abs,
}
MINMAX_FUNCS = {ops.min: B.min, builtins.min: B.min, ops.max: B.max, builtins.max: B.max}
ATOMIC_FUNCS = {
    ops.atomic_add: A.add, ops.atomic_sub: A.sub, ops.atomic_min: A.min, ops.atomic_max: A.max,
    ops.atomic_and: A.bit_and, ops.atomic_or: A.bit_or, ops.atomic_xor: A.bit_xor,
    ops.atomic_mul: A.mul,
}
# Python syntax with no kernel meaning, by AST class: what the error calls it.
UNSUPPORTED_EXPRS = {
    ast.Lambda: "lambda expression", ast.Set: "set literal", ast.Dict: "dict literal",
    ast.SetComp: "set comprehension", ast.DictComp: "dict comprehension",
    ast.JoinedStr: "f-string", ast.Starred: "starred expression", ast.Await: "await",
    ast.Yield: "yield", ast.YieldFrom: "yield from",
}


def is_ir(v):
    return isinstance(v, _core.Stmt)


def is_scalar(v):
    return isinstance(v, (bool, int, float, np.integer, np.floating, np.bool_))


class Var:
    """A name in a kernel scope: a mutable local ("alloca"), a mutable vector/matrix local
    ("matrix": a Matrix of allocas), a struct local ("struct": a StructValue of allocas and
    Matrices of allocas), an immutable IR value ("value": loop index, argument never
    assigned), or a compile-time Python object ("python")."""

    def __init__(self, kind, obj, what="variable"):
        self.kind, self.obj, self.what = kind, obj, what


class ExprMixin:
    # ---- values ----
    def to_ir(self, v, node):
        """An IR value for `v` (Python numbers become constants of the default types)."""
        if isinstance(v, Matrix):
            raise self.error(TaichiTypeError, f"expected a scalar here, got a {v.describe()}",
                             node)
        if is_ir(v):
            if v.ret_type.is_void():
                raise self.error(TaichiTypeError, "this expression has no value", node)
            return v
        b = self.builder
        if isinstance(v, (bool, np.bool_)):
            return b.const_int(types.i32, int(v))
        if isinstance(v, (int, np.integer)):
            v = int(v)
            for t in (self.default_ip, types.i64, types.u64):
                lo, hi = types.int_range(t)
                if lo <= v <= hi:
                    return b.const_int(t, v if v < (1 << 63) else v - (1 << 64))
            raise self.error(TaichiTypeError, f"integer {v} does not fit in 64 bits", node)
        if isinstance(v, (float, np.floating)):
            return b.const_float(self.default_fp, float(v))
        raise self.error(TaichiTypeError,
                         f"{type(v).__name__} {v!r} cannot be used as a value in a kernel", node)

    def to_cond(self, v, node):
        """An integer condition (floats compare against zero)."""
        v = self.to_ir(v, node)
        if v.ret_type.is_float():
            v = self.builder.binary(B.cmp_ne, v, self.builder.const_float(v.ret_type, 0.0))
        return v

    def eval(self, node):
        self.set_loc(node)
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            what = UNSUPPORTED_EXPRS.get(type(node), f"'{type(node).__name__}' expression")
            raise self.error(TaichiSyntaxError, f"unsupported syntax in a kernel: {what}", node)
        result = method(node)
        self.set_loc(node)
        return result

    def eval_ir(self, node):
        return self.to_ir(self.eval(node), node)

    # ---- leaves ----
    def expr_Constant(self, node):
        if isinstance(node.value, (bool, int, float, str)) or node.value is None:
            return node.value
        raise self.error(TaichiSyntaxError,
                         f"unsupported constant in a kernel: {node.value!r}", node)

    def expr_Name(self, node):
        var = self.lookup_local(node.id)
        if var is not None:
            if var.kind == "alloca":
                return self.builder.local_load(var.obj)
            if var.kind == "matrix":
                return var.obj.map(self.builder.local_load)
            if var.kind == "struct":
                return self.load_struct_local(var.obj)
            return var.obj
        return self.lookup_global(node.id, node)

    def expr_Attribute(self, node):
        base = self.eval(node.value)
        if isinstance(base, Matrix):
            return self.matrix_attribute(base, node.attr, node)
        if isinstance(base, StructValue):
            return self.struct_attribute(base, node.attr, node)
        if isinstance(base, NdarrayRef) and node.attr == "element_shape":
            return base.get_element_shape  # arr.element_shape(), called next
        if is_ir(base):
            raise self.error(TaichiSyntaxError, f"kernel values have no attribute '{node.attr}'",
                             node)
        try:
            return getattr(base, node.attr)
        except AttributeError:
            raise self.error(TaichiNameError, f"{self.describe(node.value)} has no attribute "
                             f"'{node.attr}'", node) from None

    def expr_Slice(self, node):
        """`v[1:3]`, `M[:, 0]`: bounds known at compile time (a vector's size is)."""
        parts = [None if p is None else self.eval(p) for p in (node.lower, node.upper, node.step)]
        if any(p is not None and not isinstance(p, int) for p in parts):
            raise self.error(TaichiSyntaxError, "slice bounds in a kernel must be integers known "
                             "at compile time", node)
        return slice(*parts)

    def expr_Tuple(self, node):
        return tuple(self.eval(e) for e in node.elts)

    def expr_List(self, node):
        return [self.eval(e) for e in node.elts]

    # ---- subscripts ----
    def subscript_indices(self, node):
        """The evaluated index expressions of `a[...]` as a tuple; a vector index counts as its
        components (`grid[base + offset]`)."""
        index = self.eval(node.slice)
        if index is None:
            return ()
        index = index if isinstance(index, tuple) else (index,)
        flat = []
        for i in index:
            flat.extend(i.entries if isinstance(i, Matrix) and i.ndim == 1 else [i])
        return tuple(flat)

    def element_ref(self, base, node):
        """A Ref (or a Matrix of Refs) for `base[indices]` where base is a field or an ndarray;
        None for any other base."""
        if isinstance(base, Field):
            field_node = self.field_node(base, node)
            indices = [self.to_ir(i, node) for i in self.subscript_indices(node)]
            self.set_loc(node)
            return Ref(self.builder.global_ptr(field_node, indices))
        if isinstance(base, MatrixField):
            nodes = [self.field_node(f, node) for f in base.fields]
            indices = [self.to_ir(i, node) for i in self.subscript_indices(node)]
            self.set_loc(node)
            return Matrix._make([Ref(self.builder.global_ptr(n, indices)) for n in nodes],
                                base.n, base.m, base.ndim)
        if isinstance(base, StructField):
            return self.struct_element_ref(base, node)
        if isinstance(base, NdarrayRef):
            indices = [self.to_ir(i, node) for i in self.subscript_indices(node)]
            self.set_loc(node)
            return base.element_ref(self, indices, node)
        return None

    def load_ref(self, ref):
        if isinstance(ref, (Matrix, StructValue)):
            return ref.map(self.load_ref)
        if isinstance(ref, DynamicRef):
            b = self.builder
            result = self.load_ref(ref.refs[0])
            for k in range(1, len(ref.refs)):
                hit = b.binary(B.cmp_eq, ref.flat, b.const_int(types.i32, k))
                result = b.select(hit, self.load_ref(ref.refs[k]), result)
            return result
        if ref.local:
            return self.builder.local_load(ref.ptr)
        return self.builder.global_load(ref.ptr)

    def expr_Subscript(self, node):
        base = self.eval(node.value)
        ref = self.element_ref(base, node)
        if ref is not None:
            return self.load_ref(ref)
        index = self.subscript_indices(node)
        if isinstance(base, Matrix):
            return self.matrix_subscript(base, index, node)
        if is_ir(base) or any(is_ir(i) for i in index):
            raise self.error(TaichiSyntaxError, "only fields, ndarrays, vectors, matrices and "
                             "compile-time tuples can be subscripted in a kernel", node)
        try:
            return base[index if len(index) != 1 else index[0]]
        except Exception as e:  # noqa: BLE001 - any Python error here is the user's
            raise self.error(TaichiSyntaxError, f"cannot subscript {self.describe(node.value)}: "
                             f"{e}", node) from None

    # ---- operators ----
    def expr_BinOp(self, node):
        if isinstance(node.op, ast.MatMult):
            lhs, rhs = self.eval(node.left), self.eval(node.right)
            self.set_loc(node)
            return self.matmul(lhs, rhs, node)
        op = BIN_OPS.get(type(node.op))
        if op is None:
            raise self.error(TaichiSyntaxError, f"unsupported operator in a kernel: "
                             f"{type(node.op).__name__}", node)
        lhs, rhs = self.eval(node.left), self.eval(node.right)
        if type(lhs) in PY_SCALARS and type(rhs) in PY_SCALARS:
            # Two Python numbers: Python computes (as in Taichi), so `2**31` is 2147483648 and
            # becomes an i64 literal where it is used.
            try:
                return PY_BIN[type(node.op)](lhs, rhs)
            except (ZeroDivisionError, OverflowError, ValueError) as e:
                raise self.error(TaichiSyntaxError, f"in a compile-time expression: {e}",
                                 node) from None
        arrays = (np.ndarray,)
        if isinstance(lhs, arrays) and (isinstance(rhs, arrays) or type(rhs) in PY_SCALARS) or \
                isinstance(rhs, arrays) and type(lhs) in PY_SCALARS:
            return PY_BIN[type(node.op)](lhs, rhs)  # numpy arrays from Python scope: numpy
        seq = (tuple, list)
        if isinstance(lhs, seq) and (isinstance(rhs, seq) or type(rhs) is int) and \
                isinstance(node.op, (ast.Add, ast.Mult)) or \
                isinstance(rhs, seq) and type(lhs) is int and isinstance(node.op, ast.Mult):
            if isinstance(lhs, seq) and isinstance(rhs, seq) and type(lhs) is not type(rhs):
                lhs, rhs = list(lhs), list(rhs)
            # Compile-time lists/tuples: `[n] * dim`, `shape + (3,)` as in Python.
            return PY_BIN[type(node.op)](lhs, rhs)
        self.set_loc(node)
        return self.binary_op(op, lhs, rhs, node)

    def expr_UnaryOp(self, node):
        v = self.eval(node.operand)
        if isinstance(node.op, ast.UAdd):
            return v
        # A Python number stays one (as in Taichi): `-1` in `ti.static(range(-1, 2))` must be
        # known at compile time.
        if isinstance(node.op, ast.USub) and type(v) in (int, float):
            return -v
        if isinstance(node.op, ast.Invert) and type(v) is int:
            return ~v
        if isinstance(node.op, ast.Not) and type(v) in PY_SCALARS:
            return not v
        self.set_loc(node)
        op = {ast.USub: U.neg, ast.Invert: U.bit_not, ast.Not: U.logic_not}[type(node.op)]
        return self.unary_op(op, v, node)

    def expr_BoolOp(self, node):
        op = B.logic_and if isinstance(node.op, ast.And) else B.logic_or
        if self.state.short_circuit_operators:
            return self.short_circuit(node, op == B.logic_and)
        values = [self.eval(v) for v in node.values]
        if all(type(v) in PY_SCALARS for v in values):  # known at compile time (as in Taichi)
            return all(values) if op == B.logic_and else any(values)
        self.set_loc(node)
        result = values[0]
        for v in values[1:]:
            result = self.binary_op(op, result, v, node)
        return result

    def short_circuit(self, node, is_and):
        """`a and b` that evaluates b only when a is true (`or`: only when a is false); the
        value is 1 or 0, as without short-circuiting."""
        first = self.eval(node.values[0])
        if type(first) in PY_SCALARS:  # decided at compile time, as Python would
            if bool(first) != is_and:
                return bool(first)
            if len(node.values) == 1:
                return bool(first)
            rest = ast.BoolOp(op=node.op, values=node.values[1:])
            return self.short_circuit(ast.copy_location(rest, node), is_and) \
                if len(node.values) > 2 else self.truth(self.eval(node.values[1]), node)
        b = self.builder
        self.set_loc(node)
        slot = b.alloca(types.i32)
        b.local_store(slot, self.truth(first, node))
        for v in node.values[1:]:
            cur = b.local_load(slot)
            go_on = cur if is_and else b.binary(B.cmp_eq, cur, self.to_ir(0, node))
            stmt = b.if_(go_on)
            b.push_block(stmt.true_block)
            b.local_store(slot, self.truth(self.eval(v), node))
            b.pop_block()
        return b.local_load(slot)

    def truth(self, v, node):
        """1 or 0 (i32) for a kernel value or number."""
        if type(v) in PY_SCALARS:
            return self.to_ir(int(bool(v)), node)
        return self.to_ir(self.binary_op(B.cmp_ne, v, 0, node), node)

    def expr_Compare(self, node):
        for op_node in node.ops:
            if type(op_node) not in CMP_OPS:
                name = {ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
                        ast.NotIn: "not in"}.get(type(op_node), type(op_node).__name__)
                raise self.error(TaichiSyntaxError, f"unsupported comparison in a kernel: "
                                 f"'{name}'", node)
        operands = [self.eval(node.left)] + [self.eval(c) for c in node.comparators]
        if all(type(v) in PY_SCALARS for v in operands) or \
                all(isinstance(v, (tuple, list)) for v in operands) and \
                all(type(o) in (ast.Eq, ast.NotEq) for o in node.ops):
            # known at compile time (as in Taichi): numbers, or shapes compared as sequences
            norm = [tuple(v) if isinstance(v, list) else v for v in operands]
            return all(PY_CMP[type(o)](a, b) for o, a, b in zip(node.ops, norm, norm[1:]))
        self.set_loc(node)
        result = None
        for i, op_node in enumerate(node.ops):
            c = self.binary_op(CMP_OPS[type(op_node)], operands[i], operands[i + 1], node)
            result = c if result is None else self.binary_op(B.logic_and, result, c, node)
        return result

    def expr_NamedExpr(self, node):
        """`(name := value)`: assigns, and is the variable's new value."""
        self.assign(node.target, self.eval(node.value), node)
        return self.eval(ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Load()), node))

    def expr_ListComp(self, node):
        """A comprehension over iterables known at compile time (ranges of constants,
        ti.static(...), tuples), unrolled: a Python list of its elements (ti.Vector([...]))."""
        if len(node.generators) != 1 or node.generators[0].is_async:
            raise self.error(TaichiSyntaxError, "a comprehension in a kernel takes one 'for'",
                             node)
        gen = node.generators[0]
        if not isinstance(gen.target, ast.Name):
            raise self.error(TaichiSyntaxError, "a comprehension in a kernel has one loop "
                             "variable", gen.target)
        it = gen.iter
        if isinstance(it, ast.Call) and len(it.args) == 1 and self.eval(it.func) is ops.static:
            it = it.args[0]  # ti.static(...): what it wraps is iterated at compile time anyway
        iterable = self.static_iterable(it)
        try:
            items = list(iterable) if not is_ir(iterable) and not isinstance(iterable, Matrix) \
                else list(iterable.entries) if isinstance(iterable, Matrix) else None
        except TypeError:
            items = None
        if items is None:
            raise self.error(TaichiSyntaxError, f"a comprehension in a kernel needs an iterable "
                             f"known at compile time, got {self.describe(gen.iter)}", gen.iter)
        out = []
        for item in items:
            self.scopes.append({gen.target.id: Var("value", item, "comprehension variable")})
            try:
                keep = True
                for cond in gen.ifs:
                    c = self.eval(cond)
                    if is_ir(c):
                        raise self.error(TaichiSyntaxError, "a comprehension's 'if' in a kernel "
                                         "needs a condition known at compile time", cond)
                    keep = keep and bool(c)
                if keep:
                    out.append(self.eval(node.elt))
            finally:
                self.scopes.pop()
        return out

    def expr_GeneratorExp(self, node):
        return tuple(self.expr_ListComp(node))

    def expr_IfExp(self, node):
        cond = self.to_cond(self.eval(node.test), node)
        a, b = self.eval(node.body), self.eval(node.orelse)
        self.set_loc(node)
        return self.elementwise(lambda x, y: self.builder.select(cond, x, y), [a, b], node,
                                "'... if ... else ...'")

    # ---- names ----
    def lookup_global(self, name, node):
        for namespace in (self.closure, self.globals, builtins.__dict__):
            if name in namespace:
                return namespace[name]
        raise self.error(TaichiNameError, f"name '{name}' is not defined", node)

    def field_node(self, field, node):
        """The _core place node of a field used in this kernel."""
        if field._node is None:
            raise self.error(TaichiSyntaxError, f"field '{field._label()}' is used in a kernel "
                             "before it is placed", node)
        if field._state is not self.state:
            raise self.error(TaichiSyntaxError, f"field '{field._label()}' belongs to a program "
                             "destroyed by ti.reset() or ti.init()", node)
        return field._node

    @staticmethod
    def describe(node):
        try:
            return f"'{ast.unparse(node)}'"
        except Exception:  # noqa: BLE001
            return "this value"
