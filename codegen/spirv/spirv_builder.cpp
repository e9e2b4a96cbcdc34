#include "codegen/spirv/spirv_builder.h"

#include <cstring>
#include <stdexcept>

namespace qtaichi::codegen::spirv {

void Builder::append(std::vector<uint32_t> &to, Op opcode, const std::vector<uint32_t> &operands) {
  to.push_back((static_cast<uint32_t>(operands.size() + 1) << 16) | static_cast<uint32_t>(opcode));
  to.insert(to.end(), operands.begin(), operands.end());
}

namespace {
std::vector<uint32_t> string_words(const std::string &s) {
  std::vector<uint32_t> w(s.size() / 4 + 1, 0);
  std::memcpy(w.data(), s.data(), s.size());
  return w;
}
}  // namespace

void Builder::capability(spv::Capability c) {
  if (capability_set_.emplace(static_cast<uint32_t>(c), true).second)
    append(capabilities_, Op::OpCapability, {static_cast<uint32_t>(c)});
}

void Builder::extension(const std::string &name) {
  if (extension_set_.emplace(name, true).second)
    append(extensions_, Op::OpExtension, string_words(name));
}

Id Builder::import_glsl() {
  if (!glsl_) {
    glsl_ = id();
    std::vector<uint32_t> ops{glsl_};
    auto s = string_words("GLSL.std.450");
    ops.insert(ops.end(), s.begin(), s.end());
    append(imports_, Op::OpExtInstImport, ops);
  }
  return glsl_;
}

void Builder::memory_model(spv::AddressingModel a, spv::MemoryModel m) {
  memory_model_.clear();
  append(memory_model_, Op::OpMemoryModel, {static_cast<uint32_t>(a), static_cast<uint32_t>(m)});
}

void Builder::entry_point(spv::ExecutionModel model, Id fn, const std::string &name,
                          const std::vector<Id> &interface) {
  std::vector<uint32_t> ops{static_cast<uint32_t>(model), fn};
  auto s = string_words(name);
  ops.insert(ops.end(), s.begin(), s.end());
  ops.insert(ops.end(), interface.begin(), interface.end());
  append(entry_points_, Op::OpEntryPoint, ops);
}

void Builder::execution_mode(Id fn, spv::ExecutionMode mode, const std::vector<uint32_t> &args) {
  std::vector<uint32_t> ops{fn, static_cast<uint32_t>(mode)};
  ops.insert(ops.end(), args.begin(), args.end());
  append(execution_modes_, Op::OpExecutionMode, ops);
}

void Builder::name(Id target, const std::string &n) {
  std::vector<uint32_t> ops{target};
  auto s = string_words(n);
  ops.insert(ops.end(), s.begin(), s.end());
  append(debug_, Op::OpName, ops);
}

void Builder::decorate(Id target, spv::Decoration d, const std::vector<uint32_t> &args) {
  std::vector<uint32_t> ops{target, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), args.begin(), args.end());
  append(annotations_, Op::OpDecorate, ops);
}

void Builder::member_decorate(Id type, uint32_t member, spv::Decoration d,
                              const std::vector<uint32_t> &args) {
  std::vector<uint32_t> ops{type, member, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), args.begin(), args.end());
  append(annotations_, Op::OpMemberDecorate, ops);
}

Id Builder::cached_type(Op opcode, const std::vector<uint32_t> &operands) {
  std::vector<uint32_t> key{static_cast<uint32_t>(opcode)};
  key.insert(key.end(), operands.begin(), operands.end());
  auto it = type_cache_.find(key);
  if (it != type_cache_.end()) return it->second;
  Id t = id();
  std::vector<uint32_t> ops{t};
  ops.insert(ops.end(), operands.begin(), operands.end());
  append(globals_, opcode, ops);
  type_cache_[key] = t;
  return t;
}

Id Builder::t_void() { return cached_type(Op::OpTypeVoid, {}); }
Id Builder::t_bool() { return cached_type(Op::OpTypeBool, {}); }
Id Builder::t_int(int bits, bool s) {
  return cached_type(Op::OpTypeInt, {static_cast<uint32_t>(bits), s ? 1u : 0u});
}
Id Builder::t_float(int bits) { return cached_type(Op::OpTypeFloat, {static_cast<uint32_t>(bits)}); }
Id Builder::t_vector(Id c, int n) { return cached_type(Op::OpTypeVector, {c, static_cast<uint32_t>(n)}); }
Id Builder::t_pointer(spv::StorageClass sc, Id pointee) {
  return cached_type(Op::OpTypePointer, {static_cast<uint32_t>(sc), pointee});
}
Id Builder::t_function(Id ret, const std::vector<Id> &params) {
  std::vector<uint32_t> ops{ret};
  ops.insert(ops.end(), params.begin(), params.end());
  return cached_type(Op::OpTypeFunction, ops);
}
Id Builder::t_struct(const std::vector<Id> &members) {
  Id t = id();
  std::vector<uint32_t> ops{t};
  ops.insert(ops.end(), members.begin(), members.end());
  append(globals_, Op::OpTypeStruct, ops);
  return t;
}
Id Builder::t_runtime_array(Id element) {
  Id t = id();
  append(globals_, Op::OpTypeRuntimeArray, {t, element});
  return t;
}

