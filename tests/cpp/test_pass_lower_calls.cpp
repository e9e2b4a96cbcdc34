// lower_calls: calls of acyclic functions become copies of their bodies (loops serial);
// recursive functions run on a call stack. The results are checked by running the kernels.
#include <gtest/gtest.h>

#include "golden.h"
#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "taichi_core/program.h"

using namespace qtaichi::ir;

namespace {

int count_in(Block *b, StmtKind kind) {
  int n = 0;
  walk(b, [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

// func twice_sum(n: i32) -> i32: s = 0; for i in range(n): s += 2 * i; return s
Function *build_twice_sum(Builder &b) {
  Function *f = b.function("twice_sum", {types::i32()}, {types::i32()});
  b.push_block(f->body.get());
  Stmt *n = b.func_arg(f, 0);
  Stmt *s = b.local_var(types::i32());
  auto *loop = b.range_for(b.const_i32(0), n);
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.local_store(s, b.binary(BinaryOp::add, b.local_load(s),
                            b.binary(BinaryOp::mul, b.const_i32(2), i)));
  b.pop_block();
  b.func_return(f, {b.local_load(s)});
  b.pop_block();
  return f;
}

// func fact(n: i64) -> i64: r = 1; if n > 1: r = n * fact(n - 1); return r
Function *build_fact(Builder &b) {
  Function *f = b.function("fact", {types::i64()}, {types::i64()});
  b.push_block(f->body.get());
  Stmt *n = b.func_arg(f, 0);
  Stmt *r = b.local_var(types::i64());
  b.local_store(r, b.const_int(types::i64(), 1));
  auto *branch = b.if_(b.binary(BinaryOp::cmp_gt, n, b.const_int(types::i64(), 1)));
  b.push_block(branch->true_block.get());
  Stmt *sub = b.local_var(types::i64());
  b.call(f, {b.binary(BinaryOp::sub, n, b.const_int(types::i64(), 1))}, {sub});
  b.local_store(r, b.binary(BinaryOp::mul, n, b.local_load(sub)));
  b.pop_block();
  b.func_return(f, {b.local_load(r)});
  b.pop_block();
  return f;
}

// kernel k(n: t) -> t: return f(n), for a function f of one parameter and one result of type t
void build_caller(Kernel &k, const Type *t, Function *(*make)(Builder &)) {
  k.args = {{"n", t}};
  k.ret_type = t;
  Builder b(&k);
  Function *f = make(b);
  Stmt *r = b.local_var(t);
  b.call(f, {b.arg(0)}, {r});
  b.ret(b.local_load(r));
}

uint64_t run_cpu(const Type *t, Function *(*make)(Builder &), uint64_t arg) {
  qtaichi::CompileConfig cfg;
  cfg.offline_cache = false;
  qtaichi::Program prog(cfg);
  auto k = prog.create_kernel("k");
  build_caller(*k, t, make);
  return prog.launch(prog.compile(*k), {arg});
}

TEST(LowerCalls, AcyclicFunctionIsCopiedWithSerialLoops) {
  Kernel k("k");
  build_caller(k, types::i32(), build_twice_sum);
  verify(k, "test");
  EXPECT_TRUE(qtaichi::testing::expect_pass_golden(k, passes::lower_calls, "lower_calls",
                                                   "lower_calls_inline"));
  EXPECT_TRUE(k.functions.empty());
  EXPECT_EQ(count_in(k.body.get(), StmtKind::FuncCallStmt), 0);
  walk(k.body.get(), [](Stmt *s) {
    if (auto *loop = s->as<RangeForStmt>()) EXPECT_TRUE(loop->serialize);
  });
}

TEST(LowerCalls, AcyclicFunctionRuns) {
  EXPECT_EQ(static_cast<int32_t>(run_cpu(types::i32(), build_twice_sum, 10)), 90);
}

TEST(LowerCalls, RecursionRunsOnACallStack) {
  Kernel k("k");
  build_caller(k, types::i64(), build_fact);
  passes::lower_calls(k);
  verify(k, "lower_calls");
  EXPECT_EQ(count_in(k.body.get(), StmtKind::FuncCallStmt), 0);
  // One stack, one overflow check per push (the first frame and the recursive call).
  int arrays = 0;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<AllocaStmt>(); a && a->is_array()) {
      arrays++;
      EXPECT_EQ(a->array_len, k.call_stack_words);
    }
  });
  EXPECT_EQ(arrays, 1);
  EXPECT_EQ(count_in(k.body.get(), StmtKind::AssertStmt), 2);

  for (int64_t n : {0, 1, 5, 20}) {
    uint64_t got = run_cpu(types::i64(), build_fact, static_cast<uint64_t>(n));
    int64_t want = 1;
    for (int64_t i = 2; i <= n; i++) want *= i;
    EXPECT_EQ(static_cast<int64_t>(got), want) << "fact(" << n << ")";
  }
}

TEST(LowerCalls, VerifierRejectsMisplacedFunctionStatements) {
  {  // a func_arg in the kernel body
    Kernel k("k");
    Builder b(&k);
    Function *f = b.function("f", {types::i32()}, {});
    b.push_block(f->body.get());
    b.func_return(f, {});
    b.pop_block();
    b.func_arg(f, 0);
    EXPECT_THROW(verify(k, "test"), CompileError);
  }
  {  // a body that does not end with func_return
    Kernel k("k");
    Builder b(&k);
    Function *f = b.function("f", {}, {types::i32()});
    b.push_block(f->body.get());
    b.func_return(f, {b.const_i32(1)});
    b.const_i32(2);
    b.pop_block();
    EXPECT_THROW(verify(k, "test"), CompileError);
  }
  {  // a result written to a variable of another type
    Kernel k("k");
    Builder b(&k);
    Function *f = b.function("f", {}, {types::i32()});
    b.push_block(f->body.get());
    b.func_return(f, {b.const_i32(1)});
    b.pop_block();
    b.call(f, {}, {b.local_var(types::f32())});
    EXPECT_THROW(verify(k, "test"), CompileError);
  }
  {  // a local array read without an index
    Kernel k("k");
    Builder b(&k);
    Stmt *a = b.local_array(types::u32(), 8);
    b.local_load(a);
    EXPECT_THROW(verify(k, "test"), CompileError);
  }
}

}  // namespace
