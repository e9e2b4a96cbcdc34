#pragma once
// Traversal helpers for passes.
//  - StmtVisitor: read-only double dispatch by statement kind (Halide's IRVisitor style).
//  - walk_mutable: visits every statement in order while the callback inserts statements before
//    the current one or replaces/erases it.
#include <functional>

#include "ir/kernel.h"

namespace qtaichi::ir {

class StmtVisitor {
 public:
  virtual ~StmtVisitor() = default;
  // Visits the statements of `block` in order, recursing into nested blocks after each owner.
  void visit_block(Block *block);
  void visit(Stmt *s);

 protected:
  virtual void visit_default(Stmt *s) {}
#define STMT(cls, name) \
  virtual void visit_##cls(cls *s) { visit_default(s); }
#include "ir/stmt_kinds.inc"
#undef STMT
};

// Calls fn on every statement below `block` in order. fn may insert statements before the
// current one (they are not visited), or extract/replace the current one (its blocks are then
// not visited). fn must not remove statements after the current one.
void walk_mutable(Block *block, const std::function<void(Stmt *)> &fn);

// The kernel's assertions in their numbering order: assertion k (error code k + 1) is the k-th.
// Backends number them this way and the launcher formats messages from this list of the kernel
// it compiled (never from cached code, which another kernel may share).
std::vector<const AssertStmt *> assertions_in_order(const Kernel &kernel);
// The kernel's print statements in the same order (a print's id on devices without printf).
std::vector<const PrintStmt *> prints_in_order(const Kernel &kernel);

// Replaces `old_stmt` (in its block) by `new_stmt`, redirecting every use below `root`.
// Returns the inserted statement.
Stmt *replace_stmt(Block *root, Stmt *old_stmt, std::unique_ptr<Stmt> new_stmt);

}  // namespace qtaichi::ir
