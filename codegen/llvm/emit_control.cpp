// Kernel driver, tasks and structured control flow.
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/llvm/kernel_emitter.h"
#include "ir/error.h"
#include "runtime/context.h"

namespace qtaichi::codegen {

using namespace qtaichi::ir;

LlvmKernel::LlvmKernel() = default;
LlvmKernel::~LlvmKernel() = default;
LlvmKernel::LlvmKernel(LlvmKernel &&) noexcept = default;

KernelEmitter::KernelEmitter(const Kernel &kernel, const std::string &prefix, TargetHooks &hooks,
                             LlvmKernel &out)
    : kernel_(kernel), prefix_(prefix), hooks_(hooks), out_(out), ctx_(*out.context), module_(*out.module),
      ir_(ctx_), entry_ir_(ctx_) {
  // Mirrors rt::RuntimeContext.
  auto *ptr = llvm::PointerType::getUnqual(ctx_);
  auto *i32 = ir_.getInt32Ty(), *i64 = ir_.getInt64Ty();
  auto *i64_array = llvm::ArrayType::get(i64, rt::kMaxAssertArgs);
  std::vector<llvm::Type *> members;
#define QTI_MEMBER(name, kind, decl) members.push_back(kind);
  QTI_RUNTIME_CONTEXT_MEMBERS(QTI_MEMBER)
#undef QTI_MEMBER
  context_type_ = llvm::StructType::create(ctx_, members, "RuntimeContext");
}

void KernelEmitter::run() {
  if (!kernel_.offloaded || !kernel_.access_lowered)
    throw CompileError(ErrorKind::internal, "emit_llvm needs a kernel after the pipeline");
  arg_slots_ = arg_slots(kernel_.args);
  int i = 0;
  for (const auto &s : kernel_.body->stmts) emit_task(s->as<OffloadedTaskStmt>(), i++);
  std::string err;
  llvm::raw_string_ostream os(err);
  if (llvm::verifyModule(module_, &os))
    throw CompileError(ErrorKind::internal, "generated LLVM IR is invalid: " + os.str());
}

llvm::IRBuilder<> &KernelEmitter::entry_builder() {
  if (auto *term = entry_->getTerminator()) entry_ir_.SetInsertPoint(term);
  else entry_ir_.SetInsertPoint(entry_);
  return entry_ir_;
}

void KernelEmitter::emit_task(const OffloadedTaskStmt *task, int index) {
  auto *ptr = llvm::PointerType::getUnqual(ctx_);
  bool range = task->task_kind == TaskKind::range_for;
  std::vector<llvm::Type *> params{ptr};
  if (range) {
    auto extra = hooks_.range_task_params(ctx_);
    params.insert(params.end(), extra.begin(), extra.end());
  }
  auto *fty = llvm::FunctionType::get(ir_.getVoidTy(), params, false);
  std::string name = prefix_ + "_t" + std::to_string(index);
  fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, module_);
  fn_->addFnAttr(llvm::Attribute::NoUnwind);
  fn_->addParamAttr(0, llvm::Attribute::NoAlias);
  context_ = fn_->getArg(0);
  tree_bases_.clear();
  entry_ = llvm::BasicBlock::Create(ctx_, "entry", fn_);
  auto *body = llvm::BasicBlock::Create(ctx_, "body", fn_);
  ir_.SetInsertPoint(body);
  if (hooks_.check_error_on_entry()) {
    auto *run = llvm::BasicBlock::Create(ctx_, "run", fn_);
    auto *skip = llvm::BasicBlock::Create(ctx_, "skip", fn_);
    auto *code = ir_.CreateLoad(ir_.getInt32Ty(), context_field(rt::ContextMember::error_code));
    ir_.CreateCondBr(ir_.CreateICmpEQ(code, ir_.getInt32(0)), run, skip);
    ir_.SetInsertPoint(skip);
    ir_.CreateRetVoid();
    ir_.SetInsertPoint(run);
  }
  if (range) {
    ThreadRange r = hooks_.thread_range(ir_, fn_, [&] { return task_bounds(task); });
    // A loop from a constant begin >= 0 (every struct-for and ndrange) has non-negative
    // indices: telling LLVM lets `i / 512` and `i % 512` become shifts and masks.
    if (task->begin_temp < 0 && task->begin >= 0)
      ir_.CreateAssumption(ir_.CreateICmpSGE(r.first, ir_.getInt32(0)));
    emit_counted_loop(task, r.first, r.end, r.step, *task->body);
  } else {
    emit_block(*task->body);
  }
  ir_.CreateRetVoid();
  llvm::IRBuilder<>(entry_).CreateBr(body);
  hooks_.finish_task(fn_);

  LlvmTask info;
  info.symbol = name;
  info.range_for = range;
  info.begin = task->begin;
  info.end = task->end;
  info.begin_temp = task->begin_temp;
  info.end_temp = task->end_temp;
  info.block_dim = task->block_dim;
  out_.tasks.push_back(info);
}

