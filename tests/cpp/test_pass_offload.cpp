// offload: the top level becomes tasks. An outermost (non-serialized) for becomes a parallel
// range_for task; other statements become serial tasks. Values crossing tasks go through the
// kernel's temp buffer, except constants and arguments, which are re-made where they are used.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "ir_test_util.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

void check_golden(Kernel &k, const std::string &name) {
  EXPECT_TRUE(qtaichi::testing::expect_pass_golden(k, passes::offload, "offload", name));
  EXPECT_TRUE(k.offloaded);
}

OffloadedTaskStmt *task(const Kernel &k, size_t i) {
  return k.body->stmts.at(i)->as<OffloadedTaskStmt>();
}

std::vector<TaskKind> task_kinds(const Kernel &k) {
  std::vector<TaskKind> out;
  for (auto &s : k.body->stmts) out.push_back(s->as<OffloadedTaskStmt>()->task_kind);
  return out;
}

int count_in(Block *b, StmtKind kind) {
  int n = 0;
  walk(b, [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

struct OffloadTest : ::testing::Test {
  SNodeTree tree{0};
  SNode *x = tree.root()->dense({0}, {64})->place(types::i32(), "x");
  Kernel k{"k"};
  Builder b{&k};
  // for i in range(begin, end): x[i] = value(i)
  RangeForStmt *fill(Stmt *begin, Stmt *end, const std::function<Stmt *(Stmt *)> &value) {
    auto *loop = b.range_for(begin, end);
    b.push_block(loop->body.get());
    Stmt *i = b.loop_index(loop);
    Stmt *v = value(i);
    b.global_store(b.global_ptr(x, {i}), v);
    b.pop_block();
    return loop;
  }
};

TEST_F(OffloadTest, OutermostForWithConstantBounds) {
  Stmt *lo = b.const_i32(2);
  fill(lo, b.const_i32(60), [&](Stmt *i) { return b.binary(BinaryOp::mul, i, i); });
  check_golden(k, "offload_constant_bounds");
  // The bound constants stay behind in a serial task (dead now: simplify drops it).
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for}));
  OffloadedTaskStmt *t = task(k, 1);
  EXPECT_EQ(t->begin, 2);
  EXPECT_EQ(t->end, 60);
  EXPECT_EQ(t->begin_temp, -1);
  EXPECT_EQ(t->end_temp, -1);
  EXPECT_EQ(k.temp_bytes, 0);
  // The loop index now names the task.
  walk(t->body.get(), [&](Stmt *s) {
    if (auto *li = s->as<LoopIndexStmt>()) EXPECT_EQ(li->loop, t);
  });
  passes::simplify(k);
  EXPECT_EQ(task_kinds(k), std::vector<TaskKind>{TaskKind::range_for});
}

TEST_F(OffloadTest, RuntimeBoundsThroughTemps) {
  k.args = {{"n", types::i32()}};
  Stmt *n = b.arg(0);
  Stmt *lo = b.binary(BinaryOp::sub, n, b.const_i32(10));
  fill(lo, n, [&](Stmt *i) { return i; });
  check_golden(k, "offload_runtime_bounds");
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for}));
  OffloadedTaskStmt *writer = task(k, 0), *loop = task(k, 1);
  EXPECT_GE(loop->begin_temp, 0);
  EXPECT_GE(loop->end_temp, 0);
  EXPECT_NE(loop->begin_temp, loop->end_temp);
  // The serial task stores both bounds (i32) to exactly those temp slots.
  std::vector<int64_t> written;
  walk(writer->body.get(), [&](Stmt *s) {
    if (s->is<GlobalStoreStmt>() && s->ops[0]->is<GlobalTempStmt>()) {
      EXPECT_EQ(s->ops[1]->ret_type, types::i32());
      written.push_back(s->ops[0]->as<GlobalTempStmt>()->offset);
    }
  });
  EXPECT_EQ(written, (std::vector<int64_t>{loop->begin_temp, loop->end_temp}));
  EXPECT_GE(k.temp_bytes, 16);
}

