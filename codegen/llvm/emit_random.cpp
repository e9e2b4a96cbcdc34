// ti.random: a splitmix64 stream per parallel loop index (or serial task). The stream of index
// i is seeded from (random_seed, launch count, task, i), so results are reproducible and do
// not depend on how the range is split among threads.
#include "codegen/llvm/kernel_emitter.h"

namespace qtaichi::codegen {

using namespace qtaichi::ir;

llvm::Value *KernelEmitter::mix64(llvm::Value *z) {
  auto *t = ir_.getInt64Ty();
  z = ir_.CreateMul(ir_.CreateXor(z, ir_.CreateLShr(z, 30)), llvm::ConstantInt::get(t, 0xBF58476D1CE4E5B9ull));
  z = ir_.CreateMul(ir_.CreateXor(z, ir_.CreateLShr(z, 27)), llvm::ConstantInt::get(t, 0x94D049BB133111EBull));
  return ir_.CreateXor(z, ir_.CreateLShr(z, 31));
}

void KernelEmitter::seed_rng(llvm::Value *index) {
  auto *t = ir_.getInt64Ty();
  auto *seed = ir_.CreateLoad(t, context_field(6));
  auto *launch = ir_.CreateLoad(t, context_field(7));
  llvm::Value *stream = mix64(ir_.CreateAdd(
      ir_.CreateMul(launch, llvm::ConstantInt::get(t, 0x100000001B3ull)),
      llvm::ConstantInt::get(t, static_cast<uint64_t>(task_index_) << 32)));
  llvm::Value *s = ir_.CreateAdd(mix64(ir_.CreateXor(seed, stream)),
                                 ir_.CreateZExt(index, t));
  ir_.CreateStore(mix64(s), rng_state_);
}

llvm::Value *KernelEmitter::emit_random(const Stmt *s) {
  auto *t = ir_.getInt64Ty();
  llvm::Value *state = ir_.CreateAdd(ir_.CreateLoad(t, rng_state_),
                                     llvm::ConstantInt::get(t, 0x9E3779B97F4A7C15ull));
  ir_.CreateStore(state, rng_state_);
  llvm::Value *bits = mix64(state);
  const Type *rt = s->ret_type;
  if (rt->kind() == PrimKind::f32)  // 24 random bits -> [0, 1)
    return ir_.CreateFMul(ir_.CreateUIToFP(ir_.CreateLShr(bits, 40), ir_.getFloatTy()),
                          llvm::ConstantFP::get(ir_.getFloatTy(), 1.0 / (1 << 24)));
  if (rt->kind() == PrimKind::f64)  // 53 random bits -> [0, 1)
    return ir_.CreateFMul(ir_.CreateUIToFP(ir_.CreateLShr(bits, 11), ir_.getDoubleTy()),
                          llvm::ConstantFP::get(ir_.getDoubleTy(), 1.0 / 9007199254740992.0));
  return ir_.CreateTrunc(bits, llvm_type(rt));
}

}  // namespace qtaichi::codegen
