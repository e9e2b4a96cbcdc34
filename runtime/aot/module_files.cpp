#include "runtime/aot/module_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

namespace qtaichi::rt::aot {

namespace {

constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30;   // one artifact
constexpr uint64_t kMaxTotalBytes = uint64_t(4) << 30;  // the whole module
constexpr size_t kMaxFiles = 100000;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive *)>;

// libarchive's message, which may be absent (the fuzzer found a damaged zip without one).
std::string error_of(archive *a) {
  const char *e = archive_error_string(a);
  return e ? e : "no details";
}

}  // namespace

std::optional<ModuleFiles> ModuleFiles::open(const std::string &path, std::string *why) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    *why = "no such file or folder";
    return std::nullopt;
  }
  if (fs::is_directory(st)) {
    ModuleFiles out;
    uint64_t total = 0;
    for (const fs::directory_entry &e : fs::directory_iterator(path, ec)) {
      std::string name = e.path().filename().string();
      if (!e.is_regular_file(ec) || !is_plain_file_name(name)) continue;
      uint64_t size = e.file_size(ec);
      if (ec || size > kMaxFileBytes || (total += size) > kMaxTotalBytes || out.files_.size() >= kMaxFiles) {
        *why = "'" + name + "' is too large, or the folder holds too much";
        return std::nullopt;
      }
      std::ifstream in(e.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        *why = "cannot read '" + name + "'";
        return std::nullopt;
      }
      out.files_[name] = std::move(bytes);
    }
    if (ec) {
      *why = "cannot list the folder: " + ec.message();
      return std::nullopt;
    }
    return out;
  }
  uint64_t size = fs::file_size(path, ec);
  if (ec || size > kMaxTotalBytes) {
    *why = ec ? "cannot read it: " + ec.message() : "larger than 4 GiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return from_archive(bytes.data(), bytes.size(), why);
}

std::optional<ModuleFiles> ModuleFiles::from_archive(const void *data, size_t size,
                                                     std::string *why) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  if (!a) {
    *why = "out of memory";
    return std::nullopt;
  }
  archive_read_support_format_zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  if (archive_read_open_memory(a.get(), data, size) != ARCHIVE_OK) {
    *why = std::string("not a zip or tar archive: ") + error_of(a.get());
    return std::nullopt;
  }
  ModuleFiles out;
  uint64_t total = 0;
  archive_entry *entry;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const char *raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    if (name.rfind("./", 0) == 0) name = name.substr(2);
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    // A module archived with its folder: one leading folder is allowed.
    if (auto slash = name.find('/'); slash != std::string::npos) name = name.substr(slash + 1);
    if (archive_entry_filetype(entry) != AE_IFREG || !is_plain_file_name(name)) {
      *why = "entry '" + std::string(raw ? raw : "") + "' is not a plain file of the module";
      return std::nullopt;
    }
    if (out.files_.count(name) || out.files_.size() >= kMaxFiles) {
      *why = "entry '" + name + "' appears twice, or too many entries";
      return std::nullopt;
    }
    std::string bytes;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
      total += static_cast<uint64_t>(n);
      if (bytes.size() + static_cast<size_t>(n) > kMaxFileBytes || total > kMaxTotalBytes) {
        *why = "entry '" + name + "' unpacks to more than the limit (1 GiB a file, 4 GiB in all)";
        return std::nullopt;
      }
      bytes.append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
      *why = "entry '" + name + "' is damaged: " + error_of(a.get());
      return std::nullopt;
    }
    out.files_[name] = std::move(bytes);
  }
  if (r != ARCHIVE_EOF) {
    *why = std::string("damaged archive: ") + error_of(a.get());
    return std::nullopt;
  }
  return out;
}

bool is_plain_file_name(const std::string &f) {
  if (f.empty() || f.size() > 200 || f[0] == '.') return false;
  for (char c : f)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

const std::string *ModuleFiles::find(const std::string &name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

void ModuleFiles::save(const std::string &folder) const {
  namespace fs = std::filesystem;
  fs::create_directories(folder);
  for (const auto &[name, bytes] : files_) {
    std::ofstream out(fs::path(folder) / name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + (fs::path(folder) / name).string());
  }
}

void ModuleFiles::archive(const std::string &file) const {
  ArchivePtr a(archive_write_new(), archive_write_free);
  archive_write_set_format_zip(a.get());
  if (archive_write_open_filename(a.get(), file.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("cannot write " + file + ": " + error_of(a.get()));
  for (const auto &[name, bytes] : files_) {
    std::unique_ptr<archive_entry, void (*)(archive_entry *)> e(archive_entry_new(),
                                                                archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), bytes.data(), bytes.size()) < 0)
      throw std::runtime_error("writing " + name + " into " + file + ": " +
                               error_of(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw std::runtime_error("finishing " + file + ": " + error_of(a.get()));
}

}  // namespace qtaichi::rt::aot
