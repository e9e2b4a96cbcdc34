#include "codegen/cpu/cpu_hooks.h"

#include <llvm/IR/Intrinsics.h>

#include <map>

namespace qtaichi::codegen {

std::vector<llvm::Type *> CpuHooks::range_task_params(llvm::LLVMContext &ctx) const {
  return {llvm::Type::getInt32Ty(ctx), llvm::Type::getInt32Ty(ctx)};
}

ThreadRange CpuHooks::thread_range(llvm::IRBuilder<> &b, llvm::Function *fn,
                                   const TaskBounds &) {
  return {fn->getArg(1), fn->getArg(2), b.getInt32(1)};
}

llvm::Value *CpuHooks::call_math(llvm::IRBuilder<> &b, llvm::Module &m, const std::string &name,
                                 llvm::ArrayRef<llvm::Value *> args) {
  // LLVM knows these (and may vectorize them); the rest are plain libm calls.
  static const std::map<std::string, llvm::Intrinsic::ID> intrinsics = {
      {"sin", llvm::Intrinsic::sin}, {"cos", llvm::Intrinsic::cos},
      {"exp", llvm::Intrinsic::exp}, {"log", llvm::Intrinsic::log},
      {"pow", llvm::Intrinsic::pow}};
  if (name == "fmod") return b.CreateFRem(args[0], args[1]);  // LLVM calls fmod/fmodf
  if (auto it = intrinsics.find(name); it != intrinsics.end())
    return args.size() == 1 ? b.CreateUnaryIntrinsic(it->second, args[0])
                            : b.CreateBinaryIntrinsic(it->second, args[0], args[1]);
  llvm::Type *t = args[0]->getType();
  std::string c_name = t->isFloatTy() ? name + "f" : name;
  std::vector<llvm::Type *> params(args.size(), t);
  auto callee = m.getOrInsertFunction(c_name, llvm::FunctionType::get(t, params, false));
  if (auto *f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    f->setDoesNotThrow();
    f->setWillReturn();
    f->setMemoryEffects(llvm::MemoryEffects::none());
  }
  return b.CreateCall(callee, args);
}

void CpuHooks::call_printf(llvm::IRBuilder<> &b, llvm::Module &m, llvm::Value *format,
                           llvm::ArrayRef<llvm::Value *> args) {
  auto printf_fn = m.getOrInsertFunction(
      "printf", llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, true));
  std::vector<llvm::Value *> all{format};
  all.insert(all.end(), args.begin(), args.end());
  b.CreateCall(printf_fn, all);
}

}  // namespace qtaichi::codegen
