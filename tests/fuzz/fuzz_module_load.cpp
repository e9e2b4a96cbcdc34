// libFuzzer target: loading an ahead-of-time module from memory (qti_load_module_from_memory)
// must never crash, hang or leak, whatever the bytes: a status and a message only. Build and
// run with `make fuzz-module` (clang-19, libFuzzer); CI replays tests/fuzz/corpus through the
// C API in the Python suite (test_aot.py).
#include <cstddef>
#include <cstdint>

#include "qtaichi/qtaichi.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static QtiRuntime *rt = [] {
    QtiRuntime *r = nullptr;
    qti_create_runtime(QTI_ARCH_CPU, &r);
    return r;
  }();
  QtiModule *m = nullptr;
  if (qti_load_module_from_memory(rt, data, size, &m) == QTI_OK) qti_destroy_module(m);
  return 0;
}
