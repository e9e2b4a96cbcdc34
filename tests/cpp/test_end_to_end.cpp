// Kernels built with the C++ Builder, compiled and run by a Program.
#include <gtest/gtest.h>

#include <cstring>

#include "ir/builder.h"
#include "ir/error.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

float read_f32(Program &p, SNode *f, int64_t i) {
  float v;
  p.read_element(f, {i}, &v);
  return v;
}

int32_t read_i32(Program &p, SNode *f, std::vector<int64_t> i) {
  int32_t v;
  p.read_element(f, i, &v);
  return v;
}

}  // namespace

TEST(EndToEnd, FillsAFieldInParallel) {
  Program prog(CompileConfig{});
  SNode *x = prog.open_tree()->root()->dense({0}, {1000})->place(types::f32(), "x");
  auto owned = prog.create_kernel("fill");
  Kernel *k = owned.get();
  k->args.push_back({"scale", types::f32()});
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(1000));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  b.global_store(b.global_ptr(x, {i}), b.binary(BinaryOp::mul, i, b.arg(0)));
  b.pop_block();
  CompiledKernel *ck = prog.compile(*k);
  float scale = 0.5f;
  uint64_t slot = 0;
  std::memcpy(&slot, &scale, 4);
  prog.launch(ck, {slot});
  for (int64_t j = 0; j < 1000; j++) ASSERT_FLOAT_EQ(read_f32(prog, x, j), j * 0.5f);
  // The caller still owns the kernel; its IR is consumed: building or compiling again is a
  // clear error, not a dangling pointer.
  EXPECT_TRUE(k->consumed);
  EXPECT_THROW(b.const_i32(1), ir::CompileError);
  EXPECT_THROW(prog.compile(*k), ir::CompileError);
}

TEST(EndToEnd, ReturnsASumOfATopLevelLocal) {
  // s = 0; for i in range(n): s += i; return s  -- s becomes a shared temp, += an atomic.
  Program prog(CompileConfig{});
  auto owned = prog.create_kernel("sum");
  Kernel *k = owned.get();
  k->args.push_back({"n", types::i32()});
  k->ret_type = types::i32();
  Builder b(k);
  Stmt *s = b.local_var(types::i32());
  b.local_store(s, b.const_i32(0));
  auto *loop = b.range_for(b.const_i32(0), b.arg(0));
  b.push_block(loop->body.get());
  b.atomic(AtomicOp::add, s, b.loop_index(loop));
  b.pop_block();
  b.ret(b.local_load(s));
  CompiledKernel *ck = prog.compile(*k);
  EXPECT_EQ(static_cast<int32_t>(prog.launch(ck, {20000})), 20000 * 19999 / 2);
  EXPECT_EQ(static_cast<int32_t>(prog.launch(ck, {10})), 45);
}

TEST(EndToEnd, DebugModeReportsOutOfRangeIndex) {
  CompileConfig cfg;
  cfg.debug = true;
  Program prog(cfg);
  SNode *x = prog.open_tree()->root()->dense({0, 1}, {4, 8})->place(types::i32(), "x");
  auto owned = prog.create_kernel("oob");
  Kernel *k = owned.get();
  k->args.push_back({"j", types::i32()});
  Builder b(k);
  b.global_store(b.global_ptr(x, {b.const_i32(1), b.arg(0)}), b.const_i32(7));
  CompiledKernel *ck = prog.compile(*k);
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

TEST(EndToEnd, ScalesAnNdarrayInPlace) {
  // for i, j in ndrange(arr.shape[0], arr.shape[1]): arr[i, j] *= 2 (one flat loop over rows)
  Program prog(CompileConfig{});
  auto owned = prog.create_kernel("scale");
  Kernel *k = owned.get();
  k->args.push_back({"arr", types::f64(), 2});
  Builder b(k);
  auto *rows = b.range_for(b.const_i32(0), b.external_shape(0, 0));
  b.push_block(rows->body.get());
  Stmt *i = b.loop_index(rows);
  auto *cols = b.range_for(b.const_i32(0), b.external_shape(0, 1));
  b.push_block(cols->body.get());
  Stmt *p = b.external_ptr(0, {i, b.loop_index(cols)});
  b.global_store(p, b.binary(BinaryOp::mul, b.global_load(p), b.const_float(types::f64(), 2)));
  b.pop_block();
  b.pop_block();
  CompiledKernel *ck = prog.compile(*k);
  std::vector<double> data(3 * 5);
  for (size_t n = 0; n < data.size(); n++) data[n] = static_cast<double>(n);
  prog.launch(ck, {reinterpret_cast<uint64_t>(data.data()), 3, 5});
  for (size_t n = 0; n < data.size(); n++) EXPECT_EQ(data[n], 2.0 * n);
}

TEST(EndToEnd, RandomStreamsAreUniformAndReproducible) {
  auto run = [](uint64_t seed, int threads) {
    CompileConfig cfg;
    cfg.random_seed = seed;
    cfg.num_threads = threads;
    cfg.offline_cache = false;
    Program prog(cfg);
    SNode *x = prog.open_tree()->root()->dense({0}, {100000})->place(types::f32(), "x");
    auto owned = prog.create_kernel("rand");
  Kernel *k = owned.get();
    Builder b(k);
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(100000));
    b.push_block(loop->body.get());
    b.global_store(b.global_ptr(x, {b.loop_index(loop)}), b.random(types::f32()));
    b.pop_block();
    prog.launch(prog.compile(*k), {});
    std::vector<float> out(100000);
    prog.read_tree(0, 0, out.data(), out.size() * 4);
    return out;
  };
  std::vector<float> a = run(1, 2), b = run(1, 1), c = run(2, 2);
  EXPECT_EQ(a, b);  // independent of the thread count
  EXPECT_NE(a, c);  // the seed matters
  double mean = 0;
  for (float v : a) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LT(v, 1.0f);
    mean += v;
  }
  EXPECT_NEAR(mean / a.size(), 0.5, 0.01);
}
