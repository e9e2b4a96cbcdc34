#pragma once
// The language's arithmetic rules on host values, written once: constant folding evaluates
// them, and the backends' code (codegen/llvm today) computes exactly the same results. See
// docs/semantics.md.
#include <cmath>
#include <limits>

namespace qtaichi::ir::rules {

// Python's float `%` and `//` (CPython's float divmod, in the operand's own precision T):
// the remainder takes the divisor's sign, the quotient is rounded so that
// a == b * (a // b) + a % b as nearly as floats allow. 1.0 // 0.1 is 9, 27.3 % 0.1 is >= 0.
// By zero: `%` gives NaN, `//` gives a / b (+-inf, or NaN for 0 / 0).
template <typename T>
void py_divmod(T a, T b, T *floordiv, T *mod) {
  if (b == 0) {
    *mod = std::numeric_limits<T>::quiet_NaN();
    *floordiv = a / b;
    return;
  }
  T m = std::fmod(a, b);
  T div = (a - m) / b;
  if (m != 0 || std::isnan(m)) {
    if ((b < 0) != (m < 0)) {
      m += b;
      div -= 1;
    }
  } else {
    m = std::copysign(T(0), b);
  }
  T fd;
  if (div != 0) {
    fd = std::floor(div);
    if (div - fd > T(0.5)) fd += 1;
  } else {
    fd = std::copysign(T(0), a / b);
  }
  *floordiv = fd;
  *mod = m;
}

}  // namespace qtaichi::ir::rules
