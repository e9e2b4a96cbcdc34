#pragma once
// Golden-text helpers for IR tests. A golden file tests/cpp/golden/<name>.txt holds the expected
// text; run the tests with QTAICHI_UPDATE_GOLDEN=1 to (re)write the files, then review the diff.
#include <string>

#include "ir/kernel.h"

namespace qtaichi::testing {

// Compares `text` with tests/cpp/golden/<name>.txt (a gtest failure showing the first differing
// line when they differ or the file is missing); rewrites the file when QTAICHI_UPDATE_GOLDEN=1.
void expect_golden(const std::string &name, const std::string &text);

// Runs `pass` (named `pass_name` in the log) on k and locks the IR before and after it in
// golden/<golden_name>.txt; the result must verify and a second run must change nothing.
// Returns what the first run returned.
bool expect_pass_golden(ir::Kernel &k, bool (*pass)(ir::Kernel &), const std::string &pass_name,
                        const std::string &golden_name);

// Collects the IR of one kernel at several points, e.g. before and after a pass:
//   --- before ---
//   kernel ...
//   --- after type_check ---
//   kernel ...
class IrLog {
 public:
  IrLog &add(const std::string &title, const ir::Kernel &k);
  IrLog &note(const std::string &line);  // a free-form "# ..." comment line
  const std::string &str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace qtaichi::testing
