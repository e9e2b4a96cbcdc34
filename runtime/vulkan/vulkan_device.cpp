#include "runtime/vulkan/vulkan_device.h"

#include "runtime/host_arrays.h"
#include "runtime/launch_block.h"
#include "runtime/vulkan/vulkan_context.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace qtaichi::rt {

int64_t VulkanDevice::validation_messages() { return rt::validation_messages.load(); }

bool VulkanDevice::software() { return context_or_throw().software; }

bool VulkanDevice::available(std::string *why_not) {
  try {
    context_or_throw();
    return true;
  } catch (const std::runtime_error &e) {
    if (why_not) *why_not = std::string(e.what()).substr(std::strlen("no Vulkan device: "));
    return false;
  }
}

struct VulkanDevice::Buffer {
  VkDevice device;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint8_t *mapped = nullptr;
  size_t bytes = 0;
  uint64_t address = 0;
  ~Buffer() {
    if (mapped) vkUnmapMemory(device, memory);
    if (buffer) vkDestroyBuffer(device, buffer, nullptr);
    if (memory) vkFreeMemory(device, memory, nullptr);
  }
};

// Launches that need nothing read back are recorded into one open command buffer and
// submitted together at the next read-back, host memory access or synchronize (each launch's
// context block is its own slice of `blocks`). Shared with the executables, which must not
// destroy their pipelines while a recorded launch still uses them.
struct VulkanDevice::Batch {
  VkDevice device;
  VkQueue queue;
  std::mutex *queue_mu;  // the queue is the process's
  int64_t loop_limit;
  VkCommandPool pool = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkCommandBuffer cb = VK_NULL_HANDLE;
  bool has_work = false;
  std::unique_ptr<Buffer> blocks;  // launch context blocks
  size_t used = 0;
  struct Deferred {
    size_t block;
    std::string kernel;
  };
  std::vector<Deferred> deferred;  // checked for errors when the batch completes
  std::recursive_mutex mu;         // one launch, transfer or flush at a time

  Batch(VulkanContext &vk)
      : device(vk.device), queue(vk.queue), queue_mu(&vk.queue_mu),
        loop_limit(vk.caps.max_loop_iterations) {
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = vk.queue_family;
    check_vk(vkCreateCommandPool(device, &pci, nullptr, &pool), "vkCreateCommandPool");
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    check_vk(vkCreateFence(device, &fci, nullptr, &fence), "vkCreateFence");
    VkCommandBufferAllocateInfo cai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    cai.commandPool = pool;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 1;
    check_vk(vkAllocateCommandBuffers(device, &cai, &cb), "vkAllocateCommandBuffers");
  }
  ~Batch() {
    try {
      std::lock_guard<std::recursive_mutex> lock(mu);
      flush_locked();
    } catch (const std::exception &e) {
      std::fprintf(stderr, "[qtaichi] vulkan: %s\n", e.what());
    }
    blocks.reset();
    vkDestroyFence(device, fence, nullptr);
    vkDestroyCommandPool(device, pool, nullptr);
  }

  // The open command buffer, begun if needed, with a barrier after earlier recorded work.
  VkCommandBuffer record() {
    if (!has_work) {
      VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
      check_vk(vkBeginCommandBuffer(cb, &bi), "vkBeginCommandBuffer");
      has_work = true;
    } else {
      barrier();
    }
    return cb;
  }
  // Dispatches and copies see each other's writes in recording order.
  void barrier() {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_MEMORY_WRITE_BIT | VK_ACCESS_MEMORY_READ_BIT;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         0, 1, &mb, 0, nullptr, 0, nullptr);
  }

  // Submits the recorded launches and waits for them; then reports the first deferred launch
  // that stopped with an error (it could not report when it was called).
  void flush_locked() {
    if (!has_work) return;
    has_work = false;
    VkMemoryBarrier host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    host.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    host.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_HOST_WRITE_BIT;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0,
                         1, &host, 0, nullptr, 0, nullptr);
    check_vk(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    VkResult r;
    {
      std::lock_guard<std::mutex> qlock(*queue_mu);
      r = vkQueueSubmit(queue, 1, &si, fence);
    }
    if (r == VK_SUCCESS) r = vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
    vkResetFences(device, 1, &fence);
    vkResetCommandBuffer(cb, 0);
    used = 0;
    std::vector<Deferred> done;
    done.swap(deferred);
    check_vk(r, "running kernels");
    for (const Deferred &d : done) {
      int32_t code;
      std::memcpy(&code, blocks->mapped + d.block + offsetof(RuntimeContext, error_code), 4);
      if (code == kLoopLimitError)
        throw std::runtime_error(
            "kernel '" + d.kernel + "' (launched before this call: Vulkan runs launches in "
            "batches) ran more than " + std::to_string(loop_limit) + " loop iterations in one "
            "parallel iteration (or serial task); this driver stops a shader there, so its "
            "results are wrong: spread the work over the parallel loop, or run on the cpu");
      if (code != 0)
        throw std::runtime_error("kernel '" + d.kernel + "' stopped with error code " +
                                 std::to_string(code));
    }
  }
};

