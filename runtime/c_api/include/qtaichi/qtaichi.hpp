// qtaichi app runtime, C++ wrapper over qtaichi.h (header only): RAII handles, and exceptions
// (qti::Error, with the status and qti_last_error()'s message) instead of status codes.
//
//   qti::Runtime rt(QTI_ARCH_VULKAN);
//   qti::Module m = rt.load_module("snow.zip");
//   qti::Ndarray v = rt.allocate_ndarray(QTI_DTYPE_F32, {1000}, {2});
//   m.kernel("substep").launch({qti::arg(2e-4f), qti::arg(v)});
//   std::vector<float> x(m.field_elements("x"));
//   m.read_field("x", x.data(), x.size() * sizeof(float));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "qtaichi/qtaichi.h"

namespace qti {

class Error : public std::runtime_error {
 public:
  Error(QtiStatus status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  QtiStatus status() const { return status_; }

 private:
  QtiStatus status_;
};

inline void check(QtiStatus s) {
  if (s != QTI_OK) throw Error(s, qti_last_error());
}

inline QtiArgument arg(int32_t v) {
  QtiArgument a{};
  a.kind = QTI_ARG_I32;
  a.value.i32 = v;
  return a;
}
inline QtiArgument arg(int64_t v) {
  QtiArgument a{};
  a.kind = QTI_ARG_I64;
  a.value.i64 = v;
  return a;
}
inline QtiArgument arg(float v) {
  QtiArgument a{};
  a.kind = QTI_ARG_F32;
  a.value.f32 = v;
  return a;
}
inline QtiArgument arg(double v) {
  QtiArgument a{};
  a.kind = QTI_ARG_F64;
  a.value.f64 = v;
  return a;
}

class Ndarray {
 public:
  Ndarray() = default;
  explicit Ndarray(QtiNdarray *h) : h_(h) {}
  Ndarray(Ndarray &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Ndarray &operator=(Ndarray &&o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~Ndarray() { qti_free_ndarray(h_); }
  QtiNdarray *handle() const { return h_; }
  void write(const void *src, size_t bytes) { check(qti_ndarray_write(h_, src, bytes)); }
  void read(void *dst, size_t bytes) const { check(qti_ndarray_read(h_, dst, bytes)); }

 private:
  QtiNdarray *h_ = nullptr;
};

inline QtiArgument arg(const Ndarray &a) {
  QtiArgument q{};
  q.kind = QTI_ARG_NDARRAY;
  q.value.ndarray = a.handle();
  return q;
}

class Kernel {
 public:
  explicit Kernel(QtiKernel *h) : h_(h) {}
  // Launches; returns the kernel's scalar result (kind from the module) when it has one.
  QtiArgument launch(std::initializer_list<QtiArgument> args = {}, bool want_result = false) {
    std::vector<QtiArgument> v(args);
    QtiArgument result{};
    check(qti_launch_kernel(h_, static_cast<uint32_t>(v.size()), v.data(),
                            want_result ? &result : nullptr));
    return result;
  }

 private:
  QtiKernel *h_;  // owned by its module
};

class Module {
 public:
  explicit Module(QtiModule *h) : h_(h) {}
  Module(Module &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Module &operator=(Module &&o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~Module() { qti_destroy_module(h_); }
  QtiModule *handle() const { return h_; }
  Kernel kernel(const std::string &name) {
    QtiKernel *k = nullptr;
    check(qti_get_kernel(h_, name.c_str(), &k));
    return Kernel(k);
  }
  // Elements times components: the number of values read_field / write_field move.
  size_t field_values(const std::string &name) const {
    QtiDataType t;
    uint32_t ndim = 0, shape[8], components = 1;
    check(qti_field_info(h_, name.c_str(), &t, &ndim, shape, &components));
    size_t n = components;
    for (uint32_t i = 0; i < ndim; i++) n *= shape[i];
    return n;
  }
  void read_field(const std::string &name, void *dst, size_t bytes) {
    check(qti_read_field(h_, name.c_str(), dst, bytes));
  }
  void write_field(const std::string &name, const void *src, size_t bytes) {
    check(qti_write_field(h_, name.c_str(), src, bytes));
  }

 private:
  QtiModule *h_ = nullptr;
};

class Runtime {
 public:
  explicit Runtime(QtiArch arch) { check(qti_create_runtime(arch, &h_)); }
  Runtime(Runtime &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Runtime &operator=(Runtime &&o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  // Destroy modules and ndarrays (their destructors) before the runtime.
  ~Runtime() { qti_destroy_runtime(h_); }
  QtiRuntime *handle() const { return h_; }
  void wait() { check(qti_wait(h_)); }
  Module load_module(const std::string &path) {
    QtiModule *m = nullptr;
    check(qti_load_module(h_, path.c_str(), &m));
    return Module(m);
  }
  Module load_module(const void *archive, size_t size) {
    QtiModule *m = nullptr;
    check(qti_load_module_from_memory(h_, archive, size, &m));
    return Module(m);
  }
  Ndarray allocate_ndarray(QtiDataType dtype, std::vector<uint32_t> shape,
                           std::vector<uint32_t> elem_shape = {}) {
    QtiNdarray *a = nullptr;
    check(qti_allocate_ndarray(h_, dtype, static_cast<uint32_t>(shape.size()), shape.data(),
                               static_cast<uint32_t>(elem_shape.size()), elem_shape.data(), &a));
    return Ndarray(a);
  }

 private:
  QtiRuntime *h_ = nullptr;
};

}  // namespace qti
