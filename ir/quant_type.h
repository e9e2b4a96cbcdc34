#pragma once
// Quantized types (QUANT_SPEC.md). A quant type describes how a value is stored in a few bits of
// a container word; kernels compute on it in its compute type (a primitive). Types are interned:
// equal parameters give the same object. Invalid parameters throw CompileError with a message
// that names the problem.
#include <string>
#include <vector>

#include "ir/type.h"

namespace qtaichi::ir {

enum class QuantKind { int_, fixed, float_ };

class QuantType {
 public:
  // quant.int(bits, signed, compute): 1 <= bits <= 64; compute defaults to i32/u32 (i64/u64
  // past 32 bits) and must be an integer type.
  static const QuantType *get_int(int bits, bool is_signed, const Type *compute = nullptr);
  // quant.fixed(bits, signed, scale, compute): digits x scale; compute defaults to f32.
  static const QuantType *get_fixed(int bits, bool is_signed, double scale,
                                    const Type *compute = nullptr);
  // scale from max_value: max / 2^(bits-1) when signed, max / 2^bits when unsigned.
  static double scale_from_max(int bits, bool is_signed, double max_value);
  // quant.float(exp, frac, signed): exp <= 8, magnitude bits frac - signed in [1, 23]; f32.
  static const QuantType *get_float(int exp, int frac, bool is_signed,
                                    const Type *compute = nullptr);

  QuantKind kind() const { return kind_; }
  bool is_signed() const { return signed_; }
  int digits_bits() const { return digits_; }  // int/fixed: all bits; float: frac (sign incl.)
  int exponent_bits() const { return exp_; }   // float only
  int storage_bits() const { return digits_ + exp_; }
  double scale() const { return scale_; }       // fixed only
  const Type *compute_type() const { return compute_; }
  std::string str() const;  // qi13, qu7, qfx16(s=...), qfl(e7,f19), qufl(e5,f10)

 private:
  QuantType(QuantKind k, int digits, int exp, bool s, double scale, const Type *compute)
      : kind_(k), digits_(digits), exp_(exp), signed_(s), scale_(scale), compute_(compute) {}
  static const QuantType *intern(const QuantType &t);

  QuantKind kind_;
  int digits_, exp_;
  bool signed_;
  double scale_;
  const Type *compute_;
};

// One member of a bit struct: its type, where its digits start, and where its exponent lives
// (a quant float's own exponent, or its group's shared one; -1 for ints and fixed).
struct BitStructMember {
  const QuantType *type = nullptr;
  int digits_offset = 0;
  int exponent_offset = -1;
  int shared_group = -1;  // members with the same group (>= 0) share one exponent
  bool operator==(const BitStructMember &o) const {
    return type == o.type && digits_offset == o.digits_offset &&
           exponent_offset == o.exponent_offset && shared_group == o.shared_group;
  }
};

// A container word (8/16/32/64 bits) holding quant members at fixed bit offsets.
class BitStructType {
 public:
  static const BitStructType *get(int container_bits, const std::vector<BitStructMember> &members);
  int container_bits() const { return bits_; }
  const std::vector<BitStructMember> &members() const { return members_; }
  std::string str() const;  // bs(qi5@0, qu7@5)

 private:
  BitStructType(int bits, std::vector<BitStructMember> m) : bits_(bits), members_(std::move(m)) {}
  int bits_;
  std::vector<BitStructMember> members_;
};

// `count` equal quant int/fixed elements in one unsigned word; element k at bit k * bits.
class QuantArrayType {
 public:
  static const QuantArrayType *get(const QuantType *element, int count, int container_bits);
  const QuantType *element() const { return element_; }
  int count() const { return count_; }
  int container_bits() const { return bits_; }
  std::string str() const;  // qa(qu1 x32)

 private:
  QuantArrayType(const QuantType *e, int n, int bits) : element_(e), count_(n), bits_(bits) {}
  const QuantType *element_;
  int count_, bits_;
};

// The unsigned primitive type of a container word.
const Type *container_type(int bits);
bool is_valid_container_bits(int bits);

}  // namespace qtaichi::ir
