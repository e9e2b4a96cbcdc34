#include "taichi_core/program.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>

#include "codegen/cpu/cpu_jit.h"
#include "ir/error.h"
#include "ir/pipeline.h"
#include "ir/printer.h"
#include "ir/visitor.h"
#include "runtime/context.h"
#include "runtime/cpu/cpu_task.h"
#include "runtime/cpu/thread_pool.h"

namespace qtaichi {

namespace {
bool env_flag(const char *name) {
  const char *v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

// Formats an assertion message: each %d (an integer) or %f (the bits of a double) takes the
// next recorded value.
std::string format_message(const std::string &msg, const int64_t *args, int nargs) {
  std::string out;
  int next = 0;
  for (size_t i = 0; i < msg.size(); i++) {
    char spec = i + 1 < msg.size() ? msg[i + 1] : 0;
    if (msg[i] == '%' && (spec == 'd' || spec == 'f') && next < nargs) {
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

constexpr size_t kTreeAlignment = 64;  // a cache line; also enough for any vector load
}  // namespace

CompiledKernel::~CompiledKernel() = default;

Program::Program(const CompileConfig &config) : config_(config), disk_cache_("") {
  if (env_flag("QTAICHI_PRINT_IR")) config_.print_ir = true;
  if (const char *log = std::getenv("QTAICHI_LOG"); log && std::strcmp(log, "debug") == 0)
    config_.log_compile = true;
  if (config_.offline_cache)
    disk_cache_ = KernelCache(config_.cache_dir.empty() ? KernelCache::default_dir()
                                                        : config_.cache_dir);
  if (config_.target) target_ = *config_.target;
  pool_ = std::make_unique<rt::ThreadPool>(config_.num_threads);
  jit_ = std::make_unique<codegen::CpuJit>(config_.opt_level);
}

Program::~Program() {
  for (uint8_t *p : tree_bases_) ::operator delete[](p, std::align_val_t(kTreeAlignment));
}

ir::SNodeTree *Program::open_tree() {
  if (trees_.empty() || trees_.back()->materialized())
    trees_.push_back(std::make_unique<ir::SNodeTree>(static_cast<int>(trees_.size())));
  return trees_.back().get();
}

void Program::materialize() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (size_t i = tree_bases_.size(); i < trees_.size(); i++) {
    ir::SNodeTree &t = *trees_[i];
    t.materialize();
    size_t bytes = static_cast<size_t>(std::max<int64_t>(t.total_bytes(), 1));
    bytes = (bytes + kTreeAlignment - 1) / kTreeAlignment * kTreeAlignment;
    auto *mem = static_cast<uint8_t *>(::operator new[](bytes, std::align_val_t(kTreeAlignment)));
    std::memset(mem, 0, bytes);
    tree_bases_.push_back(mem);
  }
}

uint8_t *Program::tree_base(int id) {
  materialize();
  return tree_bases_.at(static_cast<size_t>(id));
}

uint8_t *Program::element_address(const ir::SNode *field, const std::vector<int64_t> &index) {
  materialize();
  if (static_cast<int>(index.size()) != field->num_axes())
    throw std::out_of_range("field '" + field->str() + "' has " +
                            std::to_string(field->num_axes()) + " indices, but " +
                            std::to_string(index.size()) + (index.size() == 1 ? " was" : " were") + " given");
  for (int a = 0; a < field->num_axes(); a++)
    if (index[a] < 0 || index[a] >= field->shape()[a])
      throw std::out_of_range("index " + std::to_string(index[a]) + " is out of range [0, " +
                              std::to_string(field->shape()[a]) + ") on axis " +
                              std::to_string(a) + " of field '" + field->str() + "'");
  return tree_base(field->tree_id()) + field->element_offset(index);
}

std::unique_ptr<ir::Kernel> Program::create_kernel(const std::string &name) const {
  auto k = std::make_unique<ir::Kernel>(name);
  k->default_ip = config_.default_ip;
  k->default_fp = config_.default_fp;
  k->debug = config_.debug;
  k->quant_store_fusion = config_.quant_opt_store_fusion;
  k->quant_atomic_demotion = config_.quant_opt_atomic_demotion;
  k->check_quant_overflow = config_.check_quant_overflow;
  return k;
}

CompiledKernel *Program::compile(ir::Kernel &k) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (k.consumed)
    throw ir::CompileError(ir::ErrorKind::internal,
                           "kernel '" + k.name + "' was compiled already: its IR is gone");
  ir::Kernel *kernel = &k;
  auto start = std::chrono::steady_clock::now();
  materialize();  // layouts are needed by lower_access
  ir::PipelineOptions opt;
  opt.print_ir = config_.print_ir;
  ir::run_pipeline(*kernel, target_, opt);
  auto ck = std::make_unique<CompiledKernel>();
  ck->name_ = kernel->name;
  ck->args_ = kernel->args;
  ck->ret_type_ = kernel->ret_type;
  ck->temp_bytes_ = kernel->temp_bytes;
  ck->num_arg_slots_ = static_cast<size_t>(ir::arg_slots(kernel->args).back());
  ck->final_ir_ = ir::print_kernel(*kernel);
  // The printed final IR holds everything the code depends on (layout offsets included).
  std::string config_text = "opt=" + std::to_string(config_.opt_level);
  std::string key = KernelCache::make_key(ck->final_ir_, config_text, jit_->target_id());
  if (auto it = memory_cache_.find(key); it != memory_cache_.end()) {
    ck->code_ = it->second;
    ck->cache_hit_ = true;
  } else {
    std::string prefix = "qti_" + key;
    bool print_llvm = env_flag("QTAICHI_PRINT_LLVM");
    std::optional<std::string> cached = print_llvm ? std::nullopt : disk_cache_.load(key);
    std::string object;
    try {
      ck->code_ = jit_->compile(*kernel, prefix, cached ? &*cached : nullptr, &object, print_llvm);
    } catch (const ir::CompileError &) {
      if (!cached) throw;
      // A cache entry that does not load (say, written by another build) is recompiled.
      prefix += "_r";
      cached.reset();
      ck->code_ = jit_->compile(*kernel, prefix, nullptr, &object, print_llvm);
    }
    if (print_llvm) std::fputs(ck->code_->llvm_ir.c_str(), stdout);
    ck->cache_hit_ = cached.has_value();
    if (!cached) disk_cache_.store(key, object);
    memory_cache_[key] = ck->code_;
  }
  // From this kernel's IR: cached code may come from another kernel with other source lines.
  for (const ir::AssertStmt *a : ir::assertions_in_order(*kernel))
    ck->assertions_.push_back({a->message, a->loc,
                               std::min<int>(static_cast<int>(a->ops.size()) - 1,
                                             rt::kMaxAssertArgs),
                               a->index_check});
  ck->compile_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              start).count();
  if (config_.log_compile)
    std::fprintf(stderr, "[qtaichi] kernel %s: compiled in %.2f ms (cache %s)\n",
                 ck->name_.c_str(), ck->compile_ms_, ck->cache_hit_ ? "hit" : "miss");
  // The IR is no longer needed: free it (the caller still owns the empty kernel).
  k.body = std::make_unique<ir::Block>(nullptr);
  k.consumed = true;
  compiled_.push_back(std::move(ck));
  return compiled_.back().get();
}

uint64_t Program::launch(CompiledKernel *kernel, const std::vector<uint64_t> &args) {
  if (args.size() != kernel->num_arg_slots_)
    throw std::invalid_argument("kernel '" + kernel->name_ + "' takes " +
                                std::to_string(kernel->num_arg_slots_) + " argument slots, got " +
                                std::to_string(args.size()));
  std::lock_guard<std::recursive_mutex> lock(mu_);
  materialize();
  uint64_t result = 0;
  // Temps start at zero: top-level locals that live there are zero-initialized.
  temps_.assign(static_cast<size_t>(std::max<int64_t>(kernel->temp_bytes_, 8)), 0);
  rt::RuntimeContext ctx{};
  ctx.tree_bases = tree_bases_.data();
  ctx.args = const_cast<uint64_t *>(args.data());  // compiled code only reads them
  ctx.result = &result;
  ctx.temps = temps_.data();
  ctx.rand_seed = config_.random_seed;
  ctx.launch_id = launch_count_++;
  rt::launch_cpu_tasks(*pool_, ctx, kernel->code_->tasks);
  std::fflush(stdout);
  if (ctx.error_code != 0) {
    const auto &a = kernel->assertions_.at(static_cast<size_t>(ctx.error_code - 1));
    std::string msg = format_message(a.message, ctx.error_args, a.num_args);
    throw KernelRuntimeError(msg, a.loc, a.index_check);
  }
  return result;
}

}  // namespace qtaichi
