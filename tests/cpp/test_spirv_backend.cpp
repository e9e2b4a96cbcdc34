// The SPIR-V backend without a Vulkan device: every module of a kernel that uses loops, ifs,
// breaks, float % (exact fmod), 8/16-bit atomics (lowered to 32-bit word CAS loops), float
// atomics, an assertion and a return passes spirv-val for Vulkan 1.2 (when spirv-tools is
// installed), and what SPIR-V cannot do is a clear compile error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "codegen/spirv/spirv_codegen.h"
#include "ir/pipeline.h"
#include "ir/printer.h"
#include "ir_test_util.h"
#include "taichi_core/backend.h"

using namespace qtaichi;
using namespace qtaichi::ir;
using qtaichi::testing::KernelUnderTest;

namespace {

Target vulkan_target() {
  rt::DeviceCaps caps;  // what SPIR-V atomics give: 32/64-bit CAS, f32 atomic add
  caps.cas8 = caps.cas16 = false;
  caps.atomic_add_f32 = true;
  caps.max_loop_iterations = 65535;
  caps.accurate_math = false;  // as every Vulkan device reports
  return Target(Arch::vulkan, caps);
}

struct Fields {
  SNodeTree tree{0};
  SNode *x, *small, *total;
  Fields() {
    x = tree.root()->dense({0}, {64})->place(types::f32(), "x");
    small = tree.root()->dense({0}, {64})->place(types::i8(), "small");
    total = tree.root()->dense({0}, {1})->place(types::f32(), "total");
    tree.materialize();
  }
};

bool have_spirv_val() { return std::system("spirv-val --version > /dev/null 2>&1") == 0; }

}  // namespace

TEST(SpirvBackend, ModulesPassSpirvVal) {
  Fields f;
  KernelUnderTest t;
  t.k.debug = true;  // bounds checks: assertions
  t.k.ret_type = types::f32();
  t.parallel([&](Stmt *i) {
    Stmt *fi = t.b.cast(i, types::f32());
    Stmt *m = t.b.binary(BinaryOp::mod, fi, t.b.const_float(types::f32(), 0.1));
    t.store(f.x, i, t.b.unary(UnaryOp::sin, m));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(f.small, {t.b.binary(BinaryOp::mod, i, t.c(4))}),
               t.b.const_int(types::i8(), 3));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(f.total, {t.c(0)}), fi);
    t.count_to(i);
  });
  t.b.ret(t.b.global_load(t.b.global_ptr(f.total, {t.c(0)})));
  run_pipeline(t.k, vulkan_target(), {});
  auto tasks = codegen::spirv::emit_spirv(t.k, "qti_spv_test");
  ASSERT_GE(tasks.size(), 2u);
  for (const auto &task : tasks) {
    ASSERT_GT(task.words.size(), 5u);
    EXPECT_EQ(task.words[0], 0x07230203u);  // SPIR-V magic
    if (!have_spirv_val()) continue;
    auto path = std::filesystem::temp_directory_path() / (task.symbol + ".spv");
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char *>(task.words.data()),
               static_cast<std::streamsize>(task.words.size() * 4));
    std::string cmd = "spirv-val --target-env vulkan1.2 " + path.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::filesystem::remove(path);
  }
}

// GLSL.std.450 has f32 math only and Vulkan's is inexact: lower_math writes every function
// out as arithmetic, f64 included.
TEST(SpirvBackend, MathIsWrittenOutForF32AndF64) {
  Fields f;
  KernelUnderTest t;
  t.parallel([&](Stmt *i) {
    Stmt *d = t.b.cast(i, types::f64());
    Stmt *e = t.b.binary(BinaryOp::pow, t.b.unary(UnaryOp::exp, d), t.b.unary(UnaryOp::sin, d));
    t.store(f.x, i, t.b.cast(t.b.binary(BinaryOp::atan2, e, d), types::f32()));
  });
  run_pipeline(t.k, vulkan_target(), {});
  std::string ir = print_kernel(t.k);
  for (const char *op : {" exp ", " sin ", " pow ", " atan2 "}) EXPECT_EQ(ir.find(op), std::string::npos) << op;
  auto tasks = codegen::spirv::emit_spirv(t.k, "qti_f64");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_GT(tasks[0].words.size(), 500u);
}
