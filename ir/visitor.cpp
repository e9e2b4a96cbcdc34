#include "ir/visitor.h"

namespace qtaichi::ir {

void StmtVisitor::visit_block(Block *block) {
  for (size_t i = 0; i < block->stmts.size(); i++) {
    Stmt *s = block->stmts[i].get();
    visit(s);
    for (Block *b : s->blocks()) visit_block(b);
  }
}

void StmtVisitor::visit(Stmt *s) {
  switch (s->kind()) {
#define STMT(cls, name)                   \
  case StmtKind::cls:                     \
    visit_##cls(static_cast<cls *>(s));   \
    break;
#include "ir/stmt_kinds.inc"
#undef STMT
  }
}

void walk_mutable(Block *block, const std::function<void(Stmt *)> &fn) {
  auto &stmts = block->stmts;
  // fn only inserts before s or removes s, so s and the statement after it can only have
  // moved forward from i: search from there (linear searches would make passes quadratic).
  auto find_from = [&](size_t from, const Stmt *target) {
    for (size_t k = from; k < stmts.size(); k++)
      if (stmts[k].get() == target) return k;
    return stmts.size();
  };
  size_t i = 0;
  while (i < stmts.size()) {
    Stmt *s = stmts[i].get();
    Stmt *next = i + 1 < stmts.size() ? stmts[i + 1].get() : nullptr;
    fn(s);
    size_t at = next ? find_from(i, next) : stmts.size();  // where the walk goes on
    bool kept = false;  // s is still in the block (between i and next)
    for (size_t k = i; k < at; k++) kept = kept || stmts[k].get() == s;
    if (kept)
      for (Block *b : s->blocks()) walk_mutable(b, fn);
    i = at;
  }
}

Stmt *replace_stmt(Block *root, Stmt *old_stmt, std::unique_ptr<Stmt> new_stmt) {
  Block *b = old_stmt->parent;
  Stmt *raw = b->insert(b->index_of(old_stmt), std::move(new_stmt));
  if (!raw->loc.known()) raw->loc = old_stmt->loc;
  replace_all_uses(root, old_stmt, raw);
  b->erase(old_stmt);
  return raw;
}

std::vector<const AssertStmt *> assertions_in_order(const Kernel &kernel) {
  std::vector<const AssertStmt *> out;
  walk(kernel.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<AssertStmt>()) out.push_back(a);
  });
  return out;
}

std::vector<const PrintStmt *> prints_in_order(const Kernel &kernel) {
  std::vector<const PrintStmt *> out;
  walk(kernel.body.get(), [&](Stmt *s) {
    if (auto *p = s->as<PrintStmt>()) out.push_back(p);
  });
  return out;
}

}  // namespace qtaichi::ir
