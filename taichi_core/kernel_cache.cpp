#include "taichi_core/kernel_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qtaichi_build_id.h"  // generated: a hash of the compiler's sources

namespace qtaichi {

namespace {

constexpr const char *kCompilerVersion = "qtaichi-0.1.0/" QTAICHI_BUILD_ID;
constexpr const char *kMagic = "QTKC1";

uint64_t fnv1a(const std::string &s, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string checksum(const std::string &bytes) {
  return hex(fnv1a(bytes, 0x9e3779b97f4a7c15ull));
}

}  // namespace

std::string KernelCache::default_dir() {
  if (const char *d = std::getenv("QTAICHI_CACHE_DIR"); d && *d) return d;
  if (const char *d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/qtaichi";
  if (const char *h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/qtaichi";
  return "";
}

std::string KernelCache::make_key(const std::string &ir_text, const std::string &config,
                                  const std::string &target) {
  std::string all = std::string(kCompilerVersion) + '\n' + target + '\n' + config + '\n' + ir_text;
  return hex(fnv1a(all, 0)) + hex(fnv1a(all, 0x5bd1e995u));
}

std::optional<std::string> KernelCache::load(const std::string &key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(path_of(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::string magic, sum;
  if (!std::getline(in, magic) || magic != kMagic || !std::getline(in, sum)) return std::nullopt;
  std::ostringstream rest;
  rest << in.rdbuf();
  std::string bytes = rest.str();
  if (bytes.empty() || checksum(bytes) != sum) return std::nullopt;
  return bytes;
}

void KernelCache::store(const std::string &key, const std::string &bytes) const {
  if (!enabled()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return;
  static std::atomic<int> counter{0};
  std::string tmp = path_of(key) + ".tmp" + std::to_string(::getpid()) + "." +
                    std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << kMagic << '\n' << checksum(bytes) << '\n';
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path_of(key), ec);  // atomic on POSIX
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace qtaichi