// The driver's pipeline cache, kept in a file between processes: our header (magic, size, an
// FNV-1a checksum) in front of the driver's data, so a truncated or corrupt file is ignored
// rather than handed to the driver (which checks only its own header).
struct VulkanDevice::PipelineCache {
  static constexpr uint64_t kMagic = 0x3150435049545151ull;  // "QQTIPCP1"
  VkDevice device;
  std::string file;
  VkPipelineCache cache = VK_NULL_HANDLE;

  static uint64_t checksum(const std::string &data) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
    return h;
  }

  PipelineCache(VkDevice d, std::string path) : device(d), file(std::move(path)) {
    std::string data;
    if (!file.empty()) {
      std::ifstream in(file, std::ios::binary);
      std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      uint64_t head[3];
      if (all.size() >= sizeof head) {
        std::memcpy(head, all.data(), sizeof head);
        std::string body = all.substr(sizeof head);
        if (head[0] == kMagic && head[1] == body.size() && head[2] == checksum(body))
          data = std::move(body);
      }
    }
    VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    ci.initialDataSize = data.size();
    ci.pInitialData = data.empty() ? nullptr : data.data();
    if (vkCreatePipelineCache(device, &ci, nullptr, &cache) != VK_SUCCESS) cache = VK_NULL_HANDLE;
  }

  ~PipelineCache() {
    if (!cache) return;
    size_t size = 0;
    if (!file.empty() && vkGetPipelineCacheData(device, cache, &size, nullptr) == VK_SUCCESS &&
        size > 0 && size < (size_t(64) << 20)) {
      std::string body(size, '\0');
      if (vkGetPipelineCacheData(device, cache, &size, body.data()) == VK_SUCCESS) {
        body.resize(size);
        uint64_t head[3] = {kMagic, body.size(), checksum(body)};
        // Written whole, then renamed: a reader never sees half a file.
        std::string tmp = file + ".tmp" + std::to_string(reinterpret_cast<uintptr_t>(this));
        {
          std::ofstream out(tmp, std::ios::binary);
          out.write(reinterpret_cast<const char *>(head), sizeof head);
          out.write(body.data(), static_cast<std::streamsize>(body.size()));
        }
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
        std::filesystem::rename(tmp, file, ec);
        if (ec) std::filesystem::remove(tmp, ec);
      }
    }
    vkDestroyPipelineCache(device, cache, nullptr);
  }
};

VulkanDevice::VulkanDevice(std::string pipeline_cache)
    : vk_(context_or_throw()), memory_("vulkan"), batch_(std::make_shared<Batch>(vk_)),
      pipeline_cache_(std::make_unique<PipelineCache>(vk_.device, std::move(pipeline_cache))) {}

VulkanDevice::~VulkanDevice() {
  batch_.reset();  // completes what was recorded (executables may keep the batch alive)
  vkDeviceWaitIdle(vk_.device);
}

void VulkanDevice::synchronize() {
  std::lock_guard<std::recursive_mutex> lock(batch_->mu);
  batch_->flush_locked();
}

