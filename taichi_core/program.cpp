#include "taichi_core/program.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>

#include "ir/clone.h"
#include "ir/error.h"
#include "ir/pipeline.h"
#include "ir/printer.h"
#include "ir/visitor.h"
#include "runtime/context.h"
#include "taichi_core/backend.h"

namespace qtaichi {

namespace {
bool env_flag(const char *name) {
  const char *v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

}  // namespace

CompiledKernel::~CompiledKernel() = default;

Program::Program(const CompileConfig &config) : config_(config), disk_cache_("") {
  if (env_flag("QTAICHI_PRINT_IR")) config_.print_ir = true;
  if (const char *log = std::getenv("QTAICHI_LOG"); log && std::strcmp(log, "debug") == 0)
    config_.log_compile = true;
  if (config_.offline_cache)
    disk_cache_ = KernelCache(config_.cache_dir.empty() ? KernelCache::default_dir()
                                                        : config_.cache_dir);
  device_ = make_device(config_.arch, config_);
  backend_ = make_backend(config_.arch, config_, device_.get());
  target_ = config_.target ? *config_.target : ir::Target(config_.arch, device_->caps());
  // QTAICHI_LOWER_AS=<arch>: lower for that arch's capabilities while running here (so the
  // CPU runs, and the fuzzer checks, the lowerings a GPU gets).
  if (const char *as = std::getenv("QTAICHI_LOWER_AS"); as && *as && !config_.target) {
    std::string name = as;
    ir::Arch a = name == "cuda" ? ir::Arch::cuda : name == "vulkan" ? ir::Arch::vulkan : ir::Arch::cpu;
    if (name != ir::arch_name(a))
      throw std::runtime_error("QTAICHI_LOWER_AS=" + name + ": not an arch (cpu, cuda, vulkan)");
    target_ = a == ir::Arch::vulkan ? ir::Target::mobile_gpu() : ir::Target(a, arch_caps(a));
  }
  if (const char *also = std::getenv("QTAICHI_ALSO_COMPILE_FOR"); also && *also) {
    std::string name = also;
    if (name != "cuda")
      throw std::runtime_error("QTAICHI_ALSO_COMPILE_FOR=" + name + ": only cuda can be "
                               "compiled for alongside another arch");
    shadow_ = std::make_unique<Shadow>();
    shadow_->arch = ir::Arch::cuda;
    shadow_->target = ir::Target(ir::Arch::cuda, arch_caps(ir::Arch::cuda));
    shadow_->backend = make_backend(ir::Arch::cuda, config_, nullptr);
  }
}

void Program::shadow_compile(std::unique_ptr<ir::Kernel> kernel) {
  ir::PipelineOptions opt;
  ir::run_pipeline(*kernel, shadow_->target, opt);
  std::string key = KernelCache::make_key(ir::print_kernel(*kernel),
                                          "opt=" + std::to_string(config_.opt_level),
                                          shadow_->backend->target_id());
  if (!shadow_->done.insert(key).second) return;
  try {
    shadow_->backend->compile(*kernel, "qti_" + key, nullptr, false);
  } catch (const ir::CompileError &e) {
    throw ir::CompileError(e.kind(), std::string("compiling for ") +
                           ir::arch_name(shadow_->arch) + " too (QTAICHI_ALSO_COMPILE_FOR): " +
                           e.what(), e.loc());
  }
}

Program::~Program() {
  for (rt::Allocation a : tree_memory_) device_->free(a);
}

ir::SNodeTree *Program::open_tree() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (trees_.empty() || trees_.back()->materialized())
    trees_.push_back(std::make_unique<ir::SNodeTree>(static_cast<int>(trees_.size())));
  return trees_.back().get();
}

void Program::materialize() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (size_t i = tree_memory_.size(); i < trees_.size(); i++) {
    ir::SNodeTree &t = *trees_[i];
    t.materialize();
    tree_memory_.push_back(
        device_->allocate(static_cast<size_t>(std::max<int64_t>(t.total_bytes(), 4))));
  }
}

int64_t Program::element_offset(const ir::SNode *field, const std::vector<int64_t> &index) {
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
  return field->element_offset(index);
}

void Program::read_tree(int tree_id, int64_t offset, void *dst, size_t bytes) {
  materialize();
  device_->download(tree_memory_.at(static_cast<size_t>(tree_id)), static_cast<size_t>(offset),
                    dst, bytes);
}

void Program::write_tree(int tree_id, int64_t offset, const void *src, size_t bytes) {
  materialize();
  device_->upload(tree_memory_.at(static_cast<size_t>(tree_id)), static_cast<size_t>(offset),
                  src, bytes);
}

