#include "codegen/cuda/ptx_compiler.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Linker/Linker.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/Config/llvm-config.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "codegen/cuda/cuda_hooks.h"
#include "ir/error.h"

extern "C" {
void LLVMInitializeNVPTXTargetInfo();
void LLVMInitializeNVPTXTarget();
void LLVMInitializeNVPTXTargetMC();
void LLVMInitializeNVPTXAsmPrinter();
}

namespace qtaichi::codegen {

namespace {

constexpr const char *kTriple = "nvptx64-nvidia-cuda";
constexpr int kNewestIsaInLlvm = 85;  // LLVM 19's NVPTX target knows PTX ISA up to 8.5

[[noreturn]] void fail(const std::string &what) {
  throw ir::CompileError(ir::ErrorKind::internal, "CUDA backend: " + what);
}

// The PTX ISA version each SM first appears in.
int least_isa_for(int sm) {
  if (sm >= 89) return 78;
  if (sm >= 87) return 74;
  if (sm >= 86) return 71;
  return 70;
}

// The newest PTX ISA a driver of this CUDA version loads.
int isa_of_driver(int version) {
  int major = version / 1000, minor = (version % 1000) / 10;
  if (major == 11) return 70 + std::min(minor, 8);
  if (major == 12) return 80 + std::min(minor, 9);
  if (major > 12) return 90;
  return 70;
}

}  // namespace

PtxTarget PtxTarget::for_device(int cc, int driver_version) {
  PtxTarget t;
  t.sm = std::clamp(cc, 80, 90);  // newer GPUs JIT sm_90 PTX
  int least = least_isa_for(t.sm);
  t.isa = driver_version ? std::clamp(isa_of_driver(driver_version), least, kNewestIsaInLlvm)
                         : least;
  return t;
}

std::string PtxTarget::str() const {
  return "sm_" + std::to_string(sm) + "+ptx" + std::to_string(isa);
}

std::string PtxCompiler::find_libdevice() {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates;
  if (const char *p = std::getenv("QTAICHI_LIBDEVICE")) candidates.push_back(p);
  if (const char *home = std::getenv("CUDA_HOME"))
    candidates.push_back(std::string(home) + "/nvvm/libdevice/libdevice.10.bc");
  candidates.push_back("/usr/local/cuda/nvvm/libdevice/libdevice.10.bc");
  for (const std::string &c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
  }
  return "";
}

struct PtxCompiler::Impl {
  PtxTarget target;
  int opt_level = 3;
  std::unique_ptr<llvm::TargetMachine> tm;
  std::string libdevice_path;
  std::unique_ptr<llvm::MemoryBuffer> libdevice;  // read once, parsed lazily per kernel
  std::mutex mu;

  void link_libdevice(llvm::Module &m) {
    auto lazy = llvm::getOwningLazyBitcodeModule(
        llvm::MemoryBuffer::getMemBuffer(libdevice->getMemBufferRef(), false), m.getContext());
    if (!lazy) fail("cannot read libdevice " + libdevice_path + ": " + llvm::toString(lazy.takeError()));
    (*lazy)->setTargetTriple(kTriple);
    (*lazy)->setDataLayout(m.getDataLayout());
    if (llvm::Linker::linkModules(m, std::move(*lazy), llvm::Linker::LinkOnlyNeeded))
      fail("linking libdevice failed");
  }

  void optimize(llvm::Module &m) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm.get());  // adds NVVMReflect, which resolves libdevice's choices
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = opt_level <= 0   ? llvm::OptimizationLevel::O0
                                    : opt_level == 1 ? llvm::OptimizationLevel::O1
                                    : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                     : llvm::OptimizationLevel::O3;
    if (opt_level > 0) pb.buildPerModuleDefaultPipeline(level).run(m, mam);
  }
};

PtxCompiler::PtxCompiler(PtxTarget target, int opt_level) : impl_(std::make_unique<Impl>()) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  impl_->target = target;
  impl_->opt_level = opt_level;
  std::string err;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(kTriple, err);
  if (!t) fail("LLVM has no NVPTX target: " + err);
  llvm::TargetOptions options;
  impl_->tm.reset(t->createTargetMachine(kTriple, "sm_" + std::to_string(target.sm),
                                         "+ptx" + std::to_string(target.isa), options,
                                         std::nullopt, std::nullopt,
                                         llvm::CodeGenOptLevel::Aggressive));
  if (!impl_->tm) fail("cannot create the NVPTX target machine for " + target.str());
  impl_->libdevice_path = find_libdevice();
  if (!impl_->libdevice_path.empty()) {
    auto buf = llvm::MemoryBuffer::getFile(impl_->libdevice_path);
    if (buf) impl_->libdevice = std::move(*buf);
    else impl_->libdevice_path.clear();
  }
}

PtxCompiler::~PtxCompiler() = default;

const PtxTarget &PtxCompiler::target() const { return impl_->target; }

std::string PtxCompiler::target_id() const {
  return std::string("llvm-") + LLVM_VERSION_STRING + ";" + kTriple + ";" + impl_->target.str() +
         ";libdevice=" + (impl_->libdevice ? std::to_string(impl_->libdevice->getBufferSize()) : "none") +
         ";O" + std::to_string(impl_->opt_level);
}

std::vector<LlvmTask> PtxCompiler::tasks(const ir::Kernel &kernel, const std::string &prefix) {
  CudaHooks hooks(impl_->libdevice != nullptr);
  return emit_llvm(kernel, prefix, hooks).tasks;
}

PtxKernel PtxCompiler::compile(const ir::Kernel &kernel, const std::string &prefix,
                               bool keep_llvm_ir) {
  CudaHooks hooks(impl_->libdevice != nullptr);
  LlvmKernel lk = emit_llvm(kernel, prefix, hooks);
  std::lock_guard<std::mutex> lock(impl_->mu);
  llvm::Module &m = *lk.module;
  m.setTargetTriple(kTriple);
  m.setDataLayout(impl_->tm->createDataLayout());
  if (impl_->libdevice) impl_->link_libdevice(m);
  // Only the task kernels are entry points: everything else may be inlined and dropped.
  for (llvm::Function &f : m) {
    if (f.isDeclaration()) continue;
    bool task = std::any_of(lk.tasks.begin(), lk.tasks.end(),
                            [&](const LlvmTask &t) { return t.symbol == f.getName(); });
    if (!task) f.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  impl_->optimize(m);
  PtxKernel out;
  if (keep_llvm_ir) {
    llvm::raw_string_ostream os(out.llvm_ir);
    m.print(os, nullptr);
  }
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream os(text);
  llvm::legacy::PassManager pm;
  if (impl_->tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile))
    fail("the NVPTX target cannot emit PTX");
  pm.run(m);
  out.ptx.assign(text.begin(), text.end());
  out.tasks = std::move(lk.tasks);
  if (const char *dir = std::getenv("QTAICHI_DUMP_PTX"); dir && *dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::ofstream(std::string(dir) + "/" + prefix + ".ptx") << out.ptx;
  }
  return out;
}

}  // namespace qtaichi::codegen
