#pragma once
// Launching the tasks of a compiled CPU kernel: serial tasks run on the calling thread, range-for
// tasks are split into chunks over the thread pool. Shared by the JIT path and (later) the AOT
// app runtime, so it knows nothing about LLVM.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/context.h"
#include "runtime/cpu/thread_pool.h"
#include "runtime/kernel_desc.h"

namespace qtaichi::rt {

using SerialTaskFn = void (*)(RuntimeContext *);
using RangeTaskFn = void (*)(RuntimeContext *, int32_t begin, int32_t end);

// A task as the launch description has it (block_dim: the chunk size, 0 = the pool's
// choice), and its entry point.
struct CpuTask {
  TaskDesc desc;
  void *fn = nullptr;
};

// Runs the tasks in order; stops after the first task that reports an error in ctx.
void launch_cpu_tasks(ThreadPool &pool, RuntimeContext &ctx, const std::vector<CpuTask> &tasks);

}  // namespace qtaichi::rt
