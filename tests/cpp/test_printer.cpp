// The printer: one line per statement, values numbered $0, $1, ... in print order, blocks
// indented. The text is the golden form of every pass test and the compile-cache key.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden.h"
#include "ir/builder.h"
#include "ir/printer.h"
#include "ir/quant_type.h"
#include "ir/verifier.h"

using namespace qtaichi::ir;
using qtaichi::testing::expect_golden;

namespace {

// A kernel (already in offloaded, lowered form) that holds one of every statement kind.
void build_every_kind(Kernel &k, SNode *x, SNode *word_node) {
  k.args = {{"n", types::i32()}, {"scale", types::f32()}, {"arr", types::f32(), 2}};
  k.ret_type = types::f32();
  Builder b(&k);
  auto task = [&](TaskKind kind) {
    auto t = std::make_unique<OffloadedTaskStmt>();
    t->task_kind = kind;
    return static_cast<OffloadedTaskStmt *>(k.body->append(std::move(t)));
  };
  auto temp = [&](int64_t offset, const Type *t) {
    auto g = std::make_unique<GlobalTempStmt>();
    g->offset = offset;
    g->ret_type = t;
    return b.insert(std::move(g));
  };

  OffloadedTaskStmt *serial = task(TaskKind::serial);
  b.push_block(serial->body.get());
  Stmt *n = b.arg(0);
  Stmt *one = b.const_i32(1);
  Stmt *n1 = b.binary(BinaryOp::add, n, one);
  b.global_store(temp(0, types::i32()), n1);
  Stmt *acc = b.local_var(types::f32());
  b.local_store(acc, b.const_float(types::f32(), 0.5));
  b.global_store(temp(8, types::f32()), b.local_load(acc));
  b.print({std::string("n ="), n, std::string("tab\tquote\" backslash\\ newline\n")});
  b.pop_block();

  OffloadedTaskStmt *range = task(TaskKind::range_for);
  range->begin = 0;
  range->end_temp = 0;
  range->block_dim = 128;
  b.push_block(range->body.get());
  Stmt *i = b.loop_index(range);
  Stmt *neg = b.unary(UnaryOp::neg, i);
  Stmt *in_range = b.binary(BinaryOp::cmp_lt, neg, b.const_i32(0));
  b.assert_(in_range, "index %d is negative", {i});
  Stmt *zero = b.const_i32(0);
  auto *inner = b.range_for(zero, b.const_i32(4));
  inner->serialize = true;
  b.push_block(inner->body.get());
  Stmt *j = b.loop_index(inner);
  auto *branch = b.if_(b.binary(BinaryOp::cmp_eq, j, b.const_i32(3)));
  b.push_block(branch->true_block.get());
  b.continue_();
  b.pop_block();
  b.push_block(branch->false_block.get());
  b.break_();
  b.pop_block();
  b.pop_block();
  Stmt *p = b.global_ptr(x, {i});
  Stmt *v = b.global_load(p);
  Stmt *sel = b.select(in_range, v, b.const_float(types::f32(), -1.0));
  b.global_store(p, sel);
  b.atomic(AtomicOp::max, p, b.arg(1));
  Stmt *bits = b.bit_cast(v, types::i32());
  auto addr = std::make_unique<GlobalAddrStmt>();
  addr->field = x;
  addr->tree_id = x->tree_id();
  addr->ops = {b.cast(bits, types::i64())};
  Stmt *a = b.insert(std::move(addr));
  b.atomic_cas(a, v, b.const_float(types::f32(), 2.0));
  b.atomic(AtomicOp::add, temp(8, types::f32()), v);
  Stmt *cols = b.external_shape(2, 1);
  Stmt *e = b.external_ptr(2, {i, cols});
  b.global_store(e, b.random(types::f32()));
  auto seed = std::make_unique<ContextValueStmt>();
  seed->which = ContextValue::launch_id;
  seed->ret_type = types::u64();
  b.insert(std::move(seed));
  auto eaddr = std::make_unique<ExternalAddrStmt>();
  eaddr->arg_id = 2;
  eaddr->ops = {b.const_int(types::i64(), 8)};
  b.global_load(b.insert(std::move(eaddr)));
  auto word = std::make_unique<BitStructStoreStmt>();
  word->bit_struct = word_node;
  for (const auto &member : word_node->children()) word->members.push_back(member.get());
  word->ops = {b.const_int(types::i64(), 64), b.const_i32(-1), b.const_i32(7)};
  b.insert(std::move(word));
  auto *w = b.while_();
  b.push_block(w->body.get());
  b.break_();
  b.pop_block();
  b.pop_block();

  OffloadedTaskStmt *last = task(TaskKind::serial);
  b.push_block(last->body.get());
  Stmt *sum = b.global_load(temp(8, types::f32()));
  b.ret(b.binary(BinaryOp::mul, sum, b.unary(UnaryOp::sqrt, b.const_float(types::f64(), 2))));
  b.pop_block();
  k.offloaded = true;
}

TEST(Printer, EveryStatementKind) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {16})->place(types::f32(), "x");
  SNode *bits = tree.root()->dense({0}, {16})->bit_struct(32);
  bits->place_bit_members({{QuantType::get_int(8, true), "qa"}, {QuantType::get_int(4, false), "qb"}},
                          false);
  tree.materialize();
  Kernel k("every_kind");
  build_every_kind(k, x, bits);
  // (Not verified: no single pipeline stage has both field pointers and lowered addresses.)
  // Every kind in ir/stmt_kinds.inc appears at least once.
  std::vector<int> seen(static_cast<int>(StmtKind::OffloadedTaskStmt) + 1, 0);
  walk(k.body.get(), [&](Stmt *s) { seen[static_cast<int>(s->kind())]++; });
  for (size_t kind = 0; kind < seen.size(); kind++)
    EXPECT_GT(seen[kind], 0) << "statement kind #" << kind
                             << " (see ir/stmt_kinds.inc) is missing: add it to build_every_kind";
  expect_golden("printer_every_kind", print_kernel(k));
}

