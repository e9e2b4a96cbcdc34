// lower_quant: every load, store and atomic on a bit-level (quant) field becomes plain integer
// work on its container word: shifts and masks to extract digits, the codecs of
// ir/quant_codec.cpp, and, where another thread may write the same word, a compare-and-swap
// loop expressed in IR (WhileStmt + AtomicCASStmt). Shared exponents re-round every member of
// the group inside that loop. After this pass no quant type remains, so every backend gets
// quantization for the price of integer atomics and CAS.
#include <cmath>
#include <map>

#include "ir/builder.h"
#include "ir/error.h"
#include "ir/passes/passes.h"
#include "ir/quant_codec.h"
#include "ir/visitor.h"

namespace qtaichi::ir::passes {

namespace {

struct Write {
  SNode *field;
  Stmt *value;       // in the field's compute type; nullptr when `digits` is given
  Stmt *digits = nullptr;
  Stmt *bit_offset;  // i32 (dynamic inside quant arrays)
};

class LowerQuant {
 public:
  explicit LowerQuant(Kernel &k) : k_(k), b_(&k) {}

  bool run() {
    walk_mutable(k_.body.get(), [&](Stmt *s) { lower(s); });
    // The bit-level addresses are unused now.
    std::vector<Stmt *> dead;
    walk(k_.body.get(), [&](Stmt *s) {
      if (auto *a = s->as<GlobalAddrStmt>(); a && a->is_bit_level()) dead.push_back(s);
    });
    for (Stmt *s : dead) s->parent->erase(s);
    return changed_;
  }

 private:
  static bool bit_level(const Stmt *p) {
    auto *a = p->as<GlobalAddrStmt>();
    return a && a->is_bit_level();
  }

  void lower(Stmt *s) {
    if (auto *l = s->as<GlobalLoadStmt>(); l && bit_level(l->ptr())) {
      begin(s);
      auto *a = l->ptr()->as<GlobalAddrStmt>();
      QuantCodec codec(b_, container(a->field)->container_bits());
      Stmt *word = load_word(a->field, a->byte_offset(), codec);
      finish(s, decode(codec, word, a->field, a->bit_offset()));
    } else if (auto *st = s->as<GlobalStoreStmt>(); st && bit_level(st->ptr())) {
      begin(s);
      auto *a = st->ptr()->as<GlobalAddrStmt>();
      store(container(a->field), a->byte_offset(), {{a->field, st->value(), nullptr, a->bit_offset()}},
            st->thread_safe);
      finish(s, nullptr);
    } else if (auto *bs = s->as<BitStructStoreStmt>()) {
      begin(s);
      std::vector<Write> writes;
      for (size_t i = 0; i < bs->members.size(); i++)
        writes.push_back({bs->members[i], s->ops[i + 1], nullptr,
                          b_.const_i32(bs->members[i]->member().digits_offset)});
      store(bs->bit_struct, bs->byte_offset(), writes, bs->thread_safe);
      finish(s, nullptr);
    } else if (auto *at = s->as<AtomicOpStmt>(); at && bit_level(at->ptr())) {
      begin(s);
      finish(s, atomic(at));
    }
  }

  void begin(Stmt *s) {
    b_.set_insert_before(s);
    b_.set_loc(s->loc);
  }

  void finish(Stmt *s, Stmt *replacement) {
    if (replacement) replace_all_uses(k_.body.get(), s, replacement);
    s->parent->erase(s);
    changed_ = true;
  }

  SNode *container(SNode *field) {
    SNode *c = field->parent();
    if (c->container_bits() > 32 && !k_.target.int64)
      compile_error(ErrorKind::type,
                    "quant field '" + field->str() + "' is in a 64-bit container; the " +
                        std::string(arch_name(k_.target.arch)) +
                        " target has no 64-bit integers (use a container of at most 32 bits)",
                    b_.loc());
    return c;
  }

  Stmt *word_ptr(SNode *c, Stmt *byte_offset) {
    auto a = std::make_unique<GlobalAddrStmt>();
    a->field = c;
    a->tree_id = c->tree_id();
    a->ops = {byte_offset};
    a->ret_type = container_type(c->container_bits());
    return b_.insert(std::move(a));
  }

  Stmt *load_word(SNode *field, Stmt *byte_offset, QuantCodec &codec) {
    return b_.cast(b_.global_load(word_ptr(container(field), byte_offset)), codec.work_type());
  }

