#include "ir/verifier.h"

#include <unordered_set>

#include "ir/error.h"

namespace qtaichi::ir {

namespace {

class Verifier {
 public:
  Verifier(const Kernel &k, std::string pass) : k_(k), pass_(std::move(pass)) {}

  void run() {
    if (k_.body->owner) fail(nullptr, "the kernel body has an owner");
    block(*k_.body, nullptr);
  }

 private:
  [[noreturn]] void fail(const Stmt *s, const std::string &msg) {
    std::string where = pass_.empty() ? "" : " after pass '" + pass_ + "'";
    std::string what = s ? std::string(" at '") + s->kind_name() + "'" : "";
    throw CompileError(ErrorKind::internal,
                       "IR verification failed" + where + what + ": " + msg + " (kernel '" +
                           k_.name + "')",
                       s ? s->loc : SourceLoc{});
  }

  void block(const Block &b, const Stmt *owner) {
    if (b.owner != owner) fail(owner, "block owner link is wrong");
    std::vector<const Stmt *> defined_here;
    for (size_t i = 0; i < b.stmts.size(); i++) {
      const Stmt *s = b.stmts[i].get();
      if (s->parent != &b) fail(s, "parent link is wrong");
      if (i > 0 && (b.stmts[i - 1]->is<BreakStmt>() || b.stmts[i - 1]->is<ContinueStmt>()))
        fail(s, "statement after break/continue in one block (unreachable)");
      stmt(s);
      for (const Block *child : s->blocks()) block(*child, s);
      visible_.insert(s);
      defined_here.push_back(s);
    }
    for (const Stmt *s : defined_here) visible_.erase(s);
  }

  bool inside(const Stmt *s, const Stmt *ancestor) {
    for (const Block *b = s->parent; b && b->owner; b = b->owner->parent)
      if (b->owner == ancestor) return true;
    return false;
  }

  void stmt(const Stmt *s) {
    if (!s->ret_type) fail(s, "statement has no type");
    for (const Stmt *op : s->ops) {
      if (!op) fail(s, "null operand");
      if (!visible_.count(op)) fail(s, std::string("operand '") + op->kind_name() +
                                           "' is not defined before its use in scope");
      if (op->ret_type->is_void()) fail(s, "operand yields no value");
    }
    if (k_.offloaded) {
      bool top = s->parent == k_.body.get();
      if (top != s->is<OffloadedTaskStmt>())
        fail(s, top ? "only tasks may stand at the top level after offload"
                    : "tasks cannot nest");
    }
    switch (s->kind()) {
      case StmtKind::BreakStmt:
      case StmtKind::ContinueStmt: {
        Stmt *loop = enclosing_loop(const_cast<Stmt *>(s));
        // `continue` in a parallel task skips to the next index; `break` cannot leave it.
        if (!loop || (loop->is<OffloadedTaskStmt>() && s->is<BreakStmt>()))
          fail(s, "not inside a loop");
        break;
      }
      case StmtKind::LoopIndexStmt: {
        const Stmt *loop = s->as<LoopIndexStmt>()->loop;
        if (!loop || !is_loop(loop) || loop->is<WhileStmt>() || !inside(s, loop))
          fail(s, "loop_index outside its loop");
        break;
      }
      case StmtKind::GlobalPtrStmt:
      case StmtKind::ExternalPtrStmt:
        if (k_.access_lowered) fail(s, "field or ndarray pointer left after lower_access");
        break;
      case StmtKind::GlobalStoreStmt:
      case StmtKind::LocalStoreStmt:
      case StmtKind::AtomicOpStmt:
        pointer(s, s->ops[0], s->is<LocalStoreStmt>());
        if (k_.type_checked && s->ops[1]->ret_type != s->ops[0]->ret_type &&
            !(s->is<AtomicOpStmt>() && s->as<AtomicOpStmt>()->keeps_operand_type()))
          fail(s, "stored value is " + s->ops[1]->ret_type->str() + ", destination is " +
                      s->ops[0]->ret_type->str());
        break;
      case StmtKind::GlobalLoadStmt:
        pointer(s, s->ops[0], false);
        break;
      case StmtKind::AtomicCASStmt:
        pointer(s, s->ops[0], false);
        if (k_.type_checked && (s->ops[1]->ret_type != s->ops[0]->ret_type ||
                                s->ops[2]->ret_type != s->ops[0]->ret_type))
          fail(s, "compare-and-swap operands must have the destination's type " +
                      s->ops[0]->ret_type->str());
        break;
      case StmtKind::TernaryOpStmt:
        if (k_.type_checked &&
            (s->ops[1]->ret_type != s->ret_type || s->ops[2]->ret_type != s->ret_type))
          fail(s, "select branches must have the result's type " + s->ret_type->str());
        break;
      case StmtKind::GlobalAddrStmt:
      case StmtKind::ExternalAddrStmt:
        // (A container's word address may appear earlier: bit_vectorize makes those.)
        if (!k_.access_lowered && s->is<GlobalAddrStmt>() &&
            s->as<GlobalAddrStmt>()->field->kind() == SNodeKind::place)
          fail(s, "a lowered address before lower_access");
        if (!k_.access_lowered && s->is<ExternalAddrStmt>())
          fail(s, "a lowered address before lower_access");
        break;
      case StmtKind::LocalLoadStmt:
        pointer(s, s->ops[0], true);
        break;
      case StmtKind::BinaryOpStmt: {
        auto *b = s->as<BinaryOpStmt>();
        bool shift = b->op == BinaryOp::shl || b->op == BinaryOp::shr || b->op == BinaryOp::sar;
        bool logic = b->op == BinaryOp::logic_and || b->op == BinaryOp::logic_or;
        if (k_.type_checked && !shift && !logic && b->lhs()->ret_type != b->rhs()->ret_type)
          fail(s, "operand types differ: " + b->lhs()->ret_type->str() + " and " +
                      b->rhs()->ret_type->str());
        if (k_.type_checked && b->op == BinaryOp::truediv) fail(s, "truediv left after type_check");
        break;
      }
      case StmtKind::ReturnStmt:
        if (static_cast<int>(s->ops.size()) != k_.ret_count)
          fail(s, "return needs " + std::to_string(k_.ret_count) + " value(s)");
        break;
      default:
        break;
    }
  }

  void pointer(const Stmt *s, const Stmt *p, bool local) {
    bool ok = local ? p->is<AllocaStmt>() : is_pointer(p);
    if (!ok) fail(s, std::string("operand '") + p->kind_name() + "' is not a pointer");
  }

  const Kernel &k_;
  std::string pass_;
  std::unordered_set<const Stmt *> visible_;
};

}  // namespace

void verify(const Kernel &kernel, const std::string &after_pass) {
  Verifier(kernel, after_pass).run();
}

}  // namespace qtaichi::ir
