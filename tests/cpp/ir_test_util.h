#pragma once
// Small helpers shared by the IR and pass tests.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "ir/builder.h"
#include "ir/error.h"

namespace qtaichi::testing {

// A kernel under construction for pass tests: the kernel `k`, its builder `b` and shorthands.
struct KernelUnderTest {
  ir::Kernel k{"k"};
  ir::Builder b{&k};

  // for i in range(n): body(i)  -- the parallel loop once offloaded.
  void parallel(const std::function<void(ir::Stmt *)> &body, int n = 64) {
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(n));
    b.push_block(loop->body.get());
    body(b.loop_index(loop));
    b.pop_block();
  }
  ir::Stmt *c(int v) { return b.const_i32(v); }
  ir::Stmt *store(ir::SNode *f, ir::Stmt *i, ir::Stmt *v) {
    return b.global_store(b.global_ptr(f, {i}), v);
  }
  ir::Stmt *load(ir::SNode *f, ir::Stmt *i) { return b.global_load(b.global_ptr(f, {i})); }
  // n = 0; while True: if n >= limit: break; n += 1  -- a serial while loop with a break.
  void count_to(ir::Stmt *limit) {
    ir::Stmt *n = b.local_var(ir::types::i32());
    auto *loop = b.while_();
    b.push_block(loop->body.get());
    auto *stop = b.if_(b.binary(ir::BinaryOp::cmp_ge, b.local_load(n), limit));
    b.push_block(stop->true_block.get());
    b.break_();
    b.pop_block();
    b.local_store(n, b.binary(ir::BinaryOp::add, b.local_load(n), c(1)));
    b.pop_block();
  }
};

// Runs the pipeline's passes (ir/pipeline.cpp, in its order) that come before the first run of
// `pass_name`, so a pass test sees the IR the pipeline would hand that pass.
void run_passes_before(ir::Kernel &k, const std::string &pass_name);

// Runs fn and returns the CompileError it throws (a test failure when it throws none).
template <typename F>
std::optional<ir::CompileError> compile_error_of(F &&fn) {
  try {
    fn();
  } catch (const ir::CompileError &e) {
    return e;
  }
  ADD_FAILURE() << "expected a CompileError, none was thrown";
  return std::nullopt;
}

}  // namespace qtaichi::testing

// Expects `stmt` to throw CompileError of kind `error_kind` whose message contains `substr`.
#define EXPECT_COMPILE_ERROR(stmt, error_kind, substr)                                         \
  do {                                                                                         \
    auto qti_err_ = ::qtaichi::testing::compile_error_of([&] { stmt; });                       \
    if (qti_err_) {                                                                            \
      EXPECT_EQ(static_cast<int>(qti_err_->kind()), static_cast<int>(error_kind))              \
          << qti_err_->what();                                                                 \
      EXPECT_NE(std::string(qti_err_->what()).find(substr), std::string::npos)                 \
          << "message: " << qti_err_->what();                                                  \
    }                                                                                          \
  } while (0)
