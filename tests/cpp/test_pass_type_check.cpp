// type_check: operand types agree after it (casts inserted before the user), `/` becomes a float
// division, stored values take the destination's type, range bounds and field indices are i32
// and a returned value has the kernel's return type.
#include <gtest/gtest.h>

#include "golden.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "ir_test_util.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;
using qtaichi::testing::IrLog;

namespace {

// Runs type_check and locks the IR before and after it in golden/<name>.txt.
void check_golden(Kernel &k, const std::string &name) {
  EXPECT_TRUE(qtaichi::testing::expect_pass_golden(k, passes::type_check, "type_check", name));
  EXPECT_TRUE(k.type_checked);
}

int count_casts(const Kernel &k) {
  int n = 0;
  walk(k.body.get(), [&](Stmt *s) {
    if (auto *u = s->as<UnaryOpStmt>(); u && u->op == UnaryOp::cast_value) n++;
  });
  return n;
}

TEST(TypeCheck, CastsMixedOperands) {
  Kernel k("mixed");
  k.args = {{"i", types::i32()}, {"f", types::f32()}, {"c", types::i8()}, {"u", types::u32()}};
  Builder b(&k);
  Stmt *i = b.arg(0), *f = b.arg(1), *c = b.arg(2), *u = b.arg(3);
  Stmt *if_ = b.binary(BinaryOp::add, i, f);     // i32 + f32 -> f32: cast i
  Stmt *ci = b.binary(BinaryOp::mul, c, i);      // i8 * i32 -> i32: cast c
  Stmt *ui = b.binary(BinaryOp::sub, u, i);      // u32 - i32 -> u32: cast i
  Stmt *lt = b.binary(BinaryOp::cmp_lt, c, f);   // compare in f32, yield i32
  Stmt *sh = b.binary(BinaryOp::shl, c, i);      // the shift amount takes the lhs type
  Stmt *land = b.binary(BinaryOp::logic_and, f, c);  // each operand on its own: no cast
  Stmt *sq = b.unary(UnaryOp::sqrt, i);          // sqrt of an int is in default_fp
  Stmt *sel = b.select(lt, c, f);                // both branches to f32
  check_golden(k, "type_check_mixed_operands");
  EXPECT_EQ(if_->ret_type, types::f32());
  EXPECT_EQ(if_->ops[0]->ret_type, types::f32());
  EXPECT_EQ(ci->ops[0]->ret_type, types::i32());
  EXPECT_EQ(ui->ops[1]->ret_type, types::u32());
  EXPECT_EQ(lt->ret_type, types::i32());
  EXPECT_EQ(lt->ops[0]->ret_type, types::f32());
  EXPECT_EQ(sh->ret_type, types::i8());
  EXPECT_EQ(sh->ops[0], c) << "the shifted value is not cast";
  EXPECT_EQ(sh->ops[1]->ret_type, types::i8());
  EXPECT_EQ(land->ops[0], f);
  EXPECT_EQ(land->ops[1], c);
  EXPECT_EQ(sq->ops[0]->ret_type, types::f32());
  EXPECT_EQ(sel->ops[1]->ret_type, types::f32());
  EXPECT_EQ(sel->ops[2], f);
  EXPECT_EQ(count_casts(k), 7);
}

TEST(TypeCheck, TruedivBecomesFloatDivision) {
  Kernel k("truediv");
  k.args = {{"a", types::i32()}, {"b", types::i32()}, {"d", types::f64()}};
  k.default_fp = types::f64();
  Builder b(&k);
  Stmt *a = b.arg(0), *bb = b.arg(1), *d = b.arg(2);
  auto *q1 = b.binary(BinaryOp::truediv, a, bb)->as<BinaryOpStmt>();  // ints: both to f64
  auto *q2 = b.binary(BinaryOp::truediv, d, a)->as<BinaryOpStmt>();   // f64 / i32
  auto *q3 = b.binary(BinaryOp::div, a, bb)->as<BinaryOpStmt>();      // C division stays
  check_golden(k, "type_check_truediv");
  EXPECT_EQ(q1->op, BinaryOp::div);
  EXPECT_EQ(q1->ret_type, types::f64());
  EXPECT_EQ(q1->lhs()->ret_type, types::f64());
  EXPECT_EQ(q1->rhs()->ret_type, types::f64());
  EXPECT_EQ(q2->op, BinaryOp::div);
  EXPECT_EQ(q2->lhs(), d);
  EXPECT_EQ(q3->op, BinaryOp::div);
  EXPECT_EQ(q3->ret_type, types::i32());
}

TEST(TypeCheck, StoresIndicesAndBounds) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {16})->place(types::f32(), "x");
  SNode *n = tree.root()->dense({0}, {16})->place(types::i16(), "n");
  Kernel k("stores");
  k.args = {{"hi", types::i64()}, {"v", types::f64()}};
  Builder b(&k);
  Stmt *lo = b.const_int(types::u8(), 0);
  auto *loop = b.range_for(lo, b.arg(0));  // bounds u8 and i64: both to i32
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *j = b.cast(i, types::i64());
  Stmt *px = b.global_ptr(x, {j});  // i64 index: to i32
  b.global_store(px, i);            // i32 into an f32 field
  Stmt *pn = b.global_ptr(n, {i});
  b.atomic(AtomicOp::add, pn, b.arg(1));  // f64 into an i16 field
  Stmt *a = b.local_var(types::f32());
  b.local_store(a, b.arg(1));  // f64 into an f32 local
  Stmt *one = b.const_i32(1);
  b.atomic_cas(pn, b.const_i32(0), one);
  b.pop_block();
  check_golden(k, "type_check_stores");
  EXPECT_EQ(loop->begin()->ret_type, types::i32());
  EXPECT_EQ(loop->end()->ret_type, types::i32());
  EXPECT_EQ(px->ops[0]->ret_type, types::i32());
}

TEST(TypeCheck, ReturnValueTakesTheKernelReturnType) {
  Kernel k("ret");
  k.args = {{"a", types::f32()}};
  k.ret_type = types::i64();
  Builder b(&k);
  Stmt *r = b.ret(b.arg(0));
  check_golden(k, "type_check_return");
  ASSERT_TRUE(r->ops[0]->is<UnaryOpStmt>());
  EXPECT_EQ(r->ops[0]->ret_type, types::i64());
}

TEST(TypeCheck, NothingToDoChangesNothing) {
  Kernel k("noop");
  Builder b(&k);
  Stmt *one = b.const_i32(1);
  b.binary(BinaryOp::add, one, one);
  EXPECT_FALSE(passes::type_check(k));
  EXPECT_TRUE(k.type_checked);
}

TEST(TypeCheck, Errors) {
  {
    Kernel k("float_if");
    Builder b(&k);
    b.if_(b.const_float(types::f32(), 1));
    EXPECT_COMPILE_ERROR(passes::type_check(k), ErrorKind::type,
                         "an if condition must be an integer, got f32");
  }
  {
    Kernel k("float_bound");
    Builder b(&k);
    Stmt *zero = b.const_i32(0);
    b.range_for(zero, b.const_float(types::f64(), 4));
    EXPECT_COMPILE_ERROR(passes::type_check(k), ErrorKind::type,
                         "a range bound must be an integer, got f64");
  }
  {
    Kernel k("float_assert");
    Builder b(&k);
    b.assert_(b.const_float(types::f32(), 1), "no", {});
    EXPECT_COMPILE_ERROR(passes::type_check(k), ErrorKind::type,
                         "an assertion condition must be an integer, got f32");
  }
}

}  // namespace
