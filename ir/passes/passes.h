#pragma once
// Every pass is a free function over a kernel that returns whether it changed anything. The
// order lives in ir/pipeline.cpp.
#include "ir/kernel.h"

namespace qtaichi::ir::passes {

bool lower_calls(Kernel &k);       // real function calls -> copies, or call stacks for recursion
bool type_check(Kernel &k);        // infer types, insert casts, reject invalid operands
bool simplify(Kernel &k);          // constant folding, algebraic identities, CSE, DCE
bool bit_vectorize(Kernel &k);     // 1-bit quant array struct-fors -> loops over words
bool offload(Kernel &k);           // top level -> serial and parallel range-for tasks
bool infer_thread_safety(Kernel &k);  // mark stores/atomics whose word one thread owns
bool check_quant_overflow(Kernel &k);  // optional: assert that quant stores do not wrap
bool demote_atomics(Kernel &k);    // atomics on locals and thread-owned elements -> load/op/store
bool lower_access(Kernel &k);      // field pointers -> tree + byte offset (+ bounds checks)
bool fuse_bit_struct_stores(Kernel &k);  // stores to one bit-struct word -> one store
bool lower_quant(Kernel &k);       // quant loads/stores/atomics -> integer ops and CAS loops
bool forward_loads(Kernel &k);     // reuse loaded/stored values when nothing wrote in between
bool merge_atomics(Kernel &k);     // float atomic adds to an f32 pair -> one 64-bit CAS loop
bool lower_small_atomics(Kernel &k);  // 8/16-bit int atomics without 8/16-bit CAS -> word CAS
bool lower_float_atomics(Kernel &k);  // float atomics without an instruction -> CAS loops
bool lower_random(Kernel &k);      // ti.random -> the splitmix64 streams as integer IR
bool lower_math(Kernel &k);        // transcendentals -> IR routines where the device's are inexact
bool lower_arith(Kernel &k);       // //, %, **, shifts, float->int casts: the language's rules

}  // namespace qtaichi::ir::passes