TEST(Printer, NumberingIsStable) {
  SNodeTree tree(0);
  SNode *x = tree.root()->dense({0}, {16})->place(types::f32(), "x");
  SNode *bits = tree.root()->dense({0}, {16})->bit_struct(32);
  bits->place_bit_members({{QuantType::get_int(8, true), "qa"}, {QuantType::get_int(4, false), "qb"}},
                          false);
  tree.materialize();
  Kernel k1("every_kind"), k2("every_kind");
  build_every_kind(k1, x, bits);
  build_every_kind(k2, x, bits);
  std::string text = print_kernel(k1);
  EXPECT_EQ(text, print_kernel(k1)) << "printing twice gives the same text";
  EXPECT_EQ(text, print_kernel(k2)) << "equal kernels print alike, wherever they live in memory";
  EXPECT_EQ(text.find("$?"), std::string::npos);
  EXPECT_EQ(text.find("$null"), std::string::npos);
}

TEST(Printer, EscapesStrings) {
  Kernel k("strings");
  Builder b(&k);
  Stmt *c = b.const_i32(7);
  b.print({std::string("a \"quoted\" \\path\\"), c, std::string("line\nnext\ttab\r\x01")});
  b.assert_(c, "bad \"%d\"\n", {c});
  EXPECT_EQ(print_kernel(k),
            "kernel strings() -> void {\n"
            "  $0 : i32 = const 7\n"
            "  print \"a \\\"quoted\\\" \\\\path\\\\\", $0, \"line\\nnext\\ttab\\r\\x01\"\n"
            "  assert $0, \"bad \\\"%d\\\"\\n\", $0\n"
            "}\n");
}

TEST(Printer, Constants) {
  Kernel k("consts");
  Builder b(&k);
  b.const_int(types::u32(), 4294967295LL);
  b.const_int(types::u8(), 255);
  b.const_int(types::i64(), std::numeric_limits<int64_t>::min());
  b.const_int(types::u64(), -1);
  b.const_float(types::f32(), 1.0);
  b.const_float(types::f32(), 0.1);
  b.const_float(types::f64(), 0.1);
  b.const_float(types::f64(), 0.1 + 1e-12);
  b.const_float(types::f64(), 1.0 / 3);
  b.const_float(types::f64(), -0.0);
  b.const_float(types::f64(), 1e20);
  b.const_float(types::f32(), INFINITY);
  b.const_float(types::f64(), -INFINITY);
  b.const_float(types::f64(), NAN);
  EXPECT_EQ(print_kernel(k),
            "kernel consts() -> void {\n"
            "  $0 : u32 = const 4294967295\n"
            "  $1 : u8 = const 255\n"
            "  $2 : i64 = const -9223372036854775808\n"
            "  $3 : u64 = const 18446744073709551615\n"
            "  $4 : f32 = const 1.0\n"
            "  $5 : f32 = const 0.1\n"
            "  $6 : f64 = const 0.1\n"
            "  $7 : f64 = const 0.10000000000100001\n"
            "  $8 : f64 = const 0.3333333333333333\n"
            "  $9 : f64 = const -0.0\n"
            "  $10 : f64 = const 1e+20\n"
            "  $11 : f32 = const inf\n"
            "  $12 : f64 = const -inf\n"
            "  $13 : f64 = const nan\n"
            "}\n");
}

TEST(Printer, SignatureAndEmptyBlocks) {
  Kernel k("sig");
  k.args = {{"a", types::u8()}, {"b", types::f64()}};
  k.ret_type = types::i64();
  Builder b(&k);
  auto *branch = b.if_(b.arg(0));
  (void)branch;
  EXPECT_EQ(print_kernel(k),
            "kernel sig(a: u8, b: f64) -> i64 {\n"
            "  $0 : u8 = arg 0\n"
            "  if $0 {\n"
            "  }\n"
            "}\n");
}

TEST(Printer, UndefinedOperandsAreVisible) {
  // A use before its definition prints as $? rather than a wrong number.
  Kernel k("broken");
  Builder b(&k);
  Stmt *c = b.const_i32(1);
  Stmt *add = b.binary(BinaryOp::add, c, c);
  k.body->stmts[0].swap(k.body->stmts[1]);
  (void)add;
  EXPECT_EQ(print_kernel(k),
            "kernel broken() -> void {\n"
            "  $0 : i32 = add $?, $?\n"
            "  $1 : i32 = const 1\n"
            "}\n");
}

}  // namespace
