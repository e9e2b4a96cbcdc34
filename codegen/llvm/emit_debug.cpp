// print and assert.
#include <llvm/IR/MDBuilder.h>

#include "codegen/llvm/kernel_emitter.h"
#include "ir/visitor.h"
#include "runtime/context.h"

namespace qtaichi::codegen {

using namespace qtaichi::ir;

// One printf call per print statement, so lines from different threads do not interleave.
void KernelEmitter::emit_print(const PrintStmt *s) {
  std::string fmt;
  std::vector<llvm::Value *> args;
  for (size_t i = 0; i < s->items.size(); i++) {
    if (i) fmt += ' ';
    const auto &item = s->items[i];
    if (std::holds_alternative<std::string>(item)) {
      for (char c : std::get<std::string>(item)) fmt += c == '%' ? std::string("%%") : std::string(1, c);
      continue;
    }
    const Stmt *v = s->ops[std::get<int>(item)];
    const Type *t = v->ret_type;
    llvm::Value *x = value(v);
    if (t->is_float()) {
      fmt += "%f";
      args.push_back(ir_.CreateFPExt(x, ir_.getDoubleTy()));
    } else {
      fmt += t->is_signed() ? "%lld" : "%llu";
      args.push_back(ir_.CreateIntCast(x, ir_.getInt64Ty(), t->is_signed()));
    }
  }
  fmt += '\n';
  hooks_.call_printf(ir_, module_, ir_.CreateGlobalStringPtr(fmt), args);
}

// On failure: the first failing assertion records its code and values; the task returns.
void KernelEmitter::emit_assert(const AssertStmt *s) {
  if (assert_codes_.empty()) {
    int n = 0;
    for (const AssertStmt *a : assertions_in_order(kernel_)) assert_codes_[a] = ++n;
  }
  int code = assert_codes_.at(s);
  int nargs = std::min<int>(static_cast<int>(s->ops.size()) - 1, rt::kMaxAssertArgs);
  auto *fail = llvm::BasicBlock::Create(ctx_, "assert.fail", fn_);
  auto *record = llvm::BasicBlock::Create(ctx_, "assert.record", fn_);
  auto *leave = llvm::BasicBlock::Create(ctx_, "assert.leave", fn_);
  auto *ok = llvm::BasicBlock::Create(ctx_, "assert.ok", fn_);
  ir_.CreateCondBr(truthy(value(s->ops[0])), ok, fail,
                   llvm::MDBuilder(ctx_).createBranchWeights(1 << 20, 1));
  ir_.SetInsertPoint(fail);
  auto *pair = ir_.CreateAtomicCmpXchg(context_field(rt::ContextMember::error_code), ir_.getInt32(0), ir_.getInt32(code),
                                       llvm::MaybeAlign(4), llvm::AtomicOrdering::SequentiallyConsistent,
                                       llvm::AtomicOrdering::SequentiallyConsistent);
  ir_.CreateCondBr(ir_.CreateExtractValue(pair, 1), record, leave);
  ir_.SetInsertPoint(record);
  for (int i = 0; i < nargs; i++) {
    const Stmt *a = s->ops[i + 1];
    llvm::Value *v = value(a);
    // Floats travel as the bits of a double (formatted by %f).
    if (a->ret_type->is_float())
      v = ir_.CreateBitCast(ir_.CreateFPExt(v, ir_.getDoubleTy()), ir_.getInt64Ty());
    else v = ir_.CreateIntCast(v, ir_.getInt64Ty(), a->ret_type->is_signed());
    auto *slot = ir_.CreateConstGEP2_32(llvm::ArrayType::get(ir_.getInt64Ty(), rt::kMaxAssertArgs),
                                        context_field(rt::ContextMember::error_args), 0, i);
    ir_.CreateStore(v, slot);
  }
  ir_.CreateBr(leave);
  ir_.SetInsertPoint(leave);
  ir_.CreateRetVoid();
  ir_.SetInsertPoint(ok);
}

}  // namespace qtaichi::codegen