  Stmt *work_offset(QuantCodec &codec, Stmt *bit_offset) {
    return b_.cast(bit_offset, codec.work_type());
  }

  // The field's value in a word (work type).
  Stmt *decode(QuantCodec &codec, Stmt *word, SNode *f, Stmt *bit_offset) {
    const QuantType *q = f->quant_type();
    Stmt *digits = codec.extract(word, work_offset(codec, bit_offset), q->digits_bits());
    if (q->kind() != QuantKind::float_) return codec.decode_int_digits(q, digits);
    Stmt *exp = codec.extract(word, codec.work_const(f->member().exponent_offset),
                              q->exponent_bits());
    if (f->member().shared_group >= 0) return codec.decode_shared(q, exp, digits);
    return codec.decode_float(q, exp, digits);
  }

  // The new word: `old` (work type; may be null when every member is written) with the written
  // members replaced; shared-exponent groups are re-rounded as a whole. Sets *covers_all when
  // the result does not depend on `old`.
  Stmt *compose(QuantCodec &codec, SNode *c, Stmt *old, const std::vector<Write> &writes,
                bool *covers_all) {
    Stmt *mask = codec.work_const(0), *bits = codec.work_const(0);
    auto put = [&](Stmt *field_bits, Stmt *offset, int width) {
      Stmt *off = work_offset(codec, offset);
      mask = b_.binary(BinaryOp::bit_or, mask, codec.place(codec.mask(width), off));
      bits = b_.binary(BinaryOp::bit_or, bits, codec.place(field_bits, off));
    };
    std::map<int, std::vector<const Write *>> groups;
    std::vector<SNode *> written;
    for (const Write &w : writes) {
      written.push_back(w.field);
      const QuantType *q = w.field->quant_type();
      if (w.field->member().shared_group >= 0) {
        groups[w.field->member().shared_group].push_back(&w);
        continue;
      }
      if (q->kind() != QuantKind::float_) {
        put(w.digits ? w.digits : codec.encode_int_digits(q, w.value), w.bit_offset,
            q->digits_bits());
      } else {
        Stmt *e, *d;
        codec.encode_float(q, w.value, &e, &d);
        put(e, b_.const_i32(w.field->member().exponent_offset), q->exponent_bits());
        put(d, w.bit_offset, q->digits_bits());
      }
    }
    for (auto &[group, members] : groups) {
      // Every member of the group: its new value if written, else its current value.
      std::vector<std::pair<SNode *, Stmt *>> values;
      for (auto &child : c->children()) {
        if (child->member().shared_group != group) continue;
        Stmt *v = nullptr;
        for (const Write *w : members)
          if (w->field == child.get()) v = w->value;
        if (!v) {
          if (!old) compile_error(ErrorKind::internal, "shared group read without a word", b_.loc());
          v = decode(codec, old, child.get(), b_.const_i32(child->member().digits_offset));
        }
        values.push_back({child.get(), v});
      }
      const QuantType *q = values[0].first->quant_type();
      Stmt *e = nullptr;
      for (auto &[f, v] : values) {
        Stmt *ev = codec.shared_exponent_of(f->quant_type(), v);  // its own signedness
        e = e ? b_.binary(BinaryOp::max, e, ev) : ev;
      }
      e = codec.clamp_shared_exponent(q, e);
      put(b_.cast(e, codec.work_type()), b_.const_i32(values[0].first->member().exponent_offset),
          q->exponent_bits());
      for (auto &[f, v] : values) {
        written.push_back(f);
        put(codec.encode_shared_digits(f->quant_type(), v, e),
            b_.const_i32(f->member().digits_offset), f->quant_type()->digits_bits());
      }
    }
    *covers_all = c->kind() == SNodeKind::bit_struct;
    for (auto &child : c->children()) {
      bool found = false;
      for (SNode *f : written) found = found || f == child.get();
      *covers_all = *covers_all && found;
    }
    if (*covers_all || !old) return bits;
    return b_.binary(BinaryOp::bit_or, b_.binary(BinaryOp::bit_and, old, b_.unary(UnaryOp::bit_not, mask)),
                     bits);
  }

  bool needs_old(SNode *c, const std::vector<Write> &writes) {
    if (c->kind() != SNodeKind::bit_struct) return true;
    for (auto &child : c->children()) {
      bool found = false;
      for (const Write &w : writes) found = found || w.field == child.get();
      if (!found) return true;
    }
    return false;
  }

