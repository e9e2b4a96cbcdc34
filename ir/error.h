#pragma once
// Errors found while building or compiling a kernel. The Python layer maps `kind` to Taichi's
// exception classes and adds the offending source line.
#include <stdexcept>
#include <string>

#include "ir/source_loc.h"

namespace qtaichi::ir {

enum class ErrorKind { syntax, type, name, index, compile, internal };

class CompileError : public std::runtime_error {
 public:
  CompileError(ErrorKind kind, const std::string &message, SourceLoc loc = {})
      : std::runtime_error(message), kind_(kind), loc_(std::move(loc)) {}
  ErrorKind kind() const { return kind_; }
  const SourceLoc &loc() const { return loc_; }

 private:
  ErrorKind kind_;
  SourceLoc loc_;
};

[[noreturn]] inline void compile_error(ErrorKind kind, const std::string &message,
                                       const SourceLoc &loc) {
  throw CompileError(kind, message, loc);
}

}  // namespace qtaichi::ir
