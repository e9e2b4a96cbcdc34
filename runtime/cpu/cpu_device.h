#pragma once
// The CPU device: memory is host memory (64-byte aligned), kernels are task functions in this
// process (JIT-compiled, or loaded from a shared object), run on a thread pool.
#include <mutex>

#include "runtime/allocation_table.h"
#include "runtime/cpu/cpu_task.h"
#include "runtime/cpu/thread_pool.h"
#include "runtime/device.h"

namespace qtaichi::rt {

class CpuExecutable : public Executable {
 public:
  explicit CpuExecutable(std::vector<CpuTask> tasks) : tasks_(std::move(tasks)) {}
  const std::vector<CpuTask> &tasks() const { return tasks_; }

 private:
  std::vector<CpuTask> tasks_;
};

class CpuDevice : public Device {
 public:
  explicit CpuDevice(int num_threads);  // 0: one per hardware thread
  ~CpuDevice() override;
  std::string name() const override { return "cpu"; }
  DeviceCaps caps() const override { return DeviceCaps{}; }
  Allocation allocate(size_t bytes) override;
  void free(Allocation a) override;
  void upload(Allocation dst, size_t offset, const void *src, size_t bytes) override;
  void download(Allocation src, size_t offset, void *dst, size_t bytes) override;
  void copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
            size_t bytes) override;
  void fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) override;
  LaunchResult launch(const Executable &exe, const KernelDesc &desc,
                      const LaunchArgs &args) override;
  void synchronize() override {}  // launches are synchronous

 private:
  uint8_t *at(Allocation a, size_t offset, size_t bytes);  // checked

  ThreadPool pool_;
  std::mutex launch_mu_;  // one launch at a time: the pool runs one job
  AllocationTable<uint8_t *> memory_{"cpu"};
};

}  // namespace qtaichi::rt
