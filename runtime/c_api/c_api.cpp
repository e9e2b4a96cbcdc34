// The C API (runtime/c_api/include/qtaichi/qtaichi.h) over rt::Device and the AOT manifest.
// Every entry point catches everything: a status and a message cross the C boundary, never an
// exception. Handles are registered while alive, so a stale or foreign pointer is an invalid
// argument rather than a crash.
#include "qtaichi/qtaichi.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "runtime/aot/manifest.h"
#include "runtime/aot/module_files.h"
#include "runtime/cpu/cpu_device.h"
#include "runtime/cpu/shared_object.h"
#include "runtime/cuda/cuda_device.h"
#include "runtime/vulkan/vulkan_device.h"

using namespace qtaichi::rt;
namespace aot = qtaichi::rt::aot;

struct QtiRuntime {
  QtiArch arch;
  std::unique_ptr<Device> device;
  std::recursive_mutex mu;
  std::set<QtiModule *> modules;
  std::set<QtiNdarray *> ndarrays;
  uint64_t launches = 0;
};

struct QtiKernel {
  QtiModule *module;
  const aot::KernelInfo *info;
  std::unique_ptr<Executable> exe;
};

struct QtiModule {
  QtiRuntime *rt;
  std::string name;  // for messages
  aot::Manifest manifest;
  std::vector<Allocation> trees;
  std::map<std::string, std::unique_ptr<QtiKernel>> kernels;
  ~QtiModule() {
    kernels.clear();
    for (Allocation a : trees) rt->device->free(a);
  }
};

struct QtiNdarray {
  QtiRuntime *rt;
  std::string dtype;
  std::vector<int64_t> shape, elem_shape;
  std::vector<uint64_t> data;  // 8-byte aligned storage
  size_t bytes = 0;
};

namespace {

thread_local std::string last_error;

std::mutex handles_mu;
std::unordered_set<const void *> handles;

void track(const void *h) {
  std::lock_guard<std::mutex> lock(handles_mu);
  handles.insert(h);
}
void untrack(const void *h) {
  std::lock_guard<std::mutex> lock(handles_mu);
  handles.erase(h);
}
bool live(const void *h) {
  std::lock_guard<std::mutex> lock(handles_mu);
  return h && handles.count(h);
}

struct Failure {
  QtiStatus status;
  std::string message;
};
[[noreturn]] void fail(QtiStatus s, const std::string &msg) { throw Failure{s, msg}; }

// Runs `body`, turning every way it can fail into a status and this thread's message.
template <typename F>
QtiStatus guarded(F &&body) {
  try {
    body();
    last_error.clear();
    return QTI_OK;
  } catch (const Failure &f) {
    last_error = f.message;
    return f.status;
  } catch (const aot::CorruptModule &e) {
    last_error = e.what();
    return QTI_ERROR_CORRUPTED_MODULE;
  } catch (const aot::IncompatibleModule &e) {
    last_error = e.what();
    return QTI_ERROR_INCOMPATIBLE_MODULE;
  } catch (const std::bad_alloc &) {
    last_error = "out of memory";
    return QTI_ERROR_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    last_error = e.what();
    return QTI_ERROR_KERNEL_FAILED;
  } catch (...) {
    last_error = "unknown error";
    return QTI_ERROR_KERNEL_FAILED;
  }
}

const char *dtype_names[] = {"i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64"};

std::string dtype_name(QtiDataType t) {
  int i = static_cast<int>(t);
  if (i < 0 || i >= 10)
    fail(QTI_ERROR_INVALID_ARGUMENT, "data type " + std::to_string(i) + " is not a QtiDataType");
  return dtype_names[i];
}

QtiArgumentKind scalar_kind(const std::string &dtype) {
  if (dtype == "f32") return QTI_ARG_F32;
  if (dtype == "f64") return QTI_ARG_F64;
  if (dtype == "i64" || dtype == "u64") return QTI_ARG_I64;
  return QTI_ARG_I32;
}

const char *kind_name(QtiArgumentKind k) {
  switch (k) {
    case QTI_ARG_I32: return "i32";
    case QTI_ARG_I64: return "i64";
    case QTI_ARG_F32: return "f32";
    case QTI_ARG_F64: return "f64";
    case QTI_ARG_NDARRAY: return "ndarray";
  }
  return "an unknown kind";
}

std::string shape_str(const std::vector<int64_t> &s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); i++) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

