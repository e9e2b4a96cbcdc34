#include "codegen/cuda/cuda_hooks.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/IntrinsicsNVPTX.h>
#include <llvm/IR/Metadata.h>

#include "ir/error.h"

namespace qtaichi::codegen {

ThreadRange CudaHooks::thread_range(llvm::IRBuilder<> &b, llvm::Function *,
                                    const TaskBounds &task_bounds) {
  auto sreg = [&](llvm::Intrinsic::ID id) { return b.CreateIntrinsic(id, {}, {}); };
  auto [begin, end] = task_bounds();
  llvm::Value *block_dim = sreg(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x);
  llvm::Value *thread = b.CreateAdd(
      b.CreateMul(sreg(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x), block_dim, "", true, true),
      sreg(llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x), "", true, true);
  llvm::Value *step =
      b.CreateMul(sreg(llvm::Intrinsic::nvvm_read_ptx_sreg_nctaid_x), block_dim, "", true, true);
  return {b.CreateAdd(begin, thread, "first", false, true), end, step};
}

void CudaHooks::finish_task(llvm::Function *fn) {
  llvm::Module &m = *fn->getParent();
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Metadata *md[] = {llvm::ValueAsMetadata::get(fn), llvm::MDString::get(ctx, "kernel"),
                          llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(
                              llvm::Type::getInt32Ty(ctx), 1))};
  m.getOrInsertNamedMetadata("nvvm.annotations")->addOperand(llvm::MDNode::get(ctx, md));
}

llvm::Value *CudaHooks::call_math(llvm::IRBuilder<> &b, llvm::Module &m, const std::string &name,
                                  llvm::ArrayRef<llvm::Value *> args) {
  llvm::Type *t = args[0]->getType();
  bool f32 = t->isFloatTy();
  if (!have_libdevice_) {
    // PTX's approximations, f32 only (about 2 ulp on the test ranges; far worse off them).
    if (f32 && (name == "sin" || name == "cos")) {
      auto id = name == "sin" ? llvm::Intrinsic::nvvm_sin_approx_f : llvm::Intrinsic::nvvm_cos_approx_f;
      return b.CreateIntrinsic(id, {}, {args[0]});
    }
    if (f32 && (name == "exp" || name == "log")) {
      if (name == "exp")
        return b.CreateIntrinsic(llvm::Intrinsic::nvvm_ex2_approx_f, {},
                                 {b.CreateFMul(args[0], llvm::ConstantFP::get(t, 1.4426950408889634))});
      return b.CreateFMul(b.CreateIntrinsic(llvm::Intrinsic::nvvm_lg2_approx_f, {}, {args[0]}),
                          llvm::ConstantFP::get(t, 0.6931471805599453));
    }
    throw ir::CompileError(ir::ErrorKind::compile,
                           "'" + name + "' on " + (f32 ? "f32" : "f64") +
                               " needs CUDA's libdevice (nvvm/libdevice/libdevice.10.bc), which "
                               "was not found: set CUDA_HOME or QTAICHI_LIBDEVICE");
  }
  std::string nv = "__nv_" + name + (f32 ? "f" : "");
  std::vector<llvm::Type *> params(args.size(), t);
  auto callee = m.getOrInsertFunction(nv, llvm::FunctionType::get(t, params, false));
  return b.CreateCall(callee, args);
}

// vprintf(format, buffer): the values packed in one local buffer, each 8 bytes.
void CudaHooks::call_printf(llvm::IRBuilder<> &b, llvm::Module &m, llvm::Value *format,
                            llvm::ArrayRef<llvm::Value *> args) {
  llvm::Value *buffer = llvm::ConstantPointerNull::get(b.getPtrTy());
  if (!args.empty()) {
    std::vector<llvm::Type *> members;
    for (llvm::Value *a : args) members.push_back(a->getType());
    auto *st = llvm::StructType::get(m.getContext(), members);
    llvm::Function *fn = b.GetInsertBlock()->getParent();
    llvm::IRBuilder<> entry(&fn->getEntryBlock(), fn->getEntryBlock().begin());
    buffer = entry.CreateAlloca(st);
    for (size_t i = 0; i < args.size(); i++)
      b.CreateStore(args[i], b.CreateStructGEP(st, buffer, static_cast<unsigned>(i)));
  }
  auto vprintf = m.getOrInsertFunction(
      "vprintf", llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy(), b.getPtrTy()}, false));
  b.CreateCall(vprintf, {format, buffer});
}

}  // namespace qtaichi::codegen
