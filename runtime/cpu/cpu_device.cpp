#include "runtime/cpu/cpu_device.h"

#include "runtime/cpu/shared_object.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

namespace qtaichi::rt {

namespace {
constexpr size_t kPage = 4096;
// Device memory is mapped pages, not heap blocks: they arrive zeroed (no memset of a large
// field), and a kernel's out-of-range access (without debug=True nothing checks indices) lands
// in the slack pages around the data instead of in the C heap's bookkeeping (where a write
// would abort the process later, at an unrelated allocation) or in unmapped memory (a crash):
// stencils that read one row before the first (Taichi's game_of_life does) read zeros.
// Untouched slack pages cost address space only.
constexpr size_t kSlack = 16 * kPage;
constexpr size_t kAlignment = 64;  // what host copies may touch: the size up to a cache line
}  // namespace

CpuDevice::CpuDevice(int num_threads) : pool_(num_threads) {}

CpuDevice::~CpuDevice() {
  memory_.for_each([](const Mapping &m) { munmap(m.base - kSlack, m.length); });
}

Allocation CpuDevice::allocate(size_t bytes) {
  size_t padded = (std::max<size_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
  size_t length = kSlack + (padded + kPage - 1) / kPage * kPage + kSlack;
  void *mem = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  return memory_.add(Mapping{static_cast<uint8_t *>(mem) + kSlack, length}, padded, bytes);
}

void CpuDevice::free(Allocation a) {
  if (auto m = memory_.remove(a.id)) munmap(m->base - kSlack, m->length);
}

uint64_t CpuDevice::address_of(Allocation a) { return reinterpret_cast<uint64_t>(at(a, 0, 0)); }

uint8_t *CpuDevice::at(Allocation a, size_t offset, size_t bytes) {
  return memory_.checked(a, offset, bytes).base + offset;
}

void CpuDevice::upload(Allocation dst, size_t offset, const void *src, size_t bytes) {
  std::memcpy(at(dst, offset, bytes), src, bytes);
}

void CpuDevice::download(Allocation src, size_t offset, void *dst, size_t bytes) {
  std::memcpy(dst, at(src, offset, bytes), bytes);
}

void CpuDevice::copy(Allocation dst, size_t dst_offset, Allocation src, size_t src_offset,
                     size_t bytes) {
  std::memmove(at(dst, dst_offset, bytes), at(src, src_offset, bytes), bytes);
}

void CpuDevice::fill(Allocation dst, size_t offset, size_t bytes, uint8_t value) {
  std::memset(at(dst, offset, bytes), value, bytes);
}

LaunchResult CpuDevice::launch(const Executable &exe, const KernelDesc &desc,
                               const LaunchArgs &args) {
  const auto &tasks = static_cast<const CpuExecutable &>(exe).tasks();
  std::vector<uint8_t *> bases;
  for (const Allocation &t : args.trees) bases.push_back(t.valid() ? at(t, 0, 0) : nullptr);
  // Per-launch state lives here, not in the device: temps start at zero (top-level locals).
  std::vector<uint8_t> temps(static_cast<size_t>(std::max<int64_t>(desc.temp_bytes, 8)), 0);
  LaunchResult out;
  RuntimeContext ctx{};
  ctx.tree_bases = bases.data();
  ctx.args = const_cast<uint64_t *>(args.args);  // compiled code only reads them
  ctx.result = out.value;
  ctx.temps = temps.data();
  ctx.rand_seed = args.rand_seed;
  ctx.launch_id = args.launch_id;
  {
    std::lock_guard<std::mutex> lock(launch_mu_);
    launch_cpu_tasks(pool_, ctx, tasks);
  }
  std::fflush(stdout);  // print output of the launch
  out.error_code = ctx.error_code;
  std::memcpy(out.error_args, ctx.error_args, sizeof out.error_args);
  return out;
}

std::unique_ptr<Executable> CpuDevice::load(const std::string &artifact,
                                            const std::vector<TaskDesc> &tasks) {
  std::shared_ptr<void> code;
  {
    std::lock_guard<std::mutex> lock(load_mu_);
    code = objects_[artifact].lock();
    if (!code) {
      code = SharedObject::open(artifact);
      objects_[artifact] = code;
    }
  }
  auto *so = static_cast<SharedObject *>(code.get());
  std::vector<CpuTask> out;
  for (const TaskDesc &t : tasks) {
    void *fn = so->symbol(t.symbol);
    if (!fn) throw std::runtime_error("the module's code has no task '" + t.symbol + "'");
    out.push_back(CpuTask{t, fn});
  }
  return std::make_unique<CpuExecutable>(std::move(out), std::move(code));
}

}  // namespace qtaichi::rt
