#include "ir/type.h"

#include <array>

namespace qtaichi::ir {

namespace {
constexpr int kNumPrims = static_cast<int>(PrimKind::void_) + 1;
const char *const kNames[kNumPrims] = {"u1",  "i8",  "i16", "i32", "i64", "u8",
                                       "u16", "u32", "u64", "f32", "f64", "void"};
}  // namespace

const Type *Type::get(PrimKind kind) {
  static const std::array<Type, kNumPrims> table = [] {
    return std::array<Type, kNumPrims>{
        Type(PrimKind::u1),  Type(PrimKind::i8),  Type(PrimKind::i16), Type(PrimKind::i32),
        Type(PrimKind::i64), Type(PrimKind::u8),  Type(PrimKind::u16), Type(PrimKind::u32),
        Type(PrimKind::u64), Type(PrimKind::f32), Type(PrimKind::f64), Type(PrimKind::void_)};
  }();
  return &table[static_cast<int>(kind)];
}

const Type *Type::from_name(const std::string &name) {
  for (int i = 0; i < kNumPrims; i++)
    if (name == kNames[i]) return get(static_cast<PrimKind>(i));
  return nullptr;
}

bool Type::is_signed() const {
  switch (kind_) {
    case PrimKind::i8:
    case PrimKind::i16:
    case PrimKind::i32:
    case PrimKind::i64:
    case PrimKind::f32:
    case PrimKind::f64:
      return true;
    default:
      return false;
  }
}

int Type::bits() const {
  switch (kind_) {
    case PrimKind::u1: return 1;
    case PrimKind::i8:
    case PrimKind::u8: return 8;
    case PrimKind::i16:
    case PrimKind::u16: return 16;
    case PrimKind::i32:
    case PrimKind::u32:
    case PrimKind::f32: return 32;
    case PrimKind::i64:
    case PrimKind::u64:
    case PrimKind::f64: return 64;
    case PrimKind::void_: return 0;
  }
  return 0;
}

std::string Type::str() const { return kNames[static_cast<int>(kind_)]; }

const Type *promoted_type(const Type *a, const Type *b) {
  if (a == b) return a;
  if (a->is_float() || b->is_float()) {
    if (a->kind() == PrimKind::f64 || b->kind() == PrimKind::f64) return types::f64();
    return types::f32();
  }
  if (a->bits() != b->bits()) return a->bits() > b->bits() ? a : b;
  return a->is_signed() ? b : a;  // equal width: the unsigned one wins
}

}  // namespace qtaichi::ir
