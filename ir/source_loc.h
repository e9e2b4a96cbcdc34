#pragma once
// Where a statement came from in user code (Python or C++), so that errors found in any pass can
// point at it.
#include <memory>
#include <string>

namespace qtaichi::ir {

struct SourceLoc {
  std::shared_ptr<const std::string> file;  // shared: thousands of statements, few files
  int line = 0;
  int col = 0;

  bool known() const { return file && line > 0; }
  std::string str() const { return known() ? *file + ":" + std::to_string(line) : "<unknown>"; }
};

}  // namespace qtaichi::ir
