// lower_calls: replaces every call of a real function (ti.real_func) by plain IR, first in the
// pipeline, so no later pass and no backend sees a call.
//
// - A function outside any cycle of the call graph is copied into each call, its parameters
//   replaced by the arguments and its loops made serial (a real function runs on the calling
//   thread, as in Taichi).
// - Functions that call each other in a cycle (a strongly connected component: recursion) run on
//   an explicit call stack at each call from outside the cycle: SPIR-V forbids recursion, and one
//   mechanism for every target keeps their results alike. Their bodies become a state machine,
//   `while state != exit: if state == 0 {...} if state == 1 {...} ...`, whose states are the
//   straight runs between calls and branches. Each activation has a frame of 32-bit words in a
//   local array: the state to resume in the caller, the caller's frame, the parameters, the
//   local variables and every value that one state makes and another uses. Code between calls
//   that has no call inside keeps its ifs and loops (only calls and what jumps across them are
//   flattened). A call that would pass the end of the stack stops the kernel with an error.
#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "ir/builder.h"
#include "ir/clone.h"
#include "ir/error.h"
#include "ir/passes/passes.h"

namespace qtaichi::ir::passes {

namespace {

std::vector<FuncCallStmt *> calls_in(Block *b) {
  std::vector<FuncCallStmt *> out;
  walk(b, [&](Stmt *s) {
    if (auto *c = s->as<FuncCallStmt>()) out.push_back(c);
  });
  return out;
}

// The call graph's strongly connected components (Tarjan) and which of them recurse.
class CallGraph {
 public:
  explicit CallGraph(Kernel &k) {
    for (auto &f : k.functions) index_.emplace(f.get(), -1);
    for (auto &f : k.functions)
      if (index_[f.get()] < 0) visit(f.get());
  }
  int component(const Function *f) const { return comp_.at(f); }
  bool recursive(int c) const { return recursive_[static_cast<size_t>(c)]; }
  const std::vector<Function *> &members(int c) const { return members_[static_cast<size_t>(c)]; }
  int count() const { return static_cast<int>(members_.size()); }

 private:
  void visit(Function *f) {
    index_[f] = low_[f] = next_++;
    stack_.push_back(f);
    on_stack_.insert(f);
    for (FuncCallStmt *c : calls_in(f->body.get())) {
      Function *g = c->callee;
      if (g == f) self_calls_.insert(f);
      if (index_[g] < 0) {
        visit(g);
        low_[f] = std::min(low_[f], low_[g]);
      } else if (on_stack_.count(g)) {
        low_[f] = std::min(low_[f], index_[g]);
      }
    }
    if (low_[f] != index_[f]) return;
    std::vector<Function *> scc;
    Function *g;
    do {
      g = stack_.back();
      stack_.pop_back();
      on_stack_.erase(g);
      comp_[g] = static_cast<int>(members_.size());
      scc.push_back(g);
    } while (g != f);
    recursive_.push_back(scc.size() > 1 || self_calls_.count(f));
    std::reverse(scc.begin(), scc.end());
    members_.push_back(std::move(scc));
  }

  std::unordered_map<const Function *, int> index_, low_, comp_;
  std::vector<Function *> stack_;
  std::unordered_set<const Function *> on_stack_, self_calls_;
  std::vector<std::vector<Function *>> members_;
  std::vector<bool> recursive_;
  int next_ = 0;
};

int words_of(const Type *t) { return t->bits() > 32 ? 2 : 1; }

// Stores and loads values of any scalar type as 32-bit words of the stack array.
class StackWords {
 public:
  StackWords(Stmt *stack, Stmt *fp) : stack_(stack), fp_(fp) {}

