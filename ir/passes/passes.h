#pragma once
// Every pass is a free function over a kernel that returns whether it changed anything. The
// order lives in ir/pipeline.cpp.
#include "ir/kernel.h"

namespace qtaichi::ir::passes {

bool type_check(Kernel &k);        // infer types, insert casts, reject invalid operands
bool simplify(Kernel &k);          // constant folding, algebraic identities, CSE, DCE
bool offload(Kernel &k);           // top level -> serial and parallel range-for tasks
bool demote_atomics(Kernel &k);    // atomics on local variables -> load, op, store
bool lower_access(Kernel &k);      // field pointers -> tree + byte offset (+ bounds checks)

}  // namespace qtaichi::ir::passes