void KernelEmitter::emit_block(const Block &block) {
  for (const auto &s : block.stmts) emit_stmt(s.get());
}

void KernelEmitter::start_dead_block() {
  ir_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", fn_));
}

std::pair<llvm::Value *, llvm::Value *> KernelEmitter::task_bounds(const OffloadedTaskStmt *task) {
  auto bound = [&](int64_t value, int64_t temp) -> llvm::Value * {
    if (temp < 0) return ir_.getInt32(static_cast<int32_t>(value));
    auto *temps = ir_.CreateLoad(ir_.getPtrTy(), context_field(rt::ContextMember::temps));
    return ir_.CreateLoad(ir_.getInt32Ty(), ir_.CreateConstInBoundsGEP1_64(ir_.getInt8Ty(), temps, temp));
  };
  return {bound(task->begin, task->begin_temp), bound(task->end, task->end_temp)};
}

void KernelEmitter::emit_counted_loop(const Stmt *loop, llvm::Value *begin, llvm::Value *end,
                                      llvm::Value *step, const Block &body) {
  auto *pre = ir_.GetInsertBlock();
  auto *cond = llvm::BasicBlock::Create(ctx_, "for.cond", fn_);
  auto *bodyb = llvm::BasicBlock::Create(ctx_, "for.body", fn_);
  auto *inc = llvm::BasicBlock::Create(ctx_, "for.inc", fn_);
  auto *after = llvm::BasicBlock::Create(ctx_, "for.end", fn_);
  ir_.CreateBr(cond);
  ir_.SetInsertPoint(cond);
  auto *iv = ir_.CreatePHI(ir_.getInt32Ty(), 2, "i");
  iv->addIncoming(begin, pre);
  ir_.CreateCondBr(ir_.CreateICmpSLT(iv, end), bodyb, after);
  ir_.SetInsertPoint(bodyb);
  values_[loop] = iv;
  loops_.push_back({inc, after});
  emit_block(body);
  loops_.pop_back();
  ir_.CreateBr(inc);
  ir_.SetInsertPoint(inc);
  // A unit step stops at end <= INT32_MAX, so it cannot wrap; a GPU's grid stride might.
  bool unit = llvm::isa<llvm::ConstantInt>(step) && llvm::cast<llvm::ConstantInt>(step)->isOne();
  auto *next = ir_.CreateAdd(iv, step, "i.next", /*HasNUW=*/false, /*HasNSW=*/unit);
  iv->addIncoming(next, inc);
  ir_.CreateBr(cond);
  ir_.SetInsertPoint(after);
}

void KernelEmitter::emit_range_for(const RangeForStmt *s) {
  emit_counted_loop(s, value(s->begin()), value(s->end()), ir_.getInt32(1), *s->body);
}

void KernelEmitter::emit_if(const IfStmt *s) {
  auto *then_b = llvm::BasicBlock::Create(ctx_, "if.then", fn_);
  auto *else_b = llvm::BasicBlock::Create(ctx_, "if.else", fn_);
  auto *merge = llvm::BasicBlock::Create(ctx_, "if.end", fn_);
  ir_.CreateCondBr(truthy(value(s->cond())), then_b, else_b);
  ir_.SetInsertPoint(then_b);
  emit_block(*s->true_block);
  ir_.CreateBr(merge);
  ir_.SetInsertPoint(else_b);
  emit_block(*s->false_block);
  ir_.CreateBr(merge);
  ir_.SetInsertPoint(merge);
}

void KernelEmitter::emit_while(const WhileStmt *s) {
  auto *loop = llvm::BasicBlock::Create(ctx_, "while.body", fn_);
  auto *after = llvm::BasicBlock::Create(ctx_, "while.end", fn_);
  ir_.CreateBr(loop);
  ir_.SetInsertPoint(loop);
  loops_.push_back({loop, after});
  emit_block(*s->body);
  loops_.pop_back();
  ir_.CreateBr(loop);
  ir_.SetInsertPoint(after);
}

