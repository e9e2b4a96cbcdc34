#pragma once
// Kernels of an ahead-of-time CPU module: one shared object (linked at export time) opened with
// dlopen from memory, and the check that this CPU runs what it was compiled for.
#include <memory>
#include <string>

namespace qtaichi::rt {

// An open shared object; closed when the last user lets go.
class SharedObject {
 public:
  // From the bytes of an ELF shared object. Throws std::runtime_error with dlerror's message.
  static std::shared_ptr<SharedObject> open(const std::string &bytes);
  ~SharedObject();
  void *symbol(const std::string &name) const;  // nullptr when absent

 private:
  void *handle_ = nullptr;
};

// What this CPU lacks of the LLVM target a CPU module was compiled for ("" when nothing):
// `target` is the exporter's "[llvm-<version>;]triple;cpu;+feature,-feature,...[;...]".
std::string missing_cpu_features(const std::string &target);

}  // namespace qtaichi::rt
