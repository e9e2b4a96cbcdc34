#pragma once
// Result types of operations (Taichi's rules). The builder uses them to type statements as they
// are made, so the frontend can ask a value's type; type_check re-applies them after inserting
// the casts that make operand types agree.
#include "ir/kernel.h"

namespace qtaichi::ir {

// The type both operands of a binary op are converted to before it runs.
const Type *binary_operand_type(BinaryOp op, const Type *a, const Type *b, const Kernel &k,
                                const SourceLoc &loc);
const Type *binary_result_type(BinaryOp op, const Type *a, const Type *b, const Kernel &k,
                               const SourceLoc &loc);
// The type the operand of a unary op is converted to before it runs.
const Type *unary_operand_type(UnaryOp op, const Type *a, const Kernel &k, const SourceLoc &loc);
const Type *unary_result_type(UnaryOp op, const Type *a, const Type *cast_type, const Kernel &k,
                              const SourceLoc &loc);
// Sets s->ret_type from its operands; throws CompileError(type) on invalid operand types.
void infer_ret_type(Stmt *s, const Kernel &k);

}  // namespace qtaichi::ir
