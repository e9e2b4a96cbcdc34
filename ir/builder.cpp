#include "ir/builder.h"

#include "ir/const_fold.h"
#include "ir/error.h"
#include "ir/type_rules.h"

namespace qtaichi::ir {

Builder::Builder(Kernel *kernel) : kernel_(kernel) { blocks_.push_back(kernel->body.get()); }

void Builder::pop_block() {
  if (blocks_.size() <= 1) throw CompileError(ErrorKind::internal, "pop_block without push");
  blocks_.pop_back();
}

void Builder::set_insert_before(Stmt *s) {
  insert_before_ = s;
  if (s) blocks_.back() = s->parent;
}

Stmt *Builder::insert(std::unique_ptr<Stmt> s) {
  if (kernel_->consumed)
    compile_error(ErrorKind::internal,
                  "kernel '" + kernel_->name + "' was compiled: its IR is gone", s->loc);
  if (!s->loc.known()) s->loc = loc_;
  for (Stmt *op : s->ops)
    if (!op) compile_error(ErrorKind::internal, std::string("null operand of ") + s->kind_name(),
                           s->loc);
  if (!s->ret_type) infer_ret_type(s.get(), *kernel_);
  Block *b = blocks_.back();
  if (!insert_before_) return b->append(std::move(s));
  // Passes insert runs of statements before one statement: remember where it was.
  size_t pos = hint_ < b->stmts.size() && b->stmts[hint_].get() == insert_before_
                   ? hint_
                   : b->index_of(insert_before_);
  Stmt *raw = b->insert(pos, std::move(s));
  hint_ = pos + 1;
  return raw;
}

template <typename T>
T *Builder::make(std::vector<Stmt *> ops) {
  auto s = std::make_unique<T>();
  s->ops = std::move(ops);
  return static_cast<T *>(insert(std::move(s)));
}

Stmt *Builder::const_int(const Type *t, int64_t v) {
  auto s = std::make_unique<ConstStmt>();
  s->ret_type = t;
  // Integers are kept wrapped to their type (u32 -1 is 4294967295), floats rounded to f32, so
  // equal values are equal constants (CSE, folding, the printed IR).
  if (t->is_float()) return const_float(t, static_cast<double>(v));
  s->ival = wrap_int(v, t);
  return insert(std::move(s));
}

Stmt *Builder::const_float(const Type *t, double v) {
  auto s = std::make_unique<ConstStmt>();
  s->ret_type = t;
  if (t->is_float()) s->fval = t->kind() == PrimKind::f32 ? static_cast<float>(v) : v;
  else s->ival = wrap_int(static_cast<int64_t>(v), t);
  return insert(std::move(s));
}

Stmt *Builder::unary(UnaryOp op, Stmt *a) {
  auto s = std::make_unique<UnaryOpStmt>();
  s->op = op;
  s->ops = {a};
  return insert(std::move(s));
}

Stmt *Builder::cast(Stmt *a, const Type *to) {
  auto s = std::make_unique<UnaryOpStmt>();
  s->op = UnaryOp::cast_value;
  s->cast_type = to;
  s->ops = {a};
  return insert(std::move(s));
}

Stmt *Builder::bit_cast(Stmt *a, const Type *to) {
  auto s = std::make_unique<UnaryOpStmt>();
  s->op = UnaryOp::cast_bits;
  s->cast_type = to;
  s->ops = {a};
  return insert(std::move(s));
}

Stmt *Builder::binary(BinaryOp op, Stmt *a, Stmt *b) {
  auto s = std::make_unique<BinaryOpStmt>();
  s->op = op;
  s->ops = {a, b};
  return insert(std::move(s));
}

Stmt *Builder::select(Stmt *cond, Stmt *a, Stmt *b) { return make<TernaryOpStmt>({cond, a, b}); }

Stmt *Builder::arg(int arg_id) {
  auto s = std::make_unique<ArgLoadStmt>();
  s->arg_id = arg_id;
  return insert(std::move(s));
}

Stmt *Builder::ret(Stmt *value) { return ret(std::vector<Stmt *>{value}); }

Stmt *Builder::ret(const std::vector<Stmt *> &values) {
  if (kernel_->ret_type->is_void())
    compile_error(ErrorKind::syntax, "kernel '" + kernel_->name +
                                         "' returns a value but has no return type annotation",
                  loc_);
  if (static_cast<int>(values.size()) != kernel_->ret_count)
    compile_error(ErrorKind::type, "kernel '" + kernel_->name + "' returns " +
                                       std::to_string(kernel_->ret_count) + " values, got " +
                                       std::to_string(values.size()),
                  loc_);
  return make<ReturnStmt>(values);
}

Stmt *Builder::loop_index(Stmt *loop) {
  auto s = std::make_unique<LoopIndexStmt>();
  s->loop = loop;
  return insert(std::move(s));
}

Stmt *Builder::global_ptr(SNode *field, const std::vector<Stmt *> &indices) {
  if (!field || field->kind() != SNodeKind::place)
    compile_error(ErrorKind::internal, "global_ptr needs a field", loc_);
  if (static_cast<int>(indices.size()) != field->num_axes())
    compile_error(ErrorKind::index,
                  "field '" + field->str() + "' has " + std::to_string(field->num_axes()) +
                      " ind" + (field->num_axes() == 1 ? "ex" : "ices") + ", but " +
                      std::to_string(indices.size()) + (indices.size() == 1 ? " was" : " were") + " given",
                  loc_);
  for (Stmt *i : indices)
    if (!i->ret_type->is_int())
      compile_error(ErrorKind::type,
                    "field '" + field->str() + "' must be indexed by integers, got " +
                        i->ret_type->str(),
                    loc_);
  auto s = std::make_unique<GlobalPtrStmt>();
  s->field = field;
  s->ops = indices;
  return insert(std::move(s));
}

Stmt *Builder::external_ptr(int arg_id, const std::vector<Stmt *> &indices) {
  if (arg_id < 0 || arg_id >= static_cast<int>(kernel_->args.size()) ||
      kernel_->args[arg_id].ndim == 0)
    compile_error(ErrorKind::internal, "external_ptr needs an ndarray argument", loc_);
  const KernelArg &a = kernel_->args[arg_id];
  if (static_cast<int>(indices.size()) != a.ndim)
    compile_error(ErrorKind::index,
                  "ndarray '" + a.name + "' has " + std::to_string(a.ndim) + " dimension" +
                      (a.ndim == 1 ? "" : "s") + ", but " + std::to_string(indices.size()) +
                      (indices.size() == 1 ? " index was" : " indices were") + " given",
                  loc_);
  for (Stmt *i : indices)
    if (!i->ret_type->is_int())
      compile_error(ErrorKind::type, "ndarray '" + a.name +
                                         "' must be indexed by integers, got " + i->ret_type->str(),
                    loc_);
  auto s = std::make_unique<ExternalPtrStmt>();
  s->arg_id = arg_id;
  s->ops = indices;
  return insert(std::move(s));
}

Stmt *Builder::external_shape(int arg_id, int axis) {
  if (arg_id < 0 || arg_id >= static_cast<int>(kernel_->args.size()) ||
      axis < 0 || axis >= kernel_->args[arg_id].ndim)
    compile_error(ErrorKind::index, "no such ndarray dimension", loc_);
  auto s = std::make_unique<ExternalShapeStmt>();
  s->arg_id = arg_id;
  s->axis = axis;
  return insert(std::move(s));
}

Stmt *Builder::random(const Type *t) {
  if (t->is_void() || t->kind() == PrimKind::u1)
    compile_error(ErrorKind::type, "ti.random cannot make values of type " + t->str(), loc_);
  auto s = std::make_unique<RandStmt>();
  s->ret_type = t;
  return insert(std::move(s));
}

Stmt *Builder::global_load(Stmt *ptr) { return make<GlobalLoadStmt>({ptr}); }
Stmt *Builder::global_store(Stmt *ptr, Stmt *value) {
  auto *s = make<GlobalStoreStmt>({ptr, value});
  s->store_group = store_group_;
  return s;
}

Stmt *Builder::atomic(AtomicOp op, Stmt *ptr, Stmt *value) {
  auto s = std::make_unique<AtomicOpStmt>();
  s->op = op;
  s->ops = {ptr, value};
  return insert(std::move(s));
}

Stmt *Builder::atomic_cas(Stmt *ptr, Stmt *expected, Stmt *desired) {
  return make<AtomicCASStmt>({ptr, expected, desired});
}

Stmt *Builder::local_var(const Type *t) {
  auto s = std::make_unique<AllocaStmt>();
  s->ret_type = t;
  return insert(std::move(s));
}

Stmt *Builder::local_array(const Type *t, int length) {
  if (length <= 0) compile_error(ErrorKind::internal, "a local array needs a positive length", loc_);
  auto s = std::make_unique<AllocaStmt>();
  s->ret_type = t;
  s->array_len = length;
  return insert(std::move(s));
}

Stmt *Builder::local_load(Stmt *alloca) { return make<LocalLoadStmt>({alloca}); }
Stmt *Builder::local_store(Stmt *alloca, Stmt *value) {
  return make<LocalStoreStmt>({alloca, value});
}
Stmt *Builder::local_load_at(Stmt *array, Stmt *index) {
  return make<LocalLoadStmt>({array, index});
}
Stmt *Builder::local_store_at(Stmt *array, Stmt *index, Stmt *value) {
  return make<LocalStoreStmt>({array, value, index});
}

Function *Builder::function(const std::string &name, const std::vector<const Type *> &params,
                            const std::vector<const Type *> &results) {
  auto f = std::make_unique<Function>();
  f->name = name;
  f->params = params;
  f->results = results;
  f->loc = loc_;
  kernel_->functions.push_back(std::move(f));
  return kernel_->functions.back().get();
}

Stmt *Builder::func_arg(Function *f, int index) {
  if (index < 0 || index >= static_cast<int>(f->params.size()))
    compile_error(ErrorKind::internal, "function '" + f->name + "' has no parameter " +
                                           std::to_string(index), loc_);
  auto s = std::make_unique<FuncArgStmt>();
  s->index = index;
  s->ret_type = f->params[static_cast<size_t>(index)];
  return insert(std::move(s));
}

Stmt *Builder::func_return(Function *f, const std::vector<Stmt *> &values) {
  if (values.size() != f->results.size())
    compile_error(ErrorKind::type, "function '" + f->name + "' returns " +
                                       std::to_string(f->results.size()) + " values, got " +
                                       std::to_string(values.size()), loc_);
  std::vector<Stmt *> ops;
  for (size_t i = 0; i < values.size(); i++)
    ops.push_back(values[i]->ret_type == f->results[i] ? values[i] : cast(values[i], f->results[i]));
  return make<FuncReturnStmt>(ops);
}

Stmt *Builder::call(Function *f, const std::vector<Stmt *> &args,
                    const std::vector<Stmt *> &result_vars) {
  if (args.size() != f->params.size() || result_vars.size() != f->results.size())
    compile_error(ErrorKind::internal, "call of '" + f->name + "' with the wrong number of "
                                           "arguments or results", loc_);
  auto s = std::make_unique<FuncCallStmt>();
  s->callee = f;
  s->num_args = static_cast<int>(args.size());
  // Arguments take their parameters' types here: a call stack stores them by that type.
  for (size_t i = 0; i < args.size(); i++)
    s->ops.push_back(args[i]->ret_type == f->params[i] ? args[i] : cast(args[i], f->params[i]));
  s->ops.insert(s->ops.end(), result_vars.begin(), result_vars.end());
  return insert(std::move(s));
}

RangeForStmt *Builder::range_for(Stmt *begin, Stmt *end) {
  return make<RangeForStmt>({begin, end});
}

IfStmt *Builder::if_(Stmt *cond) { return make<IfStmt>({cond}); }
WhileStmt *Builder::while_() { return make<WhileStmt>({}); }

Stmt *Builder::break_() {
  Stmt *s = make<BreakStmt>({});
  if (!enclosing_loop(s)) compile_error(ErrorKind::syntax, "'break' outside a loop", loc_);
  return s;
}

Stmt *Builder::continue_() {
  Stmt *s = make<ContinueStmt>({});
  if (!enclosing_loop(s)) compile_error(ErrorKind::syntax, "'continue' outside a loop", loc_);
  return s;
}

WhileStmt *Builder::cas_loop(Stmt *ptr, const std::function<Stmt *(Stmt *)> &update) {
  WhileStmt *loop = while_();
  push_block(loop->body.get());
  Stmt *old = global_load(ptr);
  Stmt *prev = atomic_cas(ptr, old, update(old));
  IfStmt *done = if_(binary(BinaryOp::cmp_eq, prev, old));
  push_block(done->true_block.get());
  break_();
  pop_block();
  pop_block();
  return loop;
}

Stmt *Builder::print(const std::vector<std::variant<Stmt *, std::string>> &items) {
  auto s = std::make_unique<PrintStmt>();
  for (const auto &item : items) {
    if (std::holds_alternative<Stmt *>(item)) {
      s->items.emplace_back(static_cast<int>(s->ops.size()));
      s->ops.push_back(std::get<Stmt *>(item));
    } else {
      s->items.emplace_back(std::get<std::string>(item));
    }
  }
  return insert(std::move(s));
}

Stmt *Builder::assert_(Stmt *cond, const std::string &message, const std::vector<Stmt *> &args) {
  auto s = std::make_unique<AssertStmt>();
  s->message = message;
  s->ops = {cond};
  s->ops.insert(s->ops.end(), args.begin(), args.end());
  return insert(std::move(s));
}

}  // namespace qtaichi::ir
