#include "runtime/host_arrays.h"

#include <algorithm>
#include <stdexcept>

namespace qtaichi::rt {

std::vector<HostArray> host_arrays(const KernelDesc &desc, const std::vector<uint64_t> &slots,
                                   const std::vector<int> &resident_slots) {
  std::vector<HostArray> out;
  for (const BindingDesc &b : desc.bindings) {
    if (b.kind != BindingKind::ndarray) continue;
    const ArgDesc &a = desc.args.at(static_cast<size_t>(b.index));
    if (std::find(resident_slots.begin(), resident_slots.end(), a.slot) != resident_slots.end())
      continue;
    size_t bytes = static_cast<size_t>(dtype_bytes(a.dtype));
    for (int d = 0; d < a.ndim; d++) bytes *= static_cast<size_t>(slots.at(a.slot + 1 + d));
    HostArray h{&a, reinterpret_cast<void *>(slots.at(a.slot)), bytes, -1};
    auto lo = reinterpret_cast<uintptr_t>(h.host), hi = lo + bytes;
    for (size_t i = 0; i < out.size(); i++) {
      auto olo = reinterpret_cast<uintptr_t>(out[i].host), ohi = olo + out[i].bytes;
      if (out[i].host == h.host && out[i].bytes == bytes) {
        h.same_as = out[i].same_as >= 0 ? out[i].same_as : static_cast<int>(i);
        break;
      }
      if (lo < ohi && olo < hi && bytes && out[i].bytes)
        throw std::invalid_argument("ndarray arguments '" + out[i].arg->name + "' and '" + a.name +
                                    "' overlap without being the same array; on a GPU each is "
                                    "copied separately: pass the same array, or copies");
    }
    out.push_back(h);
  }
  return out;
}

}  // namespace qtaichi::rt
