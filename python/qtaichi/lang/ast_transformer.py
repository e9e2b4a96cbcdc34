"""A kernel's Python AST -> IR, through the `_core.Builder`.

Statements are here; expressions and calls are the mixins in ast_expr.py and ast_calls.py.
Scoping follows Taichi: a name first assigned inside a block (if/for/while body) is gone after
the block; a variable's type is fixed by its first assignment."""
import ast

from qtaichi.lang import ops
from qtaichi.lang.ast_calls import CallMixin
from qtaichi.lang.ast_expr import (ATOMIC_AUG_OPS, BIN_OPS, B, U, ExprMixin, Var, is_ir,
                                   is_scalar)
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError, format_message
from qtaichi.lang.field import Field

UNSUPPORTED_STMTS = {
    ast.Try: "'try' statement", ast.With: "'with' statement", ast.Raise: "'raise' statement",
    ast.Global: "'global' statement", ast.Nonlocal: "'nonlocal' statement",
    ast.Import: "'import' statement", ast.ImportFrom: "'import' statement",
    ast.ClassDef: "class definition", ast.FunctionDef: "nested function definition",
    ast.AsyncFunctionDef: "nested function definition", ast.Delete: "'del' statement",
    ast.AsyncFor: "'async for'", ast.AsyncWith: "'async with'",
}
if hasattr(ast, "TryStar"):
    UNSUPPORTED_STMTS[ast.TryStar] = "'try' statement"
if hasattr(ast, "Match"):
    UNSUPPORTED_STMTS[ast.Match] = "'match' statement"


