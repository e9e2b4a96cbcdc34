#pragma once
// A backend turns a lowered kernel (after ir::run_pipeline) into code for one arch: an
// executable its rt::Device loads, and the tasks of the kernel's rt::KernelDesc. Program picks
// the Backend and the Device by arch and never names an arch-specific class.
#include <memory>
#include <string>

#include "ir/kernel.h"
#include "ir/target.h"
#include "runtime/device.h"

namespace qtaichi {

struct CompileConfig;

struct BackendOutput {
  std::unique_ptr<rt::Executable> executable;
  std::vector<rt::TaskDesc> tasks;
  std::string object;      // the artifact to cache on disk (empty when loaded from the cache)
  std::string listing;     // the generated code as text, when asked for (QTAICHI_PRINT_LLVM)
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Identifies the generated code's target (compiler version, CPU, features...): part of the
  // disk-cache key.
  virtual std::string target_id() const = 0;
  // `cached` is an artifact an earlier compile of the same kernel produced (or null). Symbols
  // start with `symbol_prefix`, unique per backend. Throws ir::CompileError.
  virtual BackendOutput compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                                const std::string *cached, bool listing) = 0;
};

// Whether this machine can run kernels on `arch`; when not, *why_not says why.
bool arch_available(ir::Arch arch, std::string *why_not = nullptr);
// What every device of the arch can do (the capabilities kernels are compiled for when no
// device is at hand: compiling only, or ahead of time).
rt::DeviceCaps arch_caps(ir::Arch arch);
// The backend and device of an arch; throws std::runtime_error naming what is missing when
// this machine cannot run it. The backend loads what it compiles into `device`; with a null
// device it only compiles (BackendOutput::executable stays empty).
std::unique_ptr<Backend> make_backend(ir::Arch arch, const CompileConfig &config,
                                      rt::Device *device);
std::unique_ptr<rt::Device> make_device(ir::Arch arch, const CompileConfig &config);

}  // namespace qtaichi
