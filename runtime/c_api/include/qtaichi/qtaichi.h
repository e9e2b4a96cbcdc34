/* qtaichi app runtime: load ahead-of-time modules exported by qtaichi (ti.aot.Module, or the
 * C++ AotModuleBuilder) and run their kernels. Plain C99; no LLVM, no Python, no compiler.
 *
 * Every call returns a status and never crashes, aborts or leaks on bad input: on an error,
 * qti_last_error() (per thread) holds a sentence naming the problem. One runtime may be used
 * from several threads (calls on it are serialized inside). */
#ifndef QTAICHI_H
#define QTAICHI_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define QTI_API __attribute__((visibility("default")))
#else
#define QTI_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum QtiStatus {
  QTI_OK = 0,
  QTI_ERROR_INVALID_ARGUMENT = -1,    /* NULL handle, unknown name, wrong count/kind/dtype/shape */
  QTI_ERROR_NOT_FOUND = -2,           /* no such file, kernel or field */
  QTI_ERROR_CORRUPTED_MODULE = -3,    /* unreadable manifest, bad checksum, truncated artifact */
  QTI_ERROR_INCOMPATIBLE_MODULE = -4, /* format version, arch or device capability not met */
  QTI_ERROR_UNAVAILABLE = -5,         /* no device of that arch here (no driver) */
  QTI_ERROR_OUT_OF_MEMORY = -6,
  QTI_ERROR_KERNEL_FAILED = -7        /* an assertion or bounds check (debug modules) */
} QtiStatus;

typedef enum QtiArch { QTI_ARCH_CPU = 1, QTI_ARCH_VULKAN = 2, QTI_ARCH_CUDA = 3 } QtiArch;

typedef enum QtiDataType {
  QTI_DTYPE_I8, QTI_DTYPE_I16, QTI_DTYPE_I32, QTI_DTYPE_I64,
  QTI_DTYPE_U8, QTI_DTYPE_U16, QTI_DTYPE_U32, QTI_DTYPE_U64,
  QTI_DTYPE_F32, QTI_DTYPE_F64
} QtiDataType;

typedef struct QtiRuntime QtiRuntime; /* opaque handles */
typedef struct QtiModule QtiModule;
typedef struct QtiKernel QtiKernel; /* owned by its module */
typedef struct QtiNdarray QtiNdarray;

typedef enum QtiArgumentKind {
  QTI_ARG_I32, QTI_ARG_I64, QTI_ARG_F32, QTI_ARG_F64, QTI_ARG_NDARRAY
} QtiArgumentKind;

typedef struct QtiArgument {
  QtiArgumentKind kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    QtiNdarray *ndarray;
  } value;
} QtiArgument;

QTI_API const char *qti_version(void);    /* "0.2.0 (format 1)" */
QTI_API const char *qti_last_error(void); /* this thread's last message, "" if none */

QTI_API QtiStatus qti_create_runtime(QtiArch arch, QtiRuntime **out);
QTI_API void qti_destroy_runtime(QtiRuntime *rt); /* NULL: no-op; its modules and ndarrays too */
QTI_API QtiStatus qti_wait(QtiRuntime *rt);       /* every launch so far has finished */

/* path: a module folder (manifest.json and artifacts) or an archive of one. */
QTI_API QtiStatus qti_load_module(QtiRuntime *rt, const char *path, QtiModule **out);
QTI_API QtiStatus qti_load_module_from_memory(QtiRuntime *rt, const void *archive, size_t size,
                                      QtiModule **out);
QTI_API void qti_destroy_module(QtiModule *m); /* NULL: no-op */

QTI_API QtiStatus qti_get_kernel(QtiModule *m, const char *name, QtiKernel **out);
/* Validated against the manifest before anything runs. result may be NULL; when it is not, the
   call waits and writes the kernel's scalar return value (its kind set from the manifest). */
QTI_API QtiStatus qti_launch_kernel(QtiKernel *k, uint32_t arg_count, const QtiArgument *args,
                            QtiArgument *result);

/* Fields exported with the module live in the module. Values cross as the field's compute
   dtype (quantized fields are decoded / encoded exactly as kernels do), C order, the components
   of a vector or matrix field last. bytes must equal the field's size in that form. */
QTI_API QtiStatus qti_field_info(QtiModule *m, const char *name, QtiDataType *dtype, uint32_t *ndim,
                         uint32_t shape[8], uint32_t *components);
QTI_API QtiStatus qti_read_field(QtiModule *m, const char *name, void *dst, size_t bytes);
QTI_API QtiStatus qti_write_field(QtiModule *m, const char *name, const void *src, size_t bytes);

/* shape: ndim outer axes then element axes (e.g. a 1000 x vec3 array: ndim 1, elem_ndim 1). */
QTI_API QtiStatus qti_allocate_ndarray(QtiRuntime *rt, QtiDataType dtype, uint32_t ndim,
                               const uint32_t *shape, uint32_t elem_ndim,
                               const uint32_t *elem_shape, QtiNdarray **out);
QTI_API void qti_free_ndarray(QtiNdarray *a); /* NULL: no-op */
QTI_API QtiStatus qti_ndarray_write(QtiNdarray *a, const void *src, size_t bytes);
QTI_API QtiStatus qti_ndarray_read(QtiNdarray *a, void *dst, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* QTAICHI_H */
