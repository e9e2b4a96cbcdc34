#pragma once
// A Program owns the fields (SNode trees and their memory), the kernels and the compiled code.
// The Python package drives it through pybind11; C++ users may drive it directly.
#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/kernel.h"
#include "ir/snode.h"
#include "ir/target.h"
#include "runtime/device.h"
#include "runtime/kernel_desc.h"
#include "taichi_core/kernel_cache.h"

namespace qtaichi {

class Backend;

using ir::Arch;

struct CompileConfig {
  Arch arch = Arch::cpu;
  bool debug = false;     // bounds checks and assertions in kernels
  bool print_ir = false;  // print the IR after every pass (also QTAICHI_PRINT_IR=1)
  int num_threads = 0;    // 0: one per hardware thread
  int opt_level = 3;
  uint64_t random_seed = 0;   // ti.random streams
  bool offline_cache = true;  // the on-disk kernel cache
  std::string cache_dir;      // empty: KernelCache::default_dir()
  bool log_compile = false;   // one line per compiled kernel (also QTAICHI_LOG=debug)
  const ir::Type *default_ip = ir::types::i32();
  const ir::Type *default_fp = ir::types::f32();
  // Quantization options (QUANT_SPEC.md), copied into every kernel by create_kernel.
  bool quant_opt_store_fusion = true;     // fuse stores to members of one word
  bool quant_opt_atomic_demotion = true;  // no CAS where one thread owns the word
  bool check_quant_overflow = false;      // report quant stores that wrap or saturate
  int real_func_stack_bytes = 4096;       // each recursive ti.real_func call's stack
  // Lower for this target instead of the device's own (tests run the lowerings of a more
  // limited device, e.g. 32-bit CAS only, on a device that can execute them).
  std::optional<ir::Target> target;
};

// Raised when a kernel fails while running (a failed assertion, an index out of range).
class KernelRuntimeError : public std::runtime_error {
 public:
  KernelRuntimeError(const std::string &msg, ir::SourceLoc loc, bool index_error)
      : std::runtime_error(msg), loc_(std::move(loc)), index_error_(index_error) {}
  const ir::SourceLoc &loc() const { return loc_; }
  bool is_index_error() const { return index_error_; }

 private:
  ir::SourceLoc loc_;
  bool index_error_;
};

class CompiledKernel {
 public:
  ~CompiledKernel();
  const std::string &name() const { return name_; }
  const std::vector<ir::KernelArg> &args() const { return args_; }
  const ir::Type *ret_type() const { return ret_type_; }
  double compile_ms() const { return compile_ms_; }
  bool cache_hit() const { return cache_hit_; }
  const std::string &final_ir() const { return final_ir_; }  // the IR the backend saw
  const rt::KernelDesc &desc() const { return desc_; }           // how it launches
  // The backend's code as the disk cache keeps it (object code, packed SPIR-V, PTX).
  const std::string &artifact() const { return artifact_; }

 private:
  friend class Program;
  std::string name_;
  std::vector<ir::KernelArg> args_;
  const ir::Type *ret_type_ = nullptr;
  double compile_ms_ = 0;
  bool cache_hit_ = false;
  std::string final_ir_;
  rt::KernelDesc desc_;
  std::vector<ir::SourceLoc> assertion_locs_;  // desc_.assertions' locations, with file
  std::shared_ptr<rt::Executable> code_;  // shared by kernels with identical code
  std::string artifact_;
};

class Program {
 public:
  explicit Program(const CompileConfig &config);
  ~Program();
  Program(const Program &) = delete;
  Program &operator=(const Program &) = delete;

  const CompileConfig &config() const { return config_; }

