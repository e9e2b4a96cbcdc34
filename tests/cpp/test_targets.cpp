// The target-dependent lowerings, each run under two targets: the CPU's (every CAS width, no
// float atomic instruction, 64-bit offsets) and a phone-class GPU's (32-bit CAS only, no float
// atomics, no int64, 32-bit offsets). The IR before and after each pass is locked in goldens
// named <pass>_<target>; the earlier passes come from the pipeline's own order.
#include <gtest/gtest.h>

#include <cstring>

#include "golden.h"
#include "ir/pipeline.h"
#include "ir/passes/passes.h"
#include "ir/quant_type.h"
#include "ir/visitor.h"
#include "ir_test_util.h"
#include "taichi_core/program.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_pass_golden;
using qtaichi::testing::KernelUnderTest;
using qtaichi::testing::run_passes_before;

namespace {

struct Named {
  const char *name;
  Target target;
};
const Named kTargets[] = {{"cpu", Target::cpu()}, {"mobile", Target::mobile_gpu()}};

int count(Kernel &k, StmtKind kind, const Type *type = nullptr) {
  int n = 0;
  walk(k.body.get(), [&](Stmt *s) { n += s->kind() == kind && (!type || s->ret_type == type); });
  return n;
}

class TargetTest : public ::testing::TestWithParam<Named> {};

// grid[i % 8] += (1.0, 2.0): two f32 adds to one 8-byte-aligned pair.
TEST_P(TargetTest, MergeAtomics) {
  SNodeTree tree(0);
  SNode *cell = tree.root()->dense({0}, {8});
  SNode *vx = cell->place(types::f32(), "vx"), *vy = cell->place(types::f32(), "vy");
  tree.materialize();
  KernelUnderTest t;
  t.k.target = GetParam().target;
  t.parallel([&](Stmt *i) {
    Stmt *c = t.b.binary(BinaryOp::mod, i, t.c(8));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(vx, {c}), t.b.const_float(types::f32(), 1.0));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(vy, {c}), t.b.const_float(types::f32(), 2.0));
  });
  run_passes_before(t.k, "merge_atomics");
  bool merged = expect_pass_golden(t.k, passes::merge_atomics, "merge_atomics",
                                   std::string("target_merge_atomics_") + GetParam().name);
  // Only where a float add is a CAS loop and 64-bit CAS exists: the CPU.
  EXPECT_EQ(merged, GetParam().target.cas64);
}

// x[i % 4] += 0.5 and total min= x: float atomics with and without an instruction.
TEST_P(TargetTest, LowerFloatAtomics) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {4})->place(types::f32(), "x");
  SNode *m = tree.root()->dense({0}, {1})->place(types::f32(), "m");
  tree.materialize();
  KernelUnderTest t;
  t.k.target = GetParam().target;
  t.parallel([&](Stmt *i) {
    Stmt *c = t.b.binary(BinaryOp::mod, i, t.c(4));
    t.b.atomic(AtomicOp::add, t.b.global_ptr(x, {c}), t.b.const_float(types::f32(), 0.5));
    t.b.atomic(AtomicOp::min, t.b.global_ptr(m, {t.c(0)}), t.b.cast(i, types::f32()));
  });
  run_passes_before(t.k, "lower_float_atomics");
  EXPECT_TRUE(expect_pass_golden(t.k, passes::lower_float_atomics, "lower_float_atomics",
                                 std::string("target_lower_float_atomics_") + GetParam().name));
  EXPECT_EQ(count(t.k, StmtKind::AtomicOpStmt), 0);
  EXPECT_EQ(count(t.k, StmtKind::AtomicCASStmt, types::u32()), 2);

  // With the instructions, nothing to do.
  KernelUnderTest native;
  native.k.target = GetParam().target;
  native.k.target.atomic_add_f32 = native.k.target.atomic_minmax_f32 = true;
  native.parallel([&](Stmt *i) {
    native.b.atomic(AtomicOp::add, native.b.global_ptr(x, {native.c(0)}),
                    native.b.cast(i, types::f32()));
  });
  run_passes_before(native.k, "lower_float_atomics");
  EXPECT_FALSE(passes::lower_float_atomics(native.k));
}

