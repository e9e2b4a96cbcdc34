// type_check: gives every statement its type and makes operand types agree by inserting casts
// (Taichi's promotion rules live in ir/type_rules.cpp). `/` becomes a float division here.
#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/passes.h"
#include "ir/type_rules.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

class TypeCheck {
 public:
  explicit TypeCheck(Kernel &k) : k_(k), b_(&k) {}

  void run() {
    walk_mutable(k_.body.get(), [&](Stmt *s) { check(s); });
    k_.type_checked = true;
  }
  bool changed = false;

 private:
  // Makes s->ops[i] have type t, casting before s when needed.
  void cast_operand(Stmt *s, size_t i, const Type *t) {
    if (s->ops[i]->ret_type == t) return;
    b_.set_insert_before(s);
    b_.set_loc(s->loc);
    s->ops[i] = b_.cast(s->ops[i], t);
    changed = true;
  }

  void require_int(Stmt *s, size_t i, const char *what) {
    if (!s->ops[i]->ret_type->is_int())
      compile_error(ErrorKind::type,
                    std::string(what) + " must be an integer, got " + s->ops[i]->ret_type->str(),
                    s->loc);
  }

  void check(Stmt *s) {
    switch (s->kind()) {
      case StmtKind::BinaryOpStmt: {
        auto *b = s->as<BinaryOpStmt>();
        const Type *t =
            binary_operand_type(b->op, b->lhs()->ret_type, b->rhs()->ret_type, k_, s->loc);
        if (t) {
          bool shift = b->op == BinaryOp::shl || b->op == BinaryOp::shr || b->op == BinaryOp::sar;
          if (!shift) cast_operand(s, 0, t);
          cast_operand(s, 1, t);
        }
        if (b->op == BinaryOp::truediv) {
          b->op = BinaryOp::div;  // operands are floats now
          changed = true;
        }
        infer_ret_type(s, k_);
        break;
      }
      case StmtKind::UnaryOpStmt: {
        auto *u = s->as<UnaryOpStmt>();
        cast_operand(s, 0, unary_operand_type(u->op, u->operand()->ret_type, k_, s->loc));
        infer_ret_type(s, k_);
        break;
      }
      case StmtKind::TernaryOpStmt: {
        require_int(s, 0, "the condition of a conditional expression");
        const Type *t = promoted_type(s->ops[1]->ret_type, s->ops[2]->ret_type);
        cast_operand(s, 1, t);
        cast_operand(s, 2, t);
        s->ret_type = t;
        break;
      }
      case StmtKind::GlobalStoreStmt:
      case StmtKind::LocalStoreStmt:
      case StmtKind::AtomicOpStmt:
        if (s->ops[1]->ret_type->is_void())
          compile_error(ErrorKind::type, "cannot store a statement that yields no value", s->loc);
        if (!(s->is<AtomicOpStmt>() && s->as<AtomicOpStmt>()->keeps_operand_type()))
          cast_operand(s, 1, s->ops[0]->ret_type);
        infer_ret_type(s, k_);
        break;
      case StmtKind::AtomicCASStmt:
        cast_operand(s, 1, s->ops[0]->ret_type);
        cast_operand(s, 2, s->ops[0]->ret_type);
        break;
      case StmtKind::GlobalPtrStmt:
      case StmtKind::ExternalPtrStmt:
        for (size_t i = 0; i < s->ops.size(); i++) {
          require_int(s, i, "a field index");
          cast_operand(s, i, types::i32());
        }
        break;
      case StmtKind::RangeForStmt:
        require_int(s, 0, "a range bound");
        require_int(s, 1, "a range bound");
        cast_operand(s, 0, types::i32());
        cast_operand(s, 1, types::i32());
        break;
      case StmtKind::IfStmt:
        require_int(s, 0, "an if condition");
        break;
      case StmtKind::AssertStmt:
        require_int(s, 0, "an assertion condition");
        break;
      case StmtKind::ReturnStmt:
        if (k_.ret_type->is_void())
          compile_error(ErrorKind::syntax, "kernel '" + k_.name + "' has no return type", s->loc);
        for (size_t i = 0; i < s->ops.size(); i++) cast_operand(s, static_cast<int>(i), k_.ret_type);
        break;
      default:
        if (!s->ret_type) infer_ret_type(s, k_);
        break;
    }
  }

  Kernel &k_;
  Builder b_;
};

}  // namespace

bool type_check(Kernel &k) {
  TypeCheck t(k);
  t.run();
  return t.changed;
}

}  // namespace qtaichi::ir::passes
