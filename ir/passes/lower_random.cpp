// lower_random: ti.random as plain integer IR, the same streams on every backend. Each parallel
// loop index (and each serial task) has a splitmix64 stream seeded from (random_seed, launch
// count, task, index), so results do not depend on how the range is split among threads:
//   state = mix64(mix64(seed ^ mix64(launch * 0x100000001B3 + (task << 32))) + index)
//   each value: state += 0x9E3779B97F4A7C15; bits = mix64(state)
// f32 takes the top 24 bits (/ 2^24), f64 the top 53 (/ 2^53), integers the low bits.
#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

class LowerRandom {
 public:
  explicit LowerRandom(Kernel &k) : k_(k), b_(&k) {}

  bool run() {
    bool changed = false;
    int task_index = 0;
    for (auto &top : k_.body->stmts) {
      auto *task = top->as<OffloadedTaskStmt>();
      if (!task) continue;
      std::vector<Stmt *> rands;
      walk(task->body.get(), [&](Stmt *s) {
        if (s->is<RandStmt>()) rands.push_back(s);
      });
      if (!rands.empty()) {
        lower_task(task, task_index, rands);
        changed = true;
      }
      task_index++;
    }
    return changed;
  }

 private:
  Stmt *u64(uint64_t v) { return b_.const_int(types::u64(), static_cast<int64_t>(v)); }
  Stmt *bin(BinaryOp op, Stmt *a, Stmt *c) { return b_.binary(op, a, c); }

  Stmt *mix64(Stmt *z) {
    z = bin(BinaryOp::mul, bin(BinaryOp::bit_xor, z, bin(BinaryOp::shr, z, u64(30))),
            u64(0xBF58476D1CE4E5B9ull));
    z = bin(BinaryOp::mul, bin(BinaryOp::bit_xor, z, bin(BinaryOp::shr, z, u64(27))),
            u64(0x94D049BB133111EBull));
    return bin(BinaryOp::bit_xor, z, bin(BinaryOp::shr, z, u64(31)));
  }

  Stmt *context(ContextValue which) {
    auto s = std::make_unique<ContextValueStmt>();
    s->which = which;
    s->ret_type = types::u64();
    return b_.insert(std::move(s));
  }

  void lower_task(OffloadedTaskStmt *task, int task_index, const std::vector<Stmt *> &rands) {
    Block *body = task->body.get();
    // The stream starts at the top of the task body (once per loop index).
    if (body->stmts.empty()) return;
    b_.set_insert_before(body->stmts.front().get());
    b_.set_loc(task->loc);
    Stmt *index = task->task_kind == TaskKind::range_for
                      ? b_.cast(b_.cast(b_.loop_index(task), types::u32()), types::u64())
                      : u64(0);
    Stmt *stream = mix64(bin(BinaryOp::add,
                             bin(BinaryOp::mul, context(ContextValue::launch_id),
                                 u64(0x100000001B3ull)),
                             u64(static_cast<uint64_t>(task_index) << 32)));
    Stmt *seed = bin(BinaryOp::bit_xor, context(ContextValue::rand_seed), stream);
    Stmt *state = b_.local_var(types::u64());
    b_.local_store(state, mix64(bin(BinaryOp::add, mix64(seed), index)));
    for (Stmt *r : rands) {
      b_.set_insert_before(r);
      b_.set_loc(r->loc);
      Stmt *next = bin(BinaryOp::add, b_.local_load(state), u64(0x9E3779B97F4A7C15ull));
      b_.local_store(state, next);
      Stmt *bits = mix64(next);
      const Type *t = r->ret_type;
      Stmt *v;
      if (t->kind() == PrimKind::f32)
        v = bin(BinaryOp::mul, b_.cast(bin(BinaryOp::shr, bits, u64(40)), types::f32()),
                b_.const_float(types::f32(), 1.0 / (1 << 24)));
      else if (t->kind() == PrimKind::f64)
        v = bin(BinaryOp::mul, b_.cast(bin(BinaryOp::shr, bits, u64(11)), types::f64()),
                b_.const_float(types::f64(), 1.0 / 9007199254740992.0));
      else
        v = b_.cast(bits, t);
      replace_all_uses(k_.body.get(), r, v);
      r->parent->erase(r);
    }
  }

  Kernel &k_;
  Builder b_;
};

}  // namespace

bool lower_random(Kernel &k) { return LowerRandom(k).run(); }

}  // namespace qtaichi::ir::passes
