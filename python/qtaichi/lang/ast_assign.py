"""Assignments in kernels (a mixin of KernelTransformer): `=`, annotated `=`, `op=`.

A target resolves to a Ref (a field/ndarray element or a local variable) or a Matrix of Refs
(a vector/matrix field element or local, assigned component by component)."""
import ast

from qtaichi.lang import ops, types
from qtaichi.lang.ast_expr import ATOMIC_AUG_OPS, B, BIN_OPS, Ref, Var, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.kernel_args import DynamicRef
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.struct import StructType, StructValue


class AssignMixin:
    # ---- targets ----
    def lvalue(self, node):
        """A Ref or a Matrix of Refs for an assignment target; None when `node` is not one."""
        if isinstance(node, ast.Name):
            var = self.lookup_local(node.id)
            if var is None:
                return None
            if var.kind == "alloca":
                return Ref(var.obj, local=True)
            if var.kind == "matrix":
                return var.obj.map(lambda slot: Ref(slot, local=True))
            if var.kind == "struct":
                return self.struct_local_refs(var.obj)
            return None
        if isinstance(node, ast.Subscript):
            inner = self.lvalue(node.value) if isinstance(
                node.value, (ast.Name, ast.Subscript, ast.Attribute)) else None
            if isinstance(inner, Matrix):  # v[0] = ..., x[i][0] += ...
                return self.matrix_subscript(inner, self.subscript_indices(node), node,
                                             for_store=True)
            return self.element_ref(self.eval(node.value), node)
        if isinstance(node, ast.Attribute):
            inner = self.lvalue(node.value) if isinstance(
                node.value, (ast.Name, ast.Subscript, ast.Attribute)) else None
            if isinstance(inner, Matrix):  # v.x = ...
                return self.matrix_attribute(inner, node.attr, node)
            if isinstance(inner, StructValue):  # p.pos = ..., particles[i].mass += ...
                return self.struct_attribute(inner, node.attr, node)
        return None

    def store_ref(self, ref, value, node):
        if isinstance(ref, DynamicRef):
            v = self.to_ir(value, node)
            b = self.builder
            for k, r in enumerate(ref.refs):
                hit = b.binary(B.cmp_eq, ref.flat, b.const_int(types.i32, k))
                self.store_ref(r, b.select(hit, v, self.load_ref(r)), node)
            return
        if isinstance(ref, StructValue):
            self.store_struct(ref, value, node)
            return
        if isinstance(ref, Matrix):
            value = self.matrix_value_for(ref, value, node)
            # One assignment: its components write a shared exponent together.
            self.builder.begin_store_group()
            try:
                for r, v in zip(ref.entries, value.entries):
                    self.store_ref(r, v, node)
            finally:
                self.builder.end_store_group()
            return
        v = self.to_ir(value, node)
        self.set_loc(node)
        if ref.local:
            self.builder.local_store(ref.ptr, v)
        else:
            self.builder.global_store(ref.ptr, v)

    def matrix_value_for(self, like, value, node):
        """`value` as a Matrix shaped like `like`: a matrix of the same shape, a list
        (`grid_v[i, j] = [0, 0]`), or a scalar filling every entry."""
        if is_ir(value) or is_scalar(value):
            return like.map(lambda _: value)
        m = self.as_matrix(value, node, like)
        if m is None or m.n * m.m != like.n * like.m or (
                isinstance(value, Matrix) and m.shape != like.shape):
            got = m.describe() if m is not None else type(value).__name__
            raise self.error(TaichiTypeError, f"cannot assign a {got} to a {like.describe()}",
                             node)
        return self.mat_ir(m, node)

    # ---- statements ----
    def stmt_Assign(self, node):
        value = self.eval(node.value)
        if self.is_static_call(node.value):
            # `m = ti.static(expr)`, `a, b = ti.static(x, y)`: compile-time names, as in Taichi.
            for target in node.targets:
                self.bind_static(target, value, node)
            return
        for target in node.targets:
            self.assign(target, value, node)

    def bind_static(self, target, value, node):
        if isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
                raise self.error(TaichiSyntaxError, f"cannot unpack ti.static(...) into "
                                 f"{len(target.elts)} names", node)
            for t, v in zip(target.elts, value):
                self.bind_static(t, v, node)
            return
        if not isinstance(target, ast.Name) or self.lookup_local(target.id) is not None:
            raise self.error(TaichiSyntaxError, "the value of ti.static() can only be given to "
                             "new plain names", node)
        self.scopes[-1][target.id] = Var("python", value, "compile-time name")

    def is_static_call(self, expr):
        return isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)) \
            and self.eval(expr.func) is ops.static

    def stmt_AnnAssign(self, node):
        if not isinstance(node.target, ast.Name):
            raise self.error(TaichiSyntaxError, "annotated assignment needs a plain name", node)
        ann = self.eval(node.annotation)
        name = node.target.id
        if name in self.scopes[-1]:
            raise self.error(TaichiSyntaxError, f"'{name}' is already defined", node)
        if isinstance(ann, StructType):  # p: Particle = Particle(...), or zeros
            value = {} if node.value is None else self.eval(node.value)
            self.define(name, self.struct_value_for(ann, value, node), node)
            return
        if isinstance(ann, MatrixType):
            if node.value is None:
                value = ann(0)
            else:
                value = self.matrix_value_for(ann(0), self.eval(node.value), node)
            value = self.cast_op(value, self.resolve_type(ann.dtype or float, node), node)
            self.define(name, value, node)
            return
        dtype = self.resolve_type(ann, node)
        value = None if node.value is None else self.to_ir(
            self.cast_to(self.eval(node.value), ann, node), node)
        self.set_loc(node)
        slot = self.builder.alloca(dtype)
        if value is not None:
            self.builder.local_store(slot, value)
        self.scopes[-1][name] = Var("alloca", slot)

    def assign(self, target, value, node):
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, Matrix) and value.ndim == 1:
                value = tuple(value.entries)  # a, b = vec2
            if isinstance(value, list):
                value = tuple(value)  # a, b = [comprehension]
            if not isinstance(value, tuple) or len(value) != len(target.elts):
                n = len(value) if isinstance(value, tuple) else 1
                raise self.error(TaichiSyntaxError, f"cannot unpack {n} value"
                                 f"{'s' if n != 1 else ''} into {len(target.elts)} names", node)
            for t, v in zip(target.elts, value):
                self.assign(t, v, node)
            return
        if isinstance(target, ast.Name) and self.lookup_local(target.id) is None:
            self.define(target.id, value, target)
            return
        ref = self.lvalue(target)
        if ref is None:
            if isinstance(target, ast.Name):
                var = self.lookup_local(target.id)
                raise self.error(TaichiSyntaxError, f"cannot assign to {var.what} "
                                 f"'{target.id}'", target)
            raise self.error(TaichiSyntaxError, f"unsupported assignment target in a kernel: "
                             f"{self.describe(target)}", target)
        if isinstance(value, StructValue) and not isinstance(ref, StructValue):
            raise self.error(TaichiTypeError, f"cannot assign a {value.describe()} to "
                             f"{self.describe(target)}", node)
        if not isinstance(ref, (Matrix, StructValue)) and isinstance(value, Matrix):
            raise self.error(TaichiTypeError, f"cannot assign a {value.describe()} to the "
                             f"scalar {self.describe(target)}", node)
        self.store_ref(ref, value, node)

    def define(self, name, value, node):
        """A new variable in the innermost scope, typed by its first value."""
        if isinstance(value, StructValue):
            self.define_struct(name, value, node)
            return
        if isinstance(value, list) and value and any(is_ir(v) for v in value) and \
                all(is_ir(v) or is_scalar(v) for v in value):
            # A list of kernel scalars is a vector local, as in Taichi (`verts[1] = verts[2]`).
            value = Matrix._make(value, len(value), 1, 1)
        if isinstance(value, Matrix):
            value = self.mat_ir(value, node)
            self.set_loc(node)
            slots = []
            for v in value.entries:
                slot = self.builder.alloca(v.ret_type)
                self.builder.local_store(slot, v)
                slots.append(slot)
            self.scopes[-1][name] = Var("matrix", Matrix._make(slots, value.n, value.m,
                                                               value.ndim))
            return
        if not is_ir(value) and not is_scalar(value):
            # A compile-time object (a field, a list of vectors...): an alias, not a variable.
            self.scopes[-1][name] = Var("python", value, "compile-time name")
            return
        v = self.to_ir(value, node)
        self.set_loc(node)
        slot = self.builder.alloca(v.ret_type)
        self.builder.local_store(slot, v)
        self.scopes[-1][name] = Var("alloca", slot)

    def stmt_AugAssign(self, node):
        op_type = type(node.op)
        if op_type not in BIN_OPS and op_type is not ast.MatMult:
            raise self.error(TaichiSyntaxError, f"unsupported operator in a kernel: "
                             f"{op_type.__name__}", node)
        target = node.target
        ref = self.lvalue(target)
        if ref is None:
            if isinstance(target, ast.Name):
                var = self.lookup_local(target.id)
                if var is None:
                    self.lookup_global(target.id, target)  # raises the NameError
                    raise self.error(TaichiSyntaxError, f"cannot assign to the global "
                                     f"'{target.id}' in a kernel", target)
                raise self.error(TaichiSyntaxError, f"cannot assign to {var.what} "
                                 f"'{target.id}'", target)
            raise self.error(TaichiSyntaxError, f"unsupported assignment target in a kernel: "
                             f"{self.describe(target)}", target)
        value = self.eval(node.value)
        self.set_loc(node)
        if isinstance(ref, StructValue):
            raise self.error(TaichiTypeError, f"'{type(node.op).__name__}=' does not apply to "
                             f"a whole struct ({self.describe(target)})", node)
        if op_type is ast.MatMult:
            self.store_ref(ref, self.matmul(self.load_ref(ref), value, node), node)
        elif isinstance(ref, Matrix):
            value = self.matrix_value_for(ref, value, node)
            for r, v in zip(ref.entries, value.entries):
                self.update(r, op_type, v, node)
        else:
            if isinstance(value, Matrix):
                raise self.error(TaichiTypeError, f"cannot update the scalar "
                                 f"{self.describe(target)} with a {value.describe()}", node)
            self.update(ref, op_type, value, node)

    def update(self, ref, op_type, value, node):
        """`ref op= value`: an atomic for + - & | ^ (like Taichi), else load, op, store."""
        value = self.to_ir(value, node)
        self.set_loc(node)
        if op_type in ATOMIC_AUG_OPS and not isinstance(ref, DynamicRef):
            self.builder.atomic(ATOMIC_AUG_OPS[op_type], ref.ptr, value)
            return
        old = self.load_ref(ref)
        self.store_ref(ref, self.builder.binary(BIN_OPS[op_type], old, value), node)
