// infer_thread_safety: a store or atomic is thread_safe when no other thread of its task can
// touch the same memory word: always in a serial task; in a parallel range-for task when every
// access to the word's group (a plain field, or a bit struct's word) uses the same indices and
// they are an injective function of the loop index (i, or ndrange's `lo + i / d`, `lo + i % s`).
// Quant arrays pack several indices into one word, so their parallel stores never are.
// demote_atomics then turns thread-safe atomics on plain fields into load/op/store.
#include <gtest/gtest.h>

#include <functional>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

struct ThreadSafetyTest : ::testing::Test {
  const QuantType *qi16 = QuantType::get_int(16, true);
  SNodeTree tree{0};
  // a, b: two quant.int(16) members of one 32-bit word per cell; x: a plain i32 field.
  SNode *word = tree.root()->dense({0}, {64})->bit_struct(32);
  std::vector<SNode *> ab = word->place_bit_members({{qi16, "a"}, {qi16, "b"}}, false);
  SNode *a = ab[0], *bf = ab[1];
  SNode *x = tree.root()->dense({0}, {64})->place(types::i32(), "x");
  // y: an 8 x 8 field of words with members ya, yb.
  std::vector<SNode *> y = tree.root()->dense({0, 1}, {8, 8})->bit_struct(32)->place_bit_members(
      {{qi16, "ya"}, {qi16, "yb"}}, false);
  // q: 4 words of 32 one-bit elements.
  SNode *q = tree.root()->dense({0}, {4})->quant_array({0}, {32}, 32)->place_quant(
      QuantType::get_int(1, false), "q");
  Kernel k{"k"};
  Builder b{&k};

  // for i in range(begin, end): body(i)
  void parallel(int begin, int end, const std::function<void(Stmt *)> &body) {
    auto *loop = b.range_for(b.const_i32(begin), b.const_i32(end));
    b.push_block(loop->body.get());
    body(b.loop_index(loop));
    b.pop_block();
  }
  Stmt *c(int v) { return b.const_i32(v); }
  Stmt *bin(BinaryOp op, Stmt *l, Stmt *r) { return b.binary(op, l, r); }
  void store(SNode *f, std::vector<Stmt *> idx, Stmt *v) { b.global_store(b.global_ptr(f, idx), v); }

  // type_check -> simplify -> offload -> infer_thread_safety; the thread_safe flag of every
  // field store and atomic, in program order.
  std::vector<bool> infer(IrLog *log = nullptr) {
    passes::type_check(k);
    passes::simplify(k);
    passes::offload(k);
    if (log) log->add("before", k);
    passes::infer_thread_safety(k);
    if (log) log->add("after infer_thread_safety", k);
    EXPECT_NO_THROW(verify(k, "infer_thread_safety"));
    return flags();
  }
  std::vector<bool> flags() {
    std::vector<bool> out;
    walk(k.body.get(), [&](Stmt *s) {
      if (auto *st = s->as<GlobalStoreStmt>(); st && st->ptr()->is<GlobalPtrStmt>())
        out.push_back(st->thread_safe);
      if (auto *at = s->as<AtomicOpStmt>(); at && at->ptr()->is<GlobalPtrStmt>())
        out.push_back(at->thread_safe);
    });
    return out;
  }
  int count(StmtKind kind) {
    int n = 0;
    walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind; });
    return n;
  }
};

using Flags = std::vector<bool>;

TEST_F(ThreadSafetyTest, SerialTaskIsAlwaysSafe) {
  // x[0] = 1; a[3] = 2; b[3] += 1; q[5] = 1; x[0] += 1  (no loop: one serial task)
  store(x, {c(0)}, c(1));
  store(a, {c(3)}, c(2));
  b.atomic(AtomicOp::add, b.global_ptr(bf, {c(3)}), c(1));
  store(q, {c(5)}, c(1));
  b.atomic(AtomicOp::add, b.global_ptr(x, {c(0)}), c(1));
  IrLog log;
  EXPECT_EQ(infer(&log), (Flags{true, true, true, true, true}));
  expect_golden("infer_thread_safety_serial", log.str());
}

TEST_F(ThreadSafetyTest, LoopIndexIsSafe) {
  // for i in range(64): a[i] = i; b[i] = -i; x[i] = i; a[i] += 1
  parallel(0, 64, [&](Stmt *i) {
    store(a, {i}, i);
    store(bf, {i}, b.unary(UnaryOp::neg, i));
    store(x, {i}, i);
    b.atomic(AtomicOp::add, b.global_ptr(a, {i}), c(1));
  });
  EXPECT_EQ(infer(), (Flags{true, true, true, true}));
}

TEST_F(ThreadSafetyTest, NdrangeDecompositionIsSafe) {
  // for i, j in ti.ndrange(8, 8): ya[i, j] = i  ==  ya[i / 8, i % 8] over range(64)
  parallel(0, 64, [&](Stmt *i) {
    store(y[0], {bin(BinaryOp::div, i, c(8)), bin(BinaryOp::mod, i, c(8))}, i);
    store(y[1], {bin(BinaryOp::div, i, c(8)), bin(BinaryOp::mod, i, c(8))}, i);
  });
  EXPECT_EQ(infer(), (Flags{true, true}));
}

TEST_F(ThreadSafetyTest, NdrangeWithLowerBoundsIsSafe) {
  // for i, j in ti.ndrange((2, 6), (1, 7)): ya[i, j] = 0  ==  ya[2 + n / 6, 1 + n % 6]
  parallel(0, 24, [&](Stmt *n) {
    Stmt *i = bin(BinaryOp::add, c(2), bin(BinaryOp::div, n, c(6)));
    Stmt *j = bin(BinaryOp::add, bin(BinaryOp::mod, n, c(6)), c(1));
    store(y[0], {i, j}, c(0));
  });
  IrLog log;
  EXPECT_EQ(infer(&log), (Flags{true}));
  expect_golden("infer_thread_safety_ndrange", log.str());
}

