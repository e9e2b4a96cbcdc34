#include "runtime/aot/manifest.h"

#include <nettle/sha2.h>

#include <nlohmann/json.hpp>
#include <set>

#include "runtime/aot/module_files.h"
#include "runtime/context.h"

namespace qtaichi::rt::aot {

using nlohmann::json;

namespace {

json caps_json(const DeviceCaps &c) {
  return {{"cas8", c.cas8},
          {"cas16", c.cas16},
          {"cas64", c.cas64},
          {"atomic_add_f32", c.atomic_add_f32},
          {"atomic_add_f64", c.atomic_add_f64},
          {"atomic_minmax_f32", c.atomic_minmax_f32},
          {"atomic_minmax_f64", c.atomic_minmax_f64},
          {"int64", c.int64},
          {"atomic_int64", c.atomic_int64},
          {"storage_8_16", c.storage_8_16},
          {"index_bits", c.index_bits},
          {"max_binding_bytes", c.max_binding_bytes},
          {"subgroup_size", c.subgroup_size},
          {"max_loop_iterations", c.max_loop_iterations},
          {"accurate_math", c.accurate_math},
          {"preserve_inf_nan_f32", c.preserve_inf_nan_f32},
          {"preserve_inf_nan_f64", c.preserve_inf_nan_f64},
          {"preserve_denorm_f32", c.preserve_denorm_f32},
          {"preserve_denorm_f64", c.preserve_denorm_f64}};
}

// Reading with a path for every message ("kernels[2].args[0].dtype: ..."): nothing in the file
// is trusted, so every access checks the kind of the value it reads.
class Reader {
 public:
  explicit Reader(const std::string &where) : where_(where) {}
  [[noreturn]] void fail(const std::string &path, const std::string &what) const {
    throw CorruptModule(where_ + ": " + path + ": " + what);
  }
  const json &at(const json &o, const std::string &key, const std::string &path) const {
    if (!o.is_object()) fail(path, "expected an object");
    auto it = o.find(key);
    if (it == o.end()) fail(path, "'" + key + "' is missing");
    return *it;
  }
  std::string str(const json &o, const std::string &key, const std::string &path) const {
    const json &v = at(o, key, path);
    if (!v.is_string()) fail(path + "." + key, "expected a string");
    return v.get<std::string>();
  }
  int64_t integer(const json &o, const std::string &key, const std::string &path, int64_t lo,
                  int64_t hi) const {
    const json &v = at(o, key, path);
    if (!v.is_number_integer()) fail(path + "." + key, "expected an integer");
    int64_t x = v.get<int64_t>();
    if (x < lo || x > hi)
      fail(path + "." + key, std::to_string(x) + " is out of range [" + std::to_string(lo) +
                                 ", " + std::to_string(hi) + "]");
    return x;
  }
  bool boolean(const json &o, const std::string &key, const std::string &path) const {
    const json &v = at(o, key, path);
    if (!v.is_boolean()) fail(path + "." + key, "expected true or false");
    return v.get<bool>();
  }
  const json &array(const json &o, const std::string &key, const std::string &path,
                    size_t max) const {
    const json &v = at(o, key, path);
    if (!v.is_array()) fail(path + "." + key, "expected an array");
    if (v.size() > max) fail(path + "." + key, "more than " + std::to_string(max) + " entries");
    return v;
  }
  std::string dtype(const json &o, const std::string &key, const std::string &path) const {
    std::string t = str(o, key, path);
    if (dtype_bytes(t) == 0) fail(path + "." + key, "'" + t + "' is not a data type");
    return t;
  }
  std::vector<int> small_shape(const json &o, const std::string &key,
                               const std::string &path) const {
    std::vector<int> out;
    const json &a = array(o, key, path, 8);
    for (size_t i = 0; i < a.size(); i++) {
      if (!a[i].is_number_integer() || a[i].get<int64_t>() < 1 || a[i].get<int64_t>() > 4096)
        fail(path + "." + key + "[" + std::to_string(i) + "]", "expected an extent in [1, 4096]");
      out.push_back(a[i].get<int>());
    }
    return out;
  }

