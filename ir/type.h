#pragma once
// Types of IR values. Types are interned: equal parameters give the same object, so types
// compare by pointer. Quant types (QuantInt, QuantFixed, ...) join this file in a later stage.
#include <cstdint>
#include <string>

namespace qtaichi::ir {

enum class PrimKind : uint8_t { u1, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, void_ };

class Type {
 public:
  static const Type *get(PrimKind kind);
  // Parses "i32", "f64", ... Returns nullptr when the name is unknown.
  static const Type *from_name(const std::string &name);

  PrimKind kind() const { return kind_; }
  bool is_void() const { return kind_ == PrimKind::void_; }
  bool is_float() const { return kind_ == PrimKind::f32 || kind_ == PrimKind::f64; }
  bool is_int() const { return !is_float() && !is_void(); }  // u1 counts as an integer
  bool is_signed() const;
  int bits() const;
  int bytes() const { return bits() <= 8 ? 1 : bits() / 8; }
  std::string str() const;

 private:
  explicit Type(PrimKind kind) : kind_(kind) {}
  PrimKind kind_;
};

// Shorthands used all over the compiler.
namespace types {
inline const Type *u1() { return Type::get(PrimKind::u1); }
inline const Type *i8() { return Type::get(PrimKind::i8); }
inline const Type *i16() { return Type::get(PrimKind::i16); }
inline const Type *i32() { return Type::get(PrimKind::i32); }
inline const Type *i64() { return Type::get(PrimKind::i64); }
inline const Type *u8() { return Type::get(PrimKind::u8); }
inline const Type *u16() { return Type::get(PrimKind::u16); }
inline const Type *u32() { return Type::get(PrimKind::u32); }
inline const Type *u64() { return Type::get(PrimKind::u64); }
inline const Type *f32() { return Type::get(PrimKind::f32); }
inline const Type *f64() { return Type::get(PrimKind::f64); }
inline const Type *void_() { return Type::get(PrimKind::void_); }
}  // namespace types

// Taichi's promotion rule for binary arithmetic: any float wins (the widest float), else the
// wider integer; at equal width an unsigned operand makes the result unsigned.
const Type *promoted_type(const Type *a, const Type *b);

}  // namespace qtaichi::ir
