// simplify: constant folding, algebraic identities, common-subexpression elimination,
// constant-condition ifs and dead-code elimination, repeated until nothing changes.
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "ir/const_fold.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

ConstValue value_of(const Stmt *s) {
  auto *c = s->as<ConstStmt>();
  return {c->ival, c->fval};
}

std::unique_ptr<Stmt> make_const(const Type *t, ConstValue v, const SourceLoc &loc) {
  auto c = std::make_unique<ConstStmt>();
  c->ret_type = t;
  c->ival = t->is_float() ? 0 : v.i;
  c->fval = t->is_float() ? v.f : 0;
  c->loc = loc;
  return c;
}

bool is_const(const Stmt *s, double v) {
  auto *c = s->as<ConstStmt>();
  if (!c) return false;
  return c->ret_type->is_float() ? c->fval == v : c->ival == static_cast<int64_t>(v);
}

// Folds constants and applies identities (x+0, x*1, x-0, x/1, x*0 on integers).
bool fold(Kernel &k) {
  bool changed = false;
  walk_mutable(k.body.get(), [&](Stmt *s) {
    std::unique_ptr<Stmt> folded;
    Stmt *same = nullptr;
    if (auto *b = s->as<BinaryOpStmt>()) {
      ConstValue out;
      if (b->lhs()->is<ConstStmt>() && b->rhs()->is<ConstStmt>() &&
          b->lhs()->ret_type == b->rhs()->ret_type &&
          fold_binary(b->op, b->lhs()->ret_type, s->ret_type, value_of(b->lhs()),
                      value_of(b->rhs()), &out))
        folded = make_const(s->ret_type, out, s->loc);
      else if (b->lhs()->ret_type == s->ret_type && b->rhs()->ret_type == s->ret_type) {
        bool ints = s->ret_type->is_int();
        if ((b->op == BinaryOp::add || b->op == BinaryOp::sub) && ints && is_const(b->rhs(), 0))
          same = b->lhs();
        else if (b->op == BinaryOp::add && ints && is_const(b->lhs(), 0))
          same = b->rhs();
        else if ((b->op == BinaryOp::mul || b->op == BinaryOp::div) && is_const(b->rhs(), 1))
          same = b->lhs();
        else if (b->op == BinaryOp::mul && is_const(b->lhs(), 1))
          same = b->rhs();
        else if (b->op == BinaryOp::mul && ints && (is_const(b->rhs(), 0) || is_const(b->lhs(), 0)))
          folded = make_const(s->ret_type, {}, s->loc);
      }
    } else if (auto *u = s->as<UnaryOpStmt>()) {
      ConstValue out;
      if (u->operand()->is<ConstStmt>() &&
          fold_unary(u->op, u->operand()->ret_type, s->ret_type, value_of(u->operand()), &out))
        folded = make_const(s->ret_type, out, s->loc);
      else if (u->op == UnaryOp::cast_value && u->operand()->ret_type == s->ret_type)
        same = u->operand();
    } else if (auto *t = s->as<TernaryOpStmt>()) {
      if (t->ops[0]->is<ConstStmt>() && t->ops[1]->ret_type == s->ret_type &&
          t->ops[2]->ret_type == s->ret_type)
        same = value_of(t->ops[0]).i ? t->ops[1] : t->ops[2];
    }
    if (folded) {
      replace_stmt(k.body.get(), s, std::move(folded));
      changed = true;
    } else if (same) {
      replace_all_uses(k.body.get(), s, same);
      s->parent->erase(s);
      changed = true;
    }
  });
  return changed;
}

// Statements after a break or continue in the same block never run: drop them (the verifier
// refuses them, and a backend would have to emit unreachable code).
bool after_jumps(Kernel &k) {
  bool changed = false;
  std::function<void(Block *)> visit = [&](Block *b) {
    for (size_t i = 0; i < b->stmts.size(); i++) {
      Stmt *s = b->stmts[i].get();
      for (Block *c : s->blocks()) visit(c);
      if ((s->is<BreakStmt>() || s->is<ContinueStmt>()) && i + 1 < b->stmts.size()) {
        b->stmts.resize(i + 1);
        changed = true;
      }
    }
  };
  visit(k.body.get());
  return changed;
}

// An `if` on a constant is replaced by the statements of the branch it takes.
bool constant_ifs(Kernel &k) {
  bool changed = false;
  walk_mutable(k.body.get(), [&](Stmt *s) {
    auto *i = s->as<IfStmt>();
    if (!i || !i->cond()->is<ConstStmt>()) return;
    Block *taken = value_of(i->cond()).i ? i->true_block.get() : i->false_block.get();
    Block *parent = s->parent;
    size_t pos = parent->index_of(s);
    // A loop inside an `if` is not an outermost loop: lifted to the kernel's top level before
    // offload, it must stay serial (only loops written at the top level run in parallel).
    bool to_top = parent == k.body.get() && !k.offloaded;
    for (auto &child : taken->stmts) {
      if (auto *f = child->as<RangeForStmt>(); f && to_top) f->serialize = true;
      parent->insert(pos++, std::move(child));
    }
    taken->stmts.clear();
    parent->erase(s);
    changed = true;
  });
  return changed;
}

