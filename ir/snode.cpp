#include "ir/snode.h"

#include <algorithm>
#include <map>

#include "ir/error.h"

namespace qtaichi::ir {

namespace {
int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }
}  // namespace

SNode *SNode::add_child(SNodeKind kind) {
  if (tree_id_ >= 0)
    throw CompileError(ErrorKind::compile, "cannot add fields to a tree that is already in use");
  if (kind_ == SNodeKind::place)
    throw CompileError(ErrorKind::compile, "a place node cannot have children");
  // Ids count within the tree, so a program that makes the same fields gets the same names
  // (unnamed fields print as f<id>) and the same printed IR: the cache key.
  SNode *root = this;
  while (root->parent_) root = root->parent_;
  children_.push_back(std::unique_ptr<SNode>(new SNode(kind, this, ++root->last_id_)));
  return children_.back().get();
}

SNode *SNode::dense(const std::vector<int> &axes, const std::vector<int64_t> &sizes) {
  if (axes.empty() || axes.size() != sizes.size())
    throw CompileError(ErrorKind::compile, "dense() needs one size per axis");
  for (size_t i = 0; i < axes.size(); i++) {
    if (axes[i] < 0 || axes[i] > 7) throw CompileError(ErrorKind::compile, "invalid axis");
    if (sizes[i] <= 0)
      throw CompileError(ErrorKind::compile,
                         "dense() sizes must be positive, got " + std::to_string(sizes[i]));
    for (size_t j = 0; j < i; j++)
      if (axes[i] == axes[j]) throw CompileError(ErrorKind::compile, "axis repeated in dense()");
  }
  SNode *d = add_child(SNodeKind::dense);
  d->axes_ = axes;
  d->sizes_ = sizes;
  return d;
}

SNode *SNode::place(const Type *dtype, const std::string &name) {
  if (!dtype || dtype->is_void())
    throw CompileError(ErrorKind::type, "cannot place a field of type void");
  if (kind_ == SNodeKind::bit_struct || kind_ == SNodeKind::quant_array)
    throw CompileError(ErrorKind::type, "only quant types can be placed in a " +
                                            std::string(kind_ == SNodeKind::bit_struct
                                                            ? "bit struct" : "quant array") +
                                            ", got " + dtype->str());
  SNode *p = add_child(SNodeKind::place);
  p->dtype_ = dtype;
  p->name_ = name;
  p->compute_shape();
  return p;
}

SNode *SNode::bit_struct(int container_bits) {
  if (kind_ != SNodeKind::root && kind_ != SNodeKind::dense)
    throw CompileError(ErrorKind::compile, "a bit struct must be placed under root or dense");
  if (!is_valid_container_bits(container_bits))
    throw CompileError(ErrorKind::type, "BitpackedFields: max_num_bits must be 8, 16, 32 or 64, got " +
                                            std::to_string(container_bits));
  SNode *b = add_child(SNodeKind::bit_struct);
  b->container_bits_ = container_bits;
  return b;
}

std::vector<SNode *> SNode::place_bit_members(
    const std::vector<std::pair<const QuantType *, std::string>> &members, bool shared_exponent) {
  if (kind_ != SNodeKind::bit_struct)
    throw CompileError(ErrorKind::compile, "place_bit_members needs a bit struct");
  int floats = 0, exp_bits = -1;
  for (const auto &[type, name] : members) {
    if (type->kind() != QuantKind::float_) continue;
    floats++;
    if (shared_exponent && exp_bits >= 0 && type->exponent_bits() != exp_bits)
      throw CompileError(ErrorKind::type,
                         "fields sharing an exponent must have the same exponent bits, got " +
                             std::to_string(exp_bits) + " and " +
                             std::to_string(type->exponent_bits()) + " ('" + name + "')");
    exp_bits = type->exponent_bits();
  }
  if (shared_exponent && members.size() < 2)
    throw CompileError(ErrorKind::compile,
                       "At least 2 fields need to be placed when shared_exponent=True");
  if (shared_exponent && floats == 0)
    throw CompileError(ErrorKind::type, "shared_exponent=True needs quant float fields");
  // Lay the call out first, so an overflow is reported before anything is placed.
  std::vector<BitStructMember> layout;
  int cursor = bits_used_, group = shared_exponent ? next_group_ : -1, shared_exp = -1;
  for (const auto &[type, name] : members) {
    BitStructMember m;
    m.type = type;
    if (type->kind() == QuantKind::float_) {
      if (group >= 0) {
        if (shared_exp < 0) {
          shared_exp = cursor;
          cursor += type->exponent_bits();
        }
        m.exponent_offset = shared_exp;
        m.shared_group = group;
      } else {
        m.exponent_offset = cursor;
        cursor += type->exponent_bits();
      }
    }
    m.digits_offset = cursor;
    cursor += type->digits_bits();
    layout.push_back(m);
  }
  if (cursor > container_bits_)
    throw CompileError(ErrorKind::type, "BitpackedFields uses " + std::to_string(cursor) +
                                            " bits out of " + std::to_string(container_bits_));
  bits_used_ = cursor;
  if (group >= 0) next_group_++;
  std::vector<SNode *> out;
  for (size_t i = 0; i < members.size(); i++) {
    SNode *p = add_child(SNodeKind::place);
    p->quant_ = members[i].first;
    p->dtype_ = members[i].first->compute_type();
    p->name_ = members[i].second;
    p->member_ = layout[i];
    p->compute_shape();
    out.push_back(p);
  }
  return out;
}

