#pragma once
// Statements of the structured SSA IR. A kernel is a Block of statements; control flow nests
// (IfStmt, RangeForStmt, WhileStmt own their blocks). Every value-producing statement is defined
// once and used by pointer; all value operands live in Stmt::ops so generic passes (CSE, DCE,
// use replacement, the verifier) need no per-kind code.
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "ir/snode.h"
#include "ir/source_loc.h"
#include "ir/type.h"

namespace qtaichi::ir {

enum class StmtKind {
#define STMT(cls, name) cls,
#include "ir/stmt_kinds.inc"
#undef STMT
};

class Block;
class Stmt;

class Stmt {
 public:
  virtual ~Stmt() = default;
  StmtKind kind() const { return kind_; }
  const char *kind_name() const;

  const Type *ret_type = nullptr;  // void for statements that yield nothing
  SourceLoc loc;
  Block *parent = nullptr;
  std::vector<Stmt *> ops;  // value operands

  // Blocks this statement owns (bodies of if/for/while/task), in order.
  virtual std::vector<Block *> blocks() const { return {}; }
  // True when removing the statement could change the program's behaviour.
  virtual bool has_side_effects() const { return false; }
  // Same kind and non-operand attributes (used by CSE together with ops and ret_type).
  virtual bool same_attributes(const Stmt &other) const { return false; }
  // A copy with the same operands (the caller remaps them); only for statements without blocks.
  virtual std::unique_ptr<Stmt> clone() const = 0;

  template <typename T>
  T *as() {
    return kind_ == T::kKind ? static_cast<T *>(this) : nullptr;
  }
  template <typename T>
  const T *as() const {
    return kind_ == T::kKind ? static_cast<const T *>(this) : nullptr;
  }
  template <typename T>
  bool is() const {
    return kind_ == T::kKind;
  }

 protected:
  explicit Stmt(StmtKind kind) : kind_(kind) {}

 private:
  StmtKind kind_;
};

class Block {
 public:
  explicit Block(Stmt *owner) : owner(owner) {}
  Stmt *owner;  // the statement whose body this is; nullptr for a kernel's top level
  std::vector<std::unique_ptr<Stmt>> stmts;

