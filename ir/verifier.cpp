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
    if (k_.offloaded && !k_.functions.empty()) fail(nullptr, "functions left after lower_calls");
    for (const auto &f : k_.functions) {
      if (f->body->owner) fail(nullptr, "function '" + f->name + "' has an owned body");
      fn_ = f.get();
      block(*f->body, nullptr);
      fn_ = nullptr;
      if (f->body->stmts.empty() || !f->body->stmts.back()->is<FuncReturnStmt>())
        fail(nullptr, "function '" + f->name + "' does not end with func_return");
    }
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
      case StmtKind::FuncArgStmt: {
        int i = s->as<FuncArgStmt>()->index;
        if (!fn_ || s->parent != fn_->body.get() || i < 0 || i >= static_cast<int>(fn_->params.size()) ||
            s->ret_type != fn_->params[static_cast<size_t>(i)])
          fail(s, "func_arg outside the top level of its function, or of the wrong type");
        break;
      }
      case StmtKind::FuncReturnStmt:
        if (!fn_ || s->parent != fn_->body.get() || s != fn_->body->stmts.back().get())
          fail(s, "func_return must end a function's body");
        if (s->ops.size() != fn_->results.size()) fail(s, "func_return gives the wrong number of results");
        for (size_t i = 0; i < s->ops.size(); i++)
          if (k_.type_checked && s->ops[i]->ret_type != fn_->results[i])
            fail(s, "func_return value " + std::to_string(i) + " is " + s->ops[i]->ret_type->str() +
                        ", the result is " + fn_->results[i]->str());
        break;
      case StmtKind::FuncCallStmt: {
        auto *c = s->as<FuncCallStmt>();
        bool known = false;
        for (const auto &f : k_.functions) known |= f.get() == c->callee;
        if (!known) fail(s, "call of a function the kernel does not hold");
        const Function &f = *c->callee;
        if (c->num_args != static_cast<int>(f.params.size()) ||
            s->ops.size() != f.params.size() + f.results.size())
          fail(s, "call of '" + f.name + "' with the wrong number of arguments or results");
        for (size_t i = 0; i < f.params.size(); i++)
          if (k_.type_checked && s->ops[i]->ret_type != f.params[i])
            fail(s, "argument " + std::to_string(i) + " of '" + f.name + "' is " +
                        s->ops[i]->ret_type->str() + ", the parameter is " + f.params[i]->str());
        for (size_t i = 0; i < f.results.size(); i++) {
          const Stmt *r = s->ops[f.params.size() + i];
          auto *a = r->as<AllocaStmt>();
          if (!a || a->is_array() || a->ret_type != f.results[i])
            fail(s, "result " + std::to_string(i) + " of '" + f.name + "' needs a scalar " +
                        f.results[i]->str() + " local");
        }
        break;
      }
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
    auto *a = p->as<AllocaStmt>();
    bool array = a && a->is_array();
    const Stmt *index = s->is<LocalLoadStmt>()    ? s->as<LocalLoadStmt>()->index()
                        : s->is<LocalStoreStmt>() ? s->as<LocalStoreStmt>()->index()
                                                  : nullptr;
    if (array != (index != nullptr))
      fail(s, array ? "a local array is accessed without an element index"
                    : "an element index on a scalar variable");
    if (index && index->ret_type != types::i32()) fail(s, "a local array index must be i32");
  }

  const Kernel &k_;
  std::string pass_;
  std::unordered_set<const Stmt *> visible_;
  const Function *fn_ = nullptr;  // the function whose body is being checked
};

}  // namespace

void verify(const Kernel &kernel, const std::string &after_pass) {
  Verifier(kernel, after_pass).run();
}

}  // namespace qtaichi::ir
