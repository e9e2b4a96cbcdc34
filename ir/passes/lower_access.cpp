// lower_access: pointers with indices become (base, byte offset): i64 offsets, or i32 where
// the target asks for 32-bit indices (and, for a field, its tree fits in 2^31 bytes).
//  - a field element: (tree, base + sum over dense levels of ((i / divisor) % size) * stride),
//    plus, for a bit-level field, the bit offset of its digits inside the container word;
//  - an ndarray element: (argument, row-major offset from the run-time shape * element size).
// In debug mode every index is first checked against its extent.
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

class LowerAccess {
 public:
  explicit LowerAccess(Kernel &k) : k_(k), b_(&k) {}

  bool run() {
    walk_mutable(k_.body.get(), [&](Stmt *s) {
      if (auto *p = s->as<GlobalPtrStmt>()) lower_field(p);
      else if (auto *e = s->as<ExternalPtrStmt>()) lower_external(e);
    });
    k_.access_lowered = true;
    return changed_;
  }

 private:
  void check_bounds(Stmt *index, Stmt *extent, int axis, const std::string &what) {
    // One statement at a time: the order of evaluation of call arguments is unspecified, and
    // the printed IR (goldens, cache key) must not depend on the compiler.
    Stmt *above = b_.binary(BinaryOp::cmp_ge, index, b_.const_int(index->ret_type, 0));
    Stmt *below = b_.binary(BinaryOp::cmp_lt, index, extent);
    Stmt *ok = b_.binary(BinaryOp::logic_and, above, below);
    std::string bound = extent->is<ConstStmt>() ? std::to_string(extent->as<ConstStmt>()->ival)
                                                : "%d";
    std::vector<Stmt *> args{index};
    if (!extent->is<ConstStmt>()) args.push_back(extent);
    Stmt *check = b_.assert_(ok, "index %d is out of range [0, " + bound + ") on axis " +
                                     std::to_string(axis) + " of " + what, args);
    check->as<AssertStmt>()->index_check = true;
  }

  // The offset type of a tree (tree_bytes) or of an ndarray (-1).
  const Type *offset_type(int64_t tree_bytes) const {
    if (k_.target.index_bits == 32 && tree_bytes < (int64_t(1) << 31)) return types::i32();
    return types::i64();
  }

  void lower_field(GlobalPtrStmt *p) {
    SNode *f = p->field;
    b_.set_insert_before(p);
    b_.set_loc(p->loc);
    if (k_.debug)
      for (int axis = 0; axis < f->num_axes(); axis++)
        check_bounds(p->ops[axis], b_.const_int(p->ops[axis]->ret_type, f->shape()[axis]), axis,
                     "field '" + f->str() + "'");
    // Byte terms locate the element (or, for a bit-level field, its container word); bit
    // terms (quant arrays) locate the element's digits inside the word.
    const Type *ot = offset_type(tree_bytes(f));
    Stmt *offset = b_.const_int(ot, f->base_offset());
    Stmt *bit = f->is_bit_level() ? b_.const_i32(f->member().digits_offset) : nullptr;
    for (const AxisTerm &t : f->terms()) {
      Stmt *c = t.in_bits ? p->ops[t.axis] : b_.cast(p->ops[t.axis], ot);
      const Type *ty = c->ret_type;
      if (t.divisor > 1) c = b_.binary(BinaryOp::div, c, b_.const_int(ty, t.divisor));
      if (t.needs_mod) c = b_.binary(BinaryOp::mod, c, b_.const_int(ty, t.size));
      c = b_.binary(BinaryOp::mul, c, b_.const_int(ty, t.stride_bytes));
      if (t.in_bits) bit = b_.binary(BinaryOp::add, bit, c);
      else offset = b_.binary(BinaryOp::add, offset, c);
    }
    auto addr = std::make_unique<GlobalAddrStmt>();
    addr->field = f;
    addr->tree_id = f->tree_id();
    addr->ops = {offset};
    if (bit) addr->ops.push_back(bit);
    addr->ret_type = f->dtype();
    replace_stmt(k_.body.get(), p, std::move(addr));
    changed_ = true;
  }

  void lower_external(ExternalPtrStmt *p) {
    b_.set_insert_before(p);
    b_.set_loc(p->loc);
    const KernelArg &arg = k_.args.at(static_cast<size_t>(p->arg_id));
    std::vector<Stmt *> shape;
    for (int axis = 0; axis < arg.ndim; axis++) shape.push_back(b_.external_shape(p->arg_id, axis));
    if (k_.debug)
      for (int axis = 0; axis < arg.ndim; axis++)
        check_bounds(p->ops[axis], shape[axis], axis, "ndarray '" + arg.name + "'");
    // An ndarray's size is known only at launch: 32-bit offsets only where the target asks
    // (its bindings are smaller than 2^31 bytes then).
    const Type *ot = k_.target.index_bits == 32 ? types::i32() : types::i64();
    Stmt *linear = b_.cast(p->ops[0], ot);
    for (int axis = 1; axis < arg.ndim; axis++) {
      Stmt *scaled = b_.binary(BinaryOp::mul, linear, b_.cast(shape[axis], ot));
      linear = b_.binary(BinaryOp::add, scaled, b_.cast(p->ops[axis], ot));
    }
    auto addr = std::make_unique<ExternalAddrStmt>();
    addr->arg_id = p->arg_id;
    addr->ops = {b_.binary(BinaryOp::mul, linear, b_.const_int(ot, arg.type->bytes()))};
    addr->ret_type = arg.type;
    replace_stmt(k_.body.get(), p, std::move(addr));
    changed_ = true;
  }

  static int64_t tree_bytes(const SNode *f) {
    const SNode *root = f;
    while (root->parent()) root = root->parent();
    return root->total_bytes();
  }

  Kernel &k_;
  Builder b_;
  bool changed_ = false;
};

}  // namespace

bool lower_access(Kernel &k) { return LowerAccess(k).run(); }

}  // namespace qtaichi::ir::passes
