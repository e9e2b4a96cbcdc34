// Quant types and bit-level layout for Python: `ti.types.quant.*`, `ti.BitpackedFields`,
// `quant_array`, and the quantization options of CompileConfig. The SNode and CompileConfig
// classes are registered by bind_snode.cpp / bind_program.cpp; this file adds their quant
// members, so it must run after those.
#include <pybind11/stl.h>

#include "bindings.h"
#include "ir/snode.h"
#include "taichi_core/program.h"

namespace py = pybind11;

template <>
struct pybind11::detail::is_copy_constructible<qtaichi::ir::SNode> : std::false_type {};

namespace qtaichi::python {

using ir::QuantKind;
using ir::QuantType;
using ir::SNode;

void bind_quant(py::module_ &m) {
  constexpr auto ref = py::return_value_policy::reference;

  py::enum_<QuantKind>(m, "QuantKind")
      .value("int", QuantKind::int_)
      .value("fixed", QuantKind::fixed)
      .value("float", QuantKind::float_);

  // Interned and never freed, like ir::Type.
  py::class_<QuantType, std::unique_ptr<QuantType, py::nodelete>>(m, "QuantType")
      .def_static("get_int", &QuantType::get_int, py::arg("bits"), py::arg("signed"),
                  py::arg("compute") = nullptr, ref)
      .def_static("get_fixed", &QuantType::get_fixed, py::arg("bits"), py::arg("signed"),
                  py::arg("scale"), py::arg("compute") = nullptr, ref)
      .def_static("get_float", &QuantType::get_float, py::arg("exp"), py::arg("frac"),
                  py::arg("signed"), py::arg("compute") = nullptr, ref)
      .def_static("scale_from_max", &QuantType::scale_from_max)
      .def_property_readonly("kind", &QuantType::kind)
      .def("is_signed", &QuantType::is_signed)
      .def_property_readonly("digits_bits", &QuantType::digits_bits)
      .def_property_readonly("exponent_bits", &QuantType::exponent_bits)
      .def_property_readonly("storage_bits", &QuantType::storage_bits)
      .def_property_readonly("scale", &QuantType::scale)
      .def_property_readonly("compute_type", &QuantType::compute_type, ref)
      .def_property_readonly("name", &QuantType::str)
      .def("__str__", &QuantType::str)
      .def("__repr__", [](const QuantType &q) { return "<quant " + q.str() + ">"; })
      .def("__eq__", [](const QuantType &a, py::object b) {
        return py::isinstance<QuantType>(b) && &a == b.cast<const QuantType *>();
      })
      .def("__hash__", [](const QuantType &q) { return std::hash<const void *>()(&q); });

  m.def("is_valid_container_bits", &ir::is_valid_container_bits);

  py::class_<ir::BitStructMember>(m, "BitStructMember")
      .def_property_readonly("type", [](const ir::BitStructMember &b) { return b.type; }, ref)
      .def_readonly("digits_offset", &ir::BitStructMember::digits_offset)
      .def_readonly("exponent_offset", &ir::BitStructMember::exponent_offset)
      .def_readonly("shared_group", &ir::BitStructMember::shared_group);

  auto snode = py::reinterpret_borrow<py::class_<SNode, std::unique_ptr<SNode, py::nodelete>>>(
      m.attr("SNode"));
  snode.def("bit_struct", &SNode::bit_struct, py::arg("container_bits"), ref)
      .def("place_bit_members", &SNode::place_bit_members, py::arg("members"),
           py::arg("shared_exponent"), ref)
      .def("quant_array", &SNode::quant_array, py::arg("axes"), py::arg("sizes"),
           py::arg("container_bits"), ref)
      .def("place_quant", &SNode::place_quant, py::arg("type"), py::arg("name"), ref)
      .def_property_readonly("quant_type", &SNode::quant_type, ref)
      .def_property_readonly("member", &SNode::member)
      .def_property_readonly("container_bits", &SNode::container_bits)
      .def_property_readonly("bits_used", &SNode::bits_used)
      .def_property_readonly("is_bit_level", &SNode::is_bit_level)
      .def_property_readonly("children",
                             [](const SNode &s) {
                               std::vector<SNode *> out;
                               for (const auto &c : s.children()) out.push_back(c.get());
                               return out;
                             },
                             ref)
      .def("bit_struct_type_str",
           [](const SNode &s) { return s.bit_struct_type()->str(); });

  auto config = py::reinterpret_borrow<py::class_<CompileConfig>>(m.attr("CompileConfig"));
  config.def_readwrite("quant_opt_store_fusion", &CompileConfig::quant_opt_store_fusion)
      .def_readwrite("quant_opt_atomic_demotion", &CompileConfig::quant_opt_atomic_demotion)
      .def_readwrite("check_quant_overflow", &CompileConfig::check_quant_overflow);
}

}  // namespace qtaichi::python
