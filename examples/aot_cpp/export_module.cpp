// Exporting an ahead-of-time module from C++, without Python: kernels built with the IR
// Builder, compiled by a Program, written by the AotModuleBuilder (taichi_core). The module
// holds a field `heat` (64 x f32) and two kernels: `add_source(amount: f32)` and
// `decay(rate: f32)`;
// an app loads it with the C API (qtaichi.h) like one exported from Python.
//
//   build/aot_cpp_export [--arch cpu|vulkan] [--out out/heat_module]
#include <cstdio>
#include <cstring>
#include <string>

#include "ir/builder.h"
#include "taichi_core/aot_module_builder.h"

using namespace qtaichi;
using namespace qtaichi::ir;

int main(int argc, char **argv) {
  CompileConfig config;
  std::string out = "out/heat_module";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--arch")) config.arch = !std::strcmp(argv[i + 1], "vulkan") ? Arch::vulkan : Arch::cpu;
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
  }
  try {
    Program prog(config);
    constexpr int n = 64;
    SNode *heat = prog.open_tree()->root()->dense({0}, {n})->place(types::f32(), "heat");

    // add_source(amount): heat[n / 2] += amount
    auto add_source = prog.create_kernel("add_source");
    add_source->args.push_back({"amount", types::f32()});
    {
      Builder b(add_source.get());
      b.atomic(AtomicOp::add, b.global_ptr(heat, {b.const_i32(n / 2)}), b.arg(0));
    }
    // decay(rate): heat[i] *= rate, for every cell in parallel
    auto decay = prog.create_kernel("decay");
    decay->args.push_back({"rate", types::f32()});
    {
      Builder b(decay.get());
      auto *loop = b.range_for(b.const_i32(0), b.const_i32(n));
      b.push_block(loop->body.get());
      Stmt *cell = b.global_ptr(heat, {b.loop_index(loop)});
      b.global_store(cell, b.binary(BinaryOp::mul, b.global_load(cell), b.arg(0)));
      b.pop_block();
    }
    AotModuleBuilder module(prog);
    module.add_kernel("add_source", prog.compile(*add_source), {{"amount", false, "f32", 0, {}}});
    module.add_kernel("decay", prog.compile(*decay), {{"rate", false, "f32", 0, {}}});
    module.add_field("heat", {heat}, {});
    module.save(out);
    std::printf("wrote %s (%s): kernels add_source, decay; field heat (%d x f32)\n", out.c_str(),
                arch_name(prog.target().arch), n);
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "aot_cpp_export: %s\n", e.what());
    return 1;
  }
}
