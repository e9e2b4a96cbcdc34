// demote_atomics: an atomic that no other thread can race with is a plain load, op and store:
//  - on a local variable (the frontend emits `v += x` as an atomic, because a top-level local
//    may become a shared temp in offload);
//  - on a primitive field element that infer_thread_safety found owned by one thread
//    (with quant_opt_atomic_demotion; quant fields are handled by lower_quant).
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

bool demote_atomics(Kernel &k) {
  bool changed = false;
  Builder b(&k);
  walk_mutable(k.body.get(), [&](Stmt *s) {
    auto *a = s->as<AtomicOpStmt>();
    if (!a) return;
    bool local = a->ptr()->is<AllocaStmt>();
    auto *field = a->ptr()->as<GlobalPtrStmt>();
    bool owned = field && a->thread_safe && k.quant_atomic_demotion &&
                 !field->field->is_bit_level();
    if (!local && !owned) return;
    b.set_insert_before(s);
    b.set_loc(s->loc);
    Stmt *old = local ? b.local_load(a->ptr()) : b.global_load(a->ptr());
    Stmt *updated = b.binary(binary_op_of(a->op), old, a->value());
    // u1 arithmetic yields i32: store the variable's own type back.
    if (updated->ret_type != a->ptr()->ret_type) updated = b.cast(updated, a->ptr()->ret_type);
    if (local) b.local_store(a->ptr(), updated);
    else b.global_store(a->ptr(), updated);
    replace_all_uses(k.body.get(), s, old);
    s->parent->erase(s);
    changed = true;
  });
  return changed;
}

}  // namespace qtaichi::ir::passes
