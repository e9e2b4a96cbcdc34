#include "ir/quant_type.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

#include "ir/error.h"

namespace qtaichi::ir {

namespace {
std::mutex intern_mu;

[[noreturn]] void invalid(const std::string &msg) {
  throw CompileError(ErrorKind::type, msg);
}

// The shortest text that reads back as exactly v (0.1, not 0.10000000000000001).
std::string format_double(double v) {
  char buf[40];
  for (int precision = 1; precision <= 17; precision++) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}
}  // namespace

const QuantType *QuantType::intern(const QuantType &t) {
  static std::deque<QuantType> table;  // deque: stable addresses
  std::lock_guard<std::mutex> lock(intern_mu);
  for (const QuantType &q : table)
    if (q.kind_ == t.kind_ && q.digits_ == t.digits_ && q.exp_ == t.exp_ &&
        q.signed_ == t.signed_ && q.scale_ == t.scale_ && q.compute_ == t.compute_)
      return &q;
  table.push_back(t);
  return &table.back();
}

const QuantType *QuantType::get_int(int bits, bool is_signed, const Type *compute) {
  if (bits < 1 || bits > 64)
    invalid("quant.int: bits must be between 1 and 64, got " + std::to_string(bits));
  if (!compute)
    compute = bits <= 32 ? (is_signed ? types::i32() : types::u32())
                         : (is_signed ? types::i64() : types::u64());
  if (!compute->is_int() || compute->kind() == PrimKind::u1)
    invalid("quant.int: the compute type must be an integer type, got " + compute->str());
  if (bits > compute->bits())
    invalid("quant.int: " + std::to_string(bits) + " bits do not fit the compute type " +
            compute->str());
  return intern(QuantType(QuantKind::int_, bits, 0, is_signed, 1.0, compute));
}

double QuantType::scale_from_max(int bits, bool is_signed, double max_value) {
  if (bits < 1 || bits > 64)
    invalid("quant.fixed: bits must be between 1 and 64, got " + std::to_string(bits));
  return max_value / std::ldexp(1.0, is_signed ? bits - 1 : bits);
}

const QuantType *QuantType::get_fixed(int bits, bool is_signed, double scale,
                                      const Type *compute) {
  if (bits < 1 || bits > 64)
    invalid("quant.fixed: bits must be between 1 and 64, got " + std::to_string(bits));
  if (!(scale > 0) || !std::isfinite(scale))
    invalid("quant.fixed: the scale must be a positive finite number, got " + format_double(scale));
  if (!compute) compute = types::f32();
  if (!compute->is_float())
    invalid("quant.fixed: the compute type must be f32 or f64, got " + compute->str());
  return intern(QuantType(QuantKind::fixed, bits, 0, is_signed, scale, compute));
}

const QuantType *QuantType::get_float(int exp, int frac, bool is_signed, const Type *compute) {
  if (exp < 1 || exp > 8)
    invalid("quant.float: exponent bits must be between 1 and 8, got " + std::to_string(exp));
  int magnitude = frac - (is_signed ? 1 : 0);
  if (magnitude < 1 || magnitude > 23)
    invalid("quant.float: too many digit bits: " + std::to_string(magnitude) +
            " magnitude bits (frac " + std::to_string(frac) + (is_signed ? ", signed" : "") +
            "), the most is 23 and the least 1");
  if (!compute) compute = types::f32();
  if (compute->kind() != PrimKind::f32)
    invalid("quant.float: the compute type must be f32, got " + compute->str());
  return intern(QuantType(QuantKind::float_, frac, exp, is_signed, 1.0, compute));
}

std::string QuantType::str() const {
  std::string u = signed_ ? "" : "u";
  switch (kind_) {
    case QuantKind::int_:
      return std::string(signed_ ? "qi" : "qu") + std::to_string(digits_);
    case QuantKind::fixed:
      return "q" + u + "fx" + std::to_string(digits_) + "(s=" + format_double(scale_) + ")";
    case QuantKind::float_:
      return "q" + u + "fl(e" + std::to_string(exp_) + ",f" + std::to_string(digits_) + ")";
  }
  return "?";
}

bool is_valid_container_bits(int bits) {
  return bits == 8 || bits == 16 || bits == 32 || bits == 64;
}

const Type *container_type(int bits) {
  switch (bits) {
    case 8: return types::u8();
    case 16: return types::u16();
    case 32: return types::u32();
    case 64: return types::u64();
    default: invalid("container words have 8, 16, 32 or 64 bits, got " + std::to_string(bits));
  }
}

const BitStructType *BitStructType::get(int container_bits,
                                        const std::vector<BitStructMember> &members) {
  container_type(container_bits);  // validates
  static std::deque<BitStructType> table;
  std::lock_guard<std::mutex> lock(intern_mu);
  for (const BitStructType &b : table)
    if (b.bits_ == container_bits && b.members_ == members) return &b;
  table.push_back(BitStructType(container_bits, members));
  return &table.back();
}

std::string BitStructType::str() const {
  std::string s = "bs" + std::to_string(bits_) + "(";
  for (size_t i = 0; i < members_.size(); i++) {
    const BitStructMember &m = members_[i];
    s += (i ? ", " : "") + m.type->str() + "@" + std::to_string(m.digits_offset);
    if (m.exponent_offset >= 0) s += (m.shared_group >= 0 ? " se@" : " e@") +
                                     std::to_string(m.exponent_offset);
  }
  return s + ")";
}

const QuantArrayType *QuantArrayType::get(const QuantType *element, int count,
                                          int container_bits) {
  container_type(container_bits);
  if (element->kind() == QuantKind::float_)
    invalid("quant_array: elements must be quant int or quant fixed, not " + element->str());
  if (count < 1 || static_cast<int64_t>(count) * element->storage_bits() > container_bits)
    invalid("quant_array: " + std::to_string(count) + " elements of " +
            std::to_string(element->storage_bits()) + " bits do not fit in " +
            std::to_string(container_bits) + " bits");
  static std::deque<QuantArrayType> table;
  std::lock_guard<std::mutex> lock(intern_mu);
  for (const QuantArrayType &q : table)
    if (q.element_ == element && q.count_ == count && q.bits_ == container_bits) return &q;
  table.push_back(QuantArrayType(element, count, container_bits));
  return &table.back();
}

std::string QuantArrayType::str() const {
  return "qa" + std::to_string(bits_) + "(" + element_->str() + " x" + std::to_string(count_) + ")";
}

}  // namespace qtaichi::ir
