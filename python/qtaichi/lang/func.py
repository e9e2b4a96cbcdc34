"""`@ti.func`: a function inlined into the kernels (and funcs) that call it."""
import functools
import inspect

from qtaichi.lang.errors import TaichiSyntaxError
from qtaichi.lang.source import Parsed


class Func:
    """A ti.func. Parsed on its first use; each call site inlines its body (ast_func.py)."""

    def __init__(self, func, bound_self=None):
        self.func = func
        self.name = func.__name__
        self.signature = inspect.signature(func)
        self.bound_self = bound_self
        self._parsed = None
        functools.update_wrapper(self, func)

    def parsed(self):
        if self._parsed is None:
            self._parsed = Parsed(self.func)
        return self._parsed

    def __get__(self, instance, owner):
        """`self.helper(...)` in a data-oriented class: bind the instance."""
        if instance is None:
            return self
        bound = Func(self.func, instance)
        bound._parsed = self._parsed
        bound.origin = self
        return bound

    def __call__(self, *args, **kwargs):
        raise TaichiSyntaxError(f"ti.func '{self.name}' can only be called from a kernel or "
                                "another ti.func")


def func(fn):
    """Decorates a function inlined into kernels."""
    return Func(fn)


def real_func(fn):
    """`@ti.real_func`: a function compiled once per kernel and called (ast_real_func.py), so
    it may recurse. As in Taichi, every parameter needs a type annotation."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if params and params[0].name == "self":  # a method of a data-oriented class
        params = params[1:]
    missing = [p.name for p in params if p.annotation is p.empty]
    if missing:
        raise TaichiSyntaxError(f"ti.real_func '{fn.__name__}': parameter '{missing[0]}' needs a "
                                "type annotation")
    f = Func(fn)
    f.real = True
    return f


def data_oriented(cls):
    """`@ti.data_oriented`: classes whose methods are kernels and funcs (nothing to do here:
    Kernel and Func bind `self` themselves)."""
    return cls
