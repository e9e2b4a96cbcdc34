// check_quant_overflow (k.check_quant_overflow, ti.init(check_quant_overflow=True)): before
// each store to a quant field, an assertion that the value fits without wrapping or saturating,
// naming the field, its type, the index and the value. Off by default (wrapping is defined);
// stores to plain fields are never checked.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "golden.h"
#include "ir_test_util.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "taichi_core/program.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

struct OverflowTest : ::testing::Test {
  const QuantType *qi16 = QuantType::get_int(16, true), *qu7 = QuantType::get_int(7, false);
  SNodeTree tree{0};
  std::vector<SNode *> ab = tree.root()->dense({0}, {64})->bit_struct(32)->place_bit_members(
      {{qi16, "a"}, {qu7, "u"}}, false);
  SNode *a = ab[0], *u = ab[1];
  SNode *y = tree.root()->dense({0, 1}, {8, 8})->bit_struct(16)->place_bit_members(
      {{QuantType::get_fixed(13, true, 0.1), "y"}}, false)[0];
  SNode *f = tree.root()->dense({0}, {8})->bit_struct(8)->place_bit_members(
      {{QuantType::get_float(3, 5, true), "f"}}, false)[0];
  SNode *x = tree.root()->dense({0}, {64})->place(types::i32(), "x");
  Kernel k{"k"};
  Builder b{&k};

  void parallel(const std::function<void(Stmt *)> &body) {
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(64));
    b.push_block(loop->body.get());
    body(b.loop_index(loop));
    b.pop_block();
  }
  Stmt *store(SNode *fld, std::vector<Stmt *> idx, Stmt *v) {
    return b.global_store(b.global_ptr(fld, idx), v);
  }
  bool check(IrLog *log = nullptr) {
    qtaichi::testing::run_passes_before(k, "check_quant_overflow");
    if (log) log->add("before", k);
    bool changed = passes::check_quant_overflow(k);
    if (log) log->add("after check_quant_overflow", k);
    EXPECT_NO_THROW(verify(k, "check_quant_overflow"));
    return changed;
  }
  std::vector<AssertStmt *> asserts() {
    std::vector<AssertStmt *> out;
    walk(k.body.get(), [&](Stmt *s) {
      if (auto *as = s->as<AssertStmt>()) out.push_back(as);
    });
    return out;
  }
};

TEST_F(OverflowTest, OffByDefault) {
  EXPECT_FALSE(k.check_quant_overflow);
  parallel([&](Stmt *i) { store(a, {i}, i); });
  EXPECT_FALSE(check());
  EXPECT_TRUE(asserts().empty());
}

TEST_F(OverflowTest, OneAssertionPerQuantStoreNamingFieldTypeIndexAndValue) {
  // for i in range(64): a[i] = i * 1000; u[i] = i - 3
  k.check_quant_overflow = true;
  parallel([&](Stmt *i) {
    store(a, {i}, b.binary(BinaryOp::mul, i, b.const_i32(1000)));
    store(u, {i}, b.binary(BinaryOp::sub, i, b.const_i32(3)));
  });
  IrLog log;
  EXPECT_TRUE(check(&log));
  expect_golden("check_quant_overflow", log.str());
  auto as = asserts();
  ASSERT_EQ(as.size(), 2u);
  EXPECT_EQ(as[0]->message, "quant overflow: %d does not fit field 'a' (qi16) at index [%d]");
  EXPECT_EQ(as[1]->message, "quant overflow: %d does not fit field 'u' (qu7) at index [%d]");
  for (AssertStmt *s : as) {
    EXPECT_FALSE(s->index_check);
    ASSERT_EQ(s->ops.size(), 3u);  // condition, value (i64), index
    EXPECT_EQ(s->ops[1]->ret_type, types::i64());
    EXPECT_TRUE(s->ops[2]->is<LoopIndexStmt>());
    // Inserted right before its store.
    Stmt *next = s->parent->stmts[s->parent->index_of(s) + 1].get();
    EXPECT_TRUE(next->is<GlobalStoreStmt>());
  }
}

