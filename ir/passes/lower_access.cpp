// lower_access: a field pointer (field, indices) becomes (tree, byte offset) from the field's
// layout: offset = base + sum over dense levels of ((index / divisor) % size) * stride, in i64.
// In debug mode every index is first checked against the field's shape.
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

bool lower_access(Kernel &k) {
  bool changed = false;
  Builder b(&k);
  walk_mutable(k.body.get(), [&](Stmt *s) {
    auto *p = s->as<GlobalPtrStmt>();
    if (!p) return;
    SNode *f = p->field;
    b.set_insert_before(s);
    b.set_loc(s->loc);
    if (k.debug) {
      for (int axis = 0; axis < f->num_axes(); axis++) {
        Stmt *i = p->ops[axis];
        Stmt *ok = b.binary(BinaryOp::logic_and,
                            b.binary(BinaryOp::cmp_ge, i, b.const_int(i->ret_type, 0)),
                            b.binary(BinaryOp::cmp_lt, i, b.const_int(i->ret_type, f->shape()[axis])));
        b.assert_(ok,
                  "index %d is out of range [0, " + std::to_string(f->shape()[axis]) +
                      ") on axis " + std::to_string(axis) + " of field '" + f->str() + "'",
                  {i});
      }
    }
    Stmt *offset = b.const_int(types::i64(), f->base_offset());
    for (const AxisTerm &t : f->terms()) {
      Stmt *c = b.cast(p->ops[t.axis], types::i64());
      if (t.divisor > 1) c = b.binary(BinaryOp::div, c, b.const_int(types::i64(), t.divisor));
      if (t.needs_mod) c = b.binary(BinaryOp::mod, c, b.const_int(types::i64(), t.size));
      c = b.binary(BinaryOp::mul, c, b.const_int(types::i64(), t.stride_bytes));
      offset = b.binary(BinaryOp::add, offset, c);
    }
    auto addr = std::make_unique<GlobalAddrStmt>();
    addr->field = f;
    addr->tree_id = f->tree_id();
    addr->ops = {offset};
    addr->ret_type = f->dtype();
    replace_stmt(k.body.get(), s, std::move(addr));
    changed = true;
  });
  k.access_lowered = true;
  return changed;
}

}  // namespace qtaichi::ir::passes
