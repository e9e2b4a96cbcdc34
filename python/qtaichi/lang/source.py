"""The source of a kernel or ti.func: read with inspect, parsed with ast."""
import ast
import inspect
import textwrap

from qtaichi.lang.errors import TaichiSyntaxError


class Parsed:
    """The source of a kernel or ti.func, parsed once."""

    def __init__(self, func):
        try:
            lines, start = inspect.getsourcelines(func)
        except (OSError, TypeError) as e:
            raise TaichiSyntaxError(f"cannot read the source of '{func.__name__}' ({e}): "
                                    "kernels and ti.funcs must be defined in a file") from None
        self.file = inspect.getsourcefile(func) or "<unknown>"
        source = "".join(lines)
        dedented = textwrap.dedent(source)
        self.col_offset = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
        self.line_offset = start
        tree = ast.parse(dedented)
        self.func_def = tree.body[0]
        self.def_line = start + self.func_def.lineno - 1
        for deco in self.func_def.decorator_list:  # `def` comes after the decorators
            self.def_line = max(self.def_line, start + deco.end_lineno)

    def assigned_names(self):
        """Names the body assigns to, also through an element or member (`v[0] = 1`,
        `p.x += 1`): such arguments become local copies, as in Taichi."""
        out = set()
        for n in ast.walk(self.func_def):
            if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
                while isinstance(n, (ast.Subscript, ast.Attribute)):
                    n = n.value
                if isinstance(n, ast.Name):
                    out.add(n.id)
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)
        return out


def closure_vars(func):
    code, cells = func.__code__, func.__closure__ or ()
    out = {}
    for name, cell in zip(code.co_freevars, cells):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # not assigned yet
            pass
    return out
