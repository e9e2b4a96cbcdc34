#include "runtime/cpu/shared_object.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace qtaichi::rt {

std::shared_ptr<SharedObject> SharedObject::open(const std::string &bytes) {
  // A memory file where the kernel has them (Linux, Android), else a temporary file; either way
  // nothing is left on disk.
  int fd = memfd_create("qtaichi-module", MFD_CLOEXEC);
  std::string path;
  if (fd < 0) {
    const char *tmp = std::getenv("TMPDIR");
    path = std::string(tmp && *tmp ? tmp : "/tmp") + "/qtaichi-module-XXXXXX";
    fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a file for the module's code");
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      close(fd);
      if (!path.empty()) unlink(path.c_str());
      throw std::runtime_error("cannot write the module's code");
    }
    done += static_cast<size_t>(n);
  }
  std::string open_path = path.empty() ? "/proc/self/fd/" + std::to_string(fd) : path;
  void *h = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  std::string err = h ? "" : dlerror();
  close(fd);
  if (!path.empty()) unlink(path.c_str());
  if (!h) throw std::runtime_error("the module's code does not load: " + err);
  auto so = std::shared_ptr<SharedObject>(new SharedObject());
  so->handle_ = h;
  return so;
}

SharedObject::~SharedObject() {
  if (handle_) dlclose(handle_);
}

void *SharedObject::symbol(const std::string &name) const { return dlsym(handle_, name.c_str()); }

std::string missing_cpu_features(const std::string &target) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= target.size(); i++)
    if (i == target.size() || target[i] == ';') {
      parts.push_back(target.substr(start, i - start));
      start = i + 1;
    }
  if (!parts.empty() && parts[0].rfind("llvm-", 0) == 0) parts.erase(parts.begin());
  if (parts.size() < 3) return "a CPU target (the module names none)";
  std::string arch = parts[0].substr(0, parts[0].find('-'));
#if defined(__x86_64__)
  if (arch != "x86_64") return "the " + arch + " instruction set (this CPU is x86_64)";
  std::string missing;
  __builtin_cpu_init();
  std::string features = parts[2];
  start = 0;
  for (size_t i = 0; i <= features.size(); i++) {
    if (i < features.size() && features[i] != ',') continue;
    std::string f = features.substr(start, i - start);
    start = i + 1;
    if (f.size() < 2 || f[0] != '+') continue;
    f = f.substr(1);
    bool have = true;
    // The features code generation relies on; __builtin_cpu_supports needs literal names.
#define QTI_CPU_FEATURE(name) else if (f == name) have = __builtin_cpu_supports(name);
    if (false) {
    }
    QTI_CPU_FEATURE("sse3") QTI_CPU_FEATURE("ssse3") QTI_CPU_FEATURE("sse4.1")
    QTI_CPU_FEATURE("sse4.2") QTI_CPU_FEATURE("popcnt") QTI_CPU_FEATURE("avx")
    QTI_CPU_FEATURE("avx2") QTI_CPU_FEATURE("fma") QTI_CPU_FEATURE("bmi")
    QTI_CPU_FEATURE("bmi2") QTI_CPU_FEATURE("avx512f") QTI_CPU_FEATURE("avx512vl")
    QTI_CPU_FEATURE("avx512bw") QTI_CPU_FEATURE("avx512dq") QTI_CPU_FEATURE("avx512cd")
#undef QTI_CPU_FEATURE
    if (!have) missing += (missing.empty() ? "" : ", ") + f;
  }
  return missing;
#elif defined(__aarch64__)
  if (arch != "aarch64") return "the " + arch + " instruction set (this CPU is aarch64)";
  return "";
#else
  return "a CPU this runtime was not built for";
#endif
}

}  // namespace qtaichi::rt
