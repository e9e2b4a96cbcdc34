#pragma once
// Field layout: an SNode tree (root -> dense(axes, shape) -> ... -> place(field)) and the byte
// layout computed from it. Bit-level fields live in `bit_struct` nodes (members of one container
// word) or `quant_array` nodes (equal elements packed in one word, indexed along axes). A field access is (tree id, byte offset), never a host pointer, so the
// same layout serves the CPU, CUDA and Vulkan backends. Only dense nodes exist for now; pointer or
// bitmasked nodes would be new kinds here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/quant_type.h"
#include "ir/type.h"

namespace qtaichi::ir {

enum class SNodeKind { root, dense, bit_struct, quant_array, place };

// One level's contribution to a field's address along one axis:
// offset += ((index[axis] / divisor) % size) * stride, in bytes (dense levels) or in bits within
// the container word (quant_array levels).
struct AxisTerm {
  int axis = 0;
  int64_t divisor = 1;
  int64_t size = 1;
  int64_t stride_bytes = 0;  // the stride; in bits when in_bits
  bool needs_mod = false;    // false on the outermost level of an axis (the index is in range)
  bool in_bits = false;
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
  // A container word per cell of this node, for BitpackedFields(max_num_bits).
  SNode *bit_struct(int container_bits);
  // On a bit_struct: places one `BitpackedFields.place(...)` call's members, packed upward from
  // the next free bit. With shared_exponent, the call's quant floats share one exponent field
  // placed before the first of them.
  std::vector<SNode *> place_bit_members(
      const std::vector<std::pair<const QuantType *, std::string>> &members,
      bool shared_exponent);
  // prod(sizes) elements of one quant int/fixed field packed in a word, along `axes`.
  SNode *quant_array(const std::vector<int> &axes, const std::vector<int64_t> &sizes,
                     int container_bits);
  // On a quant_array: its one element field.
  SNode *place_quant(const QuantType *type, const std::string &name);

  // dense
  const std::vector<int> &axes() const { return axes_; }
  const std::vector<int64_t> &sizes() const { return sizes_; }
  // bit_struct / quant_array
  int container_bits() const { return container_bits_; }
  const BitStructType *bit_struct_type() const;  // for bit_struct nodes
  int bits_used() const { return bits_used_; }
  // place (a field)
  const Type *dtype() const { return dtype_; }        // the compute type of a quant field
  const QuantType *quant_type() const { return quant_; }  // nullptr for primitive fields
  bool is_bit_level() const { return quant_ != nullptr; }
  const BitStructMember &member() const { return member_; }  // offsets inside the word
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
  // Byte offset of one element (of its container word, for bit-level fields), for Python-scope
  // access; indices must be in range.
  int64_t element_offset(const std::vector<int64_t> &index) const;
  // For bit-level fields: the bit where the element's digits start in its word.
  int64_t element_bit_offset(const std::vector<int64_t> &index) const;

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
  const QuantType *quant_ = nullptr;
  BitStructMember member_;
  int container_bits_ = 0, bits_used_ = 0, next_group_ = 0;
  int last_id_ = 0;  // root only: the last id given to a node of this tree
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
  // The bytes a device allocates for the tree: padded to 4, so that the aligned 32-bit word
  // holding any 8/16-bit container exists (lower_quant on targets with 32-bit CAS only).
  int64_t total_bytes() const { return (root_->total_bytes() + 3) / 4 * 4; }
  std::vector<SNode *> fields() const;

 private:
  int id_;
  bool materialized_ = false;
  std::unique_ptr<SNode> root_;
};

}  // namespace qtaichi::ir
