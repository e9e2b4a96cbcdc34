#include "runtime/kernel_desc.h"

#include "runtime/context.h"

#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace qtaichi::rt {

NLOHMANN_JSON_SERIALIZE_ENUM(TaskKind, {{TaskKind::serial, "serial"},
                                        {TaskKind::range_for, "range_for"}})
NLOHMANN_JSON_SERIALIZE_ENUM(BindingKind, {{BindingKind::tree, "tree"},
                                           {BindingKind::ndarray, "ndarray"},
                                           {BindingKind::temps, "temps"},
                                           {BindingKind::args, "args"},
                                           {BindingKind::result, "result"},
                                           {BindingKind::error, "error"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TaskDesc, kind, symbol, begin, end, begin_temp, end_temp,
                                   block_dim)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ArgDesc, name, dtype, ndim, slot)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BindingDesc, kind, index)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AssertionDesc, message, file, line, num_args, index_check)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PrintDesc, items)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KernelDesc, name, args, num_arg_slots, ret_type, ret_count,
                                   temp_bytes, bindings, tasks, assertions, prints, print_formats)

std::string KernelDesc::to_json() const { return nlohmann::json(*this).dump(1); }

KernelDesc KernelDesc::from_json(const std::string &text) {
  try {
    return nlohmann::json::parse(text).get<KernelDesc>();
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(std::string("malformed kernel description: ") + e.what());
  }
}

std::string format_assertion(const AssertionDesc &a, const int64_t *args) {
  const std::string &msg = a.message;
  std::string out;
  int next = 0;
  for (size_t i = 0; i < msg.size(); i++) {
    char spec = i + 1 < msg.size() ? msg[i + 1] : 0;
    if (msg[i] == '%' && (spec == 'd' || spec == 'f') && next < a.num_args) {
      if (spec == 'd') {
        out += std::to_string(args[next++]);
      } else {
        double v;
        std::memcpy(&v, &args[next++], sizeof v);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", v);
        out += buf;
      }
      i++;
    } else {
      out += msg[i];
    }
  }
  return out;
}

int dtype_bytes(const std::string &dtype) {
  if (dtype == "u1" || dtype == "i8" || dtype == "u8") return 1;
  if (dtype == "i16" || dtype == "u16") return 2;
  if (dtype == "i32" || dtype == "u32" || dtype == "f32") return 4;
  if (dtype == "i64" || dtype == "u64" || dtype == "f64") return 8;
  return 0;
}

std::string format_print_records(const KernelDesc &desc, const uint32_t *buffer) {
  std::string out;
  uint64_t used = buffer[0], capacity = buffer[1];
  const uint32_t *w = buffer + kPrintHeaderWords;
  uint64_t i = 0;
  while (i < used && i < capacity) {
    uint32_t id = w[i++];
    if (id >= desc.print_formats.size()) break;  // a torn record: stop
    const PrintDesc &p = desc.print_formats[id];
    bool first = true;
    for (const std::string &item : p.items) {
      if (!first) out += ' ';
      first = false;
      if (item.rfind("s:", 0) == 0) {
        out += item.substr(2);
        continue;
      }
      uint64_t bits = uint64_t(w[i]) | (uint64_t(w[i + 1]) << 32);
      i += 2;
      char buf[64];
      if (item == "v:f") {
        double d;
        std::memcpy(&d, &bits, 8);
        std::snprintf(buf, sizeof buf, "%f", d);
      } else if (item == "v:i") {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(bits));
      } else {
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(bits));
      }
      out += buf;
    }
    out += '\n';
  }
  if (used > capacity) out += "[qtaichi] print: output of this launch was cut short (buffer full)\n";
  return out;
}

}  // namespace qtaichi::rt
