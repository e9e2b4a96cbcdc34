#pragma once
// CUDA's side of the shared LLVM emitter: every task function is a kernel taking the runtime
// context; a range-for task runs one index per thread and strides by the grid over the rest
// (the runtime sizes the grid; bounds only known on the device are read there); math goes to
// libdevice (__nv_sinf, ...), print to the device's vprintf.
#include "codegen/llvm/target_hooks.h"

namespace qtaichi::codegen {

class CudaHooks : public TargetHooks {
 public:
  // Without libdevice, f32 sin/cos/exp/log use the PTX approximations; the rest is an error.
  explicit CudaHooks(bool have_libdevice) : have_libdevice_(have_libdevice) {}
  std::vector<llvm::Type *> range_task_params(llvm::LLVMContext &) const override { return {}; }
  ThreadRange thread_range(llvm::IRBuilder<> &b, llvm::Function *fn,
                           const TaskBounds &task_bounds) override;
  bool check_error_on_entry() const override { return true; }
  void finish_task(llvm::Function *fn) override;
  llvm::Value *call_math(llvm::IRBuilder<> &b, llvm::Module &m, const std::string &name,
                         llvm::ArrayRef<llvm::Value *> args) override;
  void call_printf(llvm::IRBuilder<> &b, llvm::Module &m, llvm::Value *format,
                   llvm::ArrayRef<llvm::Value *> args) override;

 private:
  bool have_libdevice_;
};

}  // namespace qtaichi::codegen
