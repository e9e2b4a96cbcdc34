"""Field layout from Python: `ti.root.dense(ti.ij, (4, 8)).place(x)`.

`ti.root` is a proxy: every use resolves to the current program's open tree, so after a kernel
has run (which materializes the trees) new fields go into a fresh tree."""
from qtaichi.lang import runtime
from qtaichi.lang.errors import TaichiError


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


def _normalize_shape(shape):
    if isinstance(shape, int):
        return (shape,)
    if not isinstance(shape, (tuple, list)) or not all(isinstance(s, int) for s in shape):
        raise TaichiError(f"a shape must be an int or a tuple of ints, got {shape!r}")
    return tuple(shape)


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
        """prod(dimensions) quant int/fixed elements packed in one word per cell of this node
        (lang/bitpacked.py); place exactly one quant field under it."""
        from qtaichi.lang.bitpacked import quant_array

        return quant_array(self, axes, dimensions, max_num_bits)

    def place(self, *fields):
        from qtaichi.lang.bitpacked import BitpackedFields
        from qtaichi.lang.field import Field
        from qtaichi.lang.matrix_field import MatrixField

        self._state.check_alive("this layout node")
        # A vector/matrix field places its components side by side (AoS, like Taichi).
        fields = [c for f in fields for c in (f.fields if isinstance(f, MatrixField) else [f])]
        for f in fields:
            if isinstance(f, BitpackedFields):  # a bit struct per cell holding its members
                f._place_under(self)
                continue
            if not isinstance(f, Field):
                raise TaichiError(f"place() takes fields, got {f!r}")
            f._place_under(self)
        return self

    @property
    def shape(self):
        return tuple(self._node.sizes)


def _call_core(fn):
    from qtaichi.lang.errors import CoreCompileError, from_core_compile_error
    from qtaichi.lang.field import _user_location

    try:
        return fn()
    except CoreCompileError as e:
        file, line, func = _user_location()
        raise from_core_compile_error(e, func, file, line) from None


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
