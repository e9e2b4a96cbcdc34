// ti.aot.Module's C++ side: the AotModuleBuilder of taichi_core.
#include <pybind11/stl.h>

#include "bindings.h"
#include "taichi_core/aot_module_builder.h"

namespace py = pybind11;

namespace qtaichi::python {

void bind_aot(py::module_ &m) {
  py::class_<AotModuleBuilder>(m, "AotModuleBuilder")
      .def(py::init<Program &>(), py::keep_alive<1, 2>())
      // args: (name, is_ndarray, dtype, ndim, elem_shape) per parameter
      .def("add_kernel",
           [](AotModuleBuilder &b, const std::string &name, const CompiledKernel *k,
              const std::vector<std::tuple<std::string, bool, std::string, int, std::vector<int>>>
                  &args) {
             std::vector<rt::aot::ArgInfo> infos;
             for (const auto &[n, nd, dtype, ndim, elem] : args)
               infos.push_back({n, nd, dtype, ndim, elem});
             b.add_kernel(name, k, infos);
           })
      .def("add_field", &AotModuleBuilder::add_field)
      .def("save", &AotModuleBuilder::save)
      .def("archive", &AotModuleBuilder::archive)
      .def("manifest_json", [](const AotModuleBuilder &b) { return b.manifest().to_json(); });
}

}  // namespace qtaichi::python