  Stmt *index(Builder &b, Stmt *base, int offset) {
    return b.binary(BinaryOp::add, base, b.const_i32(offset));
  }
  void store_word(Builder &b, Stmt *base, int offset, Stmt *word) {
    b.local_store_at(stack_, index(b, base, offset), word);
  }
  Stmt *load_word(Builder &b, Stmt *base, int offset) {
    return b.local_load_at(stack_, index(b, base, offset));
  }
  // `base` is a frame's first word (the current frame when null).
  void store(Builder &b, int offset, Stmt *v, Stmt *base = nullptr) {
    if (!base) base = b.local_load(fp_);
    const Type *t = v->ret_type;
    if (words_of(t) == 2) {
      Stmt *u = t == types::u64() ? v : b.bit_cast(v, types::u64());
      store_word(b, base, offset, b.cast(u, types::u32()));
      Stmt *hi = b.binary(BinaryOp::shr, u, b.const_int(types::u64(), 32));
      store_word(b, base, offset + 1, b.cast(hi, types::u32()));
    } else if (t->bits() == 32) {
      store_word(b, base, offset, t == types::u32() ? v : b.bit_cast(v, types::u32()));
    } else {
      store_word(b, base, offset, b.cast(v, types::u32()));
    }
  }
  Stmt *load(Builder &b, int offset, const Type *t, Stmt *base = nullptr) {
    if (!base) base = b.local_load(fp_);
    if (words_of(t) == 2) {
      Stmt *lo = b.cast(load_word(b, base, offset), types::u64());
      Stmt *hi = b.cast(load_word(b, base, offset + 1), types::u64());
      Stmt *u = b.binary(BinaryOp::bit_or, lo, b.binary(BinaryOp::shl, hi, b.const_int(types::u64(), 32)));
      return t == types::u64() ? u : b.bit_cast(u, t);
    }
    Stmt *w = load_word(b, base, offset);
    if (t == types::u32()) return w;
    return t->bits() == 32 ? b.bit_cast(w, t) : b.cast(w, t);
  }

 private:
  Stmt *stack_, *fp_;
};

constexpr int kExit = -1;
constexpr int kReturnStateWord = 0, kCallerFrameWord = 1, kFrameHeader = 2;
// Frame sizes are known only once a body is laid out: the constants that hold them start as
// this placeholder and are patched at the end.
constexpr int64_t kUnknownSize = 0x7eadbeef;

// One call stack for the functions of one cycle, at one call from outside it.
class StackMachine {
 public:
  StackMachine(Kernel &k, const std::vector<Function *> &fns)
      : k_(k), b_(&k), dispatch_(&k), order_(fns), fns_(fns.begin(), fns.end()) {}

  void build(FuncCallStmt *call) {
    b_.set_insert_before(call);
    b_.set_loc(call->loc);
    // Everything the machine makes sits in one block, so that no later pass moves a part of it
    // elsewhere (offload keeps it in one task; an enclosing machine keeps it in one state).
    auto *wrap = b_.if_(b_.const_i32(1));
    b_.set_insert_before(nullptr);
    b_.push_block(wrap->true_block.get());
    stack_ = b_.local_array(types::u32(), k_.call_stack_words);
    fp_ = b_.local_var(types::i32());
    state_ = b_.local_var(types::i32());
    words_ = std::make_unique<StackWords>(stack_, fp_);
    for (Function *f : order_) {
      Frame &fr = frames_[f];
      fr.size = kFrameHeader;
      for (const Type *t : f->params) {
        fr.param_offsets.push_back(fr.size);
        fr.size += words_of(t);
      }
      for (const Type *t : f->results) fr.results.push_back(b_.local_var(t));
    }
    Function *callee = call->callee;
    std::vector<Stmt *> args(call->ops.begin(), call->ops.begin() + call->num_args);
    b_.local_store(fp_, b_.const_i32(0));
    // The first frame starts at word 0 and returns to `exit`.
    auto *loop = b_.while_();
    b_.push_block(loop->body.get());
    dispatch_.push_block(loop->body.get());
    auto *done = b_.if_(b_.binary(BinaryOp::cmp_eq, b_.local_load(state_), b_.const_i32(kExit)));
    b_.push_block(done->true_block.get());
    b_.break_();
    b_.pop_block();
    for (Function *f : order_) frames_[f].entry = new_state();
    b_.pop_block();
    // Before the loop: push the first frame.
    b_.set_insert_before(loop);
    push_frame(b_.const_i32(0), callee, kExit, args, b_.const_i32(0));
    b_.set_insert_before(nullptr);
    for (Function *f : order_) lay_out(f);
    for (auto &[f, fr] : frames_)
      for (ConstStmt *c : fr.size_consts) c->ival = fr.size;
    b_.push_block(wrap->true_block.get());
    for (size_t i = 0; i < callee->results.size(); i++)
      b_.local_store(call->ops[static_cast<size_t>(call->num_args) + i],
                     b_.local_load(frames_[callee].results[i]));
    call->parent->erase(call);
  }

