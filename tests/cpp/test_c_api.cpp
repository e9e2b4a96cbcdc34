// The app runtime's C API from C++: a module exported by the C++ AotModuleBuilder, loaded and
// run through qtaichi.h, gives the JIT's results bit for bit; every call survives NULL. (The
// Python suite's test_aot.py covers bad modules and bad arguments in depth; `make sanitize`
// runs this under AddressSanitizer + LeakSanitizer.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "ir/builder.h"
#include "qtaichi/qtaichi.h"
#include "taichi_core/aot_module_builder.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

constexpr int kN = 16;

// axpy(a, y): x[i] = x[i] * a + y[i]
CompiledKernel *build(Program &p, SNode *x) {
  auto k = p.create_kernel("axpy");
  k->args.push_back({"a", types::f32()});
  k->args.push_back({"y", types::f32(), 1});
  Builder b(k.get());
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(kN));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *cell = b.global_ptr(x, {i});
  b.global_store(cell, b.binary(BinaryOp::add, b.binary(BinaryOp::mul, b.global_load(cell), b.arg(0)),
                                b.global_load(b.external_ptr(1, {i}))));
  b.pop_block();
  return p.compile(*k);
}

// Exports axpy and the field x into a fresh folder of that name under the temp directory.
std::filesystem::path export_module(Program &prog, SNode *x, CompiledKernel *axpy,
                                    const std::string &folder) {
  auto dir = std::filesystem::temp_directory_path() / folder;
  std::filesystem::remove_all(dir);
  AotModuleBuilder module(prog);
  module.add_kernel("axpy", axpy, {{"a", false, "f32", 0, {}}, {"y", true, "f32", 1, {}}});
  module.add_field("x", {x}, {});
  module.save(dir.string());
  return dir;
}

uint64_t f32_slot(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return bits;
}

}  // namespace

TEST(CApi, AModuleExportedFromCppRunsBitForBitLikeTheJit) {
  std::vector<float> y(kN);
  for (int i = 0; i < kN; i++) y[i] = 0.1f * static_cast<float>(i * i) - 3.0f;
  const float a[3] = {1.5f, -0.75f, 1.0f / 3.0f};

  Program prog(CompileConfig{});
  SNode *x = prog.open_tree()->root()->dense({0}, {kN})->place(types::f32(), "x");
  CompiledKernel *axpy = build(prog, x);
  auto dir = export_module(prog, x, axpy, "qtaichi_c_api_test_module");

  std::vector<float> want(kN);
  for (float s : a) {
    std::vector<uint64_t> slots = {f32_slot(s), reinterpret_cast<uint64_t>(y.data()), kN};
    prog.launch(axpy, slots);
  }
  for (int i = 0; i < kN; i++) prog.read_element(x, {i}, &want[i]);

  QtiRuntime *rt = nullptr;
  ASSERT_EQ(qti_create_runtime(QTI_ARCH_CPU, &rt), QTI_OK) << qti_last_error();
  QtiModule *m = nullptr;
  ASSERT_EQ(qti_load_module(rt, dir.c_str(), &m), QTI_OK) << qti_last_error();
  QtiKernel *k = nullptr;
  ASSERT_EQ(qti_get_kernel(m, "axpy", &k), QTI_OK);
  uint32_t shape[1] = {kN};
  QtiNdarray *arr = nullptr;
  ASSERT_EQ(qti_allocate_ndarray(rt, QTI_DTYPE_F32, 1, shape, 0, nullptr, &arr), QTI_OK);
  ASSERT_EQ(qti_ndarray_write(arr, y.data(), kN * sizeof(float)), QTI_OK);
  for (float s : a) {
    QtiArgument args[2] = {};
    args[0].kind = QTI_ARG_F32;
    args[0].value.f32 = s;
    args[1].kind = QTI_ARG_NDARRAY;
    args[1].value.ndarray = arr;
    ASSERT_EQ(qti_launch_kernel(k, 2, args, nullptr), QTI_OK) << qti_last_error();
  }
  std::vector<float> got(kN);
  ASSERT_EQ(qti_read_field(m, "x", got.data(), kN * sizeof(float)), QTI_OK) << qti_last_error();
  EXPECT_EQ(std::memcmp(got.data(), want.data(), kN * sizeof(float)), 0);
  QtiDataType t;
  uint32_t ndim = 0, fshape[8], comps = 0;
  ASSERT_EQ(qti_field_info(m, "x", &t, &ndim, fshape, &comps), QTI_OK);
  EXPECT_EQ(t, QTI_DTYPE_F32);
  EXPECT_EQ(ndim, 1u);
  EXPECT_EQ(fshape[0], static_cast<uint32_t>(kN));
  EXPECT_EQ(comps, 1u);
  qti_free_ndarray(arr);
  qti_destroy_module(m);
  qti_destroy_runtime(rt);
  std::filesystem::remove_all(dir);
}

