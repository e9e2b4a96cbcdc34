// rt::KernelDesc: the launch description survives its JSON form unchanged, and a malformed
// document is a clear error.
#include <gtest/gtest.h>

#include <stdexcept>

#include "runtime/kernel_desc.h"

using namespace qtaichi::rt;

TEST(KernelDesc, JsonRoundTrip) {
  KernelDesc d;
  d.name = "p2g";
  d.args = {{"dt", "f32", 0, 0}, {"x", "f32", 2, 1}};
  d.num_arg_slots = 4;
  d.ret_type = "i32";
  d.temp_bytes = 16;
  d.bindings = {{BindingKind::tree, 0}, {BindingKind::tree, 2}, {BindingKind::ndarray, 1},
                {BindingKind::temps, 0}, {BindingKind::args, 0}, {BindingKind::result, 0},
                {BindingKind::error, 0}};
  d.tasks = {{TaskKind::serial, "k_t0", 0, 0, -1, -1, 0},
             {TaskKind::range_for, "k_t1", 0, 0, -1, 8, 128}};
  d.assertions = {{"index %d is out of range [0, 8) on axis 0 of field 'x'", "a.py", 12, 1,
                   true}};
  std::string json = d.to_json();
  EXPECT_NE(json.find("\"range_for\""), std::string::npos);
  EXPECT_NE(json.find("\"ndarray\""), std::string::npos);
  KernelDesc back = KernelDesc::from_json(json);
  EXPECT_EQ(back, d);
  EXPECT_EQ(back.to_json(), json);
}

TEST(KernelDesc, MalformedJsonNamesTheProblem) {
  try {
    KernelDesc::from_json("{\"name\": \"k\"}");
    FAIL() << "no error";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("malformed kernel description"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("args"), std::string::npos) << e.what();
  }
  EXPECT_THROW(KernelDesc::from_json("not json"), std::runtime_error);
}
