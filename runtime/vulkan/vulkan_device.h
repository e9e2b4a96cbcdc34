#pragma once
// The Vulkan device, on any Vulkan 1.2 driver with buffer device address (lavapipe on the CPU
// included): memory is host-visible buffers reached from shaders by device address, code is one
// compute pipeline per task (SPIR-V from codegen/spirv). Launches are recorded into one command
// buffer, a barrier between tasks, and submitted together when the host needs a result. The
// loader comes from volk at run time.
#include <memory>
#include <mutex>

#include "runtime/allocation_table.h"
#include "runtime/device.h"

namespace qtaichi::rt {

struct VulkanContext;  // instance, device, queue: one per process (vulkan_context.h)

class VulkanDevice : public Device {
 public:
  // Throws std::runtime_error saying why there is no usable Vulkan device here.
  // `pipeline_cache`: a file that keeps the driver's compiled pipelines between processes
  // (empty: none); read if it is intact, written back when the device closes.
  explicit VulkanDevice(std::string pipeline_cache = "");
  ~VulkanDevice() override;
  static bool available(std::string *why_not);
  // Whether the device is a CPU implementation (lavapipe): ti.gpu does not pick it.
  static bool software();
  // Warnings and errors the validation layer reported (QTAICHI_VULKAN_VALIDATION=1) so far.
  static int64_t validation_messages();

  std::string name() const override;
  DeviceCaps caps() const override;
  Allocation allocate(size_t bytes) override;
  void free(Allocation a) override;
  uint64_t address_of(Allocation a) override;
  void upload(Allocation dst, size_t offset, const void *src, size_t bytes) override;
  void download(Allocation src, size_t offset, void *dst, size_t bytes) override;
  void copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
            size_t bytes) override;
  void fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) override;
  // `artifact`: the tasks' SPIR-V modules, as written by pack_spirv.
  std::unique_ptr<Executable> load(const std::string &artifact,
                                   const std::vector<TaskDesc> &tasks) override;
  LaunchResult launch(const Executable &exe, const KernelDesc &desc,
                      const LaunchArgs &args) override;
  // Launches that read nothing back are batched into one command buffer: this submits the
  // batch and waits (so do host reads and writes of device memory, and any read-back).
  void synchronize() override;

  // The container of a kernel's SPIR-V modules: per task, its word count then its words.
  static std::string pack_spirv(const std::vector<std::vector<uint32_t>> &modules);
  static std::vector<std::vector<uint32_t>> unpack_spirv(const std::string &artifact);

 private:
  struct Buffer;
  struct Batch;
  struct PipelineCache;
  Buffer *idle(Allocation a, size_t offset, size_t bytes);  // checked, no launch using it
  // Zero-filled. `host`: mapped host-visible memory; else the device's memory for data (also
  // mapped unless transfers need staging).
  Buffer *make_buffer(size_t bytes, bool host);
  Buffer *staging_buffer(size_t bytes);
  size_t reserve_block(size_t bytes);  // a launch block's offset in the batch's blocks

  VulkanContext &vk_;
  AllocationTable<std::unique_ptr<Buffer>> memory_;  // initialized where Buffer is complete
  std::shared_ptr<Batch> batch_;     // recorded launches, their context blocks, the lock
  std::unique_ptr<Buffer> prints_;   // print records of a launch
  std::unique_ptr<Buffer> staging_;  // host side of staged transfers
  std::unique_ptr<PipelineCache> pipeline_cache_;
};

}  // namespace qtaichi::rt
