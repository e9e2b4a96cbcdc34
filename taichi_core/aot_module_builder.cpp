#include "taichi_core/aot_module_builder.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "ir/builder.h"
#include "ir/quant_type.h"
#include "runtime/vulkan/vulkan_device.h"

namespace qtaichi {

namespace {

bool plain_name(const std::string &s) {
  if (s.empty() || s.size() > 120) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::string words_to_bytes(const std::vector<uint32_t> &words) {
  return std::string(reinterpret_cast<const char *>(words.data()), words.size() * 4);
}

constexpr const char *kSharedObject = "module.so";

std::string quoted(const std::filesystem::path &p) { return "'" + p.string() + "'"; }

std::string read_file(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Links the kernels' object files (position-independent, the code the JIT ran) into one shared
// object with the system's C compiler driver ($QTAICHI_CC, else cc).
std::string link_shared_object(const std::map<std::string, std::string> &objects) {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 ("qtaichi-link-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  const char *cc = std::getenv("QTAICHI_CC");
  std::string cmd = std::string(cc && *cc ? cc : "cc") + " -shared -s -o " +
                    quoted(dir / kSharedObject);
  int i = 0;
  for (const auto &[sha, bytes] : objects) {
    fs::path o = dir / ("k" + std::to_string(i++) + ".o");
    std::ofstream(o, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    cmd += " " + quoted(o);
  }
  cmd += " -lm > " + quoted(dir / "log") + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::string so = rc == 0 ? read_file(dir / kSharedObject) : "";
  std::string log = read_file(dir / "log");
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (rc != 0 || so.empty())
    throw std::runtime_error("linking the module's shared object failed (" + cmd + "): " + log);
  return so;
}

}  // namespace

AotModuleBuilder::AotModuleBuilder(Program &program) : program_(program) {
  const ir::Target &t = program.target();
  manifest_.arch = ir::arch_name(t.arch);
  if (t.arch == ir::Arch::cpu) manifest_.cpu_target = program.code_target();
  manifest_.required = t;
  manifest_.compiler = std::string("qtaichi ") + rt::aot::kVersion;
}

void AotModuleBuilder::add_artifact(const std::string &file, std::string bytes) {
  rt::aot::ArtifactInfo a;
  a.file = file;
  a.sha256 = rt::aot::sha256_hex(bytes);
  a.bytes = bytes.size();
  manifest_.artifacts.push_back(a);
  artifacts_.add(file, std::move(bytes));
}

void AotModuleBuilder::add_kernel(const std::string &name, const CompiledKernel *kernel,
                                  const std::vector<rt::aot::ArgInfo> &args) {
  if (!plain_name(name))
    throw std::invalid_argument("kernel name '" + name + "': use letters, digits and '_'");
  if (manifest_.kernel(name))
    throw std::invalid_argument("the module has a kernel named '" + name + "' already");
  const rt::KernelDesc &desc = kernel->desc();
  if (desc.ret_count > 1)
    throw std::invalid_argument("kernel '" + name + "' returns a vector or matrix: the C API "
                                "returns scalars (write the result to a field instead)");
  if (args.size() != desc.args.size())
    throw std::invalid_argument("kernel '" + name + "' takes " + std::to_string(desc.args.size()) +
                                " arguments, described " + std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); i++) {
    const rt::aot::ArgInfo &a = args[i];
    int ndim = a.ndarray ? a.ndim + static_cast<int>(a.elem_shape.size()) : 0;
    if (a.dtype != desc.args[i].dtype || ndim != desc.args[i].ndim)
      throw std::invalid_argument("kernel '" + name + "' argument '" + a.name +
                                  "': described as " + a.dtype + " with " +
                                  std::to_string(ndim) + " axes, compiled as " +
                                  desc.args[i].dtype + " with " +
                                  std::to_string(desc.args[i].ndim));
  }
  rt::aot::KernelInfo k;
  k.name = name;
  k.args = args;
  k.desc = desc;
  k.desc.name = name;
  // Assertion messages name the source file without the exporting machine's folders.
  for (rt::AssertionDesc &a : k.desc.assertions)
    a.file = std::filesystem::path(a.file).filename().string();
  if (program_.target().arch == ir::Arch::cpu) {
    // Every kernel's object goes into the module's one shared object (identical code once).
    objects_[rt::aot::sha256_hex(kernel->artifact())] = kernel->artifact();
    k.artifacts.push_back(kSharedObject);
    manifest_.kernels.push_back(std::move(k));
    return;
  }
  if (program_.target().arch == ir::Arch::cuda) {  // PTX text for the exporting GPU's SM
    add_artifact(name + ".ptx", kernel->artifact());
    k.artifacts.push_back(name + ".ptx");
    manifest_.kernels.push_back(std::move(k));
    return;
  }
  auto modules = rt::VulkanDevice::unpack_spirv(kernel->artifact());
  for (size_t i = 0; i < modules.size(); i++) {
    std::string file = name + "_t" + std::to_string(i) + ".spv";
    add_artifact(file, words_to_bytes(modules[i]));
    k.artifacts.push_back(file);
  }
  manifest_.kernels.push_back(std::move(k));
}

const CompiledKernel *AotModuleBuilder::accessor(const std::string &name,
                                                 const std::vector<ir::SNode *> &comps,
                                                 const std::vector<int> &elem_shape, bool write) {
  auto k = program_.create_kernel(name);
  const ir::Type *t = comps[0]->dtype();
  const std::vector<int64_t> &shape = comps[0]->shape();
  int nd = static_cast<int>(shape.size());
  // A 0-d field crosses as an array of one element (an ndarray has at least one axis).
  k->args.push_back({"values", t, std::max(nd, 1) + static_cast<int>(elem_shape.size())});
  ir::Builder b(k.get());
  int64_t n = comps[0]->num_elements();
  auto *loop = b.range_for(b.const_i32(0), b.const_i32(static_cast<int32_t>(n)));
  b.push_block(loop->body.get());
  ir::Stmt *i = b.loop_index(loop);
  std::vector<ir::Stmt *> idx;
  int64_t stride = n;
  for (int d = 0; d < nd; d++) {  // C order: the last axis varies fastest
    stride /= shape[d];
    ir::Stmt *q = b.binary(ir::BinaryOp::div, i, b.const_i32(static_cast<int32_t>(stride)));
    idx.push_back(d == 0 ? q : b.binary(ir::BinaryOp::mod, q, b.const_i32(static_cast<int32_t>(shape[d]))));
  }
  for (size_t c = 0; c < comps.size(); c++) {
    std::vector<ir::Stmt *> at = idx;
    if (nd == 0) at.push_back(b.const_i32(0));
    if (elem_shape.size() == 1) at.push_back(b.const_i32(static_cast<int32_t>(c)));
    if (elem_shape.size() == 2) {
      at.push_back(b.const_i32(static_cast<int32_t>(c / elem_shape[1])));
      at.push_back(b.const_i32(static_cast<int32_t>(c % elem_shape[1])));
    }
    ir::Stmt *ext = b.external_ptr(0, at);
    ir::Stmt *field = b.global_ptr(comps[c], idx);
    if (write) b.global_store(field, b.global_load(ext));
    else b.global_store(ext, b.global_load(field));
  }
  b.pop_block();
  return program_.compile(*k);
}

void AotModuleBuilder::add_field(const std::string &name, const std::vector<ir::SNode *> &comps,
                                 const std::vector<int> &elem_shape) {
  if (!plain_name(name))
    throw std::invalid_argument("field name '" + name + "': use letters, digits and '_'");
  if (manifest_.field(name))
    throw std::invalid_argument("the module has a field named '" + name + "' already");
  int64_t count = 1;
  for (int e : elem_shape) count *= e;
  if (comps.empty() || static_cast<int64_t>(comps.size()) != count || elem_shape.size() > 2)
    throw std::invalid_argument("field '" + name + "': " + std::to_string(comps.size()) +
                                " components for an element of shape " +
                                std::to_string(elem_shape.size()) + " axes");
  for (ir::SNode *c : comps)
    if (!c || c->kind() != ir::SNodeKind::place || c->dtype() != comps[0]->dtype() ||
        c->shape() != comps[0]->shape())
      throw std::invalid_argument("field '" + name + "': components differ in type or shape");
  if (comps[0]->num_elements() >= (int64_t(1) << 31))
    throw std::invalid_argument("field '" + name + "': more than 2^31 elements");
  program_.materialize();
  rt::aot::FieldInfo f;
  f.name = name;
  f.dtype = comps[0]->dtype()->str();
  f.shape = comps[0]->shape();
  f.elem_shape = elem_shape;
  f.layout = comps[0]->quant_type() ? comps[0]->quant_type()->str() : f.dtype;
  f.read_kernel = "read_" + name;
  f.write_kernel = "write_" + name;
  std::vector<rt::aot::ArgInfo> arg = {
      {"values", true, f.dtype, std::max(1, static_cast<int>(f.shape.size())), elem_shape}};
  add_kernel(f.read_kernel, accessor(f.read_kernel, comps, elem_shape, false), arg);
  add_kernel(f.write_kernel, accessor(f.write_kernel, comps, elem_shape, true), arg);
  manifest_.fields.push_back(std::move(f));
}

rt::aot::ModuleFiles AotModuleBuilder::files() const {
  program_.materialize();
  rt::aot::Manifest m = manifest_;
  m.tree_bytes.clear();
  for (int i = 0; i < program_.num_trees(); i++)
    m.tree_bytes.push_back(program_.tree(i)->total_bytes());
  rt::aot::ModuleFiles out = artifacts_;
  if (!objects_.empty()) {
    std::string so = link_shared_object(objects_);
    m.artifacts.push_back({kSharedObject, rt::aot::sha256_hex(so), so.size()});
    out.add(kSharedObject, std::move(so));
  }
  out.add("manifest.json", m.to_json());
  return out;
}

void AotModuleBuilder::save(const std::string &folder) const { files().save(folder); }

void AotModuleBuilder::archive(const std::string &file) const { files().archive(file); }

}  // namespace qtaichi