 private:
  std::string where_;
};

DeviceCaps read_caps(const Reader &r, const json &o, const std::string &path) {
  DeviceCaps c;
  c.cas8 = r.boolean(o, "cas8", path);
  c.cas16 = r.boolean(o, "cas16", path);
  c.cas64 = r.boolean(o, "cas64", path);
  c.atomic_add_f32 = r.boolean(o, "atomic_add_f32", path);
  c.atomic_add_f64 = r.boolean(o, "atomic_add_f64", path);
  c.atomic_minmax_f32 = r.boolean(o, "atomic_minmax_f32", path);
  c.atomic_minmax_f64 = r.boolean(o, "atomic_minmax_f64", path);
  c.int64 = r.boolean(o, "int64", path);
  c.atomic_int64 = r.boolean(o, "atomic_int64", path);
  c.storage_8_16 = r.boolean(o, "storage_8_16", path);
  c.index_bits = static_cast<int>(r.integer(o, "index_bits", path, 32, 64));
  c.max_binding_bytes = r.integer(o, "max_binding_bytes", path, 1, INT64_MAX);
  c.subgroup_size = static_cast<int>(r.integer(o, "subgroup_size", path, 1, 1024));
  c.max_loop_iterations = r.integer(o, "max_loop_iterations", path, 0, INT64_MAX);
  c.accurate_math = r.boolean(o, "accurate_math", path);
  c.preserve_inf_nan_f32 = r.boolean(o, "preserve_inf_nan_f32", path);
  c.preserve_inf_nan_f64 = r.boolean(o, "preserve_inf_nan_f64", path);
  c.preserve_denorm_f32 = r.boolean(o, "preserve_denorm_f32", path);
  c.preserve_denorm_f64 = r.boolean(o, "preserve_denorm_f64", path);
  return c;
}

// The launch description must agree with the argument list and stay inside what the runtime
// allocates for it (argument slots, temps, assertion values, trees).
void check_desc(const Reader &r, const KernelInfo &k, size_t trees, const std::string &path) {
  const KernelDesc &d = k.desc;
  if (d.args.size() != k.args.size()) r.fail(path + ".desc.args", "does not match args");
  int slot = 0;
  for (size_t i = 0; i < d.args.size(); i++) {
    const ArgDesc &a = d.args[i];
    const ArgInfo &info = k.args[i];
    int ndim = info.ndarray ? info.ndim + static_cast<int>(info.elem_shape.size()) : 0;
    if (a.dtype != info.dtype || a.ndim != ndim || a.slot != slot)
      r.fail(path + ".desc.args[" + std::to_string(i) + "]", "does not match args");
    slot += info.ndarray ? 1 + ndim : 1;
  }
  if (d.num_arg_slots != slot) r.fail(path + ".desc.num_arg_slots", "does not match args");
  if (d.ret_count != 1) r.fail(path + ".desc.ret_count", "the C API returns one value");
  if (d.ret_type != "void" && dtype_bytes(d.ret_type) == 0)
    r.fail(path + ".desc.ret_type", "'" + d.ret_type + "' is not a data type");
  if (d.temp_bytes < 0 || d.temp_bytes > (int64_t(1) << 30))
    r.fail(path + ".desc.temp_bytes", "out of range");
  if (d.tasks.empty() || d.tasks.size() > 4096) r.fail(path + ".desc.tasks", "bad task count");
  for (const TaskDesc &t : d.tasks) {
    if (t.symbol.empty()) r.fail(path + ".desc.tasks", "a task without a symbol");
    if (t.begin_temp >= d.temp_bytes || t.end_temp >= d.temp_bytes || t.begin_temp < -1 ||
        t.end_temp < -1)
      r.fail(path + ".desc.tasks", "a bound outside the temps");
    if (t.block_dim < 0 || t.block_dim > (1 << 20)) r.fail(path + ".desc.tasks", "bad block_dim");
  }
  for (const AssertionDesc &a : d.assertions)
    if (a.num_args < 0 || a.num_args > kMaxAssertArgs)
      r.fail(path + ".desc.assertions", "too many values");
  for (const BindingDesc &b : d.bindings)
    if (b.kind == BindingKind::tree && (b.index < 0 || static_cast<size_t>(b.index) >= trees))
      r.fail(path + ".desc.bindings", "a tree the module does not have");
}

}  // namespace

std::string Manifest::to_json() const {
  json j;
  j["format"] = format;
  j["compiler"] = compiler;
  j["arch"] = arch;
  j["required"] = caps_json(required);
  if (!cpu_target.empty()) j["cpu_target"] = cpu_target;
  j["tree_bytes"] = tree_bytes;
  j["fields"] = json::array();
  for (const FieldInfo &f : fields)
    j["fields"].push_back({{"name", f.name},
                           {"dtype", f.dtype},
                           {"shape", f.shape},
                           {"elem_shape", f.elem_shape},
                           {"layout", f.layout},
                           {"read_kernel", f.read_kernel},
                           {"write_kernel", f.write_kernel}});
  j["kernels"] = json::array();
  for (const KernelInfo &k : kernels) {
    json args = json::array();
    for (const ArgInfo &a : k.args)
      args.push_back({{"name", a.name},
                      {"kind", a.ndarray ? "ndarray" : "scalar"},
                      {"dtype", a.dtype},
                      {"ndim", a.ndim},
                      {"elem_shape", a.elem_shape}});
    j["kernels"].push_back({{"name", k.name},
                            {"args", args},
                            {"desc", json::parse(k.desc.to_json())},
                            {"artifacts", k.artifacts}});
  }
  j["artifacts"] = json::array();
  for (const ArtifactInfo &a : artifacts)
    j["artifacts"].push_back({{"file", a.file}, {"sha256", a.sha256}, {"bytes", a.bytes}});
  return j.dump(1);
}

Manifest Manifest::from_json(const std::string &text) {
  Reader r("manifest.json");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) r.fail("(top)", "not a JSON object");
  Manifest m;
  m.format = static_cast<int>(r.integer(j, "format", "(top)", 0, INT32_MAX));
  if (m.format != kFormatVersion)
    throw IncompatibleModule("manifest format " + std::to_string(m.format) +
                             ", this runtime reads " + std::to_string(kFormatVersion));
  m.compiler = r.str(j, "compiler", "(top)");
  m.arch = r.str(j, "arch", "(top)");
  if (m.arch != "cpu" && m.arch != "vulkan" && m.arch != "cuda")
    r.fail("arch", "'" + m.arch + "' is not an arch");
  m.required = read_caps(r, r.at(j, "required", "(top)"), "required");
  if (m.arch == "cpu") m.cpu_target = r.str(j, "cpu_target", "(top)");

