#include "codegen/cpu/cpu_jit.h"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdlib>
#include <mutex>

#include "codegen/cpu/cpu_hooks.h"
#include "ir/error.h"

namespace qtaichi::codegen {

namespace {

[[noreturn]] void fail(const std::string &what, llvm::Error err) {
  std::string msg;
  llvm::raw_string_ostream os(msg);
  os << err;
  throw ir::CompileError(ir::ErrorKind::internal, what + ": " + os.str());
}

template <typename T>
T unwrap(llvm::Expected<T> v, const std::string &what) {
  if (!v) fail(what, v.takeError());
  return std::move(*v);
}

void init_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::OptimizationLevel opt_level_of(int level) {
  switch (level) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 2: return llvm::OptimizationLevel::O2;
    default: return llvm::OptimizationLevel::O3;
  }
}

}  // namespace

struct CpuJit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::unique_ptr<llvm::TargetMachine> tm;
  int opt_level;
  std::mutex mu;

  void optimize(llvm::Module &m) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions pto;
    pto.LoopVectorization = opt_level >= 2;
    pto.SLPVectorization = opt_level >= 2;
    llvm::PassBuilder pb(tm.get(), pto);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    if (opt_level == 0) return;
    pb.buildPerModuleDefaultPipeline(opt_level_of(opt_level)).run(m, mam);
  }
};

CpuJit::CpuJit(int opt_level) : impl_(std::make_unique<Impl>()) {
  init_llvm_once();
  impl_->opt_level = opt_level;
  auto jtmb = unwrap(llvm::orc::JITTargetMachineBuilder::detectHost(), "detecting the host CPU");
  // LLVM 19's X86 backend miscompiles a masked select of bit-field updates into one
  // vpternlogq with the wrong truth table when AVX-512VL is on (a quant store next to another
  // in one word read back as zeros; tests/python/test_regressions_fuzz.py). LLVM prefers 256-bit
  // vectors on these CPUs anyway, so AVX2 code loses little (docs/performance.md).
  // QTAICHI_CPU_AVX512=1 turns AVX-512 back on, for measuring.
  const char *avx512 = std::getenv("QTAICHI_CPU_AVX512");
  if (jtmb.getTargetTriple().isX86() && !(avx512 && std::string(avx512) == "1"))
    jtmb.getFeatures().AddFeature("avx512f", false);  // and everything that needs it
  jtmb.setCodeGenOptLevel(opt_level >= 2 ? llvm::CodeGenOptLevel::Aggressive
                                         : llvm::CodeGenOptLevel::Default);
  // Position-independent code: the same object the JIT runs links into an ahead-of-time
  // module's shared object.
  jtmb.setRelocationModel(llvm::Reloc::PIC_);
  impl_->tm = unwrap(jtmb.createTargetMachine(), "creating the target machine");
  impl_->jit = unwrap(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(jtmb).create(),
                      "creating the JIT");
  // printf and libm functions come from the host process.
  auto &dl = impl_->jit->getDataLayout();
  impl_->jit->getMainJITDylib().addGenerator(unwrap(
      llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(dl.getGlobalPrefix()),
      "opening the process's symbols"));
}

CpuJit::~CpuJit() = default;

std::string CpuJit::target_id() const {
  return std::string("llvm-") + LLVM_VERSION_STRING + ";" + impl_->tm->getTargetTriple().str() +
         ";" + impl_->tm->getTargetCPU().str() + ";" + impl_->tm->getTargetFeatureString().str() +
         ";O" + std::to_string(impl_->opt_level) + ";pic";
}

std::unique_ptr<CpuKernel> CpuJit::compile(const ir::Kernel &kernel,
                                           const std::string &symbol_prefix,
                                           const std::string *cached_object,
                                           std::string *new_object, bool keep_llvm_ir) {
  // Emission is cheap and gives the task table either way.
  CpuHooks hooks;
  LlvmKernel lk = emit_llvm(kernel, symbol_prefix, hooks);
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto out = std::make_unique<CpuKernel>();
  std::unique_ptr<llvm::MemoryBuffer> object;
  if (cached_object) {
    object = llvm::MemoryBuffer::getMemBufferCopy(*cached_object, symbol_prefix);
  } else {
    lk.module->setDataLayout(impl_->jit->getDataLayout());
    lk.module->setTargetTriple(impl_->tm->getTargetTriple().str());
    for (llvm::Function &f : *lk.module) {
      if (f.isDeclaration()) continue;
      f.addFnAttr("target-cpu", impl_->tm->getTargetCPU());
      f.addFnAttr("target-features", impl_->tm->getTargetFeatureString());
    }
    impl_->optimize(*lk.module);
    if (keep_llvm_ir) {
      llvm::raw_string_ostream os(out->llvm_ir);
      lk.module->print(os, nullptr);
    }
    llvm::SmallVector<char, 0> bytes;
    llvm::raw_svector_ostream os(bytes);
    llvm::legacy::PassManager pm;
    if (impl_->tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
      throw ir::CompileError(ir::ErrorKind::internal, "the target cannot emit object files");
    pm.run(*lk.module);
    if (new_object) new_object->assign(bytes.begin(), bytes.end());
    object = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(bytes.data(), bytes.size()),
                                                  symbol_prefix);
  }
  if (auto err = impl_->jit->addObjectFile(std::move(object)))
    fail("loading the object code", std::move(err));
  for (const LlvmTask &t : lk.tasks) {
    auto addr = unwrap(impl_->jit->lookup(t.symbol), "looking up " + t.symbol);
    out->tasks.push_back(rt::CpuTask{rt::task_desc_of(t, t.block_dim), addr.toPtr<void *>()});
  }
  return out;
}

}  // namespace qtaichi::codegen
