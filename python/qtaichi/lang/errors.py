"""Exceptions raised by qtaichi, and the one place that formats their messages.

Hierarchy (Taichi v1.x names; each also derives from the matching Python builtin so that
``except IndexError`` and friends keep working)::

    TaichiError(Exception)
    ├── TaichiCompilationError
    │   ├── TaichiSyntaxError(SyntaxError)  unsupported syntax, wrong number of kernel
    │   │                                   arguments, `return` not at the top level
    │   ├── TaichiNameError(NameError)      undefined names
    │   └── TaichiTypeError(TypeError)      invalid operand types, missing annotations
    ├── TaichiIndexError(IndexError)        wrong number of indices; an index out of range
    │                                       (Python scope always, kernels with debug=True)
    └── TaichiRuntimeError(RuntimeError)    a kernel failed while running
        ├── TaichiRuntimeTypeError(TypeError)   a kernel argument of the wrong type
        └── TaichiAssertionError(AssertionError) a failed assertion in a kernel

Every message names the problem and then shows where it is::

    <message>
      File "<file>", line <N>, in <kernel name>:
        <the stripped source line>
"""
import linecache

from qtaichi import _core


class TaichiError(Exception):
    """Base of every qtaichi error."""


class TaichiCompilationError(TaichiError):
    """A kernel could not be compiled."""


class TaichiSyntaxError(TaichiCompilationError, SyntaxError):
    """Unsupported syntax, a wrong number of kernel arguments, a misplaced `return`."""

    # SyntaxError.__str__ would print its own (empty) location fields; keep ours.
    __str__ = Exception.__str__


class TaichiNameError(TaichiCompilationError, NameError):
    """A name used in a kernel is not defined."""


class TaichiTypeError(TaichiCompilationError, TypeError):
    """Operands of invalid types, or a missing type annotation."""


class TaichiIndexError(TaichiError, IndexError):
    """A wrong number of indices, or an index out of a field's range."""


class TaichiRuntimeError(TaichiError, RuntimeError):
    """A kernel failed while running."""


class TaichiRuntimeTypeError(TaichiRuntimeError, TypeError):
    """A kernel was called with an argument of the wrong type."""


class TaichiAssertionError(TaichiRuntimeError, AssertionError):
    """An assertion in a kernel failed."""


_COMPILE_KINDS = {
    "syntax": TaichiSyntaxError,
    "type": TaichiTypeError,
    "name": TaichiNameError,
    "index": TaichiIndexError,
    "compile": TaichiCompilationError,
    "internal": TaichiCompilationError,
}


def format_message(message, file=None, line=0, where=None):
    """`message`, followed by the file, line, function and the stripped source line."""
    if not file or line <= 0:
        return message
    text = f'{message}\n  File "{file}", line {line}'
    if where:
        text += f", in {where}"
    text += ":"
    source = linecache.getline(file, line).strip()
    if source:
        text += f"\n    {source}"
    return text


def from_core_compile_error(err, where=None, fallback_file=None, fallback_line=0):
    """The Taichi exception for a `_core.CompileError(kind, message, file, line)`."""
    kind, message, file, line = err.args
    if not file or line <= 0:
        file, line = fallback_file, fallback_line
    cls = _COMPILE_KINDS.get(kind, TaichiCompilationError)
    return cls(format_message(message, file, line, where))


def from_core_runtime_error(err, where=None):
    """The Taichi exception for a `_core.KernelRuntimeError(message, file, line, is_index)`."""
    message, file, line, is_index = err.args
    # Kernels fail only through assertions: bounds checks (index errors) or the user's own.
    cls = TaichiIndexError if is_index else TaichiAssertionError
    return cls(format_message(message, file, line, where))


CoreCompileError = _core.CompileError
CoreRuntimeError = _core.KernelRuntimeError
