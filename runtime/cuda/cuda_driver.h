#pragma once
// The CUDA driver API, loaded at run time with dlopen("libcuda.so.1"): nothing links the CUDA
// stub library, so a machine without a driver builds and runs, and reports why CUDA is
// unavailable. The few types and constants used are declared here (the driver's ABI is
// stable), so the runtime builds without the CUDA toolkit's headers too.
#include <cstddef>
#include <cstdint>
#include <string>

namespace qtaichi::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;

constexpr int kAttrMultiprocessorCount = 16;   // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kJitErrorLogBuffer = 5;  // CUjit_option values
constexpr int kJitErrorLogBufferSize = 6;

// X(name, symbol, parameter types): every entry point used, and the library symbol it is.
#define QTI_CUDA_DRIVER_FUNCTIONS(X)                                                          \
  X(cuInit, "cuInit", unsigned)                                                               \
  X(cuDriverGetVersion, "cuDriverGetVersion", int *)                                          \
  X(cuDeviceGetCount, "cuDeviceGetCount", int *)                                              \
  X(cuDeviceGet, "cuDeviceGet", CUdevice *, int)                                              \
  X(cuDeviceGetName, "cuDeviceGetName", char *, int, CUdevice)                                \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", int *, int, CUdevice)                       \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", CUcontext *, CUdevice)              \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", CUcontext)                                            \
  X(cuCtxSynchronize, "cuCtxSynchronize")                                                     \
  X(cuMemAlloc, "cuMemAlloc_v2", CUdeviceptr *, size_t)                                       \
  X(cuMemFree, "cuMemFree_v2", CUdeviceptr)                                                   \
  X(cuMemcpyHtoD, "cuMemcpyHtoD_v2", CUdeviceptr, const void *, size_t)                       \
  X(cuMemcpyDtoH, "cuMemcpyDtoH_v2", void *, CUdeviceptr, size_t)                             \
  X(cuMemcpyDtoD, "cuMemcpyDtoD_v2", CUdeviceptr, CUdeviceptr, size_t)                        \
  X(cuMemsetD8, "cuMemsetD8_v2", CUdeviceptr, unsigned char, size_t)                          \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx", CUmodule *, const void *, unsigned, int *,      \
    void **)                                                                                  \
  X(cuModuleGetFunction, "cuModuleGetFunction", CUfunction *, CUmodule, const char *)         \
  X(cuModuleUnload, "cuModuleUnload", CUmodule)                                               \
  X(cuLaunchKernel, "cuLaunchKernel", CUfunction, unsigned, unsigned, unsigned, unsigned,     \
    unsigned, unsigned, unsigned, CUstream, void **, void **)                                 \
  X(cuGetErrorName, "cuGetErrorName", CUresult, const char **)                                \
  X(cuGetErrorString, "cuGetErrorString", CUresult, const char **)

struct Driver {
#define QTI_CUDA_DECLARE(name, symbol, ...) CUresult (*name)(__VA_ARGS__) = nullptr;
  QTI_CUDA_DRIVER_FUNCTIONS(QTI_CUDA_DECLARE)
#undef QTI_CUDA_DECLARE
  int version = 0;  // cuDriverGetVersion: 1000 * major + 10 * minor

  // The loaded and initialized driver, or nullptr with the reason in *why_not (no libcuda,
  // a missing entry point, cuInit failing: no device, say). Loaded once per process.
  static const Driver *get(std::string *why_not = nullptr);
  // Throws std::runtime_error "<what>: <error name>: <error string>" unless r is success.
  void check(CUresult r, const std::string &what) const;
};

}  // namespace qtaichi::rt::cuda
