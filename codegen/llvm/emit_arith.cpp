// Constants, unary and binary operations, casts.
#include <llvm/IR/Intrinsics.h>

#include "codegen/llvm/kernel_emitter.h"
#include "ir/error.h"

namespace qtaichi::codegen {

using namespace qtaichi::ir;

llvm::Value *KernelEmitter::truthy(llvm::Value *v) {
  if (v->getType()->isIntegerTy(1)) return v;
  if (v->getType()->isFloatingPointTy())
    return ir_.CreateFCmpUNE(v, llvm::ConstantFP::get(v->getType(), 0.0));
  return ir_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0));
}

llvm::Value *KernelEmitter::emit_const(const ConstStmt *s) {
  llvm::Type *t = llvm_type(s->ret_type);
  if (s->ret_type->is_float()) return llvm::ConstantFP::get(t, s->fval);
  return llvm::ConstantInt::get(t, static_cast<uint64_t>(s->ival), s->ret_type->is_signed());
}

llvm::Value *KernelEmitter::emit_cast(llvm::Value *v, const Type *from, const Type *to) {
  llvm::Type *t = llvm_type(to);
  if (from == to) return v;
  if (from->is_float() && to->is_float()) return ir_.CreateFPCast(v, t);
  if (from->is_float())  // in range: lower_arith selected the saturated value otherwise
    return to->is_signed() ? ir_.CreateFPToSI(v, t) : ir_.CreateFPToUI(v, t);
  if (to->is_float())
    return from->is_signed() ? ir_.CreateSIToFP(v, t) : ir_.CreateUIToFP(v, t);
  return ir_.CreateIntCast(v, t, from->is_signed());
}

llvm::Value *KernelEmitter::emit_unary(const UnaryOpStmt *s) {
  llvm::Value *a = value(s->operand());
  const Type *from = s->operand()->ret_type;
  auto intrinsic = [&](llvm::Intrinsic::ID id) {
    return ir_.CreateUnaryIntrinsic(id, a);
  };
  auto math = [&](const char *name) { return hooks_.call_math(ir_, module_, name, {a}); };
  switch (s->op) {
    case UnaryOp::neg: return from->is_float() ? ir_.CreateFNeg(a) : ir_.CreateNeg(a);
    case UnaryOp::bit_not: return ir_.CreateNot(a);
    case UnaryOp::logic_not: return to_i32(ir_.CreateNot(truthy(a)));
    case UnaryOp::sqrt: return intrinsic(llvm::Intrinsic::sqrt);
    case UnaryOp::sin: return math("sin");
    case UnaryOp::cos: return math("cos");
    case UnaryOp::exp: return math("exp");
    case UnaryOp::log: return math("log");
    case UnaryOp::floor: return intrinsic(llvm::Intrinsic::floor);
    case UnaryOp::ceil: return intrinsic(llvm::Intrinsic::ceil);
    case UnaryOp::round: return intrinsic(llvm::Intrinsic::round);
    case UnaryOp::tan: return math("tan");
    case UnaryOp::asin: return math("asin");
    case UnaryOp::acos: return math("acos");
    case UnaryOp::tanh: return math("tanh");
    case UnaryOp::abs:
      if (from->is_float()) return intrinsic(llvm::Intrinsic::fabs);
      if (!from->is_signed()) return a;
      return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::abs, a, ir_.getFalse());
    case UnaryOp::cast_value: return emit_cast(a, from, s->cast_type);
    case UnaryOp::cast_bits: return ir_.CreateBitCast(a, llvm_type(s->cast_type));
    case UnaryOp::clz: return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, a, ir_.getFalse());
  }
  return nullptr;
}

