#pragma once
// LLVM IR from a lowered kernel (after ir::run_pipeline): one function per task. Shared by the
// CPU JIT and the CUDA backend, which differ only in their TargetHooks (target_hooks.h). Knows nothing about quantization: lower_quant has
// removed it before this runs.
#include <memory>
#include <string>
#include <vector>

#include "ir/kernel.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace qtaichi::codegen {

struct LlvmTask {
  std::string symbol;
  bool range_for = false;
  int64_t begin = 0, end = 0, begin_temp = -1, end_temp = -1;
  int block_dim = 0;
};

struct LlvmKernel {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  std::vector<LlvmTask> tasks;
  LlvmKernel();
  ~LlvmKernel();
  LlvmKernel(LlvmKernel &&) noexcept;
};

class TargetHooks;

// Task functions are named <symbol_prefix>_t<i>.
LlvmKernel emit_llvm(const ir::Kernel &kernel, const std::string &symbol_prefix,
                     TargetHooks &hooks);

}  // namespace qtaichi::codegen
