// Statements, blocks, kernels and the Builder that the Python AST transformer drives.
// Statements are owned by their kernel: Python only ever holds plain references to them.
#include <pybind11/stl.h>

#include <unordered_map>

#include "bindings.h"
// <stdlib.h> (pulled in by pybind11) may define alloca() as a macro, which would rename
// Builder::alloca in the header below.
#undef alloca
#include "ir/builder.h"
#include "ir/printer.h"

namespace py = pybind11;

namespace qtaichi::python {

using namespace qtaichi::ir;

namespace {

// Statements share one string per source file.
std::shared_ptr<const std::string> intern_file(const std::string &file) {
  static std::unordered_map<std::string, std::shared_ptr<const std::string>> files;
  auto &slot = files[file];
  if (!slot) slot = std::make_shared<const std::string>(file);
  return slot;
}

template <typename T>
using Ref = std::unique_ptr<T, py::nodelete>;

}  // namespace
}  // namespace qtaichi::python

// Blocks own statements through unique_ptrs: not copyable, whatever the std trait says.
template <>
struct pybind11::detail::is_copy_constructible<qtaichi::ir::Block> : std::false_type {};

namespace qtaichi::python {

void bind_ir(py::module_ &m) {
  constexpr auto ref = py::return_value_policy::reference;

  py::class_<Block, Ref<Block>>(m, "Block")
      .def("__len__", [](const Block &b) { return b.stmts.size(); });

  py::class_<Stmt, Ref<Stmt>>(m, "Stmt")
      .def_property_readonly("kind", &Stmt::kind_name)
      .def_property_readonly("ret_type", [](const Stmt &s) { return s.ret_type; }, ref)
      .def_property_readonly("line", [](const Stmt &s) { return s.loc.line; })
      .def("is_alloca", [](const Stmt &s) { return s.is<AllocaStmt>(); })
      .def("is_const", [](const Stmt &s) { return s.is<ConstStmt>(); });
  py::class_<RangeForStmt, Stmt, Ref<RangeForStmt>>(m, "RangeForStmt")
      .def_property_readonly("body", [](const RangeForStmt &s) { return s.body.get(); }, ref)
      .def_readwrite("serialize", &RangeForStmt::serialize)
      .def_readwrite("block_dim", &RangeForStmt::block_dim)
      .def_readwrite("bit_vectorize", &RangeForStmt::bit_vectorize);
  py::class_<IfStmt, Stmt, Ref<IfStmt>>(m, "IfStmt")
      .def_property_readonly("true_block", [](const IfStmt &s) { return s.true_block.get(); },
                             ref)
      .def_property_readonly("false_block", [](const IfStmt &s) { return s.false_block.get(); },
                             ref);
  py::class_<WhileStmt, Stmt, Ref<WhileStmt>>(m, "WhileStmt")
      .def_property_readonly("body", [](const WhileStmt &s) { return s.body.get(); }, ref);

  py::class_<Function, Ref<Function>>(m, "Function")
      .def_readonly("name", &Function::name)
      .def_property_readonly("results", [](const Function &f) { return f.results; }, ref)
      .def_property_readonly("body", [](const Function &f) { return f.body.get(); }, ref);

  py::class_<KernelArg>(m, "KernelArg")
      .def_readonly("name", &KernelArg::name)
      .def_property_readonly("type", [](const KernelArg &a) { return a.type; }, ref)
      .def_readonly("ndim", &KernelArg::ndim);

  py::class_<Kernel, std::unique_ptr<Kernel>>(m, "Kernel")
      .def_readonly("name", &Kernel::name)
      .def("add_arg",
           [](Kernel &k, const std::string &name, const Type *t, int ndim) {
             k.args.push_back({name, t, ndim});
             return static_cast<int>(k.args.size()) - 1;
           },
           py::arg("name"), py::arg("type"), py::arg("ndim") = 0)
      .def_property_readonly("args", [](const Kernel &k) { return k.args; })
      .def_property(
          "ret_type", [](const Kernel &k) { return k.ret_type; },
          [](Kernel &k, const Type *t) { k.ret_type = t; }, ref)
      .def_readwrite("ret_count", &Kernel::ret_count)
      .def_property_readonly("default_ip", [](const Kernel &k) { return k.default_ip; }, ref)
      .def_property_readonly("default_fp", [](const Kernel &k) { return k.default_fp; }, ref)
      .def_readonly("debug", &Kernel::debug)
      .def("set_loc",
           [](Kernel &k, const std::string &file, int line) {
             k.loc = SourceLoc{intern_file(file), line, 0};
           })
      .def("ir_text", [](const Kernel &k) { return print_kernel(k); });

  py::class_<Builder>(m, "Builder")
      .def(py::init<Kernel *>(), py::keep_alive<1, 2>())
      .def("push_block", &Builder::push_block)
      .def("pop_block", &Builder::pop_block)
      .def("set_loc",
           [](Builder &b, const std::string &file, int line, int col) {
             b.set_loc(SourceLoc{intern_file(file), line, col});
           },
           py::arg("file"), py::arg("line"), py::arg("col") = 0)
      .def("const_int", &Builder::const_int, ref)
      .def("const_float", &Builder::const_float, ref)
      .def("unary", &Builder::unary, ref)
      .def("cast", &Builder::cast, ref)
      .def("bit_cast", &Builder::bit_cast, ref)
      .def("binary", &Builder::binary, ref)
      .def("select", &Builder::select, ref)
      .def("arg", &Builder::arg, ref)
      .def("ret", py::overload_cast<Stmt *>(&Builder::ret), ref)
      .def("ret", py::overload_cast<const std::vector<Stmt *> &>(&Builder::ret), ref)
      .def("loop_index", &Builder::loop_index, ref)
      .def("global_ptr", &Builder::global_ptr, ref)
      .def("external_ptr", &Builder::external_ptr, ref)
      .def("external_shape", &Builder::external_shape, ref)
      .def("random", &Builder::random, ref)
      .def("global_load", &Builder::global_load, ref)
      .def("global_store", &Builder::global_store, ref)
      .def("begin_store_group", &Builder::begin_store_group)
      .def("end_store_group", &Builder::end_store_group)
      .def("atomic", &Builder::atomic, ref)
      .def("alloca", &Builder::local_var, ref)
      .def("local_load", &Builder::local_load, ref)
      .def("local_store", &Builder::local_store, ref)
      .def("range_for", &Builder::range_for, ref)
      .def("if_", &Builder::if_, ref)
      .def("while_", &Builder::while_, ref)
      .def("break_", &Builder::break_, ref)
      .def("continue_", &Builder::continue_, ref)
      .def("print", &Builder::print, ref)
      .def("assert_", &Builder::assert_, ref)
      .def("function", &Builder::function, ref)
      .def("func_arg", &Builder::func_arg, ref)
      .def("func_return", &Builder::func_return, ref)
      .def("call", &Builder::call, ref);
}

}  // namespace qtaichi::python
