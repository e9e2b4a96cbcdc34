#pragma once
// Small helpers shared by the IR and pass tests.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "ir/error.h"

namespace qtaichi::testing {

// Runs fn and returns the CompileError it throws (a test failure when it throws none).
template <typename F>
std::optional<ir::CompileError> compile_error_of(F &&fn) {
  try {
    fn();
  } catch (const ir::CompileError &e) {
    return e;
  }
  ADD_FAILURE() << "expected a CompileError, none was thrown";
  return std::nullopt;
}

}  // namespace qtaichi::testing

// Expects `stmt` to throw CompileError of kind `error_kind` whose message contains `substr`.
#define EXPECT_COMPILE_ERROR(stmt, error_kind, substr)                                         \
  do {                                                                                         \
    auto qti_err_ = ::qtaichi::testing::compile_error_of([&] { stmt; });                       \
    if (qti_err_) {                                                                            \
      EXPECT_EQ(static_cast<int>(qti_err_->kind()), static_cast<int>(error_kind))              \
          << qti_err_->what();                                                                 \
      EXPECT_NE(std::string(qti_err_->what()).find(substr), std::string::npos)                 \
          << "message: " << qti_err_->what();                                                  \
    }                                                                                          \
  } while (0)
