// Constants, unary and binary operations, casts.
#include <llvm/IR/Intrinsics.h>

#include "codegen/llvm/kernel_emitter.h"

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
  if (from->is_float())  // saturating, NaN -> 0 (docs/semantics.md); plain fptosi is poison
    return ir_.CreateIntrinsic(to->is_signed() ? llvm::Intrinsic::fptosi_sat
                                               : llvm::Intrinsic::fptoui_sat,
                               {t, v->getType()}, {v});
  if (to->is_float())
    return from->is_signed() ? ir_.CreateSIToFP(v, t) : ir_.CreateUIToFP(v, t);
  return ir_.CreateIntCast(v, t, from->is_signed());
}

llvm::Value *KernelEmitter::call_libm(const char *f32_name, const char *f64_name, llvm::Value *a,
                                      llvm::Value *b) {
  llvm::Type *t = a->getType();
  const char *name = t->isFloatTy() ? f32_name : f64_name;
  std::vector<llvm::Type *> params(b ? 2 : 1, t);
  auto callee = module_.getOrInsertFunction(name, llvm::FunctionType::get(t, params, false));
  if (auto *f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    f->setDoesNotThrow();
    f->setWillReturn();
    f->setMemoryEffects(llvm::MemoryEffects::none());
  }
  return b ? ir_.CreateCall(callee, {a, b}) : ir_.CreateCall(callee, {a});
}

