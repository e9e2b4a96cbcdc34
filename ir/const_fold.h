#pragma once
// Evaluates operations on constants exactly as the generated code would (wrap-around integers,
// f32 rounding), for constant folding. Returns false when the result is not a safe constant
// (division by zero, an out-of-range shift or float-to-int conversion).
#include "ir/stmt.h"

namespace qtaichi::ir {

struct ConstValue {
  int64_t i = 0;
  double f = 0;
};

// Wraps an integer to the width of t (sign- or zero-extended back to 64 bits).
int64_t wrap_int(int64_t v, const Type *t);

bool fold_binary(BinaryOp op, const Type *operand_type, const Type *result_type, ConstValue a,
                 ConstValue b, ConstValue *out);
bool fold_unary(UnaryOp op, const Type *from, const Type *to, ConstValue a, ConstValue *out);

}  // namespace qtaichi::ir
