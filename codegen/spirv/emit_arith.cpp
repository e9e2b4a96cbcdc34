// Types, constants, unary and binary operations, casts.
#include <spirv/unified1/GLSL.std.450.h>


#include "codegen/spirv/task_emitter.h"
#include "ir/error.h"

namespace qtaichi::codegen::spirv {

using namespace qtaichi::ir;

Id TaskEmitter::type_of(const Type *t) {
  switch (t->kind()) {
    case PrimKind::u1: return bool_;
    case PrimKind::f32: return b_.t_float(32);
    case PrimKind::f64: return b_.t_float(64);
    case PrimKind::void_: return b_.t_void();
    default: return b_.t_int(t->bits(), t->is_signed());
  }
}

Id TaskEmitter::emit_const(const ConstStmt *s) {
  const Type *t = s->ret_type;
  if (t->kind() == PrimKind::u1) return b_.c_bool(s->ival != 0);
  if (t->is_float()) return b_.c_float(type_of(t), t->bits(), s->fval);
  return b_.c_int(type_of(t), t->bits(), static_cast<uint64_t>(s->ival), t->is_signed());
}

Id TaskEmitter::truthy(Id v, const Type *t) {
  if (t->kind() == PrimKind::u1) return v;
  if (t->is_float()) {
    // Nonzero or NaN, from the bits: drivers that assume no NaNs (lavapipe, whatever the
    // float controls say) fold a NaN's `!= 0.0` to false.
    Id ut = b_.t_int(t->bits(), false);
    uint64_t magnitude = (uint64_t(1) << (t->bits() - 1)) - 1;
    Id mag = b_.op(Op::OpBitwiseAnd, ut, {b_.op(Op::OpBitcast, ut, {v}), b_.c_int(ut, t->bits(), magnitude)});
    return b_.op(Op::OpINotEqual, bool_, {mag, b_.c_int(ut, t->bits(), 0)});
  }
  return b_.op(Op::OpINotEqual, bool_, {v, b_.c_int(type_of(t), t->bits(), 0, t->is_signed())});
}

Id TaskEmitter::to_i32(Id b) { return b_.op(Op::OpSelect, i32_, {b, b_.c_i32(1), b_.c_i32(0)}); }

Id TaskEmitter::glsl(int inst, Id type, const std::vector<Id> &args) {
  std::vector<uint32_t> ops{b_.import_glsl(), static_cast<uint32_t>(inst)};
  ops.insert(ops.end(), args.begin(), args.end());
  return b_.op(Op::OpExtInst, type, ops);
}

Id TaskEmitter::emit_cast(Id v, const Type *from, const Type *to) {
  if (from == to) return v;
  Id t = type_of(to);
  if (from->kind() == PrimKind::u1) {  // bool -> 0 / 1
    Id one = to->is_float() ? b_.c_float(t, to->bits(), 1.0) : b_.c_int(t, to->bits(), 1, to->is_signed());
    Id zero = to->is_float() ? b_.c_float(t, to->bits(), 0.0) : b_.c_int(t, to->bits(), 0, to->is_signed());
    return b_.op(Op::OpSelect, t, {v, one, zero});
  }
  if (to->kind() == PrimKind::u1) return truthy(v, from);
  if (from->is_float() && to->is_float()) return b_.op(Op::OpFConvert, t, {v});
  if (from->is_float())  // in range: lower_arith selected the saturated value otherwise
    return b_.op(to->is_signed() ? Op::OpConvertFToS : Op::OpConvertFToU, t, {v});
  if (to->is_float()) return b_.op(from->is_signed() ? Op::OpConvertSToF : Op::OpConvertUToF, t, {v});
  if (from->bits() == to->bits()) return b_.op(Op::OpBitcast, t, {v});
  // Widening extends by the source's signedness; narrowing keeps the low bits.
  if (from->bits() < to->bits()) {
    if (from->is_signed() == to->is_signed())
      return b_.op(from->is_signed() ? Op::OpSConvert : Op::OpUConvert, t, {v});
    Id same_sign = b_.t_int(to->bits(), from->is_signed());
    Id w = b_.op(from->is_signed() ? Op::OpSConvert : Op::OpUConvert, same_sign, {v});
    return b_.op(Op::OpBitcast, t, {w});
  }
  Id narrow = b_.t_int(to->bits(), from->is_signed());
  Id n = b_.op(from->is_signed() ? Op::OpSConvert : Op::OpUConvert, narrow, {v});
  return narrow == t ? n : b_.op(Op::OpBitcast, t, {n});
}

// Half away from zero: trunc(x), plus sign(x) when the dropped fraction is at least 1/2 (the
// fraction x - trunc(x) is exact).
Id TaskEmitter::emit_round(Id a, const Type *t) {
  Id ft = type_of(t);
  Id tr = glsl(GLSLstd450Trunc, ft, {a});
  Id frac = glsl(GLSLstd450FAbs, ft, {b_.op(Op::OpFSub, ft, {a, tr})});
  Id up = b_.op(Op::OpFOrdGreaterThanEqual, bool_, {frac, b_.c_float(ft, t->bits(), 0.5)});
  Id step = b_.op(Op::OpSelect, ft, {up, glsl(GLSLstd450FSign, ft, {a}), b_.c_float(ft, t->bits(), 0.0)});
  return b_.op(Op::OpFAdd, ft, {tr, step});
}

// Leading zeros (the width for 0), from FindUMsb on 32 bits.
Id TaskEmitter::emit_clz(Id a, const Type *t) {
  int bits = t->bits();
  auto clz32 = [&](Id x32) {  // x32: u32
    Id msb = b_.op(Op::OpBitcast, i32_, {glsl(GLSLstd450FindUMsb, u32_, {x32})});
    return b_.op(Op::OpISub, i32_, {b_.c_i32(31), msb});  // FindUMsb(0) = -1 -> 32
  };
  Id r;
  if (bits == 64) {
    Id u = b_.op(Op::OpBitcast, u64_, {a});
    Id hi = b_.op(Op::OpUConvert, u32_, {b_.op(Op::OpShiftRightLogical, u64_, {u, b_.c_u32(32)})});
    Id lo = b_.op(Op::OpUConvert, u32_, {u});
    Id hz = clz32(hi);
    r = b_.op(Op::OpSelect, i32_, {b_.op(Op::OpIEqual, bool_, {hi, b_.c_u32(0)}),
                                    b_.op(Op::OpIAdd, i32_, {b_.c_i32(32), clz32(lo)}), hz});
  } else {
    Id u = bits == 32 ? b_.op(Op::OpBitcast, u32_, {a})
                      : b_.op(Op::OpUConvert, u32_, {b_.op(Op::OpBitcast, b_.t_int(bits, false), {a})});
    r = b_.op(Op::OpISub, i32_, {clz32(u), b_.c_i32(32 - bits)});
  }
  return t == types::i32() ? r : emit_cast(r, types::i32(), t);
}


// Float division and remainder with a zero divisor give IEEE results without the driver ever
// seeing a zero divisor: Vulkan leaves x / 0 undefined unless the device keeps infinities and
// NaNs, and lavapipe drops a shader's stores outright when it can prove a divisor is 0.0.
// x / +-0 is +-inf with the sign of x * y (NaN for x = 0 or NaN), fmod(x, +-0) is NaN; both
// are built from the operands' bits, so no infinite constant reaches the driver either.
Id TaskEmitter::emit_float_division(Op op, Id x, Id y, const Type *t) {
  Id ft = type_of(t);
  int bits = t->bits();
  Id ut = b_.t_int(bits, false);
  auto c = [&](double v) { return b_.c_float(ft, bits, v); };
  auto u = [&](uint64_t v) { return b_.c_int(ut, bits, v); };
  Id zero = b_.op(Op::OpFOrdEqual, bool_, {y, c(0.0)});
  Id safe = b_.op(Op::OpSelect, ft, {zero, c(1.0), y});
  Id q = op == Op::OpFDiv ? b_.op(op, ft, {x, safe}) : emit_fmod(x, safe, t);
  Id ybits = b_.op(Op::OpBitcast, ut, {y});
  uint64_t sign = uint64_t(1) << (bits - 1);
  uint64_t inf = bits == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
  uint64_t quiet = bits == 32 ? 0x7fc00000ull : 0x7ff8000000000000ull;
  Id special;
  if (op == Op::OpFDiv) {
    // From the bits, not x * inf: a driver assuming no NaNs folds 0 * inf to 0.
    Id xbits = b_.op(Op::OpBitcast, ut, {x});
    Id xmag = b_.op(Op::OpBitwiseAnd, ut, {xbits, u(sign - 1)});
    Id nan_result = b_.op(Op::OpLogicalOr, bool_, {b_.op(Op::OpIEqual, bool_, {xmag, u(0)}),
                                                    b_.op(Op::OpUGreaterThan, bool_, {xmag, u(inf)})});
    Id signed_inf = b_.op(Op::OpBitwiseOr, ut, {
        b_.op(Op::OpBitwiseAnd, ut, {b_.op(Op::OpBitwiseXor, ut, {xbits, ybits}), u(sign)}), u(inf)});
    special = b_.op(Op::OpBitcast, ft, {b_.op(Op::OpSelect, ut, {nan_result, u(quiet), signed_inf})});
  } else {
    special = b_.op(Op::OpBitcast, ft, {b_.op(Op::OpBitwiseOr, ut, {ybits, u(quiet)})});
  }
  return b_.op(Op::OpSelect, ft, {zero, special, q});
}

// C's fmod, exact (OpFRem is not, on lavapipe): the remainder of the integer mantissas by long
// division in 64-bit steps, scaled back by the divisor's exponent. y is never 0 here.
Id TaskEmitter::emit_fmod(Id x, Id y, const Type *t) {
  Id ft = type_of(t);
  int bits = t->bits();
  int mant = bits == 32 ? 23 : 52, bias = bits == 32 ? 127 : 1023;
  Id ut = b_.t_int(bits, false);
  auto u = [&](uint64_t v) { return b_.c_int(ut, bits, v); };
  Id ptr_u64 = b_.t_pointer(spv::StorageClass::Function, u64_);
  Id ptr_i32 = b_.t_pointer(spv::StorageClass::Function, i32_);
  uint64_t frac_mask = (uint64_t(1) << mant) - 1;
  // (mantissa with its implicit bit, biased exponent >= 1) of |v|; denormals keep exponent 1.
  auto split = [&](Id v) {
    Id vb = b_.op(Op::OpBitcast, ut, {v});
    Id e = b_.op(Op::OpBitwiseAnd, ut, {b_.op(Op::OpShiftRightLogical, ut, {vb, u(mant)}),
                                        u((uint64_t(1) << (bits - 1 - mant)) - 1)});
    Id f = b_.op(Op::OpBitwiseAnd, ut, {vb, u(frac_mask)});
    Id normal = b_.op(Op::OpINotEqual, bool_, {e, u(0)});
    Id m = b_.op(Op::OpSelect, ut, {normal, b_.op(Op::OpBitwiseOr, ut, {f, u(frac_mask + 1)}), f});
    Id e1 = b_.op(Op::OpSelect, ut, {normal, e, u(1)});
    Id m64 = bits == 64 ? m : b_.op(Op::OpUConvert, u64_, {m});
    Id e32 = bits == 32 ? b_.op(Op::OpBitcast, i32_, {e1})
                        : b_.op(Op::OpBitcast, i32_, {b_.op(Op::OpUConvert, u32_, {e1})});
    return std::pair{m64, e32};
  };
  auto [mx, ex] = split(x);
  auto [my, ey] = split(y);
  Id r = b_.function_variable(ptr_u64), d = b_.function_variable(ptr_i32);
  b_.op_void(Op::OpStore, {r, b_.op(Op::OpUMod, u64_, {mx, my})});
  b_.op_void(Op::OpStore, {d, b_.op(Op::OpISub, i32_, {ex, ey})});
  // Each step shifts the remainder left by as many bits as stay below 2^64, then reduces it.
  int step = 64 - (mant + 1);
  Id header = b_.label(), body = b_.label(), cont = b_.label(), merge = b_.label();
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(header);
  Id dl = b_.op(Op::OpLoad, i32_, {d});
  Id more = b_.op(Op::OpSGreaterThan, bool_, {dl, b_.c_i32(0)});
  b_.op_void(Op::OpLoopMerge, {merge, cont, 0});
  b_.op_void(Op::OpBranchConditional, {more, body, merge});
  b_.place_label(body);
  Id sh = glsl(GLSLstd450SMin, i32_, {dl, b_.c_i32(step)});
  Id rl = b_.op(Op::OpLoad, u64_, {r});
  b_.op_void(Op::OpStore, {r, b_.op(Op::OpUMod, u64_, {b_.op(Op::OpShiftLeftLogical, u64_, {rl, sh}), my})});
  b_.op_void(Op::OpStore, {d, b_.op(Op::OpISub, i32_, {dl, sh})});
  b_.op_void(Op::OpBranch, {cont});
  b_.place_label(cont);
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(merge);
  // |result| = r * 2^(ey - bias - mant); r < 2^(mant+1) converts exactly.
  Id rv = b_.op(Op::OpConvertUToF, ft, {b_.op(Op::OpLoad, u64_, {r})});
  Id scaled = glsl(GLSLstd450Ldexp, ft, {rv, b_.op(Op::OpISub, i32_, {ey, b_.c_i32(bias + mant)})});
  Id xb = b_.op(Op::OpBitcast, ut, {x});
  Id sign = b_.op(Op::OpBitwiseAnd, ut, {xb, u(uint64_t(1) << (bits - 1))});
  Id result = b_.op(Op::OpBitcast, ft, {b_.op(Op::OpBitwiseOr, ut, {b_.op(Op::OpBitcast, ut, {scaled}), sign})});
  // |x| < |y| (d < 0 above): x itself. x infinite or NaN, or y NaN: NaN. y infinite: x.
  Id ax = glsl(GLSLstd450FAbs, ft, {x}), ay = glsl(GLSLstd450FAbs, ft, {y});
  result = b_.op(Op::OpSelect, ft, {b_.op(Op::OpFOrdLessThan, bool_, {ax, ay}), x, result});
  Id bad = b_.op(Op::OpLogicalOr, bool_, {b_.op(Op::OpIsInf, bool_, {x}),
                                           b_.op(Op::OpLogicalOr, bool_, {b_.op(Op::OpIsNan, bool_, {x}),
                                                                          b_.op(Op::OpIsNan, bool_, {y})})});
  uint64_t quiet = bits == 32 ? 0x7fc00000ull : 0x7ff8000000000000ull;
  Id nan = b_.op(Op::OpBitcast, ft, {b_.op(Op::OpBitwiseOr, ut, {xb, u(quiet)})});
  result = b_.op(Op::OpSelect, ft, {b_.op(Op::OpIsInf, bool_, {y}), x, result});
  return b_.op(Op::OpSelect, ft, {bad, nan, result});
}

Id TaskEmitter::emit_unary(const UnaryOpStmt *s) {
  Id a = value(s->operand());
  const Type *from = s->operand()->ret_type;
  Id t = type_of(s->ret_type);
  switch (s->op) {
    case UnaryOp::neg: return b_.op(from->is_float() ? Op::OpFNegate : Op::OpSNegate, t, {a});
    case UnaryOp::bit_not: return b_.op(Op::OpNot, t, {a});
    case UnaryOp::logic_not: return to_i32(b_.op(Op::OpLogicalNot, bool_, {truthy(a, from)}));
    case UnaryOp::sqrt: return glsl(GLSLstd450Sqrt, t, {a});
    case UnaryOp::sin: case UnaryOp::cos: case UnaryOp::tan: case UnaryOp::asin:
    case UnaryOp::acos: case UnaryOp::exp: case UnaryOp::log: case UnaryOp::tanh:
      throw CompileError(ErrorKind::internal, std::string(unary_op_name(s->op)) +
                         " reaches the SPIR-V backend only through lower_math", s->loc);
    case UnaryOp::floor: return glsl(GLSLstd450Floor, t, {a});
    case UnaryOp::ceil: return glsl(GLSLstd450Ceil, t, {a});
    case UnaryOp::round: return emit_round(a, from);
    case UnaryOp::abs:
      if (from->is_float()) return glsl(GLSLstd450FAbs, t, {a});
      if (!from->is_signed()) return a;
      return glsl(GLSLstd450SAbs, t, {a});
    case UnaryOp::cast_value: return emit_cast(a, from, s->cast_type);
    case UnaryOp::cast_bits: return b_.op(Op::OpBitcast, type_of(s->cast_type), {a});
    case UnaryOp::clz: return emit_clz(a, from);
  }
  return 0;
}

// Float results are decorated NoContraction: a driver may not fuse a * b + c into an FMA,
// so results match the CPU (which never contracts) and the error-free sums and products of
// ir/passes/math_routines.cpp stay exact.
Id TaskEmitter::exact(bool is_float, Id result) {
  if (is_float) b_.decorate(result, spv::Decoration::NoContraction);
  return result;
}

Id TaskEmitter::emit_binary(const BinaryOpStmt *s) {
  Id a = value(s->lhs()), b = value(s->rhs());
  const Type *lt = s->lhs()->ret_type;
  bool fl = lt->is_float(), sg = lt->is_signed();
  Id t = type_of(s->ret_type);
  Id ot = type_of(lt);
  auto cmp = [&](Op f, Op si, Op ui) {
    if (!fl && sg && lt->bits() == 64 && si != Op::OpIEqual && si != Op::OpINotEqual) {
      // a <s b as (a ^ 2^63) <u (b ^ 2^63): lavapipe (Mesa 22.3) miscompiles a signed 64-bit
      // comparison of a sign-extended 32-bit value with a constant (0 < 5865 is false there).
      Id sign = b_.c_u64(uint64_t(1) << 63);
      Id ua = b_.op(Op::OpBitwiseXor, u64_, {b_.op(Op::OpBitcast, u64_, {a}), sign});
      Id ub = b_.op(Op::OpBitwiseXor, u64_, {b_.op(Op::OpBitcast, u64_, {b}), sign});
      return to_i32(b_.op(ui, bool_, {ua, ub}));
    }
    return to_i32(b_.op(fl ? f : sg ? si : ui, bool_, {a, b}));
  };
  switch (s->op) {
    case BinaryOp::add: return exact(fl, b_.op(fl ? Op::OpFAdd : Op::OpIAdd, t, {a, b}));
    case BinaryOp::sub: return exact(fl, b_.op(fl ? Op::OpFSub : Op::OpISub, t, {a, b}));
    case BinaryOp::mul: return exact(fl, b_.op(fl ? Op::OpFMul : Op::OpIMul, t, {a, b}));
    case BinaryOp::truediv:
    case BinaryOp::div:
      if (fl) return emit_float_division(Op::OpFDiv, a, b, lt);
      return b_.op(sg ? Op::OpSDiv : Op::OpUDiv, t, {a, b});
    case BinaryOp::rem:
      if (fl) return emit_float_division(Op::OpFRem, a, b, lt);
      return b_.op(sg ? Op::OpSRem : Op::OpUMod, t, {a, b});
    case BinaryOp::floordiv:
    case BinaryOp::mod:
      throw CompileError(ErrorKind::internal, "'//' and '%' reach the backend only through lower_arith", s->loc);
    case BinaryOp::pow:
      throw CompileError(ErrorKind::internal, "** reaches the backend only through lower_math "
                         "(floats) or lower_arith (integers)", s->loc);
    case BinaryOp::min:
      return glsl(fl ? GLSLstd450NMin : sg ? GLSLstd450SMin : GLSLstd450UMin, ot, {a, b});
    case BinaryOp::max:
      return glsl(fl ? GLSLstd450NMax : sg ? GLSLstd450SMax : GLSLstd450UMax, ot, {a, b});
    case BinaryOp::atan2:
      throw CompileError(ErrorKind::internal, "atan2 reaches the backend only through lower_math",
                         s->loc);
    case BinaryOp::bit_and: return b_.op(Op::OpBitwiseAnd, t, {a, b});
    case BinaryOp::bit_or: return b_.op(Op::OpBitwiseOr, t, {a, b});
    case BinaryOp::bit_xor: return b_.op(Op::OpBitwiseXor, t, {a, b});
    case BinaryOp::shl: return b_.op(Op::OpShiftLeftLogical, t, {a, b});
    case BinaryOp::shr: return b_.op(Op::OpShiftRightLogical, t, {a, b});
    case BinaryOp::sar:
      return b_.op(sg ? Op::OpShiftRightArithmetic : Op::OpShiftRightLogical, t, {a, b});
    case BinaryOp::cmp_lt: return cmp(Op::OpFOrdLessThan, Op::OpSLessThan, Op::OpULessThan);
    case BinaryOp::cmp_le: return cmp(Op::OpFOrdLessThanEqual, Op::OpSLessThanEqual, Op::OpULessThanEqual);
    case BinaryOp::cmp_gt: return cmp(Op::OpFOrdGreaterThan, Op::OpSGreaterThan, Op::OpUGreaterThan);
    case BinaryOp::cmp_ge: return cmp(Op::OpFOrdGreaterThanEqual, Op::OpSGreaterThanEqual, Op::OpUGreaterThanEqual);
    case BinaryOp::cmp_eq: return cmp(Op::OpFOrdEqual, Op::OpIEqual, Op::OpIEqual);
    case BinaryOp::cmp_ne: return cmp(Op::OpFUnordNotEqual, Op::OpINotEqual, Op::OpINotEqual);
    case BinaryOp::logic_and:
      return to_i32(b_.op(Op::OpLogicalAnd, bool_, {truthy(a, lt), truthy(b, s->rhs()->ret_type)}));
    case BinaryOp::logic_or:
      return to_i32(b_.op(Op::OpLogicalOr, bool_, {truthy(a, lt), truthy(b, s->rhs()->ret_type)}));
  }
  return 0;
}

}  // namespace qtaichi::codegen::spirv
