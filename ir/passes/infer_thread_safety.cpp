// infer_thread_safety: marks the stores and atomics whose memory word no other thread of the
// loop can touch. In a serial task that is every access. In a parallel range-for task it holds
// for a word group (a plain field's element, or a bit struct's word) when every access to the
// group in the task uses the same indices and those indices are an injective function of the
// loop index (the loop index itself, or ti.ndrange's `lo + (i / d) % s` decomposition).
// Quant arrays pack several indices into a word, so their stores always stay atomic.
#include <map>
#include <optional>

#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

// One index component as `offset + (L / divisor) % size` of the loop index L (size 0: no mod).
struct Affine {
  int64_t divisor = 1, size = 0;
};

std::optional<int64_t> const_of(const Stmt *s) {
  if (auto *c = s->as<ConstStmt>(); c && s->ret_type->is_int()) return c->ival;
  return std::nullopt;
}

std::optional<Affine> match_component(const Stmt *s, const Stmt *loop) {
  Affine a;
  // Peel `+ const` (either side), then `% const`, then `/ const` (or `//`: L is non-negative).
  for (;;) {
    auto *b = s->as<BinaryOpStmt>();
    if (!b || b->op != BinaryOp::add) break;
    if (const_of(b->rhs())) s = b->lhs();
    else if (const_of(b->lhs())) s = b->rhs();
    else return std::nullopt;
  }
  if (auto *b = s->as<BinaryOpStmt>(); b && b->op == BinaryOp::mod) {
    auto c = const_of(b->rhs());
    if (!c || *c <= 0) return std::nullopt;
    a.size = *c;
    s = b->lhs();
  }
  if (auto *b = s->as<BinaryOpStmt>();
      b && (b->op == BinaryOp::div || b->op == BinaryOp::floordiv)) {
    auto c = const_of(b->rhs());
    if (!c || *c <= 0) return std::nullopt;
    a.divisor = *c;
    s = b->lhs();
  }
  auto *li = s->as<LoopIndexStmt>();
  if (!li || li->loop != loop) return std::nullopt;
  return a;
}

// True when distinct loop indices give distinct index tuples: some component has divisor 1,
// and the components chain (each divisor is the next finer one's divisor times its size) up
// to one without a mod.
bool injective(const std::vector<Stmt *> &indices, const Stmt *loop) {
  std::map<int64_t, Affine> by_divisor;
  for (const Stmt *i : indices) {
    auto a = match_component(i, loop);
    // Other components only refine the tuple; `% 1` is always 0 and tells nothing.
    if (!a || a->size == 1) continue;
    // Of two components with one divisor, the one that keeps more of L (no mod, or the larger
    // mod) decides.
    auto [it, fresh] = by_divisor.emplace(a->divisor, *a);
    if (!fresh && it->second.size != 0 && (a->size == 0 || a->size > it->second.size))
      it->second = *a;
  }
  int64_t d = 1;
  for (size_t step = 0; step <= by_divisor.size(); step++) {  // sizes are >= 2: d grows
    auto it = by_divisor.find(d);
    if (it == by_divisor.end()) return false;
    if (it->second.size == 0) return true;  // the outermost component: no mod
    if (__builtin_mul_overflow(d, it->second.size, &d)) return false;
  }
  return false;
}

// The group of memory words an access belongs to.
const SNode *word_group(const SNode *field) {
  const SNode *p = field->parent();
  if (field->is_bit_level()) return p;
  return field;
}

void mark(Stmt *s, bool safe) {
  if (auto *st = s->as<GlobalStoreStmt>()) st->thread_safe = safe;
  if (auto *a = s->as<AtomicOpStmt>()) a->thread_safe = safe;
}

}  // namespace

bool infer_thread_safety(Kernel &k) {
  bool changed = false;
  for (auto &top : k.body->stmts) {
    auto *task = top->as<OffloadedTaskStmt>();
    if (!task) continue;
    bool serial = task->task_kind == TaskKind::serial;
    std::map<const SNode *, std::vector<GlobalPtrStmt *>> groups;
    std::vector<Stmt *> writers;
    walk(task->body.get(), [&](Stmt *s) {
      if (auto *p = s->as<GlobalPtrStmt>()) groups[word_group(p->field)].push_back(p);
      if ((s->is<GlobalStoreStmt>() || s->is<AtomicOpStmt>()) && s->ops[0]->is<GlobalPtrStmt>())
        writers.push_back(s);
    });
    std::map<const SNode *, bool> safe;
    for (auto &[group, ptrs] : groups) {
      bool ok = serial;
      if (!ok && group->kind() != SNodeKind::quant_array) {
        ok = injective(ptrs[0]->ops, task);
        for (GlobalPtrStmt *p : ptrs) ok = ok && p->ops == ptrs[0]->ops;
      }
      safe[group] = ok;
    }
    for (Stmt *w : writers) {
      mark(w, safe[word_group(w->ops[0]->as<GlobalPtrStmt>()->field)]);
      changed = true;
    }
  }
  return changed;
}

}  // namespace qtaichi::ir::passes
