#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ir/kernel.h"

namespace qtaichi::ir {

struct PipelineOptions {
  bool print_ir = false;  // print the IR after every pass
  bool verify = true;     // run the verifier between passes
  // Where printed IR goes (stdout when empty).
  std::function<void(const std::string &)> sink;
};

// Runs every pass in order on the kernel, from the frontend's IR to the IR the backend for
// `target` consumes; passes choose their lowering from the target's capabilities.
void run_pipeline(Kernel &kernel, const Target &target, const PipelineOptions &options);

// The passes in their order, as (name, pass): run_pipeline runs exactly these, and pass tests
// take the order from here instead of copying it.
using Pass = bool (*)(Kernel &);
const std::vector<std::pair<const char *, Pass>> &pipeline_passes();

}  // namespace qtaichi::ir
