// offload: splits the kernel's top level into tasks. Each top-level range-for (unless
// serialized) becomes a parallel range_for task; runs of other statements become serial tasks.
// Values that cross from one task to another go through the kernel's temp buffer: loop bounds
// computed at run time, top-level local variables (which become shared temps, so `s += x[i]`
// inside the parallel loop stays an atomic add) and other values (stored after definition and
// loaded at the start of the using task). Constants, arguments and field pointers are simply
// re-made in the using task.
#include <map>
#include <unordered_map>

#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

class Offload {
 public:
  explicit Offload(Kernel &k) : k_(k) {}

  void run() {
    std::vector<std::unique_ptr<Stmt>> old = std::move(k_.body->stmts);
    k_.body->stmts.clear();
    OffloadedTaskStmt *serial = nullptr;
    for (auto &up : old) {
      Stmt *s = up.get();
      auto *f = s->as<RangeForStmt>();
      if (f && !f->serialize) {
        serial = nullptr;
        make_range_task(std::move(up), f);
        continue;
      }
      if (!serial) serial = new_task(TaskKind::serial, s->loc);
      serial->body->append(std::move(up));
    }
    k_.offloaded = true;
    fix_cross_task_uses();
  }

 private:
  OffloadedTaskStmt *new_task(TaskKind kind, const SourceLoc &loc) {
    auto t = std::make_unique<OffloadedTaskStmt>();
    t->task_kind = kind;
    t->loc = loc;
    return static_cast<OffloadedTaskStmt *>(k_.body->append(std::move(t)));
  }

  int64_t new_temp(int64_t bytes = 8) {
    int64_t off = k_.temp_bytes;
    k_.temp_bytes += bytes;
    return off;
  }

  // A bound is a constant, or an i32 stored to a temp by the serial task just before the loop
  // (a new one when the loop follows another loop).
  void set_bound(Stmt *value, int64_t *constant, int64_t *temp, const SourceLoc &loc) {
    if (auto *c = value->as<ConstStmt>()) {
      *constant = c->ival;
      return;
    }
    *temp = new_temp();
    OffloadedTaskStmt *writer = nullptr;
    if (!k_.body->stmts.empty()) {
      auto *last = k_.body->stmts.back()->as<OffloadedTaskStmt>();
      if (last->task_kind == TaskKind::serial) writer = last;
    }
    if (!writer) writer = new_task(TaskKind::serial, loc);
    auto slot = std::make_unique<GlobalTempStmt>();
    slot->offset = *temp;
    slot->ret_type = value->ret_type;
    slot->loc = loc;
    Stmt *p = writer->body->append(std::move(slot));
    auto store = std::make_unique<GlobalStoreStmt>();
    store->ops = {p, value};
    store->ret_type = types::void_();
    store->loc = loc;
    writer->body->append(std::move(store));
  }

  void make_range_task(std::unique_ptr<Stmt> up, RangeForStmt *f) {
    // The bounds' writer (if any) comes before the loop task.
    int64_t b = 0, e = 0, bt = -1, et = -1;
    set_bound(f->begin(), &b, &bt, f->loc);
    set_bound(f->end(), &e, &et, f->loc);
    OffloadedTaskStmt *t = new_task(TaskKind::range_for, f->loc);
    t->begin = b;
    t->end = e;
    t->begin_temp = bt;
    t->end_temp = et;
    t->block_dim = f->block_dim;
    // Move the loop body into the task; the loop index now refers to the task.
    for (auto &child : f->body->stmts) {
      t->body->append(std::move(child));
    }
    f->body->stmts.clear();
    replace_all_uses(t->body.get(), f, t);
    walk(t->body.get(), [&](Stmt *s) {
      if (s->is<BreakStmt>() && enclosing_loop(s) == t)
        compile_error(ErrorKind::syntax,
                      "'break' is not allowed in the outermost (parallel) loop of a kernel",
                      s->loc);
    });
    dropped_.push_back(std::move(up));
  }

  OffloadedTaskStmt *task_containing(Stmt *s) {
    Stmt *top = s;
    while (top->parent != k_.body.get()) top = top->parent->owner;
    return static_cast<OffloadedTaskStmt *>(top);
  }

