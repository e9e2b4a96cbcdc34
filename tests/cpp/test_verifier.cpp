// The verifier: valid kernels pass; hand-broken IR is rejected with a message that names the
// problem and the statement.
#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/verifier.h"
#include "ir_test_util.h"

using namespace qtaichi::ir;

namespace {

// Expects verify(k) to fail with an internal error whose message contains `what`.
void expect_rejected(const Kernel &k, const std::string &what) {
  EXPECT_COMPILE_ERROR(verify(k, "test_pass"), ErrorKind::internal, what);
  EXPECT_COMPILE_ERROR(verify(k, "test_pass"), ErrorKind::internal,
                       "IR verification failed after pass 'test_pass'");
}

struct VerifierTest : ::testing::Test {
  SNodeTree tree{0};
  SNode *x = tree.root()->dense({0}, {16})->place(types::f32(), "x");
  Kernel k{"k"};
  Builder b{&k};
};

// for i in range(16): x[i] = x[i] * 2 + s, with an if, a while and a local.
TEST_F(VerifierTest, ValidKernelPassesEveryStage) {
  k.args = {{"s", types::f32()}};
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(16));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *p = b.global_ptr(x, {i});
  Stmt *v = b.binary(BinaryOp::mul, b.global_load(p), b.const_i32(2));
  Stmt *a = b.local_var(types::f32());
  b.local_store(a, b.binary(BinaryOp::add, v, b.arg(0)));
  auto *branch = b.if_(b.binary(BinaryOp::cmp_gt, i, b.const_i32(3)));
  b.push_block(branch->true_block.get());
  auto *w = b.while_();
  b.push_block(w->body.get());
  b.break_();
  b.pop_block();
  b.continue_();
  b.pop_block();
  b.global_store(p, b.local_load(a));
  b.pop_block();
  tree.materialize();
  EXPECT_NO_THROW(verify(k));
  passes::type_check(k);
  EXPECT_NO_THROW(verify(k, "type_check"));
  passes::simplify(k);
  EXPECT_NO_THROW(verify(k, "simplify"));
  passes::offload(k);
  EXPECT_NO_THROW(verify(k, "offload"));
  passes::demote_atomics(k);
  passes::lower_access(k);
  EXPECT_NO_THROW(verify(k, "lower_access"));
}

TEST_F(VerifierTest, StatementAfterBreakInOneBlock) {
  auto *loop = b.while_();
  b.push_block(loop->body.get());
  b.break_();
  b.print({std::string("never")});
  b.pop_block();
  expect_rejected(k, "statement after break/continue in one block");
  // simplify drops what can never run; the kernel then verifies.
  passes::simplify(k);
  EXPECT_EQ(loop->body->stmts.size(), 1u);
  verify(k, "simplify");
}

TEST_F(VerifierTest, OperandUsedBeforeItsDefinition) {
  Stmt *c = b.const_i32(1);
  b.binary(BinaryOp::add, c, c);
  k.body->stmts[0].swap(k.body->stmts[1]);
  expect_rejected(k, "at 'binary': operand 'const' is not defined before its use in scope");
}

TEST_F(VerifierTest, OperandFromASiblingBlock) {
  auto *branch = b.if_(b.const_i32(1));
  b.push_block(branch->true_block.get());
  Stmt *t = b.const_i32(5);
  b.pop_block();
  b.push_block(branch->false_block.get());
  b.unary(UnaryOp::neg, t);  // defined in the true branch, used in the false one
  b.pop_block();
  expect_rejected(k, "at 'unary': operand 'const' is not defined before its use in scope");
}

TEST_F(VerifierTest, OperandFromAnInnerBlockUsedAfterIt) {
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.const_i32(4));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.pop_block();
  b.global_store(b.global_ptr(x, {i}), b.const_i32(0));
  expect_rejected(k, "at 'global_ptr': operand 'loop_index' is not defined before its use");
}

TEST_F(VerifierTest, WrongParentLink) {
  auto *branch = b.if_(b.const_i32(1));
  b.push_block(branch->true_block.get());
  Stmt *c = b.const_i32(2);
  b.pop_block();
  c->parent = k.body.get();
  expect_rejected(k, "at 'const': parent link is wrong");
}

TEST_F(VerifierTest, WrongBlockOwnerLink) {
  auto *branch = b.if_(b.const_i32(1));
  branch->false_block->owner = nullptr;
  expect_rejected(k, "block owner link is wrong");
}

TEST_F(VerifierTest, LoopIndexOutsideItsLoop) {
  Stmt *zero = b.const_i32(0);
  auto *l1 = b.range_for(zero, b.const_i32(4));
  auto *l2 = b.range_for(zero, b.const_i32(4));
  b.push_block(l2->body.get());
  b.loop_index(l1);  // names the sibling loop
  b.pop_block();
  expect_rejected(k, "at 'loop_index': loop_index outside its loop");
}

