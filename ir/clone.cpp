#include "ir/clone.h"

#include <unordered_map>

#include "ir/error.h"

namespace qtaichi::ir {

namespace {

class Cloner {
 public:
  explicit Cloner(StmtMap &map) : map_(map) {}
  // Calls of a function in `functions_` go to its copy.
  std::unordered_map<const Function *, Function *> functions_;

  void block(const Block &from, Block &to) {
    for (const auto &s : from.stmts) to.append(stmt(*s));
  }

  std::unique_ptr<Stmt> stmt(const Stmt &s) {
    std::unique_ptr<Stmt> c;
    if (auto *f = s.as<RangeForStmt>()) {
      auto n = std::make_unique<RangeForStmt>();
      n->serialize = f->serialize;
      n->block_dim = f->block_dim;
      n->bit_vectorize = f->bit_vectorize;
      c = std::move(n);
    } else if (s.is<IfStmt>()) {
      c = std::make_unique<IfStmt>();
    } else if (s.is<WhileStmt>()) {
      c = std::make_unique<WhileStmt>();
    } else if (auto *t = s.as<OffloadedTaskStmt>()) {
      auto n = std::make_unique<OffloadedTaskStmt>();
      n->task_kind = t->task_kind;
      n->begin = t->begin;
      n->end = t->end;
      n->begin_temp = t->begin_temp;
      n->end_temp = t->end_temp;
      n->block_dim = t->block_dim;
      c = std::move(n);
    } else {
      c = s.clone();
      if (!c)
        throw CompileError(ErrorKind::internal,
                           std::string("cannot copy a '") + s.kind_name() + "' statement", s.loc);
    }
    c->ret_type = s.ret_type;
    c->loc = s.loc;
    c->ops.clear();
    for (Stmt *op : s.ops) c->ops.push_back(map_.at(op));
    if (auto *li = c->as<LoopIndexStmt>()) li->loop = map_.at(li->loop);
    if (auto *call = c->as<FuncCallStmt>()) {
      auto it = functions_.find(call->callee);
      if (it != functions_.end()) call->callee = it->second;
    }
    map_[&s] = c.get();
    auto from_blocks = s.blocks(), to_blocks = c->blocks();
    for (size_t i = 0; i < from_blocks.size(); i++) block(*from_blocks[i], *to_blocks[i]);
    return c;
  }

 private:
  StmtMap &map_;
};

}  // namespace

std::unique_ptr<Kernel> clone_kernel(const Kernel &k) {
  auto c = std::make_unique<Kernel>(k.name);
  c->args = k.args;
  c->ret_type = k.ret_type;
  c->ret_count = k.ret_count;
  c->temp_bytes = k.temp_bytes;
  c->default_ip = k.default_ip;
  c->default_fp = k.default_fp;
  c->debug = k.debug;
  c->quant_store_fusion = k.quant_store_fusion;
  c->quant_atomic_demotion = k.quant_atomic_demotion;
  c->check_quant_overflow = k.check_quant_overflow;
  c->loc = k.loc;
  c->target = k.target;
  c->type_checked = k.type_checked;
  c->offloaded = k.offloaded;
  c->access_lowered = k.access_lowered;
  c->lowered = k.lowered;
  c->consumed = k.consumed;
  c->call_stack_words = k.call_stack_words;
  StmtMap map;
  Cloner cloner(map);
  for (const auto &f : k.functions) {
    auto copy = std::make_unique<Function>();
    copy->name = f->name;
    copy->params = f->params;
    copy->results = f->results;
    copy->loc = f->loc;
    cloner.functions_[f.get()] = copy.get();
    c->functions.push_back(std::move(copy));
  }
  cloner.block(*k.body, *c->body);
  for (size_t i = 0; i < k.functions.size(); i++)
    cloner.block(*k.functions[i]->body, *c->functions[i]->body);
  return c;
}

std::unique_ptr<Stmt> clone_stmt(const Stmt &s, StmtMap &map) { return Cloner(map).stmt(s); }

}  // namespace qtaichi::ir