TEST_F(OffloadTest, SecondLoopWithRuntimeBoundGetsItsOwnWriter) {
  k.args = {{"n", types::i32()}};
  Stmt *n = b.arg(0);
  Stmt *zero = b.const_i32(0);
  fill(zero, n, [&](Stmt *i) { return i; });
  fill(zero, n, [&](Stmt *i) { return b.const_i32(1); });
  check_golden(k, "offload_two_runtime_loops");
  // The second loop follows a parallel task: a serial task writes its bound, reusing n.
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for,
                                                  TaskKind::serial, TaskKind::range_for}));
  EXPECT_EQ(task(k, 1)->begin, 0);
  EXPECT_NE(task(k, 1)->end_temp, task(k, 3)->end_temp);
  EXPECT_EQ(count_in(task(k, 2)->body.get(), StmtKind::ArgLoadStmt), 1) << "n is re-made";
}

TEST_F(OffloadTest, TopLevelLocalBecomesASharedTemp) {
  // s = 0; for i in range(64): s += x[i]; x[0] = s
  k.ret_type = types::i32();
  Stmt *s = b.local_var(types::i32());
  b.local_store(s, b.const_i32(0));
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(64));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.atomic(AtomicOp::add, s, b.global_load(b.global_ptr(x, {i})));
  b.pop_block();
  b.ret(b.local_load(s));
  check_golden(k, "offload_shared_local");
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for,
                                                  TaskKind::serial}));
  int allocas = 0;
  walk(k.body.get(), [&](Stmt *st) {
    allocas += st->is<AllocaStmt>();
    if (auto *a = st->as<AtomicOpStmt>()) {
      ASSERT_TRUE(a->ptr()->is<GlobalTempStmt>()) << "the += stays atomic, on the temp";
      EXPECT_EQ(a->op, AtomicOp::add);
    }
    EXPECT_FALSE(st->is<LocalLoadStmt>() || st->is<LocalStoreStmt>());
  });
  EXPECT_EQ(allocas, 0);
  // All three tasks use the same slot.
  std::set<int64_t> slots;
  walk(k.body.get(), [&](Stmt *st) {
    if (auto *t = st->as<GlobalTempStmt>()) slots.insert(t->offset);
  });
  EXPECT_EQ(slots.size(), 1u);
}

TEST_F(OffloadTest, LocalUsedOnlyInsideTheLoopStaysLocal) {
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(64));
  b.push_block(loop->body.get());
  Stmt *t = b.local_var(types::i32());
  b.local_store(t, b.loop_index(loop));
  b.global_store(b.global_ptr(x, {b.loop_index(loop)}), b.local_load(t));
  b.pop_block();
  passes::offload(k);
  EXPECT_NO_THROW(verify(k));
  EXPECT_EQ(count_in(k.body.get(), StmtKind::AllocaStmt), 1);
  EXPECT_EQ(count_in(k.body.get(), StmtKind::GlobalTempStmt), 0);
  EXPECT_EQ(k.temp_bytes, 0);
}

TEST_F(OffloadTest, TopLevelValueGoesThroughATemp) {
  // v = x[0] * 3 at top level, used inside the loop; the constant 3 and the argument are re-made.
  k.args = {{"scale", types::i32()}};
  Stmt *zero = b.const_i32(0);
  Stmt *three = b.const_i32(3);
  Stmt *scale = b.arg(0);
  Stmt *v = b.binary(BinaryOp::mul, b.global_load(b.global_ptr(x, {zero})), three);
  Stmt *one = b.const_i32(1);
  fill(one, b.const_i32(64), [&](Stmt *i) {
    Stmt *scaled = b.binary(BinaryOp::mul, i, scale);
    return b.binary(BinaryOp::add, scaled, b.binary(BinaryOp::add, v, three));
  });
  check_golden(k, "offload_value_through_temp");
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for}));
  Block *body = task(k, 1)->body.get();
  EXPECT_EQ(count_in(body, StmtKind::ArgLoadStmt), 1) << "the argument is re-made";
  EXPECT_EQ(count_in(body, StmtKind::GlobalLoadStmt), 1) << "v is loaded once, from its temp";
  EXPECT_EQ(count_in(body, StmtKind::BinaryOpStmt), 3) << "only the loop's own arithmetic";
  walk(body, [&](Stmt *s) {
    for (Stmt *op : s->ops) {
      // Every operand is defined inside the task.
      Stmt *top = op;
      while (top->parent != k.body.get()) top = top->parent->owner;
      EXPECT_EQ(top, task(k, 1)) << s->kind_name();
    }
  });
  EXPECT_EQ(count_in(task(k, 0)->body.get(), StmtKind::GlobalStoreStmt), 1) << "store of v";
}

