"""Bit-level layout: `ti.BitpackedFields` (a bit struct per cell) and `quant_array`.

    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(x, y)                          # packed from bit 0 upward, in order
    bp.place(u, v, shared_exponent=True)    # one exponent for the quant floats of this call
    ti.root.dense(ti.i, n).place(bp)        # one container word per cell

    ti.root.dense(ti.ij, (n, n // 32)).quant_array(ti.j, 32, max_num_bits=32).place(cell)

`BitpackedFields.place` records and checks its members at once (so an impossible layout is
reported on the line that makes it); placing the BitpackedFields under a node creates the C++
bit struct and makes one `place_bit_members` call per recorded `place` call."""
from qtaichi.lang.diagnostics import core_call as _core_call
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import TaichiCompilationError, TaichiError, TaichiTypeError
from qtaichi.lang.quant import QuantKind, describe
from qtaichi.lang.quant_access import QuantField
from qtaichi.lang.snode import check_container_bits as _check_container_bits


def _components(f):
    """A vector/matrix field places one member per component; a scalar field is itself."""
    comps = getattr(f, "fields", None)
    return list(comps) if isinstance(comps, (list, tuple)) else [f]


class BitpackedFields:
    """Quant fields packed into one `max_num_bits`-bit container word per cell."""

    def __init__(self, max_num_bits):
        self.max_num_bits = _check_container_bits(max_num_bits, "BitpackedFields")
        self._calls = []  # [(fields, shared_exponent)]
        self._bits_used = 0
        self._node = None  # the _core bit_struct node, once placed
        self._state = None

    @property
    def bits_used(self):
        return self._bits_used

    @property
    def fields(self):
        return [f for fs, _ in self._calls for f in fs]

    def __repr__(self):
        names = ", ".join(f._label() for f in self.fields)
        return f"<ti.BitpackedFields {self._bits_used}/{self.max_num_bits} bits: {names}>"

    def place(self, *fields, shared_exponent=False):
        """Packs `fields` (vector/matrix fields: one member per component) after the members
        already placed; with shared_exponent=True their quant floats share one exponent."""
        if self._node is not None:
            raise _error(TaichiError, "this BitpackedFields is already placed: place its "
                         "members before placing it in the layout")
        members = [c for f in fields for c in _components(f)]
        for f in members:
            if not isinstance(f, QuantField):
                dtype = getattr(f, "dtype", None)
                what = f"field '{f._label()}' has type {dtype}" if dtype is not None else \
                    f"got {f!r}"
                raise _error(TaichiTypeError, "BitpackedFields members must be quant fields "
                             f"(ti.field(ti.types.quant.int(...)) and friends): {what}")
            if f._node is not None or any(f is g for g in self.fields) or \
                    getattr(f, "_bitpacked", None) is not None:
                raise _error(TaichiError, f"field '{f._label()}' is already placed")
        if len({id(f) for f in members}) != len(members):
            raise _error(TaichiError, "a field appears twice in one BitpackedFields.place call")
        shared_exponent = bool(shared_exponent)
        if shared_exponent and len(members) < 2:
            raise _error(TaichiCompilationError,
                         "At least 2 fields need to be placed when shared_exponent=True")
        self._bits_used = self._layout_bits(members, shared_exponent)
        self._calls.append((members, shared_exponent))
        group = tuple(members) if shared_exponent else None
        for f in members:
            f._bitpacked = self
            f._shared_group = group  # Python-scope vector writes store a group together
        return self

    def _layout_bits(self, members, shared):
        """The bits used after placing `members`, checked like SNode::place_bit_members."""
        cursor = self._bits_used
        floats = [f for f in members if f.dtype.kind == QuantKind.float]
        if shared:
            if not floats:
                raise _error(TaichiTypeError, "shared_exponent=True needs quant float fields")
            exps = {f.dtype.exponent_bits for f in floats}
            if len(exps) > 1:
                detail = ", ".join(f"'{f._label()}': {describe(f.dtype)}" for f in floats)
                raise _error(TaichiTypeError, "fields sharing an exponent must have the same "
                             f"exponent bits, got {detail}")
            cursor += floats[0].dtype.exponent_bits
        for f in members:
            if f.dtype.kind == QuantKind.float and not shared:
                cursor += f.dtype.exponent_bits
            cursor += f.dtype.digits_bits
        if cursor > self.max_num_bits:
            raise _error(TaichiTypeError, f"BitpackedFields uses {cursor} bits out of "
                         f"{self.max_num_bits}")
        return cursor

    def _place_under(self, parent):
        """Creates the bit struct under `parent` (a lang.snode.SNode) and places the members."""
        if self._node is not None:
            raise _error(TaichiError, "this BitpackedFields is already placed")
        if not self._calls:
            raise _error(TaichiError, "this BitpackedFields has no fields: call bp.place(x) "
                         "before placing it in the layout")
        bs = _core_call(lambda: parent._node.bit_struct(self.max_num_bits))
        for members, shared in self._calls:
            pairs = [(f.dtype, f.name) for f in members]
            nodes = _core_call(lambda: bs.place_bit_members(pairs, shared))
            for f, node in zip(members, nodes):
                f._bind_placed(node, parent._state)
        self._node, self._state = bs, parent._state

