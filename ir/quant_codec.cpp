#include "ir/quant_codec.h"

#include <cmath>

namespace qtaichi::ir {

namespace {
bool is_power_of_two(double s) {
  int e;
  return std::frexp(s, &e) == 0.5;
}
}  // namespace

QuantCodec::QuantCodec(Builder &b, int container_bits)
    : b_(b),
      work_(container_bits > 32 ? types::u64() : types::u32()),
      signed_work_(container_bits > 32 ? types::i64() : types::i32()) {}

int QuantCodec::max_exponent(const QuantType *q) {
  // The top of the exponent field, but never past f32's largest finite exponent.
  return std::min((1 << q->exponent_bits()) - 1, 127 + bias(q));
}

Stmt *QuantCodec::extract(Stmt *word, Stmt *offset, int bits) {
  return bin(BinaryOp::bit_and, bin(BinaryOp::shr, word, offset), mask(bits));
}

Stmt *QuantCodec::place(Stmt *digits, Stmt *offset) { return bin(BinaryOp::shl, digits, offset); }

Stmt *QuantCodec::signed_digits(const QuantType *q, Stmt *digits) {
  if (!q->is_signed()) return b_.cast(digits, types::i64());
  int shift = work_->bits() - q->digits_bits();
  Stmt *s = b_.bit_cast(digits, signed_work_);
  if (shift > 0) {
    Stmt *sh = b_.const_int(signed_work_, shift);
    s = bin(BinaryOp::sar, bin(BinaryOp::shl, s, sh), sh);
  }
  return b_.cast(s, types::i64());
}

Stmt *QuantCodec::decode_int_digits(const QuantType *q, Stmt *digits) {
  const Type *ct = q->compute_type();
  if (q->kind() == QuantKind::int_) {
    if (!q->is_signed()) return b_.cast(digits, ct);
    return b_.cast(signed_digits(q, digits), ct);
  }
  // Fixed point: digits x scale. In f32 when that is exact (a power-of-two scale and digits
  // that fit f32's 24-bit significand), else in f64 and rounded once.
  Stmt *d = signed_digits(q, digits);
  if (ct->kind() == PrimKind::f32 && is_power_of_two(q->scale()) && q->digits_bits() <= 24)
    return bin(BinaryOp::mul, b_.cast(d, types::f32()), b_.const_float(types::f32(), q->scale()));
  Stmt *v = bin(BinaryOp::mul, b_.cast(d, types::f64()), b_.const_float(types::f64(), q->scale()));
  return b_.cast(v, ct);
}

Stmt *QuantCodec::encode_int_digits(const QuantType *q, Stmt *value) {
  if (q->kind() == QuantKind::int_)
    return bin(BinaryOp::bit_and, to_work(value), mask(q->digits_bits()));
  // digits = round-half-away(v / scale), wrapped to the field's bits.
  const Type *ft = q->compute_type()->kind() == PrimKind::f32 && is_power_of_two(q->scale())
                       ? types::f32() : types::f64();
  Stmt *x = bin(BinaryOp::mul, b_.cast(value, ft), b_.const_float(ft, 1.0 / q->scale()));
  double lim = std::ldexp(1.0, 62);  // keeps the conversion defined; digits wrap anyway
  x = bin(BinaryOp::min, bin(BinaryOp::max, x, b_.const_float(ft, -lim)), b_.const_float(ft, lim));
  Stmt *d = b_.cast(b_.unary(UnaryOp::round, x), types::i64());
  return bin(BinaryOp::bit_and, to_work(d), mask(q->digits_bits()));
}

Stmt *QuantCodec::decode_float(const QuantType *q, Stmt *exponent, Stmt *digits) {
  int d = magnitude_bits(q);
  Stmt *e = b_.cast(exponent, types::i32());
  Stmt *m = b_.cast(bin(BinaryOp::bit_and, digits, mask(d)), types::u32());
  Stmt *bits = bin(BinaryOp::bit_or,
                   bin(BinaryOp::shl, b_.cast(bin(BinaryOp::add, e, i32(127 - bias(q))), types::u32()),
                       u32(23)),
                   bin(BinaryOp::shl, m, u32(23 - d)));
  if (q->is_signed()) {
    Stmt *sign = b_.cast(bin(BinaryOp::bit_and, bin(BinaryOp::shr, digits, work_const(d)),
                             work_const(1)), types::u32());
    bits = bin(BinaryOp::bit_or, bits, bin(BinaryOp::shl, sign, u32(31)));
  }
  Stmt *v = b_.bit_cast(bits, types::f32());
  return b_.select(bin(BinaryOp::cmp_eq, e, i32(0)), b_.const_float(types::f32(), 0.0), v);
}

Stmt *QuantCodec::is_nan(Stmt *f32_bits) {
  return bin(BinaryOp::cmp_gt, bin(BinaryOp::bit_and, f32_bits, u32(0x7fffffff)), u32(0x7f800000));
}

void QuantCodec::encode_float(const QuantType *q, Stmt *value, Stmt **exponent, Stmt **digits) {
  int d = magnitude_bits(q);
  Stmt *bits = b_.bit_cast(b_.cast(value, types::f32()), types::u32());
  Stmt *sign = bin(BinaryOp::shr, bits, u32(31));
  Stmt *e32 = bin(BinaryOp::bit_and, bin(BinaryOp::shr, bits, u32(23)), u32(0xff));
  Stmt *sig = bin(BinaryOp::bit_or, bin(BinaryOp::bit_and, bits, u32(0x7fffff)), u32(0x800000));
  // Round the 24-bit significand to d fraction bits (half up); a carry bumps the exponent.
  Stmt *rounded = d >= 23 ? sig  // all 23 fraction bits fit: nothing to round
                          : bin(BinaryOp::shr, bin(BinaryOp::add, sig, u32(1u << (22 - d))),
                                u32(23 - d));
  Stmt *carry = bin(BinaryOp::shr, rounded, u32(d + 1));
  Stmt *m = bin(BinaryOp::bit_and, bin(BinaryOp::shr, rounded, carry), u32((1u << d) - 1));
  Stmt *e = bin(BinaryOp::add, bin(BinaryOp::add, b_.cast(e32, types::i32()), i32(bias(q) - 127)),
                b_.cast(carry, types::i32()));
  Stmt *zero = bin(BinaryOp::logic_or, bin(BinaryOp::cmp_eq, e32, u32(0)),
                   bin(BinaryOp::cmp_lt, e, i32(1)));
  if (!q->is_signed()) zero = bin(BinaryOp::logic_or, zero, bin(BinaryOp::cmp_ne, sign, u32(0)));
  zero = bin(BinaryOp::logic_or, zero, is_nan(bits));  // NaN stores 0, as in every quant type
  // Too large (or inf): saturate to the largest magnitude, keeping the sign.
  Stmt *big = bin(BinaryOp::logic_or, bin(BinaryOp::cmp_eq, e32, u32(0xff)),
                  bin(BinaryOp::cmp_gt, e, i32(max_exponent(q))));
  e = b_.select(zero, i32(0), b_.select(big, i32(max_exponent(q)), e));
  m = b_.select(zero, u32(0), b_.select(big, u32((1u << d) - 1), m));
  if (q->is_signed())
    m = bin(BinaryOp::bit_or, m, bin(BinaryOp::shl, b_.select(zero, u32(0), sign), u32(d)));
  *exponent = to_work(e);
  *digits = to_work(m);
}

Stmt *QuantCodec::shared_exponent_of(const QuantType *q, Stmt *value) {
  Stmt *bits = b_.bit_cast(b_.cast(value, types::f32()), types::u32());
  Stmt *e32 = b_.cast(bin(BinaryOp::bit_and, bin(BinaryOp::shr, bits, u32(23)), u32(0xff)),
                      types::i32());
  // Zero (and f32 denormals) has no exponent; so has a negative value of an unsigned member,
  // which stores as 0 and must not coarsen its siblings.
  Stmt *none = bin(BinaryOp::logic_or, bin(BinaryOp::cmp_eq, e32, i32(0)), is_nan(bits));
  if (!q->is_signed())
    none = bin(BinaryOp::logic_or, none, bin(BinaryOp::cmp_ne, bin(BinaryOp::shr, bits, u32(31)),
                                             u32(0)));
  return b_.select(none, i32(0), bin(BinaryOp::add, e32, i32(bias(q) - 127)));
}

Stmt *QuantCodec::clamp_shared_exponent(const QuantType *q, Stmt *e) {
  return bin(BinaryOp::min, bin(BinaryOp::max, e, i32(0)), i32(max_exponent(q)));
}

Stmt *QuantCodec::encode_shared_digits(const QuantType *q, Stmt *value, Stmt *exponent) {
  int d = magnitude_bits(q);
  Stmt *bits = b_.bit_cast(b_.cast(value, types::f32()), types::u32());
  Stmt *sign = bin(BinaryOp::shr, bits, u32(31));
  Stmt *sig = bin(BinaryOp::bit_or, bin(BinaryOp::bit_and, bits, u32(0x7fffff)), u32(0x800000));
  Stmt *ev = shared_exponent_of(q, value);
  // D = round(significand / 2^shift), shift = E - E_v + 24 - d; an explicit leading one.
  Stmt *shift = bin(BinaryOp::add, bin(BinaryOp::sub, exponent, ev), i32(24 - d));
  Stmt *sh = b_.cast(bin(BinaryOp::min, bin(BinaryOp::max, shift, i32(1)), i32(31)), types::u32());
  Stmt *half = bin(BinaryOp::shl, u32(1), bin(BinaryOp::sub, sh, u32(1)));
  Stmt *digits = bin(BinaryOp::shr, bin(BinaryOp::add, sig, half), sh);
  digits = bin(BinaryOp::min, digits, u32((1u << d) - 1));  // a carry is clamped
  // Above the (clamped) group exponent: saturate. The shift clamp alone does not when d = 23.
  digits = b_.select(bin(BinaryOp::cmp_gt, ev, exponent), u32((1u << d) - 1), digits);
  // Zero when the value is 0 (or an f32 denormal) or the group exponent is 0. Not when the
  // value's own exponent is 0: re-rounded to a larger group exponent it may keep digits.
  Stmt *e32 = bin(BinaryOp::bit_and, bin(BinaryOp::shr, bits, u32(23)), u32(0xff));
  Stmt *zero = bin(BinaryOp::logic_or, bin(BinaryOp::cmp_eq, e32, u32(0)),
                   bin(BinaryOp::cmp_eq, exponent, i32(0)));
  zero = bin(BinaryOp::logic_or, zero, is_nan(bits));
  if (!q->is_signed()) zero = bin(BinaryOp::logic_or, zero, bin(BinaryOp::cmp_ne, sign, u32(0)));
  digits = b_.select(zero, u32(0), digits);
  if (q->is_signed()) {
    Stmt *s = b_.select(bin(BinaryOp::cmp_eq, digits, u32(0)), u32(0), sign);
    digits = bin(BinaryOp::bit_or, digits, bin(BinaryOp::shl, s, u32(d)));
  }
  return to_work(digits);
}

Stmt *QuantCodec::decode_shared(const QuantType *q, Stmt *exponent, Stmt *digits) {
  int d = magnitude_bits(q);
  Stmt *e = b_.cast(exponent, types::i32());
  Stmt *m = b_.cast(bin(BinaryOp::bit_and, digits, mask(d)), types::u32());
  // Normalize: the top set bit of D becomes f32's implicit one.
  Stmt *top = bin(BinaryOp::sub, i32(31), b_.cast(b_.unary(UnaryOp::clz, m), types::i32()));
  Stmt *e32 = bin(BinaryOp::add, bin(BinaryOp::add, top, e), i32(127 - bias(q) + 1 - d));
  Stmt *lsh = b_.cast(bin(BinaryOp::sub, i32(23), top), types::u32());
  Stmt *mant = bin(BinaryOp::bit_and, bin(BinaryOp::shl, m, lsh), u32(0x7fffff));
  Stmt *bits = bin(BinaryOp::bit_or, bin(BinaryOp::shl, b_.cast(e32, types::u32()), u32(23)), mant);
  if (q->is_signed()) {
    Stmt *sign = b_.cast(bin(BinaryOp::bit_and, bin(BinaryOp::shr, digits, work_const(d)),
                             work_const(1)), types::u32());
    bits = bin(BinaryOp::bit_or, bits, bin(BinaryOp::shl, sign, u32(31)));
  }
  Stmt *zero = bin(BinaryOp::logic_or,
                   bin(BinaryOp::logic_or, bin(BinaryOp::cmp_eq, m, u32(0)),
                       bin(BinaryOp::cmp_eq, e, i32(0))),
                   bin(BinaryOp::cmp_lt, e32, i32(1)));
  return b_.select(zero, b_.const_float(types::f32(), 0.0), b_.bit_cast(bits, types::f32()));
}

}  // namespace qtaichi::ir
