// Addresses (tree bases, arguments, temps, ndarrays) and memory access through
// PhysicalStorageBuffer pointers, atomics, the kernel's return value.
#include <set>

#include "codegen/spirv/task_emitter.h"
#include "ir/error.h"
#include "ir/visitor.h"

namespace qtaichi::codegen::spirv {

using namespace qtaichi::ir;

Id TaskEmitter::context_address(size_t offset) {
  return b_.op(Op::OpIAdd, u64_, {context_, b_.c_u64(offset)});
}

Id TaskEmitter::typed_pointer(Id address, Id type) {
  return b_.op(Op::OpConvertUToPtr, b_.t_pointer(spv::StorageClass::PhysicalStorageBuffer, type),
               {address});
}

Id TaskEmitter::load_at(Id address, Id type, uint32_t align) {
  return b_.op(Op::OpLoad, type,
               {typed_pointer(address, type), static_cast<uint32_t>(spv::MemoryAccessMask::Aligned), align});
}

void TaskEmitter::store_at(Id address, Id value_id, Id type, uint32_t align) {
  b_.op_void(Op::OpStore, {typed_pointer(address, type), value_id,
                           static_cast<uint32_t>(spv::MemoryAccessMask::Aligned), align});
}

// Tree bases, the argument slots, the result slot and the temps: loaded once at the start of
// the task, so every use is dominated by its definition.
void TaskEmitter::load_bases() {
  auto ptr_member = [&](size_t offset) { return load_at(context_address(offset), u64_, 8); };
  args_ = ptr_member(offsetof(rt::RuntimeContext, args));
  result_ = ptr_member(offsetof(rt::RuntimeContext, result));
  temps_ = ptr_member(offsetof(rt::RuntimeContext, temps));
  std::set<int> trees, ndarrays;
  walk(task_->body.get(), [&](Stmt *s) {
    if (auto *a = s->as<GlobalAddrStmt>()) trees.insert(a->tree_id);
    if (auto *e = s->as<ExternalAddrStmt>()) ndarrays.insert(e->arg_id);
  });
  for (int arg : ndarrays) ndarray_data_[arg] = load_at(arg_address(arg_slots_[arg]), u64_, 8);
  if (trees.empty()) return;
  Id bases = ptr_member(offsetof(rt::RuntimeContext, tree_bases));
  for (int t : trees)
    tree_bases_[t] = load_at(b_.op(Op::OpIAdd, u64_, {bases, b_.c_u64(8ull * t)}), u64_, 8);
}

Id TaskEmitter::arg_address(int slot) {
  return b_.op(Op::OpIAdd, u64_, {args_, b_.c_u64(8ull * static_cast<uint64_t>(slot))});
}

Id TaskEmitter::offset_u64(Id offset, const Type *t) {
  if (t->bits() == 64) return b_.op(Op::OpBitcast, u64_, {offset});
  Id u = t->is_signed() ? b_.op(Op::OpBitcast, b_.t_int(t->bits(), false), {offset}) : offset;
  return b_.op(Op::OpUConvert, u64_, {u});  // offsets are never negative
}

Id TaskEmitter::address_of(const Stmt *s) {
  if (auto *a = s->as<GlobalAddrStmt>()) {
    if (a->is_bit_level())
      throw CompileError(ErrorKind::internal, "bit-level field '" + a->field->str() +
                         "' reached the SPIR-V backend (lower_quant must run first)", s->loc);
    return b_.op(Op::OpIAdd, u64_, {tree_bases_.at(a->tree_id),
                                     offset_u64(value(a->byte_offset()), a->byte_offset()->ret_type)});
  }
  if (auto *e = s->as<ExternalAddrStmt>())
    return b_.op(Op::OpIAdd, u64_, {ndarray_data_.at(e->arg_id),
                                     offset_u64(value(e->byte_offset()), e->byte_offset()->ret_type)});
  auto *t = s->as<GlobalTempStmt>();
  return b_.op(Op::OpIAdd, u64_, {temps_, b_.c_u64(static_cast<uint64_t>(t->offset))});
}

namespace {
uint32_t scope_device() { return static_cast<uint32_t>(spv::Scope::Device); }
}  // namespace

Id TaskEmitter::emit_atomic(const AtomicOpStmt *s) {
  const Type *t = s->ret_type;
  Id ty = type_of(t);
  Id ptr = typed_pointer(value(s->ptr()), ty);
  Id v = value(s->value());
  Id scope = b_.c_u32(scope_device()), sem = b_.c_u32(0);
  if (t->bits() == 64) b_.capability(spv::Capability::Int64Atomics);
  if (t->is_float()) {
    // lower_float_atomics left only what the target does natively: add (and sub as add).
    if (s->op != AtomicOp::add && s->op != AtomicOp::sub)
      throw CompileError(ErrorKind::internal, "a float atomic other than add reached SPIR-V", s->loc);
    b_.extension("SPV_EXT_shader_atomic_float_add");
    b_.capability(t->bits() == 32 ? spv::Capability::AtomicFloat32AddEXT
                                  : spv::Capability::AtomicFloat64AddEXT);
    if (s->op == AtomicOp::sub) v = b_.op(Op::OpFNegate, ty, {v});
    return b_.op(Op::OpAtomicFAddEXT, ty, {ptr, scope, sem, v});
  }
  bool sg = t->is_signed();
  Op op;
  switch (s->op) {
    case AtomicOp::add: op = Op::OpAtomicIAdd; break;
    case AtomicOp::sub: op = Op::OpAtomicISub; break;
    case AtomicOp::min: op = sg ? Op::OpAtomicSMin : Op::OpAtomicUMin; break;
    case AtomicOp::max: op = sg ? Op::OpAtomicSMax : Op::OpAtomicUMax; break;
    case AtomicOp::bit_and: op = Op::OpAtomicAnd; break;
    case AtomicOp::bit_or: op = Op::OpAtomicOr; break;
    case AtomicOp::bit_xor: op = Op::OpAtomicXor; break;
    default:
      throw CompileError(ErrorKind::internal, "unexpected atomic in SPIR-V codegen", s->loc);
  }
  if (t->bits() < 32)
    throw CompileError(ErrorKind::compile, "an " + std::to_string(t->bits()) +
                       "-bit atomic is not supported on vulkan yet (use a 32-bit field)", s->loc);
  return b_.op(op, ty, {ptr, scope, sem, v});
}

Id TaskEmitter::emit_atomic_cas(const AtomicCASStmt *s) {
  const Type *t = s->ret_type;
  Id expected = value(s->expected()), desired = value(s->desired());
  Id ty = type_of(t);
  if (t->is_float()) {  // compare the bits
    ty = b_.t_int(t->bits(), false);
    expected = b_.op(Op::OpBitcast, ty, {expected});
    desired = b_.op(Op::OpBitcast, ty, {desired});
  }
  if (t->bits() == 64) b_.capability(spv::Capability::Int64Atomics);
  if (t->bits() < 32)
    throw CompileError(ErrorKind::compile, "an " + std::to_string(t->bits()) +
                       "-bit compare-and-swap is not supported on vulkan", s->loc);
  Id old = b_.op(Op::OpAtomicCompareExchange, ty,
                 {typed_pointer(value(s->ptr()), ty), b_.c_u32(scope_device()), b_.c_u32(0),
                  b_.c_u32(0), desired, expected});
  return t->is_float() ? b_.op(Op::OpBitcast, type_of(t), {old}) : old;
}

// The result slot is 64 bits: integers are extended, floats stored as their bits.
void TaskEmitter::emit_return(const Stmt *s) {
  for (size_t i = 0; i < s->ops.size(); i++) {  // a vector/matrix: one slot per value
    const Stmt *v = s->ops[i];
    const Type *t = v->ret_type;
    Id x = value(v);
    if (t->is_float()) {
      Id bits_t = b_.t_int(t->bits(), false);
      x = b_.op(Op::OpBitcast, bits_t, {x});
      if (t->bits() == 32) x = b_.op(Op::OpUConvert, u64_, {x});
    } else {
      x = emit_cast(x, t, t->is_signed() ? types::i64() : types::u64());
      if (t->is_signed()) x = b_.op(Op::OpBitcast, u64_, {x});
    }
    Id at = i == 0 ? result_ : b_.op(Op::OpIAdd, u64_, {result_, b_.c_u64(8 * i)});
    store_at(at, x, u64_, 8);
  }
}

}  // namespace qtaichi::codegen::spirv
