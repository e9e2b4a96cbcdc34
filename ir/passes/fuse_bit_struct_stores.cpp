// fuse_bit_struct_stores: stores to members of the same bit-struct word (same node, same byte
// offset expression) in one block become one BitStructStoreStmt at the last of them, so the word
// is updated once. A read of the bit struct (or any nested block, which might read it) between
// them ends the run: the read must see the values stored before it. Members of a shared-exponent
// group written by different assignments are not fused: each assignment re-rounds the whole
// group to its exponent in turn, and fusing would skip the first rounding (QUANT_SPEC: the
// sequential result is the contract). Stores of one assignment (a vector element) fuse.
#include <functional>

#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

SNode *bit_struct_of(const Stmt *ptr) {
  auto *a = ptr->as<GlobalAddrStmt>();
  if (!a || !a->is_bit_level() || a->field->parent()->kind() != SNodeKind::bit_struct)
    return nullptr;
  return a->field->parent();
}

// True when `x` and `y` compute the same value: the same statement, or the same pure operation
// on operands that compute the same values. lower_access lowers every access on its own, so the
// byte offsets of a[i] and b[i] are equal expressions, not one statement.
bool same_value(const Stmt *x, const Stmt *y) {
  if (x == y) return true;
  if (x->kind() != y->kind() || x->ret_type != y->ret_type || x->ops.size() != y->ops.size() ||
      !x->same_attributes(*y))
    return false;
  for (size_t i = 0; i < x->ops.size(); i++)
    if (!same_value(x->ops[i], y->ops[i])) return false;
  return true;
}

class Fuse {
 public:
  bool run(Block *b) {
    // Runs of stores to one word (bit struct, byte offset), in the order they were opened.
    struct Run {
      SNode *bs;
      Stmt *offset;
      std::vector<GlobalStoreStmt *> stores;
    };
    std::vector<Run> pending;
    auto flush_if = [&](const std::function<bool(const Run &)> &pred) {
      for (auto it = pending.begin(); it != pending.end();) {
        if (!pred(*it)) {
          ++it;
          continue;
        }
        if (it->stores.size() > 1) fuse(it->bs, it->offset, it->stores);
        it = pending.erase(it);
      }
    };
    // A member, or (shared exponents) a sibling whose rounding a store to it changes.
    auto writes = [](const Run &r, SNode *member) {
      int group = member->member().shared_group;
      for (GlobalStoreStmt *st : r.stores) {
        SNode *f = st->ptr()->as<GlobalAddrStmt>()->field;
        if (f == member || (group >= 0 && f->member().shared_group == group)) return true;
      }
      return false;
    };
    // True when `st` writes a shared-exponent group that the run already writes from another
    // assignment.
    auto other_assignment = [](const Run &r, const GlobalStoreStmt *st) {
      int group = st->ptr()->as<GlobalAddrStmt>()->field->member().shared_group;
      if (group < 0) return false;
      for (GlobalStoreStmt *o : r.stores)
        if (o->ptr()->as<GlobalAddrStmt>()->field->member().shared_group == group &&
            (st->store_group == 0 || o->store_group != st->store_group))
          return true;
      return false;
    };
    for (size_t i = 0; i < b->stmts.size(); i++) {
      Stmt *s = b->stmts[i].get();
      if (auto *st = s->as<GlobalStoreStmt>(); st && bit_struct_of(st->ptr())) {
        auto *addr = st->ptr()->as<GlobalAddrStmt>();
        SNode *bs = bit_struct_of(addr);
        // A store to the same member of a word at another offset may alias a pending run's
        // word: that run must not move past it.
        flush_if([&](const Run &r) {
          if (r.bs != bs) return false;
          if (same_value(r.offset, addr->byte_offset())) return other_assignment(r, st);
          return writes(r, addr->field);
        });
        Run *run = nullptr;
        for (Run &r : pending)
          if (r.bs == bs && same_value(r.offset, addr->byte_offset())) run = &r;
        if (run) run->stores.push_back(st);
        else pending.push_back({bs, addr->byte_offset(), {st}});
      } else {
        if (s->is<GlobalLoadStmt>() || s->is<AtomicOpStmt>())
          if (SNode *bs = bit_struct_of(s->ops[0]))
            flush_if([&](const Run &r) { return r.bs == bs; });
        if (!s->blocks().empty()) {
          flush_if([](const Run &) { return true; });
          for (Block *c : s->blocks()) run(c);
        }
      }
      i = b->index_of(s);  // fusing may have removed statements before s
    }
    flush_if([](const Run &) { return true; });
    return changed_;
  }

 private:
  void fuse(SNode *bs, Stmt *offset, const std::vector<GlobalStoreStmt *> &stores) {
    auto f = std::make_unique<BitStructStoreStmt>();
    f->bit_struct = bs;
    f->ops = {offset};
    f->thread_safe = true;
    for (GlobalStoreStmt *st : stores) {
      SNode *member = st->ptr()->as<GlobalAddrStmt>()->field;
      f->thread_safe = f->thread_safe && st->thread_safe;
      size_t k = 0;
      while (k < f->members.size() && f->members[k] != member) k++;
      if (k == f->members.size()) {
        f->members.push_back(member);
        f->ops.push_back(st->value());
      } else {
        f->ops[k + 1] = st->value();  // a later store to the same member wins
      }
    }
    f->ret_type = types::void_();
    f->loc = stores.back()->loc;
    Block *b = stores.back()->parent;
    b->insert(b->index_of(stores.back()) + 1, std::move(f));
    for (GlobalStoreStmt *st : stores) b->erase(st);
    changed_ = true;
  }

  bool changed_ = false;
};

}  // namespace

bool fuse_bit_struct_stores(Kernel &k) {
  if (!k.quant_store_fusion) return false;
  return Fuse().run(k.body.get());
}

}  // namespace qtaichi::ir::passes