TEST_F(VerifierTest, LoopIndexOfAWhileOrNothing) {
  auto *w = b.while_();
  b.push_block(w->body.get());
  Stmt *li = b.loop_index(w);
  b.break_();
  b.pop_block();
  expect_rejected(k, "loop_index outside its loop");
  li->as<LoopIndexStmt>()->loop = nullptr;
  expect_rejected(k, "loop_index outside its loop");
}

TEST_F(VerifierTest, BreakOutsideALoop) {
  auto *w = b.while_();
  b.push_block(w->body.get());
  Stmt *brk = b.break_();
  b.pop_block();
  // Move the break out of the while (the builder would refuse to make it there).
  k.body->append(w->body->extract(brk));
  expect_rejected(k, "at 'break': not inside a loop");
}

TEST_F(VerifierTest, BreakOutOfAParallelTask) {
  auto t = std::make_unique<OffloadedTaskStmt>();
  t->task_kind = TaskKind::range_for;
  t->end = 4;
  auto *task = static_cast<OffloadedTaskStmt *>(k.body->append(std::move(t)));
  k.offloaded = true;
  b.push_block(task->body.get());
  b.continue_();  // next index: fine
  b.pop_block();
  EXPECT_NO_THROW(verify(k));
  task->body->stmts.clear();
  b.push_block(task->body.get());
  b.break_();
  b.pop_block();
  expect_rejected(k, "at 'break': not inside a loop");
}

TEST_F(VerifierTest, MismatchedStoreTypesAfterTypeCheck) {
  Stmt *a = b.local_var(types::f32());
  b.local_store(a, b.const_i32(1));
  Stmt *zero = b.const_i32(0);
  b.global_store(b.global_ptr(x, {zero}), b.const_float(types::f64(), 1));
  EXPECT_NO_THROW(verify(k)) << "before type_check the frontend may store any type";
  k.type_checked = true;
  expect_rejected(k, "at 'local_store': stored value is i32, destination is f32");
  // After type_check (which inserts the casts) the kernel is fine again.
  k.type_checked = false;
  passes::type_check(k);
  EXPECT_NO_THROW(verify(k));
}

TEST_F(VerifierTest, MismatchedOperandTypesAfterTypeCheck) {
  b.binary(BinaryOp::add, b.const_i32(1), b.const_float(types::f32(), 2));
  EXPECT_NO_THROW(verify(k));
  k.type_checked = true;
  expect_rejected(k, "at 'binary': operand types differ: i32 and f32");
}

TEST_F(VerifierTest, TruedivAfterTypeCheck) {
  Stmt *one = b.const_float(types::f32(), 1);
  b.binary(BinaryOp::truediv, one, one);
  k.type_checked = true;
  expect_rejected(k, "truediv left after type_check");
}

TEST_F(VerifierTest, NonTaskAtTopLevelAfterOffload) {
  b.const_i32(1);
  EXPECT_NO_THROW(verify(k));
  k.offloaded = true;
  expect_rejected(k, "at 'const': only tasks may stand at the top level after offload");
}

TEST_F(VerifierTest, NestedTasks) {
  auto outer = std::make_unique<OffloadedTaskStmt>();
  auto *o = static_cast<OffloadedTaskStmt *>(k.body->append(std::move(outer)));
  o->body->append(std::make_unique<OffloadedTaskStmt>());
  k.offloaded = true;
  expect_rejected(k, "at 'task': tasks cannot nest");
}

TEST_F(VerifierTest, FieldPointerAfterLowerAccess) {
  Stmt *zero = b.const_i32(0);
  b.global_load(b.global_ptr(x, {zero}));
  k.access_lowered = true;
  expect_rejected(k, "at 'global_ptr': field or ndarray pointer left after lower_access");
}

TEST_F(VerifierTest, LoadsAndStoresNeedPointers) {
  Stmt *c = b.const_i32(1);
  b.global_store(c, c);
  expect_rejected(k, "at 'global_store': operand 'const' is not a pointer");
}

TEST_F(VerifierTest, LocalLoadNeedsAnAlloca) {
  Stmt *zero = b.const_i32(0);
  b.local_load(b.global_ptr(x, {zero}));
  expect_rejected(k, "at 'local_load': operand 'global_ptr' is not a pointer");
}

TEST_F(VerifierTest, VoidAndNullOperands) {
  Stmt *a = b.local_var(types::i32());
  Stmt *store = b.local_store(a, b.const_i32(1));
  Stmt *neg = b.unary(UnaryOp::neg, b.const_i32(1));
  neg->ops[0] = store;
  expect_rejected(k, "at 'unary': operand yields no value");
  neg->ops[0] = nullptr;
  expect_rejected(k, "at 'unary': null operand");
}

TEST_F(VerifierTest, MessageNamesTheKernel) {
  b.const_i32(1);
  k.offloaded = true;
  auto err = qtaichi::testing::compile_error_of([&] { verify(k, "offload"); });
  ASSERT_TRUE(err);
  EXPECT_STREQ(err->what(),
               "IR verification failed after pass 'offload' at 'const': only tasks may stand at "
               "the top level after offload (kernel 'k')");
}

}  // namespace
