#pragma once
// The launch block of a GPU device: one contiguous piece of device memory holding the runtime
// context, the tree bases, the argument slots, the result slot and the temps (zero: top-level
// locals start at zero), written on the host as one image and uploaded in one copy.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/device.h"

namespace qtaichi::rt {

struct LaunchBlock {
  size_t bases = 0, args = 0, result = 0, temps = 0, total = 0;  // byte offsets and size
  std::vector<uint8_t> image;

  LaunchBlock(const KernelDesc &desc, size_t num_trees);
  // Fills the image for a block that will sit at `device_address`: tree i's base address is
  // tree_addresses[i] (0: none), slots are the launch's argument slots (device pointers for
  // ndarrays already), print_buffer the device address of the print records (0: printf).
  void write(uint64_t device_address, const std::vector<uint64_t> &tree_addresses,
             const std::vector<uint64_t> &slots, const LaunchArgs &args,
             uint64_t print_buffer = 0);
};

}  // namespace qtaichi::rt
