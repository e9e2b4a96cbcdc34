#pragma once
// The CPU device: memory is host memory (64-byte aligned), kernels are task functions in this
// process (JIT-compiled, or loaded from a shared object), run on a thread pool.
#include <map>
#include <memory>
#include <mutex>

#include "runtime/allocation_table.h"
#include "runtime/cpu/cpu_task.h"
#include "runtime/cpu/thread_pool.h"
#include "runtime/device.h"

namespace qtaichi::rt {

class CpuExecutable : public Executable {
 public:
  // `code`: the shared object the task functions live in (null for JIT code).
  explicit CpuExecutable(std::vector<CpuTask> tasks, std::shared_ptr<void> code = nullptr)
      : tasks_(std::move(tasks)), code_(std::move(code)) {}
  const std::vector<CpuTask> &tasks() const { return tasks_; }

 private:
  std::vector<CpuTask> tasks_;
  std::shared_ptr<void> code_;
};

class CpuDevice : public Device {
 public:
  explicit CpuDevice(int num_threads);  // 0: one per hardware thread
  ~CpuDevice() override;
  std::string name() const override { return "cpu"; }
  DeviceCaps caps() const override { return DeviceCaps{}; }
  Allocation allocate(size_t bytes) override;
  void free(Allocation a) override;
  uint64_t address_of(Allocation a) override;
  void upload(Allocation dst, size_t offset, const void *src, size_t bytes) override;
  void download(Allocation src, size_t offset, void *dst, size_t bytes) override;
  void copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
            size_t bytes) override;
  void fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) override;
  LaunchResult launch(const Executable &exe, const KernelDesc &desc,
                      const LaunchArgs &args) override;
  // `artifact`: an ahead-of-time module's shared object holding the tasks' functions (opened
  // once for all the kernels that share it).
  std::unique_ptr<Executable> load(const std::string &artifact,
                                   const std::vector<TaskDesc> &tasks) override;
  void synchronize() override {}  // launches are synchronous
  // The host address of bytes [offset, offset + bytes) of `a` (checked against its size).
  uint8_t *at(Allocation a, size_t offset, size_t bytes);

 private:

  ThreadPool pool_;
  std::mutex launch_mu_;  // one launch at a time: the pool runs one job
  // Pages mapped for an allocation: the start, and the length to unmap.
  struct Mapping {
    uint8_t *base = nullptr;  // the data, after the front slack pages
    size_t length = 0;        // of the whole mapping, slack included
  };
  AllocationTable<Mapping> memory_{"cpu"};
  std::mutex load_mu_;
  std::map<std::string, std::weak_ptr<void>> objects_;  // open shared objects, by content
};

}  // namespace qtaichi::rt