 private:
  struct Frame {
    int size = 0;
    int entry = 0;
    std::vector<int> param_offsets;
    std::vector<Stmt *> results;  // the machine's result variables for this function
    std::vector<ConstStmt *> size_consts;
  };
  struct Def {
    Stmt *value;
    int state;
  };
  struct Loop {
    int break_to, continue_to;
  };

  // ---- states ----

  int new_state() {
    int id = static_cast<int>(state_blocks_.size());
    auto *s = dispatch_.if_(
        dispatch_.binary(BinaryOp::cmp_eq, dispatch_.local_load(state_), dispatch_.const_i32(id)));
    state_blocks_.push_back(s->true_block.get());
    return id;
  }
  // Continues building in state `id` (the builder's only pushed block is the state's).
  void open(int id) {
    b_.pop_block();
    b_.push_block(state_blocks_[static_cast<size_t>(id)]);
    cur_ = id;
  }
  void jump(int id) { b_.local_store(state_, b_.const_i32(id)); }
  void jump_if(Stmt *cond, int yes, int no) {
    b_.local_store(state_, b_.select(cond, b_.const_i32(yes), b_.const_i32(no)));
  }

  Stmt *frame_size(Function *f) {
    auto *c = static_cast<ConstStmt *>(b_.const_i32(static_cast<int32_t>(kUnknownSize)));
    frames_[f].size_consts.push_back(c);
    return c;
  }

  // Writes a callee frame at `base`: where to resume, the caller's frame and the arguments; then
  // switches to it. The stack must hold the whole frame.
  void push_frame(Stmt *base, Function *callee, int resume, const std::vector<Stmt *> &args,
                  Stmt *caller_fp) {
    Stmt *end = b_.binary(BinaryOp::add, base, frame_size(callee));
    b_.assert_(b_.binary(BinaryOp::cmp_le, end, b_.const_i32(k_.call_stack_words)),
               "ti.real_func '" + callee->name + "': the recursion needs more than the " +
                   std::to_string(k_.call_stack_words * 4) +
                   " bytes of its call stack (raise ti.init(real_func_stack_bytes=...))",
               {});
    words_->store_word(b_, base, kReturnStateWord, b_.bit_cast(b_.const_i32(resume), types::u32()));
    words_->store_word(b_, base, kCallerFrameWord, b_.bit_cast(caller_fp, types::u32()));
    const Frame &fr = frames_[callee];
    for (size_t i = 0; i < args.size(); i++) words_->store(b_, fr.param_offsets[i], args[i], base);
    b_.local_store(fp_, base);
    jump(fr.entry);
  }

  // ---- one function's body ----

  void lay_out(Function *f) {
    fn_ = f;
    b_.push_block(state_blocks_[static_cast<size_t>(frames_[f].entry)]);
    cur_ = frames_[f].entry;
    stmts(*f->body, /*flat=*/true);
    b_.pop_block();
    vals_.clear();
    spill_.clear();
    slots_.clear();
    counters_.clear();
    loaded_.clear();
  }

  int new_slot(const Type *t) {
    Frame &fr = frames_[fn_];
    int at = fr.size;
    fr.size += words_of(t);
    return at;
  }

  // Whether an if/loop can be rebuilt as it is inside one state: no call of the cycle inside and
  // no break/continue that leaves it.
  bool self_contained(Stmt *s) {
    bool ok = true;
    for (Block *blk : s->blocks())
      walk(blk, [&](Stmt *x) {
        if (auto *c = x->as<FuncCallStmt>(); c && fns_.count(c->callee)) ok = false;
        if (x->is<BreakStmt>() || x->is<ContinueStmt>()) {
          Stmt *loop = enclosing_loop(x);
          bool inside = loop == s;
          for (Block *p = loop ? loop->parent : nullptr; p && p->owner && !inside; p = p->owner->parent)
            inside = p->owner == s;
          if (!inside) ok = false;
        }
      });
    return ok;
  }

  void stmts(const Block &blk, bool flat) {
    for (const auto &up : blk.stmts) stmt(up.get(), flat);
  }

  void define(const Stmt *orig, Stmt *value) { vals_[orig] = {value, cur_}; }

