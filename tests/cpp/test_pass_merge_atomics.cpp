// merge_atomics: float atomic adds to the two f32s of an 8-byte-aligned pair become one 64-bit
// CAS loop; the results stay exact under contention.
#include <gtest/gtest.h>

#include <cstring>

#include "ir_test_util.h"
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

// The pipeline's passes that come before merge_atomics, in its order.
void run_passes_before_merge(Kernel &k) { qtaichi::testing::run_passes_before(k, "merge_atomics"); }

}  // namespace

TEST(MergeAtomics, PairOfAddsBecomesOneCasLoop) {
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {16});
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy");
  tree.materialize();
  Kernel k("scatter");
  build_scatter(&k, vx, vy, 1000, 16);
  run_passes_before_merge(k);
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
  run_passes_before_merge(k);
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
  auto owned = prog.create_kernel("scatter");
  Kernel *k = owned.get();
  build_scatter(k, vx, vy, 1 << 20, 4);
  CompiledKernel *ck = prog.compile(*k);
  // The merge happened: one 64-bit CAS loop, no 32-bit one and no float atomic left.
  EXPECT_NE(ck->final_ir().find(": u64 = atomic_cas"), std::string::npos);
  EXPECT_EQ(ck->final_ir().find(": u32 = atomic_cas"), std::string::npos);
  EXPECT_EQ(ck->final_ir().find("atomic_add"), std::string::npos);
  prog.launch(ck, {});
  for (int c = 0; c < 4; c++) {
    float x, y;
    prog.read_element(vx, {c}, &x);
    prog.read_element(vy, {c}, &y);
    EXPECT_EQ(x, (1 << 20) / 4);
    EXPECT_EQ(y, 2 * (1 << 20) / 4);
  }
}

TEST(MergeAtomics, ThreeVectorPairsWhicheverHalfIsAligned) {
  // 12-byte cells: (x, y) is 8-byte aligned in even cells, (y, z) in odd ones.
  CompileConfig cfg;
  cfg.offline_cache = false;
  cfg.num_threads = 2;
  Program prog(cfg);
  SNode *cell = prog.open_tree()->root()->dense({0}, {5});
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy"),
        *vz = cell->place(types::f32(), "vz");
  auto owned = prog.create_kernel("scatter3");
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(1 << 20));
  b.push_block(loop->body.get());
  Stmt *c = b.binary(BinaryOp::mod, b.loop_index(loop), b.const_i32(5));
  for (auto [f, v] : {std::pair{vx, 1.0}, {vy, 2.0}, {vz, 3.0}})
    b.atomic(AtomicOp::add, b.global_ptr(f, {c}), b.const_float(types::f32(), v));
  b.pop_block();
  CompiledKernel *ck = prog.compile(*k);
  // One branch per parity, each with one 64-bit CAS loop for the aligned pair and one 32-bit
  // CAS loop for the third float (the CPU has no float atomic add: lower_float_atomics).
  const std::string &ir = ck->final_ir();
  EXPECT_NE(ir.find("if "), std::string::npos);
  auto count = [&](const std::string &what) {
    size_t n = 0;
    for (size_t at = 0; (at = ir.find(what, at)) != std::string::npos; at++) n++;
    return n;
  };
  EXPECT_EQ(count(": u64 = atomic_cas"), 2u);
  EXPECT_EQ(count(": u32 = atomic_cas"), 2u);
  EXPECT_EQ(count("atomic_add"), 0u);
  prog.launch(ck, {});
  int64_t per_cell[5] = {209716, 209715, 209715, 209715, 209715};  // 2^20 = 5 * 209715 + 1
  for (int i = 0; i < 5; i++) {
    float x, y, z;
    prog.read_element(vx, {i}, &x);
    prog.read_element(vy, {i}, &y);
    prog.read_element(vz, {i}, &z);
    EXPECT_EQ(x, per_cell[i]);
    EXPECT_EQ(y, 2.0f * per_cell[i]);
    EXPECT_EQ(z, 3.0f * per_cell[i]);
  }
}
