// The builder: every statement is typed when it is made (Taichi's promotion rules, see
// ir/type_rules.cpp), and invalid programs are rejected at once with a CompileError.
#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir/error.h"
#include "ir/snode.h"
#include "ir_test_util.h"

using namespace qtaichi::ir;

namespace {

struct BuilderTest : ::testing::Test {
  Kernel k{"k"};
  Builder b{&k};
  Stmt *c(const Type *t, int64_t v) { return b.const_int(t, v); }
  Stmt *f(const Type *t, double v) { return b.const_float(t, v); }
  const Type *bin(BinaryOp op, const Type *x, const Type *y) {
    Stmt *lhs = x->is_float() ? f(x, 1) : c(x, 1);
    Stmt *rhs = y->is_float() ? f(y, 1) : c(y, 1);
    return b.binary(op, lhs, rhs)->ret_type;
  }
};

TEST_F(BuilderTest, ConstantsHaveTheirType) {
  EXPECT_EQ(c(types::i8(), 3)->ret_type, types::i8());
  EXPECT_EQ(f(types::f64(), 0.5)->ret_type, types::f64());
  auto *fc = f(types::f32(), 0.1)->as<ConstStmt>();
  EXPECT_EQ(fc->fval, static_cast<double>(0.1f)) << "f32 constants are rounded to f32";
  EXPECT_EQ(c(types::f32(), 7)->as<ConstStmt>()->fval, 7.0);
  EXPECT_EQ(b.const_i32(-1)->as<ConstStmt>()->ival, -1);
  // Integer constants are wrapped to their type, f32 constants rounded: equal values are equal.
  EXPECT_EQ(c(types::u32(), -1)->as<ConstStmt>()->ival, 4294967295LL);
  EXPECT_EQ(c(types::i8(), 200)->as<ConstStmt>()->ival, -56);
  EXPECT_EQ(c(types::u1(), 3)->as<ConstStmt>()->ival, 1);
  EXPECT_EQ(f(types::u8(), 257.0)->as<ConstStmt>()->ival, 1);
  EXPECT_EQ(c(types::f32(), 16777217)->as<ConstStmt>()->fval, 16777216.0);
  EXPECT_TRUE(c(types::u32(), -1)->same_attributes(*c(types::u32(), 4294967295LL)));
}

TEST_F(BuilderTest, ArithmeticPromotion) {
  EXPECT_EQ(bin(BinaryOp::add, types::i32(), types::f32()), types::f32());
  EXPECT_EQ(bin(BinaryOp::add, types::f32(), types::i32()), types::f32());
  EXPECT_EQ(bin(BinaryOp::mul, types::f32(), types::f64()), types::f64());
  EXPECT_EQ(bin(BinaryOp::sub, types::i64(), types::f32()), types::f32());
  EXPECT_EQ(bin(BinaryOp::add, types::i8(), types::i32()), types::i32());
  EXPECT_EQ(bin(BinaryOp::add, types::i32(), types::i8()), types::i32());
  EXPECT_EQ(bin(BinaryOp::add, types::u32(), types::i32()), types::u32());
  EXPECT_EQ(bin(BinaryOp::add, types::i32(), types::u32()), types::u32());
  EXPECT_EQ(bin(BinaryOp::add, types::u8(), types::i32()), types::i32());
  EXPECT_EQ(bin(BinaryOp::add, types::u16(), types::i64()), types::i64());
  EXPECT_EQ(bin(BinaryOp::max, types::u64(), types::i64()), types::u64());
  EXPECT_EQ(bin(BinaryOp::floordiv, types::i32(), types::i32()), types::i32());
  EXPECT_EQ(bin(BinaryOp::add, types::u1(), types::u1()), types::i32()) << "no u1 arithmetic";
}

TEST_F(BuilderTest, TrueDivisionOfIntegersIsDefaultFloat) {
  EXPECT_EQ(bin(BinaryOp::truediv, types::i32(), types::i32()), types::f32());
  EXPECT_EQ(bin(BinaryOp::truediv, types::i32(), types::f64()), types::f64());
  EXPECT_EQ(bin(BinaryOp::atan2, types::i32(), types::i32()), types::f32());
  k.default_fp = types::f64();
  EXPECT_EQ(bin(BinaryOp::truediv, types::i32(), types::i32()), types::f64());
  EXPECT_EQ(bin(BinaryOp::truediv, types::f32(), types::f32()), types::f32());
  EXPECT_EQ(bin(BinaryOp::div, types::i32(), types::i32()), types::i32()) << "C division";
}

TEST_F(BuilderTest, ComparisonsAndLogicYieldI32) {
  for (BinaryOp op : {BinaryOp::cmp_lt, BinaryOp::cmp_le, BinaryOp::cmp_gt, BinaryOp::cmp_ge,
                      BinaryOp::cmp_eq, BinaryOp::cmp_ne}) {
    EXPECT_EQ(bin(op, types::f64(), types::f64()), types::i32());
    EXPECT_EQ(bin(op, types::u8(), types::i64()), types::i32());
  }
  EXPECT_EQ(bin(BinaryOp::logic_and, types::f32(), types::i64()), types::i32());
  EXPECT_EQ(bin(BinaryOp::logic_or, types::u8(), types::u8()), types::i32());
  EXPECT_EQ(b.unary(UnaryOp::logic_not, f(types::f64(), 2))->ret_type, types::i32());
}

TEST_F(BuilderTest, ShiftsKeepTheLeftOperandType) {
  EXPECT_EQ(bin(BinaryOp::shl, types::u8(), types::i32()), types::u8());
  EXPECT_EQ(bin(BinaryOp::sar, types::i64(), types::i8()), types::i64());
  EXPECT_EQ(bin(BinaryOp::shr, types::i16(), types::u64()), types::i16());
  EXPECT_EQ(bin(BinaryOp::bit_and, types::u8(), types::i32()), types::i32());
}

TEST_F(BuilderTest, UnaryAndCastTypes) {
  EXPECT_EQ(b.unary(UnaryOp::sqrt, c(types::i32(), 4))->ret_type, types::f32());
  EXPECT_EQ(b.unary(UnaryOp::sin, f(types::f64(), 1))->ret_type, types::f64());
  EXPECT_EQ(b.unary(UnaryOp::neg, c(types::i8(), 1))->ret_type, types::i8());
  EXPECT_EQ(b.unary(UnaryOp::abs, c(types::i64(), 1))->ret_type, types::i64());
  EXPECT_EQ(b.cast(c(types::i32(), 1), types::f64())->ret_type, types::f64());
  EXPECT_EQ(b.bit_cast(f(types::f32(), 1), types::u32())->ret_type, types::u32());
  EXPECT_EQ(b.select(c(types::i32(), 1), c(types::i8(), 1), f(types::f32(), 1))->ret_type,
            types::f32());
}

TEST_F(BuilderTest, MemoryStatementsTakeTheirPointerType) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {8})->place(types::u16(), "x");
  Stmt *p = b.global_ptr(x, {c(types::i32(), 2)});
  EXPECT_EQ(p->ret_type, types::u16());
  EXPECT_EQ(b.global_load(p)->ret_type, types::u16());
  EXPECT_EQ(b.atomic(AtomicOp::add, p, c(types::i32(), 1))->ret_type, types::u16());
  EXPECT_EQ(b.global_store(p, c(types::i32(), 1))->ret_type, types::void_());
  Stmt *a = b.local_var(types::f64());
  EXPECT_EQ(a->ret_type, types::f64());
  EXPECT_EQ(b.local_load(a)->ret_type, types::f64());
  EXPECT_EQ(b.atomic_cas(a, f(types::f64(), 0), f(types::f64(), 1))->ret_type, types::f64());
  k.args.push_back({"n", types::i64()});
  EXPECT_EQ(b.arg(0)->ret_type, types::i64());
  auto *loop = b.range_for(c(types::i32(), 0), c(types::i32(), 4));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.pop_block();
  EXPECT_EQ(i->ret_type, types::i32());
  EXPECT_EQ(i->parent, loop->body.get());
  EXPECT_EQ(loop->body->owner, loop);
  EXPECT_EQ(loop->ret_type, types::void_());
}

