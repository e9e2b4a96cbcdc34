// forward_loads: a load of an address that was loaded or stored earlier, with no possible write
// to that memory in between, reuses the earlier value. Fields never overlap each other, so a
// scatter of atomics to a grid does not force a particle's fields to be read (and, for quant
// fields, decoded) again. Kernels are data-race free by contract (as in Taichi), so values do
// not change under a thread's feet between its own accesses. Runs after lower_quant: a quant
// store forwards its encoded word, never the unencoded value (Taichi bug #7981).
#include <map>
#include <tuple>

#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

// The memory an address belongs to: a field, a container word group, a dense cell spanning
// several fields (merge_atomics), temps, or ndarrays (which may overlap each other).
struct Object {
  const SNode *node = nullptr;  // for tree addresses
  int kind = 0;                 // 0 tree, 1 temps, 2 ndarrays
  bool operator<(const Object &o) const { return std::tie(kind, node) < std::tie(o.kind, o.node); }
};

bool object_of(const Stmt *ptr, Object *out) {
  if (auto *a = ptr->as<GlobalAddrStmt>()) {
    if (a->is_bit_level()) return false;
    *out = {a->field, 0};
    return true;
  }
  if (ptr->is<GlobalTempStmt>()) {
    *out = {nullptr, 1};
    return true;
  }
  if (ptr->is<ExternalAddrStmt>()) {
    *out = {nullptr, 2};
    return true;
  }
  return false;
}

bool is_ancestor(const SNode *a, const SNode *b) {
  for (const SNode *s = b; s; s = s->parent())
    if (s == a) return true;
  return false;
}

bool overlap(const Object &a, const Object &b) {
  if (a.kind != b.kind) return false;
  if (a.kind != 0) return true;
  return is_ancestor(a.node, b.node) || is_ancestor(b.node, a.node);
}

// What a statement (and its nested blocks) may write; `all` when it cannot tell.
void writes_of(Stmt *s, std::vector<Object> *out, bool *all) {
  auto add = [&](Stmt *ptr) {
    Object o;
    if (ptr->is<AllocaStmt>()) return;
    if (object_of(ptr, &o)) out->push_back(o);
    else *all = true;
  };
  if (s->is<GlobalStoreStmt>() || s->is<AtomicOpStmt>() || s->is<AtomicCASStmt>()) add(s->ops[0]);
  if (s->is<BitStructStoreStmt>()) *all = true;
  for (Block *b : s->blocks()) walk(b, [&](Stmt *c) { writes_of(c, out, all); });
}

class ForwardLoads {
 public:
  explicit ForwardLoads(Block *kernel_body) : root_(kernel_body) {}

  bool run(Block *b) {
    block(b, {});
    return changed_;
  }

 private:
  // An address: its memory object and its byte offset (a statement, after CSE the same one
  // for equal offsets; for temps the constant slot; for ndarrays the argument in `slot`, since
  // two arguments at the same offset are different memory).
  struct Key {
    Object object;
    const Stmt *offset = nullptr;
    int64_t slot = -1;
    bool operator<(const Key &k) const {
      return std::tie(object, offset, slot) < std::tie(k.object, k.offset, k.slot);
    }
  };
  using Table = std::map<Key, Stmt *>;  // address -> the value it holds

  static bool key_of(const Stmt *ptr, Key *key) {
    if (!object_of(ptr, &key->object)) return false;
    if (auto *a = ptr->as<GlobalAddrStmt>()) key->offset = a->byte_offset();
    else if (auto *t = ptr->as<GlobalTempStmt>()) key->slot = t->offset;
    else {
      key->offset = ptr->ops[0];
      key->slot = ptr->as<ExternalAddrStmt>()->arg_id;
    }
    return true;
  }

  static void kill(Table &t, const std::vector<Object> &objects, bool all) {
    for (auto it = t.begin(); it != t.end();) {
      bool dead = all;
      for (const Object &o : objects) dead = dead || overlap(o, it->first.object);
      it = dead ? t.erase(it) : std::next(it);
    }
  }

  void block(Block *b, Table table) {
    for (size_t i = 0; i < b->stmts.size(); i++) {
      Stmt *s = b->stmts[i].get();
      Key key;
      if (auto *l = s->as<GlobalLoadStmt>(); l && key_of(l->ptr(), &key)) {
        auto it = table.find(key);
        if (it != table.end() && it->second->ret_type == s->ret_type) {
          replace_all_uses(root_, s, it->second);
          b->erase(s);
          i--;
          changed_ = true;
        } else {
          table[key] = s;
        }
        continue;
      }
      std::vector<Object> written;
      bool all = false;
      writes_of(s, &written, &all);
      if (!s->blocks().empty()) {
        // What is known before a nested block holds inside it unless the block writes that
        // memory (a loop body runs again after its own writes).
        Table inner = table;
        kill(inner, written, all);
        for (Block *c : s->blocks()) block(c, inner);
      }
      kill(table, written, all);
      if (auto *st = s->as<GlobalStoreStmt>(); st && key_of(st->ptr(), &key))
        table[key] = st->value();  // a later load reads what was stored
    }
  }

  Block *root_;
  bool changed_ = false;
};

}  // namespace

bool forward_loads(Kernel &k) {
  bool changed = false;
  for (auto &task : k.body->stmts)  // each task on its own: tasks run one after another
    for (Block *b : task->blocks()) changed |= ForwardLoads(k.body.get()).run(b);
  return changed;
}

}  // namespace qtaichi::ir::passes
