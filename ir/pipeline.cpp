// The order of the passes, top to bottom (Halide's Lower.cpp style). Every backend consumes the
// IR this produces: tasks at the top level, fields as (tree, byte offset), scalar types only.
#include "ir/pipeline.h"

#include <cstdio>

#include "ir/passes/passes.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace qtaichi::ir {

void run_pipeline(Kernel &k, const PipelineOptions &opt) {
  auto emit = [&](const std::string &text) {
    if (opt.sink) opt.sink(text);
    else std::fputs(text.c_str(), stdout), std::fflush(stdout);
  };
  auto step = [&](const char *name, bool (*pass)(Kernel &)) {
    pass(k);
    if (opt.verify) verify(k, name);
    if (opt.print_ir) emit("[" + k.name + "] after " + name + ":\n" + print_kernel(k));
  };
  if (opt.print_ir) emit("[" + k.name + "] initial:\n" + print_kernel(k));
  if (opt.verify) verify(k, "frontend");

  step("type_check", passes::type_check);
  step("simplify", passes::simplify);
  step("bit_vectorize", passes::bit_vectorize);
  step("offload", passes::offload);
  step("infer_thread_safety", passes::infer_thread_safety);
  step("check_quant_overflow", passes::check_quant_overflow);
  step("demote_atomics", passes::demote_atomics);
  step("lower_access", passes::lower_access);
  step("fuse_bit_struct_stores", passes::fuse_bit_struct_stores);
  step("lower_quant", passes::lower_quant);
  step("simplify", passes::simplify);
  step("forward_loads", passes::forward_loads);
  step("simplify", passes::simplify);  // decodes of forwarded words are now common
  step("merge_atomics", passes::merge_atomics);
}

}  // namespace qtaichi::ir