  const json &trees = r.array(j, "tree_bytes", "(top)", 1024);
  for (size_t i = 0; i < trees.size(); i++) {
    if (!trees[i].is_number_integer() || trees[i].get<int64_t>() < 0 ||
        trees[i].get<int64_t>() > (int64_t(1) << 40))
      r.fail("tree_bytes[" + std::to_string(i) + "]", "expected a size in bytes");
    m.tree_bytes.push_back(trees[i].get<int64_t>());
  }

  std::set<std::string> files;
  const json &arts = r.array(j, "artifacts", "(top)", 100000);
  for (size_t i = 0; i < arts.size(); i++) {
    std::string p = "artifacts[" + std::to_string(i) + "]";
    ArtifactInfo a;
    a.file = r.str(arts[i], "file", p);
    if (!is_plain_file_name(a.file)) r.fail(p + ".file", "'" + a.file + "' is not a plain file name");
    a.sha256 = r.str(arts[i], "sha256", p);
    if (a.sha256.size() != 64 ||
        a.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      r.fail(p + ".sha256", "expected 64 lowercase hex digits");
    a.bytes = static_cast<uint64_t>(r.integer(arts[i], "bytes", p, 0, int64_t(1) << 34));
    if (!files.insert(a.file).second) r.fail(p, "'" + a.file + "' is listed twice");
    m.artifacts.push_back(a);
  }

  std::set<std::string> names;
  const json &ks = r.array(j, "kernels", "(top)", 100000);
  for (size_t i = 0; i < ks.size(); i++) {
    std::string p = "kernels[" + std::to_string(i) + "]";
    KernelInfo k;
    k.name = r.str(ks[i], "name", p);
    if (k.name.empty() || !names.insert(k.name).second) r.fail(p + ".name", "empty or repeated");
    const json &args = r.array(ks[i], "args", p, 256);
    for (size_t a = 0; a < args.size(); a++) {
      std::string q = p + ".args[" + std::to_string(a) + "]";
      ArgInfo info;
      info.name = r.str(args[a], "name", q);
      std::string kind = r.str(args[a], "kind", q);
      if (kind != "scalar" && kind != "ndarray") r.fail(q + ".kind", "'" + kind + "'");
      info.ndarray = kind == "ndarray";
      info.dtype = r.dtype(args[a], "dtype", q);
      info.ndim = static_cast<int>(r.integer(args[a], "ndim", q, 0, 8));
      info.elem_shape = r.small_shape(args[a], "elem_shape", q);
      if (info.ndarray != (info.ndim > 0) || (!info.ndarray && !info.elem_shape.empty()))
        r.fail(q, "a scalar has no axes; an ndarray has at least one");
      k.args.push_back(info);
    }
    try {
      k.desc = KernelDesc::from_json(r.at(ks[i], "desc", p).dump());
    } catch (const std::runtime_error &e) {
      r.fail(p + ".desc", e.what());
    }
    check_desc(r, k, m.tree_bytes.size(), p);
    const json &ka = r.array(ks[i], "artifacts", p, 4096);
    for (size_t a = 0; a < ka.size(); a++) {
      if (!ka[a].is_string() || !files.count(ka[a].get<std::string>()))
        r.fail(p + ".artifacts[" + std::to_string(a) + "]", "not one of the module's artifacts");
      k.artifacts.push_back(ka[a].get<std::string>());
    }
    m.kernels.push_back(std::move(k));
  }

  const json &fs = r.array(j, "fields", "(top)", 100000);
  std::set<std::string> field_names;
  for (size_t i = 0; i < fs.size(); i++) {
    std::string p = "fields[" + std::to_string(i) + "]";
    FieldInfo f;
    f.name = r.str(fs[i], "name", p);
    if (f.name.empty() || !field_names.insert(f.name).second) r.fail(p + ".name", "empty or repeated");
    f.dtype = r.dtype(fs[i], "dtype", p);
    const json &shape = r.array(fs[i], "shape", p, 8);
    int64_t count = 1;
    for (size_t a = 0; a < shape.size(); a++) {
      if (!shape[a].is_number_integer() || shape[a].get<int64_t>() < 1 ||
          (count *= shape[a].get<int64_t>()) > (int64_t(1) << 40))
        r.fail(p + ".shape", "expected positive extents");
      f.shape.push_back(shape[a].get<int64_t>());
    }
    f.elem_shape = r.small_shape(fs[i], "elem_shape", p);
    f.layout = r.str(fs[i], "layout", p);
    f.read_kernel = r.str(fs[i], "read_kernel", p);
    f.write_kernel = r.str(fs[i], "write_kernel", p);
    if (!names.count(f.read_kernel) || !names.count(f.write_kernel))
      r.fail(p, "its accessor kernels are not in the module");
    m.fields.push_back(std::move(f));
  }
  return m;
}

const KernelInfo *Manifest::kernel(const std::string &name) const {
  for (const KernelInfo &k : kernels)
    if (k.name == name) return &k;
  return nullptr;
}

const FieldInfo *Manifest::field(const std::string &name) const {
  for (const FieldInfo &f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const ArtifactInfo *Manifest::artifact(const std::string &file) const {
  for (const ArtifactInfo &a : artifacts)
    if (a.file == file) return &a;
  return nullptr;
}

std::string missing_capabilities(const DeviceCaps &need, const DeviceCaps &have) {
  std::string out;
  auto add = [&](bool missing, const std::string &what) {
    if (!missing) return;
    if (!out.empty()) out += ", ";
    out += what;
  };
  add(need.cas8 && !have.cas8, "8-bit compare-and-swap");
  add(need.cas16 && !have.cas16, "16-bit compare-and-swap");
  add(need.cas64 && !have.cas64, "64-bit compare-and-swap");
  add(need.atomic_add_f32 && !have.atomic_add_f32, "f32 atomic add");
  add(need.atomic_add_f64 && !have.atomic_add_f64, "f64 atomic add");
  add(need.atomic_minmax_f32 && !have.atomic_minmax_f32, "f32 atomic min/max");
  add(need.atomic_minmax_f64 && !have.atomic_minmax_f64, "f64 atomic min/max");
  add(need.int64 && !have.int64, "64-bit integers");
  add(need.atomic_int64 && !have.atomic_int64, "64-bit integer atomics");
  add(need.storage_8_16 && !have.storage_8_16, "8/16-bit loads and stores");
  add(need.index_bits > have.index_bits, std::to_string(need.index_bits) + "-bit addressing");
  add(need.accurate_math && !have.accurate_math, "accurate math instructions");
  add(need.preserve_inf_nan_f32 && !have.preserve_inf_nan_f32, "f32 infinities and NaNs");
  add(need.preserve_inf_nan_f64 && !have.preserve_inf_nan_f64, "f64 infinities and NaNs");
  add(need.preserve_denorm_f32 && !have.preserve_denorm_f32, "f32 denormals");
  add(need.preserve_denorm_f64 && !have.preserve_denorm_f64, "f64 denormals");
  add(have.max_loop_iterations > 0 &&
          (need.max_loop_iterations == 0 || need.max_loop_iterations > have.max_loop_iterations),
      "loops counted against the driver's limit of " +
          std::to_string(have.max_loop_iterations) + " iterations (export on this driver)");
  return out;
}

std::string sha256_hex(const std::string &bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), reinterpret_cast<const uint8_t *>(bytes.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
  static const char *hex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

}  // namespace qtaichi::rt::aot
