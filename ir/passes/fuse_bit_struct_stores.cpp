// fuse_bit_struct_stores: stores to members of the same bit-struct word (same node, same byte
// offset value) in one block become one BitStructStoreStmt at the last of them, so the word is
// updated once. A read of the bit struct (or any nested block, which might read it) between
// them ends the run: the read must see the values stored before it.
#include <map>

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

class Fuse {
 public:
  bool run(Block *b) {
    std::map<std::pair<SNode *, Stmt *>, std::vector<GlobalStoreStmt *>> pending;
    auto flush = [&](SNode *only) {
      for (auto it = pending.begin(); it != pending.end();) {
        if (only && it->first.first != only) {
          ++it;
          continue;
        }
        if (it->second.size() > 1) fuse(it->first.first, it->first.second, it->second);
        it = pending.erase(it);
      }
    };
    for (size_t i = 0; i < b->stmts.size(); i++) {
      Stmt *s = b->stmts[i].get();
      if (auto *st = s->as<GlobalStoreStmt>()) {
        if (SNode *bs = bit_struct_of(st->ptr())) {
          pending[{bs, st->ptr()->as<GlobalAddrStmt>()->byte_offset()}].push_back(st);
          continue;
        }
      }
      if (s->is<GlobalLoadStmt>() || s->is<AtomicOpStmt>())
        if (SNode *bs = bit_struct_of(s->ops[0])) flush(bs);
      if (!s->blocks().empty()) {
        flush(nullptr);
        for (Block *c : s->blocks()) run(c);
      }
      i = b->index_of(s);  // fusing may have removed statements before s
    }
    flush(nullptr);
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
