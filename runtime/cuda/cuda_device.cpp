#include "runtime/cuda/cuda_device.h"

#include "runtime/host_arrays.h"
#include "runtime/launch_block.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace qtaichi::rt {

using namespace cuda;

namespace {

const Driver &driver_or_throw() {
  std::string why;
  const Driver *d = Driver::get(&why);
  if (!d) throw std::runtime_error("no CUDA device: " + why);
  return *d;
}

constexpr int kDefaultBlockDim = 128;

}  // namespace

CudaExecutable::~CudaExecutable() {
  if (!module_) return;
  driver_.cuCtxSetCurrent(context_);
  driver_.cuModuleUnload(module_);
}

bool CudaDevice::available(std::string *why_not) { return Driver::get(why_not) != nullptr; }

DeviceCaps CudaDevice::arch_caps() {
  DeviceCaps c;
  // atom.cas is 32 and 64 bits wide: 8- and 16-bit updates go through their 32-bit word.
  c.cas8 = c.cas16 = false;
  c.cas64 = true;
  c.atomic_add_f32 = c.atomic_add_f64 = true;  // atom.add.f32 / .f64 (sm_60 and later)
  c.atomic_minmax_f32 = c.atomic_minmax_f64 = false;
  c.subgroup_size = 32;
  return c;
}

CudaDevice::CudaDevice() : driver_(driver_or_throw()) {
  int count = 0;
  driver_.check(driver_.cuDeviceGetCount(&count), "cuDeviceGetCount");
  int index = 0;
  if (const char *env = std::getenv("QTAICHI_CUDA_DEVICE")) index = std::atoi(env);
  if (index < 0 || index >= count)
    throw std::runtime_error("QTAICHI_CUDA_DEVICE=" + std::to_string(index) + ": this machine has " +
                             std::to_string(count) + " CUDA device(s)");
  driver_.check(driver_.cuDeviceGet(&device_, index), "cuDeviceGet");
  char name[256] = {};
  driver_.cuDeviceGetName(name, sizeof name - 1, device_);
  device_name_ = name;
  int major = 0, minor = 0;
  driver_.cuDeviceGetAttribute(&major, kAttrComputeCapabilityMajor, device_);
  driver_.cuDeviceGetAttribute(&minor, kAttrComputeCapabilityMinor, device_);
  driver_.cuDeviceGetAttribute(&sm_count_, kAttrMultiprocessorCount, device_);
  cc_ = 10 * major + minor;
  if (cc_ < 80)
    throw std::runtime_error("cuda: " + device_name_ + " has compute capability " +
                             std::to_string(major) + "." + std::to_string(minor) +
                             "; qtaichi needs 8.0 (sm_80) or later");
  // The device's primary context, retained for the life of the process and never released:
  // releasing the last reference destroys it, and every ti.init would pay for a new one.
  driver_.check(driver_.cuDevicePrimaryCtxRetain(&context_, device_), "cuDevicePrimaryCtxRetain");
}

CudaDevice::~CudaDevice() {
  bind();
  driver_.cuCtxSynchronize();
  memory_.for_each([&](CUdeviceptr p) { driver_.cuMemFree(p); });
  if (scratch_) driver_.cuMemFree(scratch_);
}

void CudaDevice::bind() const { driver_.check(driver_.cuCtxSetCurrent(context_), "cuCtxSetCurrent"); }

Allocation CudaDevice::allocate(size_t bytes) {
  bind();
  size_t padded = (std::max<size_t>(bytes, 1) + 255) / 256 * 256;
  CUdeviceptr p = 0;
  driver_.check(driver_.cuMemAlloc(&p, padded),
                "allocating " + std::to_string(padded) + " bytes of GPU memory");
  driver_.check(driver_.cuMemsetD8(p, 0, padded), "zeroing new GPU memory");
  return memory_.add(p, padded, bytes, p);
}

void CudaDevice::free(Allocation a) {
  if (auto p = memory_.remove(a.id)) {
    bind();
    driver_.cuMemFree(*p);  // waits for work that uses it
  }
}

uint64_t CudaDevice::address_of(Allocation a) { return at(a, 0, 0); }

CUdeviceptr CudaDevice::at(Allocation a, size_t offset, size_t bytes) {
  return memory_.checked(a, offset, bytes) + offset;
}

void CudaDevice::upload(Allocation dst, size_t offset, const void *src, size_t bytes) {
  bind();
  driver_.check(driver_.cuMemcpyHtoD(at(dst, offset, bytes), src, bytes), "copying to the GPU");
}

void CudaDevice::download(Allocation src, size_t offset, void *dst, size_t bytes) {
  bind();
  driver_.check(driver_.cuMemcpyDtoH(dst, at(src, offset, bytes), bytes), "copying from the GPU");
}

void CudaDevice::copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
                      size_t bytes) {
  bind();
  driver_.check(driver_.cuMemcpyDtoD(at(dst, dst_offset, bytes), at(src, src_offset, bytes), bytes),
                "copying on the GPU");
}

void CudaDevice::fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) {
  bind();
  driver_.check(driver_.cuMemsetD8(at(dst, offset, bytes), value, bytes), "filling GPU memory");
}

