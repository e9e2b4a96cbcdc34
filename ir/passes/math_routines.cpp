#include "ir/passes/math_routines.h"

#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

namespace qtaichi::ir::passes {

namespace {

// Constants split into parts (computed with 300-bit arithmetic). In each `hi` used as k * hi
// the low bits are zero, so the product is exact for the k a reduction produces.
struct Constants {
  double ln2[2];     // hi: P - 9 (f32) / P - 12 (f64) bits, for |k| < 2^9 / 2^12
  double pio2_5[5];  // pi/2; the first four: 9 (f32) / 26 (f64) bits, for |j| < 2^15 / 2^27
  double pio2[2], pi[2], pio4[2], atan_half[2];  // hi + lo, each rounded to the type
};

constexpr Constants kF32 = {
    {0x1.62e4p-1, 0x1.7f7d1cp-20},
    {0x1.92p+0, 0x1.fbp-12, 0x1.51p-22, 0x1.0bp-34, 0x1.184698p-44},
    {0x1.921fb6p+0, -0x1.777a5cp-25},
    {0x1.921fb6p+1, -0x1.777a5cp-24},
    {0x1.921fb6p-1, -0x1.777a5cp-26},
    {0x1.dac67p-2, 0x1.586ed4p-28},
};

constexpr Constants kF64 = {
    {0x1.62e42fefa4p-1, -0x1.8432a1b0e2634p-43},
    {0x1.921fb58p+0, -0x1.dde974p-27, 0x1.1a6263p-54, 0x1.8a2e038p-81, -0x1.f1976b7ed8fbcp-110},
    {0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54},
    {0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53},
    {0x1.921fb54442d18p-1, 0x1.1a62633145c07p-55},
    {0x1.dac670561bb4fp-2, 0x1.a2b7f222f65e2p-56},
};

// Taylor coefficients, enough terms that the first one left out is below 1/8 ulp on the
// reduced range of each routine.
std::vector<double> series(int terms, double (*coeff)(int)) {
  std::vector<double> c;
  for (int n = 0; n < terms; n++) c.push_back(coeff(n));
  return c;
}
double factorial(int n) { return n <= 1 ? 1.0 : n * factorial(n - 1); }
double exp_coeff(int n) { return 1.0 / factorial(n + 2); }                      // r^(n+2)
double log_coeff(int n) { return 2.0 / (2 * n + 3); }                           // s^(2n+3)
double sin_coeff(int n) { return (n % 2 ? 1 : -1) / factorial(2 * n + 3); }     // r^(2n+3)
double cos_coeff(int n) { return (n % 2 ? -1 : 1) / factorial(2 * n + 4); }     // r^(2n+4)
double atan_coeff(int n) { return (n % 2 ? -1.0 : 1.0) / (2 * n + 3); }         // -u^(2n+3)
double asin_coeff(int n) {                                                      // a^(2n+3)
  int k = n + 1;  // (2k)! / (4^k (k!)^2 (2k + 1)), built up as a product to stay exact-ish
  double c = 1.0;
  for (int i = 1; i <= k; i++) c *= (2.0 * i - 1) / (2.0 * i);
  return c / (2 * k + 1);
}

class Math;

// A value being built; arithmetic on it emits statements.
struct V {
  Stmt *s = nullptr;
  Math *m = nullptr;
};

class Math {
 public:
  Math(Builder &b, const Type *t)
      : b_(b), t_(t), wide_(t->bits() == 64), it_(wide_ ? types::i64() : types::i32()),
        P_(wide_ ? 53 : 24), bias_(wide_ ? 1023 : 127), k_(wide_ ? kF64 : kF32) {}

  V c(double v) { return {b_.const_float(t_, v), this}; }
  V ci(int64_t v) { return {b_.const_int(it_, v), this}; }
  V like(V a, double v) {
    const Type *t = a.s->ret_type;
    return {t->is_float() ? b_.const_float(t, v) : b_.const_int(t, int64_t(v)), this};
  }
  V bin(BinaryOp op, V a, V b) { return {b_.binary(op, a.s, b.s), this}; }
  V un(UnaryOp op, V a) { return {b_.unary(op, a.s), this}; }
  V sel(V cond, V a, V b) { return {b_.select(cond.s, a.s, b.s), this}; }
  V wrap(Stmt *s) { return {s, this}; }

