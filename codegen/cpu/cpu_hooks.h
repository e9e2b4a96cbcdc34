#pragma once
// The CPU's side of the shared LLVM emitter: a range-for task function takes one chunk
// [begin, end) of the range per call (the thread pool splits the range); math goes to LLVM
// intrinsics or the host's libm, print to the host's printf.
#include "codegen/llvm/target_hooks.h"

namespace qtaichi::codegen {

class CpuHooks : public TargetHooks {
 public:
  std::vector<llvm::Type *> range_task_params(llvm::LLVMContext &ctx) const override;
  ThreadRange thread_range(llvm::IRBuilder<> &b, llvm::Function *fn,
                           const TaskBounds &task_bounds) override;
  llvm::Value *call_math(llvm::IRBuilder<> &b, llvm::Module &m, const std::string &name,
                         llvm::ArrayRef<llvm::Value *> args) override;
  void call_printf(llvm::IRBuilder<> &b, llvm::Module &m, llvm::Value *format,
                   llvm::ArrayRef<llvm::Value *> args) override;
};

}  // namespace qtaichi::codegen
