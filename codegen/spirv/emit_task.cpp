// Tasks, entry points and structured control flow.
#include <algorithm>
#include <cstddef>
#include <tuple>

#include "codegen/spirv/task_emitter.h"
#include "ir/error.h"
#include "ir/visitor.h"

namespace qtaichi::codegen::spirv {

using namespace qtaichi::ir;

namespace {
constexpr int kDefaultWorkgroup = 128;
constexpr uint32_t kNone = 0;  // SelectionControl / LoopControl: none
}  // namespace

TaskEmitter::TaskEmitter(const Kernel &kernel, const OffloadedTaskStmt *task,
                         const std::unordered_map<const AssertStmt *, int> &assert_codes,
                         const std::unordered_map<const PrintStmt *, int> &print_ids,
                         int workgroup_size)
    : kernel_(kernel), task_(task), assert_codes_(assert_codes), print_ids_(print_ids),
      workgroup_size_(workgroup_size), arg_slots_(arg_slots(kernel.args)) {}

std::vector<uint32_t> TaskEmitter::run() {
  using spv::Capability;
  for (Capability c : {Capability::Shader, Capability::Int64, Capability::Int16,
                       Capability::Int8, Capability::Float64,
                       Capability::PhysicalStorageBufferAddresses,
                       Capability::StorageBuffer8BitAccess, Capability::StorageBuffer16BitAccess})
    b_.capability(c);
  b_.memory_model(spv::AddressingModel::PhysicalStorageBuffer64, spv::MemoryModel::GLSL450);
  u64_ = b_.t_int(64, false);
  u32_ = b_.t_int(32, false);
  i32_ = b_.t_int(32, true);
  bool_ = b_.t_bool();

  // The push constant block: the runtime context's device address.
  Id pc_struct = b_.t_struct({u64_});
  b_.decorate(pc_struct, spv::Decoration::Block);
  b_.member_decorate(pc_struct, 0, spv::Decoration::Offset, {0});
  Id pc = b_.variable(b_.t_pointer(spv::StorageClass::PushConstant, pc_struct),
                      spv::StorageClass::PushConstant);
  Id uvec3 = b_.t_vector(u32_, 3);
  Id in_ptr = b_.t_pointer(spv::StorageClass::Input, uvec3);
  Id gid = b_.variable(in_ptr, spv::StorageClass::Input);
  Id nwg = b_.variable(in_ptr, spv::StorageClass::Input);
  b_.decorate(gid, spv::Decoration::BuiltIn, {static_cast<uint32_t>(spv::BuiltIn::GlobalInvocationId)});
  b_.decorate(nwg, spv::Decoration::BuiltIn, {static_cast<uint32_t>(spv::BuiltIn::NumWorkgroups)});

  bool range = task_->task_kind == TaskKind::range_for;
  Id fn = b_.begin_function(b_.t_void(), b_.t_function(b_.t_void(), {}));
  b_.entry_point(spv::ExecutionModel::GLCompute, fn, "main", {pc, gid, nwg});
  b_.execution_mode(fn, spv::ExecutionMode::LocalSize,
                    {static_cast<uint32_t>(workgroup_size_), 1, 1});
  // IEEE results, as on the CPU: by default Vulkan leaves x / 0, infinities and NaNs undefined
  // and may flush denormals (lavapipe returns 0 for 1.0 / 0.0).
  const ir::Target &tg = kernel_.target;
  for (auto [width, inf_nan, denorm] : {std::tuple{32u, tg.preserve_inf_nan_f32, tg.preserve_denorm_f32},
                                        std::tuple{64u, tg.preserve_inf_nan_f64, tg.preserve_denorm_f64}}) {
    if (inf_nan) {
      b_.capability(spv::Capability::SignedZeroInfNanPreserve);
      b_.execution_mode(fn, spv::ExecutionMode::SignedZeroInfNanPreserve, {width});
    }
    if (denorm) {
      b_.capability(spv::Capability::DenormPreserve);
      b_.execution_mode(fn, spv::ExecutionMode::DenormPreserve, {width});
    }
  }

  context_ = b_.op(Op::OpLoad, u64_,
                   {b_.op(Op::OpAccessChain, b_.t_pointer(spv::StorageClass::PushConstant, u64_),
                          {pc, b_.c_u32(0)})});
  // A task returns at once when an earlier task of the launch failed: the host does not look
  // between tasks.
  Id code = load_at(context_address(offsetof(rt::RuntimeContext, error_code)), i32_, 4);
  Id run = b_.label(), skip = b_.label();
  Id fine = b_.op(Op::OpIEqual, bool_, {code, b_.c_i32(0)});
  b_.op_void(Op::OpSelectionMerge, {run, kNone});
  b_.op_void(Op::OpBranchConditional, {fine, run, skip});
  b_.place_label(skip);
  b_.op_void(Op::OpReturn, {});
  b_.place_label(run);
  load_bases();
  if (int64_t limit = kernel_.target.max_loop_iterations; limit > 0) {
    budget_ = b_.function_variable(b_.t_pointer(spv::StorageClass::Function, i32_));
    // The driver's count runs a little ahead of ours (it counts loop exits too): a margin.
  b_.op_void(Op::OpStore, {budget_, b_.c_i32(static_cast<int32_t>(std::max<int64_t>(limit - 64, 1)))});
  }

  if (range) {
    auto bound = [&](int64_t v, int64_t temp) -> Id {
      if (temp < 0) return b_.c_i32(static_cast<int32_t>(v));
      Id addr = b_.op(Op::OpIAdd, u64_, {temps_, b_.c_u64(static_cast<uint64_t>(temp))});
      return load_at(addr, i32_, 4);
    };
    Id begin = bound(task_->begin, task_->begin_temp), end = bound(task_->end, task_->end_temp);
    auto x_of = [&](Id var) {
      Id v = b_.op(Op::OpLoad, uvec3, {var});
      return b_.op(Op::OpBitcast, i32_, {b_.op(Op::OpCompositeExtract, u32_, {v, 0})});
    };
    Id first = b_.op(Op::OpIAdd, i32_, {begin, x_of(gid)});
    Id step = b_.op(Op::OpIMul, i32_, {x_of(nwg), b_.c_i32(workgroup_size_)});
    emit_counted_loop(task_, first, end, step, *task_->body);
  } else {
    emit_block(*task_->body);
  }
  if (b_.block_open()) b_.op_void(Op::OpReturn, {});
  b_.end_function();
  return b_.finish();
}

void TaskEmitter::branch_if_open(Id target) {
  if (b_.block_open()) b_.op_void(Op::OpBranch, {target});
}

void TaskEmitter::emit_block(const Block &block) {
  for (const auto &s : block.stmts) {
    if (!b_.block_open()) break;  // after break / continue / return nothing runs
    emit_stmt(s.get());
  }
}

void TaskEmitter::count_pass() {
  if (!budget_) return;
  Id left = b_.op(Op::OpISub, i32_, {b_.op(Op::OpLoad, i32_, {budget_}), b_.c_i32(1)});
  b_.op_void(Op::OpStore, {budget_, left});
}

void TaskEmitter::check_budget() {
  if (!budget_) return;
  Id left = b_.op(Op::OpLoad, i32_, {budget_});
  Id out = b_.op(Op::OpSLessThanEqual, bool_, {left, b_.c_i32(0)});
  Id stop = b_.label(), go_on = b_.label();
  b_.op_void(Op::OpSelectionMerge, {go_on, kNone});
  b_.op_void(Op::OpBranchConditional, {out, stop, go_on});
  b_.place_label(stop);
  Id code_ptr = typed_pointer(context_address(offsetof(rt::RuntimeContext, error_code)), i32_);
  b_.op(Op::OpAtomicCompareExchange, i32_,
        {code_ptr, b_.c_u32(static_cast<uint32_t>(spv::Scope::Device)), b_.c_u32(0), b_.c_u32(0),
         b_.c_i32(rt::kLoopLimitError), b_.c_i32(0)});
  b_.op_void(Op::OpReturn, {});
  b_.place_label(go_on);
}

void TaskEmitter::emit_counted_loop(const Stmt *loop, Id begin, Id end, Id step,
                                    const Block &body) {
  Id counter = b_.function_variable(b_.t_pointer(spv::StorageClass::Function, i32_));
  b_.op_void(Op::OpStore, {counter, begin});
  Id header = b_.label(), bodyl = b_.label(), cont = b_.label(), merge = b_.label();
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(header);
  count_pass();
  Id i = b_.op(Op::OpLoad, i32_, {counter});
  Id more = b_.op(Op::OpSLessThan, bool_, {i, end});
  b_.op_void(Op::OpLoopMerge, {merge, cont, kNone});
  b_.op_void(Op::OpBranchConditional, {more, bodyl, merge});
  b_.place_label(bodyl);
  values_[loop] = i;
  check_budget();
  loops_.push_back({cont, merge});
  emit_block(body);
  loops_.pop_back();
  branch_if_open(cont);
  b_.place_label(cont);
  b_.op_void(Op::OpStore, {counter, b_.op(Op::OpIAdd, i32_, {i, step})});
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(merge);
}

void TaskEmitter::emit_if(const IfStmt *s) {
  Id then_l = b_.label(), else_l = b_.label(), merge = b_.label();
  Id cond = truthy(value(s->cond()), s->cond()->ret_type);
  b_.op_void(Op::OpSelectionMerge, {merge, kNone});
  b_.op_void(Op::OpBranchConditional, {cond, then_l, else_l});
  b_.place_label(then_l);
  emit_block(*s->true_block);
  branch_if_open(merge);
  b_.place_label(else_l);
  emit_block(*s->false_block);
  branch_if_open(merge);
  b_.place_label(merge);
}

void TaskEmitter::emit_while(const WhileStmt *s) {
  Id header = b_.label(), bodyl = b_.label(), cont = b_.label(), merge = b_.label();
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(header);
  count_pass();
  b_.op_void(Op::OpLoopMerge, {merge, cont, kNone});
  b_.op_void(Op::OpBranch, {bodyl});
  b_.place_label(bodyl);
  check_budget();
  loops_.push_back({cont, merge});
  emit_block(*s->body);
  loops_.pop_back();
  branch_if_open(cont);
  b_.place_label(cont);
  b_.op_void(Op::OpBranch, {header});
  b_.place_label(merge);
}

Id TaskEmitter::local_pointer(const Stmt *var, const Stmt *index) {
  Id v = locals_.at(var);
  if (!index) return v;
  Id element = b_.t_pointer(spv::StorageClass::Function, type_of(var->ret_type));
  return b_.op(Op::OpAccessChain, element, {v, value(index)});
}

// On failure: the first failing assertion records its code and values; the task returns.
void TaskEmitter::emit_assert(const AssertStmt *s) {
  int code = assert_codes_.at(s);
  int nargs = std::min<int>(static_cast<int>(s->ops.size()) - 1, rt::kMaxAssertArgs);
  Id ok = b_.label(), fail = b_.label(), record = b_.label(), leave = b_.label();
  Id holds = truthy(value(s->ops[0]), s->ops[0]->ret_type);
  b_.op_void(Op::OpSelectionMerge, {ok, kNone});
  b_.op_void(Op::OpBranchConditional, {holds, ok, fail});
  b_.place_label(fail);
  Id code_ptr = typed_pointer(context_address(offsetof(rt::RuntimeContext, error_code)), i32_);
  Id old = b_.op(Op::OpAtomicCompareExchange, i32_,
                 {code_ptr, b_.c_u32(static_cast<uint32_t>(spv::Scope::Device)), b_.c_u32(0),
                  b_.c_u32(0), b_.c_i32(code), b_.c_i32(0)});
  Id won = b_.op(Op::OpIEqual, bool_, {old, b_.c_i32(0)});
  b_.op_void(Op::OpSelectionMerge, {leave, kNone});
  b_.op_void(Op::OpBranchConditional, {won, record, leave});
  b_.place_label(record);
  Id i64 = b_.t_int(64, true);
  for (int i = 0; i < nargs; i++) {
    const Stmt *a = s->ops[i + 1];
    Id v = value(a);
    // Floats travel as the bits of a double (formatted by %f).
    if (a->ret_type->is_float()) v = b_.op(Op::OpBitcast, i64, {emit_cast(v, a->ret_type, types::f64())});
    else v = emit_cast(v, a->ret_type, types::i64());
    store_at(context_address(offsetof(rt::RuntimeContext, error_args) + 8 * i), v, i64, 8);
  }
  b_.op_void(Op::OpBranch, {leave});
  b_.place_label(leave);
  b_.op_void(Op::OpReturn, {});
  b_.place_label(ok);
}

// Reserves 1 + 2 * values words with an atomic add on the buffer's count, and writes the record
// when it fits: [print id, each value as 64 bits (ints extended, floats as f64)]. The host
// formats the records after the launch (rt::format_print_records).
void TaskEmitter::emit_print(const PrintStmt *s) {
  std::vector<const Stmt *> values;
  for (const auto &item : s->items)
    if (std::holds_alternative<int>(item)) values.push_back(s->ops[std::get<int>(item)]);
  uint32_t words = 1 + 2 * static_cast<uint32_t>(values.size());
  Id buf = load_at(context_address(offsetof(rt::RuntimeContext, print_buffer)), u64_, 8);
  Id has = b_.op(Op::OpINotEqual, bool_, {buf, b_.c_u64(0)});
  Id write = b_.label(), done = b_.label();
  b_.op_void(Op::OpSelectionMerge, {done, kNone});
  b_.op_void(Op::OpBranchConditional, {has, write, done});
  b_.place_label(write);
  Id start = b_.op(Op::OpAtomicIAdd, u32_, {typed_pointer(buf, u32_),
                                            b_.c_u32(static_cast<uint32_t>(spv::Scope::Device)),
                                            b_.c_u32(0), b_.c_u32(words)});
  Id cap = load_at(b_.op(Op::OpIAdd, u64_, {buf, b_.c_u64(4)}), u32_, 4);
  Id fits = b_.op(Op::OpULessThanEqual, bool_, {b_.op(Op::OpIAdd, u32_, {start, b_.c_u32(words)}), cap});
  Id record = b_.label(), written = b_.label();
  b_.op_void(Op::OpSelectionMerge, {written, kNone});
  b_.op_void(Op::OpBranchConditional, {fits, record, written});
  b_.place_label(record);
  Id base = b_.op(Op::OpIAdd, u64_, {buf, b_.op(Op::OpIMul, u64_, {
      b_.op(Op::OpUConvert, u64_, {b_.op(Op::OpIAdd, u32_, {start, b_.c_u32(rt::kPrintHeaderWords)})}),
      b_.c_u64(4)})});
  store_at(base, b_.c_u32(static_cast<uint32_t>(print_ids_.at(s))), u32_, 4);
  for (size_t k = 0; k < values.size(); k++) {
    const Type *t = values[k]->ret_type;
    Id v = value(values[k]);
    Id bits = t->is_float() ? b_.op(Op::OpBitcast, u64_, {emit_cast(v, t, types::f64())})
              : t->is_signed() ? b_.op(Op::OpBitcast, u64_, {emit_cast(v, t, types::i64())})
                               : emit_cast(v, t, types::u64());
    Id at = b_.op(Op::OpIAdd, u64_, {base, b_.c_u64(4 + 8 * k)});
    store_at(at, b_.op(Op::OpUConvert, u32_, {bits}), u32_, 4);
    store_at(b_.op(Op::OpIAdd, u64_, {at, b_.c_u64(4)}),
             b_.op(Op::OpUConvert, u32_, {b_.op(Op::OpShiftRightLogical, u64_, {bits, b_.c_u32(32)})}),
             u32_, 4);
  }
  b_.op_void(Op::OpBranch, {written});
  b_.place_label(written);
  b_.op_void(Op::OpBranch, {done});
  b_.place_label(done);
}

void TaskEmitter::emit_stmt(const Stmt *s) {
  Id v = 0;
  switch (s->kind()) {
    case StmtKind::ConstStmt: v = emit_const(s->as<ConstStmt>()); break;
    case StmtKind::UnaryOpStmt: v = emit_unary(s->as<UnaryOpStmt>()); break;
    case StmtKind::BinaryOpStmt: v = emit_binary(s->as<BinaryOpStmt>()); break;
    case StmtKind::TernaryOpStmt:
      v = b_.op(Op::OpSelect, type_of(s->ret_type),
                {truthy(value(s->ops[0]), s->ops[0]->ret_type), value(s->ops[1]), value(s->ops[2])});
      break;
    case StmtKind::ArgLoadStmt: {
      Id addr = arg_address(arg_slots_[s->as<ArgLoadStmt>()->arg_id]);
      v = load_at(addr, type_of(s->ret_type), static_cast<uint32_t>(std::max(s->ret_type->bytes(), 1)));
      break;
    }
    case StmtKind::ReturnStmt: emit_return(s); break;
    case StmtKind::LoopIndexStmt: v = value(s->as<LoopIndexStmt>()->loop); break;
    case StmtKind::GlobalAddrStmt:
    case StmtKind::GlobalTempStmt:
    case StmtKind::ExternalAddrStmt:
      v = address_of(s);
      break;
    case StmtKind::ExternalShapeStmt: {
      auto *e = s->as<ExternalShapeStmt>();
      Id addr = arg_address(arg_slots_[e->arg_id] + 1 + e->axis);
      v = b_.op(Op::OpSConvert, i32_, {load_at(addr, b_.t_int(64, true), 8)});
      break;
    }
    case StmtKind::ContextValueStmt:
      v = load_at(context_address(s->as<ContextValueStmt>()->which == ContextValue::rand_seed
                                      ? offsetof(rt::RuntimeContext, rand_seed)
                                      : offsetof(rt::RuntimeContext, launch_id)),
                  u64_, 8);
      break;
    case StmtKind::AllocaStmt: {
      Id t = type_of(s->ret_type);
      if (auto *a = s->as<AllocaStmt>(); a->is_array()) {  // a call stack: written before read
        Id array = b_.t_array(t, static_cast<uint32_t>(a->array_len));
        locals_[s] = b_.function_variable(b_.t_pointer(spv::StorageClass::Function, array));
        break;
      }
      Id var = b_.function_variable(b_.t_pointer(spv::StorageClass::Function, t));
      Id zero = s->ret_type->is_float() ? b_.c_float(t, s->ret_type->bits(), 0.0)
                : s->ret_type->kind() == PrimKind::u1 ? b_.c_bool(false)
                                                      : b_.c_int(t, s->ret_type->bits(), 0);
      b_.op_void(Op::OpStore, {var, zero});
      locals_[s] = var;
      break;
    }
    case StmtKind::LocalLoadStmt:
      v = b_.op(Op::OpLoad, type_of(s->ret_type),
                {local_pointer(s->ops[0], s->as<LocalLoadStmt>()->index())});
      break;
    case StmtKind::LocalStoreStmt:
      b_.op_void(Op::OpStore,
                 {local_pointer(s->ops[0], s->as<LocalStoreStmt>()->index()), value(s->ops[1])});
      break;
    case StmtKind::GlobalLoadStmt:
      v = load_at(value(s->ops[0]), type_of(s->ret_type),
                  static_cast<uint32_t>(std::max(s->ret_type->bytes(), 1)));
      break;
    case StmtKind::GlobalStoreStmt:
      store_at(value(s->ops[0]), value(s->ops[1]), type_of(s->ops[1]->ret_type),
               static_cast<uint32_t>(std::max(s->ops[1]->ret_type->bytes(), 1)));
      break;
    case StmtKind::AtomicOpStmt: v = emit_atomic(s->as<AtomicOpStmt>()); break;
    case StmtKind::AtomicCASStmt: v = emit_atomic_cas(s->as<AtomicCASStmt>()); break;
    case StmtKind::RangeForStmt: {
      auto *r = s->as<RangeForStmt>();
      emit_counted_loop(r, value(r->begin()), value(r->end()), b_.c_i32(1), *r->body);
      break;
    }
    case StmtKind::IfStmt: emit_if(s->as<IfStmt>()); break;
    case StmtKind::WhileStmt: emit_while(s->as<WhileStmt>()); break;
    case StmtKind::BreakStmt: b_.op_void(Op::OpBranch, {loops_.back().break_to}); break;
    case StmtKind::ContinueStmt: b_.op_void(Op::OpBranch, {loops_.back().continue_to}); break;
    case StmtKind::AssertStmt: emit_assert(s->as<AssertStmt>()); break;
    case StmtKind::PrintStmt: emit_print(s->as<PrintStmt>()); break;
    default:
      throw CompileError(ErrorKind::internal,
                         std::string("unexpected '") + s->kind_name() + "' in SPIR-V codegen",
                         s->loc);
  }
  if (v) values_[s] = v;
}

std::vector<SpirvTask> spirv_tasks(const Kernel &kernel, const std::string &prefix) {
  if (!kernel.offloaded || !kernel.access_lowered)
    throw CompileError(ErrorKind::internal, "the SPIR-V backend needs a kernel after the pipeline");
  std::vector<SpirvTask> out;
  for (const auto &s : kernel.body->stmts) {
    auto *task = s->as<OffloadedTaskStmt>();
    SpirvTask t;
    t.symbol = prefix + "_t" + std::to_string(out.size());
    t.range_for = task->task_kind == TaskKind::range_for;
    t.begin = task->begin;
    t.end = task->end;
    t.begin_temp = task->begin_temp;
    t.end_temp = task->end_temp;
    t.block_dim = !t.range_for ? 1 : task->block_dim > 0 ? std::min(task->block_dim, 1024)
                                                         : kDefaultWorkgroup;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<SpirvTask> emit_spirv(const Kernel &kernel, const std::string &prefix) {
  std::vector<SpirvTask> out = spirv_tasks(kernel, prefix);
  std::unordered_map<const AssertStmt *, int> codes;
  int n = 0;
  for (const AssertStmt *a : assertions_in_order(kernel)) codes[a] = ++n;
  std::unordered_map<const PrintStmt *, int> print_ids;
  for (const PrintStmt *p : prints_in_order(kernel)) print_ids[p] = static_cast<int>(print_ids.size());
  for (size_t i = 0; i < out.size(); i++) {
    auto *task = kernel.body->stmts[i]->as<OffloadedTaskStmt>();
    out[i].words = TaskEmitter(kernel, task, codes, print_ids, out[i].block_dim).run();
  }
  return out;
}

}  // namespace qtaichi::codegen::spirv
