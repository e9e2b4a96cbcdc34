// lower_arith: the language's arithmetic rules (docs/semantics.md) written out as plain IR, so
// that every backend emits each remaining operation as one instruction whose operands are
// always in its defined domain:
//  - integer //, % and truncating division: a zero divisor gives 0 and MIN // -1 wraps (the
//    divisor is replaced by 1 under a select, so `div`/`rem` never see 0 or MIN / -1), then
//    Python's rounding (floor; the remainder takes the divisor's sign);
//  - float // and %: CPython's float divmod on `rem` (fmod), the rule ir/arith_rules.h folds by;
//  - integer **: repeated squaring (unrolled for small constant exponents), negative exponents
//    give 0 (1 or +-1 for bases 1 and -1);
//  - shift amounts are masked to the width (converted to the shifted type first);
//  - float -> int conversions saturate and NaN gives 0.
// Constant folding (ir/const_fold.cpp) computes the same results from the same rules.
#include <cmath>
#include <optional>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

class LowerArith {
 public:
  explicit LowerArith(Kernel &k) : k_(k), b_(&k) {}

  bool run() {
    std::vector<Stmt *> todo;
    walk(k_.body.get(), [&](Stmt *s) {
      if (needs_lowering(s)) todo.push_back(s);
    });
    for (Stmt *s : todo) {
      b_.set_insert_before(s);
      b_.set_loc(s->loc);
      Stmt *r = lower(s);
      replace_all_uses(k_.body.get(), s, r);
      s->parent->erase(s);
    }
    return !todo.empty();
  }

 private:
  static std::optional<int64_t> int_const(const Stmt *s) {
    if (auto *c = s->as<ConstStmt>(); c && !s->ret_type->is_float()) return c->ival;
    return std::nullopt;
  }

