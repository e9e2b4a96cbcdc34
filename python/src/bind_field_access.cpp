// Python-scope field access: single elements, and whole fields to/from numpy arrays, all through
// the program's device (download / upload of the field's byte span, never a host pointer into
// device memory). Whole-field copies walk the elements in C order with per-axis offset tables,
// because a field's byte offset is a sum of independent per-axis contributions (ir::AxisTerm).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>

#include "bindings.h"
#include "taichi_core/program.h"

namespace py = pybind11;

namespace qtaichi::python {

using ir::SNode;
using ir::Type;

namespace {

// The field's value bits (little-endian, low `bytes` bytes) of a Python number.
uint64_t encode(py::handle value, const Type *t) {
  if (t->is_float()) {
    double d = py::cast<double>(value);
    uint64_t bits = 0;
    if (t->bits() == 32) {
      float f = static_cast<float>(d);
      std::memcpy(&bits, &f, 4);
    } else {
      std::memcpy(&bits, &d, 8);
    }
    return bits;
  }
  if (PyFloat_Check(value.ptr())) return static_cast<uint64_t>(static_cast<int64_t>(
                                        PyFloat_AsDouble(value.ptr())));
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  // Wraps modulo 2^64 (negative values too); the store keeps the field's width.
  uint64_t bits = PyLong_AsUnsignedLongLongMask(index.ptr());
  if (PyErr_Occurred()) throw py::error_already_set();
  return bits;
}

py::object decode(const uint8_t *p, const Type *t) {
  int bytes = t->bytes();
  if (t->is_float()) {
    if (bytes == 4) {
      float f;
      std::memcpy(&f, p, 4);
      return py::float_(f);
    }
    double d;
    std::memcpy(&d, p, 8);
    return py::float_(d);
  }
  uint64_t bits = 0;
  std::memcpy(&bits, p, static_cast<size_t>(bytes));
  if (t->is_signed()) {
    int shift = 64 - 8 * bytes;
    int64_t v = static_cast<int64_t>(bits << shift) >> shift;
    return py::int_(v);
  }
  return py::int_(bits);
}

std::string numpy_dtype_name(const Type *t) {
  switch (t->kind()) {
    case ir::PrimKind::u1: return "bool";
    case ir::PrimKind::i8: return "int8";
    case ir::PrimKind::i16: return "int16";
    case ir::PrimKind::i32: return "int32";
    case ir::PrimKind::i64: return "int64";
    case ir::PrimKind::u8: return "uint8";
    case ir::PrimKind::u16: return "uint16";
    case ir::PrimKind::u32: return "uint32";
    case ir::PrimKind::u64: return "uint64";
    case ir::PrimKind::f32: return "float32";
    case ir::PrimKind::f64: return "float64";
    default: throw std::invalid_argument("no numpy type for " + t->str());
  }
}

// Calls fn(element byte offset, flat C-order index) for every element of a materialized field.
// True when element k (in C order) sits at base_offset + k * bytes: one memcpy copies the field.
bool is_c_contiguous(const SNode *f) {
  const auto &shape = f->shape();
  int64_t stride = f->dtype()->bytes();
  std::vector<int64_t> expected(shape.size());
  for (int a = static_cast<int>(shape.size()) - 1; a >= 0; a--) {
    expected[a] = stride;
    stride *= shape[a];
  }
  std::vector<int> seen(shape.size(), 0);
  for (const ir::AxisTerm &t : f->terms()) {
    if (t.divisor != 1 || t.needs_mod || t.size != shape[t.axis] ||
        t.stride_bytes != expected[t.axis])
      return false;
    seen[t.axis]++;
  }
  for (int s : seen)
    if (s != 1) return false;
  return true;
}

// Per axis, the byte offset each index contributes (a field's offset is base_offset + their
// sum: the contributions of the axes are independent, see ir::AxisTerm).
std::vector<std::vector<int64_t>> axis_tables(const SNode *f) {
  const auto &shape = f->shape();
  std::vector<std::vector<int64_t>> table(static_cast<size_t>(f->num_axes()));
  for (int a = 0; a < f->num_axes(); a++) {
    table[a].assign(static_cast<size_t>(shape[a]), 0);
    for (const ir::AxisTerm &t : f->terms()) {
      if (t.axis != a) continue;
      for (int64_t i = 0; i < shape[a]; i++) {
        int64_t c = i / t.divisor;
        if (t.needs_mod) c %= t.size;
        table[a][i] += c * t.stride_bytes;
      }
    }
  }
  return table;
}

template <typename Fn>
void for_each_element(const SNode *f, Fn fn) {
  const auto &shape = f->shape();
  int n = f->num_axes();
  std::vector<std::vector<int64_t>> table = axis_tables(f);
  int64_t total = f->num_elements();
  std::vector<int64_t> idx(n, 0);
  for (int64_t flat = 0; flat < total; flat++) {
    int64_t off = f->base_offset();
    for (int a = 0; a < n; a++) off += table[a][idx[a]];
    fn(off, flat);
    for (int a = n - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}

// The bytes [begin, end) of its tree that hold a field's elements: the last element is the sum
// of each axis's largest contribution (no pass over the elements).
std::pair<int64_t, int64_t> field_span(const SNode *f) {
  int64_t last = f->base_offset();
  for (const auto &t : axis_tables(f))
    if (!t.empty()) last += *std::max_element(t.begin(), t.end());
  return {f->base_offset(), last + f->dtype()->bytes()};
}

// The field's span downloaded from the device: `host[off - span.first]` is the element at `off`.
struct FieldBytes {
  std::pair<int64_t, int64_t> span;
  std::vector<uint8_t> host;
};

FieldBytes download_field(Program &p, const SNode *f) {
  p.materialize();  // a tree gets its id and layout here
  FieldBytes b{field_span(f), {}};
  b.host.resize(static_cast<size_t>(b.span.second - b.span.first));
  p.read_tree(f->tree_id(), b.span.first, b.host.data(), b.host.size());
  return b;
}

}  // namespace

void bind_field_access(py::module_ &m) {
  m.def("numpy_dtype_name", &numpy_dtype_name);
  m.def("read_element", [](Program &p, const SNode *f, const std::vector<int64_t> &index) {
    uint64_t bits = 0;
    p.read_element(f, index, &bits);
    return decode(reinterpret_cast<const uint8_t *>(&bits), f->dtype());
  });
  m.def("write_element",
        [](Program &p, const SNode *f, const std::vector<int64_t> &index, py::handle value) {
          uint64_t bits = encode(value, f->dtype());
          p.write_element(f, index, &bits);  // little-endian: the low bytes
        });
  m.def("field_fill", [](Program &p, const SNode *f, py::handle value) {
    uint64_t bits = encode(value, f->dtype());
    FieldBytes b = download_field(p, f);  // neighbours of other fields are kept
    size_t bytes = static_cast<size_t>(f->dtype()->bytes());
    for_each_element(f, [&](int64_t off, int64_t) {
      std::memcpy(b.host.data() + (off - b.span.first), &bits, bytes);
    });
    p.write_tree(f->tree_id(), b.span.first, b.host.data(), b.host.size());
  });
  m.def("field_to_numpy", [](Program &p, const SNode *f) {
    py::array out(py::dtype(numpy_dtype_name(f->dtype())),
                  std::vector<py::ssize_t>(f->shape().begin(), f->shape().end()));
    auto *dst = static_cast<uint8_t *>(out.mutable_data());
    size_t bytes = static_cast<size_t>(f->dtype()->bytes());
    p.materialize();
    if (is_c_contiguous(f)) {
      p.read_tree(f->tree_id(), f->base_offset(), dst,
                  bytes * static_cast<size_t>(f->num_elements()));
      return out;
    }
    FieldBytes b = download_field(p, f);
    for_each_element(f, [&](int64_t off, int64_t flat) {
      std::memcpy(dst + flat * static_cast<int64_t>(bytes), b.host.data() + (off - b.span.first),
                  bytes);
    });
    return out;
  });
  // `arr` must already have the field's dtype and shape (checked again here: no crash on misuse).
  m.def("field_from_numpy", [](Program &p, const SNode *f, py::array arr) {
    if (!arr.dtype().is(py::dtype(numpy_dtype_name(f->dtype()))) &&
        !arr.dtype().equal(py::dtype(numpy_dtype_name(f->dtype()))))
      throw std::invalid_argument("array dtype does not match the field");
    if (arr.ndim() != f->num_axes()) throw std::invalid_argument("array shape does not match");
    for (int a = 0; a < f->num_axes(); a++)
      if (arr.shape(a) != f->shape()[a]) throw std::invalid_argument("array shape does not match");
    if (!(arr.flags() & py::array::c_style)) throw std::invalid_argument("array not contiguous");
    const auto *src = static_cast<const uint8_t *>(arr.data());
    size_t bytes = static_cast<size_t>(f->dtype()->bytes());
    p.materialize();
    if (is_c_contiguous(f)) {
      p.write_tree(f->tree_id(), f->base_offset(), src,
                   bytes * static_cast<size_t>(f->num_elements()));
      return;
    }
    FieldBytes b = download_field(p, f);  // neighbours of other fields are kept
    for_each_element(f, [&](int64_t off, int64_t flat) {
      std::memcpy(b.host.data() + (off - b.span.first), src + flat * static_cast<int64_t>(bytes),
                  bytes);
    });
    p.write_tree(f->tree_id(), b.span.first, b.host.data(), b.host.size());
  });
}

}  // namespace qtaichi::python
