#pragma once
// Internal to codegen/llvm: the emitter of one kernel, split across files by statement family
// (emit_control.cpp, emit_arith.cpp, emit_memory.cpp, emit_debug.cpp).
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <unordered_map>

#include "codegen/llvm/llvm_codegen.h"
#include "codegen/llvm/target_hooks.h"
#include "ir/stmt.h"
#include "runtime/context.h"

namespace qtaichi::codegen {

class KernelEmitter {
 public:
  KernelEmitter(const ir::Kernel &kernel, const std::string &prefix, TargetHooks &hooks,
                LlvmKernel &out);
  void run();

 private:
  // ---- emit_control.cpp ----
  void emit_task(const ir::OffloadedTaskStmt *task, int index);
  void emit_block(const ir::Block &block);
  void emit_stmt(const ir::Stmt *s);
  void emit_range_for(const ir::RangeForStmt *s);
  void emit_if(const ir::IfStmt *s);
  void emit_while(const ir::WhileStmt *s);
  // Emits a counted loop begin, begin + step, ... < end over `body`; `loop` is the IR
  // statement whose LoopIndexStmts read the counter.
  void emit_counted_loop(const ir::Stmt *loop, llvm::Value *begin, llvm::Value *end,
                         llvm::Value *step, const ir::Block &body);
  // A range-for task's whole range (constants, or i32s in the temp buffer).
  std::pair<llvm::Value *, llvm::Value *> task_bounds(const ir::OffloadedTaskStmt *task);
  // After a terminator (break, continue, return), later code goes to an unreachable block.
  void start_dead_block();

  // ---- emit_arith.cpp ----
  llvm::Value *emit_const(const ir::ConstStmt *s);
  llvm::Value *emit_unary(const ir::UnaryOpStmt *s);
  llvm::Value *emit_binary(const ir::BinaryOpStmt *s);
  llvm::Value *emit_cast(llvm::Value *v, const ir::Type *from, const ir::Type *to);
  llvm::Value *truthy(llvm::Value *v);  // v != 0 as i1
  llvm::Value *to_i32(llvm::Value *bit) { return ir_.CreateZExt(bit, ir_.getInt32Ty()); }

  // ---- emit_memory.cpp ----
  llvm::Value *emit_pointer(const ir::Stmt *s);  // GlobalAddr, GlobalTemp, Alloca
  llvm::Value *local_element(const ir::Stmt *array, const ir::Stmt *index);  // in a local array
  llvm::Value *emit_atomic(const ir::AtomicOpStmt *s);
  llvm::Value *emit_atomic_cas(const ir::AtomicCASStmt *s);
  llvm::Value *tree_base(int tree_id);
  llvm::Value *context_field(rt::ContextMember member);  // address of a RuntimeContext member
  llvm::Value *arg_slot(int slot);        // address of an argument slot (in the entry block)
  void tag_memory(llvm::Instruction *inst, const ir::Stmt *ptr);  // TBAA: which memory
  void emit_return(const ir::Stmt *s);

  // ---- emit_debug.cpp ----
  void emit_print(const ir::PrintStmt *s);
  void emit_assert(const ir::AssertStmt *s);

  llvm::Type *llvm_type(const ir::Type *t);
  llvm::Value *value(const ir::Stmt *s) { return values_.at(s); }
  // Inserts an instruction in the function's entry block (allocas, hoisted loads).
  llvm::IRBuilder<> &entry_builder();

  const ir::Kernel &kernel_;
  std::string prefix_;
  TargetHooks &hooks_;
  LlvmKernel &out_;
  std::unordered_map<const ir::AssertStmt *, int> assert_codes_;  // ir::assertions_in_order
  llvm::LLVMContext &ctx_;
  llvm::Module &module_;
  llvm::IRBuilder<> ir_;
  llvm::IRBuilder<> entry_ir_;  // positioned by entry_builder()
  llvm::StructType *context_type_ = nullptr;

  // Per task function.
  llvm::Function *fn_ = nullptr;
  llvm::BasicBlock *entry_ = nullptr;
  llvm::Value *context_ = nullptr;
  std::unordered_map<int, llvm::Value *> tree_bases_;
  std::vector<int> arg_slots_;
  llvm::MDNode *tbaa_root_ = nullptr;
  std::unordered_map<std::string, llvm::MDNode *> tbaa_tags_;
  std::unordered_map<const ir::Stmt *, llvm::Value *> values_;
  struct LoopTargets {
    llvm::BasicBlock *continue_to, *break_to;
  };
  std::vector<LoopTargets> loops_;
};

}  // namespace qtaichi::codegen
