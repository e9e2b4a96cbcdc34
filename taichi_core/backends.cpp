// The backends and devices by arch (the CPU today).
#include <stdexcept>

#include "codegen/cpu/cpu_jit.h"
#include "runtime/cpu/cpu_device.h"
#include "taichi_core/backend.h"
#include "taichi_core/program.h"

namespace qtaichi {

namespace {

class CpuBackend : public Backend {
 public:
  explicit CpuBackend(int opt_level) : jit_(opt_level) {}
  std::string target_id() const override { return jit_.target_id(); }

  BackendOutput compile(const ir::Kernel &kernel, const std::string &symbol_prefix,
                        const std::string *cached, bool listing) override {
    BackendOutput out;
    auto code = jit_.compile(kernel, symbol_prefix, cached, cached ? nullptr : &out.object,
                             listing);
    for (const rt::CpuTask &t : code->tasks) {
      rt::TaskDesc d;
      d.kind = t.range_for ? rt::TaskKind::range_for : rt::TaskKind::serial;
      d.symbol = t.symbol;
      d.begin = t.begin;
      d.end = t.end;
      d.begin_temp = t.begin_temp;
      d.end_temp = t.end_temp;
      d.block_dim = static_cast<int>(t.grain);
      out.tasks.push_back(d);
    }
    out.listing = std::move(code->llvm_ir);
    out.executable = std::make_unique<rt::CpuExecutable>(std::move(code->tasks));
    return out;
  }

 private:
  codegen::CpuJit jit_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(ir::Arch arch, const CompileConfig &config) {
  if (arch == ir::Arch::cpu) return std::make_unique<CpuBackend>(config.opt_level);
  throw std::runtime_error(std::string("the ") + ir::arch_name(arch) +
                           " backend is not built into this qtaichi");
}

std::unique_ptr<rt::Device> make_device(ir::Arch arch, const CompileConfig &config) {
  if (arch == ir::Arch::cpu) return std::make_unique<rt::CpuDevice>(config.num_threads);
  throw std::runtime_error(std::string("no ") + ir::arch_name(arch) + " device on this machine");
}


}  // namespace qtaichi
