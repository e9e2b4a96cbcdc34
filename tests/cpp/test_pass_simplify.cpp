// simplify: constant folding exactly as the generated code computes (wrap-around integers,
// Python's floor division and modulo), algebraic identities, CSE over enclosing scopes (never
// across tasks), constant-condition ifs and dead-code elimination.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

void check_golden(Kernel &k, const std::string &name) {
  qtaichi::testing::expect_pass_golden(k, passes::simplify, "simplify", name);
}

// The operands of every print statement, in order.
std::vector<Stmt *> printed(const Kernel &k) {
  std::vector<Stmt *> out;
  walk(k.body.get(), [&](Stmt *s) {
    if (s->is<PrintStmt>()) out.insert(out.end(), s->ops.begin(), s->ops.end());
  });
  return out;
}

int count(const Kernel &k, StmtKind kind) {
  int n = 0;
  walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

struct Fold {
  Kernel k{"fold"};
  Builder b{&k};
  // print(op(x, y)) on constants of type t; type_check is not needed (operands agree).
  void bin(BinaryOp op, const Type *t, double x, double y) {
    Stmt *lhs = t->is_float() ? b.const_float(t, x) : b.const_int(t, static_cast<int64_t>(x));
    Stmt *rhs = t->is_float() ? b.const_float(t, y) : b.const_int(t, static_cast<int64_t>(y));
    b.print({b.binary(op, lhs, rhs)});
  }
  std::vector<int64_t> ints() {
    std::vector<int64_t> v;
    for (Stmt *s : printed(k)) {
      auto *c = s->as<ConstStmt>();
      v.push_back(c ? c->ival : INT64_MIN);
    }
    return v;
  }
};

TEST(Simplify, FoldsIntegersWithWrapAround) {
  Fold f;
  f.bin(BinaryOp::add, types::i8(), 127, 1);
  f.bin(BinaryOp::mul, types::i8(), 100, 3);
  f.bin(BinaryOp::sub, types::u32(), 0, 1);
  f.bin(BinaryOp::mul, types::u32(), 65536, 65536);
  f.bin(BinaryOp::add, types::u8(), 200, 100);
  f.bin(BinaryOp::add, types::i32(), 2147483647, 1);
  f.bin(BinaryOp::pow, types::i8(), 2, 7);
  f.bin(BinaryOp::shl, types::i8(), 1, 7);
  f.bin(BinaryOp::sar, types::i8(), -128, 1);
  f.bin(BinaryOp::shr, types::i8(), -128, 1);
  f.bin(BinaryOp::cmp_gt, types::u32(), 4294967295.0, 1);
  f.bin(BinaryOp::cmp_gt, types::i32(), -1, 1);
  f.bin(BinaryOp::max, types::u8(), 255, 1);
  check_golden(f.k, "simplify_fold_wrap_around");
  EXPECT_EQ(f.ints(), (std::vector<int64_t>{-128, 44, 4294967295LL, 0, 44, -2147483648LL, -128,
                                            -128, -64, 64, 1, 0, 255}));
}

TEST(Simplify, FoldsFloorDivisionAndModuloLikePython) {
  Fold f;
  for (auto [x, y] : {std::pair{-7, 2}, {7, -2}, {-7, -2}, {7, 2}}) {
    f.bin(BinaryOp::floordiv, types::i32(), x, y);
    f.bin(BinaryOp::mod, types::i32(), x, y);
  }
  f.bin(BinaryOp::div, types::i32(), -7, 2);  // C division truncates
  f.bin(BinaryOp::floordiv, types::u32(), 7, 2);
  f.bin(BinaryOp::mod, types::i8(), -128, 3);
  check_golden(f.k, "simplify_fold_floordiv_mod");
  EXPECT_EQ(f.ints(), (std::vector<int64_t>{-4, 1, -4, -1, 3, -1, 3, 1, -3, 3, 1}));
}

TEST(Simplify, FoldsFloatsInTheirPrecision) {
  Fold f;
  f.bin(BinaryOp::floordiv, types::f32(), -7, 2);
  f.bin(BinaryOp::mod, types::f32(), -7, 2);
  f.bin(BinaryOp::add, types::f32(), 0.1, 0.2);
  f.bin(BinaryOp::add, types::f64(), 0.1, 0.2);
  f.bin(BinaryOp::div, types::f32(), 1, 0);  // IEEE: inf
  passes::simplify(f.k);
  auto v = printed(f.k);
  ASSERT_EQ(v.size(), 5u);
  for (Stmt *s : v) ASSERT_TRUE(s->is<ConstStmt>());
  EXPECT_EQ(v[0]->as<ConstStmt>()->fval, -4.0);
  EXPECT_EQ(v[1]->as<ConstStmt>()->fval, 1.0);
  EXPECT_EQ(v[2]->as<ConstStmt>()->fval, static_cast<double>(0.1f + 0.2f));
  EXPECT_EQ(v[3]->as<ConstStmt>()->fval, 0.1 + 0.2);
  EXPECT_EQ(v[4]->as<ConstStmt>()->fval, INFINITY);
}

TEST(Simplify, FoldsUnaryOpsAndCasts) {
  Kernel k("unary");
  Builder b(&k);
  b.print({b.cast(b.const_float(types::f32(), 3.7), types::i32())});
  b.print({b.cast(b.const_float(types::f32(), -3.7), types::i32())});
  b.print({b.cast(b.const_i32(300), types::u8())});
  b.print({b.cast(b.const_i32(-1), types::u32())});
  b.print({b.bit_cast(b.const_float(types::f32(), 1.0), types::i32())});
  b.print({b.unary(UnaryOp::neg, b.const_int(types::i8(), -128))});
  b.print({b.unary(UnaryOp::bit_not, b.const_int(types::u8(), 1))});
  b.print({b.cast(b.const_float(types::f64(), 1e10), types::i32())});  // saturates
  passes::type_check(k);
  passes::simplify(k);
  auto v = printed(k);
  ASSERT_EQ(v.size(), 8u);
  std::vector<int64_t> want{3, -3, 44, 4294967295LL, 1065353216, -128, 254, 2147483647};
  for (size_t i = 0; i < want.size(); i++) {
    ASSERT_TRUE(v[i]->is<ConstStmt>()) << i;
    EXPECT_EQ(v[i]->as<ConstStmt>()->ival, want[i]) << i;
  }
}

TEST(Simplify, FloatMathOnIntegerConstantsBeforeTypeCheck) {
  // sqrt(4) on an i32 constant yields f32; folding must not read the integer as 0.0.
  Kernel k("sqrt");
  Builder b(&k);
  b.print({b.unary(UnaryOp::sqrt, b.const_i32(4))});
  passes::simplify(k);
  Stmt *v = printed(k)[0];
  if (auto *c = v->as<ConstStmt>()) {
    EXPECT_EQ(c->fval, 2.0);
  }
  passes::type_check(k);
  passes::simplify(k);
  v = printed(k)[0];
  ASSERT_TRUE(v->is<ConstStmt>());
  EXPECT_EQ(v->as<ConstStmt>()->fval, 2.0);
}

TEST(Simplify, DoesNotFoldDivisionByZero) {
  Fold f;
  f.bin(BinaryOp::div, types::i32(), 1, 0);
  f.bin(BinaryOp::floordiv, types::i32(), 1, 0);
  f.bin(BinaryOp::mod, types::i32(), 1, 0);
  f.bin(BinaryOp::mod, types::u8(), 1, 0);
  f.bin(BinaryOp::shl, types::i32(), 1, 32);  // out-of-range shift: undefined, kept
  check_golden(f.k, "simplify_no_fold_division_by_zero");
  for (Stmt *s : printed(f.k)) EXPECT_TRUE(s->is<BinaryOpStmt>());
}

TEST(Simplify, AlgebraicIdentities) {
  Kernel k("identities");
  k.args = {{"x", types::i32()}, {"f", types::f32()}};
  Builder b(&k);
  Stmt *x = b.arg(0), *f = b.arg(1);
  Stmt *zero = b.const_i32(0), *one = b.const_i32(1);
  Stmt *fzero = b.const_float(types::f32(), 0), *fone = b.const_float(types::f32(), 1);
  for (auto [op, l, r] : {std::tuple{BinaryOp::add, x, zero}, {BinaryOp::add, zero, x},
                          {BinaryOp::sub, x, zero}, {BinaryOp::mul, x, one},
                          {BinaryOp::mul, one, x}, {BinaryOp::div, x, one}})
    b.print({b.binary(op, l, r)});
  b.print({b.binary(BinaryOp::mul, x, zero)});    // -> 0
  b.print({b.binary(BinaryOp::mul, f, fone)});    // -> f
  b.print({b.binary(BinaryOp::add, f, fzero)});   // kept: -0.0 + 0.0 is +0.0
  b.print({b.binary(BinaryOp::mul, f, fzero)});   // kept: inf * 0 is nan
  b.print({b.binary(BinaryOp::sub, zero, x)});    // kept: that is -x
  check_golden(k, "simplify_identities");
  auto v = printed(k);
  ASSERT_EQ(v.size(), 11u);
  for (int i = 0; i < 6; i++) EXPECT_EQ(v[i], x) << i;
  ASSERT_TRUE(v[6]->is<ConstStmt>());
  EXPECT_EQ(v[6]->as<ConstStmt>()->ival, 0);
  EXPECT_EQ(v[7], f);
  for (int i = 8; i < 11; i++) EXPECT_TRUE(v[i]->is<BinaryOpStmt>()) << i;
}

TEST(Simplify, ZeroAndNegativeZeroAreDifferentConstants) {
  Kernel k("zeros");
  Builder b(&k);
  b.print({b.const_float(types::f32(), 0.0), b.const_float(types::f32(), -0.0)});
  passes::simplify(k);
  auto v = printed(k);
  ASSERT_NE(v[0], v[1]) << "CSE must not merge 0.0 and -0.0";
  EXPECT_TRUE(std::signbit(v[1]->as<ConstStmt>()->fval));
}

TEST(Simplify, CseAcrossNestedBlocks) {
  Kernel k("cse");
  k.args = {{"a", types::i32()}, {"b", types::i32()}};
  Builder b(&k);
  Stmt *a = b.arg(0), *bb = b.arg(1);
  Stmt *sum = b.binary(BinaryOp::add, a, bb);
  auto *branch = b.if_(b.binary(BinaryOp::cmp_lt, a, bb));
  b.push_block(branch->true_block.get());
  Stmt *a2 = b.arg(0);
  Stmt *sum2 = b.binary(BinaryOp::add, a2, b.arg(1));  // same as sum: replaced
  Stmt *prod1 = b.binary(BinaryOp::mul, a, bb);
  auto *w = b.while_();
  b.push_block(w->body.get());
  Stmt *prod1b = b.binary(BinaryOp::mul, a, bb);  // same as prod1 (enclosing): replaced
  b.print({sum2, prod1b});
  b.break_();
  b.pop_block();
  b.pop_block();
  b.push_block(branch->false_block.get());
  Stmt *prod2 = b.binary(BinaryOp::mul, a, bb);  // sibling of prod1: kept
  b.print({prod2});
  b.pop_block();
  Stmt *prod3 = b.binary(BinaryOp::mul, a, bb);  // after the if: kept (first at this level)
  b.print({sum, prod3});
  (void)sum2;
  (void)prod1b;
  check_golden(k, "simplify_cse_nested");
  EXPECT_EQ(count(k, StmtKind::ArgLoadStmt), 2);
  EXPECT_EQ(count(k, StmtKind::BinaryOpStmt), 5);  // cmp, sum, prod1, prod2, prod3
  // The print inside the while uses the enclosing definitions.
  std::vector<Stmt *> ops = printed(k);
  ASSERT_GE(ops.size(), 2u);
  EXPECT_EQ(ops[0], sum);
  EXPECT_EQ(ops[1], prod1);
}

TEST(Simplify, NoCseAcrossTasks) {
  // m = n * 2 at top level; two loops use n and m: each task keeps its own copies.
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {64})->place(types::i32(), "x");
  Kernel k("tasks");
  k.args = {{"n", types::i32()}};
  Builder b(&k);
  Stmt *n = b.arg(0);
  Stmt *m = b.binary(BinaryOp::mul, n, b.const_i32(2));
  for (int loop_no = 0; loop_no < 2; loop_no++) {
    Stmt *zero = b.const_i32(0);
    auto *loop = b.range_for(zero, b.arg(0));
    b.push_block(loop->body.get());
    Stmt *i = b.loop_index(loop);
    Stmt *v = b.binary(BinaryOp::add, b.arg(0), m);
    b.atomic(AtomicOp::add, b.global_ptr(x, {i}), v);
    b.pop_block();
  }
  passes::type_check(k);
  passes::offload(k);
  check_golden(k, "simplify_no_cse_across_tasks");
  // serial (m, bound), range, serial (bound of the second loop), range
  ASSERT_EQ(k.body->stmts.size(), 4u);
  for (size_t t : {1, 3}) {
    auto *task = k.body->stmts[t]->as<OffloadedTaskStmt>();
    ASSERT_EQ(task->task_kind, TaskKind::range_for);
    int args = 0, temps = 0;
    walk(task->body.get(), [&](Stmt *s) {
      args += s->is<ArgLoadStmt>();
      temps += s->is<GlobalTempStmt>();
    });
    EXPECT_EQ(args, 1) << "task " << t;
    EXPECT_EQ(temps, 1) << "task " << t;
  }
}

