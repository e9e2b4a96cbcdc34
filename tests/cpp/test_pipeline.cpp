// The whole pipeline on one small kernel, printed after every pass (print_ir) and locked: a
// change in any pass, or in the pass order, shows up here.
#include <gtest/gtest.h>

#include <cstring>

#include "golden.h"
#include "ir/builder.h"
#include "ir/pipeline.h"
#include "ir/printer.h"
#include "taichi_core/program.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;

namespace {

// total = 0.0
// for i in range(n):  x[i] = x[i] * scale / 2; total += x[i]
// return total
void build_scale_and_sum(Kernel &k, SNode *x) {
  k.args = {{"n", types::i32()}, {"scale", types::f32()}};
  k.ret_type = types::f32();
  Builder b(&k);
  Stmt *total = b.local_var(types::f32());
  b.local_store(total, b.const_float(types::f32(), 0));
  Stmt *zero = b.const_i32(0);
  auto *loop = b.range_for(zero, b.arg(0));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *p = b.global_ptr(x, {i});
  Stmt *scaled = b.binary(BinaryOp::mul, b.global_load(p), b.arg(1));
  b.global_store(p, b.binary(BinaryOp::truediv, scaled, b.const_i32(2)));
  Stmt *again = b.global_ptr(x, {i});
  b.atomic(AtomicOp::add, total, b.global_load(again));
  b.pop_block();
  b.ret(b.local_load(total));
}

TEST(Pipeline, PrintsTheIrAfterEveryPass) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {128})->place(types::f32(), "x");
  tree.materialize();
  Kernel k("scale_and_sum");
  build_scale_and_sum(k, x);
  std::string printed;
  run_pipeline(k, Target::cpu(), {.print_ir = true, .verify = true, .sink = [&](const std::string &text) {
                     printed += text;
                   }});
  expect_golden("pipeline_scale_and_sum", printed);
  // The printout ends with the final IR.
  std::string final_ir = print_kernel(k);
  ASSERT_GE(printed.size(), final_ir.size());
  EXPECT_EQ(printed.substr(printed.size() - final_ir.size()), final_ir);
  EXPECT_TRUE(k.type_checked && k.offloaded && k.access_lowered && k.lowered);
  EXPECT_EQ(final_ir.substr(0, final_ir.find('\n')), Target::cpu().str());

  // The same kernel compiled and run: x[i] = i * 3 / 2, and the sum of them returned.
  qtaichi::CompileConfig cfg;
  cfg.offline_cache = false;
  qtaichi::Program prog(cfg);
  SNode *px = prog.open_tree()->root()->dense({0}, {128})->place(types::f32(), "x");
  prog.materialize();
  for (int64_t i = 0; i < 128; i++) {
    float v = static_cast<float>(i);
    prog.write_element(px, {i}, &v);
  }
  auto owned = prog.create_kernel("scale_and_sum");
  build_scale_and_sum(*owned, px);
  qtaichi::CompiledKernel *ck = prog.compile(*owned);
  EXPECT_EQ(ck->final_ir(), final_ir);
  float scale = 3.0f;
  uint64_t scale_slot = 0;
  std::memcpy(&scale_slot, &scale, 4);
  uint64_t result = prog.launch(ck, {128, scale_slot});
  float total;
  std::memcpy(&total, &result, 4);
  EXPECT_EQ(total, 1.5f * (127 * 128 / 2));
  for (int64_t i = 0; i < 128; i++) {
    float v;
    prog.read_element(px, {i}, &v);
    EXPECT_EQ(v, i * 1.5f);
  }
}

TEST(Pipeline, QuietWithoutPrintIr) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {128})->place(types::f32(), "x");
  tree.materialize();
  Kernel k("scale_and_sum");
  build_scale_and_sum(k, x);
  std::string printed;
  run_pipeline(k, Target::cpu(), {.print_ir = false, .verify = true,
                   .sink = [&](const std::string &text) { printed += text; }});
  EXPECT_EQ(printed, "");
}

}  // namespace