  // ---- fields ----
  // The tree that new fields go into: `ti.root`. Once a tree is in use (materialized), the
  // next call starts a fresh tree, so fields can be added between kernel launches.
  ir::SNodeTree *open_tree();
  // Lays out and allocates (zeroed) every tree not yet materialized.
  void materialize();
  int num_trees() const { return static_cast<int>(trees_.size()); }
  ir::SNodeTree *tree(int id) { return trees_.at(id).get(); }
  // The byte offset of one element (of a bit-level field: its container word) in its tree;
  // throws std::out_of_range when an index is out of the field's shape.
  int64_t element_offset(const ir::SNode *field, const std::vector<int64_t> &index);
  // Tree memory through the device (Python-scope access never touches device memory directly).
  void read_tree(int tree_id, int64_t offset, void *dst, size_t bytes);
  void write_tree(int tree_id, int64_t offset, const void *src, size_t bytes);
  void read_element(const ir::SNode *field, const std::vector<int64_t> &index, void *dst);
  void write_element(const ir::SNode *field, const std::vector<int64_t> &index, const void *src);
  rt::Device &device() { return *device_; }
  const ir::Target &target() const { return target_; }
  // The backend's code target (for the CPU: "triple;cpu;features;...").
  std::string code_target() const;

  // ---- kernels ----
  // A new, empty kernel with the config's defaults applied; the caller owns it.
  std::unique_ptr<ir::Kernel> create_kernel(const std::string &name) const;
  // Runs the pass pipeline and the backend. The kernel's IR is consumed (kernel.consumed; the
  // returned CompiledKernel, owned by the program, keeps what launching needs). Throws
  // ir::CompileError, also for a kernel compiled before.
  CompiledKernel *compile(ir::Kernel &kernel);
  // Runs a compiled kernel; `args` holds the 64-bit argument slots laid out by ir::arg_slots
  // (an ndarray: its data pointer, then its shape). Returns the result slot.
  // Throws KernelRuntimeError when the kernel fails.
  uint64_t launch(CompiledKernel *kernel, const std::vector<uint64_t> &args);
  // The same, with every result slot (a vector/matrix return gives desc().ret_count).
  // `resident_slots`: ndarray data slots that hold array_address() of a device array.
  std::vector<uint64_t> launch_all(CompiledKernel *kernel, const std::vector<uint64_t> &args,
                                   const std::vector<int> &resident_slots = {});
  void synchronize() { device_->synchronize(); }

  // ---- device arrays (ti.ndarray: memory on the device, passed to kernels without copies) ----
  rt::Allocation create_array(size_t bytes) { return device_->allocate(bytes); }
  void free_array(rt::Allocation a) { device_->free(a); }
  uint64_t array_address(rt::Allocation a) { return device_->address_of(a); }

 private:
  CompileConfig config_;
  ir::Target target_ = ir::Target::cpu();  // what kernels are lowered for
  std::vector<std::unique_ptr<ir::SNodeTree>> trees_;
  std::vector<rt::Allocation> tree_memory_;  // by tree id
  std::vector<std::unique_ptr<CompiledKernel>> compiled_;
  std::unique_ptr<rt::Device> device_;
  std::unique_ptr<Backend> backend_;
  // QTAICHI_ALSO_COMPILE_FOR=<arch>: every kernel is compiled for that arch too, without
  // running it (with QTAICHI_DUMP_PTX the CUDA code is written out for ptxas to check).
  struct Shadow {
    ir::Arch arch;
    ir::Target target;
    std::unique_ptr<Backend> backend;
    std::unordered_set<std::string> done;  // cache keys compiled already
  };
  std::unique_ptr<Shadow> shadow_;
  void shadow_compile(std::unique_ptr<ir::Kernel> kernel);
  KernelCache disk_cache_;
  struct Cached {
    std::shared_ptr<rt::Executable> code;
    std::vector<rt::TaskDesc> tasks;
    std::string artifact;
  };
  std::unordered_map<std::string, Cached> memory_cache_;
  std::atomic<uint64_t> launch_count_{0};
  // Compiles and field allocation may come from several host threads (Python drops the GIL
  // while a kernel runs); the device makes concurrent launches safe itself.
  std::recursive_mutex mu_;
};

}  // namespace qtaichi
