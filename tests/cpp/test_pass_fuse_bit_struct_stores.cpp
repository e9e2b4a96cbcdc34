// fuse_bit_struct_stores: stores to members of the same bit-struct word in one block become one
// bit_struct_store at the last of them (QUANT_SPEC.md, "Stores, fusion and thread safety"),
// unless the word is read in between: then each read must see the value stored just before it.
// Runs in pipeline order: type_check -> simplify -> offload -> infer_thread_safety ->
// lower_access -> fuse_bit_struct_stores.
#include <gtest/gtest.h>

#include <functional>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "ir_test_util.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

struct FuseTest : ::testing::Test, qtaichi::testing::KernelUnderTest {
  const QuantType *qi16 = QuantType::get_int(16, true), *qu8 = QuantType::get_int(8, false);
  SNodeTree tree{0};
  // One 32-bit word per cell: a (qi16, bits 0-15), b (qi16, bits 16-31).
  std::vector<SNode *> ab = tree.root()->dense({0}, {64})->bit_struct(32)->place_bit_members(
      {{qi16, "a"}, {qi16, "b"}}, false);
  SNode *a = ab[0], *bf = ab[1];
  // Another word: c, d, e (qu8 each; bits 24-31 unused).
  std::vector<SNode *> cde = tree.root()->dense({0}, {64})->bit_struct(32)->place_bit_members(
      {{qu8, "c"}, {qu8, "d"}, {qu8, "e"}}, false);
  void SetUp() override { tree.materialize(); }

  // The passes before fusion; with a log, records the IR before and after fusing.
  bool fuse(IrLog *log = nullptr) {
    qtaichi::testing::run_passes_before(k, "fuse_bit_struct_stores");
    if (log) log->add("before", k);
    bool changed = passes::fuse_bit_struct_stores(k);
    if (log) log->add("after fuse_bit_struct_stores", k);
    EXPECT_NO_THROW(verify(k, "fuse_bit_struct_stores"));
    return changed;
  }
  std::vector<BitStructStoreStmt *> fused() {
    std::vector<BitStructStoreStmt *> out;
    walk(k.body.get(), [&](Stmt *s) {
      if (auto *f = s->as<BitStructStoreStmt>()) out.push_back(f);
    });
    return out;
  }
  int count(StmtKind kind) {
    int n = 0;
    walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind; });
    return n;
  }
};

TEST_F(FuseTest, TwoMemberStoresBecomeOne) {
  // for i in range(64): a[i] = i; b[i] = -i
  Stmt *va = nullptr, *vb = nullptr;
  parallel([&](Stmt *i) {
    va = i;
    store(a, i, i);
    vb = b.unary(UnaryOp::neg, i);
    store(bf, i, vb);
  });
  IrLog log;
  EXPECT_TRUE(fuse(&log));
  expect_golden("fuse_two_members", log.str());
  auto f = fused();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->members, (std::vector<SNode *>{a, bf}));
  ASSERT_EQ(f[0]->ops.size(), 3u);  // byte offset, a's value, b's value
  EXPECT_EQ(f[0]->ops[1], va);
  EXPECT_EQ(f[0]->ops[2], vb);
  EXPECT_TRUE(f[0]->thread_safe);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 0);
  EXPECT_FALSE(passes::fuse_bit_struct_stores(k)) << "fusing twice changes nothing";
}

TEST_F(FuseTest, ThreeMembersOfAWordAndAnotherWordFuseSeparately) {
  // for i in range(64): c[i] = 1; a[i] = 2; d[i] = 3; b[i] = 4; e[i] = 5
  parallel([&](Stmt *i) {
    store(cde[0], i, c(1));
    store(a, i, c(2));
    store(cde[1], i, c(3));
    store(bf, i, c(4));
    store(cde[2], i, c(5));
  });
  EXPECT_TRUE(fuse());
  auto f = fused();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]->members, (std::vector<SNode *>{a, bf}));
  EXPECT_EQ(f[1]->members, (std::vector<SNode *>{cde[0], cde[1], cde[2]}));
}

TEST_F(FuseTest, AReadBetweenTheStoresPreventsFusion) {
  // for i in range(64): a[i] = 1; t = a[i]; b[i] = t + 1
  // The read must see a == 1, so a's store happens before it.
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(bf, i, b.binary(BinaryOp::add, load(a, i), c(1)));
  });
  IrLog log;
  EXPECT_FALSE(fuse(&log));
  expect_golden("fuse_read_between", log.str());
  EXPECT_TRUE(fused().empty());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(FuseTest, AReadOfAnotherWordDoesNotPreventFusion) {
  // for i in range(64): a[i] = c[i]; b[i] = d[i]
  parallel([&](Stmt *i) {
    store(a, i, load(cde[0], i));
    store(bf, i, load(cde[1], i));
  });
  EXPECT_TRUE(fuse());
  ASSERT_EQ(fused().size(), 1u);
  EXPECT_EQ(fused()[0]->members, (std::vector<SNode *>{a, bf}));
}