TEST(CApi, EveryCallSurvivesNull) {
  void *out = nullptr;
  EXPECT_EQ(qti_create_runtime(QTI_ARCH_CPU, nullptr), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(qti_last_error(), "");
  EXPECT_EQ(qti_wait(nullptr), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_load_module(nullptr, "x", reinterpret_cast<QtiModule **>(&out)),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_load_module_from_memory(nullptr, "x", 1, reinterpret_cast<QtiModule **>(&out)),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_get_kernel(nullptr, "x", reinterpret_cast<QtiKernel **>(&out)),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_launch_kernel(nullptr, 0, nullptr, nullptr), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_field_info(nullptr, "x", nullptr, nullptr, nullptr, nullptr),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_read_field(nullptr, "x", nullptr, 0), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_write_field(nullptr, "x", nullptr, 0), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_allocate_ndarray(nullptr, QTI_DTYPE_F32, 1, nullptr, 0, nullptr,
                                 reinterpret_cast<QtiNdarray **>(&out)),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_ndarray_write(nullptr, nullptr, 0), QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_ndarray_read(nullptr, nullptr, 0), QTI_ERROR_INVALID_ARGUMENT);
  qti_destroy_runtime(nullptr);
  qti_destroy_module(nullptr);
  qti_free_ndarray(nullptr);
  QtiRuntime *rt = nullptr;
  ASSERT_EQ(qti_create_runtime(QTI_ARCH_CPU, &rt), QTI_OK);
  EXPECT_EQ(qti_load_module(rt, nullptr, reinterpret_cast<QtiModule **>(&out)),
            QTI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qti_load_module(rt, "/nonexistent/module", reinterpret_cast<QtiModule **>(&out)),
            QTI_ERROR_NOT_FOUND);
  EXPECT_NE(std::strstr(qti_last_error(), "/nonexistent/module"), nullptr);
  EXPECT_EQ(qti_wait(rt), QTI_OK);
  EXPECT_STREQ(qti_last_error(), "");
  qti_destroy_runtime(rt);
}

// One runtime used from several threads: calls are serialized inside, so every launch lands
// (x += 1 per launch: the sum does not depend on the order).
TEST(CApi, ConcurrentLaunchesFromSeveralThreadsAllLand) {
  Program prog(CompileConfig{});
  SNode *x = prog.open_tree()->root()->dense({0}, {kN})->place(types::f32(), "x");
  CompiledKernel *axpy = build(prog, x);
  auto dir = export_module(prog, x, axpy, "qtaichi_c_api_threads_module");

  QtiRuntime *rt = nullptr;
  ASSERT_EQ(qti_create_runtime(QTI_ARCH_CPU, &rt), QTI_OK);
  QtiModule *m = nullptr;
  ASSERT_EQ(qti_load_module(rt, dir.c_str(), &m), QTI_OK) << qti_last_error();
  QtiKernel *k = nullptr;
  ASSERT_EQ(qti_get_kernel(m, "axpy", &k), QTI_OK);
  constexpr int kThreads = 4, kLaunches = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&] {
      uint32_t shape[1] = {kN};
      QtiNdarray *ones = nullptr;
      if (qti_allocate_ndarray(rt, QTI_DTYPE_F32, 1, shape, 0, nullptr, &ones) != QTI_OK) {
        failures++;
        return;
      }
      std::vector<float> one(kN, 1.0f);
      qti_ndarray_write(ones, one.data(), kN * sizeof(float));
      for (int i = 0; i < kLaunches; i++) {
        QtiArgument args[2] = {};
        args[0].kind = QTI_ARG_F32;
        args[0].value.f32 = 1.0f;
        args[1].kind = QTI_ARG_NDARRAY;
        args[1].value.ndarray = ones;
        if (qti_launch_kernel(k, 2, args, nullptr) != QTI_OK) failures++;
      }
      qti_free_ndarray(ones);
    });
  for (auto &t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<float> got(kN);
  ASSERT_EQ(qti_read_field(m, "x", got.data(), kN * sizeof(float)), QTI_OK);
  for (float v : got) EXPECT_EQ(v, static_cast<float>(kThreads * kLaunches));
  qti_destroy_runtime(rt);
  std::filesystem::remove_all(dir);
}
