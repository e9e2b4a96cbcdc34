#include "ir/type_rules.h"

#include "ir/error.h"

namespace qtaichi::ir {

namespace {
bool is_bit_op(BinaryOp op) {
  return op == BinaryOp::bit_and || op == BinaryOp::bit_or || op == BinaryOp::bit_xor ||
         op == BinaryOp::shl || op == BinaryOp::shr || op == BinaryOp::sar;
}
bool is_float_math(BinaryOp op) { return op == BinaryOp::truediv || op == BinaryOp::atan2; }
bool is_float_math(UnaryOp op) {
  switch (op) {
    case UnaryOp::sqrt: case UnaryOp::sin: case UnaryOp::cos: case UnaryOp::tan:
    case UnaryOp::asin: case UnaryOp::acos: case UnaryOp::exp: case UnaryOp::log:
    case UnaryOp::tanh: case UnaryOp::floor: case UnaryOp::ceil: case UnaryOp::round:
      return true;
    default:
      return false;
  }
}
void require(bool ok, const std::string &msg, const SourceLoc &loc) {
  if (!ok) compile_error(ErrorKind::type, msg, loc);
}
}  // namespace

const Type *binary_operand_type(BinaryOp op, const Type *a, const Type *b, const Kernel &k,
                                const SourceLoc &loc) {
  require(!a->is_void() && !b->is_void(), "operands of '" + std::string(binary_op_name(op)) +
                                              "' must be values, not void", loc);
  if (is_bit_op(op)) {
    require(a->is_int() && b->is_int(),
            std::string("bit operation '") + binary_op_name(op) + "' needs integer operands, got " +
                a->str() + " and " + b->str(),
            loc);
    if (op == BinaryOp::shl || op == BinaryOp::shr || op == BinaryOp::sar) return a;
  }
  if (op == BinaryOp::logic_and || op == BinaryOp::logic_or) return nullptr;  // each on its own
  const Type *t = promoted_type(a, b);
  if (is_float_math(op) && !t->is_float()) return k.default_fp;
  if (t->kind() == PrimKind::u1) return types::i32();  // no arithmetic on booleans
  return t;
}

const Type *binary_result_type(BinaryOp op, const Type *a, const Type *b, const Kernel &k,
                               const SourceLoc &loc) {
  const Type *t = binary_operand_type(op, a, b, k, loc);
  if (is_comparison(op) || op == BinaryOp::logic_and || op == BinaryOp::logic_or)
    return types::i32();
  return t;
}

const Type *unary_operand_type(UnaryOp op, const Type *a, const Kernel &k, const SourceLoc &loc) {
  require(!a->is_void(), std::string("operand of '") + unary_op_name(op) + "' must be a value",
          loc);
  if (op == UnaryOp::cast_value || op == UnaryOp::cast_bits || op == UnaryOp::logic_not) return a;
  if (op == UnaryOp::bit_not || op == UnaryOp::clz) {
    require(a->is_int(), "'~' needs an integer operand, got " + a->str(), loc);
    return a;
  }
  if (is_float_math(op) && !a->is_float()) return k.default_fp;
  return a;
}

const Type *unary_result_type(UnaryOp op, const Type *a, const Type *cast_type, const Kernel &k,
                              const SourceLoc &loc) {
  const Type *t = unary_operand_type(op, a, k, loc);
  if (op == UnaryOp::logic_not) return types::i32();
  if (op == UnaryOp::cast_value || op == UnaryOp::cast_bits) {
    require(cast_type && !cast_type->is_void(), "cast needs a target type", loc);
    if (op == UnaryOp::cast_bits)
      require(cast_type->bits() == a->bits(),
              "bit_cast needs types of equal width, got " + a->str() + " and " + cast_type->str(),
              loc);
    return cast_type;
  }
  return t;
}

void infer_ret_type(Stmt *s, const Kernel &k) {
  switch (s->kind()) {
    case StmtKind::UnaryOpStmt: {
      auto *u = s->as<UnaryOpStmt>();
      s->ret_type = unary_result_type(u->op, u->operand()->ret_type, u->cast_type, k, s->loc);
      break;
    }
    case StmtKind::BinaryOpStmt: {
      auto *b = s->as<BinaryOpStmt>();
      s->ret_type =
          binary_result_type(b->op, b->lhs()->ret_type, b->rhs()->ret_type, k, s->loc);
      break;
    }
    case StmtKind::TernaryOpStmt:
      require(s->ops[0]->ret_type->is_int(), "the condition of a select must be an integer",
              s->loc);
      s->ret_type = promoted_type(s->ops[1]->ret_type, s->ops[2]->ret_type);
      break;
    case StmtKind::ArgLoadStmt: {
      int id = s->as<ArgLoadStmt>()->arg_id;
      require(id >= 0 && id < static_cast<int>(k.args.size()), "no kernel argument " +
                                                                    std::to_string(id), s->loc);
      s->ret_type = k.args[id].type;
      break;
    }
    case StmtKind::LoopIndexStmt:
      s->ret_type = types::i32();
      break;
    case StmtKind::GlobalPtrStmt:
    case StmtKind::GlobalAddrStmt: {
      SNode *f = s->is<GlobalPtrStmt>() ? s->as<GlobalPtrStmt>()->field
                                        : s->as<GlobalAddrStmt>()->field;
      // A container node's address is its word (lower_quant makes those).
      s->ret_type = f->kind() == SNodeKind::place ? f->dtype() : container_type(f->container_bits());
      break;
    }
    case StmtKind::AtomicOpStmt: {
      auto op = s->as<AtomicOpStmt>()->op;
      bool bitwise = op == AtomicOp::bit_and || op == AtomicOp::bit_or || op == AtomicOp::bit_xor;
      require(!bitwise || s->ops[0]->ret_type->is_int(),
              std::string("atomic_") + atomic_op_name(op) + " needs an integer destination, got " +
                  s->ops[0]->ret_type->str(),
              s->loc);
      s->ret_type = s->ops[0]->ret_type;
      break;
    }
    case StmtKind::ExternalPtrStmt:
    case StmtKind::ExternalAddrStmt: {
      int id = s->is<ExternalPtrStmt>() ? s->as<ExternalPtrStmt>()->arg_id
                                        : s->as<ExternalAddrStmt>()->arg_id;
      s->ret_type = k.args.at(static_cast<size_t>(id)).type;
      break;
    }
    case StmtKind::ExternalShapeStmt:
      s->ret_type = types::i32();
      break;
    case StmtKind::GlobalLoadStmt:
    case StmtKind::LocalLoadStmt:
    case StmtKind::AtomicCASStmt:
      s->ret_type = s->ops[0]->ret_type;
      break;
    default:
      if (!s->ret_type) s->ret_type = types::void_();
      break;
  }
}

}  // namespace qtaichi::ir