// Two 8-bit quant ints in an 8-bit container, written by every thread (a contended word).
TEST_P(TargetTest, LowerQuantNarrowContainer) {
  SNodeTree tree(0);
  auto *q4 = QuantType::get_int(4, true);
  auto ab = tree.root()->dense({0}, {6})->bit_struct(8)->place_bit_members(
      {{q4, "a"}, {q4, "b"}}, false);
  tree.materialize();
  KernelUnderTest t;
  t.k.target = GetParam().target;
  t.parallel([&](Stmt *i) {
    t.store(ab[0], t.b.binary(BinaryOp::mod, i, t.c(6)), i);  // many threads per word
  });
  run_passes_before(t.k, "lower_quant");
  EXPECT_TRUE(expect_pass_golden(t.k, passes::lower_quant, "lower_quant",
                                 std::string("target_lower_quant_u8_") + GetParam().name));
  // The CPU updates the byte; the GPU the aligned 32-bit word around it.
  bool narrow_cas = GetParam().target.cas8;
  EXPECT_EQ(count(t.k, StmtKind::AtomicCASStmt, types::u8()), narrow_cas ? 1 : 0);
  EXPECT_EQ(count(t.k, StmtKind::AtomicCASStmt, types::u32()), narrow_cas ? 0 : 1);
}

TEST_P(TargetTest, LowerQuantWideContainer) {
  SNodeTree tree(0);
  auto *q40 = QuantType::get_int(40, true);
  auto ab = tree.root()->dense({0}, {6})->bit_struct(64)->place_bit_members(
      {{q40, "wide"}}, false);
  tree.materialize();
  KernelUnderTest t;
  t.k.target = GetParam().target;
  t.parallel([&](Stmt *i) { t.store(ab[0], t.b.binary(BinaryOp::mod, i, t.c(6)), i); });
  run_passes_before(t.k, "lower_quant");
  if (GetParam().target.cas64) {
    EXPECT_TRUE(passes::lower_quant(t.k));
  } else {
    EXPECT_COMPILE_ERROR(passes::lower_quant(t.k), ErrorKind::type,
                         "quant field 'wide' is in a 64-bit container");
  }
}

// x[i, j] of a 2D f32 field: i64 offsets on the CPU, i32 on the GPU.
TEST_P(TargetTest, LowerAccessOffsetWidth) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0, 1}, {8, 8})->place(types::f32(), "x");
  tree.materialize();
  KernelUnderTest t;
  t.k.target = GetParam().target;
  t.k.args = {{"a", types::f32(), 1}};
  t.parallel([&](Stmt *i) {
    Stmt *j = t.b.binary(BinaryOp::mod, i, t.c(8));
    t.b.global_store(t.b.global_ptr(x, {i, j}), t.b.global_load(t.b.external_ptr(0, {i})));
  }, 8);
  run_passes_before(t.k, "lower_access");
  EXPECT_TRUE(expect_pass_golden(t.k, passes::lower_access, "lower_access",
                                 std::string("target_lower_access_") + GetParam().name));
  const Type *want = GetParam().target.index_bits == 32 ? types::i32() : types::i64();
  walk(t.k.body.get(), [&](Stmt *s) {
    if (auto *a = s->as<GlobalAddrStmt>()) EXPECT_EQ(a->byte_offset()->ret_type, want);
    if (auto *e = s->as<ExternalAddrStmt>()) EXPECT_EQ(e->byte_offset()->ret_type, want);
  });
}

INSTANTIATE_TEST_SUITE_P(Targets, TargetTest, ::testing::ValuesIn(kTargets),
                         [](const auto &info) { return std::string(info.param.name); });

