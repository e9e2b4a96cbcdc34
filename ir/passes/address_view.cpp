#include "ir/passes/address_view.h"

#include "ir/error.h"

namespace qtaichi::ir::passes {

std::unique_ptr<Stmt> address_view(const Stmt *ptr, const Type *type, Stmt *byte_offset,
                                   int64_t temp_offset) {
  std::unique_ptr<Stmt> view;
  if (auto *a = ptr->as<GlobalAddrStmt>()) {
    auto v = std::make_unique<GlobalAddrStmt>();
    v->field = a->field;  // the same memory, for alias analysis
    v->tree_id = a->tree_id;
    v->ops = {byte_offset ? byte_offset : a->byte_offset()};
    view = std::move(v);
  } else if (auto *e = ptr->as<ExternalAddrStmt>()) {
    auto v = std::make_unique<ExternalAddrStmt>();
    v->arg_id = e->arg_id;
    v->ops = {byte_offset ? byte_offset : e->byte_offset()};
    view = std::move(v);
  } else if (auto *t = ptr->as<GlobalTempStmt>()) {
    auto v = std::make_unique<GlobalTempStmt>();
    v->offset = temp_offset >= 0 ? temp_offset : t->offset;
    view = std::move(v);
  } else {
    throw CompileError(ErrorKind::internal, "an atomic on an address no pass can view", ptr->loc);
  }
  view->ret_type = type;
  return view;
}

}  // namespace qtaichi::ir::passes