  // The value of an original statement at the current point: made in this state, or stored by
  // the state that made it into its frame slot and loaded here.
  Stmt *value_of(Stmt *op) {
    if (auto *c = op->as<ConstStmt>()) {
      auto copy = c->clone();
      copy->ret_type = c->ret_type;
      return b_.insert(std::move(copy));
    }
    if (auto *a = op->as<FuncArgStmt>())
      return cached_load(op, frames_[fn_].param_offsets[static_cast<size_t>(a->index)]);
    auto it = vals_.find(op);
    if (it == vals_.end())
      throw CompileError(ErrorKind::internal, std::string("lower_calls: '") + op->kind_name() +
                                                  "' used before it is made", op->loc);
    if (it->second.state == cur_) return it->second.value;
    if (op->is<GlobalPtrStmt>() || op->is<ExternalPtrStmt>()) {
      // An element pointer is no value to store: made again here from its indices.
      auto copy = op->clone();
      copy->ret_type = op->ret_type;
      copy->loc = op->loc;
      for (Stmt *&index : copy->ops) index = value_of(index);
      return b_.insert(std::move(copy));
    }
    return cached_load(op, spill(op, it->second.value));
  }

  Stmt *cached_load(const Stmt *op, int slot) {
    auto key = std::make_pair(op, b_.current_block());
    auto it = loaded_.find(key);
    if (it != loaded_.end() && it->second.state == cur_) return it->second.value;
    Stmt *v = words_->load(b_, slot, op->ret_type);
    loaded_[key] = {v, cur_};
    return v;
  }

  // The frame slot of a value used outside the state that makes it: stored right after it.
  int spill(const Stmt *op, Stmt *value) {
    auto it = spill_.find(op);
    if (it != spill_.end()) return it->second;
    if (value->is<AllocaStmt>())
      throw CompileError(ErrorKind::internal, "lower_calls: a local array crosses a call", op->loc);
    int slot = new_slot(value->ret_type);
    spill_[op] = slot;
    Builder sb(&k_);
    Block *blk = value->parent;
    size_t at = blk->index_of(value) + 1;
    if (at < blk->stmts.size()) sb.set_insert_before(blk->stmts[at].get());
    else sb.push_block(blk);
    sb.set_loc(value->loc);
    words_->store(sb, slot, value);
    return slot;
  }

  void stmt(Stmt *s, bool flat) {
    b_.set_loc(s->loc);
    switch (s->kind()) {
      case StmtKind::FuncArgStmt:
        return;  // read from the frame where used
      case StmtKind::AllocaStmt: {
        auto *a = s->as<AllocaStmt>();
        if (!flat || a->is_array()) {  // lives inside one state
          auto copy = a->clone();
          copy->ret_type = a->ret_type;
          define(s, b_.insert(std::move(copy)));
          return;
        }
        int slot = new_slot(a->ret_type);
        slots_[s] = slot;
        words_->store(b_, slot, b_.const_int(a->ret_type, 0));
        return;
      }
      case StmtKind::LocalLoadStmt:
      case StmtKind::LocalStoreStmt:
        if (auto it = slots_.find(s->ops[0]); it != slots_.end()) {
          if (s->is<LocalLoadStmt>()) {
            define(s, words_->load(b_, it->second, s->ret_type));
          } else {  // a store converts to the variable's type (type_check's rule for locals)
            Stmt *v = value_of(s->ops[1]);
            const Type *t = s->ops[0]->ret_type;
            words_->store(b_, it->second, v->ret_type == t ? v : b_.cast(v, t));
          }
          return;
        }
        break;
      case StmtKind::AtomicOpStmt:
        if (auto it = slots_.find(s->ops[0]); it != slots_.end()) {
          auto *a = s->as<AtomicOpStmt>();
          Stmt *old = words_->load(b_, it->second, s->ops[0]->ret_type);
          Stmt *operand = value_of(a->value());
          if (operand->ret_type != old->ret_type) operand = b_.cast(operand, old->ret_type);
          words_->store(b_, it->second, b_.binary(binary_op_of(a->op), old, operand));
          define(s, old);
          return;
        }
        break;
      case StmtKind::LoopIndexStmt: {
        Stmt *loop = s->as<LoopIndexStmt>()->loop;
        if (auto it = counters_.find(loop); it != counters_.end()) {
          define(s, words_->load(b_, it->second, types::i32()));
          return;
        }
        define(s, b_.loop_index(vals_.at(loop).value));
        return;
      }
      case StmtKind::FuncCallStmt:
        if (!fns_.count(s->as<FuncCallStmt>()->callee))
          throw CompileError(ErrorKind::internal, "lower_calls: a call leaves its cycle", s->loc);
        return call(s->as<FuncCallStmt>());
      case StmtKind::FuncReturnStmt: {
        const Frame &fr = frames_[fn_];
        for (size_t i = 0; i < s->ops.size(); i++) b_.local_store(fr.results[i], value_of(s->ops[i]));
        Stmt *fp = b_.local_load(fp_);
        b_.local_store(state_, b_.bit_cast(words_->load_word(b_, fp, kReturnStateWord), types::i32()));
        b_.local_store(fp_, b_.bit_cast(words_->load_word(b_, fp, kCallerFrameWord), types::i32()));
        return;
      }
      case StmtKind::IfStmt:
      case StmtKind::WhileStmt:
      case StmtKind::RangeForStmt:
        if (flat && !self_contained(s)) return flat_control(s);
        return structured_control(s);
      case StmtKind::BreakStmt:
      case StmtKind::ContinueStmt:
        if (!flat) break;
        jump(s->is<BreakStmt>() ? loops_.back().break_to : loops_.back().continue_to);
        open(new_state());  // what follows is unreachable
        return;
      default:
        break;
    }
    if (!s->blocks().empty())
      throw CompileError(ErrorKind::internal, std::string("lower_calls: cannot lay out '") +
                                                  s->kind_name() + "'", s->loc);
    auto copy = s->clone();
    copy->ret_type = s->ret_type;
    copy->loc = s->loc;
    for (Stmt *&op : copy->ops) op = value_of(op);
    define(s, b_.insert(std::move(copy)));
  }

