#pragma once
// IR for encoding values into quant digits and decoding them back (QUANT_SPEC.md), emitted with
// a Builder. Used by lower_quant. Bit work happens in a "work" unsigned type: u32 for containers
// up to 32 bits, u64 for 64-bit ones; digits are right-aligned (bit 0) and masked.
#include "ir/builder.h"
#include "ir/quant_type.h"

namespace qtaichi::ir {

class QuantCodec {
 public:
  QuantCodec(Builder &b, int container_bits);
  const Type *work_type() const { return work_; }

  Stmt *work_const(uint64_t v) { return b_.const_int(work_, static_cast<int64_t>(v)); }
  Stmt *mask(int bits) { return work_const(bits >= 64 ? ~0ull : (1ull << bits) - 1); }
  // (word >> offset) & mask(bits); offset is a work-type value.
  Stmt *extract(Stmt *word, Stmt *offset, int bits);
  // digits << offset.
  Stmt *place(Stmt *digits, Stmt *offset);

  // quant int / fixed: digits <-> compute value. encode wraps modulo 2^bits.
  Stmt *decode_int_digits(const QuantType *q, Stmt *digits);  // -> compute type
  Stmt *encode_int_digits(const QuantType *q, Stmt *value);   // value in compute type
  // For atomics on int/fixed: the digits of `value` as a signed 64-bit number (no wrap).
  Stmt *signed_digits(const QuantType *q, Stmt *digits);

  // quant float with its own exponent.
  Stmt *decode_float(const QuantType *q, Stmt *exponent, Stmt *digits);
  void encode_float(const QuantType *q, Stmt *value, Stmt **exponent, Stmt **digits);

  // Shared exponents: the biased quant exponent a value needs (0 for zero), as i32;
  // the digits of a value at a given shared exponent; decoding.
  Stmt *shared_exponent_of(const QuantType *q, Stmt *value);
  Stmt *clamp_shared_exponent(const QuantType *q, Stmt *e);  // max with 0, min with the top
  Stmt *encode_shared_digits(const QuantType *q, Stmt *value, Stmt *exponent);
  Stmt *decode_shared(const QuantType *q, Stmt *exponent, Stmt *digits);

  static int bias(const QuantType *q) { return (1 << (q->exponent_bits() - 1)) - 1; }
  static int max_exponent(const QuantType *q);
  static int magnitude_bits(const QuantType *q) { return q->digits_bits() - (q->is_signed() ? 1 : 0); }

 private:
  Stmt *is_nan(Stmt *f32_bits);  // of an f32 as u32 bits
  Stmt *i32(int64_t v) { return b_.const_int(types::i32(), v); }
  Stmt *u32(int64_t v) { return b_.const_int(types::u32(), v); }
  Stmt *bin(BinaryOp op, Stmt *a, Stmt *c) { return b_.binary(op, a, c); }
  Stmt *to_work(Stmt *v) { return b_.cast(v, work_); }

  Builder &b_;
  const Type *work_;
  const Type *signed_work_;
};

}  // namespace qtaichi::ir
