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
  size_t i = 0;
  while (i < block->stmts.size()) {
    Stmt *s = block->stmts[i].get();
    Stmt *next = i + 1 < block->stmts.size() ? block->stmts[i + 1].get() : nullptr;
    fn(s);
    if (block->index_of(s) != block->stmts.size())
      for (Block *b : s->blocks()) walk_mutable(b, fn);
    i = next ? block->index_of(next) : block->stmts.size();
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

}  // namespace qtaichi::ir