  // An if/loop without calls: rebuilt in the current state as it is.
  void structured_control(Stmt *s) {
    Stmt *made;
    if (auto *i = s->as<IfStmt>()) {
      auto *n = b_.if_(value_of(i->cond()));
      made = n;
      body(n->true_block.get(), *i->true_block);
      body(n->false_block.get(), *i->false_block);
    } else if (auto *w = s->as<WhileStmt>()) {
      auto *n = b_.while_();
      made = n;
      body(n->body.get(), *w->body);
    } else {
      auto *f = s->as<RangeForStmt>();
      auto *n = b_.range_for(value_of(f->begin()), value_of(f->end()));
      n->serialize = true;
      made = n;
      define(s, n);  // before the body: its loop_index statements refer to the loop
      body(n->body.get(), *f->body);
    }
    define(s, made);
  }
  void body(Block *to, const Block &from) {
    b_.push_block(to);
    stmts(from, false);
    b_.pop_block();
  }

  // An if/loop with a call inside: its blocks become states.
  void flat_control(Stmt *s) {
    if (auto *i = s->as<IfStmt>()) {
      int yes = new_state(), no = new_state(), join = new_state();
      jump_if(value_of(i->cond()), yes, no);
      open(yes);
      stmts(*i->true_block, true);
      jump(join);
      open(no);
      stmts(*i->false_block, true);
      jump(join);
      open(join);
    } else if (auto *w = s->as<WhileStmt>()) {
      int head = new_state(), exit = new_state();
      jump(head);
      open(head);
      loop_body(*w->body, {exit, head}, head);
      open(exit);
    } else {
      auto *f = s->as<RangeForStmt>();
      int counter = new_slot(types::i32());
      counters_[s] = counter;
      Stmt *begin = value_of(f->begin());
      words_->store(b_, counter, begin->ret_type == types::i32() ? begin : b_.cast(begin, types::i32()));
      int head = new_state(), body = new_state(), next = new_state(), exit = new_state();
      jump(head);
      open(head);
      Stmt *i = words_->load(b_, counter, types::i32());
      jump_if(b_.binary(BinaryOp::cmp_lt, i, value_of(f->end())), body, exit);
      open(body);
      loop_body(*f->body, {exit, next}, next);
      open(next);
      Stmt *j = words_->load(b_, counter, types::i32());
      words_->store(b_, counter, b_.binary(BinaryOp::add, j, b_.const_i32(1)));
      jump(head);
      open(exit);
    }
  }

  // A flattened loop's body: break/continue go to `l`'s states; its end goes to `then`.
  void loop_body(const Block &body, Loop l, int then) {
    loops_.push_back(l);
    stmts(body, true);
    loops_.pop_back();
    jump(then);
  }