std::unique_ptr<Executable> CudaDevice::load(const std::string &ptx,
                                             const std::vector<TaskDesc> &tasks) {
  bind();
  std::string log(16384, '\0');
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSize};
  void *values[] = {log.data(), reinterpret_cast<void *>(log.size())};
  CUmodule module = nullptr;
  CUresult r = driver_.cuModuleLoadDataEx(&module, ptx.c_str(), 2, options, values);
  if (r != 0) {
    log.resize(std::strlen(log.c_str()));
    try {
      driver_.check(r, "loading PTX");
    } catch (const std::runtime_error &e) {
      throw std::runtime_error(std::string(e.what()) + (log.empty() ? "" : "\n" + log));
    }
  }
  std::vector<CUfunction> functions;
  for (const TaskDesc &t : tasks) {
    CUfunction f = nullptr;
    CUresult fr = driver_.cuModuleGetFunction(&f, module, t.symbol.c_str());
    if (fr != 0) {
      driver_.cuModuleUnload(module);
      driver_.check(fr, "finding task " + t.symbol + " in the PTX");
    }
    functions.push_back(f);
  }
  return std::make_unique<CudaExecutable>(driver_, context_, module, std::move(functions), tasks);
}

CUdeviceptr CudaDevice::scratch(size_t bytes) {
  if (bytes > scratch_bytes_) {
    if (scratch_) driver_.cuMemFree(scratch_);
    scratch_ = 0;
    scratch_bytes_ = std::max<size_t>(bytes, 4096);
    driver_.check(driver_.cuMemAlloc(&scratch_, scratch_bytes_), "allocating the launch block");
  }
  return scratch_;
}

LaunchResult CudaDevice::launch(const Executable &exe, const KernelDesc &desc,
                                const LaunchArgs &args) {
  const auto &functions = static_cast<const CudaExecutable &>(exe).functions();
  std::lock_guard<std::mutex> lock(launch_mu_);
  bind();
  LaunchBlock lb(desc, args.trees.size());
  CUdeviceptr block = scratch(lb.total);

  // Ndarrays are host memory: copy each in, and point its slot at the copy.
  struct Staged {
    CUdeviceptr dev;
    void *host;
    size_t bytes;
  };
  std::vector<Staged> staged;
  std::vector<uint64_t> slots(args.args, args.args + desc.num_arg_slots);
  auto release = [&] {  // an array passed twice was staged once (host null on the repeat)
    for (const Staged &s : staged)
      if (s.host) driver_.cuMemFree(s.dev);
  };
  try {
    for (const HostArray &h : host_arrays(desc, slots, args.resident_slots)) {
      if (h.same_as >= 0) {
        slots[h.arg->slot] = staged[static_cast<size_t>(h.same_as)].dev;
        staged.push_back({staged[static_cast<size_t>(h.same_as)].dev, nullptr, 0});
        continue;
      }
      Staged s{0, h.host, h.bytes};
      driver_.check(driver_.cuMemAlloc(&s.dev, std::max<size_t>(h.bytes, 1)),
                    "allocating GPU memory for ndarray '" + h.arg->name + "'");
      staged.push_back(s);
      if (h.bytes) driver_.check(driver_.cuMemcpyHtoD(s.dev, s.host, h.bytes),
                                 "copying ndarray '" + h.arg->name + "' to the GPU");
      slots[h.arg->slot] = s.dev;
    }
    std::vector<uint64_t> trees;
    for (const Allocation &t : args.trees) trees.push_back(t.valid() ? at(t, 0, 0) : 0);
    lb.write(block, trees, slots, args);
    driver_.check(driver_.cuMemcpyHtoD(block, lb.image.data(), lb.total), "uploading the launch block");

    void *params[] = {&block};
    for (size_t i = 0; i < desc.tasks.size(); i++) {
      const TaskDesc &t = desc.tasks[i];
      unsigned grid = 1, threads = 1;
      if (t.kind == TaskKind::range_for) {
        threads = static_cast<unsigned>(t.block_dim > 0 ? std::min(t.block_dim, 1024)
                                                         : kDefaultBlockDim);
        // Enough blocks for every index, at most about two waves; the task strides over
        // the rest (and over a range only known on the device).
        int64_t cap = int64_t(sm_count_) * 32;
        int64_t n = cap * threads;
        if (t.begin_temp < 0 && t.end_temp < 0) {
          n = t.end - t.begin;
          if (n <= 0) continue;
        }
        grid = static_cast<unsigned>(std::clamp<int64_t>((n + threads - 1) / threads, 1, cap));
      }
      driver_.check(driver_.cuLaunchKernel(functions.at(i), grid, 1, 1, threads, 1, 1, 0, nullptr,
                                           params, nullptr),
                    "launching " + t.symbol);
    }
    LaunchResult out;
    bool read_back = desc.ret_type != "void" || !desc.assertions.empty() || !staged.empty() ||
                     desc.prints;
    if (read_back) {
      RuntimeContext done{};
      driver_.check(driver_.cuMemcpyDtoH(&done, block, sizeof done), "running " + desc.name);
      driver_.check(driver_.cuMemcpyDtoH(out.value, block + lb.result,
                                         8 * static_cast<size_t>(desc.ret_count)),
                    "reading the result");
      out.error_code = done.error_code;
      std::memcpy(out.error_args, done.error_args, sizeof out.error_args);
      for (const Staged &s : staged)
        if (s.bytes) driver_.check(driver_.cuMemcpyDtoH(s.host, s.dev, s.bytes),
                                   "copying an ndarray back from the GPU");
    }
    release();
    if (desc.prints) std::fflush(stdout);  // the device's printf wrote at the copy above
    return out;
  } catch (...) {
    release();
    throw;
  }
}

void CudaDevice::synchronize() {
  bind();
  driver_.check(driver_.cuCtxSynchronize(), "running kernels");
}

}  // namespace qtaichi::rt
