// merge_atomics: two atomic float adds to neighbouring f32s of one 8-byte-aligned pair (the x
// and y of a vector field element: `grid_v[base + offset] += w * v`) become one 64-bit
// compare-and-swap loop in IR. CPUs (and GPUs) have no atomic float add: each one is a CAS
// loop, so this halves the locked operations of a vector scatter. Only adds whose old values
// are unused, with no memory access between them, are merged.
#include <algorithm>
#include <unordered_map>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

// The largest power of two (up to 64) that the value of an offset expression is a multiple of.
int64_t known_alignment(const Stmt *s) {
  if (auto *c = s->as<ConstStmt>()) {
    int64_t v = c->ival;
    if (v == 0) return 64;
    int64_t a = 1;
    while (a < 64 && v % (a * 2) == 0) a *= 2;
    return a;
  }
  if (auto *b = s->as<BinaryOpStmt>()) {
    if (b->op == BinaryOp::add)
      return std::min(known_alignment(b->lhs()), known_alignment(b->rhs()));
    if (b->op == BinaryOp::mul)
      return std::min<int64_t>(64, known_alignment(b->lhs()) * known_alignment(b->rhs()));
  }
  return 1;
}

// An offset as constant + sum of other terms (flattening adds), to compare two offsets.
void flatten(const Stmt *s, int64_t *constant, std::vector<const Stmt *> *terms) {
  if (auto *c = s->as<ConstStmt>()) {
    *constant += c->ival;
    return;
  }
  if (auto *b = s->as<BinaryOpStmt>(); b && b->op == BinaryOp::add) {
    flatten(b->lhs(), constant, terms);
    flatten(b->rhs(), constant, terms);
    return;
  }
  terms->push_back(s);
}

// True when offset `b` is always offset `a` + delta.
bool offset_by(const Stmt *a, const Stmt *b, int64_t delta) {
  int64_t ca = 0, cb = 0;
  std::vector<const Stmt *> ta, tb;
  flatten(a, &ca, &ta);
  flatten(b, &cb, &tb);
  std::sort(ta.begin(), ta.end());
  std::sort(tb.begin(), tb.end());
  return ta == tb && cb - ca == delta;
}

bool touches_memory(const Stmt *s) {
  return s->is<GlobalLoadStmt>() || s->is<GlobalStoreStmt>() || s->is<AtomicOpStmt>() ||
         s->is<AtomicCASStmt>() || s->is<BitStructStoreStmt>() || !s->blocks().empty() ||
         s->is<PrintStmt>() || s->is<AssertStmt>();
}

class MergeAtomics {
 public:
  explicit MergeAtomics(Kernel &k) : k_(k), b_(&k) {}

  bool run() {
    walk(k_.body.get(), [&](Stmt *s) {
      for (Stmt *op : s->ops) uses_[op]++;
    });
    visit(k_.body.get());
    return changed_;
  }

 private:
  AtomicOpStmt *candidate(Stmt *s) {
    auto *a = s->as<AtomicOpStmt>();
    if (!a || a->op != AtomicOp::add || a->ret_type != types::f32() || uses_[s]) return nullptr;
    auto *p = a->ptr()->as<GlobalAddrStmt>();
    if (!p || p->is_bit_level() || p->field->kind() != SNodeKind::place) return nullptr;
    return a;
  }

  void visit(Block *block) {
    AtomicOpStmt *pending = nullptr;
    for (size_t i = 0; i < block->stmts.size(); i++) {
      Stmt *s = block->stmts[i].get();
      for (Block *c : s->blocks()) visit(c);
      AtomicOpStmt *a = candidate(s);
      if (pending && a) {
        if (Stmt *loop = merge(pending, a)) {
          pending = nullptr;
          i = block->index_of(loop);  // both atomics are gone; go on after the new loop
          continue;
        }
      }
      if (a) pending = a;
      else if (touches_memory(s)) pending = nullptr;
    }
  }

  // Returns the CAS loop that replaced both atomics, or nullptr when they cannot merge.
  Stmt *merge(AtomicOpStmt *first, AtomicOpStmt *second) {
    auto *p0 = first->ptr()->as<GlobalAddrStmt>(), *p1 = second->ptr()->as<GlobalAddrStmt>();
    if (p0->tree_id != p1->tree_id) return nullptr;
    if (offset_by(p1->byte_offset(), p0->byte_offset(), 4)) std::swap(p0, p1), std::swap(first, second);
    if (!offset_by(p0->byte_offset(), p1->byte_offset(), 4) ||
        known_alignment(p0->byte_offset()) < 8)
      return nullptr;
    Stmt *low = first->value(), *high = second->value();
    Stmt *at = first->parent->index_of(first) > second->parent->index_of(second) ? first : second;
    b_.set_insert_before(at);
    b_.set_loc(at->loc);
    // The pair's address: untagged for alias analysis (it overlaps both fields).
    auto addr = std::make_unique<GlobalAddrStmt>();
    addr->field = p0->field->parent();
    addr->tree_id = p0->tree_id;
    addr->ops = {p0->byte_offset()};
    addr->ret_type = types::u64();
    Stmt *ptr = b_.insert(std::move(addr));
    auto half = [&](Stmt *word, int shift, Stmt *add) {
      Stmt *bits = b_.cast(b_.binary(BinaryOp::shr, word, b_.const_int(types::u64(), shift)),
                           types::u32());
      Stmt *sum = b_.binary(BinaryOp::add, b_.bit_cast(bits, types::f32()), add);
      Stmt *out = b_.cast(b_.bit_cast(sum, types::u32()), types::u64());
      return b_.binary(BinaryOp::shl, out, b_.const_int(types::u64(), shift));
    };
    WhileStmt *loop = b_.cas_loop(ptr, [&](Stmt *old) {
      Stmt *lo = half(old, 0, low);
      Stmt *hi = half(old, 32, high);
      return b_.binary(BinaryOp::bit_or, lo, hi);
    });
    first->parent->erase(first);
    second->parent->erase(second);
    changed_ = true;
    return loop;
  }

  Kernel &k_;
  Builder b_;
  std::unordered_map<const Stmt *, int> uses_;
  bool changed_ = false;
};

}  // namespace

bool merge_atomics(Kernel &k) { return MergeAtomics(k).run(); }

}  // namespace qtaichi::ir::passes
