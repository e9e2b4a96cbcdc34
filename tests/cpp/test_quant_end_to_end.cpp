// Quant fields compiled and run on the CPU: values against QUANT_SPEC.md's examples, atomics
// under contention. Kernels are built with the C++ Builder.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "ir/builder.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

uint64_t f32_slot(float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  return u;
}

// A program with `n` cells of a bit struct holding `members` (one place call each, or one
// shared call), and a plain f32/i32 mirror field per member to read values back.
struct QuantFixture {
  explicit QuantFixture(int64_t n, int container_bits,
                        const std::vector<std::vector<const QuantType *>> &calls,
                        const std::vector<bool> &shared = {}, int threads = 0) {
    CompileConfig cfg;
    cfg.offline_cache = false;
    cfg.num_threads = threads;
    prog = std::make_unique<Program>(cfg);
    SNode *cell = prog->open_tree()->root()->dense({0}, {n});
    SNode *bs = cell->bit_struct(container_bits);
    int k = 0;
    for (size_t c = 0; c < calls.size(); c++) {
      std::vector<std::pair<const QuantType *, std::string>> ms;
      for (const QuantType *q : calls[c]) ms.push_back({q, "m" + std::to_string(k++)});
      auto placed = bs->place_bit_members(ms, c < shared.size() && shared[c]);
      fields.insert(fields.end(), placed.begin(), placed.end());
    }
    SNode *mirror_cell = prog->open_tree()->root()->dense({0}, {n});
    for (SNode *f : fields) mirrors.push_back(mirror_cell->place(f->dtype(), f->name() + "_out"));
    this->n = n;
  }

  // Kernel: for i in range(n): field[i] = value (argument 0, the field's compute type).
  void store_all(int member, double value) {
    SNode *f = fields[member];
    auto owned = prog->create_kernel("store");
  Kernel *k = owned.get();
    k->args.push_back({"v", f->dtype()});
    Builder b(k);
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(static_cast<int32_t>(n)));
    b.push_block(loop->body.get());
    b.global_store(b.global_ptr(f, {b.loop_index(loop)}), b.arg(0));
    b.pop_block();
    launch(prog->compile(*k), f->dtype(), value);
  }

  // Kernel: for i in range(n): mirror[i] = field[i].
  void read_back() {
    auto owned = prog->create_kernel("read");
  Kernel *k = owned.get();
    Builder b(k);
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(static_cast<int32_t>(n)));
    b.push_block(loop->body.get());
    for (size_t m = 0; m < fields.size(); m++)
      b.global_store(b.global_ptr(mirrors[m], {b.loop_index(loop)}),
                     b.global_load(b.global_ptr(fields[m], {b.loop_index(loop)})));
    b.pop_block();
    prog->launch(prog->compile(*k), {});
  }

  double value(int member, int64_t i) {
    uint64_t bits = 0;
    prog->read_element(mirrors[member], {i}, &bits);
    auto *p = reinterpret_cast<const uint8_t *>(&bits);
    if (mirrors[member]->dtype()->kind() == PrimKind::f32) {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }

  void launch(CompiledKernel *ck, const Type *t, double v) {
    uint64_t slot = t->is_float() ? f32_slot(static_cast<float>(v))
                                  : static_cast<uint64_t>(static_cast<int64_t>(v));
    prog->launch(ck, {slot});
  }

  std::unique_ptr<Program> prog;
  std::vector<SNode *> fields, mirrors;
  int64_t n = 0;
};

}  // namespace

TEST(QuantEndToEnd, IntsWrapModuloTheirBits) {
  auto *qi13 = QuantType::get_int(13, true), *qu7 = QuantType::get_int(7, false);
  QuantFixture fx(64, 32, {{qi13, qu7}});
  fx.store_all(1, -64);
  fx.store_all(0, 1 << 12);
  fx.read_back();
  EXPECT_EQ(fx.value(1, 5), 64);
  EXPECT_EQ(fx.value(0, 5), -(1 << 12));
  fx.store_all(0, -5);  // the neighbour keeps its value
  fx.read_back();
  EXPECT_EQ(fx.value(0, 63), -5);
  EXPECT_EQ(fx.value(1, 63), 64);
}

TEST(QuantEndToEnd, FixedRoundsHalfAwayFromZero) {
  auto *qf = QuantType::get_fixed(13, true, 0.1);
  QuantFixture fx(8, 16, {{qf}});
  fx.store_all(0, 10);
  fx.read_back();
  EXPECT_FLOAT_EQ(fx.value(0, 3), 10.0f);
  fx.store_all(0, -0.25);  // -2.5 digits -> -3
  fx.read_back();
  EXPECT_FLOAT_EQ(fx.value(0, 3), -0.3f);
}

TEST(QuantEndToEnd, FloatRoundingMatchesTheSpec) {
  auto *s = QuantType::get_float(5, 2, true), *u = QuantType::get_float(5, 2, false);
  QuantFixture fx(4, 32, {{s, u}});
  fx.store_all(0, 1.75);
  fx.store_all(1, 1.75);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), 2.0);
  EXPECT_EQ(fx.value(1, 0), 1.75);
  fx.store_all(0, 1.625);
  fx.store_all(1, 1.625);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), 1.5);
  EXPECT_EQ(fx.value(1, 0), 1.75);
  fx.store_all(0, -3.0);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), -3.0);
}

