#pragma once
// What the device a kernel is compiled for can do. Passes read these capabilities (never the
// arch itself) to choose a lowering, so every backend gets the same language: a target without
// a native float atomic gets compare-and-swap loops, one without 8/16-bit CAS updates the
// aligned 32-bit word, one with 32-bit indices gets 32-bit offsets. run_pipeline prints the
// target at the head of the final IR, so the kernel-cache key follows it.
#include <cstdint>
#include <string>

namespace qtaichi::ir {

enum class Arch { cpu, cuda, vulkan };
const char *arch_name(Arch arch);

struct Target {
  Arch arch = Arch::cpu;
  // Compare-and-swap on 8/16/64-bit words (32-bit CAS every target has).
  bool cas8 = true, cas16 = true, cas64 = true;
  // Native float atomics (a single instruction, not a CAS loop) per width.
  bool atomic_add_f32 = false, atomic_add_f64 = false;
  bool atomic_minmax_f32 = false, atomic_minmax_f64 = false;
  bool int64 = true;          // 64-bit integer arithmetic
  bool atomic_int64 = true;   // 64-bit integer atomics (add, and, ...)
  bool storage_8_16 = true;   // 8- and 16-bit loads and stores
  int index_bits = 64;        // byte offsets: 64, or 32 (then a tree must fit in 2^31 bytes)
  int64_t max_binding_bytes = INT64_MAX;  // the largest buffer one binding may address
  int subgroup_size = 1;

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
