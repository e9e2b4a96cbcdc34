// check_quant_overflow (ti.init(check_quant_overflow=True)): before each store to a quant field,
// an assertion that the value fits — no wrap (int, fixed) and no saturation (float). A failing
// store reports the field, its type, the index and the value. Off by default: wrapping is the
// defined behaviour. Atomics are not checked (their new value is known only inside lower_quant).
#include <cmath>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/quant_codec.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

// An i32 0/1 that is 1 when `v` (the field's compute type) stores without wrap or saturation.
Stmt *fits(Builder &b, const QuantType *q, bool shared, Stmt *v) {
  int bits = q->digits_bits();
  double lo = q->is_signed() ? -std::ldexp(1.0, bits - 1) : 0.0;
  double hi = q->is_signed() ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  switch (q->kind()) {
    case QuantKind::int_: {
      if (bits >= 64 || (bits >= v->ret_type->bits() && q->is_signed() == v->ret_type->is_signed()))
        return b.const_i32(1);
      Stmt *x = b.cast(v, types::f64());  // exact for every value that can fit
      if (v->ret_type->is_float())  // truncated toward zero: lands in [lo, hi] iff lo-1 < x < hi+1
        return b.binary(BinaryOp::logic_and,
                        b.binary(BinaryOp::cmp_gt, x, b.const_float(types::f64(), lo - 1)),
                        b.binary(BinaryOp::cmp_lt, x, b.const_float(types::f64(), hi + 1)));
      return b.binary(BinaryOp::logic_and,
                      b.binary(BinaryOp::cmp_ge, x, b.const_float(types::f64(), lo)),
                      b.binary(BinaryOp::cmp_le, x, b.const_float(types::f64(), hi)));
    }
    case QuantKind::fixed: {
      // round-half-away(x) stays in [lo, hi] exactly when lo - 1/2 < x < hi + 1/2.
      Stmt *x = b.binary(BinaryOp::mul, b.cast(v, types::f64()),
                         b.const_float(types::f64(), 1.0 / q->scale()));
      return b.binary(BinaryOp::logic_and,
                      b.binary(BinaryOp::cmp_gt, x, b.const_float(types::f64(), lo - 0.5)),
                      b.binary(BinaryOp::cmp_lt, x, b.const_float(types::f64(), hi + 0.5)));
    }
    case QuantKind::float_: {
      int d = QuantCodec::magnitude_bits(q), e = QuantCodec::max_exponent(q) - QuantCodec::bias(q);
      // The largest magnitude plus half a unit in its last place rounds past it.
      double top = shared ? (std::ldexp(1.0, d) - 0.5) * std::ldexp(1.0, e + 1 - d)
                          : (2.0 - std::ldexp(1.0, -d - 1)) * std::ldexp(1.0, e);
      Stmt *x = b.unary(UnaryOp::abs, b.cast(v, types::f64()));
      Stmt *ok = b.binary(BinaryOp::cmp_lt, x, b.const_float(types::f64(), top));
      if (!q->is_signed())  // an unsigned float stores negative values as 0
        ok = b.binary(BinaryOp::logic_and, ok,
                      b.binary(BinaryOp::cmp_ge, v, b.const_float(v->ret_type, 0.0)));
      return ok;
    }
  }
  return b.const_i32(1);
}

}  // namespace

bool check_quant_overflow(Kernel &k) {
  if (!k.check_quant_overflow) return false;
  bool changed = false;
  Builder b(&k);
  walk_mutable(k.body.get(), [&](Stmt *s) {
    auto *st = s->as<GlobalStoreStmt>();
    auto *p = st ? st->ptr()->as<GlobalPtrStmt>() : nullptr;
    if (!p || !p->field->is_bit_level()) return;
    SNode *f = p->field;
    b.set_insert_before(s);
    b.set_loc(s->loc);
    std::string where;
    for (size_t i = 0; i < p->ops.size(); i++) where += (i ? ", " : "") + std::string("%d");
    // Check the value as written, before type_check converted it to the compute type
    // (-64 into an unsigned field is -64, not 4294967232).
    Stmt *value = st->value();
    if (auto *c = value->as<UnaryOpStmt>(); c && c->op == UnaryOp::cast_value)
      value = c->operand();
    std::vector<Stmt *> args{value->ret_type->is_float() ? value : b.cast(value, types::i64())};
    args.insert(args.end(), p->ops.begin(), p->ops.end());
    std::string shown = value->ret_type->is_float() ? "%f" : "%d";
    b.assert_(fits(b, f->quant_type(), f->member().shared_group >= 0, value),
              "quant overflow: " + shown + " does not fit field '" + f->str() + "' (" +
                  f->quant_type()->str() + ") at index [" + where + "]",
              args);
    changed = true;
  });
  return changed;
}

}  // namespace qtaichi::ir::passes
