// quant_store_bench: the cost of storing two quant.int(16) members of a 32-bit bit struct, with
// store fusion and atomic demotion (QUANT_SPEC.md, "Stores, fusion and thread safety") each on
// and off, plus a plain f32-pair baseline. One process, side by side (absolute times on shared
// machines are noisy; compare the rows).
//
//   cell = ti.BitpackedFields(max_num_bits=32); cell.place(a, b)   # a, b: quant.int(16)
//   ti.root.dense(ti.i, 2**26).place(cell)
//   for i in range(2**26): a[i] = i; b[i] = -i
//
// Usage: quant_store_bench [log2_words=26] [repeats=5]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "taichi_core/program.h"

using namespace qtaichi;
using namespace qtaichi::ir;

namespace {

struct Result {
  std::string name;
  double ms = 0;
  double bytes = 0;  // written per launch
  bool ok = false;
};

// The best of `repeats` launches after one warm-up, in milliseconds.
double time_kernel(Program &prog, CompiledKernel *ck, int repeats) {
  prog.launch(ck, {});
  double best = 1e30;
  for (int r = 0; r < repeats; r++) {
    auto t0 = std::chrono::steady_clock::now();
    prog.launch(ck, {});
    prog.synchronize();
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return best;
}

// for i in range(n): fa[i] = i; fb[i] = -i
std::unique_ptr<Kernel> store_kernel(Program &prog, const std::string &name, SNode *fa, SNode *fb,
                                     int64_t n) {
  auto owned = prog.create_kernel(name);
  Kernel *k = owned.get();
  Builder b(k);
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(static_cast<int32_t>(n)));
  b.push_block(loop->body.get());
  Stmt *i = b.loop_index(loop);
  Stmt *va = i, *vb = b.unary(UnaryOp::neg, i);
  if (fa->dtype()->is_float()) {
    va = b.cast(va, fa->dtype());
    vb = b.cast(vb, fb->dtype());
  }
  b.global_store(b.global_ptr(fa, {i}), va);
  b.global_store(b.global_ptr(fb, {i}), vb);
  b.pop_block();
  return owned;
}

int count_in(const std::string &ir, const std::string &what) {
  int n = 0;
  for (size_t p = ir.find(what); p != std::string::npos; p = ir.find(what, p + 1)) n++;
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  int log2n = argc > 1 ? std::atoi(argv[1]) : 26;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  if (log2n < 4 || log2n > 30 || repeats < 1) {
    std::fprintf(stderr, "usage: %s [log2_words=26 (4..30)] [repeats=5]\n", argv[0]);
    return 2;
  }
  const int64_t n = int64_t{1} << log2n;

  CompileConfig cfg;
  cfg.offline_cache = false;
  Program prog(cfg);
  auto *qi16 = QuantType::get_int(16, true);
  auto ab = prog.open_tree()->root()->dense({0}, {n})->bit_struct(32)->place_bit_members(
      {{qi16, "a"}, {qi16, "b"}}, false);
  SNode *fx = prog.open_tree()->root()->dense({0}, {n})->place(types::f32(), "x");
  SNode *fy = prog.open_tree()->root()->dense({0}, {n})->place(types::f32(), "y");
  prog.materialize();

  std::printf("quant_store_bench: %lld words (2^%d) of 2 x quant.int(16) in 32 bits, "
              "best of %d launches, %s\n",
              static_cast<long long>(n), log2n, repeats,
              cfg.num_threads ? (std::to_string(cfg.num_threads) + " threads").c_str()
                              : "all hardware threads");

  struct Variant {
    const char *name;
    bool fusion, demotion;
  };
  const Variant variants[] = {{"neither", false, false},
                              {"demotion", false, true},
                              {"fusion", true, false},
                              {"fusion+demotion", true, true}};
  std::vector<Result> results;
  for (const Variant &v : variants) {
    auto owned = store_kernel(prog, std::string("store_") + v.name, ab[0], ab[1], n);
    Kernel *k = owned.get();
    k->quant_store_fusion = v.fusion;
    k->quant_atomic_demotion = v.demotion;
    CompiledKernel *ck = prog.compile(*k);
    const std::string &ir = ck->final_ir();
    // Garbage in every word, so a variant that writes nothing cannot pass the check.
    std::vector<uint8_t> garbage(static_cast<size_t>(n) * 4, 0xa5);
    prog.write_tree(ab[0]->tree_id(), prog.element_offset(ab[0], {0}), garbage.data(),
                    garbage.size());
    Result r{v.name, time_kernel(prog, ck, repeats), static_cast<double>(n) * 4, true};
    for (int64_t i = 0; i < n; i += 4099) {
      uint32_t w;
      prog.read_element(ab[0], {i}, &w);
      auto a = static_cast<int16_t>(w & 0xffff), b = static_cast<int16_t>(w >> 16);
      if (a != static_cast<int16_t>(i) || b != static_cast<int16_t>(-i)) {
        std::printf("  %s: word %lld holds a=%d b=%d, expected %d %d\n", v.name,
                    static_cast<long long>(i), a, b, static_cast<int16_t>(i),
                    static_cast<int16_t>(-i));
        r.ok = false;
        break;
      }
    }
    std::printf("  %-16s IR: %d global_store, %d global_load, %d atomic_cas, %d while\n", v.name,
                count_in(ir, "global_store "), count_in(ir, "global_load "),
                count_in(ir, "atomic_cas "), count_in(ir, "while "));
    results.push_back(r);
  }

  {
    CompiledKernel *ck = prog.compile(*store_kernel(prog, "store_f32_pair", fx, fy, n));
    Result r{"f32 pair (ref)", time_kernel(prog, ck, repeats), static_cast<double>(n) * 8, true};
    for (int64_t i = 0; i < n && r.ok; i += 4099) {
      float x, y;
      prog.read_element(fx, {i}, &x);
      prog.read_element(fy, {i}, &y);
      r.ok = x == static_cast<float>(i) && y == static_cast<float>(-i);
    }
    results.push_back(r);
  }

  const double neither = results[0].ms;
  std::printf("\n%-18s %12s %10s %12s %8s\n", "variant", "ms/launch", "GB/s", "vs neither",
              "values");
  for (const Result &r : results)
    std::printf("%-18s %12.2f %10.2f %11.2fx %8s\n", r.name.c_str(), r.ms,
                r.bytes / (r.ms * 1e-3) / 1e9, neither / r.ms, r.ok ? "ok" : "WRONG");
  bool all_ok = std::all_of(results.begin(), results.end(), [](const Result &r) { return r.ok; });
  double speedup = neither / results[3].ms;
  std::printf("\nfusion+demotion vs neither: %.2fx (target >= 2x): %s\n", speedup,
              speedup >= 2.0 ? "met" : "NOT met");
  return all_ok ? 0 : 1;
}
