#include "ir/target.h"

namespace qtaichi::ir {

const char *arch_name(Arch arch) {
  switch (arch) {
    case Arch::cpu: return "cpu";
    case Arch::cuda: return "cuda";
    case Arch::vulkan: return "vulkan";
  }
  return "?";
}

std::string Target::str() const {
  std::string s = std::string("target ") + arch_name(arch) + ": cas 32";
  if (cas8) s += "/8";
  if (cas16) s += "/16";
  if (cas64) s += "/64";
  s += "; float atomics";
  bool any = false;
  auto add = [&](bool on, const char *what) {
    if (!on) return;
    s += any ? "," : " ";
    s += what;
    any = true;
  };
  add(atomic_add_f32, "add32");
  add(atomic_add_f64, "add64");
  add(atomic_minmax_f32, "minmax32");
  add(atomic_minmax_f64, "minmax64");
  if (!any) s += " none";
  s += int64 ? "; int64" : "; no int64";
  s += atomic_int64 ? "; atomic int64" : "; no atomic int64";
  s += storage_8_16 ? "; storage 8/16" : "; no storage 8/16";
  s += "; index " + std::to_string(index_bits);
  if (max_binding_bytes != INT64_MAX) s += "; binding " + std::to_string(max_binding_bytes);
  s += "; subgroup " + std::to_string(subgroup_size);
  if (max_loop_iterations) s += "; loop limit " + std::to_string(max_loop_iterations);
  if (!accurate_math) s += "; own math routines";
  if (!preserve_inf_nan_f32 || !preserve_inf_nan_f64) s += "; inf/nan not kept";
  if (!preserve_denorm_f32 || !preserve_denorm_f64) s += "; denormals not kept";
  return s;
}

Target Target::cpu() { return Target{}; }

Target Target::mobile_gpu() {
  Target t;
  t.arch = Arch::vulkan;
  t.cas8 = t.cas16 = t.cas64 = false;
  t.int64 = false;
  t.atomic_int64 = false;
  t.index_bits = 32;
  t.max_binding_bytes = int64_t(128) << 20;
  t.subgroup_size = 32;
  t.accurate_math = false;
  return t;
}

}  // namespace qtaichi::ir
