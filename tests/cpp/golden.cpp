#include "golden.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "ir/printer.h"
#include "ir/verifier.h"

#ifndef QTAICHI_GOLDEN_DIR
#error "QTAICHI_GOLDEN_DIR must point at tests/cpp/golden"
#endif

namespace qtaichi::testing {

namespace {

std::string golden_path(const std::string &name) {
  return std::string(QTAICHI_GOLDEN_DIR) + "/" + name + ".txt";
}

bool updating() {
  const char *v = std::getenv("QTAICHI_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

void expect_golden(const std::string &name, const std::string &text) {
  const std::string path = golden_path(name);
  if (updating()) {
    std::ofstream out(path, std::ios::binary);
    ASSERT_TRUE(out) << "cannot write " << path;
    out << text;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing golden file " << path
                  << " (run with QTAICHI_UPDATE_GOLDEN=1 to create it). Actual text:\n"
                  << text;
    return;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string expected = buf.str();
  if (expected == text) return;
  auto want = lines_of(expected), got = lines_of(text);
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) i++;
  ADD_FAILURE() << "IR differs from golden " << path << " at line " << i + 1 << ":\n"
                << "  expected: " << (i < want.size() ? want[i] : "<end of file>") << "\n"
                << "  actual:   " << (i < got.size() ? got[i] : "<end of text>") << "\n"
                << "(rerun with QTAICHI_UPDATE_GOLDEN=1 and review the diff if the change is "
                   "intended). Actual text:\n"
                << text;
}

IrLog &IrLog::add(const std::string &title, const ir::Kernel &k) {
  text_ += "--- " + title + " ---\n" + ir::print_kernel(k);
  return *this;
}

IrLog &IrLog::note(const std::string &line) {
  text_ += "# " + line + "\n";
  return *this;
}

bool expect_pass_golden(ir::Kernel &k, bool (*pass)(ir::Kernel &), const std::string &pass_name,
                        const std::string &golden_name) {
  IrLog log;
  log.add("before", k);
  bool changed = pass(k);
  log.add("after " + pass_name, k);
  EXPECT_NO_THROW(ir::verify(k, pass_name));
  EXPECT_FALSE(pass(k)) << "a second run of " << pass_name << " changes nothing";
  expect_golden(golden_name, log.str());
  return changed;
}

}  // namespace qtaichi::testing