llvm::Value *KernelEmitter::emit_binary(const BinaryOpStmt *s) {
  llvm::Value *a = value(s->lhs()), *b = value(s->rhs());
  const Type *t = s->lhs()->ret_type;
  bool fl = t->is_float(), sg = t->is_signed();
  switch (s->op) {
    case BinaryOp::add: return fl ? ir_.CreateFAdd(a, b) : ir_.CreateAdd(a, b);
    case BinaryOp::sub: return fl ? ir_.CreateFSub(a, b) : ir_.CreateSub(a, b);
    case BinaryOp::mul: return fl ? ir_.CreateFMul(a, b) : ir_.CreateMul(a, b);
    // lower_arith leaves division only by divisors in range (never 0, never MIN / -1) and
    // rewrites Python's // and % and integer ** in these.
    case BinaryOp::truediv:
    case BinaryOp::div:
      return fl ? ir_.CreateFDiv(a, b) : sg ? ir_.CreateSDiv(a, b) : ir_.CreateUDiv(a, b);
    case BinaryOp::rem:
      if (fl) return hooks_.call_math(ir_, module_, "fmod", {a, b});
      return sg ? ir_.CreateSRem(a, b) : ir_.CreateURem(a, b);
    case BinaryOp::floordiv:
    case BinaryOp::mod:
      throw CompileError(ErrorKind::internal, "'//' and '%' reach the backend only through "
                         "lower_arith", s->loc);
    case BinaryOp::pow:
      if (fl) return hooks_.call_math(ir_, module_, "pow", {a, b});
      throw CompileError(ErrorKind::internal, "integer ** reaches the backend only through "
                         "lower_arith", s->loc);
    case BinaryOp::min:
      if (fl) return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, a, b);
      return ir_.CreateBinaryIntrinsic(sg ? llvm::Intrinsic::smin : llvm::Intrinsic::umin, a, b);
    case BinaryOp::max:
      if (fl) return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, a, b);
      return ir_.CreateBinaryIntrinsic(sg ? llvm::Intrinsic::smax : llvm::Intrinsic::umax, a, b);
    case BinaryOp::atan2: return hooks_.call_math(ir_, module_, "atan2", {a, b});
    case BinaryOp::bit_and: return ir_.CreateAnd(a, b);
    case BinaryOp::bit_or: return ir_.CreateOr(a, b);
    case BinaryOp::bit_xor: return ir_.CreateXor(a, b);
    case BinaryOp::shl:  // lower_arith masked the amount to the width
      return ir_.CreateShl(a, b);
    case BinaryOp::shr: return ir_.CreateLShr(a, b);
    case BinaryOp::sar: return sg ? ir_.CreateAShr(a, b) : ir_.CreateLShr(a, b);
    case BinaryOp::cmp_lt:
      return to_i32(fl ? ir_.CreateFCmpOLT(a, b) : sg ? ir_.CreateICmpSLT(a, b) : ir_.CreateICmpULT(a, b));
    case BinaryOp::cmp_le:
      return to_i32(fl ? ir_.CreateFCmpOLE(a, b) : sg ? ir_.CreateICmpSLE(a, b) : ir_.CreateICmpULE(a, b));
    case BinaryOp::cmp_gt:
      return to_i32(fl ? ir_.CreateFCmpOGT(a, b) : sg ? ir_.CreateICmpSGT(a, b) : ir_.CreateICmpUGT(a, b));
    case BinaryOp::cmp_ge:
      return to_i32(fl ? ir_.CreateFCmpOGE(a, b) : sg ? ir_.CreateICmpSGE(a, b) : ir_.CreateICmpUGE(a, b));
    case BinaryOp::cmp_eq: return to_i32(fl ? ir_.CreateFCmpOEQ(a, b) : ir_.CreateICmpEQ(a, b));
    case BinaryOp::cmp_ne: return to_i32(fl ? ir_.CreateFCmpUNE(a, b) : ir_.CreateICmpNE(a, b));
    case BinaryOp::logic_and: return to_i32(ir_.CreateAnd(truthy(a), truthy(b)));
    case BinaryOp::logic_or: return to_i32(ir_.CreateOr(truthy(a), truthy(b)));
  }
  return nullptr;
}

}  // namespace qtaichi::codegen
