#include "runtime/launch_block.h"

#include <algorithm>
#include <cstring>

namespace qtaichi::rt {

namespace {
size_t align16(size_t v) { return (v + 15) / 16 * 16; }
}  // namespace

LaunchBlock::LaunchBlock(const KernelDesc &desc, size_t num_trees) {
  bases = align16(sizeof(RuntimeContext));
  args = bases + 8 * num_trees;
  result = args + 8 * static_cast<size_t>(std::max(desc.num_arg_slots, 1));
  temps = align16(result + 8 * static_cast<size_t>(desc.ret_count));
  total = temps + static_cast<size_t>(std::max<int64_t>(desc.temp_bytes, 8));
  image.assign(total, 0);
}

void LaunchBlock::write(uint64_t at, const std::vector<uint64_t> &tree_addresses,
                        const std::vector<uint64_t> &slots, const LaunchArgs &launch,
                        uint64_t print_buffer) {
  RuntimeContext ctx{};
  ctx.tree_bases = reinterpret_cast<uint8_t **>(at + bases);
  ctx.args = reinterpret_cast<uint64_t *>(at + args);
  ctx.result = reinterpret_cast<uint64_t *>(at + result);
  ctx.temps = reinterpret_cast<uint8_t *>(at + temps);
  ctx.rand_seed = launch.rand_seed;
  ctx.launch_id = launch.launch_id;
  ctx.print_buffer = reinterpret_cast<uint32_t *>(print_buffer);
  std::memcpy(image.data(), &ctx, sizeof ctx);
  if (!tree_addresses.empty())
    std::memcpy(image.data() + bases, tree_addresses.data(), 8 * tree_addresses.size());
  if (!slots.empty()) std::memcpy(image.data() + args, slots.data(), 8 * slots.size());
}

}  // namespace qtaichi::rt
