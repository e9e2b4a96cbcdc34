#pragma once
// A deep copy of a kernel, at any stage of the pipeline: for compiling one kernel for a second
// target (the pipeline consumes the IR it lowers).
#include <memory>

#include "ir/kernel.h"

namespace qtaichi::ir {

std::unique_ptr<Kernel> clone_kernel(const Kernel &kernel);

}  // namespace qtaichi::ir