  // Runs `body(old_word) -> new_word` on the word: one plain store when no other thread can
  // touch the word, else a compare-and-swap loop: on the word itself, or, where the target has
  // no CAS of the container's width (8/16 bits on GPUs), on the aligned 32-bit word holding it.
  void update_word(SNode *c, Stmt *byte_offset, bool thread_safe, SNode *field,
                   const std::function<Stmt *(QuantCodec &, Stmt *)> &body) {
    int bits = c->container_bits();
    QuantCodec codec(b_, bits);
    const Type *ct = container_type(bits);
    if (thread_safe) {
      Stmt *ptr = word_ptr(c, byte_offset);
      Stmt *old = b_.cast(b_.global_load(ptr), codec.work_type());
      b_.global_store(ptr, b_.cast(body(codec, old), ct));
      return;
    }
    if (!k_.target.has_cas(bits)) {
      if (bits > 32)
        compile_error(ErrorKind::type,
                      "quant field '" + field->str() + "' is in a 64-bit container, which needs "
                      "64-bit compare-and-swap; the " + arch_name(k_.target.arch) +
                      " target has none (use a container of at most 32 bits)", b_.loc());
      update_through_word32(c, byte_offset, codec, body);
      return;
    }
    Stmt *ptr = word_ptr(c, byte_offset);
    b_.cas_loop(ptr, [&](Stmt *old) {
      return b_.cast(body(codec, b_.cast(old, codec.work_type())), ct);
    });
  }

  // The CAS loop of an 8/16-bit container on the little-endian 32-bit word around it.
  void update_through_word32(SNode *c, Stmt *byte_offset,  QuantCodec &codec,
                             const std::function<Stmt *(QuantCodec &, Stmt *)> &body) {
    const Type *ot = byte_offset->ret_type;
    Stmt *aligned = b_.binary(BinaryOp::bit_and, byte_offset, b_.const_int(ot, ~int64_t(3)));
    Stmt *shift = b_.cast(b_.binary(BinaryOp::mul,
                                    b_.binary(BinaryOp::bit_and, byte_offset, b_.const_int(ot, 3)),
                                    b_.const_int(ot, 8)),
                          types::u32());
    auto word = std::make_unique<GlobalAddrStmt>();
    word->field = c;
    word->tree_id = c->tree_id();
    word->ops = {aligned};
    word->ret_type = types::u32();
    Stmt *ptr = b_.insert(std::move(word));
    Stmt *mask = b_.const_int(types::u32(), (int64_t(1) << c->container_bits()) - 1);
    Stmt *hole = b_.unary(UnaryOp::bit_not, b_.binary(BinaryOp::shl, mask, shift));
    b_.cas_loop(ptr, [&](Stmt *old32) {
      Stmt *old = b_.binary(BinaryOp::bit_and, b_.binary(BinaryOp::shr, old32, shift), mask);
      Stmt *updated = b_.cast(body(codec, b_.cast(old, codec.work_type())), types::u32());
      updated = b_.binary(BinaryOp::bit_and, updated, mask);
      return b_.binary(BinaryOp::bit_or, b_.binary(BinaryOp::bit_and, old32, hole),
                       b_.binary(BinaryOp::shl, updated, shift));
    });
  }

  void store(SNode *c, Stmt *byte_offset, const std::vector<Write> &writes, bool thread_safe) {
    if (!needs_old(c, writes)) {
      // Every member is written: one plain store of the whole word, no read, no CAS.
      QuantCodec codec(b_, c->container_bits());
      bool all;
      Stmt *word = compose(codec, c, nullptr, writes, &all);
      b_.global_store(word_ptr(c, byte_offset), b_.cast(word, container_type(c->container_bits())));
      return;
    }
    bool demote = thread_safe && k_.quant_atomic_demotion;
    update_word(c, byte_offset, demote, writes[0].field, [&](QuantCodec &codec, Stmt *old) {
      bool all;
      return compose(codec, c, old, writes, &all);
    });
  }

