// lower_quant: every load, store and atomic on a quant field becomes integer work on its
// container word (QUANT_SPEC.md): a partial store that one thread owns is load / and / or /
// store; one that other threads may race with is a `while` + atomic_cas loop; a store covering
// every member of the word is one plain store; shared exponents decode the unwritten siblings
// inside the update. Passes run in pipeline order up to lower_quant.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "ir_test_util.h"
#include "taichi_core/program.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

int count_in(Block *b, StmtKind kind) {
  int n = 0;
  walk(b, [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

struct LowerQuantTest : ::testing::Test, qtaichi::testing::KernelUnderTest {
  const QuantType *qi16 = QuantType::get_int(16, true);
  const QuantType *qe = QuantType::get_float(8, 12, true);  // 8 exponent + 2 x 12 digits
  SNodeTree tree{0};
  // a: bits 0-15, b: bits 16-31 of one 32-bit word per cell (both quant.int(16)).
  std::vector<SNode *> ab = tree.root()->dense({0}, {64})->bit_struct(32)->place_bit_members(
      {{qi16, "a"}, {qi16, "b"}}, false);
  SNode *a = ab[0], *bf = ab[1];
  // u, v: shared exponent in bits 0-7, u's digits 8-19, v's digits 20-31.
  std::vector<SNode *> uv = tree.root()->dense({0}, {64})->bit_struct(32)->place_bit_members(
      {{qe, "u"}, {qe, "v"}}, true);
  SNode *x = tree.root()->dense({0}, {64})->place(types::i32(), "x");
  void SetUp() override { tree.materialize(); }

  // Pipeline order up to lower_quant; with a log, the IR before and after it (and simplified).
  void lower(IrLog *log = nullptr) {
    qtaichi::testing::run_passes_before(k, "lower_quant");
    passes::simplify(k);  // only to keep the goldens short: folds lower_access's offsets
    if (log) log->add("before", k);
    EXPECT_TRUE(passes::lower_quant(k));
    EXPECT_NO_THROW(verify(k, "lower_quant"));
    no_quant_left();
    if (log) {
      passes::simplify(k);
      log->add("after lower_quant + simplify", k);
      EXPECT_NO_THROW(verify(k, "simplify"));
    }
  }
  void no_quant_left() {
    walk(k.body.get(), [&](Stmt *s) {
      EXPECT_FALSE(s->is<BitStructStoreStmt>());
      if (auto *addr = s->as<GlobalAddrStmt>()) {
        EXPECT_FALSE(addr->is_bit_level()) << addr->field->str();
        EXPECT_FALSE(addr->field->is_bit_level()) << addr->field->str();
      }
    });
  }
  int count(StmtKind kind) { return count_in(k.body.get(), kind); }
  Block *task_body(size_t i) { return k.body->stmts.at(i)->as<OffloadedTaskStmt>()->body.get(); }
};

TEST_F(LowerQuantTest, ThreadSafePartialStoreIsLoadAndOrStore) {
  // for i in range(64): a[i] = i
  parallel([&](Stmt *i) { store(a, i, i); });
  IrLog log;
  lower(&log);
  expect_golden("lower_quant_partial_thread_safe", log.str());
  EXPECT_EQ(count(StmtKind::WhileStmt), 0);
  EXPECT_EQ(count(StmtKind::AtomicCASStmt), 0);
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 1);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
}

TEST_F(LowerQuantTest, RacyPartialStoreIsACompareAndSwapLoop) {
  // for i in range(64): b[0] = i  (every thread writes word 0)
  parallel([&](Stmt *i) { store(bf, c(0), i); });
  IrLog log;
  lower(&log);
  expect_golden("lower_quant_partial_cas", log.str());
  ASSERT_EQ(count(StmtKind::WhileStmt), 1);
  WhileStmt *loop = nullptr;
  walk(k.body.get(), [&](Stmt *s) {
    if (s->is<WhileStmt>()) loop = s->as<WhileStmt>();
  });
  EXPECT_EQ(count_in(loop->body.get(), StmtKind::AtomicCASStmt), 1);
  EXPECT_EQ(count_in(loop->body.get(), StmtKind::GlobalLoadStmt), 1);
  EXPECT_EQ(count_in(loop->body.get(), StmtKind::BreakStmt), 1);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 0);
}

TEST_F(LowerQuantTest, DemotionOffKeepsTheCompareAndSwapLoop) {
  k.quant_atomic_demotion = false;
  parallel([&](Stmt *i) { store(a, i, i); });
  lower();
  EXPECT_EQ(count(StmtKind::WhileStmt), 1);
  EXPECT_EQ(count(StmtKind::AtomicCASStmt), 1);
}

TEST_F(LowerQuantTest, StoreCoveringTheWholeWordIsOnePlainStore) {
  // for i in range(64): a[i] = i; b[i] = -i  (fused: both members of the word)
  parallel([&](Stmt *i) {
    store(a, i, i);
    store(bf, i, b.unary(UnaryOp::neg, i));
  });
  IrLog log;
  lower(&log);
  expect_golden("lower_quant_full_word", log.str());
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 0);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
  EXPECT_EQ(count(StmtKind::WhileStmt), 0);
}

