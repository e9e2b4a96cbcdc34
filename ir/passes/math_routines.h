#pragma once
// The transcendental functions written out as plain IR arithmetic (adds, multiplies, selects,
// bit casts), for targets whose own math instructions are not accurate enough (Vulkan allows
// sin to be 2^-11 off; lavapipe's asin is 3800 ulp off near 1). Each routine is one algorithm
// for f32 and f64 alike (range reduction with constants split so products stay exact, a Taylor
// polynomial, error-free sums and products where a result needs more than the type's
// precision) and stays within 2 ulp of the correctly rounded result, like the CPU's libm.
// Branch-free: special inputs (NaN, infinities, zeros) are chosen by selects.
#include "ir/builder.h"

namespace qtaichi::ir::passes {

// Whether emit_math handles this unary op / binary op on floats.
bool has_math_routine(UnaryOp op);
bool has_math_routine(BinaryOp op);

// Emits the routine at b's insertion point and returns its result (same float type as x).
Stmt *emit_math(Builder &b, UnaryOp op, Stmt *x);
Stmt *emit_math(Builder &b, BinaryOp op, Stmt *x, Stmt *y);

}  // namespace qtaichi::ir::passes
