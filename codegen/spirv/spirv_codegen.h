#pragma once
// SPIR-V from a lowered kernel (after ir::run_pipeline): one module per task, each with one
// GLCompute entry point "main". Memory is reached through buffer device addresses
// (PhysicalStorageBuffer64), the same (tree, byte offset) addressing the LLVM backends use: a
// push constant holds the address of the launch's runtime context, and every tree base,
// argument slot, temp and ndarray is found from there. No descriptor bindings, so a tree of any
// size works on a device with buffer device address.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/kernel.h"

namespace qtaichi::codegen::spirv {

struct SpirvTask {
  std::string symbol;  // names the task (the entry point itself is "main")
  bool range_for = false;
  int64_t begin = 0, end = 0, begin_temp = -1, end_temp = -1;
  int block_dim = 0;  // the module's workgroup size (LocalSize; 1 for a serial task)
  std::vector<uint32_t> words;
};

// Throws ir::CompileError for what the SPIR-V backend cannot express yet (named).
std::vector<SpirvTask> emit_spirv(const ir::Kernel &kernel, const std::string &symbol_prefix);
// The same task table without the modules (for SPIR-V loaded from the kernel cache).
std::vector<SpirvTask> spirv_tasks(const ir::Kernel &kernel, const std::string &symbol_prefix);

}  // namespace qtaichi::codegen::spirv
