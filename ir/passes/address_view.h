#pragma once
// A view of global memory a pass makes from an existing address statement: the same kind of
// address (field, ndarray, temp) typed as `type`, at the same byte offset or at `byte_offset`.
// Used by the passes that rewrite atomics into compare-and-swap loops on other word types.
#include <memory>

#include "ir/stmt.h"

namespace qtaichi::ir::passes {

// `byte_offset`: a statement for a field or ndarray address; for a temp, `temp_offset` (>= 0)
// replaces the temp's constant offset. Throws CompileError (internal) for other statements.
std::unique_ptr<Stmt> address_view(const Stmt *ptr, const Type *type, Stmt *byte_offset = nullptr,
                                   int64_t temp_offset = -1);

}  // namespace qtaichi::ir::passes
