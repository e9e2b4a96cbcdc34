// merge_atomics: two atomic float adds to neighbouring f32s of one 8-byte-aligned pair (the x
// and y of a vector field element: `grid_v[base + offset] += w * v`) become one 64-bit
// compare-and-swap loop in IR. On a target without an atomic float add instruction (CPUs) each
// add is a CAS loop, so this halves the locked operations of a 2-vector scatter; targets with
// the instruction (CUDA, most desktop GPUs) skip this pass. A 3-vector in 12-byte
// cells pairs (x, y) or (y, z), whichever is 8-byte aligned at run time. Only adds whose old
// values are unused, with no other memory access between them, are merged.
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
    std::vector<AtomicOpStmt *> run;  // consecutive candidates, no other memory access between
    for (size_t i = 0; i < block->stmts.size(); i++) {
      Stmt *s = block->stmts[i].get();
      for (Block *c : s->blocks()) visit(c);
      AtomicOpStmt *a = candidate(s);
      if (!a) {
        if (touches_memory(s)) run.clear();
        continue;
      }
      run.push_back(a);
      Stmt *merged = nullptr;
      if (run.size() == 3) {
        merged = merge_triple(run[0], run[1], run[2]);
        if (!merged) run.erase(run.begin());  // the last two may still pair
      }
      if (!merged && run.size() == 2) merged = merge_pair(run[0], run[1]);
      if (merged) {
        run.clear();
        i = block->index_of(merged);  // the atomics are gone; go on after what replaced them
      }
    }
  }

  // A 64-bit CAS loop adding `low` and `high` to the f32 pair at `offset` (8-byte aligned).
  Stmt *pair_cas(const GlobalAddrStmt *like, Stmt *offset, Stmt *low, Stmt *high) {
    // The pair's address: untagged for alias analysis (it overlaps two fields).
    auto addr = std::make_unique<GlobalAddrStmt>();
    addr->field = like->field->parent();
    addr->tree_id = like->tree_id;
    addr->ops = {offset};
    addr->ret_type = types::u64();
    Stmt *ptr = b_.insert(std::move(addr));
    auto half = [&](Stmt *word, int shift, Stmt *add) {
      Stmt *bits = b_.cast(b_.binary(BinaryOp::shr, word, b_.const_int(types::u64(), shift)),
                           types::u32());
      Stmt *sum = b_.binary(BinaryOp::add, b_.bit_cast(bits, types::f32()), add);
      Stmt *out = b_.cast(b_.bit_cast(sum, types::u32()), types::u64());
      return b_.binary(BinaryOp::shl, out, b_.const_int(types::u64(), shift));
    };
    return b_.cas_loop(ptr, [&](Stmt *old) {
      Stmt *lo = half(old, 0, low);
      Stmt *hi = half(old, 32, high);
      return b_.binary(BinaryOp::bit_or, lo, hi);
    });
  }

  static GlobalAddrStmt *addr(AtomicOpStmt *a) { return a->ptr()->as<GlobalAddrStmt>(); }

  void begin_at(Stmt *last) {
    b_.set_insert_before(last);
    b_.set_loc(last->loc);
  }

  void erase(std::initializer_list<AtomicOpStmt *> atomics) {
    for (AtomicOpStmt *a : atomics) a->parent->erase(a);
    changed_ = true;
  }

  // Two adds to the halves of an 8-byte-aligned f32 pair: one CAS loop. Returns what replaced
  // them, or nullptr.
  Stmt *merge_pair(AtomicOpStmt *first, AtomicOpStmt *second) {
    AtomicOpStmt *last = second;
    if (addr(first)->tree_id != addr(second)->tree_id) return nullptr;
    if (offset_by(addr(second)->byte_offset(), addr(first)->byte_offset(), 4))
      std::swap(first, second);
    Stmt *offset = addr(first)->byte_offset();
    if (!offset_by(offset, addr(second)->byte_offset(), 4) || known_alignment(offset) < 8)
      return nullptr;
    begin_at(last);
    Stmt *loop = pair_cas(addr(first), offset, first->value(), second->value());
    erase({first, second});
    return loop;
  }

  // Three adds to an f32 triple (x, y, z of a 3-vector) that is only 4-byte aligned: pair
  // whichever two are 8-byte aligned at run time, and add the third alone (2 CAS, not 3).
  Stmt *merge_triple(AtomicOpStmt *x, AtomicOpStmt *y, AtomicOpStmt *z) {
    Stmt *offset = addr(x)->byte_offset();
    if (addr(x)->tree_id != addr(y)->tree_id || addr(x)->tree_id != addr(z)->tree_id ||
        !offset_by(offset, addr(y)->byte_offset(), 4) ||
        !offset_by(offset, addr(z)->byte_offset(), 8) || known_alignment(offset) < 4)
      return nullptr;
    begin_at(z);
    Stmt *aligned = b_.binary(BinaryOp::cmp_eq,
                              b_.binary(BinaryOp::bit_and, offset, b_.const_int(offset->ret_type, 4)),
                              b_.const_int(offset->ret_type, 0));
    IfStmt *branch = b_.if_(aligned);
    b_.push_block(branch->true_block.get());
    pair_cas(addr(x), offset, x->value(), y->value());
    b_.atomic(AtomicOp::add, z->ptr(), z->value());
    b_.pop_block();
    b_.push_block(branch->false_block.get());
    b_.atomic(AtomicOp::add, x->ptr(), x->value());
    pair_cas(addr(y), addr(y)->byte_offset(), y->value(), z->value());
    b_.pop_block();
    erase({x, y, z});
    return branch;
  }

  Kernel &k_;
  Builder b_;
  std::unordered_map<const Stmt *, int> uses_;
  bool changed_ = false;
};

}  // namespace

bool merge_atomics(Kernel &k) {
  // Only worth it where a float add is a CAS loop anyway; the merged loop needs 64-bit CAS.
  if (k.target.atomic_add_f32 || !k.target.cas64) return false;
  return MergeAtomics(k).run();
}

}  // namespace qtaichi::ir::passes
