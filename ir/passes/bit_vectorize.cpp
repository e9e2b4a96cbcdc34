// bit_vectorize: a struct-for over 1-bit quant arrays marked ti.loop_config(bit_vectorize=True)
// becomes a loop over whole container words, so one iteration handles 32 (or 64) cells with
// bitwise instructions. The loop body is evaluated symbolically:
//  - values that do not depend on the cell (constants, arguments, the row index i) are kept;
//  - cell values are bit-sliced: a small unsigned integer per cell is a few "planes", plane k
//    holding bit k of every lane's value. Loads of x[i + di, j + dj] (|dj| < 32) combine
//    neighbouring words; +, ==, !=, <, <=, >, >=, and/or/not, &, |, ^ and select work plane-wise
//    (a ripple-carry adder for +), so the full Game of Life rule vectorizes;
//  - a store of a cell value writes its lowest plane: storing into a 1-bit field keeps bit 0.
// Cells outside the field read as 0. Anything else in the body is a clear error.
#include <climits>
#include <map>
#include <optional>

#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

constexpr int kMaxPlanes = 8;

struct Val {
  enum Kind { uniform, index, lane_j, ptr, sliced } kind = uniform;
  Stmt *stmt = nullptr;       // uniform: the value in the new body; ptr: the row
  int64_t offset = 0;         // lane_j: j + offset; ptr: dj
  SNode *field = nullptr;     // ptr
  std::vector<Stmt *> planes; // sliced, least significant first
};

class BitVectorizer {
 public:
  BitVectorizer(Kernel &k, RangeForStmt *loop) : k_(k), loop_(loop), b_(&k) {}

  void run() {
    auto *end = loop_->end()->as<ConstStmt>();
    if (!loop_->begin()->is<ConstStmt>() || loop_->begin()->as<ConstStmt>()->ival != 0 || !end)
      fail(loop_, "the loop must be a struct-for over a field (constant bounds from 0)");
    find_layout(end->ival);
    // The new loop over words: row i = w / words_per_row, word column c = w % words_per_row.
    b_.set_insert_before(loop_);
    b_.set_loc(loop_->loc);
    Stmt *words = b_.const_i32(static_cast<int32_t>(rows_ * words_per_row_));
    RangeForStmt *nl = b_.range_for(b_.const_i32(0), words);
    nl->block_dim = loop_->block_dim;
    b_.push_block(nl->body.get());
    Stmt *w = b_.loop_index(nl);
    Stmt *per_row = b_.const_i32(static_cast<int32_t>(words_per_row_));
    row_ = b_.binary(BinaryOp::div, w, per_row);
    col_ = b_.binary(BinaryOp::mod, w, per_row);
    for (auto &s : loop_->body->stmts) eval(s.get());
    b_.pop_block();
    replace_all_uses(k_.body.get(), loop_, nl);
    loop_->parent->erase(loop_);
  }

 private:
  [[noreturn]] void fail(const Stmt *s, const std::string &msg) {
    compile_error(ErrorKind::syntax, "bit_vectorize: " + msg, s->loc);
  }

  static bool is_bit_array(const SNode *f) {
    return f->is_bit_level() && f->parent()->kind() == SNodeKind::quant_array &&
           f->quant_type()->storage_bits() == 1;
  }

  // Every field the loop touches must be a 1-bit quant array of one shape (n, m), packed
  // along j into full words.
  void find_layout(int64_t extent) {
    walk(loop_->body.get(), [&](Stmt *s) {
      if (!s->blocks().empty()) fail(s, "the loop body must not contain nested blocks");
      auto *p = s->as<GlobalPtrStmt>();
      if (!p) return;
      SNode *f = p->field, *qa = f->parent();
      if (!is_bit_array(f) || f->num_axes() != 2 || qa->axes() != std::vector<int>{1} ||
          qa->sizes()[0] != qa->container_bits())
        fail(s, "field '" + f->str() +
                    "' is not a 2-D 1-bit quant array packed along j into full words");
      if (!bits_) {
        bits_ = qa->container_bits();
        rows_ = f->shape()[0];
        cols_ = f->shape()[1];
      } else if (bits_ != qa->container_bits() || rows_ != f->shape()[0] || cols_ != f->shape()[1]) {
        fail(s, "all fields of a bit-vectorized loop must have one shape and word size");
      }
    });
    if (!bits_) fail(loop_, "the loop touches no 1-bit quant array");
    if (rows_ * cols_ != extent || cols_ % bits_ != 0)
      fail(loop_, "the loop must cover its fields exactly (a struct-for `for i, j in x`)");
    words_per_row_ = cols_ / bits_;
    word_t_ = container_type(bits_);
  }

