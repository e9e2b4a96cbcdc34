#include "ir/printer.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

namespace qtaichi::ir {

namespace {

std::string quote(const std::string &s) {
  // Escapes quotes, backslashes and every control character, so one statement is one line.
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string format_const(const ConstStmt *c) {
  char buf[64];
  if (c->ret_type->is_float()) {
    // The shortest text that reads back as the same value: the printed IR is the compile-cache
    // key, so two different constants must never print alike (%.9g would merge f64 values).
    bool f32 = c->ret_type->kind() == PrimKind::f32;
    for (int digits = f32 ? 6 : 15; digits <= 17; digits++) {
      std::snprintf(buf, sizeof buf, "%.*g", digits, c->fval);
      double back = std::strtod(buf, nullptr);
      if (f32 ? static_cast<float>(back) == static_cast<float>(c->fval) : back == c->fval) break;
    }
    std::string s = buf;
    if (s.find_first_of(".einn") == std::string::npos) s += ".0";
    return s;
  }
  if (!c->ret_type->is_signed()) {
    std::snprintf(buf, sizeof buf, "%" PRIu64, static_cast<uint64_t>(c->ival));
    return buf;
  }
  return std::to_string(c->ival);
}

class Printer {
 public:
  std::string run(const Kernel &k) {
    out_ << "kernel " << k.name << "(";
    for (size_t i = 0; i < k.args.size(); i++) {
      const KernelArg &a = k.args[i];
      out_ << (i ? ", " : "") << a.name << ": ";
      if (a.ndim) out_ << "ndarray(" << a.type->str() << ", " << a.ndim << ")";
      else out_ << a.type->str();
    }
    out_ << ") -> " << k.ret_type->str() << " {\n";
    for (size_t i = 0; i < k.functions.size(); i++) fn_ids_[k.functions[i].get()] = i;
    block(*k.body, 1);
    out_ << "}\n";
    if (!k.functions.empty()) out_ << "call_stack " << k.call_stack_words << " words\n";
    for (const auto &f : k.functions) {
      out_ << "func @" << fn_ids_.at(f.get()) << " " << f->name << "(" << types_list(f->params)
           << ") -> (" << types_list(f->results) << ") {\n";
      block(*f->body, 1);
      out_ << "}\n";
    }
    return out_.str();
  }

 private:
  static std::string types_list(const std::vector<const Type *> &ts) {
    std::string r;
    for (size_t i = 0; i < ts.size(); i++) r += (i ? ", " : "") + ts[i]->str();
    return r;
  }

  std::string id(const Stmt *s) {
    if (!s) return "$null";
    auto it = ids_.find(s);
    return it == ids_.end() ? "$?" : "$" + std::to_string(it->second);
  }
  std::string define(const Stmt *s) {
    ids_[s] = next_id_++;
    return id(s);
  }
  std::string operands(const Stmt *s, size_t from = 0) {
    std::string r;
    for (size_t i = from; i < s->ops.size(); i++) r += (i > from ? ", " : "") + id(s->ops[i]);
    return r;
  }

  void block(const Block &b, int depth) {
    for (const auto &s : b.stmts) stmt(*s, depth);
  }

  void line(int depth, const std::string &text) {
    out_ << std::string(depth * 2, ' ') << text << "\n";
  }

  void stmt(const Stmt &s, int depth) {
    std::string pad(depth * 2, ' ');
    if (auto *f = s.as<RangeForStmt>()) {
      line(depth, "for " + define(&s) + " in [" + operands(&s) + ")" +
                      (f->serialize ? " serial" : "") +
                      (f->block_dim ? " block_dim=" + std::to_string(f->block_dim) : "") +
                      (f->bit_vectorize ? " bit_vectorize" : "") + " {");
      block(*f->body, depth + 1);
      line(depth, "}");
      return;
    }
    if (auto *i = s.as<IfStmt>()) {
      line(depth, "if " + id(i->cond()) + " {");
      block(*i->true_block, depth + 1);
      if (!i->false_block->stmts.empty()) {
        line(depth, "} else {");
        block(*i->false_block, depth + 1);
      }
      line(depth, "}");
      return;
    }
    if (auto *w = s.as<WhileStmt>()) {
      line(depth, "while " + define(&s) + " {");
      block(*w->body, depth + 1);
      line(depth, "}");
      return;
    }
    if (auto *t = s.as<OffloadedTaskStmt>()) {
      std::string head = "task " + define(&s);
      if (t->task_kind == TaskKind::serial) {
        head += " serial";
      } else {
        auto bound = [](int64_t v, int64_t temp) {
          return temp >= 0 ? "@" + std::to_string(temp) : std::to_string(v);
        };
        head += " range_for [" + bound(t->begin, t->begin_temp) + ", " +
                bound(t->end, t->end_temp) + ")";
        if (t->block_dim) head += " block_dim=" + std::to_string(t->block_dim);
      }
      line(depth, head + " {");
      block(*t->body, depth + 1);
      line(depth, "}");
      return;
    }
    std::string rhs = body(s);
    if (s.ret_type && !s.ret_type->is_void())
      line(depth, define(&s) + " : " + s.ret_type->str() + " = " + rhs);
    else
      line(depth, rhs);
  }

  std::string body(const Stmt &s) {
    switch (s.kind()) {
      case StmtKind::ConstStmt:
        return "const " + format_const(s.as<ConstStmt>());
      case StmtKind::UnaryOpStmt:
        return std::string(unary_op_name(s.as<UnaryOpStmt>()->op)) + " " + operands(&s);
      case StmtKind::BinaryOpStmt:
        return std::string(binary_op_name(s.as<BinaryOpStmt>()->op)) + " " + operands(&s);
      case StmtKind::ArgLoadStmt:
        return "arg " + std::to_string(s.as<ArgLoadStmt>()->arg_id);
      case StmtKind::LoopIndexStmt:
        return "loop_index " + id(s.as<LoopIndexStmt>()->loop);
      case StmtKind::GlobalPtrStmt:
        return "global_ptr " + s.as<GlobalPtrStmt>()->field->str() + "[" + operands(&s) + "]";
      case StmtKind::GlobalAddrStmt: {
        auto *a = s.as<GlobalAddrStmt>();
        std::string r = "global_addr tree" + std::to_string(a->tree_id) + " + " +
                        id(a->byte_offset());
        if (a->is_bit_level()) r += ", bit " + id(a->bit_offset());
        r += " (" + a->field->str();
        if (const QuantType *q = a->field->quant_type()) r += ": " + q->str();
        return r + ")";
      }
      case StmtKind::GlobalStoreStmt:
        return std::string("global_store ") + operands(&s) +
               (s.as<GlobalStoreStmt>()->thread_safe ? " [thread_safe]" : "") +
               (s.as<GlobalStoreStmt>()->store_group
                    ? " [group " + std::to_string(s.as<GlobalStoreStmt>()->store_group) + "]"
                    : "");
      case StmtKind::BitStructStoreStmt: {
        auto *b = s.as<BitStructStoreStmt>();
        std::string r = "bit_struct_store tree" + std::to_string(b->bit_struct->tree_id()) + " + " +
                        id(b->byte_offset()) + " {";
        for (size_t i = 0; i < b->members.size(); i++)
          r += (i ? ", " : "") + b->members[i]->str() + ": " + id(s.ops[i + 1]);
        return r + "}" + (b->thread_safe ? " [thread_safe]" : "");
      }
      case StmtKind::ExternalPtrStmt:
        return "external_ptr arg" + std::to_string(s.as<ExternalPtrStmt>()->arg_id) + "[" +
               operands(&s) + "]";
      case StmtKind::ExternalAddrStmt:
        return "external_addr arg" + std::to_string(s.as<ExternalAddrStmt>()->arg_id) + " + " +
               operands(&s);
      case StmtKind::ExternalShapeStmt:
        return "external_shape arg" + std::to_string(s.as<ExternalShapeStmt>()->arg_id) +
               " axis " + std::to_string(s.as<ExternalShapeStmt>()->axis);
      case StmtKind::GlobalTempStmt:
        return "global_temp @" + std::to_string(s.as<GlobalTempStmt>()->offset);
      case StmtKind::AtomicOpStmt:
        return std::string("atomic_") + atomic_op_name(s.as<AtomicOpStmt>()->op) + " " +
               operands(&s) + (s.as<AtomicOpStmt>()->thread_safe ? " [thread_safe]" : "");
      case StmtKind::PrintStmt: {
        std::string r = "print";
        const char *sep = " ";
        for (const auto &item : s.as<PrintStmt>()->items) {
          r += sep;
          sep = ", ";
          if (std::holds_alternative<int>(item)) r += id(s.ops[std::get<int>(item)]);
          else r += quote(std::get<std::string>(item));
        }
        return r;
      }
      case StmtKind::AllocaStmt: {
        int n = s.as<AllocaStmt>()->array_len;
        return n ? "alloca [" + std::to_string(n) + "]" : "alloca";
      }
      case StmtKind::FuncArgStmt:
        return "func_arg " + std::to_string(s.as<FuncArgStmt>()->index);
      case StmtKind::FuncCallStmt: {
        auto *c = s.as<FuncCallStmt>();
        auto it = fn_ids_.find(c->callee);
        std::string r = "call @" + (it == fn_ids_.end() ? std::string("?") : std::to_string(it->second)) +
                        " " + c->callee->name + "(";
        for (int i = 0; i < c->num_args; i++) r += (i ? ", " : "") + id(s.ops[static_cast<size_t>(i)]);
        return r + ") -> " + operands(&s, static_cast<size_t>(c->num_args));
      }
      case StmtKind::ContextValueStmt:
        return std::string("context_value ") +
               (s.as<ContextValueStmt>()->which == ContextValue::rand_seed ? "rand_seed"
                                                                            : "launch_id");
      case StmtKind::AssertStmt: {
        std::string r = "assert " + id(s.ops[0]) + ", " + quote(s.as<AssertStmt>()->message);
        if (s.ops.size() > 1) r += ", " + operands(&s, 1);
        return r;
      }
      default: {
        std::string r = s.kind_name();
        if (!s.ops.empty()) r += " " + operands(&s);
        return r;
      }
    }
  }

  std::ostringstream out_;
  std::unordered_map<const Stmt *, int> ids_;
  std::unordered_map<const Function *, size_t> fn_ids_;
  int next_id_ = 0;
};

}  // namespace

std::string print_kernel(const Kernel &kernel) {
  // The final IR names its target first: code for two targets never shares a cache entry.
  std::string head = kernel.lowered ? kernel.target.str() + "\n" : "";
  return head + Printer().run(kernel);
}

}  // namespace qtaichi::ir