void KernelEmitter::emit_stmt(const Stmt *s) {
  llvm::Value *v = nullptr;
  switch (s->kind()) {
    case StmtKind::ConstStmt: v = emit_const(s->as<ConstStmt>()); break;
    case StmtKind::UnaryOpStmt: v = emit_unary(s->as<UnaryOpStmt>()); break;
    case StmtKind::BinaryOpStmt: v = emit_binary(s->as<BinaryOpStmt>()); break;
    case StmtKind::TernaryOpStmt:
      v = ir_.CreateSelect(truthy(value(s->ops[0])), value(s->ops[1]), value(s->ops[2]));
      break;
    case StmtKind::ArgLoadStmt: {
      // Little-endian: a narrower value sits in the slot's low bits.
      auto *slot = arg_slot(arg_slots_[s->as<ArgLoadStmt>()->arg_id]);
      v = ir_.CreateLoad(llvm_type(s->ret_type), slot);
      break;
    }
    case StmtKind::ReturnStmt: emit_return(s); break;
    case StmtKind::LoopIndexStmt: v = value(s->as<LoopIndexStmt>()->loop); break;
    case StmtKind::GlobalAddrStmt:
    case StmtKind::GlobalTempStmt:
    case StmtKind::ExternalAddrStmt:
      v = emit_pointer(s);
      break;
    case StmtKind::ExternalShapeStmt: {
      auto *e = s->as<ExternalShapeStmt>();
      auto *slot = arg_slot(arg_slots_[e->arg_id] + 1 + e->axis);
      v = ir_.CreateTrunc(ir_.CreateLoad(ir_.getInt64Ty(), slot), ir_.getInt32Ty());
      break;
    }
    case StmtKind::ContextValueStmt:  // RuntimeContext's rand_seed and launch_id
      v = ir_.CreateLoad(ir_.getInt64Ty(),
                         context_field(s->as<ContextValueStmt>()->which == ContextValue::rand_seed
                                           ? rt::ContextMember::rand_seed
                                           : rt::ContextMember::launch_id));
      break;
    case StmtKind::AllocaStmt: {
      v = emit_pointer(s);
      // A local array (a call stack) is written before it is read: no zeroing.
      if (!s->as<AllocaStmt>()->is_array())
        ir_.CreateStore(llvm::Constant::getNullValue(llvm_type(s->ret_type)), v);
      break;
    }
    case StmtKind::LocalLoadStmt:
      if (const Stmt *index = s->as<LocalLoadStmt>()->index()) {
        v = ir_.CreateLoad(llvm_type(s->ret_type), local_element(s->ops[0], index));
        break;
      }
      [[fallthrough]];
    case StmtKind::GlobalLoadStmt: {
      auto *load = ir_.CreateLoad(llvm_type(s->ret_type), value(s->ops[0]));
      tag_memory(load, s->ops[0]);
      v = load;
      break;
    }
    case StmtKind::LocalStoreStmt:
      if (const Stmt *index = s->as<LocalStoreStmt>()->index()) {
        ir_.CreateStore(value(s->ops[1]), local_element(s->ops[0], index));
        break;
      }
      [[fallthrough]];
    case StmtKind::GlobalStoreStmt:
      tag_memory(ir_.CreateStore(value(s->ops[1]), value(s->ops[0])), s->ops[0]);
      break;
    case StmtKind::AtomicOpStmt: v = emit_atomic(s->as<AtomicOpStmt>()); break;
    case StmtKind::AtomicCASStmt: v = emit_atomic_cas(s->as<AtomicCASStmt>()); break;
    case StmtKind::RangeForStmt: emit_range_for(s->as<RangeForStmt>()); break;
    case StmtKind::IfStmt: emit_if(s->as<IfStmt>()); break;
    case StmtKind::WhileStmt: emit_while(s->as<WhileStmt>()); break;
    case StmtKind::BreakStmt:
      ir_.CreateBr(loops_.back().break_to);
      start_dead_block();
      break;
    case StmtKind::ContinueStmt:
      ir_.CreateBr(loops_.back().continue_to);
      start_dead_block();
      break;
    case StmtKind::PrintStmt: emit_print(s->as<PrintStmt>()); break;
    case StmtKind::AssertStmt: emit_assert(s->as<AssertStmt>()); break;
    case StmtKind::GlobalPtrStmt:
    case StmtKind::ExternalPtrStmt:
    case StmtKind::BitStructStoreStmt:
    case StmtKind::OffloadedTaskStmt:
      throw CompileError(ErrorKind::internal,
                         std::string("unexpected '") + s->kind_name() + "' in LLVM codegen",
                         s->loc);
  }
  if (v) values_[s] = v;
}

llvm::Type *KernelEmitter::llvm_type(const Type *t) {
  switch (t->kind()) {
    case PrimKind::u1: return ir_.getInt1Ty();
    case PrimKind::i8:
    case PrimKind::u8: return ir_.getInt8Ty();
    case PrimKind::i16:
    case PrimKind::u16: return ir_.getInt16Ty();
    case PrimKind::i32:
    case PrimKind::u32: return ir_.getInt32Ty();
    case PrimKind::i64:
    case PrimKind::u64: return ir_.getInt64Ty();
    case PrimKind::f32: return ir_.getFloatTy();
    case PrimKind::f64: return ir_.getDoubleTy();
    case PrimKind::void_: return ir_.getVoidTy();
  }
  return nullptr;
}

LlvmKernel emit_llvm(const Kernel &kernel, const std::string &symbol_prefix, TargetHooks &hooks) {
  LlvmKernel out;
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = std::make_unique<llvm::Module>(symbol_prefix, *out.context);
  KernelEmitter(kernel, symbol_prefix, hooks, out).run();
  return out;
}

}  // namespace qtaichi::codegen
