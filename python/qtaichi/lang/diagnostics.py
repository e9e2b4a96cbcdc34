"""Errors raised in Python scope, pointing at the user's line: the bottom of qtaichi.lang (it
imports only errors), so every module can report problems the same way."""
import sys

from qtaichi.lang.errors import CoreCompileError, format_message, from_core_compile_error

_PACKAGE_DIR = __file__.rsplit("/lang/", 1)[0]


def user_location():
    """(file, line, function) of the innermost caller outside the qtaichi package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return None, 0, None
    return frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name


def user_error(cls, message):
    """An exception of `cls` whose message shows the user's file, line and source line."""
    file, line, func = user_location()
    return cls(format_message(message, file, line, func))


class at_user_line:  # noqa: N801 - used as `with at_user_line():`
    """Turns a compile error of the core (a bad layout, an impossible quant type...) into the
    matching Taichi exception at the user's line. (A class, not contextlib: its frames are this
    package's, so user_location skips them.)"""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if isinstance(error, CoreCompileError):
            file, line, func = user_location()
            raise from_core_compile_error(error, func, file, line) from None
        return False


def core_call(fn):
    """fn() with at_user_line()."""
    with at_user_line():
        return fn()
