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
  std::string llvm_ir;  // the optimized module, kept only when asked for
};

class CpuJit {
 public:
  explicit CpuJit(int opt_level = 3);
  ~CpuJit();
  // Compiles a kernel that went through ir::run_pipeline. Symbols get `symbol_prefix`, which
  // must be unique within this JIT. With `cached_object` (an object file made earlier by
  // this function for the same kernel and target), optimization and machine-code generation
  // are skipped; otherwise the new object file is stored in `*new_object` when given.
  // Throws ir::CompileError.
  std::unique_ptr<CpuKernel> compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                                     const std::string *cached_object = nullptr,
                                     std::string *new_object = nullptr,
                                     bool keep_llvm_ir = false);
  // Identifies the generated code's target (LLVM version, triple, CPU, features, opt level):
  // part of the disk cache key.
  std::string target_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qtaichi::codegen
