"""Field layout from Python: `ti.root.dense(ti.ij, (4, 8)).place(x)`.

`ti.root` is a proxy: every use resolves to the current program's open tree, so after a kernel
has run (which materializes the trees) new fields go into a fresh tree."""
import numbers

from qtaichi import _core
from qtaichi.lang import runtime
from qtaichi.lang.diagnostics import core_call as _call_core
from qtaichi.lang.diagnostics import user_error
from qtaichi.lang.errors import TaichiError, TaichiTypeError


def check_container_bits(bits, what):
    if isinstance(bits, bool) or not isinstance(bits, int) or \
            not _core.is_valid_container_bits(bits):
        raise user_error(TaichiTypeError, f"{what}: max_num_bits must be 8, 16, 32 or 64, got "
                         f"{bits!r}")
    return bits


class Axes:
    """A set of axes, as in `ti.ij`."""

    def __init__(self, *axes):
        self.axes = tuple(axes)

    def __repr__(self):
        return "ti." + "".join("ijklmnop"[a] for a in self.axes)


i, j, k, l = Axes(0), Axes(1), Axes(2), Axes(3)
ij, ik, jk = Axes(0, 1), Axes(0, 2), Axes(1, 2)
ijk, ijl, ikl, jkl = Axes(0, 1, 2), Axes(0, 1, 3), Axes(0, 2, 3), Axes(1, 2, 3)
ijkl = Axes(0, 1, 2, 3)


def axes(*indices):
    """`ti.axes(0, 1)` is `ti.ij`."""
    return Axes(*indices)


def _is_int(s):
    return isinstance(s, numbers.Integral) and not isinstance(s, bool)  # numpy ints too


def _normalize_shape(shape):
    if _is_int(shape):
        return (int(shape),)
    if not isinstance(shape, (tuple, list)) or not all(_is_int(s) for s in shape):
        raise TaichiError(f"a shape must be an int or a tuple of ints, got {shape!r}")
    return tuple(int(s) for s in shape)


class SNode:
    """A node of a layout tree (the root or a dense level)."""

    def __init__(self, state, node):
        self._state = state
        self._node = node

    def dense(self, axes, dimensions):
        self._state.check_alive("this layout node")
        if isinstance(axes, int):
            axes = Axes(axes)
        if not isinstance(axes, Axes):
            raise TaichiError(f"dense() needs axes such as ti.i or ti.ij, got {axes!r}")
        sizes = _normalize_shape(dimensions)
        if len(sizes) == 1 and len(axes.axes) > 1:
            sizes = sizes * len(axes.axes)  # ti.root.dense(ti.ij, 4) is 4 x 4
        if len(sizes) != len(axes.axes):
            raise TaichiError(f"dense() got {len(axes.axes)} axes but {len(sizes)} sizes")
        return SNode(self._state, _call_core(lambda: self._node.dense(list(axes.axes),
                                                                       list(sizes))))

    def quant_array(self, axes, dimensions, max_num_bits):
        """prod(dimensions) quant int/fixed elements of one field packed in one unsigned word
        per cell of this node; place exactly one quant field under it."""
        self._state.check_alive("this layout node")
        bits = check_container_bits(max_num_bits, "quant_array")
        if isinstance(axes, int):
            axes = Axes(axes)
        if not isinstance(axes, Axes):
            raise user_error(TaichiError,
                             f"quant_array() needs axes such as ti.i or ti.ij, got {axes!r}")
        sizes = _normalize_shape(dimensions)
        if len(sizes) == 1 and len(axes.axes) > 1:
            sizes = sizes * len(axes.axes)
        if len(sizes) != len(axes.axes):
            raise user_error(TaichiError, f"quant_array() got {len(axes.axes)} axes but "
                             f"{len(sizes)} sizes")
        return SNode(self._state,
                     _call_core(lambda: self._node.quant_array(list(axes.axes), list(sizes),
                                                               bits)))

    def place(self, *fields):
        """Places fields (and BitpackedFields) under this node. Anything placeable says how:
        `_layout_parts()` (a vector/matrix field: its components side by side, AoS like Taichi)
        and `_place_under(node)`; the layout knows no field class."""
        self._state.check_alive("this layout node")
        for obj in fields:
            parts = obj._layout_parts() if hasattr(obj, "_layout_parts") else [obj]
            for f in parts:
                if not hasattr(f, "_place_under"):
                    raise TaichiError(f"place() takes fields, got {f!r}")
                f._place_under(self)
        return self

    @property
    def shape(self):
        return tuple(self._node.sizes)


class _Root:
    """`ti.root`: the root of the current program's open tree."""

    def _current(self):
        state = runtime.get_program()
        return SNode(state, state.core.open_tree().root())

    def dense(self, axes, dimensions):
        return self._current().dense(axes, dimensions)

    def place(self, *fields):
        return self._current().place(*fields)

    def quant_array(self, axes, dimensions, max_num_bits):
        return self._current().quant_array(axes, dimensions, max_num_bits)

    def __repr__(self):
        return "ti.root"


root = _Root()