TEST_F(LowerQuantTest, WholeWordStoreNeedsNoCompareAndSwapEvenWhenRacy) {
  // for i in range(64): a[0] = i; b[0] = -i — the last writer wins the whole word.
  parallel([&](Stmt *i) {
    store(a, c(0), i);
    store(bf, c(0), b.unary(UnaryOp::neg, i));
  });
  lower();
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 0);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
  EXPECT_EQ(count(StmtKind::WhileStmt), 0);
  EXPECT_EQ(count(StmtKind::AtomicCASStmt), 0);
}

TEST_F(LowerQuantTest, UnfusedStoresToBothMembersAreTwoPartialUpdates) {
  k.quant_store_fusion = false;
  parallel([&](Stmt *i) {
    store(a, i, i);
    store(bf, i, b.unary(UnaryOp::neg, i));
  });
  lower();
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 2);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
  EXPECT_EQ(count(StmtKind::WhileStmt), 0);
}

TEST_F(LowerQuantTest, AtomicAddReturnsTheDecodedOldValue) {
  // for i in range(64): x[i] = ti.atomic_add(a[0], 1)
  parallel([&](Stmt *i) {
    Stmt *old = b.atomic(AtomicOp::add, b.global_ptr(a, {c(0)}), c(1));
    store(x, i, old);
  });
  lower();
  EXPECT_EQ(count(StmtKind::AtomicOpStmt), 0);
  EXPECT_EQ(count(StmtKind::AtomicCASStmt), 1);
  // x[i] stores a local holding the decoded value (i32, sign-extended), set inside the loop.
  Stmt *stored = nullptr;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *st = s->as<GlobalStoreStmt>()) stored = st->value();
  });
  ASSERT_TRUE(stored && stored->is<LocalLoadStmt>());
  EXPECT_EQ(stored->ret_type, types::i32());
  int stores_in_loop = 0;
  walk(k.body.get(), [&](Stmt *s) {
    auto *ls = s->as<LocalStoreStmt>();
    if (ls && ls->ops[0] == stored->ops[0]) {
      stores_in_loop += enclosing<WhileStmt>(s) != nullptr;
      EXPECT_EQ(ls->ops[1]->ret_type, types::i32());
    }
  });
  EXPECT_EQ(stores_in_loop, 1);
}