  Stmt *word_const(uint64_t v) { return b_.const_int(word_t_, static_cast<int64_t>(v)); }
  Stmt *ones() { return word_const(bits_ == 64 ? ~0ull : (1ull << bits_) - 1); }

  // The word at (row, column) of `field`, or 0 outside the field.
  Stmt *load_word(SNode *field, Stmt *row, Stmt *col) {
    Stmt *zero = b_.const_i32(0);
    Stmt *inside = b_.binary(
        BinaryOp::logic_and,
        b_.binary(BinaryOp::logic_and, b_.binary(BinaryOp::cmp_ge, row, zero),
                  b_.binary(BinaryOp::cmp_lt, row, b_.const_i32(static_cast<int32_t>(rows_)))),
        b_.binary(BinaryOp::logic_and, b_.binary(BinaryOp::cmp_ge, col, zero),
                  b_.binary(BinaryOp::cmp_lt, col,
                            b_.const_i32(static_cast<int32_t>(words_per_row_)))));
    // Clamp so the load itself stays inside the field, then select 0.
    Stmt *r = b_.select(inside, row, zero), *c = b_.select(inside, col, zero);
    Stmt *word = b_.global_load(word_ptr(field, r, c));
    return b_.select(inside, word, word_const(0));
  }

  Stmt *word_ptr(SNode *field, Stmt *row, Stmt *col) {
    Stmt *offset = b_.const_int(types::i64(), field->base_offset());
    for (const AxisTerm &t : field->terms()) {
      if (t.in_bits) continue;
      Stmt *idx = b_.cast(t.axis == 0 ? row : b_.binary(BinaryOp::mul, col, b_.const_i32(bits_)),
                          types::i64());
      if (t.divisor > 1) idx = b_.binary(BinaryOp::div, idx, b_.const_int(types::i64(), t.divisor));
      if (t.needs_mod) idx = b_.binary(BinaryOp::mod, idx, b_.const_int(types::i64(), t.size));
      offset = b_.binary(BinaryOp::add, offset,
                         b_.binary(BinaryOp::mul, idx, b_.const_int(types::i64(), t.stride_bytes)));
    }
    auto a = std::make_unique<GlobalAddrStmt>();
    a->field = field->parent();
    a->tree_id = field->tree_id();
    a->ops = {offset};
    a->ret_type = word_t_;
    return b_.insert(std::move(a));
  }

  // Lanes of x[row, j + dj]: bits shifted in from the neighbouring word.
  Stmt *load_lanes(SNode *field, Stmt *row, int64_t dj) {
    if (dj <= -bits_ || dj >= bits_) fail(loop_, "a neighbour offset along j must be below the word size");
    Stmt *here = load_word(field, row, col_);
    if (dj == 0) return here;
    Stmt *next = load_word(field, row, b_.binary(BinaryOp::add, col_, b_.const_i32(dj > 0 ? 1 : -1)));
    Stmt *s = word_const(static_cast<uint64_t>(dj > 0 ? dj : -dj));
    Stmt *rest = word_const(static_cast<uint64_t>(bits_ - (dj > 0 ? dj : -dj)));
    if (dj > 0)
      return b_.binary(BinaryOp::bit_or, b_.binary(BinaryOp::shr, here, s),
                       b_.binary(BinaryOp::shl, next, rest));
    return b_.binary(BinaryOp::bit_or, b_.binary(BinaryOp::shl, here, s),
                     b_.binary(BinaryOp::shr, next, rest));
  }