  // A call inside the cycle: a new frame after the caller's; the results come back through the
  // callee's result variables when the caller resumes.
  void call(FuncCallStmt *c) {
    Function *callee = c->callee;
    std::vector<Stmt *> args;
    for (int i = 0; i < c->num_args; i++) args.push_back(value_of(c->ops[static_cast<size_t>(i)]));
    Stmt *fp = b_.local_load(fp_);
    Stmt *base = b_.binary(BinaryOp::add, fp, frame_size(fn_));
    int resume = new_state();
    push_frame(base, callee, resume, args, fp);
    open(resume);
    const Frame &fr = frames_[callee];
    for (size_t i = 0; i < fr.results.size(); i++) {
      Stmt *var = c->ops[static_cast<size_t>(c->num_args) + i];
      Stmt *v = b_.local_load(fr.results[i]);
      if (auto it = slots_.find(var); it != slots_.end()) words_->store(b_, it->second, v);
      else b_.local_store(vals_.at(var).value, v);
    }
  }

  Kernel &k_;
  Builder b_, dispatch_;
  std::vector<Function *> order_;  // the cycle's functions (in a fixed order: state numbers)
  std::unordered_set<const Function *> fns_;
  std::map<const Function *, Frame> frames_;
  std::unique_ptr<StackWords> words_;
  Stmt *stack_ = nullptr, *fp_ = nullptr, *state_ = nullptr;
  std::vector<Block *> state_blocks_;
  // Per function being laid out:
  Function *fn_ = nullptr;
  int cur_ = 0;
  std::unordered_map<const Stmt *, Def> vals_;
  std::unordered_map<const Stmt *, int> spill_, slots_, counters_;
  std::map<std::pair<const Stmt *, const Block *>, Def> loaded_;
  std::vector<Loop> loops_;
};

// A call of a function outside any cycle: its body, copied in place.
void inline_call(Kernel &k, FuncCallStmt *call) {
  const Function &f = *call->callee;
  Builder b(&k);
  b.set_insert_before(call);
  StmtMap map;
  for (const auto &s : f.body->stmts)
    if (auto *a = s->as<FuncArgStmt>()) map[a] = call->ops[static_cast<size_t>(a->index)];
  for (const auto &s : f.body->stmts) {
    if (s->is<FuncArgStmt>()) continue;
    if (auto *r = s->as<FuncReturnStmt>()) {
      b.set_loc(r->loc);
      for (size_t i = 0; i < r->ops.size(); i++)
        b.local_store(call->ops[static_cast<size_t>(call->num_args) + i], map.at(r->ops[i]));
      continue;
    }
    Stmt *copy = b.insert(clone_stmt(*s, map));
    auto serialize = [](Stmt *x) {
      if (auto *loop = x->as<RangeForStmt>()) loop->serialize = true;
    };
    serialize(copy);
    for (Block *blk : copy->blocks()) walk(blk, serialize);
  }
  call->parent->erase(call);
}

}  // namespace

bool lower_calls(Kernel &k) {
  if (k.functions.empty()) return false;
  CallGraph graph(k);
  // Expands the calls below `b` that leave the cycle `inside` (-1: none): copies of acyclic
  // functions (whose own calls are then expanded in turn) and call stacks for cycles.
  std::function<void(Block *, int)> expand = [&](Block *b, int inside) {
    for (;;) {
      FuncCallStmt *next = nullptr;
      for (FuncCallStmt *c : calls_in(b))
        if (graph.component(c->callee) != inside) {
          next = c;
          break;
        }
      if (!next) return;
      int comp = graph.component(next->callee);
      if (!graph.recursive(comp)) {
        inline_call(k, next);
        continue;
      }
      StackMachine(k, graph.members(comp)).build(next);
    }
  };
  // The bodies of cycles first, callees before callers (Tarjan numbers the components so), so
  // that a cycle's bodies hold only calls inside it when a call stack is built from them; then
  // the kernel.
  for (int comp = 0; comp < graph.count(); comp++)
    if (graph.recursive(comp))
      for (Function *f : graph.members(comp)) expand(f->body.get(), comp);
  expand(k.body.get(), -1);
  k.functions.clear();
  return true;
}

}  // namespace qtaichi::ir::passes
