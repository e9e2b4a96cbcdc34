#pragma once
// Entry points of the pybind11 module qtaichi._core, one per topic file.
#include <pybind11/pybind11.h>

namespace qtaichi::python {

void bind_types(pybind11::module_ &m);    // bind_types.cpp: ir::Type, op enums
void bind_ir(pybind11::module_ &m);       // bind_ir.cpp: statements, kernels, the Builder
void bind_snode(pybind11::module_ &m);    // bind_snode.cpp: SNode trees
void bind_program(pybind11::module_ &m);  // bind_program.cpp: Program, CompiledKernel, launch
void bind_field_access(pybind11::module_ &m);  // bind_field_access.cpp: Python-scope access
void bind_quant(pybind11::module_ &m);       // bind_quant.cpp: quant types, bit-level layout
void bind_aot(pybind11::module_ &m);     // bind_aot.cpp: ahead-of-time module export
void bind_gui(pybind11::module_ &m);     // bind_gui.cpp: ti.GUI / ti.ui pixels and windows
void bind_errors(pybind11::module_ &m);   // module.cpp: C++ exceptions -> Python

}  // namespace qtaichi::python