  // A cell value as planes: constants become all-zero / all-one planes.
  std::vector<Stmt *> planes_of(const Stmt *orig, const Val &v) {
    if (v.kind == Val::sliced) return v.planes;
    if (v.kind == Val::uniform) {
      auto *c = v.stmt->as<ConstStmt>();
      if (!c || !v.stmt->ret_type->is_int() || c->ival < 0)
        fail(orig, "only non-negative integer constants can be combined with cell values");
      std::vector<Stmt *> p;
      for (uint64_t x = static_cast<uint64_t>(c->ival); x; x >>= 1) p.push_back(x & 1 ? ones() : word_const(0));
      return p;
    }
    fail(orig, "this value cannot be used as a cell value");
  }

  Stmt *plane(const std::vector<Stmt *> &p, size_t k) { return k < p.size() ? p[k] : word_const(0); }
  Stmt *op(BinaryOp o, Stmt *a, Stmt *c) { return b_.binary(o, a, c); }
  Stmt *invert(Stmt *a) { return op(BinaryOp::bit_xor, a, ones()); }

  Stmt *truthy(const std::vector<Stmt *> &p) {
    Stmt *r = word_const(0);
    for (Stmt *x : p) r = op(BinaryOp::bit_or, r, x);
    return r;
  }

  std::vector<Stmt *> add(const std::vector<Stmt *> &a, const std::vector<Stmt *> &c) {
    size_t n = std::min<size_t>(std::max(a.size(), c.size()) + 1, kMaxPlanes);
    std::vector<Stmt *> out;
    Stmt *carry = word_const(0);
    for (size_t k = 0; k < n; k++) {
      Stmt *x = plane(a, k), *y = plane(c, k), *xy = op(BinaryOp::bit_xor, x, y);
      out.push_back(op(BinaryOp::bit_xor, xy, carry));
      carry = op(BinaryOp::bit_or, op(BinaryOp::bit_and, x, y), op(BinaryOp::bit_and, carry, xy));
    }
    return out;
  }

  Stmt *equal(const std::vector<Stmt *> &a, const std::vector<Stmt *> &c) {
    Stmt *r = ones();
    for (size_t k = 0; k < std::max(a.size(), c.size()); k++)
      r = op(BinaryOp::bit_and, r, invert(op(BinaryOp::bit_xor, plane(a, k), plane(c, k))));
    return r;
  }

  // a < constant: OR of a == k for k below it (cell values are small).
  Stmt *less_than(const Stmt *orig, const std::vector<Stmt *> &a, int64_t bound) {
    Stmt *r = word_const(0);
    int64_t top = std::min<int64_t>(bound, int64_t(1) << std::min<size_t>(a.size(), 6));
    for (int64_t v = 0; v < top; v++) r = op(BinaryOp::bit_or, r, equal(a, planes_of(orig, constant(v))));
    return r;
  }

  Val constant(int64_t v) { return {Val::uniform, b_.const_i32(static_cast<int32_t>(v))}; }
  Val bit(Stmt *word) { return {Val::sliced, nullptr, 0, nullptr, {word}}; }

  // The value of an operand; one defined before the loop (simplify may hoist constants there)
  // is uniform and usable as is: the new loop takes the old one's place.
  const Val &get(Stmt *s) {
    auto it = vals_.find(s);
    if (it != vals_.end()) return it->second;
    return vals_[s] = Val{Val::uniform, s};
  }

  bool uniform(const Stmt *s) {
    for (Stmt *o : s->ops)
      if (get(o).kind != Val::uniform) return false;
    return true;
  }

  std::optional<int64_t> const_val(const Val &v) {
    if (v.kind == Val::uniform)
      if (auto *c = v.stmt->as<ConstStmt>(); c && v.stmt->ret_type->is_int()) return c->ival;
    return std::nullopt;
  }