TEST(Simplify, ConstantConditionIf) {
  Kernel k("const_if");
  Builder b(&k);
  auto *yes = b.if_(b.const_i32(3));
  b.push_block(yes->true_block.get());
  b.print({std::string("taken")});
  b.pop_block();
  b.push_block(yes->false_block.get());
  b.print({std::string("not taken")});
  b.pop_block();
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(4));
  b.push_block(loop->body.get());
  Stmt *one = b.const_i32(1);
  auto *no = b.if_(b.binary(BinaryOp::cmp_gt, one, b.const_i32(2)));
  b.push_block(no->true_block.get());
  b.break_();
  b.pop_block();
  b.push_block(no->false_block.get());
  b.print({b.loop_index(loop)});
  b.pop_block();
  b.pop_block();
  check_golden(k, "simplify_constant_if");
  EXPECT_EQ(count(k, StmtKind::IfStmt), 0);
  EXPECT_EQ(count(k, StmtKind::BreakStmt), 0);
  EXPECT_EQ(count(k, StmtKind::PrintStmt), 2);
}

TEST(Simplify, RemovesDeadCode) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {8})->place(types::f32(), "x");
  Kernel k("dce");
  Builder b(&k);
  Stmt *zero = b.const_i32(0);
  Stmt *p = b.global_ptr(x, {zero});
  b.global_load(p);                                     // unused load: removed
  Stmt *unread = b.local_var(types::f32());                // written, never read: removed
  b.local_store(unread, b.global_load(p));
  b.local_store(unread, b.const_float(types::f32(), 2));
  Stmt *kept = b.local_var(types::f32());                  // read: kept
  b.local_store(kept, b.const_float(types::f32(), 3));
  b.local_load(kept);                                   // unused local load: removed
  b.global_store(p, b.local_load(kept));
  b.atomic(AtomicOp::add, p, b.const_float(types::f32(), 1));  // result unused, kept
  b.binary(BinaryOp::mul, b.binary(BinaryOp::add, zero, zero), zero);  // unused chain
  check_golden(k, "simplify_dce");
  EXPECT_EQ(count(k, StmtKind::AllocaStmt), 1);
  EXPECT_EQ(count(k, StmtKind::LocalStoreStmt), 1);
  EXPECT_EQ(count(k, StmtKind::LocalLoadStmt), 1);
  EXPECT_EQ(count(k, StmtKind::GlobalLoadStmt), 0);
  EXPECT_EQ(count(k, StmtKind::AtomicOpStmt), 1);
  EXPECT_EQ(count(k, StmtKind::BinaryOpStmt), 0);
}

TEST(Simplify, DropsEmptySerialTasks) {
  Kernel k("empty");
  k.args = {{"n", types::i32()}};
  Builder b(&k);
  b.binary(BinaryOp::add, b.arg(0), b.const_i32(1));  // dead: the serial task empties
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(4));
  b.push_block(loop->body.get());
  b.print({b.loop_index(loop)});
  b.pop_block();
  passes::offload(k);
  ASSERT_EQ(k.body->stmts.size(), 2u);
  EXPECT_TRUE(passes::simplify(k));
  ASSERT_EQ(k.body->stmts.size(), 1u);
  EXPECT_EQ(k.body->stmts[0]->as<OffloadedTaskStmt>()->task_kind, TaskKind::range_for);
}

}  // namespace
