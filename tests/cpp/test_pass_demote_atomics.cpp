// demote_atomics: an atomic on a local variable (alloca) is touched by one thread only, so it
// becomes load, op, store; the atomic's result (the old value) is the load. Atomics on fields and
// on shared temps stay atomic.
#include <gtest/gtest.h>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

int count(const Kernel &k, StmtKind kind) {
  int n = 0;
  walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

TEST(DemoteAtomics, LocalsAreDemotedFieldsAndSharedTempsAreNot) {
  // total = 0
  // for i in range(16):
  //   acc = 0
  //   for j in range(4): old = atomic_add(acc, j); x[i] = old    (acc: one thread's local)
  //   atomic_add(x[i], acc); atomic_add(total, acc)           (a field, a shared temp)
  // return total
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {16})->place(types::i32(), "x");
  Kernel k("demote");
  k.ret_type = types::i32();
  Builder b(&k);
  Stmt *total = b.local_var(types::i32());
  Stmt *zero = b.const_i32(0);
  b.local_store(total, zero);
  auto *loop = b.range_for(zero, b.const_i32(16));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *acc = b.local_var(types::i32());
  b.local_store(acc, zero);
  auto *inner = b.range_for(zero, b.const_i32(4));
  b.push_block(inner->body.get());
  Stmt *old = b.atomic(AtomicOp::add, acc, b.loop_index(inner));
  b.global_store(b.global_ptr(x, {i}), old);
  b.pop_block();
  Stmt *xi = b.global_ptr(x, {i});
  b.atomic(AtomicOp::add, xi, b.local_load(acc));
  b.atomic(AtomicOp::add, total, b.local_load(acc));
  b.pop_block();
  b.ret(b.local_load(total));
  passes::type_check(k);
  passes::offload(k);
  IrLog log;
  log.add("before", k);
  EXPECT_TRUE(passes::demote_atomics(k));
  log.add("after demote_atomics", k);
  EXPECT_NO_THROW(verify(k, "demote_atomics"));
  expect_golden("demote_atomics", log.str());
  EXPECT_FALSE(passes::demote_atomics(k));
  EXPECT_EQ(count(k, StmtKind::AtomicOpStmt), 2);
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<AtomicOpStmt>())
      EXPECT_TRUE(a->ptr()->is<GlobalPtrStmt>() || a->ptr()->is<GlobalTempStmt>());
    // x[i] = old now stores the value loaded before the add.
    if (auto *st = s->as<GlobalStoreStmt>(); st && st->ptr()->is<GlobalPtrStmt>())
      EXPECT_TRUE(st->value()->is<LocalLoadStmt>());
  });
}

TEST(DemoteAtomics, EveryOpMapsToItsBinaryOp) {
  const std::pair<AtomicOp, BinaryOp> ops[] = {
      {AtomicOp::add, BinaryOp::add},         {AtomicOp::sub, BinaryOp::sub},
      {AtomicOp::min, BinaryOp::min},         {AtomicOp::max, BinaryOp::max},
      {AtomicOp::bit_and, BinaryOp::bit_and}, {AtomicOp::bit_or, BinaryOp::bit_or},
      {AtomicOp::bit_xor, BinaryOp::bit_xor}};
  for (auto [aop, bop] : ops) {
    Kernel k("op");
    Builder b(&k);
    Stmt *v = b.local_var(types::u16());
    b.atomic(aop, v, b.const_int(types::u16(), 3));
    passes::type_check(k);
    ASSERT_TRUE(passes::demote_atomics(k));
    ASSERT_EQ(k.body->stmts.size(), 5u);  // alloca, const, load, op, store
    auto *op = k.body->stmts[3]->as<BinaryOpStmt>();
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, bop) << atomic_op_name(aop);
    EXPECT_EQ(op->ret_type, types::u16());
    auto *store = k.body->stmts[4]->as<LocalStoreStmt>();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->value(), op);
    EXPECT_NO_THROW(verify(k));
  }
}

TEST(DemoteAtomics, BooleanLocalKeepsItsType) {
  // u1 arithmetic yields i32: the demoted store must still store a u1.
  Kernel k("flag");
  Builder b(&k);
  Stmt *flag = b.local_var(types::u1());
  b.atomic(AtomicOp::max, flag, b.const_int(types::u1(), 1));
  b.print({b.local_load(flag)});
  passes::type_check(k);
  passes::demote_atomics(k);
  EXPECT_NO_THROW(verify(k, "demote_atomics"));
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *st = s->as<LocalStoreStmt>()) EXPECT_EQ(st->value()->ret_type, types::u1());
  });
}

}  // namespace
