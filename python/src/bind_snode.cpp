// SNode trees: `ti.root.dense(...).place(...)` from Python. Nodes are owned by their tree, which
// the Program owns; the Python side must not use them after the Program is gone (qtaichi checks).
#include <pybind11/stl.h>

#include "bindings.h"
#include "ir/snode.h"

namespace py = pybind11;

// SNodes own their children through unique_ptrs: not copyable, whatever the std trait says.
template <>
struct pybind11::detail::is_copy_constructible<qtaichi::ir::SNode> : std::false_type {};

namespace qtaichi::python {

using ir::SNode;
using ir::SNodeTree;

void bind_snode(py::module_ &m) {
  constexpr auto ref = py::return_value_policy::reference;
  py::enum_<ir::SNodeKind>(m, "SNodeKind")
      .value("root", ir::SNodeKind::root)
      .value("dense", ir::SNodeKind::dense)
      .value("bit_struct", ir::SNodeKind::bit_struct)
      .value("quant_array", ir::SNodeKind::quant_array)
      .value("place", ir::SNodeKind::place);

  py::class_<ir::AxisTerm>(m, "AxisTerm")
      .def_readonly("axis", &ir::AxisTerm::axis)
      .def_readonly("divisor", &ir::AxisTerm::divisor)
      .def_readonly("size", &ir::AxisTerm::size)
      .def_readonly("stride_bytes", &ir::AxisTerm::stride_bytes)
      .def_readonly("needs_mod", &ir::AxisTerm::needs_mod)
      .def_readonly("in_bits", &ir::AxisTerm::in_bits);

  py::class_<SNode, std::unique_ptr<SNode, py::nodelete>>(m, "SNode")
      .def_property_readonly("kind", &SNode::kind)
      .def_property_readonly("id", &SNode::id)
      .def_property_readonly("parent", &SNode::parent, ref)
      .def("dense", &SNode::dense, py::arg("axes"), py::arg("sizes"), ref)
      .def("place", &SNode::place, py::arg("dtype"), py::arg("name"), ref)
      .def_property_readonly("axes", &SNode::axes)
      .def_property_readonly("sizes", &SNode::sizes)
      .def_property_readonly("dtype", &SNode::dtype, ref)
      .def_property_readonly("name", &SNode::name)
      .def_property_readonly("num_axes", &SNode::num_axes)
      .def_property_readonly("shape", &SNode::shape)
      .def_property_readonly("num_elements", &SNode::num_elements)
      .def_property_readonly("tree_id", &SNode::tree_id)
      .def_property_readonly("cell_bytes", &SNode::cell_bytes)
      .def_property_readonly("total_bytes", &SNode::total_bytes)
      .def_property_readonly("base_offset", &SNode::base_offset)
      .def_property_readonly("terms", &SNode::terms)
      .def("__str__", &SNode::str);

  py::class_<SNodeTree, std::unique_ptr<SNodeTree, py::nodelete>>(m, "SNodeTree")
      .def("root", py::overload_cast<>(&SNodeTree::root), ref)
      .def_property_readonly("id", &SNodeTree::id)
      .def_property_readonly("materialized", &SNodeTree::materialized)
      .def_property_readonly("total_bytes", &SNodeTree::total_bytes)
      .def("fields", &SNodeTree::fields, ref);
}

}  // namespace qtaichi::python