TEST_F(LowerQuantTest, SharedExponentStoreDecodesTheSiblingInsideTheLoop) {
  // for i in range(64): u[0] = i — v's current value takes part in the new exponent.
  parallel([&](Stmt *i) { store(uv[0], c(0), b.cast(i, types::f32())); });
  lower();
  ASSERT_EQ(count(StmtKind::WhileStmt), 1);
  WhileStmt *loop = nullptr;
  walk(k.body.get(), [&](Stmt *s) {
    if (s->is<WhileStmt>()) loop = s->as<WhileStmt>();
  });
  // decode_shared normalizes v's digits with count-leading-zeros, from the word loaded in the loop.
  int clz = 0;
  walk(loop->body.get(), [&](Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>(); u && u->op == UnaryOp::clz) clz++;
  });
  EXPECT_EQ(clz, 1);
  int clz_outside = 0;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>(); u && u->op == UnaryOp::clz && !enclosing<WhileStmt>(s))
      clz_outside++;
  });
  EXPECT_EQ(clz_outside, 0);
}

TEST_F(LowerQuantTest, SharedExponentStoreOfEveryMemberReadsNothing) {
  // for i in range(64): uv[i] = (i, 1) — one assignment: the exponent comes from the new
  // values only.
  parallel([&](Stmt *i) {
    b.begin_store_group();
    store(uv[0], i, b.cast(i, types::f32()));
    store(uv[1], i, b.const_float(types::f32(), 1.0));
    b.end_store_group();
  });
  lower();
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 0);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>()) {
      EXPECT_NE(u->op, UnaryOp::clz);
    }
  });
}

TEST_F(LowerQuantTest, SharedExponentStoresOfTwoAssignmentsRoundInTurn) {
  // u[i] = i; v[i] = 1 as two statements: the second re-rounds u against v's exponent, so each
  // store reads the word and the two are not fused (QUANT_SPEC: the sequential result).
  parallel([&](Stmt *i) {
    store(uv[0], i, b.cast(i, types::f32()));
    store(uv[1], i, b.const_float(types::f32(), 1.0));
  });
  lower();
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 2);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(LowerQuantTest, LoadOfASignedMemberSignExtends) {
  // x[i] = b[i]: (word >> 16) & 0xffff, then sign-extended from 16 bits.
  parallel([&](Stmt *i) { store(x, i, b.global_load(b.global_ptr(bf, {i}))); });
  IrLog log;
  lower(&log);
  expect_golden("lower_quant_load_signed", log.str());
  EXPECT_EQ(count(StmtKind::GlobalLoadStmt), 1);
}

// The atomic's result, run on the CPU: the decoded old value, not the container word.
TEST(LowerQuantRun, AtomicAddReturnsTheOldValueOfTheField) {
  qtaichi::CompileConfig cfg;
  cfg.offline_cache = false;
  cfg.num_threads = 1;
  qtaichi::Program prog(cfg);
  auto *qi16 = QuantType::get_int(16, true);
  auto ab = prog.open_tree()->root()->dense({0}, {1})->bit_struct(32)->place_bit_members(
      {{qi16, "a"}, {qi16, "b"}}, false);
  SNode *out = prog.open_tree()->root()->dense({0}, {2})->place(types::i32(), "out");
  auto owned = prog.create_kernel("k");
  Kernel *k = owned.get();
  Builder b(k);
  b.global_store(b.global_ptr(ab[0], {b.const_i32(0)}), b.const_i32(-5));
  b.global_store(b.global_ptr(ab[1], {b.const_i32(0)}), b.const_i32(7));
  Stmt *old = b.atomic(AtomicOp::add, b.global_ptr(ab[0], {b.const_i32(0)}), b.const_i32(3));
  b.global_store(b.global_ptr(out, {b.const_i32(0)}), old);
  b.global_store(b.global_ptr(out, {b.const_i32(1)}),
                 b.global_load(b.global_ptr(ab[0], {b.const_i32(0)})));
  prog.launch(prog.compile(*k), {});
  int32_t v[2];
  prog.read_element(out, {0}, &v[0]);
  prog.read_element(out, {1}, &v[1]);
  EXPECT_EQ(v[0], -5);  // not the word 0x0007fffb
  EXPECT_EQ(v[1], -2);
}

}  // namespace