namespace {
size_t element_bytes(const ir::SNode *field) {
  return static_cast<size_t>(field->is_bit_level() ? field->parent()->container_bits() / 8
                                                   : field->dtype()->bytes());
}
}  // namespace

void Program::read_element(const ir::SNode *field, const std::vector<int64_t> &index,
                           void *dst) {
  int64_t offset = element_offset(field, index);  // materializes: the tree id is known after
  read_tree(field->tree_id(), offset, dst, element_bytes(field));
}

void Program::write_element(const ir::SNode *field, const std::vector<int64_t> &index,
                            const void *src) {
  int64_t offset = element_offset(field, index);
  write_tree(field->tree_id(), offset, src, element_bytes(field));
}

std::unique_ptr<ir::Kernel> Program::create_kernel(const std::string &name) const {
  auto k = std::make_unique<ir::Kernel>(name);
  k->default_ip = config_.default_ip;
  k->default_fp = config_.default_fp;
  k->debug = config_.debug;
  k->quant_store_fusion = config_.quant_opt_store_fusion;
  k->quant_atomic_demotion = config_.quant_opt_atomic_demotion;
  k->check_quant_overflow = config_.check_quant_overflow;
  k->call_stack_words = std::max(16, config_.real_func_stack_bytes / 4);
  return k;
}

namespace {
// The launch description of a lowered kernel (tasks come from the backend), and the source
// locations of its assertions (by error code - 1).
rt::KernelDesc describe(const ir::Kernel &k, int num_trees, std::vector<ir::SourceLoc> *locs) {
  rt::KernelDesc d;
  d.name = k.name;
  std::vector<int> slots = ir::arg_slots(k.args);
  for (int t = 0; t < num_trees; t++) d.bindings.push_back({rt::BindingKind::tree, t});
  for (size_t i = 0; i < k.args.size(); i++) {
    d.args.push_back({k.args[i].name, k.args[i].type->str(), k.args[i].ndim, slots[i]});
    if (k.args[i].ndim > 0) d.bindings.push_back({rt::BindingKind::ndarray, static_cast<int>(i)});
  }
  d.num_arg_slots = slots.back();
  d.ret_type = k.ret_type->str();
  d.ret_count = k.ret_type->is_void() ? 1 : k.ret_count;
  if (d.ret_count < 1 || d.ret_count > rt::kMaxResults)
    throw ir::CompileError(ir::ErrorKind::type,
                           "kernel '" + k.name + "' returns " + std::to_string(d.ret_count) +
                               " values; 1 to " + std::to_string(rt::kMaxResults) + " fit");
  d.temp_bytes = k.temp_bytes;
  d.bindings.push_back({rt::BindingKind::temps, 0});
  d.bindings.push_back({rt::BindingKind::args, 0});
  d.bindings.push_back({rt::BindingKind::result, 0});
  d.bindings.push_back({rt::BindingKind::error, 0});
  // From this kernel's IR: cached code may come from another kernel with other source lines.
  for (const ir::AssertStmt *a : ir::assertions_in_order(k)) {
    d.assertions.push_back({a->message, a->loc.file ? *a->loc.file : "", a->loc.line,
                            std::min<int>(static_cast<int>(a->ops.size()) - 1, rt::kMaxAssertArgs),
                            a->index_check});
    locs->push_back(a->loc);
  }
  for (const ir::PrintStmt *p : ir::prints_in_order(k)) {
    d.prints = true;
    rt::PrintDesc pd;
    for (const auto &item : p->items) {
      if (std::holds_alternative<std::string>(item)) {
        pd.items.push_back("s:" + std::get<std::string>(item));
      } else {
        const ir::Type *t = p->ops[std::get<int>(item)]->ret_type;
        pd.items.push_back(t->is_float() ? "v:f" : t->is_signed() ? "v:i" : "v:u");
      }
    }
    d.print_formats.push_back(pd);
  }
  return d;
}
}  // namespace