SNode *SNode::quant_array(const std::vector<int> &axes, const std::vector<int64_t> &sizes,
                          int container_bits) {
  if (kind_ != SNodeKind::root && kind_ != SNodeKind::dense)
    throw CompileError(ErrorKind::compile, "a quant array must be placed under root or dense");
  if (!is_valid_container_bits(container_bits))
    throw CompileError(ErrorKind::type, "quant_array: max_num_bits must be 8, 16, 32 or 64, got " +
                                            std::to_string(container_bits));
  SNode *d = dense(axes, sizes);  // validates the axes and sizes like dense() does
  d->kind_ = SNodeKind::quant_array;
  d->container_bits_ = container_bits;
  return d;
}

SNode *SNode::place_quant(const QuantType *type, const std::string &name) {
  if (kind_ != SNodeKind::quant_array)
    throw CompileError(ErrorKind::compile, "place_quant needs a quant array");
  if (!children_.empty())
    throw CompileError(ErrorKind::compile, "a quant array holds exactly one field");
  int64_t count = 1;
  for (int64_t s : sizes_) count *= s;
  QuantArrayType::get(type, static_cast<int>(std::min<int64_t>(count, 1 << 30)),
                      container_bits_);  // validates the element type and the fit
  SNode *p = add_child(SNodeKind::place);
  p->quant_ = type;
  p->dtype_ = type->compute_type();
  p->name_ = name;
  p->member_.type = type;
  p->compute_shape();
  return p;
}

const BitStructType *SNode::bit_struct_type() const {
  std::vector<BitStructMember> members;
  for (const auto &c : children_) members.push_back(c->member_);
  return BitStructType::get(container_bits_, members);
}

int64_t SNode::num_elements() const {
  int64_t n = 1;
  for (int64_t s : shape_) n *= s;
  return n;
}

std::string SNode::str() const {
  if (kind_ == SNodeKind::place) return name_.empty() ? "f" + std::to_string(id_) : name_;
  switch (kind_) {
    case SNodeKind::root: return "root" + std::to_string(id_);
    case SNodeKind::bit_struct: return "bit_struct" + std::to_string(id_);
    case SNodeKind::quant_array: return "quant_array" + std::to_string(id_);
    default: return "dense" + std::to_string(id_);
  }
}

int64_t SNode::compute_layout(int tree_id) {
  tree_id_ = tree_id;
  if (kind_ == SNodeKind::place) {
    // A bit-level field lives inside its parent's word and takes no bytes of its own.
    cell_bytes_ = total_bytes_ = quant_ ? 0 : dtype_->bytes();
    align_ = quant_ ? 1 : dtype_->bytes();
    return cell_bytes_;
  }
  if (kind_ == SNodeKind::bit_struct || kind_ == SNodeKind::quant_array) {
    cell_bytes_ = total_bytes_ = align_ = container_bits_ / 8;  // one word
    for (auto &c : children_) {
      c->compute_layout(tree_id);
      c->base_offset_ = 0;
    }
    return cell_bytes_;
  }
  // Children are laid out one after another inside one cell, each aligned to itself.
  int64_t offset = 0;
  align_ = 1;
  for (auto &c : children_) {
    c->compute_layout(tree_id);
    offset = align_up(offset, c->align_);
    c->base_offset_ = offset;  // offset inside this node's cell, fixed up for fields below
    offset += c->total_bytes_;
    align_ = std::max(align_, c->align_);
  }
  cell_bytes_ = std::max<int64_t>(align_up(offset, align_), kind_ == SNodeKind::root ? 0 : 1);
  int64_t n = 1;
  for (int64_t s : sizes_) n *= s;
  total_bytes_ = cell_bytes_ * n;
  return cell_bytes_;
}

