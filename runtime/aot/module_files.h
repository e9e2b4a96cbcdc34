#pragma once
// The files of an ahead-of-time module, read from a folder or from a standard archive (zip or
// tar, through Debian's libarchive; from a path or from memory), and written as either. Nothing
// here trusts the input: plain file names only, sizes capped while reading (not taken from the
// archive's headers), every failure a message.
#include <map>
#include <optional>
#include <string>

namespace qtaichi::rt::aot {

// A module's file name: letters, digits, '_', '-', '.'; not starting with '.', no folders (so
// neither a manifest nor an archive can name a path outside the module).
bool is_plain_file_name(const std::string &name);

class ModuleFiles {
 public:
  // A folder, or an archive file. On failure *why starts with "no such" when nothing is there.
  static std::optional<ModuleFiles> open(const std::string &path, std::string *why);
  static std::optional<ModuleFiles> from_archive(const void *data, size_t size, std::string *why);

  const std::string *find(const std::string &name) const;
  const std::map<std::string, std::string> &files() const { return files_; }
  void add(const std::string &name, std::string bytes) { files_[name] = std::move(bytes); }

  // Writes every file into `folder` (created if needed), or into one zip archive. Throw
  // std::runtime_error naming what could not be written.
  void save(const std::string &folder) const;
  void archive(const std::string &file) const;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace qtaichi::rt::aot
