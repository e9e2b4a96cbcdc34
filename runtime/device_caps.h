#pragma once
// What a device can do: filled by each rt::Device from its driver's answers, and the base of
// the compiler's ir::Target (which adds the arch), so the two never drift apart.
#include <cstdint>

namespace qtaichi::rt {

struct DeviceCaps {
  // Compare-and-swap on 8/16/64-bit words (32-bit CAS every device has).
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
  // > 0: the driver stops a shader invocation after this many loop iterations in all (Mesa's
  // lavapipe: 65535), so generated code counts them and reports the overrun as an error.
  int64_t max_loop_iterations = 0;
  // Whether shaders can ask for IEEE infinities/NaNs/signed zeros and for denormals to be kept
  // (SPIR-V float controls; a CPU and CUDA always have both).
  // Whether the device's math instructions (sin, exp, sqrt, ...) are as accurate as libm (CPU,
  // CUDA's libdevice). Vulkan's are not (sin may be 2^-11 off): the compiler then writes the
  // functions out itself (ir/passes/lower_math.cpp).
  bool accurate_math = true;
  bool preserve_inf_nan_f32 = true, preserve_inf_nan_f64 = true;
  bool preserve_denorm_f32 = true, preserve_denorm_f64 = true;
};

}  // namespace qtaichi::rt