TEST_F(BuilderTest, SetInsertBeforePlacesStatementsInOrder) {
  Stmt *x = c(types::i32(), 1);
  Stmt *y = c(types::i32(), 2);
  b.set_insert_before(y);
  Stmt *z = c(types::i32(), 3);
  ASSERT_EQ(k.body->stmts.size(), 3u);
  EXPECT_EQ(k.body->stmts[0].get(), x);
  EXPECT_EQ(k.body->stmts[1].get(), z);
  EXPECT_EQ(k.body->stmts[2].get(), y);
}

TEST_F(BuilderTest, WrongIndexCountIsAnIndexError) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0, 1}, {4, 8})->place(types::f32(), "x");
  SNode *y = tree.root()->dense({0}, {4})->place(types::f32(), "y");
  Stmt *i = c(types::i32(), 0);
  auto err = qtaichi::testing::compile_error_of([&] { b.global_ptr(x, {i}); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind(), ErrorKind::index);
  EXPECT_STREQ(err->what(), "field 'x' has 2 indices, but 1 was given");
  err = qtaichi::testing::compile_error_of([&] { b.global_ptr(y, {i, i}); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind(), ErrorKind::index);
  EXPECT_STREQ(err->what(), "field 'y' has 1 index, but 2 were given");
  EXPECT_COMPILE_ERROR(b.global_ptr(y, {f(types::f32(), 0)}), ErrorKind::type,
                       "field 'y' must be indexed by integers, got f32");
}

TEST_F(BuilderTest, BitOperationsOnFloatsAreTypeErrors) {
  Stmt *x = f(types::f32(), 1), *i = c(types::i32(), 1);
  for (BinaryOp op : {BinaryOp::bit_and, BinaryOp::bit_or, BinaryOp::bit_xor, BinaryOp::shl,
                      BinaryOp::shr, BinaryOp::sar})
    EXPECT_COMPILE_ERROR(b.binary(op, x, i), ErrorKind::type, "needs integer operands, got f32");
  EXPECT_COMPILE_ERROR(b.binary(BinaryOp::bit_and, i, x), ErrorKind::type,
                       "bit operation 'bit_and' needs integer operands, got i32 and f32");
  EXPECT_COMPILE_ERROR(b.unary(UnaryOp::bit_not, x), ErrorKind::type,
                       "'~' needs an integer operand, got f32");
  Stmt *a = b.local_var(types::f32());
  EXPECT_COMPILE_ERROR(b.atomic(AtomicOp::bit_or, a, x), ErrorKind::type,
                       "atomic_bit_or needs an integer destination, got f32");
  EXPECT_COMPILE_ERROR(b.bit_cast(x, types::i64()), ErrorKind::type,
                       "bit_cast needs types of equal width, got f32 and i64");
  EXPECT_COMPILE_ERROR(b.select(x, i, i), ErrorKind::type, "condition of a select");
}

TEST_F(BuilderTest, BreakAndContinueOutsideALoopAreSyntaxErrors) {
  EXPECT_COMPILE_ERROR(b.break_(), ErrorKind::syntax, "'break' outside a loop");
  EXPECT_COMPILE_ERROR(b.continue_(), ErrorKind::syntax, "'continue' outside a loop");
  // Inside an `if` that is not in a loop: still outside.
  auto *branch = b.if_(c(types::i32(), 1));
  b.push_block(branch->true_block.get());
  EXPECT_COMPILE_ERROR(b.break_(), ErrorKind::syntax, "'break' outside a loop");
  b.pop_block();
  // Inside a while (through an if): fine.
  auto *w = b.while_();
  b.push_block(w->body.get());
  auto *inner = b.if_(c(types::i32(), 1));
  b.push_block(inner->true_block.get());
  EXPECT_NO_THROW(b.break_());
  b.pop_block();
  b.pop_block();
}

TEST_F(BuilderTest, OtherErrors) {
  EXPECT_COMPILE_ERROR(b.arg(0), ErrorKind::type, "no kernel argument 0");
  EXPECT_COMPILE_ERROR(b.ret(c(types::i32(), 1)), ErrorKind::syntax,
                       "kernel 'k' returns a value but has no return type annotation");
  EXPECT_COMPILE_ERROR(b.pop_block(), ErrorKind::internal, "pop_block without push");
  Stmt *store = b.global_store(b.local_var(types::i32()), c(types::i32(), 0));
  EXPECT_COMPILE_ERROR(b.binary(BinaryOp::add, store, c(types::i32(), 1)), ErrorKind::type,
                       "must be values, not void");
  EXPECT_COMPILE_ERROR(b.binary(BinaryOp::add, nullptr, c(types::i32(), 1)),
                       ErrorKind::internal, "null operand of binary");
}

}  // namespace
