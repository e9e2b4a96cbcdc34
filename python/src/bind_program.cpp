// CompileConfig, Program and CompiledKernel. Launches release the GIL.
#include <pybind11/stl.h>

#include "bindings.h"
#include "runtime/vulkan/vulkan_device.h"
#include "taichi_core/backend.h"
#include "taichi_core/program.h"

namespace py = pybind11;

namespace qtaichi::python {

void bind_program(py::module_ &m) {
  constexpr auto ref = py::return_value_policy::reference;
  constexpr auto internal = py::return_value_policy::reference_internal;

  py::enum_<Arch>(m, "Arch")
      .value("cpu", Arch::cpu)
      .value("cuda", Arch::cuda)
      .value("vulkan", Arch::vulkan);
  m.def("vulkan_software", [] { return rt::VulkanDevice::software(); });
  m.def("vulkan_validation_messages", [] { return rt::VulkanDevice::validation_messages(); });
  // (available, why not)
  m.def("arch_available", [](Arch a) {
    std::string why;
    bool ok = arch_available(a, &why);
    return std::make_pair(ok, why);
  });

  py::class_<CompileConfig>(m, "CompileConfig")
      .def(py::init<>())
      .def_readwrite("arch", &CompileConfig::arch)
      .def_readwrite("debug", &CompileConfig::debug)
      .def_readwrite("real_func_stack_bytes", &CompileConfig::real_func_stack_bytes)
      .def_readwrite("print_ir", &CompileConfig::print_ir)
      .def_readwrite("num_threads", &CompileConfig::num_threads)
      .def_readwrite("opt_level", &CompileConfig::opt_level)
      .def_readwrite("random_seed", &CompileConfig::random_seed)
      .def_readwrite("offline_cache", &CompileConfig::offline_cache)
      .def_readwrite("cache_dir", &CompileConfig::cache_dir)
      .def_readwrite("log_compile", &CompileConfig::log_compile)
      .def_property(
          "default_ip", [](const CompileConfig &c) { return c.default_ip; },
          [](CompileConfig &c, const ir::Type *t) { c.default_ip = t; }, ref)
      .def_property(
          "default_fp", [](const CompileConfig &c) { return c.default_fp; },
          [](CompileConfig &c, const ir::Type *t) { c.default_fp = t; }, ref);

  py::class_<CompiledKernel, std::unique_ptr<CompiledKernel, py::nodelete>>(m, "CompiledKernel")
      .def_property_readonly("name", &CompiledKernel::name)
      .def_property_readonly("args", &CompiledKernel::args)
      .def_property_readonly("ret_type", &CompiledKernel::ret_type, ref)
      .def_property_readonly("compile_ms", &CompiledKernel::compile_ms)
      .def_property_readonly("cache_hit", &CompiledKernel::cache_hit)
      .def_property_readonly("final_ir", &CompiledKernel::final_ir);

  // Trees, kernels and compiled kernels are plain references that do not keep the Program alive,
  // so ti.reset() frees it at once; qtaichi/lang checks a program is alive before using them.
  py::class_<Program>(m, "Program")
      .def(py::init<const CompileConfig &>())
      .def_property_readonly("config", &Program::config, internal)
      .def_property_readonly("device_name", [](Program &p) { return p.device().name(); })
      .def("open_tree", &Program::open_tree, ref)
      .def("materialize", &Program::materialize)
      .def_property_readonly("num_trees", &Program::num_trees)
      .def("tree", &Program::tree, ref)
      .def("create_kernel", &Program::create_kernel, ref)
      .def("compile", &Program::compile, ref)
      .def(
          "launch",
          [](Program &p, CompiledKernel *k, const std::vector<uint64_t> &slots) {
            py::gil_scoped_release release;
            return p.launch(k, slots);
          },
          py::arg("kernel"), py::arg("slots"))
      .def(
          "launch_all",
          [](Program &p, CompiledKernel *k, const std::vector<uint64_t> &slots,
             const std::vector<int> &resident) {
            py::gil_scoped_release release;
            return p.launch_all(k, slots, resident);
          },
          py::arg("kernel"), py::arg("slots"), py::arg("resident_slots") = std::vector<int>{})
      .def("synchronize", &Program::synchronize)
      // Device arrays (ti.ndarray): bytes move between a C-contiguous numpy buffer and the
      // allocation; ranges are checked by the device.
      .def("create_array", &Program::create_array)
      .def("free_array", &Program::free_array)
      .def("array_address", &Program::array_address)
      .def("array_upload",
           [](Program &p, rt::Allocation a, size_t offset, py::buffer src) {
             py::buffer_info info = src.request();
             size_t bytes = static_cast<size_t>(info.size * info.itemsize);
             py::gil_scoped_release release;
             p.device().upload(a, offset, info.ptr, bytes);
           })
      .def("array_download",
           [](Program &p, rt::Allocation a, size_t offset, py::buffer dst) {
             py::buffer_info info = dst.request(true);
             size_t bytes = static_cast<size_t>(info.size * info.itemsize);
             py::gil_scoped_release release;
             p.device().download(a, offset, info.ptr, bytes);
           })
      .def("array_fill", [](Program &p, rt::Allocation a, uint8_t value) {
        p.device().fill(a, 0, a.bytes, value);
      });
  py::class_<rt::Allocation>(m, "DeviceAllocation")
      .def_readonly("bytes", &rt::Allocation::bytes);
}

}  // namespace qtaichi::python
