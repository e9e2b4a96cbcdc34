// Kernels built with the C++ Builder, compiled and run by a Program.
#include <gtest/gtest.h>

#include <cstring>

#include "ir/builder.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

float read_f32(Program &p, SNode *f, int64_t i) {
  float v;
  std::memcpy(&v, p.element_address(f, {i}), 4);
  return v;
}

int32_t read_i32(Program &p, SNode *f, std::vector<int64_t> i) {
  int32_t v;
  std::memcpy(&v, p.element_address(f, i), 4);
  return v;
}

}  // namespace

TEST(EndToEnd, FillsAFieldInParallel) {
  Program prog(CompileConfig{});
  SNode *x = prog.open_tree()->root()->dense({0}, {1000})->place(types::f32(), "x");
  Kernel *k = prog.create_kernel("fill");
  k->args.push_back({"scale", types::f32()});
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(1000));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.global_store(b.global_ptr(x, {i}), b.binary(BinaryOp::mul, i, b.arg(0)));
  b.pop_block();
  CompiledKernel *ck = prog.compile(k);
  float scale = 0.5f;
  uint64_t slot = 0;
  std::memcpy(&slot, &scale, 4);
  prog.launch(ck, {slot});
  for (int64_t j = 0; j < 1000; j++) ASSERT_FLOAT_EQ(read_f32(prog, x, j), j * 0.5f);
}

TEST(EndToEnd, ReturnsASumOfATopLevelLocal) {
  // s = 0; for i in range(n): s += i; return s  -- s becomes a shared temp, += an atomic.
  Program prog(CompileConfig{});
  Kernel *k = prog.create_kernel("sum");
  k->args.push_back({"n", types::i32()});
  k->ret_type = types::i32();
  Builder b(k);
  Stmt *s = b.alloca(types::i32());
  b.local_store(s, b.const_i32(0));
  auto *loop = b.range_for(b.const_i32(0), b.arg(0));
  b.push_block(loop->body.get());
  b.atomic(AtomicOp::add, s, b.loop_index(loop));
  b.pop_block();
  b.ret(b.local_load(s));
  CompiledKernel *ck = prog.compile(k);
  EXPECT_EQ(static_cast<int32_t>(prog.launch(ck, {20000})), 20000 * 19999 / 2);
  EXPECT_EQ(static_cast<int32_t>(prog.launch(ck, {10})), 45);
}

TEST(EndToEnd, DebugModeReportsOutOfRangeIndex) {
  CompileConfig cfg;
  cfg.debug = true;
  Program prog(cfg);
  SNode *x = prog.open_tree()->root()->dense({0, 1}, {4, 8})->place(types::i32(), "x");
  Kernel *k = prog.create_kernel("oob");
  k->args.push_back({"j", types::i32()});
  Builder b(k);
  b.global_store(b.global_ptr(x, {b.const_i32(1), b.arg(0)}), b.const_i32(7));
  CompiledKernel *ck = prog.compile(k);
  prog.launch(ck, {3});
  EXPECT_EQ(read_i32(prog, x, {1, 3}), 7);
  try {
    prog.launch(ck, {8});
    FAIL() << "expected an error";
  } catch (const KernelRuntimeError &e) {
    EXPECT_STREQ(e.what(), "index 8 is out of range [0, 8) on axis 1 of field 'x'");
    EXPECT_TRUE(e.is_index_error());
  }
}