class KernelTransformer(ExprMixin, CallMixin):
    def __init__(self, state, builder, kernel_name, file, line_offset, col_offset, global_vars,
                 closure_vars):
        self.state = state
        self.builder = builder
        self.kernel_name = kernel_name
        self.file = file
        self.line_offset = line_offset  # file line of AST line 1
        self.col_offset = col_offset    # columns removed by dedent
        self.globals = global_vars
        self.closure = closure_vars
        self.default_ip = state.config.default_ip
        self.default_fp = state.config.default_fp
        self.scopes = [{}]
        self.depth = 0  # control-flow nesting: `return` only at 0
        self.current_line = 0

    # ---- locations and errors ----
    def line_of(self, node):
        return self.line_offset + getattr(node, "lineno", 1) - 1

    def set_loc(self, node):
        if hasattr(node, "lineno"):
            self.current_line = self.line_of(node)
            self.builder.set_loc(self.file, self.current_line, node.col_offset + self.col_offset)

    def error(self, cls, message, node=None):
        line = self.line_of(node) if node is not None else self.current_line
        return cls(format_message(message, self.file, line, self.kernel_name))

    # ---- scopes ----
    def lookup_local(self, name):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def run_block(self, block, stmts):
        """Builds `stmts` into the IR `block` in a new scope."""
        self.builder.push_block(block)
        self.scopes.append({})
        self.depth += 1
        try:
            self.build_stmts(stmts)
        finally:
            self.depth -= 1
            self.scopes.pop()
            self.builder.pop_block()

    # ---- the kernel ----
    def build_body(self, func_def, arg_names, assigned_args):
        """Binds the arguments and builds the body. Arguments that the body assigns to become
        local variables; the others stay plain values."""
        for i, name in enumerate(arg_names):
            self.set_loc(func_def)
            value = self.builder.arg(i)
            if name in assigned_args:
                slot = self.builder.alloca(value.ret_type)
                self.builder.local_store(slot, value)
                self.scopes[0][name] = Var("alloca", slot)
            else:
                self.scopes[0][name] = Var("value", value, "argument")
        self.build_stmts(func_def.body)

    def build_stmts(self, stmts):
        for i, stmt in enumerate(stmts):
            self.build_stmt(stmt)
            if isinstance(stmt, ast.Return):
                return  # what follows a return never runs
            if isinstance(stmt, (ast.Break, ast.Continue)) and i + 1 < len(stmts):
                return

    def build_stmt(self, node):
        self.set_loc(node)
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            what = UNSUPPORTED_STMTS.get(type(node), f"'{type(node).__name__}' statement")
            raise self.error(TaichiSyntaxError, f"unsupported syntax in a kernel: {what}", node)
        method(node)

    # ---- simple statements ----
    def stmt_Pass(self, node):
        pass

    def stmt_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        self.eval(node.value)

    def stmt_Break(self, node):
        self.builder.break_()

    def stmt_Continue(self, node):
        self.builder.continue_()

    def stmt_Return(self, node):
        if self.depth != 0:
            raise self.error(TaichiSyntaxError, "'return' is only allowed at the top level of "
                             "a kernel, not inside if/for/while", node)
        if node.value is None:
            return
        value = self.eval_ir(node.value)
        self.set_loc(node)
        self.builder.ret(value)

    def stmt_Assert(self, node):
        cond = self.to_cond(self.eval(node.test), node)
        if not self.state.config.debug:
            return  # like Taichi: assertions are checked with debug=True only
        message = "assertion failed"
        if node.msg is not None:
            msg = self.eval(node.msg)
            if not isinstance(msg, str):
                raise self.error(TaichiSyntaxError, "an assertion message must be a string "
                                 "literal", node)
            message = msg
        self.set_loc(node)
        self.builder.assert_(cond, message, [])

    # ---- assignment ----
    def stmt_Assign(self, node):
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value, node)

    def stmt_AnnAssign(self, node):
        if not isinstance(node.target, ast.Name):
            raise self.error(TaichiSyntaxError, "annotated assignment needs a plain name", node)
        dtype = self.resolve_type(self.eval(node.annotation), node)
        name = node.target.id
        if name in self.scopes[-1]:
            raise self.error(TaichiSyntaxError, f"'{name}' is already defined", node)
        value = None if node.value is None else self.eval_ir(node.value)
        self.set_loc(node)
        slot = self.builder.alloca(dtype)
        if value is not None:
            self.builder.local_store(slot, value)
        self.scopes[-1][name] = Var("alloca", slot)

    def assign(self, target, value, node):
        if isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, tuple) or len(value) != len(target.elts):
                n = len(value) if isinstance(value, tuple) else 1
                raise self.error(TaichiSyntaxError, f"cannot unpack {n} value"
                                 f"{'s' if n != 1 else ''} into {len(target.elts)} names", node)
            for t, v in zip(target.elts, value):
                self.assign(t, v, node)
            return
        if isinstance(target, ast.Subscript):
            ptr = self.field_ptr(target)
            if ptr is None:
                raise self.error(TaichiSyntaxError, "only field elements can be assigned to by "
                                 "subscript in a kernel", target)
            v = self.to_ir(value, node)
            self.set_loc(target)
            self.builder.global_store(ptr, v)
            return
        if not isinstance(target, ast.Name):
            raise self.error(TaichiSyntaxError, f"unsupported assignment target in a kernel: "
                             f"{self.describe(target)}", target)
        name = target.id
        var = self.lookup_local(name)
        if var is None:
            self.define(name, value, target)
        elif var.kind == "alloca":
            v = self.to_ir(value, node)
            self.set_loc(target)
            self.builder.local_store(var.obj, v)
        else:
            raise self.error(TaichiSyntaxError, f"cannot assign to {var.what} '{name}'", target)

    def define(self, name, value, node):
        """A new variable in the innermost scope, typed by its first value."""
        if not is_ir(value) and not is_scalar(value):
            # A compile-time object (a field, a tuple of such...): an alias, not a variable.
            if isinstance(value, tuple) and any(is_ir(v) for v in value):
                raise self.error(TaichiSyntaxError, "tuples of kernel values cannot be stored "
                                 "in a variable", node)
            self.scopes[-1][name] = Var("python", value, "compile-time name")
            return
        v = self.to_ir(value, node)
        self.set_loc(node)
        slot = self.builder.alloca(v.ret_type)
        self.builder.local_store(slot, v)
        self.scopes[-1][name] = Var("alloca", slot)

    def stmt_AugAssign(self, node):
        op_type = type(node.op)
        if op_type not in BIN_OPS:
            raise self.error(TaichiSyntaxError, f"unsupported operator in a kernel: "
                             f"{op_type.__name__}", node)
        target = node.target
        if isinstance(target, ast.Name):
            var = self.lookup_local(target.id)
            if var is None:
                self.lookup_global(target.id, target)  # raises the NameError
                raise self.error(TaichiSyntaxError, f"cannot assign to the global "
                                 f"'{target.id}' in a kernel", target)
            if var.kind != "alloca":
                raise self.error(TaichiSyntaxError, f"cannot assign to {var.what} '{target.id}'",
                                 target)
            ptr = var.obj
            load = self.builder.local_load
            store = self.builder.local_store
        else:
            ptr = self.field_ptr(target)
            if ptr is None:
                raise self.error(TaichiSyntaxError, f"unsupported assignment target in a kernel: "
                                 f"{self.describe(target)}", target)
            load = self.builder.global_load
            store = self.builder.global_store
        value = self.eval_ir(node.value)
        self.set_loc(node)
        if op_type in ATOMIC_AUG_OPS:
            self.builder.atomic(ATOMIC_AUG_OPS[op_type], ptr, value)
        else:
            store(ptr, self.builder.binary(BIN_OPS[op_type], load(ptr), value))

    # ---- control flow ----
    def stmt_If(self, node):
        cond = self.to_cond(self.eval(node.test), node)
        self.set_loc(node)
        stmt = self.builder.if_(cond)
        self.run_block(stmt.true_block, node.body)
        if node.orelse:
            self.run_block(stmt.false_block, node.orelse)

    def stmt_While(self, node):
        if node.orelse:
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: 'while ... "
                             "else'", node)
        loop = self.builder.while_()
        # `while c: body` is `while: (if not c: break); body`
        self.builder.push_block(loop.body)
        try:
            cond = self.to_cond(self.eval(node.test), node)
            self.set_loc(node)
            exit_if = self.builder.if_(self.builder.unary(U.logic_not, cond))
            self.builder.push_block(exit_if.true_block)
            self.builder.break_()
            self.builder.pop_block()
        finally:
            self.builder.pop_block()
        self.run_block(loop.body, node.body)

    def stmt_For(self, node):
        if node.orelse:
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: 'for ... else'",
                             node)
        targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
        for t in targets:
            if not isinstance(t, ast.Name):
                raise self.error(TaichiSyntaxError, "loop variables must be plain names", node)
        names = [t.id for t in targets]
        if len(set(names)) != len(names):
            raise self.error(TaichiSyntaxError, "loop variables must be distinct", node)
        dims = self.loop_dims(node)
        if len(dims) != len(names):
            raise self.error(TaichiSyntaxError, f"this loop has {len(dims)} ind"
                             f"{'ex' if len(dims) == 1 else 'ices'} but {len(names)} loop "
                             f"variable{'s' if len(names) != 1 else ''}", node)
        self.set_loc(node)
        loop, indices = self.flat_range_for(dims, node)
        self.scopes.append({n: Var("value", i, "loop variable") for n, i in zip(names, indices)})
        try:
            self.run_block(loop.body, node.body)
        finally:
            self.scopes.pop()

    # ---- loops ----
    def loop_dims(self, node):
        """[(lo, hi), ...] of a for loop's iterable: range(), ti.ndrange() or a field. Bounds
        are Python ints or IR values."""
        it = node.iter
        func = self.eval(it.func) if isinstance(it, ast.Call) else None
        if func is range:
            if it.keywords or not 1 <= len(it.args) <= 3:
                raise self.error(TaichiSyntaxError, "range() takes 1 to 3 arguments", it)
            args = [self.eval(a) for a in it.args]
            if len(args) == 3:
                if args[2] != 1 or is_ir(args[2]):
                    raise self.error(TaichiSyntaxError, "unsupported in a kernel: range() with "
                                     "a step other than 1", it)
                args = args[:2]
            return [(0, args[0])] if len(args) == 1 else [tuple(args)]
        if func is ops.ndrange:
            if it.keywords or not it.args:
                raise self.error(TaichiSyntaxError, "ti.ndrange() takes one or more extents and "
                                 "no keywords", it)
            dims = []
            for a in it.args:
                v = self.eval(a)
                if isinstance(v, tuple) and len(v) == 2:
                    dims.append(v)
                elif is_ir(v) or is_scalar(v):
                    dims.append((0, v))
                else:
                    raise self.error(TaichiSyntaxError, "each ti.ndrange() argument must be an "
                                     "extent n or a pair (lo, hi)", a)
            return dims
        if func is None:
            iterable = self.eval(it)
            if isinstance(iterable, Field):
                self.field_node(iterable, it)
                return [(0, s) for s in iterable.shape]
        raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: for loops go over "
                         "range(), ti.ndrange() or a field", it)

    def flat_range_for(self, dims, node):
        """One range_for over the product of `dims`, and the index of each dim (recovered with
        div and mod, so an outermost loop stays flat and parallel)."""
        b = self.builder
        for lo, hi in dims:
            for v in (lo, hi):
                if not (is_ir(v) or is_scalar(v)):
                    raise self.error(TaichiTypeError, f"loop bounds must be integers, got {v!r}",
                                     node)
        if len(dims) == 1:
            lo, hi = dims[0]
            loop = b.range_for(self.to_ir(lo, node), self.to_ir(hi, node))
            b.push_block(loop.body)
            index = b.loop_index(loop)
            b.pop_block()
            return loop, [index]
        extents = []
        for lo, hi in dims:
            if is_ir(lo) or is_ir(hi):
                diff = b.binary(B.sub, self.to_ir(hi, node), self.to_ir(lo, node))
                extents.append(b.binary(B.max, diff, self.to_ir(0, node)))
            else:
                extents.append(max(0, int(hi) - int(lo)))
        strides = [1] * len(dims)  # Python ints or IR values
        for d in range(len(dims) - 2, -1, -1):
            strides[d] = self.multiply(strides[d + 1], extents[d + 1], node)
        total = self.multiply(strides[0], extents[0], node)
        loop = b.range_for(self.to_ir(0, node), self.to_ir(total, node))
        b.push_block(loop.body)
        flat = b.loop_index(loop)
        indices = []
        for d, (lo, _) in enumerate(dims):
            v = flat
            if not (is_scalar(strides[d]) and strides[d] == 1):
                v = b.binary(B.div, v, self.to_ir(strides[d], node))
            if d > 0:
                v = b.binary(B.mod, v, self.to_ir(extents[d], node))
            if is_ir(lo) or lo != 0:
                v = b.binary(B.add, v, self.to_ir(lo, node))
            indices.append(v)
        b.pop_block()
        return loop, indices

    def multiply(self, a, b, node):
        if is_scalar(a) and is_scalar(b):
            return int(a) * int(b)
        return self.builder.binary(B.mul, self.to_ir(a, node), self.to_ir(b, node))
