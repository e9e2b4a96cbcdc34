#pragma once
// A deep copy of a kernel, at any stage of the pipeline: for compiling one kernel for a second
// target (the pipeline consumes the IR it lowers).
#include <memory>
#include <unordered_map>

#include "ir/kernel.h"

namespace qtaichi::ir {

std::unique_ptr<Kernel> clone_kernel(const Kernel &kernel);

// Original statement -> its copy. Operands defined outside what is copied must be in the map.
using StmtMap = std::unordered_map<const Stmt *, Stmt *>;
// A deep copy of `s` (blocks included) whose operands go through `map`; records every copy in
// it. The copy has no parent yet.
std::unique_ptr<Stmt> clone_stmt(const Stmt &s, StmtMap &map);

}  // namespace qtaichi::ir
