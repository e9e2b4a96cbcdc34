// The backends and devices by arch: the CPU (LLVM JIT), CUDA (LLVM NVPTX -> PTX) and Vulkan
// (SPIR-V emitted directly).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "codegen/cpu/cpu_jit.h"
#include "codegen/cuda/ptx_compiler.h"
#include "codegen/spirv/spirv_codegen.h"
#include "ir/error.h"
#include "runtime/cpu/cpu_device.h"
#include "runtime/cuda/cuda_device.h"
#include "runtime/vulkan/vulkan_device.h"
#include "taichi_core/backend.h"
#include "taichi_core/kernel_cache.h"
#include "taichi_core/program.h"

namespace qtaichi {

namespace {

class CpuBackend : public Backend {
 public:
  explicit CpuBackend(int opt_level) : jit_(opt_level) {}
  std::string target_id() const override { return jit_.target_id(); }

  BackendOutput compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                        const std::string *cached, bool listing) override {
    BackendOutput out;
    auto code = jit_.compile(kernel, symbol_prefix, cached, cached ? nullptr : &out.object,
                             listing);
    for (const rt::CpuTask &t : code->tasks) out.tasks.push_back(t.desc);
    out.listing = std::move(code->llvm_ir);
    out.executable = std::make_unique<rt::CpuExecutable>(std::move(code->tasks));
    return out;
  }

 private:
  codegen::CpuJit jit_;
};

// PTX for the device's SM and driver; without a device (compiling only) for
// QTAICHI_CUDA_SM (default 80) and QTAICHI_CUDA_DRIVER (a CUDA version such as 13000; default:
// the least PTX ISA the SM needs).
codegen::PtxTarget ptx_target_for(rt::Device *device) {
  if (auto *cuda = dynamic_cast<rt::CudaDevice *>(device))
    return codegen::PtxTarget::for_device(cuda->compute_capability(), cuda->driver_version());
  int sm = 80, driver = 0;
  if (const char *env = std::getenv("QTAICHI_CUDA_SM")) sm = std::atoi(env);
  if (const char *env = std::getenv("QTAICHI_CUDA_DRIVER")) driver = std::atoi(env);
  return codegen::PtxTarget::for_device(sm, driver);
}

class CudaBackend : public Backend {
 public:
  CudaBackend(int opt_level, rt::Device *device)
      : compiler_(ptx_target_for(device), opt_level), device_(device) {}
  std::string target_id() const override { return compiler_.target_id(); }

  BackendOutput compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                        const std::string *cached, bool listing) override {
    BackendOutput out;
    std::vector<codegen::LlvmTask> tasks;
    std::string ptx;
    if (cached) {
      tasks = compiler_.tasks(kernel, symbol_prefix);
      ptx = *cached;
    } else {
      codegen::PtxKernel k = compiler_.compile(kernel, symbol_prefix, listing);
      tasks = std::move(k.tasks);
      ptx = std::move(k.ptx);
      out.object = ptx;
      if (listing) out.listing = k.llvm_ir + "\n" + ptx;
    }
    for (const codegen::LlvmTask &t : tasks)
      out.tasks.push_back(rt::task_desc_of(t, t.block_dim));
    if (device_) {
      try {
        out.executable = device_->load(ptx, out.tasks);
      } catch (const std::runtime_error &e) {
        throw ir::CompileError(ir::ErrorKind::internal, e.what());
      }
    }
    return out;
  }

 private:
  codegen::PtxCompiler compiler_;
  rt::Device *device_;  // null: compile only
};

// SPIR-V from codegen/spirv; a kernel found in the disk cache loads its stored modules and
// skips emission. QTAICHI_DUMP_SPIRV=<dir> writes each module emitted.
class VulkanBackend : public Backend {
 public:
  explicit VulkanBackend(rt::Device *device) : device_(device) {}
  std::string target_id() const override { return "spirv-1.5;bda"; }

  BackendOutput compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                        const std::string *cached, bool listing) override {
    BackendOutput out;
    std::vector<codegen::spirv::SpirvTask> tasks =
        cached ? codegen::spirv::spirv_tasks(kernel, symbol_prefix)
               : codegen::spirv::emit_spirv(kernel, symbol_prefix);
    std::vector<std::vector<uint32_t>> modules;
    const char *dump = std::getenv("QTAICHI_DUMP_SPIRV");
    for (const auto &t : tasks) {
      out.tasks.push_back(rt::task_desc_of(t, t.block_dim));
      if (cached) continue;
      modules.push_back(t.words);
      if (dump && *dump) {
        std::filesystem::create_directories(dump);
        std::ofstream(std::string(dump) + "/" + t.symbol + ".spv", std::ios::binary)
            .write(reinterpret_cast<const char *>(t.words.data()),
                   static_cast<std::streamsize>(t.words.size() * 4));
      }
    }
    if (!cached) out.object = rt::VulkanDevice::pack_spirv(modules);
    if (listing) out.listing = "(SPIR-V: set QTAICHI_DUMP_SPIRV=<dir> and use spirv-dis)\n";
    if (device_) {
      try {
        out.executable = device_->load(cached ? *cached : out.object, out.tasks);
      } catch (const std::runtime_error &e) {
        throw ir::CompileError(ir::ErrorKind::internal, e.what());
      }
    }
    return out;
  }

 private:
  rt::Device *device_;
};

}  // namespace

bool arch_available(ir::Arch arch, std::string *why_not) {
  switch (arch) {
    case ir::Arch::cpu: return true;
    case ir::Arch::cuda: return rt::CudaDevice::available(why_not);
    case ir::Arch::vulkan: return rt::VulkanDevice::available(why_not);
  }
  return false;
}

rt::DeviceCaps arch_caps(ir::Arch arch) {
  if (arch == ir::Arch::cuda) return rt::CudaDevice::arch_caps();
  if (arch == ir::Arch::vulkan) {  // this machine's device, or what SPIR-V always has
    if (rt::VulkanDevice::available(nullptr)) return rt::VulkanDevice().caps();
    rt::DeviceCaps c;
    c.cas8 = c.cas16 = false;
    return c;
  }
  return rt::DeviceCaps{};
}

std::unique_ptr<Backend> make_backend(ir::Arch arch, const CompileConfig &config,
                                      rt::Device *device) {
  if (arch == ir::Arch::cpu) return std::make_unique<CpuBackend>(config.opt_level);
  if (arch == ir::Arch::cuda) return std::make_unique<CudaBackend>(config.opt_level, device);
  if (arch == ir::Arch::vulkan) return std::make_unique<VulkanBackend>(device);
  throw std::runtime_error(std::string("the ") + ir::arch_name(arch) +
                           " backend is not built into this qtaichi");
}

std::unique_ptr<rt::Device> make_device(ir::Arch arch, const CompileConfig &config) {
  if (arch == ir::Arch::cpu) return std::make_unique<rt::CpuDevice>(config.num_threads);
  if (arch == ir::Arch::cuda) return std::make_unique<rt::CudaDevice>();
  if (arch == ir::Arch::vulkan) {
    // The driver's compiled pipelines are kept next to our SPIR-V, so a warm start skips both.
    std::string dir = config.cache_dir.empty() ? KernelCache::default_dir() : config.cache_dir;
    return std::make_unique<rt::VulkanDevice>(
        config.offline_cache ? dir + "/vulkan_pipelines.bin" : std::string());
  }
  std::string why;
  arch_available(arch, &why);
  throw std::runtime_error(std::string("no ") + ir::arch_name(arch) + " device: " + why);
}

}  // namespace qtaichi
