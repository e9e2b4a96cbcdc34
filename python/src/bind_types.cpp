// ir::Type (interned, compared by identity) and the operator enums.
#include <pybind11/operators.h>

#include "bindings.h"
#include "ir/stmt.h"

namespace py = pybind11;

namespace qtaichi::python {

using ir::Type;

void bind_types(py::module_ &m) {
  // Types are interned and never freed: Python holds plain references.
  py::class_<Type, std::unique_ptr<Type, py::nodelete>>(m, "Type")
      .def_static("from_name", &Type::from_name, py::return_value_policy::reference,
                  "The type named 'i32', 'f64', ...; None when the name is unknown.")
      .def_property_readonly("name", &Type::str)
      .def_property_readonly("bits", &Type::bits)
      .def_property_readonly("bytes", &Type::bytes)
      .def("is_float", &Type::is_float)
      .def("is_int", &Type::is_int)
      .def("is_signed", &Type::is_signed)
      .def("is_void", &Type::is_void)
      .def("__str__", &Type::str)
      .def("__repr__", [](const Type &t) { return "ti." + t.str(); })
      // Interned: identity is equality.
      .def("__eq__", [](const Type &a, py::object b) {
        return py::isinstance<Type>(b) && &a == b.cast<const Type *>();
      })
      .def("__hash__", [](const Type &t) { return std::hash<const void *>()(&t); });
  m.def("promoted_type", &ir::promoted_type, py::return_value_policy::reference);

  py::enum_<ir::UnaryOp>(m, "UnaryOp")
      .value("neg", ir::UnaryOp::neg)
      .value("bit_not", ir::UnaryOp::bit_not)
      .value("logic_not", ir::UnaryOp::logic_not)
      .value("sqrt", ir::UnaryOp::sqrt)
      .value("sin", ir::UnaryOp::sin)
      .value("cos", ir::UnaryOp::cos)
      .value("tan", ir::UnaryOp::tan)
      .value("asin", ir::UnaryOp::asin)
      .value("acos", ir::UnaryOp::acos)
      .value("exp", ir::UnaryOp::exp)
      .value("log", ir::UnaryOp::log)
      .value("tanh", ir::UnaryOp::tanh)
      .value("floor", ir::UnaryOp::floor)
      .value("ceil", ir::UnaryOp::ceil)
      .value("round", ir::UnaryOp::round)
      .value("abs", ir::UnaryOp::abs);

  py::enum_<ir::BinaryOp>(m, "BinaryOp")
      .value("add", ir::BinaryOp::add)
      .value("sub", ir::BinaryOp::sub)
      .value("mul", ir::BinaryOp::mul)
      .value("div", ir::BinaryOp::div)
      .value("truediv", ir::BinaryOp::truediv)
      .value("floordiv", ir::BinaryOp::floordiv)
      .value("mod", ir::BinaryOp::mod)
      .value("pow", ir::BinaryOp::pow)
      .value("min", ir::BinaryOp::min)
      .value("max", ir::BinaryOp::max)
      .value("atan2", ir::BinaryOp::atan2)
      .value("bit_and", ir::BinaryOp::bit_and)
      .value("bit_or", ir::BinaryOp::bit_or)
      .value("bit_xor", ir::BinaryOp::bit_xor)
      .value("shl", ir::BinaryOp::shl)
      .value("shr", ir::BinaryOp::shr)
      .value("rem", ir::BinaryOp::rem)  // C fmod: the frontend emits it for floats only
      .value("sar", ir::BinaryOp::sar)
      .value("cmp_lt", ir::BinaryOp::cmp_lt)
      .value("cmp_le", ir::BinaryOp::cmp_le)
      .value("cmp_gt", ir::BinaryOp::cmp_gt)
      .value("cmp_ge", ir::BinaryOp::cmp_ge)
      .value("cmp_eq", ir::BinaryOp::cmp_eq)
      .value("cmp_ne", ir::BinaryOp::cmp_ne)
      .value("logic_and", ir::BinaryOp::logic_and)
      .value("logic_or", ir::BinaryOp::logic_or);

  py::enum_<ir::AtomicOp>(m, "AtomicOp")
      .value("add", ir::AtomicOp::add)
      .value("sub", ir::AtomicOp::sub)
      .value("min", ir::AtomicOp::min)
      .value("max", ir::AtomicOp::max)
      .value("bit_and", ir::AtomicOp::bit_and)
      .value("bit_or", ir::AtomicOp::bit_or)
      .value("bit_xor", ir::AtomicOp::bit_xor)
      .value("mul", ir::AtomicOp::mul);
}

}  // namespace qtaichi::python