TEST(Target, PrintsEveryCapability) {
  EXPECT_EQ(Target::cpu().str(),
            "target cpu: cas 32/8/16/64; float atomics none; int64; atomic int64; storage 8/16; "
            "index 64; subgroup 1");
  EXPECT_EQ(Target::mobile_gpu().str(),
            "target vulkan: cas 32; float atomics none; no int64; no atomic int64; "
            "storage 8/16; index 32; binding 134217728; subgroup 32; own math routines");
}

}  // namespace

namespace {

// The lowering for a device with 32-bit CAS only and no float atomics, executed on the CPU:
// contended updates of 8- and 16-bit containers through their 32-bit words, and float adds as
// CAS loops, give exact totals.
TEST(TargetRun, NarrowContainersThroughTheirWordAreExact) {
  qtaichi::CompileConfig cfg;
  cfg.offline_cache = false;
  cfg.num_threads = 4;
  Target t = Target::cpu();
  t.cas8 = t.cas16 = false;
  cfg.target = t;
  qtaichi::Program prog(cfg);
  auto *q4 = QuantType::get_int(4, true), *q8 = QuantType::get_int(8, false);
  // Three 8-bit words and three 16-bit words side by side: neighbours share 32-bit words.
  auto bytes = prog.open_tree()->root()->dense({0}, {3})->bit_struct(8)->place_bit_members(
      {{q4, "a"}, {q4, "b"}}, false);
  auto shorts = prog.open_tree()->root()->dense({0}, {3})->bit_struct(16)->place_bit_members(
      {{q8, "c"}, {q8, "d"}}, false);
  SNode *sum = prog.open_tree()->root()->dense({0}, {1})->place(types::f32(), "sum");
  auto owned = prog.create_kernel("contend");
  Builder b(owned.get());
  const int n = 300000;
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(n));
  b.push_block(loop->body.get());
  Stmt *cell = b.binary(BinaryOp::mod, b.loop_index(loop), b.const_i32(3));
  b.atomic(AtomicOp::add, b.global_ptr(bytes[0], {cell}), b.const_i32(1));
  b.atomic(AtomicOp::sub, b.global_ptr(bytes[1], {cell}), b.const_i32(1));
  b.atomic(AtomicOp::add, b.global_ptr(shorts[0], {cell}), b.const_i32(3));
  b.atomic(AtomicOp::add, b.global_ptr(shorts[1], {cell}), b.const_i32(1));
  b.atomic(AtomicOp::add, b.global_ptr(sum, {b.const_i32(0)}), b.const_float(types::f32(), 1.0));
  b.pop_block();
  qtaichi::CompiledKernel *ck = prog.compile(*owned);
  EXPECT_NE(ck->final_ir().find("cas 32/64;"), std::string::npos);  // the header names the target
  EXPECT_EQ(ck->final_ir().find(": u8 = atomic_cas"), std::string::npos);
  EXPECT_EQ(ck->final_ir().find(": u16 = atomic_cas"), std::string::npos);
  prog.launch(ck, {});
  auto word = [&](SNode *f, int64_t i, int bytes_) {
    uint64_t w = 0;
    prog.read_element(f, {i}, &w);
    return w & ((uint64_t(1) << (8 * bytes_)) - 1);
  };
  for (int64_t i = 0; i < 3; i++) {
    int per = n / 3;
    uint64_t w8 = word(bytes[0], i, 1), w16 = word(shorts[0], i, 2);
    EXPECT_EQ(static_cast<int>(w8 & 15), per % 16) << i;                  // a: +1 each
    EXPECT_EQ(static_cast<int>((w8 >> 4) & 15), (16 - per % 16) % 16) << i;  // b: -1 each
    EXPECT_EQ(static_cast<int>(w16 & 255), (3 * per) % 256) << i;
    EXPECT_EQ(static_cast<int>((w16 >> 8) & 255), per % 256) << i;
  }
  float total;
  prog.read_element(sum, {0}, &total);
  EXPECT_EQ(total, static_cast<float>(n));
}

}  // namespace
