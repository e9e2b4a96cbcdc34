#pragma once
// What differs between the targets of the shared LLVM emitter, and nothing else: how a task
// function is entered (the CPU calls it once per chunk [begin, end); a GPU starts one thread
// per index and strides), how math functions and printf are reached, and how a task function
// becomes an entry point. Everything a target can or cannot do at the IR level is in ir::Target
// and was handled by the passes before the emitter runs.
#include <llvm/ADT/ArrayRef.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace qtaichi::codegen {

// The indices one invocation of a range-for task runs: first, first + step, ... < end.
struct ThreadRange {
  llvm::Value *first, *end, *step;
};

// Emits the loads of a range-for task's whole range [begin, end) (constants, or i32s an
// earlier task left in the temp buffer).
using TaskBounds = std::function<std::pair<llvm::Value *, llvm::Value *>()>;

class TargetHooks {
 public:
  virtual ~TargetHooks() = default;
  // Parameters of a range-for task function after the runtime context pointer.
  virtual std::vector<llvm::Type *> range_task_params(llvm::LLVMContext &ctx) const = 0;
  virtual ThreadRange thread_range(llvm::IRBuilder<> &b, llvm::Function *fn,
                                   const TaskBounds &task_bounds) = 0;
  // True where the tasks of a launch run without the host looking between them (a GPU): a
  // task then returns at once when an earlier one recorded an error.
  virtual bool check_error_on_entry() const { return false; }
  // Called once per task function when its body is complete.
  virtual void finish_task(llvm::Function *fn) {}
  // A libm function by its double-precision C name (sin, atan2, fmod, ...), at the precision
  // of `args` (f32 or f64).
  virtual llvm::Value *call_math(llvm::IRBuilder<> &b, llvm::Module &m, const std::string &name,
                                 llvm::ArrayRef<llvm::Value *> args) = 0;
  // printf(format, args...): integers as i64, floats as double.
  virtual void call_printf(llvm::IRBuilder<> &b, llvm::Module &m, llvm::Value *format,
                           llvm::ArrayRef<llvm::Value *> args) = 0;
};

}  // namespace qtaichi::codegen
