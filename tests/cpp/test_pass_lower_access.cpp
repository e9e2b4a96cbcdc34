// lower_access: a field element (field, indices) becomes (tree, byte offset) from the layout:
// offset = base + sum over dense levels of ((index / divisor) % size) * stride. The layout itself
// (SNode::element_offset) is checked numerically, and the lowered IR, folded with constant
// indices, must agree with it.
#include <gtest/gtest.h>

#include <set>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

// A kernel loading field[i, j, ...] with the indices given as arguments; lowered, golden-checked.
void lower_golden(SNode *f, const std::string &name, bool debug = false) {
  Kernel k("load_" + f->str());
  k.debug = debug;
  std::vector<Stmt *> idx;
  Builder b(&k);
  for (int a = 0; a < f->num_axes(); a++) {
    k.args.push_back({"i" + std::to_string(a), types::i32()});
    idx.push_back(b.arg(a));
  }
  b.print({b.global_load(b.global_ptr(f, idx))});
  passes::type_check(k);
  IrLog log;
  log.add("before", k);
  EXPECT_TRUE(passes::lower_access(k));
  log.add("after lower_access", k);
  EXPECT_TRUE(k.access_lowered);
  EXPECT_NO_THROW(verify(k, "lower_access"));
  expect_golden(name, log.str());
}

// The offset lower_access computes for constant indices, folded by simplify.
int64_t lowered_offset(SNode *f, const std::vector<int64_t> &index) {
  Kernel k("offset");
  Builder b(&k);
  std::vector<Stmt *> idx;
  for (int64_t i : index) idx.push_back(b.const_i32(static_cast<int32_t>(i)));
  b.print({b.global_load(b.global_ptr(f, idx))});
  passes::type_check(k);
  passes::lower_access(k);
  passes::simplify(k);
  int64_t offset = -1;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<GlobalAddrStmt>()) {
      EXPECT_EQ(a->tree_id, f->tree_id());
      if (auto *c = a->byte_offset()->as<ConstStmt>()) offset = c->ival;
    }
  });
  return offset;
}

// Every element of the fields has an aligned, distinct offset inside the tree, and the lowered
// IR computes the same offset as element_offset.
void check_layout(const SNodeTree &tree, const std::vector<SNode *> &fields) {
  std::set<int64_t> bytes;
  for (SNode *f : fields) {
    const auto &shape = f->shape();
    std::vector<int64_t> index(shape.size(), 0);
    for (int64_t n = 0; n < f->num_elements(); n++) {
      int64_t rest = n;
      for (int a = static_cast<int>(shape.size()) - 1; a >= 0; a--) {
        index[a] = rest % shape[a];
        rest /= shape[a];
      }
      int64_t off = f->element_offset(index);
      ASSERT_GE(off, 0);
      ASSERT_LE(off + f->dtype()->bytes(), tree.total_bytes());
      ASSERT_EQ(off % f->dtype()->bytes(), 0) << "aligned";
      for (int byte = 0; byte < f->dtype()->bytes(); byte++)
        ASSERT_TRUE(bytes.insert(off + byte).second) << f->str() << " element " << n << " overlaps";
      if (n % 7 == 0 || n == f->num_elements() - 1)
        ASSERT_EQ(lowered_offset(f, index), off) << f->str() << " element " << n;
    }
  }
}

TEST(LowerAccess, OneDimensionalField) {
  SNodeTree tree(3);
  SNode *x = tree.root()->dense({0}, {16})->place(types::f32(), "x");
  tree.materialize();
  EXPECT_EQ(tree.total_bytes(), 64);
  EXPECT_EQ(x->element_offset({5}), 20);
  check_layout(tree, {x});
  lower_golden(x, "lower_access_1d");
}

TEST(LowerAccess, TwoDimensionalField) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0, 1}, {4, 8})->place(types::f64(), "x");
  tree.materialize();
  EXPECT_EQ(x->shape(), (std::vector<int64_t>{4, 8}));
  EXPECT_EQ(x->element_offset({1, 0}), 64);  // row-major: i * 8 * 8 bytes
  EXPECT_EQ(x->element_offset({2, 3}), (2 * 8 + 3) * 8);
  check_layout(tree, {x});
  lower_golden(x, "lower_access_2d");
}

TEST(LowerAccess, TwoFieldsInOneDenseInterleave) {
  // Array of structures: x and y alternate, each element 8 bytes apart.
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {16});
  SNode *x = cell->place(types::f32(), "x");
  SNode *y = cell->place(types::i32(), "y");
  tree.materialize();
  EXPECT_EQ(tree.total_bytes(), 128);
  for (int64_t i = 0; i < 16; i++) {
    EXPECT_EQ(x->element_offset({i}), 8 * i);
    EXPECT_EQ(y->element_offset({i}), 8 * i + 4);
  }
  check_layout(tree, {x, y});
  lower_golden(y, "lower_access_aos");
}

