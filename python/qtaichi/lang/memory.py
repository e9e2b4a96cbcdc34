"""Storage reports: `ti.memory_report()`, `x.bits_per_element`, `x.nbytes` (QUANT_SPEC.md, "Where
we go beyond Taichi" 8: every field reports its storage, so the saving of quantization is
visible).

- A primitive field: its type's bits per element; nbytes = elements x bytes.
- A bit-struct member: the bits it occupies in the word (a quant float's own exponent included;
  a shared exponent is counted once, on the container); nbytes = its share of the words,
  ceil(elements x bits / 8).
- A quant-array field: the element bits; nbytes = the words holding it (it is their only field).
- A container (bit struct / quant array): cells x container bytes, and the bits its members use.
"""
from qtaichi import _core
from qtaichi.lang import runtime
from qtaichi.lang.quant import QuantKind, describe


def _is_shared(node):
    return node.quant_type is not None and node.member.shared_group >= 0


def node_bits_per_element(node):
    q = node.quant_type
    if q is None:
        return node.dtype.bits
    if q.kind == QuantKind.float and _is_shared(node):
        return q.digits_bits
    return q.storage_bits


def node_nbytes(node):
    q = node.quant_type
    if q is None:
        return node.num_elements * node.dtype.bytes
    parent = node.parent
    if parent.kind == _core.SNodeKind.quant_array:
        words = -(-node.num_elements // _elements_per_word(parent))
        return words * parent.container_bits // 8
    return -(-node.num_elements * node_bits_per_element(node) // 8)


def _elements_per_word(quant_array):
    n = 1
    for s in quant_array.sizes:
        n *= s
    return n


def _type_name(node):
    return describe(node.quant_type) if node.quant_type is not None else str(node.dtype)


def memory_report(print_report=True):
    """One row per field and per container word of the current program: name, type, shape,
    bits per element and bytes. Prints a table (unless print_report=False) and returns the rows
    as dicts; the last row is the total."""
    state = runtime.get_program()
    core = state.core
    rows, containers = [], []
    for t in range(core.num_trees):
        for node in core.tree(t).fields():
            rows.append({"kind": "field", "name": str(node), "type": _type_name(node),
                         "shape": tuple(node.shape), "bits_per_element":
                         node_bits_per_element(node), "bytes": node_nbytes(node),
                         "in_container": node.quant_type is not None})
            parent = node.parent
            if parent.kind in (_core.SNodeKind.bit_struct, _core.SNodeKind.quant_array) and \
                    all(c is not parent for c in containers):
                containers.append(parent)
    for c in containers:
        members = c.children
        cells = members[0].num_elements if members else 0
        if c.kind == _core.SNodeKind.quant_array:
            cells = -(-cells // _elements_per_word(c))
            kind = "quant_array"
        else:
            kind = "bit_struct"
        rows.append({"kind": kind, "name": ", ".join(str(m) for m in members),
                     "type": f"u{c.container_bits} ({c.bits_used} bits used)",
                     "shape": (cells,), "bits_per_element": c.container_bits,
                     "bytes": cells * c.container_bits // 8, "in_container": False})
    # Total storage: primitive fields plus containers (members live inside their containers).
    total = sum(r["bytes"] for r in rows if not r["in_container"])
    rows.append({"kind": "total", "name": "", "type": "", "shape": (), "bits_per_element": None,
                 "bytes": total, "in_container": False})
    if print_report:
        print(format_report(rows))
    return rows


def format_report(rows):
    head = ("kind", "name", "type", "shape", "bits/elem", "bytes")
    table = [head] + [(r["kind"], r["name"], r["type"], str(r["shape"]) if r["shape"] else "",
                       "" if r["bits_per_element"] is None else str(r["bits_per_element"]),
                       str(r["bytes"])) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) if i < 4 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in table]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def bytes_per_cell(*fields):
    """Bytes that one cell of the dense arrays holding `fields` takes, padding included: the
    bytes per particle of a simulation's particle fields, say. Each array is counted once;
    vector/matrix fields count their components. Lays the fields out if that has not
    happened yet."""
    arrays = {}
    for f in fields:
        for c in getattr(f, "fields", None) or [f]:
            node = c._core_node()
            c._state.core.materialize()
            array = node.parent
            if node.quant_type is not None:
                array = array.parent  # the dense node above the container word
            arrays[(array.tree_id, array.id)] = array.cell_bytes
    return sum(arrays.values())
