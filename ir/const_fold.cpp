#include "ir/const_fold.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "ir/arith_rules.h"

namespace qtaichi::ir {

int64_t float_to_int_sat(double v, const Type *t) {
  if (std::isnan(v)) return 0;
  int bits = t->bits();
  if (t->is_signed()) {
    double lim = std::ldexp(1.0, bits - 1);  // exactly representable
    if (v >= lim) return static_cast<int64_t>((uint64_t(1) << (bits - 1)) - 1);
    if (v <= -lim) return wrap_int(static_cast<int64_t>(uint64_t(1) << (bits - 1)), t);
    return static_cast<int64_t>(std::trunc(v));
  }
  double lim = std::ldexp(1.0, bits);
  if (v >= lim) return wrap_int(-1, t);
  if (v <= 0) return 0;  // (-1, 0) truncates to 0 too
  return wrap_int(static_cast<int64_t>(static_cast<uint64_t>(std::trunc(v))), t);
}

int64_t wrap_int(int64_t v, const Type *t) {
  int bits = t->bits();
  if (bits >= 64) return v;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t u = static_cast<uint64_t>(v) & mask;
  if (t->is_signed() && (u >> (bits - 1)) & 1) u |= ~mask;
  return static_cast<int64_t>(u);
}

namespace {

double round_to(double v, const Type *t) {
  return t->kind() == PrimKind::f32 ? static_cast<double>(static_cast<float>(v)) : v;
}

// One rounding, straight to the target width (via double, a 64-bit integer would be rounded
// twice: 2^60 + 2^36 + 1 must give 2^60 + 2^37 in f32).
double int_to_float(int64_t v, bool is_signed, const Type *to) {
  if (to->kind() == PrimKind::f32)
    return is_signed ? static_cast<float>(v) : static_cast<float>(static_cast<uint64_t>(v));
  return is_signed ? static_cast<double>(v) : static_cast<double>(static_cast<uint64_t>(v));
}

bool fold_int(BinaryOp op, const Type *t, int64_t a, int64_t b, int64_t *out) {
  bool s = t->is_signed();
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
    case BinaryOp::add: *out = static_cast<int64_t>(ua + ub); break;
    case BinaryOp::sub: *out = static_cast<int64_t>(ua - ub); break;
    case BinaryOp::mul: *out = static_cast<int64_t>(ua * ub); break;
    case BinaryOp::div:
      if (b == 0 || (s && b == -1)) return false;
      *out = s ? a / b : static_cast<int64_t>(ua / ub);
      break;
    case BinaryOp::rem:
      if (b == 0 || (s && b == -1)) return false;
      *out = s ? a % b : static_cast<int64_t>(ua % ub);
      break;
    case BinaryOp::floordiv:
    case BinaryOp::mod: {
      if (b == 0 || (s && b == -1)) return false;
      int64_t q = s ? a / b : static_cast<int64_t>(ua / ub);
      if (s && (a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
      *out = op == BinaryOp::floordiv ? q : static_cast<int64_t>(ua - static_cast<uint64_t>(q) * ub);
      break;
    }
    case BinaryOp::pow: {
      if (s && b < 0) return false;
      uint64_t r = 1;
      for (uint64_t e = ub, base = ua; e; e >>= 1, base *= base)
        if (e & 1) r *= base;
      *out = static_cast<int64_t>(r);
      break;
    }
    case BinaryOp::min: *out = s ? std::min(a, b) : static_cast<int64_t>(std::min(ua, ub)); break;
    case BinaryOp::max: *out = s ? std::max(a, b) : static_cast<int64_t>(std::max(ua, ub)); break;
    case BinaryOp::bit_and: *out = a & b; break;
    case BinaryOp::bit_or: *out = a | b; break;
    case BinaryOp::bit_xor: *out = a ^ b; break;
    case BinaryOp::shl:
    case BinaryOp::shr:
    case BinaryOp::sar: {
      if (b < 0 || b >= t->bits()) return false;
      if (op == BinaryOp::shl) *out = static_cast<int64_t>(ua << b);
      else if (op == BinaryOp::sar && s) *out = a >> b;
      else *out = static_cast<int64_t>((ua & (t->bits() == 64 ? ~0ull : (1ull << t->bits()) - 1)) >> b);
      break;
    }
    case BinaryOp::cmp_lt: *out = s ? a < b : ua < ub; break;
    case BinaryOp::cmp_le: *out = s ? a <= b : ua <= ub; break;
    case BinaryOp::cmp_gt: *out = s ? a > b : ua > ub; break;
    case BinaryOp::cmp_ge: *out = s ? a >= b : ua >= ub; break;
    case BinaryOp::cmp_eq: *out = a == b; break;
    case BinaryOp::cmp_ne: *out = a != b; break;
    default: return false;
  }
  return true;
}

bool fold_float(BinaryOp op, const Type *t, double a, double b, double *out, int64_t *cmp) {
  if (op == BinaryOp::floordiv || op == BinaryOp::mod) {  // in the operands' own precision
    double fd, m;
    if (t->kind() == PrimKind::f32) {
      float ffd, fm;
      rules::py_divmod(static_cast<float>(a), static_cast<float>(b), &ffd, &fm);
      fd = ffd, m = fm;
    } else {
      rules::py_divmod(a, b, &fd, &m);
    }
    *out = op == BinaryOp::mod ? m : fd;
    return true;
  }
  switch (op) {
    case BinaryOp::add: *out = a + b; break;
    case BinaryOp::sub: *out = a - b; break;
    case BinaryOp::mul: *out = a * b; break;
    case BinaryOp::div: *out = a / b; break;
    case BinaryOp::rem:  // exact in any precision: fmod in double is the f32 fmod
      *out = std::fmod(a, b);
      break;
    case BinaryOp::pow: *out = std::pow(a, b); break;
    case BinaryOp::min: *out = std::fmin(a, b); break;
    case BinaryOp::max: *out = std::fmax(a, b); break;
    case BinaryOp::atan2: *out = std::atan2(a, b); break;
    case BinaryOp::cmp_lt: *cmp = a < b; break;
    case BinaryOp::cmp_le: *cmp = a <= b; break;
    case BinaryOp::cmp_gt: *cmp = a > b; break;
    case BinaryOp::cmp_ge: *cmp = a >= b; break;
    case BinaryOp::cmp_eq: *cmp = a == b; break;
    case BinaryOp::cmp_ne: *cmp = a != b; break;
    default: return false;
  }
  return true;
}

}  // namespace

bool fold_binary(BinaryOp op, const Type *t, const Type *rt, ConstValue a, ConstValue b,
                 ConstValue *out) {
  if (op == BinaryOp::logic_and || op == BinaryOp::logic_or) return false;  // mixed types
  if (!t) return false;
  if (t->is_float()) {
    double f = 0;
    int64_t c = 0;
    if (!fold_float(op, t, a.f, b.f, &f, &c)) return false;
    if (is_comparison(op)) out->i = c;
    else out->f = round_to(f, rt);
    return true;
  }
  int64_t v;
  if (!fold_int(op, t, a.i, b.i, &v)) return false;
  out->i = is_comparison(op) ? v : wrap_int(v, rt);
  return true;
}

bool fold_unary(UnaryOp op, const Type *from, const Type *to, ConstValue a, ConstValue *out) {
  if (op == UnaryOp::cast_value) {
    if (from->is_float() && to->is_float()) out->f = round_to(a.f, to);
    else if (from->is_int() && to->is_float())
      out->f = int_to_float(a.i, from->is_signed(), to);
    else if (from->is_float())
      out->i = float_to_int_sat(a.f, to);
    else {
      out->i = wrap_int(a.i, to);
    }
    return true;
  }
  if (op == UnaryOp::cast_bits) {
    if (from->is_float() == to->is_float()) {
      *out = a;
      if (!to->is_float()) out->i = wrap_int(a.i, to);
      return true;
    }
    if (from->kind() == PrimKind::f32) {
      float f = static_cast<float>(a.f);
      int32_t i;
      std::memcpy(&i, &f, 4);
      out->i = wrap_int(i, to);
    } else if (from->kind() == PrimKind::f64) {
      std::memcpy(&out->i, &a.f, 8);
    } else if (to->kind() == PrimKind::f32) {
      int32_t i = static_cast<int32_t>(a.i);
      float f;
      std::memcpy(&f, &i, 4);
      out->f = f;
    } else {
      std::memcpy(&out->f, &a.i, 8);
    }
    return true;
  }
  // Other ops compute in their operand's type; before type_check inserts the cast, sqrt(i32)
  // yields f32 from an integer operand: leave that for after type_check.
  if (op != UnaryOp::logic_not && from != to) return false;
  if (to->is_float()) {
    double x = a.f, r;
    switch (op) {
      case UnaryOp::neg: r = -x; break;
      case UnaryOp::sqrt: r = std::sqrt(x); break;
      case UnaryOp::sin: r = std::sin(x); break;
      case UnaryOp::cos: r = std::cos(x); break;
      case UnaryOp::tan: r = std::tan(x); break;
      case UnaryOp::asin: r = std::asin(x); break;
      case UnaryOp::acos: r = std::acos(x); break;
      case UnaryOp::exp: r = std::exp(x); break;
      case UnaryOp::log: r = std::log(x); break;
      case UnaryOp::tanh: r = std::tanh(x); break;
      case UnaryOp::floor: r = std::floor(x); break;
      case UnaryOp::ceil: r = std::ceil(x); break;
      case UnaryOp::round: r = std::round(x); break;
      case UnaryOp::abs: r = std::fabs(x); break;
      default: return false;
    }
    // Transcendentals in f32 may round differently from the backend's: fold only exact ones.
    bool exact = op == UnaryOp::neg || op == UnaryOp::floor || op == UnaryOp::ceil ||
                 op == UnaryOp::round || op == UnaryOp::abs || op == UnaryOp::sqrt;
    if (!exact && to->kind() == PrimKind::f32) return false;
    out->f = round_to(r, to);
    return true;
  }
  switch (op) {
    case UnaryOp::neg: out->i = wrap_int(static_cast<int64_t>(0ull - static_cast<uint64_t>(a.i)), to); return true;
    case UnaryOp::bit_not: out->i = wrap_int(~a.i, to); return true;
    case UnaryOp::clz: {
      uint64_t u = static_cast<uint64_t>(a.i);
      int bits = to->bits(), n = 0;
      for (int b = bits - 1; b >= 0 && !((u >> b) & 1); b--) n++;
      out->i = n;
      return true;
    }
    case UnaryOp::logic_not: out->i = from->is_float() ? a.f == 0 : a.i == 0; return true;
    case UnaryOp::abs: {  // abs(MIN) wraps to MIN: negate as unsigned (no signed overflow)
      uint64_t u = static_cast<uint64_t>(a.i);
      out->i = wrap_int(static_cast<int64_t>(a.i < 0 && from->is_signed() ? 0 - u : u), to);
      return true;
    }
    default: return false;
  }
}

}  // namespace qtaichi::ir
