#pragma once
#include <string>

#include "ir/kernel.h"

namespace qtaichi::ir {

// Checks the structural invariants of a kernel: parent links, every operand defined before its
// use in an enclosing scope, break/continue inside loops, loop indices inside their loops, and,
// as the pipeline advances, operand types, tasks only at the top level and no field pointers
// left after lower_access. Throws CompileError(internal) naming the pass and the statement.
void verify(const Kernel &kernel, const std::string &after_pass = "");

}  // namespace qtaichi::ir
