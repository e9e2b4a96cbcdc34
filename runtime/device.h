#pragma once
// The device interface: memory, loaded code and launches, one implementation per arch (the CPU
// thread pool, CUDA; Vulkan next). The compiler (taichi_core) and the app runtime both
// drive kernels through it, with a KernelDesc saying how to launch each one. Nothing here
// knows the IR or LLVM.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/context.h"
#include "runtime/device_caps.h"
#include "runtime/kernel_desc.h"

namespace qtaichi::rt {

// A block of device memory. Ids are the device's own; 0 is "none".
struct Allocation {
  uint64_t id = 0;
  size_t bytes = 0;
  bool valid() const { return id != 0; }
};

// Code loaded for one kernel (the device's own kind: task function pointers, pipelines, ...).
class Executable {
 public:
  virtual ~Executable() = default;
};

struct LaunchArgs {
  // desc.num_arg_slots 64-bit slots. An ndarray's data pointer is host memory (a GPU device
  // copies the array in before the launch and back after it), unless its slot is listed in
  // resident_slots: then it is already the device address of an allocation (address_of).
  const uint64_t *args = nullptr;
  std::vector<int> resident_slots;
  std::vector<Allocation> trees;   // by tree id
  uint64_t rand_seed = 0;
  uint64_t launch_id = 0;
};

struct LaunchResult {
  uint64_t value[kMaxResults] = {};  // the return value's slots (one for a scalar)
  int32_t error_code = 0;  // 0, or the failed assertion (desc.assertions[error_code - 1])
  int64_t error_args[kMaxAssertArgs] = {};
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;
  virtual DeviceCaps caps() const = 0;
  // Zero-filled; bytes rounded up as the device needs.
  virtual Allocation allocate(size_t bytes) = 0;
  virtual void free(Allocation a) = 0;
  // What a kernel's pointer slot holds for this allocation: a host pointer (CPU), a device
  // pointer (CUDA), a buffer device address (Vulkan).
  virtual uint64_t address_of(Allocation a) = 0;
  virtual void upload(Allocation dst, size_t offset, const void *src, size_t bytes) = 0;
  virtual void download(Allocation src, size_t offset, void *dst, size_t bytes) = 0;
  virtual void copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
                    size_t bytes) = 0;
  virtual void fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) = 0;
  // Runs the kernel's tasks in order; launches from several host threads are safe.
  virtual LaunchResult launch(const Executable &exe, const KernelDesc &desc,
                              const LaunchArgs &args) = 0;
  // Loads code compiled ahead of this call (PTX for CUDA) whose entry points are the tasks'
  // symbols. Throws std::runtime_error naming what is wrong; a device whose code is never an
  // artifact (the CPU JIT) says so.
  virtual std::unique_ptr<Executable> load(const std::string &artifact,
                                           const std::vector<TaskDesc> &tasks);
  virtual void synchronize() = 0;
};

}  // namespace qtaichi::rt
