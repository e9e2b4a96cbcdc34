#pragma once
// The block of state every compiled task receives. Codegen (LLVM today, SPIR-V and CUDA later)
// and the runtime agree on this layout; keep it plain C so the app runtime can use it.
#include <cstdint>

namespace qtaichi::rt {

constexpr int kMaxAssertArgs = 8;

struct RuntimeContext {
  uint8_t **tree_bases;  // base pointer of each SNode tree, by tree id
  uint64_t *args;        // one 64-bit slot per kernel argument (f32 in the low 32 bits)
  uint64_t *result;      // the kernel's return value slot
  uint8_t *temps;        // values that cross from one task to another
  // Set by the first failing assertion: its id (>= 1) and the values its message formats.
  int32_t error_code;
  int64_t error_args[kMaxAssertArgs];
  // ti.random streams derive from these (see RandStmt).
  uint64_t rand_seed;
  uint64_t launch_id;
};

}  // namespace qtaichi::rt
