// lower_small_atomics: an integer atomic on an 8- or 16-bit value, on a target whose CAS is
// 32 bits at least (SPIR-V, CUDA's atom.cas), becomes a compare-and-swap loop on the aligned
// little-endian 32-bit word around it: the other bytes of the word are written back as they
// were read, so a concurrent store to a neighbour only makes the loop try again. Field memory
// is padded to 4 bytes, and GPU devices stage ndarrays in buffers rounded up, so the word never
// leaves its allocation. The atomic's value is the old 8/16-bit value, as before.
#include "ir/builder.h"
#include "ir/passes/address_view.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

bool lower_small_atomics(Kernel &k) {
  std::vector<AtomicOpStmt *> todo;
  walk(k.body.get(), [&](Stmt *s) {
    auto *a = s->as<AtomicOpStmt>();
    if (a && a->ret_type->is_int() && a->ret_type->bits() < 32 && a->ret_type->bits() > 1 &&
        !a->ptr()->is<AllocaStmt>() && !k.target.has_cas(a->ret_type->bits()))
      todo.push_back(a);
  });
  Builder b(&k);
  for (AtomicOpStmt *a : todo) {
    const Type *t = a->ret_type;
    b.set_insert_before(a);
    b.set_loc(a->loc);
    const Stmt *p = a->ptr();
    Stmt *shift;
    std::unique_ptr<Stmt> word;
    if (auto *tmp = p->as<GlobalTempStmt>()) {
      shift = b.const_int(types::u32(), (tmp->offset & 3) * 8);
      word = address_view(p, types::u32(), nullptr, tmp->offset & ~int64_t(3));
    } else {
      Stmt *offset = p->ops[0];
      const Type *ot = offset->ret_type;
      Stmt *aligned = b.binary(BinaryOp::bit_and, offset, b.const_int(ot, ~int64_t(3)));
      shift = b.cast(b.binary(BinaryOp::mul, b.binary(BinaryOp::bit_and, offset, b.const_int(ot, 3)),
                              b.const_int(ot, 8)),
                     types::u32());
      word = address_view(p, types::u32(), aligned);
    }
    Stmt *ptr = b.insert(std::move(word));
    Stmt *mask = b.const_int(types::u32(), (int64_t(1) << t->bits()) - 1);
    Stmt *hole = b.unary(UnaryOp::bit_not, b.binary(BinaryOp::shl, mask, shift));
    Stmt *result = b.local_var(t);
    b.cas_loop(ptr, [&](Stmt *old32) {
      // The old value in its own type (a signed one sign-extends for min/max), the update in it.
      Stmt *old = b.cast(b.binary(BinaryOp::bit_and, b.binary(BinaryOp::shr, old32, shift), mask), t);
      b.local_store(result, old);
      Stmt *updated = b.binary(binary_op_of(a->op), old, b.cast(a->value(), t));
      Stmt *bits = b.binary(BinaryOp::bit_and, b.cast(updated, types::u32()), mask);
      return b.binary(BinaryOp::bit_or, b.binary(BinaryOp::bit_and, old32, hole),
                      b.binary(BinaryOp::shl, bits, shift));
    });
    replace_all_uses(k.body.get(), a, b.local_load(result));
    a->parent->erase(a);
  }
  return !todo.empty();
}

}  // namespace qtaichi::ir::passes
