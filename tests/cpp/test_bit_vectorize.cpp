// bit_vectorize: the full Game of Life rule on 1-bit quant arrays, 32 cells per instruction,
// against a plain C++ reference (cells outside the field are dead).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "ir/builder.h"
#include "ir/error.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

constexpr int N = 48, M = 128;  // M: 4 words of 32 cells per row

struct Life {
  Life() {
    CompileConfig cfg;
    cfg.offline_cache = false;
    prog = std::make_unique<Program>(cfg);
    auto *qu1 = QuantType::get_int(1, false);
    for (SNode **f : {&x, &y}) {
      SNode *words = prog->open_tree()->root()->dense({0, 1}, {N, M / 32});
      *f = words->quant_array({1}, {32}, 32)->place_quant(qu1, f == &x ? "x" : "y");
    }
    prog->materialize();
  }

  void set(SNode *f, int i, int j, bool v) {
    uint32_t w = 0;
    prog->read_element(f, {i, j}, &w);
    uint32_t bit = 1u << f->element_bit_offset({i, j});
    w = v ? (w | bit) : (w & ~bit);
    prog->write_element(f, {i, j}, &w);
  }
  bool get(SNode *f, int i, int j) {
    uint32_t w = 0;
    prog->read_element(f, {i, j}, &w);
    return (w >> f->element_bit_offset({i, j})) & 1;
  }

  // for i, j in x: n = sum of the 8 neighbours; y[i, j] = n == 3 or (n == 2 and x[i, j] == 1)
  // plain_add: `n = n + cell` (a local load of the count, cast, add, store) instead of `+=`.
  CompiledKernel *evolve(bool use_select, bool plain_add = false) {
    auto owned = prog->create_kernel("evolve");
  Kernel *k = owned.get();
    Builder b(k);
    auto *loop = b.range_for(b.const_i32(0), b.const_i32(N * M));
    loop->bit_vectorize = true;
    b.push_block(loop->body.get());
    Stmt *L = b.loop_index(loop);
    Stmt *i = b.binary(BinaryOp::div, L, b.const_i32(M));
    Stmt *j = b.binary(BinaryOp::mod, L, b.const_i32(M));
    Stmt *count = b.local_var(types::i32());
    b.local_store(count, b.const_i32(0));
    for (int di = -1; di <= 1; di++)
      for (int dj = -1; dj <= 1; dj++) {
        if (!di && !dj) continue;
        Stmt *cell = b.global_load(b.global_ptr(x, {b.binary(BinaryOp::add, i, b.const_i32(di)),
                                                    b.binary(BinaryOp::add, j, b.const_i32(dj))}));
        if (plain_add)  // i32 + u32 is u32: the loaded 0 is cast before the first add
          b.local_store(count, b.cast(b.binary(BinaryOp::add, b.cast(b.local_load(count), types::u32()),
                                               cell),
                                      types::i32()));
        else
          b.atomic(AtomicOp::add, count, b.cast(cell, types::i32()));
      }
    Stmt *n = b.local_load(count);
    Stmt *alive = b.binary(BinaryOp::cmp_eq, b.global_load(b.global_ptr(x, {i, j})), b.const_int(types::u32(), 1));
    Stmt *rule;
    if (use_select)
      rule = b.select(alive, b.binary(BinaryOp::logic_and, b.binary(BinaryOp::cmp_ge, n, b.const_i32(2)),
                                      b.binary(BinaryOp::cmp_le, n, b.const_i32(3))),
                      b.binary(BinaryOp::cmp_eq, n, b.const_i32(3)));
    else
      rule = b.binary(BinaryOp::logic_or, b.binary(BinaryOp::cmp_eq, n, b.const_i32(3)),
                      b.binary(BinaryOp::logic_and, b.binary(BinaryOp::cmp_eq, n, b.const_i32(2)), alive));
    b.global_store(b.global_ptr(y, {i, j}), rule);
    b.pop_block();
    return prog->compile(*k);
  }

  std::unique_ptr<Program> prog;
  SNode *x = nullptr, *y = nullptr;
};

}  // namespace

TEST(BitVectorize, GameOfLifeMatchesTheReference) {
  for (int form = 0; form < 3; form++) {
    bool use_select = form == 1, plain_add = form == 2;
    Life life;
    std::mt19937 rng(7);
    std::vector<std::vector<int>> cells(N, std::vector<int>(M));
    for (int i = 0; i < N; i++)
      for (int j = 0; j < M; j++) life.set(life.x, i, j, cells[i][j] = rng() % 3 == 0);
    life.prog->launch(life.evolve(use_select, plain_add), {});
    int differences = 0, alive = 0;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < M; j++) {
        int n = 0;
        for (int di = -1; di <= 1; di++)
          for (int dj = -1; dj <= 1; dj++) {
            int a = i + di, c = j + dj;
            if ((di || dj) && a >= 0 && a < N && c >= 0 && c < M) n += cells[a][c];
          }
        bool expect = n == 3 || (n == 2 && cells[i][j]);
        differences += life.get(life.y, i, j) != expect;
        alive += expect;
      }
    EXPECT_EQ(differences, 0) << (use_select ? "select form" : plain_add ? "n = n + cell" : "logic form");
    EXPECT_GT(alive, 100);
  }
}

TEST(BitVectorize, RejectsWhatItCannotVectorize) {
  Life life;
  auto owned = life.prog->create_kernel("bad");
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(N * M));
  loop->bit_vectorize = true;
  b.push_block(loop->body.get());
  Stmt *L = b.loop_index(loop);
  Stmt *i = b.binary(BinaryOp::div, L, b.const_i32(M)), *j = b.binary(BinaryOp::mod, L, b.const_i32(M));
  Stmt *v = b.global_load(b.global_ptr(life.x, {i, j}));
  b.global_store(b.global_ptr(life.y, {i, j}), b.binary(BinaryOp::mul, v, b.const_int(types::u32(), 3)));
  b.pop_block();
  try {
    life.prog->compile(*k);
    FAIL() << "expected an error";
  } catch (const CompileError &e) {
    EXPECT_STREQ(e.what(), "bit_vectorize: 'mul' on cell values is not supported");
  }
}
