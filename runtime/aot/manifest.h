#pragma once
// The manifest of an ahead-of-time module (manifest.json): what the exporter wrote and what the
// app runtime checks before it runs anything. A module is this file plus its artifacts (one
// .spv per task for Vulkan; one shared object for the CPU), each named here with its SHA-256.
// Plain data with to_json / from_json; from_json rejects anything malformed with a message
// naming the entry, never trusting a count or an index from the file.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/device_caps.h"
#include "runtime/kernel_desc.h"

namespace qtaichi::rt::aot {

constexpr int kFormatVersion = 1;
constexpr const char *kVersion = "0.2.0";  // the runtime's and the exporter's

// The manifest is unreadable or inconsistent (QTI_ERROR_CORRUPTED_MODULE).
class CorruptModule : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// Readable, but not for this runtime or device (QTI_ERROR_INCOMPATIBLE_MODULE).
class IncompatibleModule : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A kernel argument as an app passes it: a scalar, or an ndarray of `ndim` outer axes whose
// elements have `elem_shape` (a vector: {3}; a scalar element: {}).
struct ArgInfo {
  std::string name;
  bool ndarray = false;
  std::string dtype;  // i32, f32, ...
  int ndim = 0;
  std::vector<int> elem_shape;
};

struct KernelInfo {
  std::string name;
  std::vector<ArgInfo> args;
  KernelDesc desc;                     // how it launches (desc.ret_type: "void" or a dtype)
  std::vector<std::string> artifacts;  // its code: per task (.spv), or the module's library
};

// A field exported with the module: values cross the C API as `dtype` (the compute type of a
// quantized field), C order, components last, through two accessor kernels in the module that
// decode and encode exactly as every kernel does.
struct FieldInfo {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<int> elem_shape;  // {} scalar, {n} vector, {n, m} matrix
  std::string layout;           // how it is stored ("f32", or the quant type), for people
  std::string read_kernel, write_kernel;
};

struct ArtifactInfo {
  std::string file;
  std::string sha256;  // lowercase hex
  uint64_t bytes = 0;
};

struct Manifest {
  int format = kFormatVersion;
  std::string compiler;  // the exporting compiler's version, for people
  std::string arch;      // cpu, vulkan, cuda
  DeviceCaps required;   // the target the kernels were compiled for
  std::string cpu_target;  // cpu: the LLVM target of the code, "triple;cpu;+feature,..."
  std::vector<int64_t> tree_bytes;  // the module's field trees, by tree id
  std::vector<FieldInfo> fields;
  std::vector<KernelInfo> kernels;
  std::vector<ArtifactInfo> artifacts;

  std::string to_json() const;
  // Throws CorruptModule (malformed) or IncompatibleModule (another format version).
  static Manifest from_json(const std::string &text);

  const KernelInfo *kernel(const std::string &name) const;
  const FieldInfo *field(const std::string &name) const;
  const ArtifactInfo *artifact(const std::string &file) const;
};

// What the device lacks of what a module compiled for `required` uses ("" when nothing).
std::string missing_capabilities(const DeviceCaps &required, const DeviceCaps &device);

// The SHA-256 of some bytes, lowercase hex (nettle).
std::string sha256_hex(const std::string &bytes);

}  // namespace qtaichi::rt::aot
