#pragma once
// The stable text form of the IR: golden form for pass tests and input to the cache key.
#include <string>

#include "ir/kernel.h"

namespace qtaichi::ir {

std::string print_kernel(const Kernel &kernel);

}  // namespace qtaichi::ir
