// The CUDA backend without a GPU: kernels copied for a second target, the PTX target chosen per
// device and driver, PTX that ptxas assembles (when the CUDA toolkit is installed), and the
// driver reported as missing rather than crashing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "codegen/cuda/ptx_compiler.h"
#include "ir/clone.h"
#include "ir/pipeline.h"
#include "ir/printer.h"
#include "ir_test_util.h"
#include "runtime/cuda/cuda_device.h"
#include "taichi_core/backend.h"

using namespace qtaichi;
using namespace qtaichi::ir;
using qtaichi::testing::KernelUnderTest;

namespace {

ir::Target cuda_target() { return ir::Target(ir::Arch::cuda, arch_caps(ir::Arch::cuda)); }

// x[i] = sin(i * 0.5) + i % 3, a serial while loop with break, an if, an atomic and a print.
void build(KernelUnderTest &t, SNode *x, SNode *total) {
  t.parallel([&](Stmt *i) {
    Stmt *f = t.b.cast(i, types::f32());
    Stmt *s = t.b.unary(UnaryOp::sin, t.b.binary(BinaryOp::mul, f, t.b.const_float(types::f32(), 0.5)));
    Stmt *m = t.b.cast(t.b.binary(BinaryOp::mod, i, t.c(3)), types::f32());
    t.store(x, i, t.b.binary(BinaryOp::add, s, m));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(total, {t.c(0)}), f);
    auto *cond = t.b.if_(t.b.binary(BinaryOp::cmp_eq, i, t.c(5)));
    t.b.push_block(cond->true_block.get());
    t.b.print({std::string("i ="), i});
    t.b.pop_block();
    t.count_to(i);
  }, 100);
}

struct Fields {
  SNodeTree tree{0};
  SNode *x, *total;
  Fields() {
    x = tree.root()->dense({0}, {100})->place(types::f32(), "x");
    total = tree.root()->dense({0}, {1})->place(types::f32(), "total");
    tree.materialize();
  }
};

std::string ptxas() {
  for (const char *p : {static_cast<const char *>(std::getenv("QTAICHI_PTXAS")),
                        "/usr/local/cuda/bin/ptxas"})
    if (p && std::filesystem::exists(p)) return p;
  return "";
}

}  // namespace

TEST(CloneKernel, CopiesEveryStatementAndLowersTheSame) {
  Fields f;
  KernelUnderTest t;
  build(t, f.x, f.total);
  auto copy = clone_kernel(t.k);
  EXPECT_EQ(print_kernel(*copy), print_kernel(t.k));
  run_pipeline(t.k, cuda_target(), {});
  run_pipeline(*copy, cuda_target(), {});
  EXPECT_EQ(print_kernel(*copy), print_kernel(t.k));
  // Lowered IR copies too (tasks, temps).
  EXPECT_EQ(print_kernel(*clone_kernel(t.k)), print_kernel(t.k));
}

TEST(PtxTarget, FollowsTheDeviceAndTheDriver) {
  using codegen::PtxTarget;
  EXPECT_EQ(PtxTarget::for_device(80, 0).str(), "sm_80+ptx70");
  EXPECT_EQ(PtxTarget::for_device(86, 0).str(), "sm_86+ptx71");
  EXPECT_EQ(PtxTarget::for_device(90, 0).str(), "sm_90+ptx78");
  EXPECT_EQ(PtxTarget::for_device(80, 11040).str(), "sm_80+ptx74");  // CUDA 11.4: PTX 7.4
  EXPECT_EQ(PtxTarget::for_device(90, 13000).str(), "sm_90+ptx85");  // newest LLVM 19 knows
  EXPECT_EQ(PtxTarget::for_device(120, 12080).str(), "sm_90+ptx85");  // newer GPUs JIT sm_90
}

TEST(PtxCompiler, EmitsOneEntryPerTaskThatPtxasAssembles) {
  Fields f;
  KernelUnderTest t;
  build(t, f.x, f.total);
  run_pipeline(t.k, cuda_target(), {});
  for (int sm : {80, 90}) {
    codegen::PtxCompiler compiler(codegen::PtxTarget::for_device(sm, 0));
    codegen::PtxKernel out = compiler.compile(t.k, "qti_test");
    ASSERT_FALSE(out.tasks.empty());
    for (const auto &task : out.tasks)
      EXPECT_NE(out.ptx.find(".visible .entry " + task.symbol + "("), std::string::npos);
    EXPECT_NE(out.ptx.find(".target sm_" + std::to_string(sm)), std::string::npos);
    EXPECT_NE(out.ptx.find("vprintf"), std::string::npos);  // print
    bool native_add = false;
    for (const char *op : {"atom.add.f32", "red.add.f32", "atom.global.add.f32", "red.global.add.f32"})
      native_add |= out.ptx.find(op) != std::string::npos;
    EXPECT_TRUE(native_add) << "f32 atomic add is one instruction on CUDA";
    if (!codegen::PtxCompiler::find_libdevice().empty()) {  // sin comes from libdevice, inlined
      EXPECT_EQ(out.ptx.find(".extern .func"),
                out.ptx.find(".extern .func  (.param .b32 func_retval0) vprintf"));
    }
    std::string tool = ptxas();
    if (tool.empty()) continue;
    auto path = std::filesystem::temp_directory_path() / ("qti_test_" + std::to_string(sm) + ".ptx");
    std::ofstream(path) << out.ptx;
    std::string cmd = tool + " -arch=sm_" + std::to_string(sm) + " " + path.string() + " -o /dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::filesystem::remove(path);
  }
}

TEST(CudaDevice, MissingDriverIsReportedNotFatal) {
  std::string why;
  if (rt::CudaDevice::available(&why)) GTEST_SKIP() << "this machine has a CUDA GPU";
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(arch_available(ir::Arch::cuda));
  try {
    rt::CudaDevice device;
    FAIL() << "a CUDA device without a driver";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device: " + why), std::string::npos) << e.what();
  }
}

TEST(CudaDevice, CapabilitiesSayWhatTheLoweringMayUse) {
  rt::DeviceCaps c = rt::CudaDevice::arch_caps();
  EXPECT_TRUE(c.atomic_add_f32 && c.atomic_add_f64);  // so no merge_atomics, no CAS loops
  EXPECT_FALSE(c.cas8 || c.cas16);                    // atom.cas is 32/64-bit
  EXPECT_TRUE(c.cas64 && c.int64 && c.atomic_int64);
}