TEST_F(ThreadSafetyTest, NonInjectiveDecompositionsAreNotSafe) {
  // ya[i % 8, i % 8]: 8 threads share each diagonal word; ya[i / 8, 0]: 8 threads per word.
  parallel(0, 64, [&](Stmt *i) {
    Stmt *m = bin(BinaryOp::mod, i, c(8));
    store(y[0], {m, m}, c(1));
  });
  parallel(0, 64, [&](Stmt *i) { store(y[1], {bin(BinaryOp::div, i, c(8)), c(0)}, c(1)); });
  EXPECT_EQ(infer(), (Flags{false, false}));
}

TEST_F(ThreadSafetyTest, NeighbourIndexOnTheSameWordIsNotSafe) {
  // for i in range(63): a[i] = 1; b[i + 1] = 2; x[i] = 3
  // Thread i writes a in word i and b in word i + 1, which thread i + 1 also writes: both
  // stores need a CAS. x is another group and stays safe.
  parallel(0, 63, [&](Stmt *i) {
    store(a, {i}, c(1));
    store(bf, {bin(BinaryOp::add, i, c(1))}, c(2));
    store(x, {i}, c(3));
  });
  IrLog log;
  EXPECT_EQ(infer(&log), (Flags{false, false, true}));
  expect_golden("infer_thread_safety_neighbour", log.str());
}

TEST_F(ThreadSafetyTest, ShiftedIndexAloneIsSafe) {
  // for i in range(63): a[i + 1] = 1; b[i + 1] = 2  (one word per thread, just shifted)
  parallel(0, 63, [&](Stmt *i) {
    store(a, {bin(BinaryOp::add, i, c(1))}, c(1));
    store(bf, {bin(BinaryOp::add, i, c(1))}, c(2));
  });
  EXPECT_EQ(infer(), (Flags{true, true}));
}

TEST_F(ThreadSafetyTest, ConstantIndexInAParallelLoopIsNotSafe) {
  // for i in range(64): a[0] = i; x[0] = i
  parallel(0, 64, [&](Stmt *i) {
    store(a, {c(0)}, i);
    store(x, {c(0)}, i);
  });
  EXPECT_EQ(infer(), (Flags{false, false}));
}

TEST_F(ThreadSafetyTest, InnerLoopIndexIsNotSafe) {
  // for i in range(8): for j in range(8): a[j] = i
  parallel(0, 8, [&](Stmt *i) {
    auto *inner = b.range_for(c(0), c(8));
    b.push_block(inner->body.get());
    store(a, {b.loop_index(inner)}, i);
    b.pop_block();
  });
  EXPECT_EQ(infer(), (Flags{false}));
}

TEST_F(ThreadSafetyTest, QuantArrayStoresInAParallelLoopAreNeverSafe) {
  // for i in range(128): q[i] = 1 — 32 loop indices share each word.
  parallel(0, 128, [&](Stmt *i) { store(q, {i}, c(1)); });
  EXPECT_EQ(infer(), (Flags{false}));
}

TEST_F(ThreadSafetyTest, PlainFieldAtomicIsDemotedToLoadAddStore) {
  // for i in range(64): x[i] += 1
  parallel(0, 64, [&](Stmt *i) { b.atomic(AtomicOp::add, b.global_ptr(x, {i}), c(1)); });
  IrLog log;
  EXPECT_EQ(infer(&log), (Flags{true}));
  EXPECT_TRUE(passes::demote_atomics(k));
  log.add("after demote_atomics", k);
  EXPECT_NO_THROW(verify(k, "demote_atomics"));
  expect_golden("infer_thread_safety_demote", log.str());
  EXPECT_EQ(count(StmtKind::AtomicOpStmt), 0);
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 1);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
}

TEST_F(ThreadSafetyTest, AtomicDemotionOffKeepsTheAtomic) {
  k.quant_atomic_demotion = false;
  parallel(0, 64, [&](Stmt *i) { b.atomic(AtomicOp::add, b.global_ptr(x, {i}), c(1)); });
  EXPECT_EQ(infer(), (Flags{true}));  // still inferred; demote_atomics honours the option
  EXPECT_FALSE(passes::demote_atomics(k));
  EXPECT_EQ(count(StmtKind::AtomicOpStmt), 1);
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 0);
}

TEST_F(ThreadSafetyTest, SharedPlainFieldAtomicStaysAtomic) {
  // for i in range(64): x[0] += i — every thread adds to one element.
  parallel(0, 64, [&](Stmt *i) { b.atomic(AtomicOp::add, b.global_ptr(x, {c(0)}), i); });
  EXPECT_EQ(infer(), (Flags{false}));
  EXPECT_FALSE(passes::demote_atomics(k));
  EXPECT_EQ(count(StmtKind::AtomicOpStmt), 1);
}

TEST_F(ThreadSafetyTest, QuantAtomicsAreLeftToLowerQuant) {
  // for i in range(64): a[i] += 1 — thread-safe, but demote_atomics only handles plain fields.
  parallel(0, 64, [&](Stmt *i) { b.atomic(AtomicOp::add, b.global_ptr(a, {i}), c(1)); });
  EXPECT_EQ(infer(), (Flags{true}));
  EXPECT_FALSE(passes::demote_atomics(k));
  EXPECT_EQ(count(StmtKind::AtomicOpStmt), 1);
}

}  // namespace
