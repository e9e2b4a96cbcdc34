#pragma once
// The CPU backend: LLVM IR from codegen/llvm, optimized at O3 for the host CPU and compiled by
// ORC LLJIT into task functions the CPU runtime launches.
#include <memory>
#include <string>
#include <vector>

#include "codegen/llvm/llvm_codegen.h"
#include "ir/kernel.h"
#include "runtime/cpu/cpu_task.h"

namespace qtaichi::codegen {

struct CpuKernel {
  std::vector<rt::CpuTask> tasks;
  std::vector<LlvmAssertion> assertions;
  std::string llvm_ir;  // the optimized module, kept only when asked for
};

class CpuJit {
 public:
  explicit CpuJit(int opt_level = 3);
  ~CpuJit();
  // Compiles a kernel that went through ir::run_pipeline. Symbols get `symbol_prefix`, which
  // must be unique within this JIT. Throws ir::CompileError.
  std::unique_ptr<CpuKernel> compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                                     bool keep_llvm_ir = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qtaichi::codegen
