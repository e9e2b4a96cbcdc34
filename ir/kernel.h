#pragma once
// A kernel: its signature and body. After `offload` the body holds only OffloadedTaskStmts.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/stmt.h"
#include "ir/target.h"

namespace qtaichi::ir {

struct KernelArg {
  std::string name;
  const Type *type = nullptr;  // the scalar type, or an ndarray's element type
  int ndim = 0;                // 0: a scalar; > 0: an ndarray of this many dimensions
};

// Where each argument starts in the launch's 64-bit argument slots: a scalar takes one slot, an
// ndarray takes 1 + ndim (its data pointer, then its shape).
std::vector<int> arg_slots(const std::vector<KernelArg> &args);

// A ti.real_func: a body reached only through FuncCallStmts. Its results are the operands of
// the FuncReturnStmt that ends the body. The lower_calls pass (first in the pipeline) replaces
// every call: by the body, or by a call stack for functions that recurse.
struct Function {
  Function();
  std::string name;
  std::vector<const Type *> params, results;
  std::unique_ptr<Block> body;  // owner: nullptr, like the kernel body
  SourceLoc loc;
};

class Kernel {
 public:
  explicit Kernel(std::string name);
  std::string name;
  std::vector<KernelArg> args;
  const Type *ret_type = types::void_();
  // A vector/matrix return: this many values of ret_type (row-major), one result slot each.
  int ret_count = 1;
  std::unique_ptr<Block> body;
  std::vector<std::unique_ptr<Function>> functions;
  // The 32-bit words of the call stack of each recursive call (ti.init(real_func_stack_bytes)).
  int call_stack_words = 1024;
  int64_t temp_bytes = 0;  // size of the temp buffer that carries values between tasks
  const Type *default_ip = types::i32();
  const Type *default_fp = types::f32();
  bool debug = false;  // bounds checks and assertions
  // Quantization options (ti.init): see QUANT_SPEC.md.
  bool quant_store_fusion = true;    // fuse stores to members of one word
  bool quant_atomic_demotion = true; // no CAS where one thread owns the word
  bool check_quant_overflow = false; // report stores that wrap or saturate
  SourceLoc loc;
  // What the device can do (set by run_pipeline; passes run alone see the CPU's).
  Target target = Target::cpu();
  // How far the pipeline has brought the kernel; the verifier checks more as these turn on.
  bool type_checked = false, offloaded = false, access_lowered = false;
  bool lowered = false;  // the pipeline ran to the end: the printed IR names the target
  // Set by Program::compile, which consumes the IR: the kernel (owned by whoever created it)
  // stays valid but empty, and building into it again is an error.
  bool consumed = false;
};

// Calls fn on every statement below `block`, parents before their children, in order.
void walk(Block *block, const std::function<void(Stmt *)> &fn);
// Replaces every operand use of `old_stmt` below `block` (LoopIndex loops included).
void replace_all_uses(Block *block, Stmt *old_stmt, Stmt *new_stmt);
// The innermost enclosing statement of kind T, or nullptr.
template <typename T>
T *enclosing(Stmt *s) {
  for (Block *b = s->parent; b && b->owner; b = b->owner->parent)
    if (auto *t = b->owner->as<T>()) return t;
  return nullptr;
}
// The innermost loop (range-for, while, range-for task) around `s`, or nullptr.
Stmt *enclosing_loop(Stmt *s);

}  // namespace qtaichi::ir