Id Builder::t_array(Id element, uint32_t length) {
  Id n = c_u32(length);  // declared before the type that uses it
  Id t = id();
  append(globals_, Op::OpTypeArray, {t, element, n});
  return t;
}

Id Builder::c_bool(bool v) {
  std::vector<uint32_t> key{v ? 1u : 0u, 0xb001};
  auto it = const_cache_.find(key);
  if (it != const_cache_.end()) return it->second;
  Id c = id();
  append(globals_, v ? Op::OpConstantTrue : Op::OpConstantFalse, {t_bool(), c});
  return const_cache_[key] = c;
}

Id Builder::c_int(Id type, int bits, uint64_t v, bool is_signed) {
  std::vector<uint32_t> words{static_cast<uint32_t>(v)};
  if (bits == 64) {
    words.push_back(static_cast<uint32_t>(v >> 32));
  } else if (bits < 32) {
    words[0] &= (1u << bits) - 1;
    if (is_signed && (words[0] >> (bits - 1)) & 1) words[0] |= ~((1u << bits) - 1);
  }
  std::vector<uint32_t> key{type};
  key.insert(key.end(), words.begin(), words.end());
  auto it = const_cache_.find(key);
  if (it != const_cache_.end()) return it->second;
  Id c = id();
  std::vector<uint32_t> ops{type, c};
  ops.insert(ops.end(), words.begin(), words.end());
  append(globals_, Op::OpConstant, ops);
  return const_cache_[key] = c;
}

Id Builder::c_float(Id type, int bits, double v) {
  uint64_t raw;
  if (bits == 32) {
    float f = static_cast<float>(v);
    uint32_t r;
    std::memcpy(&r, &f, 4);
    raw = r;
  } else {
    std::memcpy(&raw, &v, 8);
  }
  return c_int(type, bits, raw);
}

Id Builder::variable(Id pointer_type, spv::StorageClass sc) {
  Id v = id();
  append(globals_, Op::OpVariable, {pointer_type, v, static_cast<uint32_t>(sc)});
  return v;
}

Id Builder::begin_function(Id ret, Id fn_type) {
  Id f = id();
  append(functions_, Op::OpFunction,
         {ret, f, static_cast<uint32_t>(spv::FunctionControlMask::MaskNone), fn_type});
  fn_first_label_ = id();
  fn_vars_.clear();
  fn_body_.clear();
  block_open_ = true;
  return f;
}

void Builder::end_function() {
  append(functions_, Op::OpLabel, {fn_first_label_});
  functions_.insert(functions_.end(), fn_vars_.begin(), fn_vars_.end());
  functions_.insert(functions_.end(), fn_body_.begin(), fn_body_.end());
  append(functions_, Op::OpFunctionEnd, {});
  block_open_ = false;
}

Id Builder::label() { return id(); }

void Builder::place_label(Id l) {
  append(fn_body_, Op::OpLabel, {l});
  block_open_ = true;
}

Id Builder::function_variable(Id pointer_type) {
  Id v = id();
  append(fn_vars_, Op::OpVariable,
         {pointer_type, v, static_cast<uint32_t>(spv::StorageClass::Function)});
  return v;
}

Id Builder::op(Op opcode, Id result_type, const std::vector<uint32_t> &operands) {
  Id r = id();
  std::vector<uint32_t> ops{result_type, r};
  ops.insert(ops.end(), operands.begin(), operands.end());
  append(fn_body_, opcode, ops);
  return r;
}

void Builder::op_void(Op opcode, const std::vector<uint32_t> &operands) {
  append(fn_body_, opcode, operands);
  switch (opcode) {
    case Op::OpBranch:
    case Op::OpBranchConditional:
    case Op::OpReturn:
    case Op::OpReturnValue:
    case Op::OpUnreachable:
    case Op::OpKill:
      block_open_ = false;
      break;
    default:
      break;
  }
}

std::vector<uint32_t> Builder::finish() {
  // SPIR-V 1.5 (Vulkan 1.2): buffer device address and 8/16/64-bit types are core there.
  std::vector<uint32_t> out{spv::MagicNumber, 0x00010500, 0, next_id_, 0};
  for (auto *s : {&capabilities_, &extensions_, &imports_, &memory_model_, &entry_points_,
                  &execution_modes_, &debug_, &annotations_, &globals_, &functions_})
    out.insert(out.end(), s->begin(), s->end());
  return out;
}

}  // namespace qtaichi::codegen::spirv
