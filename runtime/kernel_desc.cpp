#include "runtime/kernel_desc.h"

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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KernelDesc, name, args, num_arg_slots, ret_type, temp_bytes,
                                   bindings, tasks, assertions, prints)

std::string KernelDesc::to_json() const { return nlohmann::json(*this).dump(1); }

KernelDesc KernelDesc::from_json(const std::string &text) {
  try {
    return nlohmann::json::parse(text).get<KernelDesc>();
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(std::string("malformed kernel description: ") + e.what());
  }
}

int dtype_bytes(const std::string &dtype) {
  if (dtype == "u1" || dtype == "i8" || dtype == "u8") return 1;
  if (dtype == "i16" || dtype == "u16") return 2;
  if (dtype == "i32" || dtype == "u32" || dtype == "f32") return 4;
  if (dtype == "i64" || dtype == "u64" || dtype == "f64") return 8;
  return 0;
}

}  // namespace qtaichi::rt