bool pure(const Stmt *s) {
  switch (s->kind()) {
    case StmtKind::ConstStmt:
    case StmtKind::UnaryOpStmt:
    case StmtKind::BinaryOpStmt:
    case StmtKind::TernaryOpStmt:
    case StmtKind::ArgLoadStmt:
    case StmtKind::LoopIndexStmt:
    case StmtKind::GlobalPtrStmt:
    case StmtKind::GlobalAddrStmt:
    case StmtKind::GlobalTempStmt:
    case StmtKind::ExternalPtrStmt:
    case StmtKind::ExternalAddrStmt:
    case StmtKind::ExternalShapeStmt:
    case StmtKind::ContextValueStmt:
      return true;
    default:
      return false;
  }
}

// Replaces a pure statement by an equal one defined earlier in an enclosing scope.
class Cse {
 public:
  explicit Cse(Kernel &k) : k_(k) {}
  bool run() {
    block(k_.body.get());
    return changed_;
  }

 private:
  struct Key {
    size_t operator()(const Stmt *s) const {
      size_t h = static_cast<size_t>(s->kind()) * 31 + reinterpret_cast<size_t>(s->ret_type);
      for (const Stmt *op : s->ops) h = h * 131 + reinterpret_cast<size_t>(op);
      if (auto *c = s->as<ConstStmt>()) h = h * 7 + static_cast<size_t>(c->ival);
      if (auto *b = s->as<BinaryOpStmt>()) h = h * 7 + static_cast<size_t>(b->op);
      if (auto *u = s->as<UnaryOpStmt>()) h = h * 7 + static_cast<size_t>(u->op);
      return h;
    }
  };
  struct Eq {
    bool operator()(const Stmt *a, const Stmt *b) const {
      return a->kind() == b->kind() && a->ret_type == b->ret_type && a->ops == b->ops &&
             a->same_attributes(*b);
    }
  };

  void block(Block *b) {
    std::vector<Stmt *> added;
    for (size_t i = 0; i < b->stmts.size();) {
      Stmt *s = b->stmts[i].get();
      if (pure(s)) {
        auto it = seen_.find(s);
        if (it != seen_.end()) {
          replace_all_uses(k_.body.get(), s, *it);
          b->erase(s);
          changed_ = true;
          continue;
        }
        seen_.insert(s);
        added.push_back(s);
      }
      // Tasks do not share values: each starts with an empty table.
      if (s->is<OffloadedTaskStmt>()) {
        auto saved = std::move(seen_);
        seen_.clear();
        for (Block *c : s->blocks()) block(c);
        seen_ = std::move(saved);
      } else {
        for (Block *c : s->blocks()) block(c);
      }
      i++;
    }
    for (Stmt *s : added) seen_.erase(s);
  }

  Kernel &k_;
  std::unordered_set<Stmt *, Key, Eq> seen_;
  bool changed_ = false;
};

bool removable(const Stmt *s) {
  return pure(s) || s->is<GlobalLoadStmt>() || s->is<LocalLoadStmt>();
}

// Removes statements whose value nobody uses, and local variables that are never read.
bool dce(Kernel &k) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    std::unordered_map<const Stmt *, int> uses;
    std::unordered_set<const Stmt *> read_allocas;
    walk(k.body.get(), [&](Stmt *s) {
      for (Stmt *op : s->ops) uses[op]++;
      if (!s->is<LocalStoreStmt>())
        for (Stmt *op : s->ops)
          if (op->is<AllocaStmt>()) read_allocas.insert(op);
    });
    std::vector<Stmt *> dead;
    walk(k.body.get(), [&](Stmt *s) {
      if (removable(s) && !uses.count(s)) dead.push_back(s);
      if (s->is<AllocaStmt>() && !read_allocas.count(s)) dead.push_back(s);
      if (s->is<LocalStoreStmt>() && !read_allocas.count(s->ops[0])) dead.push_back(s);
    });
    // Stores first, then their allocas; a statement is erased once.
    std::unordered_set<Stmt *> erased;
    for (auto it = dead.rbegin(); it != dead.rend(); ++it)
      if (erased.insert(*it).second) (*it)->parent->erase(*it);
    if (!dead.empty()) again = changed = true;
  }
  return changed;
}

// A serial task left with nothing to do is dropped (one launch fewer).
bool empty_tasks(Kernel &k) {
  if (!k.offloaded) return false;
  bool changed = false;
  auto &stmts = k.body->stmts;
  for (size_t i = 0; i < stmts.size();) {
    auto *t = stmts[i]->as<OffloadedTaskStmt>();
    if (t && t->task_kind == TaskKind::serial && t->body->stmts.empty()) {
      stmts.erase(stmts.begin() + static_cast<std::ptrdiff_t>(i));
      changed = true;
    } else {
      i++;
    }
  }
  return changed;
}

}  // namespace

bool simplify(Kernel &k) {
  bool changed = false;
  for (int round = 0; round < 16; round++) {
    bool c = fold(k);
    c |= constant_ifs(k);
    c |= after_jumps(k);
    c |= Cse(k).run();
    c |= dce(k);
    c |= empty_tasks(k);
    if (!c) break;
    changed = true;
  }
  return changed;
}

}  // namespace qtaichi::ir::passes
