#pragma once
// Makes statements at an insertion point. Used by the Python frontend (through pybind11), by C++
// users and by passes. Each statement gets the current source location and its type at once.
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "ir/kernel.h"

namespace qtaichi::ir {

class Builder {
 public:
  explicit Builder(Kernel *kernel);
  Kernel *kernel() const { return kernel_; }

  // Insertion point: the end of the innermost pushed block (initially the kernel body).
  void push_block(Block *b) { blocks_.push_back(b); }
  void pop_block();
  Block *current_block() const { return blocks_.back(); }
  // Insert before `s` in its block instead of appending (passes use this).
  void set_insert_before(Stmt *s);
  void set_loc(SourceLoc loc) { loc_ = std::move(loc); }
  const SourceLoc &loc() const { return loc_; }

  Stmt *const_int(const Type *t, int64_t v);
  Stmt *const_float(const Type *t, double v);
  Stmt *const_i32(int32_t v) { return const_int(types::i32(), v); }
  Stmt *unary(UnaryOp op, Stmt *a);
  Stmt *cast(Stmt *a, const Type *to);
  Stmt *bit_cast(Stmt *a, const Type *to);
  Stmt *binary(BinaryOp op, Stmt *a, Stmt *b);
  Stmt *select(Stmt *cond, Stmt *a, Stmt *b);
  Stmt *arg(int arg_id);
  Stmt *ret(Stmt *value);
  Stmt *ret(const std::vector<Stmt *> &values);  // a vector/matrix result (kernel ret_count)
  Stmt *loop_index(Stmt *loop);

  Stmt *global_ptr(SNode *field, const std::vector<Stmt *> &indices);
  // ndarray arguments
  Stmt *external_ptr(int arg_id, const std::vector<Stmt *> &indices);
  Stmt *external_shape(int arg_id, int axis);
  Stmt *random(const Type *t);

  Stmt *global_load(Stmt *ptr);
  Stmt *global_store(Stmt *ptr, Stmt *value);
  // Stores between begin and end belong to one assignment (GlobalStoreStmt::store_group).
  void begin_store_group() { store_group_ = ++last_store_group_; }
  void end_store_group() { store_group_ = 0; }
  Stmt *atomic(AtomicOp op, Stmt *ptr, Stmt *value);
  Stmt *atomic_cas(Stmt *ptr, Stmt *expected, Stmt *desired);
  Stmt *local_var(const Type *t);  // an AllocaStmt (not named alloca: glibc has a macro)
  Stmt *local_load(Stmt *alloca);
  Stmt *local_store(Stmt *alloca, Stmt *value);
  // A local array of `length` elements and its elements (index: an i32 statement).
  Stmt *local_array(const Type *t, int length);
  Stmt *local_load_at(Stmt *array, Stmt *index);
  Stmt *local_store_at(Stmt *array, Stmt *index, Stmt *value);

  // Real functions: the caller pushes the function's body to fill it, ending with func_return.
  Function *function(const std::string &name, const std::vector<const Type *> &params,
                     const std::vector<const Type *> &results);
  Stmt *func_arg(Function *f, int index);
  Stmt *func_return(Function *f, const std::vector<Stmt *> &values);  // cast to f's results
  // Calls f (arguments cast to its parameters); each result is stored into the matching
  // scalar alloca of result_vars.
  Stmt *call(Function *f, const std::vector<Stmt *> &args, const std::vector<Stmt *> &result_vars);

  // Control flow: the caller pushes the returned statement's blocks to fill them.
  RangeForStmt *range_for(Stmt *begin, Stmt *end);
  IfStmt *if_(Stmt *cond);
  WhileStmt *while_();
  Stmt *break_();
  Stmt *continue_();

  // A compare-and-swap loop in IR: `while { old = *ptr; if cas(ptr, old, update(old)) == old:
  // break }`. Backends then only need CAS to update any word atomically. Returns the loop.
  WhileStmt *cas_loop(Stmt *ptr, const std::function<Stmt *(Stmt *old)> &update);

  Stmt *print(const std::vector<std::variant<Stmt *, std::string>> &items);
  Stmt *assert_(Stmt *cond, const std::string &message, const std::vector<Stmt *> &args);

  // Inserts a statement made elsewhere at the insertion point (types it when untyped).
  Stmt *insert(std::unique_ptr<Stmt> s);

 private:
  template <typename T>
  T *make(std::vector<Stmt *> ops);

  Kernel *kernel_;
  std::vector<Block *> blocks_;
  Stmt *insert_before_ = nullptr;
  size_t hint_ = 0;  // where insert_before_ was last seen in its block
  SourceLoc loc_;
  int store_group_ = 0, last_store_group_ = 0;
};

}  // namespace qtaichi::ir