  static bool needs_lowering(const Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>())
      return u->op == UnaryOp::cast_value && u->operand()->ret_type->is_float() &&
             !u->cast_type->is_float();
    auto *bs = s->as<BinaryOpStmt>();
    if (!bs) return false;
    const Type *t = bs->lhs()->ret_type;
    switch (bs->op) {
      case BinaryOp::floordiv:
      case BinaryOp::mod: return true;
      case BinaryOp::div: return !t->is_float() && !safe_divisor(bs->rhs(), t);
      case BinaryOp::pow: return !t->is_float();
      case BinaryOp::shl:
      case BinaryOp::shr:
      case BinaryOp::sar: {
        auto c = int_const(bs->rhs());
        return !(c && *c >= 0 && *c < t->bits() && bs->rhs()->ret_type == t);
      }
      default: return false;
    }
  }

  // A constant divisor that is neither 0 nor (signed) -1.
  static bool safe_divisor(const Stmt *b, const Type *t) {
    auto c = int_const(b);
    return c && *c != 0 && !(t->is_signed() && *c == -1);
  }

  Stmt *c(const Type *t, int64_t v) { return b_.const_int(t, v); }
  Stmt *f(const Type *t, double v) { return b_.const_float(t, v); }
  Stmt *bin(BinaryOp op, Stmt *x, Stmt *y) { return b_.binary(op, x, y); }
  Stmt *sel(Stmt *cond, Stmt *x, Stmt *y) { return b_.select(cond, x, y); }

  Stmt *lower(Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>()) return saturating_cast(u->operand(), u->cast_type);
    auto *bs = s->as<BinaryOpStmt>();
    const Type *t = bs->lhs()->ret_type;
    switch (bs->op) {
      case BinaryOp::pow: return int_pow(bs->lhs(), bs->rhs(), t);
      case BinaryOp::shl:
      case BinaryOp::shr:
      case BinaryOp::sar: {
        Stmt *amount = bin(BinaryOp::bit_and, b_.cast(bs->rhs(), t), c(t, t->bits() - 1));
        return bin(bs->op, bs->lhs(), amount);
      }
      default:
        if (t->is_float()) return float_divmod(bs->op, bs->lhs(), bs->rhs(), t);
        return int_division(bs->op, bs->lhs(), bs->rhs(), t);
    }
  }

  Stmt *int_division(BinaryOp op, Stmt *a, Stmt *d, const Type *t) {
    bool sg = t->is_signed();
    Stmt *zero = c(t, 0), *one = c(t, 1);
    Stmt *is_zero = nullptr, *minus_one = nullptr, *safe = d;
    if (!safe_divisor(d, t)) {
      is_zero = bin(BinaryOp::cmp_eq, d, zero);
      Stmt *bad = is_zero;
      if (sg) {
        minus_one = bin(BinaryOp::cmp_eq, d, c(t, -1));
        bad = bin(BinaryOp::logic_or, is_zero, minus_one);
      }
      safe = sel(bad, one, d);
    }
    Stmt *q = bin(BinaryOp::div, a, safe);
    Stmt *r = op == BinaryOp::div ? nullptr : bin(BinaryOp::rem, a, safe);
    if (sg && op != BinaryOp::div) {
      // Python rounds toward -inf: a nonzero remainder of the other sign moves one step.
      Stmt *adjust = bin(BinaryOp::logic_and, bin(BinaryOp::cmp_ne, r, zero),
                         bin(BinaryOp::cmp_lt, bin(BinaryOp::bit_xor, r, safe), zero));
      if (op == BinaryOp::floordiv) q = sel(adjust, bin(BinaryOp::sub, q, one), q);
      else r = sel(adjust, bin(BinaryOp::add, r, safe), r);
    }
    if (op == BinaryOp::mod) {
      if (minus_one) r = sel(minus_one, zero, r);  // x % -1 == 0
      return is_zero ? sel(is_zero, zero, r) : r;
    }
    if (minus_one) q = sel(minus_one, bin(BinaryOp::sub, zero, a), q);  // MIN // -1 wraps
    return is_zero ? sel(is_zero, zero, q) : q;
  }

  // CPython's float divmod (ir/arith_rules.h), step by step.
  Stmt *float_divmod(BinaryOp op, Stmt *a, Stmt *d, const Type *t) {
    Stmt *zero = f(t, 0.0), *one = f(t, 1.0);
    Stmt *d_zero = bin(BinaryOp::cmp_eq, d, zero);
    Stmt *m = bin(BinaryOp::rem, a, d);
    Stmt *m_nonzero = bin(BinaryOp::cmp_ne, m, zero);  // true for NaN too
    Stmt *adjust = bin(BinaryOp::logic_and, m_nonzero,
                       bin(BinaryOp::cmp_ne, bin(BinaryOp::cmp_lt, d, zero),
                           bin(BinaryOp::cmp_lt, m, zero)));
    if (op == BinaryOp::mod) {
      m = sel(adjust, bin(BinaryOp::add, m, d), m);
      m = sel(m_nonzero, m, copysign_zero(d, t));
      return sel(d_zero, f(t, std::nan("")), m);
    }
    Stmt *div = bin(BinaryOp::div, bin(BinaryOp::sub, a, m), d);
    div = sel(adjust, bin(BinaryOp::sub, div, one), div);
    Stmt *fd = b_.unary(UnaryOp::floor, div);
    Stmt *up = bin(BinaryOp::cmp_gt, bin(BinaryOp::sub, div, fd), f(t, 0.5));
    fd = sel(up, bin(BinaryOp::add, fd, one), fd);
    Stmt *quotient = bin(BinaryOp::div, a, d);
    fd = sel(bin(BinaryOp::cmp_eq, div, zero), copysign_zero(quotient, t), fd);
    return sel(d_zero, quotient, fd);
  }

  // A zero with the sign of `x`: its sign bit alone.
  Stmt *copysign_zero(Stmt *x, const Type *t) {
    const Type *it = t->bits() == 32 ? types::u32() : types::u64();
    Stmt *sign = bin(BinaryOp::bit_and, b_.bit_cast(x, it), c(it, int64_t(1) << (t->bits() - 1)));
    return b_.bit_cast(sign, t);
  }

  // Saturating, NaN -> 0; the raw conversion is taken only where it is in range.
  Stmt *saturating_cast(Stmt *x, const Type *to) {
    const Type *ft = x->ret_type;
    int bits = to->bits();
    Stmt *raw = b_.cast(x, to);
    Stmt *r = raw;
    if (to->is_signed()) {
      double lim = std::ldexp(1.0, bits - 1);  // a power of two: exact in f32 and f64
      r = sel(bin(BinaryOp::cmp_ge, x, f(ft, lim)), c(to, static_cast<int64_t>(
                                                           (uint64_t(1) << (bits - 1)) - 1)), r);
      r = sel(bin(BinaryOp::cmp_lt, x, f(ft, -lim)),
              c(to, static_cast<int64_t>(uint64_t(1) << (bits - 1))), r);
    } else {
      r = sel(bin(BinaryOp::cmp_ge, x, f(ft, std::ldexp(1.0, bits))), c(to, -1), r);
      r = sel(bin(BinaryOp::cmp_lt, x, f(ft, 0.0)), c(to, 0), r);
    }
    return sel(bin(BinaryOp::cmp_ne, x, x), c(to, 0), r);
  }

  Stmt *int_pow(Stmt *a, Stmt *e, const Type *t) {
    if (auto ce = int_const(e); ce && *ce >= 0 && *ce <= 16) {
      Stmt *r = c(t, 1), *sq = a;
      for (int64_t n = *ce; n; n >>= 1) {
        if (n & 1) r = bin(BinaryOp::mul, r, sq);
        if (n > 1) sq = bin(BinaryOp::mul, sq, sq);
      }
      return r;
    }
    Stmt *result = b_.local_var(t), *base = b_.local_var(t), *exp = b_.local_var(t);
    b_.local_store(result, c(t, 1));
    b_.local_store(base, a);
    b_.local_store(exp, e);
    Stmt *zero = c(t, 0), *one = c(t, 1);
    if (t->is_signed()) {  // negative exponent: 0, or 1 / +-1 for bases 1 and -1
      Stmt *neg = bin(BinaryOp::cmp_lt, e, zero);
      Stmt *odd = bin(BinaryOp::cmp_ne, bin(BinaryOp::bit_and, e, one), zero);
      Stmt *minus = sel(odd, c(t, -1), one);
      Stmt *small = sel(bin(BinaryOp::cmp_eq, a, one), one,
                        sel(bin(BinaryOp::cmp_eq, a, c(t, -1)), minus, zero));
      b_.local_store(result, sel(neg, small, one));
      b_.local_store(exp, sel(neg, zero, e));
    }
    WhileStmt *loop = b_.while_();
    b_.push_block(loop->body.get());
    Stmt *ex = b_.local_load(exp);
    IfStmt *done = b_.if_(bin(BinaryOp::cmp_eq, ex, zero));
    b_.push_block(done->true_block.get());
    b_.break_();
    b_.pop_block();
    Stmt *bv = b_.local_load(base);
    Stmt *odd = bin(BinaryOp::cmp_ne, bin(BinaryOp::bit_and, ex, one), zero);
    Stmt *rv = b_.local_load(result);
    b_.local_store(result, sel(odd, bin(BinaryOp::mul, rv, bv), rv));
    b_.local_store(base, bin(BinaryOp::mul, bv, bv));
    b_.local_store(exp, bin(BinaryOp::shr, ex, one));  // ex >= 0 here: logical == arithmetic
    b_.pop_block();
    return b_.local_load(result);
  }

  Kernel &k_;
  Builder b_;
};

}  // namespace

bool lower_arith(Kernel &k) { return LowerArith(k).run(); }

}  // namespace qtaichi::ir::passes
