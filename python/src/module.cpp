// The pybind11 module qtaichi._core, and the translation of C++ exceptions.
//
// ir::CompileError becomes _core.CompileError(kind, message, file, line) and
// KernelRuntimeError becomes _core.KernelRuntimeError(message, file, line, is_index_error);
// the Python package (qtaichi/lang/errors.py) maps them onto Taichi's exception classes and adds
// the offending source line.
#include "bindings.h"
#include "ir/error.h"
#include "taichi_core/program.h"

namespace py = pybind11;

namespace qtaichi::python {

namespace {

const char *kind_name(ir::ErrorKind k) {
  switch (k) {
    case ir::ErrorKind::syntax: return "syntax";
    case ir::ErrorKind::type: return "type";
    case ir::ErrorKind::name: return "name";
    case ir::ErrorKind::index: return "index";
    case ir::ErrorKind::compile: return "compile";
    case ir::ErrorKind::internal: return "internal";
  }
  return "internal";
}

py::object loc_file(const ir::SourceLoc &loc) {
  if (!loc.file) return py::none();
  return py::str(*loc.file);
}

}  // namespace

void bind_errors(py::module_ &m) {
  // Leaked on purpose: the types live as long as the interpreter.
  static py::handle compile_error =
      py::exception<ir::CompileError>(m, "CompileError", PyExc_RuntimeError).release();
  static py::handle runtime_error =
      py::exception<KernelRuntimeError>(m, "KernelRuntimeError", PyExc_RuntimeError).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ir::CompileError &e) {
      py::tuple args = py::make_tuple(kind_name(e.kind()), std::string(e.what()),
                                      loc_file(e.loc()), e.loc().line);
      PyErr_SetObject(compile_error.ptr(), args.ptr());
    } catch (const KernelRuntimeError &e) {
      py::tuple args = py::make_tuple(std::string(e.what()), loc_file(e.loc()), e.loc().line,
                                      e.is_index_error());
      PyErr_SetObject(runtime_error.ptr(), args.ptr());
    }
  });
}

}  // namespace qtaichi::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "qtaichi compiler core: IR builder, field layout, program";
  using namespace qtaichi::python;
  bind_errors(m);
  bind_types(m);
  bind_snode(m);
  bind_ir(m);
  bind_program(m);
  bind_field_access(m);
  bind_quant(m);  // extends SNode and CompileConfig
  bind_aot(m);
  bind_gui(m);
}
