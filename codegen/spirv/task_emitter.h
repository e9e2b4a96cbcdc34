#pragma once
// Internal to codegen/spirv: the emitter of one task, split across files by statement family
// (emit_task.cpp: entry, control flow; emit_arith.cpp; emit_memory.cpp).
#include <unordered_map>

#include "codegen/spirv/spirv_builder.h"
#include "codegen/spirv/spirv_codegen.h"
#include "ir/stmt.h"
#include "runtime/context.h"

namespace qtaichi::codegen::spirv {

class TaskEmitter {
 public:
  TaskEmitter(const ir::Kernel &kernel, const ir::OffloadedTaskStmt *task,
              const std::unordered_map<const ir::AssertStmt *, int> &assert_codes,
              const std::unordered_map<const ir::PrintStmt *, int> &print_ids,
              int workgroup_size);
  std::vector<uint32_t> run();

 private:
  // ---- emit_task.cpp ----
  void emit_block(const ir::Block &block);
  void emit_stmt(const ir::Stmt *s);
  void emit_counted_loop(const ir::Stmt *loop, Id begin, Id end, Id step, const ir::Block &body);
  void emit_if(const ir::IfStmt *s);
  void emit_while(const ir::WhileStmt *s);
  void emit_assert(const ir::AssertStmt *s);
  void emit_print(const ir::PrintStmt *s);  // a record in the print buffer
  void branch_if_open(Id target);
  // Where the driver stops shaders after a number of loop iterations (lavapipe), every pass
  // through a loop header counts down a budget; at zero the loop body records kLoopLimitError
  // and the task returns.
  void count_pass();
  void check_budget();

  // ---- emit_arith.cpp ----
  Id type_of(const ir::Type *t);
  Id emit_const(const ir::ConstStmt *s);
  Id emit_unary(const ir::UnaryOpStmt *s);
  Id exact(bool is_float, Id result);
  Id emit_binary(const ir::BinaryOpStmt *s);
  Id emit_cast(Id v, const ir::Type *from, const ir::Type *to);
  Id truthy(Id v, const ir::Type *t);  // v != 0 as bool
  Id to_i32(Id b);                     // bool -> 0 / 1
  Id glsl(int inst, Id type, const std::vector<Id> &args);
  Id emit_round(Id a, const ir::Type *t);
  Id emit_float_division(Op op, Id x, Id y, const ir::Type *t);
  Id emit_fmod(Id x, Id y, const ir::Type *t);
  Id emit_clz(Id a, const ir::Type *t);

  // ---- emit_memory.cpp ----
  // Tree bases, ndarray data, argument and temp pointers, at the task's start.
  void load_bases();
  Id arg_address(int slot);  // u64 address of an argument slot
  Id context_address(size_t offset);  // u64: the context's address + offset
  Id load_at(Id address_u64, Id type, uint32_t align);
  void store_at(Id address_u64, Id value, Id type, uint32_t align);
  Id typed_pointer(Id address_u64, Id type);
  // A local variable, or one element of a local array (index: an i32 statement).
  Id local_pointer(const ir::Stmt *var, const ir::Stmt *index);
  Id address_of(const ir::Stmt *ptr);  // u64 address of a global pointer statement
  Id offset_u64(Id offset, const ir::Type *t);
  Id emit_atomic(const ir::AtomicOpStmt *s);
  Id emit_atomic_cas(const ir::AtomicCASStmt *s);
  void emit_return(const ir::Stmt *s);

  Id value(const ir::Stmt *s) const { return values_.at(s); }

  const ir::Kernel &kernel_;
  const ir::OffloadedTaskStmt *task_;
  const std::unordered_map<const ir::AssertStmt *, int> &assert_codes_;
  const std::unordered_map<const ir::PrintStmt *, int> &print_ids_;
  Builder b_;
  int workgroup_size_;
  Id u64_ = 0, u32_ = 0, i32_ = 0, bool_ = 0;
  Id context_ = 0;  // u64
  Id budget_ = 0;   // Function i32 variable, when the target has a loop limit
  Id args_ = 0, temps_ = 0, result_ = 0;
  std::vector<int> arg_slots_;                 // ir::arg_slots(kernel.args)
  std::unordered_map<int, Id> tree_bases_;     // by tree id
  std::unordered_map<int, Id> ndarray_data_;   // an ndarray argument's data address, by arg id
  std::unordered_map<const ir::Stmt *, Id> values_;
  std::unordered_map<const ir::Stmt *, Id> locals_;  // AllocaStmt -> Function variable
  struct LoopTargets {
    Id continue_to, break_to;
  };
  std::vector<LoopTargets> loops_;
};

}  // namespace qtaichi::codegen::spirv