template <typename T>
T *checked(T *h, const char *what) {
  if (!h) fail(QTI_ERROR_INVALID_ARGUMENT, std::string(what) + " is NULL");
  if (!live(h)) fail(QTI_ERROR_INVALID_ARGUMENT, std::string(what) + " is not a live handle");
  return h;
}

std::unique_ptr<Device> make_device(QtiArch arch) {
  std::string why;
  switch (arch) {
    case QTI_ARCH_CPU: return std::make_unique<CpuDevice>(0);
    case QTI_ARCH_VULKAN:
      if (!VulkanDevice::available(&why)) fail(QTI_ERROR_UNAVAILABLE, "no Vulkan device: " + why);
      return std::make_unique<VulkanDevice>();
    case QTI_ARCH_CUDA:
      if (!CudaDevice::available(&why)) fail(QTI_ERROR_UNAVAILABLE, "no CUDA device: " + why);
      return std::make_unique<CudaDevice>();
  }
  fail(QTI_ERROR_INVALID_ARGUMENT,
       "arch " + std::to_string(static_cast<int>(arch)) + " is not a QtiArch");
}

const char *arch_name(QtiArch a) {
  return a == QTI_ARCH_CPU ? "cpu" : a == QTI_ARCH_VULKAN ? "vulkan" : "cuda";
}

// A kernel's code as its device loads it: the shared object (cpu), PTX (cuda), or its tasks'
// SPIR-V (vulkan).
std::string code_of(QtiArch arch, const aot::KernelInfo &k, const aot::ModuleFiles &files) {
  if (arch == QTI_ARCH_CPU || arch == QTI_ARCH_CUDA) {
    if (k.artifacts.size() != 1)
      fail(QTI_ERROR_CORRUPTED_MODULE, "kernel '" + k.name + "': its code is one artifact");
    return *files.find(k.artifacts[0]);
  }
  std::vector<std::vector<uint32_t>> modules;
  for (const std::string &file : k.artifacts) {
    const std::string &bytes = *files.find(file);
    if (bytes.size() % 4) fail(QTI_ERROR_CORRUPTED_MODULE, "artifact '" + file + "': not SPIR-V");
    modules.emplace_back(bytes.size() / 4);
    std::memcpy(modules.back().data(), bytes.data(), bytes.size());
  }
  return VulkanDevice::pack_spirv(modules);
}

// Checks the module against this runtime and device, verifies every artifact, then allocates
// its trees and loads its kernels.
QtiModule *load(QtiRuntime *rt, const std::string &name, const aot::ModuleFiles &files) {
  const std::string *text = files.find("manifest.json");
  if (!text) fail(QTI_ERROR_CORRUPTED_MODULE, "module '" + name + "': no manifest.json");
  aot::Manifest m = aot::Manifest::from_json(*text);
  if (m.arch != arch_name(rt->arch))
    fail(QTI_ERROR_INCOMPATIBLE_MODULE, "module '" + name + "' is for " + m.arch +
                                            ", this runtime runs " + arch_name(rt->arch));
  std::string missing = aot::missing_capabilities(m.required, rt->device->caps());
  if (m.arch == "cpu" && missing.empty()) missing = missing_cpu_features(m.cpu_target);
  if (!missing.empty())
    fail(QTI_ERROR_INCOMPATIBLE_MODULE, "module '" + name + "' needs what " +
                                            rt->device->name() + " lacks: " + missing);
  for (const aot::ArtifactInfo &a : m.artifacts) {
    const std::string *bytes = files.find(a.file);
    if (!bytes) fail(QTI_ERROR_CORRUPTED_MODULE, "artifact '" + a.file + "': missing");
    if (bytes->size() != a.bytes)
      fail(QTI_ERROR_CORRUPTED_MODULE, "artifact '" + a.file + "': " + std::to_string(bytes->size()) +
                                           " bytes, the manifest says " + std::to_string(a.bytes));
    if (aot::sha256_hex(*bytes) != a.sha256)
      fail(QTI_ERROR_CORRUPTED_MODULE, "artifact '" + a.file + "': checksum mismatch");
  }
  auto mod = std::make_unique<QtiModule>();
  mod->rt = rt;
  mod->name = name;
  mod->manifest = std::move(m);
  for (int64_t bytes : mod->manifest.tree_bytes) {
    try {
      mod->trees.push_back(rt->device->allocate(static_cast<size_t>(bytes)));
    } catch (const std::exception &e) {
      fail(QTI_ERROR_OUT_OF_MEMORY, "module '" + name + "': allocating a field tree of " +
                                        std::to_string(bytes) + " bytes: " + e.what());
    }
  }
  for (const aot::KernelInfo &k : mod->manifest.kernels) {
    auto kernel = std::make_unique<QtiKernel>();
    kernel->module = mod.get();
    kernel->info = &k;
    try {
      kernel->exe = rt->device->load(code_of(rt->arch, k, files), k.desc.tasks);
    } catch (const std::exception &e) {
      fail(QTI_ERROR_CORRUPTED_MODULE, "kernel '" + k.name + "': the device does not load its "
                                       "code: " + e.what());
    }
    mod->kernels[k.name] = std::move(kernel);
  }
  QtiModule *out = mod.release();
  rt->modules.insert(out);
  track(out);
  for (auto &[n, k] : out->kernels) track(k.get());
  return out;
}