std::string VulkanDevice::name() const {
  return "vulkan (" + vk_.name + (vk_.staging ? ", staged transfers" : "") + ")";
}

DeviceCaps VulkanDevice::caps() const {
  DeviceCaps c = vk_.caps;
  // A phone-class profile on any device, so the fallback lowerings run in CI.
  if (const char *m = std::getenv("QTAICHI_VULKAN_CAPS"); m && std::strcmp(m, "mobile") == 0) {
    c.atomic_add_f32 = c.atomic_add_f64 = false;
    c.cas64 = c.atomic_int64 = false;
    c.max_binding_bytes = std::min<int64_t>(c.max_binding_bytes, int64_t(128) << 20);
  }
  return c;
}

VulkanDevice::Buffer *VulkanDevice::make_buffer(size_t bytes, bool host) {
  auto b = std::make_unique<Buffer>();
  b->device = vk_.device;
  b->bytes = (std::max<size_t>(bytes, 4) + 255) / 256 * 256;
  VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bci.size = b->bytes;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
              VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
  check_vk(vkCreateBuffer(vk_.device, &bci, nullptr, &b->buffer), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(vk_.device, b->buffer, &req);
  VkMemoryAllocateFlagsInfo flags{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO};
  flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT;
  VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  mai.pNext = &flags;
  mai.allocationSize = req.size;
  bool mapped = host || !vk_.staging;
  mai.memoryTypeIndex = host ? vk_.host_memory : vk_.device_memory;
  check_vk(vkAllocateMemory(vk_.device, &mai, nullptr, &b->memory),
        ("allocating " + std::to_string(req.size) + " bytes").c_str());
  check_vk(vkBindBufferMemory(vk_.device, b->buffer, b->memory, 0), "vkBindBufferMemory");
  VkBufferDeviceAddressInfo ai{VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO};
  ai.buffer = b->buffer;
  b->address = vkGetBufferDeviceAddress(vk_.device, &ai);
  if (mapped) {
    void *p = nullptr;
    check_vk(vkMapMemory(vk_.device, b->memory, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
    b->mapped = static_cast<uint8_t *>(p);
    std::memset(b->mapped, 0, b->bytes);
  } else {
    std::lock_guard<std::recursive_mutex> lock(batch_->mu);
    vkCmdFillBuffer(batch_->record(), b->buffer, 0, VK_WHOLE_SIZE, 0);
  }
  return b.release();
}

Allocation VulkanDevice::allocate(size_t bytes) {
  std::unique_ptr<Buffer> b(make_buffer(bytes, false));
  size_t padded = b->bytes;
  return memory_.add(std::move(b), padded, bytes);
}

void VulkanDevice::free(Allocation a) {
  synchronize();  // a recorded launch may still use the buffer
  memory_.remove(a.id);
}

uint64_t VulkanDevice::address_of(Allocation a) { return memory_.checked(a, 0, 0)->address; }

VulkanDevice::Buffer *VulkanDevice::idle(Allocation a, size_t offset, size_t bytes) {
  synchronize();  // the host is about to touch memory a recorded launch may use
  return memory_.checked(a, offset, bytes).get();
}

// A host-visible buffer of at least `bytes` for staging copies (kept for the next transfer).
VulkanDevice::Buffer *VulkanDevice::staging_buffer(size_t bytes) {
  if (!staging_ || staging_->bytes < bytes) staging_.reset(make_buffer(bytes, true));
  return staging_.get();
}

void VulkanDevice::upload(Allocation dst, size_t offset, const void *src, size_t bytes) {
  Buffer *b = idle(dst, offset, bytes);
  if (b->mapped) {
    std::memcpy(b->mapped + offset, src, bytes);
    return;
  }
  if (!bytes) return;
  std::lock_guard<std::recursive_mutex> lock(batch_->mu);  // also guards the staging buffer
  Buffer *s = staging_buffer(bytes);
  std::memcpy(s->mapped, src, bytes);
  VkBufferCopy region{0, offset, bytes};
  vkCmdCopyBuffer(batch_->record(), s->buffer, b->buffer, 1, &region);
  batch_->flush_locked();
}

void VulkanDevice::download(Allocation src, size_t offset, void *dst, size_t bytes) {
  Buffer *b = idle(src, offset, bytes);
  if (b->mapped) {
    std::memcpy(dst, b->mapped + offset, bytes);
    return;
  }
  if (!bytes) return;
  std::lock_guard<std::recursive_mutex> lock(batch_->mu);
  Buffer *s = staging_buffer(bytes);
  VkBufferCopy region{offset, 0, bytes};
  vkCmdCopyBuffer(batch_->record(), b->buffer, s->buffer, 1, &region);
  batch_->flush_locked();
  std::memcpy(dst, s->mapped, bytes);
}

void VulkanDevice::copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
                        size_t bytes) {
  Buffer *d = idle(dst, dst_offset, bytes), *s = idle(src, src_offset, bytes);
  if (d->mapped && s->mapped) {
    std::memmove(d->mapped + dst_offset, s->mapped + src_offset, bytes);
    return;
  }
  if (!bytes) return;
  std::lock_guard<std::recursive_mutex> lock(batch_->mu);  // device to device: joins the batch
  if (d == s && dst_offset < src_offset + bytes && src_offset < dst_offset + bytes) {
    Buffer *tmp = staging_buffer(bytes);  // Vulkan copies may not overlap: go through a buffer
    VkBufferCopy out{src_offset, 0, bytes}, in{0, dst_offset, bytes};
    vkCmdCopyBuffer(batch_->record(), s->buffer, tmp->buffer, 1, &out);
    vkCmdCopyBuffer(batch_->record(), tmp->buffer, d->buffer, 1, &in);
    batch_->flush_locked();  // the staging buffer is reused by the next transfer
    return;
  }
  VkBufferCopy region{src_offset, dst_offset, bytes};
  vkCmdCopyBuffer(batch_->record(), s->buffer, d->buffer, 1, &region);
}

void VulkanDevice::fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) {
  Buffer *b = idle(dst, offset, bytes);
  if (b->mapped) {
    std::memset(b->mapped + offset, value, bytes);
    return;
  }
  if (!bytes) return;
  if (offset % 4 == 0 && bytes % 4 == 0) {  // vkCmdFillBuffer writes whole 32-bit words
    std::lock_guard<std::recursive_mutex> lock(batch_->mu);
    vkCmdFillBuffer(batch_->record(), b->buffer, offset, bytes, 0x01010101u * value);
    return;
  }
  std::vector<uint8_t> pattern(bytes, value);
  upload(dst, offset, pattern.data(), bytes);
}

std::string VulkanDevice::pack_spirv(const std::vector<std::vector<uint32_t>> &modules) {
  std::vector<uint32_t> words{static_cast<uint32_t>(modules.size())};
  for (const auto &m : modules) {
    words.push_back(static_cast<uint32_t>(m.size()));
    words.insert(words.end(), m.begin(), m.end());
  }
  return std::string(reinterpret_cast<const char *>(words.data()), words.size() * 4);
}

std::vector<std::vector<uint32_t>> VulkanDevice::unpack_spirv(const std::string &artifact) {
  auto bad = [] { return std::runtime_error("vulkan: a malformed SPIR-V artifact"); };
  if (artifact.size() % 4 || artifact.size() < 4) throw bad();
  std::vector<uint32_t> w(artifact.size() / 4);
  std::memcpy(w.data(), artifact.data(), artifact.size());
  std::vector<std::vector<uint32_t>> out;
  size_t i = 1;
  for (uint32_t m = 0; m < w[0]; m++) {
    if (i >= w.size() || w[i] > w.size() - i - 1) throw bad();
    out.emplace_back(w.begin() + i + 1, w.begin() + i + 1 + w[i]);
    i += 1 + w[i];
  }
  if (i != w.size()) throw bad();
  return out;
}

namespace {

template <typename Batch>
class VulkanExecutable : public Executable {
 public:
  VulkanExecutable(VkDevice device, std::shared_ptr<Batch> batch)
      : device_(device), batch_(std::move(batch)) {}
  ~VulkanExecutable() override {
    {
      std::lock_guard<std::recursive_mutex> lock(batch_->mu);
      try {
        batch_->flush_locked();  // recorded launches may use these pipelines
      } catch (const std::exception &e) {
        std::fprintf(stderr, "[qtaichi] vulkan: %s\n", e.what());
      }
    }
    for (VkPipeline p : pipelines) vkDestroyPipeline(device_, p, nullptr);
    if (layout) vkDestroyPipelineLayout(device_, layout, nullptr);
  }
  VkDevice device_;
  std::shared_ptr<Batch> batch_;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  std::vector<VkPipeline> pipelines;
  std::vector<int> workgroup;  // invocations per workgroup, per task
};

}  // namespace

std::unique_ptr<Executable> VulkanDevice::load(const std::string &artifact,
                                               const std::vector<TaskDesc> &tasks) {
  auto modules = unpack_spirv(artifact);
  if (modules.size() != tasks.size())
    throw std::runtime_error("vulkan: the artifact has " + std::to_string(modules.size()) +
                             " modules for " + std::to_string(tasks.size()) + " tasks");
  auto exe = std::make_unique<VulkanExecutable<Batch>>(vk_.device, batch_);
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
  VkPipelineLayoutCreateInfo lci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  lci.pushConstantRangeCount = 1;
  lci.pPushConstantRanges = &range;
  check_vk(vkCreatePipelineLayout(vk_.device, &lci, nullptr, &exe->layout), "vkCreatePipelineLayout");
  for (size_t i = 0; i < modules.size(); i++) {
    VkShaderModuleCreateInfo sci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    sci.codeSize = modules[i].size() * 4;
    sci.pCode = modules[i].data();
    VkShaderModule sm;
    check_vk(vkCreateShaderModule(vk_.device, &sci, nullptr, &sm), "vkCreateShaderModule");
    VkComputePipelineCreateInfo cci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    cci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    cci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    cci.stage.module = sm;
    cci.stage.pName = "main";
    cci.layout = exe->layout;
    VkPipeline p;
    VkResult r = vkCreateComputePipelines(vk_.device, pipeline_cache_->cache, 1, &cci, nullptr, &p);
    vkDestroyShaderModule(vk_.device, sm, nullptr);
    check_vk(r, ("creating the pipeline of " + tasks[i].symbol).c_str());
    exe->pipelines.push_back(p);
    // The module's LocalSize, which the SPIR-V backend records as the task's block_dim.
    exe->workgroup.push_back(std::max(1, tasks[i].block_dim));
  }
  return exe;
}

size_t VulkanDevice::reserve_block(size_t bytes) {
  Batch &b = *batch_;
  bytes = (bytes + 255) / 256 * 256;
  if (!b.blocks || b.used + bytes > b.blocks->bytes) {
    b.flush_locked();
    if (!b.blocks || b.blocks->bytes < bytes)
      b.blocks.reset(make_buffer(std::max<size_t>(bytes, size_t(256) << 10), true));
  }
  size_t at = b.used;
  b.used += bytes;
  return at;
}

LaunchResult VulkanDevice::launch(const Executable &e, const KernelDesc &desc,
                                  const LaunchArgs &args) {
  const auto &exe = static_cast<const VulkanExecutable<Batch> &>(e);
  Batch &batch = *batch_;
  std::lock_guard<std::recursive_mutex> lock(batch.mu);
  LaunchBlock lb(desc, args.trees.size());
  size_t at = reserve_block(lb.total);
  uint8_t *block = batch.blocks->mapped + at;
  uint64_t base = batch.blocks->address + at;

  // Ndarrays are host memory: each is copied into a buffer for the launch and back after it.
  // Without host-visible device memory the copy goes through a host buffer (`via`).
  struct Staged {
    std::unique_ptr<Buffer> buffer, via;
    void *host;
    size_t bytes;
  };
  std::vector<Staged> staged;
  std::vector<uint64_t> slots(args.args, args.args + desc.num_arg_slots);
  for (const HostArray &h : host_arrays(desc, slots, args.resident_slots)) {
    if (h.same_as >= 0) {  // staged once; the placeholder keeps the indices aligned
      slots[h.arg->slot] = staged[static_cast<size_t>(h.same_as)].buffer->address;
      staged.push_back({nullptr, nullptr, nullptr, 0});
      continue;
    }
    Staged s{std::unique_ptr<Buffer>(make_buffer(h.bytes, false)), nullptr, h.host, h.bytes};
    if (h.bytes && s.buffer->mapped) {
      std::memcpy(s.buffer->mapped, s.host, h.bytes);
    } else if (h.bytes) {
      s.via.reset(make_buffer(h.bytes, true));
      std::memcpy(s.via->mapped, s.host, h.bytes);
      VkBufferCopy region{0, 0, h.bytes};
      vkCmdCopyBuffer(batch.record(), s.via->buffer, s.buffer->buffer, 1, &region);
    }
    slots[h.arg->slot] = s.buffer->address;
    staged.push_back(std::move(s));
  }
  uint64_t print_buffer = 0;
  if (desc.prints) {  // shaders have no printf: print records, formatted after the launch
    constexpr size_t kPrintBytes = size_t(4) << 20;
    batch.flush_locked();  // an earlier launch may still write records
    if (!prints_) prints_.reset(make_buffer(kPrintBytes, true));
    auto *header = reinterpret_cast<uint32_t *>(prints_->mapped);
    header[0] = 0;
    header[1] = static_cast<uint32_t>(prints_->bytes / 4 - kPrintHeaderWords);
    print_buffer = prints_->address;
  }
  std::vector<uint64_t> trees;
  for (const Allocation &t : args.trees)
    trees.push_back(t.valid() ? memory_.checked(t, 0, 0)->address : 0);
  lb.write(base, trees, slots, args, print_buffer);
  std::memcpy(block, lb.image.data(), lb.total);

  bool first = true;
  for (size_t i = 0; i < desc.tasks.size(); i++) {
    const TaskDesc &t = desc.tasks[i];
    uint32_t groups = 1;
    if (t.kind == TaskKind::range_for) {
      int64_t wg = exe.workgroup[i];
      // A range known only on the device: the task strides over it. A CPU implementation
      // runs every invocation, idle or not: fewer there (each may loop 65 535 times).
      int64_t n = (software() ? 128 : 1024) * wg;
      if (t.begin_temp < 0 && t.end_temp < 0) {
        n = t.end - t.begin;
        if (n <= 0) continue;
      }
      groups = static_cast<uint32_t>(std::clamp<int64_t>((n + wg - 1) / wg, 1, 65535));
    }
    VkCommandBuffer cb = first ? batch.record() : batch.cb;
    if (!first) batch.barrier();
    first = false;
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, exe.pipelines[i]);
    vkCmdPushConstants(cb, exe.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, &base);
    vkCmdDispatch(cb, groups, 1, 1);
  }

  // Nothing to read back: the launch joins the batch. Errors it may still stop with (a
  // driver's loop limit) are reported when the batch completes.
  bool read_back = desc.ret_type != "void" || !desc.assertions.empty() || !staged.empty() ||
                   desc.prints;
  if (!read_back) {
    if (!first) batch.deferred.push_back({at, desc.name});
    return {};
  }
  for (const Staged &s : staged)
    if (s.via) {
      VkBufferCopy region{0, 0, s.bytes};
      vkCmdCopyBuffer(batch.record(), s.buffer->buffer, s.via->buffer, 1, &region);
    }
  batch.flush_locked();

  LaunchResult out;
  RuntimeContext done;
  std::memcpy(&done, block, sizeof done);
  std::memcpy(out.value, block + lb.result, 8 * static_cast<size_t>(desc.ret_count));
  out.error_code = done.error_code;
  std::memcpy(out.error_args, done.error_args, sizeof out.error_args);
  for (const Staged &s : staged)
    if (s.bytes) std::memcpy(s.host, (s.via ? s.via : s.buffer)->mapped, s.bytes);
  if (desc.prints) {
    std::fputs(format_print_records(desc, reinterpret_cast<const uint32_t *>(prints_->mapped)).c_str(),
               stdout);
    std::fflush(stdout);
  }
  return out;
}

}  // namespace qtaichi::rt