  Stmt *append(std::unique_ptr<Stmt> s);
  Stmt *insert(size_t pos, std::unique_ptr<Stmt> s);
  size_t index_of(const Stmt *s) const;  // stmts.size() when absent
  std::unique_ptr<Stmt> extract(const Stmt *s);
  void erase(const Stmt *s) { extract(s); }
};

// CRTP helper giving each statement its kind constant and a clone().
template <typename Derived, StmtKind K>
class StmtBase : public Stmt {
 public:
  static constexpr StmtKind kKind = K;
  StmtBase() : Stmt(K) {}
  std::unique_ptr<Stmt> clone() const override {
    if constexpr (std::is_copy_constructible_v<Derived>)
      return std::make_unique<Derived>(static_cast<const Derived &>(*this));
    else
      return nullptr;  // statements owning blocks override clone()
  }
};

#define QTI_SAME_ATTRS(cls, expr)                              \
  bool same_attributes(const Stmt &o) const override {         \
    if (o.kind() != kKind) return false;                       \
    const cls &other = static_cast<const cls &>(o);            \
    (void)other;                                               \
    return expr;                                               \
  }

// ---- values ----------------------------------------------------------------------------

class ConstStmt : public StmtBase<ConstStmt, StmtKind::ConstStmt> {
 public:
  int64_t ival = 0;  // integers (two's complement bits for unsigned)
  double fval = 0;   // floats
  // Floats compare by their bits: 0.0 and -0.0 are different constants (1/x tells them apart).
  QTI_SAME_ATTRS(ConstStmt, ival == other.ival && std::bit_cast<uint64_t>(fval) ==
                                                      std::bit_cast<uint64_t>(other.fval))
};

enum class UnaryOp {
  neg, bit_not, logic_not, sqrt, sin, cos, tan, asin, acos, exp, log, tanh,
  floor, ceil, round, abs, cast_value, cast_bits,
  clz  // count leading zeros of an integer (its width for 0)
};
const char *unary_op_name(UnaryOp op);

class UnaryOpStmt : public StmtBase<UnaryOpStmt, StmtKind::UnaryOpStmt> {
 public:
  UnaryOp op = UnaryOp::neg;
  const Type *cast_type = nullptr;  // for cast_value / cast_bits
  Stmt *operand() const { return ops[0]; }
  QTI_SAME_ATTRS(UnaryOpStmt, op == other.op && cast_type == other.cast_type)
};

enum class BinaryOp {
  add, sub, mul,
  div,        // C semantics: truncating for integers
  truediv,    // Python '/': float result (type_check turns it into div on floats)
  floordiv,   // Python '//': rounds toward -inf
  mod,        // Python '%': result has the sign of the divisor
  pow, min, max, atan2,
  bit_and, bit_or, bit_xor,
  shl,
  shr,        // logical right shift
  sar,        // '>>': arithmetic on signed types, logical on unsigned
  cmp_lt, cmp_le, cmp_gt, cmp_ge, cmp_eq, cmp_ne,  // yield i32 0 or 1
  logic_and, logic_or,                              // operands != 0, yield i32 0 or 1
  rem,        // C remainder (sign of the dividend; fmod for floats): made by lower_arith
};
const char *binary_op_name(BinaryOp op);
bool is_comparison(BinaryOp op);

class BinaryOpStmt : public StmtBase<BinaryOpStmt, StmtKind::BinaryOpStmt> {
 public:
  BinaryOp op = BinaryOp::add;
  Stmt *lhs() const { return ops[0]; }
  Stmt *rhs() const { return ops[1]; }
  QTI_SAME_ATTRS(BinaryOpStmt, op == other.op)
};

// select(cond, a, b): a when cond != 0.
class TernaryOpStmt : public StmtBase<TernaryOpStmt, StmtKind::TernaryOpStmt> {
 public:
  QTI_SAME_ATTRS(TernaryOpStmt, true)
};

class ArgLoadStmt : public StmtBase<ArgLoadStmt, StmtKind::ArgLoadStmt> {
 public:
  int arg_id = 0;
  QTI_SAME_ATTRS(ArgLoadStmt, arg_id == other.arg_id)
};

class ReturnStmt : public StmtBase<ReturnStmt, StmtKind::ReturnStmt> {
 public:
  bool has_side_effects() const override { return true; }
};

// The index of the loop `loop` (a RangeForStmt or a range-for OffloadedTaskStmt).
class LoopIndexStmt : public StmtBase<LoopIndexStmt, StmtKind::LoopIndexStmt> {
 public:
  Stmt *loop = nullptr;
  QTI_SAME_ATTRS(LoopIndexStmt, loop == other.loop)
};

// ---- memory ----------------------------------------------------------------------------

// A field element before layout: the field and one index per axis (ops). ret_type is the
// element type; loads, stores and atomics take it as their pointer operand.
class GlobalPtrStmt : public StmtBase<GlobalPtrStmt, StmtKind::GlobalPtrStmt> {
 public:
  SNode *field = nullptr;
  QTI_SAME_ATTRS(GlobalPtrStmt, field == other.field)
};

// A field element after layout: (tree, byte offset = ops[0]). Backends map the tree to a base
// pointer (LLVM) or a storage buffer (SPIR-V). For a bit-level (quant) field, ops[1] is the bit
// where its digits start inside the container word at that byte offset, and ret_type is the
// compute type; lower_quant replaces such addresses by word addresses (field = the container
// node, ret_type = the container's unsigned type).
class GlobalAddrStmt : public StmtBase<GlobalAddrStmt, StmtKind::GlobalAddrStmt> {
 public:
  SNode *field = nullptr;
  int tree_id = 0;
  Stmt *byte_offset() const { return ops[0]; }
  bool is_bit_level() const { return ops.size() == 2; }
  Stmt *bit_offset() const { return ops[1]; }
  QTI_SAME_ATTRS(GlobalAddrStmt, field == other.field && tree_id == other.tree_id)
};

// A slot of the kernel's temporary buffer: values that cross from one task to another.
class GlobalTempStmt : public StmtBase<GlobalTempStmt, StmtKind::GlobalTempStmt> {
 public:
  int64_t offset = 0;
  QTI_SAME_ATTRS(GlobalTempStmt, offset == other.offset)
};

// An element of an ndarray argument (a numpy array passed to the kernel) before layout:
// the argument and one index per dimension (ops). Arrays are C-contiguous.
class ExternalPtrStmt : public StmtBase<ExternalPtrStmt, StmtKind::ExternalPtrStmt> {
 public:
  int arg_id = 0;
  QTI_SAME_ATTRS(ExternalPtrStmt, arg_id == other.arg_id)
};

// An ndarray element after layout: (argument, byte offset = ops[0]). Backends map the argument
// to its data pointer (LLVM) or a storage buffer (SPIR-V).
class ExternalAddrStmt : public StmtBase<ExternalAddrStmt, StmtKind::ExternalAddrStmt> {
 public:
  int arg_id = 0;
  Stmt *byte_offset() const { return ops[0]; }
  QTI_SAME_ATTRS(ExternalAddrStmt, arg_id == other.arg_id)
};

// The extent of one dimension of an ndarray argument (i32).
class ExternalShapeStmt : public StmtBase<ExternalShapeStmt, StmtKind::ExternalShapeStmt> {
 public:
  int arg_id = 0;
  int axis = 0;
  QTI_SAME_ATTRS(ExternalShapeStmt, arg_id == other.arg_id && axis == other.axis)
};

class GlobalLoadStmt : public StmtBase<GlobalLoadStmt, StmtKind::GlobalLoadStmt> {
 public:
  Stmt *ptr() const { return ops[0]; }
};

class GlobalStoreStmt : public StmtBase<GlobalStoreStmt, StmtKind::GlobalStoreStmt> {
 public:
  Stmt *ptr() const { return ops[0]; }
  Stmt *value() const { return ops[1]; }
  // Set by infer_thread_safety: no other thread of the loop touches this word, so a partial
  // store to a bit-level field needs no compare-and-swap.
  bool thread_safe = false;
  // Stores made by one assignment (a vector or matrix element written component by component)
  // share a nonzero group: they write a shared exponent together. 0: a store of its own.
  int store_group = 0;
  bool has_side_effects() const override { return true; }
};

// Stores to several members of one bit-struct word at once (made by fuse_bit_struct_stores):
// ops[0] is the word's byte offset in the tree, then one value per member.
class BitStructStoreStmt : public StmtBase<BitStructStoreStmt, StmtKind::BitStructStoreStmt> {
 public:
  SNode *bit_struct = nullptr;
  std::vector<SNode *> members;  // the fields written, in the order of ops[1..]
  bool thread_safe = false;
  Stmt *byte_offset() const { return ops[0]; }
  bool has_side_effects() const override { return true; }
};

enum class AtomicOp { add, sub, min, max, bit_and, bit_or, bit_xor, mul };
// The binary operation an atomic applies to the old value and its operand.
BinaryOp binary_op_of(AtomicOp op);
const char *atomic_op_name(AtomicOp op);

// Atomically updates *ptr (a global pointer, a temp, or an alloca) and yields the old value.
class AtomicOpStmt : public StmtBase<AtomicOpStmt, StmtKind::AtomicOpStmt> {
 public:
  AtomicOp op = AtomicOp::add;
  bool thread_safe = false;  // see GlobalStoreStmt::thread_safe
  Stmt *ptr() const { return ops[0]; }
  Stmt *value() const { return ops[1]; }
  // A min/max on a quant field keeps its operand's own type until lower_quant clamps it to the
  // field's range (-100 must not wrap to a large unsigned value first).
  bool keeps_operand_type() const;
  bool has_side_effects() const override { return true; }
};

// Atomic compare-and-swap: if *ptr == expected then *ptr = desired; yields the old value.
class AtomicCASStmt : public StmtBase<AtomicCASStmt, StmtKind::AtomicCASStmt> {
 public:
  Stmt *ptr() const { return ops[0]; }
  Stmt *expected() const { return ops[1]; }
  Stmt *desired() const { return ops[2]; }
  bool has_side_effects() const override { return true; }
};

// A mutable local variable; ret_type is the variable's (element) type. With array_len > 0 it
// is an array of that many elements (the call stack lower_calls makes), read and written
// through LocalLoad/LocalStore with an i32 element index.
class AllocaStmt : public StmtBase<AllocaStmt, StmtKind::AllocaStmt> {
 public:
  int array_len = 0;
  bool is_array() const { return array_len > 0; }
  bool has_side_effects() const override { return true; }  // identity matters: never CSE'd
};

// ops: the variable, then the element index when it is an array.
class LocalLoadStmt : public StmtBase<LocalLoadStmt, StmtKind::LocalLoadStmt> {
 public:
  Stmt *var() const { return ops[0]; }
  Stmt *index() const { return ops.size() > 1 ? ops[1] : nullptr; }
};

// ops: the variable, the value, then the element index when it is an array.
class LocalStoreStmt : public StmtBase<LocalStoreStmt, StmtKind::LocalStoreStmt> {
 public:
  Stmt *var() const { return ops[0]; }
  Stmt *value() const { return ops[1]; }
  Stmt *index() const { return ops.size() > 2 ? ops[2] : nullptr; }
  bool has_side_effects() const override { return true; }
};

// ---- control flow ----------------------------------------------------------------------

class RangeForStmt : public StmtBase<RangeForStmt, StmtKind::RangeForStmt> {
 public:
  RangeForStmt();
  RangeForStmt(const RangeForStmt &) = delete;
  std::unique_ptr<Block> body;
  bool serialize = false;  // ti.loop_config(serialize=True)
  int block_dim = 0;       // ti.loop_config(block_dim=...): the chunk size of a parallel loop
  // ti.loop_config(bit_vectorize=True): a struct-for over a 1-bit quant array that the
  // bit_vectorize pass turns into a loop over whole words (32 cells at a time).
  bool bit_vectorize = false;
  Stmt *begin() const { return ops[0]; }
  Stmt *end() const { return ops[1]; }
  std::vector<Block *> blocks() const override { return {body.get()}; }
  bool has_side_effects() const override { return true; }
  std::unique_ptr<Stmt> clone() const override;
};

class IfStmt : public StmtBase<IfStmt, StmtKind::IfStmt> {
 public:
  IfStmt();
  IfStmt(const IfStmt &) = delete;
  std::unique_ptr<Block> true_block, false_block;
  Stmt *cond() const { return ops[0]; }
  std::vector<Block *> blocks() const override { return {true_block.get(), false_block.get()}; }
  bool has_side_effects() const override { return true; }
  std::unique_ptr<Stmt> clone() const override;
};

// Loops until a BreakStmt leaves it; `while c:` is `while { if !c: break; ... }`.
class WhileStmt : public StmtBase<WhileStmt, StmtKind::WhileStmt> {
 public:
  WhileStmt();
  WhileStmt(const WhileStmt &) = delete;
  std::unique_ptr<Block> body;
  std::vector<Block *> blocks() const override { return {body.get()}; }
  bool has_side_effects() const override { return true; }
  std::unique_ptr<Stmt> clone() const override;
};

class BreakStmt : public StmtBase<BreakStmt, StmtKind::BreakStmt> {
 public:
  bool has_side_effects() const override { return true; }
};

class ContinueStmt : public StmtBase<ContinueStmt, StmtKind::ContinueStmt> {
 public:
  bool has_side_effects() const override { return true; }
};

// A random value of ret_type: floats uniform in [0, 1), integers uniform over all bits. Each
// parallel loop index (and each serial task) has its own stream, seeded from ti.init's
// random_seed, the launch count and the index, so results do not depend on the thread count.
class RandStmt : public StmtBase<RandStmt, StmtKind::RandStmt> {
 public:
  bool has_side_effects() const override { return true; }  // advances the stream
};

// A per-launch value of the runtime context (u64), for language rules lowered to plain IR.
enum class ContextValue { rand_seed, launch_id };
class ContextValueStmt : public StmtBase<ContextValueStmt, StmtKind::ContextValueStmt> {
 public:
  ContextValue which = ContextValue::rand_seed;
  QTI_SAME_ATTRS(ContextValueStmt, which == other.which)
};

// ---- debugging -------------------------------------------------------------------------

// Prints its items separated by spaces, then a newline. An item is either a string or the
// index of a value in ops.
class PrintStmt : public StmtBase<PrintStmt, StmtKind::PrintStmt> {
 public:
  std::vector<std::variant<int, std::string>> items;
  bool has_side_effects() const override { return true; }
};

// Stops the kernel with an error when ops[0] == 0. `message` may contain %d (integer) and %f
// (float) placeholders that take ops[1..] in order, e.g. an out-of-range index.
class AssertStmt : public StmtBase<AssertStmt, StmtKind::AssertStmt> {
 public:
  std::string message;
  bool index_check = false;  // a bounds check (reported as an index error)
  bool has_side_effects() const override { return true; }
};

// ---- tasks (after offload) -------------------------------------------------------------

enum class TaskKind { serial, range_for };

// One launch. A range_for task runs its body once per index in [begin, end), in parallel
// chunks; each bound is a constant or, when `*_temp` >= 0, an i32 read from the temp buffer
// at that byte offset when the task starts (written by an earlier task).
class OffloadedTaskStmt : public StmtBase<OffloadedTaskStmt, StmtKind::OffloadedTaskStmt> {
 public:
  OffloadedTaskStmt();
  OffloadedTaskStmt(const OffloadedTaskStmt &) = delete;
  TaskKind task_kind = TaskKind::serial;
  int64_t begin = 0, end = 0;
  int64_t begin_temp = -1, end_temp = -1;
  int block_dim = 0;  // 0: the runtime chooses
  std::unique_ptr<Block> body;
  std::vector<Block *> blocks() const override { return {body.get()}; }
  bool has_side_effects() const override { return true; }
  std::unique_ptr<Stmt> clone() const override;
};

// ---- real functions (ti.real_func; lower_calls removes them) ----------------------------

struct Function;

// Parameter `index` of the function whose body holds this statement.
class FuncArgStmt : public StmtBase<FuncArgStmt, StmtKind::FuncArgStmt> {
 public:
  int index = 0;
  QTI_SAME_ATTRS(FuncArgStmt, index == other.index)
};

// Calls `callee`: ops are its arguments, then one scalar alloca per result, which the call
// writes before the next statement runs.
class FuncCallStmt : public StmtBase<FuncCallStmt, StmtKind::FuncCallStmt> {
 public:
  Function *callee = nullptr;
  int num_args = 0;
  bool has_side_effects() const override { return true; }
};

// The results of a function (ops, one per result): the last statement of its body, only there.
class FuncReturnStmt : public StmtBase<FuncReturnStmt, StmtKind::FuncReturnStmt> {
 public:
  bool has_side_effects() const override { return true; }
};

// Tells whether a statement is (or loads from) a loop: RangeFor, While or a range-for task.
// True for statements that address memory: loads, stores and atomics take them.
inline bool is_pointer(const Stmt *s) {
  return s->is<GlobalPtrStmt>() || s->is<GlobalAddrStmt>() || s->is<GlobalTempStmt>() ||
         s->is<ExternalPtrStmt>() || s->is<ExternalAddrStmt>() || s->is<AllocaStmt>();
}

inline bool is_loop(const Stmt *s) {
  if (s->is<RangeForStmt>() || s->is<WhileStmt>()) return true;
  auto *t = s->as<OffloadedTaskStmt>();
  return t && t->task_kind == TaskKind::range_for;
}

}  // namespace qtaichi::ir
