// Field and temp addresses, local variables, atomics, the kernel's return value.
#include <llvm/IR/MDBuilder.h>

#include "codegen/llvm/kernel_emitter.h"
#include "ir/error.h"

namespace qtaichi::codegen {

using namespace qtaichi::ir;

llvm::Value *KernelEmitter::context_field(rt::ContextMember member) {
  return ir_.CreateStructGEP(context_type_, context_, static_cast<unsigned>(member));
}

// Type-based alias information: distinct fields occupy disjoint memory, and fields, temps and
// ndarrays never overlap, so each gets its own TBAA type. This lets LLVM keep a particle's
// values in registers across the atomic scatter to a grid field, for example.
void KernelEmitter::tag_memory(llvm::Instruction *inst, const Stmt *ptr) {
  std::string name;
  if (auto *a = ptr->as<GlobalAddrStmt>()) {
    // An address of a dense cell spans several fields (merge_atomics): no tag, may alias.
    if (a->field->kind() == SNodeKind::dense) return;
    name = "tree" + std::to_string(a->tree_id) + "." + std::to_string(a->field->id());
  }
  else if (ptr->is<GlobalTempStmt>())
    name = "temps";
  else if (ptr->is<ExternalAddrStmt>())
    name = "ndarrays";  // several ndarray arguments may be views of one array
  else
    return;
  llvm::MDNode *&tag = tbaa_tags_[name];
  if (!tag) {
    llvm::MDBuilder md(ctx_);
    if (!tbaa_root_) tbaa_root_ = md.createTBAARoot("qtaichi memory");
    llvm::MDNode *type = md.createTBAAScalarTypeNode(name, tbaa_root_);
    tag = md.createTBAAStructTagNode(type, type, 0);
  }
  inst->setMetadata(llvm::LLVMContext::MD_tbaa, tag);
}

llvm::Value *KernelEmitter::arg_slot(int slot) {
  llvm::IRBuilder<> &b = entry_builder();
  auto *args = b.CreateLoad(b.getPtrTy(), b.CreateStructGEP(context_type_, context_, static_cast<unsigned>(rt::ContextMember::args)));
  return b.CreateConstInBoundsGEP1_64(b.getInt64Ty(), args, slot);
}

// Tree base pointers are loaded once per task, in the entry block, so loops see invariants.
llvm::Value *KernelEmitter::tree_base(int tree_id) {
  auto it = tree_bases_.find(tree_id);
  if (it != tree_bases_.end()) return it->second;
  llvm::IRBuilder<> &b = entry_builder();
  auto *bases = b.CreateLoad(b.getPtrTy(), b.CreateStructGEP(context_type_, context_, static_cast<unsigned>(rt::ContextMember::tree_bases)));
  auto *slot = b.CreateConstGEP1_64(b.getPtrTy(), bases, tree_id);
  auto *base = b.CreateLoad(b.getPtrTy(), slot, "tree" + std::to_string(tree_id));
  tree_bases_[tree_id] = base;
  return base;
}

llvm::Value *KernelEmitter::emit_pointer(const Stmt *s) {
  if (auto *a = s->as<GlobalAddrStmt>()) {
    if (a->is_bit_level())
      throw ir::CompileError(ir::ErrorKind::internal,
                             "bit-level field '" + a->field->str() + "' reached the LLVM backend "
                             "(lower_quant must run first)", s->loc);
    return ir_.CreateInBoundsGEP(ir_.getInt8Ty(), tree_base(a->tree_id), value(a->byte_offset()));
  }
  if (auto *e = s->as<ExternalAddrStmt>()) {
    // The data pointer does not change during a launch: load it once, in the entry block.
    llvm::Value *slot = arg_slot(arg_slots_[e->arg_id]);
    auto *data = entry_builder().CreateLoad(ir_.getPtrTy(), slot);
    return ir_.CreateInBoundsGEP(ir_.getInt8Ty(), data, value(e->byte_offset()));
  }
  if (auto *t = s->as<GlobalTempStmt>()) {
    llvm::IRBuilder<> &b = entry_builder();
    auto *temps = b.CreateLoad(b.getPtrTy(), b.CreateStructGEP(context_type_, context_, static_cast<unsigned>(rt::ContextMember::temps)));
    return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), temps, t->offset);
  }
  // Alloca: in the entry block so mem2reg promotes it (an array: once per task, not per loop).
  auto *a = s->as<AllocaStmt>();
  if (a && a->is_array())
    return entry_builder().CreateAlloca(llvm::ArrayType::get(llvm_type(s->ret_type), a->array_len));
  return entry_builder().CreateAlloca(llvm_type(s->ret_type));
}

