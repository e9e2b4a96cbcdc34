// lower_math: on a target whose math instructions are not accurate enough (Target::
// accurate_math false: Vulkan's precision rules let sin be 2^-11 off and drivers use them),
// sqrt, sin, cos, tan, asin, acos, exp, log, tanh, ** and atan2 on floats become the IR
// routines of math_routines.cpp, within 2 ulp like the CPU's libm, on f32 and f64 alike.
// Runs before lower_arith, which then lowers the float -> int casts the routines use.
#include "ir/builder.h"
#include "ir/passes/math_routines.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

// x ** c for c in {0, 1, 2, -1}: one correctly rounded operation (or none), which is also what
// the C library's pow returns, special values included; `(fx - 1.5) ** 2` is everywhere in
// MPM code. (LLVM makes the same replacement on the CPU.)
Stmt *small_power(Builder &b, const BinaryOpStmt *p) {
  auto *c = p->rhs()->as<ConstStmt>();
  if (p->op != BinaryOp::pow || !c || !c->ret_type->is_float()) return nullptr;
  Stmt *x = p->lhs();
  if (c->fval == 0.0) return b.const_float(x->ret_type, 1.0);
  if (c->fval == 1.0) return x;
  if (c->fval == 2.0) return b.binary(BinaryOp::mul, x, x);
  if (c->fval == -1.0) return b.binary(BinaryOp::div, b.const_float(x->ret_type, 1.0), x);
  return nullptr;
}

}  // namespace

bool lower_math(Kernel &k) {
  if (k.target.accurate_math) return false;
  std::vector<Stmt *> todo;
  walk(k.body.get(), [&](Stmt *s) {
    if (!s->ret_type || !s->ret_type->is_float()) return;
    if (auto *u = s->as<UnaryOpStmt>(); u && has_math_routine(u->op)) todo.push_back(s);
    if (auto *b = s->as<BinaryOpStmt>(); b && has_math_routine(b->op)) todo.push_back(s);
  });
  Builder b(&k);
  for (Stmt *s : todo) {
    b.set_insert_before(s);
    b.set_loc(s->loc);
    Stmt *r = s->is<BinaryOpStmt>() ? small_power(b, s->as<BinaryOpStmt>()) : nullptr;
    if (!r) r = s->is<UnaryOpStmt>()
                  ? emit_math(b, s->as<UnaryOpStmt>()->op, s->ops[0])
                  : emit_math(b, s->as<BinaryOpStmt>()->op, s->ops[0], s->ops[1]);
    replace_all_uses(k.body.get(), s, r);
    s->parent->erase(s);
  }
  return !todo.empty();
}

}  // namespace qtaichi::ir::passes
