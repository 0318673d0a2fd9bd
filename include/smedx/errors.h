// Exceptions, split by who is at fault: the rule-set author (RuleSetError) or the survey data
// (SurveyError). Loading and scoring report problems as Issues inside their results; these are
// thrown only where the caller asked for something that cannot be had: the rules of a rule set
// that failed to load, or the diagnosis of one survey that cannot be scored.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx {

// Carries every issue; path/file/line/column are the first error's.
class Error : public std::runtime_error {
 public:
  Error(std::string_view heading, std::vector<Issue> issues);
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

// The rule set is wrong: "rule set has errors:" and every issue, one per line.
class RuleSetError : public Error {
 public:
  explicit RuleSetError(std::vector<Issue> issues);
};

// A survey cannot be scored: "survey has errors:" and every issue, one per line.
class SurveyError : public Error {
 public:
  explicit SurveyError(std::vector<Issue> issues);
};

}  // namespace smedx
