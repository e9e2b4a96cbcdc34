#pragma once
// A device's table of live allocations: what an rt::Allocation id stands for (a host pointer, a
// device pointer, a buffer) and how many bytes it spans, so every access is range-checked with
// the same message on every device. Thread-safe; an entry stays valid until it is removed.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "runtime/device.h"

namespace qtaichi::rt {

template <typename T>
class AllocationTable {
 public:
  explicit AllocationTable(std::string device) : device_(std::move(device)) {}

  // Returns the allocation; `id` 0 takes the next free id (a device may use its own, such as a
  // device pointer).
  Allocation add(T value, size_t bytes, size_t requested_bytes, uint64_t id = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (id == 0) id = next_id_++;
    entries_.emplace(id, Entry{std::move(value), bytes});
    return {id, requested_bytes};
  }

  // The entry's value, taken out of the table; nothing for an unknown id (a second free).
  std::optional<T> remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    std::optional<T> out(std::move(it->second.value));
    entries_.erase(it);
    return out;
  }

  // The value of `a`, once [offset, offset + bytes) is checked to lie inside it. Throws
  // std::invalid_argument for an unknown allocation, std::out_of_range for a bad range.
  T &checked(Allocation a, size_t offset, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(a.id);
    if (it == entries_.end())
      throw std::invalid_argument(device_ + " device: no allocation " + std::to_string(a.id));
    if (offset + bytes > it->second.bytes)
      throw std::out_of_range(device_ + " device: bytes [" + std::to_string(offset) + ", " +
                              std::to_string(offset + bytes) + ") are outside allocation " +
                              std::to_string(a.id) + " of " + std::to_string(it->second.bytes));
    return it->second.value;
  }

  // Calls fn(value) for every live allocation (a device releasing what is left).
  template <typename F>
  void for_each(F fn) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[id, e] : entries_) fn(e.value);
  }

 private:
  struct Entry {
    T value;
    size_t bytes;
  };
  std::string device_;
  std::mutex mu_;
  std::map<uint64_t, Entry> entries_;
  uint64_t next_id_ = 1;
};

}  // namespace qtaichi::rt