  void eval(Stmt *s) {
    b_.set_loc(s->loc);
    vals_[s] = value_of(s);
  }

  Val value_of(Stmt *s) {
    if (auto *li = s->as<LoopIndexStmt>(); li && li->loop == loop_) return {Val::index};
    if (s->is<AllocaStmt>()) return constant(0);
    if (auto *ls = s->as<LocalStoreStmt>()) {
      vars_[ls->var()] = get(ls->value());
      return {};
    }
    if (auto *ll = s->as<LocalLoadStmt>()) {
      auto it = vars_.find(ll->var());
      return it == vars_.end() ? constant(0) : it->second;
    }
    if (auto *a = s->as<AtomicOpStmt>()) {
      if (!a->ptr()->is<AllocaStmt>() || a->op != AtomicOp::add)
        fail(s, "only `+=` on local variables is supported");
      Val old = vars_.count(a->ptr()) ? vars_[a->ptr()] : constant(0);
      Val sum{Val::sliced};
      sum.planes = add(planes_of(s, old), planes_of(s, get(a->value())));
      vars_[a->ptr()] = sum;
      return old;
    }
    if (auto *p = s->as<GlobalPtrStmt>()) {
      const Val &row = get(p->ops[0]), &col = get(p->ops[1]);
      if (row.kind != Val::uniform || col.kind != Val::lane_j)
        fail(s, "fields must be indexed as x[i + di, j + dj] with the loop's i and j");
      return {Val::ptr, row.stmt, col.offset, p->field};
    }
    if (auto *l = s->as<GlobalLoadStmt>()) {
      const Val &p = get(l->ptr());
      return bit(load_lanes(p.field, p.stmt, p.offset));
    }
    if (auto *st = s->as<GlobalStoreStmt>()) {
      const Val &p = get(st->ptr());
      if (p.offset != 0) fail(s, "stores must go to x[i, j] itself");
      Stmt *word = plane(planes_of(s, get(st->value())), 0);  // 1-bit field: bit 0
      b_.global_store(word_ptr(p.field, p.stmt, col_), word);
      return {};
    }
    if (auto *bin = s->as<BinaryOpStmt>()) return binary(bin);
    if (auto *u = s->as<UnaryOpStmt>()) {
      const Val &a = get(u->operand());
      // A small constant cast to an integer type stays a constant, so it can still start a
      // count: `n = 0; n = n + x[...]` casts the local's 0 (loaded, so simplify left it).
      if (auto c = const_val(a); c && u->op == UnaryOp::cast_value && u->cast_type->is_int() &&
                                     *c >= 0 && *c <= INT32_MAX)
        return {Val::uniform, b_.const_int(u->cast_type, *c)};
      if (a.kind == Val::uniform) return {Val::uniform, clone(s)};
      if (u->op == UnaryOp::cast_value && u->cast_type->is_int()) return a;  // same small ints
      if (u->op == UnaryOp::logic_not) return bit(invert(truthy(planes_of(s, a))));
      fail(s, std::string("'") + unary_op_name(u->op) + "' on cell values is not supported");
    }
    if (auto *t = s->as<TernaryOpStmt>()) {
      if (uniform(s)) return {Val::uniform, clone(s)};
      Stmt *c = truthy(planes_of(s, get(t->ops[0])));
      auto a = planes_of(s, get(t->ops[1])), e = planes_of(s, get(t->ops[2]));
      Val r{Val::sliced};
      for (size_t k = 0; k < std::max(a.size(), e.size()); k++)
        r.planes.push_back(op(BinaryOp::bit_or, op(BinaryOp::bit_and, c, plane(a, k)),
                              op(BinaryOp::bit_and, invert(c), plane(e, k))));
      return r;
    }
    if (s->is<ConstStmt>() || s->is<ArgLoadStmt>()) return {Val::uniform, clone(s)};
    fail(s, std::string("'") + s->kind_name() + "' is not supported in a bit-vectorized loop");
  }

