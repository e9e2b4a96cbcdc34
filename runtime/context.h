#pragma once
// The block of state every compiled task receives: the kernel's bindings (tree memory,
// arguments, result, temps, error record) and per-launch values. Described once, here: the
// X-macro below makes the struct, the member indices codegen addresses, and the member kinds
// codegen builds its mirror type from, so no index is written twice. Plain C layout, so the
// app runtime can use it.
#include <cstdint>

namespace qtaichi::rt {

constexpr int kMaxAssertArgs = 8;
// RuntimeContext::error_code for "the device's loop limit was reached" (max_loop_iterations);
// codes >= 1 are the kernel's assertions.
constexpr int32_t kLoopLimitError = -1;
// A print buffer (RuntimeContext::print_buffer): word 0 counts the words written after the
// header, word 1 is the capacity in words; then records of [print id, 2 words per value].
constexpr int kPrintHeaderWords = 2;

// X(name, kind, declaration): kind is ptr, i32, i64 or i64_array (kMaxAssertArgs).
#define QTI_RUNTIME_CONTEXT_MEMBERS(X)                                                        \
  X(tree_bases, ptr, uint8_t **tree_bases)  /* base of each SNode tree, by tree id */         \
  X(args, ptr, uint64_t *args)              /* one 64-bit slot per argument slot */           \
  X(result, ptr, uint64_t *result)          /* the return value's slot */                     \
  X(temps, ptr, uint8_t *temps)             /* values that cross from one task to another */  \
  X(error_code, i32, int32_t error_code)    /* the first failed assertion's id (>= 1) */      \
  X(error_args, i64_array, int64_t error_args[kMaxAssertArgs]) /* its message's values */     \
  X(rand_seed, i64, uint64_t rand_seed)     /* ti.random streams derive from these two */     \
  X(launch_id, i64, uint64_t launch_id)                                                        \
  X(print_buffer, ptr, uint32_t *print_buffer) /* devices without printf: print records */

struct RuntimeContext {
#define QTI_DECLARE(name, kind, decl) decl;
  QTI_RUNTIME_CONTEXT_MEMBERS(QTI_DECLARE)
#undef QTI_DECLARE
};

// Member indices, for codegen (a struct GEP's index).
enum class ContextMember {
#define QTI_INDEX(name, kind, decl) name,
  QTI_RUNTIME_CONTEXT_MEMBERS(QTI_INDEX)
#undef QTI_INDEX
};

}  // namespace qtaichi::rt
