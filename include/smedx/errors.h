// Exceptions, split by who is at fault: the rule-set author or the survey data.
// Loading and scoring report problems as Issues; these are thrown only where the caller asked
// for something that cannot be had (the rules of a rule set that failed to load, say).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The rule set is wrong. Carries every issue; path/line/column are the first error's.
class RuleSetError : public Error {
 public:
  explicit RuleSetError(std::vector<Issue> issues);
  const std::vector<Issue>& issues() const noexcept { return issues_; }
  const std::string& path() const noexcept { return path_; }
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }

 private:
  std::vector<Issue> issues_;
  std::string path_, file_;
  int line_ = 0, column_ = 0;
};

}  // namespace smedx
