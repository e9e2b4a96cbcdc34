#include "ir/stmt.h"

#include "ir/error.h"
#include "ir/kernel.h"

namespace qtaichi::ir {

const char *Stmt::kind_name() const {
  switch (kind_) {
#define STMT(cls, name) \
  case StmtKind::cls:   \
    return #name;
#include "ir/stmt_kinds.inc"
#undef STMT
  }
  return "?";
}

const char *unary_op_name(UnaryOp op) {
  static const char *names[] = {"neg",   "bit_not", "logic_not", "sqrt", "sin",  "cos",
                                "tan",   "asin",    "acos",      "exp",  "log",  "tanh",
                                "floor", "ceil",    "round",     "abs",  "cast", "bitcast",
                                "clz"};
  return names[static_cast<int>(op)];
}

const char *binary_op_name(BinaryOp op) {
  static const char *names[] = {"add",     "sub",    "mul",     "div",    "truediv", "floordiv",
                                "mod",     "pow",    "min",     "max",    "atan2",   "bit_and",
                                "bit_or",  "bit_xor", "shl",    "shr",    "sar",     "cmp_lt",
                                "cmp_le",  "cmp_gt", "cmp_ge",  "cmp_eq", "cmp_ne",  "logic_and",
                                "logic_or", "rem"};
  return names[static_cast<int>(op)];
}

bool is_comparison(BinaryOp op) { return op >= BinaryOp::cmp_lt && op <= BinaryOp::cmp_ne; }

BinaryOp binary_op_of(AtomicOp op) {
  switch (op) {
    case AtomicOp::add: return BinaryOp::add;
    case AtomicOp::sub: return BinaryOp::sub;
    case AtomicOp::min: return BinaryOp::min;
    case AtomicOp::max: return BinaryOp::max;
    case AtomicOp::bit_and: return BinaryOp::bit_and;
    case AtomicOp::bit_or: return BinaryOp::bit_or;
    case AtomicOp::bit_xor: return BinaryOp::bit_xor;
    case AtomicOp::mul: return BinaryOp::mul;
  }
  return BinaryOp::add;
}

const char *atomic_op_name(AtomicOp op) {
  static const char *names[] = {"add", "sub", "min", "max", "bit_and", "bit_or", "bit_xor",
                                "mul"};
  return names[static_cast<int>(op)];
}

Stmt *Block::append(std::unique_ptr<Stmt> s) { return insert(stmts.size(), std::move(s)); }

Stmt *Block::insert(size_t pos, std::unique_ptr<Stmt> s) {
  s->parent = this;
  for (Block *b : s->blocks()) b->owner = s.get();
  Stmt *raw = s.get();
  stmts.insert(stmts.begin() + static_cast<std::ptrdiff_t>(pos), std::move(s));
  return raw;
}

size_t Block::index_of(const Stmt *s) const {
  for (size_t i = 0; i < stmts.size(); i++)
    if (stmts[i].get() == s) return i;
  return stmts.size();
}

std::unique_ptr<Stmt> Block::extract(const Stmt *s) {
  size_t i = index_of(s);
  if (i == stmts.size()) throw CompileError(ErrorKind::internal, "statement not in block");
  std::unique_ptr<Stmt> out = std::move(stmts[i]);
  stmts.erase(stmts.begin() + static_cast<std::ptrdiff_t>(i));
  out->parent = nullptr;
  return out;
}

RangeForStmt::RangeForStmt() : body(std::make_unique<Block>(this)) { ret_type = types::void_(); }
IfStmt::IfStmt()
    : true_block(std::make_unique<Block>(this)), false_block(std::make_unique<Block>(this)) {
  ret_type = types::void_();
}
WhileStmt::WhileStmt() : body(std::make_unique<Block>(this)) { ret_type = types::void_(); }
OffloadedTaskStmt::OffloadedTaskStmt() : body(std::make_unique<Block>(this)) {
  ret_type = types::void_();
}

// Statements with blocks are not cloned by generic code (CSE and friends skip them).
std::unique_ptr<Stmt> RangeForStmt::clone() const { return nullptr; }
std::unique_ptr<Stmt> IfStmt::clone() const { return nullptr; }
std::unique_ptr<Stmt> WhileStmt::clone() const { return nullptr; }
std::unique_ptr<Stmt> OffloadedTaskStmt::clone() const { return nullptr; }

Kernel::Kernel(std::string name) : name(std::move(name)), body(std::make_unique<Block>(nullptr)) {}
Function::Function() : body(std::make_unique<Block>(nullptr)) {}

std::vector<int> arg_slots(const std::vector<KernelArg> &args) {
  std::vector<int> slots;
  int next = 0;
  for (const KernelArg &a : args) {
    slots.push_back(next);
    next += 1 + a.ndim;
  }
  slots.push_back(next);  // the total, one past the last
  return slots;
}

void walk(Block *block, const std::function<void(Stmt *)> &fn) {
  // Index loop: fn may append statements to the block being walked.
  for (size_t i = 0; i < block->stmts.size(); i++) {
    Stmt *s = block->stmts[i].get();
    fn(s);
    for (Block *b : s->blocks()) walk(b, fn);
  }
}

void replace_all_uses(Block *block, Stmt *old_stmt, Stmt *new_stmt) {
  walk(block, [&](Stmt *s) {
    for (Stmt *&op : s->ops)
      if (op == old_stmt) op = new_stmt;
    if (auto *li = s->as<LoopIndexStmt>(); li && li->loop == old_stmt) li->loop = new_stmt;
  });
}

Stmt *enclosing_loop(Stmt *s) {
  for (Block *b = s->parent; b && b->owner; b = b->owner->parent)
    if (is_loop(b->owner)) return b->owner;
  return nullptr;
}

bool AtomicOpStmt::keeps_operand_type() const {
  if (op != AtomicOp::min && op != AtomicOp::max) return false;
  const Type *t = value()->ret_type;
  if (!t || t->is_void() || t->kind() == PrimKind::u1) return false;
  if (auto *p = ptr()->as<GlobalPtrStmt>()) return p->field->is_bit_level();
  if (auto *a = ptr()->as<GlobalAddrStmt>()) return a->is_bit_level();
  return false;
}

}  // namespace qtaichi::ir
