// The order of the passes, top to bottom (Halide's Lower.cpp style). Every backend consumes the
// IR this produces: tasks at the top level, fields as (tree, byte offset), scalar types only.
#include "ir/pipeline.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ir/passes/passes.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace qtaichi::ir {

const std::vector<std::pair<const char *, Pass>> &pipeline_passes() {
  static const std::vector<std::pair<const char *, Pass>> passes = {
      {"lower_calls", passes::lower_calls},  // before anything else: no pass sees a call
      {"type_check", passes::type_check},
      {"simplify", passes::simplify},
      {"bit_vectorize", passes::bit_vectorize},
      {"offload", passes::offload},
      {"infer_thread_safety", passes::infer_thread_safety},
      {"check_quant_overflow", passes::check_quant_overflow},
      {"demote_atomics", passes::demote_atomics},
      {"lower_access", passes::lower_access},
      {"fuse_bit_struct_stores", passes::fuse_bit_struct_stores},
      {"lower_quant", passes::lower_quant},
      {"simplify", passes::simplify},
      {"forward_loads", passes::forward_loads},
      {"simplify", passes::simplify},  // decodes of forwarded words are now common
      {"merge_atomics", passes::merge_atomics},  // where the target has no float atomic add
      {"lower_small_atomics", passes::lower_small_atomics},
      {"lower_float_atomics", passes::lower_float_atomics},
      {"lower_random", passes::lower_random},
      {"lower_math", passes::lower_math},  // where the target's math is not accurate
      {"lower_arith", passes::lower_arith},  // every backend then emits one instruction each
      {"simplify", passes::simplify},
  };
  return passes;
}

void run_pipeline(Kernel &k, const Target &target, const PipelineOptions &opt) {
  k.target = target;
  auto emit = [&](const std::string &text) {
    if (opt.sink) opt.sink(text);
    else std::fputs(text.c_str(), stdout), std::fflush(stdout);
  };
  static const bool times = std::getenv("QTAICHI_PASS_TIMES") != nullptr;
  auto step = [&](const char *name, bool (*pass)(Kernel &)) {
    auto t0 = std::chrono::steady_clock::now();
    pass(k);
    if (times)
      std::fprintf(stderr, "[qtaichi] %s: %s %.2f ms\n", k.name.c_str(), name,
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (opt.verify) verify(k, name);
    if (opt.print_ir) emit("[" + k.name + "] after " + name + ":\n" + print_kernel(k));
  };
  if (opt.print_ir) emit("[" + k.name + "] initial:\n" + print_kernel(k));
  if (opt.verify) verify(k, "frontend");

  for (const auto &[name, pass] : pipeline_passes()) step(name, pass);
  k.lowered = true;
  if (opt.print_ir) emit("[" + k.name + "] final:\n" + print_kernel(k));
}

}  // namespace qtaichi::ir