 protected:
  // Comparisons and logic (i32 0/1), integer and bit helpers.
  V lt(V a, V b) { return bin(BinaryOp::cmp_lt, a, b); }
  V le(V a, V b) { return bin(BinaryOp::cmp_le, a, b); }
  V gt(V a, V b) { return bin(BinaryOp::cmp_gt, a, b); }
  V ge(V a, V b) { return bin(BinaryOp::cmp_ge, a, b); }
  V eq(V a, V b) { return bin(BinaryOp::cmp_eq, a, b); }
  V ne(V a, V b) { return bin(BinaryOp::cmp_ne, a, b); }
  V lt(V a, double v) { return lt(a, like(a, v)); }
  V le(V a, double v) { return le(a, like(a, v)); }
  V gt(V a, double v) { return gt(a, like(a, v)); }
  V ge(V a, double v) { return ge(a, like(a, v)); }
  V eq(V a, double v) { return eq(a, like(a, v)); }
  V both(V a, V b) { return bin(BinaryOp::logic_and, a, b); }
  V either(V a, V b) { return bin(BinaryOp::logic_or, a, b); }
  V no(V a) { return un(UnaryOp::logic_not, a); }
  V band(V a, int64_t v) { return bin(BinaryOp::bit_and, a, ci(v)); }
  V bor(V a, V b) { return bin(BinaryOp::bit_or, a, b); }
  V floor_(V a) { return un(UnaryOp::floor, a); }
  V abs_(V a) { return un(UnaryOp::abs, a); }
  V to_int(V a) { return wrap(b_.cast(a.s, it_)); }
  V to_i32(V a) { return wrap(b_.cast(a.s, types::i32())); }
  V to_float(V a) { return wrap(b_.cast(a.s, t_)); }
  V bits(V a) { return wrap(b_.bit_cast(a.s, it_)); }
  V from_bits(V a) { return wrap(b_.bit_cast(a.s, t_)); }

  // Bit layout of the float type.
  int mant_bits() const { return P_ - 1; }
  int64_t sign_bit() const { return int64_t(-1) << (t_->bits() - 1); }  // as a signed int
  int64_t abs_mask() const { return ~sign_bit(); }
  int64_t inf_bits() const { return int64_t(wide_ ? 0x7ff : 0xff) << mant_bits(); }
  V inf() { return from_bits(ci(inf_bits())); }
  V nan() { return from_bits(ci(inf_bits() | (int64_t(1) << (mant_bits() - 1)))); }
  V magnitude_bits(V x) { return band(bits(x), abs_mask()); }
  V is_nan(V x) { return gt(magnitude_bits(x), ci(inf_bits())); }
  V is_inf(V x) { return eq(magnitude_bits(x), ci(inf_bits())); }
  V is_finite(V x) { return lt(magnitude_bits(x), ci(inf_bits())); }
  V sign_set(V x) { return lt(bits(x), ci(0)); }  // also for -0 and negative NaNs
  V copysign(V mag, V sign) {
    return from_bits(bor(band(bits(mag), abs_mask()), band(bits(sign), sign_bit())));
  }
  // 2^n for an integer n in the normal range, and x * 2^k for k up to twice that.
  V pow2(V n);
  V scale2(V x, V k);

  V poly(V z, const std::vector<double> &coeffs);  // c0 + z (c1 + z (c2 + ...))

  // Error-free transformations: hi + lo equals the exact sum / product.
  std::pair<V, V> two_sum(V a, V b);
  std::pair<V, V> fast_two_sum(V a, V b);  // needs |a| >= |b| (or a == 0)
  std::pair<V, V> split(V a);              // Veltkamp: hi has half the bits
  std::pair<V, V> two_prod(V a, V b);