TEST_F(OffloadTest, BreakInTheParallelLoopIsAnError) {
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(4));
  b.push_block(loop->body.get());
  auto *branch = b.if_(b.loop_index(loop));
  b.push_block(branch->true_block.get());
  b.break_();
  b.pop_block();
  b.pop_block();
  EXPECT_COMPILE_ERROR(passes::offload(k), ErrorKind::syntax,
                       "'break' is not allowed in the outermost (parallel) loop of a kernel");
}

TEST_F(OffloadTest, BreakInAnInnerLoopAndContinueAreFine) {
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(4));
  b.push_block(loop->body.get());
  auto *inner = b.range_for(zero, b.const_i32(8));
  b.push_block(inner->body.get());
  b.break_();
  b.pop_block();
  auto *w = b.while_();
  b.push_block(w->body.get());
  b.break_();
  b.pop_block();
  b.continue_();
  b.pop_block();
  EXPECT_NO_THROW(passes::offload(k));
  EXPECT_NO_THROW(verify(k));
  EXPECT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for}));
}

TEST_F(OffloadTest, SerializedLoopStaysInASerialTask) {
  Stmt *zero = b.const_i32(0);
  RangeForStmt *loop = fill(zero, b.const_i32(8), [&](Stmt *i) { return i; });
  loop->serialize = true;
  b.print({std::string("done")});
  check_golden(k, "offload_serialized_loop");
  ASSERT_EQ(task_kinds(k), std::vector<TaskKind>{TaskKind::serial});
  EXPECT_EQ(count_in(task(k, 0)->body.get(), StmtKind::RangeForStmt), 1);
}

TEST_F(OffloadTest, TwoLoopsMakeTwoRangeTasks) {
  Stmt *zero = b.const_i32(0);
  fill(zero, b.const_i32(32), [&](Stmt *i) { return i; });
  RangeForStmt *second = fill(zero, b.const_i32(64), [&](Stmt *i) { return zero; });
  second->block_dim = 16;
  check_golden(k, "offload_two_loops");
  // The constants between the loops form serial tasks of their own, which simplify drops.
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for,
                                                  TaskKind::serial, TaskKind::range_for}));
  EXPECT_EQ(task(k, 1)->end, 32);
  EXPECT_EQ(task(k, 3)->end, 64);
  EXPECT_EQ(task(k, 3)->block_dim, 16);
  passes::simplify(k);
  EXPECT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::range_for, TaskKind::range_for}));
}

TEST_F(OffloadTest, NestedLoopStaysInsideTheTask) {
  Stmt *zero = b.const_i32(0);
  auto *outer = b.range_for(zero, b.const_i32(4));
  b.push_block(outer->body.get());
  Stmt *i = b.loop_index(outer);
  auto *inner = b.range_for(zero, b.const_i32(16));
  b.push_block(inner->body.get());
  Stmt *j = b.loop_index(inner);
  Stmt *idx = b.binary(BinaryOp::add, b.binary(BinaryOp::mul, i, b.const_i32(16)), j);
  b.global_store(b.global_ptr(x, {idx}), j);
  b.pop_block();
  b.pop_block();
  check_golden(k, "offload_nested_loop");
  ASSERT_EQ(task_kinds(k), (std::vector<TaskKind>{TaskKind::serial, TaskKind::range_for}));
  EXPECT_EQ(task(k, 1)->end, 4);
  EXPECT_EQ(count_in(task(k, 1)->body.get(), StmtKind::RangeForStmt), 1);
}

}  // namespace
