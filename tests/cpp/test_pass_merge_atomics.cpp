// merge_atomics: float atomic adds to the two f32s of an 8-byte-aligned pair become one 64-bit
// CAS loop; the results stay exact under contention.
#include <gtest/gtest.h>

#include <cstring>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/printer.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

int count(Kernel &k, StmtKind kind) {
  int n = 0;
  walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind; });
  return n;
}

// for i in range(n): v[i % cells].x += 1; v[i % cells].y += 2 (a 2-vector field as two f32
// fields placed together).
void build_scatter(Kernel *k, SNode *vx, SNode *vy, int n, int cells) {
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(n));
  b.push_block(loop->body.get());
  Stmt *cell = b.binary(BinaryOp::mod, b.loop_index(loop), b.const_i32(cells));
  b.atomic(AtomicOp::add, b.global_ptr(vx, {cell}), b.const_float(types::f32(), 1.0));
  b.atomic(AtomicOp::add, b.global_ptr(vy, {cell}), b.const_float(types::f32(), 2.0));
  b.pop_block();
}

}  // namespace

TEST(MergeAtomics, PairOfAddsBecomesOneCasLoop) {
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {16});
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy");
  tree.materialize();
  Kernel k("scatter");
  build_scatter(&k, vx, vy, 1000, 16);
  for (auto pass : {passes::type_check, passes::simplify, passes::offload,
                    passes::infer_thread_safety, passes::demote_atomics, passes::lower_access,
                    passes::simplify})
    pass(k);
  EXPECT_EQ(count(k, StmtKind::AtomicOpStmt), 2);
  EXPECT_TRUE(passes::merge_atomics(k));
  EXPECT_EQ(count(k, StmtKind::AtomicOpStmt), 0);
  EXPECT_EQ(count(k, StmtKind::AtomicCASStmt), 1);
  EXPECT_EQ(count(k, StmtKind::WhileStmt), 1);
}

TEST(MergeAtomics, UnalignedOrUnrelatedPairsStayApart) {
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {16});
  SNode *pad = cell->place(types::f32(), "pad");  // shifts the pair to offset 4 in a 12-byte cell
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy");
  (void)pad;
  tree.materialize();
  Kernel k("scatter");
  build_scatter(&k, vx, vy, 1000, 16);
  for (auto pass : {passes::type_check, passes::simplify, passes::offload,
                    passes::infer_thread_safety, passes::demote_atomics, passes::lower_access,
                    passes::simplify})
    pass(k);
  EXPECT_FALSE(passes::merge_atomics(k));
  EXPECT_EQ(count(k, StmtKind::AtomicOpStmt), 2);
}

TEST(MergeAtomics, ContendedSumsAreExact) {
  CompileConfig cfg;
  cfg.offline_cache = false;
  cfg.num_threads = 2;
  Program prog(cfg);
  SNode *cell = prog.open_tree()->root()->dense({0}, {4});
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy");
  Kernel *k = prog.create_kernel("scatter");
  build_scatter(k, vx, vy, 1 << 20, 4);
  prog.launch(prog.compile(k), {});
  for (int c = 0; c < 4; c++) {
    float x, y;
    std::memcpy(&x, prog.element_address(vx, {c}), 4);
    std::memcpy(&y, prog.element_address(vy, {c}), 4);
    EXPECT_EQ(x, (1 << 20) / 4);
    EXPECT_EQ(y, 2 * (1 << 20) / 4);
  }
}