TEST(QuantEndToEnd, Float8x24HoldsPiExactly) {
  auto *q = QuantType::get_float(8, 24, true);
  QuantFixture fx(2, 32, {{q}});
  float pi = 3.14159265f;
  fx.store_all(0, pi);
  fx.read_back();
  EXPECT_EQ(static_cast<float>(fx.value(0, 1)), pi);
  float big = std::ldexp(pi, 100);
  fx.store_all(0, big);
  fx.read_back();
  EXPECT_EQ(static_cast<float>(fx.value(0, 1)), big);
}

TEST(QuantEndToEnd, FloatSaturatesAndFlushes) {
  auto *q = QuantType::get_float(3, 5, true);  // bias 3, exponents 1..7, 4 magnitude bits
  QuantFixture fx(1, 8, {{q}});
  fx.store_all(0, -1e6);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), -(1.0 + 15.0 / 16) * 16);  // largest magnitude, sign kept
  fx.store_all(0, 1e-6);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), 0.0);
}

TEST(QuantEndToEnd, SharedExponentReRoundsSiblings) {
  auto *q = QuantType::get_float(8, 12, true);  // 8 + 12 + 12 bits
  QuantFixture fx(2, 32, {{q, q}}, {true});
  fx.store_all(0, 1000);
  fx.store_all(1, 1e-6);
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), 1000.0);
  EXPECT_EQ(fx.value(1, 0), 0.0);
}

TEST(QuantEndToEnd, ParallelFixedAccumulationIsExact) {
  // Ten parallel `x -= 0.4` from 0.7 with scale 0.1 give exactly -3.3.
  auto *qf = QuantType::get_fixed(13, true, 0.1);
  QuantFixture fx(1, 32, {{qf}});
  fx.store_all(0, 0.7);
  auto owned = fx.prog->create_kernel("sub");
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(10));
  b.push_block(loop->body.get());
  b.atomic(AtomicOp::sub, b.global_ptr(fx.fields[0], {b.const_i32(0)}),
           b.const_float(types::f32(), 0.4));
  b.pop_block();
  fx.prog->launch(fx.prog->compile(*k), {});
  fx.read_back();
  EXPECT_EQ(static_cast<float>(fx.value(0, 0)), -3.3f);
}

TEST(QuantEndToEnd, ContendedAtomicsOnOneWordAreExact) {
  // 10^6 parallel updates: +1 to one member, +2 to its neighbour, all in one 32-bit word.
  auto *qa = QuantType::get_int(16, false), *qb = QuantType::get_int(16, true);
  QuantFixture fx(1, 32, {{qa, qb}}, {}, 2);
  auto owned = fx.prog->create_kernel("contend");
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(1000000));
  b.push_block(loop->body.get());
  b.atomic(AtomicOp::add, b.global_ptr(fx.fields[0], {b.const_i32(0)}), b.const_i32(1));
  b.atomic(AtomicOp::sub, b.global_ptr(fx.fields[1], {b.const_i32(0)}), b.const_i32(2));
  b.pop_block();
  fx.prog->launch(fx.prog->compile(*k), {});
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), 1000000 % 65536);
  EXPECT_EQ(fx.value(1, 0), static_cast<int16_t>(static_cast<uint16_t>(-2000000 & 0xffff)));
}

TEST(QuantEndToEnd, ContendedQuantFloatAddIsRaceFree) {
  auto *q = QuantType::get_float(8, 24, true);
  QuantFixture fx(1, 32, {{q}}, {}, 2);
  auto owned = fx.prog->create_kernel("fadd");
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(1 << 20));
  b.push_block(loop->body.get());
  b.atomic(AtomicOp::add, b.global_ptr(fx.fields[0], {b.const_i32(0)}),
           b.const_float(types::f32(), 1.0));
  b.pop_block();
  fx.prog->launch(fx.prog->compile(*k), {});
  fx.read_back();
  EXPECT_EQ(fx.value(0, 0), static_cast<double>(1 << 20));
}

TEST(QuantEndToEnd, CheckQuantOverflowReportsFieldIndexAndValue) {
  auto *qu7 = QuantType::get_int(7, false);
  QuantFixture fx(8, 8, {{qu7}});
  auto build = [&](const char *name) {
    auto owned = fx.prog->create_kernel(name);
  Kernel *k = owned.get();
    k->check_quant_overflow = true;
    k->args.push_back({"v", types::i32()});
    Builder b(k);
    b.global_store(b.global_ptr(fx.fields[0], {b.const_i32(5)}), b.arg(0));
    return fx.prog->compile(*k);
  };
  CompiledKernel *ck = build("store_checked");
  fx.prog->launch(ck, {127});  // fits
  try {
    fx.prog->launch(ck, {static_cast<uint64_t>(-64)});
    FAIL() << "expected an overflow report";
  } catch (const KernelRuntimeError &e) {
    EXPECT_STREQ(e.what(), "quant overflow: -64 does not fit field 'm0' (qu7) at index [5]");
    EXPECT_FALSE(e.is_index_error());
  }
}