  // An atomic min/max operand outside the field's range is clamped to it first, so that
  // atomic_max never lowers a field and atomic_min never raises it (a stored value would wrap).
  // Quant floats saturate on store already.
  Stmt *clamp_to_range(const QuantType *q, Stmt *v) {
    if (q->kind() == QuantKind::float_) return v;
    int bits = q->digits_bits();
    double lo = q->is_signed() ? -std::ldexp(1.0, bits - 1) : 0.0;
    double hi = q->is_signed() ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    const Type *ct = q->compute_type();
    Stmt *clo, *chi;
    if (q->kind() == QuantKind::int_ && v->ret_type->is_int()) {
      // In the operand's own type (-100 must not wrap to a large unsigned value first).
      using i128 = __int128;
      auto range = [](int n, bool s) {
        return s ? std::pair<i128, i128>{-(i128(1) << (n - 1)), (i128(1) << (n - 1)) - 1}
                 : std::pair<i128, i128>{0, (i128(1) << n) - 1};
      };
      auto [qlo, qhi] = range(bits, q->is_signed());
      const Type *t = v->ret_type;
      auto [tlo, thi] = range(t->bits(), t->is_signed());
      if (qlo > tlo) v = b_.binary(BinaryOp::max, v, b_.const_int(t, static_cast<int64_t>(qlo)));
      if (qhi < thi) v = b_.binary(BinaryOp::min, v, b_.const_int(t, static_cast<int64_t>(qhi)));
      return b_.cast(v, ct);
    }
    v = b_.cast(v, ct);
    if (q->kind() == QuantKind::fixed) {
      // Bounds inside the range after rounding to the compute type (else they would wrap).
      auto inside = [&](double x) {
        if (ct->kind() != PrimKind::f32) return x;
        float f = static_cast<float>(x);
        return static_cast<double>(std::fabs(f) > std::fabs(x) ? std::nextafter(f, 0.0f) : f);
      };
      clo = b_.const_float(ct, inside(lo * q->scale()));
      chi = b_.const_float(ct, inside(hi * q->scale()));
    } else {
      if (bits >= ct->bits()) return v;  // the whole compute type fits
      clo = b_.const_int(ct, static_cast<int64_t>(lo));
      chi = b_.const_int(ct, static_cast<int64_t>(hi));
    }
    return b_.binary(BinaryOp::min, b_.binary(BinaryOp::max, v, clo), chi);
  }

  Stmt *atomic(AtomicOpStmt *at) {
    auto *a = at->ptr()->as<GlobalAddrStmt>();
    SNode *f = a->field;
    const QuantType *q = f->quant_type();
    Stmt *result = b_.local_var(f->dtype());
    bool demote = at->thread_safe && k_.quant_atomic_demotion;
    update_word(container(f), a->byte_offset(), demote, f, [&](QuantCodec &codec, Stmt *old) {
      Stmt *old_value = decode(codec, old, f, a->bit_offset());
      b_.local_store(result, old_value);
      Write w{f, nullptr, nullptr, a->bit_offset()};
      bool digits_domain = q->kind() != QuantKind::float_ &&
                           (at->op == AtomicOp::add || at->op == AtomicOp::sub ||
                            at->op == AtomicOp::bit_and || at->op == AtomicOp::bit_or ||
                            at->op == AtomicOp::bit_xor);
      if (digits_domain) {
        // Exact in digits, wrapping modulo 2^bits.
        Stmt *od = codec.extract(old, b_.cast(a->bit_offset(), codec.work_type()), q->digits_bits());
        Stmt *dv = codec.encode_int_digits(q, at->value());
        BinaryOp op = binary_op_of(at->op);
        w.digits = b_.binary(BinaryOp::bit_and, b_.binary(op, od, dv), codec.mask(q->digits_bits()));
      } else {
        if (q->kind() == QuantKind::float_ && (at->op == AtomicOp::bit_and ||
                                               at->op == AtomicOp::bit_or ||
                                               at->op == AtomicOp::bit_xor))
          compile_error(ErrorKind::type, "bit atomics need an integer field, '" + f->str() +
                                             "' is " + q->str(), at->loc);
        BinaryOp op = binary_op_of(at->op);
        Stmt *operand = at->value();
        if (op == BinaryOp::min || op == BinaryOp::max) operand = clamp_to_range(q, operand);
        w.value = b_.binary(op, old_value, operand);
      }
      bool all;
      return compose(codec, container(f), old, {w}, &all);
    });
    return b_.local_load(result);
  }

  Kernel &k_;
  Builder b_;
  bool changed_ = false;
};

}  // namespace

bool lower_quant(Kernel &k) { return LowerQuant(k).run(); }

}  // namespace qtaichi::ir::passes
