#pragma once
// The on-disk kernel cache: compiled object code keyed by a hash of (final IR text, compile
// config, target, compiler version), so a second run of the same program compiles nothing.
// Writes go to a temporary file renamed into place, so concurrent processes never see a partial
// entry; every entry carries a checksum, so a corrupt file is a miss, never a crash.
#include <optional>
#include <string>

namespace qtaichi {

class KernelCache {
 public:
  explicit KernelCache(std::string dir) : dir_(std::move(dir)) {}
  // $QTAICHI_CACHE_DIR, else $XDG_CACHE_HOME/qtaichi, else ~/.cache/qtaichi.
  static std::string default_dir();
  static std::string make_key(const std::string &ir_text, const std::string &config,
                              const std::string &target);

  bool enabled() const { return !dir_.empty(); }
  const std::string &dir() const { return dir_; }
  std::optional<std::string> load(const std::string &key) const;
  void store(const std::string &key, const std::string &bytes) const;  // best effort

 private:
  std::string path_of(const std::string &key) const { return dir_ + "/" + key + ".qtk"; }
  std::string dir_;
};

}  // namespace qtaichi
