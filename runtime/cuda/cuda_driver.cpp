#include "runtime/cuda/cuda_driver.h"

#include <dlfcn.h>

#include <stdexcept>

namespace qtaichi::rt::cuda {

namespace {

struct Loaded {
  Driver driver;
  std::string error;  // empty: loaded
};

Loaded load() {
  Loaded out;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    out.error = std::string("the CUDA driver (libcuda.so.1) is not installed: ") +
                (e ? e : "dlopen failed");
    return out;
  }
  Driver &d = out.driver;
#define QTI_CUDA_RESOLVE(name, symbol, ...)                                               \
  d.name = reinterpret_cast<decltype(d.name)>(dlsym(lib, symbol));                        \
  if (!d.name) {                                                                          \
    out.error = std::string("the CUDA driver has no entry point ") + symbol +             \
                " (the driver is too old)";                                               \
    return out;                                                                           \
  }
  QTI_CUDA_DRIVER_FUNCTIONS(QTI_CUDA_RESOLVE)
#undef QTI_CUDA_RESOLVE
  if (CUresult r = d.cuInit(0); r != 0) {
    const char *name = nullptr;
    d.cuGetErrorName(r, &name);
    out.error = std::string("the CUDA driver did not start (cuInit: ") +
                (name ? name : std::to_string(r)) + "): no usable GPU";
    return out;
  }
  d.cuDriverGetVersion(&d.version);
  int count = 0;
  d.cuDeviceGetCount(&count);
  if (count == 0) out.error = "the CUDA driver sees no GPU";
  return out;  // the library stays loaded for the life of the process
}

}  // namespace

const Driver *Driver::get(std::string *why_not) {
  static Loaded loaded = load();
  if (!loaded.error.empty()) {
    if (why_not) *why_not = loaded.error;
    return nullptr;
  }
  return &loaded.driver;
}

void Driver::check(CUresult r, const std::string &what) const {
  if (r == 0) return;
  const char *name = nullptr, *text = nullptr;
  cuGetErrorName(r, &name);
  cuGetErrorString(r, &text);
  throw std::runtime_error("cuda: " + what + " failed: " + (name ? name : std::to_string(r)) +
                           (text ? std::string(": ") + text : std::string()));
}

}  // namespace qtaichi::rt::cuda
