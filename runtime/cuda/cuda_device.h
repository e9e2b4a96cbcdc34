#pragma once
// The CUDA device: memory from cuMemAlloc, code from PTX (cuModuleLoadDataEx), every task a
// kernel launched on the legacy default stream, so launches, copies and frees are ordered
// without events. A launch returns without waiting unless the host needs something back from
// it (a return value, an assertion's verdict, ndarrays to copy back).
#include <mutex>

#include "runtime/allocation_table.h"
#include "runtime/cuda/cuda_driver.h"
#include "runtime/device.h"

namespace qtaichi::rt {

class CudaExecutable : public Executable {
 public:
  CudaExecutable(const cuda::Driver &driver, cuda::CUcontext context, cuda::CUmodule module,
                 std::vector<cuda::CUfunction> functions, std::vector<TaskDesc> tasks)
      : driver_(driver), context_(context), module_(module), functions_(std::move(functions)),
        tasks_(std::move(tasks)) {}
  ~CudaExecutable() override;
  const std::vector<cuda::CUfunction> &functions() const { return functions_; }

 private:
  const cuda::Driver &driver_;
  cuda::CUcontext context_;
  cuda::CUmodule module_;
  std::vector<cuda::CUfunction> functions_;
  std::vector<TaskDesc> tasks_;
};

class CudaDevice : public Device {
 public:
  // The first GPU, or QTAICHI_CUDA_DEVICE=<index>. Throws std::runtime_error saying why there
  // is no CUDA device here.
  CudaDevice();
  ~CudaDevice() override;
  // Whether this machine can run CUDA; when not, *why_not says why.
  static bool available(std::string *why_not);
  // What every CUDA GPU qtaichi targets (sm_80 and later) can do.
  static DeviceCaps arch_caps();

  std::string name() const override { return "cuda (" + device_name_ + ")"; }
  DeviceCaps caps() const override { return arch_caps(); }
  int compute_capability() const { return cc_; }  // 10 * major + minor
  int driver_version() const { return driver_.version; }
  Allocation allocate(size_t bytes) override;
  void free(Allocation a) override;
  uint64_t address_of(Allocation a) override;
  void upload(Allocation dst, size_t offset, const void *src, size_t bytes) override;
  void download(Allocation src, size_t offset, void *dst, size_t bytes) override;
  void copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
            size_t bytes) override;
  void fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) override;
  std::unique_ptr<Executable> load(const std::string &ptx,
                                   const std::vector<TaskDesc> &tasks) override;
  LaunchResult launch(const Executable &exe, const KernelDesc &desc,
                      const LaunchArgs &args) override;
  void synchronize() override;

 private:
  void bind() const;  // makes the context current on the calling thread
  cuda::CUdeviceptr at(Allocation a, size_t offset, size_t bytes);  // checked
  cuda::CUdeviceptr scratch(size_t bytes);  // the launch context block, grown as needed

  const cuda::Driver &driver_;
  cuda::CUdevice device_ = 0;
  cuda::CUcontext context_ = nullptr;
  std::string device_name_;
  int cc_ = 0, sm_count_ = 1;
  std::mutex launch_mu_;  // one launch at a time: they share the scratch block
  AllocationTable<cuda::CUdeviceptr> memory_{"cuda"};  // ids are the device pointers
  cuda::CUdeviceptr scratch_ = 0;
  size_t scratch_bytes_ = 0;
};

}  // namespace qtaichi::rt
