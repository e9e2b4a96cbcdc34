#pragma once
// A small SPIR-V module builder over <spirv/unified1/spirv.hpp11>: result ids, the module's
// sections in SPIR-V's order, and caches so each type and constant is declared once. It knows
// SPIR-V, not qtaichi's IR (spirv_emitter.cpp maps one to the other).
#include <spirv/unified1/spirv.hpp11>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qtaichi::codegen::spirv {

using Id = uint32_t;
using spv::Op;

class Builder {
 public:
  Id id() { return next_id_++; }

  // ---- module-level sections ----
  void capability(spv::Capability c);
  void extension(const std::string &name);
  Id import_glsl();  // GLSL.std.450, once
  void memory_model(spv::AddressingModel a, spv::MemoryModel m);
  void entry_point(spv::ExecutionModel model, Id fn, const std::string &name,
                   const std::vector<Id> &interface);
  void execution_mode(Id fn, spv::ExecutionMode mode, const std::vector<uint32_t> &args);
  void name(Id target, const std::string &name);
  void decorate(Id target, spv::Decoration d, const std::vector<uint32_t> &args = {});
  void member_decorate(Id type, uint32_t member, spv::Decoration d,
                       const std::vector<uint32_t> &args = {});

  // ---- types (cached) ----
  Id t_void();
  Id t_bool();
  Id t_int(int bits, bool is_signed);
  Id t_float(int bits);
  Id t_vector(Id component, int n);
  Id t_pointer(spv::StorageClass sc, Id pointee);
  Id t_function(Id ret, const std::vector<Id> &params);
  Id t_struct(const std::vector<Id> &members);  // not cached: each is a new type
  Id t_runtime_array(Id element);                // not cached
  Id t_array(Id element, uint32_t length);       // not cached

  // ---- constants (cached) ----
  Id c_bool(bool v);
  // The low `bits` bits of v (sign-extended in the literal word for a signed 8/16-bit type).
  Id c_int(Id type, int bits, uint64_t v, bool is_signed = false);
  Id c_float(Id type, int bits, double v);
  Id c_u32(uint32_t v) { return c_int(t_int(32, false), 32, v); }
  Id c_i32(int32_t v) { return c_int(t_int(32, true), 32, static_cast<uint32_t>(v)); }
  Id c_u64(uint64_t v) { return c_int(t_int(64, false), 64, v); }

  // A global variable (Input, PushConstant, ...).
  Id variable(Id pointer_type, spv::StorageClass sc);

  // ---- functions ----
  Id begin_function(Id ret, Id fn_type);
  void end_function();
  Id label();                 // a new label id (not placed)
  void place_label(Id label); // starts a block
  // An OpVariable in the current function's first block.
  Id function_variable(Id pointer_type);
  // Appends an instruction to the current block; returns its result id when it has one.
  Id op(Op opcode, Id result_type, const std::vector<uint32_t> &operands);  // with result
  void op_void(Op opcode, const std::vector<uint32_t> &operands);           // no result
  bool block_open() const { return block_open_; }

  std::vector<uint32_t> finish();  // the module's words

 private:
  static void append(std::vector<uint32_t> &to, Op opcode, const std::vector<uint32_t> &operands);

  Id next_id_ = 1;
  std::vector<uint32_t> capabilities_, extensions_, imports_, memory_model_, entry_points_,
      execution_modes_, debug_, annotations_, globals_, functions_;
  std::vector<uint32_t> fn_vars_, fn_body_;  // the function being built
  Id fn_first_label_ = 0;
  bool block_open_ = false;
  std::map<std::vector<uint32_t>, Id> type_cache_, const_cache_;
  std::map<uint32_t, bool> capability_set_;
  std::map<std::string, bool> extension_set_;
  Id glsl_ = 0;
  Id cached_type(Op opcode, const std::vector<uint32_t> &operands);
};

}  // namespace qtaichi::codegen::spirv
