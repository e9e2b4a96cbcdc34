#pragma once
// The CUDA backend's compiler: LLVM IR from codegen/llvm (with CudaHooks), libdevice linked in
// as bitcode, optimized and turned into PTX text by LLVM's NVPTX target. Needs no GPU and no
// driver: the PTX is loaded by rt::CudaDevice, or checked with ptxas, or shipped in a module.
#include <memory>
#include <string>
#include <vector>

#include "codegen/llvm/llvm_codegen.h"
#include "ir/kernel.h"

namespace qtaichi::codegen {

struct PtxTarget {
  int sm = 80;   // compute capability, 80 (sm_80) to 90 (sm_90)
  int isa = 70;  // PTX ISA version (70: PTX 7.0)
  // The target for a device of compute capability `cc` whose driver has CUDA version
  // `driver_version` (1000 * major + 10 * minor; 0: unknown, use the least the SM needs).
  static PtxTarget for_device(int cc, int driver_version);
  std::string str() const;  // "sm_80+ptx70"
};

struct PtxKernel {
  std::string ptx;
  std::vector<LlvmTask> tasks;
  std::string llvm_ir;  // the optimized module, kept only when asked for
};

class PtxCompiler {
 public:
  PtxCompiler(PtxTarget target, int opt_level = 3);
  ~PtxCompiler();
  // Compiles a kernel that went through ir::run_pipeline for a CUDA target. Throws
  // ir::CompileError. With QTAICHI_DUMP_PTX=<dir>, writes <dir>/<symbol_prefix>.ptx.
  PtxKernel compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                    bool keep_llvm_ir = false);
  // The tasks of a kernel, without generating code (for a PTX loaded from the cache).
  std::vector<LlvmTask> tasks(const ir::Kernel &kernel, const std::string &symbol_prefix);
  std::string target_id() const;  // part of the disk-cache key
  const PtxTarget &target() const;
  // libdevice's path: QTAICHI_LIBDEVICE, else $CUDA_HOME or /usr/local/cuda's
  // nvvm/libdevice/libdevice.10.bc; empty when none exists.
  static std::string find_libdevice();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qtaichi::codegen
