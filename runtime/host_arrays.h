#pragma once
// The numpy arrays a launch passes to ndarray parameters, as host memory ranges: what a GPU
// device copies in before the launch and back after it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/kernel_desc.h"

namespace qtaichi::rt {

struct HostArray {
  const ArgDesc *arg;
  void *host;
  size_t bytes;
  int same_as;  // -1, or the index of an earlier entry for the same array (one copy for both)
};

// Throws std::invalid_argument naming the arguments when two arrays overlap without being the
// same array (copied separately, writes through one would not reach the other). Arrays whose
// data slot is in `resident_slots` live on the device already: they are left out.
std::vector<HostArray> host_arrays(const KernelDesc &desc, const std::vector<uint64_t> &slots,
                                   const std::vector<int> &resident_slots);

}  // namespace qtaichi::rt