TEST_F(OverflowTest, FloatValuesAndSeveralIndices) {
  // y[i / 8, i % 8] = 0.5 * i   (fixed: value shown with %f, two indices)
  // f[0] = 100.0                (float: saturation is reported too)
  k.check_quant_overflow = true;
  parallel([&](Stmt *i) {
    Stmt *v = b.binary(BinaryOp::mul, b.cast(i, types::f32()), b.const_float(types::f32(), 0.5));
    store(y, {b.binary(BinaryOp::div, i, b.const_i32(8)), b.binary(BinaryOp::mod, i, b.const_i32(8))},
          v);
  });
  store(f, {b.const_i32(0)}, b.const_float(types::f32(), 100.0));
  EXPECT_TRUE(check());
  auto as = asserts();
  ASSERT_EQ(as.size(), 2u);
  EXPECT_EQ(as[0]->message,
            "quant overflow: %f does not fit field 'y' (" + y->quant_type()->str() + ") at index [%d, %d]");
  EXPECT_EQ(as[0]->ops.size(), 4u);
  EXPECT_EQ(as[0]->ops[1]->ret_type, types::f32());
  EXPECT_EQ(as[1]->message.substr(0, 44), "quant overflow: %f does not fit field 'f' (q");
}

TEST_F(OverflowTest, PlainFieldsAndAtomicsAreNotChecked) {
  k.check_quant_overflow = true;
  parallel([&](Stmt *i) {
    store(x, {i}, b.binary(BinaryOp::mul, i, b.const_i32(100000)));
    b.atomic(AtomicOp::add, b.global_ptr(a, {i}), b.const_i32(40000));
  });
  EXPECT_FALSE(check());
  EXPECT_TRUE(asserts().empty());
}

// Run on the CPU: the boundaries of the check are the boundaries of the field.
struct OverflowRun : ::testing::Test {
  qtaichi::CompileConfig cfg = [] {
    qtaichi::CompileConfig c;
    c.offline_cache = false;
    c.num_threads = 1;
    return c;
  }();
  qtaichi::Program prog{cfg};
  SNode *a = prog.open_tree()->root()->dense({0}, {4})->bit_struct(16)->place_bit_members(
      {{QuantType::get_int(16, true), "a"}}, false)[0];

  // A kernel storing its argument (of type t) into a[2]; true when the store was reported.
  bool reported(const Type *t, uint64_t slot) {
    auto owned = prog.create_kernel("store");
  Kernel *k = owned.get();
    k->check_quant_overflow = true;
    k->args.push_back({"v", t});
    Builder b(k);
    b.global_store(b.global_ptr(a, {b.const_i32(2)}), b.arg(0));
    auto *ck = prog.compile(*k);
    try {
      prog.launch(ck, {slot});
    } catch (const qtaichi::KernelRuntimeError &e) {
      last_message = e.what();
      return true;
    }
    return false;
  }
  static uint64_t f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return bits;
  }
  static uint64_t i32(int32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(v)); }
  std::string last_message;
};

TEST_F(OverflowRun, IntValuesAtTheBoundaries) {
  EXPECT_FALSE(reported(types::i32(), i32(32767)));
  EXPECT_FALSE(reported(types::i32(), i32(-32768)));
  EXPECT_TRUE(reported(types::i32(), i32(32768)));
  EXPECT_EQ(last_message, "quant overflow: 32768 does not fit field 'a' (qi16) at index [2]");
  EXPECT_TRUE(reported(types::i32(), i32(-32769)));
}

TEST_F(OverflowRun, FloatValuesAreTruncatedBeforeTheCheck) {
  // A float stored into an int field is truncated toward zero first: 32767.5 stores 32767.
  EXPECT_FALSE(reported(types::f32(), f32(32767.5f)));
  EXPECT_FALSE(reported(types::f32(), f32(-32768.5f)));
  EXPECT_TRUE(reported(types::f32(), f32(32768.0f)));
  EXPECT_EQ(last_message.substr(0, 21), "quant overflow: 32768");
  EXPECT_NE(last_message.find("does not fit field 'a' (qi16) at index [2]"), std::string::npos);
  EXPECT_TRUE(reported(types::f32(), f32(-32769.0f)));
}

}  // namespace