llvm::Value *KernelEmitter::emit_unary(const UnaryOpStmt *s) {
  llvm::Value *a = value(s->operand());
  const Type *from = s->operand()->ret_type;
  auto intrinsic = [&](llvm::Intrinsic::ID id) {
    return ir_.CreateUnaryIntrinsic(id, a);
  };
  switch (s->op) {
    case UnaryOp::neg: return from->is_float() ? ir_.CreateFNeg(a) : ir_.CreateNeg(a);
    case UnaryOp::bit_not: return ir_.CreateNot(a);
    case UnaryOp::logic_not: return to_i32(ir_.CreateNot(truthy(a)));
    case UnaryOp::sqrt: return intrinsic(llvm::Intrinsic::sqrt);
    case UnaryOp::sin: return intrinsic(llvm::Intrinsic::sin);
    case UnaryOp::cos: return intrinsic(llvm::Intrinsic::cos);
    case UnaryOp::exp: return intrinsic(llvm::Intrinsic::exp);
    case UnaryOp::log: return intrinsic(llvm::Intrinsic::log);
    case UnaryOp::floor: return intrinsic(llvm::Intrinsic::floor);
    case UnaryOp::ceil: return intrinsic(llvm::Intrinsic::ceil);
    case UnaryOp::round: return intrinsic(llvm::Intrinsic::round);
    case UnaryOp::tan: return call_libm("tanf", "tan", a);
    case UnaryOp::asin: return call_libm("asinf", "asin", a);
    case UnaryOp::acos: return call_libm("acosf", "acos", a);
    case UnaryOp::tanh: return call_libm("tanhf", "tanh", a);
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

// Integer division that never traps: x / 0 gives 0, and MIN / -1 wraps (both are undefined in
// LLVM and would raise SIGFPE on x86).
llvm::Value *KernelEmitter::emit_int_division(BinaryOp op, llvm::Value *a, llvm::Value *b,
                                              bool is_signed) {
  llvm::Type *t = a->getType();
  auto *zero = llvm::ConstantInt::get(t, 0), *one = llvm::ConstantInt::get(t, 1);
  auto *is_zero = ir_.CreateICmpEQ(b, zero);
  llvm::Value *bad = is_zero, *minus_one = nullptr;
  if (is_signed) {
    minus_one = ir_.CreateICmpEQ(b, llvm::ConstantInt::getSigned(t, -1));
    bad = ir_.CreateOr(is_zero, minus_one);
  }
  llvm::Value *safe_b = ir_.CreateSelect(bad, one, b);
  if (!is_signed) {
    llvm::Value *r = op == BinaryOp::mod ? ir_.CreateURem(a, safe_b) : ir_.CreateUDiv(a, safe_b);
    return op == BinaryOp::mod ? r : ir_.CreateSelect(is_zero, zero, r);
  }
  llvm::Value *q = ir_.CreateSDiv(a, safe_b), *r = ir_.CreateSRem(a, safe_b);
  if (op != BinaryOp::div) {
    // Python semantics: round toward -inf; the remainder takes the divisor's sign.
    auto *adjust = ir_.CreateAnd(ir_.CreateICmpNE(r, zero),
                                 ir_.CreateICmpSLT(ir_.CreateXor(r, b), zero));
    if (op == BinaryOp::floordiv) q = ir_.CreateSelect(adjust, ir_.CreateSub(q, one), q);
    else r = ir_.CreateSelect(adjust, ir_.CreateAdd(r, b), r);
  }
  if (op == BinaryOp::mod) return ir_.CreateSelect(bad, zero, r);  // x % -1 == 0 too
  q = ir_.CreateSelect(minus_one, ir_.CreateNeg(a), q);
  return ir_.CreateSelect(is_zero, zero, q);
}

// Python's float `//` and `%` (ir/arith_rules.h, which constant folding uses), step by step.
llvm::Value *KernelEmitter::emit_float_divmod(BinaryOp op, llvm::Value *a, llvm::Value *b) {
  llvm::Type *t = a->getType();
  auto *zero = llvm::ConstantFP::get(t, 0.0), *one = llvm::ConstantFP::get(t, 1.0);
  auto copysign = [&](llvm::Value *mag, llvm::Value *sign) {
    return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, mag, sign);
  };
  llvm::Value *b_zero = ir_.CreateFCmpOEQ(b, zero);
  llvm::Value *m = ir_.CreateFRem(a, b);
  llvm::Value *div = ir_.CreateFDiv(ir_.CreateFSub(a, m), b);
  llvm::Value *m_nonzero = ir_.CreateFCmpUNE(m, zero);
  llvm::Value *adjust = ir_.CreateAnd(
      m_nonzero, ir_.CreateXor(ir_.CreateFCmpOLT(b, zero), ir_.CreateFCmpOLT(m, zero)));
  if (op == BinaryOp::mod) {
    m = ir_.CreateSelect(adjust, ir_.CreateFAdd(m, b), m);
    m = ir_.CreateSelect(m_nonzero, m, copysign(zero, b));
    return ir_.CreateSelect(b_zero, llvm::ConstantFP::getNaN(t), m);
  }
  div = ir_.CreateSelect(adjust, ir_.CreateFSub(div, one), div);
  llvm::Value *fd = ir_.CreateUnaryIntrinsic(llvm::Intrinsic::floor, div);
  llvm::Value *round_up = ir_.CreateFCmpOGT(ir_.CreateFSub(div, fd), llvm::ConstantFP::get(t, 0.5));
  fd = ir_.CreateSelect(round_up, ir_.CreateFAdd(fd, one), fd);
  llvm::Value *quotient = ir_.CreateFDiv(a, b);
  fd = ir_.CreateSelect(ir_.CreateFCmpOEQ(div, zero), copysign(zero, quotient), fd);
  return ir_.CreateSelect(b_zero, quotient, fd);
}

// Integer power by repeated squaring, in a small internal function. A negative exponent
// gives 0 (1 or -1 for bases 1 and -1), like integer division would.
llvm::Value *KernelEmitter::emit_int_pow(llvm::Value *base, llvm::Value *exp, const Type *t) {
  llvm::Type *lt = base->getType();
  std::string name = "qti_ipow_" + t->str();
  llvm::Function *f = module_.getFunction(name);
  if (!f) {
    f = llvm::Function::Create(llvm::FunctionType::get(lt, {lt, lt}, false),
                               llvm::Function::InternalLinkage, name, module_);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", f));
    auto *loop = llvm::BasicBlock::Create(ctx_, "loop", f);
    auto *done = llvm::BasicBlock::Create(ctx_, "done", f);
    auto *neg = llvm::BasicBlock::Create(ctx_, "neg", f);
    llvm::Value *x = f->getArg(0), *e = f->getArg(1);
    auto *zero = llvm::ConstantInt::get(lt, 0), *one = llvm::ConstantInt::get(lt, 1);
    auto *entry = b.GetInsertBlock();
    if (t->is_signed()) {
      auto *body_start = llvm::BasicBlock::Create(ctx_, "start", f);
      b.CreateCondBr(b.CreateICmpSLT(e, zero), neg, body_start);
      b.SetInsertPoint(body_start);
      entry = body_start;
    }
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    auto *acc = b.CreatePHI(lt, 2), *bs = b.CreatePHI(lt, 2), *ex = b.CreatePHI(lt, 2);
    acc->addIncoming(one, entry);
    bs->addIncoming(x, entry);
    ex->addIncoming(e, entry);
    auto *odd = b.CreateICmpNE(b.CreateAnd(ex, one), zero);
    auto *acc2 = b.CreateSelect(odd, b.CreateMul(acc, bs), acc);
    auto *ex2 = b.CreateLShr(ex, one);
    auto *bs2 = b.CreateMul(bs, bs);
    acc->addIncoming(acc2, loop);
    bs->addIncoming(bs2, loop);
    ex->addIncoming(ex2, loop);
    b.CreateCondBr(b.CreateICmpEQ(ex2, zero), done, loop);
    b.SetInsertPoint(done);
    b.CreateRet(acc2);
    b.SetInsertPoint(neg);
    auto *minus_one = llvm::ConstantInt::getSigned(lt, -1);
    auto *odd_e = b.CreateICmpNE(b.CreateAnd(e, one), zero);
    llvm::Value *r = b.CreateSelect(b.CreateICmpEQ(x, one), one, zero);
    r = b.CreateSelect(b.CreateICmpEQ(x, minus_one), b.CreateSelect(odd_e, minus_one, one), r);
    b.CreateRet(r);
    // Exponent 0: the loop runs once with ex = 0 and returns 1.
  }
  return ir_.CreateCall(f, {base, exp});
}

llvm::Value *KernelEmitter::emit_binary(const BinaryOpStmt *s) {
  llvm::Value *a = value(s->lhs()), *b = value(s->rhs());
  const Type *t = s->lhs()->ret_type;
  bool fl = t->is_float(), sg = t->is_signed();
  switch (s->op) {
    case BinaryOp::add: return fl ? ir_.CreateFAdd(a, b) : ir_.CreateAdd(a, b);
    case BinaryOp::sub: return fl ? ir_.CreateFSub(a, b) : ir_.CreateSub(a, b);
    case BinaryOp::mul: return fl ? ir_.CreateFMul(a, b) : ir_.CreateMul(a, b);
    case BinaryOp::truediv:
    case BinaryOp::div:
      return fl ? ir_.CreateFDiv(a, b) : emit_int_division(s->op, a, b, sg);
    case BinaryOp::floordiv:
    case BinaryOp::mod:
      return fl ? emit_float_divmod(s->op, a, b) : emit_int_division(s->op, a, b, sg);
    case BinaryOp::pow:
      if (fl) return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::pow, a, b);
      return emit_int_pow(a, b, t);
    case BinaryOp::min:
      if (fl) return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, a, b);
      return ir_.CreateBinaryIntrinsic(sg ? llvm::Intrinsic::smin : llvm::Intrinsic::umin, a, b);
    case BinaryOp::max:
      if (fl) return ir_.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, a, b);
      return ir_.CreateBinaryIntrinsic(sg ? llvm::Intrinsic::smax : llvm::Intrinsic::umax, a, b);
    case BinaryOp::atan2: return call_libm("atan2f", "atan2", a, b);
    case BinaryOp::bit_and: return ir_.CreateAnd(a, b);
    case BinaryOp::bit_or: return ir_.CreateOr(a, b);
    case BinaryOp::bit_xor: return ir_.CreateXor(a, b);
    case BinaryOp::shl:
    case BinaryOp::shr:
    case BinaryOp::sar: {
      // Shift amounts wrap to the width (x86 semantics) instead of producing poison.
      unsigned bits = a->getType()->getIntegerBitWidth();
      llvm::Value *amount = ir_.CreateIntCast(b, a->getType(), false);
      amount = ir_.CreateAnd(amount, llvm::ConstantInt::get(a->getType(), bits - 1));
      if (s->op == BinaryOp::shl) return ir_.CreateShl(a, amount);
      if (s->op == BinaryOp::sar && sg) return ir_.CreateAShr(a, amount);
      return ir_.CreateLShr(a, amount);
    }
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