TEST(LowerAccess, MixedWidthsAreAligned) {
  // An i8 and an f64 in one cell: the f64 is aligned to 8 bytes, the cell is 16 bytes.
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {5});
  SNode *flag = cell->place(types::i8(), "flag");
  SNode *v = cell->place(types::f64(), "v");
  SNode *after = tree.root()->dense({0}, {3})->place(types::i16(), "after");
  tree.materialize();
  EXPECT_EQ(v->element_offset({1}), 24);
  EXPECT_EQ(flag->element_offset({1}), 16);
  EXPECT_EQ(after->element_offset({0}), 80) << "the second dense starts after the first";
  check_layout(tree, {flag, v, after});
}

TEST(LowerAccess, NestedDenseOnTwoAxes) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {4})->dense({1}, {8})->place(types::i32(), "x");
  tree.materialize();
  EXPECT_EQ(x->shape(), (std::vector<int64_t>{4, 8}));
  ASSERT_EQ(x->terms().size(), 2u);
  EXPECT_FALSE(x->terms()[0].needs_mod);
  EXPECT_FALSE(x->terms()[1].needs_mod);
  EXPECT_EQ(x->element_offset({3, 5}), 3 * 32 + 5 * 4);
  check_layout(tree, {x});
  lower_golden(x, "lower_access_nested");
}

TEST(LowerAccess, BlockedDenseOnOneAxis) {
  // dense({0},{4})->dense({0},{8}): 32 elements in 4 blocks of 8: index i is block i / 8,
  // slot i % 8.
  SNodeTree tree(0);
  SNode *block = tree.root()->dense({0}, {4})->dense({0}, {8});
  SNode *x = block->place(types::f32(), "x");
  SNode *y = block->place(types::f32(), "y");
  tree.materialize();
  EXPECT_EQ(x->shape(), (std::vector<int64_t>{32}));
  ASSERT_EQ(x->terms().size(), 2u);
  const AxisTerm &outer = x->terms()[0], &inner = x->terms()[1];
  EXPECT_EQ(outer.divisor, 8);
  EXPECT_EQ(outer.size, 4);
  EXPECT_EQ(outer.stride_bytes, 64);  // a block holds 8 cells of (x, y)
  EXPECT_FALSE(outer.needs_mod);
  EXPECT_EQ(inner.divisor, 1);
  EXPECT_EQ(inner.size, 8);
  EXPECT_EQ(inner.stride_bytes, 8);
  EXPECT_TRUE(inner.needs_mod);
  EXPECT_EQ(x->element_offset({13}), 64 * 1 + 8 * 5);
  EXPECT_EQ(y->element_offset({13}), 64 * 1 + 8 * 5 + 4);
  check_layout(tree, {x, y});
  lower_golden(x, "lower_access_blocked");
}

TEST(LowerAccess, ScalarField) {
  SNodeTree tree(0);
  SNode *a = tree.root()->place(types::i32(), "a");
  SNode *s = tree.root()->place(types::f64(), "s");
  tree.materialize();
  EXPECT_EQ(a->num_axes(), 0);
  EXPECT_EQ(s->element_offset({}), 8);
  EXPECT_EQ(lowered_offset(s, {}), 8);
  check_layout(tree, {a, s});
}

TEST(LowerAccess, DebugModeChecksBounds) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0, 1}, {4, 8})->place(types::i32(), "x");
  tree.materialize();
  lower_golden(x, "lower_access_debug_bounds", /*debug=*/true);
  // One assert per axis, naming the bound, the axis and the field.
  Kernel k("checks");
  k.debug = true;
  k.args = {{"i", types::i32()}};
  Builder b(&k);
  Stmt *i = b.arg(0);
  b.global_store(b.global_ptr(x, {i, i}), i);
  passes::type_check(k);
  passes::lower_access(k);
  std::vector<std::string> messages;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<AssertStmt>()) {
      messages.push_back(a->message);
      EXPECT_EQ(a->ops.size(), 2u);
      EXPECT_EQ(a->ops[1], i) << "the index is reported";
    }
  });
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "index %d is out of range [0, 4) on axis 0 of field 'x'",
                          "index %d is out of range [0, 8) on axis 1 of field 'x'"}));
  // Not in release mode.
  Kernel r("release");
  Builder rb(&r);
  Stmt *zero = rb.const_i32(0);
  rb.global_load(rb.global_ptr(x, {zero, zero}));
  passes::lower_access(r);
  walk(r.body.get(), [&](Stmt *s) { EXPECT_FALSE(s->is<AssertStmt>()); });
}

}  // namespace
