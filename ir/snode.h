#pragma once
// Field layout: an SNode tree (root -> dense(axes, shape) -> ... -> place(field)) and the byte
// layout computed from it. A field access is (tree id, byte offset), never a host pointer, so the
// same layout serves the CPU, CUDA and Vulkan backends. Only dense nodes exist for now; pointer or
// bitmasked nodes would be new kinds here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/type.h"

namespace qtaichi::ir {

enum class SNodeKind { root, dense, place };

// One dense level's contribution to a field's address along one axis:
// offset += ((index[axis] / divisor) % size) * stride_bytes.
struct AxisTerm {
  int axis = 0;
  int64_t divisor = 1;
  int64_t size = 1;
  int64_t stride_bytes = 0;
  bool needs_mod = false;  // false on the outermost level of an axis (the index is in range)
};

class SNode {
 public:
  SNodeKind kind() const { return kind_; }
  int id() const { return id_; }
  SNode *parent() const { return parent_; }
  const std::vector<std::unique_ptr<SNode>> &children() const { return children_; }

  // Building (before the tree is materialized).
  SNode *dense(const std::vector<int> &axes, const std::vector<int64_t> &sizes);
  SNode *place(const Type *dtype, const std::string &name);

  // dense
  const std::vector<int> &axes() const { return axes_; }
  const std::vector<int64_t> &sizes() const { return sizes_; }
  // place (a field)
  const Type *dtype() const { return dtype_; }
  const std::string &name() const { return name_; }
  int num_axes() const { return static_cast<int>(shape_.size()); }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t num_elements() const;

  // Layout, valid once the tree is materialized.
  int tree_id() const { return tree_id_; }
  int64_t cell_bytes() const { return cell_bytes_; }      // one element of this node
  int64_t total_bytes() const { return total_bytes_; }    // all elements (root: whole tree)
  int64_t base_offset() const { return base_offset_; }    // place: offset of element 0
  const std::vector<AxisTerm> &terms() const { return terms_; }
  // Byte offset of one element, for Python-scope access; indices must be in range.
  int64_t element_offset(const std::vector<int64_t> &index) const;

  std::string str() const;  // "x" or "f<id>" for fields, "dense<id>" for others

 private:
  friend class SNodeTree;
  SNode(SNodeKind kind, SNode *parent, int id) : kind_(kind), id_(id), parent_(parent) {}
  SNode *add_child(SNodeKind kind);
  int64_t compute_layout(int tree_id);                // returns cell bytes
  void compute_shape();         // for place nodes, when placed
  void compute_field_layout();  // for place nodes, when materialized

  SNodeKind kind_;
  int id_;
  SNode *parent_;
  std::vector<std::unique_ptr<SNode>> children_;
  std::vector<int> axes_;
  std::vector<int64_t> sizes_;
  const Type *dtype_ = nullptr;
  std::string name_;
  std::vector<int64_t> shape_;
  int tree_id_ = -1;
  int64_t cell_bytes_ = 0, total_bytes_ = 0, base_offset_ = 0, align_ = 1;
  std::vector<AxisTerm> terms_;
};

// One root with its layout. Materializing computes every offset; the tree is frozen after.
class SNodeTree {
 public:
  explicit SNodeTree(int tree_id);
  SNode *root() { return root_.get(); }
  const SNode *root() const { return root_.get(); }
  int id() const { return id_; }
  bool materialized() const { return materialized_; }
  void materialize();  // throws CompileError on an invalid tree
  int64_t total_bytes() const { return root_->total_bytes(); }
  std::vector<SNode *> fields() const;

 private:
  int id_;
  bool materialized_ = false;
  std::unique_ptr<SNode> root_;
};

}  // namespace qtaichi::ir