void SNode::compute_shape() {
  int max_axis = -1;
  for (const SNode *s = this; s; s = s->parent_)
    for (int a : s->axes_) max_axis = std::max(max_axis, a);
  shape_.assign(max_axis + 1, 1);
  std::vector<bool> seen(max_axis + 1, false);
  for (const SNode *s = this; s; s = s->parent_)
    for (size_t k = 0; k < s->axes_.size(); k++) {
      shape_[s->axes_[k]] *= s->sizes_[k];
      seen[s->axes_[k]] = true;
    }
  for (int a = 0; a <= max_axis; a++)
    if (!seen[a])
      throw CompileError(ErrorKind::compile, "field " + str() + " skips axis " +
                                                 std::to_string(a) + ": use axes i, j, k in order");
}

void SNode::compute_field_layout() {
  std::vector<const SNode *> chain;  // root -> ... -> this
  for (const SNode *s = this; s; s = s->parent_) chain.push_back(s);
  std::reverse(chain.begin(), chain.end());
  int max_axis = num_axes() - 1;
  // Walk from the top: offsets add up, index components split over levels of the same axis.
  std::vector<int64_t> remaining = shape_;  // extent of the axis at and below the current level
  std::vector<bool> outermost(max_axis + 1, true);
  int64_t offset = 0;
  terms_.clear();
  for (const SNode *s : chain) {
    offset += s->kind_ == SNodeKind::root ? 0 : s->base_offset_;
    if (s->kind_ != SNodeKind::dense && s->kind_ != SNodeKind::quant_array) continue;
    bool in_bits = s->kind_ == SNodeKind::quant_array;
    // Dense: cells of cell_bytes; quant array: elements of the field's bits inside one word.
    int64_t stride = in_bits ? quant_->storage_bits() : s->cell_bytes_;
    std::vector<int64_t> strides(s->axes_.size());
    for (int k = static_cast<int>(s->axes_.size()) - 1; k >= 0; k--) {
      strides[k] = stride;
      stride *= s->sizes_[k];
    }
    for (size_t k = 0; k < s->axes_.size(); k++) {
      int a = s->axes_[k];
      remaining[a] /= s->sizes_[k];
      terms_.push_back({a, remaining[a], s->sizes_[k], strides[k], !outermost[a], in_bits});
      outermost[a] = false;
    }
  }
  base_offset_ = offset;
}

int64_t SNode::element_offset(const std::vector<int64_t> &index) const {
  int64_t off = base_offset_;
  for (const AxisTerm &t : terms_) {
    if (t.in_bits) continue;
    int64_t c = index[t.axis] / t.divisor;
    if (t.needs_mod) c %= t.size;
    off += c * t.stride_bytes;
  }
  return off;
}

int64_t SNode::element_bit_offset(const std::vector<int64_t> &index) const {
  int64_t bit = member_.digits_offset;
  for (const AxisTerm &t : terms_) {
    if (!t.in_bits) continue;
    int64_t c = index[t.axis] / t.divisor;
    if (t.needs_mod) c %= t.size;
    bit += c * t.stride_bytes;
  }
  return bit;
}

SNodeTree::SNodeTree(int tree_id)
    : id_(tree_id), root_(new SNode(SNodeKind::root, nullptr, 0)) {}

std::vector<SNode *> SNodeTree::fields() const {
  std::vector<SNode *> out;
  std::vector<SNode *> stack{root_.get()};
  while (!stack.empty()) {
    SNode *s = stack.back();
    stack.pop_back();
    if (s->kind() == SNodeKind::place) out.push_back(s);
    for (auto it = s->children_.rbegin(); it != s->children_.rend(); ++it)
      stack.push_back(it->get());
  }
  return out;
}

void SNodeTree::materialize() {
  if (materialized_) return;
  root_->compute_layout(id_);
  for (SNode *f : fields()) f->compute_field_layout();
  materialized_ = true;
}

}  // namespace qtaichi::ir