  // Returns a statement in `task`, before `user`, that yields the value of `v` (from another
  // task). Made once per (value, task).
  Stmt *import_value(Stmt *v, OffloadedTaskStmt *task) {
    auto key = std::make_pair(v, task);
    if (auto it = imported_.find(key); it != imported_.end()) return it->second;
    Block *body = task->body.get();
    Stmt *result;
    if (v->is<ConstStmt>() || v->is<ArgLoadStmt>() || v->is<GlobalTempStmt>() ||
        v->is<GlobalPtrStmt>() || v->is<ExternalPtrStmt>() || v->is<ExternalShapeStmt>()) {
      auto copy = v->clone();
      for (Stmt *&op : copy->ops) op = import_value(op, task);
      result = body->insert(insert_pos_[task]++, std::move(copy));
    } else if (v->is<AllocaStmt>()) {
      result = temp_for_alloca(v, task);
    } else {
      // Store after the definition, load at the start of the user task.
      auto [it, fresh] = value_temps_.try_emplace(v, -1);
      if (fresh) {
        it->second = new_temp();
        auto slot = std::make_unique<GlobalTempStmt>();
        slot->offset = it->second;
        slot->ret_type = v->ret_type;
        Block *def_block = v->parent;
        size_t pos = def_block->index_of(v) + 1;
        Stmt *p = def_block->insert(pos, std::move(slot));
        auto store = std::make_unique<GlobalStoreStmt>();
        store->ops = {p, v};
        store->ret_type = types::void_();
        store->loc = v->loc;
        def_block->insert(pos + 1, std::move(store));
      }
      auto slot = std::make_unique<GlobalTempStmt>();
      slot->offset = it->second;
      slot->ret_type = v->ret_type;
      Stmt *p = body->insert(insert_pos_[task]++, std::move(slot));
      auto load = std::make_unique<GlobalLoadStmt>();
      load->ops = {p};
      load->ret_type = v->ret_type;
      result = body->insert(insert_pos_[task]++, std::move(load));
    }
    imported_[key] = result;
    return result;
  }

  // A top-level local variable used by several tasks lives in the temp buffer instead.
  Stmt *temp_for_alloca(Stmt *alloca, OffloadedTaskStmt *task) {
    auto [it, fresh] = alloca_temps_.try_emplace(alloca, -1);
    if (fresh) it->second = new_temp();
    auto slot = std::make_unique<GlobalTempStmt>();
    slot->offset = it->second;
    slot->ret_type = alloca->ret_type;
    return task->body->insert(insert_pos_[task]++, std::move(slot));
  }

  void fix_cross_task_uses() {
    // Pass 1: find allocas used outside their task; they move to temps everywhere.
    std::vector<std::pair<Stmt *, size_t>> foreign;  // (user, operand index)
    walk(k_.body.get(), [&](Stmt *s) {
      if (s->is<OffloadedTaskStmt>()) return;
      for (size_t i = 0; i < s->ops.size(); i++)
        if (task_containing(s->ops[i]) != task_containing(s)) foreign.push_back({s, i});
    });
    std::unordered_map<Stmt *, bool> shared_alloca;
    for (auto &[user, i] : foreign)
      if (user->ops[i]->is<AllocaStmt>()) shared_alloca[user->ops[i]] = true;
    for (auto &[alloca, _] : shared_alloca) {
      OffloadedTaskStmt *home = task_containing(alloca);
      Stmt *slot = temp_for_alloca(alloca, home);
      imported_[{alloca, home}] = slot;
      replace_all_uses(home->body.get(), alloca, slot);
    }
    // Pass 2: redirect every foreign operand to an imported copy.
    for (auto &[user, i] : foreign) {
      OffloadedTaskStmt *task = task_containing(user);
      user->ops[i] = import_value(user->ops[i], task);
    }
    // Local loads/stores on temps become global ones; drop the now unused allocas.
    walk_mutable(k_.body.get(), [&](Stmt *s) {
      if ((s->is<LocalLoadStmt>() || s->is<LocalStoreStmt>()) && s->ops[0]->is<GlobalTempStmt>()) {
        std::unique_ptr<Stmt> g;
        if (s->is<LocalLoadStmt>()) g = std::make_unique<GlobalLoadStmt>();
        else g = std::make_unique<GlobalStoreStmt>();
        g->ops = s->ops;
        g->ret_type = s->ret_type;
        g->loc = s->loc;
        replace_stmt(k_.body.get(), s, std::move(g));
      }
    });
    for (auto &[alloca, _] : shared_alloca) alloca->parent->erase(alloca);
  }

  Kernel &k_;
  std::map<std::pair<Stmt *, OffloadedTaskStmt *>, Stmt *> imported_;
  std::unordered_map<OffloadedTaskStmt *, size_t> insert_pos_;  // where imports go
  std::unordered_map<Stmt *, int64_t> value_temps_, alloca_temps_;
  std::vector<std::unique_ptr<Stmt>> dropped_;
};

}  // namespace

bool offload(Kernel &k) {
  if (k.offloaded) return false;
  Offload(k).run();
  return true;
}

}  // namespace qtaichi::ir::passes