  Builder &b_;
  const Type *t_;
  bool wide_;
  const Type *it_;
  int P_, bias_;
  const Constants &k_;
};

V operator+(V a, V b) { return a.m->bin(BinaryOp::add, a, b); }
V operator-(V a, V b) { return a.m->bin(BinaryOp::sub, a, b); }
V operator*(V a, V b) { return a.m->bin(BinaryOp::mul, a, b); }
V operator/(V a, V b) { return a.m->bin(BinaryOp::div, a, b); }
V operator+(V a, double v) { return a + a.m->like(a, v); }
V operator-(V a, double v) { return a - a.m->like(a, v); }
V operator*(V a, double v) { return a * a.m->like(a, v); }
V operator-(double v, V a) { return a.m->like(a, v) - a; }
V operator-(V a) { return a.m->un(UnaryOp::neg, a); }

V Math::pow2(V n) {
  return from_bits(bin(BinaryOp::shl, n + double(bias_), ci(mant_bits())));
}

V Math::scale2(V x, V k) {
  V k1 = bin(BinaryOp::sar, k, ci(1));
  return x * pow2(k1) * pow2(k - k1);
}

V Math::poly(V z, const std::vector<double> &coeffs) {
  V r = c(coeffs.back());
  for (size_t i = coeffs.size() - 1; i-- > 0;) r = r * z + coeffs[i];
  return r;
}

std::pair<V, V> Math::two_sum(V a, V b) {
  V s = a + b;
  V bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

std::pair<V, V> Math::fast_two_sum(V a, V b) {
  V s = a + b;
  return {s, b - (s - a)};
}

std::pair<V, V> Math::split(V a) {
  V cc = a * (std::ldexp(1.0, (P_ + 1) / 2) + 1.0);
  V hi = cc - (cc - a);
  return {hi, a - hi};
}

std::pair<V, V> Math::two_prod(V a, V b) {
  V p = a * b;
  auto [ah, al] = split(a);
  auto [bh, bl] = split(b);
  return {p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl};
}

class Routines : public Math {
 public:
  using Math::Math;

  V exp(V x) {
    auto [k, em] = exp_parts(clamp_exp_arg(x), c(0));
    return scale2(em + 1.0, k);
  }

  V log(V x) {
    V ok = both(gt(x, 0.0), is_finite(x));
    V r = log_parts(sel(ok, x, c(1))).first;
    r = sel(eq(x, 0.0), -inf(), r);
    r = sel(both(is_inf(x), gt(x, 0.0)), x, r);
    r = sel(lt(x, 0.0), nan(), r);
    return sel(is_nan(x), x, r);
  }

  V sin(V x) {
    SinCos p = sincos(x);
    V sn = p.sh + p.sl, cs = p.ch + p.cl;
    V res = sel(eq(p.q, 0.0), sn, sel(eq(p.q, 1.0), cs, sel(eq(p.q, 2.0), -sn, -cs)));
    return finish_odd(x, res);
  }

  V cos(V x) {
    SinCos p = sincos(x);
    V sn = p.sh + p.sl, cs = p.ch + p.cl;
    V res = sel(eq(p.q, 0.0), cs, sel(eq(p.q, 1.0), -sn, sel(eq(p.q, 2.0), -cs, sn)));
    return sel(is_finite(x), res, nan());
  }

  // tan = sin / cos with both carried as hi + lo: a plain quotient of two roundings can be
  // 2 ulp off.
  V tan(V x) {
    SinCos p = sincos(x);
    V odd = either(eq(p.q, 1.0), eq(p.q, 3.0));
    V num_h = sel(odd, -p.ch, p.sh), num_l = sel(odd, -p.cl, p.sl);
    V den_h = sel(odd, p.sh, p.ch), den_l = sel(odd, p.sl, p.cl);
    return finish_odd(x, divide(num_h, num_l, den_h, den_l));
  }

  V asin(V x) {
    V a = abs_(x);
    Big big = asin_big(a);
    V small = a + a * asin_poly(a * a);
    V large = (c(k_.pio2[0]) - big.f * 2.0) - ((big.w * 2.0 + big.c * 2.0) - k_.pio2[1]);
    V res = copysign(sel(le(a, 0.5), small, large), x);
    return finish_odd(x, sel(le(a, 1.0), res, nan()));
  }

  V acos(V x) {
    V a = abs_(x);
    Big big = asin_big(a);
    V small = c(k_.pio2[0]) - ((x + x * asin_poly(x * x)) - k_.pio2[1]);
    V pos = (big.f + (big.c + big.w)) * 2.0;
    V neg = c(k_.pi[0]) - ((big.s + big.w) * 2.0 - k_.pi[1]);
    V res = sel(le(a, 0.5), small, sel(gt(x, 0.0), pos, neg));
    return sel(le(a, 1.0), res, nan());  // NaN fails a <= 1 too
  }

  V tanh(V x) {
    double top = wide_ ? 20.0 : 10.0;  // beyond it tanh rounds to 1
    V a = abs_(x);
    V big = gt(a, top);
    auto [k, em] = exp_parts(sel(big, c(top), a) * 2.0, c(0));
    // e^(2a) - 1 = 2^k (em + 1 - 2^-k) as hi + lo, without cancellation
    auto [sh, sl] = two_sum(em, 1.0 - pow2(ci(0) - k));
    V eh = scale2(sh, k), el = scale2(sl, k);
    auto [dh, dl] = two_sum(eh, c(2));
    dl = dl + el;
    V t = sel(lt(a, 0.55), divide(eh, el, dh, dl), 1.0 - c(2.0) / dh);
    return copysign(sel(big, c(1), t), x);
  }

  // Corrects the device's square root by one Newton step on the exact residual x - r*r
  // (scaled so that r*r neither overflows nor underflows: the residual must be exact).
  V sqrt(V x) {
    V up = lt(x, std::ldexp(1.0, P_ + 3 - bias_)), down = ge(x, std::ldexp(1.0, bias_ - 1));
    V xs = sel(up, x * std::ldexp(1.0, 2 * P_ + 4), sel(down, x * 0.0625, x));
    V r = un(UnaryOp::sqrt, xs);
    auto [p, e] = two_prod(r, r);
    V better = sel(both(gt(r, 0.0), is_finite(r)), r + ((xs - p) - e) / (r * 2.0), r);
    V res = better * sel(up, c(std::ldexp(1.0, -P_ - 2)), sel(down, c(4), c(1)));
    return sel(lt(x, 0.0), nan(), res);
  }

  V atan2(V y, V x) {
    V ay = abs_(y), ax = abs_(x);
    V swap = gt(ay, ax);
    V den = sel(swap, ay, ax);
    V t = sel(swap, ax, ay) / den;
    t = sel(eq(den, 0.0), c(0), t);
    t = sel(both(is_inf(ax), is_inf(ay)), c(1), t);
    V a = atan01(t);
    a = sel(swap, c(k_.pio2[0]) - (a - k_.pio2[1]), a);
    a = sel(sign_set(x), c(k_.pi[0]) - (a - k_.pi[1]), a);
    a = copysign(a, y);
    return sel(either(is_nan(x), is_nan(y)), x + y, a);
  }

  V pow(V x, V y) {
    V ax = abs_(x);
    V usual = both(is_finite(ax), gt(ax, 0.0));
    auto [lh, ll] = log_parts(sel(usual, ax, c(1)));
    lh = sel(eq(ax, 0.0), -inf(), sel(is_inf(ax), inf(), lh));
    // y * log|x| as hi + lo: the exponent needs more bits than the type has.
    V ph = y * lh;
    V pl = two_prod(y, lh).second + y * sel(usual, ll, c(0));
    V ok = both(lt(abs_(ph), wide_ ? 1000.0 : 200.0), lt(abs_(y), wide_ ? 1e300 : 1e34));
    auto [hi, lo] = fast_two_sum(ph, pl);
    auto [k, em] = exp_parts(clamp_exp_arg(sel(ok, hi, ph)), sel(ok, lo, c(0)));
    V r = scale2(em + 1.0, k);
    V y_int = eq(floor_(y), y);
    V half = y * 0.5;
    V y_odd = both(y_int, ne(floor_(half), half));
    r = sel(both(eq(ax, 1.0), is_inf(y)), c(1), r);
    r = sel(both(sign_set(x), y_odd), -r, r);
    r = sel(both(both(lt(x, 0.0), is_finite(x)), no(y_int)), nan(), r);
    r = sel(either(is_nan(x), is_nan(y)), nan(), r);
    r = sel(eq(y, 0.0), c(1), r);
    return sel(eq(x, 1.0), c(1), r);
  }

 private:
  // Odd functions keep the sign of a zero argument; NaN and infinities give NaN.
  V finish_odd(V x, V res) { return sel(is_finite(x), sel(eq(x, 0.0), x, res), nan()); }

  V clamp_exp_arg(V x) {  // beyond these e^x is 0 or infinite anyway; NaN passes
    double lo = wide_ ? -746.0 : -104.0, hi = wide_ ? 710.0 : 89.0;
    x = sel(gt(x, hi), c(hi), x);
    return sel(lt(x, lo), c(lo), x);
  }

  // e^(hi + lo) = 2^k (1 + em), |lo| tiny next to hi.
  std::pair<V, V> exp_parts(V hi, V lo) {
    V kf = floor_(hi * (1.0 / std::log(2.0)) + 0.5);
    V r = ((hi - kf * k_.ln2[0]) - kf * k_.ln2[1]) + lo;  // the first difference is exact
    static const std::vector<double> c32 = series(7, exp_coeff), c64 = series(12, exp_coeff);
    V em = r + r * r * poly(r, wide_ ? c64 : c32);
    return {to_int(kf), em};
  }

  // log x = hi + lo for a positive finite x, about 2^-7 ulp apart from the exact value (pow
  // needs that; log itself rounds it). x = 2^e m, m in [sqrt(1/2), sqrt(2)), f = m - 1 exact,
  // log(1 + f) = 2 atanh(s) with s = f / (2 + f) itself as hi + lo.
  std::pair<V, V> log_parts(V x) {
    V sub = lt(x, std::ldexp(1.0, 1 - bias_));
    V xs = sel(sub, x * std::ldexp(1.0, P_), x);
    V bx = bits(xs);
    V e = band(bin(BinaryOp::sar, bx, ci(mant_bits())), wide_ ? 0x7ff : 0xff) - double(bias_);
    e = e - sel(sub, ci(P_), ci(0));
    V m = from_bits(bor(band(bx, (int64_t(1) << mant_bits()) - 1), ci(int64_t(bias_) << mant_bits())));
    V big = gt(m, std::sqrt(2.0));
    m = sel(big, m * 0.5, m);
    e = sel(big, e + 1.0, e);
    V f = m - 1.0;
    V kf = to_float(e);
    V u_hi = f + 2.0;
    V u_lo = (2.0 - u_hi) + f;
    V s_hi = f / u_hi;
    auto [p_hi, p_lo] = two_prod(s_hi, u_hi);
    V s_lo = (((f - p_hi) - p_lo) - s_hi * u_lo) / u_hi;
    V z = s_hi * s_hi;
    static const std::vector<double> c32 = series(6, log_coeff), c64 = series(12, log_coeff);
    V tail = s_hi * z * poly(z, wide_ ? c64 : c32);
    auto [a, ae] = two_sum(kf * k_.ln2[0], s_hi * 2.0);
    return fast_two_sum(a, ae + (kf * k_.ln2[1] + (s_lo * 2.0 + tail)));
  }

  // sin and cos of r, where x = j pi/2 + r, |r| <= pi/4, each as hi + lo; q = j mod 4 (as a
  // float 0..3). Within 2 ulp while |j| < 2^15 (f32) / 2^27 (f64), i.e. |x| < 5e4 / 2e8;
  // beyond, the error grows with |x|. Only x - j p1 is exact: the later steps' rounding errors are carried in r's
  // low part, and sin(r + d) ~ sin r + d cos r, cos(r + d) ~ cos r - d sin r.
  struct SinCos {
    V sh, sl, ch, cl, q;
  };
  SinCos sincos(V x) {
    V j = floor_(x * (2.0 / M_PI) + 0.5);
    V r = x - j * k_.pio2_5[0], lost = c(0);
    for (int i = 1; i < 4; i++) {
      auto [hi, err] = two_sum(r, -(j * k_.pio2_5[i]));
      r = hi;
      lost = lost + err;
    }
    auto [rh, rl] = fast_two_sum(r, lost - j * k_.pio2_5[4]);
    V z = rh * rh;
    auto [sh, sl] = fast_two_sum(rh, rh * z * sin_poly(z));
    auto [ch, cl] = cos_kernel_parts(z);
    return {sh, sl + rl * ch, ch, cl - rl * sh, j - floor_(j * 0.25) * 4.0};
  }

  // (nh + nl) / (dh + dl) to about half an ulp.
  V divide(V nh, V nl, V dh, V dl) {
    V q = nh / dh;
    auto [ph, pl] = two_prod(q, dh);
    return q + ((((nh - ph) - pl) + nl) - q * dl) / dh;
  }

  V sin_poly(V z) {  // sin r = r + r z sin_poly(z)
    static const std::vector<double> c32 = series(5, sin_coeff), c64 = series(10, sin_coeff);
    return poly(z, wide_ ? c64 : c32);
  }
  // cos r = 1 - z/2 + z^2 (...), as hi + lo (z/2 may be ~0.3: 1 - z/2's rounding is carried).
  std::pair<V, V> cos_kernel_parts(V z) {
    static const std::vector<double> c32 = series(5, cos_coeff), c64 = series(10, cos_coeff);
    V hz = z * 0.5;
    V w = 1.0 - hz;
    return fast_two_sum(w, ((1.0 - w) - hz) + z * z * poly(z, wide_ ? c64 : c32));
  }
  V asin_poly(V z) {  // asin a = a + a * asin_poly(a^2) for a <= 1/2
    static const std::vector<double> c32 = series(12, asin_coeff), c64 = series(26, asin_coeff);
    return z * poly(z, wide_ ? c64 : c32);
  }

  // For a in (1/2, 1]: asin a = pi/2 - 2 asin(s), s = sqrt((1 - a) / 2) = f + c with f the
  // high half of s's bits (f^2 exact), asin s = s + w.
  struct Big {
    V s, f, c, w;
  };
  Big asin_big(V a) {
    V z = (1.0 - a) * 0.5;
    V s = sqrt(z);
    V f = from_bits(band(bits(s), wide_ ? ~int64_t(0xffffffff) : ~int64_t(0xfff)));
    V cc = sel(gt(s, 0.0), (z - f * f) / (s + f), c(0));
    return {s, f, cc, s * asin_poly(z)};
  }

  // atan t for t in [0, 1]: around 0, 1/2 or 1 by atan's addition formula, |u| <= 7/16.
  V atan01(V t) {
    V mid = ge(t, 7.0 / 16), top = ge(t, 11.0 / 16);
    V u = sel(top, (t - 1.0) / (t + 1.0), sel(mid, (t * 2.0 - 1.0) / (t + 2.0), t));
    V base_hi = sel(top, c(k_.pio4[0]), sel(mid, c(k_.atan_half[0]), c(0)));
    V base_lo = sel(top, c(k_.pio4[1]), sel(mid, c(k_.atan_half[1]), c(0)));
    static const std::vector<double> c32 = series(11, atan_coeff), c64 = series(24, atan_coeff);
    V z = u * u;
    V neg_tail = u * z * poly(z, wide_ ? c64 : c32);  // u - atan u
    return base_hi - ((neg_tail - base_lo) - u);
  }
};

}  // namespace

bool has_math_routine(UnaryOp op) {
  switch (op) {
    case UnaryOp::sqrt:
    case UnaryOp::sin:
    case UnaryOp::cos:
    case UnaryOp::tan:
    case UnaryOp::asin:
    case UnaryOp::acos:
    case UnaryOp::exp:
    case UnaryOp::log:
    case UnaryOp::tanh: return true;
    default: return false;
  }
}

bool has_math_routine(BinaryOp op) { return op == BinaryOp::pow || op == BinaryOp::atan2; }

Stmt *emit_math(Builder &b, UnaryOp op, Stmt *x) {
  Routines m(b, x->ret_type);
  V v = m.wrap(x);
  switch (op) {
    case UnaryOp::sqrt: return m.sqrt(v).s;
    case UnaryOp::sin: return m.sin(v).s;
    case UnaryOp::cos: return m.cos(v).s;
    case UnaryOp::tan: return m.tan(v).s;
    case UnaryOp::asin: return m.asin(v).s;
    case UnaryOp::acos: return m.acos(v).s;
    case UnaryOp::exp: return m.exp(v).s;
    case UnaryOp::log: return m.log(v).s;
    case UnaryOp::tanh: return m.tanh(v).s;
    default: return nullptr;
  }
}

Stmt *emit_math(Builder &b, BinaryOp op, Stmt *x, Stmt *y) {
  Routines m(b, x->ret_type);
  if (op == BinaryOp::pow) return m.pow(m.wrap(x), m.wrap(y)).s;
  if (op == BinaryOp::atan2) return m.atan2(m.wrap(x), m.wrap(y)).s;
  return nullptr;
}

}  // namespace qtaichi::ir::passes