void destroy_module(QtiModule *m) {
  for (auto &[n, k] : m->kernels) untrack(k.get());
  untrack(m);
  m->rt->modules.erase(m);
  delete m;
}

void destroy_ndarray(QtiNdarray *a) {
  untrack(a);
  a->rt->ndarrays.erase(a);
  delete a;
}

uint64_t scalar_slot(const QtiArgument &a) {
  uint64_t slot = 0;
  switch (a.kind) {
    case QTI_ARG_I32: slot = static_cast<uint64_t>(static_cast<int64_t>(a.value.i32)); break;
    case QTI_ARG_I64: slot = static_cast<uint64_t>(a.value.i64); break;
    case QTI_ARG_F32: std::memcpy(&slot, &a.value.f32, 4); break;
    case QTI_ARG_F64: std::memcpy(&slot, &a.value.f64, 8); break;
    default: break;
  }
  return slot;
}

// Runs a kernel of the module with its argument slots; a failure inside is KERNEL_FAILED.
LaunchResult run(QtiModule *m, QtiKernel *k, const std::vector<uint64_t> &slots) {
  LaunchArgs la;
  la.args = slots.data();
  la.trees = m->trees;
  la.launch_id = m->rt->launches++;
  LaunchResult r;
  try {
    r = m->rt->device->launch(*k->exe, k->info->desc, la);
  } catch (const std::bad_alloc &) {
    throw;
  } catch (const std::exception &e) {
    fail(QTI_ERROR_KERNEL_FAILED, "kernel '" + k->info->name + "': " + e.what());
  }
  if (r.error_code == kLoopLimitError)
    fail(QTI_ERROR_KERNEL_FAILED, "kernel '" + k->info->name + "' ran past the driver's loop "
                                  "iteration limit");
  if (r.error_code != 0) {
    const auto &asserts = k->info->desc.assertions;
    size_t i = static_cast<size_t>(r.error_code - 1);
    std::string msg = i < asserts.size() ? format_assertion(asserts[i], r.error_args)
                                         : "error code " + std::to_string(r.error_code);
    fail(QTI_ERROR_KERNEL_FAILED, "kernel '" + k->info->name + "': " + msg);
  }
  return r;
}

const aot::FieldInfo &field_of(QtiModule *m, const char *name) {
  if (!name) fail(QTI_ERROR_INVALID_ARGUMENT, "field name is NULL");
  const aot::FieldInfo *f = m->manifest.field(name);
  if (!f) fail(QTI_ERROR_NOT_FOUND, "module '" + m->name + "' has no field '" + name + "'");
  return *f;
}

// Copies a field through its accessor kernel into or out of host memory.
void access_field(QtiModule *m, const char *name, void *data, size_t bytes, bool write) {
  const aot::FieldInfo &f = field_of(m, name);
  if (!data) fail(QTI_ERROR_INVALID_ARGUMENT, "field '" + f.name + "': the buffer is NULL");
  size_t want = static_cast<size_t>(dtype_bytes(f.dtype));
  for (int64_t s : f.shape) want *= static_cast<size_t>(s);
  for (int e : f.elem_shape) want *= static_cast<size_t>(e);
  if (bytes != want)
    fail(QTI_ERROR_INVALID_ARGUMENT, "field '" + f.name + "': " + std::to_string(bytes) +
                                         " bytes given, it holds " + std::to_string(want));
  QtiKernel *k = m->kernels.at(write ? f.write_kernel : f.read_kernel).get();
  std::vector<uint64_t> slots = {reinterpret_cast<uint64_t>(data)};
  for (int64_t s : f.shape) slots.push_back(static_cast<uint64_t>(s));
  if (f.shape.empty()) slots.push_back(1);  // a 0-d field crosses as one element
  for (int e : f.elem_shape) slots.push_back(static_cast<uint64_t>(e));
  run(m, k, slots);
}

}  // namespace

