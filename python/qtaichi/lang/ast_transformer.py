"""A kernel's Python AST -> IR, through the `_core.Builder`.

Statements are here; the rest are mixins: expressions (ast_expr.py), calls (ast_calls.py),
vectors and matrices (ast_matrix.py), structs (ast_struct.py), assignments (ast_assign.py),
for loops (ast_loops.py) and inlined ti.funcs (ast_func.py).
Scoping follows Taichi: a name first assigned inside a block (if/for/while body) is gone after
the block; a variable's type is fixed by its first assignment."""
import ast

from qtaichi.lang import ops
from qtaichi.lang.ast_assign import AssignMixin
from qtaichi.lang.ast_calls import CallMixin
from qtaichi.lang.ast_expr import U, ExprMixin, is_ir
from qtaichi.lang.ast_func import FuncMixin, may_return
from qtaichi.lang.ast_loops import LoopMixin
from qtaichi.lang.ast_matrix import MatrixMixin
from qtaichi.lang.ast_real_func import RealFuncMixin
from qtaichi.lang.ast_struct import StructMixin
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError, format_message
from qtaichi.lang.matrix import Matrix

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


class KernelTransformer(ExprMixin, CallMixin, MatrixMixin, StructMixin, AssignMixin, LoopMixin,
                        FuncMixin, RealFuncMixin):
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
        self.loops = []  # enclosing loops: "range", "while" or "static" (unrolled)
        self.loop_config = None  # ti.loop_config(...) waiting for the next for loop
        self.func_stack = []  # ti.funcs being inlined (recursion check)
        self.real_funcs = {}  # ti.real_funcs built into this kernel (ast_real_func.py)
        self.func_result = None  # the value a ti.func being inlined returns
        # A func with a `return` before its end: (result variable, done flag) names (ast_func.py)
        self.func_guard = None
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
    def build_body(self, func_def, params):
        """Binds the arguments ([(name, make value)]) and builds the body. Arguments that the
        body assigns to become local variables; the others stay plain values."""
        assigned = {n.id for n in ast.walk(func_def)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for name, make in params:
            self.set_loc(func_def)
            self.bind_param(name, make(), assigned, func_def)
        self.build_stmts(func_def.body)

    def build_stmts(self, stmts):
        for i, stmt in enumerate(stmts):
            self.build_stmt(stmt)
            if isinstance(stmt, ast.Return):
                return  # what follows a return never runs
            if isinstance(stmt, (ast.Break, ast.Continue)) and i + 1 < len(stmts):
                return
            in_loop = bool(self.loops) and self.loops[-1] != "static"
            if isinstance(self.func_guard, tuple) and (i + 1 < len(stmts) or in_loop) and \
                    may_return(stmt):
                self.guard_rest(stmts[i + 1:], in_loop)
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
        self.check_not_static_loop("break", node)
        self.builder.break_()

    def stmt_Continue(self, node):
        self.check_not_static_loop("continue", node)
        self.builder.continue_()

    def check_not_static_loop(self, what, node):
        if self.loops and self.loops[-1] == "static":
            raise self.error(TaichiSyntaxError, f"'{what}' is not supported in a ti.static() "
                             "loop (it is unrolled at compile time)", node)

    def stmt_Return(self, node):
        if self.func_stack:
            return self.func_return(node)
        if self.depth != 0:
            raise self.error(TaichiSyntaxError, "'return' is only allowed at the top level of "
                             "a kernel, not inside if/for/while", node)
        if node.value is None:
            return
        value = self.eval(node.value)
        if getattr(self, "ret_struct", None) is not None:  # -> a struct or a tuple
            self.return_struct(value, *self.ret_struct, node)
            return
        mt = getattr(self, "ret_matrix", None)
        if mt is not None:  # -> ti.math.vec3 and the like: one value per entry
            value = self.matrix_value_for(mt(0), value, node)
            self.set_loc(node)
            self.builder.ret([self.to_ir(e, node) for e in self.mat_ir(value, node).entries])
            return
        if isinstance(value, Matrix):
            raise self.error(TaichiTypeError, f"kernel '{self.kernel_name}' returns a scalar "
                             f"(its annotation), got a {value.describe()}", node)
        value = self.to_ir(value, node)
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

    # ---- control flow ----
    def stmt_If(self, node):
        test = node.test
        if isinstance(test, ast.Call) and self.eval(test.func) is ops.static:
            return self.static_if(node)
        cond = self.to_cond(self.eval(node.test), node)
        self.set_loc(node)
        stmt = self.builder.if_(cond)
        self.run_block(stmt.true_block, node.body)
        if node.orelse:
            self.run_block(stmt.false_block, node.orelse)

    def static_if(self, node):
        """`if ti.static(cond):` only the taken branch is built (in place, in its own scope)."""
        flag = self.eval(node.test)
        if is_ir(flag) or isinstance(flag, Matrix):
            raise self.error(TaichiSyntaxError, "ti.static() needs a condition known at compile "
                             f"time, got {self.describe(node.test.args[0])}", node)
        branch = node.body if flag else node.orelse
        self.scopes.append({})
        self.depth += 1
        try:
            self.build_stmts(branch)
        finally:
            self.depth -= 1
            self.scopes.pop()

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
        self.loops.append("while")
        try:
            self.run_block(loop.body, node.body)
        finally:
            self.loops.pop()
