#pragma once
#include <functional>
#include <string>

#include "ir/kernel.h"

namespace qtaichi::ir {

struct PipelineOptions {
  bool print_ir = false;  // print the IR after every pass
  bool verify = true;     // run the verifier between passes
  // Where printed IR goes (stdout when empty).
  std::function<void(const std::string &)> sink;
};

// Runs every pass in order on the kernel, from the frontend's IR to the IR backends consume.
void run_pipeline(Kernel &kernel, const PipelineOptions &options);

}  // namespace qtaichi::ir
