#pragma once
// Launching the tasks of a compiled CPU kernel: serial tasks run on the calling thread, range-for
// tasks are split into chunks over the thread pool. Shared by the JIT path and (later) the AOT
// app runtime, so it knows nothing about LLVM.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/context.h"
#include "runtime/cpu/thread_pool.h"

namespace qtaichi::rt {

using SerialTaskFn = void (*)(RuntimeContext *);
using RangeTaskFn = void (*)(RuntimeContext *, int32_t begin, int32_t end);

struct CpuTask {
  bool range_for = false;
  int64_t begin = 0, end = 0;
  int64_t begin_temp = -1, end_temp = -1;  // >= 0: read the bound (i32) from the temp buffer
  int64_t grain = 0;                       // chunk size; 0: chosen by the pool
  void *fn = nullptr;
  std::string symbol;                      // the task function's name
};

// Runs the tasks in order; stops after the first task that reports an error in ctx.
void launch_cpu_tasks(ThreadPool &pool, RuntimeContext &ctx, const std::vector<CpuTask> &tasks);

}  // namespace qtaichi::rt
