#pragma once
// What the device a kernel is compiled for can do. Passes read these capabilities (never the
// arch itself) to choose a lowering, so every backend gets the same language: a target without
// a native float atomic gets compare-and-swap loops, one without 8/16-bit CAS updates the
// aligned 32-bit word, one with 32-bit indices gets 32-bit offsets. run_pipeline prints the
// target at the head of the final IR, so the kernel-cache key follows it.
#include <string>

#include "runtime/device_caps.h"

namespace qtaichi::ir {

enum class Arch { cpu, cuda, vulkan };
const char *arch_name(Arch arch);

// The device's capabilities (rt::DeviceCaps, reported by the device) and its arch.
struct Target : rt::DeviceCaps {
  Arch arch = Arch::cpu;

  Target() = default;
  // SPIR-V's math instructions are never trusted (Vulkan allows sin 2^-11 off; there is no f64
  // math at all): a Vulkan target always gets lower_math's routines.
  Target(Arch a, const rt::DeviceCaps &caps) : rt::DeviceCaps(caps), arch(a) {
    if (a == Arch::vulkan) accurate_math = false;
  }

  bool has_cas(int bits) const {
    return bits == 32 || (bits == 8 && cas8) || (bits == 16 && cas16) || (bits == 64 && cas64);
  }
  bool native_float_atomic(bool is_add_or_sub, int bits) const {
    if (is_add_or_sub) return bits == 32 ? atomic_add_f32 : atomic_add_f64;
    return bits == 32 ? atomic_minmax_f32 : atomic_minmax_f64;
  }
  // One line naming the arch and every capability: the head of the final IR.
  std::string str() const;

  // The CPU through LLVM: every CAS width, no float atomic instruction (x86 and AArch64 loop
  // on CAS; LLVM would expand atomicrmw fadd the same way), 64-bit offsets.
  static Target cpu();
  // A phone-class GPU at its most limited: 32-bit CAS only, no float atomics, no 64-bit
  // integers, 32-bit indices, 128 MiB bindings (what the pass tests check lowering against).
  static Target mobile_gpu();
};

}  // namespace qtaichi::ir