CompiledKernel *Program::compile(ir::Kernel &k) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (k.consumed)
    throw ir::CompileError(ir::ErrorKind::internal,
                           "kernel '" + k.name + "' was compiled already: its IR is gone");
  ir::Kernel *kernel = &k;
  auto start = std::chrono::steady_clock::now();
  materialize();  // layouts are needed by lower_access
  std::unique_ptr<ir::Kernel> shadow = shadow_ ? ir::clone_kernel(*kernel) : nullptr;
  ir::PipelineOptions opt;
  opt.print_ir = config_.print_ir;
  ir::run_pipeline(*kernel, target_, opt);
  double passes_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                               start).count();
  auto ck = std::make_unique<CompiledKernel>();
  ck->name_ = kernel->name;
  ck->args_ = kernel->args;
  ck->ret_type_ = kernel->ret_type;
  ck->final_ir_ = ir::print_kernel(*kernel);
  ck->desc_ = describe(*kernel, num_trees(), &ck->assertion_locs_);
  // The printed final IR holds everything the code depends on (layout offsets and the target
  // included).
  std::string config_text = "opt=" + std::to_string(config_.opt_level);
  std::string key = KernelCache::make_key(ck->final_ir_, config_text, backend_->target_id());
  if (auto it = memory_cache_.find(key); it != memory_cache_.end()) {
    ck->code_ = it->second.code;
    ck->desc_.tasks = it->second.tasks;
    ck->artifact_ = it->second.artifact;
    ck->cache_hit_ = true;
  } else {
    std::string prefix = "qti_" + key;
    bool print_llvm = env_flag("QTAICHI_PRINT_LLVM");
    std::optional<std::string> cached = print_llvm ? std::nullopt : disk_cache_.load(key);
    BackendOutput out;
    try {
      out = backend_->compile(*kernel, prefix, cached ? &*cached : nullptr, print_llvm);
    } catch (const ir::CompileError &) {
      if (!cached) throw;
      // A cache entry that does not load (say, written by another build) is recompiled.
      prefix += "_r";
      cached.reset();
      out = backend_->compile(*kernel, prefix, nullptr, print_llvm);
    }
    if (print_llvm) std::fputs(out.listing.c_str(), stdout);
    ck->cache_hit_ = cached.has_value();
    if (!cached) disk_cache_.store(key, out.object);
    ck->code_ = std::move(out.executable);
    ck->desc_.tasks = out.tasks;
    ck->artifact_ = cached ? std::move(*cached) : std::move(out.object);
    memory_cache_[key] = {ck->code_, out.tasks, ck->artifact_};
  }
  ck->compile_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              start).count();
  if (config_.log_compile)
    std::fprintf(stderr, "[qtaichi] kernel %s: compiled in %.2f ms (passes %.2f ms, cache %s)\n",
                 ck->name_.c_str(), ck->compile_ms_, passes_ms, ck->cache_hit_ ? "hit" : "miss");
  if (shadow) shadow_compile(std::move(shadow));
  // The IR is no longer needed: free it (the caller still owns the empty kernel).
  k.body = std::make_unique<ir::Block>(nullptr);
  k.consumed = true;
  compiled_.push_back(std::move(ck));
  return compiled_.back().get();
}

std::string Program::code_target() const { return backend_->target_id(); }

uint64_t Program::launch(CompiledKernel *kernel, const std::vector<uint64_t> &args) {
  return launch_all(kernel, args)[0];
}

std::vector<uint64_t> Program::launch_all(CompiledKernel *kernel,
                                          const std::vector<uint64_t> &args,
                                          const std::vector<int> &resident_slots) {
  const rt::KernelDesc &desc = kernel->desc_;
  if (args.size() != static_cast<size_t>(desc.num_arg_slots))
    throw std::invalid_argument("kernel '" + kernel->name_ + "' takes " +
                                std::to_string(desc.num_arg_slots) + " argument slots, got " +
                                std::to_string(args.size()));
  materialize();
  rt::LaunchArgs la;
  la.args = args.data();
  la.resident_slots = resident_slots;
  {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    la.trees = tree_memory_;
  }
  la.rand_seed = config_.random_seed;
  la.launch_id = launch_count_++;
  rt::LaunchResult r = device_->launch(*kernel->code_, desc, la);
  if (r.error_code == rt::kLoopLimitError)
    throw KernelRuntimeError(
        "kernel '" + kernel->name_ + "' ran more than " +
            std::to_string(target_.max_loop_iterations) + " loop iterations in one parallel "
            "iteration (or serial task); " + device_->name() + " stops a shader there, so its "
            "results would be wrong: spread the work over the parallel loop, or run on the cpu",
        ir::SourceLoc{}, false);
  if (r.error_code != 0) {
    size_t i = static_cast<size_t>(r.error_code - 1);
    const rt::AssertionDesc &a = desc.assertions.at(i);
    std::string msg = rt::format_assertion(a, r.error_args);
    throw KernelRuntimeError(msg, kernel->assertion_locs_.at(i), a.index_check);
  }
  return std::vector<uint64_t>(r.value, r.value + desc.ret_count);
}

}  // namespace qtaichi
