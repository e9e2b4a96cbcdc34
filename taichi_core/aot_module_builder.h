#pragma once
// Writes an ahead-of-time module (runtime/aot/manifest.h) from kernels a Program compiled: the
// manifest, and the artifacts of the program's arch (one .spv per task for Vulkan; PTX per
// kernel for CUDA; for the CPU one shared object linked from the kernels' position-independent
// object code). Fields go in
// with two accessor kernels each, built here from the IR, so the app runtime reads and writes
// quantized fields through the same code as every kernel, with no codec of its own. Used by
// Python's ti.aot.Module and by C++ programs directly.
#include <map>
#include <string>
#include <vector>

#include "runtime/aot/manifest.h"
#include "runtime/aot/module_files.h"
#include "taichi_core/program.h"

namespace qtaichi {

class AotModuleBuilder {
 public:
  explicit AotModuleBuilder(Program &program);

  // A kernel compiled by this program, exported as `name`; `args` describe its parameters as an
  // app passes them (they must match the kernel's). Throws std::invalid_argument.
  void add_kernel(const std::string &name, const CompiledKernel *kernel,
                  const std::vector<rt::aot::ArgInfo> &args);
  // A field: the place nodes of its components in C order (one for a scalar field), all of one
  // shape and type; elem_shape {} (scalar), {n} (vector) or {n, m} (matrix).
  void add_field(const std::string &name, const std::vector<ir::SNode *> &components,
                 const std::vector<int> &elem_shape);
  // Writes manifest.json and the artifacts into `folder` (created if needed), or into one zip
  // archive (the single-file form). Throw std::runtime_error naming what failed.
  void save(const std::string &folder) const;
  void archive(const std::string &file) const;
  const rt::aot::Manifest &manifest() const { return manifest_; }

 private:
  const CompiledKernel *accessor(const std::string &name, const std::vector<ir::SNode *> &comps,
                                 const std::vector<int> &elem_shape, bool write);
  void add_artifact(const std::string &file, std::string bytes);
  rt::aot::ModuleFiles files() const;  // the artifacts and the finished manifest

  Program &program_;
  rt::aot::Manifest manifest_;
  rt::aot::ModuleFiles artifacts_;
  std::map<std::string, std::string> objects_;  // cpu: the kernels' object code, by SHA-256
};

}  // namespace qtaichi