TEST_F(FuseTest, AnAtomicBetweenTheStoresPreventsFusion) {
  // for i in range(64): a[i] = 1; b[i] += 1; b[i] = 2
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    b.atomic(AtomicOp::add, b.global_ptr(bf, {i}), c(1));
    store(bf, i, c(2));
  });
  EXPECT_FALSE(fuse());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(FuseTest, StoresInDifferentBlocksAreNotFused) {
  // for i in range(64): a[i] = 1; if i > 3: b[i] = 2
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    auto *cond = b.if_(b.binary(BinaryOp::cmp_gt, i, c(3)));
    b.push_block(cond->true_block.get());
    store(bf, i, c(2));
    b.pop_block();
  });
  EXPECT_FALSE(fuse());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(FuseTest, StoresInsideOneNestedBlockAreFused) {
  // for i in range(64): if i > 3: a[i] = 1; b[i] = 2
  parallel([&](Stmt *i) {
    auto *cond = b.if_(b.binary(BinaryOp::cmp_gt, i, c(3)));
    b.push_block(cond->true_block.get());
    store(a, i, c(1));
    store(bf, i, c(2));
    b.pop_block();
  });
  EXPECT_TRUE(fuse());
  auto f = fused();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0]->parent->owner->is<IfStmt>());
}

TEST_F(FuseTest, DifferentWordsAreNotFused) {
  // for i in range(63): a[i] = 1; b[i + 1] = 2
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(bf, b.binary(BinaryOp::add, i, c(1)), c(2));
  });
  EXPECT_FALSE(fuse());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(FuseTest, AStoreToTheSameMemberOfAnotherWordEndsTheRun) {
  // for i in range(64): a[i] = 1; a[j] = 5; b[i] = 2   (j: an argument, maybe equal to i)
  // Fusing a[i] into b[i]'s store would move it past a[j] = 5: when j == i, a would end as 1.
  k.args.push_back({"j", types::i32()});
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(a, b.arg(0), c(5));
    store(bf, i, c(2));
  });
  EXPECT_FALSE(fuse());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 3);
}

TEST_F(FuseTest, AStoreToAnotherMemberOfAnotherWordDoesNotEndTheRun) {
  // for i in range(64): a[i] = 1; b[j] = 5; b[i] = 2 — whatever j is, a ends as 1 and b as 2.
  k.args.push_back({"j", types::i32()});
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(bf, b.arg(0), c(5));
    store(bf, i, c(2));
  });
  EXPECT_TRUE(fuse());
  ASSERT_EQ(fused().size(), 1u);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 1);
}

TEST_F(FuseTest, RepeatedStoreToAMemberKeepsTheLastValue) {
  // for i in range(64): a[i] = 1; b[i] = 2; a[i] = 3
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(bf, i, c(2));
    store(a, i, c(3));
  });
  EXPECT_TRUE(fuse());
  auto f = fused();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->members, (std::vector<SNode *>{a, bf}));
  ASSERT_EQ(f[0]->ops.size(), 3u);
  auto *va = f[0]->ops[1]->as<ConstStmt>(), *vb = f[0]->ops[2]->as<ConstStmt>();
  ASSERT_TRUE(va && vb);
  EXPECT_EQ(va->ival, 3);
  EXPECT_EQ(vb->ival, 2);
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 0);
}

TEST_F(FuseTest, FusionOffLeavesTheStores) {
  k.quant_store_fusion = false;
  parallel([&](Stmt *i) {
    store(a, i, c(1));
    store(bf, i, c(2));
  });
  EXPECT_FALSE(fuse());
  EXPECT_TRUE(fused().empty());
  EXPECT_EQ(count(StmtKind::GlobalStoreStmt), 2);
}

TEST_F(FuseTest, ThreadSafeIsTheAndOfTheParts) {
  for (bool first : {true, false})
    for (bool second : {true, false}) {
      Kernel kk("k");
      Builder bb(&kk);
      auto *loop = bb.range_for(bb.const_i32(0), bb.const_i32(64));
      bb.push_block(loop->body.get());
      Stmt *i = bb.loop_index(loop);
      bb.global_store(bb.global_ptr(a, {i}), bb.const_i32(1));
      bb.global_store(bb.global_ptr(bf, {i}), bb.const_i32(2));
      bb.pop_block();
      passes::type_check(kk);
      passes::offload(kk);
      passes::lower_access(kk);
      std::vector<GlobalStoreStmt *> stores;
      walk(kk.body.get(), [&](Stmt *s) {
        if (auto *st = s->as<GlobalStoreStmt>()) stores.push_back(st);
      });
      ASSERT_EQ(stores.size(), 2u);
      stores[0]->thread_safe = first;
      stores[1]->thread_safe = second;
      ASSERT_TRUE(passes::fuse_bit_struct_stores(kk));
      BitStructStoreStmt *f = nullptr;
      walk(kk.body.get(), [&](Stmt *s) {
        if (s->is<BitStructStoreStmt>()) f = s->as<BitStructStoreStmt>();
      });
      ASSERT_TRUE(f);
      EXPECT_EQ(f->thread_safe, first && second) << first << " " << second;
    }
}

TEST_F(FuseTest, NonThreadSafeStoresFuseToANonThreadSafeStore) {
  // for i in range(64): a[0] = i; b[0] = i  (every thread writes word 0)
  parallel([&](Stmt *i) {
    store(a, c(0), i);
    store(bf, c(0), i);
  });
  EXPECT_TRUE(fuse());
  ASSERT_EQ(fused().size(), 1u);
  EXPECT_FALSE(fused()[0]->thread_safe);
}

}  // namespace
