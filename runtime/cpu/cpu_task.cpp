#include "runtime/cpu/cpu_task.h"

#include <cstring>

namespace qtaichi::rt {

namespace {
int64_t bound(const RuntimeContext &ctx, int64_t value, int64_t temp) {
  if (temp < 0) return value;
  int32_t v;
  std::memcpy(&v, ctx.temps + temp, sizeof v);
  return v;
}
}  // namespace

void launch_cpu_tasks(ThreadPool &pool, RuntimeContext &ctx, const std::vector<CpuTask> &tasks) {
  for (const CpuTask &task : tasks) {
    const TaskDesc &t = task.desc;
    if (t.kind == TaskKind::serial) {
      reinterpret_cast<SerialTaskFn>(task.fn)(&ctx);
    } else {
      int64_t b = bound(ctx, t.begin, t.begin_temp), e = bound(ctx, t.end, t.end_temp);
      auto fn = reinterpret_cast<RangeTaskFn>(task.fn);
      pool.parallel_for(b, e, t.block_dim, [&](int64_t cb, int64_t ce) {
        fn(&ctx, static_cast<int32_t>(cb), static_cast<int32_t>(ce));
      });
    }
    if (__atomic_load_n(&ctx.error_code, __ATOMIC_ACQUIRE) != 0) return;
  }
}

}  // namespace qtaichi::rt