llvm::Value *KernelEmitter::local_element(const Stmt *array, const Stmt *index) {
  auto *a = array->as<AllocaStmt>();
  auto *type = llvm::ArrayType::get(llvm_type(a->ret_type), a->array_len);
  return ir_.CreateInBoundsGEP(type, value(array), {ir_.getInt32(0), value(index)});
}

llvm::Value *KernelEmitter::emit_atomic(const AtomicOpStmt *s) {
  const Type *t = s->ret_type;
  llvm::Value *ptr = value(s->ptr()), *v = value(s->value());
  using Op = llvm::AtomicRMWInst::BinOp;
  Op op;
  bool fl = t->is_float(), sg = t->is_signed();
  switch (s->op) {
    case AtomicOp::add: op = fl ? Op::FAdd : Op::Add; break;
    case AtomicOp::sub: op = fl ? Op::FSub : Op::Sub; break;
    case AtomicOp::min: op = fl ? Op::FMin : sg ? Op::Min : Op::UMin; break;
    case AtomicOp::max: op = fl ? Op::FMax : sg ? Op::Max : Op::UMax; break;
    case AtomicOp::bit_and: op = Op::And; break;
    case AtomicOp::bit_or: op = Op::Or; break;
    case AtomicOp::bit_xor: op = Op::Xor; break;
    default:  // mul: lower_float_atomics made it a CAS loop
      throw CompileError(ErrorKind::internal,
                         std::string("unexpected atomic_") + atomic_op_name(s->op) + " in codegen",
                         s->loc);
  }
  auto *rmw = ir_.CreateAtomicRMW(op, ptr, v, llvm::MaybeAlign(t->bytes()),
                                  llvm::AtomicOrdering::Monotonic);
  tag_memory(rmw, s->ptr());
  return rmw;
}

llvm::Value *KernelEmitter::emit_atomic_cas(const AtomicCASStmt *s) {
  const Type *t = s->ret_type;
  llvm::Value *expected = value(s->expected()), *desired = value(s->desired());
  if (t->is_float()) {  // cmpxchg works on integers: compare the bits
    auto *it = ir_.getIntNTy(t->bits());
    expected = ir_.CreateBitCast(expected, it);
    desired = ir_.CreateBitCast(desired, it);
  }
  auto *pair = ir_.CreateAtomicCmpXchg(value(s->ptr()), expected, desired,
                                       llvm::MaybeAlign(t->bytes()),
                                       llvm::AtomicOrdering::Monotonic,
                                       llvm::AtomicOrdering::Monotonic);
  tag_memory(pair, s->ptr());
  llvm::Value *old = ir_.CreateExtractValue(pair, 0);
  return t->is_float() ? ir_.CreateBitCast(old, llvm_type(t)) : old;
}

// The result slot is 64 bits: integers are extended, floats stored as their bits.
void KernelEmitter::emit_return(const Stmt *s) {
  auto *result = ir_.CreateLoad(ir_.getPtrTy(), context_field(rt::ContextMember::result));
  for (size_t i = 0; i < s->ops.size(); i++) {  // a vector/matrix: one slot per value
    llvm::Value *v = value(s->ops[i]);
    const Type *t = s->ops[i]->ret_type;
    if (t->is_float()) v = ir_.CreateBitCast(v, ir_.getIntNTy(t->bits()));
    v = ir_.CreateIntCast(v, ir_.getInt64Ty(), t->is_signed() && !t->is_float());
    ir_.CreateStore(v, ir_.CreateConstGEP1_64(ir_.getInt64Ty(), result, i));
  }
}

}  // namespace qtaichi::codegen
