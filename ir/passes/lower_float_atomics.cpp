// lower_float_atomics: a float atomic add/sub/min/max that the target has no instruction for,
// and every atomic multiply (ti.atomic_mul: no target has one, int or float), becomes a
// compare-and-swap loop in IR on the value's bits (Builder::cas_loop over an unsigned integer
// view of the same address), so backends need only integer CAS. (An 8/16-bit multiply on a
// target without CAS that small was made a word-wide loop by lower_small_atomics before.)
// The loop compares bits, not floats: a NaN or a -0.0 in memory must not make it spin or stop
// early. min/max keep IEEE minNum/maxNum (a NaN operand loses), as the native instructions do.
#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/address_view.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

const Type *bits_type(const Type *t) {
  switch (t->bits()) {
    case 8: return types::u8();
    case 16: return types::u16();
    case 32: return types::u32();
    default: return types::u64();
  }
}

}  // namespace

bool lower_float_atomics(Kernel &k) {
  const Target &target = k.target;
  std::vector<AtomicOpStmt *> todo;
  walk(k.body.get(), [&](Stmt *s) {
    auto *a = s->as<AtomicOpStmt>();
    if (!a || a->ptr()->is<AllocaStmt>()) return;
    if (a->op == AtomicOp::mul) {
      todo.push_back(a);
      return;
    }
    if (!a->ret_type->is_float()) return;
    bool add = a->op == AtomicOp::add || a->op == AtomicOp::sub;
    if (!target.native_float_atomic(add, a->ret_type->bits())) todo.push_back(a);
  });
  Builder b(&k);
  for (AtomicOpStmt *a : todo) {
    const Type *ft = a->ret_type, *it = bits_type(ft);
    if (!target.has_cas(it->bits()))
      compile_error(ErrorKind::type,
                    "an atomic on a " + ft->str() + " needs " + std::to_string(it->bits()) +
                        "-bit compare-and-swap, which the " +
                        std::string(arch_name(target.arch)) + " target does not have",
                    a->loc);
    b.set_insert_before(a);
    b.set_loc(a->loc);
    Stmt *ptr = b.insert(address_view(a->ptr(), it));
    Stmt *result = b.local_var(ft);
    b.cas_loop(ptr, [&](Stmt *old_bits) {
      Stmt *old = b.bit_cast(old_bits, ft);
      b.local_store(result, old);
      return b.bit_cast(b.binary(binary_op_of(a->op), old, a->value()), it);
    });
    replace_all_uses(k.body.get(), a, b.local_load(result));
    a->parent->erase(a);
  }
  return !todo.empty();
}

}  // namespace qtaichi::ir::passes