extern "C" {

const char *qti_version(void) {
  static const std::string v = std::string(aot::kVersion) + " (format " +
                               std::to_string(aot::kFormatVersion) + ")";
  return v.c_str();
}

const char *qti_last_error(void) { return last_error.c_str(); }

QtiStatus qti_create_runtime(QtiArch arch, QtiRuntime **out) {
  return guarded([&] {
    if (!out) fail(QTI_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = nullptr;
    auto rt = std::make_unique<QtiRuntime>();
    rt->arch = arch;
    try {
      rt->device = make_device(arch);
    } catch (const Failure &) {
      throw;
    } catch (const std::exception &e) {
      fail(QTI_ERROR_UNAVAILABLE, std::string("no ") + arch_name(arch) + " device: " + e.what());
    }
    *out = rt.release();
    track(*out);
  });
}

void qti_destroy_runtime(QtiRuntime *rt) {
  guarded([&] {
    if (!rt || !live(rt)) return;
    {
      std::lock_guard<std::recursive_mutex> lock(rt->mu);
      while (!rt->modules.empty()) destroy_module(*rt->modules.begin());
      while (!rt->ndarrays.empty()) destroy_ndarray(*rt->ndarrays.begin());
      rt->device.reset();
    }
    untrack(rt);
    delete rt;
  });
}

QtiStatus qti_wait(QtiRuntime *rt) {
  return guarded([&] {
    checked(rt, "runtime");
    std::lock_guard<std::recursive_mutex> lock(rt->mu);
    try {
      rt->device->synchronize();
    } catch (const std::exception &e) {
      fail(QTI_ERROR_KERNEL_FAILED, e.what());
    }
  });
}

QtiStatus qti_load_module(QtiRuntime *rt, const char *path, QtiModule **out) {
  return guarded([&] {
    if (out) *out = nullptr;
    checked(rt, "runtime");
    if (!path) fail(QTI_ERROR_INVALID_ARGUMENT, "path is NULL");
    if (!out) fail(QTI_ERROR_INVALID_ARGUMENT, "out is NULL");
    std::lock_guard<std::recursive_mutex> lock(rt->mu);
    std::string why;
    auto files = aot::ModuleFiles::open(path, &why);
    if (!files) fail(why.rfind("no such", 0) == 0 ? QTI_ERROR_NOT_FOUND : QTI_ERROR_CORRUPTED_MODULE,
                     "module '" + std::string(path) + "': " + why);
    *out = load(rt, path, *files);
  });
}

QtiStatus qti_load_module_from_memory(QtiRuntime *rt, const void *archive, size_t size,
                                      QtiModule **out) {
  return guarded([&] {
    if (out) *out = nullptr;
    checked(rt, "runtime");
    if (!archive) fail(QTI_ERROR_INVALID_ARGUMENT, "archive is NULL");
    if (!out) fail(QTI_ERROR_INVALID_ARGUMENT, "out is NULL");
    std::lock_guard<std::recursive_mutex> lock(rt->mu);
    std::string why;
    auto files = aot::ModuleFiles::from_archive(archive, size, &why);
    if (!files) fail(QTI_ERROR_CORRUPTED_MODULE, "module (in memory): " + why);
    *out = load(rt, "(in memory)", *files);
  });
}

void qti_destroy_module(QtiModule *m) {
  guarded([&] {
    if (!m || !live(m)) return;
    QtiRuntime *rt = m->rt;
    std::lock_guard<std::recursive_mutex> lock(rt->mu);
    destroy_module(m);
  });
}

QtiStatus qti_get_kernel(QtiModule *m, const char *name, QtiKernel **out) {
  return guarded([&] {
    if (out) *out = nullptr;
    checked(m, "module");
    if (!name) fail(QTI_ERROR_INVALID_ARGUMENT, "kernel name is NULL");
    if (!out) fail(QTI_ERROR_INVALID_ARGUMENT, "out is NULL");
    auto it = m->kernels.find(name);
    if (it == m->kernels.end())
      fail(QTI_ERROR_NOT_FOUND, "module '" + m->name + "' has no kernel '" + name + "'");
    *out = it->second.get();
  });
}

QtiStatus qti_launch_kernel(QtiKernel *k, uint32_t arg_count, const QtiArgument *args,
                            QtiArgument *result) {
  return guarded([&] {
    checked(k, "kernel");
    QtiModule *m = k->module;
    std::lock_guard<std::recursive_mutex> lock(m->rt->mu);
    const aot::KernelInfo &info = *k->info;
    const std::string kname = "kernel '" + info.name + "'";
    if (arg_count != info.args.size())
      fail(QTI_ERROR_INVALID_ARGUMENT, kname + " takes " + std::to_string(info.args.size()) +
                                           " arguments, got " + std::to_string(arg_count));
    if (arg_count && !args) fail(QTI_ERROR_INVALID_ARGUMENT, kname + ": args is NULL");
    std::vector<uint64_t> slots;
    for (uint32_t i = 0; i < arg_count; i++) {
      const aot::ArgInfo &a = info.args[i];
      const QtiArgument &q = args[i];
      std::string what = kname + " argument " + std::to_string(i) + " '" + a.name + "'";
      QtiArgumentKind want = a.ndarray ? QTI_ARG_NDARRAY : scalar_kind(a.dtype);
      if (q.kind != want)
        fail(QTI_ERROR_INVALID_ARGUMENT, what + ": expected " + kind_name(want) + ", got " +
                                             kind_name(q.kind));
      if (!a.ndarray) {
        slots.push_back(scalar_slot(q));
        continue;
      }
      QtiNdarray *arr = q.value.ndarray;
      if (!arr || !live(arr)) fail(QTI_ERROR_INVALID_ARGUMENT, what + ": not a live ndarray");
      if (arr->rt != m->rt)
        fail(QTI_ERROR_INVALID_ARGUMENT, what + ": the ndarray belongs to another runtime");
      std::vector<int64_t> elem(a.elem_shape.begin(), a.elem_shape.end());
      if (arr->dtype != a.dtype || static_cast<int>(arr->shape.size()) != a.ndim ||
          arr->elem_shape != elem)
        fail(QTI_ERROR_INVALID_ARGUMENT,
             what + ": expected " + a.dtype + " with " + std::to_string(a.ndim) +
                 " axes and elements of shape " + shape_str(elem) + ", got " + arr->dtype +
                 " with " + std::to_string(arr->shape.size()) + " axes and elements of shape " +
                 shape_str(arr->elem_shape));
      slots.push_back(reinterpret_cast<uint64_t>(arr->data.data()));
      for (int64_t s : arr->shape) slots.push_back(static_cast<uint64_t>(s));
      for (int64_t s : arr->elem_shape) slots.push_back(static_cast<uint64_t>(s));
    }
    LaunchResult r = run(m, k, slots);
    if (!result) return;
    std::memset(result, 0, sizeof *result);
    const std::string &ret = info.desc.ret_type;
    if (ret == "void") {
      m->rt->device->synchronize();
      result->kind = QTI_ARG_I32;
      return;
    }
    result->kind = scalar_kind(ret);
    int bytes = dtype_bytes(ret);
    bool is_signed = ret[0] == 'i';
    uint64_t v = r.value[0];
    if (result->kind == QTI_ARG_F32) std::memcpy(&result->value.f32, &v, 4);
    else if (result->kind == QTI_ARG_F64) std::memcpy(&result->value.f64, &v, 8);
    else if (result->kind == QTI_ARG_I64) result->value.i64 = static_cast<int64_t>(v);
    else {
      // A narrower integer: its bits, sign- or zero-extended to 32 (u32 keeps its bits).
      int shift = 64 - 8 * bytes;
      int64_t x = is_signed ? static_cast<int64_t>(v << shift) >> shift
                            : static_cast<int64_t>((v << shift) >> shift);
      result->value.i32 = static_cast<int32_t>(x);
    }
  });
}

QtiStatus qti_field_info(QtiModule *m, const char *name, QtiDataType *dtype, uint32_t *ndim,
                         uint32_t shape[8], uint32_t *components) {
  return guarded([&] {
    checked(m, "module");
    const aot::FieldInfo &f = field_of(m, name);
    if (dtype) {
      for (int i = 0; i < 10; i++)
        if (f.dtype == dtype_names[i]) *dtype = static_cast<QtiDataType>(i);
    }
    if (ndim) *ndim = static_cast<uint32_t>(f.shape.size());
    if (shape)
      for (size_t i = 0; i < 8; i++)
        shape[i] = i < f.shape.size() ? static_cast<uint32_t>(f.shape[i]) : 0;
    if (components) {
      uint32_t c = 1;
      for (int e : f.elem_shape) c *= static_cast<uint32_t>(e);
      *components = c;
    }
  });
}

QtiStatus qti_read_field(QtiModule *m, const char *name, void *dst, size_t bytes) {
  return guarded([&] {
    checked(m, "module");
    std::lock_guard<std::recursive_mutex> lock(m->rt->mu);
    access_field(m, name, dst, bytes, false);
  });
}

QtiStatus qti_write_field(QtiModule *m, const char *name, const void *src, size_t bytes) {
  return guarded([&] {
    checked(m, "module");
    std::lock_guard<std::recursive_mutex> lock(m->rt->mu);
    access_field(m, name, const_cast<void *>(src), bytes, true);
  });
}

QtiStatus qti_allocate_ndarray(QtiRuntime *rt, QtiDataType dtype, uint32_t ndim,
                               const uint32_t *shape, uint32_t elem_ndim,
                               const uint32_t *elem_shape, QtiNdarray **out) {
  return guarded([&] {
    if (out) *out = nullptr;
    checked(rt, "runtime");
    if (!out) fail(QTI_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (ndim < 1 || ndim > 8)
      fail(QTI_ERROR_INVALID_ARGUMENT, "ndim must be 1 to 8, got " + std::to_string(ndim));
    if (elem_ndim > 2)
      fail(QTI_ERROR_INVALID_ARGUMENT, "elem_ndim must be 0 to 2, got " + std::to_string(elem_ndim));
    if (!shape || (elem_ndim && !elem_shape)) fail(QTI_ERROR_INVALID_ARGUMENT, "shape is NULL");
    auto a = std::make_unique<QtiNdarray>();
    a->rt = rt;
    a->dtype = dtype_name(dtype);
    size_t count = 1;
    auto axis = [&](uint32_t n, const char *what) {
      if (n == 0 || n > (1u << 31))
        fail(QTI_ERROR_INVALID_ARGUMENT,
             std::string(what) + " extent " + std::to_string(n) + " is out of range");
      if (count > (size_t(1) << 40) / n)
        fail(QTI_ERROR_OUT_OF_MEMORY, "ndarray larger than 2^40 elements");
      count *= n;
      return static_cast<int64_t>(n);
    };
    for (uint32_t i = 0; i < ndim; i++) a->shape.push_back(axis(shape[i], "shape"));
    for (uint32_t i = 0; i < elem_ndim; i++)
      a->elem_shape.push_back(axis(elem_shape[i], "element shape"));
    a->bytes = count * static_cast<size_t>(dtype_bytes(a->dtype));
    a->data.assign((a->bytes + 7) / 8, 0);
    std::lock_guard<std::recursive_mutex> lock(rt->mu);
    *out = a.release();
    rt->ndarrays.insert(*out);
    track(*out);
  });
}

void qti_free_ndarray(QtiNdarray *a) {
  guarded([&] {
    if (!a || !live(a)) return;
    std::lock_guard<std::recursive_mutex> lock(a->rt->mu);
    destroy_ndarray(a);
  });
}

QtiStatus qti_ndarray_write(QtiNdarray *a, const void *src, size_t bytes) {
  return guarded([&] {
    checked(a, "ndarray");
    if (!src) fail(QTI_ERROR_INVALID_ARGUMENT, "src is NULL");
    if (bytes != a->bytes)
      fail(QTI_ERROR_INVALID_ARGUMENT, std::to_string(bytes) + " bytes given, the ndarray holds " +
                                           std::to_string(a->bytes));
    std::lock_guard<std::recursive_mutex> lock(a->rt->mu);
    std::memcpy(a->data.data(), src, bytes);
  });
}

QtiStatus qti_ndarray_read(QtiNdarray *a, void *dst, size_t bytes) {
  return guarded([&] {
    checked(a, "ndarray");
    if (!dst) fail(QTI_ERROR_INVALID_ARGUMENT, "dst is NULL");
    if (bytes != a->bytes)
      fail(QTI_ERROR_INVALID_ARGUMENT, std::to_string(bytes) + " bytes asked, the ndarray holds " +
                                           std::to_string(a->bytes));
    std::lock_guard<std::recursive_mutex> lock(a->rt->mu);
    std::memcpy(dst, a->data.data(), bytes);
  });
}

}  // extern "C"