  Val binary(BinaryOpStmt *s) {
    const Val &a = get(s->lhs()), &c = get(s->rhs());
    auto ca = const_val(a), cc = const_val(c);
    // The loop index splits into the row (uniform) and the lane's column.
    if (a.kind == Val::index && cc && *cc == cols_) {
      if (s->op == BinaryOp::div || s->op == BinaryOp::floordiv) return {Val::uniform, row_};
      if (s->op == BinaryOp::mod) return {Val::lane_j};
    }
    if (a.kind == Val::lane_j && cc && (s->op == BinaryOp::add || s->op == BinaryOp::sub))
      return {Val::lane_j, nullptr, a.offset + (s->op == BinaryOp::add ? *cc : -*cc)};
    if (c.kind == Val::lane_j && ca && s->op == BinaryOp::add) return {Val::lane_j, nullptr, c.offset + *ca};
    if (a.kind == Val::uniform && c.kind == Val::uniform) return {Val::uniform, clone(s)};
    auto pa = planes_of(s, a), pc = planes_of(s, c);
    switch (s->op) {
      case BinaryOp::add: return {Val::sliced, nullptr, 0, nullptr, add(pa, pc)};
      case BinaryOp::cmp_eq: return bit(equal(pa, pc));
      case BinaryOp::cmp_ne: return bit(invert(equal(pa, pc)));
      case BinaryOp::cmp_lt:
      case BinaryOp::cmp_le:
      case BinaryOp::cmp_gt:
      case BinaryOp::cmp_ge: {
        // Comparisons with a constant: x < k, x <= k, x > k == !(x <= k), x >= k == !(x < k).
        bool swap = !cc;
        auto k = swap ? ca : cc;
        if (!k) fail(s, "cell values can only be ordered against constants");
        BinaryOp o = s->op;
        if (swap) o = o == BinaryOp::cmp_lt ? BinaryOp::cmp_gt : o == BinaryOp::cmp_gt ? BinaryOp::cmp_lt
                    : o == BinaryOp::cmp_le ? BinaryOp::cmp_ge : BinaryOp::cmp_le;
        const auto &x = swap ? pc : pa;
        Stmt *lt = less_than(s, x, o == BinaryOp::cmp_lt || o == BinaryOp::cmp_ge ? *k : *k + 1);
        return bit(o == BinaryOp::cmp_lt || o == BinaryOp::cmp_le ? lt : invert(lt));
      }
      case BinaryOp::logic_and: return bit(op(BinaryOp::bit_and, truthy(pa), truthy(pc)));
      case BinaryOp::logic_or: return bit(op(BinaryOp::bit_or, truthy(pa), truthy(pc)));
      case BinaryOp::bit_and:
      case BinaryOp::bit_or:
      case BinaryOp::bit_xor: {
        Val r{Val::sliced};
        for (size_t k = 0; k < std::max(pa.size(), pc.size()); k++)
          r.planes.push_back(op(s->op, plane(pa, k), plane(pc, k)));
        return r;
      }
      default:
        fail(s, std::string("'") + binary_op_name(s->op) + "' on cell values is not supported");
    }
  }

  Stmt *clone(Stmt *s) {
    auto c = s->clone();
    for (Stmt *&o : c->ops) o = get(o).stmt;
    return b_.insert(std::move(c));
  }

  Kernel &k_;
  RangeForStmt *loop_;
  Builder b_;
  int bits_ = 0;
  int64_t rows_ = 0, cols_ = 0, words_per_row_ = 0;
  const Type *word_t_ = nullptr;
  Stmt *row_ = nullptr, *col_ = nullptr;
  std::map<const Stmt *, Val> vals_;
  std::map<const Stmt *, Val> vars_;
};

}  // namespace

bool bit_vectorize(Kernel &k) {
  std::vector<RangeForStmt *> loops;
  for (auto &s : k.body->stmts)
    if (auto *f = s->as<RangeForStmt>(); f && f->bit_vectorize) loops.push_back(f);
  for (RangeForStmt *f : loops) BitVectorizer(k, f).run();
  return !loops.empty();
}

}  // namespace qtaichi::ir::passes
